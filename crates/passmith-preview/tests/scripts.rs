//! Scripts the bundled Inter font lacks are drawn with system fonts: Japanese and Arabic render
//! with real glyphs (no "tofu" boxes), and Arabic runs right to left. Needs a CJK and an Arabic
//! font installed (CI installs fonts-ipafont-gothic and fonts-dejavu-core); without them these
//! tests fail rather than skip.

use passmith_core::PassDocument;
use passmith_core::model::{Field, FieldGroup, Style};
use passmith_preview::{ElementKind, RenderOptions, Source, TextRole, layout, render, shape_text};

use crate::util::{dark_pixels, doc};

const JAPANESE: &str = "東京駅 ようこそ";
const ARABIC: &str = "مرحبا بكم";

fn pass_with_value(value: &str) -> PassDocument {
    doc(Style::Generic, |f| {
        f.group_mut(FieldGroup::Primary)
            .push(Field::text("name", "Name", value));
    })
}

fn assert_real_glyphs(text: &str) {
    let glyphs = shape_text(text, 20.0);
    assert!(!glyphs.is_empty());
    let missing: Vec<_> = glyphs.iter().filter(|g| g.glyph_id == 0).collect();
    assert!(
        missing.is_empty(),
        "no font has glyphs for {missing:?} in {text:?}; install fonts-ipafont-gothic / fonts-dejavu-core"
    );
    // Inter has neither script: a system font drew them.
    assert!(
        glyphs
            .iter()
            .filter(|g| !text[g.start..g.end].trim().is_empty())
            .all(|g| g.font_family != "Inter"),
        "{glyphs:?}"
    );
}

/// The value is drawn: the layout reports nothing missing and its box has ink in it.
fn assert_drawn(text: &str) {
    let doc = pass_with_value(text);
    let opts = RenderOptions::default();
    let lay = layout(&doc, &opts);
    assert!(
        lay.warnings
            .iter()
            .all(|w| w.code != "layout.missing_glyphs"),
        "{:?}",
        lay.warnings
    );
    let value = lay
        .elements_of(&Source::Field {
            group: FieldGroup::Primary,
            index: 0,
            key: "name".into(),
        })
        .find(|e| {
            matches!(
                e.kind,
                ElementKind::Text {
                    role: TextRole::Value,
                    ..
                }
            )
        })
        .unwrap()
        .clone();
    let img = render(&lay, opts.scale).unwrap();
    let ink = dark_pixels(&img, value.rect, opts.scale, 128);
    assert!(ink > 200, "only {ink} dark pixels for {text:?}");
}

#[test]
fn japanese_renders_with_real_glyphs() {
    assert_real_glyphs(JAPANESE);
    assert_drawn(JAPANESE);
}

#[test]
fn arabic_renders_with_real_glyphs_right_to_left() {
    assert_real_glyphs(ARABIC);
    assert_drawn(ARABIC);
    let glyphs = shape_text(ARABIC, 20.0);
    let first = glyphs
        .iter()
        .find(|g| g.start == 0)
        .expect("glyph of the first letter");
    let last_start = glyphs.iter().map(|g| g.start).max().unwrap();
    let last = glyphs.iter().find(|g| g.start == last_start).unwrap();
    assert!(
        first.x > last.x,
        "the first letter is drawn right of the last: {} vs {}",
        first.x,
        last.x
    );
}

#[test]
fn a_character_no_font_has_is_reported() {
    // A private-use code point: no font draws it.
    let doc = pass_with_value("Ticket \u{10FFFD}");
    let lay = layout(&doc, &RenderOptions::default());
    let w = lay
        .warnings
        .iter()
        .find(|w| w.code == "layout.missing_glyphs")
        .expect("warning");
    assert_eq!(w.path, "/generic/primaryFields/0");
}
