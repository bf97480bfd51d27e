//! Shared test helpers: signed test passes, the real server binary on an ephemeral port, a
//! Wallet-device simulator, and a fake APNs (HTTP/2 over TLS with client-certificate checks).
#![allow(dead_code)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod fake_apns;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub const PASS_TYPE: &str = "pass.com.example.passmith";
pub const API_KEY: &str = "test-api-key-0123456789";

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

/// Auth token for a serial: ≥ 16 characters, different per pass.
pub fn token_for(serial: &str) -> String {
    format!("tok-{serial}-0123456789abcdef")
}

/// A signed .pkpass made from Apple's Generic sample with our pass type, team, web service and
/// token. `version` changes a field, so different versions have different content.
pub fn make_pkpass(serial: &str, version: u32, web_service_url: &str) -> Vec<u8> {
    make_pkpass_with(serial, version, web_service_url, Some(&token_for(serial)))
}

pub fn make_pkpass_with(
    serial: &str,
    version: u32,
    web_service_url: &str,
    token: Option<&str>,
) -> Vec<u8> {
    let mut doc = generic_sample(serial);
    doc.pass.web_service_url = Some(web_service_url.into());
    doc.pass.authentication_token = token.map(str::to_owned);
    doc.pass.description = format!("Test pass {serial} version {version}");
    forge_pkpass(&doc, &identity("test-pass.p12"))
}

/// Apple's Generic sample with our pass type, team and `serial`.
fn generic_sample(serial: &str) -> passmith_core::PassDocument {
    let mut doc =
        passmith_core::PassDocument::read_dir(&fixtures().join("apple-samples/Generic.pass"))
            .unwrap();
    doc.pass.pass_type_identifier = PASS_TYPE.into();
    doc.pass.team_identifier = "TEAM123456".into();
    doc.pass.serial_number = serial.into();
    doc
}

/// Signs and zips `doc` as it is, without Passmith's export gate: the server must judge passes
/// made by any tool, including ones the gate would refuse (no token, another signer).
pub fn forge_pkpass(
    doc: &passmith_core::PassDocument,
    signer: &passmith_core::identity::Identity,
) -> Vec<u8> {
    let mut files = doc.to_files().unwrap();
    let manifest = passmith_core::package::manifest_bytes(&files).unwrap();
    let signature =
        passmith_core::sign::sign_manifest(&manifest, signer, Some(&wwdr_pem())).unwrap();
    files.insert("manifest.json".into(), manifest);
    files.insert("signature".into(), signature);
    zip_files(&files)
}

/// `pkpass` with the entry `name` replaced by `edit(old bytes)`, everything else as it was.
pub fn rewrite_entry(pkpass: Vec<u8>, name: &str, edit: impl Fn(Vec<u8>) -> Vec<u8>) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(pkpass)).unwrap();
    let mut files = std::collections::BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let entry = f.name().unwrap().into_owned();
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut data).unwrap();
        let data = if entry == name { edit(data) } else { data };
        files.insert(entry, data);
    }
    zip_files(&files)
}

/// `pkpass` with its signature replaced by one from `openssl cms -sign -keyid` with the test
/// identity: the signer named by subjectKeyIdentifier (CMS version 3), as current signers do.
pub fn resign_with_keyid(pkpass: Vec<u8>) -> Vec<u8> {
    let manifest = passmith_testkit::unzip(&pkpass)
        .remove("manifest.json")
        .unwrap();
    let signature = passmith_testkit::openssl_sign_keyid(&manifest, true);
    rewrite_entry(pkpass, "signature", |_| signature.clone())
}

fn zip_files(files: &std::collections::BTreeMap<String, Vec<u8>>) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut w = zip::ZipWriter::new(&mut out);
    for (name, data) in files {
        w.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut w, data).unwrap();
    }
    w.finish().unwrap();
    out.into_inner()
}

/// A pass for our pass type signed with another Pass Type ID certificate (Wallet refuses it).
pub fn make_pkpass_signed_by_other(serial: &str) -> Vec<u8> {
    let mut doc = generic_sample(serial);
    doc.pass.authentication_token = Some(token_for(serial));
    forge_pkpass(&doc, &identity("test-other-identity.p12"))
}

