//! `passmith image set` and `image list`: a photo on a coupon's strip, the originals kept under
//! `.passmith/sources/` and left out of the .pkpass, and the exit codes for bad input.

use std::io::Cursor;

use image::{ImageFormat, Rgb, RgbImage};
use serde_json::Value;

use crate::util::{cert, copy_sample, for_test_identity, os, run};

/// A 4000×3000 photo-like JPEG.
fn photo(dir: &std::path::Path) -> std::path::PathBuf {
    let img = RgbImage::from_fn(4000, 3000, |x, y| {
        Rgb([(x / 16) as u8, (y / 12) as u8, ((x + y) / 28) as u8])
    });
    let path = dir.join("Holiday Photo.JPG");
    let mut bytes = Vec::new();
    img.write_to(&mut Cursor::new(&mut bytes), ImageFormat::Jpeg)
        .unwrap();
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn a_photo_set_on_a_coupon_strip_is_listed_and_not_packaged() {
    let tmp = tempfile::tempdir().unwrap();
    let pass = copy_sample(tmp.path(), "Coupon", for_test_identity);
    std::fs::write(pass.join("notes.txt"), "mine").unwrap();
    let photo = photo(tmp.path());

    let (code, stdout, stderr) = run(os!["image", "set", pass, "strip", photo, "--json"]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let sizes: Vec<(String, u64, u64)> = report["images"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["path"].as_str().unwrap().to_owned(),
                i["width"].as_u64().unwrap(),
                i["height"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        sizes,
        [
            ("strip.png".to_owned(), 375, 144),
            ("strip@2x.png".to_owned(), 750, 288),
            ("strip@3x.png".to_owned(), 1125, 432),
        ]
    );
    assert_eq!(report["kept"], ".passmith/sources/strip.jpg");
    for (path, w, h) in &sizes {
        let img = image::open(pass.join(path)).unwrap();
        assert_eq!(
            (img.width() as u64, img.height() as u64),
            (*w, *h),
            "{path}"
        );
    }
    assert_eq!(
        std::fs::read(pass.join(".passmith/sources/strip.jpg")).unwrap(),
        std::fs::read(&photo).unwrap()
    );
    // The user's own file is untouched.
    assert_eq!(
        std::fs::read_to_string(pass.join("notes.txt")).unwrap(),
        "mine"
    );

    // `validate` has nothing to say about the strip.
    let (_, stdout, _) = run(os!["validate", pass, "--json"]);
    let findings: Vec<Value> = serde_json::from_str(&stdout).unwrap();
    let strip: Vec<&Value> = findings
        .iter()
        .filter(|f| f["path"].as_str().is_some_and(|p| p.starts_with("strip")))
        .collect();
    assert!(strip.is_empty(), "{strip:#?}");

    // `image list` shows each density, its bytes, the total and the kept original.
    let (code, stdout, stderr) = run(os!["image", "list", pass, "--json"]);
    assert_eq!(code, 0, "{stderr}");
    let list: Value = serde_json::from_str(&stdout).unwrap();
    let strip3 = list["images"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["path"] == "strip@3x.png")
        .unwrap();
    assert_eq!(
        (strip3["width"].as_u64(), strip3["height"].as_u64()),
        (Some(1125), Some(432))
    );
    assert_eq!(
        strip3["bytes"].as_u64().unwrap(),
        std::fs::metadata(pass.join("strip@3x.png")).unwrap().len()
    );
    assert_eq!(strip3["source"]["original_name"], "Holiday Photo.JPG");
    assert_eq!(strip3["source"]["fit"], "cover");
    assert!(list["pass_bytes"].as_u64().unwrap() > list["images_bytes"].as_u64().unwrap());
    assert_eq!(list["too_large"], false);
    let (code, stdout, _) = run(os!["image", "list", pass]);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("strip@3x.png") && stdout.contains("1125×432 px"),
        "{stdout}"
    );
    assert!(
        stdout.contains("kept in .passmith/sources/strip.jpg"),
        "{stdout}"
    );
    assert!(stdout.contains("Whole pass:"), "{stdout}");

    // The .pkpass holds Wallet's files only.
    let out = tmp.path().join("Coupon.pkpass");
    let (code, stdout, stderr) = run(os![
        "build",
        pass,
        "-o",
        out,
        "--cert",
        cert("test-pass.p12"),
        "--wwdr",
        cert("test-wwdr-ca.pem"),
        "--password-file",
        crate::util::cert_password_file(tmp.path())
    ]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let names = passmith_core::archive::read_entries(&std::fs::read(&out).unwrap())
        .unwrap()
        .into_iter()
        .map(|(n, _)| n)
        .collect::<Vec<_>>();
    assert!(names.contains(&"strip@3x.png".to_owned()), "{names:?}");
    assert!(
        names
            .iter()
            .all(|n| !n.starts_with(".passmith") && !n.ends_with(".jpg")),
        "{names:?}"
    );
}

#[test]
fn contain_pads_with_the_background_and_bad_input_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let pass = copy_sample(tmp.path(), "Coupon", for_test_identity);
    let photo = photo(tmp.path());

    let (code, stdout, stderr) = run(os![
        "image", "set", pass, "icon", photo, "--fit", "contain", "--focus", "0.2,0.8"
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("icon@3x.png  87×87 px"), "{stdout}");
    let icon = image::open(pass.join("icon@3x.png")).unwrap().into_rgba8();
    // A 4:3 photo in a square: padded above and below with the pass's background colour.
    let json: Value =
        serde_json::from_slice(&std::fs::read(pass.join("pass.json")).unwrap()).unwrap();
    let bg = passmith_core::color::parse_color(json["backgroundColor"].as_str().unwrap()).unwrap();
    let top = icon.get_pixel(43, 1).0;
    assert_eq!([top[0], top[1], top[2], top[3]], [bg[0], bg[1], bg[2], 255]);

    // A text file is not a picture: 2, and nothing changes.
    let before = std::fs::read(pass.join("icon.png")).unwrap();
    let text = tmp.path().join("notes.txt");
    std::fs::write(&text, "hello").unwrap();
    let (code, _, stderr) = run(os!["image", "set", pass, "icon", text]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("notes.txt is not a picture Passmith can read"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(pass.join("icon.png")).unwrap(), before);

    // A slot the coupon does not show: 1, naming the ones it does.
    let (code, _, stderr) = run(os!["image", "set", pass, "footer", photo]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("does not show a footer image"), "{stderr}");
    assert!(stderr.contains("icon, logo, strip"), "{stderr}");

    // No such pass folder or source: 2.
    let missing = tmp.path().join("Missing.pass");
    let (code, _, stderr) = run(os!["image", "list", missing]);
    assert_eq!(code, 2, "{stderr}");
    let (code, _, stderr) = run(os![
        "image",
        "set",
        pass,
        "icon",
        tmp.path().join("none.png")
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("cannot read"), "{stderr}");

    // A focus outside 0..1 is a usage error that says what to give.
    let (code, _, stderr) = run(os!["image", "set", pass, "icon", photo, "--focus", "2,0"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("between 0 and 1"), "{stderr}");
}
