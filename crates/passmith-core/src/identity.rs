//! Signing identities: a Pass Type ID certificate, its private key and the chain to Apple.
//!
//! Loading accepts what people actually have: a `.p12` exported from a modern OpenSSL or from an
//! older macOS Keychain (RC2/3DES, which OpenSSL 3 only reads with its "legacy" provider), or a
//! PEM certificate plus PEM key. Every way this can go wrong has its own [`IdentityProblem`], so
//! the CLI and the designer can tell a marketer exactly what to do. Whether the certificate fits
//! a particular pass (pass type, team, expiry) is reported as [`Finding`]s by
//! [`IdentitySummary::check_against`], because it is a property of the pair, not of the file.

use std::sync::OnceLock;

use der::Decode;
use openssl::asn1::{Asn1Time, Asn1TimeRef};
use openssl::nid::Nid;
use openssl::pkcs12::Pkcs12;
use openssl::pkey::{PKey, Private};
use openssl::provider::Provider;
use openssl::x509::{X509, X509NameRef, X509Ref};
use serde::Serialize;

use crate::code::Code;
use crate::error::Error;
use crate::finding::Finding;
use crate::model::Pass;
use crate::path::PassPath;
pub use crate::time::{format_unix_date, format_unix_datetime};
use crate::words::quote;

/// Apple's Pass Type ID extension: its value is the pass type identifier.
pub const PASS_TYPE_ID_OID: &str = "1.2.840.113635.100.6.1.16";

/// How many days before expiry [`IdentitySummary::check_against`] starts warning.
pub const EXPIRY_WARNING_DAYS: i64 = 30;

const DAY: i64 = 86_400;

/// What validation needs to know about a signing certificate, without the key.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentitySummary {
    /// The certificate's subject, for messages (`Pass Type ID: pass.com.example`).
    pub subject: String,
    /// From the UID / OID 1.2.840.113635.100.6.1.16 (`pass.com.example`).
    pub pass_type_identifier: Option<String>,
    /// From the subject's OU.
    pub team_identifier: Option<String>,
    /// Validity window, seconds since the Unix epoch.
    pub not_before: i64,
    pub not_after: i64,
}

pub use crate::error::IdentityProblem;

/// A Pass Type ID certificate with its private key and any chain certificates found beside it.
#[derive(Clone)]
pub struct Identity {
    cert: X509,
    key: PKey<Private>,
    chain: Vec<X509>,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print key material.
        f.debug_struct("Identity")
            .field("subject", &subject_string(self.cert.subject_name()))
            .field("chain", &self.chain.len())
            .finish_non_exhaustive()
    }
}

/// The legacy provider, loaded once per process and kept alive for its lifetime.
static LEGACY: OnceLock<Result<Provider, String>> = OnceLock::new();

/// Loads OpenSSL's legacy provider (RC2, 3DES with SHA-1 MACs) next to the default one.
/// Returns why it could not be loaded, if it could not.
pub fn ensure_legacy_provider() -> Result<(), String> {
    match LEGACY.get_or_init(|| Provider::try_load(None, "legacy", true).map_err(|e| e.to_string()))
    {
        Ok(_) => Ok(()),
        Err(reason) => Err(reason.clone()),
    }
}

