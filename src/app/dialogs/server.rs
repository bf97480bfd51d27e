//! The update server window: where the server is (URL and path prefix, kept in the settings
//! file), its API key (kept in the OS keychain only, or for this session when there is no
//! keychain), "Upload" and "Push update". Network calls run on a named background thread so the
//! window never freezes; this module polls their result each frame and explains errors in plain
//! words with what to do about them.

use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::time::Duration;

use passmith_core::Pass;

use crate::app::command::Command;
use crate::app::engine;
use crate::app::keychain::Secret;
use crate::app::notice::Notice;
use crate::app::settings::Settings;
use crate::app::theme;
use crate::upload::{UploadError, Uploaded};

/// The API key's keychain entry.
const API_KEY: Secret = Secret::new("update-server-api-key", "The API key");

/// What a background call ended with.
#[derive(Debug)]
pub enum JobDone {
    Uploaded(Uploaded),
    /// The server accepted the push request (202); this many devices will be told.
    Pushed {
        serial: String,
        queued: u64,
    },
}

struct Job {
    /// "Uploading the pass…" etc., shown beside the spinner.
    what: String,
    rx: Receiver<Result<JobDone, UploadError>>,
}

/// The window's state (UI state, not part of the document).
#[derive(Default)]
pub struct ServerPanel {
    pub open: bool,
    /// The management API key for this session; saved only to the keychain.
    pub api_key: String,
    key_read: bool,
    pub keychain_note: Option<String>,
    job: Option<Job>,
    /// The outcome of the last call, shown in the window until the next one.
    pub status: Option<Notice>,
    /// The server's answer to the last successful upload.
    pub last_upload: Option<Uploaded>,
    /// Devices queued by the last successful push.
    pub last_push: Option<u64>,
}

/// `webServiceURL` for passes served by this server: its URL plus the path prefix (default `/`).
pub fn web_service_url(server: &str, prefix: &str) -> Result<String, String> {
    let base = server.trim().trim_end_matches('/');
    let host = base
        .strip_prefix("https://")
        .or_else(|| base.strip_prefix("http://"))
        .unwrap_or("");
    if host.is_empty() {
        return Err(
            "Enter the update server's address first (e.g. https://passes.example.com) in File → Update server…"
                .to_owned(),
        );
    }
    let prefix = prefix.trim().trim_matches('/');
    Ok(if prefix.is_empty() {
        format!("{base}/")
    } else {
        format!("{base}/{prefix}/")
    })
}

/// Plain words for a failed call: a title and how to fix it.
pub fn explain(err: &UploadError, action: &str) -> Notice {
    let (title, mut lines) = match err {
        UploadError::BadUrl { server, .. } => (
            format!("“{server}” is not a server address"),
            vec!["Type the full address your server administrator gave you, starting with https:// (for example https://passes.example.com).".to_owned()],
        ),
        UploadError::Unreachable { server, .. } => (
            "Could not reach the update server".to_owned(),
            vec![
                format!("Nothing answered at {server}."),
                "Check the server URL above for typos, check your internet connection, and ask your server administrator whether the server is running.".to_owned(),
            ],
        ),
        UploadError::Unauthorized { .. } => (
            "The update server did not accept the API key (401)".to_owned(),
            vec!["Paste the API key your server administrator gave you into the API key box above, press “Save API key”, then try again.".to_owned()],
        ),
        UploadError::Rejected { message, status } => (
            format!("The update server refused the pass ({status})"),
            vec![
                format!("The server said: {message}"),
                "Check that the pass has a web service URL and authentication token (use “Fill web service from server settings”) and that it is signed with your Pass Type ID certificate, then upload again.".to_owned(),
            ],
        ),
        UploadError::TooLarge => (
            "The pass is too large for the update server (413)".to_owned(),
            vec!["Use smaller images (Images section), or ask your server administrator to accept larger passes.".to_owned()],
        ),
        UploadError::NotFound { .. } => (
            "The update server does not have this pass yet".to_owned(),
            vec!["Upload the pass first, then push the update.".to_owned()],
        ),
        UploadError::Server { status, message } => (
            format!("The update server had a problem ({status})"),
            vec![
                format!("The server said: {message}"),
                "Try again in a minute; if it keeps happening, send this message to your server administrator.".to_owned(),
            ],
        ),
    };
    lines.push(format!("Nothing was changed by this {action}."));
    Notice::error(title).with_lines(lines)
}

