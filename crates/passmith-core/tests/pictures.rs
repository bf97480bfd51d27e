//! One picture per image slot (issue 12): sizes per style and density from `rules`, cover and
//! contain, SVG sharpness, the kept originals under `.passmith/sources/` (not packaged), and
//! rendering again after a style change.

use std::io::Cursor;
use std::path::Path;

use image::{ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};
use passmith_core::model::Style;
use passmith_core::picture::sources::{self, SOURCES_DIR, SourceIndex};
use passmith_core::picture::{Fit, Focus, Framing};
use passmith_core::{PassDocument, ValidationContext, validate};

use crate::util::{cert_file, export, test_identity};

/// A coupon with no images yet, for the test certificate, with a yellow background.
fn coupon() -> PassDocument {
    let json = serde_json::json!({
        "formatVersion": 1,
        "passTypeIdentifier": "pass.com.example.passmith",
        "serialNumber": "0001",
        "teamIdentifier": "TEAM123456",
        "organizationName": "Coffee Club",
        "description": "Coffee Club coupon",
        "backgroundColor": "rgb(255, 220, 0)",
        "coupon": {"primaryFields": [{"key": "off", "label": "Off", "value": "20%"}]}
    });
    let pass = passmith_core::json::parse_pass(&serde_json::to_vec(&json).unwrap()).unwrap();
    PassDocument::new(pass)
}

/// A 4000×3000 photo-like JPEG: smooth gradients with some texture, as a camera gives.
fn photo_jpeg() -> Vec<u8> {
    let img = RgbImage::from_fn(4000, 3000, |x, y| {
        let t = ((x ^ y) % 17) as u8;
        Rgb([(x / 16) as u8 ^ t, (y / 12) as u8, ((x + y) / 28) as u8])
    });
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), ImageFormat::Jpeg)
        .unwrap();
    out
}

/// 300×100: red, green and blue thirds.
fn bands_png() -> Vec<u8> {
    let img = RgbaImage::from_fn(300, 100, |x, _| match x / 100 {
        0 => Rgba([255, 0, 0, 255]),
        1 => Rgba([0, 255, 0, 255]),
        _ => Rgba([0, 0, 255, 255]),
    });
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
        .unwrap();
    out
}

/// A 320×100 logo: the left half black, the right half white, so it has one hard vertical edge.
const LOGO_SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="320" height="100" viewBox="0 0 320 100">
  <rect x="0" y="0" width="160" height="100" fill="#000000"/>
  <rect x="160" y="0" width="160" height="100" fill="#ffffff"/>
</svg>"##;

fn decoded(doc: &PassDocument, path: &str) -> RgbaImage {
    let bytes = doc.files.get(path).unwrap_or_else(|| panic!("no {path}"));
    image::load_from_memory_with_format(bytes, ImageFormat::Png)
        .unwrap()
        .into_rgba8()
}

fn near(p: Rgba<u8>, want: [u8; 3]) -> bool {
    p.0[3] == 255 && (0..3).all(|i| p.0[i].abs_diff(want[i]) <= 6)
}

fn cover() -> Framing {
    Framing::default()
}

fn contain() -> Framing {
    Framing {
        fit: Fit::Contain,
        focus: Focus::default(),
    }
}

/// The pass folder `dir/Coupon.pass` holding `doc`.
fn saved(dir: &Path, doc: &PassDocument) -> std::path::PathBuf {
    let pass_dir = dir.join("Coupon.pass");
    doc.write_dir(&pass_dir).unwrap();
    pass_dir
}