fn identity(file: &str) -> passmith_core::identity::Identity {
    let der = std::fs::read(fixtures().join("certs").join(file)).unwrap();
    passmith_core::identity::Identity::from_pkcs12(&der, "test-password").unwrap()
}

fn wwdr_pem() -> Vec<u8> {
    std::fs::read(fixtures().join("certs/test-wwdr-ca.pem")).unwrap()
}

/// Which databases to run a test against: always a fresh SQLite file; PostgreSQL too when
/// PASSMITH_TEST_POSTGRES_URL is set (each test gets its own fresh database).
pub async fn databases(dir: &Path) -> Vec<String> {
    let mut out = vec![format!("sqlite://{}", dir.join("passes.db").display())];
    if let Some(url) = postgres_db().await {
        out.push(url);
    }
    out
}

/// A fresh PostgreSQL database, or None when PASSMITH_TEST_POSTGRES_URL is not set. On CI the
/// PostgreSQL half of the suite is required, so a missing URL fails instead of quietly skipping.
pub async fn postgres_db() -> Option<String> {
    let base = std::env::var("PASSMITH_TEST_POSTGRES_URL")
        .ok()
        .filter(|s| !s.is_empty());
    let Some(base) = base else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must also run the PostgreSQL suite: PASSMITH_TEST_POSTGRES_URL is not set \
             (scripts/test.sh starts PostgreSQL and sets it)"
        );
        return None;
    };
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&base)
        .await
        .expect("connect to PASSMITH_TEST_POSTGRES_URL");
    let name = format!(
        "passmith_t_{}_{}",
        std::process::id(),
        rand::random::<u32>()
    );
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let (prefix, _) = base.rsplit_once('/').unwrap();
    Some(format!("{prefix}/{name}"))
}

/// The real `passmith-server` binary, started on 127.0.0.1 with an ephemeral port; killed when
/// dropped.
pub struct Server {
    pub child: Child,
    pub base: String,
    pub dir: PathBuf,
}

impl Server {
    pub fn start(dir: &Path, db: &str, extra: &[&str]) -> Server {
        Server::start_inner(dir, db, extra, None)
    }

    /// Like [`Server::start`], with the server's log (at `level`) written to `log`.
    pub fn start_logging(dir: &Path, db: &str, extra: &[&str], level: &str, log: &Path) -> Server {
        Server::start_inner(dir, db, extra, Some((level, log)))
    }