impl ServerPanel {
    /// Reads the API key from the keychain once, the first time the window is needed.
    pub fn read_key(&mut self) {
        if self.key_read {
            return;
        }
        self.key_read = true;
        match API_KEY.read() {
            Ok(Some(key)) if self.api_key.is_empty() => self.api_key = key,
            // Never saved, or typed already: nothing to say.
            Ok(_) => {}
            Err(note) => self.keychain_note = Some(note),
        }
    }

    fn save_key(&mut self) {
        self.keychain_note = Some(API_KEY.save(self.api_key.trim()));
    }

    /// What the running call is doing ("Uploading the pass…"), shown beside the spinner.
    pub fn progress_text(&self) -> Option<&str> {
        self.job.as_ref().map(|j| j.what.as_str())
    }

    /// True while an upload or push is running.
    pub fn busy(&self) -> bool {
        self.job.is_some()
    }

    fn spawn(
        &mut self,
        what: &str,
        work: impl FnOnce() -> Result<JobDone, UploadError> + Send + 'static,
    ) {
        let (tx, rx) = mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("passmith-upload".to_owned())
            .spawn(move || {
                // The window may have closed; then nobody needs the answer.
                let _ = tx.send(work());
            });
        match spawned {
            Ok(_) => {
                self.status = None;
                self.job = Some(Job {
                    what: what.to_owned(),
                    rx,
                });
            }
            Err(e) => {
                self.status = Some(
                    Notice::error("Could not start the upload")
                        .line(e.to_string())
                        .line("Close other programs and try again."),
                );
            }
        }
    }

    /// Uploads a signed `.pkpass` in the background.
    pub fn start_upload(&mut self, server: String, key: String, pkpass: Vec<u8>) {
        self.open = true;
        self.spawn("Uploading the pass…", move || {
            engine::upload_pass(&server, &key, &pkpass).map(JobDone::Uploaded)
        });
    }

    /// Asks the server to tell every device of this pass to fetch it again.
    pub fn start_push(
        &mut self,
        server: String,
        key: String,
        pass_type_id: String,
        serial: String,
    ) {
        self.open = true;
        self.spawn("Sending the update to devices…", move || {
            engine::push_update(&server, &key, &pass_type_id, &serial)
                .map(|queued| JobDone::Pushed { serial, queued })
        });
    }

    /// Picks up a finished call. Call once per frame.
    pub fn poll(&mut self, ctx: &egui::Context) {
        let Some(job) = &self.job else { return };
        match job.rx.try_recv() {
            Err(TryRecvError::Empty) => {
                // Keep the spinner turning and look again soon.
                ctx.request_repaint_after(Duration::from_millis(100));
            }
            Err(TryRecvError::Disconnected) => {
                self.job = None;
                self.status = Some(
                    Notice::error("The upload stopped unexpectedly")
                        .line("Try again; your pass is unchanged."),
                );
            }
            Ok(result) => {
                let action = if job.what.starts_with("Uploading") {
                    "upload"
                } else {
                    "push"
                };
                self.job = None;
                ctx.request_repaint();
                self.status = Some(match result {
                    Ok(JobDone::Uploaded(up)) => {
                        let status = uploaded_status(&up);
                        self.last_upload = Some(up);
                        status
                    }
                    Ok(JobDone::Pushed { serial, queued }) => {
                        self.last_push = Some(queued);
                        Notice::info("Push update accepted by the server (202)").line(format!(
                            "{queued} device{} with pass {serial} will be told to fetch the new version.",
                            if queued == 1 { "" } else { "s" }
                        ))
                    }
                    Err(e) => explain(&e, action),
                });
            }
        }
    }

