//! Notices: what just happened and what the user should know (opened, saved, export refused,
//! style changed with the list of things the new style will not show). Dismissed by hand.

use egui::Ui;

use crate::app::{Notice, NoticeKind};

pub fn ui(ui: &mut Ui, notices: &mut Vec<Notice>) {
    let mut dismiss = None;
    for (i, n) in notices.iter().enumerate() {
        let (fill, stroke) = match n.kind {
            NoticeKind::Info => (
                ui.visuals().faint_bg_color,
                ui.visuals().widgets.noninteractive.bg_stroke.color,
            ),
            NoticeKind::Warning => (ui.visuals().faint_bg_color, ui.visuals().warn_fg_color),
            NoticeKind::Error => (ui.visuals().faint_bg_color, ui.visuals().error_fg_color),
        };
        egui::Frame::new()
            .fill(fill)
            .stroke(egui::Stroke::new(1.0, stroke))
            .corner_radius(6)
            .inner_margin(8)
            .show(ui, |ui| {
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
        ui.add_space(4.0);
    }
    if let Some(i) = dismiss {
        notices.remove(i);
    }
}
