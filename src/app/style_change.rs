//! What a style change hides. `Pass::set_style` keeps every field and image in the document;
//! this module works out which of them the new style will not show, so the user is told instead
//! of finding out later (other designers silently wipe style-specific content).

use passmith_core::model::{FieldGroup, Style};
use passmith_core::rules::{self, StyleKey};
use passmith_core::{Finding, PassDocument};

/// The field counts and image lists come from the one source, `passmith_core::rules`.
pub use passmith_core::rules::{capacity, image_names as images};

/// One finding per field `style` would not show: the same code, wording and path that
/// `passmith validate` reports once the style is changed.
pub fn hidden_field_findings(doc: &PassDocument, style: Style) -> Vec<Finding> {
    rules::hidden_in(&doc.pass, style)
        .iter()
        .map(rules::HiddenField::finding)
        .collect()
}

/// One sentence per thing besides fields (images, auxiliary rows, the transit type) that the
/// pass has but `style` will not show. Empty when all of them show.
pub fn hidden_besides_fields(doc: &PassDocument, style: Style) -> Vec<String> {
    let mut out = Vec::new();
    let Some(fields) = doc.pass.fields() else {
        return out;
    };
    if !rules::applies(StyleKey::AuxiliaryRow, style)
        && fields
            .group(FieldGroup::Auxiliary)
            .iter()
            .any(|f| f.row.is_some())
    {
        out.push("Auxiliary field rows (row 0/1) exist only on event tickets; the fields stay in one row".to_owned());
    }
    if !rules::applies(StyleKey::TransitType, style) && fields.transit_type.is_some() {
        out.push("The transit type is only used by boarding passes".to_owned());
    }
    let mut names: Vec<&str> = doc
        .files
        .keys()
        .filter_map(|p| passmith_core::document::parse_image_path(p))
        .map(|(_, name, _)| name)
        .filter(|n| rules::IMAGE_NAMES.contains(n) && !rules::shows_image(style, n))
        .collect();
    names.sort_unstable();
    names.dedup();
    for name in names {
        out.push(format!(
            "The {name} image: {} does not show it (it stays in the pass)",
            passmith_core::words::a_style(style)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use passmith_core::model::{Barcode, BarcodeFormat, Field, PassFields};

    fn event_with(aux: usize) -> PassDocument {
        let mut doc = PassDocument::default();
        let mut f = PassFields::default();
        f.group_mut(FieldGroup::Primary)
            .push(Field::text("event", "EVENT", "Show"));
        f.group_mut(FieldGroup::Secondary)
            .push(Field::text("loc", "LOCATION", "Hall"));
        for i in 0..aux {
            f.group_mut(FieldGroup::Auxiliary)
                .push(Field::text(&format!("a{i}"), "A", "x"));
        }
        doc.pass.event_ticket = Some(f);
        doc.files.insert("background@2x.png".into(), vec![1].into());
        doc
    }

    #[test]
    fn a_generic_pass_hides_the_background_and_extra_fields_under_a_square_barcode() {
        let mut doc = event_with(4);
        assert!(hidden_besides_fields(&doc, Style::EventTicket).is_empty());
        assert!(hidden_field_findings(&doc, Style::EventTicket).is_empty());
        let hidden = hidden_besides_fields(&doc, Style::Generic);
        assert!(
            hidden.iter().any(|h| h.contains("background")),
            "{hidden:?}"
        );
        let a3 = "/generic/auxiliaryFields/3";
        let paths = |doc: &PassDocument| -> Vec<String> {
            hidden_field_findings(doc, Style::Generic)
                .into_iter()
                .map(|f| f.path.to_string())
                .collect()
        };
        assert!(!paths(&doc).iter().any(|p| p == a3), "{hidden:?}");
        doc.pass.barcodes = Some(vec![Barcode::new(BarcodeFormat::Qr, "x")]);
        assert!(paths(&doc).iter().any(|p| p == a3), "{:?}", paths(&doc));
    }

    #[test]
    fn a_second_primary_field_shows_only_on_boarding_passes() {
        let mut doc = event_with(0);
        doc.pass
            .fields_mut()
            .unwrap()
            .group_mut(FieldGroup::Primary)
            .push(Field::text("to", "TO", "SFO"));
        assert!(hidden_field_findings(&doc, Style::BoardingPass).is_empty());
        let hidden = hidden_field_findings(&doc, Style::StoreCard);
        assert_eq!(hidden.len(), 1, "{hidden:?}");
        assert_eq!(hidden[0].path, "/storeCard/primaryFields/1");
        assert!(hidden[0].message.contains("“TO”"), "{}", hidden[0].message);
    }
}
