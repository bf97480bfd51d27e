//! Checking the `signature` file of a real `.pkpass`: does it verify over manifest.json, who
//! signed it, when, and which Apple intermediate it carries.
//!
//! Verification is OpenSSL's CMS (`CMS_verify`, like `openssl cms -verify -noverify`), not the
//! older PKCS#7 API: a SignerInfo may name its signer by subjectKeyIdentifier (CMS version 3,
//! what current signers such as `openssl cms -sign -keyid` produce) instead of issuer and serial,
//! and PKCS#7's parser rejects that form as damaged although Wallet accepts it. The chain is not
//! judged here; the embedded intermediate is reported separately, because "signed correctly" and
//! "chains to a current Apple intermediate" are different problems with different fixes.

use cms::cert::CertificateChoices;
use cms::signed_data::{SignedData, SignerIdentifier};
use der::{Decode, Encode};
use openssl::cms::{CMSOptions, CmsContentInfo};
use openssl::x509::store::X509StoreBuilder;
use openssl::x509::{X509, X509Ref};
use serde::Serialize;

use crate::identity::{self, IdentitySummary, format_unix_date, format_unix_datetime};

/// pkcs-9 signingTime.
const SIGNING_TIME_OID: &str = "1.2.840.113549.1.9.5";

/// Serial number of Apple's WWDR G4 intermediate (valid 2020-12-16 to 2030-12-10).
pub const APPLE_WWDR_G4_SERIAL: &str = "13DC77955271E53DC632E8CCFFE521F3CCC5CED2";
/// Serial numbers of Apple's original WWDR intermediate ("G1"): the 2008 certificate (expired
/// 2016-02-14, still embedded in Apple's sample passes) and its 2013 renewal (expired 2023-02-07).
pub const APPLE_WWDR_G1_SERIALS: [&str; 2] = ["19", "1DEBCC4396DA010"];

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

/// What the signature was read as: the SignedData (re-encoded as DER where the file was BER) and
/// the certificates it embeds, in its order.
struct Parsed {
    signed_data: SignedData,
    certificates: Vec<X509>,
}

/// Verifies a detached signature over `content` without chain validation, and reports the
/// signer, signing time and embedded intermediate. Never fails: problems become `Invalid`.
pub fn check_signature(signature: &[u8], content: &[u8], now_unix: i64) -> SignatureCheck {
    let invalid = |reason: String| SignatureCheck {
        status: SignatureStatus::Invalid { reason },
        intermediate: None,
    };
    let (Ok(mut cms), Some(parsed)) = (CmsContentInfo::from_der(signature), parse(signature))
    else {
        return invalid(
            "the signature file is not a PKCS#7 signature (it is damaged or not a signature at all)"
                .to_owned(),
        );
    };
    let signer = parsed.signer().map(ToOwned::to_owned);
    let intermediate = signer.as_ref().and_then(|signer| {
        let issuer = signer.issuer_name().to_der().ok();
        let signer_der = signer.to_der().ok();
        let others: Vec<&X509> = parsed
            .certificates
            .iter()
            .filter(|c| c.to_der().ok() != signer_der)
            .collect();
        others
            .iter()
            .find(|c| c.subject_name().to_der().ok() == issuer)
            .or_else(|| others.first())
            .map(|c| IntermediateInfo::from_certificate(c, now_unix))
    });
    let store = match X509StoreBuilder::new() {
        Ok(b) => b.build(),
        Err(e) => return invalid(e.to_string()),
    };
    // NOVERIFY: the chain is judged separately (see the module documentation). The signature
    // over the signed attributes is checked first, without the content, so that a wrong key or
    // damaged signature and a manifest changed after signing get their own messages: OpenSSL
    // reports both as "verification failure".
    let flags = CMSOptions::NOVERIFY | CMSOptions::BINARY;
    let verify = |cms: &mut CmsContentInfo, flags: CMSOptions| {
        cms.verify(None, Some(&*store), Some(content), None, flags)
    };
    let has_attributes = parsed
        .signed_data
        .signer_infos
        .0
        .iter()
        .all(|si| si.signed_attrs.is_some());
    let verified = match verify(&mut cms, flags | CMSOptions::NO_CONTENT_VERIFY) {
        Err(e) => Err(signer_failure(&e)),
        Ok(()) => verify(&mut cms, flags).map_err(|e| {
            if has_attributes {
                "the signature does not match manifest.json: the manifest was changed after signing"
                    .to_owned()
            } else {
                format!("the signature does not verify over manifest.json: the manifest was changed, or the signature is damaged ({e})")
            }
        }),
    };
    let status = match (verified, signer) {
        (Ok(()), Some(signer)) => SignatureStatus::Valid {
            signer: IdentitySummary::from_certificate(&signer),
            signing_time: signing_time_of(&parsed.signed_data).map(format_unix_datetime),
        },
        (Ok(()), None) => SignatureStatus::Invalid {
            reason: "the signature verifies but names no signer certificate".to_owned(),
        },
        (Err(reason), _) => SignatureStatus::Invalid { reason },
    };
    SignatureCheck {
        status,
        intermediate,
    }
}

