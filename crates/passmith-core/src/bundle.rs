//! Reading `.pkpasses` bundles: a zip of up to 10 signed `.pkpass` files (Apple's limit) that
//! Safari adds to Wallet at once. Writing one is [`crate::package::bundle_pkpasses`].
//!
//! The bundle is unpacked with the same defensive zip checks as a pass ([`read_entries`]); then
//! each `.pkpass` in it is read on its own, so one damaged pass is reported as such without
//! hiding the others.

use std::path::Path;

use crate::archive::{self, MAX_TOTAL_BYTES, Opened, pass_names, read_entries};
use crate::error::{ArchiveProblem, Error};

/// One pass of a bundle: its file name in the bundle, and what reading it gave.
#[derive(Debug)]
pub struct BundledPass {
    pub name: String,
    pub pass: Result<Opened, Error>,
}

/// A `.pkpasses` bundle as read.
#[derive(Debug)]
pub struct Bundle {
    /// The passes, in the bundle's order.
    pub passes: Vec<BundledPass>,
    /// Entries that are not `.pkpass` files (Wallet ignores them).
    pub ignored: Vec<String>,
}

/// What a file on disk turned out to be.
#[derive(Debug)]
pub enum Contents {
    /// A `.pass` folder or a single `.pkpass`.
    Pass(Box<Opened>),
    /// A `.pkpasses` bundle.
    Bundle(Bundle),
}

/// Reads a `.pkpasses` bundle from bytes; each pass's certificates are checked at `now_unix`.
pub fn read_pkpasses(bytes: &[u8], now_unix: i64) -> Result<Bundle, Error> {
    let entries = read_entries(bytes)?;
    from_entries(entries, now_unix)
}

fn from_entries(entries: Vec<(String, Vec<u8>)>, now_unix: i64) -> Result<Bundle, Error> {
    let names: Vec<String> = entries.iter().map(|(n, _)| n.clone()).collect();
    let pass_files = pass_names(&names);
    if pass_files.is_empty() || names.iter().any(|n| n == "pass.json") {
        return Err(ArchiveProblem::NotABundle.into());
    }
    let mut passes = Vec::new();
    let mut ignored = Vec::new();
    for (name, bytes) in entries {
        if pass_files.contains(&name.as_str()) {
            let pass = archive::read_pkpass(&bytes, now_unix);
            passes.push(BundledPass { name, pass });
        } else {
            ignored.push(name);
        }
    }
    Ok(Bundle { passes, ignored })
}

/// Opens a `.pass` folder, a `.pkpass` or a `.pkpasses` bundle (told apart by content, not by
/// name); certificates are checked at `now_unix`.
pub fn open_path(path: &Path, now_unix: i64) -> Result<Contents, Error> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io("open", path, e))?;
    if meta.is_dir() {
        return archive::open_path(path, now_unix).map(|o| Contents::Pass(Box::new(o)));
    }
    if meta.len() > MAX_TOTAL_BYTES {
        return Err(ArchiveProblem::TotalTooLarge { total: meta.len() }.into());
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io("read", path, e))?;
    let entries = read_entries(&bytes)?;
    let names: Vec<String> = entries.iter().map(|(n, _)| n.clone()).collect();
    if !names.iter().any(|n| n == "pass.json") && !pass_names(&names).is_empty() {
        return from_entries(entries, now_unix).map(Contents::Bundle);
    }
    archive::from_entries(entries, now_unix).map(|o| Contents::Pass(Box::new(o)))
}
