//! Wallet's fixed grid: what a card of a given style looks like before any field is placed —
//! its outline, which images it uses, where the strip and the barcode sit.
//!
//! The front's layout reads these decisions from here and writes them into its elements, so
//! the rasteriser draws exactly what was measured without knowing the style. What a style shows
//! (its images and their allotted sizes, how many fields fit, whether the barcode is square)
//! comes from [`passmith_core::rules`], the one place that knows it; this module adds only what
//! was measured on Wallet's screenshots.

use passmith_core::PassDocument;
use passmith_core::model::Style;
use passmith_core::rules;

use crate::color::Palette;
use crate::images;
use crate::{Outline, RenderOptions};

/// Side margin of every field bucket. Wallet's grid says 15 pt; Inter's side bearings are about
/// 1 pt wider than SF Pro's, so the text's ink lands where Wallet's does (measured on the
/// screenshots) with a 14-pt margin.
pub(crate) const MARGIN: f32 = 14.0;
/// Card height (points) of the front. Wallet's card is taller than what fields use; the
/// screenshots show the card continuing at least 501 pt below its top.
pub(crate) const CARD_HEIGHT: f32 = 510.0;
/// Corner radius of the card.
pub(crate) const CORNER_RADIUS: f32 = 10.0;
/// The images the front draws when its style shows them. The icon is not drawn on the card, and
/// neither the store card's personalization logo nor the poster images are drawn by the preview.
pub(crate) const DRAWN_IMAGES: [&str; 5] = ["logo", "strip", "thumbnail", "background", "footer"];
/// Side of the square a thumbnail is fitted into. Apple allots 90×90 (`rules::image_size_pt`),
/// but Wallet draws the thumbnail at 80×80 (measured on the screenshots, rendering reference §5).
pub(crate) const THUMBNAIL_DRAWN: f32 = 80.0;

/// Everything about a document that decides its grid.
#[derive(Debug, Clone)]
pub(crate) struct Ctx {
    pub style: Option<Style>,
    pub width: f32,
    pub palette: Palette,
    /// A strip image is drawn (coupon, store card, event ticket).
    pub strip: bool,
    /// An event ticket's blurred background image is drawn.
    pub background: bool,
    /// A thumbnail is drawn (generic, event ticket without strip).
    pub thumbnail: bool,
    /// The first barcode is square (QR, Aztec).
    pub square_barcode: bool,
}

impl Ctx {
    pub(crate) fn new(doc: &PassDocument, opts: &RenderOptions) -> Ctx {
        let style = doc.pass.style();
        let lang = opts.language.as_deref();
        // An image is drawn when the style shows it and the pass has a readable file for it.
        let drawn = |name: &str| {
            style.is_some_and(|s| rules::shows_image(s, name))
                && images::dimensions(doc, name, opts.scale, lang).is_some()
        };
        let strip = drawn("strip");
        // An event ticket with a strip ignores its background and thumbnail (Apple: “If you
        // specify a strip image, do not specify a background image or a thumbnail”).
        let background = !strip && drawn("background");
        let thumbnail = !strip && drawn("thumbnail");
        Ctx {
            style,
            width: opts.card_width,
            palette: Palette::of(doc),
            strip,
            background,
            thumbnail,
            square_barcode: rules::square_barcode(&doc.pass),
        }
    }

    /// The outline of the card's front.
    pub(crate) fn outline(&self) -> Outline {
        match self.style {
            Some(Style::EventTicket) => Outline::EventTicket,
            Some(Style::Coupon) => Outline::Coupon,
            Some(Style::BoardingPass) => Outline::BoardingPass,
            Some(Style::Generic | Style::StoreCard) | None => Outline::Rounded,
        }
    }

    /// Where the strip image goes (coupon, store card, event ticket): full width from y 64,
    /// as tall as the allotted strip scaled to the card's width.
    pub(crate) fn strip_rect(&self) -> (f32, f32) {
        let top = 64.0;
        // Apple allots store cards a 375×123 strip, but Wallet draws their strip band as tall
        // as a coupon's (measured: store-card labels at 213 pt, so the strip ends near 202 pt;
        // rendering reference §3 and §5).
        let drawn_as = match self.style {
            Some(Style::StoreCard) | None => Style::Coupon,
            Some(style) => style,
        };
        let ratio = rules::image_size_pt(drawn_as, "strip")
            .map_or(144.0 / 375.0, |(w, h)| h as f32 / w as f32);
        (top, top + self.width * ratio)
    }

    /// The box image `name` is fitted into on this style, in points: the size `rules` allots
    /// it; `None` when the style does not show it.
    pub(crate) fn image_box(&self, name: &str) -> Option<(f32, f32)> {
        let (w, h) = rules::image_size_pt(self.style?, name)?;
        Some((w as f32, h as f32))
    }

    /// The bottom edge of the barcode plate. Measured on the screenshots: it depends on the
    /// style and on whether the code is square (QR, Aztec) or wide (PDF417, Code 128).
    pub(crate) fn barcode_bottom(&self) -> f32 {
        let tall_style = matches!(self.style, Some(Style::BoardingPass | Style::Coupon));
        match (self.square_barcode, tall_style) {
            (true, true) => 495.4,
            (true, false) => 488.4,
            (false, true) => 484.3,
            (false, false) => 477.3,
        }
    }
}
