//! File ▸ E-mail settings…: the SMTP server every "Send by e-mail…" goes through, the sender,
//! and the pace. Kept in the settings file, except the SMTP password, which goes to the OS
//! keychain only (or is kept for this session when there is none, as the update server's key).
//!
//! [`MailSettingsDialog::smtp`] and [`options`] turn these into the engine's settings, so the
//! send window never reads a field of its own for the server.

use std::path::PathBuf;
use std::time::Duration;

use crate::app::files::{DialogRequest, FileDialogs};
use crate::app::keychain::Secret;
use crate::app::settings::MailSettings;
use crate::app::theme;
use crate::mail::{Retry, Security, SendOptions, SmtpSettings};

/// The SMTP password's keychain entry.
const SMTP_PASSWORD: Secret = Secret::new("smtp-password", "The SMTP password");

/// The window's state; the settings themselves live in [`MailSettings`].
#[derive(Default)]
pub struct MailSettingsDialog {
    pub open: bool,
    /// The SMTP password for this session; saved only to the keychain.
    pub password: String,
    password_read: bool,
    pub keychain_note: Option<String>,
}

impl MailSettingsDialog {
    pub fn show(&mut self) {
        self.open = true;
    }

    /// Reads the SMTP password from the keychain once, the first time it is needed.
    pub fn read_password(&mut self) {
        if self.password_read {
            return;
        }
        self.password_read = true;
        match SMTP_PASSWORD.read() {
            Ok(Some(p)) if self.password.is_empty() => self.password = p,
            Ok(_) => {}
            Err(note) => self.keychain_note = Some(note),
        }
    }

    fn save_password(&mut self) {
        self.keychain_note = Some(SMTP_PASSWORD.save(&self.password));
    }

    /// The server to send through, or what to fill in first (in the window's words).
    pub fn smtp(&self, settings: &MailSettings) -> Result<SmtpSettings, String> {
        let host = settings.smtp_host.trim();
        if host.is_empty() {
            return Err(
                "enter the SMTP server under E-mail settings… (File menu), or tick “Write .eml files instead”"
                    .into(),
            );
        }
        let user = settings.smtp_user.trim();
        if !user.is_empty() && self.password.is_empty() {
            return Err(format!(
                "enter the SMTP password for {user} under E-mail settings… (File menu), or clear User to send without a login"
            ));
        }
        let ca_file = Some(settings.ca_file.trim())
            .filter(|c| !c.is_empty())
            .map(PathBuf::from);
        if ca_file.is_some() && settings.security == Security::None {
            return Err("a trusted CA file is set but Security is None; choose STARTTLS or TLS, or clear the CA file".into());
        }
        Ok(SmtpSettings {
            host: host.to_owned(),
            port: settings.smtp_port,
            security: settings.security,
            login: (!user.is_empty()).then(|| (user.to_owned(), self.password.clone())),
            timeout: Duration::from_secs(60),
            ca_file,
        })
    }

    /// The window, when open.
    pub fn ui(
        &mut self,
        ctx: &egui::Context,
        dialogs: &mut dyn FileDialogs,
        settings: &mut MailSettings,
    ) {
        if !self.open {
            return;
        }
        self.read_password();
        let mut open = self.open;
        egui::Window::new("E-mail settings")
            .id(egui::Id::unique("passmith-mail-settings"))
            .default_width(theme::DIALOG_WIDTH)
            .resizable(true)
            .open(&mut open)
            .show(ctx, |ui| {
                ui.label(
                    "The mail server and sender every “Send by e-mail…” uses. The password is kept \
                     in the system keychain, never in a settings file.",
                );
                ui.add_space(theme::SPACE_M);
                self.server_ui(ui, dialogs, settings);
                ui.separator();
                sender_ui(ui, settings);
                ui.separator();
                pace_ui(ui, settings);
                ui.add_space(theme::SPACE_M);
                ui.label(egui::RichText::new(summary(settings)).weak());
            });
        self.open = open;
    }

