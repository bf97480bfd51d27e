//! `passmith build` (not implemented yet).

/// Arguments of `passmith build`.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> anyhow::Result<u8> {
    anyhow::bail!("`passmith build` is not available yet")
}
