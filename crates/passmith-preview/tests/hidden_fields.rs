//! One answer for hidden fields: for the five styles, 0 to 6 fields in every group (together
//! and one group at a time), with a square and a non-square barcode, the hidden-field warnings
//! of the preview's `layout()` are exactly the hidden-field findings of `passmith_core::validate`
//! — same set, same code, same path, same words.

use std::collections::BTreeSet;

use passmith_core::model::{Barcode, BarcodeFormat, Field, FieldGroup, Style};
use passmith_core::{Finding, PassDocument, ValidationContext, validate};
use passmith_preview::{RenderOptions, layout};

use crate::util::doc;

const GROUPS: [FieldGroup; 4] = [
    FieldGroup::Header,
    FieldGroup::Primary,
    FieldGroup::Secondary,
    FieldGroup::Auxiliary,
];

fn pass_with(style: Style, counts: [usize; 4], square: bool) -> PassDocument {
    let mut d = doc(style, |f| {
        for (group, n) in GROUPS.into_iter().zip(counts) {
            for i in 0..n {
                let key = format!("{}{i}", group.key());
                f.group_mut(group).push(Field::text(&key, "L", "v"));
            }
        }
    });
    let format = if square {
        BarcodeFormat::Qr
    } else {
        BarcodeFormat::Pdf417
    };
    d.pass.barcodes = Some(vec![Barcode::new(format, "123")]);
    d
}

/// (code, path, message) of every hidden-field finding.
fn hidden(findings: &[Finding]) -> BTreeSet<(String, String, String)> {
    findings
        .iter()
        .filter(|f| f.code == "layout.too_many_fields")
        .map(|f| (f.code.to_string(), f.path.to_string(), f.message.clone()))
        .collect()
}

#[test]
fn layout_and_validate_report_the_same_hidden_fields() {
    let mut cases: Vec<[usize; 4]> = (0..=6).map(|n| [n; 4]).collect();
    for g in 0..4 {
        for n in 0..=6 {
            let mut c = [1; 4];
            c[g] = n;
            cases.push(c);
        }
    }
    let mut compared = 0;
    for style in Style::ALL {
        for square in [true, false] {
            for counts in &cases {
                let d = pass_with(style, *counts, square);
                let shown = hidden(&layout(&d, &RenderOptions::default()).warnings);
                let validated = hidden(&validate(&d, &ValidationContext::default()));
                assert_eq!(
                    shown, validated,
                    "{style:?}, square barcode {square}, fields {counts:?}"
                );
                compared += usize::from(!validated.is_empty());
            }
        }
    }
    assert!(compared > 50, "only {compared} cases hide anything");
}
