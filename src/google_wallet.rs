//! A small blocking client for the Google Wallet REST API: a service-account OAuth2 token
//! (JWT-bearer exchange), then insert — or, when it exists (409), patch — the class and then
//! the object.
//!
//! The token endpoint comes from the key file (`token_uri`) and the API base URL is
//! configurable, so tests talk to fakes on 127.0.0.1. Errors name what Google answered and what
//! to check; 401, 403, 404, 409 and 429 each have their own.

use std::time::Duration;

use passmith_core::google::GoogleType;
use passmith_core::google::jwt::ServiceAccountKey;
use passmith_core::google::oauth::{self, error_message as message_of};
use serde_json::Value;

/// Google's Wallet API, when no other base URL is given.
pub const DEFAULT_API_BASE: &str = "https://walletobjects.googleapis.com";

/// What can go wrong talking to Google.
#[derive(Debug, thiserror::Error)]
pub enum WalletError {
    #[error("could not reach {url}: {reason}. Check the network and the URL")]
    Unreachable { url: String, reason: String },
    #[error("the service-account key could not sign the token request: {0}")]
    Key(String),
    #[error(
        "Google refused the service account's token ({status}: {message}). Check that the key file is current and the service account is not disabled"
    )]
    Token { status: u16, message: String },
    #[error(
        "Google did not accept the credentials for {what} (401: {message}). The token may have expired; run the command again, or download a new key"
    )]
    Unauthorized { what: String, message: String },
    #[error(
        "the service account may not change {what} (403: {message}). In the Google Pay & Wallet Console, add the service account's e-mail to the issuer's users, and check the issuer ID"
    )]
    Forbidden { what: String, message: String },
    #[error(
        "{what} was not found (404: {message}). Check the issuer ID and the API base URL; an object needs its class to exist first"
    )]
    NotFound { what: String, message: String },
    #[error(
        "{what} already exists and could not be updated (409: {message}). Change its id, or update it in the Wallet console"
    )]
    Conflict { what: String, message: String },
    #[error(
        "Google is limiting requests (429: {message}). Wait a minute and run the command again"
    )]
    RateLimited { message: String },
    #[error("Google answered {status} for {what}: {message}")]
    Other {
        what: String,
        status: u16,
        message: String,
    },
}

/// What happened to one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Inserted,
    Patched,
}

/// A connection to the Wallet API with one service account.
pub struct Wallet<'a> {
    api_base: String,
    key: &'a ServiceAccountKey,
    http: reqwest::blocking::Client,
    token: String,
}

impl<'a> Wallet<'a> {
    /// Exchanges a signed assertion for an access token at the key's `token_uri`.
    pub fn connect(
        key: &'a ServiceAccountKey,
        api_base: &str,
        now_unix: i64,
    ) -> Result<Wallet<'a>, WalletError> {
        let http = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(60))
            .connect_timeout(Duration::from_secs(15))
            .build()
            .map_err(|e| WalletError::Unreachable {
                url: api_base.to_owned(),
                reason: e.to_string(),
            })?;
        let body = oauth::token_request_body(key, now_unix)
            .map_err(|e| WalletError::Key(e.to_string()))?;
        let response = http
            .post(&key.token_uri)
            .header("content-type", oauth::FORM_TYPE)
            .body(body)
            .send()
            .map_err(|e| WalletError::Unreachable {
                url: key.token_uri.clone(),
                reason: e.to_string(),
            })?;
        let status = response.status().as_u16();
        let text = response.text().unwrap_or_default();
        match oauth::parse_token_response(status, &text) {
            Some(grant) => Ok(Wallet {
                api_base: api_base.trim_end_matches('/').to_owned(),
                key,
                http,
                token: grant.access_token,
            }),
            None => Err(WalletError::Token {
                status,
                message: message_of(&text),
            }),
        }
    }

    /// The service account in use.
    pub fn client_email(&self) -> &str {
        &self.key.client_email
    }

    /// Inserts `body` as a `resource` (`loyaltyClass`), or patches it when it exists.
    pub fn upsert(&self, resource: &str, body: &Value) -> Result<Outcome, WalletError> {
        let id = body.get("id").and_then(Value::as_str).unwrap_or("");
        let what = format!("{resource} {id}");
        let base = format!("{}/walletobjects/v1/{resource}", self.api_base);
        let (status, text) = self.send(self.http.post(&base), body, &base)?;
        match status {
            200 => return Ok(Outcome::Inserted),
            409 => {}
            _ => return Err(error(status, &text, what)),
        }
        let url = with_segment(&base, id)?;
        let (status, text) = self.send(self.http.patch(&url), body, &url)?;
        match status {
            200 => Ok(Outcome::Patched),
            _ => Err(error(status, &text, what)),
        }
    }

    /// Inserts (or patches) the class, then the object.
    pub fn save(
        &self,
        google_type: GoogleType,
        class: &Value,
        object: &Value,
    ) -> Result<(Outcome, Outcome), WalletError> {
        let class = self.upsert(&google_type.class_resource(), class)?;
        let object = self.upsert(&google_type.object_resource(), object)?;
        Ok((class, object))
    }

    fn send(
        &self,
        request: reqwest::blocking::RequestBuilder,
        body: &Value,
        url: &str,
    ) -> Result<(u16, String), WalletError> {
        let response = request
            .bearer_auth(&self.token)
            .json(body)
            .send()
            .map_err(|e| WalletError::Unreachable {
                url: url.to_owned(),
                reason: e.to_string(),
            })?;
        let status = response.status().as_u16();
        Ok((status, response.text().unwrap_or_default()))
    }
}

/// `base` with `id` as one more path segment, escaped by the URL library.
fn with_segment(base: &str, id: &str) -> Result<String, WalletError> {
    let mut url = reqwest::Url::parse(base).map_err(|e| WalletError::Unreachable {
        url: base.to_owned(),
        reason: e.to_string(),
    })?;
    url.path_segments_mut()
        .map_err(|()| WalletError::Unreachable {
            url: base.to_owned(),
            reason: "it cannot take a path".into(),
        })?
        .push(id);
    Ok(url.into())
}

fn error(status: u16, text: &str, what: String) -> WalletError {
    let message = message_of(text);
    match status {
        401 => WalletError::Unauthorized { what, message },
        403 => WalletError::Forbidden { what, message },
        404 => WalletError::NotFound { what, message },
        409 => WalletError::Conflict { what, message },
        429 => WalletError::RateLimited { message },
        status => WalletError::Other {
            what,
            status,
            message,
        },
    }
}
