//! Layout of the pass as Google Wallet shows it, from the same mapping `passmith google`
//! writes ([`passmith_core::google::map`]): the logo in a circle and the card title, the
//! header, up to 3 rows of fields from the class's card template, the hero image (the strip)
//! and the barcode on a white plate; then the text modules below the card, as Google's pass
//! details list them. Every element keeps the source it shows, so a click leads to its editor.
//!
//! The sizes approximate Google Wallet's card on a phone; they are not measured like Apple's.

use std::sync::Arc;

use passmith_core::google::{GoogleType, MapOptions, Mapped};
use passmith_core::{Finding, PassDocument, PassPath, rules};
use serde_json::Value;

use crate::barcode;
use crate::color::{self, Rgba};
use crate::front::barcode_geometry;
use crate::images;
use crate::text::{Font, Fonts, Weight, fonts};
use crate::{Element, ElementKind, ImageFit, Layout, Rect, RenderOptions, Shape, Source, TextRole};

const PAD: f32 = 16.0;
const LOGO: f32 = 40.0;
const ROW_H: f32 = 44.0;
const GAP_BELOW_CARD: f32 = 16.0;

/// Lays out the Google Wallet card of `doc` as `google_type` (`None`: the type its style maps
/// to). The layout's warnings are the mapping's findings.
pub fn layout_google(
    doc: &PassDocument,
    opts: &RenderOptions,
    google_type: Option<GoogleType>,
) -> Layout {
    let mapped = passmith_core::google::map(
        doc,
        &MapOptions {
            issuer_id: "0".into(),
            type_override: google_type,
            // Images are drawn from the pass's own files; the URL only has to exist.
            image_base_url: Some("https://preview.invalid".into()),
            language: opts.language.clone(),
            format_value: Some(crate::format::format_field_value),
        },
    );
    let mut guard = fonts();
    let mut g = Google {
        doc,
        opts,
        mapped: &mapped,
        fonts: &mut guard,
        elements: Vec::new(),
        width: opts.card_width.clamp(200.0, 600.0),
    };
    let height = g.build();
    Layout {
        width: g.width,
        height,
        elements: g.elements,
        warnings: mapped
            .findings
            .iter()
            .filter(|f| !is_url_finding(f))
            .cloned()
            .collect(),
    }
}

/// Findings about image URLs, which a preview (drawing the pass's own files) does not have.
fn is_url_finding(f: &Finding) -> bool {
    matches!(
        f.code.as_str(),
        "google.image_url_missing" | "google.image_url_http" | "google.issuer_id"
    )
}

struct Google<'a, 'f> {
    doc: &'a PassDocument,
    opts: &'a RenderOptions,
    mapped: &'a Mapped,
    fonts: &'f mut Fonts,
    elements: Vec<Element>,
    width: f32,
}

/// The default value of a `LocalizedString`, or a plain string.
fn text_of(v: &Value) -> Option<String> {
    v.pointer("/defaultValue/value")
        .or(Some(v))
        .and_then(Value::as_str)
        .map(str::to_owned)
        .filter(|s| !s.is_empty())
}

impl Google<'_, '_> {
    fn push(&mut self, rect: Rect, kind: ElementKind, source: Source) {
        self.elements.push(Element { rect, kind, source });
    }

    fn text(
        &mut self,
        rect: Rect,
        text: &str,
        font: Font,
        color: Rgba,
        role: TextRole,
        source: Source,
    ) {
        let shown = self.fonts.truncate(text, font, rect.w);
        self.push(
            rect,
            ElementKind::Text {
                text: shown,
                size: font.size,
                weight: font.weight,
                color,
                role,
            },
            source,
        );
    }

    fn background(&self) -> Rgba {
        let hex = self.mapped.class["hexBackgroundColor"]
            .as_str()
            .or(self.mapped.object["hexBackgroundColor"].as_str());
        hex.and_then(|h| {
            let h = h.strip_prefix('#')?;
            let byte = |i: usize| u8::from_str_radix(h.get(i..i + 2)?, 16).ok();
            Some([byte(0)?, byte(2)?, byte(4)?, 255])
        })
        .unwrap_or([66, 133, 244, 255])
    }

