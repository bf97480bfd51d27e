//! Download links (issue 15): every uploaded pass gets an unguessable link, `/p/<id>`, that
//! serves the latest version of the pass to anyone who has it, plus an "Add to Apple Wallet"
//! page at `/p/<id>/` (made by `passmith-share`, the same page `passmith share` writes).
//!
//! - The id is 128 bits from the operating system's CSPRNG, as 32 lowercase hex digits. Links
//!   are looked up by the SHA-256 of the id, and the hash found is compared again in constant
//!   time; a malformed, unknown, revoked or expired id all get the same 404, and a revoked link
//!   (its hash erased) takes exactly the path of an unknown one. The pass type and serial never
//!   appear in a link, so guessing reaches no other pass.
//! - Every request under `/p/<id>` counts against that link's budget (`--share-rate-limit`).
//! - Absolute URLs come from `--public-url`, or else from the request's Host (see
//!   [`public_base`]).
//! - Responses say `Cache-Control: no-store` and `Referrer-Policy: no-referrer`: the link is a
//!   secret, so neither shared caches nor the Referer header of a followed link may keep it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use passmith_api::{ShareLink, ShareRevoked, ShareSettings};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::AppState;
use crate::db::{ShareRow, ShareTarget};
use crate::error::ApiError;
use crate::extract::{ApiKey, PassRef};

/// Bytes of randomness in a link id (128 bits).
const ID_BYTES: usize = 16;

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/p/{id}", get(file))
        .route("/p/{id}/", get(page))
        .route("/p/{id}/qr.png", get(qr))
        .route("/p/{id}/preview.png", get(preview))
        .route(
            "/api/v1/passes/{pass_type}/{serial}/share",
            get(show).post(renew).patch(set_expiry).delete(revoke),
        )
        .with_state(state)
}

/// A fresh link id and its hash.
pub fn new_id() -> Result<(String, String), ApiError> {
    use rand::TryRngCore;
    let mut bytes = [0u8; ID_BYTES];
    rand::rngs::OsRng
        .try_fill_bytes(&mut bytes)
        .map_err(ApiError::internal)?;
    let id = hex::encode(bytes);
    let hash = id_hash(&id);
    Ok((id, hash))
}

/// SHA-256 of a link id, hex: what the database indexes.
pub fn id_hash(id: &str) -> String {
    hex::encode(Sha256::digest(id.as_bytes()))
}

fn well_formed(id: &str) -> bool {
    id.len() == ID_BYTES * 2 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The base that links start with: `--public-url`, or else `http(s)://<Host>` from the request.
/// The fallback is built per request and never stored, and only from a Host that is a plain
/// `host[:port]`; the scheme is `https` only when `X-Forwarded-Proto: https` says so. Behind a
/// reverse proxy that rewrites Host, or for links in e-mails, set `--public-url`.
pub fn public_base(state: &AppState, headers: &HeaderMap) -> Option<String> {
    if let Some(url) = &state.public_url {
        return Some(url.clone());
    }
    let host = headers.get(header::HOST)?.to_str().ok()?.trim();
    let plain = !host.is_empty()
        && host.len() <= 255
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
    if !plain {
        return None;
    }
    let https = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"));
    Some(format!("{}://{host}", if https { "https" } else { "http" }))
}

/// `(shareUrl, sharePageUrl)` of a link id.
pub fn urls(base: &str, id: &str) -> (String, String) {
    let file = format!("{base}/p/{id}");
    let page = format!("{file}/");
    (file, page)
}

fn describe(base: &str, row: &ShareRow) -> ShareLink {
    let (share_url, share_page_url) = urls(base, &row.link_id);
    ShareLink {
        share_url,
        share_page_url,
        expires_at: row.expires_at.map(format_time),
    }
}

fn format_time(secs: i64) -> String {
    passmith_core::time::Timestamp::from_second(secs)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

fn parse_expiry(settings: &ShareSettings) -> Result<Option<i64>, ApiError> {
    match settings.expires_at.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(raw) => raw
            .parse::<passmith_core::time::Timestamp>()
            .map(|t| Some(t.as_second()))
            .map_err(|_| {
                ApiError::BadRequest(format!(
                    "expiresAt {raw:?} is not an RFC 3339 instant such as 2026-12-31T23:00:00Z"
                ))
            }),
    }
}

fn settings(body: &[u8]) -> Result<ShareSettings, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(ShareSettings::default());
    }
    serde_json::from_slice(body).map_err(|e| {
        ApiError::BadRequest(format!(
            "the body must be {{\"expiresAt\": \"<RFC 3339>\" or null}}: {e}"
        ))
    })
}

