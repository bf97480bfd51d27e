//! The layout is a complete display list: `render` draws from it alone (images, barcode
//! modules, fonts, colours and the faded state travel in the elements), and the clock is an
//! input of the layout, never read by the preview.

use passmith_core::model::{Barcode, BarcodeFormat, Field, FieldGroup, Style};
use passmith_preview::{
    ElementKind, ImageFit, Layout, RenderOptions, Source, TextRole, Weight, encode_png, layout,
    render, render_png,
};

use crate::util::{dark_pixels, doc, field, png, timestamp};

fn store_card_with_images() -> passmith_core::PassDocument {
    let mut d = doc(Style::StoreCard, |f| {
        f.group_mut(FieldGroup::Primary)
            .push(Field::text("balance", "Balance", "21.75"));
        f.group_mut(FieldGroup::Secondary)
            .push(Field::text("level", "Level", "Gold"));
    });
    d.files
        .insert("strip@2x.png".into(), png(750, 288, [200, 30, 30]).into());
    d.files
        .insert("logo@2x.png".into(), png(100, 100, [30, 30, 200]).into());
    d.pass.barcodes = Some(vec![Barcode::new(BarcodeFormat::Qr, "DISPLAY-LIST")]);
    d
}

#[test]
fn render_draws_from_the_layout_alone() {
    let d = store_card_with_images();
    let opts = RenderOptions::default();
    let (expected, _) = render_png(&d, &opts).unwrap();
    let lay: Layout = layout(&d, &opts);
    drop(d);
    let png = encode_png(&render(&lay, opts.scale).unwrap()).unwrap();
    assert_eq!(png, expected, "the same picture without the document");

    // Images carry their decoded pixels and the file they come from.
    let image = |name: &str| {
        lay.elements_of(&Source::Image { name: name.into() })
            .find_map(|e| match &e.kind {
                ElementKind::Image { image, fit } => Some((image.clone(), *fit)),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no {name} image"))
    };
    let (strip, fit) = image("strip");
    assert_eq!(
        (strip.file(), strip.size(), fit),
        ("strip@2x.png", (750, 288), ImageFit::Cover)
    );
    let (logo, fit) = image("logo");
    assert_eq!((logo.file(), fit), ("logo@2x.png", ImageFit::Fit));
    // The barcode carries its modules.
    let modules = lay
        .elements
        .iter()
        .find_map(|e| match &e.kind {
            ElementKind::Barcode { modules, faded, .. } => Some((modules.clone(), *faded)),
            _ => None,
        })
        .expect("barcode element");
    assert!(modules.0.width >= 21 && modules.0.dark.iter().any(|d| *d));
    assert!(!modules.1);
}

#[test]
fn texts_carry_the_font_they_were_measured_with() {
    let weight_of = |style: Style, group: FieldGroup, role: TextRole| {
        let d = doc(style, |f| {
            f.group_mut(group).push(Field::text("k", "Label", "Value"));
        });
        let lay = layout(&d, &RenderOptions::default());
        lay.elements_of(&field(group, 0, "k"))
            .find_map(|e| match &e.kind {
                ElementKind::Text {
                    role: r, weight, ..
                } if *r == role => Some(*weight),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no {role:?} text for {style:?} {group:?}"))
    };
    use FieldGroup::{Header, Primary, Secondary};
    let table = [
        (Style::BoardingPass, Primary, TextRole::Value, Weight::Light),
        (Style::Generic, Primary, TextRole::Value, Weight::Regular),
        (Style::Generic, Secondary, TextRole::Value, Weight::Light),
        (Style::Generic, Header, TextRole::Value, Weight::Regular),
        (Style::Generic, Header, TextRole::Label, Weight::Bold),
        // The primary label under the value: bold on coupons, light on store cards.
        (Style::Coupon, Primary, TextRole::Label, Weight::Bold),
        (Style::StoreCard, Primary, TextRole::Label, Weight::Light),
    ];
    for (style, group, role, weight) in table {
        assert_eq!(
            weight_of(style, group, role),
            weight,
            "{style:?} {group:?} {role:?}"
        );
    }
}

/// The faded flag of the barcode, the alt text shown, and the darkest pixel of the code.
fn barcode_state(d: &passmith_core::PassDocument, opts: &RenderOptions) -> (bool, String, usize) {
    let lay = layout(d, opts);
    let (rect, faded) = lay
        .elements
        .iter()
        .find_map(|e| match &e.kind {
            ElementKind::Barcode { faded, .. } => Some((e.rect, *faded)),
            _ => None,
        })
        .expect("barcode element");
    let alt = lay
        .elements
        .iter()
        .find_map(|e| match &e.kind {
            ElementKind::Text {
                role: TextRole::AltText,
                text,
                ..
            } => Some(text.clone()),
            _ => None,
        })
        .unwrap_or_default();
    let img = render(&lay, opts.scale).unwrap();
    (faded, alt, dark_pixels(&img, rect, opts.scale, 128))
}

#[test]
fn the_clock_comes_in_through_the_options() {
    let mut d = doc(Style::Generic, |_| {});
    d.pass.barcodes = Some(vec![Barcode {
        alt_text: Some("1234".into()),
        ..Barcode::new(BarcodeFormat::Qr, "CLOCK")
    }]);
    d.pass.expiration_date = Some("2026-12-01T12:00:00Z".into());
    let at = |t: Option<&str>| RenderOptions {
        now: t.map(timestamp),
        ..RenderOptions::default()
    };
    let (faded, alt, dark) = barcode_state(&d, &at(Some("2026-12-01T11:59:59Z")));
    assert!(
        !faded && alt == "1234" && dark > 1000,
        "valid before: {faded} {alt} {dark}"
    );
    let (faded, alt, dark) = barcode_state(&d, &at(Some("2026-12-01T12:00:00Z")));
    assert!(
        faded && alt.contains("expired"),
        "expired from the moment on: {alt}"
    );
    assert_eq!(dark, 0, "the code is drawn at 10 % opacity");
    // Without a clock, expiry is not judged (the preview does not read the system clock).
    let (faded, alt, _) = barcode_state(&d, &at(None));
    assert!(!faded && alt == "1234", "{faded} {alt}");
    // Voided passes fade whatever the clock says.
    d.pass.voided = Some(true);
    let (faded, alt, _) = barcode_state(&d, &at(None));
    assert!(faded && alt.contains("no longer valid"), "{alt}");
}
