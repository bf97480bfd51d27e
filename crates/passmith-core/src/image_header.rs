//! A picture's format and pixel size, read from its header without decoding it, and the budget a
//! decoder gets.
//!
//! Image bytes come from the user and from `.pkpass` files of unknown origin. A PNG or JPEG of a few
//! hundred bytes can declare 60000 × 60000 pixels (a decompression bomb): decoding it would need
//! gigabytes. So callers read the header first, refuse what is over [`MAX_PIXELS`], and decode only
//! with [`decode_limits`], which also caps what the decoder may allocate when a header lies.
//! The limit is a 6000 × 4000 photo, so pictures from any camera can be imported and scaled
//! down; decoding that many pixels takes a noticeable fraction of a second, so callers that
//! decode on the UI thread (the preview) keep their own, smaller limits.

use std::io::Cursor;

/// More pixels than any image Wallet shows (its largest slot is 1125 × 1125 at @3x) by a wide
/// margin, while a decoded RGBA buffer of this size still stays under 100 MB.
pub const MAX_PIXELS: u64 = 24_000_000;

/// The longest side accepted, whatever the other side is.
pub const MAX_SIDE: u32 = 16_384;

/// The most a decoder may allocate for one image.
pub const MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;

/// The picture formats Passmith reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PictureFormat {
    Png,
    Jpeg,
}

impl std::fmt::Display for PictureFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            PictureFormat::Png => "PNG",
            PictureFormat::Jpeg => "JPEG",
        })
    }
}

/// What a header says about a picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageHeader {
    pub format: PictureFormat,
    pub width: u32,
    pub height: u32,
}

/// Why a picture's header cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ImageProblem {
    #[error("the file is empty")]
    Empty,
    #[error("the file is neither a PNG nor a JPEG picture; export it as PNG")]
    UnknownFormat,
    #[error("the {format} picture is damaged: {reason}; export it again from your image editor")]
    Damaged {
        format: PictureFormat,
        reason: String,
    },
    #[error("the {format} picture says it is {width}×{height} pixels, which is not a real picture")]
    ZeroSize {
        format: PictureFormat,
        width: u32,
        height: u32,
    },
    #[error(
        "the {format} picture is {width}×{height} pixels, far more than Wallet can show (at most {MAX_PIXELS} pixels, {MAX_SIDE} a side); scale it down before adding it"
    )]
    TooLarge {
        format: PictureFormat,
        width: u32,
        height: u32,
    },
}

/// The format and size of a PNG or JPEG, read from its header; bombs and empty sizes are refused.
pub fn read_header(bytes: &[u8]) -> Result<ImageHeader, ImageProblem> {
    let format = sniff(bytes)?;
    // Reading the header allocates nothing that depends on the declared size, so no limits
    // here: the size is checked below and reported as what it is.
    let (width, height) = match format {
        // Only the IHDR chunk: the image crate's dimensions also inflate compressed metadata
        // (an ICC profile), and validation reads every image of every pass of a batch.
        PictureFormat::Png => png::Decoder::new(Cursor::new(bytes))
            .read_header_info()
            .map(|info| (info.width, info.height))
            .map_err(|e| e.to_string()),
        PictureFormat::Jpeg => {
            image::ImageReader::with_format(Cursor::new(bytes), image::ImageFormat::Jpeg)
                .into_dimensions()
                .map_err(|e| e.to_string())
        }
    }
    .map_err(|reason| ImageProblem::Damaged { format, reason })?;
    if width == 0 || height == 0 {
        return Err(ImageProblem::ZeroSize {
            format,
            width,
            height,
        });
    }
    if width > MAX_SIDE || height > MAX_SIDE || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(ImageProblem::TooLarge {
            format,
            width,
            height,
        });
    }
    Ok(ImageHeader {
        format,
        width,
        height,
    })
}

/// The format the first bytes announce.
pub fn sniff(bytes: &[u8]) -> Result<PictureFormat, ImageProblem> {
    if bytes.is_empty() {
        Err(ImageProblem::Empty)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Ok(PictureFormat::Png)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Ok(PictureFormat::Jpeg)
    } else {
        Err(ImageProblem::UnknownFormat)
    }
}

/// Limits for `image` decoders: no side beyond [`MAX_SIDE`], and no more than
/// [`MAX_DECODE_BYTES`] allocated (the decoder's own check, for headers that lie).
pub fn decode_limits() -> image::Limits {
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    limits
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PNG declaring `w`×`h` (8-bit RGBA) with correct CRCs and an empty image stream: all a
    /// header reader needs, and all a bomb needs to lie about its size.
    fn png_header(w: u32, h: u32) -> Vec<u8> {
        let mut ihdr = w.to_be_bytes().to_vec();
        ihdr.extend_from_slice(&h.to_be_bytes());
        ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        // zlib's encoding of nothing.
        let empty_stream = [0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01];
        for (kind, data) in [
            (&b"IHDR"[..], &ihdr[..]),
            (b"IDAT", &empty_stream),
            (b"IEND", &[]),
        ] {
            out.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
            let mut body = kind.to_vec();
            body.extend_from_slice(data);
            out.extend_from_slice(&body);
            out.extend_from_slice(&crc32(&body).to_be_bytes());
        }
        out
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn png_sizes_come_from_the_header() {
        let h = read_header(&png_header(58, 58)).unwrap();
        assert_eq!((h.format, h.width, h.height), (PictureFormat::Png, 58, 58));
    }

    #[test]
    fn bombs_and_empty_sizes_are_refused_before_decoding() {
        let err = read_header(&png_header(60_000, 60_000)).unwrap_err();
        assert!(matches!(err, ImageProblem::TooLarge { .. }), "{err}");
        assert!(err.to_string().contains("60000×60000"), "{err}");
        assert!(matches!(
            read_header(&png_header(0, 10)),
            Err(ImageProblem::ZeroSize { .. }) | Err(ImageProblem::Damaged { .. })
        ));
    }

    #[test]
    fn other_bytes_say_what_they_are() {
        assert_eq!(read_header(b""), Err(ImageProblem::Empty));
        assert_eq!(read_header(b"GIF89a"), Err(ImageProblem::UnknownFormat));
        assert!(matches!(
            read_header(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Err(ImageProblem::Damaged {
                format: PictureFormat::Jpeg,
                ..
            })
        ));
    }
}
