//! `passmith build`, `inspect` and `bundle` end to end, with the real `openssl` binary checking
//! what was written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use passmith_testkit::json_equal;

use crate::util::{
    SAMPLES, assert_openssl_verifies, cert, copy_sample, for_test_identity, openssl_sign_keyid, os,
    passmith, samples, text, unzip, zip,
};

/// A copy of Apple's sample `name` in `dir`, with the test certificate's identifiers.
fn sample_folder(dir: &Path, name: &str) -> PathBuf {
    copy_sample(dir, name, for_test_identity)
}

fn password_file(dir: &Path, password: &str) -> PathBuf {
    let p = dir.join("password.txt");
    std::fs::write(&p, format!("{password}\n")).unwrap();
    p
}

#[test]
fn each_apple_sample_is_built_and_verifies_with_openssl() {
    let dir = tempfile::tempdir().unwrap();
    let pw = password_file(dir.path(), "test-password");
    for name in SAMPLES {
        let folder = sample_folder(dir.path(), name);
        let out_path = dir.path().join(format!("{name}.pkpass"));
        let out = passmith(os![
            "build",
            folder,
            "--cert",
            cert("test-pass.p12"),
            "--password-file",
            pw,
            "--wwdr",
            cert("test-wwdr-ca.pem"),
            "-o",
            out_path
        ]);
        let (stdout, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(0), "{name}: {stdout}\n{stderr}");
        assert!(stdout.contains("Wrote"), "{stdout}");

        let files = unzip(&std::fs::read(&out_path).unwrap());
        assert_openssl_verifies(&files, &cert("test-wwdr-ca.pem"), name);

        let manifest: BTreeMap<String, String> =
            serde_json::from_slice(&files["manifest.json"]).unwrap();
        assert_eq!(manifest.len(), files.len() - 2, "{name}");
        for (file, hash) in &manifest {
            assert_eq!(
                *hash,
                passmith_core::archive::sha1_hex(&files[file]),
                "{name}: {file}"
            );
        }

        let source_text = std::fs::read_to_string(folder.join("pass.json")).unwrap();
        let source = passmith_core::json::parse_value(&source_text, "pass.json").unwrap();
        let built: serde_json::Value = serde_json::from_slice(&files["pass.json"]).unwrap();
        assert!(
            json_equal(&built, &source),
            "{name}: pass.json is not the same pass"
        );
    }
}

#[test]
fn the_legacy_p12_and_pem_with_key_also_build() {
    let dir = tempfile::tempdir().unwrap();
    let folder = sample_folder(dir.path(), "Coupon");
    let legacy = dir.path().join("legacy.pkpass");
    let out = Command::new(env!("CARGO_BIN_EXE_passmith"))
        .args(["build"])
        .arg(&folder)
        .arg("--cert")
        .arg(cert("test-pass-legacy.p12"))
        .arg("-o")
        .arg(&legacy)
        .env("PASSMITH_CERT_PASSWORD", "test-password")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    let pem = dir.path().join("pem.pkpass");
    let out = passmith(os![
        "build",
        folder,
        "--cert",
        cert("test-pass.pem"),
        "--key",
        cert("test-pass.key"),
        "-o",
        pem
    ]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    // The bundled Apple G4 did not issue the test certificate: built, but with a warning.
    assert!(
        text(&out).1.contains("identity.intermediate_mismatch"),
        "{:?}",
        text(&out)
    );
    for p in [legacy, pem] {
        let out = passmith(os!["inspect", p]);
        assert!(
            text(&out).0.contains("Signature:    valid"),
            "{:?}",
            text(&out)
        );
    }
}

pub(crate) fn build_with(dir: &Path, cert_name: &str, password: &str) -> (Output, PathBuf) {
    build_folder(
        dir,
        &sample_folder(dir, "StoreCard"),
        &cert(cert_name),
        password,
    )
}

/// `passmith build <folder> --cert <p12> --password-file … -o dir/out.pkpass`.
fn build_folder(dir: &Path, folder: &Path, p12: &Path, password: &str) -> (Output, PathBuf) {
    let pw = password_file(dir, password);
    let out_path = dir.join("out.pkpass");
    let out = passmith(os![
        "build",
        folder,
        "--cert",
        p12,
        "--password-file",
        pw,
        "-o",
        out_path
    ]);
    (out, out_path)
}

/// A build that cannot sign exits 1, says why in words and codes, and writes nothing.
#[test]
fn a_wrong_password_an_expired_or_a_mismatched_certificate_says_so_and_writes_nothing() {
    // (certificate, password, what stderr says, what it must not say)
    let cases: [(&str, &str, &[&str], &[&str]); 3] = [
        (
            "test-pass.p12",
            "not-it",
            // Names where the password came from.
            &["password for the certificate file is wrong", "password.txt"],
            &["panicked"],
        ),
        (
            "test-expired.p12",
            "test-password",
            &["identity.expired", "expired on 2021-01-01"],
            &["wrong"],
        ),
        (
            "test-other-identity.p12",
            "test-password",
            &[
                "identity.pass_type_mismatch",
                "identity.team_mismatch",
                "pass.com.example.other",
                "does not match pass.json",
            ],
            &["expired"],
        ),
    ];
    for (cert_name, password, says, never) in cases {
        let dir = tempfile::tempdir().unwrap();
        let (out, path) = build_with(dir.path(), cert_name, password);
        let (_, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(1), "{cert_name}: {stderr}");
        for s in says {
            assert!(stderr.contains(s), "{cert_name}: no {s:?} in {stderr}");
        }
        for s in never {
            assert!(!stderr.contains(s), "{cert_name}: {s:?} in {stderr}");
        }
        assert!(!path.exists(), "{cert_name}: a file was written");
    }
}

#[test]
fn without_a_password_or_terminal_it_explains_how_to_give_one() {
    let dir = tempfile::tempdir().unwrap();
    let folder = sample_folder(dir.path(), "StoreCard");
    let out_path = dir.path().join("out.pkpass");
    let out = passmith(os![
        "build",
        folder,
        "--cert",
        cert("test-pass.p12"),
        "-o",
        out_path
    ]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("--password-file"), "{stderr}");
    assert!(stderr.contains("PASSMITH_CERT_PASSWORD"), "{stderr}");
    assert!(!out_path.exists());
}

#[test]
fn validation_errors_block_the_build() {
    let dir = tempfile::tempdir().unwrap();
    let folder = sample_folder(dir.path(), "StoreCard");
    // No icon at any density: iPhones refuse the pass (only icon@2x.png would be fine).
    std::fs::remove_file(folder.join("icon.png")).unwrap();
    std::fs::remove_file(folder.join("icon@2x.png")).unwrap();
    let (out, out_path) =
        build_folder(dir.path(), &folder, &cert("test-pass.p12"), "test-password");
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("icon.png"), "{stderr}");
    assert!(stderr.contains("was not written"), "{stderr}");
    assert!(!out_path.exists());
}

