//! The export gate: it refuses what validation calls an error, checks the certificate against the
//! pass once, and warns about the package it made exactly as the `.pkpass` reader does.

use std::collections::BTreeSet;

use passmith_core::export::Refused;

use crate::util::{
    cert_file, codes, other_identity, package_report, sample_for_test_cert, test_identity,
    try_export,
};

#[test]
fn a_pass_with_errors_is_refused_and_nothing_is_signed() {
    let mut doc = sample_for_test_cert("Coupon");
    doc.pass.description.clear();
    match try_export(&doc, &test_identity(), None) {
        Err(Refused::Blocked { findings }) => {
            assert!(findings[0].is_error(), "errors come first: {findings:#?}");
            assert!(codes(&findings).contains(&"pass.required"), "{findings:#?}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn a_mismatched_certificate_is_reported_once_per_problem() {
    let doc = sample_for_test_cert("Generic");
    let refused = try_export(&doc, &other_identity(), None).unwrap_err();
    let findings = refused.findings();
    let identity: Vec<&str> = codes(findings)
        .into_iter()
        .filter(|c| c.starts_with("identity.") && *c != "identity.intermediate_mismatch")
        .collect();
    assert_eq!(
        identity,
        ["identity.pass_type_mismatch", "identity.team_mismatch"]
    );
    let unique: BTreeSet<(String, String)> = findings
        .iter()
        .map(|f| (f.code.to_string(), f.path.to_string()))
        .collect();
    assert_eq!(unique.len(), findings.len(), "{findings:#?}");
}

#[test]
fn a_test_intermediate_is_signed_with_the_readers_warning() {
    let doc = sample_for_test_cert("Generic");
    let wwdr = cert_file("test-wwdr-ca.pem");
    let signed = try_export(&doc, &test_identity(), Some(&wwdr)).unwrap();
    let warned: Vec<&str> = codes(&signed.warnings)
        .into_iter()
        .filter(|c| c.starts_with("package."))
        .collect();
    assert_eq!(warned, ["package.intermediate_not_apple"]);
    // The same finding, word for word, as reading the exported file back.
    let report = package_report(&signed.bytes);
    let read_back = report.package_findings();
    assert!(
        read_back.iter().all(|f| signed.warnings.contains(f)),
        "{read_back:#?} vs {:#?}",
        signed.warnings
    );
}

#[test]
fn the_bundled_g4_warns_when_it_did_not_issue_the_certificate() {
    let doc = sample_for_test_cert("Generic");
    let signed = try_export(&doc, &test_identity(), None).unwrap();
    assert!(
        codes(&signed.warnings).contains(&"identity.intermediate_mismatch"),
        "{:#?}",
        signed.warnings
    );
    assert!(signed.warnings.iter().all(|f| !f.is_error()));
}
