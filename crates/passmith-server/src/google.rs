//! The Google Wallet REST client of the Google worker: a service-account OAuth2 token
//! (JWT-bearer exchange, cached until shortly before it expires), then a PATCH of the pass's
//! object — or, for a pass Google does not have yet (404), an insert of the class (409: it
//! exists) and then of the object. The mapping itself is core's export gate
//! ([`passmith_core::export::prepare_google`]); nothing here knows what goes into the JSON.

use std::time::{Duration, Instant};

use passmith_core::google::GoogleType;
use passmith_core::google::jwt::ServiceAccountKey;
use passmith_core::google::oauth::{self, error_message as message_of};
use serde_json::Value;
use tokio::sync::Mutex;

/// Why a sync did not go through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncError {
    /// Worth another try later (429, 5xx, no connection, an expired token).
    Retry(String),
    /// Google refused for good (another 4xx, a bad key, a pass Google would refuse).
    Refused(String),
}

/// What a successful sync did to the object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Synced {
    Patched,
    Inserted,
}

/// Errors that stop the server from starting with Google sync.
#[derive(Debug, thiserror::Error)]
pub enum GoogleSetupError {
    #[error("could not read the Google key {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("the Google key {path} is not a service-account key: {reason}")]
    Key { path: String, reason: String },
    #[error("could not set up the HTTP client for Google: {0}")]
    Client(String),
}

/// One service account talking to one Wallet API.
pub struct GoogleClient {
    key: ServiceAccountKey,
    api_base: String,
    http: reqwest::Client,
    /// The access token and when to stop using it.
    token: Mutex<Option<(String, Instant)>>,
}

/// Renew this long before Google's expiry, so a token never runs out mid-request.
const TOKEN_MARGIN: Duration = Duration::from_secs(60);

