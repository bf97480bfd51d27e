//! Layout without pixels: what is placed where, what is cut off or hidden, and the warnings
//! that tell the designer about it.

use passmith_core::model::{Barcode, BarcodeFormat, Field, FieldGroup, Style, TransitType};
use passmith_preview::{
    ElementKind, Layout, RenderOptions, Side, Source, TextRole, layout, render,
};

use crate::util::{barcode_element, dark_pixels, doc, field, png, texts};

#[test]
fn long_secondary_value_is_shrunk_then_cut_with_a_warning_naming_the_field() {
    let d = doc(Style::StoreCard, |f| {
        f.group_mut(FieldGroup::Secondary).push(Field::text(
            "loc",
            "Location",
            "The Grand Exhibition Hall of the Moscone Convention Center West Wing, Level Three",
        ));
        f.group_mut(FieldGroup::Secondary)
            .push(Field::text("seat", "Seat", "12"));
    });
    let lay = layout(&d, &RenderOptions::default());
    let w = lay
        .warnings
        .iter()
        .find(|w| w.code == "layout.truncated")
        .expect("a truncation warning");
    assert_eq!(w.path, "/storeCard/secondaryFields/0/value");
    assert!(
        w.message.contains("Secondary field 'loc' is cut off"),
        "{}",
        w.message
    );
    let value = texts(&lay, &field(FieldGroup::Secondary, 0, "loc"))
        .into_iter()
        .find(|t| t.1 == TextRole::Value)
        .unwrap();
    assert!(value.0.ends_with('…'), "{}", value.0);
    // Shrunk first: smaller than the store card's 26 pt, but not below the 11-pt label.
    assert!(value.2 < 26.0 && value.2 >= 11.0, "{}", value.2);
    // The short field keeps its full text and stays inside the card.
    let seat = lay
        .elements_of(&field(FieldGroup::Secondary, 1, "seat"))
        .collect::<Vec<_>>();
    assert!(
        seat.iter()
            .all(|e| e.rect.x + e.rect.w <= lay.width - 14.0 + 0.5)
    );
}

#[test]
fn values_that_fit_are_not_reported() {
    let d = doc(Style::Generic, |f| {
        f.group_mut(FieldGroup::Primary)
            .push(Field::text("name", "Name", "Ada"));
        f.group_mut(FieldGroup::Secondary)
            .push(Field::text("a", "A", "1"));
    });
    let lay = layout(&d, &RenderOptions::default());
    assert!(lay.warnings.is_empty(), "{:?}", lay.warnings);
}

#[test]
fn boarding_primary_values_share_one_shrunk_size() {
    let d = doc(Style::BoardingPass, |f| {
        f.transit_type = Some(TransitType::Train);
        f.group_mut(FieldGroup::Primary)
            .push(Field::text("from", "From", "Amsterdam Centraal"));
        f.group_mut(FieldGroup::Primary)
            .push(Field::text("to", "To", "BRU"));
    });
    let lay = layout(&d, &RenderOptions::default());
    let from = texts(&lay, &field(FieldGroup::Primary, 0, "from"));
    let to = texts(&lay, &field(FieldGroup::Primary, 1, "to"));
    let size = |t: &[(&str, TextRole, f32)]| t.iter().find(|x| x.1 == TextRole::Value).unwrap().2;
    assert!(size(&from) < 40.0, "long value shrinks");
    assert_eq!(size(&from), size(&to), "one size per row");
    // Labels are upper-cased on the front.
    assert!(from.iter().any(|t| t.0 == "FROM" && t.1 == TextRole::Label));
}

