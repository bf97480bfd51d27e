//! The export gate: the one way a pass leaves the program.
//!
//! [`prepare`] validates the document against the signing identity at the caller's `now`, adds
//! what only signing knows (does the embedded intermediate fit the certificate), refuses while any
//! of it is an error, and otherwise signs and packages the pass — then reads the package back as
//! an iPhone would (manifest, signature, which intermediate it carries) and reports what that
//! shows. The designer's export and upload, `passmith build` and `passmith upload` all call it, so
//! they block on the same errors and warn with the same findings (e.g.
//! `package.intermediate_not_apple` for a pass signed with a test intermediate).

use crate::document::PassDocument;
use crate::error::Error;
use crate::finding::Finding;
use crate::identity::Identity;
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
    let ctx = ValidationContext::at(opts.now_unix).with_identity(identity.summary());
    let mut findings = validate(doc, &ctx);
    findings.extend(crate::sign::intermediate_findings(identity, opts.wwdr_pem));
    if errors(&findings).next().is_some() {
        return Err(blocked(findings));
    }
    let bytes = crate::package::build_pkpass(doc, identity, opts.wwdr_pem)?;
    // What an iPhone will see in the package itself. The signer-versus-pass.json comparison was
    // already made above, so only the package's own findings are added.
    let opened = crate::archive::read_pkpass(&bytes, opts.now_unix)?;
    if let Some(report) = &opened.package {
        findings.extend(report.package_findings());
    }
    if errors(&findings).next().is_some() {
        return Err(blocked(findings));
    }
    Ok(Signed {
        bytes,
        warnings: findings,
    })
}

fn blocked(mut findings: Vec<Finding>) -> Refused {
    // Stable: errors first, each kind in the order it was found.
    findings.sort_by_key(|f| !f.is_error());
    Refused::Blocked { findings }
}
