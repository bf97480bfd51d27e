//! Helpers shared by the test modules: pass builders, PNG fixtures, element lookups and pixel
//! counts. Each helper panics with a message on misuse; a panic is a test failure.

use std::path::{Path, PathBuf};

use passmith_core::PassDocument;
use passmith_core::model::{FieldGroup, Pass, PassFields, Style};
use passmith_preview::{Element, ElementKind, Layout, Rect, RgbaImage, Source, TextRole};

/// The Apple sample passes copied into the project (`tests/fixtures/apple-samples`).
pub fn apple_samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/apple-samples")
}

/// A valid-looking pass of `style` whose fields `build` fills in.
pub fn doc(style: Style, build: impl FnOnce(&mut PassFields)) -> PassDocument {
    let mut pass = Pass {
        format_version: Some(1),
        description: "Preview test".into(),
        organization_name: "Passmith".into(),
        ..Pass::default()
    };
    pass.set_style(style);
    build(pass.fields_mut().unwrap());
    PassDocument::new(pass)
}

/// A plain opaque PNG of `w × h` pixels.
pub fn png(w: u32, h: u32, rgb: [u8; 3]) -> Vec<u8> {
    let img = image::RgbaImage::from_pixel(w, h, image::Rgba([rgb[0], rgb[1], rgb[2], 255]));
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

/// The source of field `key` at `index` in `group`.
pub fn field(group: FieldGroup, index: usize, key: &str) -> Source {
    Source::Field {
        group,
        index,
        key: key.into(),
    }
}

/// The barcode the layout draws; fails the test when there is none.
pub fn barcode_element(lay: &Layout) -> &Element {
    lay.elements
        .iter()
        .find(|e| matches!(e.kind, ElementKind::Barcode { .. }))
        .expect("no barcode element in the layout")
}

/// The texts an element source shows: (text, role, size).
pub fn texts<'a>(lay: &'a Layout, source: &Source) -> Vec<(&'a str, TextRole, f32)> {
    lay.elements_of(source)
        .filter_map(|e| match &e.kind {
            ElementKind::Text {
                text, role, size, ..
            } => Some((text.as_str(), *role, *size)),
            _ => None,
        })
        .collect()
}

/// How many pixels inside `rect` (points, at `scale`) have a red channel below `below`.
pub fn dark_pixels(img: &RgbaImage, rect: Rect, scale: f32, below: u8) -> usize {
    let (x0, y0) = ((rect.x * scale) as u32, (rect.y * scale) as u32);
    let (x1, y1) = (
        (((rect.x + rect.w) * scale) as u32).min(img.width),
        (((rect.y + rect.h) * scale) as u32).min(img.height),
    );
    (y0..y1)
        .flat_map(|y| (x0..x1).map(move |x| (x, y)))
        .filter(|(x, y)| img.pixels[((y * img.width + x) * 4) as usize] < below)
        .count()
}

/// A moment given as an RFC 3339 text, e.g. `2026-12-01T12:00:00Z`.
pub fn timestamp(text: &str) -> jiff::Timestamp {
    text.parse().unwrap()
}
