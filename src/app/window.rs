//! The OS window around the app: eframe's entry point, settings saved through eframe's
//! storage, the window title, closing, and `--smoke-test` (draw some frames, report, close).

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use super::{App, SETTINGS_KEY};

/// Frames, closing and the title of the OS window.
#[derive(Debug, Default)]
pub struct WindowState {
    /// Frames drawn so far (the smoke test checks it).
    pub frames: u64,
    /// `--smoke-test`: close after this many frames.
    pub smoke_frames: Option<u64>,
    /// Set once the user agreed to leave with unsaved changes.
    pub allow_close: bool,
    /// Close the window at the end of this frame.
    close_requested: bool,
    /// The window title last sent to the OS.
    title: String,
}

impl WindowState {
    /// Closes the window at the end of the frame, without asking again.
    pub fn close(&mut self) {
        self.allow_close = true;
        self.close_requested = true;
    }

    /// After the frame: keeps the smoke test going (or ends it), updates the title, closes.
    pub fn end_frame(&mut self, ctx: &egui::Context, title: String) {
        if let Some(limit) = self.smoke_frames {
            if self.frames >= limit {
                self.close();
            } else {
                ctx.request_repaint();
            }
        }
        if self.title != title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
        if std::mem::take(&mut self.close_requested) {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
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
    /// The organization name of the open pass (the recovery test checks it).
    pub organization: String,
    /// The notice titles shown, oldest first.
    pub notices: Vec<String>,
}

/// Test hooks for process-level tests, read from the environment by [`run`]: a real window is
/// edited, killed and started again.
/// - `PASSMITH_TEST_EDIT_ORGANIZATION=<text>`: at start, set the organization name as a user
///   would (one undo step), so there is something unsaved to autosave.
/// - `PASSMITH_TEST_AUTOSAVE_DELAY=<seconds>`: autosave sooner than usual.
/// - `PASSMITH_TEST_RECOVERY=restore|discard`: answer the recovery offer at start.
struct ProcessHooks {
    edit_organization: Option<String>,
    autosave_delay: Option<f64>,
    recovery: Option<super::dialogs::recover::Answer>,
}

impl ProcessHooks {
    fn from_env() -> ProcessHooks {
        use super::dialogs::recover::Answer;
        let var = |name| std::env::var(name).ok().filter(|v: &String| !v.is_empty());
        ProcessHooks {
            edit_organization: var("PASSMITH_TEST_EDIT_ORGANIZATION"),
            autosave_delay: var("PASSMITH_TEST_AUTOSAVE_DELAY").and_then(|v| v.parse().ok()),
            recovery: match var("PASSMITH_TEST_RECOVERY").as_deref() {
                Some("restore") => Some(Answer::Restore),
                Some("discard") => Some(Answer::Discard),
                _ => None,
            },
        }
    }

    fn apply(self, app: &mut App, ctx: &egui::Context) {
        if let Some(delay) = self.autosave_delay {
            app.autosave.delay = delay;
        }
        if let Some(answer) = self.recovery {
            app.recover(ctx, answer);
        }
        if let Some(name) = self.edit_organization {
            app.session.doc.pass.organization_name = name;
            app.session.commit(None);
        }
    }
}

/// Runs the designer window. `open`: a pass to open at start; `smoke_frames`: draw that many
/// frames and close (for `--smoke-test`).
pub fn run(open: Option<PathBuf>, smoke_frames: Option<u64>) -> anyhow::Result<RunReport> {
    let report = Arc::new(Mutex::new(RunReport::default()));
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
        super::APP_ID,
        options,
        Box::new(move |cc| {
            let mut app = App::new(cc, open, smoke_frames);
            ProcessHooks::from_env().apply(&mut app, &cc.egui_ctx);
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
    report: Arc<Mutex<RunReport>>,
}

impl eframe::App for Reporting {
    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        eframe::App::ui(&mut self.app, ui, frame);
        if let Ok(mut r) = self.report.lock() {
            let findings = self.app.all_findings();
            r.frames = self.app.window.frames;
            r.title = self.app.session.title.clone();
            r.errors = findings.iter().filter(|f| f.is_error()).count();
            r.warnings = findings.len() - r.errors;
            r.open_error = self.app.open_error.clone();
            r.preview_rendered =
                self.app.preview.renders > 0 && self.app.preview.layout().is_some();
            r.organization = self.app.session.doc.pass.organization_name.clone();
            r.notices = self.app.notices.iter().map(|n| n.title.clone()).collect();
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        if self.app.window.smoke_frames.is_none() {
            eframe::App::save(&mut self.app, storage);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::path::Path;

    use passmith_core::model::Style;

    use super::*;
    use crate::app::settings::Settings;
    use crate::app::{ScriptedDialogs, templates};

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
    fn the_mail_settings_persist_but_the_smtp_password_never_does() {
        let doc = templates::template(Style::Coupon).unwrap();
        let mut app = App::new_for_test(doc, Box::new(ScriptedDialogs::new()));
        app.settings.mail.smtp_host = "smtp.example.com".into();
        app.settings.mail.smtp_user = "passes".into();
        app.mail_settings.password = "very-secret-smtp-password-456".into();
        let mut storage = MemoryStorage::default();
        eframe::App::save(&mut app, &mut storage);
        let stored: String = storage.0.values().cloned().collect();
        assert!(stored.contains("smtp.example.com"), "{stored}");
        assert!(
            !stored.contains("very-secret-smtp-password-456"),
            "{stored}"
        );
        let restored: Settings = eframe::get_value(&storage, SETTINGS_KEY).unwrap();
        assert_eq!(restored.mail, app.settings.mail);
    }
}