#[test]
fn boarding_pass_draws_its_transit_icon_between_the_primary_fields() {
    let d = doc(Style::BoardingPass, |f| {
        f.transit_type = Some(TransitType::Air);
        f.group_mut(FieldGroup::Primary)
            .push(Field::text("from", "From", "SFO"));
        f.group_mut(FieldGroup::Primary)
            .push(Field::text("to", "To", "JFK"));
    });
    let opts = RenderOptions::default();
    let lay = layout(&d, &opts);
    let icon = lay
        .elements
        .iter()
        .find(|e| e.source == Source::TransitIcon)
        .expect("transit icon");
    let from = lay
        .elements_of(&field(FieldGroup::Primary, 0, "from"))
        .map(|e| e.rect.x + e.rect.w)
        .fold(0.0, f32::max);
    let to = lay
        .elements_of(&field(FieldGroup::Primary, 1, "to"))
        .map(|e| e.rect.x)
        .fold(f32::MAX, f32::min);
    assert!(
        icon.rect.x > from && icon.rect.x + icon.rect.w < to,
        "icon between the values"
    );
    assert!(
        (icon.rect.x + icon.rect.w / 2.0 - lay.width / 2.0).abs() < 0.5,
        "centred"
    );
    assert_eq!(
        icon.source.json_path(&d).as_deref(),
        Some("/boardingPass/transitType")
    );
    // And it is really drawn, in the label colour (black by default), on the white card.
    let img = render(&lay, opts.scale).unwrap();
    let dark = dark_pixels(&img, icon.rect, opts.scale, 60);
    assert!(dark > 100, "only {dark} dark pixels in the icon box");
    // Every transit type has an icon.
    for t in TransitType::ALL {
        let mut d2 = d.clone();
        d2.pass.fields_mut().unwrap().transit_type = Some(t.clone());
        assert!(
            layout(&d2, &opts)
                .elements
                .iter()
                .any(|e| e.source == Source::TransitIcon)
        );
    }
    // Other styles have none.
    let g = doc(Style::Generic, |_| {});
    assert!(
        !layout(&g, &opts)
            .elements
            .iter()
            .any(|e| e.source == Source::TransitIcon)
    );
}

#[test]
fn event_ticket_with_strip_and_background_uses_the_strip_and_warns() {
    let mut d = doc(Style::EventTicket, |f| {
        f.group_mut(FieldGroup::Primary)
            .push(Field::text("event", "Event", "Concert"));
    });
    d.files
        .insert("strip@2x.png".into(), png(750, 196, [200, 30, 30]).into());
    d.files.insert(
        "background@2x.png".into(),
        png(360, 440, [30, 200, 30]).into(),
    );
    let lay = layout(&d, &RenderOptions::default());
    let names: Vec<&str> = lay
        .elements
        .iter()
        .filter_map(|e| match &e.source {
            Source::Image { name } => Some(name.as_str()),
            _ => None,
        })
        .collect();
    assert!(names.contains(&"strip"));
    assert!(!names.contains(&"background"));
    let w = lay
        .warnings
        .iter()
        .find(|w| w.code == "layout.image_ignored")
        .expect("warning");
    assert_eq!(w.path, "background@2x.png");
    assert!(w.message.contains("strip"), "{}", w.message);
    // Without the strip, the background is used (and no warning).
    d.files.remove("strip@2x.png");
    let lay = layout(&d, &RenderOptions::default());
    assert!(lay.elements.iter().any(|e| e.source
        == Source::Image {
            name: "background".into()
        }));
    assert!(
        lay.warnings
            .iter()
            .all(|w| w.code != "layout.image_ignored")
    );
}

#[test]
fn fields_beyond_what_the_style_shows_are_hidden_and_reported() {
    let d = doc(Style::Generic, |f| {
        f.group_mut(FieldGroup::Primary)
            .push(Field::text("p0", "P", "one"));
        f.group_mut(FieldGroup::Primary)
            .push(Field::text("p1", "P", "two"));
        for i in 0..5 {
            f.group_mut(FieldGroup::Header)
                .push(Field::text(&format!("h{i}"), "H", "x"));
        }
    });
    let lay = layout(&d, &RenderOptions::default());
    let hidden: Vec<String> = lay
        .warnings
        .iter()
        .filter(|w| w.code == "layout.too_many_fields")
        .map(|w| w.path.to_string())
        .collect();
    assert_eq!(
        hidden,
        [
            "/generic/headerFields/3",
            "/generic/headerFields/4",
            "/generic/primaryFields/1"
        ],
        "{:?}",
        lay.warnings
    );
    assert_eq!(
        lay.elements_of(&field(FieldGroup::Primary, 1, "p1"))
            .count(),
        0
    );
    assert!(lay.elements_of(&field(FieldGroup::Header, 2, "h2")).count() > 0);
}

