//! The management API (`/api/v1`) used by the designer, the CLI and scripts: upload or replace
//! signed passes, list them with registration counts, fetch, delete, and trigger pushes.
//! Every call needs `Authorization: Bearer <api key>` ([`ApiKey`]), checked before any body is
//! read; uploads also wait for one of `--max-concurrent-uploads` slots ([`UploadSlot`]) first,
//! so memory is bounded by slots × `--max-pass-bytes` whatever the number of clients.

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use passmith_api::{
    Deleted, GoogleState, GoogleStatus, PassInfo, PassList, PushQueued, UploadResult,
};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::AppState;
use crate::auth;
use crate::db::{NewPass, StoredPass, UpsertOutcome};
use crate::error::ApiError;
use crate::extract::{ApiKey, PassRef};

pub fn router(state: AppState, max_pass_bytes: usize) -> Router {
    Router::new()
        .route(passmith_api::paths::PASSES, put(upload).get(list))
        .route(
            "/api/v1/passes/{pass_type}/{serial}",
            get(fetch).delete(remove),
        )
        .route(
            "/api/v1/passes/{pass_type}/{serial}/push",
            axum::routing::post(push),
        )
        .layer(DefaultBodyLimit::max(max_pass_bytes))
        .with_state(state)
}

/// One of the `--max-concurrent-uploads` upload slots, held while the body is read and checked.
pub struct UploadSlot(#[allow(dead_code)] OwnedSemaphorePermit);

impl UploadSlot {
    pub fn pool(slots: usize) -> Arc<Semaphore> {
        Arc::new(Semaphore::new(slots.max(1)))
    }
}

impl FromRequestParts<AppState> for UploadSlot {
    type Rejection = ApiError;

    async fn from_request_parts(_: &mut Parts, state: &AppState) -> Result<UploadSlot, ApiError> {
        state
            .upload_slots
            .clone()
            .acquire_owned()
            .await
            .map(UploadSlot)
            .map_err(ApiError::internal)
    }
}

fn describe(p: &StoredPass, google_on: bool) -> PassInfo {
    let modified =
        std::time::UNIX_EPOCH + std::time::Duration::from_secs(p.modified_at.max(0) as u64);
    PassInfo {
        pass_type_identifier: p.pass_type_id.clone(),
        serial_number: p.serial.clone(),
        registrations: p.registrations,
        update_tag: p.update_seq.to_string(),
        last_modified: httpdate::fmt_http_date(modified),
        google: match (&p.google, google_on) {
            (Some(g), true) => GoogleStatus {
                state: match g.state.as_str() {
                    "synced" => GoogleState::Synced,
                    "failed" => GoogleState::Failed,
                    _ => GoogleState::Pending,
                },
                last_error: g.last_error.clone(),
                updated_at: passmith_core::time::Timestamp::from_second(g.updated_at)
                    .ok()
                    .map(|t| t.to_string()),
            },
            _ => GoogleStatus::default(),
        },
    }
}

fn not_found(r: PassRef) -> ApiError {
    ApiError::NotFound {
        pass_type: r.pass_type,
        serial: r.serial,
    }
}

// Extractor order matters: the key and the slot come before `Bytes` reads the body.
async fn upload(
    State(state): State<AppState>,
    _: ApiKey,
    _slot: UploadSlot,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let bytes = body.clone();
    let pass = tokio::task::spawn_blocking(move || crate::pkpass::inspect(&bytes))
        .await
        .map_err(ApiError::internal)?
        .map_err(|e| {
            let code = match e {
                crate::pkpass::PkpassError::BadSignature(_) => "invalid_signature",
                crate::pkpass::PkpassError::Unreadable(_) => "unreadable_pass",
                _ => "missing_web_service",
            };
            ApiError::Unprocessable {
                code,
                message: e.to_string(),
            }
        })?;
    let token_hash = auth::hash_secret(&pass.auth_token);
    let outcome = state
        .db
        .upsert_pass(&NewPass {
            pass_type_id: &pass.pass_type_id,
            serial: &pass.serial,
            auth_token_sha256: &token_hash,
            content_sha256: &pass.content_sha256,
            data: &body,
            google: state.wake_google.is_some(),
        })
        .await?;
    let (status, changed, queued) = match outcome {
        UpsertOutcome::Created => (StatusCode::CREATED, true, 0),
        UpsertOutcome::Replaced {
            changed,
            pushes_queued,
        } => (StatusCode::OK, changed, pushes_queued),
    };
    if changed {
        state
            .metrics
            .pass_updates
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
    if queued > 0 {
        state.wake_worker.notify_one();
    }
    if changed && let Some(wake) = &state.wake_google {
        wake.notify_one();
    }
    let registrations = state
        .db
        .get_pass(&pass.pass_type_id, &pass.serial)
        .await?
        .map_or(0, |p| p.registrations);
    // The pass's download link: made on its first upload, shown again on every later one.
    let (link_id, link_hash) = crate::share::new_id()?;
    let link = state
        .db
        .ensure_share(&pass.pass_type_id, &pass.serial, &link_id, &link_hash)
        .await?;
    let (share_url, share_page_url) = match (link, crate::share::public_base(&state, &headers)) {
        (Some(row), Some(base)) => {
            let (f, p) = crate::share::urls(&base, &row.link_id);
            (Some(f), Some(p))
        }
        _ => (None, None),
    };
    tracing::info!(pass_type = %pass.pass_type_id, serial = %pass.serial, changed, pushes = queued, "pass uploaded");
    Ok((
        status,
        Json(UploadResult {
            pass_type_identifier: pass.pass_type_id,
            serial_number: pass.serial,
            created: status == StatusCode::CREATED,
            changed,
            pushes_queued: queued,
            registrations,
            web_service_url: pass.web_service_url,
            share_url,
            share_page_url,
        }),
    )
        .into_response())
}

async fn list(State(state): State<AppState>, _: ApiKey) -> Result<Json<PassList>, ApiError> {
    let passes = state.db.list_passes().await?;
    Ok(Json(PassList {
        passes: passes
            .iter()
            .map(|p| describe(p, state.wake_google.is_some()))
            .collect(),
    }))
}

/// JSON description by default; the .pkpass itself with `Accept: application/vnd.apple.pkpass`.
async fn fetch(
    State(state): State<AppState>,
    _: ApiKey,
    Path(r): Path<PassRef>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let wants_file = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/vnd.apple.pkpass"));
    if wants_file {
        let (data, _) = state
            .db
            .pass_data(&r.pass_type, &r.serial)
            .await?
            .ok_or_else(|| not_found(r))?;
        return Ok((
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/vnd.apple.pkpass"),
            )],
            data,
        )
            .into_response());
    }
    let p = state
        .db
        .get_pass(&r.pass_type, &r.serial)
        .await?
        .ok_or_else(|| not_found(r))?;
    Ok(Json(describe(&p, state.wake_google.is_some())).into_response())
}

async fn remove(
    State(state): State<AppState>,
    _: ApiKey,
    Path(r): Path<PassRef>,
) -> Result<Json<Deleted>, ApiError> {
    if !state.db.delete_pass(&r.pass_type, &r.serial).await? {
        return Err(not_found(r));
    }
    Ok(Json(Deleted {
        deleted: true,
        pass_type_identifier: r.pass_type,
        serial_number: r.serial,
    }))
}

async fn push(
    State(state): State<AppState>,
    _: ApiKey,
    Path(r): Path<PassRef>,
) -> Result<(StatusCode, Json<PushQueued>), ApiError> {
    if state.db.pass_meta(&r.pass_type, &r.serial).await?.is_none() {
        return Err(not_found(r));
    }
    let n = state.db.queue_push(&r.pass_type, &r.serial).await?;
    if n > 0 {
        state.wake_worker.notify_one();
    }
    Ok((StatusCode::ACCEPTED, Json(PushQueued { pushes_queued: n })))
}
