//! The one kind of message the designer shows the user: a title and a few plain lines, with how
//! serious it is. The notice area, the update server window and every action report through it.

/// How serious a message to the user is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    Info,
    Warning,
    Error,
}

/// A message: what happened (`title`) and what to know or do about it (`lines`).
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub kind: NoticeKind,
    pub title: String,
    pub lines: Vec<String>,
}

impl Notice {
    pub fn new(kind: NoticeKind, title: impl Into<String>) -> Notice {
        Notice {
            kind,
            title: title.into(),
            lines: Vec::new(),
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

    /// Adds one line.
    pub fn line(mut self, line: impl Into<String>) -> Notice {
        self.lines.push(line.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.kind == NoticeKind::Error
    }
}
