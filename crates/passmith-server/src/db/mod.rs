//! Storage: one schema and one set of queries for SQLite (default) and PostgreSQL.
//!
//! Both backends go through sqlx's `Any` driver with `$N` placeholders, which both accept.
//! Update tags come from a single-row counter (`tag_seq`) bumped inside the same transaction as
//! the pass change: the row lock (PostgreSQL) or the single writer (SQLite) makes tag order equal
//! commit order, so a reader that has seen tag N can never later miss a change with a tag ≤ N.
//! Wall-clock time is never used as a tag.

use std::sync::Arc;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Executor, Row};
use tokio::sync::{Mutex, MutexGuard};

mod commit;
mod google;
mod logs;
mod outbox;
mod registrations;
mod share;

pub use google::{GoogleFinish, GoogleJob, GoogleRow};
pub use logs::MAX_LOG_ROWS;
use outbox::enqueue_pushes;
pub use outbox::{Finish, OutboxItem};
pub use registrations::RegisterOutcome;
pub use share::{ShareRow, ShareTarget};

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

/// How hard SQLite works to keep the last commits (PostgreSQL follows its own
/// `synchronous_commit`, on by default: every commit is on disk).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Durability {
    /// `synchronous=NORMAL` in WAL mode: survives a crash of the process (kill -9); a power
    /// loss or kernel crash may lose the last commits, never corrupt the file.
    #[default]
    Normal,
    /// `synchronous=FULL`: every commit is synced to disk before it is acknowledged.
    Full,
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
    /// The Google status; None when the pass was never queued for Google.
    pub google: Option<GoogleRow>,
}

/// What the web service needs to authorize a device and answer for a pass: one primary-key
/// lookup, whatever the number of registrations.
#[derive(Debug, Clone)]
pub struct PassMeta {
    pub pass_type_id: String,
    pub serial: String,
    pub auth_token_sha256: String,
    pub update_seq: i64,
    /// Unix seconds; strictly increases per pass (used for Last-Modified).
    pub modified_at: i64,
}

/// What an upload did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpsertOutcome {
    Created,
    Replaced { changed: bool, pushes_queued: u64 },
}

/// A new pass version to store.
pub struct NewPass<'a> {
    pub pass_type_id: &'a str,
    pub serial: &'a str,
    pub auth_token_sha256: &'a str,
    pub content_sha256: &'a str,
    pub data: &'a [u8],
    /// Also queue a Google Wallet sync when the content changed (a key is configured).
    pub google: bool,
}

/// The database handle shared by the web service, the management API and the push worker.
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    /// SQLite has one writer per file: serializing write transactions in-process avoids
    /// SQLITE_BUSY on lock upgrades and keeps tag allocation order equal to commit order.
    write_lock: Option<Arc<Mutex<()>>>,
    /// SQLite only: registrations are group-committed (see [`commit`]).
    committer: Option<commit::Committer>,
}

/// Seconds since the Unix epoch.
pub fn now_secs() -> i64 {
    passmith_core::time::now_unix()
}

/// Milliseconds since the Unix epoch (APNs 410 timestamps use this unit).
pub fn now_millis() -> i64 {
    passmith_core::time::now().as_millisecond()
}

/// Opens one connection and, on SQLite, checks that the file is a database that this process
/// can write, with a short busy timeout. Errors name the cause (`file is not a database`,
/// `database is locked`) instead of a pool timeout.
async fn probe(url: &str, backend: Backend) -> Result<(), DbError> {
    use sqlx::Connection;
    let mut conn = sqlx::AnyConnection::connect(url)
        .await
        .map_err(sql("open the database"))?;
    if backend == Backend::Sqlite {
        conn.execute("PRAGMA busy_timeout = 2000")
            .await
            .map_err(sql("open the database"))?;
        conn.execute("PRAGMA journal_mode = WAL")
            .await
            .map_err(sql(
                "read the database file (is it a passmith-server SQLite database?)",
            ))?;
        conn.execute("BEGIN IMMEDIATE").await.map_err(sql(
            "get write access to the database (is another process holding it locked?)",
        ))?;
        conn.execute("COMMIT")
            .await
            .map_err(sql("get write access to the database"))?;
    }
    conn.close().await.map_err(sql("open the database"))?;
    Ok(())
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
    "CREATE TABLE IF NOT EXISTS passes (pass_type_id TEXT NOT NULL, serial TEXT NOT NULL, auth_token_sha256 TEXT NOT NULL, content_sha256 TEXT NOT NULL, data BLOB NOT NULL, update_seq BIGINT NOT NULL, modified_at BIGINT NOT NULL, created_at BIGINT NOT NULL, registration_count BIGINT NOT NULL DEFAULT 0, PRIMARY KEY (pass_type_id, serial))",
];

