//! Signatures made by other tools: `openssl cms -sign -keyid` names its signer by
//! subjectKeyIdentifier (a CMS version 3 SignerInfo), as current signers do. Wallet and
//! `openssl cms -verify` accept that form, so the reader must too, and still call a damaged or
//! outdated one what it is.
//!
//! Fixture: the Coupon sample exported for the test identity (`tests/fixtures/certs`), then its
//! `signature` replaced by one the `openssl` binary makes in the test itself
//! (`passmith_testkit::openssl_sign_keyid`: `openssl cms -sign -binary -keyid -md sha256`).

use std::process::Command;

use passmith_core::archive::{ManifestStatus, SignatureStatus, WwdrGeneration};

use passmith_testkit::{openssl_sign_keyid, openssl_verify, unzip};

use crate::archive::{built_sample, with_entry};
use crate::util::{fixtures, manifest_of, package_report};

/// openssl's own reading of a signature (`cms -cmsout -print`).
fn openssl_print(signature: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("signature"), signature).unwrap();
    let out = Command::new("openssl")
        .args([
            "cms",
            "-cmsout",
            "-print",
            "-inform",
            "DER",
            "-in",
            "signature",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The Coupon sample with its signature made by `openssl cms -sign -keyid`.
fn ski_signed() -> Vec<u8> {
    let pkpass = built_sample();
    let signature = openssl_sign_keyid(&manifest_of(&pkpass), true);
    with_entry(&pkpass, "signature", Some(&signature))
}

#[test]
fn a_signer_named_by_subject_key_identifier_is_valid() {
    let pkpass = ski_signed();
    let files = unzip(&pkpass);
    // The fixture really is the version-3 form, and openssl itself accepts it.
    let printed = openssl_print(&files["signature"]);
    assert!(printed.contains("d.subjectKeyIdentifier"), "{printed}");
    assert!(!printed.contains("d.issuerAndSerialNumber"), "{printed}");
    let verified = openssl_verify(&files, &fixtures().join("certs/test-wwdr-ca.pem"));
    assert!(
        verified.status.success(),
        "{}",
        String::from_utf8_lossy(&verified.stderr)
    );

    let report = package_report(&pkpass);
    match &report.signature {
        SignatureStatus::Valid {
            signer,
            signing_time,
        } => {
            assert_eq!(
                signer.pass_type_identifier.as_deref(),
                Some("pass.com.example.passmith")
            );
            assert_eq!(signer.team_identifier.as_deref(), Some("TEAM123456"));
            assert!(signing_time.is_some(), "openssl adds signingTime");
        }
        other => panic!("a valid -keyid signature was reported as {other:?}"),
    }
    assert_eq!(report.manifest, ManifestStatus::Matches);
    let intermediate = report.intermediate.clone().unwrap();
    assert_eq!(intermediate.generation, WwdrGeneration::G4);
    assert!(!intermediate.is_apple, "the test CA only looks like G4");
    let errors: Vec<_> = report
        .findings()
        .into_iter()
        .filter(|f| f.is_error())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn a_damaged_subject_key_identifier_signature_still_says_so() {
    let pkpass = ski_signed();
    let signature = unzip(&pkpass).remove("signature").unwrap();
    let reason = |pkpass: &[u8]| match package_report(pkpass).signature {
        SignatureStatus::Invalid { reason } => reason,
        other => panic!("expected an invalid signature, got {other:?}"),
    };

    // The RSA signature value is the last field of the DER: flip its last bit.
    let mut flipped = signature.clone();
    *flipped.last_mut().unwrap() ^= 1;
    let r = reason(&with_entry(&pkpass, "signature", Some(&flipped)));
    assert!(r.contains("not a valid signature"), "{r}");

    // The manifest changed after signing.
    let mut manifest = manifest_of(&pkpass);
    manifest.push(b' ');
    let r = reason(&with_entry(&pkpass, "manifest.json", Some(&manifest)));
    assert!(r.contains("manifest was changed"), "{r}");

    // Cut short: not readable as a signature at all.
    let r = reason(&with_entry(
        &pkpass,
        "signature",
        Some(&signature[..signature.len() / 2]),
    ));
    assert!(r.contains("damaged"), "{r}");

    // Without the signer's certificate (openssl -nocerts), nothing can be verified.
    let bare = openssl_sign_keyid(&manifest_of(&pkpass), false);
    let r = reason(&with_entry(&pkpass, "signature", Some(&bare)));
    assert!(r.contains("signer's certificate"), "{r}");
}
