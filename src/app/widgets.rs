//! Editor widgets shared by the inspector sections. Every editor gets a stable [`egui::Id`]
//! derived from the JSON pointer it edits ([`widget_id`]) and an accessible name, so a finding's
//! `path` can focus it and tests (and screen readers) can reach it by label.

use egui::{Response, RichText, TextEdit, Ui};
use passmith_core::{Finding, Severity};

use super::command::Command;
use super::files::FileDialogs;
use passmith_core::path::PassPath;

use super::section::Section;
use super::theme;

/// The id of the editor of `path` (a JSON pointer such as `/backgroundColor`).
pub fn widget_id(path: &str) -> egui::Id {
    egui::Id::unique(("passmith-editor", path))
}

/// Jumps from a finding or a preview click to an editor.
#[derive(Debug, Default)]
pub struct FocusState {
    /// The path the user asked to see.
    pending: Option<String>,
    /// The drawn editor chosen for `pending`.
    target: Option<String>,
    attempts: u8,
    /// Editors drawn in the current frame, in order.
    drawn: Vec<String>,
    drawn_last_frame: Vec<String>,
    /// The section that must be open this frame (a jump into it).
    pub open_section: Option<Section>,
    /// The editor focused by the last jump (tests read it).
    pub focused_path: Option<String>,
}

impl FocusState {
    /// Asks to focus the editor of `path` (exact, else the nearest drawn editor).
    pub fn request(&mut self, path: PassPath) {
        self.open_section = Some(path.section());
        let path = path.to_string();
        self.target = best_match(&path, &self.drawn_last_frame);
        self.pending = Some(path);
        self.attempts = 0;
    }

    pub fn begin_frame(&mut self) {
        self.drawn_last_frame = std::mem::take(&mut self.drawn);
    }

    /// After the frame: picks the target among the drawn editors; gives up after a few frames.
    pub fn end_frame(&mut self, ctx: &egui::Context) {
        if let Some(path) = &self.pending {
            if self.target.is_none() {
                self.target = best_match(path, &self.drawn);
            }
            self.attempts += 1;
            if self.attempts > 6 {
                self.pending = None;
                self.target = None;
                self.open_section = None;
            } else {
                ctx.request_repaint();
            }
        } else {
            self.open_section = None;
        }
    }

    /// Called by each editor after it is drawn.
    pub fn register(&mut self, response: &Response, path: &str) {
        self.drawn.push(path.to_owned());
        if self.pending.is_some() && self.target.as_deref() == Some(path) {
            response.request_focus();
            response.scroll_to_me(Some(egui::Align::Center));
            self.focused_path = Some(path.to_owned());
            self.pending = None;
            self.target = None;
        }
    }

    pub fn is_pending(&self) -> bool {
        self.pending.is_some()
    }

    pub fn pending_path(&self) -> Option<&str> {
        self.pending.as_deref()
    }
}

/// The editor that best shows `path`: itself, else its first child editor, else the closest parent.
fn best_match(path: &str, drawn: &[String]) -> Option<String> {
    if drawn.iter().any(|d| d == path) {
        return Some(path.to_owned());
    }
    let child_prefix = format!("{path}/");
    if let Some(child) = drawn.iter().find(|d| d.starts_with(&child_prefix)) {
        return Some(child.clone());
    }
    drawn
        .iter()
        .filter(|d| path.starts_with(&format!("{d}/")))
        .max_by_key(|d| d.len())
        .cloned()
}

/// What every editor needs besides the value it edits.
pub struct Ed<'a> {
    pub focus: &'a mut FocusState,
    pub findings: &'a [Finding],
    pub commands: &'a mut Vec<Command>,
    pub dialogs: &'a mut dyn FileDialogs,
    /// Messages for the notice area (e.g. an image that could not be read).
    pub messages: &'a mut Vec<String>,
    /// Prefix of accessible names while editing one item of a list ("Primary field 1"), so
    /// every "Value" editor has a distinct name.
    pub prefix: Option<String>,
    /// The loaded signing certificate, for the Identity group.
    pub certificate: Option<&'a passmith_core::identity::IdentitySummary>,
}

