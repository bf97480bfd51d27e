//! `passmith build <PASS_DIR> --cert … -o OUT.pkpass`: validates a pass folder against the signing
//! certificate and, only when nothing blocks it, writes a signed `.pkpass`.
//!
//! The certificate password is never a plain flag (it would end up in shell history and `ps`):
//! it comes from `--password-file`, else `PASSMITH_CERT_PASSWORD`, else a prompt when a person is
//! at a terminal. Exit codes: 0 written, 1 not written (validation errors, a pass.json with a
//! mistake, wrong password, expired or mismatched certificate, signing failure), 2 an input could
//! not be read.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use passmith_core::error::Error;
use passmith_core::export::{self, ExportOptions, Refused};
use passmith_core::identity::IdentityProblem;
use passmith_core::validate::load_error_finding;
use passmith_core::{Identity, PassDocument};

use super::{EXIT_FAILED, EXIT_OK, EXIT_UNREADABLE};

/// The environment variable read for the certificate password.
pub const PASSWORD_ENV: &str = "PASSMITH_CERT_PASSWORD";

/// Arguments of `passmith build`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The pass folder to sign (`Name.pass/` with a pass.json).
    pub pass_dir: PathBuf,
    #[command(flatten)]
    pub signing: Signing,
    /// Where to write the .pkpass.
    #[arg(short, long)]
    pub output: PathBuf,
}

/// How to sign: shared by `build` and `batch`.
#[derive(Debug, clap::Args)]
pub struct Signing {
    /// The Pass Type ID certificate: a .p12 with its private key, or a PEM certificate.
    #[arg(long)]
    pub cert: PathBuf,
    /// The PEM private key, when --cert is a PEM certificate without its key in the same file.
    #[arg(long)]
    pub key: Option<PathBuf>,
    /// A file whose first line is the certificate (or key) password. Without it the password comes
    /// from PASSMITH_CERT_PASSWORD, or is asked for when run in a terminal.
    #[arg(long)]
    pub password_file: Option<PathBuf>,
    /// The WWDR intermediate certificate (PEM) to embed. Default: Apple's WWDR G4, built in.
    #[arg(long)]
    pub wwdr: Option<PathBuf>,
}

/// Why the command stopped: the exit code and what to tell the user.
pub(super) struct Stop(pub u8, pub String);

impl Stop {
    pub(super) fn unreadable(message: String) -> Stop {
        Stop(EXIT_UNREADABLE, message)
    }
    pub(super) fn failed(message: String) -> Stop {
        Stop(EXIT_FAILED, message)
    }
}

pub fn run(args: Args) -> anyhow::Result<u8> {
    match build(&args) {
        Ok(()) => Ok(EXIT_OK),
        Err(Stop(code, message)) => {
            eprintln!("error: {message}");
            Ok(code)
        }
    }
}

fn build(args: &Args) -> Result<(), Stop> {
    let doc = read_pass(&args.pass_dir)?;
    let identity = load_identity(&args.signing)?;
    let wwdr = read_wwdr(&args.signing)?;

    let summary = identity.summary();
    let now = passmith_core::time::now_unix();
    let opts = ExportOptions {
        now_unix: now,
        wwdr_pem: wwdr.as_deref(),
    };
    let name = args.pass_dir.display().to_string();
    let signed = match export::prepare(&doc, &identity, &opts) {
        Ok(signed) => signed,
        Err(Refused::Failed(e)) => return Err(Stop::failed(e.to_string())),
        Err(Refused::Blocked { findings }) => {
            let _ = super::validate::write_report(&mut std::io::stderr().lock(), &name, &findings);
            let codes: Vec<&str> = findings
                .iter()
                .filter(|f| f.is_error())
                .map(|f| f.code.as_str())
                .collect();
            let errors = codes.len();
            // A certificate that cannot sign at all deserves its own headline, not just a count.
            let headline = match identity.ensure_valid_at(now) {
                Err(e) => format!("{}: {e}. ", args.signing.cert.display()),
                Ok(()) if codes.iter().any(|c| c.starts_with("identity.")) => format!(
                    "the certificate ({}, team {}) does not match pass.json. ",
                    summary.pass_type_identifier.as_deref().unwrap_or("?"),
                    summary.team_identifier.as_deref().unwrap_or("?")
                ),
                Ok(()) => String::new(),
            };
            return Err(Stop::failed(format!(
                "{headline}{} was not written: the pass has {errors} error{} ({}), listed above. Fix them and build again.",
                args.output.display(),
                if errors == 1 { "" } else { "s" },
                codes.join(", ")
            )));
        }
    };
    if !signed.warnings.is_empty() {
        let _ =
            super::validate::write_report(&mut std::io::stderr().lock(), &name, &signed.warnings);
    }
    passmith_core::document::write_file_atomically(&args.output, &signed.bytes)
        .map_err(|e| Stop::failed(e.to_string()))?;
    println!(
        "Wrote {} ({} bytes), signed by \"{}\".",
        args.output.display(),
        signed.bytes.len(),
        summary.subject
    );
    Ok(())
}

