//! The "Send by e-mail…" window: the open pass to the people typed in, or each pass of a
//! batch's `manifest.csv` to the address in its row, through `passmith::mail`, the same engine
//! as `passmith mail`. The server and sender come from File ▸ E-mail settings…
//! ([`super::mail_settings`]).
//!
//! The open pass is signed by the export gate when Send is pressed (the app does that, see
//! `App::send_pass_by_email`), then staged with a one-line-per-recipient manifest in a folder
//! of its own under the outbox, so the send log works as for a batch: pressing Send again for
//! the same pass and recipients sends only to those who did not get it.
//!
//! Sending runs on a named background thread with a progress bar and Cancel; "Write .eml files
//! instead" writes the messages into a folder and sends nothing. At the end the window says how
//! many went out and lists the failed recipients with the server's reasons. The drawing is in
//! [`view`].

mod view;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use super::mail_settings::{self, MailSettingsDialog};
use crate::app::settings::MailSettings;
use crate::mail::{
    self, Deliver, EmlFolder, LOG_NAME, Letter, Manifest, Progress, Report, SendLog, Smtp,
    SmtpSettings, file_stem, single,
};

pub use view::summary;

/// What the window sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Source {
    /// The pass open in the designer, to the recipients typed in.
    #[default]
    ThisPass,
    /// Each pass of a batch manifest, to the address in its row.
    Batch,
}

/// The open pass as the window needs to know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnePass {
    pub serial: String,
    /// The document's edit version: a changed pass is staged anew.
    pub version: u64,
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

/// Where the open pass was last staged, for resending without duplicates.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Staged {
    dir: PathBuf,
    pass: OnePass,
}

/// A run on its thread.
struct Running {
    cancel: Arc<AtomicBool>,
    progress: Arc<Mutex<Option<Progress>>>,
    rx: Receiver<Result<Report, String>>,
    total: usize,
    dry_run: Option<PathBuf>,
    staged: Option<PathBuf>,
}

/// How the last run ended.
pub struct Finished {
    /// The folder of a dry run; `None` when the messages were sent.
    pub dry_run: Option<PathBuf>,
    /// The report, or why nothing could be sent.
    pub result: Result<Report, String>,
    /// The folder holding the sent pass and its send log (this pass only).
    pub staged: Option<PathBuf>,
}

/// The window's state (UI state, not part of the document).
#[derive(Default)]
pub struct MailDialog {
    pub open: bool,
    pub source: Source,
    /// This pass: the recipients, separated by commas or new lines.
    pub recipients: String,
    /// This pass: where each send's folder goes; empty means the default outbox.
    pub outbox: String,
    /// A batch: the manifest's path as typed or chosen.
    pub manifest_path: String,
    /// Write `.eml` files into `eml_dir` instead of sending.
    pub dry_run: bool,
    pub eml_dir: String,
    manifest: Option<Manifest>,
    load_error: Option<String>,
    staged: Option<Staged>,
    running: Option<Running>,
    pub finished: Option<Finished>,
}

/// `<data dir>/Passmith/sent` (`~/.local/share` on Linux, Application Support on macOS,
/// `%APPDATA%` on Windows).
pub fn default_outbox() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join("Passmith").join("sent"))
}

impl MailDialog {
    /// Opens the window on a batch (keeping a manifest already chosen).
    pub fn show_batch(&mut self) {
        self.open = true;
        if self.running.is_none() {
            self.source = Source::Batch;
        }
    }

    /// Opens the window on the open pass.
    pub fn show_this_pass(&mut self) {
        self.open = true;
        if self.running.is_none() {
            self.source = Source::ThisPass;
        }
    }