/// The must-show of issue 12: photo on a coupon strip, a non-square icon, an SVG logo; then
/// validation has no image finding, the originals are kept, and the .pkpass does not hold them.
#[test]
fn a_photo_an_icon_and_an_svg_logo_make_a_clean_coupon() {
    let tmp = tempfile::tempdir().unwrap();
    let mut doc = coupon();
    let dir = saved(tmp.path(), &doc);
    let photo = photo_jpeg();
    sources::set_picture(&dir, &mut doc, "strip", None, "photo.jpg", &photo, cover()).unwrap();
    sources::set_picture(
        &dir,
        &mut doc,
        "icon",
        None,
        "bands.png",
        &bands_png(),
        contain(),
    )
    .unwrap();
    sources::set_picture(
        &dir,
        &mut doc,
        "logo",
        None,
        "logo.svg",
        LOGO_SVG.as_bytes(),
        cover(),
    )
    .unwrap();
    doc.write_dir(&dir).unwrap();

    for (path, size) in [
        ("strip.png", (375, 144)),
        ("strip@2x.png", (750, 288)),
        ("strip@3x.png", (1125, 432)),
        ("icon.png", (29, 29)),
        ("icon@2x.png", (58, 58)),
        ("icon@3x.png", (87, 87)),
        ("logo.png", (160, 50)),
        ("logo@2x.png", (320, 100)),
        ("logo@3x.png", (480, 150)),
    ] {
        assert_eq!(decoded(&doc, path).dimensions(), size, "{path}");
    }
    let findings = validate(&doc, &ValidationContext::default());
    let image_findings: Vec<_> = findings
        .iter()
        .filter(|f| f.code.as_str().starts_with("image.") || f.code.as_str().starts_with("file."))
        .collect();
    assert!(image_findings.is_empty(), "{image_findings:#?}");

    // The originals are kept byte for byte, with their framing, under .passmith/sources/.
    let index = SourceIndex::load(&dir).unwrap();
    let strip = index.get("strip", None).unwrap();
    assert_eq!(
        (strip.original_name.as_str(), strip.fit),
        ("photo.jpg", Fit::Cover)
    );
    assert_eq!(
        std::fs::read(dir.join(SOURCES_DIR).join(&strip.file)).unwrap(),
        photo
    );
    assert_eq!(index.get("icon", None).unwrap().fit, Fit::Contain);
    assert!(dir.join(SOURCES_DIR).join("index.json").is_file());

    // Reopened, the pass holds only Wallet's files, and so does its package.
    let reopened = PassDocument::read_dir(&dir).unwrap();
    assert_eq!(reopened, doc);
    assert!(reopened.files.keys().all(|k| !k.starts_with(".passmith")));
    let wwdr = cert_file("test-wwdr-ca.pem");
    let pkpass = export(&reopened, &test_identity(), Some(&wwdr));
    let names: Vec<String> = passmith_core::archive::read_entries(&pkpass)
        .unwrap()
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert!(names.contains(&"strip@3x.png".to_owned()), "{names:?}");
    assert!(
        names
            .iter()
            .all(|n| !n.contains(".passmith") && !n.ends_with(".jpg") && !n.ends_with(".svg")),
        "{names:?}"
    );
}

#[test]
fn a_non_square_icon_is_padded_for_contain_and_cropped_for_cover() {
    let tmp = tempfile::tempdir().unwrap();
    let mut doc = coupon();
    let dir = saved(tmp.path(), &doc);
    let yellow = [255, 220, 0];

    sources::set_picture(
        &dir,
        &mut doc,
        "icon",
        None,
        "bands.png",
        &bands_png(),
        contain(),
    )
    .unwrap();
    let icon = decoded(&doc, "icon@3x.png");
    assert_eq!(icon.dimensions(), (87, 87));
    // The whole 3:1 picture, 87×29 in the middle, with the background colour above and below.
    for (x, y, want) in [
        (43, 2, yellow),
        (43, 25, yellow),
        (43, 84, yellow),
        (14, 43, [255, 0, 0]),
        (43, 43, [0, 255, 0]),
        (72, 43, [0, 0, 255]),
    ] {
        let p = *icon.get_pixel(x, y);
        assert!(near(p, want), "contain: ({x},{y}) is {p:?}, want {want:?}");
    }
    // Undistorted: the picture band is a third of the height (29 of 87 rows, to rounding).
    let picture_rows = (0..87)
        .filter(|&y| !near(*icon.get_pixel(43, y), yellow))
        .count();
    assert!((28..=31).contains(&picture_rows), "{picture_rows} rows");

    sources::set_picture(
        &dir,
        &mut doc,
        "icon",
        None,
        "bands.png",
        &bands_png(),
        cover(),
    )
    .unwrap();
    let icon = decoded(&doc, "icon@3x.png");
    assert_eq!(icon.dimensions(), (87, 87));
    // The middle square of the picture only: green everywhere, no red or blue squeezed in.
    for (x, y) in [(8, 8), (43, 43), (78, 78), (8, 78), (78, 8)] {
        let p = *icon.get_pixel(x, y);
        assert!(near(p, [0, 255, 0]), "cover: ({x},{y}) is {p:?}");
    }
    // The focus point moves the crop: on the left, the red third.
    let left = Framing {
        fit: Fit::Cover,
        focus: Focus::new(0.0, 0.5).unwrap(),
    };
    sources::set_picture(
        &dir,
        &mut doc,
        "icon",
        None,
        "bands.png",
        &bands_png(),
        left,
    )
    .unwrap();
    assert!(near(
        *decoded(&doc, "icon@3x.png").get_pixel(43, 43),
        [255, 0, 0]
    ));
    // One original per slot, its framing updated.
    let index = SourceIndex::load(&dir).unwrap();
    assert_eq!(index.sources.len(), 1);
    assert_eq!(index.sources[0].focus, Focus::new(0.0, 0.5).unwrap());
}

