//! The display list: a [`Layout`] is the positioned [`Element`]s of one side of a pass, each
//! with the [`Source`] it shows and everything needed to draw it. The designer maps clicks to
//! sources with it, tests check positions without pixels, and [`crate::render`] draws it
//! without the document.

use std::sync::Arc;

use passmith_core::model::{BarcodeFormat, FieldGroup, TransitType};
use passmith_core::{Finding, PassDocument, PassPath};
use tiny_skia::Pixmap;

pub use crate::barcode::Modules;
pub use crate::text::Weight;

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
    /// The place in pass.json of what this element shows, e.g. `/storeCard/primaryFields/0`.
    /// Images have no pass.json path (`None`).
    pub fn path(&self, doc: &PassDocument) -> Option<PassPath> {
        let style = doc.pass.style();
        match self {
            Source::Card => Some(PassPath::key("backgroundColor")),
            Source::Field { group, index, .. } => Some(PassPath::field(style?, *group, *index)),
            Source::LogoText => Some(PassPath::key("logoText")),
            Source::Image { .. } => None,
            Source::Barcode { index } => {
                if doc.pass.barcodes.as_ref().is_some_and(|b| !b.is_empty()) {
                    Some(PassPath::barcode(*index))
                } else {
                    Some(PassPath::legacy_barcode())
                }
            }
            Source::TransitIcon => Some(PassPath::style(style?).join("transitType")),
        }
    }

    /// [`Source::path`] as the RFC 6901 JSON pointer `passmith validate --json` prints.
    pub fn json_path(&self, doc: &PassDocument) -> Option<String> {
        self.path(doc).map(|p| p.to_string())
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

/// What an element draws. Everything the rasteriser needs is here: fonts, colours, decoded
/// images, barcode modules and outlines, so [`crate::render`] reads nothing but the layout.
#[derive(Debug, Clone, PartialEq)]
pub enum ElementKind {
    /// One text run; lines are separated by `\n` (already wrapped and truncated by the layout).
    /// `size` is the font size in points after any shrinking; `weight` the font it was
    /// measured with.
    Text {
        text: String,
        size: f32,
        weight: Weight,
        color: [u8; 4],
        role: TextRole,
    },
    /// A pass image, decoded, drawn into the element's rectangle as `fit` says.
    Image {
        image: Image,
        fit: ImageFit,
    },
    /// A barcode's modules, drawn on whole device pixels. `faded` is Wallet's look for a voided
    /// or expired pass (the code at 10 % opacity).
    Barcode {
        format: BarcodeFormat,
        message: String,
        modules: Arc<Modules>,
        faded: bool,
    },
    Shape(Shape),
}

/// A filled shape.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// The front of the card: its outline filled with the background colour. `header_shade`:
    /// Wallet's light wash behind the header (not over a background image).
    Card {
        outline: Outline,
        fill: [u8; 4],
        header_shade: bool,
    },
    /// A rectangle with rounded corners (barcode plate, the back's sheet, cells and separators).
    RoundRect { fill: [u8; 4], radius: f32 },
    /// The boarding pass transit icon (`None`: the generic arrow).
    TransitIcon {
        transit: Option<TransitType>,
        color: [u8; 4],
    },
}

/// The outline of a card's front, which differs by style (rendering reference §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outline {
    /// A rounded rectangle (generic, store card, no style).
    Rounded,
    /// Rounded, with a notch cut into the top edge.
    EventTicket,
    /// Perforated top and bottom edges, no rounded corners.
    Coupon,
    /// Rounded, with a semicircle cut into each side edge.
    BoardingPass,
}

/// How an image fills its rectangle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFit {
    /// Scaled into the rectangle (the layout kept the aspect ratio): logo, thumbnail, footer.
    Fit,
    /// Scaled to cover the rectangle, centred, the overflow cropped: the strip.
    Cover,
    /// The event ticket background: covering the card, enlarged, blurred and darkened, inside
    /// the card's outline.
    Background,
}

/// A decoded pass image, shared between layouts: decoding goes through a cache keyed by the
/// file's content, so laying out the same pass again decodes nothing.
#[derive(Clone)]
pub struct Image {
    key: u64,
    file: String,
    pub(crate) pixmap: Arc<Pixmap>,
}

impl Image {
    pub(crate) fn new(key: u64, file: String, pixmap: Arc<Pixmap>) -> Image {
        Image { key, file, pixmap }
    }

    /// The file in the pass the pixels come from, e.g. `fr.lproj/logo@2x.png`.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// A hash of the file's bytes: equal keys, equal pixels.
    pub fn key(&self) -> u64 {
        self.key
    }

    /// Size in pixels.
    pub fn size(&self) -> (u32, u32) {
        (self.pixmap.width(), self.pixmap.height())
    }
}

impl PartialEq for Image {
    fn eq(&self, other: &Image) -> bool {
        self.key == other.key && self.file == other.file
    }
}

impl std::fmt::Debug for Image {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (w, h) = self.size();
        f.debug_struct("Image")
            .field("file", &self.file)
            .field("key", &format_args!("{:016x}", self.key))
            .field("size", &format_args!("{w}×{h}"))
            .finish()
    }
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
