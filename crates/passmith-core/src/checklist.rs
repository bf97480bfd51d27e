//! The pre-export checklist: what people forget to change before a pass goes out. Text left as
//! the template had it, example.com addresses, the template's serial number, a field still
//! reading "LABEL"/"Value" as "+ Add" made it, and a certificate that expires before the pass's
//! last date.
//!
//! Every item is a warning with its place in the pass and how to fix it: iPhones accept such
//! passes, so the user may still export. The templates are passed in by the caller (the
//! designer has them built in), so this module knows no template of its own.

use std::collections::HashMap;

use serde_json::Value;

use crate::code::Code;
use crate::document::PassDocument;
use crate::finding::Finding;
use crate::identity::IdentitySummary;
use crate::path::PassPath;
use crate::time::{format_unix_date, parse_w3c_date};
use crate::words::quote;

/// The label "+ Add" gives a new field.
pub const NEW_FIELD_LABEL: &str = "LABEL";
/// The value "+ Add" gives a new field.
pub const NEW_FIELD_VALUE: &str = "Value";

/// Keys whose text a customer reads, so a template's wording left there ships unnoticed.
/// Labels are left out: "POINTS" or "MEMBER" are often right as they are.
const TEXT_KEYS: [&str; 6] = [
    "value",
    "attributedValue",
    "description",
    "organizationName",
    "logoText",
    "message",
];

/// Parts of an address or link that only a template or an example would have.
const PLACEHOLDERS: [&str; 7] = [
    "example.com",
    "example.org",
    "example.net",
    "@example.",
    "lorem ipsum",
    "yourcompany",
    "yourdomain",
];

/// Keys that hold identifiers rather than text: their "example" parts are checked elsewhere
/// (against the certificate).
const IDENTIFIER_KEYS: [&str; 2] = ["passTypeIdentifier", "teamIdentifier"];

/// Every checklist item for `doc`. `templates`: the documents it may have come from;
/// `certificate`: the identity it will be signed with, when known.
pub fn check(
    doc: &PassDocument,
    templates: &[PassDocument],
    certificate: Option<&IdentitySummary>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let Ok(pass) = serde_json::to_value(&doc.pass) else {
        return out;
    };
    let mut strings = Vec::new();
    walk(&pass, &mut Vec::new(), &mut strings);
    let template_strings: Vec<HashMap<Vec<String>, String>> = templates
        .iter()
        .filter_map(|t| serde_json::to_value(&t.pass).ok())
        .map(|v| {
            let mut list = Vec::new();
            walk(&v, &mut Vec::new(), &mut list);
            list.into_iter().collect()
        })
        .collect();

    for (segments, text) in &strings {
        let Some(key) = segments.last() else { continue };
        let path = || PassPath::from_segments(segments.clone());
        if segments.len() == 1 && key == "serialNumber" {
            if templates.iter().any(|t| t.pass.serial_number == *text) && !text.is_empty() {
                out.push(Finding::new(
                    Code::ChecklistTemplateSerial,
                    path(),
                    format!("The serial number {} is the template's.", quote(text)),
                    "Give each pass its own serial number, e.g. the member or order number.",
                ));
            }
            continue;
        }
        if segments.len() == 1 && IDENTIFIER_KEYS.contains(&key.as_str()) {
            continue;
        }
        if let Some(found) = placeholder_in(text) {
            out.push(Finding::new(
                Code::ChecklistPlaceholderAddress,
                path(),
                format!("{} holds a placeholder address ({found}).", quote(text)),
                "Replace it with your real address or link, or remove it.",
            ));
            continue;
        }
        if is_field(segments) {
            let new_text = (key == "label" && text == NEW_FIELD_LABEL)
                || (key == "value" && text == NEW_FIELD_VALUE);
            if new_text {
                out.push(Finding::new(
                    Code::ChecklistNewFieldText,
                    path(),
                    format!(
                        "A field still says {}, as it was when it was added.",
                        quote(text)
                    ),
                    "Type the field's real label and value, or remove the field.",
                ));
                continue;
            }
        }
        let readable = TEXT_KEYS.contains(&key.as_str()) && text.chars().any(char::is_alphabetic);
        if readable
            && template_strings
                .iter()
                .any(|t| t.get(segments) == Some(text))
        {
            out.push(Finding::new(
                Code::ChecklistTemplateText,
                path(),
                format!("{} is still the template's text.", quote(text)),
                "Write your own text here, or leave it if it is what you want.",
            ));
        }
    }

    if let Some(cert) = certificate
        && let Some(last) = last_date(doc)
        && cert.not_after < last
    {
        out.push(Finding::new(
            Code::ChecklistCertificateExpiresFirst,
            PassPath::Certificate,
            format!(
                "Your certificate {} expires on {}, before the pass's last date ({}); after that, updates to this pass cannot be signed.",
                quote(&cert.subject),
                format_unix_date(cert.not_after),
                format_unix_date(last)
            ),
            "Renew the Pass Type ID certificate at developer.apple.com before then, or choose a later one.",
        ));
    }
    out
}

/// Every string of `v` with its JSON pointer segments.
fn walk(v: &Value, at: &mut Vec<String>, out: &mut Vec<(Vec<String>, String)>) {
    match v {
        Value::String(s) => out.push((at.clone(), s.clone())),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                at.push(i.to_string());
                walk(item, at, out);
                at.pop();
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                at.push(k.clone());
                walk(item, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

/// The placeholder part of `text`, if any: one of [`PLACEHOLDERS`], or a host in the `.example`
/// top-level domain, which RFC 2606 reserves for examples (`hello@shop.example`).
fn placeholder_in(text: &str) -> Option<&'static str> {
    let lower = text.to_lowercase();
    if let Some(found) = PLACEHOLDERS.iter().find(|p| lower.contains(*p)) {
        return Some(found);
    }
    let tld = ".example";
    lower
        .match_indices(tld)
        .any(|(at, _)| {
            lower[at + tld.len()..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric() && c != '-' && c != '.')
        })
        .then_some(tld)
}

/// Inside a field list (`/storeCard/primaryFields/0/label`).
fn is_field(segments: &[String]) -> bool {
    segments.len() == 4 && segments[1].ends_with("Fields")
}

/// The pass's latest date (relevant dates and expiration), in Unix seconds.
fn last_date(doc: &PassDocument) -> Option<i64> {
    let p = &doc.pass;
    let mut dates: Vec<&str> = Vec::new();
    dates.extend(p.relevant_date.as_deref());
    dates.extend(p.expiration_date.as_deref());
    for d in p.relevant_dates.iter().flatten() {
        dates.extend(d.date.as_deref());
        dates.extend(d.relevant_date.as_deref());
        dates.extend(d.start_date.as_deref());
        dates.extend(d.end_date.as_deref());
    }
    dates
        .into_iter()
        .filter_map(|d| parse_w3c_date(d).ok())
        .max()
}
