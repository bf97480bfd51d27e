//! Applying a [`Command`]: opening, saving, changing style, undo (exporting and uploading are in
//! [`super::export`], restoring an autosaved copy in [`super::restore`]). Each
//! action reports what happened as a [`Notice`]. Actions that need something first (a signing
//! identity, an answer about unsaved changes) remember what to continue with: a [`Pending`]
//! continuation for the identity dialog, a [`Leave`] for the unsaved-changes prompt.

use std::path::Path;

use passmith_core::model::Style;

use super::command::{Command, OpenSource};
use super::dialogs::identity::{IdentityDialog, Signer};
use super::dialogs::unsaved::{Leave, UnsavedPrompt};
use super::files::DialogRequest;
use super::notice::{Notice, NoticeKind};
use super::widgets::FocusState;
use super::{App, dialogs, engine, style_change, templates};

/// What to continue with once the identity dialog has given the app a signer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pending {
    Export,
    Upload,
    BatchRun,
    SendPassByEmail,
    UseCertificateIds,
}

impl Pending {
    fn command(self) -> Command {
        match self {
            Pending::Export => Command::ExportPkpass,
            Pending::Upload => Command::Upload,
            Pending::BatchRun => Command::BatchRun,
            Pending::SendPassByEmail => Command::SendPassByEmail,
            Pending::UseCertificateIds => Command::UseCertificateIds,
        }
    }
}

impl App {
    /// Applies one command (after the frame's UI is drawn).
    pub(super) fn apply(&mut self, ctx: &egui::Context, command: Command) {
        match command {
            Command::New(style) => self.guard(Leave::New(style)),
            Command::Open(source) => self.guard(Leave::Open(source)),
            Command::Save => {
                self.save(false);
            }
            Command::SaveAs => {
                self.save(true);
            }
            Command::ExportPkpass => self.export_pkpass(),
            Command::ExportPng => self.export_png(),
            Command::BatchExport => self.batch.show(),
            Command::BatchRun => self.batch_run(ctx),
            Command::SendByEmail => self.mail.show_batch(),
            Command::SendManifestByEmail(path) => self.mail.show_manifest(&path),
            Command::SendThisPassByEmail => self.mail.show_this_pass(),
            Command::SendPassByEmail => self.send_pass_by_email(ctx),
            Command::EmailSettings => self.mail_settings.show(),
            Command::Undo => {
                ctx.memory_mut(|m| m.stop_text_input());
                self.session.undo();
            }
            Command::Redo => {
                ctx.memory_mut(|m| m.stop_text_input());
                self.session.redo();
            }
            Command::SetStyle(style) => {
                self.session.commit(None);
                self.set_style(style);
            }
            Command::Focus(path) => self.focus.request(path),
            Command::ChoosePicture { slot, lang } => self.choose_picture(&slot, lang.as_deref()),
            Command::SetPictureFit { slot, lang, fit } => {
                self.set_picture_fit(&slot, lang.as_deref(), fit)
            }
            Command::OpenIdentityDialog => self.open_identity_dialog(None),
            Command::UseCertificateIds => self.use_certificate_ids(ctx),
            Command::OpenServerPanel => self.server.open = true,
            Command::Upload => self.upload_pass(),
            Command::PushUpdate => self.push_update(),
            Command::FillWebService => self.fill_web_service(ctx),
            Command::SetTheme(dark_mode) => {
                self.settings.dark_mode = dark_mode;
                super::theme::apply(ctx, dark_mode);
            }
            Command::OpenCommandPalette => self.palette.open(),
            Command::Quit => self.guard(Leave::Quit),
        }
    }

    /// Shows `notice`, replacing an older one with the same title.
    pub(super) fn notify(&mut self, notice: Notice) {
        self.notices.retain(|n| n.title != notice.title);
        self.notices.push(notice);
    }

    // ---- leaving the document ----------------------------------------------------------------

    /// Runs `leave` now, or first asks about unsaved changes.
    fn guard(&mut self, leave: Leave) {
        if self.session.is_dirty() {
            self.unsaved_prompt = Some(UnsavedPrompt { leave });
        } else {
            self.leave(leave);
        }
    }

