//! The designer window. [`App`] owns the document, its undo history and the UI state; panels
//! (one module each in [`panels`]) edit the document in place or return [`Command`]s, which the
//! app applies once the frame is drawn. Everything a pass *is* (validation, layout, signing,
//! packaging) is done by `passmith_core` and `passmith_preview`; this module only arranges it.

pub mod command;
pub mod dialogs;
pub mod engine;
pub mod files;
pub mod history;
pub mod panels;
pub mod settings;
pub mod style_change;
pub mod templates;
pub mod theme;
pub mod widgets;

use std::path::{Path, PathBuf};

use passmith_core::model::Style;
use passmith_core::{Finding, PassDocument};

pub use command::{Command, OpenSource, Section};
pub use files::{DialogRequest, FileDialogs, NativeDialogs, ScriptedDialogs};

use dialogs::identity::IdentityDialog;
use dialogs::server::ServerPanel;
use dialogs::unsaved::{PendingAction, UnsavedPrompt};
use engine::LoadedIdentity;
use history::History;
use panels::preview::PreviewPanel;
use settings::Settings;
use widgets::FocusState;

/// The key under which settings live in eframe's storage.
const SETTINGS_KEY: &str = "passmith-settings";

/// How serious a message to the user is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    Info,
    Warning,
    Error,
}

/// A message shown in the notice area until dismissed.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub kind: NoticeKind,
    pub title: String,
    pub lines: Vec<String>,
}

impl Notice {
    pub fn new(kind: NoticeKind, title: impl Into<String>) -> Notice {
        Notice {
            kind,
            title: title.into(),
            lines: Vec::new(),
        }
    }

    pub fn with_lines(mut self, lines: Vec<String>) -> Notice {
        self.lines = lines;
        self
    }
}

/// The whole designer.
pub struct App {
    /// The pass being edited.
    pub doc: PassDocument,
    /// Where the document is saved as a `.pass` folder (`None`: never saved here).
    pub path: Option<PathBuf>,
    /// What was opened (shown in the title), e.g. `Event.pkpass`.
    pub title: String,
    /// The document as last saved or opened, for the unsaved-changes prompt.
    saved: PassDocument,
    pub history: History,
    /// Engine findings for the current document (recomputed when it changes).
    pub findings: Vec<Finding>,
    findings_version: Option<u64>,
    /// Problems of the opened `.pkpass` package itself (signature, manifest).
    pub package_findings: Vec<Finding>,
    /// The signature status of the opened `.pkpass` (`None` for folders and new passes).
    pub signature_status: Option<String>,
    pub preview: PreviewPanel,
    pub focus: FocusState,
    pub notices: Vec<Notice>,
    pub settings: Settings,
    pub identity: Option<LoadedIdentity>,
    /// The WWDR intermediate chosen with the identity (`None`: Apple's bundled G4).
    pub wwdr_pem: Option<Vec<u8>>,
    pub identity_dialog: Option<IdentityDialog>,
    unsaved_prompt: Option<UnsavedPrompt>,
    /// After the identity dialog closes successfully, continue the export.
    export_after_identity: bool,
    /// After the identity dialog closes successfully, continue the upload.
    upload_after_identity: bool,
    /// The update server window and its background upload/push.
    pub server: ServerPanel,
    dialogs: Box<dyn FileDialogs>,
    commands: Vec<Command>,
    /// Set once the user agreed to leave with unsaved changes.
    allow_close: bool,
    /// Close the window at the end of this frame.
    close_requested: bool,
    /// Frames drawn so far (the smoke test checks it).
    pub frames: u64,
    /// `--smoke-test`: close after this many frames.
    smoke_frames: Option<u64>,
    /// Why the last open failed, if it did.
    pub open_error: Option<String>,
    /// A fixed "now" for validation (tests); `None` uses the system clock.
    pub clock: Option<i64>,
    /// The window title last sent to the OS.
    window_title: String,
    /// Whether the last export produced this file (for the status line and tests).
    pub last_export: Option<PathBuf>,
}

