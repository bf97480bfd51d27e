//! The command line: one module per subcommand. Exit codes are the same everywhere:
//! 0 success, 1 the pass has errors (or the operation failed), 2 the input could not be read.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub mod build;
pub mod bundle;
pub mod inspect;
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
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a pass folder or .pkpass and list what is wrong with it.
    Validate(validate::Args),
    /// Sign a pass folder and write a .pkpass.
    Build(build::Args),
    /// Show identity, signature, manifest and findings of a .pkpass.
    Inspect(inspect::Args),
    /// Put several .pkpass files into one .pkpasses bundle.
    Bundle(bundle::Args),
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Some(Command::Validate(args)) => validate::run(args),
        Some(Command::Build(args)) => build::run(args),
        Some(Command::Inspect(args)) => inspect::run(args),
        Some(Command::Bundle(args)) => bundle::run(args),
        None => {
            use clap::CommandFactory;
            let _ = Cli::command().print_help();
            Ok(EXIT_OK)
        }
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(EXIT_FAILED)
        }
    }
}
