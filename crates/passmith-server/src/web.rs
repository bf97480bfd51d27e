//! Apple's PassKit web service v1: the five endpoints Wallet calls, nested under the configured
//! path prefix (the path part of the passes' webServiceURL). Checks shared by several endpoints
//! live in [`crate::extract`]; refusals are [`ApiError`]s.

use std::collections::HashMap;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use passmith_api::{ChangedSerials, RegisterRequest};

use crate::AppState;
use crate::db::RegisterOutcome;
use crate::error::ApiError;
use crate::extract::{DeviceId, WalletPass};

/// Register/unregister bodies are one small JSON object.
const MAX_REGISTER_BODY: usize = 4 * 1024;
/// Device log requests; bigger ones get 413.
pub const MAX_LOG_BODY: usize = 64 * 1024;
pub const MAX_LOG_MESSAGES: usize = 100;
pub const MAX_LOG_MESSAGE_CHARS: usize = 2000;
/// Longest push token accepted, in hex digits. Tokens are not fixed at 64 digits (164-digit ones
/// have been seen), so leave room, but not kilobytes.
pub const MAX_PUSH_TOKEN: usize = 512;

pub fn router(state: AppState) -> Router {
    Router::new()
        .route(
            "/v1/devices/{device}/registrations/{pass_type}/{serial}",
            post(register).delete(unregister),
        )
        .route(
            "/v1/devices/{device}/registrations/{pass_type}",
            get(list_changed),
        )
        .layer(DefaultBodyLimit::max(MAX_REGISTER_BODY))
        .route("/v1/passes/{pass_type}/{serial}", get(latest_pass))
        .route(
            "/v1/log",
            post(log).layer(DefaultBodyLimit::max(MAX_LOG_BODY)),
        )
        .with_state(state)
}

/// The push token of a registration body (`{"pushToken": "<hex>"}`), trimmed: 1 to
/// [`MAX_PUSH_TOKEN`] hexadecimal digits, or the 400 the device gets. Public for the fuzz target.
#[doc(hidden)]
pub fn parse_register_body(body: &[u8]) -> Result<String, ApiError> {
    let parsed = serde_json::from_slice::<RegisterRequest>(body)
        .map_err(|_| ApiError::BadRequest("body must be {\"pushToken\": \"<hex>\"}".into()))?;
    let token = parsed.push_token.trim();
    if token.is_empty()
        || token.len() > MAX_PUSH_TOKEN
        || !token.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return Err(ApiError::BadRequest(format!(
            "pushToken must be 1 to {MAX_PUSH_TOKEN} hexadecimal digits"
        )));
    }
    Ok(token.to_owned())
}

async fn register(
    State(state): State<AppState>,
    DeviceId(device): DeviceId,
    WalletPass(pass): WalletPass,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    state.limits.device(&device)?;
    state.limits.register(&pass.pass_type_id, &pass.serial)?;
    let token = parse_register_body(&body)?;
    let cap = state.max_registrations;
    match state
        .db
        .register(&device, &pass.pass_type_id, &pass.serial, &token, cap)
        .await?
    {
        RegisterOutcome::Created => Ok(StatusCode::CREATED),
        RegisterOutcome::Refreshed => Ok(StatusCode::OK),
        RegisterOutcome::CapReached => {
            state
                .metrics
                .registrations_refused
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            tracing::warn!(pass_type = %pass.pass_type_id, serial = %crate::logging::escape_control(&pass.serial), cap, "registration refused: the pass has reached --max-registrations-per-pass");
            Err(ApiError::RegistrationCap(cap))
        }
    }
}

async fn unregister(
    State(state): State<AppState>,
    DeviceId(device): DeviceId,
    WalletPass(pass): WalletPass,
) -> Result<StatusCode, ApiError> {
    state.limits.device(&device)?;
    state
        .db
        .unregister(&device, &pass.pass_type_id, &pass.serial)
        .await?;
    Ok(StatusCode::OK)
}

/// A tag we did not hand out (or garbage) counts as absent: the device gets everything.
fn parse_tag(raw: Option<&String>) -> Option<i64> {
    raw.and_then(|t| t.trim().parse::<i64>().ok())
        .filter(|t| *t >= 0)
}

