//! Server configuration: command-line flags, each also settable as `PASSMITH_SERVER_<FLAG>`,
//! and an optional TOML file (`--config F`, keys named like the flags). Flags and environment
//! win over the file; the file wins over built-in defaults.

use std::path::{Path, PathBuf};

use clap::Parser;
use serde::Deserialize;

/// Apple Wallet pass update server (PassKit web service + APNs push).
#[derive(Debug, Default, Clone, Parser, Deserialize)]
#[command(name = "passmith-server", version, about)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Args {
    /// TOML file with any of the settings below (e.g. `listen = "0.0.0.0:8080"`).
    #[arg(long, env = "PASSMITH_SERVER_CONFIG")]
    #[serde(skip)]
    pub config: Option<PathBuf>,
    /// Address to listen on (plain HTTP; put an HTTPS reverse proxy in front). Default 127.0.0.1:8080.
    #[arg(long, env = "PASSMITH_SERVER_LISTEN")]
    pub listen: Option<String>,
    /// Database: sqlite://passes.db (default) or postgres://user:pass@host/db.
    #[arg(long, env = "PASSMITH_SERVER_DB")]
    pub db: Option<String>,
    /// File holding the management API key (Bearer token for /api/v1).
    #[arg(long, env = "PASSMITH_SERVER_API_KEY_FILE")]
    pub api_key_file: Option<PathBuf>,
    /// Pass Type ID certificate with its key (.p12) for APNs. Without it no pushes are sent.
    #[arg(long, env = "PASSMITH_SERVER_APNS_CERT")]
    pub apns_cert: Option<PathBuf>,
    /// File holding the .p12 password (empty password when absent).
    #[arg(long, env = "PASSMITH_SERVER_APNS_PASSWORD_FILE")]
    pub apns_password_file: Option<PathBuf>,
    /// APNs base URL. Default https://api.push.apple.com (pass updates are production-only).
    #[arg(long, env = "PASSMITH_SERVER_APNS_URL")]
    pub apns_url: Option<String>,
    /// Extra CA certificate (PEM) to trust for APNs; for tests against a local fake.
    #[arg(long, env = "PASSMITH_SERVER_APNS_CA")]
    pub apns_ca: Option<PathBuf>,
    /// Path prefix of the web service, matching the passes' webServiceURL path. Default /.
    #[arg(long, env = "PASSMITH_SERVER_PATH_PREFIX")]
    pub path_prefix: Option<String>,
    /// HTTP/2 connections to APNs; pushes are spread over them. Default 4.
    #[arg(long, env = "PASSMITH_SERVER_APNS_CONNECTIONS")]
    pub apns_connections: Option<usize>,
    /// Pushes in flight at once, over all connections. Default 1000.
    #[arg(long, env = "PASSMITH_SERVER_PUSH_CONCURRENCY")]
    pub push_concurrency: Option<usize>,
    /// How often the push worker looks for work queued by other server processes (ms). Default 1000.
    #[arg(long, env = "PASSMITH_SERVER_OUTBOX_POLL_MS")]
    pub outbox_poll_ms: Option<u64>,
    /// Authenticated device requests allowed per minute: per device library ID for register,
    /// unregister and list, per pass for fetching a pass; 0 = off. Default 600.
    #[arg(long, env = "PASSMITH_SERVER_RATE_LIMIT")]
    pub rate_limit: Option<u32>,
    /// Registrations (new or refreshed) allowed per minute per pass; 0 = off. Default 600.
    #[arg(long, env = "PASSMITH_SERVER_REGISTER_RATE_LIMIT")]
    pub register_rate_limit: Option<u32>,
    /// Failed authentications (wrong ApplePass token) allowed per minute per client address
    /// (ten times as many per pass) before they get 429; they never count against the limits
    /// of devices with the right token; 0 = off. Default 60.
    #[arg(long, env = "PASSMITH_SERVER_AUTH_FAIL_LIMIT")]
    pub auth_fail_limit: Option<u32>,
    /// Most devices one pass may have registered; more get 403. Default 1000000.
    #[arg(long, env = "PASSMITH_SERVER_MAX_REGISTRATIONS_PER_PASS")]
    pub max_registrations_per_pass: Option<u64>,
    /// Uploads read and checked at once (each may hold --max-pass-bytes in memory). Default 4.
    #[arg(long, env = "PASSMITH_SERVER_MAX_CONCURRENT_UPLOADS")]
    pub max_concurrent_uploads: Option<usize>,
    /// SQLite durability: `normal` (default) survives a crash of the process but may lose the
    /// last commits on power loss; `full` syncs every commit to disk (slower writes).
    #[arg(long, env = "PASSMITH_SERVER_DURABILITY", value_enum)]
    pub durability: Option<crate::db::Durability>,
    /// Log as `text` (default) or `json` (one object per line).
    #[arg(long, env = "PASSMITH_SERVER_LOG_FORMAT", value_enum)]
    pub log_format: Option<crate::logging::LogFormat>,
    /// Seconds to let in-flight requests and pushes finish after SIGTERM/Ctrl-C. Default 10.
    #[arg(long, env = "PASSMITH_SERVER_SHUTDOWN_TIMEOUT")]
    pub shutdown_timeout: Option<u64>,
    /// Largest .pkpass accepted by the management API, in bytes. Default 10485760 (10 MB).
    #[arg(long, env = "PASSMITH_SERVER_MAX_PASS_BYTES")]
    pub max_pass_bytes: Option<usize>,
    /// Public base URL of this server as customers reach it (e.g. https://passes.example.com),
    /// used to build download links (`<public-url>/p/<id>`) and their QR codes. Without it the
    /// links are built from the request's Host header (and X-Forwarded-Proto), which is only
    /// right when clients reach the server directly: set it in production.
    #[arg(long, env = "PASSMITH_SERVER_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Requests allowed per minute per download link (`/p/<id>…`: file, page and its pictures
    /// together); 0 = off. Default 600.
    #[arg(long, env = "PASSMITH_SERVER_SHARE_RATE_LIMIT")]
    pub share_rate_limit: Option<u32>,
    /// Google service-account key (JSON, as Google Cloud downloads it). With it, every changed
    /// pass also patches its Google Wallet object; without it nothing is sent to Google.
    #[arg(long, env = "PASSMITH_SERVER_GOOGLE_KEY")]
    pub google_key: Option<PathBuf>,
    /// Google Wallet issuer ID (digits, from the Google Pay & Wallet Console); needed with
    /// --google-key.
    #[arg(long, env = "PASSMITH_SERVER_GOOGLE_ISSUER_ID")]
    pub google_issuer_id: Option<String>,
    /// Google Wallet REST API base URL. Default https://walletobjects.googleapis.com/walletobjects/v1.
    #[arg(long, env = "PASSMITH_SERVER_GOOGLE_API_BASE")]
    pub google_api_base: Option<String>,
    /// OAuth2 token endpoint. Default: the key file's token_uri (Google's).
    #[arg(long, env = "PASSMITH_SERVER_GOOGLE_TOKEN_URL")]
    pub google_token_url: Option<String>,
}

