//! Google Wallet sync (issue 14): the real server with a service-account key made by openssl,
//! against a fake Google token endpoint and Wallet API on 127.0.0.1. A new pass inserts class
//! and object, a changed one produces exactly one PATCH with the exchanged bearer token, an
//! unchanged re-upload nothing; a 500 is retried, a 403 fails, and the management API reports
//! each pass's Google status.

use std::collections::{BTreeSet, VecDeque};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{patch, post};
use passmith_testkit::{google_service_account, jwt_parts, openssl_verifies_jwt};
use serde_json::{Value, json};

use crate::util::*;

const ISSUER: &str = "3388000000012345678";

/// One request the fake saw.
#[derive(Debug, Clone)]
struct Call {
    method: String,
    path: String,
    body: Value,
    authorization: String,
}

#[derive(Clone, Default)]
struct Fake {
    calls: Arc<Mutex<Vec<Call>>>,
    /// Resources Google has (`genericObject/<id>`).
    ids: Arc<Mutex<BTreeSet<String>>>,
    /// Statuses to answer the next Wallet API calls with, first to last.
    script: Arc<Mutex<VecDeque<u16>>>,
    tokens_issued: Arc<Mutex<Vec<String>>>,
}

/// A fake Google: `POST /token` (the OAuth2 JWT-bearer exchange) and the Wallet API's insert
/// and patch under `/walletobjects/v1`.
struct FakeGoogle {
    url: String,
    fake: Fake,
}

