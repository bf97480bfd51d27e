//! Barcodes: which one Wallet shows, and its modules from real encoders (the `qrcode` crate for
//! QR; rxing for PDF417, Aztec and Code 128). Drawing (whole pixels per module) is in `raster`.

use passmith_core::model::BarcodeFormat;
use rxing::Writer;

/// A barcode's grid of modules, from a real encoder. Each matrix row is `row_height` modules
/// tall (PDF417 rows are taller than wide), each column one module wide.
#[derive(Debug, Clone, PartialEq)]
pub struct Modules {
    pub width: usize,
    pub height: usize,
    /// Row by row, `true` for a dark module.
    pub dark: Vec<bool>,
    /// Height of one matrix row, in module widths.
    pub row_height: f32,
}

impl Modules {
    /// Whether the module in column `x`, row `y` is dark (`false` outside the grid).
    pub fn get(&self, x: usize, y: usize) -> bool {
        self.dark.get(y * self.width + x).copied().unwrap_or(false)
    }
}

/// Encodes `message` in `format`. `Err` carries a plain-words reason (e.g. a character Code 128
/// cannot hold).
pub(crate) fn encode(
    format: &BarcodeFormat,
    message: &str,
    encoding: &str,
) -> Result<Modules, String> {
    match format {
        BarcodeFormat::Qr => {
            let bytes = message_bytes(message, encoding);
            let code = byte_mode_qr(&bytes)
                .ok_or_else(|| "the message is too long for a QR code".to_owned())?;
            let width = code.width();
            let dark = code
                .to_colors()
                .into_iter()
                .map(|c| c == qrcode::Color::Dark)
                .collect();
            Ok(Modules {
                width,
                height: width,
                dark,
                row_height: 1.0,
            })
        }
        BarcodeFormat::Pdf417 | BarcodeFormat::Aztec | BarcodeFormat::Code128 => {
            let (rx_format, row_height) = match format {
                // rxing writes each PDF417 row four pixels tall; Wallet's rows are three modules.
                BarcodeFormat::Pdf417 => (rxing::BarcodeFormat::PDF_417, 3.0),
                BarcodeFormat::Aztec => (rxing::BarcodeFormat::AZTEC, 1.0),
                _ => (rxing::BarcodeFormat::CODE_128, 1.0),
            };
            let hints = rxing::EncodeHints {
                Margin: Some("0".to_owned()),
                CharacterSet: Some(charset_name(encoding).to_owned()),
                ..rxing::EncodeHints::default()
            };
            let matrix = rxing::MultiFormatWriter
                .encode_with_hints(message, &rx_format, 0, 0, &hints)
                .map_err(|e| {
                    format!(
                        "the message cannot be put in {} barcode: {e}",
                        passmith_core::words::with_article(format.label())
                    )
                })?;
            let (w, h) = (matrix.getWidth() as usize, matrix.getHeight() as usize);
            if w == 0 || h == 0 {
                return Err(format!(
                    "the message gives an empty {} barcode",
                    format.label()
                ));
            }
            let repeat = if *format == BarcodeFormat::Pdf417 && h % 4 == 0 {
                4
            } else {
                1
            };
            let h = h / repeat;
            let mut dark = Vec::with_capacity(w * h);
            for y in (0..h).map(|y| y * repeat) {
                for x in 0..w {
                    dark.push(matrix.get(x as u32, y as u32));
                }
            }
            Ok(Modules {
                width: w,
                height: h,
                dark,
                row_height,
            })
        }
        BarcodeFormat::Other(name) => {
            Err(format!("\"{name}\" is not a barcode format Wallet knows"))
        }
    }
}

/// A QR code in byte mode at error correction M in the smallest version that holds the data —
/// what Core Image (which Wallet uses) produces, so the modules match Wallet's.
fn byte_mode_qr(bytes: &[u8]) -> Option<qrcode::QrCode> {
    use qrcode::bits::Bits;
    use qrcode::{EcLevel, QrCode, Version};
    (1..=40).find_map(|v| {
        let mut bits = Bits::new(Version::Normal(v));
        bits.push_byte_data(bytes).ok()?;
        bits.push_terminator(EcLevel::M).ok()?;
        QrCode::with_bits(bits, EcLevel::M).ok()
    })
}

/// The bytes Wallet puts in a QR code: the message in `messageEncoding` (ISO-8859-1 when every
/// character fits, as Apple's samples use), else UTF-8.
fn message_bytes(message: &str, encoding: &str) -> Vec<u8> {
    let latin1 = matches!(
        encoding.trim().to_ascii_lowercase().as_str(),
        "iso-8859-1" | "iso8859-1" | "latin1" | "latin-1" | ""
    );
    if latin1 && message.chars().all(|c| u32::from(c) <= 0xFF) {
        message.chars().map(|c| c as u8).collect()
    } else {
        message.as_bytes().to_vec()
    }
}

fn charset_name(encoding: &str) -> &'static str {
    match encoding.trim().to_ascii_lowercase().as_str() {
        "utf-8" | "utf8" => "UTF-8",
        _ => "ISO-8859-1",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_encodes() {
        for f in [
            BarcodeFormat::Qr,
            BarcodeFormat::Pdf417,
            BarcodeFormat::Aztec,
            BarcodeFormat::Code128,
        ] {
            let m = encode(&f, "PASSMITH-123", "iso-8859-1").unwrap();
            assert!(m.width > 10, "{f:?} {}", m.width);
            assert!(m.dark.iter().any(|d| *d) && m.dark.iter().any(|d| !*d));
        }
    }

    #[test]
    fn unknown_format_is_refused_in_words() {
        let err = encode(&BarcodeFormat::Other("PKBarcodeFormatEAN".into()), "1", "").unwrap_err();
        assert!(err.contains("PKBarcodeFormatEAN"));
    }
}
