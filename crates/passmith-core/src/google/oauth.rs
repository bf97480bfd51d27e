//! The OAuth2 JWT-bearer token exchange and Google's error bodies, as text in and text out, so
//! the CLI's blocking client and the server's async one send and read the same thing. The HTTP
//! calls themselves stay with them.

use serde_json::Value;

use super::jwt::{KeyError, ServiceAccountKey};

/// The form body's media type.
pub const FORM_TYPE: &str = "application/x-www-form-urlencoded";

/// The form body that trades the service account's signed assertion for an access token.
pub fn token_request_body(key: &ServiceAccountKey, now_unix: i64) -> Result<String, KeyError> {
    let assertion = key.token_assertion(now_unix)?;
    // The assertion is base64url and dots, which need no form encoding.
    Ok(format!(
        "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion={assertion}"
    ))
}

/// A granted access token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub access_token: String,
    /// Seconds it stays valid (Google's `expires_in`, an hour when it is not said).
    pub expires_in: u64,
}

/// The token endpoint's answer: the grant on a 200 with an `access_token`, `None` otherwise
/// (then [`error_message`] says why).
pub fn parse_token_response(status: u16, body: &str) -> Option<Grant> {
    if status != 200 {
        return None;
    }
    let v = serde_json::from_str::<Value>(body).ok()?;
    Some(Grant {
        access_token: v.get("access_token")?.as_str()?.to_owned(),
        expires_in: v.get("expires_in").and_then(Value::as_u64).unwrap_or(3600),
    })
}

/// Google's `{"error": {"message": …}}` (or OAuth's `error_description` / `error`), else the
/// start of the body.
pub fn error_message(body: &str) -> String {
    let parsed = serde_json::from_str::<Value>(body).ok();
    let message = parsed.as_ref().and_then(|v| {
        v.pointer("/error/message")
            .or_else(|| v.get("error_description"))
            .or_else(|| v.get("error"))
            .and_then(Value::as_str)
    });
    match message {
        Some(m) => m.to_owned(),
        None => body.chars().take(300).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grants_and_error_bodies_are_read() {
        let grant = parse_token_response(200, r#"{"access_token":"t","expires_in":120}"#);
        assert_eq!(
            grant,
            Some(Grant {
                access_token: "t".into(),
                expires_in: 120
            })
        );
        assert_eq!(
            parse_token_response(200, r#"{"access_token":"t"}"#).map(|g| g.expires_in),
            Some(3600)
        );
        assert_eq!(parse_token_response(400, r#"{"access_token":"t"}"#), None);
        assert_eq!(
            error_message(r#"{"error":{"code":403,"message":"no issuer"}}"#),
            "no issuer"
        );
        assert_eq!(
            error_message(r#"{"error":"invalid_grant","error_description":"bad key"}"#),
            "bad key"
        );
        assert_eq!(error_message("plain"), "plain");
    }
}
