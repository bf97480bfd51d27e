//! Pictures for image slots: one source picture per slot (PNG, JPEG, WebP, GIF's first frame, or
//! SVG) rendered into `<slot>.png`, `@2x` and `@3x` at the sizes [`crate::rules::image_box`]
//! gives the pass's style.
//!
//! Raster pictures are resized once per density from the original with Lanczos3 on
//! premultiplied alpha (`fast_image_resize`), so transparent edges do not darken; SVGs are drawn
//! by resvg straight at each density, so they stay sharp. Slots Wallet crops (icon, strip,
//! background, and a thumbnail outside 2:3…3:2) are filled by [`Fit::Cover`] around a focus
//! point or [`Fit::Contain`] padded with the pass's background colour; the others keep the
//! picture's aspect ratio within their box. Every PNG is then optimised losslessly by oxipng.
//!
//! The original is kept beside the pass ([`sources`]), never in it, so a new style or fit
//! renders again from it rather than from a shrunk copy.

mod render;
pub mod sources;

use std::io::Cursor;
use std::sync::{Arc, OnceLock};

use image::{ImageDecoder as _, ImageReader, RgbaImage};
use resvg::usvg;
use serde::{Deserialize, Serialize};

use crate::document::{PassDocument, image_file_name};
use crate::model::Style;
use crate::rules;

pub use render::{RenderedImage, render};

/// How a picture fills a slot Wallet crops.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Fit {
    /// Fill the slot, cropping what does not fit around the focus point.
    #[default]
    Cover,
    /// Show the whole picture, padding the rest with the pass's background colour.
    Contain,
}

impl Fit {
    /// `cover` or `contain`, as in the CLI and index.json.
    pub fn as_str(self) -> &'static str {
        match self {
            Fit::Cover => "cover",
            Fit::Contain => "contain",
        }
    }

    /// Parses `cover` / `contain`.
    pub fn parse(s: &str) -> Option<Fit> {
        match s {
            "cover" => Some(Fit::Cover),
            "contain" => Some(Fit::Contain),
            _ => None,
        }
    }
}

/// The point of the picture that a cover crop keeps in view: fractions of its width and height
/// (0,0 is the top left; 0.5,0.5 the centre).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Focus {
    pub x: f32,
    pub y: f32,
}

impl Default for Focus {
    fn default() -> Focus {
        Focus { x: 0.5, y: 0.5 }
    }
}

impl Focus {
    /// A focus point, or `None` unless both coordinates are within 0..=1.
    pub fn new(x: f32, y: f32) -> Option<Focus> {
        let ok = |v: f32| (0.0..=1.0).contains(&v);
        (ok(x) && ok(y)).then_some(Focus { x, y })
    }

    /// Parses `x,y` (e.g. `0.5,0.3`).
    pub fn parse(s: &str) -> Option<Focus> {
        let (x, y) = s.split_once(',')?;
        Focus::new(x.trim().parse().ok()?, y.trim().parse().ok()?)
    }
}

/// How a picture is framed in its slot.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Framing {
    pub fit: Fit,
    pub focus: Focus,
}

/// A decoded source picture.
pub enum Picture {
    /// Straight (not premultiplied) RGBA pixels, already turned upright by its EXIF orientation.
    Raster(RgbaImage),
    /// An SVG document, drawn at each density.
    Vector(Box<usvg::Tree>),
}

impl std::fmt::Debug for Picture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (w, h) = self.size();
        let kind = match self {
            Picture::Raster(_) => "Raster",
            Picture::Vector(_) => "Vector",
        };
        write!(f, "Picture::{kind}({w}×{h})")
    }
}

impl Picture {
    /// The picture's size: pixels, or the SVG's user units.
    pub fn size(&self) -> (f64, f64) {
        match self {
            Picture::Raster(img) => (f64::from(img.width()), f64::from(img.height())),
            Picture::Vector(tree) => (
                f64::from(tree.size().width()),
                f64::from(tree.size().height()),
            ),
        }
    }
}

/// What can go wrong turning a picture into a slot's PNGs. Each message says what to do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PictureError {
    #[error(
        "{name} is not a picture Passmith can read ({reason}); use a PNG, JPEG, WebP, GIF or SVG file"
    )]
    Unreadable { name: String, reason: String },
    #[error("{name} has no size (0×0); use a picture with content")]
    Empty { name: String },
    #[error("\"{slot}\" is not an image slot; use one of: {}", rules::IMAGE_NAMES.join(", "))]
    UnknownSlot { slot: String },
    #[error(
        "{style} does not show a {slot} image, so there is nothing to render; it shows: {shown}"
    )]
    SlotNotShown {
        style: &'static str,
        slot: String,
        shown: String,
    },
    #[error(
        "the pass has no style (or more than one), so image sizes are unknown; choose a style first"
    )]
    NoStyle,
    #[error("could not write the {slot} PNG: {reason}")]
    Encode { slot: String, reason: String },
    #[error("could not {action} {path}: {source}")]
    Io {
        action: &'static str,
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "\"{lang}\" is not a language code Passmith can use as a folder name; use one like fr, de or zh-Hans"
    )]
    BadLanguage { lang: String },
    #[error(transparent)]
    Engine(#[from] crate::Error),
    #[error("{path} is damaged ({reason}); delete it to start the picture list afresh")]
    Index {
        path: std::path::PathBuf,
        reason: String,
    },
}

