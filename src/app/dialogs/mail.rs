//! The "Send by e-mail…" window: each pass of a batch's `manifest.csv` mailed to its row's
//! address, through `passmith::mail`, the same engine as `passmith mail`.
//!
//! Choose the manifest (or come here from the batch window's "Send by e-mail…", which fills it
//! in), set the server, the sender and the message templates (kept in the settings file; the
//! SMTP password only in the OS keychain, or for this session when there is none), see the first
//! message as it will go out, then send. Sending runs on a named background thread with a
//! progress bar and Cancel; "Write .eml files instead" writes the messages into a folder and sends
//! nothing. At the end the window says how many went out and lists the failed recipients with
//! the server's reasons.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use crate::app::files::{DialogRequest, FileDialogs};
use crate::app::settings::MailSettings;
use crate::app::theme;
use crate::mail::{
    self, Deliver, EmlFolder, LOG_NAME, Letter, Manifest, Progress, Report, Security, SendLog,
    SendOptions, Smtp, SmtpSettings, file_stem,
};

const KEYCHAIN_SERVICE: &str = "passmith";
const KEYCHAIN_USER: &str = "smtp-password";

fn keychain_entry() -> Result<keyring::Entry, String> {
    keyring::Entry::new(KEYCHAIN_SERVICE, KEYCHAIN_USER).map_err(|e| e.to_string())
}

fn no_keychain(reason: &str) -> String {
    format!(
        "No system keychain is available on this computer ({reason}). The SMTP password is kept only until Passmith closes; you will need to enter it again next time."
    )
}

/// The first message as it will go out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessagePreview {
    pub to: String,
    pub subject: String,
    pub body: String,
    /// The attachment's file name (`<serial>.pkpass`).
    pub attachment: String,
}

/// A run on its thread.
struct Running {
    cancel: Arc<AtomicBool>,
    progress: Arc<Mutex<Option<Progress>>>,
    rx: Receiver<Result<Report, String>>,
    total: usize,
    dry_run: Option<PathBuf>,
}

/// How the last run ended.
pub struct Finished {
    /// The folder of a dry run; `None` when the messages were sent.
    pub dry_run: Option<PathBuf>,
    /// The report, or why nothing could be sent.
    pub result: Result<Report, String>,
}

/// The window's state (UI state, not part of the document).
#[derive(Default)]
pub struct MailDialog {
    pub open: bool,
    /// The manifest's path as typed or chosen.
    pub manifest_path: String,
    /// The SMTP password for this session; saved only to the keychain.
    pub password: String,
    password_read: bool,
    pub keychain_note: Option<String>,
    /// Write `.eml` files into `eml_dir` instead of sending.
    pub dry_run: bool,
    pub eml_dir: String,
    manifest: Option<Manifest>,
    load_error: Option<String>,
    running: Option<Running>,
    pub finished: Option<Finished>,
}

impl MailDialog {
    /// Opens the window (keeping a manifest already chosen).
    pub fn show(&mut self) {
        self.open = true;
    }

    /// Opens the window on `manifest` (after a batch run).
    pub fn show_manifest(&mut self, manifest: &Path) {
        self.open = true;
        if self.running.is_none() {
            self.manifest_path = manifest.display().to_string();
            self.finished = None;
            self.load();
        }
    }

    /// True while messages are being sent.
    pub fn busy(&self) -> bool {
        self.running.is_some()
    }

    /// Why the manifest cannot be read.
    pub fn problem(&self) -> Option<&str> {
        self.load_error.as_deref()
    }

    /// The manifest's columns, once read.
    pub fn columns(&self) -> Option<&[String]> {
        self.manifest.as_ref().map(|m| m.columns.as_slice())
    }

