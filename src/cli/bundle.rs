//! `passmith bundle` (not implemented yet).

/// Arguments of `passmith bundle`.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> anyhow::Result<u8> {
    anyhow::bail!("`passmith bundle` is not available yet")
}
