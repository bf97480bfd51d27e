//! Text: the bundled fonts, shaping (cosmic-text: bidi, script fallback, kerning), measuring,
//! wrapping and tail truncation.
//!
//! Wallet draws with SF Pro, which may not be redistributed; Inter is the open font closest to it
//! (the Display cut above 20 pt, as SF switches to SF Display there). Glyph positions come from
//! Inter, but line metrics are SF Pro's, so baselines land where Wallet puts them. Scripts Inter
//! lacks (CJK, Arabic, Hebrew…) fall back to the system's fonts.
//!
//! Loading fonts takes tens of milliseconds, so one `FontSystem` lives for the whole process
//! behind a mutex, together with the glyph raster cache and a cache of shaped lines.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, MutexGuard};

use cosmic_text::{
    Attrs, Buffer, Family, FontSystem, LayoutGlyph, Metrics, Shaping, SwashCache,
    Weight as CtWeight, Wrap, fontdb,
};

const INTER_LIGHT: &[u8] = include_bytes!("../../../assets/fonts/Inter-Light.otf");
const INTER_REGULAR: &[u8] = include_bytes!("../../../assets/fonts/Inter-Regular.otf");
const INTER_SEMIBOLD: &[u8] = include_bytes!("../../../assets/fonts/Inter-SemiBold.otf");
const INTER_DISPLAY_LIGHT: &[u8] = include_bytes!("../../../assets/fonts/InterDisplay-Light.otf");
const INTER_DISPLAY_REGULAR: &[u8] =
    include_bytes!("../../../assets/fonts/InterDisplay-Regular.otf");

/// SF Pro's ascender, in em: the baseline sits this far below the top of a line box.
pub(crate) const ASCENT: f32 = 0.952;
/// Measured on the screenshots: Wallet's text sits about 1.2 pt higher in its line box than
/// SF Pro's ascender alone would put it.
pub(crate) const BASELINE_LIFT: f32 = 1.2;

/// The baseline of a line of text whose line box starts at `top`.
pub(crate) fn baseline(top: f32, size: f32) -> f32 {
    top + ASCENT * size - BASELINE_LIFT
}

/// SF Pro's line height (ascender + descender), in em.
pub(crate) const LINE_HEIGHT: f32 = 1.193;
/// Inter is drawn slightly smaller than the nominal size: its capitals are taller and its
/// letters wider than SF Pro's at the same size.
pub(crate) const INTER_SCALE: f32 = 0.99;

/// The ellipsis Wallet appends to cut-off text.
pub(crate) const ELLIPSIS: char = '…';

/// Font weights the preview uses (SF Pro's light, regular and bold).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Weight {
    Light,
    Regular,
    Bold,
}

/// A font: weight and size in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Font {
    pub weight: Weight,
    pub size: f32,
}

impl Font {
    pub(crate) const fn new(weight: Weight, size: f32) -> Font {
        Font { weight, size }
    }

    pub(crate) fn with_size(self, size: f32) -> Font {
        Font { size, ..self }
    }

    /// Height of one line in points.
    pub(crate) fn line_height(self) -> f32 {
        self.size * LINE_HEIGHT
    }

    fn family(self) -> &'static str {
        if self.size >= 20.0 && self.weight != Weight::Bold {
            "Inter Display"
        } else {
            "Inter"
        }
    }

    fn ct_weight(self) -> CtWeight {
        match self.weight {
            Weight::Light => CtWeight(300),
            Weight::Regular => CtWeight::NORMAL,
            Weight::Bold => CtWeight(600),
        }
    }

    /// The font size glyphs are shaped at (see [`INTER_SCALE`]).
    fn shaping_size(self) -> f32 {
        (self.size * INTER_SCALE).max(1.0)
    }
}

/// One shaped line: glyphs positioned from x = 0 at the start of the line, in points.
#[derive(Debug, Clone)]
pub(crate) struct ShapedLine {
    pub width: f32,
    pub glyphs: Vec<LayoutGlyph>,
    pub rtl: bool,
}

