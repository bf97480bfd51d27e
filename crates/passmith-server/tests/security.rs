//! Authentication and limits: wrong or missing tokens get the same 401 as unknown serials,
//! the management API needs its key, tampered passes are refused, oversized bodies get 413.

use crate::util::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_tokens_get_the_same_401_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    for db in databases(dir.path()).await {
        let server = Server::start(dir.path(), &db, &[]);
        let service = server.url("");
        let serial = "SEC-1";
        let good = token_for(serial);
        assert_eq!(server.upload(make_pkpass(serial, 1, &service)).await.0, 201);
        let dev = Device::new(&service, "dev-1", "abcdef01");
        let wrong = "wrong-token-but-long-enough";
        let other_pass_token = token_for("SEC-2");
        assert_eq!(
            server.upload(make_pkpass("SEC-2", 1, &service)).await.0,
            201
        );

        for bad in [wrong, other_pass_token.as_str(), ""] {
            assert_eq!(
                dev.register(serial, bad).await,
                401,
                "register with {bad:?}"
            );
            assert_eq!(
                dev.get_pass(serial, bad, None).await.status,
                401,
                "get with {bad:?}"
            );
            assert_eq!(
                dev.unregister(serial, bad).await,
                401,
                "unregister with {bad:?}"
            );
        }
        // Unknown serial with a well-formed token: indistinguishable from a wrong token.
        let unknown = dev.get_pass("NO-SUCH", &good, None).await;
        let wrong_tok = dev.get_pass(serial, wrong, None).await;
        assert_eq!(
            (unknown.status, &unknown.body),
            (wrong_tok.status, &wrong_tok.body)
        );
        assert_eq!(dev.register("NO-SUCH", &good).await, 401);
        // No Authorization header at all.
        let r = client()
            .get(format!("{service}/v1/passes/{PASS_TYPE}/{serial}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 401);
        // The right token works.
        assert_eq!(dev.register(serial, &good).await, 201);
        assert_eq!(server.registrations(serial).await, 1);

        // Management API: no key, wrong key, wrong scheme.
        for auth in [
            None,
            Some("Bearer nope"),
            Some(&*format!("ApplePass {API_KEY}")),
        ] {
            let mut req = client().get(server.url("/api/v1/passes"));
            if let Some(a) = auth {
                req = req.header("authorization", a);
            }
            assert_eq!(req.send().await.unwrap().status().as_u16(), 401, "{auth:?}");
        }
        let r = client()
            .put(server.url("/api/v1/passes"))
            .body(make_pkpass("X", 1, &service))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 401);
        drop(server);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tampered_or_unusable_passes_are_refused_with_422() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("p.db").display());
    let server = Server::start(dir.path(), &db, &[]);
    let service = server.url("");

    // Change pass.json after signing: the manifest no longer matches.
    let good = make_pkpass("TAMPER", 1, &service);
    let tampered = rewrite_entry(good, "pass.json", |data| {
        String::from_utf8(data)
            .unwrap()
            .replace("version 1", "version 9")
            .into_bytes()
    });
    let (status, body) = server.upload(tampered).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"], "invalid_signature");
    assert!(
        body["message"].as_str().unwrap().contains("signature"),
        "{body}"
    );

    let (status, body) = server.upload(make_pkpass_signed_by_other("OTHER")).await;
    assert_eq!(
        status, 422,
        "signed with another pass type's certificate: {body}"
    );
    assert_eq!(body["error"], "invalid_signature");

    let (status, body) = server.upload(b"not a zip at all".to_vec()).await;
    assert_eq!(status, 422);
    assert_eq!(body["error"], "unreadable_pass");

    let (status, body) = server
        .upload(make_pkpass_with("NOTOKEN", 1, &service, None))
        .await;
    assert_eq!(status, 422);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("authenticationToken"),
        "{body}"
    );
    let (status, _) = server
        .upload(make_pkpass_with("SHORT", 1, &service, Some("short")))
        .await;
    assert_eq!(status, 422);

    // Nothing was stored.
    assert!(server.list_serials().await.is_empty());
}

