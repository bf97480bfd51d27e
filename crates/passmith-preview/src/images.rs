//! The pass's PNG images: finding the right file (language, density), reading its size without
//! decoding, and decoding it into a premultiplied pixmap for drawing — defensively, since the
//! bytes come from the user. Decoded images are cached by content, because the designer redraws
//! the same images many times while text is edited.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io::Cursor;
use std::sync::{Arc, LazyLock, Mutex};

use passmith_core::PassDocument;
use tiny_skia::Pixmap;

use crate::Image;

/// Images larger than this (pixels per side) are not drawn; Wallet's largest slot is 1125 px.
const MAX_SIDE: u32 = 4096;

/// The density (1–3) of the files to prefer for a render scale.
pub(crate) fn density(scale: f32) -> u8 {
    scale.round().clamp(1.0, 3.0) as u8
}

/// `(width, height, file density)` of image `name`, or `None` when the pass has no readable
/// image of that name.
pub(crate) fn dimensions(
    doc: &PassDocument,
    name: &str,
    scale: f32,
    lang: Option<&str>,
) -> Option<(u32, u32, u8)> {
    let img = doc.image(name, density(scale), lang)?;
    let reader = image::ImageReader::with_format(Cursor::new(img.bytes), format_of(img.bytes)?);
    let (w, h) = reader.into_dimensions().ok()?;
    if w == 0 || h == 0 || w > MAX_SIDE || h > MAX_SIDE {
        return None;
    }
    Some((w, h, img.scale.max(1)))
}

/// The size of image `name` in points.
pub(crate) fn size_pt(
    doc: &PassDocument,
    name: &str,
    scale: f32,
    lang: Option<&str>,
) -> Option<(f32, f32)> {
    let (w, h, s) = dimensions(doc, name, scale, lang)?;
    Some((w as f32 / f32::from(s), h as f32 / f32::from(s)))
}

/// The path of the file that would be used for image `name`.
pub(crate) fn file_path(
    doc: &PassDocument,
    name: &str,
    scale: f32,
    lang: Option<&str>,
) -> Option<String> {
    doc.image(name, density(scale), lang)
        .map(|i| i.path.to_owned())
}

type Cache = HashMap<u64, Option<Arc<Pixmap>>>;
static DECODED: LazyLock<Mutex<Cache>> = LazyLock::new(|| Mutex::new(HashMap::new()));

/// Image `name` decoded into a premultiplied pixmap, with the file it comes from and its
/// content key; `None` when missing or unreadable.
pub(crate) fn decode(
    doc: &PassDocument,
    name: &str,
    scale: f32,
    lang: Option<&str>,
) -> Option<Image> {
    dimensions(doc, name, scale, lang)?;
    let img = doc.image(name, density(scale), lang)?;
    let key = content_key(img.bytes);
    let mut cache = DECODED.lock().unwrap_or_else(|p| p.into_inner());
    let pixmap = match cache.get(&key) {
        Some(hit) => hit.clone(),
        None => {
            if cache.len() > 64 {
                cache.clear();
            }
            let decoded = decode_png(img.bytes).map(Arc::new);
            cache.insert(key, decoded.clone());
            decoded
        }
    }?;
    Some(Image::new(key, img.path.to_owned(), pixmap))
}

fn content_key(bytes: &[u8]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

/// The decoder for an image file: PNG, or JPEG for a JPEG with a .png name, which Wallet shows
/// too (validation warns about it).
fn format_of(bytes: &[u8]) -> Option<image::ImageFormat> {
    match passmith_core::image_header::sniff(bytes).ok()? {
        passmith_core::image_header::PictureFormat::Png => Some(image::ImageFormat::Png),
        passmith_core::image_header::PictureFormat::Jpeg => Some(image::ImageFormat::Jpeg),
    }
}

fn decode_png(bytes: &[u8]) -> Option<Pixmap> {
    let mut reader = image::ImageReader::with_format(Cursor::new(bytes), format_of(bytes)?);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    reader.limits(limits);
    let rgba = reader.decode().ok()?.to_rgba8();
    let (w, h) = rgba.dimensions();
    let mut pixmap = Pixmap::new(w, h)?;
    for (dst, src) in pixmap
        .data_mut()
        .chunks_exact_mut(4)
        .zip(rgba.as_raw().chunks_exact(4))
    {
        let a = u16::from(src[3]);
        dst[0] = ((u16::from(src[0]) * a + 127) / 255) as u8;
        dst[1] = ((u16::from(src[1]) * a + 127) / 255) as u8;
        dst[2] = ((u16::from(src[2]) * a + 127) / 255) as u8;
        dst[3] = src[3];
    }
    Some(pixmap)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_bytes_are_not_an_image() {
        let mut doc = PassDocument::default();
        doc.files.insert(
            "logo.png".into(),
            b"\x89PNG\r\n\x1a\nthis is not a png".to_vec().into(),
        );
        assert!(dimensions(&doc, "logo", 2.0, None).is_none());
        assert!(decode(&doc, "logo", 2.0, None).is_none());
        assert!(decode(&doc, "strip", 2.0, None).is_none());
    }
}
