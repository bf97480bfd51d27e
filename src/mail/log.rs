//! The send log, `mail-log.jsonl` next to the manifest: one JSON object a line, appended and
//! written through to the disk (fsync) per record, so a run that is killed resumes without
//! sending anything twice.
//!
//! Each message gets two records: `"sending"` before the SMTP transaction starts, then `"sent"`
//! (with the server's reply) or `"failed"` (with the reason) after it. On a rerun:
//! - a message whose last record is `"sent"` is skipped;
//! - `"failed"`, or no record at all, is sent (again);
//! - `"sending"` with nothing after it is *unconfirmed*: the run stopped during the SMTP
//!   transaction, so the server may or may not have accepted it. It is not resent (a duplicate
//!   in a customer's inbox is worse than a report), but listed, and sent only when asked
//!   (`resend_unconfirmed`). The window is one SMTP transaction per worker, milliseconds.
//!
//! A message is identified by its pass serial and recipient address, so a corrected address in
//! the manifest is sent to, and a regenerated manifest keeps its history.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{Read as _, Seek as _, SeekFrom, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use super::MailError;

/// The status of one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Sending,
    Sent,
    Failed,
}

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// RFC 3339 time the record was written.
    pub time: String,
    pub row: usize,
    pub serial: String,
    pub to: String,
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// The server's reply (`250 …` when sent, the refusal when failed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply: Option<String>,
    /// Why it failed, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// What an earlier run left for one message.
#[derive(Debug, Clone, PartialEq)]
pub enum Earlier {
    Sent(Record),
    Unconfirmed(Record),
    Failed(Record),
}

/// The key of a message in the log: serial and recipient address (lowercase).
pub fn key(serial: &str, address: &str) -> (String, String) {
    (serial.to_owned(), address.to_ascii_lowercase())
}

/// An open send log.
pub struct SendLog {
    path: PathBuf,
    file: Mutex<File>,
    earlier: HashMap<(String, String), Earlier>,
    /// Lines that could not be read (a line cut short by a crash while it was written).
    pub unreadable_lines: usize,
}

impl SendLog {
    /// Opens (or creates) the log at `path` and reads what earlier runs recorded.
    pub fn open(path: &Path) -> Result<SendLog, MailError> {
        let io = |e: std::io::Error| MailError::Log {
            path: path.to_owned(),
            reason: e.to_string(),
        };
        let mut file = OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .open(path)
            .map_err(io)?;
        let mut text = Vec::new();
        file.read_to_end(&mut text).map_err(io)?;
        let mut earlier = HashMap::new();
        let mut unreadable_lines = 0;
        for line in text.split(|&b| b == b'\n') {
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let Ok(record) = serde_json::from_slice::<Record>(line) else {
                unreadable_lines += 1;
                continue;
            };
            let k = key(&record.serial, &record.to);
            let state = match record.status {
                Status::Sending => Earlier::Unconfirmed(record),
                Status::Sent => Earlier::Sent(record),
                Status::Failed => Earlier::Failed(record),
            };
            // A message once sent stays sent, even if a later run was told to resend it and
            // that attempt failed.
            if !matches!(earlier.get(&k), Some(Earlier::Sent(_)))
                || matches!(state, Earlier::Sent(_))
            {
                earlier.insert(k, state);
            }
        }
        // A line cut short by a crash has no newline: start the next record on a line of its own.
        if text.last().is_some_and(|&b| b != b'\n') {
            file.seek(SeekFrom::End(0)).map_err(io)?;
            file.write_all(b"\n").map_err(io)?;
        }
        Ok(SendLog {
            path: path.to_owned(),
            file: Mutex::new(file),
            earlier,
            unreadable_lines,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What earlier runs recorded for the message to `address` with pass `serial`.
    pub fn earlier(&self, serial: &str, address: &str) -> Option<&Earlier> {
        self.earlier.get(&key(serial, address))
    }

    /// Appends `record` and writes it through to the disk before returning.
    pub fn append(&self, record: &Record) -> Result<(), MailError> {
        let io = |e: std::io::Error| MailError::Log {
            path: self.path.clone(),
            reason: e.to_string(),
        };
        let mut line = serde_json::to_vec(record).map_err(|e| MailError::Log {
            path: self.path.clone(),
            reason: e.to_string(),
        })?;
        line.push(b'\n');
        let mut file = self.file.lock().unwrap_or_else(|p| p.into_inner());
        file.write_all(&line).map_err(io)?;
        file.sync_data().map_err(io)?;
        Ok(())
    }
}

/// The current time as RFC 3339.
pub fn now() -> String {
    passmith_core::time::now().to_string()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn record(serial: &str, status: Status) -> Record {
        Record {
            time: now(),
            row: 1,
            serial: serial.into(),
            to: "A@Example.com".into(),
            status,
            message_id: Some("<id@example.com>".into()),
            reply: None,
            reason: None,
        }
    }

    #[test]
    fn sent_skips_sending_alone_is_unconfirmed_and_a_cut_line_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mail-log.jsonl");
        {
            let log = SendLog::open(&path).unwrap();
            log.append(&record("S1", Status::Sending)).unwrap();
            log.append(&record("S1", Status::Sent)).unwrap();
            log.append(&record("S2", Status::Sending)).unwrap();
            log.append(&record("S3", Status::Sending)).unwrap();
            log.append(&record("S3", Status::Failed)).unwrap();
        }
        // A crash while writing the next record leaves half a line.
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(b"{\"time\":\"2026").unwrap();
        drop(f);

        let log = SendLog::open(&path).unwrap();
        assert_eq!(log.unreadable_lines, 1);
        assert!(matches!(
            log.earlier("S1", "a@example.com"),
            Some(Earlier::Sent(_))
        ));
        assert!(matches!(
            log.earlier("S2", "a@example.com"),
            Some(Earlier::Unconfirmed(_))
        ));
        assert!(matches!(
            log.earlier("S3", "a@example.com"),
            Some(Earlier::Failed(_))
        ));
        assert!(log.earlier("S4", "a@example.com").is_none());
        // The next record starts on its own line and reads back.
        log.append(&record("S2", Status::Sent)).unwrap();
        drop(log);
        let log = SendLog::open(&path).unwrap();
        assert_eq!(log.unreadable_lines, 1);
        assert!(matches!(
            log.earlier("S2", "a@example.com"),
            Some(Earlier::Sent(_))
        ));
    }

    #[test]
    fn once_sent_stays_sent() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mail-log.jsonl");
        let log = SendLog::open(&path).unwrap();
        log.append(&record("S1", Status::Sent)).unwrap();
        log.append(&record("S1", Status::Sending)).unwrap();
        log.append(&record("S1", Status::Failed)).unwrap();
        drop(log);
        let log = SendLog::open(&path).unwrap();
        assert!(matches!(
            log.earlier("S1", "a@example.com"),
            Some(Earlier::Sent(_))
        ));
    }
}
