//! Group commit for SQLite's single writer: registrations that arrive while a transaction is
//! committing wait in a queue and go into the next transaction together, so a burst of N
//! registrations costs a few commits instead of N. Each caller is answered only after the
//! transaction holding its change has committed, so a 201/200 is never sent for a change that
//! a crash could still lose (within the promise of `--durability`).
//!
//! If a batch fails, its changes are retried one transaction each, so one bad change cannot fail
//! the others.

use std::sync::Arc;

use sqlx::AnyPool;
use tokio::sync::{Mutex, mpsc, oneshot};

use super::registrations::{RegisterOutcome, apply};
use super::{Backend, DbError, sql};

/// Changes queued at most; callers beyond it wait for room (back-pressure, not errors).
const QUEUE: usize = 4096;
/// Changes per transaction at most.
const MAX_BATCH: usize = 512;

/// One registration change.
#[derive(Debug)]
pub(super) enum Op {
    Register {
        device: String,
        pass_type_id: String,
        serial: String,
        push_token: String,
        cap: i64,
    },
    Unregister {
        device: String,
        pass_type_id: String,
        serial: String,
    },
}

impl Op {
    pub(super) fn action(&self) -> &'static str {
        match self {
            Op::Register { .. } => "register the device",
            Op::Unregister { .. } => "unregister the device",
        }
    }
}

/// What a committed change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Done {
    Registered(RegisterOutcome),
    Unregistered,
}

struct Job {
    op: Op,
    reply: oneshot::Sender<Result<Done, DbError>>,
}

/// Handle to the committer task; the task ends when the last handle is dropped.
pub(super) struct Committer {
    queue: mpsc::Sender<Job>,
}

impl Committer {
    /// Starts the committer on the current runtime. `write_lock` is the one every other SQLite
    /// write takes too.
    pub(super) fn start(pool: AnyPool, write_lock: Arc<Mutex<()>>) -> Committer {
        let (queue, rx) = mpsc::channel(QUEUE);
        tokio::spawn(run(pool, write_lock, rx));
        Committer { queue }
    }

    /// Queues a change and waits until it is committed.
    pub(super) async fn submit(&self, op: Op) -> Result<Done, DbError> {
        let action = op.action();
        let (reply, answer) = oneshot::channel();
        let stopped = || DbError::Sql {
            action,
            source: sqlx::Error::PoolClosed,
        };
        self.queue
            .send(Job { op, reply })
            .await
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

async fn run(pool: AnyPool, write_lock: Arc<Mutex<()>>, mut rx: mpsc::Receiver<Job>) {
    let mut jobs = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut jobs, MAX_BATCH).await > 0 {
        let _w = write_lock.lock().await;
        match batch(&pool, &jobs).await {
            Ok(done) => {
                for (job, d) in jobs.drain(..).zip(done) {
                    let _ = job.reply.send(Ok(d));
                }
            }
            Err(e) => {
                tracing::debug!(error = %e, changes = jobs.len(), "group commit failed; committing its changes one by one");
                for job in jobs.drain(..) {
                    let r = batch(&pool, std::slice::from_ref(&job)).await;
                    let _ = job.reply.send(r.map(|mut d| d.remove(0)));
                }
            }
        }
    }
}

/// All `jobs` in one transaction.
async fn batch(pool: &AnyPool, jobs: &[Job]) -> Result<Vec<Done>, DbError> {
    let act = "commit registrations";
    let mut tx = pool.begin().await.map_err(sql(act))?;
    let mut done = Vec::with_capacity(jobs.len());
    for job in jobs {
        done.push(apply(&mut tx, Backend::Sqlite, &job.op).await?);
    }
    tx.commit().await.map_err(sql(act))?;
    Ok(done)
}
