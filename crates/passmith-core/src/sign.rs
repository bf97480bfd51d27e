//! The `signature` file: a detached PKCS#7 / CMS SignedData in DER over the exact bytes of
//! `manifest.json`, and checking one found in a real `.pkpass`.
//!
//! Signing goes through OpenSSL's `PKCS7_sign` with `DETACHED | BINARY` — the same call as Apple's
//! Ruby reference signer. BINARY matters: without it OpenSSL canonicalises line endings as S/MIME
//! text and the device rejects the signature. OpenSSL adds the contentType, messageDigest and
//! signingTime attributes Wallet requires. The certificate set carries the signer and the Apple
//! WWDR intermediate (bundled G4 unless the caller supplies one).
//!
//! Checking verifies the signature over the content without judging the chain (like
//! `openssl cms -verify -noverify`), then reports the embedded intermediate separately, because
//! "signed correctly" and "chains to a current Apple intermediate" are different problems with
//! different fixes.

use der::{Decode, Encode};
use openssl::pkcs7::{Pkcs7, Pkcs7Flags};
use openssl::stack::Stack;
use openssl::x509::store::X509StoreBuilder;
use openssl::x509::{X509, X509Ref};
use serde::Serialize;

use crate::code::Code;
use crate::error::Error;
use crate::finding::Finding;
use crate::identity::{self, Identity, IdentitySummary, format_unix_date, format_unix_datetime};

/// Apple's WWDR G4 intermediate, shipped with the program as the default.
pub const DEFAULT_WWDR_PEM: &[u8] = include_bytes!("../../../assets/AppleWWDRCAG4.pem");

/// Serial number of Apple's WWDR G4 intermediate (valid 2020-12-16 to 2030-12-10).
pub const APPLE_WWDR_G4_SERIAL: &str = "13DC77955271E53DC632E8CCFFE521F3CCC5CED2";
/// Serial numbers of Apple's original WWDR intermediate ("G1"): the 2008 certificate (expired
/// 2016-02-14, still embedded in Apple's sample passes) and its 2013 renewal (expired 2023-02-07).
pub const APPLE_WWDR_G1_SERIALS: [&str; 2] = ["19", "1DEBCC4396DA010"];

/// pkcs-9 signingTime.
const SIGNING_TIME_OID: &str = "1.2.840.113549.1.9.5";

/// Signs `manifest` (the exact bytes of manifest.json) with `identity`, embedding the
/// intermediate(s) in `wwdr_pem` (`None` = the bundled Apple WWDR G4). Returns DER.
pub fn sign_manifest(
    manifest: &[u8],
    identity: &Identity,
    wwdr_pem: Option<&[u8]>,
) -> Result<Vec<u8>, Error> {
    let intermediates = parse_intermediates(wwdr_pem)?;
    let mut stack = Stack::new().map_err(signing_error)?;
    for cert in intermediates {
        stack.push(cert).map_err(signing_error)?;
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

/// Whether the `signature` file verifies against manifest.json, and who signed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "camelCase")]
pub enum SignatureStatus {
    /// The signature is intact and made by `signer` (the chain is reported separately).
    Valid {
        signer: IdentitySummary,
        /// From the signingTime attribute, `2015-07-23T18:35:00Z`.
        #[serde(rename = "signingTime")]
        signing_time: Option<String>,
    },
    /// The signature does not verify; `reason` says why in plain words.
    Invalid { reason: String },
    /// The package has no `signature` file.
    Missing,
}

/// Which Apple WWDR intermediate a signature carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum WwdrGeneration {
    /// The original intermediate, expired 2023-02-07.
    G1,
    G2,
    G3,
    G4,
    G5,
    G6,
    /// Not recognisable as an Apple WWDR intermediate.
    Unknown,
}

impl std::fmt::Display for WwdrGeneration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = match self {
            WwdrGeneration::G1 => "G1",
            WwdrGeneration::G2 => "G2",
            WwdrGeneration::G3 => "G3",
            WwdrGeneration::G4 => "G4",
            WwdrGeneration::G5 => "G5",
            WwdrGeneration::G6 => "G6",
            WwdrGeneration::Unknown => "unknown",
        };
        f.write_str(s)
    }
}

