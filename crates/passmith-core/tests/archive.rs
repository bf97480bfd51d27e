//! Importing `.pkpass` files: Apple's signed samples, tampered packages, and hostile archives
//! built here byte by byte.

use std::io::{Cursor, Write};

use passmith_core::Error;
use passmith_core::archive::{
    self, ArchiveProblem, ManifestStatus, SignatureStatus, WwdrGeneration,
};

use crate::util::{
    SAMPLES, codes, export, fixtures, manifest_of, now, other_identity, package_report,
    sample_for_test_cert, test_identity,
};
use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

/// A zip with the given entries, in order.
fn zip_of(entries: &[(&str, &[u8], CompressionMethod)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes, method) in entries {
        zip.start_file(
            *name,
            SimpleFileOptions::default().compression_method(*method),
        )
        .unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// Replaces every occurrence of `from` with `to` (same length) — how names that a zip writer
/// would refuse get into a test archive.
fn patch(bytes: &mut [u8], from: &[u8], to: &[u8]) {
    assert_eq!(from.len(), to.len());
    let mut hits = 0;
    let mut i = 0;
    while i + from.len() <= bytes.len() {
        if &bytes[i..i + from.len()] == from {
            bytes[i..i + from.len()].copy_from_slice(to);
            hits += 1;
            i += from.len();
        } else {
            i += 1;
        }
    }
    assert!(
        hits >= 2,
        "expected the name in the local and the central header"
    );
}

/// Rewrites the declared uncompressed size of entry `name` in both its headers.
fn declare_size(bytes: &mut [u8], name: &str, size: u32) {
    let mut patched = 0;
    let mut i = 0;
    while i + 4 <= bytes.len() {
        let sig = &bytes[i..i + 4];
        let (size_at, name_len_at, name_at) = if sig == b"PK\x03\x04" {
            (22, 26, 30)
        } else if sig == b"PK\x01\x02" {
            (24, 28, 46)
        } else {
            i += 1;
            continue;
        };
        let len = u16::from_le_bytes([bytes[i + name_len_at], bytes[i + name_len_at + 1]]) as usize;
        if &bytes[i + name_at..i + name_at + len] == name.as_bytes() {
            bytes[i + size_at..i + size_at + 4].copy_from_slice(&size.to_le_bytes());
            patched += 1;
        }
        i += 4;
    }
    assert_eq!(patched, 2, "local and central header of {name}");
}

fn minimal_pass_json() -> &'static [u8] {
    br#"{"formatVersion":1,"passTypeIdentifier":"pass.com.example.passmith","teamIdentifier":"TEAM123456","serialNumber":"1","organizationName":"Example","description":"Test","generic":{}}"#
}

fn rejection(bytes: &[u8]) -> ArchiveProblem {
    match archive::read_pkpass(bytes, now()) {
        Err(Error::Archive(p)) => p,
        Err(other) => panic!("expected an archive rejection, got {other:?}"),
        Ok(_) => panic!("a hostile archive was accepted"),
    }
}

#[test]
fn apple_signed_samples_verify_and_show_the_expired_g1_intermediate() {
    for name in SAMPLES {
        let path = fixtures()
            .join("apple-samples")
            .join(format!("{name}.pkpass"));
        let opened = archive::open_path(&path, now()).unwrap();
        let report = opened.package.unwrap();
        match &report.signature {
            SignatureStatus::Valid {
                signer,
                signing_time,
            } => {
                assert_eq!(
                    signer.pass_type_identifier.as_deref(),
                    Some("pass.com.apple.devpubs.example")
                );
                assert_eq!(signer.team_identifier.as_deref(), Some("A93A5CM278"));
                assert!(
                    signing_time.as_deref().is_some_and(|t| t.starts_with("20")),
                    "{signing_time:?}"
                );
            }
            other => panic!("{name}: signature should verify, got {other:?}"),
        }
        assert_eq!(report.manifest, ManifestStatus::Matches, "{name}");
        let inter = report.intermediate.clone().unwrap();
        assert_eq!(inter.generation, WwdrGeneration::G1, "{name}");
        assert!(inter.expired);
        assert!(inter.is_apple);
        // Apple's samples embed the first G1 certificate (2008–2016), not its 2013 renewal.
        assert_eq!(inter.not_after, "2016-02-14");
        let findings = report.findings();
        assert!(
            findings.iter().all(|f| !f.is_error()),
            "{name}: {findings:?}"
        );
        assert!(
            codes(&findings).contains(&"package.intermediate_expired"),
            "{name}: {findings:?}"
        );
        // The document is the pass itself: same identifiers, same images.
        assert_eq!(
            opened.document.pass.pass_type_identifier,
            "pass.com.apple.devpubs.example"
        );
        assert!(opened.document.files.contains_key("icon.png"));
        assert!(
            report
                .files
                .iter()
                .any(|(n, size)| n == "signature" && *size > 0)
        );
    }
}

#[test]
fn a_pass_folder_opens_without_a_package_report() {
    let opened =
        archive::open_path(&fixtures().join("apple-samples/BoardingPass.pass"), now()).unwrap();
    assert!(opened.package.is_none());
    assert_eq!(opened.document.pass.serial_number, "gT6zrHkaW");
}

/// Replaces one entry of a zip, keeping the others as they are.
pub(crate) fn with_entry(pkpass: &[u8], name: &str, bytes: Option<&[u8]>) -> Vec<u8> {
    let entries = archive::read_entries(pkpass).unwrap();
    let mut out: Vec<(String, Vec<u8>)> = entries.into_iter().filter(|(n, _)| n != name).collect();
    if let Some(b) = bytes {
        out.push((name.to_owned(), b.to_vec()));
    }
    let refs: Vec<(&str, &[u8], CompressionMethod)> = out
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice(), CompressionMethod::Deflated))
        .collect();
    zip_of(&refs)
}

