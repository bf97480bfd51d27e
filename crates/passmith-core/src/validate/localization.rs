//! Localization tables: Wallet looks up each text of pass.json as a key in `pass.strings`, so a
//! key that matches no text is never used — usually a typo or a text changed after translating.

use std::collections::HashSet;

use serde_json::Value;

use super::quote;
use crate::code::Code;
use crate::document::{PassDocument, STRINGS_FILE};
use crate::finding::Finding;

pub(super) fn check(doc: &PassDocument, out: &mut Vec<Finding>) {
    if doc.localizations.values().all(|t| t.entries.is_empty()) {
        return;
    }
    let Ok(json) = serde_json::to_value(&doc.pass) else {
        return;
    };
    let mut texts = HashSet::new();
    collect_strings(&json, &mut texts);
    for (lang, table) in &doc.localizations {
        let file = format!("{lang}.lproj/{STRINGS_FILE}");
        let mut reported = HashSet::new();
        for (key, _) in &table.entries {
            if texts.contains(key.as_str()) || !reported.insert(key.as_str()) {
                continue;
            }
            out.push(Finding::new(
                Code::StringsUnusedKey,
                crate::path::PassPath::file(file.clone()),
                format!("The translation for {} in {file} is never used: no text in the pass reads exactly like that.", quote(key)),
                "Check the spelling against the text in the pass (letter case and spaces count), or delete the line.",
            ));
        }
    }
}

fn collect_strings<'a>(v: &'a Value, out: &mut HashSet<&'a str>) {
    match v {
        Value::String(s) => {
            out.insert(s);
        }
        Value::Array(items) => items.iter().for_each(|i| collect_strings(i, out)),
        Value::Object(map) => map.values().for_each(|i| collect_strings(i, out)),
        _ => {}
    }
}
