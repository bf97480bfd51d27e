//! `.pass` folders on disk: opening and saving them so that nothing the user keeps there is lost,
//! and a crash in the middle of a save leaves either the old pass or the new one.
//!
//! # Why per-file saves with a journal, not a folder swap
//!
//! A pass folder is the user's: it may hold a `.git/` repository, `.DS_Store`, notes, unknown
//! files and Passmith's own `.passmith/` sources. A save may change only the files Passmith
//! manages (see [`is_managed`]); everything else must stay byte-for-byte, with the same inode,
//! because git, editors and shells keep hold of those paths.
//!
//! Swapping a whole new folder in (Linux `renameat2(RENAME_EXCHANGE)`, macOS
//! `renamex_np(RENAME_SWAP)`) is atomic only for the folder itself: every unmanaged entry would
//! first have to be copied or moved into the new folder, and that step is neither atomic nor
//! cheap (a `.git` of any size), and breaks anything holding those paths open. It would also need
//! `unsafe` FFI or a new dependency, and two code paths where only one is tested on each OS. So
//! saving works the same everywhere, in place, one file at a time, with a small commit journal
//! making the set of files change all at once:
//!
//! 1. every changed file is written to `.<name>.passmith-new` beside it, fsynced (and given the
//!    old file's permissions), then its folder is fsynced;
//! 2. the journal `.passmith-save.json` (what to rename, what to remove) is written to a
//!    temporary file, fsynced and renamed into place, and the folder fsynced: **the commit**;
//! 3. each temporary is renamed over its file, managed files the document no longer has are
//!    removed, each touched folder is fsynced, and the journal is removed.
//!
//! Opening a folder ([`open_dir`], and so [`PassDocument::read_dir`]) first finishes what a
//! crashed save left: with a journal the save had committed, so it is completed (the new pass);
//! without one it had not, so its temporaries are removed (the old pass is untouched). Either way
//! the [`Recovery`] says what was done, so the designer can tell the user. Step 3 is idempotent,
//! so a crash during recovery is recovered the same way.
//!
//! A folder that does not exist yet is written complete under a hidden name beside it and renamed
//! into place, so it appears whole or not at all.
//!
//! Folders left by Passmith versions before this scheme (`.<Name>.previous-<pid>` holding the old
//! pass *with* its hidden files, `.<Name>.saving-<pid>` holding an unfinished new one) are never
//! deleted: a missing pass folder is restored from its previous copy, and any other such folder
//! is reported so the user can look through it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::atomic::{file_name, parent_of, rename, sync_dir, write_synced};
use crate::document::{PassDocument, STRINGS_FILE};
use crate::error::Error;

/// The commit journal of a save in progress, inside the pass folder.
pub const JOURNAL_FILE: &str = ".passmith-save.json";
/// The suffix of a file written by an unfinished save (`.pass.json.passmith-new`).
pub const TEMP_SUFFIX: &str = ".passmith-new";

/// What opening a folder found and did about an earlier, interrupted save.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Recovery {
    /// A save had committed but was interrupted before it finished; it was completed, so the
    /// folder holds the pass as it was last saved.
    CompletedSave { files: Vec<String> },
    /// A save was interrupted before it committed: the folder still holds the version saved
    /// before it, and the partial files that save had written were removed.
    DiscardedUnfinishedSave { files: Vec<String> },
    /// The pass folder was missing after an older Passmith was interrupted while saving; its
    /// previous copy (with every hidden file) was put back.
    RestoredPreviousCopy { from: PathBuf },
    /// An older Passmith left a copy of this pass beside it; it is kept for the user to check.
    LeftoverCopy { path: PathBuf },
}

impl std::fmt::Display for Recovery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Recovery::CompletedSave { files } => write!(
                f,
                "An earlier save was interrupted after it was complete; it was finished ({}).",
                files.join(", ")
            ),
            Recovery::DiscardedUnfinishedSave { files } => write!(
                f,
                "An earlier save was interrupted before it was complete; the pass is as it was \
                 saved before, and the unfinished files were removed ({}).",
                files.join(", ")
            ),
            Recovery::RestoredPreviousCopy { from } => write!(
                f,
                "The pass folder was missing after an interrupted save; it was put back from {}.",
                from.display()
            ),
            Recovery::LeftoverCopy { path } => write!(
                f,
                "An interrupted save of an older Passmith left a copy of this pass at {}. It may \
                 hold files (such as .git) that are not in the pass folder; look through it, then \
                 delete it yourself.",
                path.display()
            ),
        }
    }
}

