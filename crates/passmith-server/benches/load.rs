//! Load benchmark: passmith-server next to nginx serving a static "hello", both on 127.0.0.1,
//! measured by wrk in the same run with the same connections. Prints req/s, p50 and p99 for
//! each scenario and the ratio to nginx, then the push fan-out time to the fake APNs.
//!
//! Run it through `scripts/bench-server.sh` (installs wrk and nginx from Debian, then runs
//! `cargo bench -p passmith-server --bench load -- [--seconds 10] [--connections 32]
//! [--registrations 100000] [--db postgres://…]`). Scenarios:
//! 1. list-changed: 2,000 devices with 10 passes each, half the calls with an old tag (200 and
//!    serials), half with the latest (204);
//! 2. register: every request a new device for one pass (201), each answered after its commit;
//! 3. GET pass with 0 registrations, then with 200,000 on the same pass;
//! 4. push fan-out: one pass with N registrations (distinct tokens) is updated; time until the
//!    fake APNs (HTTP/2 + TLS with client certificates) has received every push.
//!
//! Not a criterion bench: these are throughput and latency figures of separate processes under
//! concurrent load, which criterion's per-iteration model does not measure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/util/mod.rs"]
mod common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::fake_apns::FakeApns;
use common::*;

struct Opts {
    seconds: u64,
    connections: usize,
    registrations: i64,
    db: Option<String>,
}

fn opts() -> Opts {
    let mut o = Opts {
        seconds: 10,
        connections: 32,
        registrations: 100_000,
        db: None,
    };
    let args: Vec<String> = std::env::args().collect();
    let mut i = 1;
    while i < args.len() {
        let next = args.get(i + 1).cloned();
        match (args[i].as_str(), next) {
            ("--seconds", Some(v)) => o.seconds = v.parse().unwrap(),
            ("--connections", Some(v)) => o.connections = v.parse().unwrap(),
            ("--registrations", Some(v)) => o.registrations = v.parse().unwrap(),
            ("--db", Some(v)) => o.db = Some(v),
            _ => {
                i += 1;
                continue;
            }
        }
        i += 2;
    }
    o
}

/// One wrk run.
struct Measured {
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    /// Responses that were not 2xx/3xx, plus socket errors.
    bad: u64,
}

fn parse_duration_ms(s: &str) -> f64 {
    let s = s.trim();
    let (num, scale) = if let Some(v) = s.strip_suffix("us") {
        (v, 0.001)
    } else if let Some(v) = s.strip_suffix("ms") {
        (v, 1.0)
    } else if let Some(v) = s.strip_suffix('s') {
        (v, 1000.0)
    } else {
        (s, 1.0)
    };
    num.trim().parse::<f64>().unwrap_or(f64::NAN) * scale
}

fn wrk(url: &str, script: Option<&Path>, headers: &[String], o: &Opts) -> Measured {
    let mut cmd = Command::new("wrk");
    cmd.args([
        "-t2",
        &format!("-c{}", o.connections),
        &format!("-d{}s", o.seconds),
        "--latency",
    ]);
    for h in headers {
        cmd.args(["-H", h]);
    }
    if let Some(s) = script {
        cmd.arg("-s").arg(s);
    }
    let out = cmd
        .arg(url)
        .output()
        .expect("run wrk (scripts/bench-server.sh installs it)");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "wrk failed: {text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let field = |prefix: &str| {
        text.lines()
            .map(str::trim)
            .find_map(|l| l.strip_prefix(prefix).map(|v| v.trim().to_owned()))
    };
    let errors: u64 = field("Socket errors:")
        .map(|v| {
            v.split(',')
                .filter_map(|p| p.split_whitespace().last()?.parse::<u64>().ok())
                .sum()
        })
        .unwrap_or(0);
    Measured {
        rps: field("Requests/sec:")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0.0),
        p50_ms: field("50%")
            .map(|v| parse_duration_ms(&v))
            .unwrap_or(f64::NAN),
        p99_ms: field("99%")
            .map(|v| parse_duration_ms(&v))
            .unwrap_or(f64::NAN),
        bad: field("Non-2xx or 3xx responses:")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
            + errors,
    }
}