/// Names `r` after its visible label, or "`prefix` `label`" inside a list item.
pub fn name_it(ed: &Ed<'_>, r: Response, label_id: egui::Id, label: &str) -> Response {
    match &ed.prefix {
        Some(p) => r.accessible_name(format!("{p} {}", label.to_lowercase())),
        None => r.labelled_by(label_id),
    }
}

impl Ed<'_> {
    pub fn send(&mut self, command: Command) {
        self.commands.push(command);
    }

    /// Shows the findings about exactly `path` under its editor.
    pub fn findings_ui(&self, ui: &mut Ui, path: &str) {
        for f in self.findings.iter().filter(|f| f.path == path) {
            let color = theme::severity_color(ui.visuals(), f.severity);
            ui.label(
                RichText::new(format!("{} {}", severity_icon(f.severity), f.message))
                    .color(color)
                    .small(),
            );
        }
    }
}

pub fn severity_icon(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "Error:",
        Severity::Warning => "Warning:",
    }
}

/// A labelled single-line text editor for `path`. Returns the editor's response.
pub fn text_ui(
    ui: &mut Ui,
    ed: &mut Ed<'_>,
    label: &str,
    value: &mut String,
    path: &str,
    hint: &str,
) -> Response {
    let edit = TextEdit::singleline(value).hint_text(hint);
    text_edit_row_ui(ui, ed, label, path, edit)
}

/// A multi-line text editor (back fields, JSON).
pub fn multiline_ui(
    ui: &mut Ui,
    ed: &mut Ed<'_>,
    label: &str,
    value: &mut String,
    path: &str,
    hint: &str,
) -> Response {
    let edit = TextEdit::multiline(value).hint_text(hint).desired_rows(3);
    text_edit_row_ui(ui, ed, label, path, edit)
}

/// One grid row: the label, then the editor with its findings below it. The editor gets the
/// stable id of `path`, so the validation panel can focus it.
fn text_edit_row_ui(
    ui: &mut Ui,
    ed: &mut Ed<'_>,
    label: &str,
    path: &str,
    edit: TextEdit<'_>,
) -> Response {
    let l = ui.label(label);
    let r = ui
        .vertical(|ui| {
            let r = ui.add(edit.id(widget_id(path)).desired_width(f32::INFINITY));
            let r = name_it(ed, r, l.id, label);
            ed.focus.register(&r, path);
            ed.findings_ui(ui, path);
            r
        })
        .inner;
    ui.end_row();
    r
}

/// A text editor for an optional key: empty text removes the key.
pub fn opt_text_ui(
    ui: &mut Ui,
    ed: &mut Ed<'_>,
    label: &str,
    value: &mut Option<String>,
    path: &str,
    hint: &str,
) -> Response {
    let mut s = value.clone().unwrap_or_default();
    let r = text_ui(ui, ed, label, &mut s, path, hint);
    if r.changed() {
        *value = (!s.is_empty()).then_some(s);
    }
    r
}

/// A checkbox for an optional boolean key: unticked removes the key.
pub fn opt_bool_ui(
    ui: &mut Ui,
    ed: &mut Ed<'_>,
    label: &str,
    value: &mut Option<bool>,
    path: &str,
    help: &str,
) {
    ui.label("");
    let mut b = value.unwrap_or(false);
    let r = ui.checkbox(&mut b, label).on_hover_text(help);
    let r = match &ed.prefix {
        Some(p) => r.accessible_name(format!("{p} {}", label.to_lowercase())),
        None => r,
    };
    ed.focus.register(&r, path);
    if r.changed() {
        *value = b.then_some(true);
    }
    ui.end_row();
}