#[test]
fn event_ticket_row_one_auxiliary_fields_get_their_own_row() {
    let d = doc(Style::EventTicket, |f| {
        f.group_mut(FieldGroup::Auxiliary)
            .push(Field::text("a", "A", "first row"));
        let mut second = Field::text("b", "B", "second row");
        second.row = Some(1);
        f.group_mut(FieldGroup::Auxiliary).push(second);
    });
    let lay = layout(&d, &RenderOptions::default());
    let y = |i: usize, k: &str| {
        lay.elements_of(&field(FieldGroup::Auxiliary, i, k))
            .map(|e| e.rect.y)
            .fold(f32::MAX, f32::min)
    };
    assert!(y(1, "b") > y(0, "a") + 30.0, "row 1 below row 0");
}

#[test]
fn alignment_colours_and_click_mapping() {
    let mut d = doc(Style::Generic, |f| {
        f.group_mut(FieldGroup::Secondary)
            .push(Field::text("l", "Left", "a"));
        let mut r = Field::text("r", "Right aligned", "b");
        r.text_alignment = Some(passmith_core::model::TextAlignment::Right);
        f.group_mut(FieldGroup::Secondary).push(r);
    });
    d.pass.foreground_color = Some("rgb(10, 20, 30)".into());
    d.pass.label_color = Some("#ff0000".into());
    let lay = layout(&d, &RenderOptions::default());
    let right = field(FieldGroup::Secondary, 1, "r");
    let els: Vec<_> = lay.elements_of(&right).collect();
    let right_edges: Vec<f32> = els.iter().map(|e| e.rect.x + e.rect.w).collect();
    assert!(
        (right_edges[0] - right_edges[1]).abs() < 0.01,
        "label and value end together: {right_edges:?}"
    );
    assert!(
        (right_edges[0] - (lay.width - 14.0)).abs() < 0.5,
        "last field ends at the margin"
    );
    for e in &els {
        if let ElementKind::Text { role, color, .. } = &e.kind {
            match role {
                TextRole::Label => assert_eq!(*color, [255, 0, 0, 255]),
                TextRole::Value => assert_eq!(*color, [10, 20, 30, 255]),
                _ => {}
            }
        }
    }
    let value = els
        .iter()
        .find(|e| {
            matches!(
                e.kind,
                ElementKind::Text {
                    role: TextRole::Value,
                    ..
                }
            )
        })
        .unwrap();
    let hit = lay
        .element_at(value.rect.x + 1.0, value.rect.y + value.rect.h / 2.0)
        .unwrap();
    assert_eq!(hit.source, right);
    assert_eq!(
        hit.source.json_path(&d).as_deref(),
        Some("/generic/secondaryFields/1")
    );
    assert_eq!(lay.element_at(5.0, 300.0).unwrap().source, Source::Card);
}

#[test]
fn dates_and_numbers_are_formatted_in_the_chosen_language() {
    let mut d = doc(Style::Generic, |f| {
        let mut date = Field::text("when", "When", "2027-06-17T20:30:00+02:00");
        date.date_style = Some(passmith_core::model::DateStyle::Medium);
        date.time_style = Some(passmith_core::model::DateStyle::Short);
        f.group_mut(FieldGroup::Secondary).push(date);
        let mut price = Field::text("price", "Price", "");
        price.value =
            passmith_core::model::FieldValue::Number(serde_json::Number::from_f64(12.5).unwrap());
        price.currency_code = Some("EUR".into());
        f.group_mut(FieldGroup::Secondary).push(price);
    });
    let mut fr = passmith_core::strings::Strings::default();
    fr.set("When", "Quand");
    d.localizations.insert("fr".into(), fr);
    let text_of = |lay: &Layout, i: usize, k: &str, role: TextRole| {
        texts(lay, &field(FieldGroup::Secondary, i, k))
            .into_iter()
            .find(|t| t.1 == role)
            .unwrap()
            .0
            .to_owned()
    };
    let en = layout(&d, &RenderOptions::default());
    assert_eq!(
        text_of(&en, 0, "when", TextRole::Value),
        "Jun 17, 2027, 8:30\u{202f}PM"
    );
    assert_eq!(text_of(&en, 1, "price", TextRole::Value), "€12.50");
    let opts = RenderOptions {
        language: Some("fr".into()),
        ..RenderOptions::default()
    };
    let fr = layout(&d, &opts);
    assert_eq!(text_of(&fr, 0, "when", TextRole::Label), "QUAND");
    assert_eq!(
        text_of(&fr, 0, "when", TextRole::Value),
        "17 juin 2027 20:30"
    );
    assert_eq!(text_of(&fr, 1, "price", TextRole::Value), "12,50\u{a0}€");
}