    /// Reads the manifest at `manifest_path`.
    pub fn load(&mut self) {
        self.manifest = None;
        self.load_error = None;
        let path = PathBuf::from(self.manifest_path.trim());
        if path.as_os_str().is_empty() {
            return;
        }
        match Manifest::read(&path) {
            Ok(m) => {
                if self.eml_dir.trim().is_empty() {
                    self.eml_dir = m.dir.join("eml").display().to_string();
                }
                self.manifest = Some(m);
            }
            Err(e) => {
                self.load_error = Some(format!(
                    "The manifest cannot be used: {e}. Choose the manifest.csv that Batch export wrote."
                ));
            }
        }
    }

    /// Reads the SMTP password from the keychain once, the first time the window is shown.
    fn read_password(&mut self) {
        if self.password_read {
            return;
        }
        self.password_read = true;
        let entry = match keychain_entry() {
            Ok(entry) => entry,
            Err(e) => {
                self.keychain_note = Some(no_keychain(&e));
                return;
            }
        };
        match entry.get_password() {
            Ok(p) => {
                if self.password.is_empty() {
                    self.password = p;
                }
            }
            Err(keyring::Error::NoEntry) => {}
            Err(e) => self.keychain_note = Some(no_keychain(&e.to_string())),
        }
    }

    fn save_password(&mut self) {
        let saved = keychain_entry()
            .and_then(|e| e.set_password(&self.password).map_err(|e| e.to_string()));
        self.keychain_note = Some(match saved {
            Ok(()) => "SMTP password saved in the system keychain.".to_owned(),
            Err(e) => no_keychain(&e),
        });
    }

    /// The letter the settings describe, or what is wrong with them.
    fn letter(settings: &MailSettings) -> Result<Letter, String> {
        if settings.from.trim().is_empty() {
            return Err("Enter the sender (From), e.g. “Hill Café <passes@example.com>”.".into());
        }
        let reply_to = Some(settings.reply_to.trim()).filter(|r| !r.is_empty());
        Letter::new(
            &settings.from,
            reply_to,
            settings.to_column.trim(),
            &settings.subject,
            &settings.body,
            None,
        )
        .map_err(|e| {
            e.to_string()
                .replace("--from", "From")
                .replace("--reply-to", "Reply-to")
        })
    }

    /// The first message of the manifest with its placeholders filled, or why there is none.
    pub fn preview(&self, settings: &MailSettings) -> Result<MessagePreview, String> {
        let Some(manifest) = &self.manifest else {
            return Err("Choose a manifest.csv to see the first message.".into());
        };
        let letter = Self::letter(settings)?;
        letter
            .check(manifest)
            .map_err(|e| e.to_string().replace("--to-column", "Recipient column"))?;
        let Some(entry) = manifest.entries.first() else {
            return Err("The manifest has no passes.".into());
        };
        let to = letter
            .recipient(manifest, entry)
            .map_err(|p| p.to_string())?;
        let value = |column: &str| manifest.value(entry, column);
        let extension = if entry.file.to_ascii_lowercase().ends_with(".pkpasses") {
            "pkpasses"
        } else {
            "pkpass"
        };
        Ok(MessagePreview {
            to: to.to_string(),
            subject: letter.subject.fill(value, |v| v.replace(['\r', '\n'], " ")),
            body: letter.text.fill(value, str::to_owned),
            attachment: format!("{}.{extension}", file_stem(&entry.serial)),
        })
    }

