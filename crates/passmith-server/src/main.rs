//! `passmith-server`: parses the configuration, starts the server, prints where it listens, and
//! on SIGTERM or Ctrl-C shuts down gracefully: in-flight requests and pushes finish (up to
//! `--shutdown-timeout`), unsent pushes stay queued.

use std::io::Write;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = passmith_server::Args::parse().resolve()?;
    passmith_server::logging::init(config.log_format);
    let timeout = Duration::from_secs(config.shutdown_timeout_secs);
    let mut running = passmith_server::start(config).await?;
    // Scripts and tests read this line to learn the port when listening on :0.
    println!("passmith-server listening on http://{}", running.addr);
    std::io::stdout().flush().ok();
    tokio::select! {
        r = &mut running.serve => {
            r.context("server task failed")?.context("server stopped")?;
            return Ok(());
        }
        signal = stop_signal() => {
            tracing::info!(signal, timeout_secs = timeout.as_secs(), "shutting down: no new connections; finishing in-flight requests and pushes");
        }
    }
    let started = Instant::now();
    running.shutdown();
    let drained = tokio::time::timeout(timeout, async {
        let served = (&mut running.serve).await;
        let _ = (&mut running.worker).await;
        if let Some(google) = running.google_worker.as_mut() {
            let _ = google.await;
        }
        served
    })
    .await;
    match drained {
        Ok(r) => {
            r.context("server task failed")?.context("server stopped")?;
            tracing::info!(
                ms = started.elapsed().as_millis() as u64,
                "shutdown complete"
            );
        }
        Err(_) => tracing::warn!(
            timeout_secs = timeout.as_secs(),
            "shutdown timed out; requests still running were cut off, claimed pushes return to the queue when their lease ends"
        ),
    }
    Ok(())
}

/// Resolves with the signal's name on SIGTERM (what service managers send) or Ctrl-C.
async fn stop_signal() -> &'static str {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => tokio::select! {
                _ = term.recv() => "SIGTERM",
                _ = tokio::signal::ctrl_c() => "SIGINT",
            },
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                "SIGINT"
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
        "SIGINT"
    }
}
