//! Load benchmark for passmith-server, run with
//! `cargo bench -p passmith-server --bench load` (optionally `-- --seconds 10 --connections 32
//! --registrations 100000`).
//!
//! 1. "What changed?" (`GET /v1/devices/{d}/registrations/{type}?passesUpdatedSince=`) against
//!    the release binary on loopback: requests per second and p50/p99 latency, half the calls
//!    with an old tag (200 + serials), half with the latest (204).
//! 2. Push fan-out: one pass with N registrations (distinct push tokens, 100,000 by default)
//!    gets a push; time until the fake APNs (HTTP/2 + TLS client-certificate checks, on
//!    127.0.0.1) has received every one.
//!
//! Not a criterion bench: these are throughput/latency numbers of a separate server process
//! under concurrent load, which criterion's per-iteration model does not measure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::fake_apns::FakeApns;
use common::*;
use sqlx::Executor;

struct Opts {
    seconds: u64,
    connections: usize,
    registrations: usize,
}

fn opts() -> Opts {
    let mut o = Opts {
        seconds: 10,
        connections: 32,
        registrations: 100_000,
    };
    let args: Vec<String> = std::env::args().collect();
    let mut i = 1;
    while i < args.len() {
        let next = args.get(i + 1).and_then(|v| v.parse::<usize>().ok());
        match (args[i].as_str(), next) {
            ("--seconds", Some(v)) => o.seconds = v as u64,
            ("--connections", Some(v)) => o.connections = v,
            ("--registrations", Some(v)) => o.registrations = v,
            _ => {
                i += 1;
                continue;
            }
        }
        i += 2;
    }
    o
}

#[tokio::main]
async fn main() {
    let o = opts();
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("bench.db");
    let db = format!("sqlite://{}", db_path.display());
    let apns = FakeApns::start(dir.path()).await;
    let mut args = apns.server_args();
    args.extend([
        "--rate-limit".into(),
        "0".into(),
        "--push-concurrency".into(),
        "500".into(),
    ]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let server = Server::start(dir.path(), &db, &args);
    let service = server.base.clone();

    // --- Seed: 200 passes; 2,000 devices with 10 passes each.
    const PASSES: usize = 200;
    const DEVICES: usize = 2000;
    let mut first_tag = 0i64;
    for p in 0..PASSES {
        let (status, _) = server
            .upload(make_pkpass(&format!("B-{p}"), 1, &service))
            .await;
        assert_eq!(status, 201);
    }
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&format!("{db}?mode=rw"))
        .await
        .unwrap();
    {
        let mut tx = pool.begin().await.unwrap();
        for d in 0..DEVICES {
            for k in 0..10 {
                let serial = format!("B-{}", (d * 7 + k * 13) % PASSES);
                sqlx::query(
                    "INSERT INTO registrations VALUES ($1, $2, $3, $4, 0, 0) ON CONFLICT DO NOTHING",
                )
                .bind(format!("dev-{d}"))
                .bind(PASS_TYPE)
                .bind(serial)
                .bind(format!("{:016x}", d))
                .execute(&mut *tx)
                .await
                .unwrap();
            }
        }
        tx.commit().await.unwrap();
    }
    // Change a quarter of the passes so "since the first tag" returns a few serials.
    let dev0 = Device::new(&service, "dev-0", "00");
    if let (200, _, Some(t)) = dev0.list(None).await {
        first_tag = t.parse().unwrap();
    }
    for p in (0..PASSES).step_by(4) {
        assert_eq!(
            server
                .upload(make_pkpass(&format!("B-{p}"), 2, &service))
                .await
                .0,
            200
        );
    }
    // Let the pushes those updates caused drain before measuring.
    wait_outbox_empty(&pool).await;
    let latest: i64 = sqlx::query_scalar("SELECT v FROM tag_seq")
        .fetch_one(&pool)
        .await
        .unwrap();

    // --- 1. list-changed load.
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(o.connections)
        .build()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(o.seconds);
    let mut tasks = Vec::new();
    for c in 0..o.connections {
        let http = http.clone();
        let service = service.clone();
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut n = c;
            while Instant::now() < deadline {
                let tag = if n % 2 == 0 { first_tag } else { latest };
                let url = format!(
                    "{service}/v1/devices/dev-{}/registrations/{PASS_TYPE}?passesUpdatedSince={tag}",
                    (n * 31) % DEVICES
                );
                let t = Instant::now();
                let r = http.get(url).send().await.unwrap();
                let status = r.status().as_u16();
                let _ = r.bytes().await.unwrap();
                assert!(status == 200 || status == 204, "{status}");
                lat.push(t.elapsed());
                n += o.connections;
            }
            lat
        }));
    }
    let started = Instant::now();
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.sort();
    let pct = |p: f64| all[((all.len() as f64 * p) as usize).min(all.len() - 1)];
    println!(
        "list-changed: {} requests in {:.1} s over {} connections = {:.0} req/s; p50 {:.2} ms, p99 {:.2} ms",
        all.len(),
        elapsed,
        o.connections,
        all.len() as f64 / elapsed,
        pct(0.50).as_secs_f64() * 1000.0,
        pct(0.99).as_secs_f64() * 1000.0
    );

    // --- 2. push fan-out to N distinct tokens of one pass.
    let fan_serial = "FANOUT";
    assert_eq!(
        server.upload(make_pkpass(fan_serial, 1, &service)).await.0,
        201
    );
    {
        let mut tx = pool.begin().await.unwrap();
        tx.execute("PRAGMA synchronous = OFF").await.ok();
        for i in 0..o.registrations {
            sqlx::query("INSERT INTO registrations VALUES ($1, $2, $3, $4, 0, 0)")
                .bind(format!("fan-{i}"))
                .bind(PASS_TYPE)
                .bind(fan_serial)
                .bind(format!("fa{i:014x}"))
                .execute(&mut *tx)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
    }
    let before = apns.count();
    let t = Instant::now();
    assert_eq!(
        server.upload(make_pkpass(fan_serial, 2, &service)).await.0,
        200
    );
    let enqueued = t.elapsed();
    let target = before + o.registrations;
    while apns.count() < target {
        assert!(
            t.elapsed() < Duration::from_secs(900),
            "fan-out stalled at {}",
            apns.count() - before
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let secs = t.elapsed().as_secs_f64();
    wait_outbox_empty(&pool).await;
    let per_token = {
        let pushes = apns.pushes();
        let mut tokens: Vec<&str> = pushes[before..].iter().map(|p| p.token.as_str()).collect();
        tokens.sort_unstable();
        tokens.dedup();
        tokens.len()
    };
    println!(
        "push fan-out: {} registrations → {} pushes ({} distinct tokens) in {:.1} s = {:.0} pushes/s (upload + enqueue took {:.2} s)",
        o.registrations,
        apns.count() - before,
        per_token,
        secs,
        o.registrations as f64 / secs,
        enqueued.as_secs_f64()
    );
    drop(server);
}

async fn wait_outbox_empty(pool: &sqlx::AnyPool) {
    for _ in 0..6000 {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM push_outbox")
            .fetch_one(pool)
            .await
            .unwrap();
        if n == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("outbox did not drain");
}