/// nginx with its own configuration in `dir`, serving "hello" on a free port of 127.0.0.1.
struct Nginx {
    child: Child,
    url: String,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start_nginx(dir: &Path) -> Nginx {
    let port = free_port();
    let root = dir.join("nginx");
    std::fs::create_dir_all(root.join("www")).unwrap();
    std::fs::write(root.join("www/hello"), "hello\n").unwrap();
    let d = root.display();
    let conf = format!(
        "worker_processes 2;\ndaemon off;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\n\
         events {{ worker_connections 1024; }}\n\
         http {{\n access_log off;\n client_body_temp_path {d}/body;\n proxy_temp_path {d}/proxy;\n\
         fastcgi_temp_path {d}/fastcgi;\n uwsgi_temp_path {d}/uwsgi;\n scgi_temp_path {d}/scgi;\n\
         server {{\n  listen 127.0.0.1:{port};\n  root {d}/www;\n  location / {{ default_type text/plain; try_files /hello =404; }}\n }}\n}}\n"
    );
    std::fs::write(root.join("nginx.conf"), conf).unwrap();
    let child = Command::new("nginx")
        .arg("-c")
        .arg(root.join("nginx.conf"))
        .arg("-p")
        .arg(&root)
        .stdout(Stdio::null())
        .spawn()
        .expect("start nginx (scripts/bench-server.sh installs it)");
    let url = format!("http://127.0.0.1:{port}/hello");
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Nginx { child, url }
}

struct Row {
    name: String,
    server: Measured,
    nginx: Measured,
    goal: &'static str,
}

impl Row {
    /// One workload, side by side: wrk against nginx's static "hello" first, then `server`
    /// (wrk against passmith-server), with the same options.
    fn measure(
        name: impl Into<String>,
        goal: &'static str,
        nginx: &str,
        o: &Opts,
        server: impl FnOnce() -> Measured,
    ) -> Row {
        let nginx = wrk(nginx, None, &[], o);
        Row {
            name: name.into(),
            server: server(),
            nginx,
            goal,
        }
    }
}

fn print_rows(title: &str, rows: &[Row]) {
    println!("\n{title}");
    println!(
        "{:<34} {:>10} {:>8} {:>8} {:>6} | {:>10} {:>8} {:>8} | {:>6}  goal",
        "scenario", "req/s", "p50 ms", "p99 ms", "errors", "nginx r/s", "p50 ms", "p99 ms", "ratio"
    );
    for r in rows {
        println!(
            "{:<34} {:>10.0} {:>8.2} {:>8.2} {:>6} | {:>10.0} {:>8.2} {:>8.2} | {:>6.2}  {}",
            r.name,
            r.server.rps,
            r.server.p50_ms,
            r.server.p99_ms,
            r.server.bad,
            r.nginx.rps,
            r.nginx.p50_ms,
            r.nginx.p99_ms,
            r.server.rps / r.nginx.rps,
            r.goal
        );
    }
}

async fn fresh_database(o: &Opts, dir: &Path) -> String {
    match &o.db {
        Some(base) if base.starts_with("postgres") => {
            sqlx::any::install_default_drivers();
            let pool = sqlx::AnyPool::connect(base).await.unwrap();
            let name = format!("passmith_bench_{}", std::process::id());
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name}"
            )))
            .execute(&pool)
            .await
            .unwrap();
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&pool)
                .await
                .unwrap();
            let (prefix, _) = base.rsplit_once('/').unwrap();
            format!("{prefix}/{name}")
        }
        _ => format!("sqlite://{}", dir.join("bench.db").display()),
    }
}

fn lua(dir: &Path, name: &str, body: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, body).unwrap();
    p
}

