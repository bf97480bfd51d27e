//! `passmith validate`: exit codes 0/1/2, the readable report and the `--json` shape, on Apple's
//! sample passes (folders and signed .pkpass files) and broken copies of them.

use std::path::PathBuf;

use serde_json::Value;

use crate::util::{SAMPLES, copy_sample, run, samples, unzip, zip};

/// A copy of Apple's sample `name` in a fresh temporary folder, its pass.json rewritten by `edit`.
fn edited_sample(name: &str, edit: impl FnOnce(String) -> String) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dest = copy_sample(tmp.path(), name, edit);
    (tmp, dest)
}

fn json_findings(stdout: &str) -> Vec<Value> {
    let v: Value =
        serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"));
    let list = v.as_array().expect("a JSON array").clone();
    for f in &list {
        let obj = f.as_object().expect("each finding is an object");
        let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["code", "hint", "message", "path", "severity"], "{f}");
        assert!(
            matches!(obj["severity"].as_str(), Some("error" | "warning")),
            "{f}"
        );
        assert!(obj.values().all(Value::is_string), "{f}");
    }
    list
}

#[test]
fn apple_sample_folders_pass_with_warnings_only() {
    for name in SAMPLES {
        let path = samples().join(format!("{name}.pass"));
        let (code, stdout, stderr) = run(["validate", path.to_str().unwrap()]);
        assert_eq!(code, 0, "{name}: {stdout}{stderr}");
        assert!(stdout.contains("Warnings:"), "{name}: {stdout}");
        assert!(!stdout.contains("Errors"), "{name}: {stdout}");
        let last = stdout.trim_end().lines().last().unwrap();
        assert!(
            last.starts_with("0 errors, ") && last.ends_with(" warnings"),
            "{name}: {last}"
        );
    }
}

#[test]
fn errors_exit_1_and_are_listed_before_warnings() {
    let (_tmp, dir) = edited_sample("Coupon", |j| {
        j.replace("\"rgb(206, 140, 53)\"", "\"Black\"")
            .replace("\"Paw Planet Coupon\"", "\"\"")
    });
    let (code, stdout, _) = run(["validate", dir.to_str().unwrap()]);
    assert_eq!(code, 1, "{stdout}");
    let errors_at = stdout.find("Errors").unwrap();
    let warnings_at = stdout.find("Warnings:").unwrap();
    assert!(errors_at < warnings_at, "{stdout}");
    let color = stdout
        .find("/backgroundColor  [color.format]")
        .expect("colour finding");
    assert!(
        stdout.find("/description  [pass.required]").is_some(),
        "{stdout}"
    );
    assert!(color < warnings_at, "{stdout}");
    assert!(
        stdout.contains("Fix: Write it as rgb(0, 0, 0)."),
        "{stdout}"
    );
    // Coupon's own warnings: logo too large, @2x logo not twice the @1x, no @3x icon and logo,
    // a lone dateStyle.
    assert_eq!(
        stdout.trim_end().lines().last().unwrap(),
        "2 errors, 5 warnings"
    );
}

