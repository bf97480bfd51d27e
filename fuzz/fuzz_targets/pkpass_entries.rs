//! A well-formed zip with hostile contents: the fuzzer picks the entries (names Wallet knows or
//! any name, any bytes, stored or deflated) and whether manifest.json matches them, so the
//! manifest check, the PKCS#7 signature parser and the document reader are reached far more
//! often than random bytes ever pass the zip container.
#![no_main]

use std::io::Write;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use passmith_core::archive;

const NOW: i64 = 1_780_000_000;

#[derive(Debug, Arbitrary)]
enum Name {
    PassJson,
    Manifest,
    Signature,
    Icon,
    Strings,
    LocalizedLogo,
    Other(String),
}

impl Name {
    fn as_str(&self) -> &str {
        match self {
            Name::PassJson => "pass.json",
            Name::Manifest => "manifest.json",
            Name::Signature => "signature",
            Name::Icon => "icon.png",
            Name::Strings => "fr.lproj/pass.strings",
            Name::LocalizedLogo => "fr.lproj/logo@2x.png",
            Name::Other(s) => s,
        }
    }
}

#[derive(Debug, Arbitrary)]
struct Input {
    entries: Vec<(Name, bool, Vec<u8>)>,
    /// Add a manifest.json listing the SHA-1 of every entry (unless one was given).
    matching_manifest: bool,
}

fuzz_target!(|input: Input| {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let mut manifest = serde_json::Map::new();
    for (name, deflate, bytes) in &input.entries {
        let method = if *deflate {
            zip::CompressionMethod::Deflated
        } else {
            zip::CompressionMethod::Stored
        };
        let options = zip::write::SimpleFileOptions::default().compression_method(method);
        if zip.start_file(name.as_str(), options).is_err() || zip.write_all(bytes).is_err() {
            return;
        }
        manifest.insert(
            name.as_str().to_owned(),
            serde_json::Value::String(archive::sha1_hex(bytes)),
        );
    }
    let has_manifest = input
        .entries
        .iter()
        .any(|(n, _, _)| n.as_str() == "manifest.json");
    if input.matching_manifest && !has_manifest {
        let options = zip::write::SimpleFileOptions::default();
        let Ok(text) = serde_json::to_vec(&manifest) else {
            return;
        };
        if zip.start_file("manifest.json", options).is_err() || zip.write_all(&text).is_err() {
            return;
        }
    }
    let Ok(cursor) = zip.finish() else { return };
    if let Ok(opened) = archive::read_pkpass(cursor.get_ref(), NOW) {
        if let Some(report) = &opened.package {
            let _ = report.findings();
        }
    }
});