impl App {
    /// A designer on `doc` with the given dialogs; no storage, no window needed (tests use this).
    pub fn with_document(
        doc: PassDocument,
        dialogs: Box<dyn FileDialogs>,
        settings: Settings,
    ) -> App {
        let history = History::new(&doc);
        App {
            saved: doc.clone(),
            doc,
            path: None,
            title: "Untitled".to_owned(),
            history,
            findings: Vec::new(),
            findings_version: None,
            package_findings: Vec::new(),
            signature_status: None,
            preview: PreviewPanel::default(),
            focus: FocusState::default(),
            notices: Vec::new(),
            settings,
            identity: None,
            wwdr_pem: None,
            identity_dialog: None,
            unsaved_prompt: None,
            export_after_identity: false,
            upload_after_identity: false,
            server: ServerPanel::default(),
            dialogs,
            commands: Vec::new(),
            allow_close: false,
            close_requested: false,
            frames: 0,
            smoke_frames: None,
            last_export: None,
            open_error: None,
            clock: None,
            window_title: String::new(),
        }
    }

    /// For GUI tests: `doc` open, scripted dialogs, default settings.
    pub fn new_for_test(doc: PassDocument, dialogs: Box<dyn FileDialogs>) -> App {
        let mut app = App::with_document(doc, dialogs, Settings::default());
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
        app.title = "Harbor Coffee (template)".to_owned();
        app.smoke_frames = smoke_frames;
        if let Some(path) = open {
            app.open_path(&path);
        }
        app.refresh_findings();
        app
    }

    /// True when the document differs from the last save.
    pub fn is_dirty(&self) -> bool {
        self.doc != self.saved
    }

    /// Queues a command (applied after the frame).
    pub fn send(&mut self, command: Command) {
        self.commands.push(command);
    }

    /// Every finding shown in the validation panel: package, engine, then layout warnings.
    pub fn all_findings(&self) -> Vec<Finding> {
        let mut all = self.package_findings.clone();
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
        self.all_findings()
            .into_iter()
            .filter(|f| f.is_error() && !self.package_findings.contains(f))
            .collect()
    }

    fn refresh_findings(&mut self) {
        let version = self.history.version();
        if self.findings_version == Some(version) {
            return;
        }
        let summary = self.identity.as_ref().map(|i| &i.summary);
        let now = self.clock.unwrap_or_else(engine::now_unix);
        self.findings = engine::validate(&self.doc, summary, now);
        self.findings_version = Some(version);
    }

    fn notify(&mut self, notice: Notice) {
        self.notices.retain(|n| n.title != notice.title);
        self.notices.push(notice);
    }

    // ---- files -------------------------------------------------------------------------------

    /// Replaces the document (after the unsaved-changes prompt has been answered).
    fn load(&mut self, doc: PassDocument, path: Option<PathBuf>, title: String) {
        self.doc = doc;
        self.saved = self.doc.clone();
        self.history.reset(&self.doc);
        self.path = path;
        self.title = title;
        self.package_findings.clear();
        self.signature_status = None;
        self.focus = FocusState::default();
        self.findings_version = None;
        self.refresh_findings();
    }