    /// White text on dark cards, black on light ones, as Google picks it.
    fn ink(&self) -> Rgba {
        let [r, g, b, _] = self.background();
        let luma = 0.299 * f32::from(r) + 0.587 * f32::from(g) + 0.114 * f32::from(b);
        if luma > 160.0 {
            color::BLACK
        } else {
            color::WHITE
        }
    }

    fn title_and_header(&self) -> (String, String) {
        let (class, object) = (&self.mapped.class, &self.mapped.object);
        let pass = &self.doc.pass;
        let issuer =
            text_of(&class["issuerName"]).unwrap_or_else(|| pass.organization_name.clone());
        match self.mapped.google_type {
            GoogleType::Generic => (
                text_of(&object["cardTitle"]).unwrap_or(issuer),
                text_of(&object["header"]).unwrap_or_default(),
            ),
            GoogleType::Loyalty => (issuer, text_of(&class["programName"]).unwrap_or_default()),
            GoogleType::Offer => (issuer, text_of(&class["title"]).unwrap_or_default()),
            GoogleType::EventTicket => (issuer, text_of(&class["eventName"]).unwrap_or_default()),
            GoogleType::Flight => (
                issuer,
                format!(
                    "{} → {}",
                    class["origin"]["airportIataCode"].as_str().unwrap_or(""),
                    class["destination"]["airportIataCode"]
                        .as_str()
                        .unwrap_or("")
                ),
            ),
            GoogleType::Transit => {
                let leg = &object["ticketLeg"];
                let header = match (
                    leg["originStationCode"].as_str(),
                    leg["destinationStationCode"].as_str(),
                ) {
                    (Some(a), Some(b)) => format!("{a} → {b}"),
                    _ => pass.description.clone(),
                };
                (issuer, header)
            }
        }
    }

    /// Text module `id`: its header, body and the field it comes from.
    fn module(&self, id: &str) -> Option<(String, String, Source)> {
        let module = self.mapped.object["textModulesData"]
            .as_array()?
            .iter()
            .find(|m| m["id"] == id)?;
        let header = module["header"].as_str().unwrap_or("").to_owned();
        let body = module["body"].as_str().unwrap_or("").to_owned();
        Some((header, body, self.source_of(id)))
    }

    fn source_of(&self, id: &str) -> Source {
        let path = self
            .mapped
            .text_module_sources
            .iter()
            .find(|(m, _)| m == id)
            .map(|(_, p)| p);
        match path {
            Some(PassPath::Field { group, index, .. }) => Source::Field {
                group: *group,
                index: *index,
                key: self
                    .doc
                    .pass
                    .fields()
                    .and_then(|f| f.group(*group).get(*index))
                    .map(|f| f.key.clone())
                    .unwrap_or_default(),
            },
            _ => Source::Card,
        }
    }

    /// The module ids of each card row.
    fn rows(&self) -> Vec<Vec<String>> {
        let rows =
            self.mapped.class["classTemplateInfo"]["cardTemplateOverride"]["cardRowTemplateInfos"]
                .as_array()
                .cloned()
                .unwrap_or_default();
        let id_of = |item: &Value| -> Option<String> {
            let path = item.pointer("/firstValue/fields/0/fieldPath")?.as_str()?;
            let id = path
                .strip_prefix("object.textModulesData['")?
                .strip_suffix("']")?;
            Some(id.to_owned())
        };
        rows.iter()
            .map(|row| {
                let items: Vec<&Value> = if let Some(one) = row.get("oneItem") {
                    vec![&one["item"]]
                } else if let Some(two) = row.get("twoItems") {
                    vec![&two["startItem"], &two["endItem"]]
                } else if let Some(three) = row.get("threeItems") {
                    vec![&three["startItem"], &three["middleItem"], &three["endItem"]]
                } else {
                    Vec::new()
                };
                items.into_iter().filter_map(id_of).collect()
            })
            .collect()
    }

