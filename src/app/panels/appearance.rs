//! Appearance: colours (with pickers that write `rgb(r, g, b)`), logo text, strip shine.

use egui::Ui;
use passmith_core::PassDocument;

use crate::app::widgets::{self, Ed};

pub fn ui(ui: &mut Ui, ed: &mut Ed<'_>, doc: &mut PassDocument) {
    widgets::grid(ui, "appearance-grid", |ui| {
        let p = &mut doc.pass;
        widgets::color(
            ui,
            ed,
            "Background colour",
            &mut p.background_color,
            "/backgroundColor",
        );
        widgets::color(
            ui,
            ed,
            "Foreground colour",
            &mut p.foreground_color,
            "/foregroundColor",
        );
        widgets::color(ui, ed, "Label colour", &mut p.label_color, "/labelColor");
        widgets::color(
            ui,
            ed,
            "Strip text colour",
            &mut p.strip_color,
            "/stripColor",
        );
        widgets::opt_text(
            ui,
            ed,
            "Logo text",
            &mut p.logo_text,
            "/logoText",
            "Shown beside the logo",
        );
        widgets::opt_bool(
            ui,
            ed,
            "Suppress strip shine",
            &mut p.suppress_strip_shine,
            "/suppressStripShine",
            "Older iOS versions draw a glossy shine over the strip image",
        );
    });
}