/// A number editor for an optional number: the checkbox adds or removes the key.
pub fn opt_number_ui(
    ui: &mut Ui,
    ed: &mut Ed<'_>,
    label: &str,
    value: &mut Option<f64>,
    path: &str,
    range: std::ops::RangeInclusive<f64>,
) {
    let l = ui.label(label);
    ui.horizontal(|ui| {
        let mut on = value.is_some();
        let set_label = match &ed.prefix {
            Some(p) => format!("Set {p} {}", label.to_lowercase()),
            None => format!("Set {}", label.to_lowercase()),
        };
        if ui
            .checkbox(&mut on, "")
            .accessible_name(set_label)
            .changed()
        {
            *value = on.then_some(range.start().max(0.0));
        }
        if let Some(v) = value {
            let r = ui.add(
                egui::DragValue::new(v)
                    .range(range)
                    .speed(1.0)
                    .max_decimals(6),
            );
            let r = name_it(ed, r, l.id, label);
            ed.focus.register(&r, path);
        }
    });
    ui.end_row();
}

/// A whole-number editor for an optional integer key (a row, a beacon's major/minor).
pub fn opt_int_ui(
    ui: &mut Ui,
    ed: &mut Ed<'_>,
    label: &str,
    value: &mut Option<i64>,
    path: &str,
    range: std::ops::RangeInclusive<i64>,
) {
    let mut number = value.map(|v| v as f64);
    let range = (*range.start() as f64)..=(*range.end() as f64);
    opt_number_ui(ui, ed, label, &mut number, path, range);
    *value = number.map(|v| v.round() as i64);
}

/// A dropdown for an optional enum key (`None` = not set).
pub fn opt_enum_ui<T: Clone + PartialEq>(
    ui: &mut Ui,
    ed: &mut Ed<'_>,
    label: &str,
    value: &mut Option<T>,
    all: &[T],
    name: impl Fn(&T) -> String,
    path: &str,
) {
    let l = ui.label(label);
    let current = value.as_ref().map_or_else(|| "Not set".to_owned(), &name);
    let r = egui::ComboBox::from_id_salt(widget_id(path))
        .selected_text(current)
        .show_ui(ui, |ui| {
            ui.selectable_value(value, None, "Not set");
            for v in all {
                ui.selectable_value(value, Some(v.clone()), name(v));
            }
        })
        .response;
    let r = name_it(ed, r, l.id, label);
    ed.focus.register(&r, path);
    ui.end_row();
}

/// A colour editor: the `rgb(r, g, b)` text and a picker that writes `rgb(r, g, b)`, or
/// `rgba(…)` with the alpha the colour had (the picker sets only the colour, never the alpha).
pub fn color_ui(ui: &mut Ui, ed: &mut Ed<'_>, label: &str, value: &mut Option<String>, path: &str) {
    let l = ui.label(label);
    ui.vertical(|ui| {
        ui.horizontal(|ui| {
            let parsed = value.as_deref().and_then(passmith_core::color::parse_color);
            let alpha = value
                .as_deref()
                .and_then(passmith_core::color::parse_color_rgba)
                .map_or(255, |c| c[3]);
            let mut c = parsed.unwrap_or([128, 128, 128]);
            let picker = ui
                .color_edit_button_srgb(&mut c)
                .accessible_name(format!("{label} picker"));
            if picker.changed() {
                *value = Some(passmith_core::color::format_rgba([c[0], c[1], c[2], alpha]));
            }
            let mut s = value.clone().unwrap_or_default();
            let r = ui.add(
                TextEdit::singleline(&mut s)
                    .id(widget_id(path))
                    .hint_text("rgb(r, g, b)")
                    .desired_width(theme::COLOR_TEXT_WIDTH),
            );
            let r = name_it(ed, r, l.id, label);
            if r.changed() {
                *value = (!s.is_empty()).then_some(s);
            }
            ed.focus.register(&r, path);
            // A hex code, as designers copy them; written to the pass as rgb(r, g, b).
            let hex_id = widget_id(path).with("hex");
            let mut hex: String = ui
                .data(|d| d.get_temp(hex_id))
                .or_else(|| parsed.map(passmith_core::palette::hex))
                .unwrap_or_default();
            let h = ui
                .add(
                    TextEdit::singleline(&mut hex)
                        .id(hex_id.with("edit"))
                        .hint_text("#rrggbb")
                        .desired_width(theme::COLOR_HEX_WIDTH),
                )
                .accessible_name(format!("{label} hex"));
            if h.changed() {
                let typed = hex.trim();
                let typed = if typed.starts_with('#') {
                    typed.to_owned()
                } else {
                    format!("#{typed}")
                };
                if let Some(c) = passmith_core::color::parse_color(&typed) {
                    *value = Some(passmith_core::color::format_rgba([c[0], c[1], c[2], alpha]));
                }
            }
            // Keep what is being typed while the box has focus; show the colour otherwise.
            let typing = h.has_focus();
            ui.data_mut(|d| {
                if typing {
                    d.insert_temp(hex_id, hex.clone());
                } else {
                    d.remove::<String>(hex_id);
                }
            });
            if value.is_some()
                && ui
                    .small_button("Clear")
                    .accessible_name(format!("Clear {label}"))
                    .clicked()
            {
                *value = None;
            }
        });
        ed.findings_ui(ui, path);
    });
    ui.end_row();
}