fn base_or_error(state: &AppState, headers: &HeaderMap) -> Result<String, ApiError> {
    public_base(state, headers).ok_or_else(|| {
        ApiError::BadRequest(
            "cannot tell this server's public URL: start it with --public-url https://…".into(),
        )
    })
}

fn no_link(r: PassRef) -> ApiError {
    ApiError::NotFound {
        pass_type: r.pass_type,
        serial: format!("{} with an active download link", r.serial),
    }
}

// ---- management API -------------------------------------------------------------------------

async fn show(
    State(state): State<AppState>,
    _: ApiKey,
    Path(r): Path<PassRef>,
    headers: HeaderMap,
) -> Result<Json<ShareLink>, ApiError> {
    let base = base_or_error(&state, &headers)?;
    match state.db.get_share(&r.pass_type, &r.serial).await? {
        Some(row) => Ok(Json(describe(&base, &row))),
        None => Err(no_link(r)),
    }
}

/// A new link for the pass; the old one, revoked or not, stops working.
async fn renew(
    State(state): State<AppState>,
    _: ApiKey,
    Path(r): Path<PassRef>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<ShareLink>), ApiError> {
    let expires_at = parse_expiry(&settings(&body)?)?;
    let base = base_or_error(&state, &headers)?;
    let (id, hash) = new_id()?;
    if !state
        .db
        .replace_share(&r.pass_type, &r.serial, &id, &hash, expires_at)
        .await?
    {
        return Err(ApiError::NotFound {
            pass_type: r.pass_type,
            serial: r.serial,
        });
    }
    tracing::info!(pass_type = %r.pass_type, serial = %crate::logging::escape_control(&r.serial), "new download link");
    let row = ShareRow {
        link_id: id,
        expires_at,
    };
    Ok((StatusCode::CREATED, Json(describe(&base, &row))))
}

async fn set_expiry(
    State(state): State<AppState>,
    _: ApiKey,
    Path(r): Path<PassRef>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<ShareLink>, ApiError> {
    let expires_at = parse_expiry(&settings(&body)?)?;
    let base = base_or_error(&state, &headers)?;
    if !state
        .db
        .set_share_expiry(&r.pass_type, &r.serial, expires_at)
        .await?
    {
        return Err(no_link(r));
    }
    match state.db.get_share(&r.pass_type, &r.serial).await? {
        Some(row) => Ok(Json(describe(&base, &row))),
        None => Err(no_link(r)),
    }
}

async fn revoke(
    State(state): State<AppState>,
    _: ApiKey,
    Path(r): Path<PassRef>,
) -> Result<Json<ShareRevoked>, ApiError> {
    if !state.db.revoke_share(&r.pass_type, &r.serial).await? {
        return Err(no_link(r));
    }
    tracing::info!(pass_type = %r.pass_type, serial = %crate::logging::escape_control(&r.serial), "download link revoked");
    Ok(Json(ShareRevoked { revoked: true }))
}

// ---- the public link ------------------------------------------------------------------------

/// Why a link request gets no pass. Unknown, revoked and expired are one answer.
enum Refusal {
    NotFound,
    Limited(ApiError),
    Internal(ApiError),
}

impl From<crate::db::DbError> for Refusal {
    fn from(e: crate::db::DbError) -> Refusal {
        Refusal::Internal(e.into())
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::NotFound => (
                StatusCode::NOT_FOUND,
                private_headers(HeaderValue::from_static("text/plain; charset=utf-8")),
                "This link does not exist or is no longer valid. Ask the sender for a new one.\n",
            )
                .into_response(),
            Refusal::Limited(e) | Refusal::Internal(e) => e.into_response(),
        }
    }
}

