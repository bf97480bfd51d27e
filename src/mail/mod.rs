//! E-mailing passes: one message per line of a batch's `manifest.csv`, with the row's pass
//! attached, sent through an SMTP server by lettre (or written as `.eml` files for a dry run).
//!
//! The flow is [`Manifest::read`] → [`Letter::check`] (the recipient column and every
//! `{{column}}` placeholder exist) → [`prepare`] (every row's address and pass file checked;
//! one bad row stops the run before anything is sent, because a sent message cannot be taken
//! back) → [`send_all`] (workers sharing a [`Pace`], each message recorded in the [`SendLog`]
//! before and after its SMTP transaction, so a rerun skips what was sent).

mod compose;
mod log;
mod manifest;
mod send;
pub mod single;
mod template;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use lettre::message::Mailbox;
use serde::Serialize;

pub use compose::{Letter, PKPASS_TYPE, PKPASSES_TYPE, file_stem, new_message_id, parse_mailbox};
pub use log::{Earlier, Record, SendLog, Status};
pub use manifest::{Entry, Manifest};
pub use send::{
    Accepted, Deliver, EmlFolder, Pace, Refusal, Retry, Security, Smtp, SmtpSettings,
    deliver_with_retry,
};
pub use template::{Part, Template};

/// The send log's file name, next to the manifest.
pub const LOG_NAME: &str = "mail-log.jsonl";

/// Why sending could not start. Nothing has been sent when one of these is returned.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MailError {
    #[error("cannot read {what} {}: {reason}", path.display())]
    Read {
        what: String,
        path: PathBuf,
        reason: String,
    },
    #[error("{file}, line {line}: {reason}")]
    Manifest {
        file: String,
        line: u64,
        reason: String,
    },
    #[error(
        "{part} uses {{{{{placeholder}}}}}, but the manifest has no column \"{placeholder}\"; add that column to the batch CSV or change the placeholder (columns: {columns})"
    )]
    UnknownPlaceholder {
        placeholder: String,
        part: Part,
        columns: String,
    },
    #[error(
        "the manifest has no column \"{column}\" for the recipients; name the right one with --to-column (columns: {columns})"
    )]
    NoRecipientColumn { column: String, columns: String },
    #[error("{what}: {reason}")]
    Address { what: String, reason: String },
    #[error("{} line(s) of the manifest cannot be sent, so nothing was sent:\n{}", problems.len(), list(problems))]
    Rows { problems: Vec<RowProblem> },
    #[error("the message for row {row} cannot be built: {reason}")]
    Build { row: usize, reason: String },
    #[error(
        "cannot connect to the SMTP server {server}: {reason}. Check --smtp-host, --smtp-port, --smtp-security and the login"
    )]
    Connect { server: String, reason: String },
    #[error("cannot write the send log {}: {reason}", path.display())]
    Log { path: PathBuf, reason: String },
}

fn list(problems: &[RowProblem]) -> String {
    problems
        .iter()
        .map(|p| format!("  {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A manifest line that cannot be sent, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowProblem {
    pub row: usize,
    pub line: u64,
    pub serial: String,
    pub reason: String,
}

impl std::fmt::Display for RowProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {} (row {}): {}", self.line, self.row, self.reason)
    }
}

/// A manifest line ready to send: its recipient and pass file.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// Index into [`Manifest::entries`].
    pub index: usize,
    pub to: Mailbox,
    pub pass: PathBuf,
}

/// Checks every line: an address in the recipient column, a pass file that exists, no line
/// twice. All problems are listed together.
pub fn prepare(manifest: &Manifest, letter: &Letter) -> Result<Vec<Prepared>, MailError> {
    letter.check(manifest)?;
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let mut seen: HashMap<(String, String), u64> = HashMap::new();
    for (index, entry) in manifest.entries.iter().enumerate() {
        let problem = |reason: String| RowProblem {
            row: entry.row,
            line: entry.line,
            serial: entry.serial.clone(),
            reason,
        };
        let to = match letter.recipient(manifest, entry) {
            Ok(to) => to,
            Err(p) => {
                problems.push(p);
                continue;
            }
        };
        if entry.serial.is_empty() {
            problems.push(problem("the serial column is empty".into()));
            continue;
        }
        let pass = match manifest.pass_path(entry) {
            Ok(p) => p,
            Err(reason) => {
                problems.push(problem(reason));
                continue;
            }
        };
        if !pass.is_file() {
            problems.push(problem(format!(
                "the pass file {} does not exist; run passmith batch again (with --resume) or fix the file column",
                pass.display()
            )));
            continue;
        }
        let key = log::key(&entry.serial, to.email.as_ref());
        if let Some(first) = seen.insert(key, entry.line) {
            problems.push(problem(format!(
                "the same pass ({}) to the same address as line {first}; remove one of the lines",
                entry.serial
            )));
            continue;
        }
        out.push(Prepared { index, to, pass });
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(MailError::Rows { problems })
    }
}

