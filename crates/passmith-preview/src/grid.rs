//! Wallet's fixed grid: what a card of a given style looks like before any field is placed —
//! its outline, which images it uses, where the strip and the barcode sit.
//!
//! The front's layout reads these decisions from here and writes them into its elements, so
//! the rasteriser draws exactly what was measured without knowing the style.

use passmith_core::PassDocument;
use passmith_core::model::Style;

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
        let has = |name: &str| images::dimensions(doc, name, opts.scale, lang).is_some();
        let strip = matches!(
            style,
            Some(Style::Coupon | Style::StoreCard | Style::EventTicket)
        ) && has("strip");
        let background = style == Some(Style::EventTicket) && !strip && has("background");
        let thumbnail =
            matches!(style, Some(Style::Generic)) || (style == Some(Style::EventTicket) && !strip);
        let thumbnail = thumbnail && has("thumbnail");
        let first = crate::barcode::shown_barcode(doc);
        Ctx {
            style,
            width: opts.card_width,
            palette: Palette::of(doc),
            strip,
            background,
            thumbnail,
            square_barcode: first.is_some_and(|(_, b)| b.format.is_square()),
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

    /// Where the strip image goes (coupon, store card, event ticket).
    pub(crate) fn strip_rect(&self) -> (f32, f32) {
        let top = 64.0;
        let ratio = if self.style == Some(Style::EventTicket) {
            98.0 / 375.0
        } else {
            144.0 / 375.0
        };
        (top, top + self.width * ratio)
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