impl FakeGoogle {
    async fn start() -> FakeGoogle {
        let fake = Fake::default();
        let app = Router::new()
            .route("/token", post(token))
            .route("/walletobjects/v1/{resource}", post(insert))
            .route("/walletobjects/v1/{resource}/{id}", patch(update))
            .with_state(fake.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        FakeGoogle {
            url: format!("http://{addr}"),
            fake,
        }
    }

    fn calls(&self) -> Vec<Call> {
        self.fake.calls.lock().unwrap().clone()
    }

    fn lines(&self) -> Vec<String> {
        self.calls()
            .into_iter()
            .map(|c| format!("{} {}", c.method, c.path))
            .collect()
    }

    fn script(&self, statuses: &[u16]) {
        self.fake.script.lock().unwrap().extend(statuses);
    }

    /// The server's flags for this fake and a key whose token_uri is Google's (so the
    /// `--google-token-url` override is what sends the exchange here).
    fn server_args(&self, dir: &std::path::Path) -> (Vec<String>, PathBuf) {
        let (key, public) = google_service_account(dir, "https://oauth2.googleapis.com/token");
        let args = vec![
            "--google-key".to_owned(),
            key.display().to_string(),
            "--google-issuer-id".to_owned(),
            ISSUER.to_owned(),
            "--google-api-base".to_owned(),
            format!("{}/walletobjects/v1", self.url),
            "--google-token-url".to_owned(),
            format!("{}/token", self.url),
        ];
        (args, public)
    }
}

fn record(fake: &Fake, method: &str, path: String, body: Value, headers: &HeaderMap) {
    let authorization = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    fake.calls.lock().unwrap().push(Call {
        method: method.into(),
        path,
        body,
        authorization,
    });
}

async fn token(
    State(fake): State<Fake>,
    headers: HeaderMap,
    body: String,
) -> (StatusCode, axum::Json<Value>) {
    record(&fake, "POST", "/token".into(), json!(body), &headers);
    let grant = body.contains("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer");
    if !grant || !body.contains("assertion=") {
        return answer(400, json!({"error": "invalid_grant"}));
    }
    let mut issued = fake.tokens_issued.lock().unwrap();
    let token = format!("ya29.server-fake-{}", issued.len() + 1);
    issued.push(token.clone());
    answer(
        200,
        json!({"access_token": token, "expires_in": 3599, "token_type": "Bearer"}),
    )
}

fn answer(status: u16, body: Value) -> (StatusCode, axum::Json<Value>) {
    (StatusCode::from_u16(status).unwrap(), axum::Json(body))
}

/// 401 unless the bearer token is one the token endpoint issued; then a scripted status.
fn refusal(fake: &Fake, headers: &HeaderMap) -> Option<(StatusCode, axum::Json<Value>)> {
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !fake
        .tokens_issued
        .lock()
        .unwrap()
        .iter()
        .any(|t| t == bearer)
    {
        return Some(answer(401, json!({"error": {"message": "bad token"}})));
    }
    let scripted = fake.script.lock().unwrap().pop_front();
    scripted.map(|s| {
        answer(
            s,
            json!({"error": {"code": s, "message": format!("scripted {s}")}}),
        )
    })
}

async fn insert(
    State(fake): State<Fake>,
    UrlPath(resource): UrlPath<String>,
    headers: HeaderMap,
    axum::Json(body): axum::Json<Value>,
) -> (StatusCode, axum::Json<Value>) {
    record(
        &fake,
        "POST",
        format!("/walletobjects/v1/{resource}"),
        body.clone(),
        &headers,
    );
    if let Some(r) = refusal(&fake, &headers) {
        return r;
    }
    let id = format!("{resource}/{}", body["id"].as_str().unwrap_or(""));
    if !fake.ids.lock().unwrap().insert(id) {
        return answer(
            409,
            json!({"error": {"message": "Resource already exists."}}),
        );
    }
    answer(200, body)
}

async fn update(
    State(fake): State<Fake>,
    UrlPath((resource, id)): UrlPath<(String, String)>,
    headers: HeaderMap,
    axum::Json(body): axum::Json<Value>,
) -> (StatusCode, axum::Json<Value>) {
    record(
        &fake,
        "PATCH",
        format!("/walletobjects/v1/{resource}/{id}"),
        body.clone(),
        &headers,
    );
    if let Some(r) = refusal(&fake, &headers) {
        return r;
    }
    if !fake
        .ids
        .lock()
        .unwrap()
        .contains(&format!("{resource}/{id}"))
    {
        return answer(404, json!({"error": {"message": "not found"}}));
    }
    answer(200, body)
}

/// `GET /api/v1/passes/{type}/{serial}`'s `google` part.
async fn google_status(server: &Server, serial: &str) -> Value {
    let r = client()
        .get(server.url(&format!("/api/v1/passes/{PASS_TYPE}/{serial}")))
        .bearer_auth(API_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    // The shared API type parses it (the designer's client reads the same field).
    let info: passmith_api::PassInfo = r.json().await.unwrap();
    serde_json::to_value(info.google).unwrap()
}

async fn state_is(server: &Server, serial: &str, state: &str) -> bool {
    google_status(server, serial).await["state"] == state
}

fn object_id(serial: &str) -> String {
    format!("{ISSUER}.com.example.passmith.{serial}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_pass_patches_its_google_object_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    for db in databases(dir.path()).await {
        let google = FakeGoogle::start().await;
        let (args, public) = google.server_args(dir.path());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let server = Server::start(dir.path(), &db, &args);
        let service = server.url("");

        // A new pass: Google does not have it, so class and then object are inserted.
        let first = make_pkpass("G-1", 1, &service);
        assert_eq!(server.upload(first.clone()).await.0, 201);
        assert!(
            eventually(10, || state_is(&server, "G-1", "synced")).await,
            "{:?} {:?}",
            google_status(&server, "G-1").await,
            google.lines()
        );
        assert_eq!(
            google.lines(),
            [
                "POST /token",
                "POST /walletobjects/v1/genericClass",
                "POST /walletobjects/v1/genericObject",
            ]
        );

        // The same bytes again: nothing changed, nothing goes to Google.
        let (status, body) = server.upload(first).await;
        assert_eq!((status, body["changed"].clone()), (200, json!(false)));
        tokio::time::sleep(Duration::from_millis(800)).await;
        assert_eq!(google.calls().len(), 3, "{:?}", google.lines());

        // A changed pass: exactly one PATCH of its object, with the cached token.
        let (status, body) = server.upload(make_pkpass("G-1", 2, &service)).await;
        assert_eq!((status, body["changed"].clone()), (200, json!(true)));
        assert!(
            eventually(10, || async {
                google.calls().iter().any(|c| c.method == "PATCH")
            })
            .await
        );
        assert!(eventually(5, || state_is(&server, "G-1", "synced")).await);
        tokio::time::sleep(Duration::from_millis(800)).await;
        let calls = google.calls();
        let patches: Vec<&Call> = calls.iter().filter(|c| c.method == "PATCH").collect();
        assert_eq!(patches.len(), 1, "{:?}", google.lines());
        let patch = patches[0];
        assert_eq!(
            patch.path,
            format!("/walletobjects/v1/genericObject/{}", object_id("G-1"))
        );
        assert_eq!(patch.body["id"], object_id("G-1"));
        assert_eq!(
            patch.body["classId"],
            format!("{ISSUER}.com.example.passmith")
        );
        assert_eq!(
            calls.len(),
            4,
            "one token exchange for all: {:?}",
            google.lines()
        );
        assert_eq!(patch.authorization, "Bearer ya29.server-fake-1");

        // The token came from a JWT-bearer assertion the service account signed for the
        // configured token endpoint.
        let body = calls[0].body.as_str().unwrap().to_owned();
        let assertion = body.split("assertion=").nth(1).unwrap();
        assert!(openssl_verifies_jwt(assertion, &public));
        let (header, claims) = jwt_parts(assertion);
        assert_eq!(header["alg"], "RS256");
        assert_eq!(claims["aud"], format!("{}/token", google.url));
        assert_eq!(
            claims["scope"],
            "https://www.googleapis.com/auth/wallet_object.issuer"
        );

        let status = google_status(&server, "G-1").await;
        assert_eq!(status["lastError"], Value::Null);
        assert!(status["updatedAt"].as_str().unwrap().ends_with('Z'));
        let metrics = server.metrics().await;
        assert!(
            metrics.contains("passmith_google_patches_total{result=\"patched\"} 1"),
            "{metrics}"
        );
        assert!(metrics.contains("passmith_google_patches_total{result=\"inserted\"} 1"));
        assert_eq!(server.metric("passmith_google_pending").await, Some(0.0));
        drop(server);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn google_errors_are_retried_or_failed_and_reported_per_pass() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("p.db").display());
    let google = FakeGoogle::start().await;
    let (args, _) = google.server_args(dir.path());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let server = Server::start(dir.path(), &db, &args);
    let service = server.url("");

    // A 500 from Google: pending with the reason, then retried after the backoff.
    google.script(&[500]);
    assert_eq!(server.upload(make_pkpass("G-2", 1, &service)).await.0, 201);
    assert!(
        eventually(5, || async {
            google_status(&server, "G-2").await["lastError"]
                .as_str()
                .is_some_and(|e| e.contains("500"))
        })
        .await
    );
    assert_eq!(google_status(&server, "G-2").await["state"], "pending");
    assert!(eventually(15, || state_is(&server, "G-2", "synced")).await);
    assert_eq!(
        google.lines()[1..],
        [
            "POST /walletobjects/v1/genericClass",
            "POST /walletobjects/v1/genericClass",
            "POST /walletobjects/v1/genericObject",
        ]
    );
    assert_eq!(
        google_status(&server, "G-2").await["lastError"],
        Value::Null
    );

    // A 403 is final: failed, with Google's message, and the pass's other data unchanged.
    google.script(&[403]);
    assert_eq!(server.upload(make_pkpass("G-2", 2, &service)).await.0, 200);
    assert!(eventually(10, || state_is(&server, "G-2", "failed")).await);
    let status = google_status(&server, "G-2").await;
    let error = status["lastError"].as_str().unwrap();
    assert!(
        error.contains("403") && error.contains("scripted 403"),
        "{error}"
    );
    let metrics = server.metrics().await;
    assert!(
        metrics.contains("passmith_google_patches_total{result=\"retried\"} 1"),
        "{metrics}"
    );
    assert!(metrics.contains("passmith_google_patches_total{result=\"failed\"} 1"));

    // The next change syncs again.
    assert_eq!(server.upload(make_pkpass("G-2", 3, &service)).await.0, 200);
    assert!(eventually(10, || state_is(&server, "G-2", "synced")).await);
    let patches = google
        .calls()
        .iter()
        .filter(|c| c.method == "PATCH")
        .count();
    assert_eq!(patches, 2, "{:?}", google.lines());

    // The object was deleted on Google's side: the PATCH gets 404, so it is inserted again
    // (the class exists: 409 is fine).
    google
        .fake
        .ids
        .lock()
        .unwrap()
        .retain(|id| !id.starts_with("genericObject/"));
    let before = google.calls().len();
    assert_eq!(server.upload(make_pkpass("G-2", 4, &service)).await.0, 200);
    assert!(
        eventually(10, || async {
            google.calls().len() >= before + 3 && state_is(&server, "G-2", "synced").await
        })
        .await,
        "{:?}",
        google.lines()
    );
    assert_eq!(
        google.lines()[before..],
        [
            format!("PATCH /walletobjects/v1/genericObject/{}", object_id("G-2")),
            "POST /walletobjects/v1/genericClass".to_owned(),
            "POST /walletobjects/v1/genericObject".to_owned(),
        ]
    );
    let metrics = server.metrics().await;
    assert!(
        metrics.contains("passmith_google_patches_total{result=\"inserted\"} 2"),
        "{metrics}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_google_key_nothing_is_queued_and_the_status_is_off() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("p.db").display());
    let server = Server::start(dir.path(), &db, &[]);
    let service = server.url("");
    assert_eq!(server.upload(make_pkpass("G-3", 1, &service)).await.0, 201);
    assert_eq!(server.upload(make_pkpass("G-3", 2, &service)).await.0, 200);
    assert_eq!(
        google_status(&server, "G-3").await,
        json!({"state": "off", "lastError": null, "updatedAt": null})
    );
    assert_eq!(server.metric("passmith_google_pending").await, None);
    let seeder = Seeder::connect(&db).await;
    assert_eq!(seeder.scalar("SELECT COUNT(*) FROM google_outbox").await, 0);
}

#[test]
fn a_file_that_is_not_a_service_account_key_stops_the_start_with_the_cause() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("sa.json");
    std::fs::write(&key, r#"{"client_email": "a@b.example"}"#).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_passmith-server"))
        .args(["--listen", "127.0.0.1:0", "--db"])
        .arg(format!("sqlite://{}", dir.path().join("p.db").display()))
        .arg("--google-key")
        .arg(&key)
        .args(["--google-issuer-id", ISSUER])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("is not a service-account key") && stderr.contains("private_key"),
        "{stderr}"
    );
}
