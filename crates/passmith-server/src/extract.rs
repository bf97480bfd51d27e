//! Request extractors that do the checks every handler used to repeat: the management API key
//! ([`ApiKey`]), the pass's `ApplePass` token ([`WalletPass`]) and a well-formed device library
//! ID ([`DeviceId`]). Axum runs them before the body is read, so a refused request never costs
//! the server its body.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts, Path};
use axum::http::request::Parts;
use serde::Deserialize;

use crate::AppState;
use crate::auth;
use crate::db::PassMeta;
use crate::error::ApiError;

/// The request carried the management API key (`Authorization: Bearer <key>`).
pub struct ApiKey;

impl FromRequestParts<AppState> for ApiKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<ApiKey, ApiError> {
        let stored = state
            .api_key_hash
            .as_deref()
            .ok_or(ApiError::NoApiKeyConfigured)?;
        match auth::credential(&parts.headers, "Bearer") {
            Some(k) if auth::matches(k, stored) => Ok(ApiKey),
            _ => Err(ApiError::ApiKeyUnauthorized),
        }
    }
}

/// `{pass_type}/{serial}` of the route (other path parameters are ignored).
#[derive(Deserialize)]
pub struct PassRef {
    pub pass_type: String,
    pub serial: String,
}

/// The pass named in the path, after its `ApplePass` token was checked. An unknown pass and a
/// wrong token get the same answer. Failures are counted against their own budget (see
/// [`crate::ratelimit`]), never against the pass's real devices.
pub struct WalletPass(pub PassMeta);

impl FromRequestParts<AppState> for WalletPass {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<WalletPass, ApiError> {
        let Path(r) = Path::<PassRef>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::PassUnauthorized)?;
        let token = auth::credential(&parts.headers, "ApplePass");
        let pass = state.db.pass_meta(&r.pass_type, &r.serial).await?;
        // Hash even when there is no pass, so timing does not reveal which serials exist.
        let stored = pass
            .as_ref()
            .map_or(auth::NO_SECRET, |p| p.auth_token_sha256.as_str());
        let ok = token.is_some_and(|t| auth::matches(t, stored));
        match pass {
            Some(p) if ok => Ok(WalletPass(p)),
            _ => Err(state
                .limits
                .failed_auth(client_addr(parts), &r.pass_type, &r.serial)),
        }
    }
}

fn client_addr(parts: &Parts) -> Option<IpAddr> {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
}

/// Longest device library ID accepted. Wallet sends 32 lowercase hex digits (observed on every
/// iOS version so far; Apple documents it only as "a unique identifier"), so 64 leaves room
/// for a change of format without letting anyone store kilobytes per registration.
pub const MAX_DEVICE_ID: usize = 64;

/// Whether `id` looks like something Wallet sends: 1 to [`MAX_DEVICE_ID`] characters of
/// `A-Z a-z 0-9 - _ .` (hex digits in practice; the rest keeps hand-made test IDs usable).
pub fn valid_device_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_DEVICE_ID
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

#[derive(Deserialize)]
struct DeviceRef {
    device: String,
}

/// The `{device}` path parameter, checked with [`valid_device_id`] (400 otherwise).
pub struct DeviceId(pub String);

impl FromRequestParts<AppState> for DeviceId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<DeviceId, ApiError> {
        let Path(r) = Path::<DeviceRef>::from_request_parts(parts, state)
            .await
            .map_err(|e| ApiError::BadRequest(e.to_string()))?;
        if !valid_device_id(&r.device) {
            return Err(ApiError::BadRequest(format!(
                "the device library identifier must be 1 to {MAX_DEVICE_ID} characters of A-Z, a-z, 0-9, '-', '_' or '.'"
            )));
        }
        Ok(DeviceId(r.device))
    }
}

#[cfg(test)]
mod tests {
    use super::valid_device_id;

    #[test]
    fn device_ids_are_what_wallet_sends() {
        assert!(valid_device_id("6b1a4bb2c1d0e7f8a9b0c1d2e3f4a5b6"));
        assert!(valid_device_id("device-a"));
        assert!(!valid_device_id(""));
        assert!(!valid_device_id(&"a".repeat(65)));
        assert!(!valid_device_id("dev ice"));
        assert!(!valid_device_id("dév"));
    }
}
