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
}

impl Error {
    pub(crate) fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }
}