fn read_pass(dir: &Path) -> Result<PassDocument, Stop> {
    PassDocument::read_dir(dir).map_err(|err| match load_error_finding(&err) {
        // The folder was read and its pass.json has an error, as `validate` reports it: exit 1,
        // the same rule as every command (2 is for input that cannot be read at all).
        Some(f) => Stop::failed(format!(
            "{}: {}: {} Nothing was written.",
            dir.display(),
            f.path,
            f.message
        )),
        None => Stop::unreadable(format!(
            "cannot read the pass folder {}: {err}",
            dir.display()
        )),
    })
}

/// The `--wwdr` file's bytes, when one was given.
pub(super) fn read_wwdr(args: &Signing) -> Result<Option<Vec<u8>>, Stop> {
    match &args.wwdr {
        Some(path) => Ok(Some(read(path, "WWDR intermediate certificate")?)),
        None => Ok(None),
    }
}

fn read(path: &Path, what: &str) -> Result<Vec<u8>, Stop> {
    std::fs::read(path)
        .map_err(|e| Stop::unreadable(format!("cannot read the {what} {}: {e}", path.display())))
}

/// Where the password comes from, in order of preference.
fn given_password(args: &Signing) -> Result<Option<String>, Stop> {
    if let Some(path) = &args.password_file {
        let text = String::from_utf8(read(path, "password file")?).map_err(|_| {
            Stop::unreadable(format!(
                "the password file {} is not UTF-8 text",
                path.display()
            ))
        })?;
        // The first line, without its line ending; spaces inside a password are kept.
        let first = text.lines().next().unwrap_or("");
        return Ok(Some(first.to_owned()));
    }
    match std::env::var(PASSWORD_ENV) {
        Ok(pw) => Ok(Some(pw)),
        Err(std::env::VarError::NotUnicode(_)) => {
            Err(Stop::failed(format!("{PASSWORD_ENV} is not valid text")))
        }
        Err(std::env::VarError::NotPresent) => Ok(None),
    }
}

/// Asks at the terminal, or explains how to give the password when nobody is there to ask.
fn prompt_password(cert: &Path) -> Result<String, Stop> {
    if !std::io::stdin().is_terminal() {
        return Err(Stop::failed(format!(
            "{} needs a password. Put it in a file and add --password-file FILE, or set {PASSWORD_ENV}.",
            cert.display()
        )));
    }
    rpassword::prompt_password(format!("Password for {}: ", cert.display()))
        .map_err(|e| Stop::failed(format!("could not read the password: {e}")))
}

pub(super) fn load_identity(args: &Signing) -> Result<Identity, Stop> {
    let cert = read(&args.cert, "certificate")?;
    let key = match &args.key {
        Some(path) => Some(read(path, "private key")?),
        None => None,
    };
    let given = given_password(args)?;
    let is_pem = cert.windows(10).any(|w| w == b"-----BEGIN");
    let attempt = |password: Option<&str>| -> Result<Identity, Error> {
        if is_pem {
            Identity::from_pem(&cert, key.as_deref().unwrap_or(&cert), password)
        } else {
            Identity::from_pkcs12(&cert, password.unwrap_or(""))
        }
    };
    let result = match &given {
        Some(pw) => attempt(Some(pw)),
        // Many exports have no password; only ask when one is needed.
        None => match attempt(None) {
            Err(Error::Identity(
                IdentityProblem::WrongPassword | IdentityProblem::KeyNeedsPassword,
            )) => {
                let pw = prompt_password(&args.cert)?;
                attempt(Some(&pw))
            }
            other => other,
        },
    };
    result.map_err(|e| {
        let source = match (&e, &given, &args.password_file) {
            (Error::Identity(IdentityProblem::WrongPassword), Some(_), Some(file)) => {
                format!(" (password taken from {})", file.display())
            }
            (Error::Identity(IdentityProblem::WrongPassword), Some(_), None) => {
                format!(" (password taken from {PASSWORD_ENV})")
            }
            _ => String::new(),
        };
        Stop::failed(format!("{}: {e}{source}", args.cert.display()))
    })
}
