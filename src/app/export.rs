//! Export and upload: the pass goes through core's export gate with the chosen identity (exactly
//! as `passmith build` does), then to a file or to the update server. Also the preview PNG.

use passmith_core::export::{Refused, Signed};

use super::actions::Pending;
use super::files::DialogRequest;
use super::notice::Notice;
use super::{App, dialogs, engine, panels};

impl App {
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
        if !std::mem::take(&mut self.checklist_passed) {
            let items = self.checklist_items();
            if !items.is_empty() {
                self.checklist = Some(dialogs::checklist::ChecklistPrompt { items });
                return;
            }
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

    /// What the pre-export checklist finds: against every built-in template, and the
    /// certificate that will sign.
    pub fn checklist_items(&self) -> Vec<passmith_core::Finding> {
        let templates: Vec<_> = passmith_core::model::Style::ALL
            .into_iter()
            .filter_map(super::templates::template)
            .collect();
        passmith_core::checklist::check(
            &self.session.doc,
            &templates,
            self.signer.as_ref().map(|s| &s.identity.summary),
        )
    }

    /// Starts the batch the batch export window is set up for, on its background thread.
    /// Without an identity, asks for one first and then continues. The design's own errors do
    /// not stop it: each row goes through the export gate and a refused row is reported.
    pub fn batch_run(&mut self, ctx: &egui::Context) {
        if self.batch.busy() {
            return;
        }
        let Some(signer) = &self.signer else {
            self.open_identity_dialog(Some(Pending::BatchRun));
            return;
        };
        let now = self.clock.unwrap_or_else(engine::now_unix);
        self.batch
            .start(ctx, &signer.identity.identity, signer.wwdr_pem.clone(), now);
    }

    /// The open pass as the e-mail window knows it.
    pub(super) fn one_pass(&self) -> dialogs::mail::OnePass {
        dialogs::mail::OnePass {
            serial: self.session.doc.pass.serial_number.clone(),
            version: self.session.version(),
        }
    }

    /// Signs the open pass like Export does, then sends it to the recipients typed in the
    /// e-mail window, on its background thread. Without an identity, asks for one first.
    pub fn send_pass_by_email(&mut self, ctx: &egui::Context) {
        if self.mail.busy() || self.refuse_on_errors("Send") {
            return;
        }
        if self.signer.is_none() {
            self.open_identity_dialog(Some(Pending::SendPassByEmail));
            return;
        }
        let pass = self.one_pass();
        if let Some(signed) = self.signed_pkpass() {
            self.mail_settings.read_password();
            self.mail.send_pass(
                ctx,
                &self.settings.mail,
                &self.mail_settings,
                &pass,
                &signed.bytes,
            );
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

    pub(super) fn export_png(&mut self) {
        let request = DialogRequest::ExportPng {
            suggested: self.session.suggested_name("png"),
        };
        let Some(target) = self.dialogs.pick(&request) else {
            return;
        };
        match passmith_preview::render_png(
            &self.session.doc,
            &self.preview.effective_options(&self.session.doc),
        ) {
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
}