/// The date and time being picked, kept in egui memory while a picker window is open (UI
/// state: the document only changes when the user presses "Set").
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DateDraft {
    pub date: jiff::civil::Date,
    pub hour: i8,
    pub minute: i8,
    /// Minutes east of UTC.
    pub offset_minutes: i32,
}

impl DateDraft {
    /// The draft for `value`: its own date, time and offset when it is a W3C date, else today at
    /// the next full hour in the computer's time zone.
    pub fn from_value(value: &str) -> DateDraft {
        Self::parse(value).unwrap_or_else(Self::now)
    }

    /// Reads a W3C date (`2027-07-16T17:00:00-07:00`, `…Z`) keeping its own offset.
    pub fn parse(value: &str) -> Option<DateDraft> {
        let value = value.trim();
        let seconds = passmith_core::validate::parse_w3c_date(value).ok()?;
        let offset_minutes = zone_minutes(value)?;
        let offset = jiff::tz::Offset::from_seconds(offset_minutes * 60).ok()?;
        let local = jiff::Timestamp::from_second(seconds)
            .ok()?
            .to_zoned(jiff::tz::TimeZone::fixed(offset))
            .datetime();
        Some(DateDraft {
            date: local.date(),
            hour: local.hour(),
            minute: local.minute(),
            offset_minutes,
        })
    }

    fn now() -> DateDraft {
        let now = passmith_core::time::now_local();
        DateDraft {
            date: now.date(),
            hour: now.hour(),
            minute: 0,
            offset_minutes: now.offset().seconds() / 60,
        }
    }

    /// The W3C form Wallet accepts: seconds, no fractions, `±hh:mm` zone.
    pub fn to_w3c(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:00{}",
            self.date.year(),
            self.date.month(),
            self.date.day(),
            self.hour.clamp(0, 23),
            self.minute.clamp(0, 59),
            offset_text(self.offset_minutes)
        )
    }
}

/// The zone of a W3C date that already parsed: `Z` or the trailing `±hh:mm`.
fn zone_minutes(value: &str) -> Option<i32> {
    if value.ends_with('Z') {
        return Some(0);
    }
    let zone = value.get(value.len().checked_sub(6)?..)?;
    let sign = match zone.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let hours: i32 = zone.get(1..3)?.parse().ok()?;
    let minutes: i32 = zone.get(4..6)?.parse().ok()?;
    Some(sign * (hours * 60 + minutes))
}

/// `+05:30`, `-07:00`, `+00:00`.
pub fn offset_text(minutes: i32) -> String {
    let sign = if minutes < 0 { '-' } else { '+' };
    let m = minutes.abs();
    format!("{sign}{:02}:{:02}", m / 60, m % 60)
}