fn private_headers(content_type: HeaderValue) -> [(HeaderName, HeaderValue); 4] {
    [
        (header::CONTENT_TYPE, content_type),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
    ]
}

/// The pass behind `id`, after the link's rate limit. Every refusal is the same 404 and costs
/// the same: one indexed lookup by hash and one constant-time comparison.
async fn resolve(state: &AppState, id: &str) -> Result<ShareTarget, Refusal> {
    if !well_formed(id) {
        return Err(Refusal::NotFound);
    }
    let hash = id_hash(id);
    state.limits.share(&hash).map_err(Refusal::Limited)?;
    let found = state.db.share_target(&hash).await?;
    let stored = found
        .as_ref()
        .map_or(crate::auth::NO_SECRET, |t| t.link_sha256.as_str());
    let same: bool = hash.as_bytes().ct_eq(stored.as_bytes()).into();
    let now = crate::db::now_secs();
    match found {
        Some(t) if same && t.expires_at.is_none_or(|e| now < e) => Ok(t),
        _ => Err(Refusal::NotFound),
    }
}

/// The stored .pkpass of the target's current version (from the cache Wallet's fetches use).
async fn pass_bytes(state: &AppState, t: &ShareTarget) -> Result<Bytes, Refusal> {
    let cache = &state.pass_cache;
    if let Some(data) = cache.get(&t.pass_type_id, &t.serial, t.update_seq) {
        return Ok(data);
    }
    let (data, seq) = state
        .db
        .pass_data(&t.pass_type_id, &t.serial)
        .await?
        .ok_or(Refusal::NotFound)?;
    let data = Bytes::from(data);
    cache.put(&t.pass_type_id, &t.serial, seq, data.clone());
    Ok(data)
}

/// `GET`/`HEAD /p/<id>`: the pass itself.
async fn file(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Refusal> {
    let t = resolve(&state, &id).await?;
    let etag = format!("\"{}\"", t.content_sha256);
    let etag_value =
        HeaderValue::from_str(&etag).map_err(|e| Refusal::Internal(ApiError::internal(e)))?;
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|tag| tag.trim() == etag || tag.trim() == "*")
        });
    let private = private_headers(HeaderValue::from_static(passmith_share::PKPASS_MIME));
    if matches {
        return Ok((
            StatusCode::NOT_MODIFIED,
            private,
            [(header::ETAG, etag_value)],
        )
            .into_response());
    }
    let data = pass_bytes(&state, &t).await?;
    let disposition = HeaderValue::from_str(&passmith_share::content_disposition(&t.serial))
        .map_err(|e| Refusal::Internal(ApiError::internal(e)))?;
    Ok((
        StatusCode::OK,
        private,
        [
            (header::CONTENT_DISPOSITION, disposition),
            (header::ETAG, etag_value),
        ],
        data,
    )
        .into_response())
}

/// What the page needs of one pass version, rendered once per version.
struct Rendered {
    doc: passmith_core::PassDocument,
    preview: Option<Bytes>,
}

/// (pass type ID, serial).
type PassKey = (String, String);

/// Pages' pass documents and previews, keyed by pass and update tag (a new version has a new tag,
/// so an entry is never stale). Small: a document holds its images.
#[derive(Default)]
pub struct PageCache {
    entries: Mutex<HashMap<PassKey, (i64, Arc<Rendered>)>>,
}

const PAGE_CACHE_ENTRIES: usize = 64;

impl PageCache {
    fn get(&self, t: &ShareTarget) -> Option<Arc<Rendered>> {
        let entries = self.entries.lock().ok()?;
        let (seq, r) = entries.get(&(t.pass_type_id.clone(), t.serial.clone()))?;
        (*seq == t.update_seq).then(|| r.clone())
    }

