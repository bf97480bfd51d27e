//! Storage: one schema and one set of queries for SQLite (default) and PostgreSQL.
//!
//! Both backends go through sqlx's `Any` driver with `$N` placeholders, which both accept.
//! Update tags come from a single-row counter (`tag_seq`) bumped inside the same transaction as
//! the pass change: the row lock (PostgreSQL) or the single writer (SQLite) makes tag order equal
//! commit order, so a reader that has seen tag N can never later miss a change with a tag ≤ N.
//! Wall-clock time is never used as a tag.

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Executor, Row};
use tokio::sync::{Mutex, MutexGuard};

/// Storage failures; the message names the operation that failed.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database error while trying to {action}: {source}")]
    Sql {
        action: &'static str,
        #[source]
        source: sqlx::Error,
    },
    #[error(
        "unsupported database URL {0:?}: use sqlite://path/to/passes.db or postgres://user:pass@host/db"
    )]
    BadUrl(String),
}

fn sql(action: &'static str) -> impl FnOnce(sqlx::Error) -> DbError {
    move |source| DbError::Sql { action, source }
}

/// Which database engine is behind the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A stored pass as the web service needs it.
#[derive(Debug, Clone)]
pub struct StoredPass {
    pub pass_type_id: String,
    pub serial: String,
    pub auth_token_sha256: String,
    pub content_sha256: String,
    pub update_seq: i64,
    /// Unix seconds; strictly increases per pass (used for Last-Modified).
    pub modified_at: i64,
    pub registrations: i64,
}

/// What an upload did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpsertOutcome {
    Created,
    Replaced { changed: bool, pushes_queued: u64 },
}

/// One claimed outbox row.
#[derive(Debug, Clone)]
pub struct OutboxItem {
    pub id: i64,
    pub push_token: String,
    pub pass_type_id: String,
    pub generation: i64,
    pub attempts: i64,
}

/// A new pass version to store.
pub struct NewPass<'a> {
    pub pass_type_id: &'a str,
    pub serial: &'a str,
    pub auth_token_sha256: &'a str,
    pub content_sha256: &'a str,
    pub data: &'a [u8],
}

/// The database handle shared by the web service, the management API and the push worker.
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    /// SQLite has one writer per file: serializing write transactions in-process avoids
    /// SQLITE_BUSY on lock upgrades and keeps tag allocation order equal to commit order.
    write_lock: Option<Mutex<()>>,
}

/// Seconds since the Unix epoch.
pub fn now_secs() -> i64 {
    passmith_core::time::now_unix()
}

/// Milliseconds since the Unix epoch (APNs 410 timestamps use this unit).
pub fn now_millis() -> i64 {
    passmith_core::time::now().as_millisecond()
}

/// Turns what the user typed into a URL sqlx understands; SQLite files are created if missing.
fn normalize_url(url: &str) -> Result<(String, Backend), DbError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok((url.to_owned(), Backend::Postgres));
    }
    let rest = if let Some(rest) = url.strip_prefix("sqlite://") {
        rest
    } else if let Some(rest) = url.strip_prefix("sqlite:") {
        rest
    } else if !url.contains("://") && !url.is_empty() {
        url
    } else {
        return Err(DbError::BadUrl(url.to_owned()));
    };
    if rest.is_empty() || rest.starts_with(":memory:") {
        return Err(DbError::BadUrl(url.to_owned()));
    }
    let mut out = format!("sqlite://{rest}");
    if !rest.contains("mode=") {
        out.push(if rest.contains('?') { '&' } else { '?' });
        out.push_str("mode=rwc");
    }
    Ok((out, Backend::Sqlite))
}

