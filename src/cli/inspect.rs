//! `passmith inspect` (not implemented yet).

/// Arguments of `passmith inspect`.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> anyhow::Result<u8> {
    anyhow::bail!("`passmith inspect` is not available yet")
}