    /// The SMTP server, its security, login and trusted CA.
    fn server_ui(
        &mut self,
        ui: &mut egui::Ui,
        dialogs: &mut dyn FileDialogs,
        settings: &mut MailSettings,
    ) {
        ui.label(egui::RichText::new("Server").strong());
        let mut save = false;
        egui::Grid::new("mail-settings-server")
            .num_columns(2)
            .spacing(theme::DIALOG_GRID_SPACING)
            .show(ui, |ui| {
                let l = ui.label("SMTP server");
                ui.add(
                    egui::TextEdit::singleline(&mut settings.smtp_host)
                        .id(egui::Id::unique("passmith-mail-host"))
                        .hint_text("smtp.example.com"),
                )
                .labelled_by(l.id);
                ui.end_row();

                let l = ui.label("Security");
                let before = settings.security;
                egui::ComboBox::from_id_salt("passmith-mail-security")
                    .selected_text(security_label(settings.security))
                    .show_ui(ui, |ui| {
                        for s in [Security::Starttls, Security::Tls, Security::None] {
                            ui.selectable_value(&mut settings.security, s, security_label(s));
                        }
                    })
                    .response
                    .labelled_by(l.id);
                // The port follows the security while it is the usual one.
                if settings.security != before && settings.smtp_port == before.default_port() {
                    settings.smtp_port = settings.security.default_port();
                }
                ui.end_row();

                let l = ui.label("Port");
                ui.add(egui::DragValue::new(&mut settings.smtp_port).range(1..=65535))
                    .labelled_by(l.id);
                ui.end_row();

                let l = ui.label("User");
                ui.add(
                    egui::TextEdit::singleline(&mut settings.smtp_user)
                        .id(egui::Id::unique("passmith-mail-user"))
                        .hint_text("empty: no login"),
                )
                .labelled_by(l.id);
                ui.end_row();

                let l = ui.label("Password");
                ui.horizontal(|ui| {
                    ui.add(
                        egui::TextEdit::singleline(&mut self.password)
                            .password(true)
                            .id(egui::Id::unique("passmith-mail-password")),
                    )
                    .labelled_by(l.id);
                    save = ui
                        .add_enabled(
                            !self.password.is_empty(),
                            egui::Button::new("Save password"),
                        )
                        .on_hover_text(
                            "Keeps the password in the system keychain, never in a settings file",
                        )
                        .clicked();
                });
                ui.end_row();

                let l = ui.label("Trusted CA");
                ui.horizontal(|ui| {
                    ui.add(
                        egui::TextEdit::singleline(&mut settings.ca_file)
                            .id(egui::Id::unique("passmith-mail-ca-file"))
                            .hint_text("empty: the system's certificates"),
                    )
                    .labelled_by(l.id)
                    .on_hover_text(
                        "Only for a server whose certificate your company's own CA signed: a PEM file of that CA",
                    );
                    if ui
                        .button("Choose…")
                        .accessible_name("Choose trusted CA…")
                        .clicked()
                        && let Some(path) = dialogs.pick(&DialogRequest::MailCaFile)
                    {
                        settings.ca_file = path.display().to_string();
                    }
                });
                ui.end_row();
            });
        if save {
            self.save_password();
        }
        if let Some(note) = &self.keychain_note {
            ui.label(note);
        }
    }
}

/// From and Reply-to.
fn sender_ui(ui: &mut egui::Ui, settings: &mut MailSettings) {
    ui.label(egui::RichText::new("Sender").strong());
    egui::Grid::new("mail-settings-sender")
        .num_columns(2)
        .spacing(theme::DIALOG_GRID_SPACING)
        .show(ui, |ui| {
            let l = ui.label("From");
            ui.add(
                egui::TextEdit::singleline(&mut settings.from)
                    .id(egui::Id::unique("passmith-mail-from"))
                    .hint_text("Hill Café <passes@example.com>"),
            )
            .labelled_by(l.id);
            ui.end_row();

            let l = ui.label("Reply-to");
            ui.add(
                egui::TextEdit::singleline(&mut settings.reply_to)
                    .id(egui::Id::unique("passmith-mail-reply-to"))
                    .hint_text("empty: replies go to From"),
            )
            .labelled_by(l.id);
            ui.end_row();
        });
}

