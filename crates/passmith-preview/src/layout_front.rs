//! Layout of the front of a pass: Wallet's fixed grid per style (see the rendering reference,
//! §2–§8), field rows with shrinking and truncation, images, transit icon and barcode plate.

use passmith_core::model::{Field, FieldGroup, FieldValue, Style, TextAlignment};
use passmith_core::{Code, Finding, PassDocument};

use crate::barcode;
use crate::color::{self, Rgba};
use crate::format;
use crate::grid::{CARD_HEIGHT, Ctx, MARGIN};
use crate::images;
use crate::text::{Font, Fonts, Weight, fonts};
use crate::{Element, ElementKind, Layout, Rect, RenderOptions, Source, TextRole};

/// Builds the front layout.
pub(crate) fn layout(doc: &PassDocument, opts: &RenderOptions) -> Layout {
    let ctx = Ctx::new(doc, opts);
    let mut fonts = fonts();
    let mut b = Builder {
        doc,
        opts,
        lang: opts.language.as_deref(),
        ctx,
        fonts: &mut fonts,
        elements: Vec::new(),
        warnings: Vec::new(),
    };
    b.build();
    Layout {
        width: b.ctx.width,
        height: CARD_HEIGHT,
        elements: b.elements,
        warnings: b.warnings,
    }
}

/// How the fields of a row share its width (reference §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Packed from the right edge leftwards (header).
    Right,
    /// First field at the left edge, last at the right edge, leftover shared between the gaps.
    Spread,
    /// Equal columns; first left-aligned, last right-aligned (boarding pass primary).
    Columns,
}

/// One bucket of fields.
#[derive(Debug, Clone, Copy)]
struct RowSpec {
    rect: Rect,
    label: Font,
    value: Font,
    vpad: f32,
    pad: f32,
    mode: Mode,
    /// Labels drawn above values (false: label hidden, as on a strip).
    labels: bool,
    /// More than one line allowed (only when the row has a single field).
    wraps: bool,
    label_color: Rgba,
    value_color: Rgba,
}

/// A field ready to be placed: its texts as shown.
struct RowField<'a> {
    group: FieldGroup,
    index: usize,
    field: &'a Field,
    label: String,
    value: String,
}

struct Builder<'a, 'f> {
    doc: &'a PassDocument,
    opts: &'a RenderOptions,
    lang: Option<&'a str>,
    ctx: Ctx,
    fonts: &'f mut Fonts,
    elements: Vec<Element>,
    warnings: Vec<Finding>,
}

