//! Google Wallet's card: what `layout_google` lays out from core's mapping (title, header, card
//! rows, barcode, hero, text modules), that each element leads back to its source, and that it
//! renders.

use passmith_core::PassDocument;
use passmith_core::google::GoogleType;
use passmith_core::model::{FieldGroup, Style};
use passmith_preview::{ElementKind, RenderOptions, Source, TextRole, layout_google, render};

use crate::util::{apple_samples, barcode_element, dark_pixels, field, texts};

fn template(name: &str) -> PassDocument {
    let dir = apple_samples().join(format!("../../../sample_passes/{name}.pass"));
    PassDocument::read_dir(&dir).unwrap()
}

#[test]
fn a_store_card_shows_title_header_rows_barcode_hero_and_text_modules_with_their_sources() {
    let doc = template("StoreCard");
    let opts = RenderOptions::default();
    let lay = layout_google(&doc, &opts, None);
    let texts_of = |s: &Source| texts(&lay, s);
    assert!(
        texts_of(&Source::LogoText)
            .iter()
            .any(|(t, _, _)| *t == "Harbor Coffee Roasters"),
        "{:#?}",
        lay.elements
    );
    // The member field: on the card (label + value) and again in the details.
    let member = texts_of(&field(FieldGroup::Secondary, 0, "member"));
    let values: Vec<&str> = member
        .iter()
        .filter(|(_, role, _)| *role == TextRole::Value)
        .map(|(t, _, _)| *t)
        .collect();
    assert_eq!(values, ["Jordan Reyes", "Jordan Reyes"]);
    // A back field becomes a text module below the card, and leads to the back field.
    let offer = texts_of(&field(FieldGroup::Back, 0, "offer"));
    assert!(
        offer
            .iter()
            .any(|(t, _, _)| t.starts_with("Every 10th drink")),
        "{offer:?}"
    );
    let card = lay
        .elements
        .iter()
        .find(|e| {
            matches!(
                e.kind,
                ElementKind::Shape(passmith_preview::Shape::Card { .. })
            )
        })
        .unwrap();
    let offer_el = lay
        .elements_of(&field(FieldGroup::Back, 0, "offer"))
        .next()
        .unwrap();
    assert!(offer_el.rect.y > card.rect.bottom());
    // The barcode on the card, the strip as the 3:1 hero at the card's bottom.
    let code = barcode_element(&lay);
    assert!(code.rect.bottom() < card.rect.bottom());
    let hero = lay
        .elements_of(&Source::Image {
            name: "strip".into(),
        })
        .next()
        .unwrap();
    assert!((hero.rect.w / hero.rect.h - 3.0).abs() < 0.01);
    assert!((hero.rect.bottom() - card.rect.bottom()).abs() < 0.01);
    // The mapping's findings, without the URL ones a preview has no use for.
    let codes: Vec<&str> = lay.warnings.iter().map(|f| f.code.as_str()).collect();
    assert!(codes.contains(&"google.back_fields"), "{codes:?}");
    assert!(!codes.contains(&"google.image_url_missing"));
    assert_eq!(
        lay.warnings[codes
            .iter()
            .position(|c| *c == "google.back_fields")
            .unwrap()]
        .path
        .to_string(),
        "/storeCard/backFields/0"
    );

    let img = render(&lay, opts.scale).unwrap();
    assert_eq!(img.width, (lay.width * opts.scale).round() as u32);
    assert_eq!(img.height, (lay.height * opts.scale).round() as u32);
    assert!(dark_pixels(&img, code.rect, opts.scale, 60) > 100);
}

#[test]
fn every_template_and_a_chosen_type_lay_out_and_render() {
    for name in [
        "BoardingPass",
        "Coupon",
        "EventTicket",
        "Generic",
        "StoreCard",
    ] {
        let doc = template(name);
        let lay = layout_google(&doc, &RenderOptions::default(), None);
        assert!(lay.height > 300.0, "{name}: {}", lay.height);
        assert!(render(&lay, 2.0).is_ok(), "{name}");
    }
    let rail = template("BoardingPass");
    let lay = layout_google(&rail, &RenderOptions::default(), None);
    let header: Vec<&str> = lay
        .elements
        .iter()
        .filter_map(|e| match &e.kind {
            ElementKind::Text { text, size, .. } if *size > 20.0 => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(header, ["AMS → BRU"]);
    let generic = layout_google(&rail, &RenderOptions::default(), Some(GoogleType::Generic));
    assert_ne!(generic, lay);
    let doc = crate::util::doc(Style::Generic, |_| {});
    assert!(render(&layout_google(&doc, &RenderOptions::default(), None), 1.0).is_ok());
}
