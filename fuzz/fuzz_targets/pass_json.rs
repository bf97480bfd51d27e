//! pass.json as users and generators write it: the lenient parser (comments, trailing commas,
//! a BOM), the typed model, and every validation check on the result. A document that parses
//! must also survive a save: writing it and reading it back gives the same pass.json again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use passmith_core::{PassDocument, ValidationContext, json, validate};

const NOW: i64 = 1_780_000_000;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = json::strip_lenient_syntax(text);
    }
    let Ok(pass) = json::parse_pass(data) else {
        return;
    };
    let doc = PassDocument::new(pass);
    let ctx = ValidationContext {
        now_unix: NOW,
        ..ValidationContext::default()
    };
    let _ = validate(&doc, &ctx);
    let _ = validate(&doc, &ValidationContext::default());
    let written = json::to_pretty_bytes(&doc.pass).expect("a parsed pass serializes");
    let again = json::parse_pass(&written).expect("what Passmith writes, it reads back");
    let rewritten = json::to_pretty_bytes(&again).expect("a parsed pass serializes");
    assert_eq!(
        String::from_utf8_lossy(&written),
        String::from_utf8_lossy(&rewritten),
        "saving pass.json twice must give the same file"
    );
});
