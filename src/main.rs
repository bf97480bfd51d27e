//! `passmith`: with no subcommand (or `open PATH`) it opens the designer window; with a
//! subcommand it is the command-line interface used by scripts and CI.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    cli::run(args)
}
