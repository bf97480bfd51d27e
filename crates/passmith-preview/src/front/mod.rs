//! Layout of the front of a pass: Wallet's fixed grid per style (rendering reference §2–§8).
//!
//! This module dispatches: it lays down the card, the images and the header every style shares,
//! then hands the body to the style's family (`boarding`, `generic`, `event`, `coupon_store`)
//! and ends with the barcode plate. Fitting a row of fields (shrink, truncate, align) is in
//! `rows`; what a row hides or cuts becomes a warning here, so every family reports alike.

mod barcode;
mod boarding;
mod coupon_store;
mod event;
mod generic;
mod header;
mod images;
mod rows;

use passmith_core::model::{Field, FieldGroup, FieldValue, Style};
use passmith_core::rules::{self, HiddenField};
use passmith_core::{Code, Finding, PassDocument, PassPath};

use crate::color::{self, Rgba};
use crate::format;
use crate::grid::{CARD_HEIGHT, Ctx, MARGIN};
use crate::text::{Font, Fonts, Weight, fonts};
use crate::{Element, ElementKind, Layout, Rect, RenderOptions, Shape, Source};

pub(crate) use barcode::barcode_geometry;
use rows::{Mode, Part, RowField, RowSpec};

/// Builds the front layout.
pub(crate) fn layout(doc: &PassDocument, opts: &RenderOptions) -> Layout {
    let ctx = Ctx::new(doc, opts);
    let hidden = ctx
        .style
        .map_or_else(Vec::new, |style| rules::hidden_in(&doc.pass, style));
    // Every hidden field is reported, also those of groups this style never lays out (a
    // boarding pass's additional info fields), so the preview says exactly what validation says.
    let warnings = hidden.iter().map(HiddenField::finding).collect();
    let mut fonts = fonts();
    let mut b = Builder {
        doc,
        opts,
        lang: opts.language.as_deref(),
        ctx,
        hidden,
        fonts: &mut fonts,
        elements: Vec::new(),
        warnings,
    };
    b.build();
    Layout {
        width: b.ctx.width,
        height: CARD_HEIGHT,
        elements: b.elements,
        warnings: b.warnings,
    }
}

/// The state of one front layout while it is built; each family adds its rows to it.
struct Builder<'a, 'f> {
    doc: &'a PassDocument,
    opts: &'a RenderOptions,
    lang: Option<&'a str>,
    ctx: Ctx,
    /// The fields the style does not show (`passmith_core::rules`).
    hidden: Vec<HiddenField<'a>>,
    fonts: &'f mut Fonts,
    elements: Vec<Element>,
    warnings: Vec<Finding>,
}