const PG_SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS tag_seq (id INTEGER PRIMARY KEY, v BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS push_outbox (id BIGSERIAL PRIMARY KEY, push_token TEXT NOT NULL, pass_type_id TEXT NOT NULL, not_before BIGINT NOT NULL, attempts BIGINT NOT NULL, generation BIGINT NOT NULL, UNIQUE (push_token, pass_type_id))",
    "CREATE TABLE IF NOT EXISTS device_logs (id BIGSERIAL PRIMARY KEY, received_at BIGINT NOT NULL, message TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS passes (pass_type_id TEXT NOT NULL, serial TEXT NOT NULL, auth_token_sha256 TEXT NOT NULL, content_sha256 TEXT NOT NULL, data BYTEA NOT NULL, update_seq BIGINT NOT NULL, modified_at BIGINT NOT NULL, created_at BIGINT NOT NULL, registration_count BIGINT NOT NULL DEFAULT 0, PRIMARY KEY (pass_type_id, serial))",
];

const COMMON_SCHEMA: &[&str] = &[
    "INSERT INTO tag_seq (id, v) VALUES (1, 0) ON CONFLICT (id) DO NOTHING",
    "CREATE INDEX IF NOT EXISTS passes_by_seq ON passes (pass_type_id, update_seq)",
    // Push tokens are unbounded TEXT: real tokens are not always 64 hex digits.
    "CREATE TABLE IF NOT EXISTS registrations (device_lib_id TEXT NOT NULL, pass_type_id TEXT NOT NULL, serial TEXT NOT NULL, push_token TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, PRIMARY KEY (device_lib_id, pass_type_id, serial))",
    "CREATE INDEX IF NOT EXISTS registrations_by_pass ON registrations (pass_type_id, serial)",
    "CREATE INDEX IF NOT EXISTS registrations_by_token ON registrations (push_token)",
    "CREATE INDEX IF NOT EXISTS outbox_due ON push_outbox (not_before)",
    // One row that /healthz writes to prove the database takes writes.
    "CREATE TABLE IF NOT EXISTS health (id INTEGER PRIMARY KEY, checked_at BIGINT NOT NULL)",
    // Download links (issue 15), at most one per pass. Added after the first release: on an
    // older database these two statements are the migration (existing passes get their link on
    // their next upload). A revoked link keeps its row with NULL id and hash, so it can never
    // be found again and the pass does not get a new link by itself.
    "CREATE TABLE IF NOT EXISTS share_links (pass_type_id TEXT NOT NULL, serial TEXT NOT NULL, link_id TEXT, link_sha256 TEXT, created_at BIGINT NOT NULL, expires_at BIGINT, revoked_at BIGINT, PRIMARY KEY (pass_type_id, serial))",
    "CREATE UNIQUE INDEX IF NOT EXISTS share_links_by_hash ON share_links (link_sha256)",
    // Google Wallet sync (issue 14), one row per pass: the job while `pending`, then the pass's
    // Google status. Added later: on an older database these statements are the migration.
    "CREATE TABLE IF NOT EXISTS google_outbox (pass_type_id TEXT NOT NULL, serial TEXT NOT NULL, state TEXT NOT NULL, not_before BIGINT NOT NULL, attempts BIGINT NOT NULL, generation BIGINT NOT NULL, inserted BIGINT NOT NULL, last_error TEXT, updated_at BIGINT NOT NULL, PRIMARY KEY (pass_type_id, serial))",
    "CREATE INDEX IF NOT EXISTS google_outbox_due ON google_outbox (state, not_before)",
];

