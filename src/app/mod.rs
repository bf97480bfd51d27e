//! The designer window. Wiring only: [`App`] puts together the open document
//! ([`session`]), the frame's UI ([`ui`], one module per panel in [`panels`], dialogs in
//! [`dialogs`]) and the actions that apply a [`Command`] once the frame is drawn ([`actions`]).
//! Everything a pass *is* (validation, layout, signing, packaging) is done by `passmith_core`
//! and `passmith_preview`; the app only arranges it.

pub mod actions;
pub mod autosave;
pub mod command;
pub mod dialogs;
pub mod engine;
pub mod export;
pub mod files;
pub mod history;
pub mod keychain;
pub mod notice;
pub mod panels;
pub mod pictures;
pub mod recovery;
pub mod restore;
pub mod section;
pub mod session;
pub mod settings;
pub mod style_change;
pub mod templates;
pub mod theme;
pub mod ui;
pub mod widgets;
pub mod window;

use std::path::PathBuf;

use passmith_core::Finding;
use passmith_core::PassDocument;
use passmith_core::model::Style;

pub use actions::Pending;
pub use command::{Command, OpenSource};
pub use files::{DialogRequest, FileDialogs, NativeDialogs, ScriptedDialogs};
pub use notice::{Notice, NoticeKind};
pub use section::Section;
pub use window::{RunReport, run};

use autosave::Autosave;
use dialogs::batch::BatchDialog;
use dialogs::identity::{IdentityDialog, Signer};
use dialogs::mail::MailDialog;
use dialogs::mail_settings::MailSettingsDialog;
use dialogs::palette::CommandPalette;
use dialogs::recover::RecoverPrompt;
use dialogs::server::ServerPanel;
use dialogs::unsaved::UnsavedPrompt;
use panels::preview::PreviewPanel;
use session::Session;
use settings::Settings;
use widgets::FocusState;
use window::WindowState;

/// The key under which settings live in eframe's storage.
const SETTINGS_KEY: &str = "passmith-settings";
/// The app id eframe keeps the settings under (its storage folder's name).
const APP_ID: &str = "Passmith";

/// The whole designer.
pub struct App {
    /// The open pass, where it is saved, and its undo history.
    pub session: Session,
    /// Engine findings for the current document (recomputed when it changes).
    pub findings: Vec<Finding>,
    /// The session version the findings were computed for (`None`: out of date).
    findings_version: Option<u64>,
    /// A fixed "now" for validation (tests); `None` uses the system clock.
    pub clock: Option<i64>,

    // UI state: not part of the document, never in the undo history.
    pub preview: PreviewPanel,
    pub focus: FocusState,
    pub notices: Vec<Notice>,
    pub palette: CommandPalette,
    pub settings: Settings,

    /// Who signs exports and uploads, once chosen in the identity dialog.
    pub signer: Option<Signer>,
    pub identity_dialog: Option<IdentityDialog>,
    /// What to do once the identity dialog gives a signer.
    after_identity: Option<Pending>,
    unsaved_prompt: Option<UnsavedPrompt>,
    /// The pre-export checklist, while it is shown.
    pub checklist: Option<dialogs::checklist::ChecklistPrompt>,
    /// The user chose "Export anyway": the next export skips the checklist once.
    checklist_passed: bool,
    /// Autosave of the open document, for recovery after a crash.
    pub autosave: Autosave,
    /// The offer to restore a copy an earlier window left behind.
    pub recover_prompt: Option<RecoverPrompt>,
    /// Which pass of an opened `.pkpasses` bundle to edit.
    pub bundle_prompt: Option<dialogs::bundle::BundlePrompt>,
    /// The update server window and its background upload/push.
    pub server: ServerPanel,
    /// The batch export window and its background run.
    pub batch: BatchDialog,
    /// The "Send by e-mail…" window and its background run.
    pub mail: MailDialog,
    /// File ▸ E-mail settings… and the SMTP password of this session.
    pub mail_settings: MailSettingsDialog,
    dialogs: Box<dyn FileDialogs>,
    /// Commands sent during the frame, applied after it.
    commands: Vec<Command>,

