//! `passmith batch … --google --issuer-id ID [--google-key sa.json] [--image-base-url URL]`: for
//! each row written, its Google Wallet object and save link, through the export gate's Google
//! path like `passmith google`. The rows share one class (the design's), written once.
//!
//! Files, in `<output>/google/`: `class.json`, and per row `<serial>.object.json` and (with a
//! key) `<serial>.link.txt`.

use std::path::{Path, PathBuf};

use passmith_core::batch::{Plan, Report};
use passmith_core::export::{GoogleExportOptions, prepare_google};
use passmith_core::google::MapOptions;
use passmith_core::google::jwt::ServiceAccountKey;
use serde::Serialize;

use super::build::Stop;

/// The Google part of a batch's summary.
#[derive(Debug, Default, Serialize)]
pub struct GoogleBatch {
    pub dir: PathBuf,
    pub objects: usize,
    pub links: usize,
    /// Rows Google would refuse: row, serial and the error codes.
    pub failed: Vec<GoogleRowFailure>,
    /// The design's Google findings (those of the first row).
    pub warnings: Vec<passmith_core::Finding>,
}

#[derive(Debug, Serialize)]
pub struct GoogleRowFailure {
    pub row: usize,
    pub line: u64,
    pub serial: String,
    pub reason: String,
}

/// Reads the service-account key before the batch starts, so a bad key stops nothing half-way.
pub(super) fn read_key(path: Option<&Path>) -> Result<Option<ServiceAccountKey>, Stop> {
    let Some(path) = path else {
        return Ok(None);
    };
    let bytes = std::fs::read(path).map_err(|e| {
        Stop::unreadable(format!("cannot read the key file {}: {e}", path.display()))
    })?;
    ServiceAccountKey::from_json(&bytes)
        .map(Some)
        .map_err(|e| Stop::unreadable(format!("{}: {e}", path.display())))
}

/// Writes the Google files of every row `report` wrote.
pub(super) fn write_all(
    plan: &Plan,
    report: &Report,
    out_dir: &Path,
    map: &MapOptions,
    key: Option<&ServiceAccountKey>,
    now_unix: i64,
) -> Result<GoogleBatch, Stop> {
    let dir = out_dir.join("google");
    std::fs::create_dir_all(&dir)
        .map_err(|e| Stop::failed(format!("cannot create {}: {e}", dir.display())))?;
    let write = |name: &str, bytes: &[u8]| {
        passmith_core::document::write_file_atomically(&dir.join(name), bytes)
            .map_err(|e| Stop::failed(e.to_string()))
    };
    let mut summary = GoogleBatch {
        dir: dir.clone(),
        ..GoogleBatch::default()
    };
    let opts = GoogleExportOptions {
        now_unix,
        map: map.clone(),
        key,
        origins: Vec::new(),
    };
    let mut class_written = false;
    for w in &report.written {
        // `row` is the row's number in the CSV, not its index in the table.
        let index = plan
            .table()
            .rows
            .iter()
            .position(|r| r.number == w.row)
            .unwrap_or(w.row.saturating_sub(1));
        let doc = match plan.personalise(index) {
            Ok(p) => p.document,
            Err(failure) => {
                summary.failed.push(GoogleRowFailure {
                    row: w.row,
                    line: w.line,
                    serial: w.serial.clone(),
                    reason: failure.to_string(),
                });
                continue;
            }
        };
        let out = match prepare_google(&doc, &opts) {
            Ok(out) => out,
            Err(refused) => {
                let codes: Vec<&str> = refused
                    .findings()
                    .iter()
                    .filter(|f| f.is_error())
                    .map(|f| f.code.as_str())
                    .collect();
                summary.failed.push(GoogleRowFailure {
                    row: w.row,
                    line: w.line,
                    serial: w.serial.clone(),
                    reason: if codes.is_empty() {
                        refused.to_string()
                    } else {
                        format!("Google Wallet would refuse it ({})", codes.join(", "))
                    },
                });
                continue;
            }
        };
        // The same name as the row's .pkpass, so the files of one row go together.
        let stem = w.file.strip_suffix(".pkpass").unwrap_or(&w.file);
        if !class_written {
            write("class.json", format!("{:#}\n", out.mapped.class).as_bytes())?;
            summary.warnings = out.warnings.clone();
            class_written = true;
        }
        write(
            &format!("{stem}.object.json"),
            format!("{:#}\n", out.mapped.object).as_bytes(),
        )?;
        summary.objects += 1;
        if let Some(link) = &out.link {
            write(
                &format!("{stem}.link.txt"),
                format!("{}\n", link.url()).as_bytes(),
            )?;
            summary.links += 1;
        }
    }
    Ok(summary)
}
