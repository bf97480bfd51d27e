//! `manifest.csv` as `passmith batch` writes it: `row, serial, file, token`, then every input
//! column of the batch CSV. `file` is relative to the manifest's folder.

use std::path::{Component, Path, PathBuf};

use super::MailError;

/// One pass to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The `row` column (the batch CSV's data row), or the manifest's own row number.
    pub row: usize,
    /// The line of manifest.csv this entry is on.
    pub line: u64,
    pub serial: String,
    /// The pass file as written in the manifest.
    pub file: String,
    /// Every cell, in the order of [`Manifest::columns`].
    pub cells: Vec<String>,
}

/// A parsed manifest.
#[derive(Debug, Clone)]
pub struct Manifest {
    pub path: PathBuf,
    /// The folder `file` is relative to (the manifest's own).
    pub dir: PathBuf,
    pub columns: Vec<String>,
    pub entries: Vec<Entry>,
}

impl Manifest {
    pub fn read(path: &Path) -> Result<Manifest, MailError> {
        let bytes = std::fs::read(path).map_err(|e| MailError::Read {
            what: "the manifest".into(),
            path: path.to_owned(),
            reason: e.to_string(),
        })?;
        Manifest::parse(path, &bytes)
    }

    pub fn parse(path: &Path, bytes: &[u8]) -> Result<Manifest, MailError> {
        let name = path.display().to_string();
        let bad = |line: u64, reason: String| MailError::Manifest {
            file: name.clone(),
            line,
            reason,
        };
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
        let columns: Vec<String> = reader
            .headers()
            .map_err(|e| bad(1, format!("the header row cannot be read ({e})")))?
            .iter()
            .map(|c| c.trim().to_owned())
            .collect();
        let index = |name: &str| columns.iter().position(|c| c == name);
        let (Some(serial_at), Some(file_at)) = (index("serial"), index("file")) else {
            return Err(bad(
                1,
                format!(
                    "a manifest needs the columns \"serial\" and \"file\" (it has: {}); use the manifest.csv that passmith batch wrote",
                    columns.join(", ")
                ),
            ));
        };
        let row_at = index("row");
        let mut entries = Vec::new();
        for (i, record) in reader.records().enumerate() {
            let record = record.map_err(|e| {
                let line = e.position().map_or(0, |p| p.line());
                bad(line, format!("cannot be read ({e})"))
            })?;
            let line = record
                .position()
                .map_or(0, |p| line_at(bytes, p.byte() as usize));
            if record.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            if record.len() != columns.len() {
                return Err(bad(
                    line,
                    format!(
                        "has {} cells but the header has {} columns; quote cells that contain commas",
                        record.len(),
                        columns.len()
                    ),
                ));
            }
            let cells: Vec<String> = record.iter().map(str::to_owned).collect();
            let row = match row_at {
                Some(at) => cells[at].trim().parse().map_err(|_| {
                    bad(
                        line,
                        format!("the row column holds {:?}, not a row number", cells[at]),
                    )
                })?,
                None => i + 1,
            };
            entries.push(Entry {
                row,
                line,
                serial: cells[serial_at].trim().to_owned(),
                file: cells[file_at].trim().to_owned(),
                cells,
            });
        }
        if entries.is_empty() {
            return Err(bad(
                1,
                "has a header but no passes; run passmith batch first".into(),
            ));
        }
        Ok(Manifest {
            path: path.to_owned(),
            dir: path.parent().unwrap_or(Path::new(".")).to_owned(),
            columns,
            entries,
        })
    }

    /// The value of `column` in `entry`.
    pub fn value<'a>(&self, entry: &'a Entry, column: &str) -> Option<&'a str> {
        let at = self.columns.iter().position(|c| c == column)?;
        entry.cells.get(at).map(String::as_str)
    }

    /// Where `entry`'s pass is: `file` under the manifest's folder. A path that leaves the
    /// folder (absolute, or with `..`) is refused, so a manifest cannot attach any file.
    pub fn pass_path(&self, entry: &Entry) -> Result<PathBuf, String> {
        let rel = Path::new(&entry.file);
        if entry.file.is_empty() {
            return Err("the file column is empty".into());
        }
        if !rel
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
        {
            return Err(format!(
                "the file {:?} is not inside the manifest's folder; give a path relative to it",
                entry.file
            ));
        }
        Ok(self.dir.join(rel))
    }
}

/// The 1-based line of the first non-blank byte at or after `offset` (the csv crate's own line
/// count can miss blank lines before a record).
fn line_at(bytes: &[u8], offset: usize) -> u64 {
    let offset = offset.min(bytes.len());
    let mut line = 1 + bytes[..offset].iter().filter(|&&b| b == b'\n').count() as u64;
    for &b in &bytes[offset..] {
        match b {
            b'\n' => line += 1,
            b'\r' | b' ' | b'\t' => {}
            _ => break,
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_manifest_is_read_with_lines_and_values() {
        let text = "row,serial,file,token,email,name\n1,S1,S1.pkpass,t,a@example.com,Zoë\n\n3,S3,S3.pkpass,,b@example.com,\"Müller, B\"\n";
        let m = Manifest::parse(Path::new("out/manifest.csv"), text.as_bytes()).unwrap();
        assert_eq!(m.entries.len(), 2);
        assert_eq!(m.entries[1].row, 3);
        assert_eq!(m.entries[1].line, 4);
        assert_eq!(m.value(&m.entries[1], "name"), Some("Müller, B"));
        assert_eq!(
            m.pass_path(&m.entries[0]).unwrap(),
            Path::new("out/S1.pkpass")
        );
    }

    #[test]
    fn missing_columns_and_escaping_files_are_refused() {
        let err = Manifest::parse(Path::new("m.csv"), b"email,name\na,b\n").unwrap_err();
        assert!(err.to_string().contains("\"serial\" and \"file\""), "{err}");
        let m = Manifest::parse(
            Path::new("m.csv"),
            b"serial,file\nS1,../secret.pkpass\nS2,/etc/passwd\n",
        )
        .unwrap();
        assert!(m.pass_path(&m.entries[0]).is_err());
        assert!(m.pass_path(&m.entries[1]).is_err());
    }
}
