//! The management API (`/api/v1`) used by the designer, the CLI and scripts: upload or replace
//! signed passes, list them with registration counts, fetch, delete, and trigger pushes.
//! Every call needs `Authorization: Bearer <api key>`.

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use serde_json::json;

use crate::AppState;
use crate::auth;
use crate::db::{NewPass, StoredPass, UpsertOutcome};
use crate::web::internal;

pub fn router(state: AppState, max_pass_bytes: usize) -> Router {
    Router::new()
        .route("/api/v1/passes", put(upload).get(list))
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

fn error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    (
        status,
        Json(json!({"error": code, "message": message.into()})),
    )
        .into_response()
}

// Handlers answer with the ready-made response; boxing it would only add noise.
#[allow(clippy::result_large_err)]
fn check_key(state: &AppState, headers: &HeaderMap) -> Result<(), Response> {
    let Some(stored) = state.api_key_hash.as_deref() else {
        return Err(error(
            StatusCode::UNAUTHORIZED,
            "no_api_key_configured",
            "this server has no API key; start it with --api-key-file",
        ));
    };
    match auth::credential(headers, "Bearer") {
        Some(k) if auth::matches(k, stored) => Ok(()),
        _ => Err(error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "missing or wrong API key (Authorization: Bearer <key>)",
        )),
    }
}

fn describe(p: &StoredPass) -> serde_json::Value {
    let modified =
        std::time::UNIX_EPOCH + std::time::Duration::from_secs(p.modified_at.max(0) as u64);
    json!({
        "passTypeIdentifier": p.pass_type_id,
        "serialNumber": p.serial,
        "registrations": p.registrations,
        "updateTag": p.update_seq.to_string(),
        "lastModified": httpdate::fmt_http_date(modified),
    })
}

async fn upload(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(r) = check_key(&state, &headers) {
        return r;
    }
    let bytes = body.clone();
    let inspected = tokio::task::spawn_blocking(move || crate::pkpass::inspect(&bytes)).await;
    let pass = match inspected {
        Ok(Ok(p)) => p,
        Ok(Err(e)) => {
            let code = match e {
                crate::pkpass::PkpassError::BadSignature(_) => "invalid_signature",
                crate::pkpass::PkpassError::Unreadable(_) => "unreadable_pass",
                _ => "missing_web_service",
            };
            return error(StatusCode::UNPROCESSABLE_ENTITY, code, e.to_string());
        }
        Err(e) => return internal(e),
    };
    let token_hash = auth::hash_secret(&pass.auth_token);
    let outcome = state
        .db
        .upsert_pass(&NewPass {
            pass_type_id: &pass.pass_type_id,
            serial: &pass.serial,
            auth_token_sha256: &token_hash,
            content_sha256: &pass.content_sha256,
            data: &body,
        })
        .await;
    let (status, changed, queued) = match outcome {
        Ok(UpsertOutcome::Created) => (StatusCode::CREATED, true, 0),
        Ok(UpsertOutcome::Replaced {
            changed,
            pushes_queued,
        }) => (StatusCode::OK, changed, pushes_queued),
        Err(e) => return internal(e),
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
    let registrations = match state.db.get_pass(&pass.pass_type_id, &pass.serial).await {
        Ok(Some(p)) => p.registrations,
        Ok(None) => 0,
        Err(e) => return internal(e),
    };
    tracing::info!(pass_type = %pass.pass_type_id, serial = %pass.serial, changed, pushes = queued, "pass uploaded");
    (
        status,
        Json(json!({
            "passTypeIdentifier": pass.pass_type_id,
            "serialNumber": pass.serial,
            "created": status == StatusCode::CREATED,
            "changed": changed,
            "pushesQueued": queued,
            "registrations": registrations,
            "webServiceURL": pass.web_service_url,
        })),
    )
        .into_response()
}

async fn list(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Err(r) = check_key(&state, &headers) {
        return r;
    }
    match state.db.list_passes().await {
        Ok(passes) => {
            Json(json!({"passes": passes.iter().map(describe).collect::<Vec<_>>()})).into_response()
        }
        Err(e) => internal(e),
    }
}

/// JSON description by default; the .pkpass itself with `Accept: application/vnd.apple.pkpass`.
async fn fetch(
    State(state): State<AppState>,
    Path((pass_type, serial)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = check_key(&state, &headers) {
        return r;
    }
    let wants_file = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/vnd.apple.pkpass"));
    if wants_file {
        return match state.db.pass_data(&pass_type, &serial).await {
            Ok(Some(data)) => (
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/vnd.apple.pkpass"),
                )],
                data,
            )
                .into_response(),
            Ok(None) => not_found(&pass_type, &serial),
            Err(e) => internal(e),
        };
    }
    match state.db.get_pass(&pass_type, &serial).await {
        Ok(Some(p)) => Json(describe(&p)).into_response(),
        Ok(None) => not_found(&pass_type, &serial),
        Err(e) => internal(e),
    }
}

fn not_found(pass_type: &str, serial: &str) -> Response {
    error(
        StatusCode::NOT_FOUND,
        "not_found",
        format!("there is no pass {serial} of type {pass_type} on this server"),
    )
}

async fn remove(
    State(state): State<AppState>,
    Path((pass_type, serial)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = check_key(&state, &headers) {
        return r;
    }
    match state.db.delete_pass(&pass_type, &serial).await {
        Ok(true) => {
            Json(json!({"deleted": true, "passTypeIdentifier": pass_type, "serialNumber": serial}))
                .into_response()
        }
        Ok(false) => not_found(&pass_type, &serial),
        Err(e) => internal(e),
    }
}

async fn push(
    State(state): State<AppState>,
    Path((pass_type, serial)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = check_key(&state, &headers) {
        return r;
    }
    match state.db.get_pass(&pass_type, &serial).await {
        Ok(Some(_)) => {}
        Ok(None) => return not_found(&pass_type, &serial),
        Err(e) => return internal(e),
    }
    match state.db.queue_push(&pass_type, &serial).await {
        Ok(n) => {
            if n > 0 {
                state.wake_worker.notify_one();
            }
            (StatusCode::ACCEPTED, Json(json!({"pushesQueued": n}))).into_response()
        }
        Err(e) => internal(e),
    }
}
