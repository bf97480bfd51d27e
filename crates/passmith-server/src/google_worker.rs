//! The Google worker: drains the Google outbox with the push outbox's rules — claims with a
//! lease (SKIP LOCKED on PostgreSQL), retries 429/5xx/connection errors with the same backoff
//! and the same number of tries, and sends a pass once more when it changed mid-flight. Each
//! job maps the stored pass through core's export gate and syncs it with [`GoogleClient`].

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use passmith_core::export::{GoogleExportOptions, Refused, prepare_google};
use passmith_core::google::MapOptions;
use tokio::sync::{Notify, watch};

use crate::db::{Db, GoogleFinish, GoogleJob, now_secs};
use crate::google::{GoogleClient, SyncError, Synced};
use crate::metrics::Metrics;
use crate::worker::{MAX_ATTEMPTS, backoff};

/// Jobs claimed per round (each is a few requests to Google).
const BATCH: i64 = 32;
/// Longer than one job's requests with their timeouts.
const LEASE_SECS: i64 = 300;

/// What the Google worker works with.
pub struct Settings {
    pub db: Arc<Db>,
    pub metrics: Arc<Metrics>,
    pub wake: Arc<Notify>,
    pub poll: Duration,
    pub issuer_id: String,
    pub stopping: watch::Receiver<bool>,
}

/// Runs until shutdown.
pub async fn run(mut s: Settings, client: GoogleClient) {
    let client = Arc::new(client);
    loop {
        if *s.stopping.borrow() {
            break;
        }
        let jobs = match s.db.claim_google(BATCH, LEASE_SECS).await {
            Ok(jobs) => jobs,
            Err(e) => {
                tracing::error!(error = %e, "Google worker could not read its outbox");
                Vec::new()
            }
        };
        if jobs.is_empty() {
            tokio::select! {
                _ = s.wake.notified() => {}
                _ = tokio::time::sleep(s.poll) => {}
                _ = crate::stop_requested(&mut s.stopping) => {}
            }
            continue;
        }
        for job in jobs {
            let finish = if *s.stopping.borrow() {
                GoogleFinish::Release
            } else {
                let outcome = sync_one(&s, &client, &job).await;
                verdict(&s.metrics, &job, outcome)
            };
            if let Err(e) = s.db.finish_google(&job, &finish).await {
                tracing::error!(error = %e, "Google worker could not record a result; the job is retried after its lease");
            }
        }
    }
    tracing::info!("Google worker stopped; unsent syncs stay queued");
}

/// None: the pass is gone.
async fn sync_one(
    s: &Settings,
    client: &GoogleClient,
    job: &GoogleJob,
) -> Option<Result<Synced, SyncError>> {
    let data = match s.db.pass_data(&job.pass_type_id, &job.serial).await {
        Ok(Some((data, _))) => data,
        Ok(None) => return None,
        Err(e) => return Some(Err(SyncError::Retry(e.to_string()))),
    };
    let issuer_id = s.issuer_id.clone();
    let mapped = tokio::task::spawn_blocking(move || map(&data, issuer_id))
        .await
        .map_err(|e| SyncError::Retry(e.to_string()))
        .and_then(|r| r);
    Some(match mapped {
        Ok(m) => {
            client
                .sync(m.google_type, &m.class, &m.object, job.inserted)
                .await
        }
        Err(e) => Err(e),
    })
}

/// The stored .pkpass as Google Wallet takes it, through core's export gate.
fn map(data: &[u8], issuer_id: String) -> Result<passmith_core::google::Mapped, SyncError> {
    let now = passmith_core::time::now_unix();
    let opened = passmith_core::archive::read_pkpass(data, now)
        .map_err(|e| SyncError::Refused(format!("the stored pass cannot be read: {e}")))?;
    let opts = GoogleExportOptions {
        now_unix: now,
        map: MapOptions {
            issuer_id,
            // Dates, numbers and amounts as Apple shows them.
            format_value: Some(passmith_preview::format_field_value),
            ..MapOptions::default()
        },
        key: None,
        origins: Vec::new(),
    };
    match prepare_google(&opened.document, &opts) {
        Ok(out) => Ok(out.mapped),
        Err(Refused::Blocked { findings }) => {
            let errors: Vec<String> = findings
                .iter()
                .filter(|f| f.is_error())
                .map(|f| format!("{} ({})", f.message, f.code.as_str()))
                .collect();
            Err(SyncError::Refused(format!(
                "Google Wallet would refuse this pass: {}",
                errors.join("; ")
            )))
        }
        Err(Refused::Failed(e)) => Err(SyncError::Refused(e.to_string())),
    }
}

fn verdict(
    m: &Metrics,
    job: &GoogleJob,
    outcome: Option<Result<Synced, SyncError>>,
) -> GoogleFinish {
    let pass = format!("{} {}", job.pass_type_id, job.serial);
    match outcome {
        None => GoogleFinish::Gone,
        Some(Ok(Synced::Patched)) => {
            m.google_patched.fetch_add(1, Ordering::Relaxed);
            GoogleFinish::Synced
        }
        Some(Ok(Synced::Inserted)) => {
            m.google_inserted.fetch_add(1, Ordering::Relaxed);
            GoogleFinish::Synced
        }
        Some(Err(SyncError::Retry(reason))) if job.attempts < MAX_ATTEMPTS => {
            m.google_retried.fetch_add(1, Ordering::Relaxed);
            tracing::debug!(%pass, %reason, "Google sync will be retried");
            GoogleFinish::RetryAt(now_secs() + backoff(job.attempts), reason)
        }
        Some(Err(SyncError::Retry(reason))) => {
            m.google_failed.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(%pass, %reason, "giving up on a Google sync after {MAX_ATTEMPTS} tries");
            GoogleFinish::Failed(format!("{reason} (gave up after {MAX_ATTEMPTS} tries)"))
        }
        Some(Err(SyncError::Refused(reason))) => {
            m.google_failed.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(%pass, %reason, "Google refused a sync");
            GoogleFinish::Failed(reason)
        }
    }
}
