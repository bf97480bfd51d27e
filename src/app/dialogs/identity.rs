//! The signing identity dialog: pick a `.p12`, type its password (masked), see who it belongs to
//! (subject, team, pass type id, expiry) with warnings when it does not match the pass or has
//! expired. The password can be kept in the OS keychain (never in the settings file); where no
//! keychain exists (e.g. a Linux CI box) the dialog says so and carries on.

use std::path::PathBuf;

use passmith_core::Pass;

use crate::app::engine::{self, LoadedIdentity};
use crate::app::files::{DialogRequest, FileDialogs};
use crate::app::settings::Settings;
use crate::app::theme;

const KEYCHAIN_SERVICE: &str = "passmith";

/// What signs the pass: the chosen identity and its intermediate.
pub struct Signer {
    pub identity: LoadedIdentity,
    /// The WWDR intermediate chosen with the identity (`None`: Apple's bundled G4).
    pub wwdr_pem: Option<Vec<u8>>,
}

/// What the dialog ends with.
pub enum Outcome {
    Use(Signer),
    Cancel,
}

pub struct IdentityDialog {
    pub certificate: Option<PathBuf>,
    pub password: String,
    pub remember: bool,
    /// `None`: Apple's WWDR G4, bundled.
    pub wwdr: Option<PathBuf>,
    /// Give the pass this certificate's pass type ID and team when they differ (the default:
    /// a template's or an imported pass's IDs never match the user's certificate).
    pub adopt_ids: bool,
    loaded: Option<LoadedIdentity>,
    error: Option<String>,
    keychain_note: Option<String>,
}

fn keychain_entry(cert: &std::path::Path) -> Result<keyring::Entry, String> {
    keyring::Entry::new(KEYCHAIN_SERVICE, &cert.display().to_string()).map_err(|e| e.to_string())
}

impl IdentityDialog {
    pub fn new(settings: &Settings) -> IdentityDialog {
        let mut dialog = IdentityDialog {
            certificate: settings.last_certificate.clone(),
            password: String::new(),
            remember: settings.remember_password,
            wwdr: settings.last_wwdr.clone(),
            adopt_ids: true,
            loaded: None,
            error: None,
            keychain_note: None,
        };
        if settings.remember_password
            && let Some(cert) = &dialog.certificate
        {
            match keychain_entry(cert).and_then(|e| e.get_password().map_err(|e| e.to_string())) {
                Ok(pw) => dialog.password = pw,
                Err(e) => {
                    dialog.keychain_note = Some(format!(
                        "The saved password could not be read from the keychain: {e}"
                    ))
                }
            }
        }
        dialog
    }

