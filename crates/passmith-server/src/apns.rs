//! Apple Push Notification service: tells a device that one of its passes changed.
//!
//! A pass update push is an HTTP/2 POST to `/3/device/<token>` authenticated with the Pass
//! Type ID certificate as TLS client certificate, `apns-topic` = the pass type identifier, and
//! the body `{}`. The [`PushSender`] trait keeps the worker independent of the transport, so
//! tests can point the real [`ApnsSender`] at a fake APNs on 127.0.0.1 with their own CA.

use std::future::Future;
use std::time::Duration;

/// Production APNs; pass updates have no sandbox.
pub const PRODUCTION_URL: &str = "https://api.push.apple.com";

/// What APNs said about one push.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushOutcome {
    Delivered,
    /// 410: the token is no longer valid since `timestamp_ms` (None = APNs gave no time).
    Unregistered {
        timestamp_ms: Option<i64>,
    },
    /// 400 BadDeviceToken / DeviceTokenNotForTopic.
    BadToken(String),
    /// 429, 5xx, connection trouble: try later.
    Retry(String),
    /// 403 and other certificate problems: stop sending everything.
    Halt(String),
    /// Any other refusal of this one push.
    Failed(String),
    /// Not sent on purpose: no APNs certificate is configured.
    Skipped,
}

/// Sends one pass-update push.
pub trait PushSender: Send + Sync + 'static {
    fn send(&self, push_token: &str, topic: &str) -> impl Future<Output = PushOutcome> + Send;
}

/// Problems setting up the APNs client; the message says which file to fix.
#[derive(Debug, thiserror::Error)]
pub enum ApnsSetupError {
    #[error(
        "the APNs certificate {path} could not be opened: {reason}. Export the Pass Type ID certificate with its private key as .p12 and check --apns-password-file"
    )]
    Certificate { path: String, reason: String },
    #[error("the APNs CA file {path} is not a PEM certificate: {reason}")]
    Ca { path: String, reason: String },
    #[error("could not set up the HTTP/2 client for APNs: {0}")]
    Client(String),
}

/// The real sender: several HTTP/2 connections (one client each, used in turn), each carrying
/// as many concurrent streams as APNs allows. The HTTP/2 layer (h2) keeps to the server's
/// `SETTINGS_MAX_CONCURRENT_STREAMS`, also when APNs changes it during the connection (it
/// starts low and grows, and drops to 1 after errors): requests above the limit wait for a
/// free stream instead of failing.
pub struct ApnsSender {
    clients: Vec<reqwest::Client>,
    next: std::sync::atomic::AtomicUsize,
    base_url: String,
}

/// Certificate chain and PKCS#8 key, PEM, from a .p12 (modern or legacy RC2 encryption; the
/// engine's identity loader handles both).
pub fn p12_to_pem(der: &[u8], password: &str) -> Result<(Vec<u8>, Vec<u8>), String> {
    let identity =
        passmith_core::identity::Identity::from_pkcs12(der, password).map_err(|e| e.to_string())?;
    let mut chain = identity.certificate().to_pem().map_err(|e| e.to_string())?;
    for c in identity.chain() {
        chain.extend(c.to_pem().map_err(|e| e.to_string())?);
    }
    let key = identity
        .private_key()
        .private_key_to_pem_pkcs8()
        .map_err(|e| e.to_string())?;
    Ok((chain, key))
}

impl ApnsSender {
    /// `cert_path`/`der`: the Pass Type ID .p12. `ca_pem`: extra trusted root (tests only).
    pub fn new(
        cert_path: &str,
        der: &[u8],
        password: &str,
        base_url: &str,
        ca: Option<(&str, &[u8])>,
        connections: usize,
    ) -> Result<ApnsSender, ApnsSetupError> {
        let (chain, key) =
            p12_to_pem(der, password).map_err(|reason| ApnsSetupError::Certificate {
                path: cert_path.to_owned(),
                reason,
            })?;
        let identity = || {
            reqwest::Identity::from_pkcs8_pem(&chain, &key).map_err(|e| {
                ApnsSetupError::Certificate {
                    path: cert_path.to_owned(),
                    reason: e.to_string(),
                }
            })
        };
        let ca = match ca {
            Some((path, pem)) => {
                Some(
                    reqwest::Certificate::from_pem(pem).map_err(|e| ApnsSetupError::Ca {
                        path: path.to_owned(),
                        reason: e.to_string(),
                    })?,
                )
            }
            None => None,
        };
        let clients = (0..connections.max(1))
            .map(|_| client(identity()?, ca.clone()))
            .collect::<Result<_, _>>()?;
        Ok(ApnsSender {
            clients,
            next: std::sync::atomic::AtomicUsize::new(0),
            base_url: base_url.trim_end_matches('/').to_owned(),
        })
    }
}