    /// Starts sending (or writing `.eml` files) on a background thread.
    pub fn start(&mut self, ctx: &egui::Context, settings: &MailSettings) {
        if self.running.is_some() {
            return;
        }
        let fail = |this: &mut MailDialog, dry_run: Option<PathBuf>, reason: String| {
            this.finished = Some(Finished {
                dry_run,
                result: Err(reason),
            });
        };
        let dry_run = self
            .dry_run
            .then(|| PathBuf::from(self.eml_dir.trim()))
            .filter(|d| !d.as_os_str().is_empty());
        if self.dry_run && dry_run.is_none() {
            return fail(self, None, "choose the folder for the .eml files".into());
        }
        let Some(manifest) = self.manifest.clone() else {
            return fail(self, dry_run, "choose a manifest.csv first".into());
        };
        let letter = match Self::letter(settings) {
            Ok(l) => l,
            Err(e) => return fail(self, dry_run, e),
        };
        let prepared = match mail::prepare(&manifest, &letter) {
            Ok(p) => p,
            Err(e) => return fail(self, dry_run, e.to_string()),
        };
        let smtp = if dry_run.is_none() {
            if settings.smtp_host.trim().is_empty() {
                return fail(
                    self,
                    None,
                    "enter the SMTP server, or tick “Write .eml files instead”".into(),
                );
            }
            let user = settings.smtp_user.trim();
            if !user.is_empty() && self.password.is_empty() {
                return fail(
                    self,
                    None,
                    format!(
                        "enter the SMTP password for {user}, or clear User to send without a login"
                    ),
                );
            }
            Some(SmtpSettings {
                host: settings.smtp_host.trim().to_owned(),
                port: settings.smtp_port,
                security: settings.security,
                login: (!user.is_empty()).then(|| (user.to_owned(), self.password.clone())),
                timeout: Duration::from_secs(60),
            })
        } else {
            None
        };
        let total = prepared.len();
        let cancel = Arc::new(AtomicBool::new(false));
        let progress = Arc::new(Mutex::new(None));
        let (tx, rx) = mpsc::channel();
        let work = {
            let cancel = Arc::clone(&cancel);
            let progress = Arc::clone(&progress);
            let ctx = ctx.clone();
            let dry_run = dry_run.clone();
            move || {
                let opts = SendOptions::default();
                let result = (|| -> Result<Report, String> {
                    let (deliver, log): (Box<dyn Deliver>, Option<SendLog>) = match (&dry_run, smtp)
                    {
                        (Some(dir), _) => (
                            Box::new(EmlFolder::new(dir).map_err(|e| e.to_string())?),
                            None,
                        ),
                        (None, Some(smtp)) => {
                            let transport =
                                Smtp::new(&smtp, opts.concurrency).map_err(|e| e.to_string())?;
                            transport.check().map_err(|e| e.to_string())?;
                            let log = SendLog::open(&manifest.dir.join(LOG_NAME))
                                .map_err(|e| e.to_string())?;
                            (Box::new(transport), Some(log))
                        }
                        (None, None) => return Err("no SMTP server".into()),
                    };
                    Ok(mail::send_all(
                        &manifest,
                        &letter,
                        &prepared,
                        deliver.as_ref(),
                        log.as_ref(),
                        &opts,
                        &cancel,
                        &|p| {
                            *progress.lock().unwrap_or_else(PoisonError::into_inner) = Some(p);
                            ctx.request_repaint();
                        },
                    ))
                })();
                // The window may have closed; then nobody needs the answer.
                let _ = tx.send(result);
                ctx.request_repaint();
            }
        };
        match std::thread::Builder::new()
            .name("passmith-mail".to_owned())
            .spawn(work)
        {
            Ok(_) => {
                self.finished = None;
                self.running = Some(Running {
                    cancel,
                    progress,
                    rx,
                    total,
                    dry_run,
                });
            }
            Err(e) => fail(
                self,
                dry_run,
                format!("the work could not be started ({e}); close other programs and try again"),
            ),
        }
    }

    /// Asks the run to stop after the messages being sent.
    pub fn cancel(&self) {
        if let Some(running) = &self.running {
            running.cancel.store(true, Ordering::Relaxed);
        }
    }

