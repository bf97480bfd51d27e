//! A small blocking client for passmith-server's management API (`/api/v1`): upload a signed
//! pass, list passes with their registration counts, trigger a push, delete.
//!
//! Used by `passmith upload` and by the designer. Every call blocks, so the designer must run
//! it off the UI thread. Errors say in plain words what went wrong and what to check.

use std::time::Duration;

use passmith_api::{ErrorBody, PassList, PushQueued};

/// What can go wrong talking to the server.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error(
        "{server} is not a server URL: {reason}. Use something like https://passes.example.com"
    )]
    BadUrl { server: String, reason: String },
    #[error(
        "could not reach the update server at {server}: {reason}. Check the URL and that the server is running"
    )]
    Unreachable { server: String, reason: String },
    #[error(
        "the update server refused the API key ({message}). Check the key in the settings or PASSMITH_API_KEY"
    )]
    Unauthorized { message: String },
    #[error("the update server refused the pass: {message}")]
    Rejected { status: u16, message: String },
    #[error(
        "the pass is larger than the update server accepts (413). Make images smaller or raise --max-pass-bytes on the server"
    )]
    TooLarge,
    #[error("there is no such pass on the update server: {message}")]
    NotFound { message: String },
    #[error("the update server answered {status}: {message}")]
    Server { status: u16, message: String },
}

/// One pass as the server lists it (the server's own type, from `passmith-api`).
pub use passmith_api::PassInfo as RemotePass;
/// The server's answer to an upload (the server's own type, from `passmith-api`).
pub use passmith_api::UploadResult as Uploaded;

/// A connection to one passmith-server with one API key.
pub struct Client {
    base: String,
    api_key: String,
    http: reqwest::blocking::Client,
}

impl Client {
    /// `server`: the server's base URL (`https://passes.example.com`); `api_key`: its
    /// management API key.
    pub fn new(server: &str, api_key: &str) -> Result<Client, UploadError> {
        let base = server.trim().trim_end_matches('/').to_owned();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(UploadError::BadUrl {
                server: server.to_owned(),
                reason: "it must start with https:// (or http:// for a local test server)".into(),
            });
        }
        let http = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(120))
            .connect_timeout(Duration::from_secs(15))
            .build()
            .map_err(|e| UploadError::BadUrl {
                server: server.to_owned(),
                reason: e.to_string(),
            })?;
        Ok(Client {
            base,
            api_key: api_key.trim().to_owned(),
            http,
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn path_part(s: &str) -> String {
        // Serials are free text; keep them one path segment.
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    }

    fn send(
        &self,
        req: reqwest::blocking::RequestBuilder,
    ) -> Result<reqwest::blocking::Response, UploadError> {
        let resp = req
            .bearer_auth(&self.api_key)
            .send()
            .map_err(|e| UploadError::Unreachable {
                server: self.base.clone(),
                reason: e.to_string(),
            })?;
        let status = resp.status().as_u16();
        if resp.status().is_success() {
            return Ok(resp);
        }
        let text = resp.text().unwrap_or_default();
        let message = serde_json::from_str::<ErrorBody>(&text)
            .map(|b| b.message)
            .ok()
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| text.trim().chars().take(300).collect());
        Err(match status {
            401 | 403 => UploadError::Unauthorized { message },
            404 => UploadError::NotFound { message },
            413 => UploadError::TooLarge,
            400 | 422 => UploadError::Rejected { status, message },
            _ => UploadError::Server { status, message },
        })
    }

    fn json<T: serde::de::DeserializeOwned>(
        &self,
        resp: reqwest::blocking::Response,
    ) -> Result<T, UploadError> {
        let status = resp.status().as_u16();
        resp.json().map_err(|e| UploadError::Server {
            status,
            message: format!("unexpected answer ({e}); is this a passmith-server?"),
        })
    }

    /// Uploads (or replaces) a signed .pkpass. A changed pass is pushed to its devices.
    pub fn upload(&self, pkpass: &[u8]) -> Result<Uploaded, UploadError> {
        let resp = self.send(
            self.http
                .put(self.url(passmith_api::paths::PASSES))
                .header("content-type", "application/vnd.apple.pkpass")
                .body(pkpass.to_vec()),
        )?;
        self.json(resp)
    }

    /// Every pass on the server with its registration count.
    pub fn list(&self) -> Result<Vec<RemotePass>, UploadError> {
        let resp = self.send(self.http.get(self.url(passmith_api::paths::PASSES)))?;
        Ok(self.json::<PassList>(resp)?.passes)
    }

    /// One pass (registration count, tag, last modified).
    pub fn get(&self, pass_type_id: &str, serial: &str) -> Result<RemotePass, UploadError> {
        let path = format!(
            "/api/v1/passes/{}/{}",
            Self::path_part(pass_type_id),
            Self::path_part(serial)
        );
        let resp = self.send(self.http.get(self.url(&path)))?;
        self.json(resp)
    }

    /// How many devices are registered for updates of this pass.
    pub fn registration_count(&self, pass_type_id: &str, serial: &str) -> Result<i64, UploadError> {
        Ok(self.get(pass_type_id, serial)?.registrations)
    }

    /// Asks the server to notify every device of this pass; returns how many were queued.
    pub fn push(&self, pass_type_id: &str, serial: &str) -> Result<u64, UploadError> {
        let path = format!(
            "/api/v1/passes/{}/{}/push",
            Self::path_part(pass_type_id),
            Self::path_part(serial)
        );
        let resp = self.send(self.http.post(self.url(&path)))?;
        Ok(self.json::<PushQueued>(resp)?.pushes_queued)
    }

    /// Removes a pass and its registrations from the server.
    pub fn delete(&self, pass_type_id: &str, serial: &str) -> Result<(), UploadError> {
        let path = format!(
            "/api/v1/passes/{}/{}",
            Self::path_part(pass_type_id),
            Self::path_part(serial)
        );
        self.send(self.http.delete(self.url(&path)))?;
        Ok(())
    }
}