impl Identity {
    /// Reads a `.p12` / `.pfx` (modern AES or legacy RC2/3DES).
    pub fn from_pkcs12(der: &[u8], password: &str) -> Result<Identity, Error> {
        let legacy = ensure_legacy_provider();
        let p12 = Pkcs12::from_der(der).map_err(|e| IdentityProblem::Unreadable {
            reason: format!("it is not a PKCS#12 (.p12) file ({})", first_reason(&e)),
        })?;
        let parsed = p12.parse2(password).map_err(|e| {
            let text = e.to_string().to_ascii_lowercase();
            if text.contains("mac verify") || text.contains("invalid password") {
                IdentityProblem::WrongPassword
            } else if text.contains("unsupported") || text.contains("fetch") || text.contains("rc2")
            {
                match &legacy {
                    Err(reason) => IdentityProblem::LegacyUnavailable {
                        reason: reason.clone(),
                    },
                    Ok(()) => IdentityProblem::Unreadable {
                        reason: format!(
                            "it uses an encryption this OpenSSL cannot read ({})",
                            first_reason(&e)
                        ),
                    },
                }
            } else {
                IdentityProblem::Unreadable {
                    reason: first_reason(&e),
                }
            }
        })?;
        // Without a key, OpenSSL files the certificate under "other certificates", so the
        // missing key is checked first: it is the real problem.
        let key = parsed.pkey.ok_or(IdentityProblem::NoPrivateKey)?;
        let cert = parsed.cert.ok_or(IdentityProblem::NoCertificate)?;
        let chain = parsed
            .ca
            .map(|s| s.into_iter().collect())
            .unwrap_or_default();
        Identity::assemble(cert, key, chain)
    }

    /// Reads a PEM certificate (optionally followed by chain certificates) and a PEM private key.
    /// `key_pem` may be the same bytes as `cert_pem` when both sit in one file.
    pub fn from_pem(
        cert_pem: &[u8],
        key_pem: &[u8],
        password: Option<&str>,
    ) -> Result<Identity, Error> {
        let mut certs = X509::stack_from_pem(cert_pem)
            .map_err(|e| IdentityProblem::Unreadable {
                reason: format!("it is not a PEM certificate ({})", first_reason(&e)),
            })?
            .into_iter();
        let cert = certs.next().ok_or(IdentityProblem::NoCertificate)?;
        let chain: Vec<X509> = certs.collect();
        if !contains_private_key(key_pem) {
            return Err(IdentityProblem::NoPrivateKey.into());
        }
        let key = match password {
            Some(pw) => PKey::private_key_from_pem_passphrase(key_pem, pw.as_bytes()),
            None => PKey::private_key_from_pem_callback(key_pem, |_buf| Ok(0)),
        }
        .map_err(|e| {
            let text = e.to_string().to_ascii_lowercase();
            if is_encrypted_pem(key_pem) {
                if password.is_none() {
                    IdentityProblem::KeyNeedsPassword
                } else if text.contains("bad decrypt")
                    || text.contains("decrypt")
                    || text.contains("unsupported")
                {
                    IdentityProblem::WrongPassword
                } else {
                    IdentityProblem::KeyUnreadable {
                        reason: first_reason(&e),
                    }
                }
            } else {
                IdentityProblem::KeyUnreadable {
                    reason: first_reason(&e),
                }
            }
        })?;
        Identity::assemble(cert, key, chain)
    }

    fn assemble(cert: X509, key: PKey<Private>, chain: Vec<X509>) -> Result<Identity, Error> {
        let subject = subject_string(cert.subject_name());
        let matches = cert
            .public_key()
            .map(|public| public.public_eq(&key))
            .unwrap_or(false);
        if !matches {
            return Err(IdentityProblem::KeyDoesNotMatch { subject }.into());
        }
        let summary = IdentitySummary::from_certificate(&cert);
        if summary.pass_type_identifier.is_none() {
            return Err(IdentityProblem::NotPassTypeCertificate { subject }.into());
        }
        Ok(Identity { cert, key, chain })
    }

    /// Pass type, team, subject and validity of the certificate.
    pub fn summary(&self) -> IdentitySummary {
        IdentitySummary::from_certificate(&self.cert)
    }

    /// The signing certificate.
    pub fn certificate(&self) -> &X509Ref {
        &self.cert
    }

    /// The private key.
    pub fn private_key(&self) -> &PKey<Private> {
        &self.key
    }

    /// Extra certificates that came with the identity (a .p12 may carry its intermediate).
    pub fn chain(&self) -> &[X509] {
        &self.chain
    }