const SQLITE_SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS tag_seq (id INTEGER PRIMARY KEY, v BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS push_outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, push_token TEXT NOT NULL, pass_type_id TEXT NOT NULL, not_before BIGINT NOT NULL, attempts BIGINT NOT NULL, generation BIGINT NOT NULL, UNIQUE (push_token, pass_type_id))",
    "CREATE TABLE IF NOT EXISTS device_logs (id INTEGER PRIMARY KEY AUTOINCREMENT, received_at BIGINT NOT NULL, message TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS passes (pass_type_id TEXT NOT NULL, serial TEXT NOT NULL, auth_token_sha256 TEXT NOT NULL, content_sha256 TEXT NOT NULL, data BLOB NOT NULL, update_seq BIGINT NOT NULL, modified_at BIGINT NOT NULL, created_at BIGINT NOT NULL, PRIMARY KEY (pass_type_id, serial))",
];

const PG_SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS tag_seq (id INTEGER PRIMARY KEY, v BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS push_outbox (id BIGSERIAL PRIMARY KEY, push_token TEXT NOT NULL, pass_type_id TEXT NOT NULL, not_before BIGINT NOT NULL, attempts BIGINT NOT NULL, generation BIGINT NOT NULL, UNIQUE (push_token, pass_type_id))",
    "CREATE TABLE IF NOT EXISTS device_logs (id BIGSERIAL PRIMARY KEY, received_at BIGINT NOT NULL, message TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS passes (pass_type_id TEXT NOT NULL, serial TEXT NOT NULL, auth_token_sha256 TEXT NOT NULL, content_sha256 TEXT NOT NULL, data BYTEA NOT NULL, update_seq BIGINT NOT NULL, modified_at BIGINT NOT NULL, created_at BIGINT NOT NULL, PRIMARY KEY (pass_type_id, serial))",
];

const COMMON_SCHEMA: &[&str] = &[
    "INSERT INTO tag_seq (id, v) VALUES (1, 0) ON CONFLICT (id) DO NOTHING",
    "CREATE INDEX IF NOT EXISTS passes_by_seq ON passes (pass_type_id, update_seq)",
    // Push tokens are unbounded TEXT: real tokens are not always 64 hex digits.
    "CREATE TABLE IF NOT EXISTS registrations (device_lib_id TEXT NOT NULL, pass_type_id TEXT NOT NULL, serial TEXT NOT NULL, push_token TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, PRIMARY KEY (device_lib_id, pass_type_id, serial))",
    "CREATE INDEX IF NOT EXISTS registrations_by_pass ON registrations (pass_type_id, serial)",
    "CREATE INDEX IF NOT EXISTS registrations_by_token ON registrations (push_token)",
    "CREATE INDEX IF NOT EXISTS outbox_due ON push_outbox (not_before)",
];

/// Device log rows kept; older ones are dropped so a chatty device cannot fill the disk.
pub const MAX_LOG_ROWS: i64 = 10_000;