/// How to send.
#[derive(Debug, Clone)]
pub struct SendOptions {
    /// Workers, each with its own SMTP connection (at least 1).
    pub concurrency: usize,
    /// Messages per minute, over all workers; 0 = no limit.
    pub per_minute: u32,
    pub retry: Retry,
    /// Send the messages an interrupted run left unconfirmed (see [`SendLog`]).
    pub resend_unconfirmed: bool,
}

impl Default for SendOptions {
    fn default() -> SendOptions {
        SendOptions {
            concurrency: 4,
            per_minute: 0,
            retry: Retry::default(),
            resend_unconfirmed: false,
        }
    }
}

/// A message the server accepted (or the dry run wrote).
#[derive(Debug, Clone, Serialize)]
pub struct Sent {
    pub row: usize,
    pub serial: String,
    pub to: String,
    pub message_id: String,
    pub reply: String,
    pub attempts: u32,
}

/// A message that was not accepted.
#[derive(Debug, Clone, Serialize)]
pub struct Failed {
    pub row: usize,
    pub line: u64,
    pub serial: String,
    pub to: String,
    /// The SMTP reply code (550, …), when the server answered.
    pub code: Option<u16>,
    pub reason: String,
    pub attempts: u32,
}

/// A message an earlier run was sending when it stopped; not sent again.
#[derive(Debug, Clone, Serialize)]
pub struct Unconfirmed {
    pub row: usize,
    pub line: u64,
    pub serial: String,
    pub to: String,
    pub message_id: Option<String>,
    /// When the earlier run started sending it.
    pub since: String,
}

/// What [`send_all`] did.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Report {
    pub sent: Vec<Sent>,
    /// Skipped: the log says an earlier run sent them.
    pub already_sent: usize,
    pub failed: Vec<Failed>,
    pub unconfirmed: Vec<Unconfirmed>,
    /// Stopped before every message was tried (cancel, or the log could not be written).
    pub cancelled: bool,
    /// The send log could not be written; the run stopped.
    pub log_error: Option<String>,
    pub seconds: f64,
    /// Messages sent per minute over the run.
    pub per_minute: f64,
}

/// How far a run is, reported after each message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
    pub sent: usize,
    pub failed: usize,
}

enum Outcome {
    Sent(Sent),
    Failed(Failed),
    NotStarted,
}

