//! Layout (pure) and rasterising (CPU) of a pass as Apple Wallet shows it.
//!
//! Two steps, kept apart so the designer can map clicks to fields and tests can check positions
//! without pixels:
//! 1. [`layout`] turns a document + options into a display list: positioned [`Element`]s, each
//!    with the [`Source`] it shows and all it needs to be drawn (fonts, colours, images decoded
//!    through a cache, barcode modules), plus warnings about what Wallet would cut off or hide.
//!    Pure: no I/O, and the clock is an input ([`RenderOptions::now`]).
//! 2. [`render`] rasterises a layout alone with tiny-skia on the CPU, so the picture is the
//!    same on every machine and needs no GPU.
//!
//! [`layout_google`] lays out the same pass as Google Wallet's card, from core's Google mapping.
//!
//! The numbers (grid per style, font sizes, colours) follow the measurements of Wallet collected
//! in the project's rendering reference; the text is shaped with cosmic-text using the bundled
//! Inter font, with system fonts as fallback for scripts Inter lacks (CJK, Arabic, Hebrew…).

mod barcode;
mod color;
mod display;
mod format;
mod front;
mod google;
mod grid;
mod icons;
mod images;
mod layout_back;
mod raster;
mod text;

use passmith_core::PassDocument;

pub use display::{
    Element, ElementKind, Image, ImageFit, Layout, Modules, Outline, Rect, Shape, Source, TextRole,
    Weight,
};
pub use format::format_field_value;
pub use google::layout_google;
pub use text::{ShapedGlyph, shape_text};

/// Which side of the pass to show. The back is drawn as Wallet's details sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Side {
    #[default]
    Front,
    Back,
}

/// How to lay out and render a pass.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderOptions {
    /// Pixels per point: 1.0, 2.0 or 3.0. Decides which image files (@2x, @3x) are used and
    /// where the barcode's modules fall on whole pixels.
    pub scale: f32,
    /// e.g. `Some("fr")` → uses `fr.lproj/pass.strings` and localized images.
    pub language: Option<String>,
    pub side: Side,
    /// Card width in points; 358 is the card on a 390-pt iPhone.
    pub card_width: f32,
    /// The moment the pass is shown at: a pass whose `expirationDate` is not after it shows
    /// Wallet's faded "expired" barcode. `None` (the default): expiry is not judged, only
    /// `voided` fades the code. The preview never reads the clock itself.
    pub now: Option<jiff::Timestamp>,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            scale: 2.0,
            language: None,
            side: Side::Front,
            card_width: 358.0,
            now: None,
        }
    }
}

/// Lays out one side of the pass. Pure: no I/O, no clock (see [`RenderOptions::now`]); never
/// panics.
pub fn layout(doc: &PassDocument, opts: &RenderOptions) -> Layout {
    let opts = sanitize(opts);
    match opts.side {
        Side::Front => front::layout(doc, &opts),
        Side::Back => layout_back::layout(doc, &opts),
    }
}

/// Straight (non-premultiplied) RGBA8, `width × height` pixels = layout size × scale.
#[derive(Debug, Clone, PartialEq)]
pub struct RgbaImage {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
}

/// What can stop a preview from being produced at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PreviewError {
    #[error(
        "the preview would be {width}×{height} pixels, which is too large to draw; use a smaller scale or card width"
    )]
    TooLarge { width: u32, height: u32 },
    #[error("could not encode the preview as PNG: {0}")]
    Encode(String),
}

/// Rasterises a layout on the CPU at `scale` pixels per point (normally the scale it was laid
/// out for). Draws from the layout alone: images that could not be decoded are not in it (the
/// layout carries a warning about them).
pub fn render(layout: &Layout, scale: f32) -> Result<RgbaImage, PreviewError> {
    raster::render(layout, sanitize_scale(scale))
}

/// Layout + render + PNG encode.
pub fn render_png(
    doc: &PassDocument,
    opts: &RenderOptions,
) -> Result<(Vec<u8>, Layout), PreviewError> {
    let lay = layout(doc, opts);
    let img = render(&lay, opts.scale)?;
    let png = encode_png(&img)?;
    Ok((png, lay))
}

/// Encodes an image as PNG.
pub fn encode_png(img: &RgbaImage) -> Result<Vec<u8>, PreviewError> {
    use image::ImageEncoder;
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(
            &img.pixels,
            img.width,
            img.height,
            image::ExtendedColorType::Rgba8,
        )
        .map_err(|e| PreviewError::Encode(e.to_string()))?;
    Ok(out)
}

/// Clamps options to what can be drawn: a scale between 0.25 and 4, a card 200–600 pt wide.
fn sanitize(opts: &RenderOptions) -> RenderOptions {
    let mut o = opts.clone();
    o.scale = sanitize_scale(o.scale);
    if !o.card_width.is_finite() {
        o.card_width = 358.0;
    }
    o.card_width = o.card_width.clamp(200.0, 600.0);
    if o.language.as_deref().is_some_and(str::is_empty) {
        o.language = None;
    }
    o
}

/// A scale between 0.25 and 4 (2 when it is not a positive number).
fn sanitize_scale(scale: f32) -> f32 {
    if !scale.is_finite() || scale <= 0.0 {
        return 2.0;
    }
    scale.clamp(0.25, 4.0)
}
