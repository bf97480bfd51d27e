//! kill -9 under load: five rounds of registrations and uploads from concurrent clients, the
//! server killed with SIGKILL in the middle of each. Every registration or upload that was
//! acknowledged (201/200) must be in the database afterwards: group commit answers only after
//! the commit, and the WAL survives the process. Bounded to a couple of seconds per round.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::util::*;

const ROUNDS: usize = 5;
const REGISTRARS: usize = 16;
const UPLOADS_PER_ROUND: usize = 6;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_under_load_loses_no_acknowledged_registration_or_upload() {
    let dir = tempfile::tempdir().unwrap();
    for db in databases(dir.path()).await {
        tokio::time::timeout(Duration::from_secs(120), rounds(dir.path(), &db))
            .await
            .unwrap_or_else(|_| panic!("{db}: the kill -9 rounds took more than 120 s"));
    }
}

async fn rounds(dir: &std::path::Path, db: &str) {
    let flags = ["--rate-limit", "0", "--register-rate-limit", "0"];
    let serial = "CRASH";
    let token = token_for(serial);
    {
        let server = Server::start(dir, db, &flags);
        assert_eq!(
            server
                .upload(make_pkpass(serial, 1, &server.url("")))
                .await
                .0,
            201
        );
    }
    // Signed before the rounds, so the rounds spend their time on the server.
    let uploads: Vec<Vec<(String, Vec<u8>)>> = (0..ROUNDS)
        .map(|r| {
            (0..UPLOADS_PER_ROUND)
                .map(|i| {
                    let s = format!("UP-{r}-{i}");
                    let bytes = make_pkpass(&s, 1, "http://127.0.0.1/");
                    (s, bytes)
                })
                .collect()
        })
        .collect();
    let acked_devices = Arc::new(Mutex::new(Vec::<String>::new()));
    let acked_uploads = Arc::new(Mutex::new(Vec::<String>::new()));
    for (round, round_uploads) in uploads.into_iter().enumerate() {
        let mut server = Server::start(dir, db, &flags);
        let service = server.url("");
        let acked_before = acked_devices.lock().unwrap().len();
        let mut tasks = Vec::new();
        for w in 0..REGISTRARS {
            let (service, token, acked) = (service.clone(), token.clone(), acked_devices.clone());
            tasks.push(tokio::spawn(async move {
                // One client per task: building one (root certificates) per request would make
                // the client, not the server, the bottleneck.
                let http = client();
                for i in 0.. {
                    let id = format!("r{round}-w{w}-{i}");
                    let d = Device {
                        service: service.clone(),
                        id: id.clone(),
                        push_token: "00ff00ff".into(),
                        http: http.clone(),
                    };
                    match try_register(&d, serial, &token).await {
                        Some(201) => acked.lock().unwrap().push(id),
                        Some(s) => panic!("register answered {s}"),
                        None => break,
                    }
                }
            }));
        }
        {
            let (base, acked) = (server.base.clone(), acked_uploads.clone());
            tasks.push(tokio::spawn(async move {
                for (s, bytes) in round_uploads {
                    let r = client()
                        .put(format!("{base}/api/v1/passes"))
                        .bearer_auth(API_KEY)
                        .body(bytes)
                        .send()
                        .await;
                    match r.map(|r| r.status().as_u16()) {
                        Ok(201) => acked.lock().unwrap().push(s),
                        Ok(other) => panic!("upload answered {other}"),
                        Err(_) => break,
                    }
                }
            }));
        }
        // Kill once the load is under way (at least 20 more acknowledgements), however slow
        // the machine is; never later than 10 s into the round.
        let started = std::time::Instant::now();
        let target = acked_before + 20;
        while acked_devices.lock().unwrap().len() < target
            && started.elapsed() < Duration::from_secs(10)
        {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
        server.child.kill().unwrap(); // SIGKILL
        server.child.wait().unwrap();
        for t in tasks {
            t.await.unwrap();
        }
    }
    // The database opens again and holds everything that was acknowledged.
    let server = Server::start(dir, db, &flags);
    let devices = acked_devices.lock().unwrap().clone();
    let uploaded = acked_uploads.lock().unwrap().clone();
    assert!(
        devices.len() > 50,
        "the load was real: {} registrations",
        devices.len()
    );
    // Seeder::connect installs sqlx's drivers; this test must not rely on another test having
    // done so first (it failed when run alone).
    let pool = Seeder::connect(db).await.pool;
    let stored: HashSet<String> =
        sqlx::query_scalar("SELECT device_lib_id FROM registrations WHERE serial = $1")
            .bind(serial)
            .fetch_all(&pool)
            .await
            .unwrap()
            .into_iter()
            .collect();
    let lost: Vec<&String> = devices.iter().filter(|d| !stored.contains(*d)).collect();
    assert!(
        lost.is_empty(),
        "{db}: {} of {} acknowledged registrations lost, e.g. {:?}",
        lost.len(),
        devices.len(),
        &lost[..lost.len().min(5)]
    );
    let passes: HashSet<String> = sqlx::query_scalar("SELECT serial FROM passes")
        .fetch_all(&pool)
        .await
        .unwrap()
        .into_iter()
        .collect();
    for s in &uploaded {
        assert!(passes.contains(s), "{db}: acknowledged upload {s} lost");
    }
    // The counter agrees with the rows after the crashes.
    assert_eq!(server.registrations(serial).await, stored.len() as i64);
    eprintln!(
        "{db}: {} registrations and {} uploads acknowledged over {ROUNDS} kill -9 rounds; none lost",
        devices.len(),
        uploaded.len()
    );
}

/// Status of a registration, or None once the server is gone.
async fn try_register(d: &Device, serial: &str, token: &str) -> Option<u16> {
    d.http
        .post(format!(
            "{}/v1/devices/{}/registrations/{PASS_TYPE}/{serial}",
            d.service, d.id
        ))
        .header("authorization", format!("ApplePass {token}"))
        .json(&passmith_api::RegisterRequest {
            push_token: d.push_token.clone(),
        })
        .send()
        .await
        .ok()
        .map(|r| r.status().as_u16())
}