    /// Opens a `.pass` folder or `.pkpass` file, reporting problems as notices.
    pub fn open_path(&mut self, path: &Path) {
        match engine::open_path(path) {
            Ok(opened) => {
                let is_folder = path.is_dir();
                let title = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| path.display().to_string());
                self.load(
                    opened.document,
                    is_folder.then(|| path.to_owned()),
                    title.clone(),
                );
                self.package_findings = opened.package_findings;
                self.signature_status = opened.signature.clone();
                self.settings.add_recent(path);
                let mut notice = Notice::new(NoticeKind::Info, format!("Opened {title}"));
                if let Some(sig) = opened.signature {
                    notice.lines.push(format!("Signature: {sig}"));
                    notice.lines.push(
                        "Saving writes a .pass folder; export signs a new .pkpass.".to_owned(),
                    );
                }
                self.notify(notice);
            }
            Err(err) => {
                self.open_error = Some(err.to_string());
                self.notify(
                    Notice::new(
                        NoticeKind::Error,
                        format!("Could not open {}", path.display()),
                    )
                    .with_lines(vec![err.to_string()]),
                );
            }
        }
    }

    fn suggested_name(&self, ext: &str) -> String {
        let base: String = self
            .doc
            .pass
            .organization_name
            .chars()
            .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-')
            .collect::<String>()
            .trim()
            .replace(' ', "-");
        let base = if base.is_empty() {
            "Pass".to_owned()
        } else {
            base
        };
        format!("{base}.{ext}")
    }

    /// Saves to the known folder, or asks where. Returns true when saved.
    pub fn save(&mut self, ask: bool) -> bool {
        let target = match (&self.path, ask) {
            (Some(p), false) => Some(p.clone()),
            _ => {
                let request = DialogRequest::SavePassFolder {
                    suggested: self.suggested_name("pass"),
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
        match self.doc.write_dir(&target) {
            Ok(()) => {
                self.saved = self.doc.clone();
                self.title = target
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                self.settings.add_recent(&target);
                self.path = Some(target.clone());
                self.notify(Notice::new(
                    NoticeKind::Info,
                    format!("Saved {}", target.display()),
                ));
                true
            }
            Err(err) => {
                self.notify(
                    Notice::new(NoticeKind::Error, "Could not save the pass").with_lines(vec![
                        err.to_string(),
                        "Your edits are still here; try another folder.".to_owned(),
                    ]),
                );
                false
            }
        }
    }

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
            Notice::new(
                NoticeKind::Error,
                format!(
                    "{verb} refused: the pass has {} error{}",
                    errors.len(),
                    if errors.len() == 1 { "" } else { "s" }
                ),
            )
            .with_lines(lines),
        );
        true
    }

    /// Signs and writes a `.pkpass`, unless validation has errors.
    pub fn export_pkpass(&mut self) {
        if self.refuse_on_errors("Export") {
            return;
        }
        if self.identity.is_none() {
            self.export_after_identity = true;
            self.upload_after_identity = false;
            self.open_identity_dialog();
            return;
        }
        let request = DialogRequest::ExportPkpass {
            suggested: self.suggested_name("pkpass"),
        };
        let Some(target) = self.dialogs.pick(&request) else {
            return;
        };
        let Some(identity) = &self.identity else {
            return;
        };
        let now = self.clock.unwrap_or_else(engine::now_unix);
        match engine::export(&self.doc, identity, self.wwdr_pem.as_deref(), now) {
            Ok(signed) => {
                match passmith_core::document::write_file_atomically(&target, &signed.bytes) {
                    Ok(()) => {
                        self.last_export = Some(target.clone());
                        let kind = if signed.warnings.is_empty() {
                            NoticeKind::Info
                        } else {
                            NoticeKind::Warning
                        };
                        self.notify(
                            Notice::new(kind, format!("Exported {}", target.display()))
                                .with_lines(engine::finding_lines(&signed.warnings)),
                        );
                    }
                    Err(err) => self.notify(
                        Notice::new(
                            NoticeKind::Error,
                            format!("Could not write {}", target.display()),
                        )
                        .with_lines(vec![err.to_string()]),
                    ),
                }
            }
            Err(refused) => self.notify_refused(refused),
        }
    }

    /// Says why the export gate refused.
    fn notify_refused(&mut self, refused: passmith_core::export::Refused) {
        use passmith_core::export::Refused;
        let notice = match refused {
            Refused::Blocked { findings } => Notice::new(NoticeKind::Error, "Export refused")
                .with_lines(engine::finding_lines(&findings)),
            Refused::Failed(err) => Notice::new(NoticeKind::Error, "Could not sign the pass")
                .with_lines(vec![err.to_string()]),
        };
        self.notify(notice);
    }

    /// The server URL and API key, or `None` after opening the server window with a note.
    fn server_access(&mut self) -> Option<(String, String)> {
        self.server.read_key();
        let url = self.settings.server_url.trim().to_owned();
        let key = self.server.api_key.trim().to_owned();
        if url.is_empty() || key.is_empty() {
            self.server.open = true;
            self.server.status = Some(dialogs::server::Status {
                ok: false,
                title: "The update server is not set up yet".to_owned(),
                lines: vec![
                    "Enter the server URL and the API key your server administrator gave you, then press Upload again."
                        .to_owned(),
                ],
            });
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
        let Some(identity) = &self.identity else {
            self.upload_after_identity = true;
            self.export_after_identity = false;
            self.open_identity_dialog();
            return;
        };
        let now = self.clock.unwrap_or_else(engine::now_unix);
        match engine::export(&self.doc, identity, self.wwdr_pem.as_deref(), now) {
            Ok(signed) => self.server.start_upload(url, key, signed.bytes),
            Err(refused) => self.notify_refused(refused),
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
        let pass = &self.doc.pass;
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
                self.server.status = Some(dialogs::server::Status {
                    ok: false,
                    title: "The server URL is missing".to_owned(),
                    lines: vec![e],
                });
                return;
            }
        };
        let missing = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
        let token = if missing(&self.doc.pass.authentication_token) {
            match panels::links::generate_token() {
                Ok(t) => Some(t),
                Err(e) => {
                    self.notify(
                        Notice::new(NoticeKind::Error, "Could not generate a token")
                            .with_lines(vec![e.to_string()]),
                    );
                    return;
                }
            }
        } else {
            None
        };
        ctx.memory_mut(|m| m.stop_text_input());
        // Close any step in progress so this change is one undo step of its own.
        self.history.commit(&self.doc, None);
        if missing(&self.doc.pass.web_service_url) {
            self.doc.pass.web_service_url = Some(url);
        }
        if let Some(token) = token {
            self.doc.pass.authentication_token = Some(token);
        }
        self.history.commit(&self.doc, None);
        self.notify(
            Notice::new(NoticeKind::Info, "Web service filled from the server settings").with_lines(
                vec![
                    "The pass now tells Wallet where to ask for updates. Undo (Ctrl+Z) to take it back."
                        .to_owned(),
                ],
            ),
        );
    }

    fn export_png(&mut self) {
        let request = DialogRequest::ExportPng {
            suggested: self.suggested_name("png"),
        };
        let Some(target) = self.dialogs.pick(&request) else {
            return;
        };
        match passmith_preview::render_png(&self.doc, self.preview.options()) {
            Ok((png, _)) => match passmith_core::document::write_file_atomically(&target, &png) {
                Ok(()) => self.notify(Notice::new(
                    NoticeKind::Info,
                    format!("Preview saved to {}", target.display()),
                )),
                Err(err) => self.notify(
                    Notice::new(
                        NoticeKind::Error,
                        format!("Could not write {}", target.display()),
                    )
                    .with_lines(vec![err.to_string()]),
                ),
            },
            Err(err) => self.notify(
                Notice::new(NoticeKind::Error, "Could not render the preview")
                    .with_lines(vec![err.to_string()]),
            ),
        }
    }

    fn open_identity_dialog(&mut self) {
        self.identity_dialog = Some(IdentityDialog::new(&self.settings));
    }

    /// Changes the style; keeps every field and says what the new style will not show.
    pub fn set_style(&mut self, style: Style) {
        let before = self.doc.pass.style();
        if before == Some(style) {
            return;
        }
        let count_before = self.doc.pass.fields().map_or(0, |f| f.all_fields().count());
        let hidden = style_change::hidden_in(&self.doc, style);
        self.doc.pass.set_style(style);
        let count_after = self.doc.pass.fields().map_or(0, |f| f.all_fields().count());
        let mut lines = vec![format!(
            "All {count_after} field{} kept (before: {count_before}).",
            if count_after == 1 { "" } else { "s" }
        )];
        let kind = if hidden.is_empty() {
            lines.push(format!(
                "Everything in the pass can be shown by a {} pass.",
                style.label().to_lowercase()
            ));
            NoticeKind::Info
        } else {
            lines.push(format!(
                "Kept in the pass but not shown by a {} pass:",
                style.label().to_lowercase()
            ));
            lines.extend(hidden.into_iter().map(|h| format!("• {h}")));
            lines.push(
                "Move or remove them in the Fields section, or undo (Ctrl+Z) to go back."
                    .to_owned(),
            );
            NoticeKind::Warning
        };
        self.notices
            .retain(|n| !n.title.starts_with("Style changed"));
        self.notices.push(
            Notice::new(kind, format!("Style changed to {}", style.label())).with_lines(lines),
        );
    }

    // ---- commands ----------------------------------------------------------------------------

    fn apply(&mut self, ctx: &egui::Context, command: Command) {
        match command {
            Command::New(style) => self.guard(PendingAction::New(style)),
            Command::Open(source) => self.guard(PendingAction::Open(source)),
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
                self.history.undo(&mut self.doc);
            }
            Command::Redo => {
                ctx.memory_mut(|m| m.stop_text_input());
                self.history.redo(&mut self.doc);
            }
            Command::SetStyle(style) => {
                self.history.commit(&self.doc, None);
                self.set_style(style);
            }
            Command::Focus(path) => self.focus.request(path),
            Command::OpenIdentityDialog => {
                self.export_after_identity = false;
                self.upload_after_identity = false;
                self.open_identity_dialog();
            }
            Command::OpenServerPanel => self.server.open = true,
            Command::Upload => self.upload_pass(),
            Command::PushUpdate => self.push_update(),
            Command::FillWebService => self.fill_web_service(ctx),
            Command::Quit => self.guard(PendingAction::Close),
        }
    }

    /// Runs `action` now, or first asks about unsaved changes.
    fn guard(&mut self, action: PendingAction) {
        if self.is_dirty() {
            self.unsaved_prompt = Some(UnsavedPrompt { action });
        } else {
            self.run_action(action);
        }
    }

    fn run_action(&mut self, action: PendingAction) {
        match action {
            PendingAction::New(style) => match templates::template(style) {
                Some(doc) => self.load(doc, None, format!("New {}", style.label().to_lowercase())),
                None => self.notify(Notice::new(
                    NoticeKind::Error,
                    "The template could not be read",
                )),
            },
            PendingAction::Open(source) => {
                let path = match source {
                    OpenSource::Path(p) => Some(p),
                    OpenSource::AskPkpass => self.dialogs.pick(&DialogRequest::OpenPkpass),
                    OpenSource::AskFolder => self.dialogs.pick(&DialogRequest::OpenPassFolder),
                };
                if let Some(path) = path {
                    self.open_path(&path);
                }
            }
            PendingAction::Close => {
                self.allow_close = true;
                self.close_requested = true;
            }
        }
    }
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.frame_ui(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, SETTINGS_KEY, &self.settings);
    }
}