/// Messages per minute and at the same time.
fn pace_ui(ui: &mut egui::Ui, settings: &mut MailSettings) {
    ui.label(egui::RichText::new("Pace").strong());
    egui::Grid::new("mail-settings-pace")
        .num_columns(2)
        .spacing(theme::DIALOG_GRID_SPACING)
        .show(ui, |ui| {
            let l = ui.label("Messages per minute");
            ui.add(
                egui::DragValue::new(&mut settings.per_minute)
                    .range(0..=100_000)
                    .custom_formatter(|v, _| {
                        if v == 0.0 {
                            "no limit".to_owned()
                        } else {
                            format!("{v}")
                        }
                    }),
            )
            .labelled_by(l.id)
            .on_hover_text("Your mail provider's sending limit; 0 means no limit");
            ui.end_row();

            let l = ui.label("At the same time");
            ui.add(egui::DragValue::new(&mut settings.concurrency).range(1..=32))
                .labelled_by(l.id)
                .on_hover_text("Messages sent at once, each over its own connection");
            ui.end_row();
        });
}

/// The engine's pace and retries for these settings.
pub fn options(settings: &MailSettings) -> SendOptions {
    SendOptions {
        concurrency: settings.concurrency.max(1),
        per_minute: settings.per_minute,
        retry: Retry::default(),
        resend_unconfirmed: false,
    }
}

pub fn security_label(s: Security) -> &'static str {
    match s {
        Security::Starttls => "STARTTLS",
        Security::Tls => "TLS",
        Security::None => "None (unencrypted)",
    }
}

/// One line for the send window: "smtp.example.com:587 (STARTTLS), as passes, from …".
pub fn summary(settings: &MailSettings) -> String {
    let host = settings.smtp_host.trim();
    if host.is_empty() {
        return "No mail server is set yet.".to_owned();
    }
    let mut text = format!(
        "Through {host}:{} ({})",
        settings.smtp_port,
        security_label(settings.security)
    );
    let user = settings.smtp_user.trim();
    if !user.is_empty() {
        text.push_str(&format!(", as {user}"));
    }
    let from = settings.from.trim();
    if !from.is_empty() {
        text.push_str(&format!(", from {from}"));
    }
    if settings.per_minute > 0 {
        text.push_str(&format!(", at most {} a minute", settings.per_minute));
    }
    text.push('.');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_server_needs_a_host_a_password_for_a_login_and_tls_for_a_ca() {
        let mut dialog = MailSettingsDialog::default();
        let mut settings = MailSettings::default();
        assert!(dialog.smtp(&settings).unwrap_err().contains("SMTP server"));
        settings.smtp_host = "smtp.example.com".into();
        settings.smtp_user = "passes".into();
        assert!(
            dialog
                .smtp(&settings)
                .unwrap_err()
                .contains("password for passes")
        );
        dialog.password = "pw".into();
        settings.ca_file = "/ca.pem".into();
        settings.security = Security::None;
        assert!(
            dialog
                .smtp(&settings)
                .unwrap_err()
                .contains("Security is None")
        );
        settings.security = Security::Tls;
        let smtp = dialog.smtp(&settings).unwrap();
        assert_eq!(smtp.ca_file, Some(PathBuf::from("/ca.pem")));
        assert_eq!(smtp.login, Some(("passes".into(), "pw".into())));
        assert_eq!(
            summary(&settings),
            "Through smtp.example.com:587 (TLS), as passes."
        );
    }
}