#[test]
fn an_svg_logo_is_sharp_at_every_density() {
    let tmp = tempfile::tempdir().unwrap();
    let mut doc = coupon();
    let dir = saved(tmp.path(), &doc);
    sources::set_picture(
        &dir,
        &mut doc,
        "logo",
        None,
        "logo.svg",
        LOGO_SVG.as_bytes(),
        cover(),
    )
    .unwrap();
    for (scale, path) in [(1u32, "logo.png"), (2, "logo@2x.png"), (3, "logo@3x.png")] {
        let logo = decoded(&doc, path);
        // Within Wallet's 160×50 pt logo box, keeping the 16:5 aspect ratio.
        assert_eq!(logo.dimensions(), (160 * scale, 50 * scale), "{path}");
        // Across the hard edge in the middle, at most 2 pixels are neither black nor white.
        let y = logo.height() / 2;
        let grey = (0..logo.width())
            .filter(|&x| {
                let p = logo.get_pixel(x, y);
                !(near(*p, [0, 0, 0]) || near(*p, [255, 255, 255]))
            })
            .count();
        assert!(grey <= 2, "{path}: {grey} blurred pixels across the edge");
        assert!(near(*logo.get_pixel(logo.width() / 2 - 1, y), [0, 0, 0]));
        assert!(near(*logo.get_pixel(logo.width() / 2, y), [255, 255, 255]));
    }
}

#[test]
fn a_style_change_renders_again_from_the_original() {
    let tmp = tempfile::tempdir().unwrap();
    let mut doc = coupon();
    let dir = saved(tmp.path(), &doc);
    sources::set_picture(
        &dir,
        &mut doc,
        "strip",
        None,
        "photo.jpg",
        &photo_jpeg(),
        cover(),
    )
    .unwrap();
    sources::set_picture(
        &dir,
        &mut doc,
        "logo",
        None,
        "logo.svg",
        LOGO_SVG.as_bytes(),
        cover(),
    )
    .unwrap();
    doc.pass.set_style(Style::StoreCard);
    let report = sources::rerender_all(&dir, &mut doc).unwrap();
    assert_eq!(report.len(), 2);
    assert!(
        report.iter().all(|r| matches!(r.result, Ok(Some(_)))),
        "{report:#?}"
    );
    // A store card's strip is 375×123 pt: rendered from the 4000×3000 original at full detail.
    assert_eq!(decoded(&doc, "strip.png").dimensions(), (375, 123));
    assert_eq!(decoded(&doc, "strip@3x.png").dimensions(), (1125, 369));

    // A generic pass has no strip: the images stay (validation reports them), the logo renders.
    doc.pass.set_style(Style::Generic);
    let report = sources::rerender_all(&dir, &mut doc).unwrap();
    let strip = report.iter().find(|r| r.entry.slot == "strip").unwrap();
    assert!(matches!(strip.result, Ok(None)), "{strip:?}");
    let unused = validate(&doc, &ValidationContext::default());
    let unused = unused
        .iter()
        .find(|f| f.code.as_str() == "image.unused")
        .expect("the strip is flagged");
    assert!(
        unused.hint.starts_with("Remove the strip image"),
        "{}",
        unused.hint
    );
}

#[test]
fn a_picture_that_cannot_be_used_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let mut doc = coupon();
    let dir = saved(tmp.path(), &doc);
    let before = doc.clone();
    let err = sources::set_picture(
        &dir,
        &mut doc,
        "strip",
        None,
        "notes.txt",
        b"hello",
        cover(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("notes.txt"), "{err}");
    let err = sources::set_picture(
        &dir,
        &mut doc,
        "footer",
        None,
        "b.png",
        &bands_png(),
        cover(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("does not show a footer"), "{err}");
    let err = sources::set_picture(
        &dir,
        &mut doc,
        "banner",
        None,
        "b.png",
        &bands_png(),
        cover(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("not an image slot"), "{err}");
    assert_eq!(doc, before);
    assert!(!dir.join(SOURCES_DIR).exists());
}

#[test]
fn gif_and_webp_sources_are_read() {
    let tmp = tempfile::tempdir().unwrap();
    let mut doc = coupon();
    let dir = saved(tmp.path(), &doc);
    let img = RgbaImage::from_pixel(120, 120, Rgba([0, 128, 255, 255]));
    for format in [ImageFormat::Gif, ImageFormat::WebP] {
        let mut bytes = Vec::new();
        img.write_to(&mut Cursor::new(&mut bytes), format).unwrap();
        let name = format!("pic.{}", format.extensions_str()[0]);
        sources::set_picture(&dir, &mut doc, "icon", None, &name, &bytes, cover()).unwrap();
        let icon = decoded(&doc, "icon@2x.png");
        assert_eq!(icon.dimensions(), (58, 58));
        assert!(near(*icon.get_pixel(29, 29), [0, 128, 255]), "{name}");
    }
}
