//! The export gate: the one way a pass leaves the program.
//!
//! [`prepare`] validates the document against the signing identity at the caller's `now`, adds
//! what only signing knows (does the embedded intermediate fit the certificate), refuses while any
//! of it is an error, and otherwise signs and packages the pass — then reads the package back as
//! an iPhone would (manifest, signature, which intermediate it carries) and reports what that
//! shows. The designer's export and upload, `passmith build` and `passmith upload` all call it, so
//! they block on the same errors and warn with the same findings (e.g.
//! `package.intermediate_not_apple` for a pass signed with a test intermediate).

use std::io::{Cursor, Seek, Write};

use openssl::x509::X509;

use crate::document::PassDocument;
use crate::error::Error;
use crate::finding::Finding;
use crate::identity::Identity;
use crate::package::SharedHashes;
use crate::validate::{ValidationContext, validate};

/// What an export needs besides the document and the identity.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExportOptions<'a> {
    /// The current time (seconds since the Unix epoch), read by the caller
    /// ([`crate::time::now_unix`]): certificate expiry and expired passes are checked at it.
    pub now_unix: i64,
    /// The WWDR intermediate to embed (PEM); `None` embeds Apple's WWDR G4, built in.
    pub wwdr_pem: Option<&'a [u8]>,
}

impl<'a> ExportOptions<'a> {
    /// Export at `now_unix`, embedding Apple's WWDR G4.
    pub fn at(now_unix: i64) -> ExportOptions<'a> {
        ExportOptions {
            now_unix,
            wwdr_pem: None,
        }
    }

    /// The same options, embedding this WWDR intermediate (PEM) instead.
    pub fn with_wwdr(self, wwdr_pem: &'a [u8]) -> ExportOptions<'a> {
        ExportOptions {
            wwdr_pem: Some(wwdr_pem),
            ..self
        }
    }
}

/// A signed `.pkpass` and the warnings that did not block it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    pub bytes: Vec<u8>,
    pub warnings: Vec<Finding>,
}

/// Why nothing was exported.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    /// Findings with at least one error (warnings listed too, errors first).
    #[error("the pass has {} error(s): {}", errors(.findings).count(), error_codes(.findings))]
    Blocked { findings: Vec<Finding> },
    /// The pass could not be packaged or signed (a file name that cannot go into a package, an
    /// unreadable WWDR file, OpenSSL refusing).
    #[error(transparent)]
    Failed(#[from] Error),
}

impl Refused {
    /// The findings behind a [`Refused::Blocked`]; empty for a failure.
    pub fn findings(&self) -> &[Finding] {
        match self {
            Refused::Blocked { findings } => findings,
            Refused::Failed(_) => &[],
        }
    }
}

fn errors(findings: &[Finding]) -> impl Iterator<Item = &Finding> {
    findings.iter().filter(|f| f.is_error())
}

fn error_codes(findings: &[Finding]) -> String {
    errors(findings)
        .map(|f| f.code.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Validates, signs and packages `doc` with `identity`; see the module documentation.
pub fn prepare(
    doc: &PassDocument,
    identity: &Identity,
    opts: &ExportOptions<'_>,
) -> Result<Signed, Refused> {
    let gate = Gate::open(identity, opts);
    let mut out = Cursor::new(Vec::new());
    let warnings = gate.write(doc, &mut out)?;
    let bytes = out.into_inner();
    let warnings = gate.read_back(&bytes, warnings)?;
    Ok(Signed { bytes, warnings })
}

/// The export gate held open for many passes signed with one identity (a batch): the
/// intermediate is parsed and judged once, and a design's shared files are hashed once
/// ([`Gate::sharing_files_of`]). Each pass still goes through the same validation as
/// [`prepare`]; `Gate` is `Sync`, so many threads can write through one.
pub struct Gate<'a> {
    identity: &'a Identity,
    now_unix: i64,
    intermediates: Result<Vec<X509>, String>,
    signing_findings: Vec<Finding>,
    hashes: SharedHashes,
}

impl<'a> Gate<'a> {
    /// Opens the gate for `identity`; a WWDR file that cannot be read refuses every pass written
    /// through it (after its own validation, as [`prepare`] reports).
    pub fn open(identity: &'a Identity, opts: &ExportOptions<'_>) -> Gate<'a> {
        Gate {
            identity,
            now_unix: opts.now_unix,
            intermediates: crate::sign::parse_intermediates(opts.wwdr_pem)
                .map_err(|e| e.to_string()),
            signing_findings: crate::sign::intermediate_findings(identity, opts.wwdr_pem),
            hashes: SharedHashes::default(),
        }
    }

    /// The time passes are checked at.
    pub fn now_unix(&self) -> i64 {
        self.now_unix
    }

    /// Hashes `design`'s files once; every pass that still shares them skips hashing them.
    pub fn sharing_files_of(mut self, design: &PassDocument) -> Gate<'a> {
        self.hashes = SharedHashes::of(design);
        self
    }

    /// What blocks or warns about `doc`: its validation against the identity at the gate's time,
    /// and whether the embedded intermediate fits the certificate.
    pub fn check(&self, doc: &PassDocument) -> Vec<Finding> {
        let ctx = ValidationContext::at(self.now_unix).with_identity(self.identity.summary());
        let mut findings = validate(doc, &ctx);
        findings.extend(self.signing_findings.iter().cloned());
        findings
    }

    /// Checks `doc` and, when no error blocks it, streams the signed `.pkpass` to `out`.
    /// Returns the warnings. Nothing is written to `out` when the pass is refused for its findings.
    pub fn write<W: Write + Seek>(
        &self,
        doc: &PassDocument,
        out: W,
    ) -> Result<Vec<Finding>, Refused> {
        let findings = self.check(doc);
        if errors(&findings).next().is_some() {
            return Err(blocked(findings));
        }
        let intermediates = self.intermediates.as_ref().map_err(|reason| {
            Refused::Failed(Error::Package {
                reason: reason.clone(),
            })
        })?;
        crate::package::write_pkpass(doc, self.identity, intermediates, &self.hashes, out)?;
        Ok(findings)
    }

    /// Reads a package written through this gate back as an iPhone would (manifest, signature,
    /// which intermediate it carries), adding what that shows to `findings`; refuses when it
    /// shows an error.
    pub fn read_back(
        &self,
        bytes: &[u8],
        mut findings: Vec<Finding>,
    ) -> Result<Vec<Finding>, Refused> {
        // The signer-versus-pass.json comparison was already made by `check`, so only the
        // package's own findings are added.
        let opened = crate::archive::read_pkpass(bytes, self.now_unix)?;
        if let Some(report) = &opened.package {
            findings.extend(report.package_findings());
        }
        if errors(&findings).next().is_some() {
            return Err(blocked(findings));
        }
        Ok(findings)
    }
}

