//! One pass to a few people ("Send this pass by e-mail…" in the designer): the signed pass is
//! staged in a folder of its own with a one-line-per-recipient `manifest.csv`, so it goes out
//! through the same engine, send log and resume rules as a batch. Nothing here sends.
//!
//! The staged manifest has the columns `row, serial, file, token, email, name`: `email` is the
//! recipient as typed, `name` its display name (empty for a bare address), so a subject such as
//! "Your pass, {{name}}" works for a single pass too.

use std::path::{Path, PathBuf};

use lettre::message::Mailbox;

use super::compose::{file_stem, parse_mailbox};
use super::{MailError, Manifest};

/// The columns of a staged manifest, in order.
pub const COLUMNS: [&str; 6] = ["row", "serial", "file", "token", "email", "name"];

/// The recipients typed into one field: separated by commas, semicolons or new lines, each
/// `Name <address>` or a bare address. The same address twice is kept once (the first). Every
/// bad entry is named, so they can all be fixed at once.
pub fn parse_recipients(text: &str) -> Result<Vec<Mailbox>, String> {
    let mut out: Vec<Mailbox> = Vec::new();
    let mut bad = Vec::new();
    for part in split_recipients(text) {
        match parse_mailbox(part) {
            Ok(m) => {
                let address = m.email.to_string().to_lowercase();
                if !out
                    .iter()
                    .any(|o| o.email.to_string().to_lowercase() == address)
                {
                    out.push(m);
                }
            }
            Err(e) => bad.push(e),
        }
    }
    if !bad.is_empty() {
        return Err(format!(
            "{}; write each recipient as name@example.com or “Name <name@example.com>”, separated by commas",
            bad.join("; ")
        ));
    }
    if out.is_empty() {
        return Err("enter at least one recipient, e.g. name@example.com".into());
    }
    Ok(out)
}

/// Splits on `,` `;` and new lines, except inside quotes or `<…>` (a display name may hold a
/// comma when quoted: `"Müller, Zoë" <zoe@example.com>`).
fn split_recipients(text: &str) -> impl Iterator<Item = &str> {
    let mut parts = Vec::new();
    let (mut start, mut quoted, mut angle) = (0, false, false);
    for (i, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '<' if !quoted => angle = true,
            '>' if !quoted => angle = false,
            ',' | ';' | '\n' | '\r' if !quoted && !angle => {
                parts.push(&text[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts.into_iter().map(str::trim).filter(|p| !p.is_empty())
}

/// The staged pass's file name.
pub fn pass_file(serial: &str) -> String {
    format!("{}.pkpass", file_stem(serial))
}

/// The manifest text for `serial` sent to `recipients`.
pub fn manifest_csv(serial: &str, recipients: &[Mailbox]) -> Result<String, MailError> {
    let failed = |e: &dyn std::fmt::Display| MailError::Build {
        row: 0,
        reason: format!("the manifest cannot be written ({e})"),
    };
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(COLUMNS).map_err(|e| failed(&e))?;
    let file = pass_file(serial);
    for (i, to) in recipients.iter().enumerate() {
        let row = (i + 1).to_string();
        let name = to.name.clone().unwrap_or_default();
        writer
            .write_record([row.as_str(), serial, &file, "", &to.to_string(), &name])
            .map_err(|e| failed(&e))?;
    }
    let bytes = writer.into_inner().map_err(|e| failed(&e))?;
    String::from_utf8(bytes).map_err(|e| failed(&e))
}

/// The manifest as it would be staged in `dir`, without writing anything: for the preview of
/// the first message.
pub fn preview_manifest(
    dir: &Path,
    serial: &str,
    recipients: &[Mailbox],
) -> Result<Manifest, MailError> {
    let text = manifest_csv(serial, recipients)?;
    Manifest::parse(&dir.join("manifest.csv"), text.as_bytes())
}

/// Writes the pass and its manifest into `dir` (made if missing), each to a temporary name
/// then renamed, and reads the manifest back.
pub fn stage(
    dir: &Path,
    serial: &str,
    pkpass: &[u8],
    recipients: &[Mailbox],
) -> Result<Manifest, MailError> {
    let write = |path: PathBuf, bytes: &[u8]| {
        passmith_core::atomic::write_file_atomically(&path, bytes).map_err(|e| MailError::Read {
            what: "the send folder".into(),
            path: path.clone(),
            reason: format!("cannot be written ({e})"),
        })
    };
    std::fs::create_dir_all(dir).map_err(|e| MailError::Read {
        what: "the send folder".into(),
        path: dir.to_owned(),
        reason: format!("cannot be made ({e})"),
    })?;
    write(dir.join(pass_file(serial)), pkpass)?;
    let manifest = dir.join("manifest.csv");
    write(
        manifest.clone(),
        manifest_csv(serial, recipients)?.as_bytes(),
    )?;
    Manifest::read(&manifest)
}

/// A folder name under `outbox` for a new send of `serial`, `<serial>-<unix seconds>`, with
/// `-2`, `-3`… when that exists already.
pub fn new_folder(outbox: &Path, serial: &str, unix_seconds: i64) -> PathBuf {
    let base = format!("{}-{unix_seconds}", file_stem(serial));
    let mut dir = outbox.join(&base);
    let mut n = 2;
    while dir.exists() {
        dir = outbox.join(format!("{base}-{n}"));
        n += 1;
    }
    dir
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn recipients_split_on_commas_semicolons_and_lines_but_not_inside_quotes() {
        let got = parse_recipients(
            "zoe@example.com, \"Müller, Zoë\" <zoe.m@example.com>;\nJosé <jose@example.com>\n\nZOE@example.com",
        )
        .unwrap();
        let emails: Vec<String> = got.iter().map(|m| m.email.to_string()).collect();
        assert_eq!(
            emails,
            ["zoe@example.com", "zoe.m@example.com", "jose@example.com"]
        );
        assert_eq!(got[1].name.as_deref(), Some("Müller, Zoë"));
    }

    #[test]
    fn every_bad_recipient_is_named() {
        let e = parse_recipients("ok@example.com, not an address, also@bad@").unwrap_err();
        assert!(e.contains("\"not an address\""), "{e}");
        assert!(e.contains("\"also@bad@\""), "{e}");
        assert!(
            parse_recipients(" , \n")
                .unwrap_err()
                .contains("at least one")
        );
    }

    #[test]
    fn the_staged_manifest_reads_back_one_line_per_recipient() {
        let dir = tempfile::tempdir().unwrap();
        let to = parse_recipients("Zoë <zoe@example.com>, bob@example.com").unwrap();
        let m = stage(dir.path(), "SN/1", b"pass bytes", &to).unwrap();
        assert_eq!(m.columns, COLUMNS);
        assert_eq!(m.entries.len(), 2);
        assert_eq!(m.entries[0].file, "SN-1.pkpass");
        assert_eq!(m.value(&m.entries[0], "name"), Some("Zoë"));
        assert_eq!(m.value(&m.entries[1], "name"), Some(""));
        assert_eq!(
            std::fs::read(m.pass_path(&m.entries[1]).unwrap()).unwrap(),
            b"pass bytes"
        );
        let again = new_folder(dir.path(), "SN", 7);
        std::fs::create_dir_all(&again).unwrap();
        assert_eq!(new_folder(dir.path(), "SN", 7), dir.path().join("SN-7-2"));
    }
}
