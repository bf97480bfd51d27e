//! Apple's PassKit web service v1: the five endpoints Wallet calls, nested under the configured
//! path prefix (the path part of the passes' webServiceURL).

use std::collections::HashMap;
use std::sync::atomic::Ordering;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use crate::AppState;
use crate::auth;
use crate::db::StoredPass;

/// Register/unregister bodies are one small JSON object.
const MAX_REGISTER_BODY: usize = 4 * 1024;
/// Device log requests; bigger ones get 413.
pub const MAX_LOG_BODY: usize = 64 * 1024;
const MAX_LOG_MESSAGES: usize = 100;
const MAX_LOG_MESSAGE_CHARS: usize = 2000;

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

pub(crate) fn internal(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "request failed");
    (StatusCode::INTERNAL_SERVER_ERROR, "internal error\n").into_response()
}

fn unauthorized() -> Response {
    (StatusCode::UNAUTHORIZED, "unauthorized\n").into_response()
}

fn too_many(state: &AppState) -> Response {
    state.metrics.rate_limited.fetch_add(1, Ordering::Relaxed);
    (
        StatusCode::TOO_MANY_REQUESTS,
        [(header::RETRY_AFTER, HeaderValue::from_static("60"))],
        "too many requests\n",
    )
        .into_response()
}

/// The pass, if the ApplePass token is right. Unknown pass and wrong token answer the same.
async fn authorize(
    state: &AppState,
    headers: &HeaderMap,
    pass_type: &str,
    serial: &str,
) -> Result<StoredPass, Response> {
    let token = auth::credential(headers, "ApplePass");
    let pass = state
        .db
        .get_pass(pass_type, serial)
        .await
        .map_err(internal)?;
    match (pass, token) {
        (Some(p), Some(t)) if auth::matches(t, &p.auth_token_sha256) => Ok(p),
        (None, Some(t)) => {
            // Same work as a real comparison, so timing does not reveal which serials exist.
            let _ = auth::matches(
                t,
                "0000000000000000000000000000000000000000000000000000000000000000",
            );
            Err(unauthorized())
        }
        _ => Err(unauthorized()),
    }
}

#[derive(Deserialize)]
struct RegisterBody {
    #[serde(rename = "pushToken")]
    push_token: String,
}

async fn register(
    State(state): State<AppState>,
    Path((device, pass_type, serial)): Path<(String, String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !state.limiter.check(format!("device:{device}")) {
        return too_many(&state);
    }
    if let Err(r) = authorize(&state, &headers, &pass_type, &serial).await {
        return r;
    }
    let Ok(parsed) = serde_json::from_slice::<RegisterBody>(&body) else {
        return (
            StatusCode::BAD_REQUEST,
            "body must be {\"pushToken\": \"<hex>\"}\n",
        )
            .into_response();
    };
    let token = parsed.push_token.trim();
    if token.is_empty() || token.len() > 1024 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return (StatusCode::BAD_REQUEST, "pushToken must be hexadecimal\n").into_response();
    }
    match state.db.register(&device, &pass_type, &serial, token).await {
        Ok(true) => StatusCode::CREATED.into_response(),
        Ok(false) => StatusCode::OK.into_response(),
        Err(e) => internal(e),
    }
}

async fn unregister(
    State(state): State<AppState>,
    Path((device, pass_type, serial)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Response {
    if !state.limiter.check(format!("device:{device}")) {
        return too_many(&state);
    }
    if let Err(r) = authorize(&state, &headers, &pass_type, &serial).await {
        return r;
    }
    match state.db.unregister(&device, &pass_type, &serial).await {
        Ok(()) => StatusCode::OK.into_response(),
        Err(e) => internal(e),
    }
}

/// A tag we did not hand out (or garbage) counts as absent: the device gets everything.
fn parse_tag(raw: Option<&String>) -> Option<i64> {
    raw.and_then(|t| t.trim().parse::<i64>().ok())
        .filter(|t| *t >= 0)
}

async fn list_changed(
    State(state): State<AppState>,
    Path((device, pass_type)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if !state.limiter.check(format!("device:{device}")) {
        return too_many(&state);
    }
    let since = parse_tag(query.get("passesUpdatedSince"));
    match state.db.changed_serials(&device, &pass_type, since).await {
        Ok((serials, _)) if serials.is_empty() => StatusCode::NO_CONTENT.into_response(),
        Ok((serials, last)) => axum::Json(serde_json::json!({
            "serialNumbers": serials,
            // A string: Wallet ignores numeric tags.
            "lastUpdated": last.to_string(),
        }))
        .into_response(),
        Err(e) => internal(e),
    }
}

async fn latest_pass(
    State(state): State<AppState>,
    Path((pass_type, serial)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if !state.limiter.check(format!("pass:{pass_type}/{serial}")) {
        return too_many(&state);
    }
    let pass = match authorize(&state, &headers, &pass_type, &serial).await {
        Ok(p) => p,
        Err(r) => return r,
    };
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
        return (StatusCode::NOT_MODIFIED, [(header::LAST_MODIFIED, lm)]).into_response();
    }
    match state.db.pass_data(&pass_type, &serial).await {
        Ok(Some(data)) => (
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
            .into_response(),
        Ok(None) => unauthorized(),
        Err(e) => internal(e),
    }
}

#[derive(Deserialize)]
struct LogBody {
    #[serde(default)]
    logs: Vec<serde_json::Value>,
}

/// Always 200: Wallet only reports here, it does not care about the answer.
async fn log(State(state): State<AppState>, body: Bytes) -> Response {
    let messages: Vec<String> = serde_json::from_slice::<LogBody>(&body)
        .map(|b| b.logs)
        .unwrap_or_default()
        .into_iter()
        .take(MAX_LOG_MESSAGES)
        .map(|v| match v {
            serde_json::Value::String(s) => s,
            other => other.to_string(),
        })
        .map(|s| s.chars().take(MAX_LOG_MESSAGE_CHARS).collect())
        .collect();
    for m in &messages {
        tracing::info!(target: "passmith_server::device_log", message = %m, "device log");
    }
    if let Err(e) = state.db.store_logs(&messages).await {
        tracing::warn!(error = %e, "could not store device logs");
    }
    StatusCode::OK.into_response()
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