fn blocked(mut findings: Vec<Finding>) -> Refused {
    // Stable: errors first, each kind in the order it was found.
    findings.sort_by_key(|f| !f.is_error());
    Refused::Blocked { findings }
}

/// What a Google Wallet export needs besides the document.
#[derive(Debug, Clone, Default)]
pub struct GoogleExportOptions<'a> {
    /// The current time (seconds since the Unix epoch): the save link's `iat`.
    pub now_unix: i64,
    /// Issuer ID, type override and image base URL.
    pub map: crate::google::MapOptions,
    /// The service-account key that signs the save link; `None` gives no link.
    pub key: Option<&'a crate::google::jwt::ServiceAccountKey>,
    /// The web pages allowed to show the save button (the JWT's `origins`).
    pub origins: Vec<String>,
}

/// A pass as Google Wallet takes it, and the warnings that did not block it.
#[derive(Debug, Clone, PartialEq)]
pub struct GoogleExport {
    pub mapped: crate::google::Mapped,
    pub link: Option<crate::google::jwt::SaveLink>,
    pub warnings: Vec<Finding>,
}

/// The export gate's Google path: maps `doc` ([`crate::google::map`]), refuses while a finding
/// is an error (what Google refuses), and otherwise signs the save link — with the object only
/// when class and object together would be too long (`google.link_too_long`). Apple's own
/// validation is not applied: its errors are about what iPhones refuse.
pub fn prepare_google(
    doc: &PassDocument,
    opts: &GoogleExportOptions<'_>,
) -> Result<GoogleExport, Refused> {
    use crate::code::Code;
    use crate::path::PassPath;

    let mapped = crate::google::map(doc, &opts.map);
    let mut findings = mapped.findings.clone();
    if errors(&findings).next().is_some() {
        return Err(blocked(findings));
    }
    let link = match opts.key {
        Some(key) => {
            let link = crate::google::jwt::save_link(
                key,
                mapped.google_type,
                &mapped.class,
                &mapped.object,
                &opts.origins,
                opts.now_unix,
            )
            .map_err(|e| Error::Signing {
                reason: e.to_string(),
            })?;
            let first = match link.carries {
                crate::google::jwt::Carries::ClassAndObject => None,
                crate::google::jwt::Carries::Object => Some(format!(
                    "so the link carries only the object ({} characters): the class {} must be created first",
                    link.jwt.len(),
                    mapped.class_id()
                )),
                crate::google::jwt::Carries::ObjectId => Some(format!(
                    "and so would the object alone, so the link carries only the object's id: the class {} and the object {} must be created first",
                    mapped.class_id(),
                    mapped.object_id()
                )),
            };
            if let Some(first) = first {
                findings.push(Finding::new(
                    Code::GoogleLinkTooLong,
                    PassPath::Pass,
                    format!(
                        "Class and object together make the save link longer than {} characters, {first}.",
                        crate::google::jwt::MAX_LINK_JWT,
                    ),
                    "Create them through the REST API (passmith google --insert) before sharing the link.",
                ));
            }
            Some(link)
        }
        None => None,
    };
    Ok(GoogleExport {
        mapped,
        link,
        warnings: findings,
    })
}
