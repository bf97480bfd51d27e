//! Reading an uploaded `.pkpass`: which pass it is, its web-service token, and whether its
//! signature holds. Everything the management API needs from the engine goes through
//! [`inspect`], so this is the one place that knows how a package is checked.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

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

/// Largest single entry we decompress; real passes are a few hundred kB.
const MAX_ENTRY: u64 = 20 * 1024 * 1024;

/// Reads and checks an uploaded package.
pub fn inspect(bytes: &[u8]) -> Result<UploadedPass, PkpassError> {
    let files = unzip(bytes)?;
    verify(&files)?;
    let pass_json = files
        .get("pass.json")
        .ok_or_else(|| PkpassError::Unreadable("it has no pass.json".into()))?;
    let pass = passmith_core::json::parse_pass(pass_json)
        .map_err(|e| PkpassError::Unreadable(e.to_string()))?;
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

fn unzip(bytes: &[u8]) -> Result<BTreeMap<String, Vec<u8>>, PkpassError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| PkpassError::Unreadable(format!("not a zip archive ({e})")))?;
    let mut files = BTreeMap::new();
    for i in 0..zip.len() {
        let entry = zip
            .by_index(i)
            .map_err(|e| PkpassError::Unreadable(format!("damaged entry ({e})")))?;
        if entry.is_dir() {
            continue;
        }
        let name = entry
            .name()
            .map_err(|e| PkpassError::Unreadable(format!("an entry has an unreadable name ({e})")))?
            .into_owned();
        let mut data = Vec::new();
        entry
            .take(MAX_ENTRY + 1)
            .read_to_end(&mut data)
            .map_err(|e| PkpassError::Unreadable(format!("cannot read {name} ({e})")))?;
        if data.len() as u64 > MAX_ENTRY {
            return Err(PkpassError::Unreadable(format!(
                "{name} is larger than 20 MB"
            )));
        }
        files.insert(name, data);
    }
    Ok(files)
}

/// Manifest hashes must match every file, and the detached PKCS#7 signature must verify over
/// manifest.json with the certificate it carries.
fn verify(files: &BTreeMap<String, Vec<u8>>) -> Result<(), PkpassError> {
    use openssl::pkcs7::{Pkcs7, Pkcs7Flags};
    use openssl::stack::Stack;
    use openssl::x509::store::X509StoreBuilder;

    let manifest = files
        .get("manifest.json")
        .ok_or_else(|| PkpassError::BadSignature("manifest.json is missing".into()))?;
    let signature = files
        .get("signature")
        .ok_or_else(|| PkpassError::BadSignature("the signature file is missing".into()))?;
    let listed: BTreeMap<String, String> = serde_json::from_slice(manifest)
        .map_err(|e| PkpassError::BadSignature(format!("manifest.json is not valid ({e})")))?;
    for (name, data) in files {
        if name == "manifest.json" || name == "signature" {
            continue;
        }
        let actual = hex::encode(sha1_digest(data));
        match listed.get(name) {
            Some(h) if h.eq_ignore_ascii_case(&actual) => {}
            Some(_) => {
                return Err(PkpassError::BadSignature(format!(
                    "{name} was changed after signing"
                )));
            }
            None => {
                return Err(PkpassError::BadSignature(format!(
                    "{name} is not in manifest.json"
                )));
            }
        }
    }
    if let Some(name) = listed.keys().find(|n| !files.contains_key(*n)) {
        return Err(PkpassError::BadSignature(format!(
            "{name} is listed in manifest.json but missing"
        )));
    }
    let pkcs7 = Pkcs7::from_der(signature)
        .map_err(|_| PkpassError::BadSignature("the signature file is not PKCS#7".into()))?;
    let certs = Stack::new().map_err(|e| PkpassError::BadSignature(e.to_string()))?;
    let store = X509StoreBuilder::new()
        .map_err(|e| PkpassError::BadSignature(e.to_string()))?
        .build();
    pkcs7
        .verify(
            &certs,
            &store,
            Some(manifest),
            None,
            Pkcs7Flags::BINARY | Pkcs7Flags::NOVERIFY,
        )
        .map_err(|_| PkpassError::BadSignature("it does not match manifest.json".into()))
}

fn sha1_digest(data: &[u8]) -> [u8; 20] {
    let mut out = [0u8; 20];
    let d = openssl::sha::sha1(data);
    out.copy_from_slice(&d);
    out
}
