//! Lossless round trip of real-world pass.json files through the typed model: Apple's five samples
//! and the 22 passes behind the Wallet screenshots. Whatever the model does not know must come back
//! unchanged; numbers are compared by value (`1` and `1.0` are the same number to Wallet).

use std::path::PathBuf;

use passmith_core::{PassDocument, json};
use serde_json::Value;

use crate::util::fixtures;

fn pass_folders() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for sub in ["apple-samples", "wallet-screenshots"] {
        for entry in std::fs::read_dir(fixtures().join(sub)).unwrap() {
            let path = entry.unwrap().path();
            if path.join("pass.json").is_file() {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Structural equality with numbers compared as f64.
fn same(a: &Value, b: &Value, at: &str) -> Result<(), String> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) if x.as_f64() == y.as_f64() => Ok(()),
        (Value::Object(x), Value::Object(y)) => {
            for k in x.keys().chain(y.keys()) {
                match (x.get(k), y.get(k)) {
                    (Some(p), Some(q)) => same(p, q, &format!("{at}/{k}"))?,
                    _ => return Err(format!("{at}/{k} present on one side only")),
                }
            }
            Ok(())
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                same(p, q, &format!("{at}/{i}"))?;
            }
            Ok(())
        }
        _ if a == b => Ok(()),
        _ => Err(format!("{at}: {a} != {b}")),
    }
}

#[test]
fn every_real_pass_json_round_trips_losslessly() {
    let folders = pass_folders();
    assert_eq!(folders.len(), 27, "5 Apple samples + 22 screenshot passes");
    for dir in folders {
        let raw = std::fs::read_to_string(dir.join("pass.json")).unwrap();
        let original = json::parse_value(&raw, "pass.json").unwrap();
        let doc = PassDocument::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let written: Value =
            serde_json::from_slice(&json::to_pretty_bytes(&doc.pass).unwrap()).unwrap();
        if let Err(diff) = same(&original, &written, "") {
            panic!("{}: {diff}", dir.display());
        }
    }
}

#[test]
fn apple_boarding_pass_with_trailing_comma_opens() {
    let dir = fixtures().join("apple-samples/BoardingPass.pass");
    let raw = std::fs::read_to_string(dir.join("pass.json")).unwrap();
    assert!(
        serde_json::from_str::<Value>(&raw).is_err(),
        "the sample really is not strict JSON"
    );
    let doc = PassDocument::read_dir(&dir).unwrap();
    assert_eq!(doc.pass.serial_number, "gT6zrHkaW");
    assert_eq!(
        doc.pass.style(),
        Some(passmith_core::model::Style::BoardingPass)
    );
}