pub(crate) fn built_sample() -> Vec<u8> {
    export(&sample_for_test_cert("Coupon"), &test_identity(), None)
}

#[test]
fn a_file_changed_after_signing_is_a_manifest_mismatch() {
    let tampered = with_entry(&built_sample(), "logo.png", Some(b"not the signed logo"));
    let report = package_report(&tampered);
    assert!(matches!(report.signature, SignatureStatus::Valid { .. }));
    assert_eq!(
        report.manifest,
        ManifestStatus::Mismatch {
            differing: vec!["logo.png".into()],
            missing_from_manifest: vec![],
            missing_files: vec![],
        }
    );
    let findings = report.findings();
    let f = findings
        .iter()
        .find(|f| f.code == "package.manifest_mismatch")
        .unwrap();
    assert!(f.is_error());
    assert_eq!(f.path, "logo.png");
}

#[test]
fn added_and_removed_files_are_named() {
    let pkpass = with_entry(&built_sample(), "extra.png", Some(b"x"));
    let pkpass = with_entry(&pkpass, "icon@2x.png", None);
    let report = package_report(&pkpass);
    let findings = report.findings();
    assert!(
        findings
            .iter()
            .any(|f| f.code == "package.file_not_in_manifest" && f.path == "extra.png")
    );
    assert!(
        findings
            .iter()
            .any(|f| f.code == "package.file_missing" && f.path == "icon@2x.png")
    );
}

#[test]
fn an_edited_manifest_breaks_the_signature() {
    let pkpass = built_sample();
    let manifest = &manifest_of(&pkpass);
    let mut edited = String::from_utf8(manifest.clone()).unwrap();
    edited.push(' ');
    let report = package_report(&with_entry(
        &pkpass,
        "manifest.json",
        Some(edited.as_bytes()),
    ));
    match &report.signature {
        SignatureStatus::Invalid { reason } => assert!(reason.contains("manifest"), "{reason}"),
        other => panic!("expected an invalid signature, got {other:?}"),
    }
    assert!(codes(&report.findings()).contains(&"package.signature_invalid"));
}

#[test]
fn a_damaged_or_missing_signature_is_an_error() {
    let pkpass = built_sample();
    let report = package_report(&with_entry(&pkpass, "signature", Some(b"garbage")));
    assert!(matches!(report.signature, SignatureStatus::Invalid { .. }));
    assert!(codes(&report.findings()).contains(&"package.signature_invalid"));

    let report = package_report(&with_entry(&pkpass, "signature", None));
    assert_eq!(report.signature, SignatureStatus::Missing);
    assert!(codes(&report.findings()).contains(&"package.signature_missing"));
}

#[test]
fn a_signer_that_does_not_match_pass_json_is_an_error() {
    // The export gate never signs such a pass, so a good one gets another identity's signature.
    let good = built_sample();
    let manifest = &manifest_of(&good);
    let signature = passmith_core::sign::sign_manifest(manifest, &other_identity(), None).unwrap();
    let pkpass = with_entry(&good, "signature", Some(&signature));
    let report = package_report(&pkpass);
    let c = codes(&report.findings())
        .into_iter()
        .map(str::to_owned)
        .collect::<Vec<_>>();
    assert!(
        c.contains(&"identity.pass_type_mismatch".to_owned()),
        "{c:?}"
    );
    assert!(c.contains(&"identity.team_mismatch".to_owned()), "{c:?}");
}

