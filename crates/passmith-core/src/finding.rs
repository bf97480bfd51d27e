//! Findings: what validation, import and layout report about a pass.
//!
//! One type for all of them, so the CLI prints them the same way and the designer can jump from
//! any finding to the editor of the value it names (`path`).

use serde::{Deserialize, Serialize};

/// How serious a finding is. Errors block export; warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// One thing wrong (or worth knowing) about a pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub severity: Severity,
    /// Stable identifier, e.g. `color.format`; scripts and tests match on it.
    pub code: String,
    /// Where: a JSON pointer into pass.json (`/barcodes/0/message`) or a file name (`icon.png`).
    pub path: String,
    /// What is wrong, in plain words.
    pub message: String,
    /// How to fix it.
    pub hint: String,
}

impl Finding {
    pub fn error(
        code: &str,
        path: impl Into<String>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Finding {
        Finding {
            severity: Severity::Error,
            code: code.to_owned(),
            path: path.into(),
            message: message.into(),
            hint: hint.into(),
        }
    }

    pub fn warning(
        code: &str,
        path: impl Into<String>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Finding {
        Finding {
            severity: Severity::Warning,
            ..Finding::error(code, path, message, hint)
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} [{}] {}: {}",
            self.severity, self.code, self.path, self.message
        )?;
        if !self.hint.is_empty() {
            write!(f, " — {}", self.hint)?;
        }
        Ok(())
    }
}

/// True when any finding blocks export.
pub fn has_errors(findings: &[Finding]) -> bool {
    findings.iter().any(Finding::is_error)
}