    fn start_inner(dir: &Path, db: &str, extra: &[&str], log: Option<(&str, &Path)>) -> Server {
        let key_file = dir.join("api-key");
        std::fs::write(&key_file, format!("{API_KEY}\n")).unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_passmith-server"));
        cmd.args([
            "--listen",
            "127.0.0.1:0",
            "--db",
            db,
            "--outbox-poll-ms",
            "100",
        ])
        .arg("--api-key-file")
        .arg(&key_file)
        .args(extra)
        .stdout(Stdio::piped());
        match log {
            Some((level, file)) => {
                cmd.env("PASSMITH_SERVER_LOG", level)
                    .stderr(std::fs::File::create(file).unwrap());
            }
            None => {
                cmd.env(
                    "PASSMITH_SERVER_LOG",
                    std::env::var("PASSMITH_SERVER_LOG").unwrap_or("warn".into()),
                )
                .stderr(Stdio::inherit());
            }
        }
        let mut child = cmd.spawn().expect("start passmith-server");
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        let base = line
            .trim()
            .strip_prefix("passmith-server listening on ")
            .unwrap_or_else(|| panic!("server did not start: {line:?}"))
            .to_owned();
        Server {
            child,
            base,
            dir: dir.to_owned(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Resident memory of the server process, in KiB.
    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap()
    }

    /// Sends SIGTERM (what service managers send to stop a service).
    pub fn terminate(&self) {
        let ok = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .unwrap()
            .success();
        assert!(ok, "kill -TERM failed");
    }

    /// Waits up to `secs` for the process to exit; its exit status, or None if still running.
    pub fn wait_exit(&mut self, secs: u64) -> Option<std::process::ExitStatus> {
        let deadline = std::time::Instant::now() + Duration::from_secs(secs);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            if std::time::Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The /metrics text.
    pub async fn metrics(&self) -> String {
        client()
            .get(self.url("/metrics"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// The value of one metric line (`name value`), or None if absent.
    pub async fn metric(&self, name: &str) -> Option<f64> {
        self.metrics()
            .await
            .lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
    }

    /// The serial numbers the management API lists (`GET /api/v1/passes`).
    pub async fn list_serials(&self) -> Vec<String> {
        let r = client()
            .get(self.url("/api/v1/passes"))
            .bearer_auth(API_KEY)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        let list: passmith_api::PassList = r.json().await.unwrap();
        list.passes.into_iter().map(|p| p.serial_number).collect()
    }

    pub async fn upload(&self, pkpass: Vec<u8>) -> (u16, serde_json::Value) {
        let r = client()
            .put(self.url("/api/v1/passes"))
            .bearer_auth(API_KEY)
            .header("content-type", "application/vnd.apple.pkpass")
            .body(pkpass)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(serde_json::Value::Null))
    }

    pub async fn registrations(&self, serial: &str) -> i64 {
        let r = client()
            .get(self.url(&format!("/api/v1/passes/{PASS_TYPE}/{serial}")))
            .bearer_auth(API_KEY)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        let v: passmith_api::PassInfo = r.json().await.unwrap();
        v.registrations
    }

    pub async fn push(&self, serial: &str) -> u16 {
        client()
            .post(self.url(&format!("/api/v1/passes/{PASS_TYPE}/{serial}/push")))
            .bearer_auth(API_KEY)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

/// A simulated Wallet device: what an iPhone sends to a pass's webServiceURL.
pub struct Device {
    /// The webServiceURL (server + prefix), without trailing slash.
    pub service: String,
    pub id: String,
    pub push_token: String,
    pub http: reqwest::Client,
}

pub struct Fetched {
    pub status: u16,
    pub last_modified: Option<String>,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

impl Device {
    pub fn new(service: &str, id: &str, push_token: &str) -> Device {
        Device {
            service: service.trim_end_matches('/').to_owned(),
            id: id.to_owned(),
            push_token: push_token.to_owned(),
            http: client(),
        }
    }

    pub async fn register(&self, serial: &str, token: &str) -> u16 {
        self.http
            .post(format!(
                "{}/v1/devices/{}/registrations/{PASS_TYPE}/{serial}",
                self.service, self.id
            ))
            .header("authorization", format!("ApplePass {token}"))
            .json(&passmith_api::RegisterRequest {
                push_token: self.push_token.clone(),
            })
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }

    pub async fn unregister(&self, serial: &str, token: &str) -> u16 {
        self.http
            .delete(format!(
                "{}/v1/devices/{}/registrations/{PASS_TYPE}/{serial}",
                self.service, self.id
            ))
            .header("authorization", format!("ApplePass {token}"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }

    /// (status, serials, lastUpdated)
    pub async fn list(&self, since: Option<&str>) -> (u16, Vec<String>, Option<String>) {
        let mut req = self.http.get(format!(
            "{}/v1/devices/{}/registrations/{PASS_TYPE}",
            self.service, self.id
        ));
        if let Some(tag) = since {
            req = req.query(&[("passesUpdatedSince", tag)]);
        }
        let r = req.send().await.unwrap();
        let status = r.status().as_u16();
        if status != 200 {
            return (status, vec![], None);
        }
        // Parsing into the server's own type also checks that lastUpdated is a JSON string.
        let v: passmith_api::ChangedSerials = r.json().await.unwrap();
        let (serials, tag) = (v.serial_numbers, v.last_updated);
        (status, serials, Some(tag))
    }

    pub async fn get_pass(
        &self,
        serial: &str,
        token: &str,
        if_modified_since: Option<&str>,
    ) -> Fetched {
        let mut req = self
            .http
            .get(format!("{}/v1/passes/{PASS_TYPE}/{serial}", self.service))
            .header("authorization", format!("ApplePass {token}"));
        if let Some(ims) = if_modified_since {
            req = req.header("if-modified-since", ims);
        }
        let r = req.send().await.unwrap();
        let header = |n: &str| r.headers().get(n).map(|v| v.to_str().unwrap().to_owned());
        let last_modified = header("last-modified");
        let content_type = header("content-type");
        let status = r.status().as_u16();
        Fetched {
            status,
            last_modified,
            content_type,
            body: r.bytes().await.unwrap().to_vec(),
        }
    }
}

/// Polls `f` until it returns true or `secs` pass.
pub async fn eventually<F, Fut>(secs: u64, mut f: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = std::time::Instant::now() + Duration::from_secs(secs);
    while std::time::Instant::now() < deadline {
        if f().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    f().await
}

/// Writes test data straight into a server's database (much faster than through HTTP), for
/// tests and the benchmark that need many registrations.
pub struct Seeder {
    pub pool: sqlx::AnyPool,
    postgres: bool,
}

impl Seeder {
    /// `db` as given to the server (`sqlite://…` or `postgres://…`); the database must exist.
    pub async fn connect(db: &str) -> Seeder {
        sqlx::any::install_default_drivers();
        let postgres = db.starts_with("postgres");
        let url = if postgres {
            db.to_owned()
        } else {
            format!("{db}?mode=rw")
        };
        Seeder {
            pool: sqlx::AnyPool::connect(&url).await.unwrap(),
            postgres,
        }
    }

    /// Registers devices `{serial}-1` … `{serial}-n` (distinct push tokens) for one pass, and
    /// counts them.
    pub async fn bulk_register(&self, serial: &str, n: i64) {
        self.insert_registrations(
            "INSERT INTO registrations SELECT $2 || '-' || i, $1, $2, lpad(to_hex(i), 16, '0'), 0, 0 \
             FROM generate_series(1, $3) AS i",
            "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < $3) \
             INSERT INTO registrations SELECT $2 || '-' || i, $1, $2, printf('%016x', i), 0, 0 FROM c",
            serial,
            &[n],
        )
        .await;
    }

    /// Devices `dev-0` … `dev-{devices-1}`, each registered for `per_device` of the passes
    /// `{prefix}0` … `{prefix}{passes-1}`.
    pub async fn devices_with_passes(
        &self,
        devices: i64,
        per_device: i64,
        prefix: &str,
        passes: i64,
    ) {
        self.insert_registrations(
            "INSERT INTO registrations SELECT 'dev-' || d, $1, $2 || ((d * 7 + k * 13) % $5), lpad(to_hex(d), 16, '0'), 0, 0 \
             FROM generate_series(0, $3 - 1) AS d, generate_series(0, $4 - 1) AS k ON CONFLICT DO NOTHING",
            "WITH RECURSIVE d(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM d WHERE i < $3 - 1), \
             k(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM k WHERE j < $4 - 1) \
             INSERT INTO registrations SELECT 'dev-' || i, $1, $2 || ((i * 7 + j * 13) % $5), printf('%016x', i), 0, 0 \
             FROM d, k WHERE true ON CONFLICT DO NOTHING",
            prefix,
            &[devices, per_device, passes],
        )
        .await;
    }

    /// Runs the INSERT into registrations written for this database (`postgres` or `sqlite`),
    /// with `$1` the pass type ID, `$2` `text` and `$3`… `numbers`; then recounts.
    async fn insert_registrations(
        &self,
        postgres: &'static str,
        sqlite: &'static str,
        text: &str,
        numbers: &[i64],
    ) {
        let statement = if self.postgres { postgres } else { sqlite };
        let mut q = sqlx::query(statement).bind(PASS_TYPE).bind(text);
        for n in numbers {
            q = q.bind(*n);
        }
        q.execute(&self.pool).await.unwrap();
        self.recount().await;
    }

    /// Sets every pass's registration count from its rows (what the server keeps up to date).
    pub async fn recount(&self) {
        sqlx::query(
            "UPDATE passes SET registration_count = (SELECT COUNT(*) FROM registrations r \
             WHERE r.pass_type_id = passes.pass_type_id AND r.serial = passes.serial)",
        )
        .execute(&self.pool)
        .await
        .unwrap();
    }

    pub async fn scalar(&self, q: &'static str) -> i64 {
        sqlx::query_scalar(q).fetch_one(&self.pool).await.unwrap()
    }
}
