//! Appearance: colours (with pickers and hex boxes that write `rgb(r, g, b)`), background colours
//! suggested from the logo with their text contrast, logo text, strip shine.

use egui::Ui;
use passmith_core::PassDocument;

use crate::app::theme;
use crate::app::widgets::{self, Ed};

pub fn ui(ui: &mut Ui, ed: &mut Ed<'_>, doc: &mut PassDocument) {
    suggestions_ui(ui, doc);
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

/// "From your logo": the logo's dominant colours as background swatches, each marked with
/// whether the foreground text stays readable on it (WCAG AA, 4.5:1).
fn suggestions_ui(ui: &mut Ui, doc: &mut PassDocument) {
    let logo = ["logo@2x.png", "logo@3x.png", "logo.png"]
        .into_iter()
        .find_map(|name| doc.files.get(name));
    let Some(logo) = logo else { return };
    // Decoding the logo every frame would be wasteful: remember the colours per logo file (its
    // shared allocation changes when the logo is replaced).
    let id = egui::Id::unique("logo-colours")
        .with(logo.as_ptr() as usize)
        .with(logo.len());
    let colors: Vec<[u8; 3]> = match ui.data(|d| d.get_temp(id)) {
        Some(c) => c,
        None => {
            let c = passmith_core::palette::dominant_colors(logo, 5);
            ui.data_mut(|d| d.insert_temp(id, c.clone()));
            c
        }
    };
    if colors.is_empty() {
        return;
    }
    let text = doc
        .pass
        .foreground_color
        .as_deref()
        .and_then(passmith_core::color::parse_color)
        .unwrap_or([0, 0, 0]);
    ui.horizontal_wrapped(|ui| {
        ui.label("Backgrounds from your logo:");
        for c in colors {
            let ratio = passmith_core::palette::contrast_ratio(c, text);
            let readable = ratio >= passmith_core::palette::AA_TEXT;
            let hex = passmith_core::palette::hex(c);
            let swatch = egui::Button::new("")
                .fill(egui::Color32::from_rgb(c[0], c[1], c[2]))
                .min_size(egui::vec2(theme::SWATCH_SIZE, theme::SWATCH_SIZE));
            let verdict = if readable {
                format!("text contrast {ratio:.1}:1, readable (WCAG AA)")
            } else {
                format!("text contrast {ratio:.1}:1, too low for the foreground colour (WCAG AA needs 4.5:1)")
            };
            let r = ui
                .add(swatch)
                .accessible_name(format!("Use {hex} as the background"))
                .on_hover_text(format!("{hex}: {verdict}"));
            if !readable {
                ui.label(egui::RichText::new("low contrast").small().weak());
            }
            if r.clicked() {
                doc.pass.background_color = Some(passmith_core::color::format_rgb(c));
            }
        }
    });
}