/// A shaped glyph, for tests and tools: where it is and which font drew it.
#[derive(Debug, Clone, PartialEq)]
pub struct ShapedGlyph {
    /// Byte range of the characters this glyph draws in the input text.
    pub start: usize,
    pub end: usize,
    /// Left edge and advance in points from the start of the line (visual order).
    pub x: f32,
    pub width: f32,
    /// 0 means the font has no glyph for the character (a "tofu" box).
    pub glyph_id: u16,
    /// Family name of the font that drew it (`Inter`, `DejaVu Sans`, …).
    pub font_family: String,
}

/// Shapes one line of `text` at `size` points (regular weight) with the preview's fonts and
/// fallback, as the renderer does. Lets tests check that every character has a real glyph and
/// that right-to-left text runs right to left.
pub fn shape_text(text: &str, size: f32) -> Vec<ShapedGlyph> {
    let font = Font::new(Weight::Regular, size);
    let mut fonts = fonts();
    let line = fonts.shape(text, font);
    line.glyphs
        .iter()
        .map(|g| ShapedGlyph {
            start: g.start,
            end: g.end,
            x: g.x,
            width: g.w,
            glyph_id: g.glyph_id,
            font_family: fonts
                .system
                .db()
                .face(g.font_id)
                .and_then(|f| f.families.first().map(|(name, _)| name.clone()))
                .unwrap_or_default(),
        })
        .collect()
}

/// The process-wide font state.
pub(crate) struct Fonts {
    pub system: FontSystem,
    pub glyph_cache: SwashCache,
    shaped: HashMap<(String, u32, Weight), Arc<ShapedLine>>,
}

static FONTS: LazyLock<Mutex<Fonts>> = LazyLock::new(|| Mutex::new(Fonts::load()));

