//! Appearance: colours (with pickers that write `rgb(r, g, b)`), logo text, strip shine.

use egui::Ui;
use passmith_core::PassDocument;

use crate::app::widgets::{self, Ed};

pub fn ui(ui: &mut Ui, ed: &mut Ed<'_>, doc: &mut PassDocument) {
    widgets::grid_ui(ui, "appearance-grid", |ui| {
        let p = &mut doc.pass;
        widgets::color_ui(
            ui,
            ed,
            "Background colour",
            &mut p.background_color,
            "/backgroundColor",
        );
        widgets::color_ui(
            ui,
            ed,
            "Foreground colour",
            &mut p.foreground_color,
            "/foregroundColor",
        );
        widgets::color_ui(ui, ed, "Label colour", &mut p.label_color, "/labelColor");
        widgets::color_ui(
            ui,
            ed,
            "Strip text colour",
            &mut p.strip_color,
            "/stripColor",
        );
        widgets::opt_text_ui(
            ui,
            ed,
            "Logo text",
            &mut p.logo_text,
            "/logoText",
            "Shown beside the logo",
        );
        widgets::opt_bool_ui(
            ui,
            ed,
            "Suppress strip shine",
            &mut p.suppress_strip_shine,
            "/suppressStripShine",
            "Older iOS versions draw a glossy shine over the strip image",
        );
    });
}