#[test]
fn back_lists_every_back_field_with_links_in_the_link_colour() {
    let d = doc(Style::Coupon, |f| {
        f.group_mut(FieldGroup::Back).push(Field::text(
            "terms",
            "Terms",
            "Valid until the end of the month.",
        ));
        f.group_mut(FieldGroup::Back).push(Field::text(
            "web",
            "Website",
            "Visit https://example.com today",
        ));
        f.group_mut(FieldGroup::Back)
            .push(Field::text("tel", "Phone", "Call +1 555 123 4567"));
    });
    let opts = RenderOptions {
        side: Side::Back,
        ..RenderOptions::default()
    };
    let lay = layout(&d, &opts);
    for (i, k) in [(0, "terms"), (1, "web"), (2, "tel")] {
        assert!(
            lay.elements_of(&field(FieldGroup::Back, i, k)).count() >= 2,
            "{k} has label and value"
        );
    }
    let link_colour = |i: usize, k: &str, needle: &str| {
        lay.elements_of(&field(FieldGroup::Back, i, k))
            .find_map(|e| match &e.kind {
                ElementKind::Text { text, color, .. } if text.contains(needle) => Some(*color),
                _ => None,
            })
            .unwrap()
    };
    let url = link_colour(1, "web", "https://example.com");
    let plain = link_colour(1, "web", "Visit");
    let tel = link_colour(2, "tel", "+1 555 123 4567");
    assert_ne!(url, plain);
    assert_eq!(url, tel);
    // Back field labels keep their case; the sheet grows with its content.
    assert!(
        texts(&lay, &field(FieldGroup::Back, 0, "terms"))
            .iter()
            .any(|t| t.0 == "Terms")
    );
    assert!(lay.height > 150.0);
    let img = render(&lay, opts.scale).unwrap();
    assert_eq!(img.height, (lay.height * 2.0).round() as u32);
}

#[test]
fn barcode_alt_text_is_under_the_code() {
    let mut d = doc(Style::Generic, |_| {});
    d.pass.barcodes = Some(vec![Barcode {
        alt_text: Some("1234".into()),
        ..Barcode::new(BarcodeFormat::Qr, "x")
    }]);
    let lay = layout(&d, &RenderOptions::default());
    let code = barcode_element(&lay);
    let alt = lay
        .elements
        .iter()
        .find(|e| matches!(&e.kind, ElementKind::Text { role: TextRole::AltText, text, .. } if text == "1234"))
        .unwrap();
    assert!(alt.rect.y >= code.rect.y + code.rect.h - 1.0);
    // Expired passes (expirationDate in the past) and voided ones replace the alt text with a
    // grey notice.
    let opts = RenderOptions {
        now: Some(crate::util::timestamp("2026-12-01T12:00:00Z")),
        ..RenderOptions::default()
    };
    d.pass.expiration_date = Some("2001-01-01T00:00:00Z".into());
    let lay = layout(&d, &opts);
    assert!(lay.elements.iter().any(|e| matches!(&e.kind, ElementKind::Text { role: TextRole::AltText, text, .. } if text.contains("expired"))));
    d.pass.expiration_date = Some("2999-01-01T00:00:00Z".into());
    let lay = layout(&d, &opts);
    assert!(lay.elements.iter().any(|e| matches!(&e.kind, ElementKind::Text { role: TextRole::AltText, text, .. } if text == "1234")));
    d.pass.voided = Some(true);
    let lay = layout(&d, &opts);
    assert!(lay.elements.iter().any(|e| matches!(&e.kind, ElementKind::Text { role: TextRole::AltText, color, .. } if *color == [128, 128, 128, 255])));
}

