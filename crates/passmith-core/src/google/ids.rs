//! Google Wallet ids: `issuerId.identifier`, where the identifier may hold only letters, digits,
//! `.`, `_` and `-` (Wallet API discovery document, `GenericClass.id`).
//!
//! The class is one per design (from `passTypeIdentifier`), the object one per pass (from
//! `passTypeIdentifier` and `serialNumber`), so a batch of passes from one design shares a class.

use crate::code::Code;
use crate::document::PassDocument;
use crate::finding::Finding;
use crate::path::PassPath;

/// Class and object ids of one pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ids {
    pub class_id: String,
    pub object_id: String,
}

/// `s` with every character Google does not allow in an identifier replaced by `_`.
pub fn sanitize_id(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The class identifier of a design: its pass type without the `pass.` prefix.
pub fn class_suffix(pass_type_identifier: &str) -> String {
    sanitize_id(
        pass_type_identifier
            .strip_prefix("pass.")
            .unwrap_or(pass_type_identifier),
    )
}

/// The object identifier of a pass: its class identifier and serial number.
pub fn object_suffix(pass_type_identifier: &str, serial_number: &str) -> String {
    format!(
        "{}.{}",
        class_suffix(pass_type_identifier),
        sanitize_id(serial_number)
    )
}

impl Ids {
    pub(crate) fn of(doc: &PassDocument, issuer_id: &str, findings: &mut Vec<Finding>) -> Ids {
        let pass = &doc.pass;
        if issuer_id.is_empty() || !issuer_id.bytes().all(|b| b.is_ascii_digit()) {
            findings.push(Finding::new(
                Code::GoogleIssuerId,
                PassPath::Nowhere,
                format!("The issuer ID {issuer_id:?} is not a number; Google refuses ids without its issuer ID."),
                "Copy the issuer ID (digits only) from the Google Pay & Wallet Console and pass it with --issuer-id.",
            ));
        }
        for (key, value) in [
            ("passTypeIdentifier", &pass.pass_type_identifier),
            ("serialNumber", &pass.serial_number),
        ] {
            if value.trim().is_empty() {
                findings.push(Finding::new(
                    Code::GoogleIdEmpty,
                    PassPath::key(key),
                    format!("{key} is empty, so the Google Wallet id has no identifier."),
                    format!("Fill in {key}."),
                ));
            } else if sanitize_id(value) != *value {
                findings.push(Finding::new(
                    Code::GoogleIdCharacters,
                    PassPath::key(key),
                    format!(
                        "{key} {value:?} has characters Google Wallet ids do not allow; they become _ ({:?}).",
                        sanitize_id(value)
                    ),
                    "Use only letters, digits, '.', '_' and '-' if the Google id should match.",
                ));
            }
        }
        Ids {
            class_id: format!("{issuer_id}.{}", class_suffix(&pass.pass_type_identifier)),
            object_id: format!(
                "{issuer_id}.{}",
                object_suffix(&pass.pass_type_identifier, &pass.serial_number)
            ),
        }
    }
}
