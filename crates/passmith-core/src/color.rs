//! Pass colours: reading what people type and writing what Wallet reads.
//!
//! Apple documents only CSS-style `rgb(r, g, b)` strings for `backgroundColor`, `foregroundColor`,
//! `labelColor` (and the undocumented `stripColor`, poster `footerBackgroundColor`). Designers
//! paste hex codes, so `#rgb` and `#rrggbb` are accepted as input; the engine always writes the
//! `rgb(…)` form. `rgba(r, g, b, a)` is accepted as it is: passes made by Apple's own tools use it
//! and iPhones take them, and its alpha is kept. Named colours (`Black`) make Wallet refuse the
//! pass, so they are not accepted.

/// Which notation a colour string uses, with its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorNotation {
    /// `rgb(r, g, b)`, what Wallet documents.
    Rgb([u8; 3]),
    /// `#rgb` or `#rrggbb`: understood, but written as `rgb(…)`.
    Hex([u8; 3]),
    /// `rgb(r, g, b, a)` with alpha 0…1, kept as 0…255.
    Rgba([u8; 4]),
}

impl ColorNotation {
    pub fn rgb(self) -> [u8; 3] {
        let [r, g, b, _] = self.rgba();
        [r, g, b]
    }

    /// The channels with alpha (255, opaque, unless `rgba(…)` says otherwise).
    pub fn rgba(self) -> [u8; 4] {
        match self {
            ColorNotation::Rgb([r, g, b]) | ColorNotation::Hex([r, g, b]) => [r, g, b, 255],
            ColorNotation::Rgba(c) => c,
        }
    }
}

/// Why a colour string cannot be read, in words a designer understands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ColorError {
    #[error("the colour is empty")]
    Empty,
    #[error("colour names such as “{0}” are not understood by Wallet")]
    Named(String),
    #[error("each number in rgb(…) must be between 0 and 255 (found {0})")]
    OutOfRange(String),
    #[error("the alpha in rgba(…) must be between 0 and 1 (found {0})")]
    AlphaOutOfRange(String),
    #[error("“{0}” is not a colour Wallet understands")]
    Malformed(String),
}

/// Parses `rgb(r, g, b)` (any spacing), `rgba(r, g, b, a)` or `#rgb` / `#rrggbb` into its three
/// colour channels (dropping any alpha).
pub fn parse_color(s: &str) -> Option<[u8; 3]> {
    classify_color(s).ok().map(ColorNotation::rgb)
}

/// Like [`parse_color`], keeping the alpha of `rgba(…)` (255 for the other notations).
pub fn parse_color_rgba(s: &str) -> Option<[u8; 4]> {
    classify_color(s).ok().map(ColorNotation::rgba)
}

/// Writes a colour the way Wallet documents it: `rgb(r, g, b)`.
pub fn format_rgb(c: [u8; 3]) -> String {
    format!("rgb({}, {}, {})", c[0], c[1], c[2])
}

/// `rgb(r, g, b)` when opaque, else `rgba(r, g, b, a)` with the alpha from 0 to 1 (at most
/// three decimals), the form Apple's own tools write.
pub fn format_rgba(c: [u8; 4]) -> String {
    if c[3] == 255 {
        return format_rgb([c[0], c[1], c[2]]);
    }
    let alpha = format!("{:.3}", f64::from(c[3]) / 255.0);
    let alpha = alpha.trim_end_matches('0').trim_end_matches('.');
    format!("rgba({}, {}, {}, {alpha})", c[0], c[1], c[2])
}

/// Parses a colour and says which notation it used, or why it cannot be read.
pub fn classify_color(s: &str) -> Result<ColorNotation, ColorError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(ColorError::Empty);
    }
    if let Some(hex) = t.strip_prefix('#') {
        return parse_hex(hex)
            .map(ColorNotation::Hex)
            .ok_or_else(|| ColorError::Malformed(s.to_owned()));
    }
    if let Some(inner) = t.strip_prefix("rgba(").and_then(|r| r.strip_suffix(')')) {
        let parts: Vec<&str> = inner.split(',').map(str::trim).collect();
        let [r, g, b, a] = parts[..] else {
            return Err(ColorError::Malformed(s.to_owned()));
        };
        let [r, g, b] = channels(s, [r, g, b])?;
        return Ok(ColorNotation::Rgba([r, g, b, alpha(s, a)?]));
    }
    if let Some(inner) = t.strip_prefix("rgb(").and_then(|r| r.strip_suffix(')')) {
        let parts: Vec<&str> = inner.split(',').map(str::trim).collect();
        let [r, g, b] = parts[..] else {
            return Err(ColorError::Malformed(s.to_owned()));
        };
        return channels(s, [r, g, b]).map(ColorNotation::Rgb);
    }
    if t.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(ColorError::Named(t.to_owned()));
    }
    Err(ColorError::Malformed(s.to_owned()))
}

/// The three 0…255 numbers of `rgb(…)` / `rgba(…)` (`s` is the whole colour, for messages).
fn channels(s: &str, parts: [&str; 3]) -> Result<[u8; 3], ColorError> {
    let mut out = [0u8; 3];
    for (slot, part) in out.iter_mut().zip(parts) {
        if part.is_empty() {
            return Err(ColorError::Malformed(s.to_owned()));
        }
        if !part.bytes().all(|b| b.is_ascii_digit()) {
            // `rgb(-1, 0, 0)` is a range problem; `rgb(1.5, …)` or `rgb(50%, …)` is not rgb().
            if part
                .strip_prefix('-')
                .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
            {
                return Err(ColorError::OutOfRange(part.to_owned()));
            }
            return Err(ColorError::Malformed(s.to_owned()));
        }
        *slot = part
            .parse::<u8>()
            .map_err(|_| ColorError::OutOfRange(part.to_owned()))?;
    }
    Ok(out)
}