    /// Picks up the end of a run. Call once a frame.
    pub fn poll(&mut self, ctx: &egui::Context) {
        let Some(running) = &self.running else {
            return;
        };
        let result = match running.rx.try_recv() {
            Err(TryRecvError::Empty) => {
                ctx.request_repaint_after(Duration::from_millis(200));
                return;
            }
            Err(TryRecvError::Disconnected) => Err(
                "sending stopped unexpectedly; send again: the send log skips what already went out"
                    .to_owned(),
            ),
            Ok(result) => result,
        };
        self.finished = Some(Finished {
            dry_run: running.dry_run.clone(),
            result,
        });
        self.running = None;
        ctx.request_repaint();
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
        let window = egui::Window::new("Send by e-mail")
            .id(egui::Id::unique("passmith-send-by-email"))
            .default_width(theme::BATCH_DIALOG_WIDTH)
            .resizable(true)
            .vscroll(true);
        // No close button while sending: Cancel stops it.
        let window = if self.running.is_some() {
            window
        } else {
            window.open(&mut open)
        };
        window.show(ctx, |ui| {
            ui.label(
                "E-mail each pass of a batch to the address in its row. Write {{column}} in the \
                 subject or the message where a row's value goes.",
            );
            ui.add_space(theme::SPACE_M);
            self.manifest_ui(ui, dialogs);
            if let Some(error) = &self.load_error {
                ui.colored_label(ui.visuals().error_fg_color, error);
            }
            ui.separator();
            self.server_ui(ui, settings);
            ui.separator();
            self.message_ui(ui, settings);
            ui.separator();
            self.preview_ui(ui, settings);
            ui.separator();
            self.send_ui(ui, ctx, dialogs, settings);
            self.finished_ui(ui);
        });
        if self.running.is_none() {
            self.open = open;
        }
    }

    /// The manifest: a path field with "Choose…" and "Reload".
    fn manifest_ui(&mut self, ui: &mut egui::Ui, dialogs: &mut dyn FileDialogs) {
        let mut reload = false;
        let mut left_field = false;
        ui.horizontal(|ui| {
            let l = ui.label("Manifest");
            let edit = ui
                .add(
                    egui::TextEdit::singleline(&mut self.manifest_path)
                        .id(egui::Id::unique("passmith-mail-manifest"))
                        .desired_width(theme::BATCH_PATH_WIDTH)
                        .hint_text("passes/manifest.csv"),
                )
                .labelled_by(l.id);
            left_field = edit.lost_focus();
            if ui
                .button("Choose…")
                .on_hover_text("Pick the manifest.csv a batch export wrote")
                .accessible_name("Choose manifest…")
                .clicked()
                && let Some(path) = dialogs.pick(&DialogRequest::MailManifest)
            {
                self.manifest_path = path.display().to_string();
                reload = true;
            }
            if ui
                .add_enabled(
                    !self.manifest_path.trim().is_empty(),
                    egui::Button::new("Reload"),
                )
                .on_hover_text("Read the manifest again")
                .accessible_name("Reload manifest")
                .clicked()
            {
                reload = true;
            }
        });
        let changed = self
            .manifest
            .as_ref()
            .is_none_or(|m| m.path != Path::new(self.manifest_path.trim()));
        if (reload || (left_field && changed)) && self.running.is_none() {
            self.load();
        }
        if let Some(m) = &self.manifest {
            ui.label(format!(
                "{} {} in {}",
                m.entries.len(),
                if m.entries.len() == 1 {
                    "pass"
                } else {
                    "passes"
                },
                m.dir.display()
            ));
        }
    }