    /// Fails with a clear message when the certificate is expired or not yet valid at `now_unix`.
    pub fn ensure_valid_at(&self, now_unix: i64) -> Result<(), Error> {
        let s = self.summary();
        if now_unix > s.not_after {
            return Err(IdentityProblem::Expired {
                subject: s.subject,
                date: format_unix_date(s.not_after),
            }
            .into());
        }
        if now_unix < s.not_before {
            return Err(IdentityProblem::NotYetValid {
                subject: s.subject,
                date: format_unix_date(s.not_before),
            }
            .into());
        }
        Ok(())
    }

    /// Mismatch and expiry findings for signing `pass` with this identity at `now_unix`.
    pub fn check_against(&self, pass: &Pass, now_unix: i64) -> Vec<Finding> {
        self.summary().check_against(pass, now_unix)
    }
}

impl IdentitySummary {
    /// Reads subject, pass type identifier (extension …6.1.16, else UID, else the CN after
    /// "Pass Type ID: "), team (OU) and validity from a certificate.
    pub fn from_certificate(cert: &X509Ref) -> IdentitySummary {
        let name = cert.subject_name();
        let cn = name_entry(name, Nid::COMMONNAME);
        let from_cn = cn.as_deref().and_then(|cn| {
            cn.strip_prefix("Pass Type ID with NFC: ")
                .or_else(|| cn.strip_prefix("Pass Type ID: "))
                .map(|s| s.trim().to_owned())
        });
        let pass_type_identifier = pass_type_extension(cert)
            .or_else(|| name_entry(name, Nid::USERID))
            .or(from_cn)
            .filter(|s| !s.is_empty());
        IdentitySummary {
            subject: cn.unwrap_or_else(|| subject_string(name)),
            pass_type_identifier,
            team_identifier: name_entry(name, Nid::ORGANIZATIONALUNITNAME),
            not_before: unix_time(cert.not_before()),
            not_after: unix_time(cert.not_after()),
        }
    }

    /// True when the certificate is past its end date at `now_unix`.
    pub fn is_expired(&self, now_unix: i64) -> bool {
        now_unix > self.not_after
    }

    /// True when the certificate is still valid at `now_unix` but ends within `days`.
    pub fn expires_within(&self, now_unix: i64, days: i64) -> bool {
        !self.is_expired(now_unix) && self.not_after - now_unix <= days * DAY
    }

    /// Findings for signing `pass` with this certificate at `now_unix`: pass type and team
    /// mismatches, expired / not yet valid (errors), expiring within 30 days (warning).
    ///
    /// This is the one certificate-versus-pass check: validation calls it when it knows the
    /// signing certificate, and so every export does.
    pub fn check_against(&self, pass: &Pass, now_unix: i64) -> Vec<Finding> {
        let mut out = self.check_identifiers(pass);
        out.extend(self.check_validity(now_unix));
        out
    }

    /// The identifiers this certificate would give `pass` (pass type ID and team), when they
    /// differ from what it has: `None` when they already match or the certificate does not
    /// say (a certificate without a team or pass type ID leaves that one as it is).
    pub fn identifiers_for(&self, pass: &Pass) -> Option<(String, String)> {
        let pass_type = self
            .pass_type_identifier
            .clone()
            .unwrap_or_else(|| pass.pass_type_identifier.clone());
        let team = self
            .team_identifier
            .clone()
            .unwrap_or_else(|| pass.team_identifier.clone());
        (pass_type != pass.pass_type_identifier || team != pass.team_identifier)
            .then_some((pass_type, team))
    }

    /// Gives `pass` this certificate's identifiers; true when something changed.
    pub fn adopt_identifiers(&self, pass: &mut Pass) -> bool {
        match self.identifiers_for(pass) {
            Some((pass_type, team)) => {
                pass.pass_type_identifier = pass_type;
                pass.team_identifier = team;
                true
            }
            None => false,
        }
    }

