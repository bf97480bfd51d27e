//! The generic pass body (rendering reference §3): one primary field, regular 30, that may wrap
//! and narrows beside a thumbnail; then secondary (light 20) and auxiliary (light 16) rows of
//! up to four — with a square barcode, the two share four places.

use passmith_core::model::{FieldGroup, PassFields};

use super::Builder;
use super::rows::{Mode, RowSpec};
use crate::Rect;
use crate::grid::MARGIN;
use crate::text::{Font, Weight};

impl<'a> Builder<'a, '_> {
    pub(super) fn generic(&mut self, fields: &'a PassFields) {
        let w = self.ctx.width;
        let inner = w - 2.0 * MARGIN;
        let t = self.thumbnail_inset();
        let primary = self.take_visible(FieldGroup::Primary, fields.group(FieldGroup::Primary));
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
        // With a square barcode, secondary and auxiliary fields share four places (rules).
        let sec = self.take_visible(FieldGroup::Secondary, fields.group(FieldGroup::Secondary));
        let aux = self.take_visible(FieldGroup::Auxiliary, fields.group(FieldGroup::Auxiliary));
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
}
