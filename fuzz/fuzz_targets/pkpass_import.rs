//! A `.pkpass` from anywhere: raw bytes through the same import the designer, the CLI and the
//! server use (zip safety checks, manifest, signature), then validation of what was opened.
//! Must never panic, hang or exhaust memory, whatever the bytes are.
#![no_main]

use libfuzzer_sys::fuzz_target;
use passmith_core::{ValidationContext, archive, validate};

/// A fixed clock keeps runs reproducible (certificate expiry depends on it).
const NOW: i64 = 1_780_000_000;

fuzz_target!(|data: &[u8]| {
    if let Ok(opened) = archive::read_pkpass(data, NOW) {
        let ctx = ValidationContext {
            now_unix: NOW,
            ..ValidationContext::default()
        };
        let _ = validate(&opened.document, &ctx);
        if let Some(report) = &opened.package {
            let _ = report.findings();
        }
        let _ = opened.document.to_files();
    }
});
