//! Identity loading, signing and packaging, checked with the real `openssl` binary.

use std::collections::BTreeMap;
use std::process::Command;

use passmith_core::archive::{self, ManifestStatus, SignatureStatus, WwdrGeneration};
use passmith_core::export::Refused;
use passmith_core::identity::{IdentityProblem, format_unix_date};
use passmith_core::{Error, Identity, PassDocument, package, sign, verify};
use passmith_testkit::{json_equal, openssl_verify, unzip};

use crate::util::{
    PASSWORD, SAMPLES, cert_file, export, fixtures, now, sample_for_test_cert, test_identity,
    try_export,
};

/// Apple's sample `name` for the test certificate, and its pass.json as written.
fn sample_with_source(name: &str) -> (PassDocument, serde_json::Value) {
    let path = fixtures()
        .join("apple-samples")
        .join(format!("{name}.pass/pass.json"));
    let text = std::fs::read_to_string(path).unwrap();
    let source = passmith_core::json::parse_value(&text, "pass.json").unwrap();
    (sample_for_test_cert(name), source)
}

#[test]
fn every_apple_sample_rebuilds_and_verifies_with_openssl() {
    let identity = test_identity();
    let wwdr = cert_file("test-wwdr-ca.pem");
    let ca = fixtures().join("certs/test-wwdr-ca.pem");
    for name in SAMPLES {
        let (doc, source) = sample_with_source(name);
        let pkpass = export(&doc, &identity, Some(&wwdr));
        let files = unzip(&pkpass);

        let out = openssl_verify(&files, &ca);
        assert!(
            out.status.success(),
            "{name}: openssl cms -verify failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stderr).contains("Verification successful"));

        // Every file except manifest.json and signature is hashed, and the hashes are right.
        let manifest: BTreeMap<String, String> =
            serde_json::from_slice(&files["manifest.json"]).unwrap();
        let hashed: Vec<&String> = files
            .keys()
            .filter(|k| *k != "manifest.json" && *k != "signature")
            .collect();
        assert_eq!(manifest.keys().collect::<Vec<_>>(), hashed, "{name}");
        for (file, hash) in &manifest {
            assert_eq!(*hash, archive::sha1_hex(&files[file]), "{name}: {file}");
        }

        // pass.json says the same as the source, apart from the identifiers we switched.
        let mut built: serde_json::Value = serde_json::from_slice(&files["pass.json"]).unwrap();
        let mut expected = source.clone();
        for key in ["passTypeIdentifier", "teamIdentifier"] {
            built.as_object_mut().unwrap().remove(key);
            expected.as_object_mut().unwrap().remove(key);
        }
        assert!(
            json_equal(&built, &expected),
            "{name}: pass.json changed:\n{built:#}\nvs\n{expected:#}"
        );

        // Images are byte-identical to the sample's.
        for (file, bytes) in &doc.files {
            assert_eq!(files[file], **bytes, "{name}: {file}");
        }
    }
}

#[test]
fn signature_has_the_attributes_and_certificates_wallet_needs() {
    let doc = sample_for_test_cert("StoreCard");
    let pkpass = export(&doc, &test_identity(), None);
    let files = unzip(&pkpass);
    let sig = &files["signature"];
    let oids = verify::signed_attribute_oids(sig);
    for (oid, what) in [
        ("1.2.840.113549.1.9.3", "contentType"),
        ("1.2.840.113549.1.9.4", "messageDigest"),
        ("1.2.840.113549.1.9.5", "signingTime"),
    ] {
        assert!(oids.iter().any(|o| o == oid), "{what} missing: {oids:?}");
    }
    let t = verify::signing_time(sig).unwrap();
    assert!((t - now()).abs() < 300, "signingTime {t} is not now");

    // Detached: no embedded content. Exactly signer + bundled G4.
    let p7 = openssl::pkcs7::Pkcs7::from_der(sig).unwrap();
    let certs: Vec<String> = p7
        .signed()
        .unwrap()
        .certificates()
        .unwrap()
        .iter()
        .map(|c| format!("{:?}", c.subject_name()))
        .collect();
    assert_eq!(certs.len(), 2, "{certs:?}");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("signature"), sig).unwrap();
    let printed = Command::new("openssl")
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
    let text = String::from_utf8_lossy(&printed.stdout);
    assert!(text.contains("eContent: <ABSENT>"), "{text}");

    // The bundled intermediate is Apple's G4, and the import side sees it that way.
    let opened = archive::read_pkpass(&pkpass, now()).unwrap();
    let report = opened.package.unwrap();
    let inter = report.intermediate.clone().unwrap();
    assert_eq!(inter.generation, WwdrGeneration::G4);
    assert!(inter.is_apple);
    assert!(!inter.expired);
    assert_eq!(inter.serial, verify::APPLE_WWDR_G4_SERIAL);
    assert!(matches!(report.signature, SignatureStatus::Valid { .. }));
    assert_eq!(report.manifest, ManifestStatus::Matches);
}