#[test]
fn a_broken_pass_json_gives_line_and_column() {
    let bytes = zip_of(&[(
        "pass.json",
        b"{\n  \"formatVersion\": 1,\n  \"description\" \"x\"\n}",
        CompressionMethod::Deflated,
    )]);
    match archive::read_pkpass(&bytes, now()) {
        Err(Error::JsonSyntax { line, column, .. }) => assert_eq!((line, column), (3, 17)),
        other => panic!("expected a syntax error, got {other:?}"),
    }
}

#[test]
fn not_a_zip_is_refused() {
    assert!(matches!(
        rejection(b"%PDF-1.4 not a zip at all"),
        ArchiveProblem::NotAZip { .. }
    ));
}

#[test]
fn path_traversal_is_refused() {
    let mut bytes = zip_of(&[
        (
            "pass.json",
            minimal_pass_json(),
            CompressionMethod::Deflated,
        ),
        ("xx/evil.json", b"{}", CompressionMethod::Deflated),
    ]);
    patch(&mut bytes, b"xx/evil.json", b"../evil.json");
    match rejection(&bytes) {
        ArchiveProblem::PathTraversal { name } => assert_eq!(name, "../evil.json"),
        other => panic!("{other:?}"),
    }
    let mut nested = zip_of(&[("a/xx/b/x.png", b"x", CompressionMethod::Stored)]);
    patch(&mut nested, b"a/xx/b/x.png", b"a/../../x.pn");
    assert!(matches!(
        rejection(&nested),
        ArchiveProblem::PathTraversal { .. }
    ));
}

#[test]
fn absolute_paths_backslashes_and_drive_letters_are_refused() {
    let mut abs = zip_of(&[("xetc/passwd", b"root", CompressionMethod::Deflated)]);
    patch(&mut abs, b"xetc/passwd", b"/etc/passwd");
    assert!(matches!(
        rejection(&abs),
        ArchiveProblem::AbsolutePath { .. }
    ));

    let mut back = zip_of(&[("xxxevil.png", b"x", CompressionMethod::Stored)]);
    patch(&mut back, b"xxxevil.png", b"..\\evil.png");
    assert!(matches!(rejection(&back), ArchiveProblem::Backslash { .. }));

    let mut drive = zip_of(&[("xxevil.png", b"x", CompressionMethod::Stored)]);
    patch(&mut drive, b"xxevil.png", b"C:evil.png");
    assert!(matches!(
        rejection(&drive),
        ArchiveProblem::DriveLetter { .. }
    ));
}