#[tokio::main]
async fn main() {
    let o = opts();
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_database(&o, dir.path()).await;
    let backend = if db.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let apns = FakeApns::start(dir.path()).await;
    let mut args = apns.server_args();
    args.extend(
        [
            "--rate-limit",
            "0",
            "--register-rate-limit",
            "0",
            "--auth-fail-limit",
            "0",
        ]
        .map(String::from),
    );
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let server = Server::start(dir.path(), &db, &args);
    let service = server.base.clone();
    let nginx = start_nginx(dir.path());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "passmith-server ({backend}) vs nginx static hello, 127.0.0.1, wrk -t2 -c{} -d{}s, {cores} cores, load average before: {}",
        o.connections,
        o.seconds,
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );

    // --- Seed: 200 passes; 2,000 devices with 10 passes each; a quarter of the passes changed.
    const PASSES: i64 = 200;
    const DEVICES: i64 = 2000;
    for p in 0..PASSES {
        let (status, _) = server
            .upload(make_pkpass(&format!("B-{p}"), 1, &service))
            .await;
        assert_eq!(status, 201);
    }
    let seed = Seeder::connect(&db).await;
    seed.devices_with_passes(DEVICES, 10, "B-", PASSES).await;
    let old_tag = seed.scalar("SELECT v FROM tag_seq").await;
    for p in (0..PASSES).step_by(4) {
        let (status, _) = server
            .upload(make_pkpass(&format!("B-{p}"), 2, &service))
            .await;
        assert_eq!(status, 200);
    }
    wait_outbox_empty(&seed).await;
    let new_tag = seed.scalar("SELECT v FROM tag_seq").await;
    let mut rows = Vec::new();

    let list = lua(
        dir.path(),
        "list.lua",
        &format!(
            "local n = 0\nrequest = function()\n  n = n + 1\n  local d = math.random(0, {})\n  local tag = (n % 2 == 0) and {old_tag} or {new_tag}\n  return wrk.format(\"GET\", \"/v1/devices/dev-\" .. d .. \"/registrations/{PASS_TYPE}?passesUpdatedSince=\" .. tag)\nend\n",
            DEVICES - 1
        ),
    );
    rows.push(Row::measure(
        "list-changed",
        "≥ 0.5 × nginx, p99 ≤ 5 ms",
        &nginx.url,
        &o,
        || wrk(&service, Some(&list), &[], &o),
    ));

    // --- register: a new device per request, all for one pass.
    let reg_serial = "REG-1";
    assert_eq!(
        server.upload(make_pkpass(reg_serial, 1, &service)).await.0,
        201
    );
    let register = lua(
        dir.path(),
        "register.lua",
        &format!(
            "local threads = 0\nfunction setup(thread)\n  thread:set(\"tid\", threads)\n  threads = threads + 1\nend\n\
             local n = 0\nlocal headers = {{}}\nheaders[\"Authorization\"] = \"ApplePass {}\"\nheaders[\"Content-Type\"] = \"application/json\"\n\
             request = function()\n  n = n + 1\n  return wrk.format(\"POST\", \"/v1/devices/w\" .. tid .. \"n\" .. n .. \"/registrations/{PASS_TYPE}/{reg_serial}\", headers, '{{\"pushToken\":\"00aa11bb\"}}')\nend\n",
            token_for(reg_serial)
        ),
    );
    let before = server.registrations(reg_serial).await;
    let mut row = Row::measure("register", "≥ 10,000 req/s", &nginx.url, &o, || {
        wrk(&service, Some(&register), &[], &o)
    });
    let stored = server.registrations(reg_serial).await - before;
    row.name = format!("register ({stored} stored)");
    rows.push(row);

    // --- GET pass with 0, then 200,000 registrations.
    let get_serial = "GET-1";
    assert_eq!(
        server.upload(make_pkpass(get_serial, 1, &service)).await.0,
        201
    );
    let auth = vec![format!(
        "Authorization: ApplePass {}",
        token_for(get_serial)
    )];
    let get_url = format!("{service}/v1/passes/{PASS_TYPE}/{get_serial}");
    for regs in [0i64, 200_000] {
        if regs > 0 {
            seed.bulk_register(get_serial, regs).await;
        }
        assert_eq!(server.registrations(get_serial).await, regs);
        rows.push(Row::measure(
            format!("GET pass, {regs} registrations"),
            "same with 0 and 200,000",
            &nginx.url,
            &o,
            || wrk(&get_url, None, &auth, &o),
        ));
    }
    print_rows(&format!("HTTP ({backend})"), &rows);

    // --- Push fan-out to N distinct tokens of one pass.
    let fan = "FANOUT";
    assert_eq!(server.upload(make_pkpass(fan, 1, &service)).await.0, 201);
    seed.bulk_register(fan, o.registrations).await;
    let before = apns.count();
    let t = Instant::now();
    let (status, body) = server.upload(make_pkpass(fan, 2, &service)).await;
    assert_eq!(status, 200, "{body}");
    let enqueued = t.elapsed();
    let target = before + o.registrations as usize;
    while apns.count() < target {
        assert!(
            t.elapsed() < Duration::from_secs(900),
            "fan-out stalled at {}",
            apns.count() - before
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let secs = t.elapsed().as_secs_f64();
    wait_outbox_empty(&seed).await;
    let pushes = apns.pushes();
    let mut tokens: Vec<&str> = pushes[before..].iter().map(|p| p.token.as_str()).collect();
    tokens.sort_unstable();
    tokens.dedup();
    println!(
        "\npush fan-out ({backend}): {} registrations → {} pushes ({} distinct tokens, over {} HTTP/2 connections) in {:.2} s = {:.0} pushes/s (upload + enqueue {:.2} s); goal ≤ 7 s for 100,000",
        o.registrations,
        pushes.len() - before,
        tokens.len(),
        apns.connections(),
        secs,
        o.registrations as f64 / secs,
        enqueued.as_secs_f64()
    );
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "load average after: {}",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    drop(server);
}

async fn wait_outbox_empty(seed: &Seeder) {
    for _ in 0..12_000 {
        if seed.scalar("SELECT COUNT(*) FROM push_outbox").await == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("outbox did not drain");
}