    /// Lays everything out; returns the layout's height.
    fn build(&mut self) -> f32 {
        let w = self.width;
        let ink = self.ink();
        let soft = color::with_alpha(ink, 0.72);
        // The details below the card are on white.
        self.push(
            Rect::new(0.0, 0.0, w, 0.0),
            ElementKind::Shape(Shape::RoundRect {
                fill: color::WHITE,
                radius: 0.0,
            }),
            Source::Card,
        );
        let card_index = self.elements.len();
        self.push(
            Rect::new(0.0, 0.0, w, 0.0),
            ElementKind::Shape(Shape::Card {
                outline: crate::Outline::Rounded,
                fill: self.background(),
                header_shade: false,
            }),
            Source::Card,
        );
        let (title, header) = self.title_and_header();
        // The logo, in a white circle.
        let mut x = PAD;
        let logo_box = Rect::new(PAD, PAD, LOGO, LOGO);
        if let Some(image) = images::decode(
            self.doc,
            "logo",
            self.opts.scale,
            self.opts.language.as_deref(),
        ) {
            self.push(
                logo_box,
                ElementKind::Shape(Shape::RoundRect {
                    fill: color::WHITE,
                    radius: LOGO / 2.0,
                }),
                Source::Image {
                    name: "logo".into(),
                },
            );
            let inset = LOGO * 0.15;
            self.push(
                Rect::new(
                    PAD + inset,
                    PAD + inset,
                    LOGO - 2.0 * inset,
                    LOGO - 2.0 * inset,
                ),
                ElementKind::Image {
                    image,
                    fit: ImageFit::Fit,
                },
                Source::Image {
                    name: "logo".into(),
                },
            );
            x += LOGO + 12.0;
        }
        let title_source = if self.doc.pass.logo_text.is_some() {
            Source::LogoText
        } else {
            Source::Card
        };
        self.text(
            Rect::new(x, PAD + 10.0, w - x - PAD, 20.0),
            &title,
            Font::new(Weight::Bold, 15.0),
            ink,
            TextRole::LogoText,
            title_source,
        );
        let mut y = PAD + LOGO + 16.0;
        let header_source = self
            .doc
            .pass
            .style()
            .filter(|_| self.mapped.google_type != GoogleType::Flight)
            .and_then(|style| {
                let fields = self.doc.pass.style_fields(style)?;
                let first = fields
                    .group(passmith_core::model::FieldGroup::Primary)
                    .first()?;
                Some(Source::Field {
                    group: passmith_core::model::FieldGroup::Primary,
                    index: 0,
                    key: first.key.clone(),
                })
            })
            .unwrap_or(Source::Card);
        if !header.is_empty() {
            self.text(
                Rect::new(PAD, y, w - 2.0 * PAD, 32.0),
                &header,
                Font::new(Weight::Regular, 26.0),
                ink,
                TextRole::Value,
                header_source,
            );
            y += 44.0;
        }
        // Up to 3 rows of up to 3 fields: label above value.
        for row in self.rows() {
            let n = row.len().max(1) as f32;
            let cell = (w - 2.0 * PAD) / n;
            for (i, id) in row.iter().enumerate() {
                let Some((label, value, source)) = self.module(id) else {
                    continue;
                };
                let cx = PAD + cell * i as f32;
                self.text(
                    Rect::new(cx, y, cell - 8.0, 14.0),
                    &label,
                    Font::new(Weight::Regular, 11.0),
                    soft,
                    TextRole::Label,
                    source.clone(),
                );
                self.text(
                    Rect::new(cx, y + 15.0, cell - 8.0, 20.0),
                    &value,
                    Font::new(Weight::Bold, 15.0),
                    ink,
                    TextRole::Value,
                    source,
                );
            }
            y += ROW_H;
        }
        y = self.barcode(y + 4.0);
        // The hero image runs along the card's bottom edge, 3:1.
        let strip = rules::shows_image(
            self.doc
                .pass
                .style()
                .unwrap_or(passmith_core::model::Style::Generic),
            "strip",
        )
        .then(|| {
            images::decode(
                self.doc,
                "strip",
                self.opts.scale,
                self.opts.language.as_deref(),
            )
        })
        .flatten();
        if let Some(image) = strip {
            let h = w / 3.0;
            self.push(
                Rect::new(0.0, y, w, h),
                ElementKind::Image {
                    image,
                    fit: ImageFit::Cover,
                },
                Source::Image {
                    name: "strip".into(),
                },
            );
            y += h;
        } else {
            y += 8.0;
        }
        self.elements[card_index].rect.h = y;
        let height = self.details(y + GAP_BELOW_CARD);
        self.elements[0].rect.h = height;
        height
    }

