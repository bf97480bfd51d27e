//! The Google outbox: one row per pass whose Google Wallet object must get the pass's current
//! version, kept after the sync as the pass's Google status (`synced`, `failed`). Claimed with
//! a lease like the push outbox; a row already waiting gets a new generation instead of a twin,
//! and a sync that finishes for an older generation queues the pass once more.

use sqlx::Row;

use super::{Backend, Db, DbError, now_secs, sql};

/// One claimed Google job.
#[derive(Debug, Clone)]
pub struct GoogleJob {
    pub pass_type_id: String,
    pub serial: String,
    pub generation: i64,
    pub attempts: i64,
    /// Google has had an object for this pass before (try a patch first).
    pub inserted: bool,
}

/// The stored Google status of a pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoogleRow {
    /// `pending`, `synced` or `failed`.
    pub state: String,
    pub last_error: Option<String>,
    /// Unix seconds.
    pub updated_at: i64,
}

/// What to do with a claimed Google job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GoogleFinish {
    /// Google has this generation.
    Synced,
    /// Try again at this Unix second; the reason is shown meanwhile.
    RetryAt(i64, String),
    /// Google refused, or the retries ran out.
    Failed(String),
    /// Not attempted (shutdown): due again without counting an attempt.
    Release,
    /// The pass was deleted meanwhile.
    Gone,
}

/// Queues a sync of the pass, or moves the generation of the one already queued.
pub(super) async fn enqueue_google(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    pass_type_id: &str,
    serial: &str,
) -> Result<(), DbError> {
    // A job already pending keeps its schedule (and backoff); a settled one is due at once.
    sqlx::query(
        "INSERT INTO google_outbox (pass_type_id, serial, state, not_before, attempts, generation, inserted, last_error, updated_at) \
         VALUES ($1, $2, 'pending', $3, 0, 0, 0, NULL, $3) \
         ON CONFLICT (pass_type_id, serial) DO UPDATE SET generation = google_outbox.generation + 1, \
         not_before = CASE WHEN google_outbox.state = 'pending' THEN google_outbox.not_before ELSE excluded.not_before END, \
         attempts = CASE WHEN google_outbox.state = 'pending' THEN google_outbox.attempts ELSE 0 END, \
         state = 'pending', updated_at = excluded.updated_at",
    )
    .bind(pass_type_id)
    .bind(serial)
    .bind(now_secs())
    .execute(&mut **tx)
    .await
    .map_err(sql("queue the Google sync"))?;
    Ok(())
}

