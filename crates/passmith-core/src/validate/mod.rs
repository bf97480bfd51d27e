//! Validation: everything that can be checked about a pass without an iPhone.
//!
//! [`validate`] reads a [`PassDocument`] and returns [`Finding`]s. Errors are things that make
//! Wallet refuse the pass (or break what the designer asked for); warnings are things Wallet
//! silently ignores, crops or hides. Export refuses while there are errors.
//!
//! Every finding has a stable [`Code`] from the one registry (`crate::code`), which gives its
//! severity; the tests check that every validation code has a document that triggers it. What a
//! style shows (field counts, images, style-only keys) comes from [`crate::rules`]. The checks are
//! split by topic:
//!
//! - `keys`: required keys, identifiers, style, colours, the signing certificate;
//! - `fields`: field dictionaries, field keys, and how many fields each style shows;
//! - `barcodes`: barcodes and NFC;
//! - `relevance`: dates, locations and beacons;
//! - `web`: web service URL, authentication token, app launch URL;
//! - `images`: image files, their sizes and which style uses them, other files;
//! - `size`: the whole pass's size in bytes;
//! - `localization`: `pass.strings` tables;
//! - `typos`: unknown keys that look like misspellings of known ones.

mod barcodes;
mod fields;
mod images;
mod keys;
mod localization;
mod relevance;
mod size;
mod typos;
mod web;

pub use crate::time::{DateError, parse_w3c_date};
pub use size::{PASS_SIZE_WARNING_BYTES, pass_bytes};

use crate::code::Code;
use crate::document::PassDocument;
use crate::error::Error;
use crate::finding::Finding;
use crate::identity::IdentitySummary;
use crate::path::PassPath;
pub(crate) use crate::words::{a_style, capitalized, quote};

/// What validation needs besides the document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidationContext {
    /// The certificate that will sign the pass, when known: its pass type id, team and validity
    /// are checked against pass.json.
    pub identity: Option<IdentitySummary>,
    /// The current time, seconds since the Unix epoch. `0` (the default) means "unknown": checks
    /// that depend on the clock (certificate expiry, expired passes) are skipped, so results stay
    /// reproducible. Real exports pass the clock in with [`ValidationContext::at`].
    pub now_unix: i64,
}

impl ValidationContext {
    /// A context at `now_unix` (seconds since the Unix epoch; the caller reads the clock, see
    /// [`crate::time::now`]), without a certificate.
    pub fn at(now_unix: i64) -> ValidationContext {
        ValidationContext {
            identity: None,
            now_unix,
        }
    }

    /// The same context, checking against this signing certificate.
    pub fn with_identity(mut self, identity: IdentitySummary) -> ValidationContext {
        self.identity = Some(identity);
        self
    }

    fn clock(&self) -> Option<i64> {
        (self.now_unix > 0).then_some(self.now_unix)
    }
}

/// Checks a pass. Pure and total: never panics, whatever the document holds.
pub fn validate(doc: &PassDocument, ctx: &ValidationContext) -> Vec<Finding> {
    let mut out = Vec::new();
    keys::check(doc, ctx, &mut out);
    fields::check(doc, &mut out);
    barcodes::check(doc, &mut out);
    relevance::check(doc, ctx, &mut out);
    web::check(doc, &mut out);
    images::check(doc, &mut out);
    size::check(doc, &mut out);
    localization::check(doc, &mut out);
    typos::check(doc, &mut out);
    if let Some(line) = doc.pass_json_comment_line {
        out.push(Finding::new(
            Code::JsonComment,
            PassPath::file("pass.json"),
            format!("pass.json has a comment (line {line}). Passmith reads it, but Apple's JSON parser does not take comments."),
            "Remove the comments; saving or exporting from Passmith writes pass.json without them.",
        ));
    }
    out
}

/// The finding for an error that stopped a pass from loading, when the problem is inside the pass
/// (bad JSON, a wrong type, an unreadable pass.strings) rather than the path given.
pub fn load_error_finding(err: &Error) -> Option<Finding> {
    match err {
        Error::JsonSyntax {
            file,
            line,
            column,
            message,
        } => Some(Finding::new(
            Code::JsonSyntax,
            PassPath::file(file.clone()),
            if *line == 0 {
                format!("{file} cannot be read: {message}")
            } else {
                format!("{file} has a mistake at line {line}, column {column}: {message}")
            },
            "Open the file in a text editor and fix the spot named (a missing comma, quote or bracket is the usual cause).",
        )),
        Error::JsonType { path, message } => Some(Finding::new(
            Code::JsonType,
            PassPath::parse(path),
            format!("The value at {path} has the wrong kind of content: {message}"),
            "Write it the way Wallet expects, e.g. a barcode message as text in quotes (\"123\") rather than a number.",
        )),
        Error::Strings {
            file,
            line,
            message,
        } => Some(Finding::new(
            Code::StringsSyntax,
            PassPath::file(file.clone()),
            format!("{file} cannot be read at line {line}: {message}"),
            "Each line must look like \"text\" = \"translation\"; — check the quotes and the semicolon.",
        )),
        _ => None,
    }
}