/// One-shot upload: `upload(server, api_key, bytes)`.
pub fn upload(server: &str, api_key: &str, pkpass: &[u8]) -> Result<Uploaded, UploadError> {
    Client::new(server, api_key)?.upload(pkpass)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A real passmith-server on 127.0.0.1 (fresh SQLite file), running on its own runtime
    /// thread so this blocking client can call it.
    pub(crate) struct TestServer {
        pub base: String,
        _dir: tempfile::TempDir,
        _rt: tokio::runtime::Runtime,
    }

    pub(crate) const KEY: &str = "upload-test-key-0123";

    pub(crate) fn server() -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        let key_file = dir.path().join("key");
        std::fs::write(&key_file, KEY).unwrap();
        let db = format!("sqlite://{}", dir.path().join("p.db").display());
        let rt = tokio::runtime::Runtime::new().unwrap();
        let args = passmith_server::Args {
            listen: Some("127.0.0.1:0".into()),
            db: Some(db),
            api_key_file: Some(key_file),
            ..Default::default()
        };
        let config = args.resolve().unwrap();
        let running = rt.block_on(passmith_server::start(config)).unwrap();
        TestServer {
            base: format!("http://{}", running.addr),
            _dir: dir,
            _rt: rt,
        }
    }

    pub(crate) fn signed_pass(serial: &str, description: &str) -> Vec<u8> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut doc =
            passmith_core::PassDocument::read_dir(&root.join("apple-samples/Generic.pass"))
                .unwrap();
        doc.pass.pass_type_identifier = "pass.com.example.passmith".into();
        doc.pass.team_identifier = "TEAM123456".into();
        doc.pass.serial_number = serial.into();
        doc.pass.web_service_url = Some("https://passes.example.com/".into());
        doc.pass.authentication_token = Some(format!("token-{serial}-0123456789"));
        doc.pass.description = description.into();
        let p12 = std::fs::read(root.join("certs/test-pass.p12")).unwrap();
        let id = passmith_core::identity::Identity::from_pkcs12(&p12, "test-password").unwrap();
        let wwdr = std::fs::read(root.join("certs/test-wwdr-ca.pem")).unwrap();
        let opts = passmith_core::export::ExportOptions::at(passmith_core::time::now_unix());
        let signed = passmith_core::export::prepare(&doc, &id, &opts.with_wwdr(&wwdr));
        signed.unwrap().bytes
    }

    #[test]
    fn upload_list_push_delete_against_a_real_server() {
        let s = server();
        let c = Client::new(&s.base, KEY).unwrap();
        let first = c.upload(&signed_pass("UP-1", "one")).unwrap();
        assert_eq!(first.serial_number, "UP-1");
        assert_eq!(first.pass_type_identifier, "pass.com.example.passmith");
        assert!(first.created && first.changed);
        let again = c.upload(&signed_pass("UP-1", "one")).unwrap();
        assert!(!again.created);
        let changed = c.upload(&signed_pass("UP-1", "two")).unwrap();
        assert!(!changed.created && changed.changed);
        assert_eq!(changed.registrations, 0);

        let list = c.list().unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].registrations, 0);
        assert_eq!(
            c.registration_count("pass.com.example.passmith", "UP-1")
                .unwrap(),
            0
        );
        assert_eq!(c.push("pass.com.example.passmith", "UP-1").unwrap(), 0);
        c.delete("pass.com.example.passmith", "UP-1").unwrap();
        assert!(matches!(
            c.get("pass.com.example.passmith", "UP-1"),
            Err(UploadError::NotFound { .. })
        ));
    }

    #[test]
    fn errors_are_specific() {
        let s = server();
        let wrong = Client::new(&s.base, "not-the-key").unwrap();
        let err = wrong.upload(&signed_pass("UP-2", "x")).unwrap_err();
        assert!(matches!(err, UploadError::Unauthorized { .. }), "{err}");
        let c = Client::new(&s.base, KEY).unwrap();
        let err = c.upload(b"this is not a pass").unwrap_err();
        assert!(
            matches!(err, UploadError::Rejected { status: 422, .. }),
            "{err}"
        );
        assert!(err.to_string().contains("refused the pass"), "{err}");
        assert!(matches!(
            Client::new("passes.example.com", KEY),
            Err(UploadError::BadUrl { .. })
        ));
        // Nothing listens on port 9 of 127.0.0.1.
        let down = Client::new("http://127.0.0.1:9", KEY).unwrap();
        assert!(matches!(down.list(), Err(UploadError::Unreachable { .. })));
    }

    #[test]
    fn serials_stay_one_path_segment() {
        assert_eq!(Client::path_part("a b/c"), "a%20b%2Fc");
        assert_eq!(Client::path_part("pass.com.x"), "pass.com.x");
    }
}
