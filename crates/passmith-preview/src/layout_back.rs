//! Layout of the back of a pass. Modern Wallet shows back fields in a details sheet, not on a
//! flipped card: a grouped list with one cell per field — label in grey, value below it wrapped
//! over as many lines as needed, links (URLs, e-mail addresses, phone numbers, `<a href>`) in the
//! link colour.

use passmith_core::model::{DataDetectorType, Field, FieldGroup, FieldValue};
use passmith_core::{Finding, PassDocument};

use crate::format;
use crate::text::{Font, Fonts, Weight, fonts};
use crate::{Element, ElementKind, Layout, Rect, RenderOptions, Shape, Source, TextRole};

/// Colours of the details sheet (iOS light appearance).
const SHEET_BACKGROUND: [u8; 4] = [242, 242, 247, 255];
const CELL_BACKGROUND: [u8; 4] = [255, 255, 255, 255];
const SEPARATOR: [u8; 4] = [198, 198, 200, 255];
const LABEL_GREY: [u8; 4] = [110, 110, 115, 255];
const VALUE_BLACK: [u8; 4] = [0, 0, 0, 255];
const LINK_BLUE: [u8; 4] = [0, 122, 255, 255];

const OUTER: f32 = 16.0;
const INSET: f32 = 16.0;
const ROW_PAD: f32 = 11.0;

pub(crate) fn layout(doc: &PassDocument, opts: &RenderOptions) -> Layout {
    let width = opts.card_width;
    let lang = opts.language.as_deref();
    let mut fonts = fonts();
    let mut elements = Vec::new();
    let warnings: Vec<Finding> = Vec::new();
    // The sheet background first; its height is fixed up at the end.
    elements.push(Element {
        rect: Rect::new(0.0, 0.0, width, 0.0),
        kind: fill(SHEET_BACKGROUND, 0.0),
        source: Source::Card,
    });
    let fields: Vec<(usize, &Field)> = doc
        .pass
        .fields()
        .map(|f| f.group(FieldGroup::Back).iter().enumerate().collect())
        .unwrap_or_default();
    let label_font = Font::new(Weight::Regular, 13.0);
    let value_font = Font::new(Weight::Regular, 17.0);
    let text_w = width - 2.0 * OUTER - 2.0 * INSET;
    let mut y = OUTER;
    if fields.is_empty() {
        let text = "This pass has nothing on its back.".to_owned();
        let w = fonts.width(&text, label_font);
        elements.push(Element {
            rect: Rect::new(OUTER + INSET, y + ROW_PAD, w, label_font.line_height()),
            kind: ElementKind::Text {
                text,
                size: label_font.size,
                weight: label_font.weight,
                color: LABEL_GREY,
                role: TextRole::Other,
            },
            source: Source::Card,
        });
        y += 2.0 * ROW_PAD + label_font.line_height() + OUTER;
        elements[0].rect.h = y.max(120.0);
        return Layout {
            width,
            height: y.max(120.0),
            elements,
            warnings,
        };
    }
    let cell_index = elements.len();
    elements.push(Element {
        rect: Rect::new(OUTER, y, width - 2.0 * OUTER, 0.0),
        kind: fill(CELL_BACKGROUND, 10.0),
        source: Source::Card,
    });
    for (n, (index, field)) in fields.iter().enumerate() {
        let source = Source::Field {
            group: FieldGroup::Back,
            index: *index,
            key: field.key.clone(),
        };
        if n > 0 {
            elements.push(Element {
                rect: Rect::new(OUTER + INSET, y, width - 2.0 * OUTER - INSET, 0.5),
                kind: fill(SEPARATOR, 0.0),
                source: Source::Card,
            });
        }
        y += ROW_PAD;
        let label = doc.localized(lang, field.label.as_deref().unwrap_or(""));
        if !label.trim().is_empty() {
            for line in fonts.wrap(label, label_font, text_w) {
                let w = fonts.width(&line, label_font);
                elements.push(Element {
                    rect: Rect::new(OUTER + INSET, y, w, label_font.line_height()),
                    kind: ElementKind::Text {
                        text: line,
                        size: label_font.size,
                        weight: label_font.weight,
                        color: LABEL_GREY,
                        role: TextRole::Label,
                    },
                    source: source.clone(),
                });
                y += label_font.line_height();
            }
            y += 2.0;
        }
        let (value, links) = value_and_links(doc, field, lang);
        for line in fonts.wrap(&value, value_font, text_w) {
            place_line(
                &mut fonts,
                &mut elements,
                &line,
                &links,
                value_font,
                OUTER + INSET,
                y,
                &source,
            );
            y += value_font.line_height();
        }
        y += ROW_PAD;
    }
    elements[cell_index].rect.h = y - elements[cell_index].rect.y;
    y += OUTER;
    elements[0].rect.h = y;
    Layout {
        width,
        height: y,
        elements,
        warnings,
    }
}

fn fill(fill: [u8; 4], radius: f32) -> ElementKind {
    ElementKind::Shape(Shape::RoundRect { fill, radius })
}

