//! What devices post to /v1/log, kept in a size-capped table.

use sqlx::Row;

use super::{Db, DbError, now_secs, sql};

/// Device log rows kept; older ones are dropped so a chatty device cannot fill the disk.
pub const MAX_LOG_ROWS: i64 = 10_000;

impl Db {
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
}
