//! `passmith validate` (not implemented yet).

/// Arguments of `passmith validate`.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> anyhow::Result<u8> {
    anyhow::bail!("`passmith validate` is not available yet")
}
