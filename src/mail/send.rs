//! Sending: an SMTP server through lettre, or `.eml` files for a dry run; a pace (messages per
//! minute) shared by the workers; retries on temporary (4xx) replies and lost connections.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use lettre::Message;
use lettre::Transport as _;
use lettre::transport::smtp::SmtpTransport;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};

use super::MailError;

/// How the SMTP connection is secured.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    serde::Serialize,
    serde::Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// Plain text (a local relay or a test server).
    None,
    /// Plain connection upgraded with STARTTLS, which must succeed (port 587).
    #[default]
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
}

impl Security {
    pub fn default_port(self) -> u16 {
        match self {
            Security::None => 25,
            Security::Starttls => 587,
            Security::Tls => 465,
        }
    }
}

/// Where and how to connect.
#[derive(Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: Security,
    /// User and password, when the server wants a login.
    pub login: Option<(String, String)>,
    /// How long one SMTP command may take.
    pub timeout: Duration,
    /// A PEM file of CA certificates to trust as well as the system's (a company's own CA, or a
    /// test server's); `None`: the system's only.
    pub ca_file: Option<PathBuf>,
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("user", &self.login.as_ref().map(|(u, _)| u))
            .field("ca_file", &self.ca_file)
            .finish_non_exhaustive()
    }
}

/// The server accepted the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// The server's reply, e.g. `250 2.0.0 Ok: queued as 12345`.
    pub reply: String,
}

/// Why one attempt did not deliver.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// A 4xx reply: try again later.
    #[error("{reply}")]
    Temporary { code: u16, reply: String },
    /// A 5xx reply: this recipient or message will not be accepted.
    #[error("{reply}")]
    Permanent { code: u16, reply: String },
    /// The connection failed or was lost (may be temporary).
    #[error("{0}")]
    Connection(String),
    /// Anything else (the message could not be written, say); not retried.
    #[error("{0}")]
    Other(String),
}

impl Refusal {
    fn retryable(&self) -> bool {
        matches!(self, Refusal::Temporary { .. } | Refusal::Connection(_))
    }

    /// The SMTP reply code, when the server answered.
    pub fn code(&self) -> Option<u16> {
        match self {
            Refusal::Temporary { code, .. } | Refusal::Permanent { code, .. } => Some(*code),
            _ => None,
        }
    }
}

/// Something that takes messages: an SMTP server or a folder of `.eml` files.
pub trait Deliver: Sync {
    fn deliver(&self, message: &Message, name: &str) -> Result<Accepted, Refusal>;
}

/// An SMTP server, through lettre (its connection pool is shared by the workers).
pub struct Smtp {
    transport: SmtpTransport,
    settings: SmtpSettings,
}

