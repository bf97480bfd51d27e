//! The push worker: drains the outbox in batches, sends with bounded concurrency over one
//! pooled HTTP/2 client, and applies APNs' verdicts (prune, retry with backoff, halt).
//! With PostgreSQL every server process runs one; claims use SKIP LOCKED so a push goes out once.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::{Notify, Semaphore};
use tokio::task::JoinSet;

use crate::apns::{PushOutcome, PushSender};
use crate::db::{Db, Finish, OutboxItem, now_secs};
use crate::metrics::Metrics;

/// After this many tries a push is dropped; the device still updates on its own schedule.
const MAX_ATTEMPTS: i64 = 8;
/// Rows claimed per round.
const BATCH: i64 = 2000;
/// How long a claim is exclusive; longer than any single send with its timeouts.
const LEASE_SECS: i64 = 120;

pub struct Worker<S: PushSender> {
    pub db: Arc<Db>,
    pub sender: Arc<S>,
    pub metrics: Arc<Metrics>,
    pub wake: Arc<Notify>,
    pub concurrency: usize,
    pub poll: Duration,
}

fn backoff(attempts: i64) -> i64 {
    let base = 1i64 << attempts.clamp(0, 11);
    base.min(3600) + (rand::random::<u8>() as i64 % (attempts.max(1) + 1))
}

impl<S: PushSender> Worker<S> {
    /// Runs until the process exits (or APNs rejects the certificate).
    pub async fn run(self) {
        let halted = Arc::new(AtomicBool::new(false));
        let permits = Arc::new(Semaphore::new(self.concurrency.max(1)));
        loop {
            let items = match self.db.claim_outbox(BATCH, LEASE_SECS).await {
                Ok(items) => items,
                Err(e) => {
                    tracing::error!(error = %e, "push worker could not read the outbox");
                    tokio::time::sleep(self.poll).await;
                    continue;
                }
            };
            if items.is_empty() {
                tokio::select! {
                    _ = self.wake.notified() => {}
                    _ = tokio::time::sleep(self.poll) => {}
                }
                continue;
            }
            let mut set = JoinSet::new();
            for item in items {
                let sender = self.sender.clone();
                let permits = permits.clone();
                let halted = halted.clone();
                set.spawn(async move {
                    let Ok(_permit) = permits.acquire_owned().await else {
                        return (item, None);
                    };
                    if halted.load(Ordering::Relaxed) {
                        return (item, None);
                    }
                    let outcome = sender.send(&item.push_token, &item.pass_type_id).await;
                    if matches!(outcome, PushOutcome::Halt(_)) {
                        halted.store(true, Ordering::Relaxed);
                    }
                    (item, Some(outcome))
                });
            }
            let mut results = Vec::new();
            while let Some(joined) = set.join_next().await {
                let Ok((item, outcome)) = joined else {
                    continue;
                };
                let finish = self.verdict(&item, outcome);
                results.push((item, finish));
            }
            if let Err(e) = self.db.finish_outbox(&results).await {
                tracing::error!(error = %e, "push worker could not record results; they will be retried after the lease");
            }
            if halted.load(Ordering::Relaxed) {
                self.metrics.apns_halted.store(1, Ordering::Relaxed);
                tracing::error!(
                    alert = "apns_halted",
                    "ALERT: APNs refused the Pass Type ID certificate (403). All pushes are stopped and kept \
                     in the outbox. Renew or fix --apns-cert and restart the server."
                );
                return;
            }
        }
    }

    fn verdict(&self, item: &OutboxItem, outcome: Option<PushOutcome>) -> Finish {
        let m = &self.metrics;
        match outcome {
            None | Some(PushOutcome::Halt(_)) => Finish::Release,
            Some(PushOutcome::Delivered) => {
                m.pushes_sent.fetch_add(1, Ordering::Relaxed);
                Finish::Done
            }
            Some(PushOutcome::Unregistered { timestamp_ms }) => {
                m.registrations_pruned.fetch_add(1, Ordering::Relaxed);
                tracing::info!(pass_type = %item.pass_type_id, "APNs says the token is unregistered; pruning");
                Finish::Unregistered {
                    timestamp_ms: timestamp_ms.unwrap_or_else(crate::db::now_millis),
                }
            }
            Some(PushOutcome::BadToken(reason)) => {
                m.registrations_pruned.fetch_add(1, Ordering::Relaxed);
                tracing::info!(pass_type = %item.pass_type_id, %reason, "APNs rejected the token; removing its registrations");
                Finish::BadToken
            }
            Some(PushOutcome::Retry(reason)) => {
                if item.attempts >= MAX_ATTEMPTS {
                    m.pushes_failed.fetch_add(1, Ordering::Relaxed);
                    tracing::warn!(pass_type = %item.pass_type_id, %reason, "giving up on a push after {MAX_ATTEMPTS} tries");
                    Finish::Drop
                } else {
                    m.pushes_retried.fetch_add(1, Ordering::Relaxed);
                    tracing::debug!(pass_type = %item.pass_type_id, %reason, "push will be retried");
                    Finish::RetryAt(now_secs() + backoff(item.attempts))
                }
            }
            Some(PushOutcome::Failed(reason)) => {
                m.pushes_failed.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(pass_type = %item.pass_type_id, %reason, "APNs refused a push");
                Finish::Drop
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::backoff;

    #[test]
    fn backoff_grows_and_is_capped() {
        assert!(backoff(1) >= 2 && backoff(1) <= 4);
        assert!(backoff(5) >= 32);
        assert!(backoff(40) <= 3600 + 41);
    }
}
