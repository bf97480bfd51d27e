//! Every barcode format Wallet supports, rendered into the preview and read back from the
//! pixels with rxing's reader, at every scale: the drawn code must carry exactly the message.

use passmith_core::PassDocument;
use passmith_core::model::{Barcode, BarcodeFormat, Field, FieldGroup, Style};
use passmith_preview::{ElementKind, RenderOptions, Source, layout, render};

use crate::util::{barcode_element, doc};

fn pass_with(style: Style, barcode: Barcode) -> PassDocument {
    let mut d = doc(style, |f| {
        f.group_mut(FieldGroup::Primary)
            .push(Field::text("name", "Name", "Ada Lovelace"));
        f.group_mut(FieldGroup::Secondary)
            .push(Field::text("level", "Level", "Gold"));
    });
    d.pass.background_color = Some("rgb(30, 60, 120)".into());
    d.pass.foreground_color = Some("rgb(255, 255, 255)".into());
    d.pass.barcodes = Some(vec![barcode]);
    d
}

fn decode(doc: &PassDocument, scale: f32, format: rxing::BarcodeFormat) -> String {
    let opts = RenderOptions {
        scale,
        ..RenderOptions::default()
    };
    let lay = layout(doc, &opts);
    barcode_element(&lay);
    let img = render(&lay, opts.scale).unwrap();
    // Read the rendered PNG back, as a user's file would be, and look at the barcode plate
    // (Aztec's detector starts from the middle of the picture, like a phone camera aimed at it).
    let png = passmith_preview::encode_png(&img).unwrap();
    let decoded = image::load_from_memory(&png).unwrap().to_luma8();
    let plate = lay
        .elements
        .iter()
        .find(|e| {
            matches!(e.kind, ElementKind::Shape(_)) && matches!(e.source, Source::Barcode { .. })
        })
        .expect("a barcode plate")
        .rect;
    let x0 = ((plate.x - 4.0) * scale).max(0.0) as u32;
    let y0 = ((plate.y - 4.0) * scale).max(0.0) as u32;
    let x1 = (((plate.x + plate.w + 4.0) * scale) as u32).min(img.width);
    let y1 = (((plate.y + plate.h + 4.0) * scale) as u32).min(img.height);
    let crop = image::imageops::crop_imm(&decoded, x0, y0, x1 - x0, y1 - y0).to_image();
    let (w, h) = crop.dimensions();
    rxing::helpers::detect_in_luma(crop.into_raw(), w, h, Some(format))
        .unwrap_or_else(|e| panic!("{format:?} at {scale}x did not decode: {e}"))
        .getText()
        .to_owned()
}

fn round_trip(format: BarcodeFormat, rx: rxing::BarcodeFormat, message: &str, style: Style) {
    let doc = pass_with(
        style,
        Barcode {
            alt_text: Some("1234 5678".into()),
            ..Barcode::new(format.clone(), message)
        },
    );
    for scale in [1.0, 2.0, 3.0] {
        assert_eq!(decode(&doc, scale, rx), message, "{format:?} at {scale}x");
    }
}

#[test]
fn qr_decodes_at_every_scale() {
    round_trip(
        BarcodeFormat::Qr,
        rxing::BarcodeFormat::QR_CODE,
        "https://example.com/p/sandcastle-23478",
        Style::Generic,
    );
}

#[test]
fn pdf417_decodes_at_every_scale() {
    round_trip(
        BarcodeFormat::Pdf417,
        rxing::BarcodeFormat::PDF_417,
        "M1APPLESEED/JOHN EABC123 SFOJFKAA 0815",
        Style::BoardingPass,
    );
}

#[test]
fn aztec_decodes_at_every_scale() {
    round_trip(
        BarcodeFormat::Aztec,
        rxing::BarcodeFormat::AZTEC,
        "TICKET-0042-ROW-F-SEAT-12",
        Style::EventTicket,
    );
}

#[test]
fn code128_decodes_at_every_scale() {
    round_trip(
        BarcodeFormat::Code128,
        rxing::BarcodeFormat::CODE_128,
        "STORE-000123456",
        Style::StoreCard,
    );
}

#[test]
fn legacy_barcode_is_used_when_barcodes_is_absent() {
    let mut doc = pass_with(Style::Coupon, Barcode::new(BarcodeFormat::Qr, "unused"));
    doc.pass.barcodes = None;
    doc.pass.barcode = Some(Barcode::new(BarcodeFormat::Qr, "LEGACY-1"));
    assert_eq!(decode(&doc, 2.0, rxing::BarcodeFormat::QR_CODE), "LEGACY-1");
    let lay = layout(&doc, &RenderOptions::default());
    let el = barcode_element(&lay);
    assert_eq!(el.source.json_path(&doc).as_deref(), Some("/barcode"));
}

#[test]
fn first_known_format_is_shown() {
    let mut doc = pass_with(
        Style::Generic,
        Barcode::new(BarcodeFormat::Other("PKBarcodeFormatEAN13".into()), "1"),
    );
    doc.pass
        .barcodes
        .as_mut()
        .unwrap()
        .push(Barcode::new(BarcodeFormat::Aztec, "SECOND"));
    let lay = layout(&doc, &RenderOptions::default());
    let el = barcode_element(&lay);
    assert_eq!(el.source, Source::Barcode { index: 1 });
    assert_eq!(decode(&doc, 2.0, rxing::BarcodeFormat::AZTEC), "SECOND");
}

#[test]
fn modules_are_whole_pixels() {
    // Every dark pixel run in the QR's rows has a length that is a multiple of the module size.
    let doc = pass_with(Style::Generic, Barcode::new(BarcodeFormat::Qr, "SHARP"));
    for scale in [1.0f32, 2.0, 3.0] {
        let opts = RenderOptions {
            scale,
            ..RenderOptions::default()
        };
        let lay = layout(&doc, &opts);
        let el = barcode_element(&lay);
        let img = render(&lay, opts.scale).unwrap();
        let y = ((el.rect.y + el.rect.h / 2.0) * scale) as u32;
        let row = (0..img.width)
            .map(|x| img.pixels[((y * img.width + x) * 4) as usize])
            .collect::<Vec<u8>>();
        // Only pure black or pure white pixels inside the code: no blurred module edges.
        let x0 = (el.rect.x * scale).round() as usize;
        let x1 = ((el.rect.x + el.rect.w) * scale).round() as usize;
        assert!(
            row[x0..x1].iter().all(|v| *v == 0 || *v == 255),
            "blurred modules at {scale}x"
        );
    }
}
