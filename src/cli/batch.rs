//! `passmith batch <PASS_DIR> --csv data.csv --cert id.p12 -o OUT/`: one signed `.pkpass` per CSV
//! row (see `passmith_core::batch` for placeholders and columns), a `manifest.csv` for mail merge,
//! optionally `.pkpasses` bundles and an upload of every pass.
//!
//! Exit codes: 0 every row written, 1 some rows failed (the others are written) or the run was
//! interrupted (run again with `--resume`), 2 nothing could start (an input cannot be read, the
//! CSV does not fit the design, the certificate cannot be used).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use passmith_core::batch::{self, Plan, Report, RunOptions, Table, Template};
use passmith_core::export::{ExportOptions, Gate};

use super::build::{Signing, Stop, load_identity, read_wwdr};
use super::{EXIT_FAILED, EXIT_OK, EXIT_UNREADABLE};

/// Arguments of `passmith batch`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The pass folder to personalise (`Name.pass/` with a pass.json using {{column}} placeholders).
    pub pass_dir: PathBuf,
    /// The CSV: a header row naming the columns, then one row per pass.
    #[arg(long)]
    pub csv: PathBuf,
    #[command(flatten)]
    pub signing: Signing,
    /// The folder to write the passes into (created when missing).
    #[arg(short, long)]
    pub output: PathBuf,
    /// Also write .pkpasses bundles of up to 10 passes.
    #[arg(long)]
    pub bundle: bool,
    /// Worker threads (default: two per core, so signing goes on while a pass is written).
    #[arg(long, default_value_t = 0)]
    pub jobs: usize,
    /// Keep passes already in the output folder that verify, and write only the rest.
    #[arg(long)]
    pub resume: bool,
    /// Print a JSON summary on stdout instead of text.
    #[arg(long)]
    pub json: bool,
    /// Upload every written pass to the passmith-server given by --server.
    #[arg(long, requires = "server")]
    pub upload: bool,
    /// Base URL of the passmith-server for --upload.
    #[arg(long, env = "PASSMITH_SERVER_URL")]
    pub server: Option<String>,
    /// File holding the server's API key (else PASSMITH_API_KEY).
    #[arg(long)]
    pub api_key_file: Option<PathBuf>,
    /// Also write each row's Google Wallet object (and, with --google-key, its save link) into
    /// <output>/google/, as `passmith google` does; needs --issuer-id.
    #[arg(long, requires = "issuer_id")]
    pub google: bool,
    /// The Google Wallet issuer ID (with --google).
    #[arg(long)]
    pub issuer_id: Option<String>,
    /// The service-account key file that signs each row's save link (with --google).
    #[arg(long, requires = "google")]
    pub google_key: Option<PathBuf>,
    /// Where the design's images are served, for Google Wallet (with --google).
    #[arg(long, requires = "google")]
    pub image_base_url: Option<String>,
}

pub fn run(args: Args) -> anyhow::Result<u8> {
    match batch_run(&args) {
        Ok(code) => Ok(code),
        Err(Stop(code, message)) => {
            if args.json {
                let summary = serde_json::json!({ "error": message, "written": 0 });
                println!("{summary}");
            }
            eprintln!("error: {message}");
            // Nothing was started: whatever the reason, that is exit 2 for a batch.
            Ok(code.max(EXIT_UNREADABLE))
        }
    }
}