async fn list_changed(
    State(state): State<AppState>,
    DeviceId(device): DeviceId,
    Path((_, pass_type)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    state.limits.device(&device)?;
    let since = parse_tag(query.get("passesUpdatedSince"));
    let (serials, last) = state.db.changed_serials(&device, &pass_type, since).await?;
    if serials.is_empty() {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    Ok(axum::Json(ChangedSerials {
        serial_numbers: serials,
        last_updated: last.to_string(),
    })
    .into_response())
}

async fn latest_pass(
    State(state): State<AppState>,
    WalletPass(pass): WalletPass,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    state.limits.fetch(&pass.pass_type_id, &pass.serial)?;
    let modified =
        std::time::UNIX_EPOCH + std::time::Duration::from_secs(pass.modified_at.max(0) as u64);
    let last_modified = httpdate::fmt_http_date(modified);
    let lm = HeaderValue::from_str(&last_modified)
        .unwrap_or(HeaderValue::from_static("Thu, 01 Jan 1970 00:00:00 GMT"));
    let ims = headers
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v.trim()).ok());
    if let Some(ims) = ims
        && ims >= modified
    {
        return Ok((StatusCode::NOT_MODIFIED, [(header::LAST_MODIFIED, lm)]).into_response());
    }
    let cache = &state.pass_cache;
    let data = match cache.get(&pass.pass_type_id, &pass.serial, pass.update_seq) {
        Some(data) => data,
        None => {
            // Deleted between the token check and now: answer like an unknown pass.
            let (data, seq) = state
                .db
                .pass_data(&pass.pass_type_id, &pass.serial)
                .await?
                .ok_or(ApiError::PassUnauthorized)?;
            let data = Bytes::from(data);
            cache.put(&pass.pass_type_id, &pass.serial, seq, data.clone());
            data
        }
    };
    Ok((
        StatusCode::OK,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/vnd.apple.pkpass"),
            ),
            (header::LAST_MODIFIED, lm),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        data,
    )
        .into_response())
}

#[derive(serde::Deserialize)]
struct LogBody {
    #[serde(default)]
    logs: Vec<serde_json::Value>,
}

/// The messages of a device log body: what the OpenAPI document says, `{"logs": [...]}` with
/// strings (other JSON values are kept as their JSON text); anything else gives no messages.
/// At most [`MAX_LOG_MESSAGES`] of at most [`MAX_LOG_MESSAGE_CHARS`] characters each. Public
/// for the fuzz target.
#[doc(hidden)]
pub fn parse_log_body(body: &[u8]) -> Vec<String> {
    serde_json::from_slice::<LogBody>(body)
        .map(|b| b.logs)
        .unwrap_or_default()
        .into_iter()
        .take(MAX_LOG_MESSAGES)
        .map(|v| match v {
            serde_json::Value::String(s) => s,
            other => other.to_string(),
        })
        .map(|s| s.chars().take(MAX_LOG_MESSAGE_CHARS).collect())
        .collect()
}

/// Always 200: Wallet only reports here, it does not care about the answer (see
/// [`parse_log_body`]).
async fn log(State(state): State<AppState>, body: Bytes) -> StatusCode {
    let messages = parse_log_body(&body);
    for m in &messages {
        tracing::info!(target: "passmith_server::device_log", message = %crate::logging::escape_control(m), "device log");
    }
    if let Err(e) = state.db.store_logs(&messages).await {
        tracing::warn!(error = %e, "could not store device logs");
    }
    StatusCode::OK
}

#[cfg(test)]
mod tests {
    use super::parse_tag;

    #[test]
    fn unparseable_tags_are_absent() {
        assert_eq!(parse_tag(Some(&"42".to_string())), Some(42));
        assert_eq!(parse_tag(Some(&"2024-03-26T02:30:00Z".to_string())), None);
        assert_eq!(parse_tag(Some(&"-5".to_string())), None);
        assert_eq!(parse_tag(Some(&"".to_string())), None);
        assert_eq!(parse_tag(None), None);
    }
}