#[test]
fn symlinks_are_refused() {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    zip.start_file("pass.json", SimpleFileOptions::default())
        .unwrap();
    zip.write_all(minimal_pass_json()).unwrap();
    zip.add_symlink("icon.png", "/etc/passwd", SimpleFileOptions::default())
        .unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    match rejection(&bytes) {
        ArchiveProblem::Symlink { name } => assert_eq!(name, "icon.png"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn duplicate_names_are_refused() {
    let mut bytes = zip_of(&[
        (
            "pass.json",
            minimal_pass_json(),
            CompressionMethod::Deflated,
        ),
        ("icon.png", b"first", CompressionMethod::Stored),
        ("icoX.png", b"second", CompressionMethod::Stored),
    ]);
    patch(&mut bytes, b"icoX.png", b"icon.png");
    assert!(matches!(rejection(&bytes), ArchiveProblem::DuplicateNames));
}

#[test]
fn more_than_a_thousand_entries_are_refused() {
    let names: Vec<String> = (0..1001).map(|i| format!("f{i}.txt")).collect();
    let entries: Vec<(&str, &[u8], CompressionMethod)> = names
        .iter()
        .map(|n| (n.as_str(), &b"x"[..], CompressionMethod::Stored))
        .collect();
    match rejection(&zip_of(&entries)) {
        ArchiveProblem::TooManyEntries { count, max } => assert_eq!((count, max), (1001, 1000)),
        other => panic!("{other:?}"),
    }
    // Exactly the limit is fine as far as the archive is concerned.
    let ok = zip_of(&entries[..1000]);
    assert!(archive::read_entries(&ok).is_ok());
}

#[test]
fn an_entry_declared_over_50_mb_is_refused() {
    let mut bytes = zip_of(&[
        (
            "pass.json",
            minimal_pass_json(),
            CompressionMethod::Deflated,
        ),
        ("strip.png", b"small", CompressionMethod::Stored),
    ]);
    declare_size(&mut bytes, "strip.png", 60 * 1024 * 1024);
    match rejection(&bytes) {
        ArchiveProblem::EntryTooLarge { name, size } => {
            assert_eq!(name, "strip.png");
            assert_eq!(size, 60 * 1024 * 1024);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_total_over_200_mb_is_refused() {
    let names: Vec<String> = (0..5).map(|i| format!("big{i}.png")).collect();
    let entries: Vec<(&str, &[u8], CompressionMethod)> = names
        .iter()
        .map(|n| (n.as_str(), &b"tiny"[..], CompressionMethod::Stored))
        .collect();
    let mut bytes = zip_of(&entries);
    for n in &names {
        declare_size(&mut bytes, n, 45 * 1024 * 1024);
    }
    let problem = rejection(&bytes);
    assert!(
        matches!(problem, ArchiveProblem::TotalTooLarge { .. }),
        "{problem:?}"
    );
}

#[test]
fn a_zip_bomb_is_refused_before_it_is_expanded() {
    let zeros = vec![0u8; 4 * 1024 * 1024];
    let bytes = zip_of(&[
        (
            "pass.json",
            minimal_pass_json(),
            CompressionMethod::Deflated,
        ),
        ("strip.png", &zeros, CompressionMethod::Deflated),
    ]);
    match rejection(&bytes) {
        ArchiveProblem::ZipBomb { name, ratio } => {
            assert_eq!(name, "strip.png");
            assert!(ratio > 100, "{ratio}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_entry_larger_than_it_declares_is_refused() {
    // 900 KB of zeros deflate to about 1 KB; the header then claims 1,000 bytes, so neither the
    // size limits nor the ratio check fire — only the bounded reader can catch it.
    let zeros = vec![0u8; 900 * 1024];
    let mut bytes = zip_of(&[
        (
            "pass.json",
            minimal_pass_json(),
            CompressionMethod::Deflated,
        ),
        ("strip.png", &zeros, CompressionMethod::Deflated),
    ]);
    declare_size(&mut bytes, "strip.png", 1000);
    match rejection(&bytes) {
        ArchiveProblem::SizeMismatch { name } => assert_eq!(name, "strip.png"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_oversized_file_on_disk_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.pkpass");
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(archive::MAX_TOTAL_BYTES + 1).unwrap();
    match archive::open_path(&path, now()) {
        Err(Error::Archive(ArchiveProblem::TotalTooLarge { .. })) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_pass_zipped_inside_its_folder_gets_a_clear_error() {
    let wrapped = zip_of(&[
        (
            "Coupon.pass/pass.json",
            minimal_pass_json(),
            CompressionMethod::Deflated,
        ),
        ("Coupon.pass/icon.png", b"png", CompressionMethod::Stored),
    ]);
    match rejection(&wrapped) {
        ArchiveProblem::NotAtRoot { folder } => assert_eq!(folder, "Coupon.pass"),
        other => panic!("{other:?}"),
    }
    let no_pass = zip_of(&[("icon.png", b"png", CompressionMethod::Stored)]);
    assert!(matches!(rejection(&no_pass), ArchiveProblem::NoPassJson));
}

#[test]
fn damaged_copies_of_a_real_pass_never_panic() {
    let original = std::fs::read(fixtures().join("apple-samples/Coupon.pkpass")).unwrap();
    let mut rejected = 0;
    let mut flagged = 0;
    // Flip one byte at a time across the whole file, and cut it short at many lengths.
    for i in (0..original.len()).step_by(41) {
        let mut damaged = original.clone();
        damaged[i] ^= 0x5a;
        match archive::read_pkpass(&damaged, now()) {
            Err(_) => rejected += 1,
            Ok(opened) => {
                if opened
                    .package
                    .unwrap()
                    .findings()
                    .iter()
                    .any(|f| f.is_error())
                {
                    flagged += 1;
                }
            }
        }
    }
    for len in (0..original.len()).step_by(211) {
        assert!(
            archive::read_pkpass(&original[..len], now()).is_err(),
            "a {len}-byte prefix was accepted"
        );
    }
    // Most single-byte changes land in compressed data or headers and must be noticed.
    let total = original.len().div_ceil(41);
    // Damage in file data is caught by the zip checksums or the manifest; only bytes in
    // unchecked header fields (timestamps, attributes) may pass unnoticed.
    assert!(
        (rejected + flagged) * 10 >= total * 9,
        "only {rejected} rejected and {flagged} flagged of {total} damaged copies"
    );
}
