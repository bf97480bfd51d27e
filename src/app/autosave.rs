//! When the open document is autosaved, and doing it off the UI thread. A copy is written a few
//! seconds after the first unsaved edit (and at once when the window loses focus), at most one at
//! a time; the snapshot is a clone of the document, which shares its image bytes, so taking it
//! costs the pass model only. A clean save or quit removes the copy. The store is
//! [`super::recovery`].

use std::path::Path;
use std::thread::JoinHandle;

use super::recovery::{Owner, Recovery, RecoveryError};
use super::session::Session;

/// Seconds after the first unsaved edit before a copy is written.
pub const AUTOSAVE_DELAY_SECONDS: f64 = 3.0;

/// The autosave state of one window.
pub struct Autosave {
    /// Where copies go; `None` turns autosave off (tests, or no data directory).
    pub recovery: Option<Recovery>,
    /// The entry of the open document.
    key: String,
    owner: Option<Owner>,
    /// "This pass is open here": keeps a second window off the same folder.
    doc_lock: Option<Owner>,
    /// See [`AUTOSAVE_DELAY_SECONDS`]; tests set 0.
    pub delay: f64,
    /// The session version the last copy holds.
    written: Option<u64>,
    /// When (egui's clock) the first edit not yet written was seen.
    edited_at: Option<f64>,
    worker: Option<JoinHandle<Result<(), RecoveryError>>>,
    /// Copies written so far.
    pub writes: u64,
    /// Why the last copy failed, shown once by the app.
    pub error: Option<String>,
}

impl Autosave {
    pub fn new(recovery: Option<Recovery>) -> Autosave {
        Autosave {
            recovery,
            key: Recovery::key_for(None),
            owner: None,
            doc_lock: None,
            delay: AUTOSAVE_DELAY_SECONDS,
            written: None,
            edited_at: None,
            worker: None,
            writes: 0,
            error: None,
        }
    }

    /// After each frame. `now` is egui's clock in seconds; `focused` whether the window has
    /// focus. Returns in how many seconds to look again, while a copy is due.
    pub fn tick(&mut self, now: f64, focused: bool, session: &Session) -> Option<f64> {
        self.poll();
        let recovery = self.recovery.clone()?;
        let version = session.version();
        if !session.is_dirty() || self.written == Some(version) {
            self.edited_at = None;
            return None;
        }
        let since = *self.edited_at.get_or_insert(now);
        let due = now - since >= self.delay || !focused;
        if !due || self.worker.is_some() {
            return Some((self.delay - (now - since)).max(0.05));
        }
        if self.owner.is_none() {
            match recovery.own(&self.key) {
                Ok(Some(owner)) => self.owner = Some(owner),
                Ok(None) => {
                    // Another window has this entry: use one of our own.
                    self.key = format!("{}-{}", self.key, std::process::id());
                    return Some(self.delay);
                }
                Err(err) => {
                    self.error = Some(err.to_string());
                    self.recovery = None;
                    return None;
                }
            }
        }
        let doc = session.doc.clone();
        let (key, title, source) = (
            self.key.clone(),
            session.title.clone(),
            session.path.clone(),
        );
        self.worker = Some(std::thread::spawn(move || {
            let now = passmith_core::time::now_unix();
            recovery
                .write(&key, &title, source.as_deref(), &doc, now)
                .map(|_| ())
        }));
        self.written = Some(version);
        self.edited_at = None;
        None
    }

    /// Collects a finished copy.
    fn poll(&mut self) {
        if self.worker.as_ref().is_some_and(JoinHandle::is_finished) {
            self.finish();
        }
    }

    /// Waits for a copy being written (tests; before removing the entry).
    pub fn finish(&mut self) {
        let Some(worker) = self.worker.take() else {
            return;
        };
        match worker.join() {
            Ok(Ok(())) => self.writes += 1,
            Ok(Err(err)) => {
                self.error = Some(err.to_string());
                self.written = None;
            }
            Err(_) => {
                self.error = Some("the autosave thread stopped unexpectedly".to_owned());
                self.written = None;
            }
        }
    }

    /// The document is saved, closed or discarded: its copy goes. The next document (at
    /// `source`) gets its own entry.
    pub fn discard(&mut self, source: Option<&Path>) {
        self.finish();
        if let Some(recovery) = &self.recovery {
            recovery.remove(&self.key);
        }
        self.owner = None;
        self.written = None;
        self.edited_at = None;
        self.key = Recovery::key_for(source);
    }

    /// Claims the pass at `path` for this window. Refused (with the words to show) when another
    /// Passmith window has it open; the lock of another process that died is free again.
    pub fn lock_document(&mut self, path: &Path) -> Result<(), String> {
        let Some(recovery) = &self.recovery else {
            return Ok(());
        };
        match recovery.lock_document(path) {
            Ok(Some(owner)) => {
                self.doc_lock = Some(owner);
                Ok(())
            }
            Ok(None) => Err(format!(
                "{} is already open in another Passmith window. Edit it there, or close that \
                 window and open it again.",
                path.display()
            )),
            // Without a lock the window still works; only the two-window check is lost.
            Err(_) => Ok(()),
        }
    }

    /// Continues in a restored entry: its copy stays until this window saves or quits.
    pub fn adopt(&mut self, key: &str) {
        self.finish();
        if let Some(recovery) = &self.recovery
            && let Ok(Some(owner)) = recovery.own(key)
        {
            if key != self.key {
                recovery.remove(&self.key);
            }
            self.key = key.to_owned();
            self.owner = Some(owner);
            self.written = None;
        }
    }
}
