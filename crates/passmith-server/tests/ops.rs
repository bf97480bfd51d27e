//! Running the server (issue 10, defects 5-10): start-up errors name their cause, /healthz and
//! /readyz fail while the database takes no writes, SIGTERM drains in-flight requests, logs
//! cannot be forged and stay small, pushes without a certificate are skipped, the docs match
//! the code, and `--durability full` is accepted.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::fake_apns::FakeApns;
use crate::util::*;

/// Runs the server binary to its exit; (exit status, stderr, how long it took).
fn run_to_exit(db: &str) -> (std::process::ExitStatus, String, Duration) {
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_passmith-server"))
        .args(["--listen", "127.0.0.1:0", "--db", db])
        .env("PASSMITH_SERVER_LOG", "warn")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        out.status,
        String::from_utf8_lossy(&out.stderr).into_owned(),
        started.elapsed(),
    )
}

#[test]
fn a_corrupt_or_locked_database_fails_fast_with_the_cause() {
    let dir = tempfile::tempdir().unwrap();
    let corrupt = dir.path().join("corrupt.db");
    std::fs::write(&corrupt, "this is not a database\n".repeat(400)).unwrap();
    let (status, stderr, took) = run_to_exit(&format!("sqlite://{}", corrupt.display()));
    assert!(!status.success());
    assert!(took < Duration::from_secs(8), "took {took:?}");
    assert!(stderr.contains("not a database"), "{stderr}");
    assert!(!stderr.contains("pool timed out"), "{stderr}");

    // Another process holds the file exclusively.
    let locked = dir.path().join("locked.db");
    let url = format!("sqlite://{}?mode=rwc", locked.display());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let holder = rt.block_on(async {
        use sqlx::Connection;
        sqlx::any::install_default_drivers();
        let mut c = sqlx::AnyConnection::connect(&url).await.unwrap();
        sqlx::query("CREATE TABLE t (x INTEGER)")
            .execute(&mut c)
            .await
            .unwrap();
        sqlx::query("PRAGMA locking_mode = EXCLUSIVE")
            .execute(&mut c)
            .await
            .unwrap();
        sqlx::query("BEGIN EXCLUSIVE")
            .execute(&mut c)
            .await
            .unwrap();
        c
    });
    let (status, stderr, took) = run_to_exit(&format!("sqlite://{}", locked.display()));
    assert!(!status.success());
    assert!(took < Duration::from_secs(8), "took {took:?}");
    assert!(stderr.contains("locked"), "{stderr}");
    drop(holder);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_and_readiness_fail_while_writes_fail() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.db");
    let db = format!("sqlite://{}", path.display());
    let server = Server::start(dir.path(), &db, &[]);
    let get = |p: &'static str| {
        let url = server.url(p);
        async move { client().get(url).send().await.unwrap().status().as_u16() }
    };
    assert_eq!((get("/healthz").await, get("/readyz").await), (200, 200));

    // Another connection takes SQLite's write lock and keeps it.
    use sqlx::Connection;
    let mut holder = sqlx::AnyConnection::connect(&format!("{db}?mode=rw"))
        .await
        .unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut holder)
        .await
        .unwrap();
    let t = Instant::now();
    assert_eq!(get("/healthz").await, 503);
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    assert_eq!(get("/readyz").await, 503);
    sqlx::query("COMMIT").execute(&mut holder).await.unwrap();
    assert!(eventually(15, || async { get("/healthz").await == 200 }).await);
    assert_eq!(get("/readyz").await, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_lets_an_upload_in_flight_finish() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("p.db").display());
    let log = dir.path().join("server.log");
    let mut server = Server::start_logging(dir.path(), &db, &[], "info", &log);
    let pkpass = make_pkpass("DRAIN-1", 1, &server.url(""));
    let addr = server.base.trim_start_matches("http://").to_owned();

    // Half an upload on a raw connection, then SIGTERM, then the other half.
    let mut tcp = TcpStream::connect(&addr).unwrap();
    write!(
        tcp,
        "PUT /api/v1/passes HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {API_KEY}\r\n\
         Content-Type: application/vnd.apple.pkpass\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        pkpass.len()
    )
    .unwrap();
    let half = pkpass.len() / 2;
    tcp.write_all(&pkpass[..half]).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    server.terminate();
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        TcpStream::connect(&addr).is_err(),
        "no new connections after SIGTERM"
    );
    tcp.write_all(&pkpass[half..]).unwrap();
    let mut answer = String::new();
    tcp.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
    let status = server
        .wait_exit(10)
        .expect("the server exits after draining");
    assert!(status.success(), "{status:?}");
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.contains("shutting down"), "{text}");
    assert!(text.contains("shutdown complete"), "{text}");

    // The upload was committed.
    let server = Server::start(dir.path(), &db, &[]);
    assert_eq!(server.registrations("DRAIN-1").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_logs_cannot_forge_lines_and_requests_stay_out_of_the_info_log() {
    let dir = tempfile::tempdir().unwrap();
    for format in ["text", "json"] {
        let db = format!(
            "sqlite://{}",
            dir.path().join(format!("{format}.db")).display()
        );
        let log = dir.path().join(format!("{format}.log"));
        let server =
            Server::start_logging(dir.path(), &db, &["--log-format", format], "info", &log);
        let service = server.url("");
        for _ in 0..200 {
            assert_eq!(Device::new(&service, "quiet", "01").list(None).await.0, 204);
        }
        let forged = "hello\nERROR passmith_server: FORGED admin password reset\r\n\u{1b}[31mred";
        let r = client()
            .post(format!("{service}/v1/log"))
            .json(&serde_json::json!({ "logs": [forged] }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        drop(server);
        let text = std::fs::read_to_string(&log).unwrap();
        let hello: Vec<&str> = text.lines().filter(|l| l.contains("hello")).collect();
        assert_eq!(hello.len(), 1, "{text}");
        assert!(
            hello[0].contains("FORGED") && hello[0].contains("red"),
            "the whole message stays on its line: {text}"
        );
        assert!(
            !text
                .lines()
                .any(|l| l.starts_with("ERROR") || l.contains("\u{1b}")),
            "no forged line, no terminal escapes (and no colours in a file): {text:?}"
        );
        assert!(
            !text.contains("/v1/devices/{device}"),
            "request lines are debug-level: {text}"
        );
        if format == "json" {
            for line in text.lines() {
                let v: serde_json::Value =
                    serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
                assert!(v["level"].is_string(), "{line}");
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_certificate_pushes_are_skipped_not_failed() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("p.db").display());
    let log = dir.path().join("server.log");
    let server = Server::start_logging(dir.path(), &db, &[], "info", &log);
    let service = server.url("");
    assert_eq!(server.upload(make_pkpass("NC-1", 1, &service)).await.0, 201);
    for i in 0..3 {
        let d = Device::new(&service, &format!("nc-{i}"), &format!("ab{i:02}"));
        assert_eq!(d.register("NC-1", &token_for("NC-1")).await, 201);
    }
    assert_eq!(server.upload(make_pkpass("NC-1", 2, &service)).await.0, 200);
    assert!(
        eventually(10, || async {
            server.metric("passmith_pushes_skipped_total").await == Some(3.0)
        })
        .await,
        "{}",
        server.metrics().await
    );
    assert_eq!(
        server.metric("passmith_pushes_failed_total").await,
        Some(0.0)
    );
    assert_eq!(server.metric("passmith_outbox_pending").await, Some(0.0));
    drop(server);
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(!text.contains("APNs refused"), "{text}");
    assert_eq!(
        text.matches("no --apns-cert").count(),
        1,
        "one line at start-up: {text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_a_pass_drops_the_pushes_only_it_needed() {
    let dir = tempfile::tempdir().unwrap();
    for db in databases(dir.path()).await {
        let apns = FakeApns::start(dir.path()).await;
        // APNs unavailable: pushes stay queued (retried later).
        apns.answer_all(Some((503, r#"{"reason":"ServiceUnavailable"}"#.into())));
        let args = apns.server_args();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let server = Server::start(dir.path(), &db, &args);
        let service = server.url("");
        for s in ["DEL-1", "KEEP-1"] {
            assert_eq!(server.upload(make_pkpass(s, 1, &service)).await.0, 201);
        }
        let only_del = Device::new(&service, "only-del", "d0d0");
        let both = Device::new(&service, "both", "b0b0");
        assert_eq!(only_del.register("DEL-1", &token_for("DEL-1")).await, 201);
        assert_eq!(both.register("DEL-1", &token_for("DEL-1")).await, 201);
        assert_eq!(both.register("KEEP-1", &token_for("KEEP-1")).await, 201);
        assert_eq!(server.push("DEL-1").await, 202);
        assert_eq!(server.metric("passmith_outbox_pending").await, Some(2.0));
        let r = client()
            .delete(server.url(&format!("/api/v1/passes/{PASS_TYPE}/DEL-1")))
            .bearer_auth(API_KEY)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        assert_eq!(
            server.metric("passmith_outbox_pending").await,
            Some(1.0),
            "the push for the device that still has KEEP-1 stays"
        );
        drop(server);
    }
}

#[test]
fn the_help_and_the_openapi_document_match_the_code() {
    let out = Command::new(env!("CARGO_BIN_EXE_passmith-server"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8(out.stdout).unwrap().replace('\n', " ");
    let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        help.contains(
            "per device library ID for register, unregister and list, per pass for fetching a pass"
        ),
        "{help}"
    );
    assert!(help.contains("--durability"), "{help}");
    assert!(help.contains("--log-format"), "{help}");

    let doc: serde_json::Value = serde_json::from_str(include_str!("../src/openapi.json")).unwrap();
    let log = &doc["paths"]["/v1/log"]["post"];
    let items =
        &log["requestBody"]["content"]["application/json"]["schema"]["properties"]["logs"]["items"];
    assert!(
        items.get("type").is_none(),
        "the handler keeps non-string entries as their JSON text: {items}"
    );
    assert_eq!(log["requestBody"]["required"], false);
    assert!(log["responses"]["200"].is_object());
    for path in ["/healthz", "/readyz"] {
        assert!(doc["paths"][path]["get"].is_object(), "{path} documented");
    }
    // Download links (issue 15).
    assert!(help.contains("--public-url") && help.contains("--share-rate-limit"));
    for path in [
        "/p/{id}",
        "/p/{id}/",
        "/p/{id}/qr.png",
        "/p/{id}/preview.png",
    ] {
        assert!(doc["paths"][path]["get"].is_object(), "{path} documented");
    }
    let share = &doc["paths"]["/api/v1/passes/{passTypeIdentifier}/{serialNumber}/share"];
    for method in ["get", "post", "patch", "delete"] {
        assert!(share[method].is_object(), "{method} …/share documented");
    }
    assert!(doc["components"]["schemas"]["UploadResult"]["properties"]["shareUrl"].is_object());
    // Google Wallet sync (issue 14): the flags and each pass's status.
    for flag in [
        "--google-key",
        "--google-issuer-id",
        "--google-api-base",
        "--google-token-url",
    ] {
        assert!(help.contains(flag), "{flag} in --help");
    }
    let schemas = &doc["components"]["schemas"];
    assert_eq!(
        schemas["PassInfo"]["properties"]["google"]["$ref"],
        "#/components/schemas/GoogleStatus"
    );
    let states: Vec<passmith_api::GoogleState> =
        serde_json::from_value(schemas["GoogleStatus"]["properties"]["state"]["enum"].clone())
            .unwrap();
    assert_eq!(
        states.len(),
        4,
        "every documented state is one the code knows"
    );
    for field in ["lastError", "updatedAt"] {
        assert!(schemas["GoogleStatus"]["properties"][field].is_object());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn durability_full_is_accepted_and_keeps_working() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("p.db").display());
    let server = Server::start(dir.path(), &db, &["--durability", "full"]);
    assert_eq!(
        server
            .upload(make_pkpass("DUR-1", 1, &server.url("")))
            .await
            .0,
        201
    );
}