    /// Does what the user left the document for (the prompt, if any, has been answered).
    pub(super) fn leave(&mut self, leave: Leave) {
        match leave {
            Leave::New(style) => match templates::template(style) {
                Some(doc) => {
                    let title = format!("New {}", style.label().to_lowercase());
                    self.autosave.discard(None);
                    self.session.replace(doc, None, title);
                    self.focus = FocusState::default();
                    // A new pass takes the loaded certificate's IDs (undo gives the template's).
                    self.adopt_certificate_ids();
                    self.refresh_findings();
                }
                None => self.notify(Notice::error("The template could not be read")),
            },
            Leave::Open(source) => {
                let path = match source {
                    OpenSource::Path(p) => Some(p),
                    OpenSource::AskPkpass => self.dialogs.pick(&DialogRequest::OpenPkpass),
                    OpenSource::AskFolder => self.dialogs.pick(&DialogRequest::OpenPassFolder),
                };
                if let Some(path) = path {
                    self.open_path(&path);
                }
            }
            Leave::Quit => {
                // A running batch is asked to stop. Passes are written to a temporary name and
                // renamed, so none is left half written; the next run into the folder removes a
                // temporary cut short.
                self.batch.cancel();
                // Sending stops between messages; the send log records each one.
                self.mail.cancel();
                self.autosave.discard(None);
                self.window.close();
            }
        }
    }

    // ---- files -------------------------------------------------------------------------------