/// The intermediate certificate embedded in a signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IntermediateInfo {
    pub generation: WwdrGeneration,
    /// True when the serial number is Apple's own (G1 or G4), not a look-alike.
    pub is_apple: bool,
    pub subject: String,
    pub serial: String,
    /// `2023-02-07`.
    pub not_after: String,
    pub expired: bool,
}

impl IntermediateInfo {
    /// Classifies `cert` by its subject OU (`G4`, or Apple's old "Apple Worldwide Developer
    /// Relations" for G1) and its serial number, and checks expiry at `now_unix`.
    pub fn from_certificate(cert: &X509Ref, now_unix: i64) -> IntermediateInfo {
        let serial = cert
            .serial_number()
            .to_bn()
            .and_then(|bn| bn.to_hex_str().map(|s| s.to_string()))
            .unwrap_or_default()
            .to_ascii_uppercase();
        let ou = identity::name_entry(
            cert.subject_name(),
            openssl::nid::Nid::ORGANIZATIONALUNITNAME,
        );
        let issued_by_apple_root =
            identity::name_entry(cert.issuer_name(), openssl::nid::Nid::COMMONNAME)
                .is_some_and(|cn| cn == "Apple Root CA");
        let trimmed = serial.trim_start_matches('0');
        let is_g4 = serial == APPLE_WWDR_G4_SERIAL;
        let is_g1 = APPLE_WWDR_G1_SERIALS.contains(&trimmed);
        let generation = if is_g4 {
            WwdrGeneration::G4
        } else if is_g1 && issued_by_apple_root {
            WwdrGeneration::G1
        } else {
            match ou.as_deref() {
                Some("G1") | Some("Apple Worldwide Developer Relations") => WwdrGeneration::G1,
                Some("G2") => WwdrGeneration::G2,
                Some("G3") => WwdrGeneration::G3,
                Some("G4") => WwdrGeneration::G4,
                Some("G5") => WwdrGeneration::G5,
                Some("G6") => WwdrGeneration::G6,
                _ => WwdrGeneration::Unknown,
            }
        };
        let is_apple = issued_by_apple_root && (is_g4 || is_g1);
        let not_after = identity::unix_time(cert.not_after());
        IntermediateInfo {
            generation,
            is_apple,
            subject: identity::subject_string(cert.subject_name()),
            serial,
            not_after: format_unix_date(not_after),
            expired: now_unix > not_after,
        }
    }
}

/// Everything learned from a `signature` file.
#[derive(Debug, Clone)]
pub struct SignatureCheck {
    pub status: SignatureStatus,
    /// The intermediate: the embedded certificate that issued the signer (else any CA certificate).
    pub intermediate: Option<IntermediateInfo>,
}

