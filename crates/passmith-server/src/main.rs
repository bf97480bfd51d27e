//! `passmith-server`: parses the configuration, starts the server and prints where it listens.

use std::io::Write;

use anyhow::Context;
use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PASSMITH_SERVER_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let config = passmith_server::Args::parse().resolve()?;
    let running = passmith_server::start(config).await?;
    // Scripts and tests read this line to learn the port when listening on :0.
    println!("passmith-server listening on http://{}", running.addr);
    std::io::stdout().flush().ok();
    tokio::select! {
        r = running.serve => { r.context("server task failed")?.context("server stopped")?; }
        _ = tokio::signal::ctrl_c() => { tracing::info!("shutting down"); }
    }
    Ok(())
}