#[test]
fn zip_layout_is_flat_deterministic_and_stores_pngs() {
    let doc = sample_for_test_cert("Event");
    let identity = test_identity();
    let a = export(&doc, &identity, None);
    let b = export(&doc, &identity, None);
    let mut za = zip::ZipArchive::new(std::io::Cursor::new(&a)).unwrap();
    let zb = zip::ZipArchive::new(std::io::Cursor::new(&b)).unwrap();
    let names: Vec<String> = za.file_names().map(|n| n.unwrap().into_owned()).collect();
    let names_b: Vec<String> = zb.file_names().map(|n| n.unwrap().into_owned()).collect();
    assert_eq!(names, names_b);
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    assert!(names.iter().all(|n| !n.contains('/')), "{names:?}");
    for i in 0..za.len() {
        let f = za.by_index(i).unwrap();
        let name = f.name().unwrap().into_owned();
        let expected = if name.ends_with(".png") {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        };
        assert_eq!(f.compression(), expected, "{name}");
        assert_eq!(f.last_modified(), Some(zip::DateTime::default()));
    }
    // Only the signature (signing time) may differ between two builds.
    let (fa, fb) = (unzip(&a), unzip(&b));
    for (k, v) in &fa {
        if k != "signature" {
            assert_eq!(v, &fb[k], "{k}");
        }
    }
}

#[test]
fn lproj_files_are_packaged_and_hashed() {
    let mut doc = sample_for_test_cert("Generic");
    let mut fr = passmith_core::strings::Strings::default();
    fr.set("Hello", "Bonjour");
    doc.localizations.insert("fr".into(), fr);
    doc.files
        .insert("fr.lproj/logo.png".into(), doc.files["logo.png"].clone());
    let pkpass = export(&doc, &test_identity(), None);
    let files = unzip(&pkpass);
    let manifest: BTreeMap<String, String> =
        serde_json::from_slice(&files["manifest.json"]).unwrap();
    assert_eq!(
        manifest["fr.lproj/pass.strings"],
        archive::sha1_hex(&files["fr.lproj/pass.strings"])
    );
    assert_eq!(
        manifest["fr.lproj/logo.png"],
        archive::sha1_hex(&doc.files["logo.png"])
    );
}

#[test]
fn folder_to_pkpass_to_document_round_trip_is_lossless() {
    for name in SAMPLES {
        let mut doc = sample_for_test_cert(name);
        let mut de = passmith_core::strings::Strings::default();
        de.set("Coupon", "Gutschein");
        doc.localizations.insert("de".into(), de);
        doc.files
            .insert("de.lproj/icon.png".into(), doc.files["icon.png"].clone());
        doc.files
            .insert("notes/readme.txt".into(), b"any other file".to_vec().into());
        let pkpass = export(&doc, &test_identity(), None);
        let opened = archive::read_pkpass(&pkpass, now()).unwrap();
        assert_eq!(opened.document, doc, "{name}");
        let report = opened.package.unwrap();
        assert!(report.is_intact(), "{name}: {report:?}");
    }
}

