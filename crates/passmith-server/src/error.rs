//! `ApiError`: every refusal a handler can give, Wallet's and the management API's alike, and
//! the one place that turns it into a status and a JSON [`passmith_api::ErrorBody`]. Handlers
//! return `Result<_, ApiError>` and use `?`.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use passmith_api::ErrorBody;

/// Why a request was refused. The message is safe to show: it never contains a secret.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Wrong or missing `ApplePass` token, or an unknown pass: the same answer for both, so
    /// nobody can probe which serials exist.
    #[error("missing or wrong ApplePass token for this pass")]
    PassUnauthorized,
    #[error("this server has no API key; start it with --api-key-file")]
    NoApiKeyConfigured,
    #[error("missing or wrong API key (Authorization: Bearer <key>)")]
    ApiKeyUnauthorized,
    #[error("too many requests; try again in a minute")]
    TooManyRequests,
    /// A malformed request (bad device ID, bad push token, bad body).
    #[error("{0}")]
    BadRequest(String),
    #[error("there is no pass {serial} of type {pass_type} on this server")]
    NotFound { pass_type: String, serial: String },
    /// The upload is not a usable pass; `code` is the stable machine-readable reason.
    #[error("{message}")]
    Unprocessable { code: &'static str, message: String },
    /// The pass has as many registrations as `--max-registrations-per-pass` allows.
    #[error(
        "this pass already has {0} registered devices, the most this server accepts (--max-registrations-per-pass)"
    )]
    RegistrationCap(u64),
    /// Something broke on our side; the cause is logged, the client only learns that it failed.
    #[error("internal error")]
    Internal(String),
}

impl ApiError {
    /// For `map_err`: logs the cause once and answers 500.
    pub fn internal(e: impl std::fmt::Display) -> ApiError {
        ApiError::Internal(e.to_string())
    }

    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::PassUnauthorized => (StatusCode::UNAUTHORIZED, "unauthorized"),
            ApiError::NoApiKeyConfigured => (StatusCode::UNAUTHORIZED, "no_api_key_configured"),
            ApiError::ApiKeyUnauthorized => (StatusCode::UNAUTHORIZED, "unauthorized"),
            ApiError::TooManyRequests => (StatusCode::TOO_MANY_REQUESTS, "too_many_requests"),
            ApiError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            ApiError::NotFound { .. } => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::Unprocessable { code, .. } => (StatusCode::UNPROCESSABLE_ENTITY, code),
            ApiError::RegistrationCap(_) => (StatusCode::FORBIDDEN, "registration_cap"),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl From<crate::db::DbError> for ApiError {
    fn from(e: crate::db::DbError) -> ApiError {
        ApiError::internal(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(cause) = &self {
            tracing::error!(error = %cause, "request failed");
        }
        let (status, code) = self.status_and_code();
        let body = Json(ErrorBody {
            error: code.to_owned(),
            message: self.to_string(),
        });
        let mut resp = (status, body).into_response();
        if status == StatusCode::TOO_MANY_REQUESTS {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
        }
        resp
    }
}