    /// Expired / not yet valid (errors) and expiring within [`EXPIRY_WARNING_DAYS`] (warning)
    /// at `now_unix`.
    pub fn check_validity(&self, now_unix: i64) -> Vec<Finding> {
        let mut out = Vec::new();
        if self.is_expired(now_unix) {
            out.push(Finding::new(
                Code::IdentityExpired,
                PassPath::Certificate,
                format!(
                    "The signing certificate \"{}\" expired on {}; Wallet will not accept passes signed with it.",
                    self.subject,
                    format_unix_date(self.not_after)
                ),
                "Create a new Pass Type ID certificate at developer.apple.com and sign with it.",
            ));
        } else if now_unix < self.not_before {
            out.push(Finding::new(
                Code::IdentityNotYetValid,
                PassPath::Certificate,
                format!(
                    "The signing certificate \"{}\" is not valid until {}.",
                    self.subject,
                    format_unix_date(self.not_before)
                ),
                "Check the computer's date and time, or wait until the certificate becomes valid.",
            ));
        } else if self.expires_within(now_unix, EXPIRY_WARNING_DAYS) {
            out.push(Finding::new(
                Code::IdentityExpiring,
                PassPath::Certificate,
                format!(
                    "The signing certificate \"{}\" expires on {}, in {} days.",
                    self.subject,
                    format_unix_date(self.not_after),
                    (self.not_after - now_unix) / DAY
                ),
                "Renew the Pass Type ID certificate at developer.apple.com before then; passes already issued keep working.",
            ));
        }
        out
    }

    /// Only the pass type / team comparison (what still matters for an already-signed pass).
    /// An empty identifier in pass.json is not compared: `pass.required` reports it.
    pub fn check_identifiers(&self, pass: &Pass) -> Vec<Finding> {
        let mut out = Vec::new();
        match &self.pass_type_identifier {
            Some(_) if pass.pass_type_identifier.is_empty() => {}
            Some(cert_id) if cert_id != &pass.pass_type_identifier => {
                out.push(identifier_mismatch(
                    Code::IdentityPassTypeMismatch,
                    "passTypeIdentifier",
                    format!("its pass type ID is {}", quote(&pass.pass_type_identifier)),
                    format!("is for {}", quote(cert_id)),
                    format!(
                        "Set the pass type ID to {cert_id}, or sign with the certificate made for {}.",
                        pass.pass_type_identifier
                    ),
                ))
            }
            Some(_) => {}
            None => out.push(Finding::new(
                Code::IdentityNotPassType,
                PassPath::Certificate,
                format!("The certificate {} is not a Pass Type ID certificate.", quote(&self.subject)),
                "Create a Pass Type ID certificate at developer.apple.com and sign with it.",
            )),
        }
        if let Some(team) = &self.team_identifier
            && !pass.team_identifier.is_empty()
            && team != &pass.team_identifier
        {
            out.push(identifier_mismatch(
                Code::IdentityTeamMismatch,
                "teamIdentifier",
                format!("its team ID is {}", quote(&pass.team_identifier)),
                format!("belongs to team {}", quote(team)),
                format!("Set the team ID to {team}, or sign with your own team's certificate."),
            ));
        }
        out
    }
}

/// A pass.json identifier (`key`) that differs from the signing certificate's: an error, because
/// iPhones refuse such a pass. `pass_says` / `cert_says` complete "The pass says …, but the
/// certificate …".
fn identifier_mismatch(
    code: Code,
    key: &str,
    pass_says: String,
    cert_says: String,
    hint: String,
) -> Finding {
    Finding::new(
        code,
        PassPath::key(key),
        format!(
            "The pass says {pass_says}, but the certificate {cert_says}. iPhones refuse such a pass."
        ),
        hint,
    )
}

/// The text of the first subject entry with `nid`.
pub(crate) fn name_entry(name: &X509NameRef, nid: Nid) -> Option<String> {
    name.entries_by_nid(nid)
        .next()
        .and_then(|e| e.data().to_string().ok())
}

