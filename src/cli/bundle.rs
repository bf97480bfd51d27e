//! `passmith bundle -o OUT.pkpasses A.pkpass B.pkpass …`: several signed passes in one download
//! (Safari adds them all at once). Apple allows at most 10 passes per bundle.
//!
//! Each input is opened first, so a damaged or unsigned file is named before anything is
//! written. Exit codes: 0 written, 1 not written (too many passes, a pass that is not intact),
//! 2 an input could not be read.

use std::path::PathBuf;

use passmith_core::archive;
use passmith_core::package;

use super::{EXIT_FAILED, EXIT_OK, EXIT_UNREADABLE};

/// Arguments of `passmith bundle`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to write the .pkpasses bundle.
    #[arg(short, long)]
    pub output: PathBuf,
    /// The signed .pkpass files to put in the bundle (at most 10).
    #[arg(required = true)]
    pub passes: Vec<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<u8> {
    if args.passes.len() > package::MAX_BUNDLE_PASSES {
        eprintln!(
            "error: {} passes were given, but a .pkpasses bundle holds at most {} (Apple's limit). Split them into several bundles.",
            args.passes.len(),
            package::MAX_BUNDLE_PASSES
        );
        return Ok(EXIT_FAILED);
    }
    let mut passes = Vec::new();
    for path in &args.passes {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", path.display());
                return Ok(EXIT_UNREADABLE);
            }
        };
        match archive::read_pkpass(&bytes, passmith_core::time::now_unix()) {
            Ok(opened) => {
                let intact = opened.package.as_ref().is_some_and(|r| r.is_intact());
                if !intact {
                    eprintln!(
                        "error: {} is not a correctly signed pass (run `passmith inspect {}` to see why); it was not bundled.",
                        path.display(),
                        path.display()
                    );
                    return Ok(EXIT_FAILED);
                }
            }
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", path.display());
                return Ok(EXIT_UNREADABLE);
            }
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "pass.pkpass".to_owned());
        passes.push((name, bytes));
    }
    let bundle = match package::bundle_pkpasses(&passes) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(EXIT_FAILED);
        }
    };
    if let Err(e) = passmith_core::document::write_file_atomically(&args.output, &bundle) {
        eprintln!("error: {e}");
        return Ok(EXIT_FAILED);
    }
    println!(
        "Wrote {} with {} pass{} ({} bytes).",
        args.output.display(),
        passes.len(),
        if passes.len() == 1 { "" } else { "es" },
        bundle.len()
    );
    Ok(EXIT_OK)
}