    /// The barcode on a white plate, centred; returns the y below it.
    fn barcode(&mut self, y: f32) -> f32 {
        let Some((index, bc)) = rules::shown_barcode(&self.doc.pass) else {
            return y;
        };
        let Ok(modules) = barcode::encode(&bc.format, &bc.message, &bc.message_encoding) else {
            return y;
        };
        let scale = self.opts.scale;
        let alt = self.mapped.object["barcode"]["alternateText"]
            .as_str()
            .map(str::to_owned);
        let geom = barcode_geometry(&bc.format, &modules, scale, alt.is_some());
        let w = self.width;
        let plate_w = geom.plate_w.min(w - 2.0 * PAD);
        let plate = Rect::new((w - plate_w) / 2.0, y, plate_w, geom.plate_h);
        let source = Source::Barcode { index };
        self.push(
            plate,
            ElementKind::Shape(Shape::RoundRect {
                fill: color::WHITE,
                radius: 12.0,
            }),
            source.clone(),
        );
        let code_x = ((w - geom.code_w) / 2.0 * scale).round() / scale;
        let code_y = ((plate.y + geom.code_top) * scale).round() / scale;
        self.push(
            Rect::new(code_x, code_y, geom.code_w, geom.code_h),
            ElementKind::Barcode {
                format: bc.format.clone(),
                message: bc.message.clone(),
                modules: Arc::new(modules),
                faded: self.doc.pass.voided == Some(true),
            },
            source.clone(),
        );
        if let Some(alt) = alt {
            let font = Font::new(Weight::Regular, 13.0);
            let tw = self.fonts.width(&alt, font).min(plate_w - 16.0);
            self.text(
                Rect::new(
                    (w - tw) / 2.0,
                    plate.bottom() - geom.alt_baseline - 14.0,
                    tw + 1.0,
                    16.0,
                ),
                &alt,
                font,
                color::BLACK,
                TextRole::AltText,
                source,
            );
        }
        plate.bottom() + 16.0
    }

    /// The text modules below the card, header above wrapped body; returns the height.
    fn details(&mut self, mut y: f32) -> f32 {
        let modules = self.mapped.object["textModulesData"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let w = self.width;
        let grey: Rgba = [95, 99, 104, 255];
        let body_font = Font::new(Weight::Regular, 14.0);
        for module in modules.iter().take(40) {
            let id = module["id"].as_str().unwrap_or("");
            let source = self.source_of(id);
            if let Some(header) = module["header"].as_str().filter(|h| !h.is_empty()) {
                self.text(
                    Rect::new(PAD, y, w - 2.0 * PAD, 16.0),
                    header,
                    Font::new(Weight::Bold, 12.0),
                    grey,
                    TextRole::Label,
                    source.clone(),
                );
                y += 17.0;
            }
            let body = module["body"].as_str().unwrap_or("");
            let lines: Vec<String> = self
                .fonts
                .wrap(body, body_font, w - 2.0 * PAD)
                .into_iter()
                .take(8)
                .collect();
            let h = body_font.line_height() * lines.len().max(1) as f32;
            self.push(
                Rect::new(PAD, y, w - 2.0 * PAD, h),
                ElementKind::Text {
                    text: lines.join("\n"),
                    size: body_font.size,
                    weight: body_font.weight,
                    color: color::BLACK,
                    role: TextRole::Value,
                },
                source,
            );
            y += h + 12.0;
        }
        y + PAD
    }
}