impl App {
    /// One frame of the whole window.
    pub fn frame_ui(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.frames += 1;
        self.focus.begin_frame();
        self.shortcuts(&ctx);
        self.dropped_files(&ctx);
        if ctx.input(|i| i.viewport().close_requested()) && !self.allow_close && self.is_dirty() {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.unsaved_prompt = Some(UnsavedPrompt {
                action: PendingAction::Close,
            });
        }

        egui::Panel::top("passmith-menu").show(ui, |ui| panels::menu::ui(ui, self));

        let findings = self.all_findings();
        let version = self.history.version();
        egui::Panel::left("passmith-preview")
            .resizable(true)
            .default_size(420.0)
            .min_size(320.0)
            .show(ui, |ui| {
                egui::Panel::bottom("passmith-validation")
                    .resizable(true)
                    .default_size(220.0)
                    .show(ui, |ui| {
                        panels::validation::ui(ui, &findings, &mut self.commands)
                    });
                egui::CentralPanel::default().show(ui, |ui| {
                    egui::ScrollArea::both()
                        .id_salt("preview-scroll")
                        .show(ui, |ui| {
                            theme::stage_frame(ui).show(ui, |ui| {
                                if let Some(path) = self.preview.ui(ui, &self.doc, version) {
                                    self.commands.push(Command::Focus(path));
                                }
                            });
                        });
                });
            });

        egui::CentralPanel::default().show(ui, |ui| {
            panels::notices::ui(ui, &mut self.notices);
            let mut messages = Vec::new();
            let mut ed = widgets::Ed {
                focus: &mut self.focus,
                findings: &findings,
                commands: &mut self.commands,
                dialogs: &mut *self.dialogs,
                messages: &mut messages,
                prefix: None,
            };
            panels::inspector::ui(ui, &mut ed, &mut self.doc);
            if !messages.is_empty() {
                self.notify(
                    Notice::new(NoticeKind::Error, "Could not do that").with_lines(messages),
                );
            }
        });

        self.dialogs_ui(&ctx);

        // Coalesce: edits from the same focused field or dragged widget are one undo step.
        let source = ctx.memory(|m| m.focused()).or_else(|| ctx.dragged_id());
        if self.history.commit(&self.doc, source) {
            // Show the edit in the preview and validation on the next frame.
            ctx.request_repaint();
        }
        for command in std::mem::take(&mut self.commands) {
            self.apply(&ctx, command);
        }
        self.refresh_findings();
        self.focus.end_frame(&ctx);

        if let Some(limit) = self.smoke_frames {
            if self.frames >= limit {
                self.allow_close = true;
                self.close_requested = true;
            } else {
                ctx.request_repaint();
            }
        }
        let title = format!(
            "{}{} — Passmith",
            self.title,
            if self.is_dirty() { " (edited)" } else { "" }
        );
        if self.window_title != title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.window_title = title;
        }
        if self.close_requested {
            self.close_requested = false;
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }

    fn shortcuts(&mut self, ctx: &egui::Context) {
        use egui::{Key, KeyboardShortcut, Modifiers};
        let redo = KeyboardShortcut::new(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
        let pairs = [
            (redo, Command::Redo),
            (
                KeyboardShortcut::new(Modifiers::COMMAND, Key::Y),
                Command::Redo,
            ),
            (
                KeyboardShortcut::new(Modifiers::COMMAND, Key::Z),
                Command::Undo,
            ),
            (
                KeyboardShortcut::new(Modifiers::COMMAND, Key::O),
                Command::Open(OpenSource::AskPkpass),
            ),
            (
                KeyboardShortcut::new(Modifiers::COMMAND | Modifiers::SHIFT, Key::S),
                Command::SaveAs,
            ),
            (
                KeyboardShortcut::new(Modifiers::COMMAND, Key::S),
                Command::Save,
            ),
            (
                KeyboardShortcut::new(Modifiers::COMMAND, Key::E),
                Command::ExportPkpass,
            ),
        ];
        for (shortcut, command) in pairs {
            // Consumed before the text fields see it, so Ctrl+Z undoes the document, not one field.
            if ctx.input_mut(|i| i.consume_shortcut(&shortcut)) {
                self.commands.push(command);
            }
        }
    }

    fn dropped_files(&mut self, ctx: &egui::Context) {
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_owned())
                .collect()
        });
        if let Some(path) = dropped.into_iter().next() {
            self.commands.push(Command::Open(OpenSource::Path(path)));
        }
    }

    fn dialogs_ui(&mut self, ctx: &egui::Context) {
        if let Some(prompt) = &self.unsaved_prompt
            && let Some(answer) = prompt.ui(ctx)
        {
            let action = prompt.action.clone();
            self.unsaved_prompt = None;
            match answer {
                dialogs::unsaved::Answer::Save => {
                    if self.save(false) {
                        self.run_action(action);
                    }
                }
                dialogs::unsaved::Answer::Discard => self.run_action(action),
                dialogs::unsaved::Answer::Cancel => {}
            }
        }
        if let Some(dialog) = &mut self.identity_dialog
            && let Some(outcome) =
                dialog.ui(ctx, &mut *self.dialogs, &mut self.settings, &self.doc.pass)
        {
            self.identity_dialog = None;
            match outcome {
                dialogs::identity::Outcome::Use { identity, wwdr_pem } => {
                    self.notify(Notice::new(
                        NoticeKind::Info,
                        format!("Signing as {}", identity.summary.subject),
                    ));
                    self.identity = Some(identity);
                    self.wwdr_pem = wwdr_pem;
                    // Mismatch checks depend on the identity.
                    self.findings_version = None;
                    self.refresh_findings();
                    if std::mem::take(&mut self.export_after_identity) {
                        self.commands.push(Command::ExportPkpass);
                        ctx.request_repaint();
                    }
                    if std::mem::take(&mut self.upload_after_identity) {
                        self.commands.push(Command::Upload);
                        ctx.request_repaint();
                    }
                }
                dialogs::identity::Outcome::Cancel => {
                    self.export_after_identity = false;
                    self.upload_after_identity = false;
                }
            }
        }
        self.server.poll(ctx);
        let asked = self.server.ui(ctx, &mut self.settings, &self.doc.pass);
        self.commands.extend(asked);
    }
}

