//! Validation: everything that can be checked about a pass without an iPhone.
//!
//! [`validate`] reads a [`PassDocument`] and returns [`Finding`]s. Errors are things that make
//! Wallet refuse the pass (or break what the designer asked for); warnings are things Wallet
//! silently ignores, crops or hides. Export refuses while there are errors.
//!
//! Every finding has a stable code listed in [`CODES`] with its severity — the table is the single
//! source of truth: findings take their severity from it, and the tests check that every code has
//! a document that triggers it. The checks are split by topic:
//!
//! - `keys`: required keys, identifiers, style, colours, the signing certificate;
//! - `fields`: field dictionaries, field keys, and how many fields each style shows;
//! - `barcodes`: barcodes and NFC;
//! - `relevance`: dates, locations and beacons;
//! - `web`: web service URL, authentication token, app launch URL;
//! - `images`: image files, their sizes and which style uses them, other files;
//! - `localization`: `pass.strings` tables;
//! - `typos`: unknown keys that look like misspellings of known ones.

mod barcodes;
mod dates;
mod fields;
mod images;
mod keys;
mod localization;
mod relevance;
mod typos;
mod web;

pub use dates::{DateError, parse_w3c_date};

use crate::document::PassDocument;
use crate::error::Error;
use crate::finding::{Finding, Severity};
use crate::identity::IdentitySummary;

/// What validation needs besides the document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidationContext {
    /// The certificate that will sign the pass, when known: its pass type id, team and validity
    /// are checked against pass.json.
    pub identity: Option<IdentitySummary>,
    /// The current time, seconds since the Unix epoch. `0` (the default) means "unknown": checks
    /// that depend on the clock (certificate expiry, expired passes) are skipped, so results stay
    /// reproducible. Use [`ValidationContext::now`] for real exports.
    pub now_unix: i64,
}

