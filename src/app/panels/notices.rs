//! Notices: what just happened and what the user should know (opened, saved, export refused,
//! style changed with the list of things the new style will not show). Dismissed by hand.

use egui::Ui;

use crate::app::notice::Notice;
use crate::app::theme;

pub fn ui(ui: &mut Ui, notices: &mut Vec<Notice>) {
    let mut dismiss = None;
    for (i, n) in notices.iter().enumerate() {
        theme::notice_frame(ui.visuals(), n.kind).show(ui, |ui| {
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
        });
        ui.add_space(theme::SPACE_S);
    }
    if let Some(i) = dismiss {
        notices.remove(i);
    }
}