/// One HTTP/2 client: its own connection pool, so one connection to APNs.
fn client(
    identity: reqwest::Identity,
    ca: Option<reqwest::Certificate>,
) -> Result<reqwest::Client, ApnsSetupError> {
    let mut builder = reqwest::Client::builder()
        .identity(identity)
        .http2_prior_knowledge()
        .http2_keep_alive_interval(Duration::from_secs(60))
        .pool_idle_timeout(None)
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(30))
        .min_tls_version(reqwest::tls::Version::TLS_1_2);
    if let Some(cert) = ca {
        builder = builder.add_root_certificate(cert);
    }
    builder
        .build()
        .map_err(|e| ApnsSetupError::Client(e.to_string()))
}

#[derive(serde::Deserialize)]
struct ErrorBody {
    #[serde(default)]
    reason: String,
    timestamp: Option<i64>,
}

/// Maps an APNs status and body to what the worker should do.
pub fn classify(status: u16, body: &[u8]) -> PushOutcome {
    let err: Option<ErrorBody> = serde_json::from_slice(body).ok();
    let reason = err.as_ref().map(|e| e.reason.clone()).unwrap_or_default();
    match status {
        200 => PushOutcome::Delivered,
        410 => PushOutcome::Unregistered {
            timestamp_ms: err.and_then(|e| e.timestamp),
        },
        400 if reason == "BadDeviceToken" || reason == "DeviceTokenNotForTopic" => {
            PushOutcome::BadToken(reason)
        }
        403 => PushOutcome::Halt(format!("APNs refused the certificate (403 {reason})")),
        429 => PushOutcome::Retry(format!("429 {reason}")),
        s if s >= 500 => PushOutcome::Retry(format!("{s} {reason}")),
        s => PushOutcome::Failed(format!("{s} {reason}")),
    }
}

impl PushSender for ApnsSender {
    fn send(&self, push_token: &str, topic: &str) -> impl Future<Output = PushOutcome> + Send {
        let i = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % self.clients.len();
        let req = self.clients[i]
            .post(format!("{}/3/device/{}", self.base_url, push_token))
            .header("apns-topic", topic)
            .header("apns-push-type", "background")
            .header("apns-priority", "5")
            .header("content-type", "application/json")
            .body("{}");
        async move {
            match req.send().await {
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    let body = resp.bytes().await.unwrap_or_default();
                    classify(status, &body)
                }
                Err(e) => PushOutcome::Retry(format!("could not reach APNs: {e}")),
            }
        }
    }
}

/// Used when no --apns-cert is configured: pushes are skipped (counted, not logged one by one;
/// the server says so once at start-up).
pub struct NoSender;

impl PushSender for NoSender {
    #[allow(clippy::manual_async_fn)]
    fn send(&self, _push_token: &str, _topic: &str) -> impl Future<Output = PushOutcome> + Send {
        async { PushOutcome::Skipped }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apns_replies_are_classified() {
        assert_eq!(classify(200, b""), PushOutcome::Delivered);
        assert_eq!(
            classify(
                410,
                br#"{"reason":"Unregistered","timestamp":1700000000000}"#
            ),
            PushOutcome::Unregistered {
                timestamp_ms: Some(1_700_000_000_000)
            }
        );
        assert_eq!(
            classify(400, br#"{"reason":"BadDeviceToken"}"#),
            PushOutcome::BadToken("BadDeviceToken".into())
        );
        assert!(matches!(
            classify(400, br#"{"reason":"PayloadEmpty"}"#),
            PushOutcome::Failed(_)
        ));
        assert!(matches!(
            classify(403, br#"{"reason":"BadCertificate"}"#),
            PushOutcome::Halt(_)
        ));
        assert!(matches!(classify(429, b""), PushOutcome::Retry(_)));
        assert!(matches!(classify(503, b"garbage"), PushOutcome::Retry(_)));
    }

    #[test]
    fn test_identity_converts_to_pem() {
        let der = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/fixtures/certs/test-pass.p12"
        ))
        .unwrap();
        let (chain, key) = p12_to_pem(&der, "test-password").unwrap();
        let chain_copy = chain.clone();
        assert!(
            String::from_utf8(chain)
                .unwrap()
                .contains("BEGIN CERTIFICATE")
        );
        assert!(
            String::from_utf8(key)
                .unwrap()
                .contains("BEGIN PRIVATE KEY")
        );
        assert!(p12_to_pem(&der, "wrong").is_err());
        // Keychain-style legacy RC2 export of the same identity.
        let legacy = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/fixtures/certs/test-pass-legacy.p12"
        ))
        .unwrap();
        let (legacy_chain, _) = p12_to_pem(&legacy, "test-password").unwrap();
        assert_eq!(legacy_chain[..200], chain_copy[..200]);
    }
}
