//! One row ("bucket") of fields, as Wallet fits it (rendering reference §4): one shrunk font
//! size for the whole row (never below the label size), then tail truncation of what still
//! overflows — labels wider than their values first, then the widest values — then columns
//! packed right (header), spread (most rows) or equal (boarding pass primary), and finally the
//! label and value texts aligned in their columns.
//!
//! [`place`] needs only fonts, the row's texts and its [`RowSpec`]; it reports what it cut and
//! which texts have characters no font draws, and the front's builder turns those into
//! warnings. So the fitting rules are testable without a document.

use passmith_core::model::{Field, FieldGroup, TextAlignment};

use crate::color::Rgba;
use crate::text::{Font, Fonts};
use crate::{Element, ElementKind, Rect, Source, TextRole};

/// How the fields of a row share its width (reference §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Packed from the right edge leftwards (header).
    Right,
    /// First field at the left edge, last at the right edge, leftover shared between the gaps.
    Spread,
    /// Equal columns; first left-aligned, last right-aligned (boarding pass primary).
    Columns,
}

/// One bucket of fields.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RowSpec {
    pub rect: Rect,
    pub label: Font,
    pub value: Font,
    pub vpad: f32,
    pub pad: f32,
    pub mode: Mode,
    /// Labels drawn above values (false: label hidden, as on a strip).
    pub labels: bool,
    /// More than one line allowed (only when the row has a single field).
    pub wraps: bool,
    pub label_color: Rgba,
    pub value_color: Rgba,
}

/// A field ready to be placed: its texts as shown.
#[derive(Debug, Clone)]
pub(crate) struct RowField<'a> {
    pub group: FieldGroup,
    pub index: usize,
    pub field: &'a Field,
    pub label: String,
    pub value: String,
}

impl RowField<'_> {
    fn source(&self) -> Source {
        Source::Field {
            group: self.group,
            index: self.index,
            key: self.field.key.clone(),
        }
    }
}

/// Which text of a field was cut off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    Label,
    Value,
}

impl Part {
    /// The pass.json key of the part.
    pub(crate) fn key(self) -> &'static str {
        match self {
            Part::Label => "label",
            Part::Value => "value",
        }
    }
}

/// What placing a row produced.
#[derive(Debug, Default)]
pub(crate) struct PlacedRow {
    pub elements: Vec<Element>,
    /// Fields (index into the row) and the part that was cut off, in the order they were cut.
    pub cut: Vec<(usize, Part)>,
    /// Fields (index into the row) with characters no installed font can draw.
    pub missing_glyphs: Vec<usize>,
    /// The rectangle the row's columns occupy.
    pub occupied: Option<Rect>,
}

