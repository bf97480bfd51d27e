//! A fake APNs for tests and benches: HTTP/2 over TLS on 127.0.0.1 with a server certificate
//! made on the spot, that only accepts clients whose certificate chains to the test WWDR CA.
//! It records every push and answers per token as scripted (200 by default).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::{TokioExecutor, TokioIo};
use openssl::asn1::Asn1Time;
use openssl::bn::{BigNum, MsbOption};
use openssl::ec::{EcGroup, EcKey};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::PKey;
use openssl::ssl::{AlpnError, Ssl, SslAcceptor, SslMethod, SslVerifyMode};
use openssl::x509::extension::SubjectAlternativeName;
use openssl::x509::{X509, X509NameBuilder};

/// One push as the fake saw it.
#[derive(Debug, Clone)]
pub struct Push {
    pub token: String,
    pub topic: Option<String>,
    pub push_type: Option<String>,
    pub priority: Option<String>,
    pub body: Vec<u8>,
    /// Subject CN of the verified client certificate.
    pub client_cn: Option<String>,
    pub http2: bool,
}

/// Scripted answer for a token: a list consumed in order, then 200.
pub type Script = Vec<(u16, String)>;

#[derive(Default)]
struct Shared {
    pushes: Vec<Push>,
    scripts: HashMap<String, Script>,
    /// Answer every push with this, when set.
    all: Option<(u16, String)>,
    /// TLS connections accepted.
    connections: usize,
    /// Most streams one connection had open at once.
    max_in_flight: usize,
}

/// How the fake behaves on the wire.
#[derive(Debug, Clone, Copy)]
pub struct Wire {
    /// SETTINGS_MAX_CONCURRENT_STREAMS it announces.
    pub max_streams: u32,
    /// Time it takes to answer each push (so that concurrency shows).
    pub delay: std::time::Duration,
}

impl Default for Wire {
    fn default() -> Wire {
        Wire {
            max_streams: 1000,
            delay: std::time::Duration::ZERO,
        }
    }
}