    /// Frames, closing and the title of the OS window.
    pub window: WindowState,
    /// Why the last open failed, if it did (the smoke test reports it).
    pub open_error: Option<String>,
    /// The file the last export wrote (the status line and tests read it).
    pub last_export: Option<PathBuf>,
}

impl App {
    /// A designer on `doc` with the given dialogs; no storage, no window needed (tests use this).
    pub fn with_document(
        doc: PassDocument,
        dialogs: Box<dyn FileDialogs>,
        settings: Settings,
    ) -> App {
        let mut preview = PreviewPanel::default();
        preview.preferred = settings.preview_language.iter().cloned().collect();
        preview
            .preferred
            .extend(crate::locale::preferred_languages());
        App {
            session: Session::new(doc, "Untitled"),
            findings: Vec::new(),
            findings_version: None,
            clock: None,
            preview,
            focus: FocusState::default(),
            notices: Vec::new(),
            palette: CommandPalette::default(),
            settings,
            signer: None,
            identity_dialog: None,
            after_identity: None,
            unsaved_prompt: None,
            checklist: None,
            checklist_passed: false,
            autosave: Autosave::new(None),
            recover_prompt: None,
            bundle_prompt: None,
            server: ServerPanel::default(),
            batch: BatchDialog::default(),
            mail: MailDialog::default(),
            mail_settings: MailSettingsDialog::default(),
            dialogs,
            commands: Vec::new(),
            window: WindowState::default(),
            open_error: None,
            last_export: None,
        }
    }

    /// For GUI tests: `doc` open, scripted dialogs, default settings.
    pub fn new_for_test(doc: PassDocument, dialogs: Box<dyn FileDialogs>) -> App {
        let mut app = App::with_document(doc, dialogs, Settings::default());
        // Tests do not depend on the machine's language (they set `preview.preferred`).
        app.preview.preferred.clear();
        app.refresh_findings();
        app
    }

    /// The real app inside eframe: restores settings, opens `open` or the store card template.
    pub fn new(
        cc: &eframe::CreationContext<'_>,
        open: Option<PathBuf>,
        smoke_frames: Option<u64>,
    ) -> App {
        let settings: Settings = cc
            .storage
            .and_then(|s| eframe::get_value(s, SETTINGS_KEY))
            .unwrap_or_default();
        theme::apply(&cc.egui_ctx, settings.dark_mode);
        let doc = templates::template(Style::StoreCard).unwrap_or_default();
        let mut app = App::with_document(doc, Box::new(NativeDialogs), settings);
        app.session.title = "Harbor Coffee (template)".to_owned();
        app.window.smoke_frames = smoke_frames;
        if let Some(recovery) = recovery::Recovery::default_location() {
            app.use_recovery(recovery);
        }
        if let Some(path) = open {
            app.open_path(&path);
        }
        app.refresh_findings();
        app
    }

    /// Queues a command (applied after the frame).
    pub fn send(&mut self, command: Command) {
        self.commands.push(command);
    }

    /// Every finding shown in the validation panel: package, engine, then layout warnings.
    pub fn all_findings(&self) -> Vec<Finding> {
        let mut all = self.session.package_findings.clone();
        all.extend(self.findings.iter().cloned());
        if let Some(layout) = self.preview.layout() {
            for w in &layout.warnings {
                if !all.contains(w) {
                    all.push(w.clone());
                }
            }
        }
        all
    }

    /// Errors that block export.
    ///
    /// Problems of the package the pass was opened from (an old signature or manifest) are
    /// shown but do not block: export writes a fresh package.
    pub fn blocking_errors(&self) -> Vec<Finding> {
        // What Google Wallet refuses (shown with its card) does not block the Apple pass.
        self.all_findings()
            .into_iter()
            .filter(|f| f.is_error() && !self.session.package_findings.contains(f))
            .filter(|f| f.code.reporter() != passmith_core::code::Reporter::Google)
            .collect()
    }

    /// Re-validates when the document changed since the last time.
    fn refresh_findings(&mut self) {
        let version = self.session.version();
        if self.findings_version == Some(version) {
            return;
        }
        let summary = self.signer.as_ref().map(|s| &s.identity.summary);
        let now = self.clock.unwrap_or_else(engine::now_unix);
        self.findings = engine::validate(&self.session.doc, summary, now);
        self.findings_version = Some(version);
    }
}
