//! Findings: what validation, import, export and layout report about a pass.
//!
//! One type for all of them, so the CLI prints them the same way and the designer can jump from
//! any finding to the editor of the place it names. The code comes from the one registry
//! ([`Code`]), which also gives the severity; the place is a typed [`PassPath`].

use serde::{Deserialize, Serialize};

pub use crate::code::{Code, Severity};
use crate::path::PassPath;

/// One thing wrong (or worth knowing) about a pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub severity: Severity,
    /// Stable identifier, e.g. `color.format`; scripts and tests match on it.
    pub code: Code,
    /// Where: a place in pass.json (shown as a JSON pointer, `/barcodes/0/message`) or a file
    /// (`icon.png`).
    pub path: PassPath,
    /// What is wrong, in plain words.
    pub message: String,
    /// How to fix it.
    pub hint: String,
}

impl Finding {
    /// A finding with the severity the registry gives `code`.
    pub fn new(
        code: Code,
        path: impl Into<PassPath>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Finding {
        Finding {
            severity: code.severity(),
            code,
            path: path.into(),
            message: message.into(),
            hint: hint.into(),
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
