//! The boarding pass transit icons (air, train, bus, boat, generic), drawn as our own vector
//! shapes in a unit square — Wallet uses SF Symbols, which may not be copied. Shapes with
//! holes (windows) are filled even-odd.

use passmith_core::model::TransitType;
use tiny_skia::{Path, PathBuilder};

/// The icon for a transit type as a path in the unit square (0–1 both ways), centred.
pub(crate) fn transit_icon(kind: Option<&TransitType>) -> Option<Path> {
    let mut pb = PathBuilder::new();
    match kind {
        Some(TransitType::Air) => airplane(&mut pb),
        Some(TransitType::Train) => train(&mut pb),
        Some(TransitType::Bus) => bus(&mut pb),
        Some(TransitType::Boat) => boat(&mut pb),
        _ => arrow(&mut pb),
    }
    pb.finish()
}

fn poly(pb: &mut PathBuilder, points: &[(f32, f32)]) {
    let mut it = points.iter();
    if let Some(&(x, y)) = it.next() {
        pb.move_to(x, y);
        for &(x, y) in it {
            pb.line_to(x, y);
        }
        pb.close();
    }
}

fn round_rect(pb: &mut PathBuilder, x: f32, y: f32, w: f32, h: f32, r: f32) {
    let r = r.min(w / 2.0).min(h / 2.0);
    pb.move_to(x + r, y);
    pb.line_to(x + w - r, y);
    pb.quad_to(x + w, y, x + w, y + r);
    pb.line_to(x + w, y + h - r);
    pb.quad_to(x + w, y + h, x + w - r, y + h);
    pb.line_to(x + r, y + h);
    pb.quad_to(x, y + h, x, y + h - r);
    pb.line_to(x, y + r);
    pb.quad_to(x, y, x + r, y);
    pb.close();
}

/// An airliner seen from above, nose to the right.
fn airplane(pb: &mut PathBuilder) {
    // Fuselage with a rounded nose.
    pb.move_to(0.12, 0.455);
    pb.line_to(0.80, 0.455);
    pb.quad_to(0.97, 0.46, 0.97, 0.5);
    pb.quad_to(0.97, 0.54, 0.80, 0.545);
    pb.line_to(0.12, 0.545);
    pb.quad_to(0.07, 0.5, 0.12, 0.455);
    pb.close();
    // Wings, swept back.
    poly(
        pb,
        &[(0.58, 0.46), (0.36, 0.04), (0.46, 0.04), (0.72, 0.46)],
    );
    poly(
        pb,
        &[(0.58, 0.54), (0.36, 0.96), (0.46, 0.96), (0.72, 0.54)],
    );
    // Tail fins.
    poly(
        pb,
        &[(0.20, 0.46), (0.09, 0.26), (0.16, 0.26), (0.30, 0.46)],
    );
    poly(
        pb,
        &[(0.20, 0.54), (0.09, 0.74), (0.16, 0.74), (0.30, 0.54)],
    );
}

/// A tram seen from the front, on rails.
fn train(pb: &mut PathBuilder) {
    round_rect(pb, 0.22, 0.06, 0.56, 0.72, 0.12);
    // Windscreen and lamps are holes (even-odd).
    round_rect(pb, 0.30, 0.18, 0.40, 0.26, 0.04);
    round_rect(pb, 0.30, 0.56, 0.09, 0.09, 0.045);
    round_rect(pb, 0.61, 0.56, 0.09, 0.09, 0.045);
    // Rails.
    poly(
        pb,
        &[(0.30, 0.80), (0.38, 0.80), (0.26, 0.96), (0.18, 0.96)],
    );
    poly(
        pb,
        &[(0.62, 0.80), (0.70, 0.80), (0.82, 0.96), (0.74, 0.96)],
    );
}

/// A bus seen from the front.
fn bus(pb: &mut PathBuilder) {
    round_rect(pb, 0.20, 0.06, 0.60, 0.76, 0.10);
    round_rect(pb, 0.27, 0.16, 0.46, 0.32, 0.04);
    round_rect(pb, 0.27, 0.60, 0.10, 0.08, 0.04);
    round_rect(pb, 0.63, 0.60, 0.10, 0.08, 0.04);
    // Wheels below the body.
    round_rect(pb, 0.24, 0.80, 0.12, 0.14, 0.03);
    round_rect(pb, 0.64, 0.80, 0.12, 0.14, 0.03);
}

/// A ferry seen from the side, on a wave.
fn boat(pb: &mut PathBuilder) {
    // Hull.
    poly(
        pb,
        &[(0.06, 0.58), (0.94, 0.58), (0.82, 0.80), (0.18, 0.80)],
    );
    // Cabin with windows as holes.
    round_rect(pb, 0.26, 0.36, 0.48, 0.20, 0.04);
    round_rect(pb, 0.32, 0.41, 0.08, 0.08, 0.02);
    round_rect(pb, 0.46, 0.41, 0.08, 0.08, 0.02);
    round_rect(pb, 0.60, 0.41, 0.08, 0.08, 0.02);
    // Funnel.
    poly(
        pb,
        &[(0.42, 0.16), (0.58, 0.16), (0.56, 0.34), (0.44, 0.34)],
    );
    // Wave.
    pb.move_to(0.06, 0.88);
    pb.quad_to(0.18, 0.82, 0.30, 0.88);
    pb.quad_to(0.42, 0.94, 0.54, 0.88);
    pb.quad_to(0.66, 0.82, 0.78, 0.88);
    pb.quad_to(0.88, 0.93, 0.94, 0.88);
    pb.line_to(0.94, 0.94);
    pb.quad_to(0.88, 0.99, 0.78, 0.94);
    pb.quad_to(0.66, 0.88, 0.54, 0.94);
    pb.quad_to(0.42, 1.0, 0.30, 0.94);
    pb.quad_to(0.18, 0.88, 0.06, 0.94);
    pb.close();
}

/// A filled arrow pointing right.
fn arrow(pb: &mut PathBuilder) {
    poly(
        pb,
        &[
            (0.08, 0.38),
            (0.52, 0.38),
            (0.52, 0.16),
            (0.94, 0.5),
            (0.52, 0.84),
            (0.52, 0.62),
            (0.08, 0.62),
        ],
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_transit_type_has_an_icon_inside_the_unit_square() {
        for t in TransitType::ALL.iter().map(Some).chain([None]) {
            let path = transit_icon(t).unwrap();
            let b = path.bounds();
            assert!(
                b.left() >= 0.0 && b.top() >= 0.0 && b.right() <= 1.0 && b.bottom() <= 1.0,
                "{t:?}"
            );
            assert!(b.width() > 0.5, "{t:?}");
        }
    }
}