/// Label and value rects of a lone secondary field whose English label is wider than its value,
/// so the column is wider than the value and the value's alignment inside it shows.
fn secondary_rects(
    value: &str,
    align: Option<passmith_core::model::TextAlignment>,
) -> (passmith_preview::Rect, passmith_preview::Rect) {
    let d = doc(Style::Generic, |f| {
        let mut s = Field::text("dest", "Final destination of the journey", value);
        s.text_alignment = align;
        f.group_mut(FieldGroup::Secondary).push(s);
    });
    let lay = layout(&d, &RenderOptions::default());
    let src = field(FieldGroup::Secondary, 0, "dest");
    let rect_of = |want: TextRole| {
        lay.elements_of(&src)
            .find(|e| matches!(e.kind, ElementKind::Text { role, .. } if role == want))
            .map(|e| e.rect)
            .expect("text element of the field")
    };
    let (label, value) = (rect_of(TextRole::Label), rect_of(TextRole::Value));
    assert!(
        label.w > value.w + 10.0,
        "the test needs a column wider than the value: label {label:?}, value {value:?}"
    );
    (label, value)
}

#[test]
fn natural_alignment_puts_arabic_at_the_right_of_its_slot_and_english_at_the_left() {
    // The column spans the (wider, left-aligned English) label, so its edges are the label's.
    let (label, value) = secondary_rects("مرحبا بكم", None);
    assert!(
        (value.right() - label.right()).abs() < 0.5,
        "Arabic value ends at the slot's right edge: value {value:?}, slot {label:?}"
    );
    assert!(value.x > label.x + 10.0, "Arabic value is not at the left");

    let natural = Some(passmith_core::model::TextAlignment::Natural);
    let (label, value) = secondary_rects("مرحبا بكم", natural);
    assert!(
        (value.right() - label.right()).abs() < 0.5,
        "PKTextAlignmentNatural behaves like no alignment"
    );

    let (label, value) = secondary_rects("Welcome", None);
    assert!(
        (value.x - label.x).abs() < 0.5,
        "English value starts at the slot's left edge: value {value:?}, slot {label:?}"
    );
    assert!(value.right() < label.right() - 10.0);
}

#[test]
fn explicit_left_alignment_keeps_arabic_at_the_left() {
    let left = Some(passmith_core::model::TextAlignment::Left);
    let (label, value) = secondary_rects("مرحبا بكم", left);
    assert!(
        (value.x - label.x).abs() < 0.5,
        "explicit left wins over the text direction: value {value:?}, slot {label:?}"
    );
    assert!(value.right() < label.right() - 10.0);
}

#[test]
fn a_poster_event_ticket_shows_its_event_ticket_face_and_says_a_poster_face_exists() {
    let mut doc = crate::util::doc(Style::EventTicket, |f| {
        f.primary_fields = Some(vec![passmith_core::model::Field {
            key: "event".into(),
            label: Some("EVENT".into()),
            value: "Harbour Nights".into(),
            ..Default::default()
        }]);
    });
    let plain = passmith_preview::layout(&doc, &RenderOptions::default());
    assert!(
        !plain
            .warnings
            .iter()
            .any(|w| w.code.as_str() == "layout.poster_face")
    );
    doc.pass.preferred_style_schemes = Some(vec!["posterEventTicket".into(), "eventTicket".into()]);
    let lay = passmith_preview::layout(&doc, &RenderOptions::default());
    let poster: Vec<_> = lay
        .warnings
        .iter()
        .filter(|w| w.code.as_str() == "layout.poster_face")
        .collect();
    assert_eq!(poster.len(), 1, "{:?}", lay.warnings);
    assert_eq!(poster[0].path.to_string(), "/preferredStyleSchemes");
    // The fallback face is drawn: the event ticket's fields, as on older iPhones.
    let texts: Vec<String> = lay
        .elements
        .iter()
        .filter_map(|e| match &e.kind {
            passmith_preview::ElementKind::Text { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect();
    assert!(texts.iter().any(|t| t == "Harbour Nights"), "{texts:?}");
}
