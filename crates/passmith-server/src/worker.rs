//! The push worker: drains the outbox and sends through a [`PushSender`] with up to
//! `--push-concurrency` pushes in flight, refilling as each one finishes (no waiting for the
//! slowest push of a batch), and records APNs' verdicts in batches (prune, retry with backoff,
//! halt). With PostgreSQL every server process runs one; claims use SKIP LOCKED so a push goes
//! out once. On shutdown it starts nothing new, lets the sends in flight finish, records them
//! and hands the rest of its claims back to the outbox.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;

use crate::apns::{PushOutcome, PushSender};
use crate::db::{Db, Finish, OutboxItem, now_secs};
use crate::metrics::Metrics;

/// After this many tries a push is dropped; the device still updates on its own schedule.
pub(crate) const MAX_ATTEMPTS: i64 = 8;
/// Rows claimed per round.
const BATCH: i64 = 2000;
/// Results recorded per transaction.
const RECORD_EVERY: usize = 1000;
/// How long a claim is exclusive; longer than any single send with its timeouts.
const LEASE_SECS: i64 = 120;

/// What the worker works with.
pub struct Settings {
    pub db: Arc<Db>,
    pub metrics: Arc<Metrics>,
    pub wake: Arc<Notify>,
    pub concurrency: usize,
    pub poll: Duration,
    /// Becomes true when the server shuts down.
    pub stopping: watch::Receiver<bool>,
}

pub(crate) fn backoff(attempts: i64) -> i64 {
    let base = 1i64 << attempts.clamp(0, 11);
    base.min(3600) + (rand::random::<u8>() as i64 % (attempts.max(1) + 1))
}

/// Runs until shutdown (or until APNs rejects the certificate).
pub async fn run<S: PushSender>(mut s: Settings, sender: S) {
    let sender = Arc::new(sender);
    let concurrency = s.concurrency.max(1);
    let mut queue: VecDeque<OutboxItem> = VecDeque::new();
    let mut in_flight: JoinSet<(OutboxItem, PushOutcome)> = JoinSet::new();
    let mut results: Vec<(OutboxItem, Finish)> = Vec::new();
    let mut halted = false;
    // Whether the outbox may hold due rows we have not claimed: after a full batch, a wake-up
    // or a poll interval. Saves an empty claim (a write) per finished push.
    let mut more = true;
    loop {
        let stopping = *s.stopping.borrow();
        if (stopping || halted) && !queue.is_empty() {
            // Not attempted: due again at once, without counting an attempt.
            results.extend(queue.drain(..).map(|i| (i, Finish::Release)));
        }
        if more && !stopping && !halted && queue.len() < BATCH as usize / 2 {
            match s.db.claim_outbox(BATCH, LEASE_SECS).await {
                Ok(items) => {
                    more = items.len() == BATCH as usize;
                    queue.extend(items);
                }
                Err(e) => {
                    tracing::error!(error = %e, "push worker could not read the outbox");
                    tokio::time::sleep(s.poll).await;
                }
            }
        }
        while in_flight.len() < concurrency
            && let Some(item) = queue.pop_front()
        {
            let sender = sender.clone();
            in_flight.spawn(async move {
                let outcome = sender.send(&item.push_token, &item.pass_type_id).await;
                (item, outcome)
            });
        }
        if in_flight.is_empty() {
            record(&s, &mut results).await;
            if stopping || halted {
                break;
            }
            if queue.is_empty() {
                tokio::select! {
                    _ = s.wake.notified() => {}
                    _ = tokio::time::sleep(s.poll) => {}
                    _ = crate::stop_requested(&mut s.stopping) => {}
                }
                more = true;
            }
            continue;
        }
        // Wait for at least one send, then take whatever else has finished meanwhile.
        let mut next = in_flight.join_next().await;
        while let Some(joined) = next {
            if let Ok((item, outcome)) = joined {
                if let PushOutcome::Halt(reason) = &outcome
                    && !halted
                {
                    halted = true;
                    tracing::error!(alert = "apns_halted", %reason,
                        "ALERT: APNs refused the Pass Type ID certificate (403). All pushes are stopped and kept \
                         in the outbox. Renew or fix --apns-cert and restart the server.");
                    s.metrics.apns_halted.store(1, Ordering::Relaxed);
                }
                let finish = verdict(&s.metrics, &item, outcome);
                results.push((item, finish));
            }
            next = in_flight.try_join_next();
        }
        if results.len() >= RECORD_EVERY || queue.is_empty() {
            record(&s, &mut results).await;
        }
    }
    if *s.stopping.borrow() {
        tracing::info!("push worker stopped; unsent pushes stay queued");
    }
}

async fn record(s: &Settings, results: &mut Vec<(OutboxItem, Finish)>) {
    if results.is_empty() {
        return;
    }
    if let Err(e) = s.db.finish_outbox(results).await {
        tracing::error!(error = %e, "push worker could not record results; they will be retried after the lease");
    }
    results.clear();
}

fn verdict(m: &Metrics, item: &OutboxItem, outcome: PushOutcome) -> Finish {
    match outcome {
        PushOutcome::Halt(_) => Finish::Release,
        PushOutcome::Delivered => {
            m.pushes_sent.fetch_add(1, Ordering::Relaxed);
            Finish::Done
        }
        PushOutcome::Skipped => {
            m.pushes_skipped.fetch_add(1, Ordering::Relaxed);
            Finish::Drop
        }
        PushOutcome::Unregistered { timestamp_ms } => {
            m.registrations_pruned.fetch_add(1, Ordering::Relaxed);
            tracing::info!(pass_type = %item.pass_type_id, "APNs says the token is unregistered; pruning");
            Finish::Unregistered {
                timestamp_ms: timestamp_ms.unwrap_or_else(crate::db::now_millis),
            }
        }
        PushOutcome::BadToken(reason) => {
            m.registrations_pruned.fetch_add(1, Ordering::Relaxed);
            tracing::info!(pass_type = %item.pass_type_id, %reason, "APNs rejected the token; removing its registrations");
            Finish::BadToken
        }
        PushOutcome::Retry(reason) => {
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
        PushOutcome::Failed(reason) => {
            m.pushes_failed.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(pass_type = %item.pass_type_id, %reason, "APNs refused a push");
            Finish::Drop
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
