//! Picture headers (PNG and JPEG), including ones that declare enormous sizes to make a decoder
//! allocate gigabytes: the header reader and its bomb check, the image checks validation runs on
//! every PNG of a pass (top-level and localized), and the PNG decode the preview does after the
//! header passed (same limits).
#![no_main]

use std::io::Cursor;

use libfuzzer_sys::fuzz_target;
use passmith_core::image_header::{self, PictureFormat};
use passmith_core::{PassDocument, ValidationContext, validate};

/// The preview draws up to 4096 px a side; decoding 16 million pixels legitimately takes most of
/// the 1 s budget under instrumentation, so the decode is fuzzed up to a quarter of that.
const DECODE_MAX_SIDE: u32 = 2048;

fuzz_target!(|data: &[u8]| {
    if let Ok(header) = image_header::read_header(data) {
        assert!(header.width > 0 && header.height > 0);
        assert!(u64::from(header.width) * u64::from(header.height) <= image_header::MAX_PIXELS);
        if header.format == PictureFormat::Png
            && header.width <= DECODE_MAX_SIDE
            && header.height <= DECODE_MAX_SIDE
        {
            let mut reader =
                image::ImageReader::with_format(Cursor::new(data), image::ImageFormat::Png);
            reader.limits(image_header::decode_limits());
            if let Ok(decoded) = reader.decode() {
                assert_eq!(
                    (decoded.width(), decoded.height()),
                    (header.width, header.height)
                );
            }
        }
    }
    let mut doc = PassDocument::default();
    doc.files.insert("icon.png".to_owned(), data.into());
    doc.files
        .insert("fr.lproj/logo@2x.png".to_owned(), data.into());
    let _ = validate(&doc, &ValidationContext::default());
});
