//! Look and feel: light and dark themes with a little more air than egui's defaults, so the
//! inspector reads like a form rather than a debug panel.

/// Applies the theme preference (`None` follows the system) and Passmith's spacing.
pub fn apply(ctx: &egui::Context, dark_mode: Option<bool>) {
    ctx.set_theme(match dark_mode {
        Some(true) => egui::ThemePreference::Dark,
        Some(false) => egui::ThemePreference::Light,
        None => egui::ThemePreference::System,
    });
    ctx.global_style_mut(|style| {
        style.spacing.item_spacing = egui::vec2(8.0, 6.0);
        style.spacing.button_padding = egui::vec2(8.0, 4.0);
        style.spacing.interact_size.y = 24.0;
    });
}

/// A card-like frame for the preview stage.
pub fn stage_frame(ui: &egui::Ui) -> egui::Frame {
    let visuals = ui.visuals();
    egui::Frame::new()
        .fill(visuals.extreme_bg_color)
        .inner_margin(egui::Margin::same(16))
        .corner_radius(egui::CornerRadius::same(10))
}
