//! Making the `signature` file: a detached PKCS#7 / CMS SignedData in DER over the exact bytes
//! of `manifest.json` (checking one found in a real `.pkpass` is [`crate::verify`]).
//!
//! Signing goes through OpenSSL's `PKCS7_sign` with `DETACHED | BINARY` — the same call as Apple's
//! Ruby reference signer. BINARY matters: without it OpenSSL canonicalises line endings as S/MIME
//! text and the device rejects the signature. OpenSSL adds the contentType, messageDigest and
//! signingTime attributes Wallet requires. The certificate set carries the signer and the Apple
//! WWDR intermediate (bundled G4 unless the caller supplies one).

use openssl::pkcs7::{Pkcs7, Pkcs7Flags};
use openssl::stack::Stack;
use openssl::x509::X509;

use crate::code::Code;
use crate::error::Error;
use crate::finding::Finding;
use crate::identity::{self, Identity};

/// Apple's WWDR G4 intermediate, shipped with the program as the default.
pub const DEFAULT_WWDR_PEM: &[u8] = include_bytes!("../../../assets/AppleWWDRCAG4.pem");

/// Signs `manifest` (the exact bytes of manifest.json) with `identity`, embedding the
/// intermediate(s) in `wwdr_pem` (`None` = the bundled Apple WWDR G4). Returns DER.
pub fn sign_manifest(
    manifest: &[u8],
    identity: &Identity,
    wwdr_pem: Option<&[u8]>,
) -> Result<Vec<u8>, Error> {
    sign_manifest_with(manifest, identity, &parse_intermediates(wwdr_pem)?)
}

/// [`sign_manifest`] with the intermediates already parsed ([`parse_intermediates`]): a batch
/// parses them once, not once per pass.
pub fn sign_manifest_with(
    manifest: &[u8],
    identity: &Identity,
    intermediates: &[X509],
) -> Result<Vec<u8>, Error> {
    let mut stack = Stack::new().map_err(signing_error)?;
    for cert in intermediates {
        stack.push(cert.clone()).map_err(signing_error)?;
    }
    let flags = Pkcs7Flags::DETACHED | Pkcs7Flags::BINARY | Pkcs7Flags::NOSMIMECAP;
    let p7 = Pkcs7::sign(
        identity.certificate(),
        identity.private_key(),
        &stack,
        manifest,
        flags,
    )
    .map_err(signing_error)?;
    p7.to_der().map_err(signing_error)
}

/// The bundled G4, parsed once: a server signing thousands of passes should not re-read it each time.
static DEFAULT_WWDR: std::sync::OnceLock<Result<Vec<X509>, String>> = std::sync::OnceLock::new();

/// The intermediate certificates in `wwdr_pem`, or the bundled G4.
pub fn parse_intermediates(wwdr_pem: Option<&[u8]>) -> Result<Vec<X509>, Error> {
    let Some(pem) = wwdr_pem else {
        return DEFAULT_WWDR
            .get_or_init(|| parse_pem_certificates(DEFAULT_WWDR_PEM).map_err(|e| e.to_string()))
            .clone()
            .map_err(|reason| Error::Package { reason });
    };
    parse_pem_certificates(pem)
}

fn parse_pem_certificates(pem: &[u8]) -> Result<Vec<X509>, Error> {
    let certs = X509::stack_from_pem(pem).map_err(|e| Error::Package {
        reason: format!(
            "the WWDR intermediate certificate is not a readable PEM certificate ({e})"
        ),
    })?;
    if certs.is_empty() {
        return Err(Error::Package {
            reason:
                "the WWDR intermediate file contains no certificate; use Apple's AppleWWDRCAG4.pem"
                    .to_owned(),
        });
    }
    Ok(certs)
}

/// A warning when none of the intermediates that would be embedded issued the signing
/// certificate — the most common reason an iPhone says "the certificate trust chain could not be
/// verified" (e.g. a certificate made before 2022 with G4, or a test certificate with Apple's).
pub fn intermediate_findings(identity: &Identity, wwdr_pem: Option<&[u8]>) -> Vec<Finding> {
    let Ok(intermediates) = parse_intermediates(wwdr_pem) else {
        return Vec::new();
    };
    let issuer = identity.certificate().issuer_name();
    let issuer_der = issuer.to_der().ok();
    if intermediates
        .iter()
        .any(|c| c.subject_name().to_der().ok() == issuer_der)
    {
        return Vec::new();
    }
    let embedded = intermediates
        .first()
        .map(|c| identity::subject_string(c.subject_name()))
        .unwrap_or_default();
    vec![Finding::new(
        Code::IdentityIntermediateMismatch,
        crate::path::PassPath::Certificate,
        format!(
            "The certificate was issued by \"{}\", but the intermediate that will be embedded is \"{embedded}\"; devices will not be able to verify the chain.",
            identity::subject_string(issuer)
        ),
        "Give the intermediate that issued your certificate with --wwdr (Apple's AppleWWDRCAG4.pem for certificates made since 2022-01-27).",
    )]
}

fn signing_error(e: openssl::error::ErrorStack) -> Error {
    Error::Signing {
        reason: e.to_string(),
    }
}