    /// The SMTP server, its security and login.
    fn server_ui(&mut self, ui: &mut egui::Ui, settings: &mut MailSettings) {
        ui.label(egui::RichText::new("Server").strong());
        let mut save = false;
        egui::Grid::new("mail-server")
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
            });
        if save {
            self.save_password();
        }
        if let Some(note) = &self.keychain_note {
            ui.label(note);
        }
    }

    /// The sender, the recipient column and the templates.
    fn message_ui(&mut self, ui: &mut egui::Ui, settings: &mut MailSettings) {
        ui.label(egui::RichText::new("Message").strong());
        egui::Grid::new("mail-message")
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

                let l = ui.label("Recipient column");
                let columns = self.columns().map(<[String]>::to_vec).unwrap_or_default();
                egui::ComboBox::from_id_salt("passmith-mail-to-column")
                    .selected_text(settings.to_column.as_str())
                    .show_ui(ui, |ui| {
                        for c in &columns {
                            ui.selectable_value(&mut settings.to_column, c.clone(), c);
                        }
                    })
                    .response
                    .labelled_by(l.id);
                ui.end_row();

                let l = ui.label("Subject");
                ui.add(
                    egui::TextEdit::singleline(&mut settings.subject)
                        .id(egui::Id::unique("passmith-mail-subject"))
                        .desired_width(theme::BATCH_PATH_WIDTH),
                )
                .labelled_by(l.id);
                ui.end_row();

                let l = ui.label("Message");
                ui.add(
                    egui::TextEdit::multiline(&mut settings.body)
                        .id(egui::Id::unique("passmith-mail-body"))
                        .desired_width(theme::BATCH_PATH_WIDTH)
                        .desired_rows(5),
                )
                .labelled_by(l.id);
                ui.end_row();
            });
    }

    /// The first message as it will go out.
    fn preview_ui(&self, ui: &mut egui::Ui, settings: &MailSettings) {
        ui.label(egui::RichText::new("First message").strong());
        match self.preview(settings) {
            Ok(p) => {
                egui::Grid::new("mail-preview")
                    .num_columns(2)
                    .spacing(theme::DIALOG_GRID_SPACING)
                    .show(ui, |ui| {
                        ui.label("To:");
                        ui.label(&p.to);
                        ui.end_row();
                        ui.label("Subject:");
                        ui.label(&p.subject);
                        ui.end_row();
                        ui.label("Attachment:");
                        ui.label(&p.attachment);
                        ui.end_row();
                    });
                egui::ScrollArea::vertical()
                    .id_salt("mail-preview-body")
                    .max_height(theme::BATCH_LIST_HEIGHT)
                    .show(ui, |ui| {
                        ui.label(&p.body);
                    });
            }
            Err(why) => {
                ui.colored_label(ui.visuals().warn_fg_color, why);
            }
        }
    }

    /// The dry-run option, Send, and the progress of a run.
    fn send_ui(
        &mut self,
        ui: &mut egui::Ui,
        ctx: &egui::Context,
        dialogs: &mut dyn FileDialogs,
        settings: &MailSettings,
    ) {
        if let Some(running) = &self.running {
            let progress = *running
                .progress
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            let (done, fraction, text) = match progress {
                Some(p) => (
                    p.done,
                    p.done as f32 / p.total.max(1) as f32,
                    format!("{} of {} · {} failed", p.done, p.total, p.failed),
                ),
                None => (0, 0.0, format!("Starting {} messages…", running.total)),
            };
            ui.add(egui::ProgressBar::new(fraction).text(text).animate(true));
            let stopping = running.cancel.load(Ordering::Relaxed);
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(!stopping, egui::Button::new("Cancel"))
                    .on_hover_text(
                        "Stop after the messages being sent; sending again sends only the rest",
                    )
                    .clicked()
                {
                    self.cancel();
                }
                if stopping {
                    ui.label(format!("Stopping after {done} messages…"));
                }
            });
            return;
        }
        ui.checkbox(&mut self.dry_run, "Write .eml files instead")
            .on_hover_text("Write each message into a folder and send nothing");
        if self.dry_run {
            ui.horizontal(|ui| {
                let l = ui.label("Folder for .eml files");
                ui.add(
                    egui::TextEdit::singleline(&mut self.eml_dir)
                        .id(egui::Id::unique("passmith-mail-eml-dir"))
                        .desired_width(theme::BATCH_PATH_WIDTH),
                )
                .labelled_by(l.id);
                if ui
                    .button("Choose…")
                    .on_hover_text("Pick the folder the .eml files go into")
                    .accessible_name("Choose .eml folder…")
                    .clicked()
                    && let Some(path) = dialogs.pick(&DialogRequest::MailEmlFolder)
                {
                    self.eml_dir = path.display().to_string();
                }
            });
        }
        let count = self.manifest.as_ref().map(|m| m.entries.len());
        let ready = self.preview(settings).is_ok();
        let verb = if self.dry_run { "Write" } else { "Send" };
        let label = match count {
            Some(1) => format!("{verb} 1 message"),
            Some(n) => format!("{verb} {n} messages"),
            None => format!("{verb} messages"),
        };
        if ui
            .add_enabled(ready, egui::Button::new(label))
            .on_disabled_hover_text("Choose a manifest and fill in the message first")
            .clicked()
        {
            self.start(ctx, settings);
        }
    }

    /// What the last run did, and the failed recipients with their reasons.
    fn finished_ui(&self, ui: &mut egui::Ui) {
        let Some(finished) = &self.finished else {
            return;
        };
        ui.add_space(theme::SPACE_M);
        let report = match &finished.result {
            Ok(report) => report,
            Err(reason) => {
                ui.colored_label(
                    ui.visuals().error_fg_color,
                    egui::RichText::new("Nothing was sent").strong(),
                );
                ui.label(reason);
                return;
            }
        };
        ui.colored_label(
            if report.failed.is_empty() && !report.cancelled {
                ui.visuals().text_color()
            } else {
                ui.visuals().warn_fg_color
            },
            egui::RichText::new(summary(report, finished.dry_run.is_some())).strong(),
        );
        if let Some(dir) = &finished.dry_run {
            ui.label(format!(
                "Into {} (dry run, nothing was sent).",
                dir.display()
            ));
        }
        if report.already_sent > 0 {
            ui.label(format!(
                "{} were sent by an earlier run and were skipped.",
                report.already_sent
            ));
        }
        if let Some(e) = &report.log_error {
            ui.colored_label(
                ui.visuals().error_fg_color,
                format!("{e}; stopped so that nothing is sent twice."),
            );
        }
        if report.cancelled && report.log_error.is_none() {
            ui.label("Stopped before the end. Send again to send the rest.");
        }
        if !report.failed.is_empty() || !report.unconfirmed.is_empty() {
            ui.label("These recipients did not get their pass:");
            egui::ScrollArea::vertical()
                .id_salt("mail-failed")
                .max_height(theme::BATCH_LIST_HEIGHT)
                .show(ui, |ui| {
                    for f in &report.failed {
                        ui.colored_label(
                            ui.visuals().error_fg_color,
                            format!("{} (row {}): {}", f.to, f.row, f.reason),
                        );
                    }
                    for u in &report.unconfirmed {
                        ui.colored_label(
                            ui.visuals().warn_fg_color,
                            format!(
                                "{} (row {}): an earlier run stopped while sending it, so it may have arrived; not sent again",
                                u.to, u.row
                            ),
                        );
                    }
                });
        }
    }
}

fn security_label(s: Security) -> &'static str {
    match s {
        Security::Starttls => "STARTTLS",
        Security::Tls => "TLS",
        Security::None => "None (unencrypted)",
    }
}

/// "3 messages written", "48 messages sent, 2 failed".
pub fn summary(report: &Report, dry_run: bool) -> String {
    let n = report.sent.len();
    let mut text = format!(
        "{n} {} {}",
        if n == 1 { "message" } else { "messages" },
        if dry_run { "written" } else { "sent" }
    );
    if !report.failed.is_empty() {
        text.push_str(&format!(", {} failed", report.failed.len()));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_counts_and_says_written_for_a_dry_run() {
        let report = Report::default();
        assert_eq!(summary(&report, true), "0 messages written");
        assert_eq!(summary(&report, false), "0 messages sent");
    }
}
