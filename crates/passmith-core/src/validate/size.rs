//! The size of the whole pass: large passes fail as e-mail attachments and load slowly on poor
//! networks, so a pass whose files add up to more than [`PASS_SIZE_WARNING_BYTES`] is flagged,
//! pointing at its largest file.

use crate::code::Code;
use crate::document::PassDocument;
use crate::finding::Finding;
use crate::path::PassPath;

/// Above this many bytes of files (1 MB) a pass is flagged as large.
pub const PASS_SIZE_WARNING_BYTES: u64 = 1_000_000;

/// The bytes of every file that goes into the package (pass.json, strings tables, images).
/// The .pkpass is a little smaller (zip compresses pass.json; PNGs hardly shrink).
pub fn pass_bytes(doc: &PassDocument) -> Option<(u64, Vec<(String, u64)>)> {
    let entries = doc.package_entries().ok()?;
    let files: Vec<(String, u64)> = entries
        .into_iter()
        .map(|(path, e)| (path, e.bytes.len() as u64))
        .collect();
    Some((files.iter().map(|(_, n)| n).sum(), files))
}

pub(super) fn check(doc: &PassDocument, out: &mut Vec<Finding>) {
    let Some((total, files)) = pass_bytes(doc) else {
        return;
    };
    if total <= PASS_SIZE_WARNING_BYTES {
        return;
    }
    let Some((largest, largest_bytes)) = files.iter().max_by_key(|(_, n)| *n) else {
        return;
    };
    out.push(Finding::new(
        Code::FilePassSize,
        PassPath::file(largest.clone()),
        format!(
            "The pass is {} in all (more than {}); large passes fail as e-mail attachments and load slowly on poor networks. The largest file is {largest} ({}).",
            megabytes(total),
            megabytes(PASS_SIZE_WARNING_BYTES),
            megabytes(*largest_bytes)
        ),
        "Make the images smaller: set each slot from one picture (passmith image set) so it is rendered at the sizes Wallet uses and optimised, and remove images the style does not show.",
    ));
}

/// `1.23 MB`.
fn megabytes(bytes: u64) -> String {
    format!("{:.2} MB", bytes as f64 / 1_000_000.0)
}
