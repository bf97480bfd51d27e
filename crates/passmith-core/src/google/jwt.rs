//! RS256 JSON Web Tokens signed with a Google Cloud service-account key: the "Save to Google
//! Wallet" link and the OAuth2 JWT-bearer assertion of the REST path.
//!
//! The key file is the JSON Google Cloud downloads (`client_email`, `private_key` as PEM,
//! `private_key_id`, `token_uri`). Signing is OpenSSL's (SHA-256 with RSA, PKCS#1 v1.5); this
//! module only joins base64url parts. Offline: no network call.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use openssl::sign::Signer;
use serde_json::{Value, json};

use super::types::GoogleType;

/// Google refuses save links whose JWT is longer than about this many characters.
pub const MAX_LINK_JWT: usize = 1800;

/// Where a signed save link points.
pub const SAVE_URL: &str = "https://pay.google.com/gp/v/save/";

/// The OAuth2 scope of the Wallet API.
pub const WALLET_SCOPE: &str = "https://www.googleapis.com/auth/wallet_object.issuer";

/// Google's token endpoint, when the key file names none.
pub const DEFAULT_TOKEN_URI: &str = "https://oauth2.googleapis.com/token";

/// Why a key cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    #[error(
        "the service-account key file is not JSON ({0}); download the key again from Google Cloud (IAM ▸ Service accounts ▸ Keys ▸ Add key ▸ JSON)"
    )]
    NotJson(String),
    #[error(
        "the service-account key file has no {0}; it must be the JSON key Google Cloud downloads for a service account"
    )]
    Missing(&'static str),
    #[error(
        "the private_key of the service-account key file cannot be read ({0}); download the key again"
    )]
    BadKey(String),
    #[error("signing the token failed: {0}")]
    Signing(String),
}

/// A service-account key, parsed.
pub struct ServiceAccountKey {
    pub client_email: String,
    pub private_key_id: Option<String>,
    pub token_uri: String,
    key: PKey<Private>,
}

impl std::fmt::Debug for ServiceAccountKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The private key is never printed.
        f.debug_struct("ServiceAccountKey")
            .field("client_email", &self.client_email)
            .field("private_key_id", &self.private_key_id)
            .field("token_uri", &self.token_uri)
            .finish_non_exhaustive()
    }
}

impl ServiceAccountKey {
    /// Reads the JSON key file's bytes.
    pub fn from_json(bytes: &[u8]) -> Result<ServiceAccountKey, KeyError> {
        let v: Value =
            serde_json::from_slice(bytes).map_err(|e| KeyError::NotJson(e.to_string()))?;
        let text = |k: &'static str| v.get(k).and_then(Value::as_str).filter(|s| !s.is_empty());
        let client_email = text("client_email").ok_or(KeyError::Missing("client_email"))?;
        let pem = text("private_key").ok_or(KeyError::Missing("private_key"))?;
        let key = PKey::private_key_from_pem(pem.as_bytes())
            .map_err(|e| KeyError::BadKey(e.to_string()))?;
        if key.rsa().is_err() {
            return Err(KeyError::BadKey("it is not an RSA key".into()));
        }
        Ok(ServiceAccountKey {
            client_email: client_email.to_owned(),
            private_key_id: text("private_key_id").map(str::to_owned),
            token_uri: text("token_uri").unwrap_or(DEFAULT_TOKEN_URI).to_owned(),
            key,
        })
    }

    /// `claims` as a compact RS256 JWT (with `kid` when the key file names it).
    pub fn sign(&self, claims: &Value) -> Result<String, KeyError> {
        let mut header = json!({"alg": "RS256", "typ": "JWT"});
        if let Some(kid) = &self.private_key_id {
            header["kid"] = json!(kid);
        }
        let part = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());
        let input = format!("{}.{}", part(&header), part(claims));
        let sign = || -> Result<Vec<u8>, openssl::error::ErrorStack> {
            let mut signer = Signer::new(MessageDigest::sha256(), &self.key)?;
            signer.update(input.as_bytes())?;
            signer.sign_to_vec()
        };
        let signature = sign().map_err(|e| KeyError::Signing(e.to_string()))?;
        Ok(format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature)))
    }

    /// The OAuth2 JWT-bearer assertion for the Wallet API scope, valid for an hour from `now`.
    pub fn token_assertion(&self, now_unix: i64) -> Result<String, KeyError> {
        self.sign(&json!({
            "iss": self.client_email,
            "scope": WALLET_SCOPE,
            "aud": self.token_uri,
            "iat": now_unix,
            "exp": now_unix + 3600,
        }))
    }
}

/// What a save link carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Carries {
    /// Class and object: the link alone creates both.
    ClassAndObject,
    /// The object only: the class must be created first (REST insert).
    Object,
    /// The object's id and class id only: class and object must both be created first.
    ObjectId,
}

/// A signed "Save to Google Wallet" link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaveLink {
    pub jwt: String,
    pub carries: Carries,
}

impl SaveLink {
    /// `https://pay.google.com/gp/v/save/<jwt>`.
    pub fn url(&self) -> String {
        format!("{SAVE_URL}{}", self.jwt)
    }
}

/// The save-link claims for `class` and `object` (the class left out when `None`).
pub fn save_claims(
    key: &ServiceAccountKey,
    google_type: GoogleType,
    class: Option<&Value>,
    object: &Value,
    origins: &[String],
    now_unix: i64,
) -> Value {
    let mut payload = serde_json::Map::new();
    if let Some(class) = class {
        payload.insert(format!("{google_type}Classes"), json!([class]));
    }
    payload.insert(format!("{google_type}Objects"), json!([object]));
    json!({
        "iss": key.client_email,
        "aud": "google",
        "typ": "savetowallet",
        "iat": now_unix,
        "origins": origins,
        "payload": payload,
    })
}

/// Signs the save link with class and object; when that is longer than [`MAX_LINK_JWT`], with
/// the object only; when that is still too long, with the object's ids only (Google then
/// saves the object inserted through the REST API).
pub fn save_link(
    key: &ServiceAccountKey,
    google_type: GoogleType,
    class: &Value,
    object: &Value,
    origins: &[String],
    now_unix: i64,
) -> Result<SaveLink, KeyError> {
    let ids = json!({"id": object.get("id"), "classId": object.get("classId")});
    let tiers = [
        (Carries::ClassAndObject, Some(class), object),
        (Carries::Object, None, object),
        (Carries::ObjectId, None, &ids),
    ];
    let mut last = None;
    for (carries, class, object) in tiers {
        let jwt = key.sign(&save_claims(
            key,
            google_type,
            class,
            object,
            origins,
            now_unix,
        ))?;
        if jwt.len() <= MAX_LINK_JWT {
            return Ok(SaveLink { jwt, carries });
        }
        last = Some(SaveLink { jwt, carries });
    }
    // Ids alone are short; should they not be, the shortest link is still the best there is.
    last.ok_or_else(|| KeyError::Signing("no link was signed".into()))
}