impl ValidationContext {
    /// A context at the current system time, without a certificate.
    pub fn now() -> ValidationContext {
        let now_unix = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            .unwrap_or(0);
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

/// One validation code: its severity and what it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeInfo {
    pub code: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
}

const fn e(code: &'static str, summary: &'static str) -> CodeInfo {
    CodeInfo {
        code,
        severity: Severity::Error,
        summary,
    }
}

const fn w(code: &'static str, summary: &'static str) -> CodeInfo {
    CodeInfo {
        code,
        severity: Severity::Warning,
        summary,
    }
}

/// Every code validation can report, with its severity. Docs and tests are checked against it.
pub const CODES: &[CodeInfo] = &[
    // Reading the pass (reported by `load_error_finding`).
    e(
        "json.syntax",
        "pass.json is not valid JSON (line and column given)",
    ),
    e(
        "json.type",
        "a pass.json value has the wrong type (e.g. a number where text is needed)",
    ),
    e("strings.syntax", "a pass.strings file cannot be read"),
    // keys
    e(
        "pass.required",
        "a required top-level key is missing or empty",
    ),
    e("pass.format_version", "formatVersion is not 1"),
    e(
        "pass.type_identifier",
        "passTypeIdentifier is not of the form pass.com.example.name",
    ),
    w(
        "pass.team_identifier",
        "teamIdentifier does not look like a 10-character Apple team ID",
    ),
    e(
        "pass.style_missing",
        "no pass style (boardingPass, coupon, eventTicket, generic, storeCard)",
    ),
    e("pass.style_multiple", "more than one pass style"),
    w(
        "pass.grouping_ignored",
        "groupingIdentifier on a style that does not group",
    ),
    e(
        "color.format",
        "a colour is not rgb(r, g, b) with numbers 0–255",
    ),
    w(
        "color.hex",
        "a hex colour, which is written as rgb(r, g, b) on export",
    ),
    e(
        "identity.pass_type_mismatch",
        "the certificate is for another pass type ID",
    ),
    e(
        "identity.team_mismatch",
        "the certificate belongs to another team",
    ),
    e("identity.expired", "the certificate has expired"),
    e("identity.not_yet_valid", "the certificate is not valid yet"),
    w(
        "identity.expiring",
        "the certificate expires within 30 days",
    ),
    // relevance
    e(
        "date.format",
        "a date is not a W3C date-time with a time zone and whole seconds",
    ),
    e(
        "date.end_missing",
        "a relevantDates interval has a startDate but no endDate",
    ),
    e(
        "date.entry_empty",
        "a relevantDates entry has neither date nor startDate",
    ),
    e(
        "date.range",
        "a relevantDates interval ends before it starts",
    ),
    w("date.expired", "expirationDate is in the past"),
    w("location.too_many", "more than 10 locations"),
    e("location.latitude", "a latitude outside -90…90"),
    e("location.longitude", "a longitude outside -180…180"),
    e("location.max_distance", "maxDistance is negative"),
    w("beacon.too_many", "more than 10 beacons"),
    e("beacon.uuid", "a beacon proximityUUID is not a UUID"),
    e(
        "beacon.major_minor",
        "a beacon major or minor outside 0…65535",
    ),
    // web
    e(
        "web.token_short",
        "authenticationToken is shorter than 16 characters",
    ),
    e(
        "web.token_missing",
        "webServiceURL without authenticationToken",
    ),
    e(
        "web.url_missing",
        "authenticationToken without webServiceURL",
    ),
    w("web.url_http", "webServiceURL uses http instead of https"),
    e("web.url_invalid", "webServiceURL is not a web address"),
    e(
        "web.app_launch_store_id",
        "appLaunchURL without associatedStoreIdentifiers",
    ),
    // fields
    e(
        "enum.unknown",
        "a value that must be one of Apple's listed options is spelled differently",
    ),
    e(
        "style.transit_type_missing",
        "a boarding pass without transitType",
    ),
    e(
        "style.transit_type_not_allowed",
        "transitType on a style other than boarding pass",
    ),
    e("field.key_missing", "a field without a key"),
    e("field.key_duplicate", "two fields share a key"),
    w("field.change_message", "changeMessage without %@"),
    w(
        "field.alignment_ignored",
        "textAlignment on a primary or back field",
    ),
    w(
        "field.date_style_pair",
        "dateStyle without timeStyle or the other way round",
    ),
    e(
        "field.number_format_on_text",
        "numberStyle or currencyCode on a value that is not a number",
    ),
    e(
        "field.currency_code",
        "currencyCode is not a three-letter ISO 4217 code",
    ),
    e(
        "field.row_not_allowed",
        "row outside event-ticket auxiliary fields",
    ),
    e("field.row_value", "row is not 0 or 1"),
    w(
        "field.data_detectors_ignored",
        "dataDetectorTypes on a field that is not a back field",
    ),
    w(
        "layout.too_many_fields",
        "more fields than the style shows; the extra ones are hidden",
    ),
    // barcodes and NFC
    e("barcode.format_missing", "a barcode without format"),
    e("barcode.message_missing", "a barcode without message"),
    e(
        "barcode.encoding_missing",
        "a barcode without messageEncoding",
    ),
    w(
        "barcode.encoding_unknown",
        "a messageEncoding Passmith does not know",
    ),
    e(
        "barcode.unencodable",
        "the message has characters its messageEncoding cannot hold",
    ),
    e(
        "barcode.code128_charset",
        "a Code 128 message with characters outside ASCII",
    ),
    e(
        "barcode.legacy_code128",
        "Code 128 in the legacy barcode key",
    ),
    e("nfc.message_missing", "an nfc dictionary without message"),
    e(
        "nfc.message_too_long",
        "an NFC message longer than 64 bytes",
    ),
    e(
        "nfc.public_key_missing",
        "an nfc dictionary without encryptionPublicKey",
    ),
    // images and files
    e("image.icon_missing", "no icon.png"),
    e(
        "image.icon_case",
        "the icon file name is not exactly icon.png",
    ),
    w(
        "image.name_case",
        "an image file name in the wrong letter case",
    ),
    e(
        "image.not_png",
        "a .png file that is not a readable PNG image",
    ),
    w("image.unused", "an image the pass style does not show"),
    w(
        "image.strip_and_background",
        "an event ticket with a strip and a background or thumbnail",
    ),
    w(
        "image.too_large",
        "an image larger than the space Wallet gives it",
    ),
    w(
        "image.density_mismatch",
        "an @2x or @3x image that is not 2 or 3 times the size of the @1x one",
    ),
    w(
        "image.missing_density",
        "an image without its @2x or @3x version",
    ),
    w(
        "image.thumbnail_aspect",
        "a thumbnail outside 2:3…3:2, which Wallet crops",
    ),
    w("file.unknown", "a file Wallet does not use"),
    // localization
    w(
        "strings.unused_key",
        "a pass.strings key that appears nowhere in pass.json",
    ),
    // misspellings
    w(
        "key.misspelled",
        "an unknown key one or two letters away from a key Wallet knows",
    ),
];

/// The table entry of `code`.
pub fn code_info(code: &str) -> Option<&'static CodeInfo> {
    CODES.iter().find(|c| c.code == code)
}

