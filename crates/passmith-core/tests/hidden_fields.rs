//! One answer for hidden fields: for every style, 0 to 6 fields in every group, with a square and
//! a non-square barcode (and event-ticket fields in one or two rows), `validate` and the rules
//! function the preview and the designer call report exactly the same hidden fields — same code,
//! same path, same words — and as many as Apple's documented counts say.

use std::collections::BTreeSet;

use passmith_core::model::{Barcode, BarcodeFormat, Field, FieldGroup, PassFields, Style};
use passmith_core::{PassDocument, ValidationContext, rules, validate};

/// A pass of `style` with `n` fields in every group.
fn pass_with(style: Style, n: usize, square: bool, two_rows: bool) -> PassDocument {
    let mut fields = PassFields::default();
    for group in FieldGroup::ALL {
        for i in 0..n {
            let mut f = Field::text(&format!("{}{i}", group.key()), &format!("L{i}"), "v");
            if two_rows && group == FieldGroup::Auxiliary && style == Style::EventTicket {
                f.row = Some((i % 2) as i64);
            }
            fields.group_mut(group).push(f);
        }
    }
    if style == Style::BoardingPass {
        fields.transit_type = Some(passmith_core::model::TransitType::Train);
    }
    let mut doc = PassDocument::default();
    doc.pass.set_style(style);
    *doc.pass.fields_mut().unwrap() = fields;
    let format = if square {
        BarcodeFormat::Qr
    } else {
        BarcodeFormat::Pdf417
    };
    doc.pass.barcodes = Some(vec![Barcode::new(format, "123")]);
    doc
}

/// How many fields Apple's documented counts hide (wallet-pass-format.md §2; the coupon and store
/// card's one shared row from wallet-rendering.md §3), computed independently of `rules`.
fn documented_hidden(style: Style, n: usize, square: bool, two_rows: bool) -> usize {
    let over = |count: usize, max: usize| count.saturating_sub(max);
    let header = over(n, 3);
    let primary = over(n, if style == Style::BoardingPass { 2 } else { 1 });
    let front = match style {
        Style::BoardingPass => over(n, 4) + over(n, 5),
        Style::EventTicket => {
            let row1 = if two_rows { n / 2 } else { 0 };
            over(n, 4) + over(n - row1, 4) + over(row1, 4)
        }
        Style::Coupon | Style::StoreCard => over(2 * n, 4),
        Style::Generic if square => over(2 * n, 4),
        Style::Generic => over(n, 4) + over(n, 4),
    };
    let additional = if style == Style::EventTicket { 0 } else { n };
    header + primary + front + additional
}

type Answer = BTreeSet<(String, String, String)>;

fn answer<'a>(findings: impl IntoIterator<Item = &'a passmith_core::Finding>) -> Answer {
    findings
        .into_iter()
        .filter(|f| f.code == rules::HIDDEN_FIELD_CODE)
        .map(|f| (f.code.to_string(), f.path.to_string(), f.message.clone()))
        .collect()
}

#[test]
fn validate_and_the_rules_hide_the_same_fields_for_every_style_and_count() {
    let mut checked = 0;
    for style in Style::ALL {
        for n in 0..=6 {
            for square in [false, true] {
                for two_rows in [false, true] {
                    let doc = pass_with(style, n, square, two_rows);
                    let case =
                        format!("{style:?}, {n} per group, square {square}, two rows {two_rows}");
                    let validated = answer(&validate(&doc, &ValidationContext::default()));
                    let ruled = answer(&rules::hidden_field_findings(&doc.pass));
                    assert_eq!(validated, ruled, "{case}");
                    assert_eq!(
                        validated.len(),
                        documented_hidden(style, n, square, two_rows),
                        "{case}: {validated:#?}"
                    );
                    // One finding per hidden field, each at that field's own path.
                    let paths: BTreeSet<&String> = validated.iter().map(|(_, p, _)| p).collect();
                    assert_eq!(paths.len(), validated.len(), "{case}");
                    for (_, path, message) in &validated {
                        grammar(style, message, &case);
                        let field_path = path.rsplit_once('/').map(|(group, _)| group);
                        assert!(
                            field_path
                                .is_some_and(|g| g.starts_with(&format!("/{}/", style.key()))),
                            "{case}: {path}"
                        );
                    }
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 5 * 7 * 2 * 2);
}

/// The designer announces, before a style change, what validation says after it.
#[test]
fn the_style_change_notice_says_what_validation_says_after_the_change() {
    for from in Style::ALL {
        for to in Style::ALL {
            for square in [false, true] {
                let doc = pass_with(from, 5, square, true);
                let announced = answer(
                    &rules::hidden_in(&doc.pass, to)
                        .iter()
                        .map(rules::HiddenField::finding)
                        .collect::<Vec<_>>(),
                );
                let mut changed = doc.clone();
                changed.pass.set_style(to);
                let validated = answer(&validate(&changed, &ValidationContext::default()));
                assert_eq!(announced, validated, "{from:?} → {to:?}, square {square}");
            }
        }
    }
}

fn grammar(style: Style, message: &str, case: &str) {
    let article = if style == Style::EventTicket {
        "An "
    } else {
        "A "
    };
    assert!(message.starts_with(article), "{case}: {message}");
    for wrong in [
        " a event",
        "A event",
        " an store",
        " an coupon",
        " 1 primary fields",
    ] {
        assert!(!message.contains(wrong), "{case}: {message}");
    }
    assert!(message.ends_with('.'), "{case}: {message}");
}