/// A pass folder as opened, with what was recovered on the way.
#[derive(Debug, Clone)]
pub struct OpenedFolder {
    pub document: PassDocument,
    pub recovered: Vec<Recovery>,
}

/// The journal's contents: the files a committed save replaces and removes.
#[derive(Debug, Serialize, Deserialize)]
struct Journal {
    replace: Vec<String>,
    remove: Vec<String>,
}

/// True for files Passmith manages in a pass folder, which a save may replace or remove:
/// `pass.json`, `personalization.json`, Wallet's images at each density (also in `xx.lproj/`)
/// and `xx.lproj/pass.strings`. Anything else (hidden files, unknown files, other folders) is the
/// user's and is never removed.
pub fn is_managed(rel: &str) -> bool {
    let (dir, file) = match rel.split_once('/') {
        Some((dir, file)) => (Some(dir), file),
        None => (None, rel),
    };
    if let Some(dir) = dir {
        let is_lproj = dir
            .strip_suffix(".lproj")
            .is_some_and(|l| !l.is_empty() && !l.starts_with('.'));
        if !is_lproj || file.contains('/') {
            return false;
        }
        if file == STRINGS_FILE {
            return true;
        }
    } else if file == "pass.json" || file == "personalization.json" {
        return true;
    }
    let Some(stem) = file.strip_suffix(".png") else {
        return false;
    };
    let base = stem
        .strip_suffix("@2x")
        .or_else(|| stem.strip_suffix("@3x"))
        .unwrap_or(stem);
    crate::rules::IMAGE_NAMES.contains(&base)
}

impl PassDocument {
    /// Reads a raw pass folder (`Name.pass/`), first finishing or undoing an interrupted save
    /// (see [`open_dir`] for what was recovered). Hidden files (`.git`, `.DS_Store`, …) and an old
    /// `manifest.json`/`signature` are not part of the document; symbolic links are refused.
    pub fn read_dir(dir: &Path) -> Result<PassDocument, Error> {
        open_dir(dir).map(|o| o.document)
    }

