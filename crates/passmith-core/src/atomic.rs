//! Durable, atomic file writes: the one place that knows the order of write, fsync, rename and
//! folder fsync that makes a file appear whole or not at all, and survive a crash right after.
//!
//! A rename is atomic, but without an fsync of the file first the renamed name can point at
//! data that never reached the disk (a power cut after `rename` then leaves an empty file where
//! the user's old one was), and without an fsync of the folder after it, the rename itself may be
//! lost. Every export (`.pkpass`, bundles, PNGs) goes through [`write_file_atomically`]; pass
//! folders use the same primitives (`crate::folder`).

use std::io::Write;
use std::path::Path;

use crate::error::Error;

/// The marker in the name of a temporary export (`.Name.pkpass.writing-<pid>`).
const WRITING: &str = ".writing-";

/// Writes a file (a `.pkpass`, a bundle, a PNG) beside its target, fsyncs it and renames it into
/// place, then fsyncs the folder, so a failed or interrupted write never leaves half a file where
/// the user's old one was, and a crash right after the save does not lose it. Temporaries that an
/// interrupted export of the same file left are removed: they are partial copies of what this
/// write replaces.
pub fn write_file_atomically(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let dir = parent_of(path);
    let name = file_name(path);
    remove_stale_exports(dir, &name);
    let tmp = dir.join(format!(".{name}{WRITING}{}", std::process::id()));
    let like = path.exists().then_some(path);
    let result = write_synced(&tmp, bytes, like)
        .and_then(|()| rename(&tmp, path))
        .and_then(|()| sync_dir(dir));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(|e| match e {
        Error::Io { source, .. } => Error::io("write", path, source),
        other => other,
    })
}

/// Removes `.<name>.writing-<pid>` files of other processes: exports of this file that never
/// finished.
fn remove_stale_exports(dir: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let prefix = format!(".{name}{WRITING}");
    let own = std::process::id().to_string();
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let is_stale = file.strip_prefix(&prefix).is_some_and(|pid| {
            !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()) && pid != own
        });
        if is_stale && entry.file_type().is_ok_and(|t| t.is_file()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// A file streamed to a temporary name beside its target (`.<name>.writing-<pid>`), fsynced and
/// renamed into place by [`PendingFile::commit`]; dropped uncommitted, the temporary is removed.
/// So the target name only ever holds a whole file that is on the disk. Unlike
/// [`write_file_atomically`] the folder is not fsynced after each rename: a batch writing
/// thousands of files into one folder does that once at the end ([`sync_folder`]).
pub struct PendingFile {
    tmp: std::path::PathBuf,
    path: std::path::PathBuf,
    file: Option<std::io::BufWriter<std::fs::File>>,
}

impl PendingFile {
    /// Creates the temporary for `path`.
    pub fn create(path: &Path) -> Result<PendingFile, Error> {
        let tmp = parent_of(path).join(format!(
            ".{}{WRITING}{}",
            file_name(path),
            std::process::id()
        ));
        let file = std::fs::File::create(&tmp).map_err(|e| Error::io("write", path, e))?;
        Ok(PendingFile {
            tmp,
            path: path.to_owned(),
            file: Some(std::io::BufWriter::with_capacity(256 * 1024, file)),
        })
    }

    /// Where to write the contents (seekable, as a zip writer needs).
    pub fn writer(&mut self) -> Option<&mut std::io::BufWriter<std::fs::File>> {
        self.file.as_mut()
    }

    /// Flushes the contents and renames the file into place.
    pub fn commit(mut self) -> Result<(), Error> {
        let Some(file) = self.file.as_mut() else {
            return Ok(());
        };
        file.flush()
            .map_err(|e| Error::io("write", &self.path, e))?;
        rename(&self.tmp, &self.path)?;
        // Renamed: nothing left for `drop` to remove.
        self.file = None;
        Ok(())
    }
}

impl Drop for PendingFile {
    fn drop(&mut self) {
        // Still set means commit never ran: the temporary is incomplete.
        if self.file.take().is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Makes the renames into `dir` durable (after a batch of [`PendingFile`]s).
pub fn sync_folder(dir: &Path) -> Result<(), Error> {
    sync_dir(dir)
}

/// Removes the temporaries (`.<name>.writing-<pid>`) that other, interrupted processes left in
/// `dir` for files ending in `suffix` (`.pkpass`).
pub fn remove_stale_temporaries(dir: &Path, suffix: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let own = std::process::id().to_string();
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let Some((name, pid)) = file.strip_prefix('.').and_then(|f| f.rsplit_once(WRITING)) else {
            continue;
        };
        let is_stale = name.ends_with(suffix)
            && !pid.is_empty()
            && pid.bytes().all(|b| b.is_ascii_digit())
            && pid != own;
        if is_stale && entry.file_type().is_ok_and(|t| t.is_file()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Creates (or truncates), fills and fsyncs a file; takes `like`'s permissions when given, so
/// replacing a file keeps its mode.
pub(crate) fn write_synced(path: &Path, bytes: &[u8], like: Option<&Path>) -> Result<(), Error> {
    let mut file = std::fs::File::create(path).map_err(|e| Error::io("write", path, e))?;
    file.write_all(bytes)
        .map_err(|e| Error::io("write", path, e))?;
    if let Some(meta) = like.and_then(|l| std::fs::metadata(l).ok()) {
        file.set_permissions(meta.permissions())
            .map_err(|e| Error::io("write", path, e))?;
    }
    file.sync_all().map_err(|e| Error::io("write", path, e))
}

pub(crate) fn rename(from: &Path, to: &Path) -> Result<(), Error> {
    std::fs::rename(from, to).map_err(|e| Error::io("save", to, e))
}

/// Makes a folder's entries (new, renamed, removed files) durable. Windows has no folder fsync;
/// its renames are journaled by NTFS.
pub(crate) fn sync_dir(dir: &Path) -> Result<(), Error> {
    #[cfg(unix)]
    {
        let d = std::fs::File::open(dir).map_err(|e| Error::io("open", dir, e))?;
        d.sync_all().map_err(|e| Error::io("save", dir, e))?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// The folder a path is in (`.` for a bare file name).
pub(crate) fn parent_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."))
}

/// The last component of a path as text.
pub(crate) fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "pass".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_file_write_replaces_and_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("Pass.pkpass");
        write_file_atomically(&target, b"old").unwrap();
        write_file_atomically(&target, b"new").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        let err =
            write_file_atomically(&dir.path().join("no/such/dir/x.pkpass"), b"x").unwrap_err();
        assert!(err.to_string().contains("no/such/dir/x.pkpass"), "{err}");
    }

    #[test]
    fn an_interrupted_export_is_cleaned_up_by_the_next_one_and_nothing_else_is() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("Pass.pkpass");
        std::fs::write(dir.path().join(".Pass.pkpass.writing-1"), b"half").unwrap();
        std::fs::write(dir.path().join(".Other.pkpass.writing-1"), b"other").unwrap();
        std::fs::write(dir.path().join(".Pass.pkpass.notes"), b"mine").unwrap();
        write_file_atomically(&target, b"whole").unwrap();
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                ".Other.pkpass.writing-1",
                ".Pass.pkpass.notes",
                "Pass.pkpass"
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn replacing_a_file_keeps_its_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("Pass.pkpass");
        std::fs::write(&target, b"old").unwrap();
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o600)).unwrap();
        write_file_atomically(&target, b"new").unwrap();
        let mode = std::fs::metadata(&target).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
