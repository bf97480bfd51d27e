//! Layout (pure) and rasterising (CPU) of a pass as Apple Wallet shows it.
//!
//! Two steps, kept apart so the designer can map clicks to fields and tests can check positions
//! without pixels:
//! 1. [`layout`] turns a document + options into positioned [`Element`]s, each with the [`Source`]
//!    it shows, plus warnings about what Wallet would cut off or hide. No pixels, no I/O.
//! 2. [`render`] rasterises a layout with tiny-skia on the CPU, so the picture is the same on
//!    every machine and needs no GPU.
//!
//! The numbers (grid per style, font sizes, colours) follow the measurements of Wallet collected
//! in the project's rendering reference; the text is shaped with cosmic-text using the bundled
//! Inter font, with system fonts as fallback for scripts Inter lacks (CJK, Arabic, Hebrew…).

mod barcode;
mod color;
mod format;
mod front;
mod grid;
mod icons;
mod images;
mod layout_back;
mod raster;
mod text;

use passmith_core::model::{BarcodeFormat, FieldGroup};
use passmith_core::{Finding, PassDocument};

pub use format::format_field_value;
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
    /// Pixels per point: 1.0, 2.0 or 3.0.
    pub scale: f32,
    /// e.g. `Some("fr")` → uses `fr.lproj/pass.strings` and localized images.
    pub language: Option<String>,
    pub side: Side,
    /// Card width in points; 358 is the card on a 390-pt iPhone.
    pub card_width: f32,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            scale: 2.0,
            language: None,
            side: Side::Front,
            card_width: 358.0,
        }
    }
}

/// A rectangle in points, from the card's top-left corner.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Rect {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

impl Rect {
    pub fn new(x: f32, y: f32, w: f32, h: f32) -> Rect {
        Rect { x, y, w, h }
    }

    pub fn contains(&self, x: f32, y: f32) -> bool {
        x >= self.x && x < self.x + self.w && y >= self.y && y < self.y + self.h
    }

    pub fn right(&self) -> f32 {
        self.x + self.w
    }

    pub fn bottom(&self) -> f32 {
        self.y + self.h
    }
}

/// What a drawn element shows — for click-to-edit in the designer and for tests.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// The card background and shape.
    Card,
    /// A field's label or value.
    Field {
        group: FieldGroup,
        index: usize,
        key: String,
    },
    LogoText,
    /// `"logo"`, `"strip"`, `"thumbnail"`, `"background"`, `"footer"`.
    Image {
        name: String,
    },
    /// Index into the effective barcode list (`barcodes`, else the legacy `barcode`).
    Barcode {
        index: usize,
    },
    TransitIcon,
}

impl Source {
    /// The JSON pointer into pass.json of what this element shows, e.g.
    /// `/storeCard/primaryFields/0`. Images have no pass.json path (`None`).
    pub fn json_path(&self, doc: &PassDocument) -> Option<String> {
        let style = doc.pass.style().map(|s| s.key());
        match self {
            Source::Card => Some("/backgroundColor".to_owned()),
            Source::Field { group, index, .. } => {
                Some(format!("/{}/{}/{index}", style?, group.key()))
            }
            Source::LogoText => Some("/logoText".to_owned()),
            Source::Image { .. } => None,
            Source::Barcode { index } => {
                if doc.pass.barcodes.as_ref().is_some_and(|b| !b.is_empty()) {
                    Some(format!("/barcodes/{index}"))
                } else {
                    Some("/barcode".to_owned())
                }
            }
            Source::TransitIcon => Some(format!("/{}/transitType", style?)),
        }
    }
}

/// The part a text plays; decides its font and colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextRole {
    Label,
    Value,
    LogoText,
    AltText,
    Other,
}

/// What an element draws.
#[derive(Debug, Clone, PartialEq)]
pub enum ElementKind {
    /// One text run; lines are separated by `\n` (already wrapped and truncated by the layout).
    /// `size` is the font size in points after any shrinking.
    Text {
        text: String,
        size: f32,
        color: [u8; 4],
        role: TextRole,
    },
    Image,
    Barcode {
        format: BarcodeFormat,
        message: String,
    },
    Shape,
}

/// One positioned thing on the card.
#[derive(Debug, Clone, PartialEq)]
pub struct Element {
    pub rect: Rect,
    pub kind: ElementKind,
    pub source: Source,
}

/// The positioned elements of one side of a pass, in drawing order (back to front).
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// Points.
    pub width: f32,
    pub height: f32,
    pub elements: Vec<Element>,
    /// What Wallet would not show as written, e.g. code `layout.truncated` with path
    /// `/storeCard/secondaryFields/0/value`.
    pub warnings: Vec<Finding>,
}

impl Layout {
    /// Top-most element under a point (points), for click-to-select. The card itself is
    /// returned only when nothing else is there.
    pub fn element_at(&self, x: f32, y: f32) -> Option<&Element> {
        self.elements
            .iter()
            .rev()
            .find(|e| e.source != Source::Card && e.rect.contains(x, y))
            .or_else(|| self.elements.iter().rev().find(|e| e.rect.contains(x, y)))
    }

    /// Every element showing `source`.
    pub fn elements_of(&self, source: &Source) -> impl Iterator<Item = &Element> + '_ {
        let source = source.clone();
        self.elements.iter().filter(move |e| e.source == source)
    }
}

/// Lays out one side of the pass. Pure: no pixels, no I/O; never panics.
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

/// Rasterises a layout on the CPU. Images that cannot be decoded are skipped (the layout
/// already carries a warning about them).
pub fn render(
    doc: &PassDocument,
    layout: &Layout,
    opts: &RenderOptions,
) -> Result<RgbaImage, PreviewError> {
    let opts = sanitize(opts);
    raster::render(doc, layout, &opts)
}

/// Layout + render + PNG encode.
pub fn render_png(
    doc: &PassDocument,
    opts: &RenderOptions,
) -> Result<(Vec<u8>, Layout), PreviewError> {
    let lay = layout(doc, opts);
    let img = render(doc, &lay, opts)?;
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
    if !o.scale.is_finite() || o.scale <= 0.0 {
        o.scale = 2.0;
    }
    o.scale = o.scale.clamp(0.25, 4.0);
    if !o.card_width.is_finite() {
        o.card_width = 358.0;
    }
    o.card_width = o.card_width.clamp(200.0, 600.0);
    if o.language.as_deref().is_some_and(str::is_empty) {
        o.language = None;
    }
    o
}