pub struct FakeApns {
    pub url: String,
    /// PEM of the server certificate, to pass as --apns-ca.
    pub ca_file: PathBuf,
    shared: Arc<Mutex<Shared>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeApns {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn server_cert() -> (X509, PKey<openssl::pkey::Private>) {
    let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap();
    let key = PKey::from_ec_key(EcKey::generate(&group).unwrap()).unwrap();
    let mut name = X509NameBuilder::new().unwrap();
    name.append_entry_by_text("CN", "fake-apns.test").unwrap();
    let name = name.build();
    let mut b = X509::builder().unwrap();
    b.set_version(2).unwrap();
    let mut serial = BigNum::new().unwrap();
    serial.rand(64, MsbOption::MAYBE_ZERO, false).unwrap();
    b.set_serial_number(&serial.to_asn1_integer().unwrap())
        .unwrap();
    b.set_subject_name(&name).unwrap();
    b.set_issuer_name(&name).unwrap();
    b.set_pubkey(&key).unwrap();
    b.set_not_before(&Asn1Time::days_from_now(0).unwrap())
        .unwrap();
    b.set_not_after(&Asn1Time::days_from_now(1).unwrap())
        .unwrap();
    let san = SubjectAlternativeName::new()
        .ip("127.0.0.1")
        .dns("localhost")
        .build(&b.x509v3_context(None, None))
        .unwrap();
    b.append_extension(san).unwrap();
    b.sign(&key, MessageDigest::sha256()).unwrap();
    (b.build(), key)
}

impl FakeApns {
    /// Starts on 127.0.0.1 with an ephemeral port; `dir` receives the CA file.
    pub async fn start(dir: &Path) -> FakeApns {
        FakeApns::start_with(dir, Wire::default()).await
    }

    /// Like [`FakeApns::start`], with a stream limit and an answer delay.
    pub async fn start_with(dir: &Path, wire: Wire) -> FakeApns {
        let (cert, key) = server_cert();
        let ca_file = dir.join("fake-apns-ca.pem");
        std::fs::write(&ca_file, cert.to_pem().unwrap()).unwrap();
        let mut acc = SslAcceptor::mozilla_intermediate_v5(SslMethod::tls_server()).unwrap();
        acc.set_private_key(&key).unwrap();
        acc.set_certificate(&cert).unwrap();
        acc.set_ca_file(super::fixtures().join("certs/test-wwdr-ca.pem"))
            .unwrap();
        acc.set_verify(SslVerifyMode::PEER | SslVerifyMode::FAIL_IF_NO_PEER_CERT);
        acc.set_alpn_select_callback(|_, client| {
            openssl::ssl::select_next_proto(b"\x02h2", client).ok_or(AlpnError::NOACK)
        });
        let acceptor = Arc::new(acc.build());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!(
            "https://127.0.0.1:{}",
            listener.local_addr().unwrap().port()
        );
        let shared = Arc::new(Mutex::new(Shared::default()));
        let sh = shared.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((tcp, _)) = listener.accept().await else {
                    continue;
                };
                let acceptor = acceptor.clone();
                let sh = sh.clone();
                tokio::spawn(async move {
                    let ssl = Ssl::new(acceptor.context()).unwrap();
                    let mut tls = tokio_openssl::SslStream::new(ssl, tcp).unwrap();
                    if Pin::new(&mut tls).accept().await.is_err() {
                        // Client without an acceptable certificate: handshake refused.
                        return;
                    }
                    sh.lock().unwrap().connections += 1;
                    let in_flight = Arc::new(std::sync::atomic::AtomicUsize::new(0));
                    let client_cn = tls.ssl().peer_certificate().and_then(|c| {
                        c.subject_name()
                            .entries_by_nid(Nid::COMMONNAME)
                            .next()
                            .and_then(|e| e.data().to_string().ok())
                    });
                    let svc = service_fn(move |req: Request<Incoming>| {
                        let sh = sh.clone();
                        let client_cn = client_cn.clone();
                        let in_flight = in_flight.clone();
                        async move {
                            let now =
                                in_flight.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
                            {
                                let mut s = sh.lock().unwrap();
                                s.max_in_flight = s.max_in_flight.max(now);
                            }
                            if !wire.delay.is_zero() {
                                tokio::time::sleep(wire.delay).await;
                            }
                            let http2 = req.version() == hyper::Version::HTTP_2;
                            let header = |n: &str| {
                                req.headers()
                                    .get(n)
                                    .and_then(|v| v.to_str().ok())
                                    .map(str::to_owned)
                            };
                            let topic = header("apns-topic");
                            let push_type = header("apns-push-type");
                            let priority = header("apns-priority");
                            let token = req
                                .uri()
                                .path()
                                .strip_prefix("/3/device/")
                                .unwrap_or("")
                                .to_owned();
                            let body = req
                                .into_body()
                                .collect()
                                .await
                                .map(|b| b.to_bytes().to_vec())
                                .unwrap_or_default();
                            let (status, reply) = {
                                let mut s = sh.lock().unwrap();
                                s.pushes.push(Push {
                                    token: token.clone(),
                                    topic,
                                    push_type,
                                    priority,
                                    body,
                                    client_cn,
                                    http2,
                                });
                                match s.all.clone() {
                                    Some(a) => a,
                                    None => match s.scripts.get_mut(&token) {
                                        Some(list) if !list.is_empty() => list.remove(0),
                                        _ => (200, String::new()),
                                    },
                                }
                            };
                            in_flight.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
                            Ok::<_, std::convert::Infallible>(
                                Response::builder()
                                    .status(status)
                                    .header("apns-id", "00000000-0000-0000-0000-000000000000")
                                    .body(Full::new(Bytes::from(reply)))
                                    .unwrap(),
                            )
                        }
                    });
                    let _ = hyper::server::conn::http2::Builder::new(TokioExecutor::new())
                        .max_concurrent_streams(wire.max_streams)
                        .serve_connection(TokioIo::new(tls), svc)
                        .await;
                });
            }
        });
        FakeApns {
            url,
            ca_file,
            shared,
            task,
        }
    }

    /// Server flags pointing at this fake with the test Pass Type ID certificate.
    pub fn server_args(&self) -> Vec<String> {
        let certs = super::fixtures().join("certs");
        let pw = self.ca_file.with_file_name("apns-password");
        std::fs::write(&pw, "test-password\n").unwrap();
        vec![
            "--apns-cert".into(),
            certs.join("test-pass.p12").display().to_string(),
            "--apns-password-file".into(),
            pw.display().to_string(),
            "--apns-url".into(),
            self.url.clone(),
            "--apns-ca".into(),
            self.ca_file.display().to_string(),
        ]
    }

    pub fn pushes(&self) -> Vec<Push> {
        self.shared.lock().unwrap().pushes.clone()
    }

    pub fn count(&self) -> usize {
        self.shared.lock().unwrap().pushes.len()
    }

    pub fn count_for(&self, token: &str) -> usize {
        self.shared
            .lock()
            .unwrap()
            .pushes
            .iter()
            .filter(|p| p.token == token)
            .count()
    }

    pub fn script(&self, token: &str, replies: Script) {
        self.shared
            .lock()
            .unwrap()
            .scripts
            .insert(token.to_owned(), replies);
    }

    /// TLS connections the sender opened.
    pub fn connections(&self) -> usize {
        self.shared.lock().unwrap().connections
    }

    /// Most streams one connection had open at the same time.
    pub fn max_in_flight(&self) -> usize {
        self.shared.lock().unwrap().max_in_flight
    }

    pub fn answer_all(&self, reply: Option<(u16, String)>) {
        self.shared.lock().unwrap().all = reply;
    }
}
