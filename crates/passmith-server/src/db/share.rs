//! Download links (`/p/<id>`): at most one per pass, found by the SHA-256 of the id.
//!
//! The id itself is kept too, so the management API can show the link again on every upload.
//! That gives a database reader nothing new: the database holds the passes themselves. Lookups
//! go by the hash only, so the index is never searched with attacker-chosen bytes and a guessed
//! id costs the same whether or not a link shares a prefix with it.

use sqlx::Row;

use super::{Db, DbError, now_secs, sql};

/// A pass's active link, as the management API shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareRow {
    pub link_id: String,
    /// Unix seconds; the link answers 404 from then on.
    pub expires_at: Option<i64>,
}

/// What a link leads to: the latest version of its pass.
#[derive(Debug, Clone)]
pub struct ShareTarget {
    pub link_sha256: String,
    pub expires_at: Option<i64>,
    pub pass_type_id: String,
    pub serial: String,
    pub update_seq: i64,
    pub content_sha256: String,
}

fn active(row: Option<sqlx::any::AnyRow>, act: &'static str) -> Result<Option<ShareRow>, DbError> {
    let Some(row) = row else { return Ok(None) };
    let id: Option<String> = row.try_get(0).map_err(sql(act))?;
    let expires_at: Option<i64> = row.try_get(1).map_err(sql(act))?;
    Ok(id.map(|link_id| ShareRow {
        link_id,
        expires_at,
    }))
}

impl Db {
    /// The pass's link, made now from `(link_id, link_sha256)` if the pass never had one. None
    /// when its link was revoked (a new one is made only on request, [`Db::replace_share`]).
    pub async fn ensure_share(
        &self,
        pass_type_id: &str,
        serial: &str,
        link_id: &str,
        link_sha256: &str,
    ) -> Result<Option<ShareRow>, DbError> {
        let _w = self.writer().await;
        let act = "make the download link";
        let mut tx = self.pool.begin().await.map_err(sql(act))?;
        sqlx::query(
            "INSERT INTO share_links (pass_type_id, serial, link_id, link_sha256, created_at) \
             SELECT $1, $2, $3, $4, $5 WHERE EXISTS \
             (SELECT 1 FROM passes WHERE pass_type_id = $1 AND serial = $2) \
             ON CONFLICT (pass_type_id, serial) DO NOTHING",
        )
        .bind(pass_type_id)
        .bind(serial)
        .bind(link_id)
        .bind(link_sha256)
        .bind(now_secs())
        .execute(&mut *tx)
        .await
        .map_err(sql(act))?;
        let row = sqlx::query(
            "SELECT link_id, expires_at FROM share_links WHERE pass_type_id = $1 AND serial = $2",
        )
        .bind(pass_type_id)
        .bind(serial)
        .fetch_optional(&mut *tx)
        .await
        .map_err(sql(act))?;
        tx.commit().await.map_err(sql(act))?;
        active(row, act)
    }

    /// The pass's active link, or None (no pass, never shared, or revoked).
    pub async fn get_share(
        &self,
        pass_type_id: &str,
        serial: &str,
    ) -> Result<Option<ShareRow>, DbError> {
        let act = "read the download link";
        let row = sqlx::query(
            "SELECT link_id, expires_at FROM share_links WHERE pass_type_id = $1 AND serial = $2",
        )
        .bind(pass_type_id)
        .bind(serial)
        .fetch_optional(&self.pool)
        .await
        .map_err(sql(act))?;
        active(row, act)
    }

    /// Gives the pass a new link (the previous one, revoked or not, stops working at once).
    /// False when there is no such pass.
    pub async fn replace_share(
        &self,
        pass_type_id: &str,
        serial: &str,
        link_id: &str,
        link_sha256: &str,
        expires_at: Option<i64>,
    ) -> Result<bool, DbError> {
        let _w = self.writer().await;
        let act = "make a new download link";
        let n = sqlx::query(
            "INSERT INTO share_links (pass_type_id, serial, link_id, link_sha256, created_at, expires_at) \
             SELECT $1, $2, $3, $4, $5, $6 WHERE EXISTS \
             (SELECT 1 FROM passes WHERE pass_type_id = $1 AND serial = $2) \
             ON CONFLICT (pass_type_id, serial) DO UPDATE SET link_id = excluded.link_id, \
             link_sha256 = excluded.link_sha256, created_at = excluded.created_at, \
             expires_at = excluded.expires_at, revoked_at = NULL",
        )
        .bind(pass_type_id)
        .bind(serial)
        .bind(link_id)
        .bind(link_sha256)
        .bind(now_secs())
        .bind(expires_at)
        .execute(&self.pool)
        .await
        .map_err(sql(act))?
        .rows_affected();
        Ok(n > 0)
    }

    /// Sets or clears the expiry of the pass's active link. False when it has none.
    pub async fn set_share_expiry(
        &self,
        pass_type_id: &str,
        serial: &str,
        expires_at: Option<i64>,
    ) -> Result<bool, DbError> {
        let _w = self.writer().await;
        let n = sqlx::query(
            "UPDATE share_links SET expires_at = $3 \
             WHERE pass_type_id = $1 AND serial = $2 AND link_sha256 IS NOT NULL",
        )
        .bind(pass_type_id)
        .bind(serial)
        .bind(expires_at)
        .execute(&self.pool)
        .await
        .map_err(sql("set the download link's expiry"))?
        .rows_affected();
        Ok(n > 0)
    }

    /// Revokes the pass's link: its id and hash are erased, so it can never be found again.
    /// False when it had no active link.
    pub async fn revoke_share(&self, pass_type_id: &str, serial: &str) -> Result<bool, DbError> {
        let _w = self.writer().await;
        let n = sqlx::query(
            "UPDATE share_links SET link_id = NULL, link_sha256 = NULL, revoked_at = $3 \
             WHERE pass_type_id = $1 AND serial = $2 AND link_sha256 IS NOT NULL",
        )
        .bind(pass_type_id)
        .bind(serial)
        .bind(now_secs())
        .execute(&self.pool)
        .await
        .map_err(sql("revoke the download link"))?
        .rows_affected();
        Ok(n > 0)
    }

    /// The pass behind the link whose id hashes to `link_sha256`, whatever its expiry (the
    /// caller judges it), or None. One indexed lookup by hash.
    pub async fn share_target(&self, link_sha256: &str) -> Result<Option<ShareTarget>, DbError> {
        let act = "look up a download link";
        let row = sqlx::query(
            "SELECT s.link_sha256, s.expires_at, p.pass_type_id, p.serial, p.update_seq, p.content_sha256 \
             FROM share_links s JOIN passes p ON p.pass_type_id = s.pass_type_id AND p.serial = s.serial \
             WHERE s.link_sha256 = $1",
        )
        .bind(link_sha256)
        .fetch_optional(&self.pool)
        .await
        .map_err(sql(act))?;
        row.map(|r| {
            Ok(ShareTarget {
                link_sha256: r.try_get(0)?,
                expires_at: r.try_get(1)?,
                pass_type_id: r.try_get(2)?,
                serial: r.try_get(3)?,
                update_seq: r.try_get(4)?,
                content_sha256: r.try_get(5)?,
            })
        })
        .transpose()
        .map_err(sql(act))
    }
}