    fn load(&mut self, settings: &mut Settings) {
        self.loaded = None;
        self.error = None;
        let Some(cert) = self.certificate.clone() else {
            self.error = Some("Choose your Pass Type ID certificate (.p12) first.".to_owned());
            return;
        };
        let bytes = match std::fs::read(&cert) {
            Ok(b) => b,
            Err(e) => {
                self.error = Some(format!("Could not read {}: {e}", cert.display()));
                return;
            }
        };
        match engine::load_identity(&bytes, &self.password) {
            Ok(identity) => {
                self.loaded = Some(identity);
                settings.last_certificate = Some(cert.clone());
                settings.remember_password = self.remember;
                if self.remember {
                    let saved = keychain_entry(&cert)
                        .and_then(|e| e.set_password(&self.password).map_err(|e| e.to_string()));
                    self.keychain_note = Some(match saved {
                        Ok(()) => "Password saved in the system keychain.".to_owned(),
                        Err(e) => format!(
                            "No system keychain is available ({e}); the password was not saved. You will be asked again next time."
                        ),
                    });
                }
            }
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    /// Shows the dialog; `Some` once the user is done.
    pub fn ui(
        &mut self,
        ctx: &egui::Context,
        dialogs: &mut dyn FileDialogs,
        settings: &mut Settings,
        pass: &Pass,
    ) -> Option<Outcome> {
        let mut outcome = None;
        let modal = egui::Modal::new(egui::Id::unique("passmith-identity")).show(ctx, |ui| {
            ui.set_width(theme::DIALOG_WIDTH);
            ui.heading("Signing identity");
            ui.label(
                "Wallet only accepts passes signed with your Pass Type ID certificate from Apple.",
            );
            ui.add_space(theme::SPACE_M);
            egui::Grid::new("identity-grid")
                .num_columns(2)
                .spacing(theme::DIALOG_GRID_SPACING)
                .show(ui, |ui| {
                    ui.label("Certificate");
                    ui.horizontal(|ui| {
                        let name = self
                            .certificate
                            .as_ref()
                            .map_or_else(|| "none chosen".to_owned(), |p| p.display().to_string());
                        ui.label(name);
                        if ui.button("Choose certificate…").clicked()
                            && let Some(p) = dialogs.pick(&DialogRequest::Certificate)
                        {
                            self.certificate = Some(p);
                            self.loaded = None;
                            // "Choose … first" is answered.
                            self.error = None;
                        }
                    });
                    ui.end_row();

                    let l = ui.label("Password");
                    ui.add(
                        egui::TextEdit::singleline(&mut self.password)
                            .password(true)
                            .id(egui::Id::unique("passmith-certificate-password"))
                            .hint_text("the .p12 export password"),
                    )
                    .labelled_by(l.id);
                    ui.end_row();

                    ui.label("");
                    ui.checkbox(
                        &mut self.remember,
                        "Remember the password in the system keychain",
                    );
                    ui.end_row();

                    ui.label("WWDR intermediate");
                    ui.horizontal(|ui| {
                        let name = self.wwdr.as_ref().map_or_else(
                            || "Apple WWDR G4 (bundled)".to_owned(),
                            |p| p.display().to_string(),
                        );
                        ui.label(name);
                        if ui.button("Choose WWDR certificate…").clicked()
                            && let Some(p) = dialogs.pick(&DialogRequest::Wwdr)
                        {
                            self.wwdr = Some(p);
                        }
                        if self.wwdr.is_some() && ui.button("Use bundled").clicked() {
                            self.wwdr = None;
                        }
                    });
                    ui.end_row();
                });
            ui.add_space(theme::SPACE_M);
            if ui.button("Load certificate").clicked() {
                self.load(settings);
            }
            if let Some(e) = &self.error {
                ui.colored_label(ui.visuals().error_fg_color, e);
            }
            if let Some(note) = &self.keychain_note {
                ui.label(note);
            }
            if let Some(loaded) = &self.loaded {
                let s = &loaded.summary;
                ui.separator();
                egui::Grid::new("identity-summary")
                    .num_columns(2)
                    .show(ui, |ui| {
                        ui.label("Subject");
                        ui.label(&s.subject);
                        ui.end_row();
                        ui.label("Team");
                        ui.label(s.team_identifier.as_deref().unwrap_or("unknown"));
                        ui.end_row();
                        ui.label("Pass type ID");
                        ui.label(s.pass_type_identifier.as_deref().unwrap_or("unknown"));
                        ui.end_row();
                        ui.label("Expires");
                        ui.label(passmith_core::identity::format_unix_date(s.not_after));
                        ui.end_row();
                    });
                if let Some((pass_type, team)) = s.identifiers_for(pass) {
                    ui.checkbox(
                        &mut self.adopt_ids,
                        format!("Use this certificate's pass type ID and team in this pass ({pass_type}, {team})"),
                    )
                    .on_hover_text("Recommended: Wallet only accepts a pass whose IDs match the certificate that signed it. One undo step.");
                }
                for f in s.check_against(pass, engine::now_unix()) {
                    if self.adopt_ids
                        && matches!(
                            f.code,
                            passmith_core::Code::IdentityPassTypeMismatch
                                | passmith_core::Code::IdentityTeamMismatch
                        )
                    {
                        // Fixed by the box above.
                        continue;
                    }
                    let color = theme::severity_color(ui.visuals(), f.severity);
                    ui.colored_label(
                        color,
                        format!(
                            "{} {} {}",
                            crate::app::widgets::severity_icon(f.severity),
                            f.message,
                            f.hint
                        ),
                    );
                }
            }
            ui.add_space(theme::SPACE_L);
            ui.horizontal(|ui| {
                let ready = self.loaded.is_some();
                if ui
                    .add_enabled(ready, egui::Button::new("Use this identity"))
                    .clicked()
                {
                    let wwdr_pem = match &self.wwdr {
                        None => Ok(None),
                        Some(p) => std::fs::read(p)
                            .map(Some)
                            .map_err(|e| format!("Could not read {}: {e}", p.display())),
                    };
                    match (wwdr_pem, self.loaded.take()) {
                        (Ok(wwdr_pem), Some(identity)) => {
                            settings.last_wwdr = self.wwdr.clone();
                            outcome = Some(Outcome::Use(Signer { identity, wwdr_pem }));
                        }
                        (Err(e), loaded) => {
                            self.loaded = loaded;
                            self.error = Some(e);
                        }
                        (Ok(_), None) => {}
                    }
                }
                if ui.button("Cancel").clicked() {
                    outcome = Some(Outcome::Cancel);
                }
            });
        });
        if outcome.is_none() && modal.should_close() {
            outcome = Some(Outcome::Cancel);
        }
        outcome
    }
}