/// `UID=…, CN=…, OU=…` in certificate order.
pub(crate) fn subject_string(name: &X509NameRef) -> String {
    name.entries()
        .map(|e| {
            let key = e.object().nid().short_name().unwrap_or("?");
            let value = e.data().to_string().unwrap_or_else(|_| "?".to_owned());
            format!("{key}={value}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The value of Apple's pass type extension, if the certificate has one.
fn pass_type_extension(cert: &X509Ref) -> Option<String> {
    let der = cert.to_der().ok()?;
    let parsed = x509_cert::Certificate::from_der(&der).ok()?;
    let oid = der::asn1::ObjectIdentifier::new(PASS_TYPE_ID_OID).ok()?;
    let ext = parsed
        .tbs_certificate
        .extensions
        .as_ref()?
        .iter()
        .find(|e| e.extn_id == oid)?;
    let bytes = ext.extn_value.as_bytes();
    // Apple encodes it as a UTF8String; accept the other string types too, and raw text.
    if let Ok(s) = der::asn1::Utf8StringRef::from_der(bytes) {
        return Some(s.as_str().to_owned());
    }
    if let Ok(s) = der::asn1::PrintableStringRef::from_der(bytes) {
        return Some(s.as_str().to_owned());
    }
    if let Ok(s) = der::asn1::Ia5StringRef::from_der(bytes) {
        return Some(s.as_str().to_owned());
    }
    std::str::from_utf8(bytes).ok().map(|s| s.trim().to_owned())
}

/// Seconds since the Unix epoch of an ASN.1 time.
pub(crate) fn unix_time(t: &Asn1TimeRef) -> i64 {
    Asn1Time::from_unix(0)
        .and_then(|epoch| epoch.diff(t))
        .map(|d| i64::from(d.days) * DAY + i64::from(d.secs))
        .unwrap_or(0)
}

/// The innermost reason OpenSSL gives, without its error-stack noise.
fn first_reason(e: &openssl::error::ErrorStack) -> String {
    e.errors()
        .iter()
        .rev()
        .find_map(|x| x.reason().map(str::to_owned))
        .unwrap_or_else(|| e.to_string())
}

fn contains_private_key(pem: &[u8]) -> bool {
    let text = String::from_utf8_lossy(pem);
    text.contains("PRIVATE KEY-----")
}

fn is_encrypted_pem(pem: &[u8]) -> bool {
    let text = String::from_utf8_lossy(pem);
    text.contains("ENCRYPTED PRIVATE KEY") || text.contains("Proc-Type: 4,ENCRYPTED")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_window() {
        let s = IdentitySummary {
            not_before: 0,
            not_after: 100 * DAY,
            ..IdentitySummary::default()
        };
        assert!(s.expires_within(80 * DAY, 30));
        assert!(!s.expires_within(60 * DAY, 30));
        assert!(s.is_expired(101 * DAY));
        assert!(!s.expires_within(101 * DAY, 30));
    }

    #[test]
    fn a_certificate_gives_its_identifiers_and_keeps_what_it_does_not_say() {
        let mut pass = Pass {
            pass_type_identifier: "pass.com.example.template".into(),
            team_identifier: "ABCDE12345".into(),
            ..Pass::default()
        };
        let s = IdentitySummary {
            pass_type_identifier: Some("pass.com.cafe.loyalty".into()),
            team_identifier: None,
            ..IdentitySummary::default()
        };
        assert_eq!(
            s.identifiers_for(&pass),
            Some(("pass.com.cafe.loyalty".into(), "ABCDE12345".into()))
        );
        assert!(s.adopt_identifiers(&mut pass));
        assert_eq!(pass.pass_type_identifier, "pass.com.cafe.loyalty");
        assert_eq!(pass.team_identifier, "ABCDE12345");
        assert_eq!(s.identifiers_for(&pass), None);
        assert!(!s.adopt_identifiers(&mut pass));
    }
}
