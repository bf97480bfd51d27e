//! Signing identities: a Pass Type ID certificate, its private key and the chain to Apple.

/// What validation needs to know about a signing certificate, without the key.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
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