/// Locks the shared fonts. A panic in another thread while it held the lock leaves plain caches
/// behind, which are still usable.
pub(crate) fn fonts() -> MutexGuard<'static, Fonts> {
    FONTS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Fonts {
    fn load() -> Fonts {
        let mut db = fontdb::Database::new();
        for data in [
            INTER_LIGHT,
            INTER_REGULAR,
            INTER_SEMIBOLD,
            INTER_DISPLAY_LIGHT,
            INTER_DISPLAY_REGULAR,
        ] {
            db.load_font_source(fontdb::Source::Binary(Arc::new(data)));
        }
        // System fonts only fill in scripts Inter lacks; Inter is always asked for first.
        db.load_system_fonts();
        db.set_sans_serif_family("Inter");
        let system = FontSystem::new_with_locale_and_db("en-US".to_owned(), db);
        Fonts {
            system,
            glyph_cache: SwashCache::new(),
            shaped: HashMap::new(),
        }
    }

    /// Shapes `text` as one line (no wrapping). Cached: the same strings are shaped again and
    /// again while a document is edited.
    pub(crate) fn shape(&mut self, text: &str, font: Font) -> Arc<ShapedLine> {
        let key = (text.to_owned(), font.size.to_bits(), font.weight);
        if let Some(hit) = self.shaped.get(&key) {
            return Arc::clone(hit);
        }
        if self.shaped.len() > 8192 {
            self.shaped.clear();
        }
        let size = font.shaping_size();
        let mut buffer = Buffer::new(&mut self.system, Metrics::new(size, size * LINE_HEIGHT));
        buffer.set_wrap(Wrap::None);
        buffer.set_size(None, None);
        let attrs = Attrs::new()
            .family(Family::Name(font.family()))
            .weight(font.ct_weight());
        // One line only: line breaks are the layout's business.
        let flat: String = text
            .chars()
            .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
            .collect();
        buffer.set_text(&flat, &attrs, Shaping::Advanced, None);
        buffer.shape_until_scroll(&mut self.system, false);
        let mut line = ShapedLine {
            width: 0.0,
            glyphs: Vec::new(),
            rtl: false,
        };
        for run in buffer.layout_runs() {
            line.width = line.width.max(run.line_w);
            line.rtl = run.rtl;
            line.glyphs.extend(run.glyphs.iter().cloned());
        }
        let line = Arc::new(line);
        self.shaped.insert(key, Arc::clone(&line));
        line
    }

    /// Width of `text` on one line, in points.
    pub(crate) fn width(&mut self, text: &str, font: Font) -> f32 {
        self.shape(text, font).width
    }

    /// True when some character of `text` has no glyph in any available font.
    pub(crate) fn has_missing_glyphs(&mut self, text: &str, font: Font) -> bool {
        self.shape(text, font)
            .glyphs
            .iter()
            .any(|g| g.glyph_id == 0)
    }

    /// `text` cut at the end, with an ellipsis, so that it fits in `max_width`.
    /// Returns the text unchanged when it fits.
    pub(crate) fn truncate(&mut self, text: &str, font: Font, max_width: f32) -> String {
        if self.width(text, font) <= max_width {
            return text.to_owned();
        }
        let bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        let prefix = |k: usize| format!("{}{ELLIPSIS}", text[..bounds[k]].trim_end());
        // The longest prefix of k characters (k < all of them) that fits with the ellipsis;
        // wider prefixes never fit once a narrower one does not, so binary search works.
        let (mut lo, mut hi) = (0usize, bounds.len().saturating_sub(1));
        while lo < hi {
            let mid = (lo + hi).div_ceil(2);
            if self.width(&prefix(mid), font) <= max_width {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        if bounds.is_empty() {
            return String::new();
        }
        prefix(lo)
    }

    /// Breaks `text` into lines no wider than `max_width` (at spaces, else anywhere), keeping
    /// explicit line breaks.
    pub(crate) fn wrap(&mut self, text: &str, font: Font, max_width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let paragraph = paragraph.trim_end_matches('\r');
            let mut current = String::new();
            for word in paragraph.split(' ') {
                let candidate = if current.is_empty() {
                    word.to_owned()
                } else {
                    format!("{current} {word}")
                };
                if self.width(&candidate, font) <= max_width
                    || current.is_empty() && word.is_empty()
                {
                    current = candidate;
                    continue;
                }
                if !current.is_empty() {
                    lines.push(std::mem::take(&mut current));
                }
                // A single word wider than the line is broken between characters.
                let mut rest = word.to_owned();
                while self.width(&rest, font) > max_width && rest.chars().count() > 1 {
                    let mut cut = String::new();
                    for c in rest.chars() {
                        let mut next = cut.clone();
                        next.push(c);
                        if self.width(&next, font) > max_width && !cut.is_empty() {
                            break;
                        }
                        cut = next;
                    }
                    rest = rest[cut.len()..].to_owned();
                    lines.push(cut);
                }
                current = rest;
            }
            lines.push(current);
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_fits_and_ends_with_ellipsis() {
        let mut f = fonts();
        let font = Font::new(Weight::Regular, 17.0);
        let long = "A very long value that cannot possibly fit";
        let cut = f.truncate(long, font, 100.0);
        assert!(cut.ends_with(ELLIPSIS), "{cut}");
        assert!(f.width(&cut, font) <= 100.0);
        assert_eq!(f.truncate("Hi", font, 100.0), "Hi");
    }

    #[test]
    fn wrapping_keeps_every_word_and_fits() {
        let mut f = fonts();
        let font = Font::new(Weight::Regular, 20.0);
        let text = "The quick brown fox jumps over the lazy dog";
        let lines = f.wrap(text, font, 120.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.join(" "), text);
        for l in &lines {
            assert!(f.width(l, font) <= 120.0, "{l}");
        }
    }

    #[test]
    fn bigger_text_is_wider() {
        let mut f = fonts();
        let a = f.width("Boarding", Font::new(Weight::Regular, 10.0));
        let b = f.width("Boarding", Font::new(Weight::Regular, 20.0));
        // Not exactly twice: from 20 pt the narrower Inter Display cut is used, as SF Pro does.
        assert!(a > 10.0 && b > 1.6 * a && b < 2.0 * a, "{a} {b}");
    }
}