/// Databases made before registrations were counted per pass get the column and their counts.
const ADD_REGISTRATION_COUNT: &[&str] = &[
    "ALTER TABLE passes ADD COLUMN registration_count BIGINT NOT NULL DEFAULT 0",
    "UPDATE passes SET registration_count = (SELECT COUNT(*) FROM registrations r \
     WHERE r.pass_type_id = passes.pass_type_id AND r.serial = passes.serial)",
];

impl Db {
    /// Opens (and creates, for SQLite) the database with the default durability and brings the
    /// schema up to date.
    pub async fn connect(url: &str) -> Result<Db, DbError> {
        Db::open(url, Durability::Normal).await
    }

    /// Opens the database and brings the schema up to date. One connection is tried first, so a
    /// corrupt, foreign or locked file fails at once with the real cause instead of after the
    /// pool's retries.
    pub async fn open(url: &str, durability: Durability) -> Result<Db, DbError> {
        sqlx::any::install_default_drivers();
        let (url, backend) = normalize_url(url)?;
        probe(&url, backend).await?;
        let synchronous = match durability {
            Durability::Normal => "PRAGMA synchronous = NORMAL",
            Durability::Full => "PRAGMA synchronous = FULL",
        };
        let mut options = AnyPoolOptions::new().acquire_timeout(std::time::Duration::from_secs(10));
        options = match backend {
            Backend::Sqlite => options.max_connections(8).after_connect(move |conn, _| {
                Box::pin(async move {
                    conn.execute("PRAGMA busy_timeout = 10000").await?;
                    conn.execute(synchronous).await?;
                    Ok(())
                })
            }),
            Backend::Postgres => options.max_connections(16),
        };
        let pool = options
            .connect(&url)
            .await
            .map_err(sql("open the database"))?;
        let schema = match backend {
            Backend::Sqlite => SQLITE_SCHEMA,
            Backend::Postgres => PG_SCHEMA,
        };
        let has_count = match backend {
            Backend::Sqlite => {
                "SELECT COUNT(*) FROM pragma_table_info('passes') WHERE name = 'registration_count'"
            }
            Backend::Postgres => {
                "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'passes' AND column_name = 'registration_count'"
            }
        };
        let act = "migrate the schema";
        let mut tx = pool.begin().await.map_err(sql(act))?;
        if backend == Backend::Postgres {
            // Two replicas starting at once must not race on CREATE TABLE.
            tx.execute("SELECT pg_advisory_xact_lock(724011)")
                .await
                .map_err(sql(act))?;
        }
        for stmt in schema.iter().chain(COMMON_SCHEMA) {
            tx.execute(*stmt).await.map_err(sql(act))?;
        }
        let counted: i64 = sqlx::query(has_count)
            .fetch_one(&mut *tx)
            .await
            .and_then(|r| r.try_get(0))
            .map_err(sql(act))?;
        if counted == 0 {
            for stmt in ADD_REGISTRATION_COUNT {
                tx.execute(*stmt).await.map_err(sql(act))?;
            }
        }
        tx.commit().await.map_err(sql(act))?;
        let write_lock = (backend == Backend::Sqlite).then(|| Arc::new(Mutex::new(())));
        let committer = write_lock
            .as_ref()
            .map(|lock| commit::Committer::start(pool.clone(), lock.clone()));
        Ok(Db {
            pool,
            backend,
            write_lock,
            committer,
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

    /// Writes one row, for /healthz and /readyz: fails while the database refuses writes.
    pub async fn check_writable(&self) -> Result<(), DbError> {
        let _w = self.writer().await;
        sqlx::query(
            "INSERT INTO health (id, checked_at) VALUES (1, $1) \
             ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at",
        )
        .bind(now_millis())
        .execute(&self.pool)
        .await
        .map_err(sql("write to the database"))?;
        Ok(())
    }

    /// The pass's token hash and version, or None (the hot path of every device request).
    pub async fn pass_meta(
        &self,
        pass_type_id: &str,
        serial: &str,
    ) -> Result<Option<PassMeta>, DbError> {
        let row = sqlx::query(
            "SELECT auth_token_sha256, update_seq, modified_at FROM passes WHERE pass_type_id = $1 AND serial = $2",
        )
        .bind(pass_type_id)
        .bind(serial)
        .fetch_optional(&self.pool)
        .await
        .map_err(sql("read a pass"))?;
        row.map(|r| {
            Ok(PassMeta {
                pass_type_id: pass_type_id.to_owned(),
                serial: serial.to_owned(),
                auth_token_sha256: r.try_get(0)?,
                update_seq: r.try_get(1)?,
                modified_at: r.try_get(2)?,
            })
        })
        .transpose()
        .map_err(sql("read a pass"))
    }

    /// The pass with its registration count, or None.
    pub async fn get_pass(
        &self,
        pass_type_id: &str,
        serial: &str,
    ) -> Result<Option<StoredPass>, DbError> {
        let row = sqlx::query(
            "SELECT p.pass_type_id, p.serial, p.auth_token_sha256, p.content_sha256, p.update_seq, p.modified_at, \
             p.registration_count, g.state, g.last_error, g.updated_at \
             FROM passes p LEFT JOIN google_outbox g ON g.pass_type_id = p.pass_type_id AND g.serial = p.serial WHERE p.pass_type_id = $1 AND p.serial = $2",
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

    /// The .pkpass bytes of a pass, with the update tag of that version.
    pub async fn pass_data(
        &self,
        pass_type_id: &str,
        serial: &str,
    ) -> Result<Option<(Vec<u8>, i64)>, DbError> {
        let row = sqlx::query(
            "SELECT data, update_seq FROM passes WHERE pass_type_id = $1 AND serial = $2",
        )
        .bind(pass_type_id)
        .bind(serial)
        .fetch_optional(&self.pool)
        .await
        .map_err(sql("read a pass"))?;
        row.map(|r| Ok((r.try_get::<Vec<u8>, _>(0)?, r.try_get::<i64, _>(1)?)))
            .transpose()
            .map_err(sql("read a pass"))
    }

    /// Every pass with its registration count, ordered by pass type and serial.
    pub async fn list_passes(&self) -> Result<Vec<StoredPass>, DbError> {
        let rows = sqlx::query(
            "SELECT p.pass_type_id, p.serial, p.auth_token_sha256, p.content_sha256, p.update_seq, p.modified_at, \
             p.registration_count, g.state, g.last_error, g.updated_at \
             FROM passes p LEFT JOIN google_outbox g ON g.pass_type_id = p.pass_type_id AND g.serial = p.serial ORDER BY p.pass_type_id, p.serial",
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
        let previous = match existing {
            Some(row) => {
                let content: String = row.try_get(0).map_err(sql(act))?;
                let token: String = row.try_get(1).map_err(sql(act))?;
                let modified: i64 = row.try_get(2).map_err(sql(act))?;
                if content == new.content_sha256 && token == new.auth_token_sha256 {
                    return Ok(UpsertOutcome::Replaced {
                        changed: false,
                        pushes_queued: 0,
                    });
                }
                Some(modified)
            }
            None => None,
        };
        let seq = next_tag(&mut tx).await?;
        // Last-Modified moves strictly forward, even when two uploads land in one second.
        let modified = previous.map_or(now, |prev| now.max(prev + 1));
        // One statement for a new and a replaced pass; created_at is kept on replace.
        sqlx::query(
            "INSERT INTO passes (pass_type_id, serial, auth_token_sha256, content_sha256, data, update_seq, modified_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (pass_type_id, serial) DO UPDATE SET auth_token_sha256 = excluded.auth_token_sha256, \
             content_sha256 = excluded.content_sha256, data = excluded.data, update_seq = excluded.update_seq, \
             modified_at = excluded.modified_at",
        )
        .bind(new.pass_type_id)
        .bind(new.serial)
        .bind(new.auth_token_sha256)
        .bind(new.content_sha256)
        .bind(new.data)
        .bind(seq)
        .bind(modified)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(sql(act))?;
        if new.google {
            google::enqueue_google(&mut tx, new.pass_type_id, new.serial).await?;
        }
        let outcome = match previous {
            Some(_) => UpsertOutcome::Replaced {
                changed: true,
                pushes_queued: enqueue_pushes(&mut tx, new.pass_type_id, new.serial).await?,
            },
            None => UpsertOutcome::Created,
        };
        tx.commit().await.map_err(sql(act))?;
        Ok(outcome)
    }

    /// Deletes a pass, its registrations, and the queued pushes that no other registration of
    /// the same devices still needs. Returns whether it existed.
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
        sqlx::query("DELETE FROM google_outbox WHERE pass_type_id = $1 AND serial = $2")
            .bind(pass_type_id)
            .bind(serial)
            .execute(&mut *tx)
            .await
            .map_err(sql(act))?;
        // A pass uploaded again under the same serial later must not revive the old link.
        sqlx::query("DELETE FROM share_links WHERE pass_type_id = $1 AND serial = $2")
            .bind(pass_type_id)
            .bind(serial)
            .execute(&mut *tx)
            .await
            .map_err(sql(act))?;
        // Outbox rows are per (push token, pass type): keep those a device's other passes of
        // this type still need, drop the rest.
        sqlx::query(
            "DELETE FROM push_outbox WHERE pass_type_id = $1 AND push_token NOT IN \
             (SELECT push_token FROM registrations WHERE pass_type_id = $1)",
        )
        .bind(pass_type_id)
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
        google: match r.try_get::<Option<String>, _>(7)? {
            Some(state) => Some(GoogleRow {
                state,
                last_error: r.try_get(8)?,
                updated_at: r.try_get::<Option<i64>, _>(9)?.unwrap_or(0),
            }),
            None => None,
        },
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
            google: false,
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

    #[tokio::test]
    async fn durability_sets_sqlite_synchronous() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.db");
        for (d, expected) in [(Durability::Normal, 1i64), (Durability::Full, 2)] {
            let db = Db::open(path.to_str().unwrap(), d).await.unwrap();
            let v: i64 = sqlx::query_scalar("PRAGMA synchronous")
                .fetch_one(&db.pool)
                .await
                .unwrap();
            assert_eq!(v, expected, "{d:?}");
        }
    }

    #[tokio::test]
    async fn an_older_database_gets_its_registration_counts() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        let url = format!("sqlite://{}?mode=rwc", path.display());
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&url).await.unwrap();
        for stmt in [
            "CREATE TABLE passes (pass_type_id TEXT NOT NULL, serial TEXT NOT NULL, auth_token_sha256 TEXT NOT NULL, content_sha256 TEXT NOT NULL, data BLOB NOT NULL, update_seq BIGINT NOT NULL, modified_at BIGINT NOT NULL, created_at BIGINT NOT NULL, PRIMARY KEY (pass_type_id, serial))",
            "CREATE TABLE registrations (device_lib_id TEXT NOT NULL, pass_type_id TEXT NOT NULL, serial TEXT NOT NULL, push_token TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, PRIMARY KEY (device_lib_id, pass_type_id, serial))",
            "INSERT INTO passes VALUES ('pass.t', 's1', 'aa', 'c', x'00', 1, 1, 1)",
            "INSERT INTO registrations VALUES ('d1', 'pass.t', 's1', 'ab', 0, 0), ('d2', 'pass.t', 's1', 'cd', 0, 0)",
        ] {
            pool.execute(stmt).await.unwrap();
        }
        pool.close().await;
        let db = Db::connect(path.to_str().unwrap()).await.unwrap();
        let p = db.get_pass("pass.t", "s1").await.unwrap().unwrap();
        assert_eq!(p.registrations, 2);
        assert_eq!(
            db.register("d3", "pass.t", "s1", "ef", 3).await.unwrap(),
            RegisterOutcome::Created
        );
        assert_eq!(
            db.register("d4", "pass.t", "s1", "ef", 3).await.unwrap(),
            RegisterOutcome::CapReached
        );
        db.unregister("d1", "pass.t", "s1").await.unwrap();
        assert_eq!(
            db.get_pass("pass.t", "s1")
                .await
                .unwrap()
                .unwrap()
                .registrations,
            2
        );
    }
}
