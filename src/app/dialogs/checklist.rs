//! "Before you export": the pre-export checklist (`passmith_core::checklist`), shown when Export
//! finds text left from the template, placeholder addresses, the template's serial, new-field
//! text or a certificate that expires first. Each item jumps to its editor; the user may still
//! export, since iPhones accept such passes.

use passmith_core::Finding;

use crate::app::command::Command;
use crate::app::panels::validation::finding_ui;
use crate::app::theme;

/// The open checklist.
#[derive(Debug, Clone, PartialEq)]
pub struct ChecklistPrompt {
    pub items: Vec<Finding>,
}

/// The user's answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// Export as it is.
    ExportAnyway,
    /// Close, and do what the commands ask (a jump to an item's editor).
    Back(Vec<Command>),
}

impl ChecklistPrompt {
    /// Shows the checklist; returns the answer once given.
    pub fn ui(&self, ctx: &egui::Context) -> Option<Answer> {
        let mut answer = None;
        let mut commands = Vec::new();
        let modal = egui::Modal::new(egui::Id::unique("passmith-checklist")).show(ctx, |ui| {
            ui.set_max_width(theme::DIALOG_WIDTH);
            ui.heading("Before you export");
            let n = self.items.len();
            ui.label(format!(
                "{n} thing{} to check. Click one to go to it; you can also export as it is.",
                if n == 1 { "" } else { "s" }
            ));
            ui.add_space(theme::SPACE_M);
            egui::ScrollArea::vertical()
                .id_salt("checklist-items")
                .max_height(theme::BATCH_LIST_HEIGHT * 2.0)
                .show(ui, |ui| {
                    for item in &self.items {
                        finding_ui(ui, item, Some("Checklist"), &mut commands);
                        ui.label(egui::RichText::new(&item.hint).weak());
                        ui.add_space(theme::SPACE_S);
                    }
                });
            ui.add_space(theme::SPACE_L);
            ui.horizontal(|ui| {
                if ui.button("Export anyway").clicked() {
                    answer = Some(Answer::ExportAnyway);
                }
                if ui.button("Go back and edit").clicked() {
                    answer = Some(Answer::Back(Vec::new()));
                }
            });
        });
        if !commands.is_empty() {
            return Some(Answer::Back(commands));
        }
        if modal.should_close() && answer.is_none() {
            answer = Some(Answer::Back(Vec::new()));
        }
        answer
    }
}
