//! One answer for hidden fields: for every style, with 0 to 6 fields in every group and with a
//! square and a non-square barcode, `passmith validate --json`, the warnings `passmith preview`
//! prints, and the designer's style-change notice name exactly the same hidden fields, with the
//! same code, path and words. All three ask `passmith_core::rules`; this checks the real
//! binaries and the real app agree end to end.

use std::collections::BTreeSet;
use std::path::Path;

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable as _;
use passmith::app::{App, NoticeKind, ScriptedDialogs, templates};
use passmith_core::code::Code;
use passmith_core::model::{Barcode, BarcodeFormat, Field, FieldGroup, Style};
use passmith_core::{Finding, PassDocument};

use crate::util::{harness, os, run};

/// The pass the designer starts from: `source`'s template with `n` fields in every group (on
/// auxiliary fields, alternating rows 0 and 1 when `rows`) and a square or non-square barcode.
fn pass_with(source: Style, n: usize, square: bool, rows: bool) -> PassDocument {
    let mut doc = templates::template(source).expect("a template for every style");
    let fields = doc
        .pass
        .fields_mut()
        .expect("a template has its style's fields");
    for group in FieldGroup::ALL {
        let list = fields.group_mut(group);
        list.clear();
        for i in 0..n {
            let key = format!("{}{i}", group.key());
            let mut field = Field::text(&key, &format!("{} {i}", group.label()), "value");
            if rows && group == FieldGroup::Auxiliary {
                field.row = Some(i64::try_from(i % 2).unwrap());
            }
            list.push(field);
        }
    }
    let format = if square {
        BarcodeFormat::Qr
    } else {
        BarcodeFormat::Pdf417
    };
    doc.pass.barcodes = Some(vec![Barcode::new(format, "HIDDEN-FIELDS")]);
    doc
}

/// The hidden-field findings of `passmith validate --json` for the pass folder `dir`.
fn validate_hidden(dir: &Path) -> Vec<Finding> {
    let (_, stdout, stderr) = run(os!["validate", dir, "--json"]);
    let findings: Vec<Finding> = serde_json::from_str(&stdout)
        .unwrap_or_else(|err| panic!("validate --json: {err}\n{stdout}\n{stderr}"));
    findings
        .into_iter()
        .filter(|f| f.code == Code::LayoutTooManyFields)
        .collect()
}

/// The hidden-field warnings `passmith preview` prints for `dir` (on either stream), verbatim.
fn preview_hidden(dir: &Path, png: &Path) -> BTreeSet<String> {
    let (code, stdout, stderr) = run(os!["preview", dir, "-o", png]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let tag = format!("[{}]", Code::LayoutTooManyFields);
    stdout
        .lines()
        .chain(stderr.lines())
        .filter(|l| l.contains(&tag))
        .map(str::to_owned)
        .collect()
}

/// The findings of the designer's style-change notice after changing `doc` to `target`, and the
/// document as the designer leaves it.
fn notice_hidden(doc: PassDocument, target: Style) -> (Vec<Finding>, PassDocument) {
    let mut app = App::new_for_test(doc, Box::new(ScriptedDialogs::new()));
    app.set_style(target);
    let notice = app
        .notices
        .iter()
        .find(|n| n.title.starts_with("Style changed"))
        .expect("a style change is announced");
    (notice.findings.clone(), app.session.doc.clone())
}

fn sorted(findings: &[Finding]) -> Vec<String> {
    let mut lines: Vec<String> = findings.iter().map(Finding::to_string).collect();
    lines.sort();
    lines
}

#[test]
fn validate_preview_and_the_style_change_notice_name_the_same_hidden_fields() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("front.png");
    let mut cases = 0;
    let mut hidden_total = 0;
    for target in Style::ALL {
        let source = if target == Style::BoardingPass {
            Style::EventTicket
        } else {
            Style::BoardingPass
        };
        let row_variants: &[bool] = if target == Style::EventTicket {
            &[false, true]
        } else {
            &[false]
        };
        for n in 0..=6 {
            for square in [false, true] {
                for &rows in row_variants {
                    let case =
                        format!("{target:?} with {n} per group, square {square}, rows {rows}");
                    let (notice, doc) = notice_hidden(pass_with(source, n, square, rows), target);
                    let folder = dir.path().join(format!("case{cases}.pass"));
                    doc.write_dir(&folder).unwrap();

                    let validate = validate_hidden(&folder);
                    assert_eq!(
                        sorted(&notice),
                        sorted(&validate),
                        "{case}: notice vs validate"
                    );
                    let preview = preview_hidden(&folder, &png);
                    let expected: BTreeSet<String> = sorted(&validate).into_iter().collect();
                    assert_eq!(preview, expected, "{case}: preview vs validate");
                    // Every message is grammatical: "an event ticket", never "a event ticket".
                    for f in &validate {
                        assert!(!f.message.contains("a event"), "{case}: {}", f.message);
                        assert!(!f.message.contains("an generic"), "{case}: {}", f.message);
                    }
                    hidden_total += validate.len();
                    cases += 1;
                }
            }
        }
    }
    assert_eq!(cases, 84);
    // The table is not vacuous: most cases hide something.
    assert!(
        hidden_total > 300,
        "only {hidden_total} hidden fields in {cases} cases"
    );
}

#[test]
fn changing_the_style_in_the_designer_lists_what_validate_reports_and_each_finding_jumps_to_its_field()
 {
    let dialogs = ScriptedDialogs::new();
    let mut h = harness(pass_with(Style::BoardingPass, 4, true, false), &dialogs);
    h.get_by_role_and_label(Role::ComboBox, "Style").click();
    h.run();
    h.get_by_label("Event ticket").click();
    h.run();

    let app = h.state();
    let notice = app
        .notices
        .iter()
        .find(|n| n.title == "Style changed to Event ticket")
        .expect("the style change is announced")
        .clone();
    assert_eq!(notice.kind, NoticeKind::Warning);
    assert!(
        notice
            .lines
            .iter()
            .any(|l| l.contains("not shown by an event ticket")),
        "{:?}",
        notice.lines
    );
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("Changed.pass");
    app.session.doc.write_dir(&folder).unwrap();
    let validate = validate_hidden(&folder);
    assert!(!validate.is_empty());
    assert_eq!(sorted(&notice.findings), sorted(&validate));

    // Each hidden field is on screen, by the words validate uses, and a click opens its editor.
    let first = &notice.findings[0];
    let name = format!("{}: {} ({})", notice.title, first.message, first.path);
    h.get_by_label(&name).scroll_to_me();
    h.run();
    h.get_by_label(&name).click();
    h.run();
    h.run();
    let focused = h.state().focus.focused_path.clone().unwrap_or_default();
    assert!(
        focused.starts_with(&first.path.to_string()),
        "the click jumps to the hidden field's editor: {focused} for {}",
        first.path
    );
}