/// Google Wallet sync settings (present when `--google-key` is given).
#[derive(Debug, Clone)]
pub struct GoogleConfig {
    pub key: PathBuf,
    pub issuer_id: String,
    /// Without a trailing slash.
    pub api_base: String,
    /// None: the key file's `token_uri`.
    pub token_url: Option<String>,
}

/// Google's Wallet REST API.
pub const GOOGLE_API_BASE: &str = "https://walletobjects.googleapis.com/walletobjects/v1";

/// Settings after merging flags, environment, file and defaults.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: String,
    pub db: String,
    pub api_key: Option<String>,
    pub apns_cert: Option<PathBuf>,
    pub apns_password: String,
    pub apns_url: String,
    pub apns_ca: Option<PathBuf>,
    pub path_prefix: String,
    pub push_concurrency: usize,
    pub apns_connections: usize,
    pub outbox_poll_ms: u64,
    pub rate_limit: u32,
    pub register_rate_limit: u32,
    pub auth_fail_limit: u32,
    pub max_registrations_per_pass: u64,
    pub max_concurrent_uploads: usize,
    pub durability: crate::db::Durability,
    pub log_format: crate::logging::LogFormat,
    pub shutdown_timeout_secs: u64,
    pub max_pass_bytes: usize,
    /// `--public-url` without a trailing slash; None: from the request (see [`Args::public_url`]).
    pub public_url: Option<String>,
    pub share_rate_limit: u32,
    /// None: no Google key, nothing is sent to Google.
    pub google: Option<GoogleConfig>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("could not read {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the config file {path} is not valid: {message}")]
    File { path: PathBuf, message: String },
    #[error("{0} is empty; put the secret on its first line")]
    EmptySecret(PathBuf),
    #[error(
        "--public-url {0:?} is not an http:// or https:// URL (e.g. https://passes.example.com)"
    )]
    BadPublicUrl(String),
    #[error(
        "--google-key needs --google-issuer-id: the issuer ID (digits) from the Google Pay & Wallet Console"
    )]
    GoogleIssuerMissing,
    #[error("--{flag} {url:?} is not an http:// or https:// URL")]
    BadGoogleUrl { flag: &'static str, url: String },
}