/// The alpha of `rgba(…)`: a number from 0 to 1 (`0.5`, `.5`, `1`), as 0…255.
fn alpha(s: &str, part: &str) -> Result<u8, ColorError> {
    let plain = !part.is_empty()
        && part.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && part.bytes().filter(|&b| b == b'.').count() <= 1
        && part != ".";
    if !plain {
        return Err(ColorError::Malformed(s.to_owned()));
    }
    match part.parse::<f64>() {
        Ok(a) if (0.0..=1.0).contains(&a) => Ok((a * 255.0).round() as u8),
        _ => Err(ColorError::AlphaOutOfRange(part.to_owned())),
    }
}

fn parse_hex(hex: &str) -> Option<[u8; 3]> {
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let digit = |i: usize| u8::from_str_radix(hex.get(i..i + 1)?, 16).ok();
    match hex.len() {
        3 => Some([digit(0)? * 17, digit(1)? * 17, digit(2)? * 17]),
        6 => {
            let byte = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
            Some([byte(0)?, byte(2)?, byte(4)?])
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn rgba_is_written_back_with_its_alpha_and_opaque_colours_as_rgb() {
        use super::{format_rgba, parse_color_rgba};
        assert_eq!(format_rgba([1, 2, 3, 255]), "rgb(1, 2, 3)");
        assert_eq!(format_rgba([10, 20, 30, 0]), "rgba(10, 20, 30, 0)");
        let half = format_rgba([10, 20, 30, 128]);
        assert_eq!(half, "rgba(10, 20, 30, 0.502)");
        assert_eq!(parse_color_rgba(&half), Some([10, 20, 30, 128]));
    }

    use super::*;

    #[test]
    fn rgb_and_hex_parse() {
        assert_eq!(parse_color("rgb(23, 187, 82)"), Some([23, 187, 82]));
        assert_eq!(parse_color("rgb(0,0,0)"), Some([0, 0, 0]));
        assert_eq!(parse_color(" rgb( 255 , 1 ,2 ) "), Some([255, 1, 2]));
        assert_eq!(parse_color("#fff"), Some([255, 255, 255]));
        assert_eq!(parse_color("#1A2b3C"), Some([0x1a, 0x2b, 0x3c]));
        assert_eq!(classify_color("#000000"), Ok(ColorNotation::Hex([0, 0, 0])));
    }

    #[test]
    fn rgba_keeps_its_alpha() {
        assert_eq!(
            classify_color("rgba(10, 20, 30, 0.5)"),
            Ok(ColorNotation::Rgba([10, 20, 30, 128]))
        );
        assert_eq!(
            parse_color_rgba("rgba(10,20,30,.25)"),
            Some([10, 20, 30, 64])
        );
        assert_eq!(parse_color_rgba("rgba(0, 0, 0, 1)"), Some([0, 0, 0, 255]));
        assert_eq!(parse_color_rgba("rgba(0, 0, 0, 0)"), Some([0, 0, 0, 0]));
        assert_eq!(parse_color("rgba(10, 20, 30, 0.5)"), Some([10, 20, 30]));
        assert_eq!(parse_color_rgba("rgb(1, 2, 3)"), Some([1, 2, 3, 255]));
    }

    #[test]
    fn bad_colours_say_why() {
        assert_eq!(
            classify_color("Black"),
            Err(ColorError::Named("Black".into()))
        );
        assert_eq!(
            classify_color("rgb(256, 0, 0)"),
            Err(ColorError::OutOfRange("256".into()))
        );
        assert_eq!(
            classify_color("rgb(-1, 0, 0)"),
            Err(ColorError::OutOfRange("-1".into()))
        );
        assert!(matches!(
            classify_color("rgb(255-255-255)"),
            Err(ColorError::Malformed(_))
        ));
        assert_eq!(
            classify_color("rgba(1, 2, 3, 1.5)"),
            Err(ColorError::AlphaOutOfRange("1.5".into()))
        );
        assert!(matches!(
            classify_color("rgba(1, 2, 3)"),
            Err(ColorError::Malformed(_))
        ));
        assert!(matches!(
            classify_color("rgba(1, 2, 3, 50%)"),
            Err(ColorError::Malformed(_))
        ));
        assert_eq!(
            classify_color("rgba(256, 2, 3, 1)"),
            Err(ColorError::OutOfRange("256".into()))
        );
        assert!(matches!(
            classify_color("#12345"),
            Err(ColorError::Malformed(_))
        ));
        assert!(matches!(
            classify_color("#ggg"),
            Err(ColorError::Malformed(_))
        ));
        assert!(matches!(
            classify_color("rgb(50%, 0, 0)"),
            Err(ColorError::Malformed(_))
        ));
        assert_eq!(classify_color("  "), Err(ColorError::Empty));
        assert_eq!(parse_color("Black"), None);
    }

    #[test]
    fn formatting_round_trips() {
        for c in [[0, 0, 0], [255, 255, 255], [12, 200, 7]] {
            assert_eq!(parse_color(&format_rgb(c)), Some(c));
        }
        assert_eq!(format_rgb([1, 2, 3]), "rgb(1, 2, 3)");
    }
}
