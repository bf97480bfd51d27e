//! Batch personalisation: one design and a CSV make a signed `.pkpass` per row.
//!
//! The flow is [`Table`] (the CSV) + [`Template`] (the design) → [`Plan`] (checked before
//! anything is written: unknown placeholders stop the batch; a row's empty cell, missing cell,
//! bad value or duplicate serial fails that row only) → [`run`] (each row through the export
//! gate, [`crate::export::Gate`], the same validation and signing as a single export, in
//! parallel, each file streamed to a temporary name and renamed).

mod run;
mod table;
mod template;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::document::PassDocument;
use crate::error::Error;
use crate::finding::Finding;

pub use run::{Progress, Report, RowWarnings, RunOptions, Written, run, write_manifest_with};
pub use table::{Column, Row, Table};
pub use template::{Kind, Mapping, Place, Template, Use};

/// Why a batch could not start. Nothing has been written when one of these is returned.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BatchError {
    #[error("{file}, line {line}: {reason}")]
    Csv {
        file: String,
        line: u64,
        reason: String,
    },
    #[error(
        "the design uses {{{{{placeholder}}}}} ({place}), but the CSV has no column \"{placeholder}\"; add that column or change the placeholder (columns: {columns})"
    )]
    UnknownPlaceholder {
        placeholder: String,
        place: Place,
        columns: String,
    },
    #[error("the CSV has a header but no rows; add one row per pass")]
    NoRows,
    #[error("the batch could not start: {reason}")]
    Start { reason: String },
    /// The first pass, read back as an iPhone would, shows a problem every pass would share.
    #[error("the first pass was refused when read back: {0}")]
    Refused(crate::export::Refused),
    #[error(transparent)]
    Engine(#[from] Error),
}

/// A row that was not written, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowFailure {
    /// 1-based data row.
    pub row: usize,
    /// The line of the CSV the row starts on.
    pub line: u64,
    /// The column at fault, when one is.
    pub column: Option<String>,
    pub reason: String,
    /// The validation findings, when the pass itself was refused.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
}