/// Whether `bytes` (named `name`) is an SVG: by its extension, or by its text.
fn is_svg(name: &str, bytes: &[u8]) -> bool {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".svg") || lower.ends_with(".svgz") {
        return true;
    }
    let head = &bytes[..bytes.len().min(1024)];
    let text = String::from_utf8_lossy(head);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    text.starts_with('<') && text.contains("<svg")
}

/// The fonts SVG text is drawn with: the system's, loaded once per process.
fn fonts() -> Arc<usvg::fontdb::Database> {
    static FONTS: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = usvg::fontdb::Database::new();
            db.load_system_fonts();
            Arc::new(db)
        })
        .clone()
}

/// Decodes a source picture; `name` (its file name) names it in errors and tells SVGs apart.
pub fn decode(name: &str, bytes: &[u8]) -> Result<Picture, PictureError> {
    let unreadable = |reason: String| PictureError::Unreadable {
        name: name.to_owned(),
        reason,
    };
    let picture = if is_svg(name, bytes) {
        let options = usvg::Options {
            fontdb: fonts(),
            ..usvg::Options::default()
        };
        let tree = usvg::Tree::from_data(bytes, &options).map_err(|e| unreadable(e.to_string()))?;
        Picture::Vector(Box::new(tree))
    } else {
        let reader = ImageReader::new(Cursor::new(bytes))
            .with_guessed_format()
            .map_err(|e| unreadable(e.to_string()))?;
        if reader.format().is_none() {
            return Err(unreadable(
                "not a PNG, JPEG, WebP, GIF or SVG file".to_owned(),
            ));
        }
        let mut decoder = reader
            .into_decoder()
            .map_err(|e| unreadable(e.to_string()))?;
        // A phone photo is stored sideways with an EXIF note to turn it; the slot wants it upright.
        let orientation = decoder.orientation().ok();
        // GIFs decode their first frame here, which is what a still image slot can show.
        let mut img =
            image::DynamicImage::from_decoder(decoder).map_err(|e| unreadable(e.to_string()))?;
        if let Some(o) = orientation {
            img.apply_orientation(o);
        }
        Picture::Raster(img.into_rgba8())
    };
    let (w, h) = picture.size();
    if !(w >= 1.0 && h >= 1.0) {
        return Err(PictureError::Empty {
            name: name.to_owned(),
        });
    }
    Ok(picture)
}

/// The style images are sized for, or why there is none.
pub fn style_of(doc: &PassDocument) -> Result<Style, PictureError> {
    doc.pass.style().ok_or(PictureError::NoStyle)
}

/// The pass's background colour (what contain pads with), when it has a readable one.
pub fn background_of(doc: &PassDocument) -> Option<[u8; 3]> {
    doc.pass
        .background_color
        .as_deref()
        .and_then(crate::color::parse_color)
}

/// The path of a slot's image at `scale` (`fr.lproj/logo@2x.png`).
pub fn image_path(slot: &str, scale: u8, lang: Option<&str>) -> String {
    let file = image_file_name(slot, scale);
    match lang {
        Some(l) => format!("{l}.lproj/{file}"),
        None => file,
    }
}

/// Puts rendered images into the document, replacing every density the slot had (a density
/// that is not rendered any more does not linger at an old size).
pub fn put_images(
    doc: &mut PassDocument,
    slot: &str,
    lang: Option<&str>,
    images: &[RenderedImage],
) {
    for scale in rules::IMAGE_SCALES {
        doc.files.remove(&image_path(slot, scale, lang));
    }
    for img in images {
        doc.files
            .insert(image_path(slot, img.scale, lang), img.png.clone().into());
    }
}

/// The canonical slot name for `slot` (`strip`, `personalizationLogo`), or an error naming the
/// slots there are.
pub fn slot_name(slot: &str) -> Result<&'static str, PictureError> {
    rules::IMAGE_NAMES
        .iter()
        .copied()
        .find(|n| *n == slot)
        .ok_or_else(|| PictureError::UnknownSlot {
            slot: slot.to_owned(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn focus_and_fit_parse() {
        assert_eq!(Focus::parse("0.25, 1"), Some(Focus { x: 0.25, y: 1.0 }));
        assert_eq!(Focus::parse("1.5,0"), None);
        assert_eq!(Focus::parse("0.5"), None);
        assert_eq!(Fit::parse("contain"), Some(Fit::Contain));
        assert_eq!(Fit::parse("fill"), None);
    }

    #[test]
    fn svg_is_told_apart_by_name_or_text() {
        assert!(is_svg("logo.SVG", b""));
        assert!(is_svg("x", b"\xef\xbb\xbf <?xml version=\"1.0\"?><svg/>"));
        assert!(!is_svg("x.png", b"\x89PNG"));
    }

    #[test]
    fn garbage_is_a_clear_error() {
        let err = decode("photo.jpg", b"not a picture").unwrap_err();
        assert!(err.to_string().contains("photo.jpg"), "{err}");
        assert!(
            err.to_string().contains("PNG, JPEG, WebP, GIF or SVG"),
            "{err}"
        );
    }
}
