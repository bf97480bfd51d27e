//! Update tags under concurrency: two writers and one reader never lose an update, and two
//! server processes sharing one PostgreSQL database send each push once and miss nothing.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::util::fake_apns::FakeApns;
use crate::util::*;

const SERIALS_PER_WRITER: usize = 12;
const VERSIONS: u32 = 4;

/// The reader follows passesUpdatedSince like Wallet does and re-downloads what it is told
/// changed. At the end it must hold the last version of every pass: a tag that skipped over a
/// later-committing change would leave an old copy behind forever.
async fn writers_and_reader(write_bases: [String; 2], read_service: String) {
    let serials: Vec<Vec<String>> = (0..2)
        .map(|w| {
            (0..SERIALS_PER_WRITER)
                .map(|i| format!("W{w}-{i}"))
                .collect()
        })
        .collect();
    // Pre-sign every version so the writers only race on the server.
    let mut versions: HashMap<(String, u32), Vec<u8>> = HashMap::new();
    for s in serials.iter().flatten() {
        for v in 1..=VERSIONS {
            versions.insert((s.clone(), v), make_pkpass(s, v, &read_service));
        }
    }
    let versions = Arc::new(versions);
    let upload = |base: String, bytes: Vec<u8>| async move {
        let r = client()
            .put(format!("{base}/api/v1/passes"))
            .bearer_auth(API_KEY)
            .body(bytes)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        assert!(status == 200 || status == 201, "upload: {status}");
    };
    for (w, list) in serials.iter().enumerate() {
        for s in list {
            upload(write_bases[w].clone(), versions[&(s.clone(), 1)].clone()).await;
        }
    }
    let reader = Device::new(&read_service, "reader", "0123abcd");
    for s in serials.iter().flatten() {
        assert_eq!(reader.register(s, &token_for(s)).await, 201);
    }
    let (_, all, tag) = reader.list(None).await;
    assert_eq!(all.len(), 2 * SERIALS_PER_WRITER);
    let mut tag = tag.unwrap();
    let mut held: HashMap<String, Vec<u8>> = HashMap::new();

    let done = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for (w, list) in serials.iter().enumerate() {
        let list = list.clone();
        let base = write_bases[w].clone();
        let versions = versions.clone();
        writers.push(tokio::spawn(async move {
            for v in 2..=VERSIONS {
                for s in &list {
                    let r = client()
                        .put(format!("{base}/api/v1/passes"))
                        .bearer_auth(API_KEY)
                        .body(versions[&(s.clone(), v)].clone())
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(r.status().as_u16(), 200);
                }
            }
        }));
    }
    let watcher = {
        let done = done.clone();
        tokio::spawn(async move {
            for w in writers {
                w.await.unwrap();
            }
            done.store(true, Ordering::SeqCst);
        })
    };
    let mut rounds = 0;
    loop {
        let finished = done.load(Ordering::SeqCst);
        let (status, changed, new_tag) = reader.list(Some(&tag)).await;
        if status == 200 {
            for s in &changed {
                let got = reader.get_pass(s, &token_for(s), None).await;
                assert_eq!(got.status, 200);
                held.insert(s.clone(), got.body);
            }
            let new_tag = new_tag.unwrap();
            assert!(
                new_tag.parse::<i64>().unwrap() > tag.parse::<i64>().unwrap(),
                "tags only move forward"
            );
            tag = new_tag;
        } else {
            assert_eq!(status, 204);
        }
        rounds += 1;
        if finished {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    watcher.await.unwrap();
    // One more round after everything committed (the loop above may have ended mid-way).
    let (status, changed, _) = reader.list(Some(&tag)).await;
    if status == 200 {
        for s in &changed {
            held.insert(
                s.clone(),
                reader.get_pass(s, &token_for(s), None).await.body,
            );
        }
    }
    assert!(rounds > 1, "the reader polled while writers were running");
    for s in serials.iter().flatten() {
        let last = &versions[&(s.clone(), VERSIONS)];
        assert!(
            held.get(s) == Some(last),
            "{s}: the reader missed its last update"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_writers_one_reader_never_miss_an_update() {
    let dir = tempfile::tempdir().unwrap();
    for db in databases(dir.path()).await {
        let server = Server::start(dir.path(), &db, &[]);
        let base = server.base.clone();
        writers_and_reader([base.clone(), base.clone()], base).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_server_processes_share_one_postgres_database() {
    let Some(db) = postgres_db().await else {
        eprintln!("PASSMITH_TEST_POSTGRES_URL not set: two-process PostgreSQL test skipped");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let apns = FakeApns::start(dir.path()).await;
    let args = apns.server_args();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let a = Server::start(dir.path(), &db, &args);
    let b = Server::start(dir.path(), &db, &args);

    // Writers on both processes, the reader on the other one: nothing is missed.
    writers_and_reader([a.base.clone(), b.base.clone()], b.base.clone()).await;
    writers_and_reader_cleanup(&a).await;

    // Pushes: 60 phones registered through either process; an update queued through A is
    // sent exactly once per token even though both processes run a push worker.
    let serial = "SHARED-1";
    assert_eq!(a.upload(make_pkpass(serial, 1, &a.base)).await.0, 201);
    let phones = |apns: &FakeApns| {
        apns.pushes()
            .iter()
            .filter(|p| p.token.len() == 8 && p.token != "0123abcd")
            .count()
    };
    for i in 0..60 {
        let via = if i % 2 == 0 { &a } else { &b };
        let phone = Device::new(&via.base, &format!("lib-{i}"), &format!("{i:08x}"));
        assert_eq!(phone.register(serial, &token_for(serial)).await, 201);
    }
    for round in 2..=4 {
        let via = if round % 2 == 0 { &a } else { &b };
        assert_eq!(via.upload(make_pkpass(serial, round, &a.base)).await.0, 200);
        let expected = 60 * (round as usize - 1);
        assert!(
            eventually(20, || async { phones(&apns) >= expected }).await,
            "round {round}: {} of {expected}",
            phones(&apns)
        );
        tokio::time::sleep(Duration::from_millis(800)).await;
        assert_eq!(
            phones(&apns),
            expected,
            "round {round}: each token pushed exactly once"
        );
        for i in 0..60 {
            assert_eq!(apns.count_for(&format!("{i:08x}")), round as usize - 1);
        }
    }
}

async fn writers_and_reader_cleanup(server: &Server) {
    // The reader's registrations would otherwise receive pushes in the next part.
    for s in server.list_serials().await {
        let r = client()
            .delete(server.url(&format!("/api/v1/passes/{PASS_TYPE}/{s}")))
            .bearer_auth(API_KEY)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
    }
}