/// A "Pick date" button for the W3C date in `value`; it opens a window with a calendar, hour,
/// minute and UTC offset, and writes the value once when the user presses "Set" (one undo
/// step). `what` names the date in accessible names ("Expiration date"). Returns true when
/// `value` was changed.
pub fn date_picker_ui(ui: &mut Ui, what: &str, value: &mut String, path: &str) -> bool {
    let id = widget_id(path).with("date-picker");
    let mut draft: Option<DateDraft> = ui.data(|d| d.get_temp(id));
    let button = ui
        .small_button("Pick…")
        .on_hover_text("Pick a date and time")
        .accessible_name(format!("Pick date for {}", what.to_lowercase()));
    if button.clicked() {
        draft = match draft {
            Some(_) => None,
            None => Some(DateDraft::from_value(value)),
        };
    }
    let mut changed = false;
    if let Some(mut d) = draft {
        let mut keep_open = true;
        egui::Window::new(format!("Date and time: {what}"))
            .id(id.with("window"))
            .collapsible(false)
            .resizable(false)
            .default_pos(button.rect.left_bottom())
            .show(ui.ctx(), |ui| {
                egui::Grid::new(id.with("grid"))
                    .num_columns(2)
                    .spacing(theme::FORM_GRID_SPACING)
                    .show(ui, |ui| {
                        ui.label("Day");
                        let salt = format!("{path}-day");
                        ui.add(
                            egui_extras::DatePickerButton::new(&mut d.date)
                                .id_salt(&salt)
                                .calendar_week(false)
                                .show_icon(false)
                                // Its year/month/day dropdowns have no accessible names; the
                                // arrows and the calendar do the same job and are named.
                                .combo_boxes(false),
                        )
                        .on_hover_text("Choose the day on a calendar");
                        ui.end_row();

                        let l = ui.label("Hour");
                        ui.add(egui::DragValue::new(&mut d.hour).range(0..=23).speed(0.1))
                            .labelled_by(l.id)
                            .accessible_name(format!("{what} hour"));
                        ui.end_row();

                        let l = ui.label("Minute");
                        ui.add(egui::DragValue::new(&mut d.minute).range(0..=59).speed(0.2))
                            .labelled_by(l.id)
                            .accessible_name(format!("{what} minute"));
                        ui.end_row();

                        ui.label("UTC offset");
                        egui::ComboBox::from_id_salt(id.with("offset"))
                            .selected_text(offset_text(d.offset_minutes))
                            .height(theme::DATE_PICKER_HEIGHT)
                            .show_ui(ui, |ui| {
                                // Every zone in use is a multiple of 15 minutes from UTC.
                                for m in (-12 * 60..=14 * 60).step_by(15) {
                                    ui.selectable_value(&mut d.offset_minutes, m, offset_text(m));
                                }
                            })
                            .response
                            .accessible_name(format!("{what} UTC offset"));
                        ui.end_row();
                    });
                ui.label(egui::RichText::new(d.to_w3c()).monospace());
                ui.horizontal(|ui| {
                    if named_button_ui(ui, "Set", &format!("Set {}", what.to_lowercase())).clicked()
                    {
                        let w3c = d.to_w3c();
                        if *value != w3c {
                            *value = w3c;
                            changed = true;
                        }
                        keep_open = false;
                    }
                    if named_button_ui(
                        ui,
                        "Cancel",
                        &format!("Cancel picking {}", what.to_lowercase()),
                    )
                    .clicked()
                    {
                        keep_open = false;
                    }
                });
            });
        draft = keep_open.then_some(d);
    }
    ui.data_mut(|data| match draft {
        Some(d) => {
            data.insert_temp(id, d);
        }
        None => data.remove::<DateDraft>(id),
    });
    changed
}

/// A labelled W3C date editor: the text box (power users type dates) and a [`date_picker`].
pub fn date_text_ui(ui: &mut Ui, ed: &mut Ed<'_>, label: &str, value: &mut String, path: &str) {
    let l = ui.label(label);
    ui.vertical(|ui| {
        ui.horizontal(|ui| {
            let r = ui.add(
                TextEdit::singleline(value)
                    .id(widget_id(path))
                    .hint_text("2027-07-16T17:00:00-07:00")
                    .desired_width(
                        (ui.available_width() - theme::DATE_BUTTON_ROOM)
                            .max(theme::DATE_TEXT_MIN_WIDTH),
                    ),
            );
            let r = name_it(ed, r, l.id, label);
            ed.focus.register(&r, path);
            let what = match &ed.prefix {
                Some(p) => format!("{p} {}", label.to_lowercase()),
                None => label.to_owned(),
            };
            date_picker_ui(ui, &what, value, path);
        });
        ed.findings_ui(ui, path);
    });
    ui.end_row();
}

