//! The full Wallet handshake against the real server binary: upload → register → update →
//! push via a fake APNs → list since tag → GET (200, Last-Modified) → GET with
//! If-Modified-Since (304) → unregister → no more pushes. Runs on SQLite, and on PostgreSQL
//! when PASSMITH_TEST_POSTGRES_URL is set.

use std::time::Duration;

use crate::util::fake_apns::FakeApns;
use crate::util::*;

async fn handshake(db: &str, dir: &std::path::Path) {
    let apns = FakeApns::start(dir).await;
    let mut args = apns.server_args();
    args.extend(["--path-prefix".into(), "/passkit/".into()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let server = Server::start(dir, db, &args);
    let service = server.url("/passkit");
    let serial = "HS-1";
    let token = token_for(serial);

    // Upload: 201 new, then the same bytes again: 200, nothing changed.
    let v1 = make_pkpass(serial, 1, &service);
    let (status, body) = server.upload(v1.clone()).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["passTypeIdentifier"], PASS_TYPE);
    assert_eq!(body["serialNumber"], serial);
    let (status, body) = server.upload(v1).await;
    assert_eq!((status, &body["changed"]), (200, &serde_json::json!(false)));

    // Two phones; the second registers twice (201 then 200). A third registration shares
    // the first phone's push token (another pass library on it) and must not double the push.
    let phone_a = Device::new(&service, "device-a", "aaaa0001");
    let phone_b = Device::new(&service, "device-b", "bbbb0002");
    let phone_a2 = Device::new(&service, "device-a2", "aaaa0001");
    assert_eq!(phone_a.register(serial, &token).await, 201);
    assert_eq!(phone_b.register(serial, &token).await, 201);
    assert_eq!(phone_b.register(serial, &token).await, 200);
    assert_eq!(phone_a2.register(serial, &token).await, 201);
    assert_eq!(server.registrations(serial).await, 3);

    // The device's first list: everything, with a string tag.
    let (status, serials, tag0) = phone_a.list(None).await;
    assert_eq!((status, serials), (200, vec![serial.to_string()]));
    let tag0 = tag0.unwrap();
    let (status, _, _) = phone_a.list(Some(&tag0)).await;
    assert_eq!(status, 204, "nothing changed since the tag");
    let first = phone_a.get_pass(serial, &token, None).await;
    assert_eq!(first.status, 200);
    let lm0 = first.last_modified.clone().expect("Last-Modified on 200");

    // Nothing pushed yet.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(apns.count(), 0);

    // Upload a changed pass: one push per distinct token.
    let v2 = make_pkpass(serial, 2, &service);
    let (status, body) = server.upload(v2.clone()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["changed"], true);
    assert_eq!(
        body["registrations"], 3,
        "the upload reports how many devices have the pass"
    );
    assert!(
        eventually(10, || async { apns.count() >= 2 }).await,
        "pushes: {:?}",
        apns.pushes()
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    let pushes = apns.pushes();
    assert_eq!(
        pushes.len(),
        2,
        "exactly one push per distinct token: {pushes:?}"
    );
    assert_eq!(apns.count_for("aaaa0001"), 1);
    assert_eq!(apns.count_for("bbbb0002"), 1);
    for p in &pushes {
        assert_eq!(p.topic.as_deref(), Some(PASS_TYPE));
        assert_eq!(p.body, b"{}");
        assert_eq!(p.push_type.as_deref(), Some("background"));
        assert_eq!(p.priority.as_deref(), Some("5"));
        assert!(p.http2, "APNs needs HTTP/2");
        assert_eq!(
            p.client_cn.as_deref(),
            Some("Pass Type ID: pass.com.example.passmith")
        );
    }

    // The device reacts to the push: list since its tag → the serial and a new tag.
    let (status, serials, tag1) = phone_a.list(Some(&tag0)).await;
    assert_eq!((status, serials), (200, vec![serial.to_string()]));
    let tag1 = tag1.unwrap();
    assert_ne!(tag1, tag0, "a changed serial must come with a new tag");
    let (status, _, _) = phone_a.list(Some(&tag1)).await;
    assert_eq!(status, 204);
    // An unparseable tag counts as absent (everything), never an error.
    let (status, serials, _) = phone_a.list(Some("2024-03-26T02:30:00Z")).await;
    assert_eq!((status, serials), (200, vec![serial.to_string()]));

    let fresh = phone_a.get_pass(serial, &token, None).await;
    assert_eq!(fresh.status, 200);
    assert_eq!(
        fresh.content_type.as_deref(),
        Some("application/vnd.apple.pkpass")
    );
    assert_eq!(fresh.body, v2);
    let lm1 = fresh.last_modified.clone().expect("Last-Modified on 200");
    let t0 = httpdate::parse_http_date(&lm0).unwrap();
    let t1 = httpdate::parse_http_date(&lm1).unwrap();
    assert!(
        t1 > t0,
        "Last-Modified must strictly increase: {lm0} then {lm1}"
    );

    let cached = phone_a.get_pass(serial, &token, Some(&lm1)).await;
    assert_eq!(cached.status, 304);
    assert!(cached.body.is_empty());
    // An older copy still gets the new pass.
    let stale = phone_a.get_pass(serial, &token, Some(&lm0)).await;
    assert_eq!(stale.status, 200);

    // Unregister everyone; another change pushes nobody.
    assert_eq!(phone_a.unregister(serial, &token).await, 200);
    assert_eq!(phone_b.unregister(serial, &token).await, 200);
    assert_eq!(phone_a2.unregister(serial, &token).await, 200);
    assert_eq!(
        phone_a2.unregister(serial, &token).await,
        200,
        "unregister is idempotent"
    );
    assert_eq!(server.registrations(serial).await, 0);
    let (status, _) = server.upload(make_pkpass(serial, 3, &service)).await;
    assert_eq!(status, 200);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(apns.count(), 2, "no pushes after unregistering");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_handshake_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("passes.db").display());
    handshake(&db, dir.path()).await;
    assert!(
        dir.path().join("passes.db").exists(),
        "the SQLite file is created on start"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_handshake_postgres() {
    let Some(db) = postgres_db().await else {
        eprintln!("PASSMITH_TEST_POSTGRES_URL not set: PostgreSQL handshake skipped");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    handshake(&db, dir.path()).await;
}