impl Smtp {
    /// A transport for `settings` with up to `connections` open connections.
    pub fn new(settings: &SmtpSettings, connections: usize) -> Result<Smtp, MailError> {
        let tls = match settings.security {
            Security::None => Tls::None,
            Security::Starttls | Security::Tls => {
                let mut builder = TlsParameters::builder(settings.host.clone());
                if let Some(path) = &settings.ca_file {
                    for cert in trusted_certificates(path)? {
                        builder = builder.add_root_certificate(cert);
                    }
                }
                let params = builder.build().map_err(|e| MailError::Connect {
                    server: server_name(settings),
                    reason: format!("TLS cannot be set up ({e})"),
                })?;
                if settings.security == Security::Tls {
                    Tls::Wrapper(params)
                } else {
                    Tls::Required(params)
                }
            }
        };
        let mut builder = SmtpTransport::builder_dangerous(&settings.host)
            .port(settings.port)
            .tls(tls)
            .timeout(Some(settings.timeout))
            .pool_config(
                lettre::transport::smtp::PoolConfig::new().max_size(connections.max(1) as u32),
            );
        if let Some((user, password)) = &settings.login {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(Smtp {
            transport: builder.build(),
            settings: settings.clone(),
        })
    }

    /// Connects (and logs in) once, so a wrong host, port, security or password stops the run
    /// before any message.
    pub fn check(&self) -> Result<(), MailError> {
        let fail = |reason: String| MailError::Connect {
            server: server_name(&self.settings),
            reason,
        };
        match self.transport.test_connection() {
            Ok(true) => Ok(()),
            Ok(false) => Err(fail("the server did not answer NOOP".into())),
            Err(e) => Err(fail(describe(&e))),
        }
    }
}

/// Every certificate in a PEM file (a bundle may hold several).
fn trusted_certificates(
    path: &Path,
) -> Result<Vec<lettre::transport::smtp::client::Certificate>, MailError> {
    let bad = |reason: String| MailError::Read {
        what: "the trusted CA file".into(),
        path: path.to_owned(),
        reason,
    };
    let bytes = std::fs::read(path).map_err(|e| bad(e.to_string()))?;
    let text = String::from_utf8_lossy(&bytes);
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    const END: &str = "-----END CERTIFICATE-----";
    let mut certs = Vec::new();
    let mut rest = text.as_ref();
    while let Some(start) = rest.find(BEGIN) {
        let Some(len) = rest[start..].find(END) else {
            return Err(bad("a certificate has no END CERTIFICATE line".into()));
        };
        let pem = &rest[start..start + len + END.len()];
        let cert = lettre::transport::smtp::client::Certificate::from_pem(pem.as_bytes()).map_err(
            |e| {
                bad(format!(
                    "certificate {} cannot be read ({e})",
                    certs.len() + 1
                ))
            },
        )?;
        certs.push(cert);
        rest = &rest[start + len + END.len()..];
    }
    if certs.is_empty() {
        return Err(bad(
            "it holds no PEM certificate (-----BEGIN CERTIFICATE-----); export the CA as PEM"
                .into(),
        ));
    }
    Ok(certs)
}

fn server_name(settings: &SmtpSettings) -> String {
    format!("{}:{}", settings.host, settings.port)
}

/// A lettre error in words: the server's reply when there is one, else what failed.
fn describe(e: &lettre::transport::smtp::Error) -> String {
    use std::error::Error as _;
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let more = s.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = s.source();
    }
    text
}

impl Deliver for Smtp {
    fn deliver(&self, message: &Message, _name: &str) -> Result<Accepted, Refusal> {
        match self.transport.send(message) {
            Ok(response) => {
                let lines: Vec<&str> = response.message().collect();
                Ok(Accepted {
                    reply: format!("{} {}", response.code(), lines.join(" "))
                        .trim()
                        .to_owned(),
                })
            }
            Err(e) => {
                let code = e.status().map(|c| c.to_string().parse().unwrap_or(0));
                let reply = describe(&e);
                Err(match code {
                    Some(code) if e.is_transient() => Refusal::Temporary { code, reply },
                    Some(code) if e.is_permanent() => Refusal::Permanent { code, reply },
                    _ if e.is_client() => Refusal::Other(reply),
                    _ => Refusal::Connection(reply),
                })
            }
        }
    }
}

/// A dry run: each message is written as `<name>.eml` into a folder, nothing is sent.
pub struct EmlFolder {
    dir: PathBuf,
}

impl EmlFolder {
    pub fn new(dir: &Path) -> Result<EmlFolder, MailError> {
        std::fs::create_dir_all(dir).map_err(|e| MailError::Read {
            what: "the dry-run folder".into(),
            path: dir.to_owned(),
            reason: e.to_string(),
        })?;
        Ok(EmlFolder {
            dir: dir.to_owned(),
        })
    }
}

impl Deliver for EmlFolder {
    fn deliver(&self, message: &Message, name: &str) -> Result<Accepted, Refusal> {
        let path = self.dir.join(format!("{name}.eml"));
        std::fs::write(&path, message.formatted())
            .map_err(|e| Refusal::Other(format!("cannot write {}: {e}", path.display())))?;
        Ok(Accepted {
            reply: format!("written to {}", path.display()),
        })
    }
}

/// Messages per minute across every worker: each message takes the next slot, spaced
/// `60 / rate` seconds apart.
pub struct Pace {
    interval: Option<Duration>,
    next: Mutex<Instant>,
}

impl Pace {
    /// `per_minute` 0 = as fast as the server takes them.
    pub fn new(per_minute: u32) -> Pace {
        Pace {
            interval: (per_minute > 0)
                .then(|| Duration::from_secs_f64(60.0 / f64::from(per_minute))),
            next: Mutex::new(Instant::now()),
        }
    }

    /// Waits for this caller's slot; `false` when `cancel` was set meanwhile.
    pub fn wait(&self, cancel: &AtomicBool) -> bool {
        let Some(interval) = self.interval else {
            return !cancel.load(Ordering::Relaxed);
        };
        let slot = {
            let mut next = self.next.lock().unwrap_or_else(|p| p.into_inner());
            let slot = (*next).max(Instant::now());
            *next = slot + interval;
            slot
        };
        sleep_until(slot, cancel)
    }
}