#[test]
fn unreadable_inputs_exit_2_and_a_broken_pass_json_exits_1_like_validate() {
    let dir = tempfile::tempdir().unwrap();
    let p12 = cert("test-pass.p12");
    let missing = dir.path().join("missing.pass");
    let (out, _) = build_folder(dir.path(), &missing, &p12, "test-password");
    assert_eq!(out.status.code(), Some(2), "{:?}", text(&out));

    let folder = sample_folder(dir.path(), "Coupon");
    let nope = dir.path().join("nope.p12");
    let (out, _) = build_folder(dir.path(), &folder, &nope, "test-password");
    assert_eq!(out.status.code(), Some(2), "{:?}", text(&out));

    std::fs::write(
        folder.join("pass.json"),
        "{\n  \"formatVersion\": 1,\n  \"description\" \"x\"\n}",
    )
    .unwrap();
    // A pass.json with a mistake was read: it has an error, as `validate` says (exit 1, not 2).
    let (out, out_path) = build_folder(dir.path(), &folder, &p12, "test-password");
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("line 3, column 17"), "{stderr}");
    assert!(!out_path.exists());
    let validated = passmith(os!["validate", folder]);
    assert_eq!(validated.status.code(), Some(1), "{:?}", text(&validated));
}

#[test]
fn inspect_reports_apple_samples_as_validly_signed_with_the_expired_g1() {
    for name in SAMPLES {
        let path = samples().join(format!("{name}.pkpass"));
        let out = passmith(os!["inspect", path, "--json"]);
        let (stdout, stderr) = text(&out);
        assert_ne!(out.status.code(), Some(2), "{stderr}");
        let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(v["signature"]["status"], "valid", "{name}: {v:#}");
        assert_eq!(
            v["identity"]["passTypeIdentifier"],
            "pass.com.apple.devpubs.example"
        );
        assert_eq!(v["identity"]["teamIdentifier"], "A93A5CM278");
        assert_eq!(v["manifest"]["status"], "matches");
        assert_eq!(v["intermediate"]["generation"], "G1");
        assert_eq!(v["intermediate"]["expired"], true);
        let findings = v["findings"].as_array().unwrap();
        let expired = findings
            .iter()
            .find(|f| f["code"] == "package.intermediate_expired")
            .expect("an expired-intermediate finding");
        assert_eq!(expired["severity"], "warning");
        assert!(
            findings
                .iter()
                .all(|f| !f["code"].as_str().unwrap().starts_with("package.")
                    || f["severity"] == "warning"),
            "{name}: {findings:#?}"
        );
        assert!(
            v["files"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["name"] == "pass.json")
        );

        let out = passmith(os!["inspect", path]);
        let (stdout, _) = text(&out);
        assert!(stdout.contains("Signature:    valid"), "{stdout}");
        assert!(stdout.contains("WWDR G1 (Apple), EXPIRED"), "{stdout}");
        assert!(stdout.contains("Manifest:     matches"), "{stdout}");
    }
}

