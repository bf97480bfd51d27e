//! Autosave and crash recovery: the unsaved document, with its images, is written every few
//! seconds after an edit to a recovery folder in the platform's data directory, so a crash or a
//! kill loses nothing. The next start offers it back.
//!
//! Each open document has one entry, `<root>/<key>/`: the document as a `.pass` folder written
//! under a fresh name, then `meta.json` (what it is, where it came from, when) written atomically
//! naming that folder. `meta.json` is the commit point: an entry whose meta is missing or names no
//! folder is ignored, so a crash in the middle of an autosave leaves the previous autosave intact.
//!
//! Whether an entry's owner is still running is decided by an OS file lock on `<key>/owner.lock`,
//! held for as long as the window has the document open. The OS releases it when the process
//! dies, even by SIGKILL, so a stale entry is one whose lock can be taken; a live one belongs to
//! another window. The same lock keyed by the document's path tells a second window that the pass
//! is already open.

use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use passmith_core::PassDocument;
use serde::{Deserialize, Serialize};

/// What went wrong reading or writing recovery data.
#[derive(Debug, thiserror::Error)]
pub enum RecoveryError {
    #[error("could not write the recovery copy in {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("could not write the recovery copy: {0}")]
    Document(#[from] passmith_core::Error),
    #[error("the recovery copy in {path} cannot be read: {reason}")]
    Unreadable { path: PathBuf, reason: String },
}

/// What an entry says about itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    /// The window's title for the document ("Harbor Coffee", "Untitled").
    pub title: String,
    /// Where the document is saved, if it ever was.
    pub source: Option<PathBuf>,
    /// When the copy was written (seconds since the Unix epoch).
    pub saved_at_unix: i64,
    /// The folder inside the entry holding the copy.
    pub folder: String,
    /// The process that wrote it (shown to the user; liveness is the lock's business).
    pub pid: u32,
}

/// A recovery copy found on disk.
#[derive(Debug, Clone)]
pub struct Entry {
    pub key: String,
    pub meta: Meta,
    pub dir: PathBuf,
}

impl Entry {
    /// The document as it was autosaved.
    pub fn read(&self) -> Result<PassDocument, RecoveryError> {
        let folder = self.dir.join(&self.meta.folder);
        PassDocument::read_dir(&folder).map_err(|err| RecoveryError::Unreadable {
            path: folder,
            reason: err.to_string(),
        })
    }
}

/// The recovery folder of this user.
#[derive(Debug, Clone)]
pub struct Recovery {
    root: PathBuf,
}

/// A held lock: the entry (or the document) is this window's while it lives.
#[derive(Debug)]
pub struct Owner {
    _file: File,
}

impl Recovery {
    pub fn at(root: impl Into<PathBuf>) -> Recovery {
        Recovery { root: root.into() }
    }