/// [`date_text`] for an optional key: empty text removes the key.
pub fn opt_date_text_ui(
    ui: &mut Ui,
    ed: &mut Ed<'_>,
    label: &str,
    value: &mut Option<String>,
    path: &str,
) {
    let mut s = value.clone().unwrap_or_default();
    date_text_ui(ui, ed, label, &mut s, path);
    if value.as_deref().unwrap_or_default() != s {
        *value = (!s.is_empty()).then_some(s);
    }
}

/// A two-column grid for label/editor rows.
pub fn grid_ui<R>(ui: &mut Ui, id: impl egui::AsIdSalt, add: impl FnOnce(&mut Ui) -> R) -> R {
    egui::Grid::new(id)
        .num_columns(2)
        .spacing(theme::FORM_GRID_SPACING)
        .min_col_width(theme::FORM_LABEL_WIDTH)
        .striped(false)
        .show(ui, add)
        .inner
}

/// A small button whose accessible name says what it acts on ("Remove field balance").
pub fn named_button_ui(ui: &mut Ui, text: &str, name: &str) -> Response {
    ui.small_button(text)
        .on_hover_text(name)
        .accessible_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_w3c_date_keeps_its_own_time_and_offset_in_the_picker() {
        let d = DateDraft::parse("2027-07-16T17:05:00-07:00").unwrap();
        assert_eq!(d.date, jiff::civil::date(2027, 7, 16));
        assert_eq!((d.hour, d.minute, d.offset_minutes), (17, 5, -7 * 60));
        assert_eq!(d.to_w3c(), "2027-07-16T17:05:00-07:00");
        let z = DateDraft::parse("2025-05-07T15:30Z").unwrap();
        assert_eq!(z.to_w3c(), "2025-05-07T15:30:00+00:00");
        let india = DateDraft::parse("2026-01-01T00:00:00+05:30").unwrap();
        assert_eq!(india.offset_minutes, 330);
        assert_eq!(india.date, jiff::civil::date(2026, 1, 1));
    }

    #[test]
    fn an_unreadable_date_starts_the_picker_today_and_writes_a_valid_date() {
        assert_eq!(DateDraft::parse("next tuesday"), None);
        assert_eq!(DateDraft::parse("2027-07-16"), None);
        let d = DateDraft::from_value("next tuesday");
        let w3c = d.to_w3c();
        let seconds = passmith_core::validate::parse_w3c_date(&w3c).unwrap();
        let now = passmith_core::time::now_unix();
        assert!((seconds - now).abs() < 2 * 86_400, "{w3c} is not today");
        assert_eq!(offset_text(-570), "-09:30");
    }

    #[test]
    fn a_finding_path_maps_to_the_nearest_drawn_editor() {
        let drawn: Vec<String> = [
            "/barcodes",
            "/barcodes/0/message",
            "/storeCard/primaryFields/0/key",
            "/storeCard/primaryFields/0/value",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            best_match("/barcodes/0/message", &drawn).as_deref(),
            Some("/barcodes/0/message")
        );
        assert_eq!(
            best_match("/storeCard/primaryFields/0", &drawn).as_deref(),
            Some("/storeCard/primaryFields/0/key")
        );
        assert_eq!(
            best_match("/barcodes/0/message/extra", &drawn).as_deref(),
            Some("/barcodes/0/message")
        );
        assert_eq!(
            best_match("/barcodes/3/format", &drawn).as_deref(),
            Some("/barcodes")
        );
        assert_eq!(best_match("/nfc", &drawn), None);
    }
}
