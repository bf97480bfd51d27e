//! Reading an uploaded `.pkpass`: which pass it is, its web-service token, and whether its
//! signature holds. Everything the management API needs from the engine goes through
//! [`inspect`], which uses the engine's `archive::read_pkpass`.

use sha2::{Digest, Sha256};

/// Why an upload was refused. Messages are shown to the person uploading.
#[derive(Debug, thiserror::Error)]
pub enum PkpassError {
    #[error("the upload is not a readable .pkpass: {0}")]
    Unreadable(String),
    #[error(
        "the pass's signature is not valid: {0}. Sign the pass again with its Pass Type ID certificate"
    )]
    BadSignature(String),
    #[error(
        "pass.json has no {0}: the update server needs it. Set webServiceURL to this server and give the pass an authenticationToken of at least 16 characters"
    )]
    Missing(&'static str),
    #[error(
        "pass.json's authenticationToken is too short ({0} characters); Wallet needs at least 16"
    )]
    ShortToken(usize),
}

/// The facts the server keeps about an uploaded pass.
#[derive(Debug, Clone)]
pub struct UploadedPass {
    pub pass_type_id: String,
    pub serial: String,
    pub auth_token: String,
    pub web_service_url: Option<String>,
    /// SHA-256 of the upload, hex; identical uploads don't count as changes.
    pub content_sha256: String,
}

/// Reads and checks an uploaded package with the engine's defensive reader: the archive must
/// be safe, manifest.json must match every file, and the signature must verify and carry a
/// signer matching pass.json. Warnings (a test intermediate, an expiring certificate) are allowed.
pub fn inspect(bytes: &[u8]) -> Result<UploadedPass, PkpassError> {
    let opened = passmith_core::archive::read_pkpass(bytes, passmith_core::time::now_unix())
        .map_err(|e| PkpassError::Unreadable(e.to_string()))?;
    let report = opened
        .package
        .ok_or_else(|| PkpassError::Unreadable("it is not a package".into()))?;
    let errors: Vec<String> = report
        .findings()
        .into_iter()
        .filter(|f| f.severity == passmith_core::Severity::Error)
        .map(|f| f.message)
        .collect();
    if !report.is_intact() || !errors.is_empty() {
        let reason = if errors.is_empty() {
            "manifest.json or the signature does not match the files".to_owned()
        } else {
            errors.join(" ")
        };
        return Err(PkpassError::BadSignature(reason));
    }
    let pass = opened.document.pass;
    let auth_token = pass
        .authentication_token
        .clone()
        .ok_or(PkpassError::Missing("authenticationToken"))?;
    if auth_token.chars().count() < 16 {
        return Err(PkpassError::ShortToken(auth_token.chars().count()));
    }
    if pass.pass_type_identifier.is_empty() {
        return Err(PkpassError::Missing("passTypeIdentifier"));
    }
    if pass.serial_number.is_empty() {
        return Err(PkpassError::Missing("serialNumber"));
    }
    Ok(UploadedPass {
        pass_type_id: pass.pass_type_identifier.clone(),
        serial: pass.serial_number.clone(),
        auth_token,
        web_service_url: pass.web_service_url.clone(),
        content_sha256: hex::encode(Sha256::digest(bytes)),
    })
}