/// The value as shown, and the link texts found in it.
fn value_and_links(doc: &PassDocument, field: &Field, lang: Option<&str>) -> (String, Vec<String>) {
    let raw = match field.attributed_value.as_ref().unwrap_or(&field.value) {
        FieldValue::Text(s) => doc.localized(lang, s).to_owned(),
        FieldValue::Number(n) => n.to_string(),
    };
    let mut links = Vec::new();
    // `<a href>` in an attributed value (and, as Wallet does, in plain values) is a link.
    let mut rest = raw.as_str();
    while let Some(start) = rest.find("<a ") {
        let after = &rest[start..];
        let (Some(open_end), Some(close)) = (after.find('>'), after.find("</a>")) else {
            break;
        };
        if open_end < close {
            links.push(format::strip_tags(&after[open_end + 1..close]));
        }
        rest = &after[close.min(after.len())..];
        if rest.len() >= 4 {
            rest = &rest[4..];
        }
    }
    let shown = if raw.contains('<') {
        format::strip_tags(&raw)
    } else {
        format::format_field_value(field, &raw, lang)
    };
    let detectors = field.data_detector_types.clone();
    let allow = |t: DataDetectorType| detectors.as_ref().is_none_or(|list| list.contains(&t));
    for word in shown.split_whitespace() {
        let w = word.trim_matches(|c: char| {
            matches!(c, ',' | ';' | '(' | ')' | '"' | '\'' | '.' | '·' | ':')
        });
        let is_url = w.starts_with("http://")
            || w.starts_with("https://")
            || w.starts_with("www.")
            || looks_like_domain(w);
        let is_mail = w.contains('@') && w.split('@').nth(1).is_some_and(|d| d.contains('.'));
        if (is_url || is_mail) && allow(DataDetectorType::Link) {
            links.push(w.to_owned());
        }
    }
    if allow(DataDetectorType::PhoneNumber) {
        links.extend(phone_numbers(&shown));
    }
    (shown, links)
}

fn looks_like_domain(w: &str) -> bool {
    let tlds = [
        ".com", ".org", ".net", ".io", ".cz", ".de", ".fr", ".uk", ".eu", ".app",
    ];
    !w.contains('@')
        && tlds.iter().any(|t| w.contains(t))
        && w.chars().next().is_some_and(char::is_alphanumeric)
}

/// Runs like `+420 000 000 000` or `(555) 123-4567`: at least 7 digits.
fn phone_numbers(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let flush = |current: &mut String, out: &mut Vec<String>| {
        let t = current
            .trim()
            .trim_end_matches(['-', '('])
            .trim()
            .to_owned();
        if t.chars().filter(char::is_ascii_digit).count() >= 7 {
            out.push(t);
        }
        current.clear();
    };
    for c in text.chars() {
        if c.is_ascii_digit()
            || (matches!(c, '+' | '(' | ')' | '-' | ' ' | '\u{a0}') && !current.is_empty())
            || (c == '+' && current.is_empty())
        {
            current.push(c);
        } else {
            flush(&mut current, &mut out);
        }
    }
    flush(&mut current, &mut out);
    out
}

/// One line of a value, split into plain and link runs so links get their colour.
#[allow(clippy::too_many_arguments)]
fn place_line(
    fonts: &mut Fonts,
    elements: &mut Vec<Element>,
    line: &str,
    links: &[String],
    font: Font,
    x0: f32,
    y: f32,
    source: &Source,
) {
    // Mark link bytes.
    let mut is_link = vec![false; line.len()];
    for link in links.iter().filter(|l| !l.is_empty()) {
        let mut from = 0;
        while let Some(pos) = line[from..].find(link.as_str()) {
            let start = from + pos;
            is_link[start..start + link.len()]
                .iter_mut()
                .for_each(|b| *b = true);
            from = start + link.len();
        }
    }
    let mut runs: Vec<(bool, String)> = Vec::new();
    for (i, c) in line.char_indices() {
        let link = is_link[i];
        match runs.last_mut() {
            Some((l, s)) if *l == link => s.push(c),
            _ => runs.push((link, c.to_string())),
        }
    }
    let mut prefix = String::new();
    for (link, run) in runs {
        let x = x0 + fonts.width(&prefix, font);
        prefix.push_str(&run);
        let w = fonts.width(&run, font);
        if run.trim().is_empty() {
            continue;
        }
        elements.push(Element {
            rect: Rect::new(x, y, w, font.line_height()),
            kind: ElementKind::Text {
                text: run,
                size: font.size,
                weight: font.weight,
                color: if link { LINK_BLUE } else { VALUE_BLACK },
                role: TextRole::Value,
            },
            source: source.clone(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_phone_numbers_and_links() {
        let f = Field::text(
            "c",
            "Contacts",
            "Email info@example.com · Phone +420 000 000 000 or see example.com/x.",
        );
        let doc = PassDocument::default();
        let (shown, links) = value_and_links(&doc, &f, None);
        assert_eq!(shown, f.value.to_display_string());
        assert!(links.contains(&"info@example.com".to_owned()), "{links:?}");
        assert!(links.contains(&"+420 000 000 000".to_owned()), "{links:?}");
        assert!(links.contains(&"example.com/x".to_owned()), "{links:?}");
    }

    #[test]
    fn anchor_text_is_a_link_and_tags_are_hidden() {
        let f = Field::text(
            "c",
            "",
            "Read <a href=\"https://example.com/\">Learn more</a> today",
        );
        let (shown, links) = value_and_links(&PassDocument::default(), &f, None);
        assert_eq!(shown, "Read Learn more today");
        assert_eq!(links, vec!["Learn more".to_owned()]);
    }

    #[test]
    fn detectors_can_be_turned_off() {
        let mut f = Field::text("c", "", "Call +1 555 123 4567 or https://x.org");
        f.data_detector_types = Some(vec![]);
        let (_, links) = value_and_links(&PassDocument::default(), &f, None);
        assert!(links.is_empty(), "{links:?}");
    }
}