#[test]
fn inspect_finds_a_tampered_pass() {
    let dir = tempfile::tempdir().unwrap();
    let (out, path) = build_with(dir.path(), "test-pass.p12", "test-password");
    assert_eq!(out.status.code(), Some(0));
    // Rewrite the package with a changed pass.json but the old manifest and signature.
    let mut files = unzip(&std::fs::read(&path).unwrap());
    let pass = String::from_utf8(files["pass.json"].clone()).unwrap();
    files.insert(
        "pass.json".into(),
        pass.replace("Organic", "Plastic").into_bytes(),
    );
    std::fs::write(
        &path,
        zip(files.iter().map(|(n, b)| (n.as_str(), b.as_slice()))),
    )
    .unwrap();

    let out = passmith(os!["inspect", path, "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["manifest"]["status"], "mismatch");
    assert_eq!(v["manifest"]["differing"], serde_json::json!(["pass.json"]));
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "package.manifest_mismatch")
        .unwrap();
    assert_eq!(f["severity"], "error");
    assert_eq!(f["path"], "pass.json");
}

/// Fixture: a StoreCard built by `passmith build`, its signature replaced by one from
/// `openssl cms -sign -keyid` (signer named by subjectKeyIdentifier, CMS version 3).
#[test]
fn a_subject_key_identifier_signature_is_valid_for_inspect_and_validate() {
    let dir = tempfile::tempdir().unwrap();
    let (out, path) = build_with(dir.path(), "test-pass.p12", "test-password");
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    let mut files = unzip(&std::fs::read(&path).unwrap());
    let signature = openssl_sign_keyid(&files["manifest.json"], true);
    files.insert("signature".into(), signature.clone());
    let write = |files: &BTreeMap<String, Vec<u8>>| {
        std::fs::write(
            &path,
            zip(files.iter().map(|(n, b)| (n.as_str(), b.as_slice()))),
        )
        .unwrap();
    };
    write(&files);
    assert_openssl_verifies(&files, &cert("test-wwdr-ca.pem"), "the -keyid fixture");

    let out = passmith(os!["inspect", path, "--json"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["signature"]["status"], "valid", "{v:#}");
    assert_eq!(
        v["identity"]["passTypeIdentifier"],
        "pass.com.example.passmith"
    );
    assert_eq!(v["manifest"]["status"], "matches");
    let out = passmith(os!["validate", "--json", path]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(!stdout.contains("\"error\""), "{stdout}");

    // The same signature with its last bit (in the RSA signature value) flipped is still damaged.
    let mut flipped = signature;
    *flipped.last_mut().unwrap() ^= 1;
    files.insert("signature".into(), flipped);
    write(&files);
    let out = passmith(os!["inspect", path, "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["signature"]["status"], "invalid", "{v:#}");
    let reason = v["signature"]["reason"].as_str().unwrap();
    assert!(reason.contains("not a valid signature"), "{reason}");
    let out = passmith(os!["validate", path]);
    assert_eq!(out.status.code(), Some(1), "{:?}", text(&out));
}

#[test]
fn inspect_refuses_a_hostile_archive_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = zip([("xx/evil.json", &b"{}"[..])]);
    for i in 0..bytes.len() - 12 {
        if &bytes[i..i + 12] == b"xx/evil.json" {
            bytes[i..i + 12].copy_from_slice(b"../evil.json");
        }
    }
    let path = dir.path().join("evil.pkpass");
    std::fs::write(&path, bytes).unwrap();
    let out = passmith(os!["inspect", path]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("tries to leave the pass folder"),
        "{stderr}"
    );
    assert!(!dir.path().parent().unwrap().join("evil.json").exists());
}

#[test]
fn bundle_packs_up_to_ten_passes() {
    let dir = tempfile::tempdir().unwrap();
    let (out, built) = build_with(dir.path(), "test-pass.p12", "test-password");
    assert_eq!(out.status.code(), Some(0));
    let apple = samples().join("Coupon.pkpass");
    let bundle = dir.path().join("all.pkpasses");
    let out = passmith(os!["bundle", "-o", bundle, built, apple]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    let inner = unzip(&std::fs::read(&bundle).unwrap());
    assert_eq!(
        inner.keys().collect::<Vec<_>>(),
        ["Coupon.pkpass", "out.pkpass"]
    );
    assert_eq!(inner["Coupon.pkpass"], std::fs::read(&apple).unwrap());

    // Eleven is one too many.
    let mut copies = Vec::new();
    for i in 0..11 {
        let p = dir.path().join(format!("p{i}.pkpass"));
        std::fs::copy(&built, &p).unwrap();
        copies.push(p);
    }
    let too_many = dir.path().join("too-many.pkpasses");
    let mut args: Vec<std::ffi::OsString> =
        vec!["bundle".into(), "-o".into(), too_many.clone().into()];
    args.extend(copies.iter().map(|p| p.clone().into_os_string()));
    let out = passmith(args);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("at most 10"), "{stderr}");
    assert!(!too_many.exists());

    // A file that is not a pass is named and not bundled.
    let junk = dir.path().join("junk.pkpass");
    std::fs::write(&junk, b"junk").unwrap();
    let out = passmith(os!["bundle", "-o", too_many, built, junk]);
    assert_eq!(out.status.code(), Some(2), "{:?}", text(&out));
    assert!(text(&out).1.contains("junk.pkpass"));
}
