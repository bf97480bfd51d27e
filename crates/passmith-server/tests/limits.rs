//! Attacks on the web service's limits (issue 10, defects 1-4): wrong tokens never lock out
//! real devices, unauthenticated uploads cost no memory, device IDs and registrations per pass
//! are capped, and a request's cost does not grow with the pass's registrations.

use std::time::{Duration, Instant};

use crate::util::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_1000_wrong_token_requests_a_real_device_still_gets_200() {
    let dir = tempfile::tempdir().unwrap();
    for db in databases(dir.path()).await {
        // The default limits: 600 per minute per pass or device, 60 failures per address.
        let server = Server::start(dir.path(), &db, &[]);
        let service = server.url("");
        let serial = "ATTACKED";
        let token = token_for(serial);
        assert_eq!(server.upload(make_pkpass(serial, 1, &service)).await.0, 201);
        let phone = Device::new(&service, "real-phone", "0a0b0c0d");
        assert_eq!(phone.register(serial, &token).await, 201);

        let mut attackers = Vec::new();
        for a in 0..8 {
            let service = service.clone();
            attackers.push(tokio::spawn(async move {
                let dev = Device::new(&service, &format!("attacker-{a}"), "0badbad0");
                let mut statuses = Vec::new();
                for i in 0..125 {
                    let wrong = format!("wrong-token-number-{a}-{i}");
                    let status = if i % 2 == 0 {
                        dev.get_pass(serial, &wrong, None).await.status
                    } else {
                        dev.register(serial, &wrong).await
                    };
                    statuses.push(status);
                }
                statuses
            }));
        }
        let mut all = Vec::new();
        for a in attackers {
            all.extend(a.await.unwrap());
        }
        assert_eq!(all.len(), 1000);
        assert!(
            all.iter().all(|s| *s == 401 || *s == 429),
            "wrong tokens get 401 or 429"
        );
        assert!(
            all.contains(&429),
            "failed authentications are rate-limited on their own"
        );

        let got = phone.get_pass(serial, &token, None).await;
        assert_eq!(got.status, 200, "the real device is not locked out");
        assert_eq!(phone.register(serial, &token).await, 200);
        assert_eq!(phone.list(None).await.0, 200);
        drop(server);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forty_unauthenticated_10_mb_uploads_raise_rss_by_less_than_50_mb() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("p.db").display());
    let server = Server::start(dir.path(), &db, &[]);
    // Warm up the allocator and the connection handling first.
    assert_eq!(
        server
            .upload(make_pkpass("WARM", 1, &server.url("")))
            .await
            .0,
        201
    );
    let before = server.rss_kib();
    let body = bytes_of(10 * 1024 * 1024);
    let mut uploads = Vec::new();
    for i in 0..40 {
        let url = server.url("/api/v1/passes");
        let body = body.clone();
        uploads.push(tokio::spawn(async move {
            let mut req = client().put(url).body(body);
            if i % 2 == 0 {
                req = req.bearer_auth("not-the-api-key");
            }
            // The server may answer 401 and close before the client finished sending.
            req.send().await.map(|r| r.status().as_u16()).ok()
        }));
    }
    let mut peak = before;
    while uploads.iter().any(|u| !u.is_finished()) {
        peak = peak.max(server.rss_kib());
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    for u in uploads {
        if let Some(status) = u.await.unwrap() {
            assert_eq!(status, 401);
        }
    }
    peak = peak.max(server.rss_kib());
    let grew_mib = (peak.saturating_sub(before)) as f64 / 1024.0;
    assert!(
        grew_mib < 50.0,
        "RSS grew by {grew_mib:.1} MiB ({before} KiB → {peak} KiB)"
    );
}

fn bytes_of(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i % 251) as u8).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_ids_are_checked_and_registrations_per_pass_are_capped() {
    let dir = tempfile::tempdir().unwrap();
    for db in databases(dir.path()).await {
        let server = Server::start(
            dir.path(),
            &db,
            &[
                "--max-registrations-per-pass",
                "3",
                "--register-rate-limit",
                "6",
            ],
        );
        let service = server.url("");
        let serial = "CAPPED";
        let token = token_for(serial);
        assert_eq!(server.upload(make_pkpass(serial, 1, &service)).await.0, 201);

        // A 5 KB device library ID: 400 for every endpoint that takes one.
        let huge = Device::new(&service, &"d".repeat(5 * 1024), "0a0a");
        assert_eq!(huge.register(serial, &token).await, 400);
        assert_eq!(huge.unregister(serial, &token).await, 400);
        assert_eq!(huge.list(None).await.0, 400);
        let odd = Device::new(&service, "has%20space", "0a0a");
        assert_eq!(odd.register(serial, &token).await, 400);

        // Three devices fit; the fourth is refused, counted, and nothing is stored.
        for i in 0..3 {
            let d = Device::new(&service, &format!("cap-{i}"), "0c0c");
            assert_eq!(d.register(serial, &token).await, 201);
        }
        let fourth = Device::new(&service, "cap-3", "0c0c");
        assert_eq!(fourth.register(serial, &token).await, 403);
        assert_eq!(server.registrations(serial).await, 3);
        assert_eq!(
            server.metric("passmith_registrations_refused_total").await,
            Some(1.0)
        );
        // A known device may refresh its token; after an unregister there is room again.
        let first = Device::new(&service, "cap-0", "0d0d");
        assert_eq!(first.register(serial, &token).await, 200);
        assert_eq!(first.unregister(serial, &token).await, 200);
        assert_eq!(fourth.register(serial, &token).await, 201);
        assert_eq!(server.registrations(serial).await, 3);

        // Registrations are rate-limited per pass: the 6 per minute allowed here are spent.
        let d = Device::new(&service, "cap-9", "0e0e");
        assert_eq!(d.unregister(serial, &token).await, 200);
        let mut statuses = Vec::new();
        for _ in 0..3 {
            statuses.push(d.register(serial, &token).await);
        }
        assert_eq!(statuses, [429; 3]);
        // Another pass has its own budget.
        assert_eq!(
            server.upload(make_pkpass("OTHER", 1, &service)).await.0,
            201
        );
        assert_eq!(d.register("OTHER", &token_for("OTHER")).await, 201);
        drop(server);
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_costs_the_same_with_100000_registrations() {
    let dir = tempfile::tempdir().unwrap();
    for db in databases(dir.path()).await {
        let server = Server::start(
            dir.path(),
            &db,
            &["--rate-limit", "0", "--auth-fail-limit", "0"],
        );
        let service = server.url("");
        for s in ["LONELY", "POPULAR"] {
            assert_eq!(server.upload(make_pkpass(s, 1, &service)).await.0, 201);
        }
        Seeder::connect(&db)
            .await
            .bulk_register("POPULAR", 100_000)
            .await;
        assert_eq!(server.registrations("POPULAR").await, 100_000);

        // Interleaved, so load from other processes hits both the same way.
        let phone = Device::new(&service, "timer", "0f0f");
        let (mut lonely, mut popular) = (Vec::new(), Vec::new());
        let (mut lonely_bad, mut popular_bad) = (Vec::new(), Vec::new());
        for _ in 0..150 {
            for (serial, good, bad) in [
                ("LONELY", &mut lonely, &mut lonely_bad),
                ("POPULAR", &mut popular, &mut popular_bad),
            ] {
                let t = Instant::now();
                assert_eq!(
                    phone
                        .get_pass(serial, &token_for(serial), None)
                        .await
                        .status,
                    200
                );
                good.push(t.elapsed());
                let t = Instant::now();
                assert_eq!(
                    phone
                        .get_pass(serial, "wrong-but-long-enough", None)
                        .await
                        .status,
                    401
                );
                bad.push(t.elapsed());
            }
        }
        let (l, p) = (median(lonely), median(popular));
        assert!(
            p < l * 2 + Duration::from_micros(500),
            "GET pass: {p:?} with 100,000 registrations vs {l:?} with none"
        );
        let (l, p) = (median(lonely_bad), median(popular_bad));
        assert!(
            p < l * 2 + Duration::from_micros(500),
            "wrong token: {p:?} with 100,000 registrations vs {l:?} with none"
        );
        // Registering one more device costs the same too.
        let t = Instant::now();
        assert_eq!(phone.register("POPULAR", &token_for("POPULAR")).await, 201);
        assert!(
            t.elapsed() < Duration::from_millis(500),
            "{:?}",
            t.elapsed()
        );
        drop(server);
    }
}