    /// Opens a `.pass` folder, a `.pkpass` file or a `.pkpasses` bundle (asking which of its
    /// passes), reporting problems as notices.
    pub fn open_path(&mut self, path: &Path) {
        match engine::open_any(path) {
            Ok(engine::Opening::Pass(opened)) => {
                let title = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| path.display().to_string());
                self.show_opened(*opened, path, title);
            }
            Ok(engine::Opening::Bundle(mut choices)) => {
                if choices.len() == 1 && choices[0].pass.is_ok() {
                    let choice = choices.remove(0);
                    self.open_from_bundle(path, choice);
                } else {
                    self.bundle_prompt = Some(dialogs::bundle::BundlePrompt {
                        path: path.to_owned(),
                        choices,
                    });
                }
            }
            Err(err) => {
                self.open_error = Some(err.to_string());
                self.notify(
                    Notice::error(format!("Could not open {}", path.display()))
                        .line(err.to_string()),
                );
            }
        }
    }

    /// Opens the pass the user chose in the bundle chooser.
    pub fn answer_bundle_prompt(&mut self, answer: dialogs::bundle::Answer) {
        let Some(mut prompt) = self.bundle_prompt.take() else {
            return;
        };
        if let dialogs::bundle::Answer::Open(i) = answer
            && i < prompt.choices.len()
        {
            let choice = prompt.choices.swap_remove(i);
            self.open_from_bundle(&prompt.path, choice);
        }
    }

    fn open_from_bundle(&mut self, bundle: &Path, choice: engine::BundledChoice) {
        let name = bundle
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match choice.pass {
            Ok(opened) => self.show_opened(opened, bundle, format!("{name} › {}", choice.name)),
            Err(reason) => self.notify(
                Notice::error(format!("Could not open {} from {name}", choice.name)).line(reason),
            ),
        }
    }

    fn show_opened(&mut self, opened: engine::OpenedPass, path: &Path, title: String) {
        if let Err(message) = self.autosave.lock_document(path) {
            self.open_error = Some(message.clone());
            self.notify(Notice::error("The pass is open in another window").line(message));
            return;
        }
        let signature = opened.signature.clone();
        let recovered = opened.recovered.clone();
        self.autosave.discard(Some(path));
        self.session.replace_with_opened_as(opened, path, title);
        self.focus = FocusState::default();
        self.refresh_findings();
        self.settings.add_recent(path);
        // Repairs after an interrupted save are said, not done silently: the user may want to
        // look at a leftover copy or check the pass.
        let mut notice = if recovered.is_empty() {
            Notice::info(format!("Opened {}", self.session.title))
        } else {
            Notice::warning(format!(
                "Opened {} after an interrupted save",
                self.session.title
            ))
        };
        for line in recovered {
            notice = notice.line(line);
        }
        if let Some(sig) = signature {
            notice = notice
                .line(format!("Signature: {sig}"))
                .line("Saving writes a .pass folder; export signs a new .pkpass.");
        }
        self.notify(notice);
    }

    /// Saves to the known folder, or asks where (always with `ask`). Returns true when saved.
    pub fn save(&mut self, ask: bool) -> bool {
        let target = match (&self.session.path, ask) {
            (Some(p), false) => Some(p.clone()),
            _ => {
                let request = DialogRequest::SavePassFolder {
                    suggested: self.session.suggested_name("pass"),
                };
                self.dialogs.pick(&request).map(|p| {
                    if p.extension().is_some_and(|e| e == "pass") {
                        p
                    } else {
                        p.with_extension("pass")
                    }
                })
            }
        };
        let Some(target) = target else { return false };
        if self.session.path.as_deref() != Some(target.as_path())
            && let Err(message) = self.autosave.lock_document(&target)
        {
            self.notify(Notice::error("The pass was not saved").line(message));
            return false;
        }
        match self.session.save_to(&target) {
            Ok(()) => {
                self.autosave.discard(Some(&target));
                self.settings.add_recent(&target);
                self.notify(Notice::info(format!("Saved {}", target.display())));
                true
            }
            Err(err) => {
                self.notify(
                    Notice::error("Could not save the pass")
                        .line(err.to_string())
                        .line("Your edits are still here; try another folder."),
                );
                false
            }
        }
    }

    /// Writes `bytes` to `target` atomically and says so; true when written.
    pub(super) fn write_out(&mut self, target: &Path, bytes: &[u8], done: Notice) -> bool {
        match passmith_core::document::write_file_atomically(target, bytes) {
            Ok(()) => {
                self.notify(done);
                true
            }
            Err(err) => {
                self.notify(
                    Notice::error(format!("Could not write {}", target.display()))
                        .line(err.to_string()),
                );
                false
            }
        }
    }

    // ---- the signing identity ----------------------------------------------------------------

    /// Opens the identity dialog; `then` is what to continue with once it gives a signer.
    pub(super) fn open_identity_dialog(&mut self, then: Option<Pending>) {
        self.identity_dialog = Some(IdentityDialog::new(&self.settings));
        self.after_identity = then;
    }

    /// The identity dialog closed: with `Some(signer)` the user chose one, `None` cancelled.
    /// `adopt_ids`: also give the pass the certificate's pass type ID and team (the dialog's
    /// box, on by default).
    pub(super) fn identity_chosen(&mut self, signer: Option<Signer>, adopt_ids: bool) {
        let then = self.after_identity.take();
        let Some(signer) = signer else { return };
        self.notify(Notice::info(format!(
            "Signing as {}",
            signer.identity.summary.subject
        )));
        self.signer = Some(signer);
        if adopt_ids {
            self.adopt_certificate_ids();
        }
        // Mismatch checks depend on the identity.
        self.findings_version = None;
        self.refresh_findings();
        if let Some(pending) = then {
            self.send(pending.command());
        }
    }

    /// Gives the pass the certificate's pass type ID and team as one undo step, with a notice;
    /// nothing when they already match.
    fn adopt_certificate_ids(&mut self) {
        let Some(signer) = &self.signer else { return };
        let summary = signer.identity.summary.clone();
        if summary.identifiers_for(&self.session.doc.pass).is_none() {
            return;
        }
        // Close any step in progress so this change is one undo step of its own.
        self.session.commit(None);
        summary.adopt_identifiers(&mut self.session.doc.pass);
        self.session.commit(None);
        let pass = &self.session.doc.pass;
        self.notify(
            Notice::info("The pass now uses your certificate's IDs").line(format!(
                "Pass type ID {} and team {}, from {}. Undo (Ctrl+Z) to take them back.",
                pass.pass_type_identifier, pass.team_identifier, summary.subject
            )),
        );
        self.findings_version = None;
        self.refresh_findings();
    }

    /// The "Use the certificate's IDs" fix: asks for a certificate first when none is loaded.
    fn use_certificate_ids(&mut self, ctx: &egui::Context) {
        if self.signer.is_none() {
            self.open_identity_dialog(Some(Pending::UseCertificateIds));
            return;
        }
        ctx.memory_mut(|m| m.stop_text_input());
        self.adopt_certificate_ids();
    }

    // ---- style -------------------------------------------------------------------------------

    /// Changes the style; keeps every field and says what the new style will not show.
    pub fn set_style(&mut self, style: Style) {
        let doc = &mut self.session.doc;
        if doc.pass.style() == Some(style) {
            return;
        }
        let count_before = doc.pass.fields().map_or(0, |f| f.all_fields().count());
        let hidden_fields = style_change::hidden_field_findings(doc, style);
        let hidden = style_change::hidden_besides_fields(doc, style);
        doc.pass.set_style(style);
        let count_after = doc.pass.fields().map_or(0, |f| f.all_fields().count());
        let mut lines = vec![format!(
            "All {count_after} field{} kept (before: {count_before}).",
            if count_after == 1 { "" } else { "s" }
        )];
        // Kept originals are rendered again at the new style's sizes, in the same undo step.
        lines.extend(self.rerender_pictures());
        let a_style = passmith_core::words::a_style(style);
        let kind = if hidden.is_empty() && hidden_fields.is_empty() {
            lines.push(format!("Everything in the pass can be shown by {a_style}."));
            NoticeKind::Info
        } else {
            lines.push(format!(
                "Kept in the pass but not shown by {a_style}. Move or remove them, or undo \
                 (Ctrl+Z) to go back:"
            ));
            lines.extend(hidden.into_iter().map(|h| format!("• {h}")));
            NoticeKind::Warning
        };
        self.notices
            .retain(|n| !n.title.starts_with("Style changed"));
        // The hidden fields are the findings `passmith validate` reports once the style is
        // changed: same code, path and words.
        self.notices.push(
            Notice::new(kind, format!("Style changed to {}", style.label()))
                .with_lines(lines)
                .with_findings(hidden_fields),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::ScriptedDialogs;
    use passmith_core::PassDocument;

    #[test]
    fn changing_style_keeps_fields_and_says_what_is_hidden() {
        let mut doc = templates::template(Style::BoardingPass).unwrap();
        let keys = |d: &PassDocument| d.pass.fields().unwrap().all_fields().count();
        let before = keys(&doc);
        let mut app = App::new_for_test(doc.clone(), Box::new(ScriptedDialogs::new()));
        app.set_style(Style::Coupon);
        assert_eq!(keys(&app.session.doc), before);
        let notice = app.notices.last().unwrap();
        assert_eq!(notice.kind, NoticeKind::Warning);
        // Two primary fields on a boarding pass; a coupon shows one (the second, "BRUSSELS").
        assert!(
            notice
                .findings
                .iter()
                .any(|f| f.message.contains("“BRUSSELS”")),
            "{notice:?}"
        );
        assert!(
            notice.lines.iter().any(|l| l.contains("footer image")),
            "{notice:?}"
        );
        doc.pass.set_style(Style::Coupon);
        assert_eq!(
            app.session.doc.pass, doc.pass,
            "the app changes style exactly as the engine does"
        );
    }

    #[test]
    fn cancelling_the_identity_dialog_forgets_what_was_pending() {
        let doc = templates::template(Style::Coupon).unwrap();
        let mut app = App::new_for_test(doc, Box::new(ScriptedDialogs::new()));
        app.export_pkpass();
        assert!(app.identity_dialog.is_some());
        assert_eq!(app.after_identity, Some(Pending::Export));
        app.identity_dialog = None;
        app.identity_chosen(None, false);
        assert_eq!(app.after_identity, None);
        assert!(app.signer.is_none());
    }
}
