//! The server's log: plain text (colours only on a terminal) or one JSON object per line
//! (`--log-format json`), filtered by `PASSMITH_SERVER_LOG` (default `info`). Per-request lines
//! are at debug level, so a busy server's info log holds only what someone should read.
//! Text that devices send is escaped with [`escape_control`] first, so nobody can forge lines.

use std::io::IsTerminal;

/// How log lines are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

/// Installs the global subscriber. Call once, at start-up.
pub fn init(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("PASSMITH_SERVER_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.with_ansi(std::io::stderr().is_terminal()).init(),
        LogFormat::Json => builder.json().with_ansi(false).init(),
    }
}

/// `s` with every control character (newline, carriage return, escape, …) written as a Rust
/// escape (`\n`, `\u{1b}`), so one message stays one log line and cannot carry terminal codes.
pub fn escape_control(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() || c == '\u{2028}' || c == '\u{2029}' {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape_control;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(escape_control("a\nb\r\u{1b}[31mc"), "a\\nb\\r\\u{1b}[31mc");
        assert_eq!(escape_control("plain ünïcode"), "plain ünïcode");
    }
}
