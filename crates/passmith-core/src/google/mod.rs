//! Google Wallet from the same design: a pure mapping of a [`PassDocument`] to a Google Wallet
//! class and object (JSON as the Wallet REST API takes it), with a [`Finding`] for everything
//! that does not carry over.
//!
//! The style picks the Google type ([`GoogleType::for_pass`]; the user may override it), and
//! [`map`] fills the class and object: issuer name and card title, colour, the fields Apple shows
//! on the front as Google's card rows (at most 3 × 3, the rest and the back as text modules),
//! barcode, validity, state, locations, images by URL and every `pass.strings` translation as a
//! `LocalizedString`. Which fields are on the front comes from [`crate::rules`], so both wallets
//! agree on it. The "Save to Google Wallet" link is signed in [`jwt`]. This module sits below
//! the export gate, whose Google path (`prepare_google`, built on [`map`]) is the one way
//! Google output leaves the program; nothing here refers back to it. No I/O and no network
//! here: the REST calls are made by the CLI and the server.

mod content;
mod flight;
mod ids;
pub mod jwt;
pub mod oauth;
mod types;

use serde_json::Value;

use crate::document::PassDocument;
use crate::finding::Finding;

pub use ids::{class_suffix, object_suffix, sanitize_id};
pub use types::GoogleType;

/// How a field's value is shown: `(field, value as written, language) → text`. Core draws
/// nothing, so the caller gives Apple's date, number and currency styles
/// (`passmith_preview::format_field_value`).
pub type FormatValue = fn(&crate::model::Field, &str, Option<&str>) -> String;

/// What the mapping needs besides the document.
#[derive(Debug, Clone, Default)]
pub struct MapOptions {
    /// The issuer ID Google gave the account (digits).
    pub issuer_id: String,
    /// The type chosen by the user; `None` picks it from the style.
    pub type_override: Option<GoogleType>,
    /// Where the pass's images are served (`https://cdn.example.com/pass`); each image is
    /// `<base>/<file name>`. Google takes images only by public URL.
    pub image_base_url: Option<String>,
    /// The language of every text's default value (the others become `translatedValues`):
    /// `None` takes English when the pass has it, else its first language.
    pub language: Option<String>,
    /// How field values are written into text modules; `None` keeps them as written (a date
    /// as ISO 8601 text).
    pub format_value: Option<FormatValue>,
}

/// A pass as Google Wallet takes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Mapped {
    /// The type actually used (a flight or transit pass that lacks what Google needs is generic).
    pub google_type: GoogleType,
    /// `<type>Class` JSON.
    pub class: Value,
    /// `<type>Object` JSON.
    pub object: Value,
    /// What does not carry over (errors are what Google refuses).
    pub findings: Vec<Finding>,
    /// The field each text module (by id) comes from: where a click on it in a preview leads.
    pub text_module_sources: Vec<(String, crate::path::PassPath)>,
}

impl Mapped {
    /// `class.id`.
    pub fn class_id(&self) -> &str {
        self.class.get("id").and_then(Value::as_str).unwrap_or("")
    }

    /// `object.id`.
    pub fn object_id(&self) -> &str {
        self.object.get("id").and_then(Value::as_str).unwrap_or("")
    }
}

/// Maps `doc` to a Google Wallet class and object; see the module documentation.
pub fn map(doc: &PassDocument, opts: &MapOptions) -> Mapped {
    let mut findings = Vec::new();
    let ids = ids::Ids::of(doc, &opts.issuer_id, &mut findings);
    let content = content::Content::of(doc, opts, &mut findings);
    let wanted = opts
        .type_override
        .unwrap_or_else(|| GoogleType::for_pass(&doc.pass));
    let built = types::build(&content, wanted, &ids, &mut findings);
    Mapped {
        google_type: built.google_type,
        class: built.class,
        object: built.object,
        text_module_sources: built.sources,
        findings,
    }
}