impl Db {
    /// Claims up to `limit` due Google jobs for `lease_secs` (SKIP LOCKED on PostgreSQL).
    pub async fn claim_google(
        &self,
        limit: i64,
        lease_secs: i64,
    ) -> Result<Vec<GoogleJob>, DbError> {
        let _w = self.writer().await;
        let now = now_secs();
        let lock = match self.backend {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let q = format!(
            "UPDATE google_outbox SET not_before = $1, attempts = attempts + 1 WHERE (pass_type_id, serial) IN \
             (SELECT pass_type_id, serial FROM google_outbox WHERE state = 'pending' AND not_before <= $2 \
             ORDER BY not_before LIMIT $3{lock}) \
             RETURNING pass_type_id, serial, generation, attempts, inserted"
        );
        let act = "claim queued Google syncs";
        let rows = sqlx::query(sqlx::AssertSqlSafe(q))
            .bind(now + lease_secs)
            .bind(now)
            .bind(limit)
            .fetch_all(&self.pool)
            .await
            .map_err(sql(act))?;
        rows.iter()
            .map(|r| {
                Ok(GoogleJob {
                    pass_type_id: r.try_get(0)?,
                    serial: r.try_get(1)?,
                    generation: r.try_get(2)?,
                    attempts: r.try_get(3)?,
                    inserted: r.try_get::<i64, _>(4)? != 0,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(sql(act))
    }

    /// Records how one job went.
    pub async fn finish_google(
        &self,
        job: &GoogleJob,
        finish: &GoogleFinish,
    ) -> Result<(), DbError> {
        let _w = self.writer().await;
        let act = "record a Google sync";
        let now = now_secs();
        let mut tx = self.pool.begin().await.map_err(sql(act))?;
        let settled = |state: &'static str, error: Option<&str>| {
            sqlx::query(
                "UPDATE google_outbox SET state = $4, last_error = $5, updated_at = $6, attempts = 0, \
                 inserted = CASE WHEN $4 = 'synced' THEN 1 ELSE inserted END \
                 WHERE pass_type_id = $1 AND serial = $2 AND generation = $3",
            )
            .bind(job.pass_type_id.clone())
            .bind(job.serial.clone())
            .bind(job.generation)
            .bind(state)
            .bind(error.map(str::to_owned))
            .bind(now)
        };
        match finish {
            GoogleFinish::Synced | GoogleFinish::Failed(_) => {
                let (state, error) = match finish {
                    GoogleFinish::Failed(e) => ("failed", Some(e.as_str())),
                    _ => ("synced", None),
                };
                let n = settled(state, error)
                    .execute(&mut *tx)
                    .await
                    .map_err(sql(act))?
                    .rows_affected();
                if n == 0 {
                    // The pass changed while this version was in flight: send the new one.
                    sqlx::query(
                        "UPDATE google_outbox SET not_before = $3, attempts = 0, \
                         inserted = CASE WHEN $4 = 1 THEN 1 ELSE inserted END \
                         WHERE pass_type_id = $1 AND serial = $2",
                    )
                    .bind(job.pass_type_id.as_str())
                    .bind(job.serial.as_str())
                    .bind(now)
                    .bind(i64::from(state == "synced"))
                    .execute(&mut *tx)
                    .await
                    .map_err(sql(act))?;
                }
            }
            GoogleFinish::RetryAt(at, reason) => {
                sqlx::query(
                    "UPDATE google_outbox SET not_before = $3, last_error = $4, updated_at = $5 \
                     WHERE pass_type_id = $1 AND serial = $2",
                )
                .bind(job.pass_type_id.as_str())
                .bind(job.serial.as_str())
                .bind(*at)
                .bind(reason.as_str())
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(sql(act))?;
            }
            GoogleFinish::Release => {
                sqlx::query(
                    "UPDATE google_outbox SET not_before = $3, attempts = attempts - 1 \
                     WHERE pass_type_id = $1 AND serial = $2",
                )
                .bind(job.pass_type_id.as_str())
                .bind(job.serial.as_str())
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(sql(act))?;
            }
            GoogleFinish::Gone => {
                sqlx::query("DELETE FROM google_outbox WHERE pass_type_id = $1 AND serial = $2")
                    .bind(job.pass_type_id.as_str())
                    .bind(job.serial.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(sql(act))?;
            }
        }
        tx.commit().await.map_err(sql(act))?;
        Ok(())
    }

    /// Jobs waiting or being retried (for /metrics).
    pub async fn google_pending(&self) -> Result<i64, DbError> {
        let row = sqlx::query("SELECT COUNT(*) FROM google_outbox WHERE state = 'pending'")
            .fetch_one(&self.pool)
            .await
            .map_err(sql("count queued Google syncs"))?;
        row.try_get(0).map_err(sql("count queued Google syncs"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::NewPass;

    fn version(content: &'static str) -> NewPass<'static> {
        NewPass {
            pass_type_id: "pass.t",
            serial: "s1",
            auth_token_sha256: "aa",
            content_sha256: content,
            data: b"x",
            google: true,
        }
    }

    #[tokio::test]
    async fn a_queued_sync_is_coalesced_and_a_change_in_flight_is_sent_again() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(dir.path().join("g.db").to_str().unwrap())
            .await
            .unwrap();
        db.upsert_pass(&version("c1")).await.unwrap();
        db.upsert_pass(&version("c2")).await.unwrap();
        // Identical content queues nothing more.
        db.upsert_pass(&version("c2")).await.unwrap();
        let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM google_outbox")
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert_eq!(rows, 1, "one row per pass, whatever the number of changes");

        let jobs = db.claim_google(10, 60).await.unwrap();
        assert_eq!(jobs.len(), 1);
        assert_eq!((jobs[0].generation, jobs[0].inserted), (1, false));
        assert!(db.claim_google(10, 60).await.unwrap().is_empty(), "leased");

        // Changed while in flight: the sync of the old generation does not settle the row.
        db.upsert_pass(&version("c3")).await.unwrap();
        db.finish_google(&jobs[0], &GoogleFinish::Synced)
            .await
            .unwrap();
        let pass = db.get_pass("pass.t", "s1").await.unwrap().unwrap();
        assert_eq!(pass.google.unwrap().state, "pending");
        let again = db.claim_google(10, 60).await.unwrap();
        assert_eq!(again.len(), 1);
        assert!(again[0].inserted, "Google has the object now: patch first");
        db.finish_google(&again[0], &GoogleFinish::Failed("403".into()))
            .await
            .unwrap();
        let g = db.get_pass("pass.t", "s1").await.unwrap().unwrap().google;
        assert_eq!(
            g.map(|g| (g.state, g.last_error)),
            Some(("failed".into(), Some("403".into())))
        );
        // Deleting the pass removes its Google row.
        assert!(db.delete_pass("pass.t", "s1").await.unwrap());
        assert_eq!(db.google_pending().await.unwrap(), 0);
    }
}
