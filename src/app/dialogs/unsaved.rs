//! "Save changes?" before anything replaces or closes the document.

use passmith_core::model::Style;

use crate::app::command::OpenSource;

/// What the user was about to do when the prompt appeared.
#[derive(Debug, Clone, PartialEq)]
pub enum PendingAction {
    New(Style),
    Open(OpenSource),
    Close,
}

/// The open prompt.
#[derive(Debug, Clone, PartialEq)]
pub struct UnsavedPrompt {
    pub action: PendingAction,
}

/// The user's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Save,
    Discard,
    Cancel,
}

impl UnsavedPrompt {
    /// Shows the prompt; returns the answer once given.
    pub fn ui(&self, ctx: &egui::Context) -> Option<Answer> {
        let mut answer = None;
        let what = match &self.action {
            PendingAction::New(_) => "starting a new pass",
            PendingAction::Open(_) => "opening another pass",
            PendingAction::Close => "quitting",
        };
        let modal = egui::Modal::new(egui::Id::unique("passmith-unsaved")).show(ctx, |ui| {
            ui.set_max_width(380.0);
            ui.heading("Save your changes?");
            ui.label(format!(
                "This pass has changes that are not saved. Save them before {what}?"
            ));
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui.button("Save").clicked() {
                    answer = Some(Answer::Save);
                }
                if ui.button("Discard changes").clicked() {
                    answer = Some(Answer::Discard);
                }
                if ui.button("Cancel").clicked() {
                    answer = Some(Answer::Cancel);
                }
            });
        });
        if modal.should_close() && answer.is_none() {
            answer = Some(Answer::Cancel);
        }
        answer
    }
}