/// Builds a finding whose severity comes from [`CODES`].
pub(crate) fn finding(
    code: &str,
    path: impl Into<String>,
    message: impl Into<String>,
    hint: impl Into<String>,
) -> Finding {
    // An unlisted code is a programming mistake; reporting it as an error keeps it visible.
    let severity = code_info(code).map_or(Severity::Error, |c| c.severity);
    Finding {
        severity,
        code: code.to_owned(),
        path: path.into(),
        message: message.into(),
        hint: hint.into(),
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
    localization::check(doc, &mut out);
    typos::check(doc, &mut out);
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
        } => Some(finding(
            "json.syntax",
            file.clone(),
            if *line == 0 {
                format!("{file} cannot be read: {message}")
            } else {
                format!("{file} has a mistake at line {line}, column {column}: {message}")
            },
            "Open the file in a text editor and fix the spot named (a missing comma, quote or bracket is the usual cause).",
        )),
        Error::JsonType { path, message } => Some(finding(
            "json.type",
            path.clone(),
            format!("The value at {path} has the wrong kind of content: {message}"),
            "Write it the way Wallet expects, e.g. a barcode message as text in quotes (\"123\") rather than a number.",
        )),
        Error::Strings {
            file,
            line,
            message,
        } => Some(finding(
            "strings.syntax",
            file.clone(),
            format!("{file} cannot be read at line {line}: {message}"),
            "Each line must look like \"text\" = \"translation\"; — check the quotes and the semicolon.",
        )),
        _ => None,
    }
}

/// Capitalises the first letter, for messages that start with a name (“the field …”).
pub(crate) fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// “a store card”, “an event ticket”: a style named inside a sentence.
pub(crate) fn a_style(style: crate::model::Style) -> &'static str {
    use crate::model::Style;
    match style {
        Style::BoardingPass => "a boarding pass",
        Style::Coupon => "a coupon",
        Style::EventTicket => "an event ticket",
        Style::Generic => "a generic pass",
        Style::StoreCard => "a store card",
    }
}

/// A JSON pointer from path segments, escaping `~` and `/` as RFC 6901 requires.
pub(crate) fn pointer<I, S>(segments: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut out = String::new();
    for seg in segments {
        out.push('/');
        out.push_str(&seg.as_ref().replace('~', "~0").replace('/', "~1"));
    }
    out
}

/// A value shown in a message, shortened so one long value cannot flood the report.
pub(crate) fn quote(s: &str) -> String {
    const MAX: usize = 60;
    if s.chars().count() > MAX {
        let short: String = s.chars().take(MAX).collect();
        format!("“{short}…”")
    } else {
        format!("“{s}”")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_dotted() {
        for (i, c) in CODES.iter().enumerate() {
            assert!(c.code.contains('.'), "{}", c.code);
            assert!(
                CODES[..i].iter().all(|o| o.code != c.code),
                "duplicate {}",
                c.code
            );
        }
    }

    #[test]
    fn capitals_and_articles() {
        assert_eq!(capitalized("the field “a”"), "The field “a”");
        assert_eq!(capitalized("élan"), "Élan");
        assert_eq!(capitalized(""), "");
        assert_eq!(a_style(crate::model::Style::EventTicket), "an event ticket");
    }

    /// Every literal code passed to `finding` in the validation sources is listed, so a code can
    /// never get the fallback severity by a typo.
    #[test]
    fn every_code_in_the_sources_is_listed() {
        let sources = [
            include_str!("mod.rs"),
            include_str!("keys.rs"),
            include_str!("fields.rs"),
            include_str!("barcodes.rs"),
            include_str!("relevance.rs"),
            include_str!("web.rs"),
            include_str!("images.rs"),
            include_str!("localization.rs"),
            include_str!("typos.rs"),
        ];
        let mut seen = 0;
        for src in sources {
            // Test modules call `finding` with made-up arguments; only the checks count.
            let src = src.split("#[cfg(test)]").next().unwrap_or(src);
            for (i, _) in src.match_indices("finding(") {
                let rest = src[i + "finding(".len()..].trim_start();
                let Some(lit) = rest.strip_prefix('"') else {
                    continue;
                };
                let Some(end) = lit.find('"') else { continue };
                let code = &lit[..end];
                assert!(
                    code_info(code).is_some(),
                    "{code} is used but not listed in CODES"
                );
                seen += 1;
            }
        }
        assert!(seen > 50, "only {seen} codes found in the sources");
    }

    #[test]
    fn pointers_escape_keys() {
        assert_eq!(pointer(["a/b", "c~d", "0"]), "/a~1b/c~0d/0");
    }

    #[test]
    fn findings_take_severity_from_the_table() {
        assert_eq!(
            finding("color.hex", "/x", "m", "h").severity,
            Severity::Warning
        );
        assert_eq!(
            finding("color.format", "/x", "m", "h").severity,
            Severity::Error
        );
    }
}
