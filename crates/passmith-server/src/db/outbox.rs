//! The push outbox: one row per (push token, pass type) waiting to be sent, claimed with a lease
//! by the push worker and settled in batches with APNs' verdict.

use sqlx::Row;

use super::{Backend, Db, DbError, now_secs, sql};

/// One claimed outbox row.
#[derive(Debug, Clone)]
pub struct OutboxItem {
    pub id: i64,
    pub push_token: String,
    pub pass_type_id: String,
    pub generation: i64,
    pub attempts: i64,
}

impl Db {
    /// Claims up to `limit` due outbox rows for `lease_secs`. On PostgreSQL the rows are picked
    /// with FOR UPDATE SKIP LOCKED, so several server processes never claim the same row.
    pub async fn claim_outbox(
        &self,
        limit: i64,
        lease_secs: i64,
    ) -> Result<Vec<OutboxItem>, DbError> {
        let _w = self.writer().await;
        let now = now_secs();
        let lock = match self.backend {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let q = format!(
            "UPDATE push_outbox SET not_before = $1, attempts = attempts + 1 WHERE id IN \
             (SELECT id FROM push_outbox WHERE not_before <= $2 ORDER BY id LIMIT $3{lock}) \
             RETURNING id, push_token, pass_type_id, generation, attempts"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(q))
            .bind(now + lease_secs)
            .bind(now)
            .bind(limit)
            .fetch_all(&self.pool)
            .await
            .map_err(sql("claim queued pushes"))?;
        rows.iter()
            .map(|r| {
                Ok(OutboxItem {
                    id: r.try_get(0)?,
                    push_token: r.try_get(1)?,
                    pass_type_id: r.try_get(2)?,
                    generation: r.try_get(3)?,
                    attempts: r.try_get(4)?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(sql("claim queued pushes"))
    }

    /// Applies the results of one batch of sends in a single transaction.
    pub async fn finish_outbox(&self, results: &[(OutboxItem, Finish)]) -> Result<(), DbError> {
        if results.is_empty() {
            return Ok(());
        }
        let _w = self.writer().await;
        let act = "record push results";
        let now = now_secs();
        let mut tx = self.pool.begin().await.map_err(sql(act))?;
        for (item, finish) in results {
            match finish {
                Finish::Done => {
                    let gone =
                        sqlx::query("DELETE FROM push_outbox WHERE id = $1 AND generation = $2")
                            .bind(item.id)
                            .bind(item.generation)
                            .execute(&mut *tx)
                            .await
                            .map_err(sql(act))?
                            .rows_affected();
                    if gone == 0 {
                        // The pass changed again while this push was in flight: send once more.
                        sqlx::query(
                            "UPDATE push_outbox SET not_before = $2, attempts = 0 WHERE id = $1",
                        )
                        .bind(item.id)
                        .bind(now)
                        .execute(&mut *tx)
                        .await
                        .map_err(sql(act))?;
                    }
                }
                Finish::Drop => {
                    sqlx::query("DELETE FROM push_outbox WHERE id = $1")
                        .bind(item.id)
                        .execute(&mut *tx)
                        .await
                        .map_err(sql(act))?;
                }
                Finish::RetryAt(at) => {
                    sqlx::query("UPDATE push_outbox SET not_before = $2 WHERE id = $1")
                        .bind(item.id)
                        .bind(*at)
                        .execute(&mut *tx)
                        .await
                        .map_err(sql(act))?;
                }
                Finish::Release => {
                    sqlx::query("UPDATE push_outbox SET not_before = $2, attempts = attempts - 1 WHERE id = $1")
                        .bind(item.id)
                        .bind(now)
                        .execute(&mut *tx)
                        .await
                        .map_err(sql(act))?;
                }
                Finish::Unregistered { .. } | Finish::BadToken => {
                    let token = item.push_token.as_str();
                    let prune = if let Finish::Unregistered { timestamp_ms } = finish {
                        // Only registrations not refreshed after APNs' timestamp are stale.
                        sqlx::query(
                            "DELETE FROM registrations WHERE push_token = $1 AND updated_at <= $2 RETURNING pass_type_id, serial",
                        )
                        .bind(token)
                        .bind(*timestamp_ms)
                    } else {
                        sqlx::query(
                            "DELETE FROM registrations WHERE push_token = $1 AND pass_type_id = $2 RETURNING pass_type_id, serial",
                        )
                        .bind(token)
                        .bind(item.pass_type_id.as_str())
                    };
                    let gone = prune.fetch_all(&mut *tx).await.map_err(sql(act))?;
                    uncount(&mut tx, &gone).await?;
                    sqlx::query("DELETE FROM push_outbox WHERE id = $1")
                        .bind(item.id)
                        .execute(&mut *tx)
                        .await
                        .map_err(sql(act))?;
                }
            }
        }
        tx.commit().await.map_err(sql(act))?;
        Ok(())
    }

    /// Rows waiting in the outbox (for /metrics).
    pub async fn outbox_len(&self) -> Result<i64, DbError> {
        let row = sqlx::query("SELECT COUNT(*) FROM push_outbox")
            .fetch_one(&self.pool)
            .await
            .map_err(sql("count queued pushes"))?;
        row.try_get(0).map_err(sql("count queued pushes"))
    }
}

/// Keeps `passes.registration_count` right after registrations (`pass_type_id`, `serial`
/// rows) were deleted.
async fn uncount(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    gone: &[sqlx::any::AnyRow],
) -> Result<(), DbError> {
    for row in gone {
        let pass_type: String = row.try_get(0).map_err(sql("prune registrations"))?;
        let serial: String = row.try_get(1).map_err(sql("prune registrations"))?;
        super::registrations::add_to_count(tx, &pass_type, &serial, -1).await?;
    }
    Ok(())
}

/// What to do with a claimed outbox row after trying to send it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finish {
    /// Delivered (re-queued if the pass changed meanwhile).
    Done,
    /// Give up on this row.
    Drop,
    /// Try again at this Unix second.
    RetryAt(i64),
    /// Not attempted (sending is halted): make it due again without counting an attempt.
    Release,
    /// APNs 410: remove registrations of the token not refreshed after this time.
    Unregistered { timestamp_ms: i64 },
    /// APNs 400 BadDeviceToken / DeviceTokenNotForTopic: remove the token's registrations.
    BadToken,
}

/// One outbox row per distinct push token; a row already waiting is marked as needing another
/// send (its generation moves) instead of being duplicated.
pub(super) async fn enqueue_pushes(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    pass_type_id: &str,
    serial: &str,
) -> Result<u64, DbError> {
    let n = sqlx::query(
        "INSERT INTO push_outbox (push_token, pass_type_id, not_before, attempts, generation) \
         SELECT DISTINCT push_token, pass_type_id, $3, 0, 0 FROM registrations WHERE pass_type_id = $1 AND serial = $2 \
         ON CONFLICT (push_token, pass_type_id) DO UPDATE SET generation = push_outbox.generation + 1",
    )
    .bind(pass_type_id)
    .bind(serial)
    .bind(now_secs())
    .execute(&mut **tx)
    .await
    .map_err(sql("queue pushes"))?
    .rows_affected();
    Ok(n)
}