    fn put(&self, t: &ShareTarget, r: Arc<Rendered>) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.len() >= PAGE_CACHE_ENTRIES {
            entries.clear();
        }
        entries.insert(
            (t.pass_type_id.clone(), t.serial.clone()),
            (t.update_seq, r),
        );
    }
}

async fn rendered(state: &AppState, t: &ShareTarget) -> Result<Arc<Rendered>, Refusal> {
    if let Some(r) = state.page_cache.get(t) {
        return Ok(r);
    }
    let data = pass_bytes(state, t).await?;
    let started = std::time::Instant::now();
    let r = tokio::task::spawn_blocking(move || {
        let opened = passmith_core::archive::read_pkpass(&data, passmith_core::time::now_unix())
            .map_err(|e| e.to_string())?;
        let preview = passmith_share::preview_png(&opened.document).map(Bytes::from);
        Ok::<_, String>(Rendered {
            doc: opened.document,
            preview,
        })
    })
    .await
    .map_err(|e| Refusal::Internal(ApiError::internal(e)))?
    .map_err(|e| Refusal::Internal(ApiError::internal(e)))?;
    tracing::debug!(
        ms = started.elapsed().as_millis() as u64,
        "download page rendered"
    );
    let r = Arc::new(r);
    state.page_cache.put(t, r.clone());
    Ok(r)
}

/// The link itself, for the QR code: from `--public-url` or the request (see [`public_base`]).
fn link(state: &AppState, headers: &HeaderMap, id: &str) -> Result<String, Refusal> {
    let base = public_base(state, headers).ok_or(Refusal::NotFound)?;
    Ok(urls(&base, id).0)
}

/// `GET /p/<id>/`: the "Add to Apple Wallet" page.
async fn page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Refusal> {
    let t = resolve(&state, &id).await?;
    let link = link(&state, &headers, &id)?;
    let r = rendered(&state, &t).await?;
    // Relative links: the page works under any mount point of a reverse proxy.
    let file = format!("../{id}");
    let html = passmith_share::page_html(
        &r.doc,
        &passmith_share::PageLinks {
            file: &file,
            qr_src: "qr.png",
            qr_text: &link,
            preview_src: r.preview.is_some().then_some("preview.png"),
        },
    );
    let mut resp = (
        StatusCode::OK,
        private_headers(HeaderValue::from_static("text/html; charset=utf-8")),
        html,
    )
        .into_response();
    // No scripts, no frames, pictures from here only.
    resp.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
        ),
    );
    Ok(resp)
}

fn png(data: impl Into<axum::body::Body>) -> Response {
    (
        StatusCode::OK,
        private_headers(HeaderValue::from_static("image/png")),
        data.into(),
    )
        .into_response()
}

/// `GET /p/<id>/qr.png`: the QR code of the link.
async fn qr(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Refusal> {
    resolve(&state, &id).await?;
    let link = link(&state, &headers, &id)?;
    let data =
        passmith_share::qr_png(&link).map_err(|e| Refusal::Internal(ApiError::internal(e)))?;
    Ok(png(data))
}

/// `GET /p/<id>/preview.png`: the front of the pass as Wallet shows it.
async fn preview(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, Refusal> {
    let t = resolve(&state, &id).await?;
    let r = rendered(&state, &t).await?;
    match &r.preview {
        Some(p) => Ok(png(p.clone())),
        None => Err(Refusal::NotFound),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_128_random_bits_in_hex() {
        let (a, ha) = new_id().unwrap();
        let (b, _) = new_id().unwrap();
        assert_eq!(a.len(), 32);
        assert!(well_formed(&a) && well_formed(&b));
        assert_ne!(a, b);
        assert_eq!(ha, id_hash(&a));
        assert!(!well_formed(&a.to_uppercase()) || a.bytes().all(|c| c.is_ascii_digit()));
        assert!(!well_formed("../etc"));
    }
}