/// Sends the `prepared` messages to `to`. With a `log`, messages it records as sent are
/// skipped, unconfirmed ones are reported (or resent with `resend_unconfirmed`), and every
/// attempt is recorded; a dry run passes no log. `cancel` stops the run between messages (it is
/// also set when the log cannot be written); `progress` is called from the workers.
#[allow(clippy::too_many_arguments)]
pub fn send_all(
    manifest: &Manifest,
    letter: &Letter,
    prepared: &[Prepared],
    to: &dyn Deliver,
    log: Option<&SendLog>,
    opts: &SendOptions,
    cancel: &AtomicBool,
    progress: &(dyn Fn(Progress) + Sync),
) -> Report {
    let started = Instant::now();
    let mut report = Report::default();
    let mut queue: Vec<&Prepared> = Vec::new();
    for p in prepared {
        let Some(entry) = manifest.entries.get(p.index) else {
            continue;
        };
        let address = p.to.email.to_string();
        match log.and_then(|l| l.earlier(&entry.serial, &address)) {
            Some(Earlier::Sent(_)) => report.already_sent += 1,
            Some(Earlier::Unconfirmed(r)) if !opts.resend_unconfirmed => {
                report.unconfirmed.push(Unconfirmed {
                    row: entry.row,
                    line: entry.line,
                    serial: entry.serial.clone(),
                    to: address,
                    message_id: r.message_id.clone(),
                    since: r.time.clone(),
                })
            }
            _ => queue.push(p),
        }
    }
    let total = queue.len();
    let pace = Pace::new(opts.per_minute);
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let sent_count = AtomicUsize::new(0);
    let failed_count = AtomicUsize::new(0);
    let log_error: Mutex<Option<String>> = Mutex::new(None);
    let outcomes: Mutex<Vec<Outcome>> = Mutex::new(Vec::new());
    let record = |r: Record| -> bool {
        let Some(log) = log else { return true };
        match log.append(&r) {
            Ok(()) => true,
            Err(e) => {
                let mut slot = log_error.lock().unwrap_or_else(|p| p.into_inner());
                slot.get_or_insert(e.to_string());
                cancel.store(true, Ordering::SeqCst);
                false
            }
        }
    };
    let one = |p: &Prepared| -> Outcome {
        let Some(entry) = manifest.entries.get(p.index) else {
            return Outcome::NotStarted;
        };
        let address = p.to.email.to_string();
        let base = |status: Status| Record {
            time: log::now(),
            row: entry.row,
            serial: entry.serial.clone(),
            to: address.clone(),
            status,
            message_id: None,
            reply: None,
            reason: None,
        };
        let failed = |code: Option<u16>, reason: String, attempts: u32| Failed {
            row: entry.row,
            line: entry.line,
            serial: entry.serial.clone(),
            to: address.clone(),
            code,
            reason,
            attempts,
        };
        let built = std::fs::read(&p.pass)
            .map_err(|e| format!("cannot read the pass {}: {e}", p.pass.display()))
            .and_then(|bytes| {
                let id = new_message_id(&letter.from).map_err(|e| e.to_string())?;
                letter
                    .compose(manifest, entry, p.to.clone(), &id, bytes)
                    .map(|m| (m, id))
                    .map_err(|e| e.to_string())
            });
        let (message, message_id) = match built {
            Ok(b) => b,
            Err(reason) => {
                record(Record {
                    reason: Some(reason.clone()),
                    ..base(Status::Failed)
                });
                return Outcome::Failed(failed(None, reason, 0));
            }
        };
        if !pace.wait(cancel) {
            return Outcome::NotStarted;
        }
        if !record(Record {
            message_id: Some(message_id.clone()),
            ..base(Status::Sending)
        }) {
            return Outcome::NotStarted;
        }
        let name = format!("{:04}-{}", entry.row, file_stem(&entry.serial));
        let (result, attempts) = deliver_with_retry(to, &message, &name, opts.retry, cancel);
        match result {
            Ok(accepted) => {
                record(Record {
                    message_id: Some(message_id.clone()),
                    reply: Some(accepted.reply.clone()),
                    ..base(Status::Sent)
                });
                Outcome::Sent(Sent {
                    row: entry.row,
                    serial: entry.serial.clone(),
                    to: address.clone(),
                    message_id,
                    reply: accepted.reply,
                    attempts,
                })
            }
            Err(refusal) => {
                let reason = refusal.to_string();
                record(Record {
                    message_id: Some(message_id.clone()),
                    reply: refusal.code().map(|_| reason.clone()),
                    reason: Some(reason.clone()),
                    ..base(Status::Failed)
                });
                Outcome::Failed(failed(refusal.code(), reason, attempts))
            }
        }
    };
    let workers = opts.concurrency.clamp(1, total.max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    if cancel.load(Ordering::Relaxed) {
                        break;
                    }
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(p) = queue.get(i) else { break };
                    let outcome = one(p);
                    match &outcome {
                        Outcome::Sent(_) => sent_count.fetch_add(1, Ordering::Relaxed),
                        Outcome::Failed(_) => failed_count.fetch_add(1, Ordering::Relaxed),
                        Outcome::NotStarted => 0,
                    };
                    if !matches!(outcome, Outcome::NotStarted) {
                        progress(Progress {
                            done: done.fetch_add(1, Ordering::Relaxed) + 1,
                            total,
                            sent: sent_count.load(Ordering::Relaxed),
                            failed: failed_count.load(Ordering::Relaxed),
                        });
                    }
                    outcomes
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .push(outcome);
                }
            });
        }
    });
    let outcomes = outcomes.into_inner().unwrap_or_else(|p| p.into_inner());
    let tried = outcomes.len();
    for outcome in outcomes {
        match outcome {
            Outcome::Sent(s) => report.sent.push(s),
            Outcome::Failed(f) => report.failed.push(f),
            Outcome::NotStarted => report.cancelled = true,
        }
    }
    if tried < total {
        report.cancelled = true;
    }
    report.sent.sort_by_key(|s| s.row);
    report.failed.sort_by_key(|f| f.row);
    report.log_error = log_error.into_inner().unwrap_or_else(|p| p.into_inner());
    let elapsed = started.elapsed().max(Duration::from_micros(1));
    report.seconds = elapsed.as_secs_f64();
    report.per_minute = report.sent.len() as f64 * 60.0 / report.seconds;
    report
}
