//! The top of every front: the logo (fitted into 160×50 at the top left), the header fields
//! packed from the right edge (at most three), and the logo text between them, bold 18 and
//! tail-truncated (rendering reference §3 and §5).

use passmith_core::model::{Field, FieldGroup};
use passmith_core::{Code, Finding, PassPath};

use super::rows::{Mode, RowSpec};
use super::{Builder, fit};
use crate::grid::MARGIN;
use crate::images;
use crate::text::{Font, Weight};
use crate::{ElementKind, ImageFit, Rect, Source, TextRole};

impl<'a> Builder<'a, '_> {
    /// The logo, fitted into 160×50 at the top left. Returns its right edge.
    pub(super) fn logo(&mut self) -> f32 {
        let Some((lw, lh)) = images::size_pt(self.doc, "logo", self.opts.scale, self.lang) else {
            return MARGIN;
        };
        let Some((box_w, box_h)) = self.ctx.image_box("logo") else {
            return MARGIN;
        };
        let (w, h) = fit(lw, lh, box_w, box_h);
        self.push_image(
            "logo",
            Rect::new(MARGIN, 30.0 - h / 2.0, w, h),
            ImageFit::Fit,
        );
        MARGIN + w
    }

    /// Header fields packed from the right edge. Returns the left edge of the header block.
    pub(super) fn header(&mut self, fields: &'a [Field], logo_right: f32) -> f32 {
        let w = self.ctx.width;
        let visible = self.take_visible(FieldGroup::Header, fields);
        if visible.is_empty() {
            return w - MARGIN;
        }
        // Wallet's header bucket is 115 pt wide at the right edge (reference §3).
        let left = (w - 130.0).max(logo_right + 8.0);
        let spec = RowSpec {
            rect: Rect::new(left, 10.0, (w - MARGIN - left).max(20.0), 40.0),
            label: Font::new(Weight::Bold, 11.0),
            value: Font::new(Weight::Regular, 21.0),
            vpad: -3.0,
            pad: 16.0,
            mode: Mode::Right,
            labels: true,
            wraps: false,
            label_color: self.label_color(false),
            value_color: self.value_color(false),
        };
        let placed = self.row(visible, &spec);
        placed.map_or(w - MARGIN, |r| r.x)
    }

    /// logoText, bold 18, after the logo and before the header, vertically centred on the logo.
    pub(super) fn logo_text(&mut self, logo_right: f32, header_left: f32) {
        let Some(text) = self
            .doc
            .pass
            .logo_text
            .as_deref()
            .filter(|t| !t.trim().is_empty())
        else {
            return;
        };
        let text = self.doc.localized(self.lang, text).to_owned();
        let font = Font::new(Weight::Bold, 18.0);
        let x = if logo_right > MARGIN {
            logo_right + 8.0
        } else {
            MARGIN
        };
        let max = (header_left - 8.0 - x).max(10.0);
        let shown = self.fonts.truncate(&text, font, max);
        if shown != text {
            self.warnings.push(Finding::new(
                Code::LayoutTruncated,
                PassPath::key("logoText"),
                "The logo text is cut off",
                "Shorten the logo text, use a narrower logo, or fewer header fields.",
            ));
        }
        let width = self.fonts.width(&shown, font);
        let lh = font.line_height();
        let color = self.value_color(false);
        self.push(
            Rect::new(x, 30.0 - lh / 2.0, width, lh),
            ElementKind::Text {
                text: shown,
                size: font.size,
                weight: font.weight,
                color,
                role: TextRole::LogoText,
            },
            Source::LogoText,
        );
    }
}
