//! The app's single doorway to the engine (`passmith_core`): validation, opening files, signing
//! identities and export. The GUI never signs, zips or validates by itself; it calls these.

use std::path::Path;

use passmith_core::export::{ExportOptions, Refused, Signed};
use passmith_core::identity::IdentitySummary;
use passmith_core::{Finding, PassDocument};

/// A document read from disk, with what the package said about itself.
pub struct OpenedPass {
    pub document: PassDocument,
    /// For a `.pkpass`: the signature status in plain words; `None` for a `.pass` folder.
    pub signature: Option<String>,
    /// Manifest/signature problems of a `.pkpass`.
    pub package_findings: Vec<Finding>,
    /// What opening a `.pass` folder had to repair after an interrupted save, in plain words.
    pub recovered: Vec<String>,
}

/// A loaded signing identity (certificate + key), ready to sign.
pub struct LoadedIdentity {
    pub summary: IdentitySummary,
    pub identity: passmith_core::identity::Identity,
}

/// Everything wrong with the document, as the engine sees it.
pub fn validate(
    doc: &PassDocument,
    identity: Option<&IdentitySummary>,
    now_unix: i64,
) -> Vec<Finding> {
    let ctx = passmith_core::validate::ValidationContext {
        identity: identity.cloned(),
        now_unix,
    };
    passmith_core::validate::validate(doc, &ctx)
}

/// Opens a `.pass` folder or a `.pkpass` file.
pub fn open_path(path: &Path) -> Result<OpenedPass, passmith_core::Error> {
    passmith_core::archive::open_path(path, now_unix()).map(opened_pass)
}

/// What a path turned out to hold: one pass, or a `.pkpasses` bundle to choose from.
pub enum Opening {
    Pass(Box<OpenedPass>),
    Bundle(Vec<BundledChoice>),
}

/// One pass of a bundle, as the chooser lists it.
pub struct BundledChoice {
    /// Its file name inside the bundle.
    pub name: String,
    /// The pass, or why it cannot be opened.
    pub pass: Result<OpenedPass, String>,
}

impl BundledChoice {
    /// "Coupon.pkpass — Paw Planet coupon (signed by …)", or the reason it cannot open.
    pub fn describe(&self) -> String {
        match &self.pass {
            Ok(p) => {
                let what = &p.document.pass.description;
                let sig = p.signature.as_deref().unwrap_or("Not signed");
                format!("{} — {what} ({sig})", self.name)
            }
            Err(e) => format!("{} — cannot be opened: {e}", self.name),
        }
    }
}

/// Reads a `.pass` folder, a `.pkpass` or a `.pkpasses` bundle (told apart by content).
pub fn open_any(path: &Path) -> Result<Opening, passmith_core::Error> {
    use passmith_core::bundle::{self, Contents};
    Ok(match bundle::open_path(path, now_unix())? {
        Contents::Pass(opened) => Opening::Pass(Box::new(opened_pass(*opened))),
        Contents::Bundle(b) => Opening::Bundle(
            b.passes
                .into_iter()
                .map(|p| BundledChoice {
                    name: p.name,
                    pass: p.pass.map(opened_pass).map_err(|e| e.to_string()),
                })
                .collect(),
        ),
    })
}

fn opened_pass(opened: passmith_core::archive::Opened) -> OpenedPass {
    let (signature, package_findings) = match &opened.package {
        None => (None, Vec::new()),
        Some(report) => (Some(signature_words(&report.signature)), report.findings()),
    };
    OpenedPass {
        document: opened.document,
        signature,
        package_findings,
        recovered: opened.recovered.iter().map(ToString::to_string).collect(),
    }
}

fn signature_words(status: &passmith_core::archive::SignatureStatus) -> String {
    use passmith_core::archive::SignatureStatus;
    match status {
        SignatureStatus::Valid { signer, .. } => format!("Signed by {}", signer.subject),
        SignatureStatus::Invalid { reason } => format!("Signature is not valid: {reason}"),
        SignatureStatus::Missing => "Not signed".to_owned(),
    }
}

/// Reads a `.p12` with its password.
pub fn load_identity(p12: &[u8], password: &str) -> Result<LoadedIdentity, passmith_core::Error> {
    let identity = passmith_core::identity::Identity::from_pkcs12(p12, password)?;
    Ok(LoadedIdentity {
        summary: identity.summary(),
        identity,
    })
}

/// Validates, signs and packages the document through the export gate, exactly as
/// `passmith build` does. `wwdr_pem = None` uses Apple's bundled WWDR G4.
pub fn export(
    doc: &PassDocument,
    identity: &LoadedIdentity,
    wwdr_pem: Option<&[u8]>,
    now_unix: i64,
) -> Result<Signed, Refused> {
    let opts = ExportOptions { now_unix, wwdr_pem };
    passmith_core::export::prepare(doc, &identity.identity, &opts)
}

/// Uploads a signed `.pkpass` to passmith-server (blocking: call it off the UI thread).
pub fn upload_pass(
    server: &str,
    api_key: &str,
    pkpass: &[u8],
) -> Result<crate::upload::Uploaded, crate::upload::UploadError> {
    crate::upload::upload(server, api_key, pkpass)
}

/// Asks passmith-server to notify every device of a pass (blocking: call it off the UI
/// thread). Returns how many devices were queued.
pub fn push_update(
    server: &str,
    api_key: &str,
    pass_type_id: &str,
    serial: &str,
) -> Result<u64, crate::upload::UploadError> {
    crate::upload::Client::new(server, api_key)?.push(pass_type_id, serial)
}

/// Seconds since the Unix epoch, for expiry checks.
pub fn now_unix() -> i64 {
    passmith_core::time::now_unix()
}