    /// Saves the document as a raw pass folder. Only files Passmith manages change: each changed
    /// file is replaced atomically, managed files the document no longer has are removed, and
    /// hidden or unknown files stay byte-for-byte. A crash at any moment leaves the old or the
    /// new pass (see the module documentation).
    pub fn write_dir(&self, dir: &Path) -> Result<(), Error> {
        let mut files = self.to_folder_files()?;
        for rel in files.keys() {
            check_relative(rel)?;
        }
        // Hidden names in a pass folder are the user's (a `.DS_Store` carried in by a .pkpass
        // would otherwise overwrite theirs); reading skips them too.
        files.retain(|rel, _| !rel.split('/').any(|part| part.starts_with('.')));
        match std::fs::symlink_metadata(dir) {
            Ok(meta) if meta.is_dir() => save_in_place(dir, &files),
            Ok(_) => Err(Error::NotAPassFolder {
                path: dir.to_owned(),
                reason: "it is a file, not a folder; choose another name for the pass".to_owned(),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => create_new(dir, &files),
            Err(e) => Err(Error::io("open", dir, e)),
        }
    }
}

/// Opens a pass folder, recovering from an interrupted save first.
pub fn open_dir(dir: &Path) -> Result<OpenedFolder, Error> {
    let mut recovered = Vec::new();
    if std::fs::symlink_metadata(dir).is_err()
        && let Some(from) = restore_previous_copy(dir)?
    {
        recovered.push(Recovery::RestoredPreviousCopy { from });
    }
    let meta = match std::fs::metadata(dir) {
        Ok(meta) => meta,
        Err(e) => {
            // Only an unfinished new version is left: it may be incomplete, so the user decides.
            if let Some(copy) = legacy_copies(dir).first() {
                return Err(Error::NotAPassFolder {
                    path: dir.to_owned(),
                    reason: format!(
                        "it is missing, but an interrupted save left a copy at {}; check that \
                         copy and rename it to {}",
                        copy.display(),
                        file_name(dir)
                    ),
                });
            }
            return Err(Error::io("open", dir, e));
        }
    };
    if !meta.is_dir() {
        return Err(Error::NotAPassFolder {
            path: dir.to_owned(),
            reason: "it is a file, not a folder".to_owned(),
        });
    }
    recovered.extend(finish_interrupted_save(dir)?);
    recovered.extend(
        legacy_copies(dir)
            .into_iter()
            .map(|path| Recovery::LeftoverCopy { path }),
    );
    if !dir.join("pass.json").is_file() {
        return Err(Error::NotAPassFolder {
            path: dir.to_owned(),
            reason: "it has no pass.json inside".to_owned(),
        });
    }
    let document = PassDocument::from_files(read_files(dir)?).map_err(|e| match e {
        Error::NotAPassFolder { reason, .. } => Error::NotAPassFolder {
            path: dir.to_owned(),
            reason,
        },
        other => other,
    })?;
    Ok(OpenedFolder {
        document,
        recovered,
    })
}

/// The files of a pass folder as they are (relative path → bytes), without parsing them: hidden
/// files are skipped and symbolic links refused, as when opening. Call [`open_dir`] first when
/// an interrupted save may need finishing.
pub fn read_files(dir: &Path) -> Result<BTreeMap<String, Vec<u8>>, Error> {
    let mut files = BTreeMap::new();
    collect_files(dir, dir, &mut files)?;
    Ok(files)
}

/// Completes a committed save or removes the temporaries of an uncommitted one.
pub fn finish_interrupted_save(dir: &Path) -> Result<Vec<Recovery>, Error> {
    let journal_path = dir.join(JOURNAL_FILE);
    let mut out = Vec::new();
    match std::fs::read(&journal_path) {
        Ok(bytes) => {
            // The journal is renamed into place complete, so it always parses unless someone
            // else wrote it; then it is left alone rather than guessed at.
            let journal: Journal =
                serde_json::from_slice(&bytes).map_err(|e| Error::NotAPassFolder {
                    path: journal_path.clone(),
                    reason: format!(
                        "its save journal cannot be read ({e}); move {JOURNAL_FILE} out of the folder"
                    ),
                })?;
            for rel in journal.replace.iter().chain(&journal.remove) {
                check_relative(rel)?;
            }
            apply(dir, &journal)?;
            out.push(Recovery::CompletedSave {
                files: journal
                    .replace
                    .iter()
                    .chain(&journal.remove)
                    .cloned()
                    .collect(),
            });
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(Error::io("read", &journal_path, e)),
    }
    let leftovers = temporaries(dir)?;
    if !leftovers.is_empty() {
        let mut names = Vec::new();
        for path in &leftovers {
            std::fs::remove_file(path).map_err(|e| Error::io("clean up", path, e))?;
            names.push(relative(dir, path));
            // An `xx.lproj` folder that the unfinished save created is empty again.
            if let Some(parent) = path.parent().filter(|p| *p != dir) {
                let _ = std::fs::remove_dir(parent);
            }
        }
        sync_dir(dir)?;
        out.push(Recovery::DiscardedUnfinishedSave { files: names });
    }
    Ok(out)
}

/// Saves over an existing folder: steps 1–3 of the module documentation.
fn save_in_place(dir: &Path, files: &BTreeMap<String, Vec<u8>>) -> Result<(), Error> {
    finish_interrupted_save(dir)?;
    let mut replace = Vec::new();
    for (rel, bytes) in files {
        let target = dir.join(rel);
        match std::fs::symlink_metadata(&target) {
            Ok(meta) if meta.is_dir() => {
                return Err(Error::NotAPassFolder {
                    path: target,
                    reason: "a folder has the name of a file of the pass; rename the folder"
                        .to_owned(),
                });
            }
            Ok(meta) if meta.is_file() && meta.len() == bytes.len() as u64 => {
                let current = std::fs::read(&target).map_err(|e| Error::io("read", &target, e))?;
                if current == *bytes {
                    continue;
                }
            }
            _ => {}
        }
        replace.push(rel.clone());
    }
    let mut remove = Vec::new();
    walk_files(dir, dir, &mut |rel, _| {
        if is_managed(&rel) && !files.contains_key(&rel) {
            remove.push(rel);
        }
        Ok(())
    })?;
    if replace.is_empty() && remove.is_empty() {
        return Ok(());
    }

    // 1. Temporaries beside their targets, durable before the commit.
    let mut dirs = BTreeSet::new();
    for rel in &replace {
        let target = dir.join(rel);
        let parent = ensure_parent(dir, &target)?;
        write_synced(&temp_path(&target), &files[rel], Some(&target))?;
        dirs.insert(parent);
    }
    for d in &dirs {
        sync_dir(d)?;
    }
    // 2. The commit.
    let journal = Journal { replace, remove };
    let text = serde_json::to_vec(&journal).map_err(|e| Error::Package {
        reason: format!("the save journal cannot be written: {e}"),
    })?;
    let journal_path = dir.join(JOURNAL_FILE);
    let journal_tmp = temp_path(&journal_path);
    write_synced(&journal_tmp, &text, None)?;
    rename(&journal_tmp, &journal_path)?;
    sync_dir(dir)?;
    // 3. Apply.
    apply(dir, &journal)
}

/// Step 3: renames the temporaries in, removes what the pass no longer has, drops the journal.
/// Idempotent: a temporary that is gone was already renamed.
fn apply(dir: &Path, journal: &Journal) -> Result<(), Error> {
    let mut dirs = BTreeSet::new();
    for rel in &journal.replace {
        let target = dir.join(rel);
        let temp = temp_path(&target);
        if temp.exists() {
            rename(&temp, &target)?;
        }
        dirs.insert(target.parent().unwrap_or(dir).to_owned());
    }
    for rel in &journal.remove {
        let target = dir.join(rel);
        match std::fs::remove_file(&target) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io("remove", &target, e)),
        }
        let parent = target.parent().unwrap_or(dir).to_owned();
        // An `xx.lproj` folder emptied by the save goes too; one with anything else in it stays.
        if parent != dir && std::fs::remove_dir(&parent).is_ok() {
            dirs.insert(dir.to_owned());
        } else {
            dirs.insert(parent);
        }
    }
    for d in &dirs {
        if d.is_dir() {
            sync_dir(d)?;
        }
    }
    let journal_path = dir.join(JOURNAL_FILE);
    match std::fs::remove_file(&journal_path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(Error::io("clean up", &journal_path, e)),
    }
    sync_dir(dir)
}

/// Writes a folder that does not exist yet under a hidden name beside it, then renames it in.
fn create_new(dir: &Path, files: &BTreeMap<String, Vec<u8>>) -> Result<(), Error> {
    let parent = parent_of(dir);
    let name = file_name(dir);
    std::fs::create_dir_all(parent).map_err(|e| Error::io("create folder", parent, e))?;
    let staging = parent.join(format!(".{name}{TEMP_SUFFIX}"));
    // Only an earlier, interrupted creation of this same folder can have left it: that pass was
    // never saved, and this save supersedes it.
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(|e| Error::io("clean up", &staging, e))?;
    }
    let result = (|| {
        std::fs::create_dir(&staging).map_err(|e| Error::io("create folder", &staging, e))?;
        let mut dirs = BTreeSet::from([staging.clone()]);
        for (rel, bytes) in files {
            let target = staging.join(rel);
            dirs.insert(ensure_parent(&staging, &target)?);
            write_synced(&target, bytes, None)?;
        }
        for d in &dirs {
            sync_dir(d)?;
        }
        rename(&staging, dir)?;
        sync_dir(parent)
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result
}

/// Creates the folders above `target` inside `root`; returns `target`'s folder.
fn ensure_parent(root: &Path, target: &Path) -> Result<PathBuf, Error> {
    let parent = target.parent().unwrap_or(root).to_owned();
    if !parent.is_dir() {
        std::fs::create_dir_all(&parent).map_err(|e| Error::io("create folder", &parent, e))?;
        sync_dir(parent.parent().unwrap_or(root))?;
    }
    Ok(parent)
}

/// `dir/fr.lproj/logo.png` → `dir/fr.lproj/.logo.png.passmith-new`.
fn temp_path(target: &Path) -> PathBuf {
    target.with_file_name(format!(".{}{TEMP_SUFFIX}", file_name(target)))
}

/// The temporaries an unfinished save left at the top of the folder and in its `xx.lproj`.
fn temporaries(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut out = Vec::new();
    let mut dirs = vec![dir.to_owned()];
    for entry in read_sorted(dir)? {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".lproj") && !name.starts_with('.') && entry.path().is_dir() {
            dirs.push(entry.path());
        }
    }
    for d in dirs {
        for entry in read_sorted(&d)? {
            let name = entry.file_name().to_string_lossy().into_owned();
            let is_temp = name.starts_with('.') && name.ends_with(TEMP_SUFFIX);
            if is_temp && entry.file_type().is_ok_and(|t| t.is_file()) {
                out.push(entry.path());
            }
        }
    }
    Ok(out)
}

/// Folders an older Passmith left beside `dir` while saving it (`.Name.previous-<pid>`,
/// `.Name.saving-<pid>`), newest first.
fn legacy_copies(dir: &Path) -> Vec<PathBuf> {
    let name = file_name(dir);
    let Ok(entries) = read_sorted(parent_of(dir)) else {
        return Vec::new();
    };
    let mut found: Vec<(std::time::SystemTime, PathBuf)> = entries
        .into_iter()
        .filter(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            [".previous-", ".saving-"].iter().any(|kind| {
                n.strip_prefix(&format!(".{name}{kind}"))
                    .is_some_and(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
            }) && e.path().is_dir()
        })
        .map(|e| {
            let modified = e
                .metadata()
                .and_then(|m| m.modified())
                .unwrap_or(std::time::UNIX_EPOCH);
            (modified, e.path())
        })
        .collect();
    found.sort_by_key(|(modified, _)| std::cmp::Reverse(*modified));
    found.into_iter().map(|(_, p)| p).collect()
}

/// Puts back the newest `.Name.previous-<pid>` copy when `dir` itself is missing: an older
/// Passmith had moved the pass there and crashed before moving the new one in.
fn restore_previous_copy(dir: &Path) -> Result<Option<PathBuf>, Error> {
    let name = file_name(dir);
    let previous = legacy_copies(dir).into_iter().find(|p| {
        p.file_name().is_some_and(|n| {
            n.to_string_lossy()
                .starts_with(&format!(".{name}.previous-"))
        })
    });
    let Some(previous) = previous else {
        return Ok(None);
    };
    rename(&previous, dir)?;
    sync_dir(parent_of(dir))?;
    Ok(Some(previous))
}

/// Refuses document paths that would leave the folder or hide inside it.
fn check_relative(rel: &str) -> Result<(), Error> {
    let bad = rel.is_empty()
        || rel.contains('\\')
        || rel.starts_with('/')
        || rel
            .split('/')
            .any(|part| part.is_empty() || part == "." || part == "..");
    if bad {
        return Err(Error::Package {
            reason: format!(
                "the pass has a file named \"{rel}\", which cannot be saved in a pass folder; \
                 rename or remove it"
            ),
        });
    }
    Ok(())
}

fn read_sorted(dir: &Path) -> Result<Vec<std::fs::DirEntry>, Error> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io("read folder", dir, e))?;
    let mut entries: Vec<_> = entries
        .collect::<Result<_, _>>()
        .map_err(|e| Error::io("read folder", dir, e))?;
    entries.sort_by_key(|e| e.file_name());
    Ok(entries)
}

/// Every non-hidden file under `dir`, by `/`-separated path relative to `root`.
fn collect_files(
    root: &Path,
    dir: &Path,
    out: &mut BTreeMap<String, Vec<u8>>,
) -> Result<(), Error> {
    walk_files(root, dir, &mut |rel, path| {
        let bytes = std::fs::read(path).map_err(|e| Error::io("read", path, e))?;
        out.insert(rel, bytes);
        Ok(())
    })
}

/// Calls `found` with the relative path and path of every non-hidden file under `dir`, in name
/// order; symbolic links are refused.
fn walk_files(
    root: &Path,
    dir: &Path,
    found: &mut dyn FnMut(String, &Path) -> Result<(), Error>,
) -> Result<(), Error> {
    for entry in read_sorted(dir)? {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let kind = entry.file_type().map_err(|e| Error::io("read", &path, e))?;
        if kind.is_symlink() {
            return Err(Error::NotAPassFolder {
                path: path.clone(),
                reason: "it is a symbolic link; copy the real file into the pass folder instead"
                    .to_owned(),
            });
        }
        if kind.is_dir() {
            walk_files(root, &path, found)?;
        } else {
            found(relative(root, &path), &path)?;
        }
    }
    Ok(())
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}
