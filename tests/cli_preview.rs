//! `passmith preview`: without `--lang` it shows the user's language (LANG) when the pass has
//! it, else English; its layout warnings go to stderr, stdout only names the files written.
//!
//! Fixture, built in the test: Apple's Generic sample whose labels and one value in pass.json
//! are replaced by localization keys (`MEMBER_SINCE_LABEL`, …), with an `en.lproj` and a
//! `fr.lproj/pass.strings` translating them, and a primary value too long for the card.

use std::path::Path;
use std::process::{Command, Output};

use crate::util::{copy_sample, text};

fn localized_pass(dir: &Path) -> std::path::PathBuf {
    let folder = copy_sample(dir, "Generic", |json| {
        json.replace("\"MEMBER SINCE\"", "\"MEMBER_SINCE_LABEL\"")
            .replace("\"LEVEL\"", "\"LEVEL_LABEL\"")
            .replace("\"Platinum\"", "\"LEVEL_PLATINUM\"")
            .replace(
                "\"Johnny Appleseed\"",
                "\"Johnny Appleseed of the Very Long Name Family of Cupertino\"",
            )
    });
    for (lang, table) in [
        (
            "en",
            "\"MEMBER_SINCE_LABEL\" = \"MEMBER SINCE\";\n\"LEVEL_LABEL\" = \"LEVEL\";\n\"LEVEL_PLATINUM\" = \"Platinum\";\n",
        ),
        (
            "fr",
            "\"MEMBER_SINCE_LABEL\" = \"MEMBRE DEPUIS\";\n\"LEVEL_LABEL\" = \"NIVEAU\";\n\"LEVEL_PLATINUM\" = \"Platine\";\n",
        ),
    ] {
        let d = folder.join(format!("{lang}.lproj"));
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join("pass.strings"), table).unwrap();
    }
    folder
}

/// `passmith preview PASS -o OUT [extra]` with exactly the locale `lang` (LANG only).
fn preview(pass: &Path, out: &Path, lang: &str, extra: &[&str]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_passmith"))
        .arg("preview")
        .arg(pass)
        .arg("-o")
        .arg(out)
        .args(extra)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", lang)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{:?}", text(&output));
    output
}

#[test]
fn without_lang_the_users_language_is_drawn_else_english() {
    let dir = tempfile::tempdir().unwrap();
    let pass = localized_pass(dir.path());
    let png = |name: &str| std::fs::read(dir.path().join(name)).unwrap();
    preview(&pass, &dir.path().join("fr.png"), "C", &["--lang", "fr"]);
    preview(&pass, &dir.path().join("en.png"), "C", &["--lang", "en"]);
    assert_ne!(
        png("fr.png"),
        png("en.png"),
        "the two languages must look different"
    );

    let out = preview(&pass, &dir.path().join("lang-fr.png"), "fr_FR.UTF-8", &[]);
    assert_eq!(
        png("lang-fr.png"),
        png("fr.png"),
        "LANG=fr_FR.UTF-8 draws French"
    );
    assert!(
        text(&out).1.contains("note: showing fr"),
        "{:?}",
        text(&out)
    );

    let out = preview(&pass, &dir.path().join("lang-de.png"), "de_DE.UTF-8", &[]);
    assert_eq!(
        png("lang-de.png"),
        png("en.png"),
        "no German: English is drawn"
    );
    assert!(
        text(&out).1.contains("note: showing en"),
        "{:?}",
        text(&out)
    );
}

#[test]
fn layout_warnings_go_to_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let pass = localized_pass(dir.path());
    let out = preview(&pass, &dir.path().join("front.png"), "en_US.UTF-8", &[]);
    let (stdout, stderr) = text(&out);
    assert!(
        stderr.contains("is cut off"),
        "the long name is cut off: {stderr}"
    );
    assert!(!stdout.contains("cut off"), "{stdout}");
    assert_eq!(
        stdout.trim(),
        format!("wrote {}", dir.path().join("front.png").display())
    );
}
