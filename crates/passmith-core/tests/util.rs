//! Helpers shared by every topic: the fixtures folder, the test signing identity, the clock, and
//! the export gate as the tests call it.

use passmith_core::archive::{self, PackageReport};
use passmith_core::export::{self, ExportOptions, Refused, Signed};
use passmith_core::{Finding, Identity, PassDocument};

/// Password of every test certificate file.
pub const PASSWORD: &str = "test-password";
/// Apple's sample passes in `tests/fixtures/apple-samples` (`<name>.pass`).
pub const SAMPLES: [&str; 5] = ["BoardingPass", "Coupon", "Event", "Generic", "StoreCard"];

pub use passmith_testkit::fixtures;

/// A file of `tests/fixtures/certs`.
pub fn cert_file(name: &str) -> Vec<u8> {
    std::fs::read(fixtures().join("certs").join(name)).unwrap()
}

/// The test Pass Type ID identity (`pass.com.example.passmith`, team `TEAM123456`).
pub fn test_identity() -> Identity {
    Identity::from_pkcs12(&cert_file("test-pass.p12"), PASSWORD).unwrap()
}

/// Another valid identity, for `pass.com.example.other` / `OTHERTEAM1`.
pub fn other_identity() -> Identity {
    Identity::from_pkcs12(&cert_file("test-other-identity.p12"), PASSWORD).unwrap()
}

/// The clock, read once per call (the tests are the edge that reads it).
pub fn now() -> i64 {
    passmith_core::time::now_unix()
}

/// Apple's sample `name` with its identifiers switched to the test certificate's.
pub fn sample_for_test_cert(name: &str) -> PassDocument {
    let dir = fixtures()
        .join("apple-samples")
        .join(format!("{name}.pass"));
    let mut doc = PassDocument::read_dir(&dir).unwrap();
    doc.pass.pass_type_identifier = "pass.com.example.passmith".into();
    doc.pass.team_identifier = "TEAM123456".into();
    doc
}

/// The export gate at the current time.
pub fn try_export(
    doc: &PassDocument,
    identity: &Identity,
    wwdr_pem: Option<&[u8]>,
) -> Result<Signed, Refused> {
    let opts = ExportOptions {
        wwdr_pem,
        ..ExportOptions::at(now())
    };
    export::prepare(doc, identity, &opts)
}

/// The bytes of a pass the gate lets through.
pub fn export(doc: &PassDocument, identity: &Identity, wwdr_pem: Option<&[u8]>) -> Vec<u8> {
    match try_export(doc, identity, wwdr_pem) {
        Ok(signed) => signed.bytes,
        Err(refused) => panic!("export refused: {refused}: {:#?}", refused.findings()),
    }
}

/// What the `.pkpass` reader says about a package (read now).
pub fn package_report(pkpass: &[u8]) -> PackageReport {
    archive::read_pkpass(pkpass, now())
        .unwrap()
        .package
        .unwrap()
}

/// The `manifest.json` inside a package.
pub fn manifest_of(pkpass: &[u8]) -> Vec<u8> {
    archive::read_entries(pkpass)
        .unwrap()
        .into_iter()
        .find(|(n, _)| n == "manifest.json")
        .unwrap()
        .1
}

/// The codes of `findings`, in order.
pub fn codes(findings: &[Finding]) -> Vec<&str> {
    findings.iter().map(|f| f.code.as_str()).collect()
}