fn read_secret(path: &Path) -> Result<String, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_owned(),
        source,
    })?;
    Ok(text.lines().next().unwrap_or("").trim().to_owned())
}

/// `/`, `passkit`, `/passkit/` → `` or `/passkit` (what Router::nest wants).
pub fn normalize_prefix(raw: &str) -> String {
    let trimmed = raw.trim().trim_matches('/');
    if trimmed.is_empty() {
        String::new()
    } else {
        format!("/{trimmed}")
    }
}

/// `https://host[:port][/path]` without a trailing slash, or None when it is not such a URL
/// (no query, fragment, user info, spaces or control characters).
pub fn normalize_public_url(raw: &str) -> Option<String> {
    let url = raw.trim().trim_end_matches('/');
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let host = rest.split('/').next().unwrap_or("");
    let ok = !host.is_empty()
        && !rest.contains(['?', '#', '@', ' ', '"', '<', '>', '\\'])
        && !rest.chars().any(char::is_control);
    ok.then(|| url.to_owned())
}

impl Args {
    /// Fills unset fields from the config file, then defaults, and reads the secret files.
    pub fn resolve(self) -> Result<Config, ConfigError> {
        let file = match &self.config {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                    path: path.clone(),
                    source,
                })?;
                toml::from_str::<Args>(&text).map_err(|e| ConfigError::File {
                    path: path.clone(),
                    message: e.to_string(),
                })?
            }
            None => Args::default(),
        };
        let a = self;
        let api_key_file = a.api_key_file.or(file.api_key_file);
        let api_key = match api_key_file {
            Some(p) => {
                let key = read_secret(&p)?;
                if key.is_empty() {
                    return Err(ConfigError::EmptySecret(p));
                }
                Some(key)
            }
            None => None,
        };
        let apns_password = match a.apns_password_file.or(file.apns_password_file) {
            Some(p) => read_secret(&p)?,
            None => String::new(),
        };
        let public_url = match a.public_url.or(file.public_url) {
            Some(raw) => Some(normalize_public_url(&raw).ok_or(ConfigError::BadPublicUrl(raw))?),
            None => None,
        };
        let google = match a.google_key.or(file.google_key) {
            Some(key) => {
                let issuer_id = a
                    .google_issuer_id
                    .or(file.google_issuer_id)
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .ok_or(ConfigError::GoogleIssuerMissing)?;
                let url = |flag: &'static str, raw: String| {
                    normalize_public_url(&raw).ok_or(ConfigError::BadGoogleUrl { flag, url: raw })
                };
                let api_base = url(
                    "google-api-base",
                    a.google_api_base
                        .or(file.google_api_base)
                        .unwrap_or_else(|| GOOGLE_API_BASE.into()),
                )?;
                let token_url = match a.google_token_url.or(file.google_token_url) {
                    Some(raw) => Some(url("google-token-url", raw)?),
                    None => None,
                };
                Some(GoogleConfig {
                    key,
                    issuer_id,
                    api_base,
                    token_url,
                })
            }
            None => None,
        };
        Ok(Config {
            google,
            public_url,
            share_rate_limit: a.share_rate_limit.or(file.share_rate_limit).unwrap_or(600),
            listen: a
                .listen
                .or(file.listen)
                .unwrap_or_else(|| "127.0.0.1:8080".into()),
            db: a
                .db
                .or(file.db)
                .unwrap_or_else(|| "sqlite://passes.db".into()),
            api_key,
            apns_cert: a.apns_cert.or(file.apns_cert),
            apns_password,
            apns_url: a
                .apns_url
                .or(file.apns_url)
                .unwrap_or_else(|| crate::apns::PRODUCTION_URL.into()),
            apns_ca: a.apns_ca.or(file.apns_ca),
            path_prefix: normalize_prefix(&a.path_prefix.or(file.path_prefix).unwrap_or_default()),
            push_concurrency: a.push_concurrency.or(file.push_concurrency).unwrap_or(1000),
            apns_connections: a.apns_connections.or(file.apns_connections).unwrap_or(4),
            outbox_poll_ms: a.outbox_poll_ms.or(file.outbox_poll_ms).unwrap_or(1000),
            rate_limit: a.rate_limit.or(file.rate_limit).unwrap_or(600),
            register_rate_limit: a
                .register_rate_limit
                .or(file.register_rate_limit)
                .unwrap_or(600),
            auth_fail_limit: a.auth_fail_limit.or(file.auth_fail_limit).unwrap_or(60),
            max_registrations_per_pass: a
                .max_registrations_per_pass
                .or(file.max_registrations_per_pass)
                .unwrap_or(1_000_000),
            max_concurrent_uploads: a
                .max_concurrent_uploads
                .or(file.max_concurrent_uploads)
                .unwrap_or(4),
            durability: a.durability.or(file.durability).unwrap_or_default(),
            log_format: a.log_format.or(file.log_format).unwrap_or_default(),
            shutdown_timeout_secs: a.shutdown_timeout.or(file.shutdown_timeout).unwrap_or(10),
            max_pass_bytes: a
                .max_pass_bytes
                .or(file.max_pass_bytes)
                .unwrap_or(10 * 1024 * 1024),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_are_normalized() {
        assert_eq!(normalize_prefix("/"), "");
        assert_eq!(normalize_prefix(""), "");
        assert_eq!(normalize_prefix("passkit/"), "/passkit");
        assert_eq!(normalize_prefix("/a/b/"), "/a/b");
    }

    #[test]
    fn public_urls_are_checked() {
        assert_eq!(
            normalize_public_url("https://passes.example.com/").as_deref(),
            Some("https://passes.example.com")
        );
        assert_eq!(
            normalize_public_url("http://h:8080/wallet").as_deref(),
            Some("http://h:8080/wallet")
        );
        assert_eq!(normalize_public_url("passes.example.com"), None);
        assert_eq!(normalize_public_url("https://"), None);
        assert_eq!(normalize_public_url("https://u@h/"), None);
        assert_eq!(normalize_public_url("https://h/?x=1"), None);
    }

    #[test]
    fn flags_override_the_file_which_overrides_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("key");
        std::fs::write(&key, "secret-key\n").unwrap();
        let cfg = dir.path().join("server.toml");
        std::fs::write(
            &cfg,
            format!("listen = \"0.0.0.0:9000\"\ndb = \"sqlite://x.db\"\napi-key-file = {:?}\npath-prefix = \"/passkit/\"\n", key),
        )
        .unwrap();
        let args = Args::try_parse_from([
            "passmith-server",
            "--config",
            cfg.to_str().unwrap(),
            "--db",
            "postgres://u@h/d",
        ])
        .unwrap();
        let c = args.resolve().unwrap();
        assert_eq!(c.listen, "0.0.0.0:9000");
        assert_eq!(c.db, "postgres://u@h/d");
        assert_eq!(c.api_key.as_deref(), Some("secret-key"));
        assert_eq!(c.path_prefix, "/passkit");
        assert_eq!(c.push_concurrency, 1000);
    }

    #[test]
    fn google_settings_come_from_flags_or_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = dir.path().join("server.toml");
        std::fs::write(
            &cfg,
            "google-key = \"sa.json\"\ngoogle-issuer-id = \" 3388 \"\ngoogle-token-url = \"http://127.0.0.1:9/token/\"\n",
        )
        .unwrap();
        let c = Args::try_parse_from(["passmith-server", "--config", cfg.to_str().unwrap()])
            .unwrap()
            .resolve()
            .unwrap();
        let g = c.google.unwrap();
        assert_eq!(g.key, PathBuf::from("sa.json"));
        assert_eq!(g.issuer_id, "3388");
        assert_eq!(g.api_base, GOOGLE_API_BASE);
        assert_eq!(g.token_url.as_deref(), Some("http://127.0.0.1:9/token"));
        assert!(Args::default().resolve().unwrap().google.is_none());
        let err = Args::try_parse_from(["passmith-server", "--google-key", "sa.json"])
            .unwrap()
            .resolve()
            .unwrap_err();
        assert!(matches!(err, ConfigError::GoogleIssuerMissing), "{err}");
        let err = Args::try_parse_from([
            "passmith-server",
            "--google-key",
            "sa.json",
            "--google-issuer-id",
            "1",
            "--google-api-base",
            "walletobjects",
        ])
        .unwrap()
        .resolve()
        .unwrap_err();
        assert!(err.to_string().contains("--google-api-base"), "{err}");
    }

    #[test]
    fn unknown_file_keys_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = dir.path().join("server.toml");
        std::fs::write(&cfg, "lisen = \"x\"\n").unwrap();
        let args =
            Args::try_parse_from(["passmith-server", "--config", cfg.to_str().unwrap()]).unwrap();
        let err = args.resolve().unwrap_err().to_string();
        assert!(err.contains("lisen"), "{err}");
    }
}
