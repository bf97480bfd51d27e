//! Saving keeps files byte-exact: an unedited strings table is written back exactly as it was
//! read (UTF-8, UTF-8 with BOM, UTF-16BE, comments and layout included), only an edited table is
//! re-encoded, and a package still gets every table as UTF-16LE with a BOM.
//!
//! Fixture, built in the test: Apple's Event sample folder plus four `pass.strings` written by
//! hand in four encodings, with comments, odd spacing, escapes and a `"key";` shorthand.

use std::collections::BTreeMap;
use std::path::Path;

use passmith_core::PassDocument;

use crate::util::{export, fixtures, test_identity};
use passmith_testkit::unzip;

/// `text` as UTF-16 (`le` or big-endian) with a BOM.
fn utf16(text: &str, le: bool) -> Vec<u8> {
    let mut out = if le {
        vec![0xFF, 0xFE]
    } else {
        vec![0xFE, 0xFF]
    };
    for unit in text.encode_utf16() {
        out.extend_from_slice(&if le {
            unit.to_le_bytes()
        } else {
            unit.to_be_bytes()
        });
    }
    out
}

/// The four tables, by path.
fn tables() -> BTreeMap<String, Vec<u8>> {
    let fr = "/* Traduction française */\n\"Event\"   =   \"Événement\" ;\n\n// fin\n\"Doors\" = \"Portes\\nouvertes\";\n";
    let de = "\"Event\" = \"Veranstaltung\";\r\n\"Doors\" = \"Einlass\";\r\n";
    let ja = "/* 日本語 */\n\"Event\" = \"イベント\";\n\"Doors\";\n";
    let es = "\"Event\" = \"Evento\";\n";
    BTreeMap::from([
        ("fr.lproj/pass.strings".to_owned(), fr.as_bytes().to_vec()),
        ("de.lproj/pass.strings".to_owned(), utf16(de, false)),
        ("ja.lproj/pass.strings".to_owned(), utf16(ja, true)),
        (
            "es.lproj/pass.strings".to_owned(),
            [b"\xEF\xBB\xBF".as_slice(), es.as_bytes()].concat(),
        ),
    ])
}

/// Every file under `dir`, by relative path.
fn files_in(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

/// Apple's Event sample with the four tables, in `dir`.
fn source_folder(dir: &Path) -> std::path::PathBuf {
    let src = fixtures().join("apple-samples/Event.pass");
    let folder = dir.join("Event.pass");
    std::fs::create_dir_all(&folder).unwrap();
    for (rel, bytes) in files_in(&src).into_iter().chain(tables()) {
        let path = folder.join(&rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    folder
}

fn json(bytes: &[u8]) -> serde_json::Value {
    passmith_core::json::parse_value(std::str::from_utf8(bytes).unwrap(), "pass.json").unwrap()
}

#[test]
fn an_unedited_save_keeps_every_file_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let source = source_folder(dir.path());
    let before = files_in(&source);
    let doc = PassDocument::read_dir(&source).unwrap();

    // Saved elsewhere, and saved over itself.
    let copy = dir.path().join("Copy.pass");
    doc.write_dir(&copy).unwrap();
    doc.write_dir(&source).unwrap();
    for after in [files_in(&copy), files_in(&source)] {
        assert_eq!(
            after.keys().collect::<Vec<_>>(),
            before.keys().collect::<Vec<_>>()
        );
        for (rel, bytes) in &before {
            if rel == "pass.json" {
                // Written as strict JSON (Apple's has a trailing comma), with the same content.
                assert_eq!(json(&after[rel]), json(bytes));
            } else {
                assert!(&after[rel] == bytes, "{rel} changed on an unedited save");
            }
        }
    }

    // The same from archive entries (a .pkpass opened, then saved as a folder).
    let from_entries = PassDocument::from_files(before.clone()).unwrap();
    let files = from_entries.to_folder_files().unwrap();
    for (rel, bytes) in tables() {
        assert!(files[&rel] == bytes, "{rel} changed");
    }
}

#[test]
fn only_an_edited_table_is_re_encoded_and_packages_get_utf16le() {
    let dir = tempfile::tempdir().unwrap();
    let source = source_folder(dir.path());
    let mut doc = PassDocument::read_dir(&source).unwrap();
    doc.localizations
        .get_mut("fr")
        .unwrap()
        .set("Event", "Spectacle");
    doc.write_dir(&source).unwrap();
    let after = files_in(&source);
    let fr = &after["fr.lproj/pass.strings"];
    assert_eq!(
        &fr[..2],
        [0xFF, 0xFE],
        "the edited table is UTF-16LE with a BOM"
    );
    let reread = PassDocument::read_dir(&source).unwrap();
    assert_eq!(reread.localizations["fr"].get("Event"), Some("Spectacle"));
    assert_eq!(
        reread.localizations["fr"].get("Doors"),
        Some("Portes\nouvertes")
    );
    for (rel, bytes) in tables() {
        if rel != "fr.lproj/pass.strings" {
            assert!(after[&rel] == bytes, "{rel} was not edited but changed");
        }
    }
    // Export: every table UTF-16LE with a BOM, whatever it was on disk.
    let mut signed = PassDocument::read_dir(&source).unwrap();
    signed.pass.pass_type_identifier = "pass.com.example.passmith".into();
    signed.pass.team_identifier = "TEAM123456".into();
    let package = unzip(&export(&signed, &test_identity(), None));
    for (rel, _) in tables() {
        let bytes = &package[&rel];
        assert_eq!(&bytes[..2], [0xFF, 0xFE], "{rel} in the package");
        assert_eq!(bytes.len() % 2, 0);
    }
}