impl std::fmt::Display for RowFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}", self.line)?;
        if let Some(column) = &self.column {
            write!(f, ", column \"{column}\"")?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// One row made into a document, ready for the export gate.
#[derive(Debug, Clone)]
pub struct Personalised {
    pub document: PassDocument,
    pub serial: String,
    /// The `.pkpass` file name in the output folder.
    pub file: String,
}

/// A checked template + table: which column fills what, and each row's serial.
#[derive(Debug)]
pub struct Plan {
    template: Template,
    table: Table,
    mapping: Mapping,
    /// Where relative image paths in the CSV are found (the CSV's folder).
    image_dir: PathBuf,
    /// Row index → file name, for rows whose serial and name are usable.
    names: Vec<Result<(String, String), RowFailure>>,
}

impl Plan {
    /// Checks `table` against `template`. Placeholders without a column stop everything; a
    /// row's own problems (see the module documentation) are kept as that row's failure.
    pub fn new(template: Template, table: Table, image_dir: &Path) -> Result<Plan, BatchError> {
        let names: Vec<String> = table.columns.iter().map(|c| c.name.clone()).collect();
        let mapping = template.mapping(&names);
        if let Some((placeholder, place)) = mapping.missing.first() {
            return Err(BatchError::UnknownPlaceholder {
                placeholder: placeholder.clone(),
                place: place.clone(),
                columns: names.join(", "),
            });
        }
        if table.rows.is_empty() {
            return Err(BatchError::NoRows);
        }
        let mut plan = Plan {
            template,
            table,
            mapping,
            image_dir: image_dir.to_owned(),
            names: Vec::new(),
        };
        plan.names = plan.row_names();
        Ok(plan)
    }

    pub fn table(&self) -> &Table {
        &self.table
    }

    pub fn template(&self) -> &Template {
        &self.template
    }

    pub fn mapping(&self) -> &Mapping {
        &self.mapping
    }

    /// Each row's serial and file name, failing rows whose cells are missing or empty, and the
    /// later rows of a duplicated serial (or of two serials that make the same file name).
    fn row_names(&self) -> Vec<Result<(String, String), RowFailure>> {
        let mut first_line: HashMap<String, u64> = HashMap::new();
        let mut first_file: HashMap<String, u64> = HashMap::new();
        self.table
            .rows
            .iter()
            .map(|row| {
                self.check_cells(row)?;
                let serial = self.serial_of(row)?;
                let fail = |reason: String| RowFailure {
                    row: row.number,
                    line: row.line,
                    column: Some(self.serial_column().to_owned()),
                    reason,
                    findings: Vec::new(),
                };
                if serial.trim().is_empty() {
                    return Err(fail("the serial number is empty".to_owned()));
                }
                if let Some(line) = first_line.get(&serial) {
                    return Err(fail(format!(
                        "the serial number \"{serial}\" is already used on line {line}; every pass needs its own"
                    )));
                }
                first_line.insert(serial.clone(), row.line);
                let file = file_name(&serial);
                if let Some(line) = first_file.get(&file) {
                    return Err(fail(format!(
                        "the serial number \"{serial}\" makes the file name {file}, like the serial on line {line}; make the serials differ in letters or digits"
                    )));
                }
                first_file.insert(file.clone(), row.line);
                Ok((serial, file))
            })
            .collect()
    }

    fn serial_column(&self) -> &str {
        "serialNumber"
    }

    /// Missing cells (a short row) and empty cells in columns not marked optional.
    fn check_cells(&self, row: &Row) -> Result<(), RowFailure> {
        let fail = |column: &str, reason: String| RowFailure {
            row: row.number,
            line: row.line,
            column: Some(column.to_owned()),
            reason,
            findings: Vec::new(),
        };
        let columns = &self.table.columns;
        if row.cells.len() < columns.len() {
            let column = &columns[row.cells.len()].name;
            return Err(fail(
                column,
                format!(
                    "the row has {} cells but the header has {} columns, so \"{column}\" is missing; check the row's separators and quotes",
                    row.cells.len(),
                    columns.len()
                ),
            ));
        }
        if row.cells.len() > columns.len() {
            return Err(RowFailure {
                row: row.number,
                line: row.line,
                column: None,
                reason: format!(
                    "the row has {} cells but the header has only {} columns; check the row's separators and quotes",
                    row.cells.len(),
                    columns.len()
                ),
                findings: Vec::new(),
            });
        }
        for (column, cell) in columns.iter().zip(&row.cells) {
            if !column.optional && cell.trim().is_empty() {
                return Err(fail(
                    &column.name,
                    format!(
                        "the cell is empty; fill it in, or mark the column optional by ending its header with ? (\"{}?\")",
                        column.name
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The row's serial: from a `serialNumber` column or placeholder, else generated from the
    /// template's serial and the row number (stable, so `--resume` finds the same file).
    fn serial_of(&self, row: &Row) -> Result<String, RowFailure> {
        if let Some(i) = self.table.column("serialNumber") {
            return Ok(row.cells[i].trim().to_owned());
        }
        if self.template.serial_has_placeholder() {
            let (value, _) = self.fill(row)?;
            return Ok(value
                .get("serialNumber")
                .and_then(serde_json::Value::as_str)
                .unwrap_or_default()
                .to_owned());
        }
        Ok(format!("{}-{:05}", self.template.serial(), row.number))
    }

    fn fill(&self, row: &Row) -> Result<(serde_json::Value, PassDocument), RowFailure> {
        let cell = |name: &str| {
            self.table
                .column(name)
                .and_then(|i| row.cells.get(i))
                .cloned()
        };
        self.template.fill(&cell).map_err(|p| RowFailure {
            row: row.number,
            line: row.line,
            column: Some(p.column),
            reason: p.reason,
            findings: Vec::new(),
        })
    }

    /// Row `index` (0-based) as a document, with a new random authentication token when the
    /// pass has a web service. The document still has to pass the export gate.
    pub fn personalise(&self, index: usize) -> Result<Personalised, RowFailure> {
        let (Some(row), Some(names)) = (self.table.rows.get(index), self.names.get(index)) else {
            return Err(RowFailure {
                row: index + 1,
                line: 0,
                column: None,
                reason: format!("the CSV has only {} rows", self.table.rows.len()),
                findings: Vec::new(),
            });
        };
        let (serial, file) = names.clone()?;
        let fail = |column: Option<&str>, reason: String| RowFailure {
            row: row.number,
            line: row.line,
            column: column.map(str::to_owned),
            reason,
            findings: Vec::new(),
        };
        let (mut value, mut document) = self.fill(row)?;
        for (i, (name, uses)) in self.mapping.columns.iter().enumerate() {
            let cell = &row.cells[i];
            for u in uses {
                match u {
                    Use::Field { pointer, number } => {
                        let new = if *number {
                            template::parse_number(cell.trim())
                                .map(serde_json::Value::Number)
                                .ok_or_else(|| {
                                    fail(
                                        Some(name),
                                        format!("\"{cell}\" is not a number, but the field \"{name}\" holds a number in the design"),
                                    )
                                })?
                        } else {
                            serde_json::Value::String(cell.clone())
                        };
                        if let Some(target) = value.pointer_mut(pointer) {
                            *target = new;
                        }
                    }
                    Use::Image { file } if !cell.trim().is_empty() => {
                        let path = self.image_dir.join(cell.trim());
                        let bytes = std::fs::read(&path).map_err(|e| {
                            fail(
                                Some(name),
                                format!("could not read the image {}: {e}", path.display()),
                            )
                        })?;
                        document.files.insert(file.clone(), bytes.into());
                    }
                    Use::Serial | Use::Placeholder(_) | Use::Image { .. } => {}
                }
            }
        }
        if let Some(object) = value.as_object_mut() {
            object.insert("serialNumber".to_owned(), serial.clone().into());
            if self.template.has_web_service() {
                let token = new_token().map_err(|reason| fail(None, reason))?;
                object.insert("authenticationToken".to_owned(), token.into());
            }
        }
        document.pass = crate::json::pass_from_value(value).map_err(|e| match e {
            Error::JsonType { path, message } => fail(
                None,
                format!("after filling in the row, pass.json {path} has the wrong type: {message}"),
            ),
            other => fail(None, other.to_string()),
        })?;
        Ok(Personalised {
            document,
            serial,
            file,
        })
    }
}

/// A random authentication token: 32 hex digits from OpenSSL's generator (Apple asks for at
/// least 16 characters).
fn new_token() -> Result<String, String> {
    let mut bytes = [0u8; 16];
    openssl::rand::rand_bytes(&mut bytes)
        .map_err(|e| format!("could not make a random authentication token ({e})"))?;
    Ok(hex::encode(bytes))
}

/// The `.pkpass` name for a serial: letters, digits, `-`, `_` and `.` kept, anything else `_`.
pub fn file_name(serial: &str) -> String {
    let safe: String = serial
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let safe = safe.trim_start_matches('.');
    format!("{}.pkpass", if safe.is_empty() { "pass" } else { safe })
}
