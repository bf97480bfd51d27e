//! Applying a [`Command`]: opening, saving, exporting, uploading, changing style, undo. Each
//! action reports what happened as a [`Notice`]. Actions that need something first (a signing
//! identity, an answer about unsaved changes) remember what to continue with: a [`Pending`]
//! continuation for the identity dialog, a [`Leave`] for the unsaved-changes prompt.

use std::path::Path;

use passmith_core::export::{Refused, Signed};
use passmith_core::model::Style;

use super::command::{Command, OpenSource};
use super::dialogs::identity::{IdentityDialog, Signer};
use super::dialogs::recover::{Answer as RecoverAnswer, RecoverPrompt};
use super::dialogs::unsaved::{Leave, UnsavedPrompt};
use super::files::DialogRequest;
use super::notice::{Notice, NoticeKind};
use super::recovery::Recovery;
use super::widgets::FocusState;
use super::{App, dialogs, engine, panels, style_change, templates};

/// What to continue with once the identity dialog has given the app a signer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pending {
    Export,
    Upload,
}

impl Pending {
    fn command(self) -> Command {
        match self {
            Pending::Export => Command::ExportPkpass,
            Pending::Upload => Command::Upload,
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
            Command::OpenIdentityDialog => self.open_identity_dialog(None),
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
                self.autosave.discard(None);
                self.window.close();
            }
        }
    }

    // ---- autosave and recovery ---------------------------------------------------------------

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

    // ---- files -------------------------------------------------------------------------------

    /// Opens a `.pass` folder or `.pkpass` file, reporting problems as notices.
    pub fn open_path(&mut self, path: &Path) {
        match engine::open_path(path) {
            Ok(opened) => {
                if let Err(message) = self.autosave.lock_document(path) {
                    self.open_error = Some(message.clone());
                    self.notify(Notice::error("The pass is open in another window").line(message));
                    return;
                }
                let signature = opened.signature.clone();
                self.autosave.discard(Some(path));
                self.session.replace_with_opened(opened, path);
                self.focus = FocusState::default();
                self.refresh_findings();
                self.settings.add_recent(path);
                let mut notice = Notice::info(format!("Opened {}", self.session.title));
                if let Some(sig) = signature {
                    notice = notice
                        .line(format!("Signature: {sig}"))
                        .line("Saving writes a .pass folder; export signs a new .pkpass.");
                }
                self.notify(notice);
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
    fn write_out(&mut self, target: &Path, bytes: &[u8], done: Notice) -> bool {
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

    // ---- export and upload -------------------------------------------------------------------

    /// Says why `verb` (export, upload) cannot go ahead when validation has errors; true when
    /// it was refused.
    fn refuse_on_errors(&mut self, verb: &str) -> bool {
        let errors = self.blocking_errors();
        if errors.is_empty() {
            return false;
        }
        let mut lines: Vec<String> = errors
            .iter()
            .map(|f| format!("{}: {}", f.path, f.message))
            .collect();
        lines.push(format!(
            "Fix the errors listed in the validation panel, then {} again.",
            verb.to_lowercase()
        ));
        self.notify(
            Notice::error(format!(
                "{verb} refused: the pass has {} error{}",
                errors.len(),
                if errors.len() == 1 { "" } else { "s" }
            ))
            .with_lines(lines),
        );
        true
    }

    /// Sends the pass through core's export gate with the chosen identity, exactly as
    /// `passmith build` does. `None` (with a notice saying why) when the gate refused.
    fn signed_pkpass(&mut self) -> Option<Signed> {
        let signer = self.signer.as_ref()?;
        let now = self.clock.unwrap_or_else(engine::now_unix);
        let result = engine::export(
            &self.session.doc,
            &signer.identity,
            signer.wwdr_pem.as_deref(),
            now,
        );
        match result {
            Ok(signed) => Some(signed),
            Err(Refused::Blocked { findings }) => {
                self.notify(Notice::error("Export refused").with_findings(findings));
                None
            }
            Err(Refused::Failed(err)) => {
                self.notify(Notice::error("Could not sign the pass").line(err.to_string()));
                None
            }
        }
    }

    /// Signs and writes a `.pkpass`, unless validation has errors. Without an identity, asks
    /// for one first and then continues.
    pub fn export_pkpass(&mut self) {
        if self.refuse_on_errors("Export") {
            return;
        }
        if self.signer.is_none() {
            self.open_identity_dialog(Some(Pending::Export));
            return;
        }
        let request = DialogRequest::ExportPkpass {
            suggested: self.session.suggested_name("pkpass"),
        };
        let Some(target) = self.dialogs.pick(&request) else {
            return;
        };
        let Some(signed) = self.signed_pkpass() else {
            return;
        };
        // The gate's warnings (e.g. a non-Apple intermediate) are the ones `passmith build` prints.
        let done = format!("Exported {}", target.display());
        let done = if signed.warnings.is_empty() {
            Notice::info(done)
        } else {
            Notice::warning(done).with_findings(signed.warnings)
        };
        if self.write_out(&target, &signed.bytes, done) {
            self.last_export = Some(target);
        }
    }

    /// The server URL and API key, or `None` after opening the server window with a note.
    fn server_access(&mut self) -> Option<(String, String)> {
        self.server.read_key();
        let url = self.settings.server_url.trim().to_owned();
        let key = self.server.api_key.trim().to_owned();
        if url.is_empty() || key.is_empty() {
            self.server.open = true;
            self.server.status = Some(
                Notice::error("The update server is not set up yet").line(
                    "Enter the server URL and the API key your server administrator gave you, then press Upload again.",
                ),
            );
            return None;
        }
        Some((url, key))
    }

    /// Exports and signs the pass like Export does, then uploads it on a background thread.
    pub fn upload_pass(&mut self) {
        if self.server.busy() || self.refuse_on_errors("Upload") {
            return;
        }
        let Some((url, key)) = self.server_access() else {
            return;
        };
        if self.signer.is_none() {
            self.open_identity_dialog(Some(Pending::Upload));
            return;
        }
        if let Some(signed) = self.signed_pkpass() {
            self.server.start_upload(url, key, signed.bytes);
        }
    }

    /// Asks the server to notify the devices of the current pass.
    pub fn push_update(&mut self) {
        if self.server.busy() {
            return;
        }
        let Some((url, key)) = self.server_access() else {
            return;
        };
        let pass = &self.session.doc.pass;
        self.server.start_push(
            url,
            key,
            pass.pass_type_identifier.clone(),
            pass.serial_number.clone(),
        );
    }

    /// Fills a missing webServiceURL (server URL + path prefix) and authenticationToken (fresh
    /// random) as one undoable edit.
    pub fn fill_web_service(&mut self, ctx: &egui::Context) {
        let url = match dialogs::server::web_service_url(
            &self.settings.server_url,
            &self.settings.server_path_prefix,
        ) {
            Ok(url) => url,
            Err(e) => {
                self.server.status = Some(Notice::error("The server URL is missing").line(e));
                return;
            }
        };
        let missing = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
        let token = if missing(&self.session.doc.pass.authentication_token) {
            match panels::links::generate_token() {
                Ok(t) => Some(t),
                Err(e) => {
                    self.notify(Notice::error("Could not generate a token").line(e.to_string()));
                    return;
                }
            }
        } else {
            None
        };
        ctx.memory_mut(|m| m.stop_text_input());
        // Close any step in progress so this change is one undo step of its own.
        self.session.commit(None);
        let pass = &mut self.session.doc.pass;
        if missing(&pass.web_service_url) {
            pass.web_service_url = Some(url);
        }
        if let Some(token) = token {
            pass.authentication_token = Some(token);
        }
        self.session.commit(None);
        self.notify(
            Notice::info("Web service filled from the server settings").line(
                "The pass now tells Wallet where to ask for updates. Undo (Ctrl+Z) to take it back.",
            ),
        );
    }

    fn export_png(&mut self) {
        let request = DialogRequest::ExportPng {
            suggested: self.session.suggested_name("png"),
        };
        let Some(target) = self.dialogs.pick(&request) else {
            return;
        };
        match passmith_preview::render_png(&self.session.doc, self.preview.options()) {
            Ok((png, _)) => {
                self.write_out(
                    &target,
                    &png,
                    Notice::info(format!("Preview saved to {}", target.display())),
                );
            }
            Err(err) => {
                self.notify(Notice::error("Could not render the preview").line(err.to_string()));
            }
        }
    }

    // ---- the signing identity ----------------------------------------------------------------

    /// Opens the identity dialog; `then` is what to continue with once it gives a signer.
    fn open_identity_dialog(&mut self, then: Option<Pending>) {
        self.identity_dialog = Some(IdentityDialog::new(&self.settings));
        self.after_identity = then;
    }

    /// The identity dialog closed: with `Some(signer)` the user chose one, `None` cancelled.
    pub(super) fn identity_chosen(&mut self, signer: Option<Signer>) {
        let then = self.after_identity.take();
        let Some(signer) = signer else { return };
        self.notify(Notice::info(format!(
            "Signing as {}",
            signer.identity.summary.subject
        )));
        self.signer = Some(signer);
        // Mismatch checks depend on the identity.
        self.findings_version = None;
        self.refresh_findings();
        if let Some(pending) = then {
            self.send(pending.command());
        }
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
        app.identity_chosen(None);
        assert_eq!(app.after_identity, None);
        assert!(app.signer.is_none());
    }
}