impl GoogleClient {
    /// Reads the key; `token_url` replaces the key's `token_uri` (also as the assertion's
    /// audience, which Google checks against the endpoint).
    pub fn new(cfg: &crate::config::GoogleConfig) -> Result<GoogleClient, GoogleSetupError> {
        let path = cfg.key.display().to_string();
        let bytes = std::fs::read(&cfg.key).map_err(|source| GoogleSetupError::Read {
            path: path.clone(),
            source,
        })?;
        let mut key = ServiceAccountKey::from_json(&bytes).map_err(|e| GoogleSetupError::Key {
            path,
            reason: e.to_string(),
        })?;
        if let Some(url) = &cfg.token_url {
            key.token_uri = url.clone();
        }
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .connect_timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| GoogleSetupError::Client(e.to_string()))?;
        Ok(GoogleClient {
            key,
            api_base: cfg.api_base.trim_end_matches('/').to_owned(),
            http,
            token: Mutex::new(None),
        })
    }

    pub fn client_email(&self) -> &str {
        &self.key.client_email
    }

    /// Brings Google's object up to date: a PATCH when Google has had it (`known`), else (or on
    /// 404) the insert of class and object.
    pub async fn sync(
        &self,
        google_type: GoogleType,
        class: &Value,
        object: &Value,
        known: bool,
    ) -> Result<Synced, SyncError> {
        let object_resource = google_type.object_resource();
        let object_id = id_of(object);
        let object_url = self.url(&[object_resource.as_str(), object_id])?;
        if known {
            let (status, text) = self
                .send(reqwest::Method::PATCH, &object_url, object)
                .await?;
            match status {
                200 => return Ok(Synced::Patched),
                404 => {}
                _ => return Err(judge(status, &text, &object_resource, object_id)),
            }
        }
        let class_resource = google_type.class_resource();
        let class_url = self.url(&[class_resource.as_str()])?;
        let (status, text) = self.send(reqwest::Method::POST, &class_url, class).await?;
        if status != 200 && status != 409 {
            return Err(judge(status, &text, &class_resource, id_of(class)));
        }
        let insert_url = self.url(&[object_resource.as_str()])?;
        let (status, text) = self
            .send(reqwest::Method::POST, &insert_url, object)
            .await?;
        match status {
            200 => Ok(Synced::Inserted),
            409 => {
                // Made by someone else (a save link, `passmith google --insert`): update it.
                let (status, text) = self
                    .send(reqwest::Method::PATCH, &object_url, object)
                    .await?;
                match status {
                    200 => Ok(Synced::Patched),
                    _ => Err(judge(status, &text, &object_resource, object_id)),
                }
            }
            _ => Err(judge(status, &text, &object_resource, object_id)),
        }
    }

    /// `api_base` with `segments` appended, each escaped by the URL library.
    fn url(&self, segments: &[&str]) -> Result<reqwest::Url, SyncError> {
        let mut url = reqwest::Url::parse(&self.api_base)
            .map_err(|e| SyncError::Refused(format!("--google-api-base: {e}")))?;
        url.path_segments_mut()
            .map_err(|()| SyncError::Refused("--google-api-base cannot take a path".into()))?
            .extend(segments);
        Ok(url)
    }

    async fn send(
        &self,
        method: reqwest::Method,
        url: &reqwest::Url,
        body: &Value,
    ) -> Result<(u16, String), SyncError> {
        let token = self.token().await?;
        let response = self
            .http
            .request(method, url.clone())
            .bearer_auth(&token)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_string())
            .send()
            .await
            .map_err(|e| SyncError::Retry(format!("could not reach {url}: {e}")))?;
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        if status == 401 {
            // Revoked or expired early: the next try exchanges a new one.
            *self.token.lock().await = None;
        }
        Ok((status, text))
    }

    /// The cached access token, or a new one from the token endpoint.
    async fn token(&self) -> Result<String, SyncError> {
        let mut cached = self.token.lock().await;
        if let Some((token, until)) = cached.as_ref()
            && Instant::now() < *until
        {
            return Ok(token.clone());
        }
        let body = oauth::token_request_body(&self.key, passmith_core::time::now_unix())
            .map_err(|e| SyncError::Refused(format!("signing the token request failed: {e}")))?;
        let url = &self.key.token_uri;
        let response = self
            .http
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, oauth::FORM_TYPE)
            .body(body)
            .send()
            .await
            .map_err(|e| SyncError::Retry(format!("could not reach {url}: {e}")))?;
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        let Some(grant) = oauth::parse_token_response(status, &text) else {
            let message = format!(
                "the token endpoint refused the service account ({status}: {}); check that the key is current and not disabled",
                message_of(&text)
            );
            return Err(if retryable(status) {
                SyncError::Retry(message)
            } else {
                SyncError::Refused(message)
            });
        };
        let until =
            Instant::now() + Duration::from_secs(grant.expires_in).saturating_sub(TOKEN_MARGIN);
        *cached = Some((grant.access_token.clone(), until));
        Ok(grant.access_token)
    }
}

fn id_of(v: &Value) -> &str {
    v.get("id").and_then(Value::as_str).unwrap_or("")
}

/// 429 and 5xx are worth retrying, like APNs'.
fn retryable(status: u16) -> bool {
    status == 429 || status >= 500
}

/// The error for Google's answer `status` to a call about `resource` `id`.
fn judge(status: u16, text: &str, resource: &str, id: &str) -> SyncError {
    let message = format!(
        "Google answered {status} for {resource} {id}: {}",
        message_of(text)
    );
    if retryable(status) || status == 401 {
        SyncError::Retry(message)
    } else {
        SyncError::Refused(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_judged_like_apns() {
        assert!(matches!(judge(503, "", "r", "i"), SyncError::Retry(_)));
        assert!(matches!(judge(429, "", "r", "i"), SyncError::Retry(_)));
        assert!(matches!(judge(401, "", "r", "i"), SyncError::Retry(_)));
        let SyncError::Refused(m) =
            judge(403, r#"{"error":{"message":"no"}}"#, "genericObject", "1.a")
        else {
            panic!("403 is final");
        };
        assert_eq!(m, "Google answered 403 for genericObject 1.a: no");
    }
}