    /// `PASSMITH_RECOVERY_DIR`, else `<data dir>/Passmith/recovery` (`~/.local/share` on Linux,
    /// `~/Library/Application Support` on macOS, `%APPDATA%` on Windows). `None` when the
    /// platform has no data directory.
    pub fn default_location() -> Option<Recovery> {
        if let Some(dir) = std::env::var_os("PASSMITH_RECOVERY_DIR") {
            return Some(Recovery::at(dir));
        }
        dirs::data_dir().map(|d| Recovery::at(d.join("Passmith").join("recovery")))
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The entry key of a document: derived from its path, or unique to this process for a
    /// document never saved.
    pub fn key_for(source: Option<&Path>) -> String {
        use std::hash::{Hash as _, Hasher as _};
        match source {
            Some(path) => {
                let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
                // FNV-1a: stable across runs and platforms (std's hasher is not).
                let mut hasher = Fnv::default();
                path.hash(&mut hasher);
                format!("pass-{:016x}", hasher.finish())
            }
            None => format!("untitled-{}", std::process::id()),
        }
    }

    fn entry_dir(&self, key: &str) -> PathBuf {
        self.root.join(key)
    }

    /// Takes the lock of entry `key`; `None` when another live process holds it.
    pub fn own(&self, key: &str) -> Result<Option<Owner>, RecoveryError> {
        let dir = self.entry_dir(key);
        let write_err = |source| RecoveryError::Write {
            path: dir.clone(),
            source,
        };
        std::fs::create_dir_all(&dir).map_err(write_err)?;
        let lock = dir.join("owner.lock");
        let mut file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock)
            .map_err(write_err)?;
        match file.try_lock() {
            Ok(()) => {
                // The pid is for people reading the folder; the lock is what counts.
                let _ = file.set_len(0);
                let _ = writeln!(file, "{}", std::process::id());
                Ok(Some(Owner { _file: file }))
            }
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(err)) => Err(write_err(err)),
        }
    }

    /// Writes `doc` as entry `key` (the caller owns it). The previous copy stays valid until
    /// the new `meta.json` names the new one.
    pub fn write(
        &self,
        key: &str,
        title: &str,
        source: Option<&Path>,
        doc: &PassDocument,
        now_unix: i64,
    ) -> Result<Meta, RecoveryError> {
        let dir = self.entry_dir(key);
        let write_err = |source| RecoveryError::Write {
            path: dir.clone(),
            source,
        };
        std::fs::create_dir_all(&dir).map_err(write_err)?;
        let previous = read_meta(&dir).map(|m| m.folder);
        let folder = format!("copy-{now_unix}-{}.pass", next_serial());
        doc.write_dir(&dir.join(&folder))?;
        let meta = Meta {
            title: title.to_owned(),
            source: source.map(Path::to_owned),
            saved_at_unix: now_unix,
            folder,
            pid: std::process::id(),
        };
        let json = serde_json::to_vec_pretty(&meta).map_err(|e| write_err(e.into()))?;
        passmith_core::document::write_file_atomically(&dir.join("meta.json"), &json)?;
        if let Some(previous) = previous
            && previous != meta.folder
        {
            let _ = std::fs::remove_dir_all(dir.join(previous));
        }
        Ok(meta)
    }

    /// Entries nobody is running any more (their lock can be taken), newest first. Taking the
    /// lock to look is released at once.
    pub fn stale(&self) -> Vec<Entry> {
        let Ok(read) = std::fs::read_dir(&self.root) else {
            return Vec::new();
        };
        let mut out: Vec<Entry> = read
            .filter_map(Result::ok)
            .filter_map(|e| {
                let key = e.file_name().to_str()?.to_owned();
                let dir = e.path();
                let meta = read_meta(&dir)?;
                dir.join(&meta.folder).is_dir().then_some(())?;
                let owner = self.own(&key).ok()??;
                drop(owner);
                Some(Entry { key, meta, dir })
            })
            .collect();
        out.sort_by_key(|e| std::cmp::Reverse(e.meta.saved_at_unix));
        out
    }

    /// Removes entry `key` (after a clean save, a clean quit, or Discard).
    pub fn remove(&self, key: &str) {
        let _ = std::fs::remove_dir_all(self.entry_dir(key));
    }

    /// Takes the "this pass is open here" lock of the document at `path`; `None` when another
    /// window has it open.
    pub fn lock_document(&self, path: &Path) -> Result<Option<Owner>, RecoveryError> {
        let key = format!("open-{}", Recovery::key_for(Some(path)));
        self.own(&key)
    }
}

fn read_meta(dir: &Path) -> Option<Meta> {
    let bytes = std::fs::read(dir.join("meta.json")).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Distinguishes two copies written within one second.
fn next_serial() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static SERIAL: AtomicU64 = AtomicU64::new(0);
    SERIAL.fetch_add(1, Ordering::Relaxed)
}

/// 64-bit FNV-1a.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_is_stale_once_its_owner_lets_go_and_reads_back_exactly() {
        let dir = tempfile::tempdir().unwrap();
        let rec = Recovery::at(dir.path());
        let doc = crate::app::templates::template(passmith_core::model::Style::Coupon).unwrap();
        let owner = rec.own("k").unwrap().expect("free");
        rec.write("k", "Coupon", None, &doc, 1_000).unwrap();
        let meta = rec.write("k", "Coupon", None, &doc, 1_001).unwrap();
        assert!(rec.stale().is_empty(), "a live owner's copy is not offered");
        assert!(rec.own("k").unwrap().is_none(), "a second owner is refused");
        drop(owner);
        let stale = rec.stale();
        assert_eq!(stale.len(), 1);
        assert_eq!(stale[0].meta, meta);
        assert_eq!(stale[0].read().unwrap(), doc);
        // Only the newest copy is kept.
        let copies = std::fs::read_dir(dir.path().join("k"))
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .path()
                    .extension()
                    .is_some_and(|x| x == "pass")
            })
            .count();
        assert_eq!(copies, 1);
        rec.remove("k");
        assert!(rec.stale().is_empty());
    }
}
