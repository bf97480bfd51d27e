//! The one kind of message the designer shows the user: a title, a few plain lines and the
//! findings it is about, with how serious it is. The notice area, the update server window and
//! every action report through it. Findings stay typed (code, path), so the notice area can
//! offer "Go to" for each, and say exactly what `passmith validate` and `passmith build` say.

use passmith_core::Finding;

/// How serious a message to the user is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    Info,
    Warning,
    Error,
}

/// A message: what happened (`title`), what to know or do about it (`lines`), and the findings
/// it reports (hidden fields after a style change, an export's warnings or why it was refused).
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub kind: NoticeKind,
    pub title: String,
    pub lines: Vec<String>,
    pub findings: Vec<Finding>,
    /// When a toast was first shown (egui's clock), so it can go by itself.
    pub shown_at: Option<f64>,
}

impl Notice {
    pub fn new(kind: NoticeKind, title: impl Into<String>) -> Notice {
        Notice {
            kind,
            title: title.into(),
            lines: Vec::new(),
            findings: Vec::new(),
            shown_at: None,
        }
    }

    pub fn info(title: impl Into<String>) -> Notice {
        Notice::new(NoticeKind::Info, title)
    }

    pub fn warning(title: impl Into<String>) -> Notice {
        Notice::new(NoticeKind::Warning, title)
    }

    pub fn error(title: impl Into<String>) -> Notice {
        Notice::new(NoticeKind::Error, title)
    }

    pub fn with_lines(mut self, lines: Vec<String>) -> Notice {
        self.lines = lines;
        self
    }

    pub fn with_findings(mut self, findings: Vec<Finding>) -> Notice {
        self.findings = findings;
        self
    }

    /// Adds one line.
    pub fn line(mut self, line: impl Into<String>) -> Notice {
        self.lines.push(line.into());
        self
    }

    /// A success with nothing to act on ("Saved …", "Exported …", "Signing as …"): it goes by
    /// itself after [`crate::app::theme::TOAST_SECONDS`], so messages do not pile up. Warnings,
    /// errors and anything with findings stay until dismissed.
    pub fn is_toast(&self) -> bool {
        self.kind == NoticeKind::Info && self.findings.is_empty()
    }

    pub fn is_error(&self) -> bool {
        self.kind == NoticeKind::Error
    }
}