/// What a run of the window did, for `--smoke-test`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunReport {
    pub frames: u64,
    /// The title of the open document (e.g. `Event.pkpass`).
    pub title: String,
    pub errors: usize,
    pub warnings: usize,
    /// Why the pass given to `open` could not be opened.
    pub open_error: Option<String>,
    /// Whether the preview produced a picture.
    pub preview_rendered: bool,
}

/// Runs the designer window. `open`: a pass to open at start; `smoke_frames`: draw that many
/// frames and close (for `--smoke-test`).
pub fn run(open: Option<PathBuf>, smoke_frames: Option<u64>) -> anyhow::Result<RunReport> {
    let report = std::sync::Arc::new(std::sync::Mutex::new(RunReport::default()));
    let report_out = report.clone();
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Passmith")
            .with_inner_size([1240.0, 820.0])
            .with_min_inner_size([760.0, 520.0])
            .with_drag_and_drop(true),
        // The smoke test leaves the user's window geometry alone.
        persist_window: smoke_frames.is_none(),
        renderer: eframe::Renderer::Glow,
        ..Default::default()
    };
    eframe::run_native(
        "Passmith",
        options,
        Box::new(move |cc| {
            let app = App::new(cc, open, smoke_frames);
            Ok(Box::new(Reporting {
                app,
                report: report_out,
            }))
        }),
    )
    .map_err(|e| anyhow::anyhow!("the window could not be opened: {e}"))?;
    let report = report
        .lock()
        .map_err(|_| anyhow::anyhow!("the window crashed"))?
        .clone();
    Ok(report)
}

