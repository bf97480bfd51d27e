//! The PassKit web service (device registration, updates) and APNs push, as a library so the
//! binary, the tests and the benches start exactly the same server.
//!
//! Layout: [`web`] answers Wallet, [`api`] answers the designer and scripts, [`db`] owns every
//! query (SQLite or PostgreSQL), [`worker`] drains the push outbox through an
//! [`apns::PushSender`], and with `--google-key` [`google_worker`] drains the Google outbox
//! through a [`google::GoogleClient`].

pub mod api;
pub mod apns;
pub mod auth;
pub mod cache;
pub mod config;
pub mod db;
pub mod error;
pub mod extract;
pub mod google;
pub mod google_worker;
pub mod logging;
pub mod metrics;
pub mod pkpass;
pub mod ratelimit;
pub mod share;
pub mod web;
pub mod worker;

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::sync::{Notify, Semaphore, watch};

pub use config::{Args, Config};

/// Everything a request handler needs.
#[derive(Clone)]
pub struct AppState {
    pub db: Arc<db::Db>,
    pub metrics: Arc<metrics::Metrics>,
    pub limits: Arc<ratelimit::Limits>,
    pub upload_slots: Arc<Semaphore>,
    pub pass_cache: Arc<cache::PassCache>,
    pub wake_worker: Arc<Notify>,
    pub api_key_hash: Option<String>,
    /// `--max-registrations-per-pass`.
    pub max_registrations: u64,
    /// True once shutdown has begun (`/readyz` then fails so load balancers move on).
    pub stopping: watch::Receiver<bool>,
    /// `--public-url`, the base of download links; None: taken from each request.
    pub public_url: Option<String>,
    /// Download pages' documents and previews, per pass version.
    pub page_cache: Arc<share::PageCache>,
    /// Wakes the Google worker; None without `--google-key` (nothing is sent to Google).
    pub wake_google: Option<Arc<Notify>>,
}

const OPENAPI: &str = include_str!("openapi.json");

/// The whole HTTP application.
pub fn app(state: AppState, config: &Config) -> Router {
    let service = web::router(state.clone());
    let service = if config.path_prefix.is_empty() {
        service
    } else {
        Router::new().nest(&config.path_prefix, service)
    };
    let ops = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics_text))
        .route(
            "/openapi.json",
            get(|| async {
                (
                    [(
                        header::CONTENT_TYPE,
                        HeaderValue::from_static("application/json"),
                    )],
                    OPENAPI,
                )
            }),
        )
        .with_state(state.clone());
    Router::new()
        .merge(service)
        .merge(api::router(state.clone(), config.max_pass_bytes))
        .merge(share::router(state.clone()))
        .merge(ops)
        .layer(middleware::from_fn_with_state(state, log_requests))
}

/// How long /healthz and /readyz wait for their test write before calling the database stuck.
const HEALTH_WRITE_TIMEOUT: Duration = Duration::from_secs(2);

async fn write_check(state: &AppState) -> Result<(), String> {
    match tokio::time::timeout(HEALTH_WRITE_TIMEOUT, state.db.check_writable()).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err(format!(
            "a test write did not finish within {} s (database locked or stuck)",
            HEALTH_WRITE_TIMEOUT.as_secs()
        )),
    }
}

/// 200 while the database can be written; 503 with the cause otherwise.
async fn healthz(State(state): State<AppState>) -> Response {
    match write_check(&state).await {
        Ok(()) => (StatusCode::OK, "ok\n").into_response(),
        Err(e) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("database not writable: {e}\n"),
        )
            .into_response(),
    }
}

/// Like /healthz, and also 503 once shutdown has begun.
async fn readyz(State(state): State<AppState>) -> Response {
    if *state.stopping.borrow() {
        return (StatusCode::SERVICE_UNAVAILABLE, "shutting down\n").into_response();
    }
    healthz(State(state)).await
}

async fn metrics_text(State(state): State<AppState>) -> Response {
    let outbox = state.db.outbox_len().await.ok();
    let google = match state.wake_google {
        Some(_) => state.db.google_pending().await.ok(),
        None => None,
    };
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4"),
        )],
        state.metrics.render(outbox, google),
    )
        .into_response()
}

/// One log line per request: method, route template, status, time. Headers (Authorization
/// above all) are never logged.
async fn log_requests(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let resp = next.run(req).await;
    let status = resp.status().as_u16();
    state.metrics.request(&route, status);
    // Debug level: at info a busy server would write a line per request.
    tracing::debug!(%method, %route, status, ms = started.elapsed().as_millis() as u64, "request");
    resp
}