fn batch_run(args: &Args) -> Result<u8, Stop> {
    let plan = plan(args)?;
    let google_key = super::batch_google::read_key(args.google_key.as_deref())?;
    let identity = load_identity(&args.signing)?;
    let wwdr = read_wwdr(&args.signing)?;
    let mut opts = ExportOptions::at(passmith_core::time::now_unix());
    opts.wwdr_pem = wwdr.as_deref();
    let gate = Gate::open(&identity, &opts).sharing_files_of(plan.template().base());
    let client = match (args.upload, &args.server) {
        (true, Some(server)) => {
            let key =
                super::upload::api_key(args.api_key_file.as_deref()).map_err(Stop::unreadable)?;
            Some(
                passmith::upload::Client::new(server, &key)
                    .map_err(|e| Stop::unreadable(e.to_string()))?,
            )
        }
        _ => None,
    };

    let cancel = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&cancel);
    // First Ctrl-C: finish the passes being written, then stop. Second: stop at once (only
    // hidden temporaries can be left; no half-written .pkpass).
    let _ = ctrlc::set_handler(move || {
        if flag.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
    });
    let bar = progress_bar(args, plan.table().rows.len());
    let run_opts = RunOptions {
        out_dir: args.output.clone(),
        jobs: args.jobs,
        resume: args.resume,
        bundle: args.bundle,
    };
    let report = batch::run(&plan, &gate, &run_opts, &cancel, &|p| {
        if let Some(bar) = &bar {
            bar.set_position(p.done as u64);
        }
    })
    .map_err(|e| Stop::unreadable(e.to_string()))?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let uploaded = match &client {
        Some(client) => upload_all(client, &args.output, &report),
        None => Vec::new(),
    };
    if let Err(e) = add_share_links(&plan, &report, &uploaded) {
        eprintln!("warning: the download links could not be added to manifest.csv: {e}");
    }
    let google = if args.google {
        let map = passmith_core::google::MapOptions {
            issuer_id: args.issuer_id.clone().unwrap_or_default(),
            type_override: None,
            image_base_url: args.image_base_url.clone(),
            language: None,
            format_value: Some(passmith_preview::format_field_value),
        };
        Some(super::batch_google::write_all(
            &plan,
            &report,
            &args.output,
            &map,
            google_key.as_ref(),
            passmith_core::time::now_unix(),
        )?)
    } else {
        None
    };
    print_report(args, &report, &uploaded, google.as_ref());
    let upload_failed = uploaded.iter().any(|(_, r)| r.is_err());
    let google_failed = google.as_ref().is_some_and(|g| !g.failed.is_empty());
    Ok(
        if report.failed.is_empty() && !report.cancelled && !upload_failed && !google_failed {
            EXIT_OK
        } else {
            EXIT_FAILED
        },
    )
}

fn plan(args: &Args) -> Result<Plan, Stop> {
    let files = passmith_core::folder::open_dir(&args.pass_dir)
        .and_then(|_| passmith_core::folder::read_files(&args.pass_dir))
        .map_err(|e| {
            Stop::unreadable(format!(
                "cannot read the pass folder {}: {e}",
                args.pass_dir.display()
            ))
        })?;
    let template = Template::from_files(files)
        .map_err(|e| Stop::unreadable(format!("{}: {e}", args.pass_dir.display())))?;
    let bytes = std::fs::read(&args.csv).map_err(|e| {
        Stop::unreadable(format!("cannot read the CSV {}: {e}", args.csv.display()))
    })?;
    let table = Table::parse(&bytes, &args.csv.display().to_string())
        .map_err(|e| Stop::unreadable(e.to_string()))?;
    let image_dir = args.csv.parent().unwrap_or(Path::new("."));
    Plan::new(template, table, image_dir).map_err(|e| Stop::unreadable(e.to_string()))
}

fn progress_bar(args: &Args, rows: usize) -> Option<indicatif::ProgressBar> {
    if args.json || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(rows as u64);
    let style = indicatif::ProgressStyle::with_template(
        "{bar:40} {pos}/{len} passes  {per_sec}  {eta} left",
    )
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    Some(bar)
}

/// A file name and what uploading it gave: its download link, if the server made one.
type UploadResult = (String, Result<Option<String>, String>);

fn upload_all(client: &passmith::upload::Client, dir: &Path, report: &Report) -> Vec<UploadResult> {
    let mut out = Vec::new();
    for w in &report.written {
        let path = dir.join(&w.file);
        let result = std::fs::read(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))
            .and_then(|bytes| {
                client
                    .upload(&bytes)
                    .map(|up| up.share_url)
                    .map_err(|e| e.to_string())
            });
        let stop = result.is_err();
        out.push((w.file.clone(), result));
        // The same key or server would refuse every other pass too.
        if stop && out.len() == 1 {
            break;
        }
    }
    out
}

