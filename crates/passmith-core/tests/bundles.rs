//! Reading `.pkpasses` bundles back: every pass in it, each on its own.
//!
//! Fixture, built in the test: `package::bundle_pkpasses` (what `passmith bundle` writes) of the
//! Coupon and Event samples exported for the test identity plus a file that is not a pass.

use passmith_core::archive::{self, ArchiveProblem, SignatureStatus};
use passmith_core::bundle::{self, Contents};
use passmith_core::{Error, package};

use crate::util::{export, now, sample_for_test_cert, test_identity};

fn two_passes_and_junk() -> Vec<u8> {
    let identity = test_identity();
    package::bundle_pkpasses(&[
        (
            "Coupon.pkpass".into(),
            export(&sample_for_test_cert("Coupon"), &identity, None),
        ),
        (
            "Event.pkpass".into(),
            export(&sample_for_test_cert("Event"), &identity, None),
        ),
        ("Junk.pkpass".into(), b"not a zip".to_vec()),
    ])
    .unwrap()
}

#[test]
fn a_bundle_reads_into_its_passes() {
    let bytes = two_passes_and_junk();
    let read = bundle::read_pkpasses(&bytes, now()).unwrap();
    let names: Vec<&str> = read.passes.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Coupon.pkpass", "Event.pkpass", "Junk.pkpass"]);
    assert!(read.ignored.is_empty());
    for p in &read.passes[..2] {
        let opened = p.pass.as_ref().unwrap();
        let report = opened.package.as_ref().unwrap();
        assert!(
            matches!(report.signature, SignatureStatus::Valid { .. }),
            "{}: {:?}",
            p.name,
            report.signature
        );
        assert!(report.is_intact());
    }
    assert_eq!(
        read.passes[0]
            .pass
            .as_ref()
            .unwrap()
            .document
            .pass
            .serial_number,
        sample_for_test_cert("Coupon").pass.serial_number
    );
    // The junk pass is reported as such; the others are still read.
    assert!(matches!(
        read.passes[2].pass,
        Err(Error::Archive(ArchiveProblem::NotAZip { .. }))
    ));
}

#[test]
fn a_bundle_opened_as_a_pass_says_what_it_is() {
    let bytes = two_passes_and_junk();
    match archive::read_pkpass(&bytes, now()) {
        Err(Error::Archive(ArchiveProblem::IsBundle { passes: 3 })) => {}
        other => panic!("expected IsBundle, got {other:?}"),
    }
    let message = archive::read_pkpass(&bytes, now()).unwrap_err().to_string();
    assert!(
        message.contains(".pkpasses bundle of 3 passes"),
        "{message}"
    );

    // A pass is not a bundle.
    let pass = export(&sample_for_test_cert("Coupon"), &test_identity(), None);
    assert!(matches!(
        bundle::read_pkpasses(&pass, now()),
        Err(Error::Archive(ArchiveProblem::NotABundle))
    ));
}

#[test]
fn open_path_tells_bundles_passes_and_folders_apart_by_content() {
    let dir = tempfile::tempdir().unwrap();
    // Named .pkpass on purpose: the content decides.
    let bundle_path = dir.path().join("Misnamed.pkpass");
    std::fs::write(&bundle_path, two_passes_and_junk()).unwrap();
    assert!(matches!(
        bundle::open_path(&bundle_path, now()),
        Ok(Contents::Bundle(b)) if b.passes.len() == 3
    ));
    let pass_path = dir.path().join("Coupon.pkpass");
    std::fs::write(
        &pass_path,
        export(&sample_for_test_cert("Coupon"), &test_identity(), None),
    )
    .unwrap();
    assert!(matches!(
        bundle::open_path(&pass_path, now()),
        Ok(Contents::Pass(p)) if p.package.is_some()
    ));
    let folder = crate::util::fixtures().join("apple-samples/Coupon.pass");
    assert!(matches!(
        bundle::open_path(&folder, now()),
        Ok(Contents::Pass(p)) if p.package.is_none()
    ));
}