impl Db {
    /// Opens (and creates, for SQLite) the database and brings the schema up to date.
    pub async fn connect(url: &str) -> Result<Db, DbError> {
        sqlx::any::install_default_drivers();
        let (url, backend) = normalize_url(url)?;
        let mut options = AnyPoolOptions::new();
        options = match backend {
            Backend::Sqlite => options.max_connections(8).after_connect(|conn, _| {
                Box::pin(async move {
                    conn.execute("PRAGMA busy_timeout = 10000").await?;
                    conn.execute("PRAGMA synchronous = NORMAL").await?;
                    Ok(())
                })
            }),
            Backend::Postgres => options.max_connections(16),
        };
        let pool = options
            .connect(&url)
            .await
            .map_err(sql("open the database"))?;
        if backend == Backend::Sqlite {
            pool.execute("PRAGMA journal_mode = WAL")
                .await
                .map_err(sql("switch SQLite to WAL mode"))?;
        }
        let schema = match backend {
            Backend::Sqlite => SQLITE_SCHEMA,
            Backend::Postgres => PG_SCHEMA,
        };
        if backend == Backend::Postgres {
            // Two replicas starting at once must not race on CREATE TABLE.
            let mut tx = pool.begin().await.map_err(sql("migrate the schema"))?;
            tx.execute("SELECT pg_advisory_xact_lock(724011)")
                .await
                .map_err(sql("migrate the schema"))?;
            for stmt in schema.iter().chain(COMMON_SCHEMA) {
                tx.execute(*stmt).await.map_err(sql("migrate the schema"))?;
            }
            tx.commit().await.map_err(sql("migrate the schema"))?;
        } else {
            for stmt in schema.iter().chain(COMMON_SCHEMA) {
                pool.execute(*stmt)
                    .await
                    .map_err(sql("migrate the schema"))?;
            }
        }
        let write_lock = (backend == Backend::Sqlite).then(|| Mutex::new(()));
        Ok(Db {
            pool,
            backend,
            write_lock,
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    async fn writer(&self) -> Option<MutexGuard<'_, ()>> {
        match &self.write_lock {
            Some(lock) => Some(lock.lock().await),
            None => None,
        }
    }

    /// Cheap liveness check for /healthz.
    pub async fn ping(&self) -> Result<(), DbError> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(sql("check the database"))?;
        Ok(())
    }

    /// The pass with its registration count, or None.
    pub async fn get_pass(
        &self,
        pass_type_id: &str,
        serial: &str,
    ) -> Result<Option<StoredPass>, DbError> {
        let row = sqlx::query(
            "SELECT p.pass_type_id, p.serial, p.auth_token_sha256, p.content_sha256, p.update_seq, p.modified_at, \
             (SELECT COUNT(*) FROM registrations r WHERE r.pass_type_id = p.pass_type_id AND r.serial = p.serial) AS regs \
             FROM passes p WHERE p.pass_type_id = $1 AND p.serial = $2",
        )
        .bind(pass_type_id)
        .bind(serial)
        .fetch_optional(&self.pool)
        .await
        .map_err(sql("read a pass"))?;
        row.map(|r| stored_pass(&r))
            .transpose()
            .map_err(sql("read a pass"))
    }

    /// The .pkpass bytes of a pass.
    pub async fn pass_data(
        &self,
        pass_type_id: &str,
        serial: &str,
    ) -> Result<Option<Vec<u8>>, DbError> {
        let row = sqlx::query("SELECT data FROM passes WHERE pass_type_id = $1 AND serial = $2")
            .bind(pass_type_id)
            .bind(serial)
            .fetch_optional(&self.pool)
            .await
            .map_err(sql("read a pass"))?;
        row.map(|r| r.try_get::<Vec<u8>, _>(0))
            .transpose()
            .map_err(sql("read a pass"))
    }

    /// Every pass with its registration count, ordered by pass type and serial.
    pub async fn list_passes(&self) -> Result<Vec<StoredPass>, DbError> {
        let rows = sqlx::query(
            "SELECT p.pass_type_id, p.serial, p.auth_token_sha256, p.content_sha256, p.update_seq, p.modified_at, \
             (SELECT COUNT(*) FROM registrations r WHERE r.pass_type_id = p.pass_type_id AND r.serial = p.serial) AS regs \
             FROM passes p ORDER BY p.pass_type_id, p.serial",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(sql("list passes"))?;
        rows.iter()
            .map(stored_pass)
            .collect::<Result<_, _>>()
            .map_err(sql("list passes"))
    }

    /// Stores a new or replacement pass. Changed content bumps the update tag, moves
    /// Last-Modified strictly forward and queues one push per distinct token of its devices,
    /// all in one transaction. Identical content changes nothing.
    pub async fn upsert_pass(&self, new: &NewPass<'_>) -> Result<UpsertOutcome, DbError> {
        let _w = self.writer().await;
        let act = "store the pass";
        let mut tx = self.pool.begin().await.map_err(sql(act))?;
        let existing = sqlx::query(
            "SELECT content_sha256, auth_token_sha256, modified_at FROM passes WHERE pass_type_id = $1 AND serial = $2",
        )
        .bind(new.pass_type_id)
        .bind(new.serial)
        .fetch_optional(&mut *tx)
        .await
        .map_err(sql(act))?;
        let now = now_secs();
        let outcome = match existing {
            Some(row) => {
                let content: String = row.try_get(0).map_err(sql(act))?;
                let token: String = row.try_get(1).map_err(sql(act))?;
                let prev_modified: i64 = row.try_get(2).map_err(sql(act))?;
                if content == new.content_sha256 && token == new.auth_token_sha256 {
                    UpsertOutcome::Replaced {
                        changed: false,
                        pushes_queued: 0,
                    }
                } else {
                    let seq = next_tag(&mut tx).await?;
                    let modified = now.max(prev_modified + 1);
                    sqlx::query(
                        "UPDATE passes SET auth_token_sha256 = $3, content_sha256 = $4, data = $5, update_seq = $6, modified_at = $7 \
                         WHERE pass_type_id = $1 AND serial = $2",
                    )
                    .bind(new.pass_type_id)
                    .bind(new.serial)
                    .bind(new.auth_token_sha256)
                    .bind(new.content_sha256)
                    .bind(new.data)
                    .bind(seq)
                    .bind(modified)
                    .execute(&mut *tx)
                    .await
                    .map_err(sql(act))?;
                    let queued = enqueue_pushes(&mut tx, new.pass_type_id, new.serial).await?;
                    UpsertOutcome::Replaced {
                        changed: true,
                        pushes_queued: queued,
                    }
                }
            }
            None => {
                let seq = next_tag(&mut tx).await?;
                sqlx::query(
                    "INSERT INTO passes (pass_type_id, serial, auth_token_sha256, content_sha256, data, update_seq, modified_at, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
                )
                .bind(new.pass_type_id)
                .bind(new.serial)
                .bind(new.auth_token_sha256)
                .bind(new.content_sha256)
                .bind(new.data)
                .bind(seq)
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(sql(act))?;
                UpsertOutcome::Created
            }
        };
        tx.commit().await.map_err(sql(act))?;
        Ok(outcome)
    }

    /// Deletes a pass and its registrations and queued pushes. Returns whether it existed.
    pub async fn delete_pass(&self, pass_type_id: &str, serial: &str) -> Result<bool, DbError> {
        let _w = self.writer().await;
        let act = "delete the pass";
        let mut tx = self.pool.begin().await.map_err(sql(act))?;
        let n = sqlx::query("DELETE FROM passes WHERE pass_type_id = $1 AND serial = $2")
            .bind(pass_type_id)
            .bind(serial)
            .execute(&mut *tx)
            .await
            .map_err(sql(act))?
            .rows_affected();
        sqlx::query("DELETE FROM registrations WHERE pass_type_id = $1 AND serial = $2")
            .bind(pass_type_id)
            .bind(serial)
            .execute(&mut *tx)
            .await
            .map_err(sql(act))?;
        tx.commit().await.map_err(sql(act))?;
        Ok(n > 0)
    }

    /// Queues a push to every device of the pass without changing it. Returns the number of
    /// distinct tokens queued.
    pub async fn queue_push(&self, pass_type_id: &str, serial: &str) -> Result<u64, DbError> {
        let _w = self.writer().await;
        let act = "queue pushes";
        let mut tx = self.pool.begin().await.map_err(sql(act))?;
        let n = enqueue_pushes(&mut tx, pass_type_id, serial).await?;
        tx.commit().await.map_err(sql(act))?;
        Ok(n)
    }

    /// Registers a device for a pass or refreshes its push token. True when it is new.
    pub async fn register(
        &self,
        device: &str,
        pass_type_id: &str,
        serial: &str,
        push_token: &str,
    ) -> Result<bool, DbError> {
        let _w = self.writer().await;
        let act = "register the device";
        let now = now_millis();
        if self.backend == Backend::Postgres {
            // xmax = 0 only for a freshly inserted row: 201 vs 200 without a race between two
            // replicas registering the same device at once.
            let row = sqlx::query(
                "INSERT INTO registrations (device_lib_id, pass_type_id, serial, push_token, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $5) \
                 ON CONFLICT (device_lib_id, pass_type_id, serial) DO UPDATE SET push_token = excluded.push_token, updated_at = excluded.updated_at \
                 RETURNING (xmax = 0) AS inserted",
            )
            .bind(device)
            .bind(pass_type_id)
            .bind(serial)
            .bind(push_token)
            .bind(now)
            .fetch_one(&self.pool)
            .await
            .map_err(sql(act))?;
            return row.try_get::<bool, _>(0).map_err(sql(act));
        }
        let mut tx = self.pool.begin().await.map_err(sql(act))?;
        let existed = sqlx::query(
            "SELECT 1 FROM registrations WHERE device_lib_id = $1 AND pass_type_id = $2 AND serial = $3",
        )
        .bind(device)
        .bind(pass_type_id)
        .bind(serial)
        .fetch_optional(&mut *tx)
        .await
        .map_err(sql(act))?
        .is_some();
        sqlx::query(
            "INSERT INTO registrations (device_lib_id, pass_type_id, serial, push_token, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $5) \
             ON CONFLICT (device_lib_id, pass_type_id, serial) DO UPDATE SET push_token = excluded.push_token, updated_at = excluded.updated_at",
        )
        .bind(device)
        .bind(pass_type_id)
        .bind(serial)
        .bind(push_token)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(sql(act))?;
        tx.commit().await.map_err(sql(act))?;
        Ok(!existed)
    }

    /// Removes one registration (no error when there was none).
    pub async fn unregister(
        &self,
        device: &str,
        pass_type_id: &str,
        serial: &str,
    ) -> Result<(), DbError> {
        let _w = self.writer().await;
        sqlx::query("DELETE FROM registrations WHERE device_lib_id = $1 AND pass_type_id = $2 AND serial = $3")
            .bind(device)
            .bind(pass_type_id)
            .bind(serial)
            .execute(&self.pool)
            .await
            .map_err(sql("unregister the device"))?;
        Ok(())
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

    /// Stores device log lines (already size-capped by the caller) and trims old ones.
    pub async fn store_logs(&self, messages: &[String]) -> Result<(), DbError> {
        if messages.is_empty() {
            return Ok(());
        }
        let _w = self.writer().await;
        let act = "store device logs";
        let now = now_secs();
        let mut tx = self.pool.begin().await.map_err(sql(act))?;
        for m in messages {
            sqlx::query("INSERT INTO device_logs (received_at, message) VALUES ($1, $2)")
                .bind(now)
                .bind(m.as_str())
                .execute(&mut *tx)
                .await
                .map_err(sql(act))?;
        }
        sqlx::query("DELETE FROM device_logs WHERE id <= (SELECT MAX(id) FROM device_logs) - $1")
            .bind(MAX_LOG_ROWS)
            .execute(&mut *tx)
            .await
            .map_err(sql(act))?;
        tx.commit().await.map_err(sql(act))?;
        Ok(())
    }

    /// The most recent device log lines, newest first.
    pub async fn recent_logs(&self, limit: i64) -> Result<Vec<String>, DbError> {
        let rows = sqlx::query("SELECT message FROM device_logs ORDER BY id DESC LIMIT $1")
            .bind(limit)
            .fetch_all(&self.pool)
            .await
            .map_err(sql("read device logs"))?;
        rows.iter()
            .map(|r| r.try_get::<String, _>(0))
            .collect::<Result<_, _>>()
            .map_err(sql("read device logs"))
    }

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
                Finish::Unregistered { timestamp_ms } => {
                    // Only registrations not refreshed after APNs' timestamp are stale.
                    sqlx::query(
                        "DELETE FROM registrations WHERE push_token = $1 AND updated_at <= $2",
                    )
                    .bind(item.push_token.as_str())
                    .bind(*timestamp_ms)
                    .execute(&mut *tx)
                    .await
                    .map_err(sql(act))?;
                    sqlx::query("DELETE FROM push_outbox WHERE id = $1")
                        .bind(item.id)
                        .execute(&mut *tx)
                        .await
                        .map_err(sql(act))?;
                }
                Finish::BadToken => {
                    sqlx::query(
                        "DELETE FROM registrations WHERE push_token = $1 AND pass_type_id = $2",
                    )
                    .bind(item.push_token.as_str())
                    .bind(item.pass_type_id.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(sql(act))?;
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

fn stored_pass(r: &AnyRow) -> Result<StoredPass, sqlx::Error> {
    Ok(StoredPass {
        pass_type_id: r.try_get(0)?,
        serial: r.try_get(1)?,
        auth_token_sha256: r.try_get(2)?,
        content_sha256: r.try_get(3)?,
        update_seq: r.try_get(4)?,
        modified_at: r.try_get(5)?,
        registrations: r.try_get(6)?,
    })
}

/// Bumps the single-row counter inside the caller's transaction. On PostgreSQL the row lock is
/// held until commit, which serializes writers so tags commit in order.
async fn next_tag(tx: &mut sqlx::Transaction<'_, sqlx::Any>) -> Result<i64, DbError> {
    let row = sqlx::query("UPDATE tag_seq SET v = v + 1 WHERE id = 1 RETURNING v")
        .fetch_one(&mut **tx)
        .await
        .map_err(sql("allocate an update tag"))?;
    row.try_get(0).map_err(sql("allocate an update tag"))
}

/// One outbox row per distinct push token; a row already waiting is marked as needing another
/// send (its generation moves) instead of being duplicated.
async fn enqueue_pushes(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_normalized() {
        let (u, b) = normalize_url("sqlite://passes.db").unwrap();
        assert_eq!(
            (u.as_str(), b),
            ("sqlite://passes.db?mode=rwc", Backend::Sqlite)
        );
        let (u, _) = normalize_url("data/p.db").unwrap();
        assert_eq!(u, "sqlite://data/p.db?mode=rwc");
        let (u, b) = normalize_url("postgres://u@h/db").unwrap();
        assert_eq!((u.as_str(), b), ("postgres://u@h/db", Backend::Postgres));
        assert!(normalize_url("mysql://x").is_err());
        assert!(normalize_url("sqlite::memory:").is_err());
    }

    #[tokio::test]
    async fn tags_increase_and_identical_upload_does_not_bump() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(dir.path().join("t.db").to_str().unwrap())
            .await
            .unwrap();
        let mk = |c: &'static str| NewPass {
            pass_type_id: "pass.t",
            serial: "s1",
            auth_token_sha256: "aa",
            content_sha256: c,
            data: b"x",
        };
        assert_eq!(
            db.upsert_pass(&mk("c1")).await.unwrap(),
            UpsertOutcome::Created
        );
        let first = db.get_pass("pass.t", "s1").await.unwrap().unwrap();
        let same = db.upsert_pass(&mk("c1")).await.unwrap();
        assert_eq!(
            same,
            UpsertOutcome::Replaced {
                changed: false,
                pushes_queued: 0
            }
        );
        assert_eq!(
            db.get_pass("pass.t", "s1")
                .await
                .unwrap()
                .unwrap()
                .update_seq,
            first.update_seq
        );
        db.upsert_pass(&mk("c2")).await.unwrap();
        let second = db.get_pass("pass.t", "s1").await.unwrap().unwrap();
        assert!(second.update_seq > first.update_seq);
        assert!(
            second.modified_at > first.modified_at,
            "Last-Modified must move even within one second"
        );
    }

    #[tokio::test]
    async fn device_logs_are_stored_newest_first() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(dir.path().join("l.db").to_str().unwrap())
            .await
            .unwrap();
        db.store_logs(&["first".to_owned(), "second".to_owned()])
            .await
            .unwrap();
        db.store_logs(&["third".to_owned()]).await.unwrap();
        assert_eq!(db.recent_logs(2).await.unwrap(), ["third", "second"]);
    }
}
