//! "Save changes?" before anything replaces or closes the document.

use passmith_core::model::Style;

use crate::app::command::OpenSource;
use crate::app::theme;

/// What the user is leaving the document for, done once the prompt is answered.
#[derive(Debug, Clone, PartialEq)]
pub enum Leave {
    New(Style),
    Open(OpenSource),
    Quit,
}

/// The open prompt.
#[derive(Debug, Clone, PartialEq)]
pub struct UnsavedPrompt {
    pub leave: Leave,
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
        let what = match &self.leave {
            Leave::New(_) => "starting a new pass",
            Leave::Open(_) => "opening another pass",
            Leave::Quit => "quitting",
        };
        let modal = egui::Modal::new(egui::Id::unique("passmith-unsaved")).show(ctx, |ui| {
            ui.set_max_width(theme::PROMPT_WIDTH);
            ui.heading("Save your changes?");
            ui.label(format!(
                "This pass has changes that are not saved. Save them before {what}?"
            ));
            ui.add_space(theme::SPACE_L);
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
