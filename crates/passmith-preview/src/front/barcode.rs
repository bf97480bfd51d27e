//! The barcode plate (rendering reference §6): the white plate centred above the card's bottom
//! edge, the code on whole device pixels, its alt text (or the notice of a voided or expired
//! pass), and the boarding pass footer image just above the plate. The sizes of code and plate
//! per format were measured on the screenshots.

use std::sync::Arc;

use passmith_core::{Code, Finding, PassDocument, PassPath, rules};

use super::{Builder, fit};
use crate::barcode;
use crate::color;
use crate::format;
use crate::grid::MARGIN;
use crate::images;
use crate::text::{Font, Weight};
use crate::{ElementKind, ImageFit, Rect, Shape, Source, TextRole};

impl Builder<'_, '_> {
    /// The barcode plate, the code, its alt text, and the boarding pass footer above it.
    pub(super) fn barcode(&mut self) {
        let Some((index, bc)) = rules::shown_barcode(&self.doc.pass) else {
            if let Some(first) = self.doc.pass.effective_barcodes().first() {
                self.warnings.push(Finding::new(
                    Code::LayoutBarcodeFormat,
                    Source::Barcode { index: 0 }
                        .path(self.doc)
                        .map(|p| p.join("format"))
                        .unwrap_or(PassPath::Nowhere),
                    format!("Wallet cannot show a barcode of format \"{}\"", first.format),
                    "Use PKBarcodeFormatQR, PKBarcodeFormatPDF417, PKBarcodeFormatAztec or PKBarcodeFormatCode128.",
                ));
            }
            return;
        };
        let w = self.ctx.width;
        let scale = self.opts.scale;
        let modules = match barcode::encode(&bc.format, &bc.message, &bc.message_encoding) {
            Ok(m) => m,
            Err(reason) => {
                let path = Source::Barcode { index }
                    .path(self.doc)
                    .map(|p| p.join("message"))
                    .unwrap_or(PassPath::Nowhere);
                self.warnings.push(Finding::new(
                    Code::LayoutBarcode,
                    path,
                    format!("The barcode cannot be drawn: {reason}"),
                    "Shorten the message or choose another barcode format.",
                ));
                return;
            }
        };
        let bottom = self.ctx.barcode_bottom();
        let alt = bc
            .alt_text
            .as_deref()
            .map(|t| self.doc.localized(self.lang, t).to_owned())
            .filter(|t| !t.trim().is_empty());
        let invalid = invalid_notice(self.doc, self.opts.now);
        let alt = invalid.clone().or(alt);
        let geom = barcode_geometry(&bc.format, &modules, scale, alt.is_some());
        let alt_font = Font::new(Weight::Regular, 14.0);
        // The plate widens for a long alt text (up to the card's margins).
        let alt_w = alt
            .as_deref()
            .map_or(0.0, |t| self.fonts.width(t, alt_font) + 22.0);
        // …but never past 290 pt for the text's sake (longer alt texts are cut).
        let plate_w = geom
            .plate_w
            .max(alt_w.min(290.0))
            .min(w - 2.0 * MARGIN)
            .max(geom.code_w.min(w));
        let plate = Rect::new(
            (w - plate_w) / 2.0,
            bottom - geom.plate_h,
            plate_w,
            geom.plate_h,
        );
        let source = Source::Barcode { index };
        let plate_shape = Shape::RoundRect {
            fill: color::WHITE,
            radius: 4.5,
        };
        self.push(plate, ElementKind::Shape(plate_shape), source.clone());
        // Whole device pixels, so modules stay sharp.
        let code_x = ((w - geom.code_w) / 2.0 * scale).round() / scale;
        let code_y = ((plate.y + geom.code_top) * scale).round() / scale;
        self.push(
            Rect::new(code_x, code_y, geom.code_w, geom.code_h),
            ElementKind::Barcode {
                format: bc.format.clone(),
                message: bc.message.clone(),
                modules: Arc::new(modules),
                faded: invalid.is_some(),
            },
            source.clone(),
        );
        if let Some(text) = alt {
            let max = plate_w - 22.0;
            let shown = self.fonts.truncate(&text, alt_font, max);
            if shown != text && invalid.is_none() {
                let path = source
                    .path(self.doc)
                    .map(|p| p.join("altText"))
                    .unwrap_or(PassPath::Nowhere);
                self.warnings.push(Finding::new(
                    Code::LayoutTruncated,
                    path,
                    "The barcode's alternative text is cut off",
                    "Shorten the text shown under the barcode.",
                ));
            }
            let tw = self.fonts.width(&shown, alt_font);
            let color = if invalid.is_some() {
                [128, 128, 128, 255]
            } else {
                color::BLACK
            };
            let baseline = plate.bottom() - geom.alt_baseline;
            self.push(
                Rect::new(
                    (w - tw) / 2.0,
                    baseline - crate::text::baseline(0.0, alt_font.size),
                    tw,
                    alt_font.line_height(),
                ),
                ElementKind::Text {
                    text: shown,
                    size: alt_font.size,
                    weight: alt_font.weight,
                    color,
                    role: TextRole::AltText,
                },
                source,
            );
        }
        if let Some((box_w, box_h)) = self.ctx.image_box("footer")
            && let Some((fw, fh)) = images::size_pt(self.doc, "footer", scale, self.lang)
        {
            let (bw, bh) = fit(fw, fh, box_w, box_h);
            self.push_image(
                "footer",
                Rect::new((w - bw) / 2.0, plate.y - 6.0 - bh, bw, bh),
                ImageFit::Fit,
            );
        }
    }
}