    /// Shows the window (when open); returns what the user asked for.
    pub fn ui(
        &mut self,
        ctx: &egui::Context,
        settings: &mut Settings,
        pass: &Pass,
    ) -> Vec<Command> {
        let mut commands = Vec::new();
        if !self.open {
            return commands;
        }
        self.read_key();
        let mut open = self.open;
        egui::Window::new("Update server")
            .id(egui::Id::unique("passmith-update-server"))
            .open(&mut open)
            .default_width(theme::DIALOG_WIDTH)
            .show(ctx, |ui| {
                ui.label("Upload the pass to your passmith-server so Wallet can fetch updates.");
                egui::Grid::new("server-grid")
                    .num_columns(2)
                    .spacing(theme::DIALOG_GRID_SPACING)
                    .show(ui, |ui| {
                        let l = ui.label("Server URL");
                        ui.add(
                            egui::TextEdit::singleline(&mut settings.server_url)
                                .id(egui::Id::unique("passmith-server-url"))
                                .hint_text("https://passes.example.com"),
                        )
                        .labelled_by(l.id);
                        ui.end_row();

                        let l = ui.label("Path prefix");
                        ui.add(
                            egui::TextEdit::singleline(&mut settings.server_path_prefix)
                                .id(egui::Id::unique("passmith-server-prefix"))
                                .hint_text("/"),
                        )
                        .labelled_by(l.id);
                        ui.end_row();

                        let l = ui.label("API key");
                        ui.add(
                            egui::TextEdit::singleline(&mut self.api_key)
                                .password(true)
                                .id(egui::Id::unique("passmith-server-api-key"))
                                .hint_text("from your server administrator"),
                        )
                        .labelled_by(l.id);
                        ui.end_row();

                        ui.label("");
                        if ui
                            .add_enabled(!self.api_key.trim().is_empty(), egui::Button::new("Save API key"))
                            .on_hover_text("Keeps the key in the system keychain, never in a settings file")
                            .clicked()
                        {
                            self.save_key();
                        }
                        ui.end_row();
                    });
                if let Some(note) = &self.keychain_note {
                    ui.label(note);
                }
                let missing_web = pass.web_service_url.as_deref().is_none_or(str::is_empty)
                    || pass.authentication_token.as_deref().is_none_or(str::is_empty);
                if missing_web {
                    ui.separator();
                    ui.label("This pass has no web service yet, so Wallet will never ask for its updates.");
                    if ui.button("Fill web service from server settings").clicked() {
                        commands.push(Command::FillWebService);
                    }
                }
                ui.separator();
                ui.horizontal(|ui| {
                    let idle = self.job.is_none();
                    if ui
                        .add_enabled(idle, egui::Button::new("Upload"))
                        .on_hover_text("Export, sign and upload this pass to the server")
                        .clicked()
                    {
                        commands.push(Command::Upload);
                    }
                    if ui
                        .add_enabled(idle, egui::Button::new("Push update"))
                        .on_hover_text("Tell every device with this pass to fetch it again")
                        .clicked()
                    {
                        commands.push(Command::PushUpdate);
                    }
                });
                if let Some(job) = &self.job {
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label(&job.what);
                    });
                }
                if let Some(status) = &self.status {
                    let color = theme::notice_text_color(ui.visuals(), status.kind);
                    ui.colored_label(color, egui::RichText::new(&status.title).strong());
                    for line in &status.lines {
                        ui.label(line);
                    }
                }
            });
        self.open = open;
        commands
    }
}

fn uploaded_status(up: &Uploaded) -> Notice {
    let what = if up.created {
        "Uploaded a new pass"
    } else if up.changed {
        "Uploaded the new version"
    } else {
        "The server already had exactly this version"
    };
    let mut lines = vec![format!(
        "{} device{} registered for updates of {}.",
        up.registrations,
        if up.registrations == 1 {
            " is"
        } else {
            "s are"
        },
        up.serial_number
    )];
    if up.pushes_queued > 0 {
        lines.push(format!(
            "{} device{} will be told about the change.",
            up.pushes_queued,
            if up.pushes_queued == 1 { "" } else { "s" }
        ));
    }
    Notice::info(format!("{what} ({})", up.serial_number)).with_lines(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_service_url_joins_server_and_prefix() {
        assert_eq!(
            web_service_url("https://passes.example.com", "").unwrap(),
            "https://passes.example.com/"
        );
        assert_eq!(
            web_service_url("https://passes.example.com/", "/").unwrap(),
            "https://passes.example.com/"
        );
        assert_eq!(
            web_service_url(" https://p.example.com/ ", "/wallet/").unwrap(),
            "https://p.example.com/wallet/"
        );
        assert!(web_service_url("", "/").is_err());
        assert!(web_service_url("https://", "/").is_err());
        assert_eq!(web_service_url("http://x", "").unwrap(), "http://x/");
        assert!(web_service_url("passes.example.com", "/").is_err());
    }

    #[test]
    fn errors_say_how_to_fix_them() {
        let s = explain(
            &UploadError::Unauthorized {
                message: "bad key".into(),
            },
            "upload",
        );
        assert!(s.title.contains("API key"), "{s:?}");
        assert!(s.lines.iter().any(|l| l.contains("Save API key")), "{s:?}");
        let s = explain(
            &UploadError::Rejected {
                status: 422,
                message: "no signature".into(),
            },
            "upload",
        );
        assert!(s.title.contains("refused"));
        assert!(s.lines.iter().any(|l| l.contains("no signature")));
    }
}
