//! The CSV a batch is personalised from: UTF-8 (a BOM is allowed), a header row, `,` `;` or tab
//! as the separator (detected from the header), quoted cells that may hold newlines.
//!
//! A header ending in `?` marks its column optional (`nickname?`): its cells may be empty. The
//! `?` is not part of the column's name.

use super::BatchError;

/// One column of the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The name placeholders and field keys match (`?` and surrounding spaces removed).
    pub name: String,
    /// Empty cells are allowed.
    pub optional: bool,
}

/// One data row, with the line of the file it starts on (quoted newlines make lines and rows
/// differ, and people look for the line in their editor).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// 1-based, counting data rows only (the first row after the header is 1).
    pub number: usize,
    /// 1-based line in the file where the row starts.
    pub line: u64,
    pub cells: Vec<String>,
}

/// A parsed CSV.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// The separator that was detected.
    pub delimiter: u8,
}

impl Table {
    /// The index of the column called `name`.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    /// Parses CSV bytes; `file` names the file in messages.
    pub fn parse(bytes: &[u8], file: &str) -> Result<Table, BatchError> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        if let Err(e) = std::str::from_utf8(bytes) {
            let line = 1 + bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            return Err(BatchError::Csv {
                file: file.to_owned(),
                line: line as u64,
                reason:
                    "the file is not UTF-8 text; save it from your spreadsheet as \"CSV UTF-8\""
                        .to_owned(),
            });
        }
        let delimiter = detect_delimiter(bytes);
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        let mut records = reader.records();
        let header = match records.next() {
            Some(Ok(header)) => header,
            Some(Err(e)) => return Err(csv_error(file, &e)),
            None => {
                return Err(BatchError::Csv {
                    file: file.to_owned(),
                    line: 1,
                    reason: "the file is empty; it needs a header row naming the columns, then one row per pass".to_owned(),
                });
            }
        };
        let columns = header_columns(&header, file)?;
        let mut rows = Vec::new();
        for record in records {
            let record = record.map_err(|e| csv_error(file, &e))?;
            // A blank line between rows is not a pass.
            if record.len() == 1 && record.get(0).is_some_and(str::is_empty) {
                continue;
            }
            // From the byte offset: the reader's own line count skips blank lines.
            let line = record.position().map_or(0, |p| line_at(bytes, p.byte()));
            rows.push(Row {
                number: rows.len() + 1,
                line,
                cells: record.iter().map(str::to_owned).collect(),
            });
        }
        Ok(Table {
            columns,
            rows,
            delimiter,
        })
    }
}

fn header_columns(header: &csv::StringRecord, file: &str) -> Result<Vec<Column>, BatchError> {
    let mut columns: Vec<Column> = Vec::new();
    for (i, raw) in header.iter().enumerate() {
        let trimmed = raw.trim();
        let (name, optional) = match trimmed.strip_suffix('?') {
            Some(name) => (name.trim(), true),
            None => (trimmed, false),
        };
        if name.is_empty() {
            return Err(BatchError::Csv {
                file: file.to_owned(),
                line: 1,
                reason: format!(
                    "column {} of the header row has no name; give every column a name",
                    i + 1
                ),
            });
        }
        if columns.iter().any(|c| c.name == name) {
            return Err(BatchError::Csv {
                file: file.to_owned(),
                line: 1,
                reason: format!("two columns are both called \"{name}\"; rename one of them"),
            });
        }
        columns.push(Column {
            name: name.to_owned(),
            optional,
        });
    }
    Ok(columns)
}

/// The separator used in the header line: the most frequent of `,` `;` and tab outside quotes
/// (a spreadsheet in a comma-decimal locale writes `;`).
fn detect_delimiter(bytes: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &b in bytes {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let candidates = [b',', b';', b'\t'];
    let mut best = 0;
    for i in 1..3 {
        if counts[i] > counts[best] {
            best = i;
        }
    }
    candidates[best]
}

/// The 1-based line of the byte at `offset`.
fn line_at(bytes: &[u8], offset: u64) -> u64 {
    let mut end = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(bytes.len());
    // A record's position can be the blank lines the reader skipped before it.
    while matches!(bytes.get(end), Some(b'\n' | b'\r')) {
        end += 1;
    }
    1 + bytes[..end].iter().filter(|&&b| b == b'\n').count() as u64
}

fn csv_error(file: &str, e: &csv::Error) -> BatchError {
    let line = e.position().map_or(0, csv::Position::line);
    BatchError::Csv {
        file: file.to_owned(),
        line,
        reason: format!("the file could not be read as CSV ({e})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_separators_bom_optional_columns_and_quoted_newlines() {
        let csv = "\u{feff}serialNumber;name?;note\n1;Ann;\"two\nlines\"\n\n2;;x\n";
        let table = Table::parse(csv.as_bytes(), "t.csv").unwrap();
        assert_eq!(table.delimiter, b';');
        assert_eq!(table.columns[0].name, "serialNumber");
        assert!(table.columns[1].optional && table.columns[1].name == "name");
        assert_eq!(table.rows.len(), 2);
        assert_eq!(table.rows[0].cells[2], "two\nlines");
        assert_eq!((table.rows[1].number, table.rows[1].line), (2, 5));
        let tabs = Table::parse(b"a\tb\n1\t2\n", "t.csv").unwrap();
        assert_eq!((tabs.delimiter, tabs.rows[0].cells.len()), (b'\t', 2));
    }

    #[test]
    fn refuses_non_utf8_duplicate_and_unnamed_columns() {
        let err = Table::parse(b"a,b\n\xff,1\n", "t.csv")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 2") && err.contains("UTF-8"), "{err}");
        let err = Table::parse(b"a,a\n1,2\n", "t.csv")
            .unwrap_err()
            .to_string();
        assert!(err.contains("both called \"a\""), "{err}");
        let err = Table::parse(b"a,,c\n", "t.csv").unwrap_err().to_string();
        assert!(err.contains("column 2"), "{err}");
    }
}