/// Adds each uploaded pass's download link to manifest.csv (`share_url`), for the mail merge.
fn add_share_links(plan: &Plan, report: &Report, uploaded: &[UploadResult]) -> Result<(), String> {
    let links: std::collections::HashMap<String, String> = uploaded
        .iter()
        .filter_map(|(file, r)| {
            r.as_ref()
                .ok()
                .cloned()
                .flatten()
                .map(|url| (file.clone(), url))
        })
        .collect();
    if links.is_empty() {
        return Ok(());
    }
    batch::write_manifest_with(plan, report, &[("share_url", &links)]).map_err(|e| e.to_string())
}

fn print_report(
    args: &Args,
    report: &Report,
    uploaded: &[UploadResult],
    google: Option<&super::batch_google::GoogleBatch>,
) {
    let new = report.written.iter().filter(|w| !w.resumed).count();
    let resumed = report.written.len() - new;
    if args.json {
        let upload_errors: Vec<_> = uploaded
            .iter()
            .filter_map(|(file, r)| {
                r.as_ref()
                    .err()
                    .map(|e| serde_json::json!({"file": file, "reason": e}))
            })
            .collect();
        let summary = serde_json::json!({
            "written": new,
            "resumed": resumed,
            "failed": report.failed,
            "cancelled": report.cancelled,
            "seconds": report.seconds,
            "passes_per_second": report.passes_per_second,
            "output": args.output,
            "manifest": report.manifest,
            "bundles": report.bundles,
            "uploaded": uploaded.iter().filter(|(_, r)| r.is_ok()).count(),
            "upload_errors": upload_errors,
            "warnings": report.warnings,
            "row_warnings": report.row_warnings,
            "google": google,
        });
        println!("{summary}");
        return;
    }
    for warning in &report.warnings {
        eprintln!("warning: {}: {}", warning.code, warning.message);
    }
    for row in &report.row_warnings {
        for warning in &row.findings {
            eprintln!(
                "warning: {}: line {}: {}: {}",
                args.csv.display(),
                row.line,
                warning.code,
                warning.message
            );
        }
    }
    for failure in &report.failed {
        eprintln!("error: {}: {failure}", args.csv.display());
    }
    for (file, result) in uploaded {
        if let Err(e) = result {
            eprintln!("error: upload of {file}: {e}");
        }
    }
    let mut line = format!(
        "Wrote {new} pass{} to {} in {:.1} s ({:.0} passes/s)",
        if new == 1 { "" } else { "es" },
        args.output.display(),
        report.seconds,
        report.passes_per_second
    );
    if resumed > 0 {
        line.push_str(&format!("; {resumed} already there were kept"));
    }
    if !report.failed.is_empty() {
        line.push_str(&format!(
            "; {} row(s) failed, listed above",
            report.failed.len()
        ));
    }
    if !uploaded.is_empty() {
        let ok = uploaded.iter().filter(|(_, r)| r.is_ok()).count();
        line.push_str(&format!("; uploaded {ok}"));
    }
    println!("{line}. Manifest: {}", report.manifest.display());
    if let Some(g) = google {
        for warning in &g.warnings {
            eprintln!("warning: {}: {}", warning.code, warning.message);
        }
        for failure in &g.failed {
            eprintln!(
                "error: {}: line {}: no Google Wallet object for {}: {}",
                args.csv.display(),
                failure.line,
                failure.serial,
                failure.reason
            );
        }
        println!(
            "Google Wallet: {} object(s) and {} save link(s) in {}{}.",
            g.objects,
            g.links,
            g.dir.display(),
            if g.failed.is_empty() {
                String::new()
            } else {
                format!("; {} row(s) refused, listed above", g.failed.len())
            }
        );
    }
    if report.cancelled {
        println!("Stopped before the end. Run the same command with --resume to finish.");
    }
}