/// Why the signature over the signed attributes does not verify, in words a pass author can act on.
fn signer_failure(e: &openssl::error::ErrorStack) -> String {
    let text = e.to_string().to_ascii_lowercase();
    if text.contains("signer certificate not found") || text.contains("no signers") {
        "the signature does not include the signer's certificate".to_owned()
    } else if text.contains("verification failure") || text.contains("signature failure") {
        "the signature is not a valid signature by the certificate it names (wrong key, or damaged)"
            .to_owned()
    } else {
        format!("the signature does not verify ({e})")
    }
}

impl Parsed {
    /// The embedded certificate the first SignerInfo names, by issuer and serial number (CMS
    /// version 1) or by subjectKeyIdentifier (version 3).
    fn signer(&self) -> Option<&X509> {
        let sid = &self.signed_data.signer_infos.0.iter().next()?.sid;
        self.certificates.iter().find(|cert| match sid {
            SignerIdentifier::IssuerAndSerialNumber(ias) => {
                let serial = cert.serial_number().to_bn().ok().map(|bn| bn.to_vec());
                cert.issuer_name().to_der().ok() == ias.issuer.to_der().ok()
                    && serial.as_deref() == Some(unsigned(ias.serial_number.as_bytes()))
            }
            SignerIdentifier::SubjectKeyIdentifier(ski) => cert
                .subject_key_id()
                .is_some_and(|id| id.as_slice() == ski.0.as_bytes()),
        })
    }
}

/// A DER INTEGER's magnitude without the sign-padding zero bytes, as `BN_bn2bin` gives it.
fn unsigned(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    &bytes[start..]
}

/// Parses the SignedData and its certificates. Apple's own signatures use BER indefinite
/// lengths, which a strict DER parser refuses, so those are first re-encoded as DER by OpenSSL.
fn parse(signature: &[u8]) -> Option<Parsed> {
    let decode = |bytes: &[u8]| {
        cms::content_info::ContentInfo::from_der(bytes)
            .ok()?
            .content
            .decode_as::<SignedData>()
            .ok()
    };
    let signed_data = decode(signature).or_else(|| {
        let der = CmsContentInfo::from_der(signature).ok()?.to_der().ok()?;
        decode(&der)
    })?;
    let certificates = signed_data
        .certificates
        .as_ref()
        .map(|set| {
            set.0
                .iter()
                .filter_map(|choice| match choice {
                    CertificateChoices::Certificate(cert) => {
                        X509::from_der(&cert.to_der().ok()?).ok()
                    }
                    CertificateChoices::Other(_) => None,
                })
                .collect()
        })
        .unwrap_or_default();
    Some(Parsed {
        signed_data,
        certificates,
    })
}

/// The signingTime attribute of the first signer, as Unix seconds.
pub fn signing_time(signature: &[u8]) -> Option<i64> {
    signing_time_of(&parse(signature)?.signed_data)
}

fn signing_time_of(sd: &SignedData) -> Option<i64> {
    let oid = der::asn1::ObjectIdentifier::new(SIGNING_TIME_OID).ok()?;
    sd.signer_infos.0.iter().find_map(|si| {
        let attrs = si.signed_attrs.as_ref()?;
        let attr = attrs.iter().find(|a| a.oid == oid)?;
        let value = attr.values.iter().next()?;
        let time = x509_cert::time::Time::from_der(&value.to_der().ok()?).ok()?;
        i64::try_from(time.to_unix_duration().as_secs()).ok()
    })
}

/// Signed attribute OIDs of the first signer (dotted), for tests and diagnostics.
pub fn signed_attribute_oids(signature: &[u8]) -> Vec<String> {
    parse(signature)
        .and_then(|p| {
            p.signed_data
                .signer_infos
                .0
                .iter()
                .next()
                .and_then(|si| si.signed_attrs.clone())
        })
        .map(|attrs| attrs.iter().map(|a| a.oid.to_string()).collect())
        .unwrap_or_default()
}
