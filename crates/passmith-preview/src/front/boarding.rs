//! The boarding pass body (rendering reference §3 and §7): two primary fields in equal columns
//! with the transit icon between them, then the auxiliary row (up to five) drawn *above* the
//! secondary row (up to four).

use passmith_core::model::{FieldGroup, PassFields};

use super::Builder;
use super::rows::{Mode, RowSpec};
use crate::grid::MARGIN;
use crate::text::{Font, Weight};
use crate::{ElementKind, Rect, Shape, Source};

impl<'a> Builder<'a, '_> {
    pub(super) fn boarding(&mut self, fields: &'a PassFields) {
        let w = self.ctx.width;
        let inner = w - 2.0 * MARGIN;
        let primary = self.take_visible(FieldGroup::Primary, fields.group(FieldGroup::Primary));
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
        let icon = Shape::TransitIcon {
            transit: fields.transit_type.clone(),
            color: self.ctx.palette.label,
        };
        self.push(
            Rect::new(w / 2.0 - size / 2.0, icon_y, size, size),
            ElementKind::Shape(icon),
            Source::TransitIcon,
        );
        let aux = self.take_visible(FieldGroup::Auxiliary, fields.group(FieldGroup::Auxiliary));
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
        let sec = self.take_visible(FieldGroup::Secondary, fields.group(FieldGroup::Secondary));
        let sec_spec = row(192.0, self);
        self.row(sec, &sec_spec);
    }
}
