//! Running a [`Plan`]: every row through the export gate on a thread pool, each `.pkpass`
//! streamed to a temporary name and renamed, then `manifest.csv` and the optional bundles.
//!
//! Speed comes from doing shared work once: the design's images are hashed once
//! ([`Gate::sharing_files_of`]), pass.json is filled from the parsed template, one identity is
//! shared by every thread, and each zip goes straight to its file. Memory stays bounded: a row's
//! document shares the design's images, and nothing but a row's result outlives the row.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::Serialize;

use super::{BatchError, Plan, RowFailure};
use crate::atomic::{PendingFile, remove_stale_temporaries, sync_folder, write_file_atomically};
use crate::error::Error;
use crate::export::{Gate, Refused};
use crate::finding::Finding;

/// How to run a batch.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// The folder the passes go into (created when missing).
    pub out_dir: PathBuf,
    /// Worker threads; 0 = two per core (each waits on the disk after writing a pass, so a core
    /// signs the next one meanwhile).
    pub jobs: usize,
    /// Keep rows whose `.pkpass` already exists and verifies, instead of writing them again.
    pub resume: bool,
    /// Also write `.pkpasses` bundles of up to 10 passes.
    pub bundle: bool,
}

/// How far a run is, reported after each row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
    pub written: usize,
    pub failed: usize,
    pub elapsed: Duration,
}

impl Progress {
    /// Rows per second so far.
    pub fn rate(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 {
            self.done as f64 / secs
        } else {
            0.0
        }
    }

    /// The time left at the rate so far, once there is a rate.
    pub fn remaining(&self) -> Option<Duration> {
        let rate = self.rate();
        (rate > 0.0).then(|| Duration::from_secs_f64((self.total - self.done) as f64 / rate))
    }
}

/// A row that has its `.pkpass` in the output folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Written {
    pub row: usize,
    pub line: u64,
    pub serial: String,
    /// The file name in the output folder.
    pub file: String,
    /// The pass's authentication token, when it has a web service.
    pub token: Option<String>,
    /// It was already there and verified (`resume`), so it was not written again.
    pub resumed: bool,
}

/// What a run did.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub written: Vec<Written>,
    pub failed: Vec<RowFailure>,
    /// Stopped by the caller before every row was done; run again with `resume` to finish.
    pub cancelled: bool,
    pub seconds: f64,
    /// Passes written (not resumed) per second.
    pub passes_per_second: f64,
    pub manifest: PathBuf,
    pub bundles: Vec<PathBuf>,
    /// The warnings of the first pass written (the design's own, shared by every row).
    pub warnings: Vec<Finding>,
    /// Warnings only some rows have (a barcode message one row's cell cannot be encoded in),
    /// by row; the pass was still written.
    pub row_warnings: Vec<RowWarnings>,
}

/// The warnings of one written row beyond the design's own.
#[derive(Debug, Clone, Serialize)]
pub struct RowWarnings {
    pub row: usize,
    pub line: u64,
    pub findings: Vec<Finding>,
}

enum Outcome {
    Written(Written, Vec<Finding>),
    Failed(RowFailure),
    NotStarted,
}

