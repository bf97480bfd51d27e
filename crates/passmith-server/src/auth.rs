//! Secrets: per-pass tokens and the management API key, kept only as SHA-256 hashes and
//! compared in constant time. Nothing here ever logs a header.

use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// SHA-256 of a secret, hex.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A hash no secret has: compared against when there is no stored secret, so a miss costs the
/// same time as a wrong secret.
pub const NO_SECRET: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Whether `presented` hashes to `stored_hash`, compared in constant time.
pub fn matches(presented: &str, stored_hash: &str) -> bool {
    let presented = hash_secret(presented);
    presented.as_bytes().ct_eq(stored_hash.as_bytes()).into()
}

/// The credential after `scheme ` in the Authorization header (`ApplePass`, `Bearer`).
pub fn credential<'a>(headers: &'a HeaderMap, scheme: &str) -> Option<&'a str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (s, rest) = value.split_once(' ')?;
    s.eq_ignore_ascii_case(scheme).then(|| rest.trim())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn token_matches_only_itself() {
        let stored = hash_secret("0123456789abcdef-token");
        assert!(matches("0123456789abcdef-token", &stored));
        assert!(!matches("0123456789abcdef-tokeN", &stored));
        assert!(!matches("", &stored));
    }

    #[test]
    fn credential_needs_the_scheme() {
        let mut h = HeaderMap::new();
        h.insert(AUTHORIZATION, HeaderValue::from_static("ApplePass abc"));
        assert_eq!(credential(&h, "ApplePass"), Some("abc"));
        assert_eq!(credential(&h, "Bearer"), None);
    }
}
