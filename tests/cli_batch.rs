//! `passmith batch`: a design and a CSV make one signed pass per row. Checked with openssl (each
//! signature), with the manifests' SHA-1s recomputed here, and with the row's values read back
//! out of each pass.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sha1::Digest as _;

use crate::util::{
    batch_design as design, cert, cert_password_file as password_file, os, run, unzip,
};

/// A CSV of `rows` rows: serial, barcode, name; `blank` (1-based row) has an empty name.
fn members_csv(dir: &Path, rows: usize, blank: Option<usize>) -> PathBuf {
    let mut text = String::from("serialNumber,barcode,name\n");
    for i in 1..=rows {
        let name = if Some(i) == blank {
            String::new()
        } else {
            format!("Member {i}")
        };
        text.push_str(&format!("SN-{i:05},{:012},{name}\n", 900_000 + i));
    }
    let p = dir.join("members.csv");
    std::fs::write(&p, text).unwrap();
    p
}

fn batch_args(dir: &Path, csv: &Path, out: &Path) -> Vec<std::ffi::OsString> {
    os![
        "batch",
        design(dir),
        "--csv",
        csv,
        "--cert",
        cert("test-pass.p12"),
        "--password-file",
        password_file(dir),
        "--wwdr",
        cert("test-wwdr-ca.pem"),
        "-o",
        out
    ]
    .iter()
    .map(|s| s.to_os_string())
    .collect()
}

fn pkpasses(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pkpass"))
        .collect();
    out.sort();
    out
}

fn pass_json(files: &BTreeMap<String, Vec<u8>>) -> serde_json::Value {
    serde_json::from_slice(&files["pass.json"]).unwrap()
}

/// openssl verifies the signature over manifest.json, and manifest.json lists the SHA-1 of
/// every other file in the package.
fn assert_package_verifies(files: &BTreeMap<String, Vec<u8>>, what: &str) {
    crate::util::assert_openssl_verifies(files, &cert("test-wwdr-ca.pem"), what);
    let manifest: BTreeMap<String, String> =
        serde_json::from_slice(&files["manifest.json"]).unwrap();
    let hashed: BTreeMap<String, String> = files
        .iter()
        .filter(|(name, _)| *name != "manifest.json" && *name != "signature")
        .map(|(name, bytes)| (name.clone(), hex::encode(sha1::Sha1::digest(bytes))))
        .collect();
    assert_eq!(
        manifest, hashed,
        "{what}: manifest.json does not match the files"
    );
}

#[test]
fn a_thousand_rows_make_a_thousand_verified_passes_each_with_its_own_values() {
    let dir = tempfile::tempdir().unwrap();
    let csv = members_csv(dir.path(), 1000, None);
    let out = dir.path().join("out");
    let mut args = batch_args(dir.path(), &csv, &out);
    args.push("--json".into());
    let (code, stdout, stderr) = run(&args);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let summary: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(summary["written"], 1000, "{summary}");
    assert_eq!(summary["failed"], serde_json::json!([]));

    let files = pkpasses(&out);
    assert_eq!(files.len(), 1000);
    let mut serials = HashSet::new();
    let mut tokens = HashSet::new();
    let mut by_serial = BTreeMap::new();
    for path in &files {
        let entries = unzip(&std::fs::read(path).unwrap());
        assert_package_verifies(&entries, &path.display().to_string());
        let pass = pass_json(&entries);
        let serial = pass["serialNumber"].as_str().unwrap().to_owned();
        let i: usize = serial.trim_start_matches("SN-").parse().unwrap();
        assert_eq!(
            path.file_name().unwrap().to_string_lossy(),
            format!("{serial}.pkpass")
        );
        let barcode = pass["barcode"]["message"].as_str().unwrap();
        assert_eq!(barcode, format!("{:012}", 900_000 + i), "{serial}");
        let aux = &pass["storeCard"]["auxiliaryFields"][0];
        assert_eq!(aux["value"], format!("Member {i}"), "{serial}");
        // The design's shared image is the same in every pass.
        assert_eq!(entries["strip@2x.png"].len(), 196_217);
        let token = pass["authenticationToken"].as_str().unwrap().to_owned();
        assert!(token.len() >= 16, "{token}");
        assert!(serials.insert(serial.clone()), "serial {serial} twice");
        assert!(tokens.insert(token.clone()), "token {token} twice");
        by_serial.insert(serial, token);
    }

    // manifest.csv: one line per pass, with its file, token and the input columns.
    let mut reader = csv::Reader::from_path(out.join("manifest.csv")).unwrap();
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        header,
        [
            "row",
            "serial",
            "file",
            "token",
            "serialNumber",
            "barcode",
            "name"
        ]
    );
    let mut lines = 0;
    for record in reader.records() {
        let record = record.unwrap();
        let serial = &record[1];
        assert_eq!(&record[2], format!("{serial}.pkpass"));
        assert_eq!(by_serial[serial], &record[3], "{serial}");
        assert_eq!(&record[4], serial);
        lines += 1;
    }
    assert_eq!(lines, 1000);
}

