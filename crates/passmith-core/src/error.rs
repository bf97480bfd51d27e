//! The engine's error types: every failure says which file or field it is about.
//!
//! This module depends on nothing else in the crate (the other modules depend on it), so the
//! crate's imports stay a tree.

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
    Identity(#[from] IdentityProblem),

    /// A `.pkpass` that is damaged or unsafe to open.
    #[error("{0}")]
    Archive(#[from] ArchiveProblem),

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

/// Why a certificate file could not be used for signing. Each has its own message and fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdentityProblem {
    #[error(
        "the password for the certificate file is wrong. Check the password you chose when you exported the .p12 from Keychain Access"
    )]
    WrongPassword,
    #[error(
        "the certificate file has no private key in it. Export the certificate together with its key (in Keychain Access, expand the certificate and export both as one .p12), or pass the key with --key"
    )]
    NoPrivateKey,
    #[error("the certificate file has no certificate in it")]
    NoCertificate,
    #[error(
        "\"{subject}\" is not a Pass Type ID certificate. Create one at developer.apple.com under Certificates, Identifiers & Profiles → Pass Type IDs"
    )]
    NotPassTypeCertificate { subject: String },
    #[error(
        "the private key does not belong to the certificate \"{subject}\". Use the key that was created together with this certificate"
    )]
    KeyDoesNotMatch { subject: String },
    #[error(
        "the certificate \"{subject}\" expired on {date}. Create a new Pass Type ID certificate at developer.apple.com and export it again"
    )]
    Expired { subject: String, date: String },
    #[error(
        "the certificate \"{subject}\" is not valid until {date}. Check the computer's clock, or wait until then"
    )]
    NotYetValid { subject: String, date: String },
    #[error(
        "this .p12 uses old encryption (RC2/3DES, as older Keychain exports do) and OpenSSL's legacy provider could not be loaded ({reason}). Install OpenSSL's legacy module (ossl-modules/legacy.so) or re-export the .p12 with AES encryption"
    )]
    LegacyUnavailable { reason: String },
    #[error("the certificate file could not be read: {reason}")]
    Unreadable { reason: String },
    #[error("the private key could not be read: {reason}")]
    KeyUnreadable { reason: String },
    #[error("the private key is encrypted; a password is needed to read it")]
    KeyNeedsPassword,
}

/// Why a `.pkpass` was refused. Each says what is wrong with the file in plain words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ArchiveProblem {
    #[error("the file is not a .pkpass (zip) archive: {reason}")]
    NotAZip { reason: String },
    #[error("the archive is damaged: {reason}")]
    Corrupt { reason: String },
    #[error("the archive has {count} entries; a pass has at most {max}, so it was not opened")]
    TooManyEntries { count: usize, max: usize },
    #[error(
        "the entry \"{name}\" tries to leave the pass folder (\"..\"); the file is unsafe and was not opened"
    )]
    PathTraversal { name: String },
    #[error(
        "the entry \"{name}\" has an absolute path; files in a pass must sit at the archive root"
    )]
    AbsolutePath { name: String },
    #[error(
        "the entry \"{name}\" contains a backslash; zip paths use \"/\" and this file may be built to escape its folder"
    )]
    Backslash { name: String },
    #[error(
        "the entry \"{name}\" starts with a drive letter; the file is unsafe and was not opened"
    )]
    DriveLetter { name: String },
    #[error("the entry name \"{name}\" is empty or contains control characters")]
    BadName { name: String },
    #[error("the entry \"{name}\" is a symbolic link; passes may only contain real files")]
    Symlink { name: String },
    #[error("the archive contains \"{name}\" more than once; it is ambiguous which copy is meant")]
    Duplicate { name: String },
    #[error(
        "the archive contains the same file name more than once; it is ambiguous which copy is meant"
    )]
    DuplicateNames,
    #[error("the entry \"{name}\" is encrypted; passes are never encrypted")]
    Encrypted { name: String },
    #[error("the entry \"{name}\" is {size} bytes uncompressed; a pass file may be at most 50 MB")]
    EntryTooLarge { name: String, size: u64 },
    #[error("the archive holds {total} bytes uncompressed; a pass may be at most 200 MB in total")]
    TotalTooLarge { total: u64 },
    #[error(
        "the entry \"{name}\" expands {ratio}:1 when decompressed; that marks a zip bomb, so it was not opened"
    )]
    ZipBomb { name: String, ratio: u64 },
    #[error(
        "the entry \"{name}\" holds more data than its header declares; the archive is damaged or hostile"
    )]
    SizeMismatch { name: String },
    #[error(
        "the pass files are inside a folder (\"{folder}/\") instead of at the top of the archive; zip the files themselves, not the folder that holds them"
    )]
    NotAtRoot { folder: String },
    #[error("the archive has no pass.json, so it is not a pass")]
    NoPassJson,
    #[error(
        "the file is a .pkpasses bundle of {passes} passes, not a single pass; `passmith inspect` lists them, and each .pkpass inside can be opened on its own"
    )]
    IsBundle { passes: usize },
    #[error("the archive holds no .pkpass files, so it is not a .pkpasses bundle")]
    NotABundle,
}