/// Sleeps until `when` in short steps; `false` when `cancel` was set meanwhile.
pub fn sleep_until(when: Instant, cancel: &AtomicBool) -> bool {
    loop {
        if cancel.load(Ordering::Relaxed) {
            return false;
        }
        let now = Instant::now();
        if now >= when {
            return true;
        }
        std::thread::sleep((when - now).min(Duration::from_millis(50)));
    }
}

/// Retries of one message after a temporary refusal.
#[derive(Debug, Clone, Copy)]
pub struct Retry {
    /// Attempts after the first.
    pub times: u32,
    /// The wait before the first retry; doubled for each one after.
    pub first_wait: Duration,
}

impl Default for Retry {
    fn default() -> Retry {
        Retry {
            times: 3,
            first_wait: Duration::from_secs(2),
        }
    }
}

/// Delivers `message`, retrying temporary refusals; the last refusal and the number of
/// attempts when it did not get through.
pub fn deliver_with_retry(
    to: &dyn Deliver,
    message: &Message,
    name: &str,
    retry: Retry,
    cancel: &AtomicBool,
) -> (Result<Accepted, Refusal>, u32) {
    let mut wait = retry.first_wait;
    let mut attempts = 0;
    loop {
        attempts += 1;
        let result = to.deliver(message, name);
        match &result {
            Err(refusal) if refusal.retryable() && attempts <= retry.times => {
                if !sleep_until(Instant::now() + wait, cancel) {
                    return (result, attempts);
                }
                wait *= 2;
            }
            _ => return (result, attempts),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::sync::atomic::AtomicU32;

    use super::*;

    struct Flaky {
        calls: AtomicU32,
        fail_first: u32,
        refusal: Refusal,
    }

    impl Deliver for Flaky {
        fn deliver(&self, _: &Message, _: &str) -> Result<Accepted, Refusal> {
            if self.calls.fetch_add(1, Ordering::SeqCst) < self.fail_first {
                Err(self.refusal.clone())
            } else {
                Ok(Accepted {
                    reply: "250 ok".into(),
                })
            }
        }
    }

    fn message() -> Message {
        Message::builder()
            .from("a@example.com".parse().unwrap())
            .to("b@example.com".parse().unwrap())
            .subject("s")
            .body(String::from("b"))
            .unwrap()
    }

    const QUICK: Retry = Retry {
        times: 3,
        first_wait: Duration::from_millis(1),
    };

    #[test]
    fn temporary_refusals_are_retried_and_permanent_ones_are_not() {
        let cancel = AtomicBool::new(false);
        let temporary = Refusal::Temporary {
            code: 451,
            reply: "451 try later".into(),
        };
        let flaky = Flaky {
            calls: AtomicU32::new(0),
            fail_first: 2,
            refusal: temporary.clone(),
        };
        let (result, attempts) = deliver_with_retry(&flaky, &message(), "m", QUICK, &cancel);
        assert!(result.is_ok());
        assert_eq!(attempts, 3);

        let always = Flaky {
            calls: AtomicU32::new(0),
            fail_first: 100,
            refusal: temporary.clone(),
        };
        let (result, attempts) = deliver_with_retry(&always, &message(), "m", QUICK, &cancel);
        assert_eq!(result.unwrap_err(), temporary);
        assert_eq!(attempts, 4);

        let permanent = Flaky {
            calls: AtomicU32::new(0),
            fail_first: 100,
            refusal: Refusal::Permanent {
                code: 550,
                reply: "550 no such user".into(),
            },
        };
        let (result, attempts) = deliver_with_retry(&permanent, &message(), "m", QUICK, &cancel);
        assert_eq!(result.unwrap_err().code(), Some(550));
        assert_eq!(attempts, 1);
    }

    #[test]
    fn the_pace_spaces_messages() {
        let pace = Pace::new(600); // one per 100 ms
        let cancel = AtomicBool::new(false);
        let started = Instant::now();
        for _ in 0..4 {
            assert!(pace.wait(&cancel));
        }
        let took = started.elapsed();
        assert!(took >= Duration::from_millis(290), "{took:?}");
        cancel.store(true, Ordering::Relaxed);
        assert!(!pace.wait(&cancel));
    }
}