/// Places one row of fields.
pub(crate) fn place(fonts: &mut Fonts, fields: &[RowField<'_>], spec: &RowSpec) -> PlacedRow {
    let n = fields.len();
    if n == 0 {
        return PlacedRow::default();
    }
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
    let values: Vec<String> = fields.iter().map(|f| f.value.clone()).collect();
    let lw: Vec<f32> = labels.iter().map(|l| fonts.width(l, spec.label)).collect();
    let wraps = spec.wraps && n == 1;
    let mut out = PlacedRow::default();

    // 1. Shrink, one size for the whole row.
    let value_font = if wraps {
        spec.value
    } else {
        shrink(fonts, &lw, &values, spec)
    };
    // 2. Truncate what still does not fit.
    let (shown_labels, value_lines) = if wraps {
        wrap_single(
            fonts,
            &labels[0],
            &values[0],
            value_font,
            spec,
            &mut out.cut,
        )
    } else {
        truncate(fonts, &labels, values, &lw, value_font, spec, &mut out.cut)
    };
    // 3. Position the columns.
    let (xs, widths) = columns(fonts, &shown_labels, &value_lines, value_font, spec);
    // 4. Emit label and value texts, aligned inside their column.
    let rect = spec.rect;
    let label_h = spec.label.line_height();
    for (i, f) in fields.iter().enumerate() {
        let align = slot_alignment(spec.mode, i, n, f.field.text_alignment.as_ref());
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
        let source = f.source();
        let label = &shown_labels[i];
        let has_label = spec.labels && !label.is_empty();
        let mut y = rect.y;
        if has_label {
            let w = fonts.width(label, spec.label);
            let x = aligned(xs[i], widths[i], w, &align_for(label));
            out.elements.push(Element {
                rect: Rect::new(x, y, w, label_h),
                kind: ElementKind::Text {
                    text: label.clone(),
                    size: spec.label.size,
                    weight: spec.label.weight,
                    color: spec.label_color,
                    role: TextRole::Label,
                },
                source: source.clone(),
            });
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
                .map(|l| fonts.width(l, value_font))
                .fold(0.0, f32::max);
            let x = aligned(xs[i], widths[i], w, &align_for(&text));
            let h = lines.len() as f32 * value_font.line_height();
            out.elements.push(Element {
                rect: Rect::new(x, y, w, h),
                kind: ElementKind::Text {
                    text,
                    size: value_font.size,
                    weight: value_font.weight,
                    color: spec.value_color,
                    role: TextRole::Value,
                },
                source,
            });
        }
        let r = Rect::new(xs[i], rect.y, widths[i], rect.h);
        out.occupied = Some(match out.occupied {
            None => r,
            Some(o) => {
                let x0 = o.x.min(r.x);
                Rect::new(x0, o.y, o.right().max(r.right()) - x0, o.h)
            }
        });
    }
    // A field whose characters no font can draw would show boxes.
    for (i, f) in fields.iter().enumerate() {
        if fonts.has_missing_glyphs(&f.value, value_font)
            || fonts.has_missing_glyphs(&f.label, spec.label)
        {
            out.missing_glyphs.push(i);
        }
    }
    out
}

/// The one value font of a row: the spec's size scaled down until the row fits, but never
/// below the label size (equal x-heights, same family).
fn shrink(fonts: &mut Fonts, lw: &[f32], values: &[String], spec: &RowSpec) -> Font {
    let n = values.len();
    let rect = spec.rect;
    let pads = spec.pad * n.saturating_sub(1) as f32;
    let mut value_font = spec.value;
    let floor = spec.label.size.min(spec.value.size);
    let vw: Vec<f32> = values.iter().map(|v| fonts.width(v, value_font)).collect();
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
    while value_font.size > floor && !row_fits(fonts, lw, values, value_font, spec, pads) {
        value_font = value_font.with_size((value_font.size - 1.0).max(floor));
    }
    value_font
}

fn row_fits(
    fonts: &mut Fonts,
    lw: &[f32],
    values: &[String],
    font: Font,
    spec: &RowSpec,
    pads: f32,
) -> bool {
    let avail = spec.rect.w;
    let n = values.len().max(1) as f32;
    let vw: Vec<f32> = values.iter().map(|v| fonts.width(v, font)).collect();
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

/// A lone field that may wrap: as many value lines as the row's height holds, the last one
/// tail-truncated when more would follow; the label cut to the row's width.
fn wrap_single(
    fonts: &mut Fonts,
    label: &str,
    value: &str,
    value_font: Font,
    spec: &RowSpec,
    cut: &mut Vec<(usize, Part)>,
) -> (Vec<String>, Vec<Vec<String>>) {
    let rect = spec.rect;
    let label_h = if label.is_empty() {
        0.0
    } else {
        spec.label.line_height() + spec.vpad
    };
    let max_lines = (((rect.h - label_h) / value_font.line_height()).floor() as usize).max(1);
    let lines = fonts.wrap(value, value_font, rect.w);
    let mut shown: Vec<String> = lines.iter().take(max_lines).cloned().collect();
    if lines.len() > max_lines
        && let Some(last) = shown.last_mut()
    {
        *last = fonts.truncate(&format!("{last} {}", lines[max_lines]), value_font, rect.w);
        cut.push((0, Part::Value));
    }
    let mut shown_label = label.to_owned();
    if fonts.width(label, spec.label) > rect.w {
        shown_label = fonts.truncate(label, spec.label, rect.w);
        cut.push((0, Part::Label));
    }
    (vec![shown_label], vec![shown])
}

/// Single-line fields: the width each may take, then labels and values cut to it.
fn truncate(
    fonts: &mut Fonts,
    labels: &[String],
    mut values: Vec<String>,
    lw: &[f32],
    value_font: Font,
    spec: &RowSpec,
    cut: &mut Vec<(usize, Part)>,
) -> (Vec<String>, Vec<Vec<String>>) {
    let n = values.len();
    let rect = spec.rect;
    let pads = spec.pad * n.saturating_sub(1) as f32;
    let vws: Vec<f32> = values.iter().map(|v| fonts.width(v, value_font)).collect();
    let mut limits: Vec<f32> = lw.iter().zip(&vws).map(|(l, v)| l.max(*v)).collect();
    match spec.mode {
        Mode::Columns => {
            let slot = (rect.w - pads) / n as f32;
            limits.iter_mut().for_each(|l| *l = l.min(slot));
        }
        Mode::Right | Mode::Spread => {
            let mut overflow = limits.iter().sum::<f32>() + pads - rect.w;
            // Wallet cuts labels that are wider than their values before any value.
            let mut by_surplus: Vec<usize> = (0..n).collect();
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
            // Then the widest values, never below half an equal share.
            let floor = rect.w / n as f32 / 2.0;
            for _ in 0..n {
                if overflow <= 0.01 {
                    break;
                }
                let (widest, _) = limits
                    .iter()
                    .enumerate()
                    .fold(
                        (0, f32::MIN),
                        |acc, (i, w)| {
                            if *w > acc.1 { (i, *w) } else { acc }
                        },
                    );
                let cut = overflow.min((limits[widest] - floor).max(0.0));
                if cut <= 0.0 {
                    break;
                }
                limits[widest] -= cut;
                overflow -= cut;
            }
        }
    }
    let mut shown_labels = labels.to_vec();
    let mut value_lines = Vec::with_capacity(n);
    for i in 0..n {
        let limit = limits[i];
        let shown = fonts.truncate(&values[i], value_font, limit);
        if shown != values[i] {
            values[i] = shown;
            cut.push((i, Part::Value));
        }
        if lw[i] > limit + 0.01 {
            shown_labels[i] = fonts.truncate(&labels[i], spec.label, limit);
            cut.push((i, Part::Label));
        }
        value_lines.push(vec![values[i].clone()]);
    }
    (shown_labels, value_lines)
}

/// The left edge and width of each column.
fn columns(
    fonts: &mut Fonts,
    labels: &[String],
    value_lines: &[Vec<String>],
    value_font: Font,
    spec: &RowSpec,
) -> (Vec<f32>, Vec<f32>) {
    let n = labels.len();
    let rect = spec.rect;
    let pads = spec.pad * n.saturating_sub(1) as f32;
    let col_w: Vec<f32> = (0..n)
        .map(|i| {
            let lwi = fonts.width(&labels[i], spec.label);
            let vwi = value_lines[i]
                .iter()
                .map(|l| fonts.width(l, value_font))
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
    (xs, widths)
}

/// The alignment of field `i` of `n` in its slot before the text's direction is considered.
fn slot_alignment(mode: Mode, i: usize, n: usize, field: Option<&TextAlignment>) -> TextAlignment {
    match mode {
        Mode::Columns if i + 1 == n && n > 1 => TextAlignment::Right,
        Mode::Columns => TextAlignment::Left,
        // Header fields read from the right edge.
        Mode::Right => match field {
            None | Some(TextAlignment::Natural) => TextAlignment::Right,
            Some(a) => a.clone(),
        },
        Mode::Spread => field.cloned().unwrap_or(TextAlignment::Natural),
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{Weight, fonts};

    const BLACK: Rgba = [0, 0, 0, 255];

    fn spec(mode: Mode, width: f32, value_size: f32) -> RowSpec {
        RowSpec {
            rect: Rect::new(14.0, 100.0, width, 40.0),
            label: Font::new(Weight::Bold, 11.0),
            value: Font::new(Weight::Regular, value_size),
            vpad: -2.0,
            pad: 10.0,
            mode,
            labels: true,
            wraps: false,
            label_color: BLACK,
            value_color: BLACK,
        }
    }

    /// Row fields over `fields`, labels and values as given.
    fn row_fields(fields: &[Field]) -> Vec<RowField<'_>> {
        fields
            .iter()
            .enumerate()
            .map(|(index, field)| RowField {
                group: FieldGroup::Secondary,
                index,
                field,
                label: field.label.clone().unwrap_or_default(),
                value: match &field.value {
                    passmith_core::model::FieldValue::Text(t) => t.clone(),
                    passmith_core::model::FieldValue::Number(n) => n.to_string(),
                },
            })
            .collect()
    }

    /// (text, size) of the value of row field `i`.
    fn value_of(placed: &PlacedRow, i: usize) -> (String, f32, Rect) {
        placed
            .elements
            .iter()
            .filter(|e| matches!(&e.source, Source::Field { index, .. } if *index == i))
            .find_map(|e| match &e.kind {
                ElementKind::Text {
                    text,
                    size,
                    role: TextRole::Value,
                    ..
                } => Some((text.clone(), *size, e.rect)),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no value for field {i}: {:?}", placed.elements))
    }

    #[test]
    fn a_row_that_fits_keeps_its_size_and_cuts_nothing() {
        let fields = [Field::text("a", "A", "1"), Field::text("b", "B", "2")];
        let placed = place(
            &mut fonts(),
            &row_fields(&fields),
            &spec(Mode::Spread, 300.0, 17.0),
        );
        assert!(placed.cut.is_empty());
        assert_eq!(value_of(&placed, 0).1, 17.0);
        assert_eq!(value_of(&placed, 1).1, 17.0);
    }

    #[test]
    fn equal_columns_shrink_every_value_to_one_size() {
        let fields = [
            Field::text("from", "FROM", "Amsterdam Centraal"),
            Field::text("to", "TO", "BRU"),
        ];
        let mut s = spec(Mode::Columns, 330.0, 40.0);
        s.pad = 38.0;
        let placed = place(&mut fonts(), &row_fields(&fields), &s);
        let (from, to) = (value_of(&placed, 0), value_of(&placed, 1));
        assert!(from.1 < 40.0 && from.1 >= 11.0, "shrunk: {}", from.1);
        assert_eq!(from.1, to.1, "one size per row");
        assert!(placed.cut.is_empty(), "{:?}", placed.cut);
        // The last column is right-aligned: it ends at the row's right edge.
        assert!((to.2.right() - s.rect.right()).abs() < 0.01, "{:?}", to.2);
    }

    #[test]
    fn values_never_shrink_below_the_label_size_then_are_cut() {
        let long = "The Grand Exhibition Hall of the Moscone Convention Center West Wing";
        let fields = [Field::text("loc", "LOCATION", long)];
        let s = spec(Mode::Spread, 200.0, 26.0);
        let mut f = fonts();
        let placed = place(&mut f, &row_fields(&fields), &s);
        let (text, size, rect) = value_of(&placed, 0);
        assert_eq!(size, 11.0, "the floor is the label size");
        assert!(text.ends_with('…'), "{text}");
        assert!(rect.right() <= s.rect.right() + 0.5, "{rect:?}");
        assert_eq!(placed.cut, [(0, Part::Value)]);
    }

    #[test]
    fn labels_wider_than_their_values_are_cut_before_any_value() {
        let fields = [
            Field::text("a", "A LABEL FAR WIDER THAN ITS VALUE", "1"),
            Field::text("b", "B", "Value"),
        ];
        let s = spec(Mode::Spread, 150.0, 17.0);
        let placed = place(&mut fonts(), &row_fields(&fields), &s);
        assert_eq!(placed.cut, [(0, Part::Label)]);
        assert_eq!(value_of(&placed, 1).0, "Value");
    }

    #[test]
    fn the_header_packs_from_the_right_edge() {
        let fields = [
            Field::text("a", "GATE", "12"),
            Field::text("b", "SEAT", "4A"),
        ];
        let s = spec(Mode::Right, 115.0, 21.0);
        let placed = place(&mut fonts(), &row_fields(&fields), &s);
        let (first, second) = (value_of(&placed, 0).2, value_of(&placed, 1).2);
        assert!((first.right() - s.rect.right()).abs() < 0.01, "{first:?}");
        assert!(
            second.right() <= first.x - s.pad + 0.01,
            "{second:?} {first:?}"
        );
    }

    #[test]
    fn a_lone_wrapping_field_fills_its_lines_then_is_cut() {
        let long = "A very long primary value that needs more lines than the row holds, so it ends in an ellipsis";
        let fields = [Field::text("p", "", long)];
        let mut s = spec(Mode::Spread, 200.0, 20.0);
        s.wraps = true;
        s.rect.h = 50.0;
        let placed = place(&mut fonts(), &row_fields(&fields), &s);
        let (text, size, _) = value_of(&placed, 0);
        assert_eq!(size, 20.0, "wrapping fields do not shrink");
        assert_eq!(text.lines().count(), 2, "{text}");
        assert!(text.ends_with('…'), "{text}");
        assert_eq!(placed.cut, [(0, Part::Value)]);
    }

    #[test]
    fn an_empty_row_places_nothing() {
        let placed = place(&mut fonts(), &[], &spec(Mode::Spread, 300.0, 17.0));
        assert!(placed.elements.is_empty() && placed.occupied.is_none());
    }
}
