//! "Restore unsaved changes?" at start, when an earlier window ended without saving (a crash,
//! a kill, a power cut) and left an autosaved copy behind.

use crate::app::recovery::Entry;
use crate::app::theme;

/// The open offer: the copy found.
#[derive(Debug, Clone)]
pub struct RecoverPrompt {
    pub entry: Entry,
}

/// The user's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Restore,
    Discard,
    /// Show the copy's folder in the file manager (the prompt stays open).
    ShowFiles,
}

impl RecoverPrompt {
    /// The question, in the user's words: "Restore unsaved changes to Harbor Coffee from
    /// 2026-12-01 14:05?".
    pub fn question(&self) -> String {
        format!(
            "Restore unsaved changes to {} from {}?",
            self.entry.meta.title,
            local_time(self.entry.meta.saved_at_unix)
        )
    }

    pub fn ui(&self, ctx: &egui::Context) -> Option<Answer> {
        let mut answer = None;
        egui::Modal::new(egui::Id::unique("passmith-recover")).show(ctx, |ui| {
            ui.set_max_width(theme::PROMPT_WIDTH);
            ui.heading("Unsaved changes were kept");
            ui.label(self.question());
            if let Some(source) = &self.entry.meta.source {
                ui.label(format!(
                    "The pass is saved at {}; restoring puts the changes on top of it, \
                     and Undo goes back to the saved version.",
                    source.display()
                ));
            }
            ui.add_space(theme::SPACE_L);
            ui.horizontal(|ui| {
                if ui.button("Restore").clicked() {
                    answer = Some(Answer::Restore);
                }
                if ui.button("Discard").clicked() {
                    answer = Some(Answer::Discard);
                }
                if ui.button("Show files").clicked() {
                    answer = Some(Answer::ShowFiles);
                }
            });
        });
        answer
    }
}

/// `YYYY-MM-DD HH:MM` in the system's time zone.
fn local_time(unix: i64) -> String {
    match jiff::Timestamp::from_second(unix) {
        Ok(t) => t
            .to_zoned(jiff::tz::TimeZone::system())
            .strftime("%Y-%m-%d %H:%M")
            .to_string(),
        Err(_) => "an unknown time".to_owned(),
    }
}
