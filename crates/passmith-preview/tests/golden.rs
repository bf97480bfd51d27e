//! Golden pictures: the five Apple sample passes, front and back at 2×, compared with the
//! approved PNGs in `tests/golden/` with a small tolerance (anti-aliasing may differ slightly
//! between CPUs). A mismatch writes the new picture beside the old one as `*.new.png` (ignored by
//! git) for review; `UPDATE_GOLDEN=1 cargo test -p passmith-preview golden` approves the
//! current output.

use std::path::{Path, PathBuf};

use passmith_core::PassDocument;
use passmith_preview::{RenderOptions, Side, render_png};

use crate::util::apple_samples;

/// A channel may differ by this much without counting as a difference.
const CHANNEL_TOLERANCE: u8 = 24;
/// At most this share of pixels may differ by more than the channel tolerance.
const MAX_DIFFERENT_SHARE: f64 = 0.002;

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn check(sample: &str, side: Side) {
    let doc = PassDocument::read_dir(&apple_samples().join(format!("{sample}.pass"))).unwrap();
    let opts = RenderOptions {
        side,
        ..RenderOptions::default()
    };
    let (png, _) = render_png(&doc, &opts).unwrap();
    let side_name = if side == Side::Front { "front" } else { "back" };
    let golden = golden_dir().join(format!("{sample}-{side_name}.png"));
    let fresh = golden_dir().join(format!("{sample}-{side_name}.new.png"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(golden_dir()).unwrap();
        std::fs::write(&golden, &png).unwrap();
        let _ = std::fs::remove_file(&fresh);
        return;
    }
    let Ok(expected) = std::fs::read(&golden) else {
        std::fs::write(&fresh, &png).unwrap();
        panic!(
            "no golden picture {}; review {} and run with UPDATE_GOLDEN=1",
            golden.display(),
            fresh.display()
        );
    };
    let a = image::load_from_memory(&png).unwrap().to_rgba8();
    let b = image::load_from_memory(&expected).unwrap().to_rgba8();
    let verdict = if a.dimensions() != b.dimensions() {
        Err(format!(
            "size {:?} instead of {:?}",
            a.dimensions(),
            b.dimensions()
        ))
    } else {
        let different = a
            .pixels()
            .zip(b.pixels())
            .filter(|(p, q)| {
                p.0.iter()
                    .zip(q.0.iter())
                    .any(|(x, y)| x.abs_diff(*y) > CHANNEL_TOLERANCE)
            })
            .count();
        let share = different as f64 / f64::from(a.width() * a.height());
        if share > MAX_DIFFERENT_SHARE {
            Err(format!(
                "{different} pixels ({:.3} %) differ",
                share * 100.0
            ))
        } else {
            Ok(())
        }
    };
    match verdict {
        Ok(()) => {
            let _ = std::fs::remove_file(&fresh);
        }
        Err(why) => {
            std::fs::write(&fresh, &png).unwrap();
            panic!(
                "{sample} {side_name}: {why}; the new picture is {} — if it is right, run with UPDATE_GOLDEN=1",
                fresh.display()
            );
        }
    }
}

#[test]
fn boarding_pass() {
    check("BoardingPass", Side::Front);
    check("BoardingPass", Side::Back);
}

#[test]
fn coupon() {
    check("Coupon", Side::Front);
    check("Coupon", Side::Back);
}

#[test]
fn event_ticket() {
    check("Event", Side::Front);
    check("Event", Side::Back);
}

#[test]
fn generic() {
    check("Generic", Side::Front);
    check("Generic", Side::Back);
}

#[test]
fn store_card() {
    check("StoreCard", Side::Front);
    check("StoreCard", Side::Back);
}
