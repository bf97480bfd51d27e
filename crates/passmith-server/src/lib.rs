//! The PassKit web service (device registration, updates) and APNs push, as a library so the
//! binary, the tests and the benches start exactly the same server.
//!
//! Layout: [`web`] answers Wallet, [`api`] answers the designer and scripts, [`db`] owns every
//! query (SQLite or PostgreSQL), [`worker`] drains the push outbox through an
//! [`apns::PushSender`].

pub mod api;
pub mod apns;
pub mod auth;
pub mod config;
pub mod db;
pub mod metrics;
pub mod pkpass;
pub mod ratelimit;
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
use tokio::sync::Notify;

pub use config::{Args, Config};

/// Everything a request handler needs.
#[derive(Clone)]
pub struct AppState {
    pub db: Arc<db::Db>,
    pub metrics: Arc<metrics::Metrics>,
    pub limiter: Arc<ratelimit::Limiter>,
    pub wake_worker: Arc<Notify>,
    pub api_key_hash: Option<String>,
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
        .merge(ops)
        .layer(middleware::from_fn_with_state(state, log_requests))
}

async fn healthz(State(state): State<AppState>) -> Response {
    match state.db.ping().await {
        Ok(()) => (StatusCode::OK, "ok\n").into_response(),
        Err(e) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("database unavailable: {e}\n"),
        )
            .into_response(),
    }
}

async fn metrics_text(State(state): State<AppState>) -> Response {
    let outbox = state.db.outbox_len().await.ok();
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4"),
        )],
        state.metrics.render(outbox),
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
    tracing::info!(%method, %route, status, ms = started.elapsed().as_millis() as u64, "request");
    resp
}

/// Errors that stop the server from starting.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Db(#[from] db::DbError),
    #[error(transparent)]
    Apns(#[from] apns::ApnsSetupError),
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

/// A started server: its address, and the task serving it.
pub struct Running {
    pub addr: std::net::SocketAddr,
    pub db: Arc<db::Db>,
    pub serve: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// Opens the database, starts the push worker and serves HTTP until the task is dropped.
pub async fn start(config: Config) -> Result<Running, StartError> {
    let db = Arc::new(db::Db::connect(&config.db).await?);
    let metrics = Arc::new(metrics::Metrics::default());
    let wake = Arc::new(Notify::new());
    let state = AppState {
        db: db.clone(),
        metrics: metrics.clone(),
        limiter: Arc::new(ratelimit::Limiter::new(config.rate_limit)),
        wake_worker: wake.clone(),
        api_key_hash: config.api_key.as_deref().map(auth::hash_secret),
    };
    if config.api_key.is_none() {
        tracing::warn!("no --api-key-file: the management API (/api/v1) refuses every request");
    }
    let poll = Duration::from_millis(config.outbox_poll_ms.max(10));
    match &config.apns_cert {
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
            )?;
            spawn_worker(sender, &db, &metrics, &wake, config.push_concurrency, poll);
        }
        None => {
            tracing::warn!("no --apns-cert: pass updates are stored but devices are not notified");
            spawn_worker(apns::NoSender, &db, &metrics, &wake, 1, poll);
        }
    }
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
    let serve = tokio::spawn(async move { axum::serve(listener, router).await });
    Ok(Running { addr, db, serve })
}

fn spawn_worker<S: apns::PushSender>(
    sender: S,
    db: &Arc<db::Db>,
    metrics: &Arc<metrics::Metrics>,
    wake: &Arc<Notify>,
    concurrency: usize,
    poll: Duration,
) {
    let w = worker::Worker {
        db: db.clone(),
        sender: Arc::new(sender),
        metrics: metrics.clone(),
        wake: wake.clone(),
        concurrency,
        poll,
    };
    tokio::spawn(w.run());
}