#[test]
fn legacy_and_modern_p12_and_pem_all_sign() {
    let doc = sample_for_test_cert("Coupon");
    let ca = fixtures().join("certs/test-wwdr-ca.pem");
    let wwdr = cert_file("test-wwdr-ca.pem");
    let identities = [
        Identity::from_pkcs12(&cert_file("test-pass.p12"), PASSWORD).unwrap(),
        Identity::from_pkcs12(&cert_file("test-pass-legacy.p12"), PASSWORD).unwrap(),
        Identity::from_pem(
            &cert_file("test-pass.pem"),
            &cert_file("test-pass.key"),
            None,
        )
        .unwrap(),
    ];
    for identity in identities {
        let s = identity.summary();
        assert_eq!(
            s.pass_type_identifier.as_deref(),
            Some("pass.com.example.passmith")
        );
        assert_eq!(s.team_identifier.as_deref(), Some("TEAM123456"));
        assert_eq!(s.subject, "Pass Type ID: pass.com.example.passmith");
        let files = unzip(&export(&doc, &identity, Some(&wwdr)));
        let out = openssl_verify(&files, &ca);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn wrong_password_is_its_own_error() {
    for file in ["test-pass.p12", "test-pass-legacy.p12"] {
        let err = Identity::from_pkcs12(&cert_file(file), "not-the-password").unwrap_err();
        assert!(
            matches!(err, Error::Identity(IdentityProblem::WrongPassword)),
            "{file}: {err:?}"
        );
        assert!(err.to_string().contains("password"), "{err}");
    }
}

#[test]
fn a_p12_without_a_key_says_so() {
    let cert = openssl::x509::X509::from_pem(&cert_file("test-pass.pem")).unwrap();
    let mut builder = openssl::pkcs12::Pkcs12::builder();
    builder.cert(&cert);
    let der = builder.build2(PASSWORD).unwrap().to_der().unwrap();
    let err = Identity::from_pkcs12(&der, PASSWORD).unwrap_err();
    assert!(
        matches!(err, Error::Identity(IdentityProblem::NoPrivateKey)),
        "{err:?}"
    );
    assert!(err.to_string().contains("no private key"), "{err}");

    let err = Identity::from_pem(
        &cert_file("test-pass.pem"),
        &cert_file("test-pass.pem"),
        None,
    )
    .unwrap_err();
    assert!(
        matches!(err, Error::Identity(IdentityProblem::NoPrivateKey)),
        "{err:?}"
    );
}

#[test]
fn a_certificate_that_is_not_a_pass_type_id_is_refused() {
    let err = Identity::from_pem(
        &cert_file("test-wwdr-ca.pem"),
        &cert_file("test-wwdr-ca.key"),
        None,
    )
    .unwrap_err();
    match &err {
        Error::Identity(IdentityProblem::NotPassTypeCertificate { subject }) => {
            assert!(
                subject.contains("Passmith Test Worldwide Developer Relations CA"),
                "{subject}"
            )
        }
        other => panic!("expected NotPassTypeCertificate, got {other:?}"),
    }
}

#[test]
fn a_key_from_another_certificate_is_refused() {
    let err = Identity::from_pem(
        &cert_file("test-pass.pem"),
        &cert_file("test-wwdr-ca.key"),
        None,
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Identity(IdentityProblem::KeyDoesNotMatch { .. })
        ),
        "{err:?}"
    );
}

#[test]
fn encrypted_pem_keys_need_the_right_password() {
    let key = openssl::pkey::PKey::private_key_from_pem(&cert_file("test-pass.key")).unwrap();
    let encrypted = key
        .private_key_to_pem_pkcs8_passphrase(openssl::symm::Cipher::aes_256_cbc(), b"secret")
        .unwrap();
    let cert = cert_file("test-pass.pem");
    assert!(Identity::from_pem(&cert, &encrypted, Some("secret")).is_ok());
    let err = Identity::from_pem(&cert, &encrypted, Some("wrong")).unwrap_err();
    assert!(
        matches!(err, Error::Identity(IdentityProblem::WrongPassword)),
        "{err:?}"
    );
    let err = Identity::from_pem(&cert, &encrypted, None).unwrap_err();
    assert!(
        matches!(err, Error::Identity(IdentityProblem::KeyNeedsPassword)),
        "{err:?}"
    );
}

#[test]
fn expired_certificate_is_reported_with_its_date() {
    let identity = Identity::from_pkcs12(&cert_file("test-expired.p12"), PASSWORD).unwrap();
    let err = identity.ensure_valid_at(now()).unwrap_err();
    match &err {
        Error::Identity(IdentityProblem::Expired { date, .. }) => assert_eq!(date, "2021-01-01"),
        other => panic!("expected Expired, got {other:?}"),
    }
    let doc = sample_for_test_cert("Coupon");
    let findings = identity.check_against(&doc.pass, now());
    assert_eq!(
        findings.iter().map(|f| f.code.as_str()).collect::<Vec<_>>(),
        ["identity.expired"]
    );
    assert!(findings[0].is_error());

    // Before its start date it is "not yet valid".
    let err = identity.ensure_valid_at(1_500_000_000).unwrap_err();
    assert!(
        matches!(err, Error::Identity(IdentityProblem::NotYetValid { .. })),
        "{err:?}"
    );
}

#[test]
fn expiring_soon_is_a_warning() {
    let identity = test_identity();
    let s = identity.summary();
    let doc = sample_for_test_cert("Coupon");
    let ten_days_before = s.not_after - 10 * 86_400;
    let findings = identity.check_against(&doc.pass, ten_days_before);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].code, "identity.expiring");
    assert!(!findings[0].is_error());
    assert!(findings[0].message.contains(&format_unix_date(s.not_after)));
    assert!(identity.check_against(&doc.pass, now()).is_empty());
}

