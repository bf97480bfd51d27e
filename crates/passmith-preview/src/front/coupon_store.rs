//! The coupon and store card body (rendering reference §3): the primary value (light 66) on the
//! strip, its label *below* it in value style (bold 18 on coupons, light 18 on store cards, not
//! upper-cased, up to two lines), then one combined row of four for secondary and auxiliary
//! fields.

use passmith_core::model::{FieldGroup, PassFields, Style};

use super::Builder;
use super::rows::{Mode, Part, RowSpec};
use crate::grid::MARGIN;
use crate::text::{Font, Weight};
use crate::{ElementKind, Rect, Source, TextRole};

impl<'a> Builder<'a, '_> {
    pub(super) fn coupon_store(&mut self, style: Style, fields: &'a PassFields) {
        let w = self.ctx.width;
        let inner = w - 2.0 * MARGIN;
        let (_, strip_bottom) = self.ctx.strip_rect();
        let on_strip = self.ctx.strip;
        let primary = self.take_visible(FieldGroup::Primary, fields.group(FieldGroup::Primary));
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
        let spec = self.strip_primary_spec(on_strip);
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
                self.truncated(group, index, &key, Part::Label);
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
                    weight: font.weight,
                    color,
                    role: TextRole::Label,
                },
                Source::Field { group, index, key },
            );
        }
        // Secondary and auxiliary fields share one row of four (rules).
        let mut combined =
            self.take_visible(FieldGroup::Secondary, fields.group(FieldGroup::Secondary));
        combined
            .extend(self.take_visible(FieldGroup::Auxiliary, fields.group(FieldGroup::Auxiliary)));
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
}