/// Verifies a detached signature over `content` without chain validation, and reports the
/// signer, signing time and embedded intermediate. Never fails: problems become `Invalid`.
pub fn check_signature(signature: &[u8], content: &[u8], now_unix: i64) -> SignatureCheck {
    let invalid = |reason: String| SignatureCheck {
        status: SignatureStatus::Invalid { reason },
        intermediate: None,
    };
    let p7 = match Pkcs7::from_der(signature) {
        Ok(p) => p,
        Err(_) => return invalid("the signature file is not a PKCS#7 signature (it is damaged or not a signature at all)".to_owned()),
    };
    let embedded: Vec<X509> = p7
        .signed()
        .and_then(|s| s.certificates())
        .map(|s| s.iter().map(ToOwned::to_owned).collect())
        .unwrap_or_default();
    let empty = match Stack::<X509>::new() {
        Ok(s) => s,
        Err(e) => return invalid(e.to_string()),
    };
    let signer = p7
        .signers(&empty, Pkcs7Flags::empty())
        .ok()
        .and_then(|s| s.iter().next().map(ToOwned::to_owned));
    let intermediate = signer.as_ref().and_then(|signer| {
        let issuer = signer.issuer_name().to_der().ok();
        embedded
            .iter()
            .find(|c| {
                c.subject_name().to_der().ok() == issuer && c.to_der().ok() != signer.to_der().ok()
            })
            .or_else(|| {
                embedded
                    .iter()
                    .find(|c| c.to_der().ok() != signer.to_der().ok())
            })
            .map(|c| IntermediateInfo::from_certificate(c, now_unix))
    });
    let store = match X509StoreBuilder::new() {
        Ok(b) => b.build(),
        Err(e) => return invalid(e.to_string()),
    };
    let verified = p7.verify(
        &empty,
        &store,
        Some(content),
        None,
        Pkcs7Flags::NOVERIFY | Pkcs7Flags::BINARY,
    );
    let status = match (verified, signer) {
        (Ok(()), Some(signer)) => SignatureStatus::Valid {
            signer: IdentitySummary::from_certificate(&signer),
            signing_time: signing_time(signature).map(format_unix_datetime),
        },
        (Ok(()), None) => SignatureStatus::Invalid {
            reason: "the signature verifies but names no signer certificate".to_owned(),
        },
        (Err(e), _) => {
            let text = e.to_string().to_ascii_lowercase();
            let reason = if text.contains("digest") {
                "the signature does not match manifest.json: the manifest was changed after signing"
                    .to_owned()
            } else if text.contains("signer certificate not found") || text.contains("no signers") {
                "the signature does not include the signer's certificate".to_owned()
            } else if text.contains("signature failure") {
                "the signature is not a valid signature by the certificate it names (wrong key, or damaged)".to_owned()
            } else {
                format!("the signature does not verify ({e})")
            };
            SignatureStatus::Invalid { reason }
        }
    };
    SignatureCheck {
        status,
        intermediate,
    }
}

/// The signingTime attribute of the first signer, as Unix seconds.
pub fn signing_time(signature: &[u8]) -> Option<i64> {
    let sd = signed_data(signature)?;
    let oid = der::asn1::ObjectIdentifier::new(SIGNING_TIME_OID).ok()?;
    sd.signer_infos.0.iter().find_map(|si| {
        let attrs = si.signed_attrs.as_ref()?;
        let attr = attrs.iter().find(|a| a.oid == oid)?;
        let value = attr.values.iter().next()?;
        let time = x509_cert::time::Time::from_der(&value.to_der().ok()?).ok()?;
        i64::try_from(time.to_unix_duration().as_secs()).ok()
    })
}

/// Parses the SignedData structure. Apple's own signatures use BER indefinite lengths, which a
/// strict DER parser refuses, so those are first re-encoded as DER by OpenSSL.
fn signed_data(signature: &[u8]) -> Option<cms::signed_data::SignedData> {
    let parse = |bytes: &[u8]| {
        cms::content_info::ContentInfo::from_der(bytes)
            .ok()?
            .content
            .decode_as::<cms::signed_data::SignedData>()
            .ok()
    };
    parse(signature).or_else(|| {
        let der = Pkcs7::from_der(signature).ok()?.to_der().ok()?;
        parse(&der)
    })
}

/// Signed attribute OIDs of the first signer (dotted), for tests and diagnostics.
pub fn signed_attribute_oids(signature: &[u8]) -> Vec<String> {
    signed_data(signature)
        .and_then(|sd| {
            sd.signer_infos
                .0
                .iter()
                .next()
                .and_then(|si| si.signed_attrs.clone())
        })
        .map(|attrs| attrs.iter().map(|a| a.oid.to_string()).collect())
        .unwrap_or_default()
}