impl<'a> Builder<'a, '_> {
    fn build(&mut self) {
        let w = self.ctx.width;
        self.push(
            Rect::new(0.0, 0.0, w, CARD_HEIGHT),
            ElementKind::Shape,
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

    fn style_key(&self) -> &'static str {
        self.ctx.style.map_or("", Style::key)
    }

    fn has_image(&self, name: &str) -> bool {
        images::size_pt(self.doc, name, self.opts.scale, self.lang).is_some()
    }

    /// Strip, background, thumbnail — and warnings for images the style cannot show.
    fn images(&mut self, style: Style) {
        let w = self.ctx.width;
        for name in ["logo", "strip", "thumbnail", "background", "footer"] {
            let scale = self.opts.scale;
            if self
                .doc
                .image(name, images::density(scale), self.lang)
                .is_some()
                && images::dimensions(self.doc, name, scale, self.lang).is_none()
            {
                let path = images::file_path(self.doc, name, scale, self.lang).unwrap_or_default();
                self.warnings.push(unreadable_image(path));
            }
        }
        if self.ctx.background {
            self.push(
                Rect::new(0.0, 0.0, w, CARD_HEIGHT),
                ElementKind::Image,
                Source::Image {
                    name: "background".into(),
                },
            );
        }
        if self.ctx.strip {
            let (top, bottom) = self.ctx.strip_rect();
            self.push(
                Rect::new(0.0, top, w, bottom - top),
                ElementKind::Image,
                Source::Image {
                    name: "strip".into(),
                },
            );
            if style == Style::EventTicket {
                for ignored in ["background", "thumbnail"] {
                    if self.has_image(ignored) {
                        let path = images::file_path(self.doc, ignored, self.opts.scale, self.lang)
                            .unwrap_or_default();
                        self.warnings.push(Finding::new(
                            Code::LayoutImageIgnored,
                            path,
                            format!("The event ticket has a strip image, so Wallet shows the strip and ignores the {ignored} image"),
                            format!("Use either a strip image, or a background and thumbnail — not both. Remove the strip or the {ignored}."),
                        ));
                    }
                }
            }
        }
        if self.ctx.thumbnail
            && let Some((tw, th)) =
                images::size_pt(self.doc, "thumbnail", self.opts.scale, self.lang)
        {
            let (bw, bh) = fit(tw, th, 80.0, 80.0);
            let top = if style == Style::EventTicket {
                68.0
            } else {
                76.0
            };
            self.push(
                Rect::new(w - 19.0 - bw, top, bw, bh),
                ElementKind::Image,
                Source::Image {
                    name: "thumbnail".into(),
                },
            );
        }
    }

    /// The logo, fitted into 160×50 at the top left. Returns its right edge.
    fn logo(&mut self) -> f32 {
        let Some((lw, lh)) = images::size_pt(self.doc, "logo", self.opts.scale, self.lang) else {
            return MARGIN;
        };
        let (w, h) = fit(lw, lh, 160.0, 50.0);
        self.push(
            Rect::new(MARGIN, 30.0 - h / 2.0, w, h),
            ElementKind::Image,
            Source::Image {
                name: "logo".into(),
            },
        );
        MARGIN + w
    }

    /// Header fields packed from the right edge. Returns the left edge of the header block.
    fn header(&mut self, fields: &'a [Field], logo_right: f32) -> f32 {
        let w = self.ctx.width;
        let visible = self.take_visible(FieldGroup::Header, fields, 3);
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
    fn logo_text(&mut self, logo_right: f32, header_left: f32) {
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
                "/logoText",
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
                color,
                role: TextRole::LogoText,
            },
            Source::LogoText,
        );
    }

    fn boarding(&mut self, fields: &'a passmith_core::model::PassFields) {
        let w = self.ctx.width;
        let inner = w - 2.0 * MARGIN;
        let primary = self.take_visible(FieldGroup::Primary, fields.group(FieldGroup::Primary), 2);
        let spec = RowSpec {
            rect: Rect::new(MARGIN, 68.0, inner, 60.0),
            label: Font::new(Weight::Bold, 11.0),
            value: Font::new(Weight::Light, 40.0),
            vpad: -3.0,
            pad: 38.0,
            mode: Mode::Columns,
            labels: true,
            wraps: false,
            label_color: self.label_color(false),
            value_color: self.value_color(false),
        };
        self.row(primary, &spec);
        // The transit icon sits between the two primary values, tinted in the label colour.
        let size = 34.0;
        let icon_y = 68.0 + spec.label.line_height() + spec.vpad + spec.value.size * 0.952
            - spec.value.size * 0.36
            - size / 2.0;
        self.push(
            Rect::new(w / 2.0 - size / 2.0, icon_y, size, size),
            ElementKind::Shape,
            Source::TransitIcon,
        );
        let aux = self.take_visible(
            FieldGroup::Auxiliary,
            fields.group(FieldGroup::Auxiliary),
            5,
        );
        let row = |y: f32, b: &Self| RowSpec {
            rect: Rect::new(MARGIN, y, inner, 40.0),
            label: Font::new(Weight::Bold, 11.0),
            value: Font::new(Weight::Regular, 17.0),
            vpad: -2.0,
            pad: 10.0,
            mode: Mode::Spread,
            labels: true,
            wraps: false,
            label_color: b.label_color(false),
            value_color: b.value_color(false),
        };
        let aux_spec = row(137.0, self);
        self.row(aux, &aux_spec);
        let sec = self.take_visible(
            FieldGroup::Secondary,
            fields.group(FieldGroup::Secondary),
            4,
        );
        let sec_spec = row(192.0, self);
        self.row(sec, &sec_spec);
    }

    fn generic(&mut self, fields: &'a passmith_core::model::PassFields) {
        let w = self.ctx.width;
        let inner = w - 2.0 * MARGIN;
        let t = self
            .elements
            .iter()
            .find(|e| {
                e.source
                    == Source::Image {
                        name: "thumbnail".into(),
                    }
            })
            .map_or(0.0, |e| e.rect.w + 17.0);
        let primary = self.take_visible(FieldGroup::Primary, fields.group(FieldGroup::Primary), 1);
        let spec = RowSpec {
            rect: Rect::new(MARGIN, 76.0, inner - t, 88.0),
            label: Font::new(Weight::Bold, 11.0),
            value: Font::new(Weight::Regular, 30.0),
            vpad: 0.0,
            pad: 12.0,
            mode: Mode::Spread,
            labels: true,
            wraps: true,
            label_color: self.label_color(false),
            value_color: self.value_color(false),
        };
        self.row(primary, &spec);
        // With a square barcode, secondary and auxiliary fields share four places.
        let sec = self.take_visible(
            FieldGroup::Secondary,
            fields.group(FieldGroup::Secondary),
            4,
        );
        let aux_max = if self.ctx.square_barcode {
            4usize.saturating_sub(sec.len())
        } else {
            4
        };
        let aux = self.take_visible(
            FieldGroup::Auxiliary,
            fields.group(FieldGroup::Auxiliary),
            aux_max,
        );
        let row = |y: f32, size: f32, vpad: f32, b: &Self| RowSpec {
            rect: Rect::new(MARGIN, y, inner, 40.0),
            label: Font::new(Weight::Bold, 11.0),
            value: Font::new(Weight::Light, size),
            vpad,
            pad: 12.0,
            mode: Mode::Spread,
            labels: true,
            wraps: false,
            label_color: b.label_color(false),
            value_color: b.value_color(false),
        };
        let s = row(174.0, 20.0, -1.5, self);
        self.row(sec, &s);
        let a = row(218.0, 16.0, -2.0, self);
        self.row(aux, &a);
    }

    fn event(&mut self, fields: &'a passmith_core::model::PassFields) {
        let w = self.ctx.width;
        let inner = w - 2.0 * MARGIN;
        let all_aux = fields.group(FieldGroup::Auxiliary);
        // Auxiliary fields with `row: 1` form their own row (reference §3).
        type Indexed<'f> = Vec<(usize, &'f Field)>;
        let (aux0, aux1): (Indexed, Indexed) = all_aux
            .iter()
            .enumerate()
            .partition(|(_, f)| f.row.unwrap_or(0) != 1);
        let label_c = self.label_color(false);
        let value_c = self.value_color(false);
        if self.ctx.strip {
            let (_, strip_bottom) = self.ctx.strip_rect();
            let primary =
                self.take_visible(FieldGroup::Primary, fields.group(FieldGroup::Primary), 1);
            let spec = RowSpec {
                rect: Rect::new(MARGIN, 73.0, inner, 74.0),
                label: Font::new(Weight::Bold, 11.0),
                value: Font::new(Weight::Light, 66.0),
                vpad: 0.0,
                pad: 16.0,
                mode: Mode::Spread,
                labels: false,
                wraps: false,
                label_color: self.label_color(true),
                value_color: self.value_color(true),
            };
            self.row(primary, &spec);
            let row = |y: f32| RowSpec {
                rect: Rect::new(MARGIN, y, inner, 46.0),
                label: Font::new(Weight::Bold, 10.0),
                value: Font::new(Weight::Regular, 20.0),
                vpad: -2.0,
                pad: 16.0,
                mode: Mode::Spread,
                labels: true,
                wraps: false,
                label_color: label_c,
                value_color: value_c,
            };
            let sec = self.take_visible(
                FieldGroup::Secondary,
                fields.group(FieldGroup::Secondary),
                4,
            );
            self.row(sec, &row(strip_bottom + 8.0));
            let a0 = self.take_visible_indexed(FieldGroup::Auxiliary, &aux0, 4);
            self.row(a0, &row(strip_bottom + 56.0));
            let a1 = self.take_visible_indexed(FieldGroup::Auxiliary, &aux1, 4);
            self.row(a1, &row(strip_bottom + 104.0));
        } else {
            let t = self
                .elements
                .iter()
                .find(|e| {
                    e.source
                        == Source::Image {
                            name: "thumbnail".into(),
                        }
                })
                .map_or(0.0, |e| e.rect.w + 17.0);
            let spec = |rect: Rect, label: f32, value: f32, wraps: bool| RowSpec {
                rect,
                label: Font::new(Weight::Bold, label),
                value: Font::new(Weight::Regular, value),
                vpad: -2.0,
                pad: 16.0,
                mode: Mode::Spread,
                labels: true,
                wraps,
                label_color: label_c,
                value_color: value_c,
            };
            let primary =
                self.take_visible(FieldGroup::Primary, fields.group(FieldGroup::Primary), 1);
            self.row(
                primary,
                &spec(Rect::new(MARGIN, 68.0, inner - t, 46.0), 11.0, 20.0, true),
            );
            let sec = self.take_visible(
                FieldGroup::Secondary,
                fields.group(FieldGroup::Secondary),
                4,
            );
            self.row(
                sec,
                &spec(Rect::new(MARGIN, 120.0, inner - t, 44.0), 11.0, 16.0, false),
            );
            let a0 = self.take_visible_indexed(FieldGroup::Auxiliary, &aux0, 4);
            self.row(
                a0,
                &spec(Rect::new(MARGIN, 168.0, inner, 52.0), 11.0, 14.0, true),
            );
            let a1 = self.take_visible_indexed(FieldGroup::Auxiliary, &aux1, 4);
            self.row(
                a1,
                &spec(Rect::new(MARGIN, 224.0, inner, 46.0), 10.0, 20.0, false),
            );
        }
    }

    fn coupon_store(&mut self, style: Style, fields: &'a passmith_core::model::PassFields) {
        let w = self.ctx.width;
        let inner = w - 2.0 * MARGIN;
        let (_, strip_bottom) = self.ctx.strip_rect();
        let on_strip = self.ctx.strip;
        let primary = self.take_visible(FieldGroup::Primary, fields.group(FieldGroup::Primary), 1);
        // The primary label is drawn under the value, in value style, not upper-cased.
        let primary_label = primary.first().map(|f| {
            let raw = f.field.label.as_deref().unwrap_or("");
            (
                f.group,
                f.index,
                f.field.key.clone(),
                self.doc.localized(self.lang, raw).to_owned(),
            )
        });
        let spec = RowSpec {
            rect: Rect::new(MARGIN, 73.0, inner, 74.0),
            label: Font::new(Weight::Bold, 11.0),
            value: Font::new(Weight::Light, 66.0),
            vpad: 0.0,
            pad: 16.0,
            mode: Mode::Spread,
            labels: false,
            wraps: false,
            label_color: self.label_color(on_strip),
            value_color: self.value_color(on_strip),
        };
        self.row(primary, &spec);
        if let Some((group, index, key, label)) = primary_label.filter(|p| !p.3.trim().is_empty()) {
            let weight = if style == Style::Coupon {
                Weight::Bold
            } else {
                Weight::Light
            };
            let font = Font::new(weight, 18.0);
            let lines = self.fonts.wrap(&label, font, inner);
            let max_lines = 2;
            let mut shown: Vec<String> = lines.iter().take(max_lines).cloned().collect();
            if lines.len() > max_lines
                && let Some(last) = shown.last_mut()
            {
                *last = self.fonts.truncate(&format!("{last}…"), font, inner);
                self.truncated(group, index, &key, "label");
            }
            let width = shown
                .iter()
                .map(|l| self.fonts.width(l, font))
                .fold(0.0, f32::max);
            let color = self.value_color(on_strip);
            let n = shown.len() as f32;
            self.push(
                Rect::new(MARGIN, 141.0, width, n * font.line_height()),
                ElementKind::Text {
                    text: shown.join("\n"),
                    size: font.size,
                    color,
                    role: TextRole::Label,
                },
                Source::Field { group, index, key },
            );
        }
        // Secondary and auxiliary fields share one row of four.
        let mut combined = self.take_visible(
            FieldGroup::Secondary,
            fields.group(FieldGroup::Secondary),
            4,
        );
        let room = 4 - combined.len();
        combined.extend(self.take_visible(
            FieldGroup::Auxiliary,
            fields.group(FieldGroup::Auxiliary),
            room,
        ));
        let spec = RowSpec {
            rect: Rect::new(MARGIN, strip_bottom + 10.0, inner, 46.0),
            label: Font::new(Weight::Bold, 11.0),
            value: Font::new(Weight::Light, 26.0),
            vpad: if style == Style::Coupon { -4.0 } else { 2.0 },
            pad: 16.0,
            mode: Mode::Spread,
            labels: true,
            wraps: false,
            label_color: self.label_color(false),
            value_color: self.value_color(false),
        };
        self.row(combined, &spec);
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

    /// The first `max` fields of a group, with their texts; the rest are reported as hidden.
    fn take_visible(
        &mut self,
        group: FieldGroup,
        fields: &'a [Field],
        max: usize,
    ) -> Vec<RowField<'a>> {
        let indexed: Vec<(usize, &'a Field)> = fields.iter().enumerate().collect();
        self.take_visible_indexed(group, &indexed, max)
    }

    fn take_visible_indexed(
        &mut self,
        group: FieldGroup,
        fields: &[(usize, &'a Field)],
        max: usize,
    ) -> Vec<RowField<'a>> {
        let mut out = Vec::new();
        for (n, &(index, field)) in fields.iter().enumerate() {
            if n >= max {
                // The one code, wording and path for a hidden field (passmith_core::rules).
                if let Some(style) = self.ctx.style
                    && let Some(hidden) = passmith_core::rules::hidden_in(&self.doc.pass, style)
                        .into_iter()
                        .find(|h| h.group == group && h.index == index)
                {
                    self.warnings.push(hidden.finding());
                }
                continue;
            }
            out.push(self.row_field(group, index, field));
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

    fn truncated(&mut self, group: FieldGroup, index: usize, key: &str, part: &str) {
        let what = if part == "label" { " label" } else { "" };
        self.warnings.push(Finding::new(
            Code::LayoutTruncated,
            format!("/{}/{}/{index}/{part}", self.style_key(), group.key()),
            format!("{} field '{key}'{what} is cut off", group.label()),
            "Shorten the text or use fewer fields in this row: Wallet shrinks text only down to the label size, then cuts it off.",
        ));
    }

    /// Places one row of fields; returns the rectangle the fields occupy.
    fn row(&mut self, fields: Vec<RowField<'a>>, spec: &RowSpec) -> Option<Rect> {
        let n = fields.len();
        if n == 0 {
            return None;
        }
        let rect = spec.rect;
        let pads = spec.pad * (n - 1) as f32;
        let labels: Vec<String> = fields
            .iter()
            .map(|f| {
                if spec.labels {
                    f.label.clone()
                } else {
                    String::new()
                }
            })
            .collect();
        let mut values: Vec<String> = fields.iter().map(|f| f.value.clone()).collect();
        let lw: Vec<f32> = labels
            .iter()
            .map(|l| self.fonts.width(l, spec.label))
            .collect();
        let mut value_font = spec.value;
        // The floor: values never get smaller than labels (equal x-heights, same family).
        let floor = spec.label.size.min(spec.value.size);
        let wraps = spec.wraps && n == 1;

        // 1. Shrink, one size for the whole row.
        if !wraps {
            let vw: Vec<f32> = values
                .iter()
                .map(|v| self.fonts.width(v, value_font))
                .collect();
            let size = match spec.mode {
                Mode::Columns => {
                    let slot = (rect.w - pads) / n as f32;
                    vw.iter()
                        .filter(|w| **w > slot)
                        .map(|w| (value_font.size * slot / w).floor())
                        .fold(value_font.size, f32::min)
                }
                Mode::Right | Mode::Spread => {
                    let total: f32 = lw.iter().zip(&vw).map(|(l, v)| l.max(*v)).sum::<f32>() + pads;
                    if total > rect.w {
                        let fixed: f32 = pads
                            + lw.iter()
                                .zip(&vw)
                                .filter(|(l, v)| v <= l)
                                .map(|(l, _)| *l)
                                .sum::<f32>();
                        let shrinkable: f32 = lw
                            .iter()
                            .zip(&vw)
                            .filter(|(l, v)| v > l)
                            .map(|(_, v)| *v)
                            .sum();
                        if shrinkable > 0.0 {
                            (value_font.size * ((rect.w - fixed) / shrinkable))
                                .floor()
                                .min(value_font.size)
                        } else {
                            value_font.size
                        }
                    } else {
                        value_font.size
                    }
                }
            };
            value_font = value_font.with_size(size.max(floor));
            // Widths are not exactly proportional to the size (hinting-free, but the font switches
            // from Inter Display to Inter below 20 pt), so step down until the row fits.
            while value_font.size > floor
                && !self.row_fits(&lw, &values, value_font, spec, rect.w, pads)
            {
                value_font = value_font.with_size((value_font.size - 1.0).max(floor));
            }
        }

        // 2. Truncate what still does not fit.
        let mut value_lines: Vec<Vec<String>> = Vec::with_capacity(n);
        let mut shown_labels = labels.clone();
        if wraps {
            let label_h = if labels[0].is_empty() {
                0.0
            } else {
                spec.label.line_height() + spec.vpad
            };
            let max_lines =
                (((rect.h - label_h) / value_font.line_height()).floor() as usize).max(1);
            let lines = self.fonts.wrap(&values[0], value_font, rect.w);
            let mut shown: Vec<String> = lines.iter().take(max_lines).cloned().collect();
            if lines.len() > max_lines
                && let Some(last) = shown.last_mut()
            {
                *last = self.fonts.truncate(
                    &format!("{last} {}", lines[max_lines]),
                    value_font,
                    rect.w,
                );
                let f = &fields[0];
                self.truncated(f.group, f.index, &f.field.key, "value");
            }
            if self.fonts.width(&labels[0], spec.label) > rect.w {
                shown_labels[0] = self.fonts.truncate(&labels[0], spec.label, rect.w);
                let f = &fields[0];
                self.truncated(f.group, f.index, &f.field.key, "label");
            }
            value_lines.push(shown);
        } else {
            let widths: Vec<f32> = lw
                .iter()
                .zip(&values)
                .map(|(l, v)| l.max(self.fonts.width(v, value_font)))
                .collect();
            let mut limits: Vec<f32> = widths.clone();
            match spec.mode {
                Mode::Columns => {
                    let slot = (rect.w - pads) / n as f32;
                    limits.iter_mut().for_each(|l| *l = l.min(slot));
                }
                Mode::Right | Mode::Spread => {
                    let mut overflow = limits.iter().sum::<f32>() + pads - rect.w;
                    // Wallet cuts labels that are wider than their values before any value.
                    let mut by_surplus: Vec<usize> = (0..n).collect();
                    let vws: Vec<f32> = values
                        .iter()
                        .map(|v| self.fonts.width(v, value_font))
                        .collect();
                    by_surplus.sort_by(|a, b| (lw[*b] - vws[*b]).total_cmp(&(lw[*a] - vws[*a])));
                    for i in by_surplus {
                        if overflow <= 0.01 {
                            break;
                        }
                        let surplus = lw[i] - vws[i];
                        if surplus > 0.0 {
                            let cut = surplus.min(overflow);
                            limits[i] -= cut;
                            overflow -= cut;
                        }
                    }
                    // Then the widest values.
                    for _ in 0..n {
                        if overflow <= 0.01 {
                            break;
                        }
                        let (widest, _) =
                            limits
                                .iter()
                                .enumerate()
                                .fold(
                                    (0, f32::MIN),
                                    |acc, (i, w)| if *w > acc.1 { (i, *w) } else { acc },
                                );
                        let floor = rect.w / n as f32 / 2.0;
                        let cut = overflow.min((limits[widest] - floor).max(0.0));
                        if cut <= 0.0 {
                            break;
                        }
                        limits[widest] -= cut;
                        overflow -= cut;
                    }
                }
            }
            for i in 0..n {
                let f = &fields[i];
                let limit = limits[i];
                let cut = self.fonts.truncate(&values[i], value_font, limit);
                if cut != values[i] {
                    values[i] = cut;
                    self.truncated(f.group, f.index, &f.field.key, "value");
                }
                if lw[i] > limit + 0.01 {
                    shown_labels[i] = self.fonts.truncate(&labels[i], spec.label, limit);
                    self.truncated(f.group, f.index, &f.field.key, "label");
                }
                value_lines.push(vec![values[i].clone()]);
            }
        }

        // 3. Position the columns.
        let col_w: Vec<f32> = (0..n)
            .map(|i| {
                let lwi = self.fonts.width(&shown_labels[i], spec.label);
                let vwi = value_lines[i]
                    .iter()
                    .map(|l| self.fonts.width(l, value_font))
                    .fold(0.0, f32::max);
                lwi.max(vwi)
            })
            .collect();
        let mut xs = Vec::with_capacity(n);
        let mut widths = col_w.clone();
        match spec.mode {
            Mode::Columns => {
                let slot = (rect.w - pads) / n as f32;
                for (i, w) in widths.iter_mut().enumerate() {
                    xs.push(rect.x + i as f32 * (slot + spec.pad));
                    *w = slot;
                }
            }
            Mode::Right => {
                // The first field sits at the right edge, the next ones to its left.
                let mut x = rect.right();
                for w in &col_w {
                    x -= w;
                    xs.push(x);
                    x -= spec.pad;
                }
            }
            Mode::Spread => {
                let sum: f32 = col_w.iter().sum();
                let gap = if n > 1 {
                    ((rect.w - sum) / (n - 1) as f32).max(spec.pad)
                } else {
                    0.0
                };
                let mut x = rect.x;
                for w in &col_w {
                    xs.push(x);
                    x += w + gap;
                }
            }
        }

        // 4. Emit label and value texts, aligned inside their column.
        let label_h = spec.label.line_height();
        let mut occupied: Option<Rect> = None;
        for (i, f) in fields.iter().enumerate() {
            let align = match spec.mode {
                Mode::Columns if i + 1 == n && n > 1 => TextAlignment::Right,
                Mode::Columns => TextAlignment::Left,
                // Header fields read from the right edge.
                Mode::Right => match f.field.text_alignment.clone() {
                    None | Some(TextAlignment::Natural) => TextAlignment::Right,
                    Some(a) => a,
                },
                _ => f
                    .field
                    .text_alignment
                    .clone()
                    .unwrap_or(TextAlignment::Natural),
            };
            // Only slots whose default is "natural" follow the text's direction; fixed slots
            // (header, boarding columns) and explicit Left/Center/Right keep their alignment.
            // An unknown value is ignored by Wallet, which leaves the natural alignment.
            let follows_text = spec.mode == Mode::Spread
                && matches!(align, TextAlignment::Natural | TextAlignment::Other(_));
            let align_for = |text: &str| {
                if follows_text {
                    leading_edge(text)
                } else {
                    align.clone()
                }
            };
            let source = Source::Field {
                group: f.group,
                index: f.index,
                key: f.field.key.clone(),
            };
            let label = &shown_labels[i];
            let has_label = spec.labels && !label.is_empty();
            let mut y = rect.y;
            if has_label {
                let w = self.fonts.width(label, spec.label);
                let x = aligned(xs[i], widths[i], w, &align_for(label));
                self.push(
                    Rect::new(x, y, w, label_h),
                    ElementKind::Text {
                        text: label.clone(),
                        size: spec.label.size,
                        color: spec.label_color,
                        role: TextRole::Label,
                    },
                    source.clone(),
                );
            }
            // Rows keep their value line even without a label, so values line up; a wrapping
            // field with no label moves up (Wallet suppresses the empty label).
            if spec.labels && (has_label || !wraps) {
                y += label_h + spec.vpad;
            }
            let lines = &value_lines[i];
            let text = lines.join("\n");
            if !text.is_empty() {
                let w = lines
                    .iter()
                    .map(|l| self.fonts.width(l, value_font))
                    .fold(0.0, f32::max);
                let x = aligned(xs[i], widths[i], w, &align_for(&text));
                let h = lines.len() as f32 * value_font.line_height();
                self.push(
                    Rect::new(x, y, w, h),
                    ElementKind::Text {
                        text,
                        size: value_font.size,
                        color: spec.value_color,
                        role: TextRole::Value,
                    },
                    source,
                );
            }
            let r = Rect::new(xs[i], rect.y, widths[i], rect.h);
            occupied = Some(match occupied {
                None => r,
                Some(o) => {
                    let x0 = o.x.min(r.x);
                    Rect::new(x0, o.y, o.right().max(r.right()) - x0, o.h)
                }
            });
        }
        // A field whose characters no font can draw would show boxes.
        for f in &fields {
            if self.fonts.has_missing_glyphs(&f.value, value_font)
                || self.fonts.has_missing_glyphs(&f.label, spec.label)
            {
                self.warnings.push(Finding::new(
                    Code::LayoutMissingGlyphs,
                    format!("/{}/{}/{}", self.style_key(), f.group.key(), f.index),
                    format!("{} field '{}' has characters no installed font can draw; the preview shows boxes", f.group.label(), f.field.key),
                    "Check the text for unusual characters, or install a font for its script.",
                ));
            }
        }
        occupied
    }

    fn row_fits(
        &mut self,
        lw: &[f32],
        values: &[String],
        font: Font,
        spec: &RowSpec,
        avail: f32,
        pads: f32,
    ) -> bool {
        let n = values.len().max(1) as f32;
        let vw: Vec<f32> = values.iter().map(|v| self.fonts.width(v, font)).collect();
        match spec.mode {
            Mode::Columns => {
                let slot = (avail - pads) / n;
                vw.iter().all(|w| *w <= slot + 0.01)
            }
            Mode::Right | Mode::Spread => {
                lw.iter().zip(&vw).map(|(l, v)| l.max(*v)).sum::<f32>() + pads <= avail + 0.01
            }
        }
    }

    /// The barcode plate, the code, its alt text, and the boarding pass footer above it.
    fn barcode(&mut self) {
        let Some((index, bc)) = barcode::shown_barcode(self.doc) else {
            if let Some(first) = self.doc.pass.effective_barcodes().first() {
                self.warnings.push(Finding::new(
                    Code::LayoutBarcodeFormat,
                    "/barcodes/0/format",
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
                    .json_path(self.doc)
                    .unwrap_or_default();
                self.warnings.push(Finding::new(
                    Code::LayoutBarcode,
                    format!("{path}/message"),
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
        let invalid = invalid_notice(self.doc);
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
        self.push(plate, ElementKind::Shape, source.clone());
        // Whole device pixels, so modules stay sharp.
        let code_x = ((w - geom.code_w) / 2.0 * scale).round() / scale;
        let code_y = ((plate.y + geom.code_top) * scale).round() / scale;
        self.push(
            Rect::new(code_x, code_y, geom.code_w, geom.code_h),
            ElementKind::Barcode {
                format: bc.format.clone(),
                message: bc.message.clone(),
            },
            source.clone(),
        );
        if let Some(text) = alt {
            let max = plate_w - 22.0;
            let shown = self.fonts.truncate(&text, alt_font, max);
            if shown != text && invalid.is_none() {
                let path = source.json_path(self.doc).unwrap_or_default();
                self.warnings.push(Finding::new(
                    Code::LayoutTruncated,
                    format!("{path}/altText"),
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
                    color,
                    role: TextRole::AltText,
                },
                source,
            );
        }
        if self.ctx.style == Some(Style::BoardingPass)
            && let Some((fw, fh)) = images::size_pt(self.doc, "footer", scale, self.lang)
        {
            let (bw, bh) = fit(fw, fh, 286.0, 15.0);
            self.push(
                Rect::new((w - bw) / 2.0, plate.y - 6.0 - bh, bw, bh),
                ElementKind::Image,
                Source::Image {
                    name: "footer".into(),
                },
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

/// The text Wallet puts under the code of a voided or expired pass.
/// Voided passes, and passes whose `expirationDate` is in the past (by this computer's clock —
/// the one input of the layout that is not in the document), show a faded code.
fn invalid_notice(doc: &PassDocument) -> Option<String> {
    if doc.pass.voided == Some(true) {
        return Some("This pass is no longer valid".to_owned());
    }
    let expiry = doc
        .pass
        .expiration_date
        .as_deref()
        .and_then(format::unix_seconds)?;
    let now = passmith_core::time::now_unix();
    (expiry <= now).then(|| "This pass has expired".to_owned())
}

/// True when Wallet fades the barcode (voided or expired).
pub(crate) fn pass_is_invalid(doc: &PassDocument) -> bool {
    invalid_notice(doc).is_some()
}

/// Wallet's "natural" alignment is the leading edge of the text as drawn: right for text whose
/// first strong character is right-to-left (Arabic, Hebrew), left otherwise (including text
/// with no strong character, such as digits only).
fn leading_edge(text: &str) -> TextAlignment {
    match unicode_bidi::get_base_direction(text) {
        unicode_bidi::Direction::Rtl => TextAlignment::Right,
        _ => TextAlignment::Left,
    }
}

fn aligned(x: f32, col: f32, w: f32, align: &TextAlignment) -> f32 {
    match align {
        TextAlignment::Center => x + (col - w) / 2.0,
        TextAlignment::Right => x + col - w,
        _ => x,
    }
}

/// Fits `w × h` into `max_w × max_h`, keeping the aspect ratio and never enlarging.
fn fit(w: f32, h: f32, max_w: f32, max_h: f32) -> (f32, f32) {
    let s = (max_w / w).min(max_h / h).min(1.0);
    (w * s, h * s)
}

fn unreadable_image(path: String) -> Finding {
    Finding::new(
        Code::LayoutImageUnreadable,
        path,
        "This image cannot be read as a PNG, so it is not shown",
        "Export the image again as PNG.",
    )
}
