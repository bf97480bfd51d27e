//! Every input the fuzzers (`fuzz/`) found a problem with, replayed on stable Rust in the normal
//! test suite. Each file in `fuzz/regressions/<target>/` goes through the same checks as its fuzz
//! target; the named tests below also say what the finding was and what must hold now.

use std::path::{Path, PathBuf};

use passmith_core::image_header::{self, ImageProblem, PictureFormat};
use passmith_core::{PassDocument, ValidationContext, archive, json, strings, validate};

const NOW: i64 = 1_780_000_000;

fn regressions(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/regressions")
        .join(target);
    // A target without findings has no folder (git keeps no empty folders).
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out: Vec<(PathBuf, Vec<u8>)> = entries
        .map(|e| {
            let path = e.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            (path, bytes)
        })
        .collect();
    out.sort();
    out
}

fn ctx() -> ValidationContext {
    ValidationContext {
        now_unix: NOW,
        ..ValidationContext::default()
    }
}

/// What `fuzz_targets/pass_json.rs` checks.
fn pass_json(data: &[u8]) {
    let Ok(pass) = json::parse_pass(data) else {
        return;
    };
    let doc = PassDocument::new(pass);
    let _ = validate(&doc, &ctx());
    let written = json::to_pretty_bytes(&doc.pass).unwrap();
    let again = json::parse_pass(&written).unwrap();
    let rewritten = json::to_pretty_bytes(&again).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&written),
        String::from_utf8_lossy(&rewritten)
    );
}

/// What `fuzz_targets/image_header.rs` checks (its preview decode included).
fn image(data: &[u8]) {
    if let Ok(header) = image_header::read_header(data) {
        assert!(header.width > 0 && header.height > 0);
        assert!(u64::from(header.width) * u64::from(header.height) <= image_header::MAX_PIXELS);
    }
    let mut doc = PassDocument::default();
    doc.files
        .insert("icon.png".to_owned(), data.to_vec().into());
    doc.files
        .insert("fr.lproj/logo@2x.png".to_owned(), data.to_vec().into());
    let _ = validate(&doc, &ValidationContext::default());
}

/// What `fuzz_targets/pass_strings.rs` checks.
fn pass_strings(data: &[u8]) {
    let Ok(table) = strings::parse(data, "fr.lproj/pass.strings") else {
        return;
    };
    let back = strings::parse(&strings::to_utf16le_bytes(&table), "x").unwrap();
    assert_eq!(back, table);
}

/// What `fuzz_targets/pkpass_import.rs` checks (`pkpass_entries` findings are stored as the zip
/// they built).
fn pkpass(data: &[u8]) {
    if let Ok(opened) = archive::read_pkpass(data, NOW) {
        let _ = validate(&opened.document, &ctx());
        if let Some(report) = &opened.package {
            let _ = report.findings();
        }
        let _ = opened.document.to_files();
    }
}

#[test]
fn every_stored_finding_passes_its_fuzz_target_checks() {
    type Check = fn(&[u8]);
    let targets: [(&str, Check); 4] = [
        ("pass_json", pass_json),
        ("image_header", image),
        ("pass_strings", pass_strings),
        ("pkpass_import", pkpass),
    ];
    let mut replayed = 0;
    for (target, check) in targets {
        for (path, bytes) in regressions(target) {
            eprintln!("{target}: {}", path.display());
            check(&bytes);
            replayed += 1;
        }
    }
    assert!(replayed >= 3, "only {replayed} regression inputs found");
}

/// pass_json, finding 1: a latitude of `99999999999999000…554.33182` was read as a double that is
/// written `9.999999999999899e+91`, which read back as the neighbouring double and was written
/// `9.9999999999999e+91`: every save moved the value. serde_json now parses floats exactly
/// (`float_roundtrip`), so a save writes back the same number.
#[test]
fn a_saved_coordinate_reads_back_as_the_same_number() {
    for name in [
        "float-roundtrip-minimal.json",
        "float-roundtrip-latitude.json",
    ] {
        let (_, bytes) = regressions("pass_json")
            .into_iter()
            .find(|(p, _)| p.ends_with(name))
            .unwrap();
        let pass = json::parse_pass(&bytes).unwrap();
        let written = json::to_pretty_bytes(&pass).unwrap();
        let again = json::parse_pass(&written).unwrap();
        assert_eq!(again, pass, "{name}");
        assert_eq!(json::to_pretty_bytes(&again).unwrap(), written, "{name}");
    }
}

/// image_header, finding 1: a 509-byte progressive JPEG declaring 4096×4096 pixels timed out
/// (over 1 s under load) in the target's full decode: 16.7 million pixels from almost nothing.
/// Nothing in Passmith decodes JPEG, so the target now decodes only what the product decodes
/// (PNGs the preview would draw); the header read that decides about any decode stays instant
/// and exact, and within the pixel budget such a picture is a legitimate large image.
#[test]
fn a_tiny_jpeg_declaring_sixteen_megapixels_is_measured_from_its_header() {
    let (_, bytes) = regressions("image_header")
        .into_iter()
        .find(|(p, _)| p.ends_with("jpeg-4096x4096-in-509-bytes.jpg"))
        .unwrap();
    assert_eq!(bytes.len(), 509);
    let started = std::time::Instant::now();
    let header = image_header::read_header(&bytes).unwrap();
    assert!(started.elapsed() < std::time::Duration::from_millis(200));
    assert_eq!(
        (header.format, header.width, header.height),
        (PictureFormat::Jpeg, 4096, 4096)
    );
}

/// The corpus's decompression bombs (a 312-byte PNG and a 632-byte JPEG declaring 60000×60000
/// and 65500×65500 pixels) are refused from their headers, before any decoder allocates.
#[test]
fn decompression_bombs_are_refused_from_the_header() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/image_header");
    for (name, format, side) in [
        ("bomb-60000x60000.png", PictureFormat::Png, 60_000),
        ("bomb-65500x65500.jpg", PictureFormat::Jpeg, 65_500),
    ] {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        assert!(bytes.len() < 1024, "{name}");
        match image_header::read_header(&bytes) {
            Err(ImageProblem::TooLarge {
                format: f,
                width,
                height,
            }) => assert_eq!((f, width, height), (format, side, side), "{name}"),
            other => panic!("{name}: {other:?}"),
        }
    }
}