    /// Opens the window on `manifest` (after a batch run).
    pub fn show_manifest(&mut self, manifest: &Path) {
        self.open = true;
        if self.running.is_none() {
            self.source = Source::Batch;
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

    /// The outbox folder for this pass's sends.
    fn outbox_dir(&self) -> Result<PathBuf, String> {
        let typed = self.outbox.trim();
        if !typed.is_empty() {
            return Ok(PathBuf::from(typed));
        }
        default_outbox().ok_or_else(|| {
            "this computer has no folder for application data; choose the folder for sent passes"
                .to_owned()
        })
    }

    /// The letter the settings describe, or what is wrong with them.
    fn letter(&self, settings: &MailSettings) -> Result<Letter, String> {
        if settings.from.trim().is_empty() {
            return Err(
                "enter the sender (From) under E-mail settings… (File menu), e.g. “Hill Café <passes@example.com>”"
                    .into(),
            );
        }
        let reply_to = Some(settings.reply_to.trim()).filter(|r| !r.is_empty());
        let to_column = match self.source {
            Source::ThisPass => "email",
            Source::Batch => settings.to_column.trim(),
        };
        let html = Some(settings.html_body.as_str()).filter(|h| !h.trim().is_empty());
        Letter::new(
            &settings.from,
            reply_to,
            to_column,
            &settings.subject,
            &settings.body,
            html,
        )
        .map_err(|e| {
            e.to_string()
                .replace("--from", "From")
                .replace("--reply-to", "Reply-to")
        })
    }

    /// The manifest the messages come from: the batch's, or this pass's as it would be staged.
    fn source_manifest(&self, pass: &OnePass) -> Result<Manifest, String> {
        match self.source {
            Source::Batch => self
                .manifest
                .clone()
                .ok_or_else(|| "choose a manifest.csv to see the first message".to_owned()),
            Source::ThisPass => {
                let recipients = single::parse_recipients(&self.recipients)?;
                let dir = self.outbox_dir()?;
                single::preview_manifest(&dir, &pass.serial, &recipients).map_err(|e| e.to_string())
            }
        }
    }

    /// How many messages Send would send.
    pub fn message_count(&self, pass: &OnePass) -> Option<usize> {
        self.source_manifest(pass).ok().map(|m| m.entries.len())
    }

    /// The first message with its placeholders filled, or why there is none.
    pub fn preview(
        &self,
        settings: &MailSettings,
        pass: &OnePass,
    ) -> Result<MessagePreview, String> {
        let manifest = self.source_manifest(pass)?;
        let letter = self.letter(settings)?;
        letter.check(&manifest).map_err(|e| {
            let text = e.to_string().replace("--to-column", "Recipient column");
            match self.source {
                // This pass has only the staged manifest's columns.
                Source::ThisPass => text.replace(
                    "add that column to the batch CSV or change the placeholder",
                    "for one pass, use {{name}} (the recipient's name) or {{serial}}",
                ),
                Source::Batch => text,
            }
        })?;
        let Some(entry) = manifest.entries.first() else {
            return Err("the manifest has no passes".into());
        };
        let to = letter
            .recipient(&manifest, entry)
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

    fn fail(&mut self, reason: String) {
        self.finished = Some(Finished {
            dry_run: None,
            result: Err(reason),
            staged: None,
        });
    }

    /// Where the messages go: the `.eml` folder of a dry run, or the server.
    fn target(
        &self,
        settings: &MailSettings,
        account: &MailSettingsDialog,
    ) -> Result<(Option<PathBuf>, Option<SmtpSettings>), String> {
        if self.dry_run {
            let dir = PathBuf::from(self.eml_dir.trim());
            if dir.as_os_str().is_empty() {
                return Err("choose the folder for the .eml files".into());
            }
            return Ok((Some(dir), None));
        }
        Ok((None, Some(account.smtp(settings)?)))
    }

    /// Sends (or writes `.eml` files for) each pass of the chosen batch manifest.
    pub fn start(
        &mut self,
        ctx: &egui::Context,
        settings: &MailSettings,
        account: &MailSettingsDialog,
    ) {
        if self.running.is_some() {
            return;
        }
        let Some(manifest) = self.manifest.clone() else {
            return self.fail("choose a manifest.csv first".into());
        };
        self.launch(ctx, manifest, settings, account, None);
    }

    /// Stages the open pass (`pkpass`, just signed by the export gate) for the typed
    /// recipients, then sends it. While the pass is unchanged, the last folder is reused, so
    /// its send log skips whoever already got it (a second press, or a recipient added later,
    /// sends only to those who have not got it); an edited pass goes to everyone again.
    pub fn send_pass(
        &mut self,
        ctx: &egui::Context,
        settings: &MailSettings,
        account: &MailSettingsDialog,
        pass: &OnePass,
        pkpass: &[u8],
    ) {
        if self.running.is_some() {
            return;
        }
        let recipients = match single::parse_recipients(&self.recipients) {
            Ok(r) => r,
            Err(e) => return self.fail(e),
        };
        let outbox = match self.outbox_dir() {
            Ok(d) => d,
            Err(e) => return self.fail(e),
        };
        let reuse = self
            .staged
            .as_ref()
            .filter(|s| !self.dry_run && s.pass == *pass && s.dir.starts_with(&outbox));
        let dir = match reuse {
            Some(s) => s.dir.clone(),
            None => single::new_folder(&outbox, &pass.serial, crate::app::engine::now_unix()),
        };
        let manifest = match single::stage(&dir, &pass.serial, pkpass, &recipients) {
            Ok(m) => m,
            Err(e) => return self.fail(e.to_string()),
        };
        if !self.dry_run {
            self.staged = Some(Staged {
                dir: dir.clone(),
                pass: pass.clone(),
            });
        }
        self.launch(ctx, manifest, settings, account, Some(dir));
    }

    /// Starts the run on a background thread.
    fn launch(
        &mut self,
        ctx: &egui::Context,
        manifest: Manifest,
        settings: &MailSettings,
        account: &MailSettingsDialog,
        staged: Option<PathBuf>,
    ) {
        let (dry_run, smtp) = match self.target(settings, account) {
            Ok(t) => t,
            Err(e) => return self.fail(e),
        };
        let letter = match self.letter(settings) {
            Ok(l) => l,
            Err(e) => return self.fail(e),
        };
        let prepared = match mail::prepare(&manifest, &letter) {
            Ok(p) => p,
            Err(e) => return self.fail(e.to_string()),
        };
        let opts = mail_settings::options(settings);
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
                    staged,
                });
            }
            Err(e) => self.fail(format!(
                "the work could not be started ({e}); close other programs and try again"
            )),
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
            staged: running.staged.clone(),
        });
        self.running = None;
        ctx.request_repaint();
    }
}
