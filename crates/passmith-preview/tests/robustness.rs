//! The preview never panics: broken images, empty documents, odd options and absurd values
//! still produce a picture (and warnings), never a crash.

use passmith_core::PassDocument;
use passmith_core::model::{Barcode, BarcodeFormat, Field, FieldGroup, Pass, Style};
use passmith_preview::{RenderOptions, Side, layout, render, render_png};

fn all_options() -> Vec<RenderOptions> {
    let mut out = Vec::new();
    for side in [Side::Front, Side::Back] {
        for scale in [1.0, 2.0, 3.0, 0.0, -1.0, f32::NAN, 100.0] {
            out.push(RenderOptions {
                scale,
                side,
                language: Some("xx".into()),
                card_width: if scale == 100.0 { f32::INFINITY } else { 358.0 },
                now: Some(jiff::Timestamp::UNIX_EPOCH),
            });
        }
    }
    out
}

#[test]
fn empty_document_renders() {
    let doc = PassDocument::default();
    for opts in all_options() {
        let (png, lay) = render_png(&doc, &opts).unwrap();
        assert!(png.starts_with(b"\x89PNG"));
        if opts.side == Side::Front {
            assert!(lay.warnings.iter().any(|w| w.code == "layout.no_style"));
        }
    }
}

#[test]
fn garbage_images_and_values_do_not_panic() {
    for style in Style::ALL {
        let mut pass = Pass::default();
        pass.set_style(style);
        let f = pass.fields_mut().unwrap();
        f.group_mut(FieldGroup::Primary)
            .push(Field::text("", "", ""));
        f.group_mut(FieldGroup::Primary)
            .push(Field::text("k", "\n\n", &"W".repeat(5000)));
        let mut date = Field::text("d", "Date", "2027-02-30T25:99");
        date.date_style = Some(passmith_core::model::DateStyle::Full);
        f.group_mut(FieldGroup::Secondary).push(date);
        for i in 0..12 {
            f.group_mut(FieldGroup::Auxiliary).push(Field::text(
                &format!("a{i}"),
                "x",
                "\u{202e}mixed עברית",
            ));
            f.group_mut(FieldGroup::Back).push(Field::text(
                &format!("b{i}"),
                "",
                "<a href='x'>unclosed",
            ));
        }
        pass.background_color = Some("rgb(999, -1, x)".into());
        pass.logo_text = Some("\u{0}".into());
        pass.barcodes = Some(vec![
            Barcode::new(BarcodeFormat::Code128, "non-latin ✓ 東京"),
            Barcode::new(BarcodeFormat::Qr, &"Q".repeat(10_000)),
        ]);
        let mut doc = PassDocument::new(pass);
        for name in ["logo", "strip", "thumbnail", "background", "footer", "icon"] {
            doc.files.insert(
                format!("{name}.png"),
                b"\x89PNG\r\n\x1a\n garbage".to_vec().into(),
            );
            doc.files
                .insert(format!("{name}@2x.png"), Vec::new().into());
        }
        let front = layout(&doc, &RenderOptions::default());
        assert!(
            front
                .warnings
                .iter()
                .any(|w| w.code == "layout.image_unreadable" && w.path == "logo@2x.png"),
            "{:?}",
            front.warnings
        );
        for opts in all_options() {
            let lay = layout(&doc, &opts);
            let img = render(&lay, opts.scale).unwrap();
            assert_eq!(img.pixels.len(), (img.width * img.height * 4) as usize);
        }
    }
}

#[test]
fn a_barcode_that_cannot_be_encoded_is_reported() {
    let mut pass = Pass::default();
    pass.set_style(Style::Generic);
    pass.barcodes = Some(vec![Barcode::new(BarcodeFormat::Qr, &"Q".repeat(10_000))]);
    let lay = layout(&PassDocument::new(pass), &RenderOptions::default());
    let w = lay
        .warnings
        .iter()
        .find(|w| w.code == "layout.barcode")
        .expect("warning");
    assert_eq!(w.path, "/barcodes/0/message");
}
