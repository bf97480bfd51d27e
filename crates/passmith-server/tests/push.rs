//! APNs verdicts through the real server and the fake APNs: 410 prunes only registrations
//! older than its timestamp, 400 BadDeviceToken removes, 5xx/429 are retried, 403 halts.

use std::time::Duration;

use crate::util::fake_apns::{FakeApns, Wire};
use crate::util::*;

fn now_ms() -> i64 {
    passmith_core::time::now().as_millisecond()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gone_tokens_are_pruned_only_before_the_apns_timestamp() {
    let dir = tempfile::tempdir().unwrap();
    for db in databases(dir.path()).await {
        let apns = FakeApns::start(dir.path()).await;
        let args = apns.server_args();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let server = Server::start(dir.path(), &db, &args);
        let service = server.url("");
        for s in ["OLD", "NEW", "BAD"] {
            assert_eq!(server.upload(make_pkpass(s, 1, &service)).await.0, 201);
        }
        // The same token registered for OLD before the APNs timestamp and for NEW after it.
        let phone_old = Device::new(&service, "lib-1", "feed0001");
        let phone_new = Device::new(&service, "lib-2", "feed0001");
        assert_eq!(phone_old.register("OLD", &token_for("OLD")).await, 201);
        tokio::time::sleep(Duration::from_millis(30)).await;
        let gone_at = now_ms();
        tokio::time::sleep(Duration::from_millis(30)).await;
        assert_eq!(phone_new.register("NEW", &token_for("NEW")).await, 201);
        apns.script(
            "feed0001",
            vec![(
                410,
                format!(r#"{{"reason":"Unregistered","timestamp":{gone_at}}}"#),
            )],
        );

        let bad = Device::new(&service, "lib-3", "bad00003");
        assert_eq!(bad.register("BAD", &token_for("BAD")).await, 201);
        apns.script(
            "bad00003",
            vec![(400, r#"{"reason":"BadDeviceToken"}"#.into())],
        );

        assert_eq!(server.upload(make_pkpass("OLD", 2, &service)).await.0, 200);
        assert_eq!(server.upload(make_pkpass("BAD", 2, &service)).await.0, 200);
        assert!(eventually(10, || async { apns.count() >= 2 }).await);
        assert!(
            eventually(5, || async { server.registrations("OLD").await == 0 }).await,
            "410 prunes the older registration"
        );
        assert_eq!(
            server.registrations("NEW").await,
            1,
            "a registration after the 410 timestamp survives"
        );
        assert!(
            eventually(5, || async { server.registrations("BAD").await == 0 }).await,
            "BadDeviceToken removes"
        );

        // The surviving registration still gets pushes.
        assert_eq!(server.upload(make_pkpass("NEW", 2, &service)).await.0, 200);
        assert!(eventually(10, || async { apns.count_for("feed0001") == 2 }).await);
        drop(server);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unavailable_apns_is_retried_and_403_halts_sending() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("p.db").display());
    let apns = FakeApns::start(dir.path()).await;
    let args = apns.server_args();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let server = Server::start(dir.path(), &db, &args);
    let service = server.url("");
    assert_eq!(server.upload(make_pkpass("R-1", 1, &service)).await.0, 201);
    let phone = Device::new(&service, "lib-r", "cafe0001");
    assert_eq!(phone.register("R-1", &token_for("R-1")).await, 201);

    apns.script(
        "cafe0001",
        vec![
            (503, r#"{"reason":"ServiceUnavailable"}"#.into()),
            (429, r#"{"reason":"TooManyRequests"}"#.into()),
        ],
    );
    assert_eq!(server.push("R-1").await, 202);
    // 503, then 429, then delivered, with backoff in between (2-3 s, then 4-6 s).
    assert!(
        eventually(20, || async { apns.count_for("cafe0001") >= 3 }).await,
        "{:?}",
        apns.pushes()
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        apns.count_for("cafe0001"),
        3,
        "delivered once, then no more retries"
    );
    assert_eq!(server.registrations("R-1").await, 1, "retries do not prune");

    // The certificate is refused: one attempt, then everything stops and the alert is visible.
    apns.answer_all(Some((403, r#"{"reason":"BadCertificate"}"#.into())));
    let before = apns.count();
    assert_eq!(server.push("R-1").await, 202);
    assert!(
        eventually(10, || async {
            server.metrics().await.contains("passmith_apns_halted 1")
        })
        .await
    );
    assert_eq!(apns.count(), before + 1);
    apns.answer_all(None);
    assert_eq!(server.upload(make_pkpass("R-1", 2, &service)).await.0, 200);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(apns.count(), before + 1, "no sends after a 403");
    assert!(
        server.metrics().await.contains("passmith_outbox_pending 1"),
        "the push is kept for after the fix"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_without_the_pass_certificate_is_refused_by_the_fake() {
    // Guards the fake itself: it must really check client certificates.
    let dir = tempfile::tempdir().unwrap();
    let apns = FakeApns::start(dir.path()).await;
    let ca = reqwest::Certificate::from_pem(&std::fs::read(&apns.ca_file).unwrap()).unwrap();
    let c = reqwest::Client::builder()
        .add_root_certificate(ca)
        .http2_prior_knowledge()
        .build()
        .unwrap();
    let r = c
        .post(format!("{}/3/device/abcd", apns.url))
        .body("{}")
        .send()
        .await;
    assert!(
        r.is_err(),
        "handshake without a client certificate must fail"
    );
    assert_eq!(apns.count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fan_out_uses_several_connections_within_the_stream_limit() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("p.db").display());
    // A stingy APNs: 5 streams per connection, 5 ms per answer.
    let apns = FakeApns::start_with(
        dir.path(),
        Wire {
            max_streams: 5,
            delay: Duration::from_millis(5),
        },
    )
    .await;
    let mut args = apns.server_args();
    args.extend(["--apns-connections".into(), "3".into()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let server = Server::start(dir.path(), &db, &args);
    let service = server.url("");
    assert_eq!(server.upload(make_pkpass("FAN", 1, &service)).await.0, 201);
    Seeder::connect(&db).await.bulk_register("FAN", 600).await;
    assert_eq!(server.upload(make_pkpass("FAN", 2, &service)).await.0, 200);
    assert!(
        eventually(30, || async { apns.count() >= 600 }).await,
        "{} of 600 pushes",
        apns.count()
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(apns.count(), 600, "each token once");
    assert_eq!(
        apns.connections(),
        3,
        "one HTTP/2 connection per --apns-connections"
    );
    assert!(
        apns.max_in_flight() <= 5,
        "never more streams than the server allows: {}",
        apns.max_in_flight()
    );
    assert!(apns.max_in_flight() >= 2, "streams are multiplexed");
    assert_eq!(
        server.metric("passmith_pushes_retried_total").await,
        Some(0.0)
    );
    assert_eq!(
        server.metric("passmith_pushes_sent_total").await,
        Some(600.0)
    );
}
