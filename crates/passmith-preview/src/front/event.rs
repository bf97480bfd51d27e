//! The event ticket body (rendering reference §3). With a strip, the primary value (light 66,
//! no label) sits on the strip and three rows of up to four follow below it: secondary,
//! auxiliary, and auxiliary fields with `row: 1`. Without a strip (background and/or
//! thumbnail), the primary and secondary rows narrow beside the thumbnail and the two auxiliary
//! rows follow.

use passmith_core::model::{Field, FieldGroup, PassFields};

use super::Builder;
use super::rows::{Mode, RowSpec};
use crate::Rect;
use crate::grid::MARGIN;
use crate::text::{Font, Weight};

impl<'a> Builder<'a, '_> {
    pub(super) fn event(&mut self, fields: &'a PassFields) {
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
            let primary = self.take_visible(FieldGroup::Primary, fields.group(FieldGroup::Primary));
            let spec = self.strip_primary_spec(true);
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
            let sec = self.take_visible(FieldGroup::Secondary, fields.group(FieldGroup::Secondary));
            self.row(sec, &row(strip_bottom + 8.0));
            let a0 = self.take_visible_indexed(FieldGroup::Auxiliary, &aux0);
            self.row(a0, &row(strip_bottom + 56.0));
            let a1 = self.take_visible_indexed(FieldGroup::Auxiliary, &aux1);
            self.row(a1, &row(strip_bottom + 104.0));
        } else {
            let t = self.thumbnail_inset();
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
            let primary = self.take_visible(FieldGroup::Primary, fields.group(FieldGroup::Primary));
            self.row(
                primary,
                &spec(Rect::new(MARGIN, 68.0, inner - t, 46.0), 11.0, 20.0, true),
            );
            let sec = self.take_visible(FieldGroup::Secondary, fields.group(FieldGroup::Secondary));
            self.row(
                sec,
                &spec(Rect::new(MARGIN, 120.0, inner - t, 44.0), 11.0, 16.0, false),
            );
            let a0 = self.take_visible_indexed(FieldGroup::Auxiliary, &aux0);
            self.row(
                a0,
                &spec(Rect::new(MARGIN, 168.0, inner, 52.0), 11.0, 14.0, true),
            );
            let a1 = self.take_visible_indexed(FieldGroup::Auxiliary, &aux1);
            self.row(
                a1,
                &spec(Rect::new(MARGIN, 224.0, inner, 46.0), 10.0, 20.0, false),
            );
        }
    }
}