/// Errors that stop the server from starting.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Db(#[from] db::DbError),
    #[error(transparent)]
    Apns(#[from] apns::ApnsSetupError),
    #[error(transparent)]
    Google(#[from] google::GoogleSetupError),
    #[error("could not read {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("could not listen on {addr}: {source}")]
    Listen {
        addr: String,
        #[source]
        source: std::io::Error,
    },
}

/// A started server: its address, the task serving it, and the handle that stops it.
pub struct Running {
    pub addr: std::net::SocketAddr,
    pub db: Arc<db::Db>,
    /// Ends when the server has stopped (after [`Running::shutdown`], once in-flight requests
    /// finished).
    pub serve: tokio::task::JoinHandle<std::io::Result<()>>,
    /// Ends when the push worker has recorded its last batch and returned its leases.
    pub worker: tokio::task::JoinHandle<()>,
    /// The Google worker (with `--google-key`): ends like `worker`.
    pub google_worker: Option<tokio::task::JoinHandle<()>>,
    stop: watch::Sender<bool>,
}

impl Running {
    /// Stops accepting connections, lets in-flight requests finish and tells the push worker to
    /// stop after its current sends. Await `serve` and `worker` to know when that is done.
    pub fn shutdown(&self) {
        let _ = self.stop.send(true);
    }
}

/// Resolves once [`Running::shutdown`] was called. Dropping the [`Running`] without calling it
/// does not stop the server (callers that only keep the address rely on that).
pub async fn stop_requested(rx: &mut watch::Receiver<bool>) {
    if rx.wait_for(|s| *s).await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// Opens the database, starts the push worker and serves HTTP until [`Running::shutdown`].
pub async fn start(config: Config) -> Result<Running, StartError> {
    let db = Arc::new(db::Db::open(&config.db, config.durability).await?);
    let metrics = Arc::new(metrics::Metrics::default());
    let wake = Arc::new(Notify::new());
    let (stop, stopping) = watch::channel(false);
    let poll = Duration::from_millis(config.outbox_poll_ms.max(10));
    let (wake_google, google_worker) = match &config.google {
        Some(g) => {
            let client = google::GoogleClient::new(g)?;
            tracing::info!(service_account = %client.client_email(), issuer_id = %g.issuer_id, api = %g.api_base,
                "Google Wallet sync on: changed passes also patch their Google object");
            let wake = Arc::new(Notify::new());
            let settings = google_worker::Settings {
                db: db.clone(),
                metrics: metrics.clone(),
                wake: wake.clone(),
                poll,
                issuer_id: g.issuer_id.clone(),
                stopping: stopping.clone(),
            };
            (
                Some(wake),
                Some(tokio::spawn(google_worker::run(settings, client))),
            )
        }
        None => {
            tracing::info!("no --google-key: passes are not sent to Google Wallet");
            (None, None)
        }
    };
    let limits = Arc::new(ratelimit::Limits::new(
        ratelimit::LimitSettings {
            device: config.rate_limit,
            register_per_pass: config.register_rate_limit,
            auth_failures: config.auth_fail_limit,
            share_per_link: config.share_rate_limit,
        },
        metrics.clone(),
    ));
    let state = AppState {
        db: db.clone(),
        metrics: metrics.clone(),
        limits,
        upload_slots: api::UploadSlot::pool(config.max_concurrent_uploads),
        pass_cache: Arc::default(),
        wake_worker: wake.clone(),
        api_key_hash: config.api_key.as_deref().map(auth::hash_secret),
        max_registrations: config.max_registrations_per_pass,
        stopping: stopping.clone(),
        public_url: config.public_url.clone(),
        page_cache: Arc::default(),
        wake_google,
    };
    if config.public_url.is_none() {
        tracing::warn!(
            "no --public-url: download links (shareUrl) are built from each request's Host header; set it when clients reach the server through a proxy or by another name"
        );
    }
    if config.api_key.is_none() {
        tracing::warn!("no --api-key-file: the management API (/api/v1) refuses every request");
    }
    let settings = worker::Settings {
        db: db.clone(),
        metrics: metrics.clone(),
        wake: wake.clone(),
        concurrency: config.push_concurrency,
        poll,
        stopping: stopping.clone(),
    };
    let worker = match &config.apns_cert {
        Some(path) => {
            let read = |p: &std::path::Path| {
                std::fs::read(p).map_err(|source| StartError::Read {
                    path: p.display().to_string(),
                    source,
                })
            };
            let der = read(path)?;
            let ca = match &config.apns_ca {
                Some(p) => Some((p.display().to_string(), read(p)?)),
                None => None,
            };
            let sender = apns::ApnsSender::new(
                &path.display().to_string(),
                &der,
                &config.apns_password,
                &config.apns_url,
                ca.as_ref().map(|(p, b)| (p.as_str(), b.as_slice())),
                config.apns_connections,
            )?;
            tokio::spawn(worker::run(settings, sender))
        }
        None => {
            tracing::warn!(
                "no --apns-cert: pass updates are stored but devices are not notified; queued pushes are counted as skipped (passmith_pushes_skipped_total)"
            );
            tokio::spawn(worker::run(settings, apns::NoSender))
        }
    };
    let listener = tokio::net::TcpListener::bind(&config.listen)
        .await
        .map_err(|source| StartError::Listen {
            addr: config.listen.clone(),
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| StartError::Listen {
        addr: config.listen.clone(),
        source,
    })?;
    let router = app(state, &config);
    let mut stopped = stopping;
    let serve = tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .with_graceful_shutdown(async move { stop_requested(&mut stopped).await })
        .await
    });
    Ok(Running {
        addr,
        db,
        serve,
        worker,
        google_worker,
        stop,
    })
}
