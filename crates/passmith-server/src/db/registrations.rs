//! Device registrations: register (201 new / 200 refreshed, capped per pass), unregister, and
//! "what changed?". Each pass keeps its registration count in `passes.registration_count`, so
//! no device request ever counts rows. On SQLite, registrations go through the group committer
//! ([`super::commit`]); on PostgreSQL each is its own short transaction.

use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, Row};

use super::commit::{Done, Op};
use super::{Backend, Db, DbError, now_millis, sql};

/// What a registration did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegisterOutcome {
    /// A new registration (201).
    Created,
    /// The device was registered already; its push token is refreshed (200).
    Refreshed,
    /// The pass already has the most registrations allowed; nothing was stored.
    CapReached,
}

impl Db {
    /// Registers a device for a pass or refreshes its push token. A new registration is refused
    /// when the pass already has `cap` of them. Returns only after the change is committed.
    pub async fn register(
        &self,
        device: &str,
        pass_type_id: &str,
        serial: &str,
        push_token: &str,
        cap: u64,
    ) -> Result<RegisterOutcome, DbError> {
        let op = Op::Register {
            device: device.to_owned(),
            pass_type_id: pass_type_id.to_owned(),
            serial: serial.to_owned(),
            push_token: push_token.to_owned(),
            cap: i64::try_from(cap).unwrap_or(i64::MAX),
        };
        match self.run_op(op).await? {
            Done::Registered(o) => Ok(o),
            Done::Unregistered => Ok(RegisterOutcome::Refreshed),
        }
    }

    /// Removes one registration (no error when there was none).
    pub async fn unregister(
        &self,
        device: &str,
        pass_type_id: &str,
        serial: &str,
    ) -> Result<(), DbError> {
        let op = Op::Unregister {
            device: device.to_owned(),
            pass_type_id: pass_type_id.to_owned(),
            serial: serial.to_owned(),
        };
        self.run_op(op).await.map(|_| ())
    }

    async fn run_op(&self, op: Op) -> Result<Done, DbError> {
        if let Some(c) = &self.committer {
            return c.submit(op).await;
        }
        let mut tx = self.pool.begin().await.map_err(sql(op.action()))?;
        let done = apply(&mut tx, self.backend, &op).await?;
        if done == Done::Registered(RegisterOutcome::CapReached) {
            tx.rollback().await.map_err(sql(op.action()))?;
        } else {
            tx.commit().await.map_err(sql(op.action()))?;
        }
        Ok(done)
    }

    /// Serials of the device's passes of this type changed after `since` (all when None), with
    /// the largest tag among them.
    pub async fn changed_serials(
        &self,
        device: &str,
        pass_type_id: &str,
        since: Option<i64>,
    ) -> Result<(Vec<String>, i64), DbError> {
        let rows = sqlx::query(
            "SELECT p.serial, p.update_seq FROM registrations r JOIN passes p \
             ON p.pass_type_id = r.pass_type_id AND p.serial = r.serial \
             WHERE r.device_lib_id = $1 AND r.pass_type_id = $2 AND p.update_seq > $3 ORDER BY p.update_seq",
        )
        .bind(device)
        .bind(pass_type_id)
        .bind(since.unwrap_or(-1))
        .fetch_all(&self.pool)
        .await
        .map_err(sql("list changed passes"))?;
        let mut serials = Vec::with_capacity(rows.len());
        let mut max = 0;
        for row in rows {
            let serial: String = row.try_get(0).map_err(sql("list changed passes"))?;
            let seq: i64 = row.try_get(1).map_err(sql("list changed passes"))?;
            max = max.max(seq);
            serials.push(serial);
        }
        Ok((serials, max))
    }

    /// Registrations of one push token (tests and management).
    pub async fn registrations_for_token(&self, push_token: &str) -> Result<i64, DbError> {
        let row = sqlx::query("SELECT COUNT(*) FROM registrations WHERE push_token = $1")
            .bind(push_token)
            .fetch_one(&self.pool)
            .await
            .map_err(sql("count registrations"))?;
        row.try_get(0).map_err(sql("count registrations"))
    }
}

/// `statement` with one registration's values bound: `$1` device, `$2` pass type ID, `$3`
/// serial, `$4` push token, `$5` the time (milliseconds; created and updated).
fn bind_registration(
    statement: &'static str,
    device: &str,
    pass_type_id: &str,
    serial: &str,
    push_token: &str,
    now: i64,
) -> Query<'static, Any, AnyArguments> {
    sqlx::query(statement)
        .bind(device)
        .bind(pass_type_id)
        .bind(serial)
        .bind(push_token)
        .bind(now)
}