#[test]
fn a_row_with_a_missing_value_is_reported_by_line_and_the_others_are_written() {
    let dir = tempfile::tempdir().unwrap();
    // Data row 6 is line 7 of the file (the header is line 1).
    let csv = members_csv(dir.path(), 12, Some(6));
    let out = dir.path().join("out");
    let mut args = batch_args(dir.path(), &csv, &out);
    args.push("--json".into());
    let (code, stdout, stderr) = run(&args);
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    let summary: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(summary["written"], 11);
    let failed = summary["failed"].as_array().unwrap();
    assert_eq!(failed.len(), 1, "{summary}");
    assert_eq!(failed[0]["line"], 7);
    assert_eq!(failed[0]["row"], 6);
    assert_eq!(failed[0]["column"], "name");
    assert!(
        failed[0]["reason"].as_str().unwrap().contains("empty"),
        "{summary}"
    );
    assert_eq!(pkpasses(&out).len(), 11);
    assert!(!out.join("SN-00006.pkpass").exists());

    // Without --json the line is named on stderr for a person.
    let (code, _, stderr) = run(batch_args(dir.path(), &csv, &dir.path().join("out2")));
    assert_eq!(code, 1);
    assert!(stderr.contains("line 7, column \"name\""), "{stderr}");
}

#[test]
fn a_placeholder_without_a_column_stops_the_batch_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("short.csv");
    std::fs::write(&csv, "serialNumber,barcode\nA,1\n").unwrap();
    let out = dir.path().join("out");
    let (code, _, stderr) = run(batch_args(dir.path(), &csv, &out));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("{{name}}") && stderr.contains("no column \"name\""),
        "{stderr}"
    );
    assert!(!out.exists() || pkpasses(&out).is_empty());
}

#[test]
fn ctrl_c_leaves_only_whole_passes_and_resume_finishes_without_redoing_them() {
    let dir = tempfile::tempdir().unwrap();
    let rows = 3000;
    let csv = members_csv(dir.path(), rows, None);
    let out = dir.path().join("out");
    let mut args = batch_args(dir.path(), &csv, &out);
    args.extend(["--jobs".into(), "1".into()]);
    let child = Command::new(env!("CARGO_BIN_EXE_passmith"))
        .args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while out.read_dir().map_or(0, |d| d.count()) < 20 {
        assert!(Instant::now() < deadline, "the batch never got going");
        std::thread::sleep(Duration::from_millis(20));
    }
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("--resume"), "{stdout}");

    // Only whole passes: every .pkpass verifies, and no temporary is left.
    let done = pkpasses(&out);
    assert!(
        done.len() >= 20 && done.len() < rows,
        "{} of {rows} written",
        done.len()
    );
    for path in &done {
        let entries = unzip(&std::fs::read(path).unwrap());
        assert_package_verifies(&entries, &path.display().to_string());
    }
    let others: Vec<String> = out
        .read_dir()
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".pkpass") && n != "manifest.csv")
        .collect();
    assert_eq!(others, Vec::<String>::new());

    // --resume writes the rest and keeps the finished ones as they were.
    let before: BTreeMap<PathBuf, Vec<u8>> = done
        .iter()
        .map(|p| (p.clone(), std::fs::read(p).unwrap()))
        .collect();
    let mut args = batch_args(dir.path(), &csv, &out);
    args.extend(["--resume".into(), "--json".into()]);
    let (code, stdout, stderr) = run(&args);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let summary: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(summary["resumed"], done.len(), "{summary}");
    assert_eq!(summary["written"], rows - done.len(), "{summary}");
    assert_eq!(pkpasses(&out).len(), rows);
    for (path, bytes) in &before {
        assert_eq!(
            &std::fs::read(path).unwrap(),
            bytes,
            "{} was rewritten",
            path.display()
        );
    }
    let manifest = std::fs::read_to_string(out.join("manifest.csv")).unwrap();
    assert_eq!(manifest.lines().count(), rows + 1);
}

#[test]
fn upload_sends_every_written_pass_to_a_real_server() {
    let dir = tempfile::tempdir().unwrap();
    let key = "batch-upload-key-0123";
    let test_server = crate::util::start_server(dir.path(), key);
    let (server, key_file) = (test_server.url.clone(), test_server.key_file.clone());

    let csv = members_csv(dir.path(), 5, None);
    let mut args = batch_args(dir.path(), &csv, &dir.path().join("out"));
    args.extend(
        os![
            "--upload",
            "--server",
            server,
            "--api-key-file",
            key_file,
            "--json"
        ]
        .iter()
        .map(|s| s.to_os_string()),
    );
    let (code, stdout, stderr) = run(&args);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let summary: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(summary["uploaded"], 5, "{summary}");
    let listed = passmith::upload::Client::new(&server, key)
        .unwrap()
        .list()
        .unwrap();
    let mut serials: Vec<_> = listed.iter().map(|p| p.serial_number.clone()).collect();
    serials.sort();
    assert_eq!(
        serials,
        ["SN-00001", "SN-00002", "SN-00003", "SN-00004", "SN-00005"]
    );
    // Each pass's download link is in manifest.csv, for the mail merge.
    let mut reader = csv::Reader::from_path(dir.path().join("out/manifest.csv")).unwrap();
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        header.last().map(String::as_str),
        Some("share_url"),
        "{header:?}"
    );
    let links: Vec<String> = reader
        .records()
        .map(|r| r.unwrap().iter().next_back().unwrap().to_owned())
        .collect();
    assert_eq!(links.len(), 5);
    assert!(links.iter().all(|l| l.contains("/p/")), "{links:?}");
    assert_eq!(
        links.iter().collect::<std::collections::HashSet<_>>().len(),
        5
    );
}
