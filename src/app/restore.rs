//! Restoring what an earlier window left in the recovery folder: the offer at start and the
//! user's answer to it. The autosaving itself is [`super::autosave`].

use super::dialogs::recover::{Answer as RecoverAnswer, RecoverPrompt};
use super::notice::Notice;
use super::recovery::Recovery;
use super::widgets::FocusState;
use super::{App, engine};

impl App {
    /// Autosaves into `recovery` from now on, and offers back the newest copy an earlier window
    /// left there.
    pub fn use_recovery(&mut self, recovery: Recovery) {
        self.recover_prompt = recovery
            .stale()
            .into_iter()
            .next()
            .map(|entry| RecoverPrompt { entry });
        self.autosave.recovery = Some(recovery);
    }

    /// Applies the answer to "Restore unsaved changes?".
    pub fn recover(&mut self, ctx: &egui::Context, answer: RecoverAnswer) {
        let Some(prompt) = self.recover_prompt.take() else {
            return;
        };
        let entry = prompt.entry;
        match answer {
            RecoverAnswer::ShowFiles => {
                let url = format!("file://{}", entry.dir.display());
                ctx.open_url(egui::OpenUrl::new_tab(url));
                self.recover_prompt = Some(RecoverPrompt { entry });
            }
            RecoverAnswer::Discard => {
                if let Some(recovery) = &self.autosave.recovery {
                    recovery.remove(&entry.key);
                }
            }
            RecoverAnswer::Restore => match entry.read() {
                Ok(doc) => {
                    // The saved version first, so Undo goes back to it. (Not `open_path`: that
                    // would drop the copy being restored.)
                    if let Some(source) = entry.meta.source.as_deref()
                        && let Ok(opened) = engine::open_path(source)
                    {
                        let _ = self.autosave.lock_document(source);
                        self.session.replace_with_opened(opened, source);
                    }
                    self.session.doc = doc;
                    self.session.commit(None);
                    self.autosave.adopt(&entry.key);
                    self.focus = FocusState::default();
                    self.refresh_findings();
                    self.notify(Notice::info(format!(
                        "Restored the unsaved changes to {}",
                        entry.meta.title
                    )));
                }
                Err(err) => {
                    self.notify(
                        Notice::error("The unsaved changes could not be restored")
                            .line(err.to_string())
                            .line(format!("The copy stays in {}.", entry.dir.display())),
                    );
                }
            },
        }
    }
}
