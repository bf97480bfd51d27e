//! `passmith inspect` and `validate` on `.pkpasses` bundles: each pass in it is listed with its
//! signature status and validated on its own.
//!
//! Fixture, built in the test: a StoreCard made by `passmith build` with the test identity,
//! Apple's signed Coupon sample, and a copy of the StoreCard whose pass.json was changed after
//! signing, zipped together as `All.pkpasses` (what `passmith bundle` writes, but with a broken
//! pass that `bundle` would refuse).

use serde_json::Value;

use crate::cli_build::build_with;
use crate::util::{os, passmith, samples, text, unzip, zip};

/// `All.pkpasses` in `dir`: good StoreCard, Apple's Coupon, tampered StoreCard.
fn bundle_of_three(dir: &std::path::Path) -> std::path::PathBuf {
    let (out, built) = build_with(dir, "test-pass.p12", "test-password");
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    let good = std::fs::read(&built).unwrap();
    let coupon = std::fs::read(samples().join("Coupon.pkpass")).unwrap();
    let mut files = unzip(&good);
    let pass = String::from_utf8(files["pass.json"].clone()).unwrap();
    files.insert(
        "pass.json".into(),
        pass.replace("Organic", "Plastic").into_bytes(),
    );
    let tampered = zip(files.iter().map(|(n, b)| (n.as_str(), b.as_slice())));
    let path = dir.join("All.pkpasses");
    std::fs::write(
        &path,
        zip([
            ("StoreCard.pkpass", good.as_slice()),
            ("Coupon.pkpass", coupon.as_slice()),
            ("Tampered.pkpass", tampered.as_slice()),
        ]),
    )
    .unwrap();
    path
}

#[test]
fn inspect_lists_each_pass_of_a_bundle_with_its_signature() {
    let dir = tempfile::tempdir().unwrap();
    let path = bundle_of_three(dir.path());

    let out = passmith(os!["inspect", path]);
    let (stdout, stderr) = text(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the tampered pass has errors: {stderr}"
    );
    assert!(stdout.contains("3 passes"), "{stdout}");
    for (i, name) in ["StoreCard", "Coupon", "Tampered"].iter().enumerate() {
        assert!(
            stdout.contains(&format!("== Pass {} of 3: {name}.pkpass ==", i + 1)),
            "{stdout}"
        );
    }
    assert_eq!(stdout.matches("Signature:    valid").count(), 3, "{stdout}");
    assert_eq!(stdout.matches("Manifest:     DOES NOT MATCH").count(), 1);

    let out = passmith(os!["inspect", "--json", path]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["bundle"], true);
    let passes = v["passes"].as_array().unwrap();
    let names: Vec<&str> = passes.iter().map(|p| p["file"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        ["StoreCard.pkpass", "Coupon.pkpass", "Tampered.pkpass"]
    );
    assert!(passes.iter().all(|p| p["signature"]["status"] == "valid"));
    assert_eq!(
        passes[0]["identity"]["passTypeIdentifier"],
        "pass.com.example.passmith"
    );
    assert_eq!(
        passes[1]["identity"]["passTypeIdentifier"],
        "pass.com.apple.devpubs.example"
    );
    assert_eq!(passes[0]["manifest"]["status"], "matches");
    assert_eq!(passes[2]["manifest"]["status"], "mismatch");
}

#[test]
fn validate_checks_each_pass_of_a_bundle() {
    let dir = tempfile::tempdir().unwrap();
    let path = bundle_of_three(dir.path());

    let out = passmith(os!["validate", "--json", path]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    let passes = v["passes"].as_array().unwrap();
    assert_eq!(passes.len(), 3);
    let errors = |p: &Value| -> Vec<String> {
        p["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["severity"] == "error")
            .map(|f| f["code"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(errors(&passes[0]).is_empty(), "{:#}", passes[0]);
    assert!(errors(&passes[1]).is_empty(), "{:#}", passes[1]);
    assert_eq!(
        errors(&passes[2]),
        ["package.manifest_mismatch"],
        "{:#}",
        passes[2]
    );

    let out = passmith(os!["validate", path]);
    let (stdout, _) = text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout.contains("a bundle of 3 passes"), "{stdout}");
    assert!(stdout.contains("All.pkpasses/Tampered.pkpass"), "{stdout}");
    assert!(stdout.contains("[package.manifest_mismatch]"), "{stdout}");

    // A bundle with only good passes validates with exit 0.
    let good = dir.path().join("Good.pkpasses");
    let inner = unzip(&std::fs::read(&path).unwrap());
    std::fs::write(
        &good,
        zip([
            ("StoreCard.pkpass", inner["StoreCard.pkpass"].as_slice()),
            ("Coupon.pkpass", inner["Coupon.pkpass"].as_slice()),
        ]),
    )
    .unwrap();
    let out = passmith(os!["validate", good]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
}