#[test]
fn mismatched_identity_names_both_identifiers() {
    let other = Identity::from_pkcs12(&cert_file("test-other-identity.p12"), PASSWORD).unwrap();
    let doc = sample_for_test_cert("Coupon");
    let findings = other.check_against(&doc.pass, now());
    let codes: Vec<&str> = findings.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(
        codes,
        ["identity.pass_type_mismatch", "identity.team_mismatch"]
    );
    assert_eq!(findings[0].path, "/passTypeIdentifier");
    assert_eq!(findings[1].path, "/teamIdentifier");
    assert!(findings[0].message.contains("pass.com.example.other"));
    assert!(findings[1].message.contains("OTHERTEAM1"));
}

#[test]
fn pass_type_comes_from_the_apple_extension() {
    // The other-identity certificate has UID, CN and the …6.1.16 extension all agreeing;
    // a certificate with only the extension must still be recognised.
    let key = openssl::pkey::PKey::private_key_from_pem(&cert_file("test-pass.key")).unwrap();
    let mut name = openssl::x509::X509NameBuilder::new().unwrap();
    name.append_entry_by_text("CN", "Some Name").unwrap();
    name.append_entry_by_text("OU", "TEAM123456").unwrap();
    let name = name.build();
    let mut b = openssl::x509::X509::builder().unwrap();
    b.set_version(2).unwrap();
    b.set_subject_name(&name).unwrap();
    b.set_issuer_name(&name).unwrap();
    b.set_pubkey(&key).unwrap();
    b.set_not_before(&openssl::asn1::Asn1Time::days_from_now(0).unwrap())
        .unwrap();
    b.set_not_after(&openssl::asn1::Asn1Time::days_from_now(30).unwrap())
        .unwrap();
    let ctx = b.x509v3_context(None, None);
    #[allow(deprecated)]
    let ext = openssl::x509::X509Extension::new(
        None,
        Some(&ctx),
        "1.2.840.113635.100.6.1.16",
        "ASN1:UTF8String:pass.com.ext.only",
    )
    .unwrap();
    b.append_extension(ext).unwrap();
    b.sign(&key, openssl::hash::MessageDigest::sha256())
        .unwrap();
    let cert = b.build().to_pem().unwrap();
    let identity = Identity::from_pem(&cert, &cert_file("test-pass.key"), None).unwrap();
    assert_eq!(
        identity.summary().pass_type_identifier.as_deref(),
        Some("pass.com.ext.only")
    );
}

#[test]
fn a_custom_wwdr_must_be_a_certificate() {
    let doc = sample_for_test_cert("Coupon");
    let err = try_export(&doc, &test_identity(), Some(b"not a pem")).unwrap_err();
    assert!(matches!(err, Refused::Failed(_)), "{err:?}");
    assert!(err.to_string().contains("WWDR"), "{err}");
}

#[test]
fn unsafe_file_names_are_not_packaged() {
    let mut doc = sample_for_test_cert("Coupon");
    doc.files.insert("../escape.png".into(), vec![1].into());
    let err = try_export(&doc, &test_identity(), None).unwrap_err();
    assert!(matches!(err, Refused::Failed(_)), "{err:?}");
    assert!(err.to_string().contains("../escape.png"), "{err}");
}

#[test]
fn bundles_hold_passes_that_open_again() {
    let identity = test_identity();
    let mut passes = Vec::new();
    for name in SAMPLES {
        let doc = sample_for_test_cert(name);
        passes.push((format!("{name}.pkpass"), export(&doc, &identity, None)));
    }
    let bundle = package::bundle_pkpasses(&passes).unwrap();
    let inner = unzip(&bundle);
    assert_eq!(inner.len(), 5);
    for (name, bytes) in &passes {
        assert_eq!(&inner[name], bytes);
        assert!(
            archive::read_pkpass(&inner[name], now())
                .unwrap()
                .package
                .unwrap()
                .is_intact()
        );
    }
}

#[test]
fn an_intermediate_that_did_not_issue_the_certificate_is_a_warning() {
    let identity = test_identity();
    // The bundled Apple G4 did not issue the test certificate…
    let findings = sign::intermediate_findings(&identity, None);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].code, "identity.intermediate_mismatch");
    assert!(!findings[0].is_error());
    assert!(
        findings[0]
            .message
            .contains("Passmith Test Worldwide Developer Relations CA")
    );
    // …the test CA did.
    assert!(
        sign::intermediate_findings(&identity, Some(&cert_file("test-wwdr-ca.pem"))).is_empty()
    );
}

#[test]
fn the_legacy_provider_loads_here() {
    assert_eq!(passmith_core::identity::ensure_legacy_provider(), Ok(()));
}
