//! The card's colours: parsing pass.json colour strings and Wallet's defaults when they are
//! missing or unreadable.

use passmith_core::PassDocument;

/// Straight RGBA.
pub(crate) type Rgba = [u8; 4];

pub(crate) const WHITE: Rgba = [255, 255, 255, 255];
pub(crate) const BLACK: Rgba = [0, 0, 0, 255];

/// Parses a pass.json colour with the engine's parser (`rgb(r, g, b)`, `#rrggbb`, `#rgb`, and
/// `rgba(r, g, b, a)` with its alpha kept).
pub(crate) fn parse(text: &str) -> Option<Rgba> {
    passmith_core::color::parse_color_rgba(text)
}

/// The colours the front of a card is drawn with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Palette {
    pub background: Rgba,
    pub foreground: Rgba,
    pub label: Rgba,
    /// Colour of text drawn on a strip image (white unless `stripColor`).
    pub strip_text: Rgba,
}

impl Palette {
    /// Wallet's colours for `doc`: white background, black text and labels when keys are missing.
    pub(crate) fn of(doc: &PassDocument) -> Palette {
        let p = &doc.pass;
        let get = |v: &Option<String>| v.as_deref().and_then(parse);
        Palette {
            background: get(&p.background_color).unwrap_or(WHITE),
            foreground: get(&p.foreground_color).unwrap_or(BLACK),
            label: get(&p.label_color).unwrap_or(BLACK),
            strip_text: get(&p.strip_color).unwrap_or(WHITE),
        }
    }
}

pub(crate) fn with_alpha(c: Rgba, a: f32) -> Rgba {
    [
        c[0],
        c[1],
        c[2],
        (f32::from(c[3]) * a.clamp(0.0, 1.0)).round() as u8,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use passmith_core::model::Pass;

    #[test]
    fn wallet_defaults_fill_missing_or_broken_colours() {
        let pass = Pass {
            background_color: Some("rgb(23, 187, 82)".into()),
            foreground_color: Some("#fff".into()),
            label_color: Some("purple-ish".into()),
            ..Pass::default()
        };
        let p = Palette::of(&PassDocument::new(pass));
        assert_eq!(p.background, [23, 187, 82, 255]);
        assert_eq!(p.foreground, WHITE);
        assert_eq!(p.label, BLACK);
        assert_eq!(p.strip_text, WHITE);
        let p = Palette::of(&PassDocument::default());
        assert_eq!((p.background, p.foreground, p.label), (WHITE, BLACK, BLACK));
    }
}