/// Runs `plan` through `gate` into `opts.out_dir`. `cancel` stops it between rows (rows being
/// written are finished); `progress` is called after each row, from the worker threads.
pub fn run(
    plan: &Plan,
    gate: &Gate<'_>,
    opts: &RunOptions,
    cancel: &AtomicBool,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<Report, BatchError> {
    let started = Instant::now();
    std::fs::create_dir_all(&opts.out_dir)
        .map_err(|e| Error::io("create the folder", &opts.out_dir, e))?;
    remove_stale_temporaries(&opts.out_dir, ".pkpass");
    let jobs = match opts.jobs {
        0 => 2 * std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .thread_name(|i| format!("passmith-batch-{i}"))
        .build()
        .map_err(|e| BatchError::Start {
            reason: format!("could not start the worker threads ({e})"),
        })?;
    let total = plan.table().rows.len();
    // Every row is filled in and validated before anything is written, so a bad row is known
    // (and reported with its line) up front, and the first pass written is a good one.
    let checked: Vec<Option<RowFailure>> = pool.install(|| {
        (0..total)
            .into_par_iter()
            .map(|i| check_row(plan, gate, i))
            .collect()
    });
    let (good, bad): (Vec<usize>, Vec<RowFailure>) = {
        let mut good = Vec::new();
        let mut bad = Vec::new();
        for (i, failure) in checked.into_iter().enumerate() {
            match failure {
                None => good.push(i),
                Some(f) => bad.push(f),
            }
        }
        (good, bad)
    };
    let done = AtomicUsize::new(bad.len());
    let written = AtomicUsize::new(0);
    let failed = AtomicUsize::new(bad.len());
    if !bad.is_empty() {
        progress(Progress {
            done: bad.len(),
            total,
            written: 0,
            failed: bad.len(),
            elapsed: started.elapsed(),
        });
    }
    let one_row = |index: usize| {
        let outcome = if cancel.load(Ordering::Relaxed) {
            Outcome::NotStarted
        } else {
            write_row(plan, gate, opts, index)
        };
        match &outcome {
            Outcome::Written(..) => written.fetch_add(1, Ordering::Relaxed),
            Outcome::Failed(_) => failed.fetch_add(1, Ordering::Relaxed),
            Outcome::NotStarted => return outcome,
        };
        progress(Progress {
            done: done.fetch_add(1, Ordering::Relaxed) + 1,
            total,
            written: written.load(Ordering::Relaxed),
            failed: failed.load(Ordering::Relaxed),
            elapsed: started.elapsed(),
        });
        outcome
    };
    // The first good row alone, read back in full as an iPhone would: a problem with the
    // package itself (signature, intermediate) shows once, before thousands of copies are made.
    let mut outcomes: Vec<Outcome> = bad.into_iter().map(Outcome::Failed).collect();
    if let Some((&first_index, rest)) = good.split_first() {
        let first = one_row(first_index);
        if let Outcome::Written(w, _) = &first
            && !w.resumed
        {
            let path = opts.out_dir.join(&w.file);
            let bytes = std::fs::read(&path).map_err(|e| Error::io("read", &path, e))?;
            if let Err(refused) = gate.read_back(&bytes, Vec::new()) {
                let _ = std::fs::remove_file(&path);
                return Err(BatchError::Refused(refused));
            }
        }
        outcomes.push(first);
        let rest: Vec<Outcome> = pool.install(|| rest.par_iter().map(|&i| one_row(i)).collect());
        outcomes.extend(rest);
    }

    let mut report = Report {
        written: Vec::new(),
        failed: Vec::new(),
        cancelled: false,
        seconds: 0.0,
        passes_per_second: 0.0,
        manifest: opts.out_dir.join("manifest.csv"),
        bundles: Vec::new(),
        warnings: Vec::new(),
        row_warnings: Vec::new(),
    };
    for outcome in outcomes {
        match outcome {
            Outcome::Written(w, warnings) => {
                if report.written.is_empty() {
                    report.warnings = warnings;
                } else {
                    let own: Vec<Finding> = warnings
                        .into_iter()
                        .filter(|f| {
                            !report
                                .warnings
                                .iter()
                                .any(|d| d.code == f.code && d.path == f.path)
                        })
                        .collect();
                    if !own.is_empty() {
                        report.row_warnings.push(RowWarnings {
                            row: w.row,
                            line: w.line,
                            findings: own,
                        });
                    }
                }
                report.written.push(w);
            }
            Outcome::Failed(f) => report.failed.push(f),
            Outcome::NotStarted => report.cancelled = true,
        }
    }
    report.written.sort_by_key(|w| w.row);
    report.failed.sort_by_key(|f| f.row);
    report.row_warnings.sort_by_key(|r| r.row);
    sync_folder(&opts.out_dir)?;
    write_manifest(plan, &report.written, &report.manifest)?;
    if opts.bundle && !report.cancelled {
        report.bundles = write_bundles(&opts.out_dir, &report.written)?;
    }
    report.seconds = started.elapsed().as_secs_f64();
    let new = report.written.iter().filter(|w| !w.resumed).count();
    if report.seconds > 0.0 {
        report.passes_per_second = new as f64 / report.seconds;
    }
    Ok(report)
}

fn write_row(plan: &Plan, gate: &Gate<'_>, opts: &RunOptions, index: usize) -> Outcome {
    let row = match plan.personalise(index) {
        Ok(row) => row,
        Err(failure) => return Outcome::Failed(failure),
    };
    let (number, line) = plan
        .table()
        .rows
        .get(index)
        .map_or((index + 1, 0), |r| (r.number, r.line));
    let fail = |reason: String, findings: Vec<Finding>| {
        Outcome::Failed(RowFailure {
            row: number,
            line,
            column: None,
            reason,
            findings,
        })
    };
    let target = opts.out_dir.join(&row.file);
    let done = |token: Option<String>, resumed: bool, warnings: Vec<Finding>| {
        Outcome::Written(
            Written {
                row: number,
                line,
                serial: row.serial.clone(),
                file: row.file.clone(),
                token,
                resumed,
            },
            warnings,
        )
    };
    if opts.resume
        && let Some(token) = verified_token(&target, &row.serial, gate.now_unix())
    {
        return done(token, true, Vec::new());
    }
    let mut pending = match PendingFile::create(&target) {
        Ok(p) => p,
        Err(e) => return fail(e.to_string(), Vec::new()),
    };
    let Some(writer) = pending.writer() else {
        return fail(format!("could not write {}", target.display()), Vec::new());
    };
    match gate.write(&row.document, writer) {
        Ok(warnings) => match pending.commit() {
            Ok(()) => done(
                row.document.pass.authentication_token.clone(),
                false,
                warnings,
            ),
            Err(e) => fail(e.to_string(), Vec::new()),
        },
        Err(Refused::Blocked { findings }) => fail(not_valid(&findings), findings),
        Err(Refused::Failed(e)) => fail(e.to_string(), Vec::new()),
    }
}

/// Row `index` filled in and checked by the gate, without signing: its failure, if any.
fn check_row(plan: &Plan, gate: &Gate<'_>, index: usize) -> Option<RowFailure> {
    let row = match plan.personalise(index) {
        Ok(row) => row,
        Err(failure) => return Some(failure),
    };
    let findings = gate.check(&row.document);
    if !findings.iter().any(Finding::is_error) {
        return None;
    }
    let (number, line) = plan
        .table()
        .rows
        .get(index)
        .map_or((index + 1, 0), |r| (r.number, r.line));
    Some(RowFailure {
        row: number,
        line,
        column: None,
        reason: not_valid(&findings),
        findings,
    })
}

/// The reason a row's pass was refused: its errors, in words.
fn not_valid(findings: &[Finding]) -> String {
    let errors: Vec<&str> = findings
        .iter()
        .filter(|f| f.is_error())
        .map(|f| f.message.as_str())
        .collect();
    format!("the pass is not valid: {}", errors.join(" "))
}

/// The token of an existing `.pkpass` at `path` that is intact (manifest and signature check out)
/// and is this row's pass; `None` when it must be written again.
fn verified_token(path: &Path, serial: &str, now_unix: i64) -> Option<Option<String>> {
    let bytes = std::fs::read(path).ok()?;
    let opened = crate::archive::read_pkpass(&bytes, now_unix).ok()?;
    let intact = opened.package.as_ref().is_some_and(|p| p.is_intact());
    (intact && opened.document.pass.serial_number == serial)
        .then(|| opened.document.pass.authentication_token.clone())
}

/// `manifest.csv`: row, serial, file, token and every input column, one line per pass written,
/// ready for a mail merge.
/// Writes `manifest.csv` again with `extra` columns after the standard ones: a name and each
/// pass's value by file name (empty where a pass has none), e.g. the download link an upload
/// gave each pass.
pub fn write_manifest_with(
    plan: &Plan,
    report: &Report,
    extra: &[(&str, &std::collections::HashMap<String, String>)],
) -> Result<(), BatchError> {
    write_manifest_columns(plan, &report.written, &report.manifest, extra)
}

fn write_manifest(plan: &Plan, written: &[Written], path: &Path) -> Result<(), BatchError> {
    write_manifest_columns(plan, written, path, &[])
}

fn write_manifest_columns(
    plan: &Plan,
    written: &[Written],
    path: &Path,
    extra: &[(&str, &std::collections::HashMap<String, String>)],
) -> Result<(), BatchError> {
    let table = plan.table();
    let mut out = csv::Writer::from_writer(Vec::new());
    let csv_error = |e: csv::Error| Error::Package {
        reason: format!("could not write manifest.csv ({e})"),
    };
    let mut header = vec!["row", "serial", "file", "token"];
    header.extend(table.columns.iter().map(|c| c.name.as_str()));
    header.extend(extra.iter().map(|(name, _)| *name));
    out.write_record(&header).map_err(csv_error)?;
    for w in written {
        let Some(row) = table.rows.get(w.row - 1) else {
            continue;
        };
        let number = w.row.to_string();
        let mut record = vec![
            number.as_str(),
            w.serial.as_str(),
            w.file.as_str(),
            w.token.as_deref().unwrap_or(""),
        ];
        record.extend(row.cells.iter().map(String::as_str));
        for (_, values) in extra {
            record.push(values.get(&w.file).map_or("", String::as_str));
        }
        out.write_record(&record).map_err(csv_error)?;
    }
    let bytes = out.into_inner().map_err(|e| Error::Package {
        reason: format!("could not write manifest.csv ({e})"),
    })?;
    write_file_atomically(path, &bytes)?;
    Ok(())
}

/// `passes-0001.pkpasses`, … with up to 10 passes each, in row order.
fn write_bundles(dir: &Path, written: &[Written]) -> Result<Vec<PathBuf>, BatchError> {
    let mut out = Vec::new();
    for (i, chunk) in written
        .chunks(crate::package::MAX_BUNDLE_PASSES)
        .enumerate()
    {
        let mut passes = Vec::with_capacity(chunk.len());
        for w in chunk {
            let path = dir.join(&w.file);
            let bytes = std::fs::read(&path).map_err(|e| Error::io("read", &path, e))?;
            passes.push((w.file.clone(), bytes));
        }
        let bundle = crate::package::bundle_pkpasses(&passes)?;
        let path = dir.join(format!("passes-{:04}.pkpasses", i + 1));
        write_file_atomically(&path, &bundle)?;
        out.push(path);
    }
    Ok(out)
}
