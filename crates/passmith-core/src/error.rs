//! The engine's error type: every failure says which file or field it is about.

use std::path::PathBuf;

/// Everything that can go wrong in the engine. Messages are written for people who are not
/// developers: what is wrong, then how to fix it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("could not {action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{file} is not valid JSON at line {line}, column {column}: {message}")]
    JsonSyntax {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },

    #[error("pass.json: the value at {path} has the wrong type: {message}")]
    JsonType { path: String, message: String },

    #[error("{file}, line {line}: {message}")]
    Strings {
        file: String,
        line: usize,
        message: String,
    },

    #[error("{path} is not a pass folder: {reason}")]
    NotAPassFolder { path: PathBuf, reason: String },

    /// A certificate or key that cannot be used for signing.
    #[error("{0}")]
    Identity(#[from] crate::identity::IdentityProblem),

    /// A `.pkpass` that is damaged or unsafe to open.
    #[error("{0}")]
    Archive(#[from] crate::archive::ArchiveProblem),

    /// OpenSSL refused to sign (should not happen with a loaded identity).
    #[error("signing the pass failed: {reason}")]
    Signing { reason: String },

    /// A package or bundle that cannot be built as asked (too many passes, bad file names, …).
    #[error("{reason}")]
    Package { reason: String },
}

impl Error {
    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
        source: std::io::Error,
    ) -> Error {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }
}