/// Reports what the app did to the caller of [`run`] (eframe owns the app).
struct Reporting {
    app: App,
    report: std::sync::Arc<std::sync::Mutex<RunReport>>,
}

impl eframe::App for Reporting {
    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        eframe::App::ui(&mut self.app, ui, frame);
        if let Ok(mut r) = self.report.lock() {
            let findings = self.app.all_findings();
            r.frames = self.app.frames;
            r.title = self.app.title.clone();
            r.errors = findings.iter().filter(|f| f.is_error()).count();
            r.warnings = findings.len() - r.errors;
            r.open_error = self.app.open_error.clone();
            r.preview_rendered =
                self.app.preview.renders > 0 && self.app.preview.layout().is_some();
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        if self.app.smoke_frames.is_none() {
            eframe::App::save(&mut self.app, storage);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[derive(Default)]
    struct MemoryStorage(HashMap<String, String>);

    impl eframe::Storage for MemoryStorage {
        fn get_string(&self, key: &str) -> Option<String> {
            self.0.get(key).cloned()
        }
        fn set_string(&mut self, key: &str, value: String) {
            self.0.insert(key.to_owned(), value);
        }
        fn remove_string(&mut self, key: &str) {
            self.0.remove(key);
        }
        fn flush(&mut self) {}
    }

    #[test]
    fn settings_persist_through_eframe_storage() {
        let doc = templates::template(Style::Coupon).unwrap();
        let mut app = App::new_for_test(doc, Box::new(ScriptedDialogs::new()));
        app.settings.add_recent(Path::new("/nowhere/Fern.pass"));
        app.settings.last_certificate = Some("/keys/pass.p12".into());
        app.settings.remember_password = true;
        let mut storage = MemoryStorage::default();
        eframe::App::save(&mut app, &mut storage);
        let restored: Settings = eframe::get_value(&storage, SETTINGS_KEY).unwrap();
        assert_eq!(restored, app.settings);
    }

    #[test]
    fn the_server_url_persists_but_the_api_key_never_does() {
        let doc = templates::template(Style::Coupon).unwrap();
        let mut app = App::new_for_test(doc, Box::new(ScriptedDialogs::new()));
        app.settings.server_url = "https://passes.example.com".into();
        app.settings.server_path_prefix = "/wallet".into();
        app.server.api_key = "very-secret-api-key-123".into();
        let mut storage = MemoryStorage::default();
        eframe::App::save(&mut app, &mut storage);
        let stored: String = storage.0.values().cloned().collect();
        assert!(stored.contains("https://passes.example.com"), "{stored}");
        assert!(!stored.contains("very-secret-api-key-123"), "{stored}");
        let restored: Settings = eframe::get_value(&storage, SETTINGS_KEY).unwrap();
        assert_eq!(restored.server_path_prefix, "/wallet");
    }

    #[test]
    fn changing_style_keeps_fields_and_says_what_is_hidden() {
        let mut doc = templates::template(Style::BoardingPass).unwrap();
        let keys = |d: &PassDocument| d.pass.fields().unwrap().all_fields().count();
        let before = keys(&doc);
        let mut app = App::new_for_test(doc.clone(), Box::new(ScriptedDialogs::new()));
        app.set_style(Style::Coupon);
        assert_eq!(keys(&app.doc), before);
        let notice = app.notices.last().unwrap();
        assert_eq!(notice.kind, NoticeKind::Warning);
        // Two primary fields on a boarding pass; a coupon shows one (the second, "BRUSSELS").
        assert!(
            notice.lines.iter().any(|l| l.contains("“BRUSSELS”")),
            "{notice:?}"
        );
        assert!(
            notice.lines.iter().any(|l| l.contains("footer image")),
            "{notice:?}"
        );
        doc.pass.set_style(Style::Coupon);
        assert_eq!(
            app.doc.pass, doc.pass,
            "the app changes style exactly as the engine does"
        );
    }
}