/// Sizes of a drawn barcode and its plate, in points.
pub(crate) struct BarcodeGeometry {
    pub plate_w: f32,
    pub plate_h: f32,
    pub code_w: f32,
    pub code_h: f32,
    /// From the plate's top edge to the code's top edge.
    pub code_top: f32,
    /// From the plate's bottom edge up to the alt text's baseline.
    pub alt_baseline: f32,
    /// Whole device pixels per module, and per matrix row.
    pub module_px: u32,
    pub row_px: u32,
}

/// How big Wallet draws a code and its plate, measured on the screenshots (3.27 px/pt):
/// - QR/Aztec: the code (with a two-module quiet zone) fills a ≈156-pt box on a ≈153.5-pt plate,
///   149.6 pt tall, +17.2 with alt text;
/// - Code 128: ≈1.55 pt per module, at least 178 and at most 276 pt wide, bars 39 pt tall, on a
///   plate ≥ 264 pt wide and 75.6 pt tall (90.6 with alt text);
/// - PDF417: up to 276 pt wide, on a plate ≥ 275 pt wide, 98 pt tall with alt text.
///
/// Modules are whole device pixels, so the code may come out a little smaller than Wallet's.
pub(crate) fn barcode_geometry(
    format: &passmith_core::model::BarcodeFormat,
    m: &barcode::Modules,
    scale: f32,
    has_alt: bool,
) -> BarcodeGeometry {
    use passmith_core::model::BarcodeFormat as F;
    let (cols, rows) = (m.width as f32, m.height as f32);
    let whole = |pt: f32, n: f32| ((pt * scale / n).floor()).max(1.0);
    match format {
        F::Pdf417 => {
            let module = whole(262.0, cols);
            let code_w = cols * module / scale;
            let row = (60.0 * scale / rows)
                .floor()
                .clamp(2.0 * module, 4.0 * module);
            let code_h = rows * row / scale;
            let plate_h = if has_alt { 98.2f32 } else { 81.0 }.max(code_h + 27.0);
            BarcodeGeometry {
                plate_w: (code_w + 22.0).max(275.4),
                plate_h,
                code_w,
                code_h,
                code_top: 13.5,
                alt_baseline: 3.3 + 1.0,
                module_px: module as u32,
                row_px: row as u32,
            }
        }
        F::Code128 => {
            let target = (cols * 1.545).clamp(177.7, 276.0);
            let module = whole(target, cols);
            let code_w = cols * module / scale;
            let code_h = (39.2 * scale).round() / scale;
            BarcodeGeometry {
                plate_w: (code_w + 22.0).max(264.1),
                plate_h: if has_alt { 90.6 } else { 75.6 },
                code_w,
                code_h,
                code_top: 17.1,
                alt_baseline: 10.4,
                module_px: module as u32,
                row_px: (code_h * scale) as u32,
            }
        }
        _ => {
            // The code's own two-module quiet zone is white on the white plate. Measured: the
            // code ends 12 pt above the plate's bottom, or 26.6 pt with alt text under it.
            let module = whole(156.3, cols + 4.0);
            let code_w = cols * module / scale;
            let code_h = rows * module / scale;
            let plate_w = 153.5f32.max(code_w + 12.0);
            let side = (plate_w - code_w) / 2.0;
            let below = if has_alt { 26.6 } else { 12.0 };
            BarcodeGeometry {
                plate_w,
                plate_h: side + code_h + below,
                code_w,
                code_h,
                code_top: side,
                alt_baseline: 10.4,
                module_px: module as u32,
                row_px: module as u32,
            }
        }
    }
}

/// The text Wallet puts under the faded code of a voided or expired pass: voided passes, and
/// passes whose `expirationDate` is not after `now` (the caller's clock; without one, expiry
/// is not judged).
fn invalid_notice(doc: &PassDocument, now: Option<jiff::Timestamp>) -> Option<String> {
    if doc.pass.voided == Some(true) {
        return Some("This pass is no longer valid".to_owned());
    }
    let expiry = doc
        .pass
        .expiration_date
        .as_deref()
        .and_then(format::unix_seconds)?;
    let now = now?.as_second();
    (expiry <= now).then(|| "This pass has expired".to_owned())
}