impl<'a> Builder<'a, '_> {
    fn build(&mut self) {
        let w = self.ctx.width;
        let card = Shape::Card {
            outline: self.ctx.outline(),
            fill: self.ctx.palette.background,
            header_shade: !self.ctx.background,
        };
        self.push(
            Rect::new(0.0, 0.0, w, CARD_HEIGHT),
            ElementKind::Shape(card),
            Source::Card,
        );
        let Some(style) = self.ctx.style else {
            self.warnings.push(Finding::new(
                Code::LayoutNoStyle,
                "",
                "The pass has no style (boardingPass, coupon, eventTicket, generic or storeCard), so Wallet has no fields to show",
                "Choose a style for the pass.",
            ));
            self.barcode();
            return;
        };
        if rules::is_poster_event_ticket(&self.doc.pass) {
            self.warnings.push(Finding::new(
                Code::LayoutPosterFace,
                PassPath::key("preferredStyleSchemes"),
                "This pass also has a poster face (iOS 18 and later), which the preview does not draw yet; shown is the event ticket face older iPhones show, and Wallet's fallback when the poster's requirements are not met",
                "Check the event ticket fields too: iPhones before iOS 18 only show those.",
            ));
        }
        let Some(fields) = self.doc.pass.style_fields(style) else {
            return;
        };
        self.images(style);
        let logo_right = self.logo();
        let header_left = self.header(fields.group(FieldGroup::Header), logo_right);
        self.logo_text(logo_right, header_left);
        match style {
            Style::BoardingPass => self.boarding(fields),
            Style::Generic => self.generic(fields),
            Style::EventTicket => self.event(fields),
            Style::Coupon | Style::StoreCard => self.coupon_store(style, fields),
        }
        self.barcode();
    }

    fn push(&mut self, rect: Rect, kind: ElementKind, source: Source) {
        self.elements.push(Element { rect, kind, source });
    }

    /// Where a field of this pass's style is (fields are laid out only when it has one).
    fn field_path(&self, group: FieldGroup, index: usize) -> PassPath {
        self.ctx.style.map_or(PassPath::Nowhere, |style| {
            PassPath::field(style, group, index)
        })
    }

    fn label_color(&self, on_strip: bool) -> Rgba {
        if on_strip {
            self.ctx.palette.strip_text
        } else {
            self.ctx.palette.label
        }
    }

    fn value_color(&self, on_strip: bool) -> Rgba {
        if on_strip {
            self.ctx.palette.strip_text
        } else if self.ctx.background {
            // Wallet forces white text at 70 % over a blurred background.
            color::with_alpha(color::WHITE, 0.7)
        } else {
            self.ctx.palette.foreground
        }
    }

    /// The primary row of coupons, store cards and event tickets with a strip: one value,
    /// light 66, no label, on the strip (strip text colours when a strip is drawn).
    fn strip_primary_spec(&self, on_strip: bool) -> RowSpec {
        RowSpec {
            rect: Rect::new(MARGIN, 73.0, self.ctx.width - 2.0 * MARGIN, 74.0),
            label: Font::new(Weight::Bold, 11.0),
            value: Font::new(Weight::Light, 66.0),
            vpad: 0.0,
            pad: 16.0,
            mode: Mode::Spread,
            labels: false,
            wraps: false,
            label_color: self.label_color(on_strip),
            value_color: self.value_color(on_strip),
        }
    }

    /// The width the thumbnail takes from rows beside it (its width + 17 pt), 0 without one.
    fn thumbnail_inset(&self) -> f32 {
        self.elements
            .iter()
            .find(|e| {
                e.source
                    == Source::Image {
                        name: "thumbnail".into(),
                    }
            })
            .map_or(0.0, |e| e.rect.w + 17.0)
    }

    /// The fields of a group that Wallet shows, with their texts. Which ones it hides is
    /// `passmith_core::rules`' answer (the same as validation's, reported once by [`layout`]).
    fn take_visible(&mut self, group: FieldGroup, fields: &'a [Field]) -> Vec<RowField<'a>> {
        let indexed: Vec<(usize, &'a Field)> = fields.iter().enumerate().collect();
        self.take_visible_indexed(group, &indexed)
    }

    /// [`Self::take_visible`] for part of a group (one event-ticket auxiliary row), with each
    /// field's index in its whole group.
    fn take_visible_indexed(
        &mut self,
        group: FieldGroup,
        fields: &[(usize, &'a Field)],
    ) -> Vec<RowField<'a>> {
        let mut out = Vec::new();
        for &(index, field) in fields {
            if !self
                .hidden
                .iter()
                .any(|h| h.group == group && h.index == index)
            {
                out.push(self.row_field(group, index, field));
            }
        }
        out
    }

    fn row_field(&self, group: FieldGroup, index: usize, field: &'a Field) -> RowField<'a> {
        let label = field.label.as_deref().unwrap_or("");
        let label = self.doc.localized(self.lang, label).to_uppercase();
        let raw = match field.attributed_value.as_ref().unwrap_or(&field.value) {
            FieldValue::Text(s) => self.doc.localized(self.lang, s).to_owned(),
            FieldValue::Number(n) => n.to_string(),
        };
        let value = format::format_field_value(field, &raw, self.lang);
        RowField {
            group,
            index,
            field,
            label,
            value,
        }
    }

    fn truncated(&mut self, group: FieldGroup, index: usize, key: &str, part: Part) {
        let what = if part == Part::Label { " label" } else { "" };
        self.warnings.push(Finding::new(
            Code::LayoutTruncated,
            self.field_path(group, index).join(part.key()),
            format!("{} field '{key}'{what} is cut off", group.label()),
            "Shorten the text or use fewer fields in this row: Wallet shrinks text only down to the label size, then cuts it off.",
        ));
    }

    /// Places one row of fields and reports what it cut off or cannot draw; returns the
    /// rectangle the fields occupy.
    fn row(&mut self, fields: Vec<RowField<'a>>, spec: &RowSpec) -> Option<Rect> {
        let placed = rows::place(self.fonts, &fields, spec);
        for (i, part) in placed.cut {
            let f = &fields[i];
            self.truncated(f.group, f.index, &f.field.key, part);
        }
        self.elements.extend(placed.elements);
        for i in placed.missing_glyphs {
            let f = &fields[i];
            self.warnings.push(Finding::new(
                Code::LayoutMissingGlyphs,
                self.field_path(f.group, f.index),
                format!("{} field '{}' has characters no installed font can draw; the preview shows boxes", f.group.label(), f.field.key),
                "Check the text for unusual characters, or install a font for its script.",
            ));
        }
        placed.occupied
    }
}

/// Fits `w × h` into `max_w × max_h`, keeping the aspect ratio and never enlarging.
fn fit(w: f32, h: f32, max_w: f32, max_h: f32) -> (f32, f32) {
    let s = (max_w / w).min(max_h / h).min(1.0);
    (w * s, h * s)
}