/// Fixture: a pass from `make_pkpass`, re-signed by `openssl cms -sign -keyid` (signer named by
/// subjectKeyIdentifier). The upload accepts it; with its signature value damaged it does not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subject_key_identifier_signature_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("p.db").display());
    let server = Server::start(dir.path(), &db, &[]);
    let service = server.url("");

    let ski = resign_with_keyid(make_pkpass("SKI", 1, &service));
    let (status, body) = server.upload(ski.clone()).await;
    assert_eq!(status, 201, "{body}");

    let damaged = rewrite_entry(ski, "signature", |mut sig| {
        *sig.last_mut().unwrap() ^= 1;
        sig
    });
    let (status, body) = server.upload(damaged).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"], "invalid_signature");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_bodies_get_413() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("p.db").display());
    let server = Server::start(dir.path(), &db, &["--max-pass-bytes", "400000"]);
    let service = server.url("");
    let serial = "BIG-1";
    assert_eq!(server.upload(make_pkpass(serial, 1, &service)).await.0, 201);

    let big = vec![b'a'; 500_000];
    let (status, _) = server.upload(big).await;
    assert_eq!(status, 413, "pass upload above --max-pass-bytes");

    let huge_token = "a".repeat(10_000);
    let r = client()
        .post(format!(
            "{service}/v1/devices/d1/registrations/{PASS_TYPE}/{serial}"
        ))
        .header("authorization", format!("ApplePass {}", token_for(serial)))
        .json(&serde_json::json!({"pushToken": huge_token}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 413, "register body");

    let logs: Vec<String> = (0..100)
        .map(|i| format!("{i} {}", "x".repeat(1000)))
        .collect();
    let r = client()
        .post(format!("{service}/v1/log"))
        .json(&serde_json::json!({ "logs": logs }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 413, "log body");

    // A normal log request is accepted and stored.
    let r = client()
        .post(format!("{service}/v1/log"))
        .json(&serde_json::json!({"logs": ["Server returned the pass data but did not provide a 'last-modified' header"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let r = client()
        .post(format!("{service}/v1/log"))
        .body("garbage")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200, "log never fails");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limit_is_per_device() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("p.db").display());
    let server = Server::start(dir.path(), &db, &["--rate-limit", "5"]);
    let service = server.url("");
    let chatty = Device::new(&service, "chatty", "01");
    let calm = Device::new(&service, "calm", "02");
    let mut statuses = Vec::new();
    for _ in 0..8 {
        statuses.push(chatty.list(None).await.0);
    }
    assert_eq!(&statuses[..5], &[204; 5]);
    assert!(statuses[5..].iter().all(|s| *s == 429), "{statuses:?}");
    assert_eq!(
        calm.list(None).await.0,
        204,
        "another device is not affected"
    );

    // Fetching a pass is limited per pass.
    assert_eq!(server.upload(make_pkpass("RL-1", 1, &service)).await.0, 201);
    assert_eq!(server.upload(make_pkpass("RL-2", 1, &service)).await.0, 201);
    let mut fetches = Vec::new();
    for _ in 0..6 {
        fetches.push(calm.get_pass("RL-1", &token_for("RL-1"), None).await.status);
    }
    assert_eq!(fetches, [200, 200, 200, 200, 200, 429]);
    assert_eq!(
        calm.get_pass("RL-2", &token_for("RL-2"), None).await.status,
        200
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_metrics_and_openapi_are_served() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("p.db").display());
    let server = Server::start(dir.path(), &db, &[]);
    let r = client().get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(
        server
            .upload(make_pkpass("M-1", 1, &server.url("")))
            .await
            .0,
        201
    );
    let text = server.metrics().await;
    assert!(
        text.contains("passmith_http_requests_total{route=\"/api/v1/passes\",status=\"201\"} 1"),
        "{text}"
    );
    assert!(text.contains("passmith_outbox_pending 0"), "{text}");
    let doc: serde_json::Value = client()
        .get(server.url("/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["paths"]["/api/v1/passes"]["put"].is_object());
    assert!(doc["paths"]["/v1/devices/{deviceLibraryIdentifier}/registrations/{passTypeIdentifier}"]["get"].is_object());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_never_reach_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("p.db").display());
    let log = dir.path().join("server.log");
    let server = Server::start_logging(dir.path(), &db, &[], "debug", &log);
    let service = server.url("");
    let serial = "LOG-1";
    let token = token_for(serial);
    assert_eq!(server.upload(make_pkpass(serial, 1, &service)).await.0, 201);
    let dev = Device::new(&service, "dev-log", "0abc");
    assert_eq!(dev.register(serial, &token).await, 201);
    assert_eq!(dev.get_pass(serial, &token, None).await.status, 200);
    assert_eq!(
        dev.get_pass(serial, "a-wrong-token-that-is-long", None)
            .await
            .status,
        401
    );
    assert_eq!(dev.unregister(serial, &token).await, 200);
    drop(server);
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.contains("/v1/passes/{pass_type}/{serial}"),
        "requests are logged: {text}"
    );
    for secret in [
        token.as_str(),
        "a-wrong-token-that-is-long",
        API_KEY,
        "ApplePass",
        "Bearer",
    ] {
        assert!(!text.contains(secret), "{secret:?} appeared in the log");
    }
}

#[test]
fn settings_come_from_environment_variables_too() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_passmith-server"))
        .env("PASSMITH_SERVER_LISTEN", "127.0.0.1:0")
        .env(
            "PASSMITH_SERVER_DB",
            format!("sqlite://{}", dir.path().join("env.db").display()),
        )
        .env("PASSMITH_SERVER_PATH_PREFIX", "/from-env/")
        .env("PASSMITH_SERVER_LOG", "error")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line.trim().rsplit(' ').next().unwrap().to_owned();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (with_prefix, without) = rt.block_on(async {
        let path = format!("/v1/devices/d/registrations/{PASS_TYPE}");
        let a = client()
            .get(format!("{base}/from-env{path}"))
            .send()
            .await
            .unwrap()
            .status();
        let b = client()
            .get(format!("{base}{path}"))
            .send()
            .await
            .unwrap()
            .status();
        (a.as_u16(), b.as_u16())
    });
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!((with_prefix, without), (204, 404));
    assert!(dir.path().join("env.db").exists());
}