/// Applies one registration change inside the caller's transaction. A `CapReached` changes
/// nothing on SQLite; on PostgreSQL the caller rolls back the insert it made.
pub(super) async fn apply(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    backend: Backend,
    op: &Op,
) -> Result<Done, DbError> {
    let act = op.action();
    match op {
        Op::Register {
            device,
            pass_type_id,
            serial,
            push_token,
            cap,
        } => {
            let now = now_millis();
            let bound = |statement: &'static str| {
                bind_registration(statement, device, pass_type_id, serial, push_token, now)
            };
            let created = match backend {
                // xmax = 0 only for a freshly inserted row: 201 vs 200 without a race between
                // two replicas registering the same device at once.
                Backend::Postgres => bound(
                    "INSERT INTO registrations (device_lib_id, pass_type_id, serial, push_token, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $5) \
                     ON CONFLICT (device_lib_id, pass_type_id, serial) DO UPDATE SET push_token = excluded.push_token, updated_at = excluded.updated_at \
                     RETURNING (xmax = 0) AS inserted",
                )
                .fetch_one(&mut **tx)
                .await
                .map_err(sql(act))?
                .try_get::<bool, _>(0)
                .map_err(sql(act))?,
                // One writer: a check in the same transaction cannot race.
                Backend::Sqlite => {
                    let refreshed = bound(
                        "UPDATE registrations SET push_token = $4, updated_at = $5 \
                         WHERE device_lib_id = $1 AND pass_type_id = $2 AND serial = $3",
                    )
                    .execute(&mut **tx)
                    .await
                    .map_err(sql(act))?
                    .rows_affected()
                        > 0;
                    if refreshed {
                        false
                    } else {
                        if !count_under_cap(tx, pass_type_id, serial, *cap).await? {
                            return Ok(Done::Registered(RegisterOutcome::CapReached));
                        }
                        bound(
                            "INSERT INTO registrations (device_lib_id, pass_type_id, serial, push_token, created_at, updated_at) \
                             VALUES ($1, $2, $3, $4, $5, $5)",
                        )
                        .execute(&mut **tx)
                        .await
                        .map_err(sql(act))?;
                        return Ok(Done::Registered(RegisterOutcome::Created));
                    }
                }
            };
            if !created {
                return Ok(Done::Registered(RegisterOutcome::Refreshed));
            }
            if !count_under_cap(tx, pass_type_id, serial, *cap).await? {
                return Ok(Done::Registered(RegisterOutcome::CapReached));
            }
            Ok(Done::Registered(RegisterOutcome::Created))
        }
        Op::Unregister {
            device,
            pass_type_id,
            serial,
        } => {
            let gone = sqlx::query(
                "DELETE FROM registrations WHERE device_lib_id = $1 AND pass_type_id = $2 AND serial = $3",
            )
            .bind(device.as_str())
            .bind(pass_type_id.as_str())
            .bind(serial.as_str())
            .execute(&mut **tx)
            .await
            .map_err(sql(act))?
            .rows_affected();
            if gone > 0 {
                add_to_count(tx, pass_type_id, serial, -(gone as i64)).await?;
            }
            Ok(Done::Unregistered)
        }
    }
}

/// Counts one more registration unless the pass has `cap` already; false when at the cap.
async fn count_under_cap(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    pass_type_id: &str,
    serial: &str,
    cap: i64,
) -> Result<bool, DbError> {
    let n = sqlx::query(
        "UPDATE passes SET registration_count = registration_count + 1 \
         WHERE pass_type_id = $1 AND serial = $2 AND registration_count < $3",
    )
    .bind(pass_type_id)
    .bind(serial)
    .bind(cap)
    .execute(&mut **tx)
    .await
    .map_err(sql("count the registration"))?
    .rows_affected();
    Ok(n > 0)
}

/// Adjusts a pass's registration count by `delta` (never below 0).
pub(super) async fn add_to_count(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    pass_type_id: &str,
    serial: &str,
    delta: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE passes SET registration_count = CASE WHEN registration_count + $3 < 0 THEN 0 ELSE registration_count + $3 END \
         WHERE pass_type_id = $1 AND serial = $2",
    )
    .bind(pass_type_id)
    .bind(serial)
    .bind(delta)
    .execute(&mut **tx)
    .await
    .map_err(sql("count registrations"))?;
    Ok(())
}
