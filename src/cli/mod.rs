//! The command line: one module per subcommand. Exit codes are the same everywhere:
//! 0 success, 1 the pass has errors (or the operation failed), 2 the input could not be read.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub mod batch;
pub mod batch_google;
pub mod build;
pub mod bundle;
pub mod google;
pub mod image;
pub mod inspect;
pub mod mail;
pub mod preview;
pub mod share;
pub mod upload;
pub mod validate;

/// Success.
pub const EXIT_OK: u8 = 0;
/// The pass has errors, or the operation failed.
pub const EXIT_FAILED: u8 = 1;
/// The input could not be read at all.
pub const EXIT_UNREADABLE: u8 = 2;

/// Design, sign and export Apple Wallet passes.
///
/// Run without a subcommand to open the designer.
#[derive(Debug, Parser)]
#[command(name = "passmith", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Open the designer window on a sample pass, draw a few frames and exit (0 = it works).
    #[arg(long)]
    pub smoke_test: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a pass folder or .pkpass and list what is wrong with it.
    Validate(validate::Args),
    /// Sign a pass folder and write a .pkpass.
    Build(build::Args),
    /// Make one signed .pkpass per row of a CSV, from one pass folder with {{column}} placeholders.
    Batch(batch::Args),
    /// Show identity, signature, manifest and findings of a .pkpass.
    Inspect(inspect::Args),
    /// Put several .pkpass files into one .pkpasses bundle.
    Bundle(bundle::Args),
    /// Turn a pass into a Google Wallet class and object, with a signed "Save to Google Wallet" link.
    Google(google::Args),
    /// Render a pass to PNG as Wallet shows it (front, and optionally the back).
    Preview(preview::Args),
    /// Upload signed passes to a passmith-server so devices get updates.
    Upload(upload::Args),
    /// E-mail each pass of a batch (its manifest.csv) to the address in its row.
    Mail(mail::Args),
    /// Write a folder for a static web host: the pass, its "Add to Apple Wallet" page and QR code.
    Share(share::Args),
    /// Set an image slot from one picture, or list the pass's images and their sizes.
    Image(image::Args),
    /// Open a .pass folder or .pkpass in the designer.
    Open {
        /// The pass to open.
        path: std::path::PathBuf,
    },
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Some(Command::Validate(args)) => validate::run(args),
        Some(Command::Build(args)) => build::run(args),
        Some(Command::Batch(args)) => batch::run(args),
        Some(Command::Inspect(args)) => inspect::run(args),
        Some(Command::Bundle(args)) => bundle::run(args),
        Some(Command::Google(args)) => google::run(args),
        Some(Command::Preview(args)) => preview::run(args),
        Some(Command::Upload(args)) => upload::run(args),
        Some(Command::Mail(args)) => mail::run(args),
        Some(Command::Share(args)) => share::run(args),
        Some(Command::Image(args)) => image::run(args),
        Some(Command::Open { path }) => designer(Some(path), cli.smoke_test),
        None => designer(None, cli.smoke_test),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(EXIT_FAILED)
        }
    }
}

/// Opens the designer window (the default when no subcommand is given).
fn designer(open: Option<std::path::PathBuf>, smoke_test: bool) -> anyhow::Result<u8> {
    const SMOKE_FRAMES: u64 = 5;
    if smoke_test {
        // A window that never draws (broken GL, no display) must fail the check, not hang CI.
        let _ = std::thread::Builder::new()
            .name("smoke-test-watchdog".into())
            .spawn(|| {
                std::thread::sleep(std::time::Duration::from_secs(120));
                eprintln!("smoke test: the window did not draw {SMOKE_FRAMES} frames within 120 s");
                std::process::exit(i32::from(EXIT_FAILED));
            });
    }
    let report = passmith::app::run(open, smoke_test.then_some(SMOKE_FRAMES))?;
    if smoke_test {
        if let Some(err) = report.open_error {
            anyhow::bail!("smoke test: the pass could not be opened: {err}");
        }
        if report.frames < SMOKE_FRAMES {
            anyhow::bail!(
                "smoke test: only {} of {SMOKE_FRAMES} frames were drawn",
                report.frames
            );
        }
        if !report.preview_rendered {
            anyhow::bail!("smoke test: the preview was not rendered");
        }
        println!(
            "smoke test: drew {} frames of {} ({} errors, {} warnings)",
            report.frames, report.title, report.errors, report.warnings
        );
        println!("smoke test: organization: {}", report.organization);
        for notice in &report.notices {
            println!("smoke test: notice: {notice}");
        }
    }
    Ok(EXIT_OK)
}