#[test]
fn a_pass_json_path_means_its_folder() {
    let path = samples().join("Coupon.pass/pass.json");
    let (code, stdout, stderr) = run(["validate", "--json", path.to_str().unwrap()]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    // The folder's images were found: only their warnings, no missing icon.
    let list = json_findings(&stdout);
    assert!(list.iter().any(|f| f["path"] == "logo@3x.png"), "{stdout}");
    assert!(
        !list.iter().any(|f| f["code"] == "image.icon_missing"),
        "{stdout}"
    );
}

#[test]
fn json_output_is_an_array_of_findings() {
    let (_tmp, dir) = edited_sample("Generic", |j| j.replace("\"8j23fm3\"", "\"\""));
    let (code, stdout, _) = run(["validate", "--json", dir.to_str().unwrap()]);
    assert_eq!(code, 1);
    let list = json_findings(&stdout);
    let required: Vec<&Value> = list
        .iter()
        .filter(|f| f["code"] == "pass.required")
        .collect();
    assert_eq!(required.len(), 1, "{stdout}");
    assert_eq!(required[0]["path"], "/serialNumber");
    assert_eq!(required[0]["severity"], "error");
    assert!(
        list.iter()
            .any(|f| f["code"] == "field.date_style_pair" && f["severity"] == "warning")
    );

    // A clean pass prints an array too.
    let (code, stdout, _) = run([
        "validate",
        "--json",
        samples().join("Event.pass").to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    assert!(
        json_findings(&stdout)
            .iter()
            .all(|f| f["severity"] == "warning")
    );
}

#[test]
fn broken_pass_json_is_a_finding_with_line_and_column() {
    let (_tmp, dir) = edited_sample("StoreCard", |j| {
        j.replacen(
            "\"serialNumber\" : \"p69f2J\",",
            "\"serialNumber\" : \"p69f2J\"",
            1,
        )
    });
    let (code, stdout, _) = run(["validate", dir.to_str().unwrap()]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("[json.syntax]"), "{stdout}");
    assert!(stdout.contains("line 5, column 3"), "{stdout}");

    let (_tmp, dir) = edited_sample("StoreCard", |j| {
        j.replace("\"message\" : \"123456789\"", "\"message\" : 123456789")
    });
    let (code, stdout, _) = run(["validate", "--json", dir.to_str().unwrap()]);
    assert_eq!(code, 1, "{stdout}");
    let list = json_findings(&stdout);
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["code"], "json.type");
    assert_eq!(list[0]["path"], "/barcode/message");
}

#[test]
fn unreadable_input_exits_2_with_a_clear_message() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("Nope.pass");
    let (code, stdout, stderr) = run(["validate", missing.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(stderr.contains("does not exist"), "{stderr}");

    let empty = tmp.path().join("Empty.pass");
    std::fs::create_dir(&empty).unwrap();
    let (code, _, stderr) = run(["validate", "--json", empty.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("pass.json"), "{stderr}");

    let text = tmp.path().join("notes.pkpass");
    std::fs::write(&text, "just some text").unwrap();
    let (code, _, stderr) = run(["validate", text.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("not a .pkpass"), "{stderr}");
}

#[test]
fn hostile_pkpass_is_refused_with_exit_2() {
    let bytes = zip([("pass.json", &b"{}"[..]), ("../../evil.png", &b"x"[..])]);
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("Evil.pkpass");
    std::fs::write(&path, bytes).unwrap();
    let (code, stdout, stderr) = run(["validate", path.to_str().unwrap()]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(stderr.contains("evil.png"), "{stderr}");
    assert!(!tmp.path().parent().unwrap().join("evil.png").exists());
}

#[test]
fn apple_signed_pkpass_files_validate() {
    for name in SAMPLES {
        let path = samples().join(format!("{name}.pkpass"));
        let (code, stdout, stderr) = run(["validate", "--json", path.to_str().unwrap()]);
        assert_eq!(code, 0, "{name}: {stdout}{stderr}");
        let list = json_findings(&stdout);
        // Apple's signatures still verify; only the expired G1 intermediate is worth a warning.
        assert!(
            list.iter().all(|f| f["severity"] == "warning"),
            "{name}: {stdout}"
        );
        assert!(
            list.iter().any(|f| f["path"] == "signature"),
            "{name}: {stdout}"
        );
    }
}

#[test]
fn tampered_pkpass_exits_1() {
    // Change pass.json inside Apple's signed Coupon without updating manifest.json.
    let original = std::fs::read(samples().join("Coupon.pkpass")).unwrap();
    let mut files = unzip(&original);
    let pass = String::from_utf8(files["pass.json"].clone()).unwrap();
    files.insert(
        "pass.json".into(),
        pass.replace("20% off", "90% off").into_bytes(),
    );
    let bytes = zip(files.iter().map(|(n, b)| (n.as_str(), b.as_slice())));
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("Tampered.pkpass");
    std::fs::write(&path, bytes).unwrap();
    let (code, stdout, stderr) = run(["validate", "--json", path.to_str().unwrap()]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    let list = json_findings(&stdout);
    assert!(
        list.iter()
            .any(|f| f["severity"] == "error" && f["path"] == "pass.json"),
        "{stdout}"
    );
}

/// One exit-code rule for both commands (README): 0 read and no errors, 1 errors (a broken
/// pass.json included), 2 unreadable. Fixtures: Apple's signed Coupon, a copy with pass.json
/// made invalid JSON inside the archive, and a zip with a path-traversal entry.
#[test]
fn inspect_and_validate_agree_on_exit_codes() {
    let tmp = tempfile::tempdir().unwrap();
    let original = std::fs::read(samples().join("Coupon.pkpass")).unwrap();
    let mut files = unzip(&original);
    files.insert("pass.json".into(), b"{ \"formatVersion\": 1, ".to_vec());
    let broken = tmp.path().join("Broken.pkpass");
    std::fs::write(
        &broken,
        zip(files.iter().map(|(n, b)| (n.as_str(), b.as_slice()))),
    )
    .unwrap();
    let hostile = tmp.path().join("Hostile.pkpass");
    // Written as xx/ and patched, as a zip writer refuses to write ../ itself.
    let mut bytes = zip([("xx/evil.json", &b"{}"[..])]);
    for i in 0..bytes.len() - 12 {
        if &bytes[i..i + 12] == b"xx/evil.json" {
            bytes[i..i + 12].copy_from_slice(b"../evil.json");
        }
    }
    std::fs::write(&hostile, bytes).unwrap();
    let good = samples().join("Coupon.pkpass");
    for (path, expected) in [(&good, 0), (&broken, 1), (&hostile, 2)] {
        let p = path.to_str().unwrap();
        let (validate, out, err) = run(["validate", p]);
        assert_eq!(validate, expected, "validate {p}: {out}{err}");
        let (inspect, out, err) = run(["inspect", p]);
        assert_eq!(inspect, expected, "inspect {p}: {out}{err}");
    }
}
