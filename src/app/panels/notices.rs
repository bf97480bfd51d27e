//! Notices: what just happened and what the user should know (opened, saved, export refused,
//! style changed with the list of things the new style will not show). Each finding a notice
//! reports is drawn as in the validation panel, and clicking it jumps to its editor. Warnings
//! and errors are dismissed by hand; a success goes by itself (a toast, see
//! [`Notice::is_toast`]).

use egui::Ui;

use crate::app::command::Command;
use crate::app::notice::Notice;
use crate::app::panels::validation;
use crate::app::theme;

pub fn ui(ui: &mut Ui, notices: &mut Vec<Notice>, commands: &mut Vec<Command>) {
    let now = ui.input(|i| i.time);
    notices.retain(|n| !n.is_toast() || n.shown_at.is_none_or(|t| now - t < theme::TOAST_SECONDS));
    let mut dismiss = None;
    for (i, n) in notices.iter_mut().enumerate() {
        if n.is_toast() {
            let since = *n.shown_at.get_or_insert(now);
            let left = (theme::TOAST_SECONDS - (now - since)).max(0.0);
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_secs_f64(left));
        }
        let frame = theme::notice_frame(ui.visuals(), n.kind).show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal(|ui| {
                ui.strong(&n.title);
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if ui
                        .small_button("Dismiss")
                        .accessible_name(format!("Dismiss {}", n.title))
                        .clicked()
                    {
                        dismiss = Some(i);
                    }
                });
            });
            for line in &n.lines {
                ui.label(line);
            }
            for f in &n.findings {
                validation::finding_ui(ui, f, Some(&n.title), commands);
            }
        });
        if n.is_toast() && frame.response.contains_pointer() {
            // Being read: keep it.
            n.shown_at = Some(now);
        }
        ui.add_space(theme::SPACE_S);
    }
    if let Some(i) = dismiss {
        notices.remove(i);
    }
}
