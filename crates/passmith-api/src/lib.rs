//! The JSON bodies of passmith-server's HTTP API, in one place: the server serializes them and
//! the designer's upload client (and the tests' Wallet-device simulator) deserialize them, so a
//! field renamed on one side cannot silently drift from the other.
//!
//! Serde types only: no HTTP client, no server framework, so every side can depend on it.

use serde::{Deserialize, Serialize};

/// Management API paths (`Authorization: Bearer <api key>`).
pub mod paths {
    /// `PUT` a signed .pkpass; `GET` the list of passes.
    pub const PASSES: &str = "/api/v1/passes";
}

/// `PUT /api/v1/passes`: what the upload did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UploadResult {
    pub pass_type_identifier: String,
    pub serial_number: String,
    /// True when the server did not have this pass before.
    pub created: bool,
    /// False when exactly these bytes were already on the server (no update, no push).
    #[serde(default)]
    pub changed: bool,
    /// Devices that will be told about the change (one per distinct push token).
    #[serde(default)]
    pub pushes_queued: u64,
    /// Devices registered for updates of this pass.
    #[serde(default)]
    pub registrations: i64,
    /// The pass's webServiceURL, as read from pass.json.
    #[serde(default, rename = "webServiceURL")]
    pub web_service_url: Option<String>,
    /// The pass's download link (`https://…/p/<id>`): the .pkpass itself, always its latest
    /// version. Made on the pass's first upload; absent after the link was revoked (until a new
    /// one is made with `POST …/share`) and from servers older than download links.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share_url: Option<String>,
    /// The "Add to Apple Wallet" page of the same link (`share_url` + `/`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share_page_url: Option<String>,
}

/// `GET`, `POST` and `PATCH /api/v1/passes/{type}/{serial}/share`: the pass's download link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShareLink {
    /// The .pkpass (`…/p/<id>`).
    pub share_url: String,
    /// The download page (`…/p/<id>/`).
    pub share_page_url: String,
    /// RFC 3339 instant after which the link answers 404; None: it does not expire.
    #[serde(default)]
    pub expires_at: Option<String>,
}

/// Body of `POST` (optional) and `PATCH /api/v1/passes/{type}/{serial}/share`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShareSettings {
    /// RFC 3339 instant (`2026-12-31T23:00:00Z`) after which the link answers 404; null or
    /// absent: never.
    #[serde(default)]
    pub expires_at: Option<String>,
}

/// `DELETE /api/v1/passes/{type}/{serial}/share`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShareRevoked {
    pub revoked: bool,
}

/// One pass as `GET /api/v1/passes` and `GET /api/v1/passes/{type}/{serial}` describe it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PassInfo {
    pub pass_type_identifier: String,
    pub serial_number: String,
    /// Devices registered for updates of this pass.
    pub registrations: i64,
    /// The update tag of the current version (what Wallet's passesUpdatedSince compares).
    pub update_tag: String,
    /// HTTP-date of the current version.
    pub last_modified: String,
    /// Where the pass stands with Google Wallet (`off` from servers without a Google key, and
    /// from servers older than Google sync).
    #[serde(default)]
    pub google: GoogleStatus,
}

/// Whether the pass's Google Wallet object has the pass's current version.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GoogleState {
    /// The server has no Google service-account key, or the pass was not changed since it got
    /// one: nothing is sent to Google.
    #[default]
    Off,
    /// A patch (or insert) of the current version is queued or being retried.
    Pending,
    /// Google has the current version.
    Synced,
    /// Google refused the current version, or every retry failed (see `lastError`).
    Failed,
}

/// The `google` part of [`PassInfo`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GoogleStatus {
    pub state: GoogleState,
    /// Why the last attempt failed (also while a retry is pending).
    #[serde(default)]
    pub last_error: Option<String>,
    /// RFC 3339 instant of the last change of state or error.
    #[serde(default)]
    pub updated_at: Option<String>,
}

/// `GET /api/v1/passes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PassList {
    pub passes: Vec<PassInfo>,
}

/// `POST /api/v1/passes/{type}/{serial}/push` (202).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PushQueued {
    pub pushes_queued: u64,
}

/// `DELETE /api/v1/passes/{type}/{serial}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Deleted {
    pub deleted: bool,
    pub pass_type_identifier: String,
    pub serial_number: String,
}

/// Every management API error: a stable code (`unauthorized`, `not_found`, `invalid_signature`,
/// …) and a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    #[serde(default)]
    pub error: String,
    #[serde(default)]
    pub message: String,
}

/// Wallet's body for `POST /v1/devices/{device}/registrations/{type}/{serial}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegisterRequest {
    pub push_token: String,
}

/// The answer to Wallet's "what changed?" (`GET /v1/devices/{device}/registrations/{type}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangedSerials {
    pub serial_numbers: Vec<String>,
    /// A string: Wallet ignores numeric tags.
    pub last_updated: String,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn upload_result_uses_the_wire_names() {
        let r = UploadResult {
            pass_type_identifier: "pass.t".into(),
            serial_number: "S1".into(),
            created: true,
            changed: true,
            pushes_queued: 2,
            registrations: 3,
            web_service_url: Some("https://x/".into()),
            share_url: Some("https://x/p/00".into()),
            share_page_url: Some("https://x/p/00/".into()),
        };
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["passTypeIdentifier"], "pass.t");
        assert_eq!(v["pushesQueued"], 2);
        assert_eq!(v["webServiceURL"], "https://x/");
        assert_eq!(v["shareUrl"], "https://x/p/00");
        assert_eq!(v["sharePageUrl"], "https://x/p/00/");
        assert_eq!(serde_json::from_value::<UploadResult>(v).unwrap(), r);
    }

    #[test]
    fn an_older_server_answer_without_the_newer_fields_still_reads() {
        let r: UploadResult = serde_json::from_str(
            r#"{"passTypeIdentifier":"pass.t","serialNumber":"S","created":false}"#,
        )
        .unwrap();
        assert!(!r.changed);
        assert_eq!(r.web_service_url, None);
        assert_eq!(r.share_url, None);
    }

    #[test]
    fn wallet_bodies_use_the_wire_names() {
        let c = ChangedSerials {
            serial_numbers: vec!["A".into()],
            last_updated: "7".into(),
        };
        assert_eq!(
            serde_json::to_string(&c).unwrap(),
            r#"{"serialNumbers":["A"],"lastUpdated":"7"}"#
        );
        let r: RegisterRequest = serde_json::from_str(r#"{"pushToken":"ab"}"#).unwrap();
        assert_eq!(r.push_token, "ab");
    }
}
