//! Pass colours: reading what people type and writing what Wallet reads.
//!
//! Apple documents only CSS-style `rgb(r, g, b)` strings for `backgroundColor`, `foregroundColor`,
//! `labelColor` (and the undocumented `stripColor`, poster `footerBackgroundColor`). Designers
//! paste hex codes, so `#rgb` and `#rrggbb` are accepted as input; the engine always writes the
//! `rgb(…)` form. Named colours (`Black`) make Wallet refuse the pass, so they are not accepted.

/// Which notation a colour string uses, with its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorNotation {
    /// `rgb(r, g, b)`, what Wallet documents.
    Rgb([u8; 3]),
    /// `#rgb` or `#rrggbb`: understood, but written as `rgb(…)`.
    Hex([u8; 3]),
}

impl ColorNotation {
    pub fn rgb(self) -> [u8; 3] {
        match self {
            ColorNotation::Rgb(c) | ColorNotation::Hex(c) => c,
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
    #[error("“{0}” is not a colour Wallet understands")]
    Malformed(String),
}

/// Parses `rgb(r, g, b)` (any spacing) or `#rgb` / `#rrggbb` into its three channels.
pub fn parse_color(s: &str) -> Option<[u8; 3]> {
    classify_color(s).ok().map(ColorNotation::rgb)
}

/// Writes a colour the way Wallet documents it: `rgb(r, g, b)`.
pub fn format_rgb(c: [u8; 3]) -> String {
    format!("rgb({}, {}, {})", c[0], c[1], c[2])
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
    if let Some(inner) = t.strip_prefix("rgb(").and_then(|r| r.strip_suffix(')')) {
        let parts: Vec<&str> = inner.split(',').map(str::trim).collect();
        if parts.len() != 3 || parts.iter().any(|p| p.is_empty()) {
            return Err(ColorError::Malformed(s.to_owned()));
        }
        let mut out = [0u8; 3];
        for (slot, part) in out.iter_mut().zip(&parts) {
            if !part.bytes().all(|b| b.is_ascii_digit()) {
                // `rgb(-1, 0, 0)` is a range problem; `rgb(1.5, …)` or `rgb(50%, …)` is not rgb().
                if part
                    .strip_prefix('-')
                    .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
                {
                    return Err(ColorError::OutOfRange((*part).to_owned()));
                }
                return Err(ColorError::Malformed(s.to_owned()));
            }
            *slot = part
                .parse::<u8>()
                .map_err(|_| ColorError::OutOfRange((*part).to_owned()))?;
        }
        return Ok(ColorNotation::Rgb(out));
    }
    if t.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(ColorError::Named(t.to_owned()));
    }
    Err(ColorError::Malformed(s.to_owned()))
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
        assert!(matches!(
            classify_color("rgba(1, 2, 3, 0.5)"),
            Err(ColorError::Malformed(_))
        ));
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
