//! Look and feel: light and dark themes with a little more air than egui's defaults, so the
//! inspector reads like a form rather than a debug panel, and the design tokens every panel
//! takes its sizes, spacing and colours from. Panels never write a size or a colour themselves:
//! a change of look is a change here.

use egui::{Color32, Visuals, vec2};
use passmith_core::Severity;

use super::notice::NoticeKind;

// ---- spacing ---------------------------------------------------------------------------------

/// Between a heading and what it heads, or around a small badge.
pub const SPACE_XS: f32 = 2.0;
/// Between stacked cards (notices) and small groups of rows.
pub const SPACE_S: f32 = 4.0;
/// After a section's content, around a dialog's groups.
pub const SPACE_M: f32 = 6.0;
/// Before a dialog's buttons.
pub const SPACE_L: f32 = 8.0;
/// Columns and rows of a form grid (label, editor).
pub const FORM_GRID_SPACING: egui::Vec2 = vec2(10.0, 6.0);
/// Columns and rows of a dialog's grid.
pub const DIALOG_GRID_SPACING: egui::Vec2 = vec2(10.0, 8.0);
/// How far an error badge sits from its section header.
pub const BADGE_OFFSET: f32 = 10.0;

// ---- sizes -----------------------------------------------------------------------------------

/// The preview column: default and smallest width.
pub const PREVIEW_PANEL_WIDTH: f32 = 420.0;
pub const PREVIEW_PANEL_MIN_WIDTH: f32 = 320.0;
/// The validation list under the preview.
pub const VALIDATION_PANEL_HEIGHT: f32 = 220.0;
/// Forms stop growing here, so lines stay readable on wide windows.
pub const INSPECTOR_MAX_WIDTH: f32 = 640.0;
/// Dialogs and windows (identity, update server, command palette).
pub const DIALOG_WIDTH: f32 = 460.0;
/// The batch export window, its path fields, and its lists (columns, failed rows) before they
/// scroll.
pub const BATCH_DIALOG_WIDTH: f32 = 560.0;
pub const BATCH_PATH_WIDTH: f32 = 300.0;
pub const BATCH_LIST_HEIGHT: f32 = 180.0;
/// Short yes/no prompts.
pub const PROMPT_WIDTH: f32 = 380.0;
/// The command palette's list of matches before it scrolls.
pub const PALETTE_LIST_HEIGHT: f32 = 320.0;
/// Section titles in the inspector, and the error badge beside them.
pub const SECTION_TITLE_SIZE: f32 = 16.0;
pub const BADGE_TEXT_SIZE: f32 = 13.0;
/// Narrow editors: a language code, a colour, a localized value and its key.
pub const LANGUAGE_CODE_WIDTH: f32 = 90.0;
pub const COLOR_TEXT_WIDTH: f32 = 150.0;
pub const STRING_KEY_WIDTH: f32 = 180.0;
pub const STRING_VALUE_WIDTH: f32 = 220.0;
/// Room kept beside a field value for its type switch (and a date picker button).
pub const VALUE_SIDE_ROOM: f32 = 90.0;
pub const DATE_VALUE_SIDE_ROOM: f32 = 130.0;
/// The label column of a form grid.
pub const FORM_LABEL_WIDTH: f32 = 110.0;
/// A date text box leaves this much room for its picker button, and is never narrower than
/// the minimum.
pub const DATE_BUTTON_ROOM: f32 = 40.0;
pub const DATE_TEXT_MIN_WIDTH: f32 = 120.0;
/// The date picker's popup height.
pub const DATE_PICKER_HEIGHT: f32 = 300.0;

// ---- frames and strokes ----------------------------------------------------------------------

/// Cards: notices and list entries.
/// The hex box beside a colour's rgb() text.
pub const COLOR_HEX_WIDTH: f32 = 70.0;
/// A suggested colour's swatch.
pub const SWATCH_SIZE: f32 = 22.0;

/// How long a success notice (a toast) stays; hovering it keeps it.
pub const TOAST_SECONDS: f64 = 8.0;

pub const CARD_RADIUS: u8 = 6;
pub const CARD_MARGIN: i8 = 8;
pub const CARD_STROKE: f32 = 1.0;
/// The preview stage around the card.
pub const STAGE_RADIUS: u8 = 10;
pub const STAGE_MARGIN: i8 = 16;
/// The outline of the clicked element on the preview.
pub const SELECTION_STROKE: f32 = 1.5;
pub const SELECTION_RADIUS: f32 = 3.0;
pub const SELECTION_EXPAND: f32 = 2.0;
/// The line that shows where a dragged field will land.
pub const DROP_STROKE: f32 = 2.0;
pub const DROP_RADIUS: f32 = 4.0;

/// Applies the theme preference (`None` follows the system) and Passmith's spacing.
pub fn apply(ctx: &egui::Context, dark_mode: Option<bool>) {
    ctx.set_theme(match dark_mode {
        Some(true) => egui::ThemePreference::Dark,
        Some(false) => egui::ThemePreference::Light,
        None => egui::ThemePreference::System,
    });
    ctx.global_style_mut(|style| {
        style.spacing.item_spacing = vec2(8.0, 6.0);
        style.spacing.button_padding = vec2(8.0, 4.0);
        style.spacing.interact_size.y = 24.0;
    });
}

/// A card-like frame for the preview stage.
pub fn stage_frame(ui: &egui::Ui) -> egui::Frame {
    egui::Frame::new()
        .fill(ui.visuals().extreme_bg_color)
        .inner_margin(egui::Margin::same(STAGE_MARGIN))
        .corner_radius(egui::CornerRadius::same(STAGE_RADIUS))
}

/// A card for one notice: its outline says how serious it is.
pub fn notice_frame(visuals: &Visuals, kind: NoticeKind) -> egui::Frame {
    let stroke = match kind {
        NoticeKind::Info => visuals.widgets.noninteractive.bg_stroke.color,
        NoticeKind::Warning => visuals.warn_fg_color,
        NoticeKind::Error => visuals.error_fg_color,
    };
    egui::Frame::new()
        .fill(visuals.faint_bg_color)
        .stroke(egui::Stroke::new(CARD_STROKE, stroke))
        .corner_radius(CARD_RADIUS)
        .inner_margin(CARD_MARGIN)
}

/// The text colour of a notice's title where it has no card (the update server window).
pub fn notice_text_color(visuals: &Visuals, kind: NoticeKind) -> Color32 {
    match kind {
        NoticeKind::Info => visuals.text_color(),
        NoticeKind::Warning => visuals.warn_fg_color,
        NoticeKind::Error => visuals.error_fg_color,
    }
}

/// Errors and warnings in the validation panel, under editors and in dialogs.
pub fn severity_color(visuals: &Visuals, severity: Severity) -> Color32 {
    match severity {
        Severity::Error => visuals.error_fg_color,
        Severity::Warning => visuals.warn_fg_color,
    }
}

/// The outline of the clicked preview element and of a drop target.
pub fn selection_color(visuals: &Visuals) -> Color32 {
    visuals.selection.stroke.color
}
