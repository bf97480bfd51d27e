//! "Which pass of the bundle?": a `.pkpasses` file holds up to 10 passes; the designer edits one
//! at a time, so the user picks it. A pass that cannot be read is listed with the reason.

use std::path::PathBuf;

use crate::app::engine::BundledChoice;
use crate::app::theme;

/// The open question: the bundle and its passes.
pub struct BundlePrompt {
    pub path: PathBuf,
    pub choices: Vec<BundledChoice>,
}

/// The user's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Open the pass at this index of `choices`.
    Open(usize),
    Cancel,
}

impl BundlePrompt {
    pub fn ui(&self, ctx: &egui::Context) -> Option<Answer> {
        let mut answer = None;
        egui::Modal::new(egui::Id::unique("passmith-bundle")).show(ctx, |ui| {
            ui.set_max_width(theme::PROMPT_WIDTH);
            ui.heading("Choose a pass from the bundle");
            let name = self
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            ui.label(format!(
                "{name} holds {} passes. Open one to edit it; saving writes it as its own .pass folder.",
                self.choices.len()
            ));
            ui.add_space(theme::SPACE_M);
            for (i, choice) in self.choices.iter().enumerate() {
                ui.horizontal(|ui| {
                    let open = ui.add_enabled(
                        choice.pass.is_ok(),
                        egui::Button::new(format!("Open {}", choice.name)),
                    );
                    if open.clicked() {
                        answer = Some(Answer::Open(i));
                    }
                    ui.label(choice.describe());
                });
            }
            ui.add_space(theme::SPACE_L);
            if ui.button("Cancel").clicked() {
                answer = Some(Answer::Cancel);
            }
        });
        answer
    }
}
