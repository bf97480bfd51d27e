//! The pre-export checklist against the real templates (`sample_passes/`): a template exported
//! unchanged lists its text, its example address and its serial; the user's own text does not.

use passmith_core::PassDocument;
use passmith_core::checklist::{self, NEW_FIELD_LABEL, NEW_FIELD_VALUE};
use passmith_core::code::Code;
use passmith_core::identity::IdentitySummary;
use passmith_core::model::{Field, FieldGroup};

fn template(name: &str) -> PassDocument {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../sample_passes")
        .join(name);
    PassDocument::from_files(passmith_core::folder::read_files(&dir).unwrap()).unwrap()
}

fn templates() -> Vec<PassDocument> {
    [
        "StoreCard.pass",
        "Coupon.pass",
        "EventTicket.pass",
        "Generic.pass",
        "BoardingPass.pass",
    ]
    .into_iter()
    .map(template)
    .collect()
}

fn paths(findings: &[passmith_core::Finding], code: Code) -> Vec<String> {
    findings
        .iter()
        .filter(|f| f.code == code)
        .map(|f| f.path.to_string())
        .collect()
}

#[test]
fn an_unchanged_template_lists_its_text_its_example_address_and_its_serial() {
    let all = templates();
    for doc in &all {
        let found = checklist::check(doc, &all, None);
        assert!(
            found.iter().all(|f| !f.is_error()),
            "the checklist never blocks: {found:?}"
        );
        assert_eq!(
            paths(&found, Code::ChecklistTemplateSerial),
            ["/serialNumber"],
            "{found:?}"
        );
        let text = paths(&found, Code::ChecklistTemplateText);
        assert!(text.contains(&"/description".to_owned()), "{text:?}");
        assert!(text.contains(&"/organizationName".to_owned()), "{text:?}");
        assert!(
            text.iter().any(|p| p.ends_with("/value")),
            "a field value is the template's: {text:?}"
        );
        for f in &found {
            assert!(!f.hint.is_empty() && !f.path.is_empty(), "{f:?}");
        }
    }
    // The store card's back fields hold an example.com address.
    let store = &all[0];
    let found = checklist::check(store, &all, None);
    let placeholders = paths(&found, Code::ChecklistPlaceholderAddress);
    assert!(!placeholders.is_empty(), "{found:?}");
}

#[test]
fn the_users_own_text_is_not_listed_and_new_field_text_is() {
    let all = templates();
    let mut doc = all[0].clone();
    doc.pass.serial_number = "MEMBER-0042".into();
    doc.pass.description = "Hill Café loyalty card".into();
    doc.pass.organization_name = "Hill Café".into();
    let fields = doc.pass.fields_mut().unwrap();
    for group in [
        FieldGroup::Header,
        FieldGroup::Primary,
        FieldGroup::Secondary,
        FieldGroup::Auxiliary,
        FieldGroup::Back,
    ] {
        for f in fields.group_mut(group).iter_mut() {
            f.value = passmith_core::model::FieldValue::Text("Our own words".into());
        }
    }
    fields.group_mut(FieldGroup::Auxiliary).push(Field::text(
        "new",
        NEW_FIELD_LABEL,
        NEW_FIELD_VALUE,
    ));
    let found = checklist::check(&doc, &all, None);
    assert!(paths(&found, Code::ChecklistTemplateSerial).is_empty());
    assert!(
        !paths(&found, Code::ChecklistTemplateText)
            .iter()
            .any(|p| p == "/description" || p.ends_with("/value")),
        "{found:?}"
    );
    let new_text = paths(&found, Code::ChecklistNewFieldText);
    assert_eq!(new_text.len(), 2, "label and value: {new_text:?}");
}

#[test]
fn a_certificate_that_expires_before_the_passs_last_date_is_listed() {
    let all = templates();
    let mut doc = all[0].clone();
    doc.pass.expiration_date = Some("2031-06-01T10:00:00Z".into());
    let cert = IdentitySummary {
        subject: "Pass Type ID: pass.com.example.passmith".into(),
        // 2030-01-01
        not_after: 1_893_456_000,
        ..IdentitySummary::default()
    };
    let found = checklist::check(&doc, &all, Some(&cert));
    let expiry: Vec<_> = found
        .iter()
        .filter(|f| f.code == Code::ChecklistCertificateExpiresFirst)
        .collect();
    assert_eq!(expiry.len(), 1, "{found:?}");
    assert!(
        expiry[0].message.contains("2030-01-01"),
        "{}",
        expiry[0].message
    );
    doc.pass.expiration_date = Some("2029-06-01T10:00:00Z".into());
    let found = checklist::check(&doc, &all, Some(&cert));
    assert!(paths(&found, Code::ChecklistCertificateExpiresFirst).is_empty());
}
