//! What a style change hides. `Pass::set_style` keeps every field and image in the document;
//! this module works out which of them the new style will not show, so the user is told instead
//! of finding out later (other designers silently wipe style-specific content).

use passmith_core::PassDocument;
use passmith_core::model::{FieldGroup, Style};

/// The largest number of fields each front group can show in `style` (Apple's documented counts).
pub fn capacity(style: Style, group: FieldGroup) -> Option<usize> {
    match (style, group) {
        (_, FieldGroup::Header) => Some(3),
        (Style::BoardingPass, FieldGroup::Primary) => Some(2),
        (_, FieldGroup::Primary) => Some(1),
        (_, FieldGroup::Secondary) => Some(4),
        (Style::BoardingPass, FieldGroup::Auxiliary) => Some(5),
        (Style::EventTicket, FieldGroup::Auxiliary) => Some(8),
        (_, FieldGroup::Auxiliary) => Some(4),
        (_, FieldGroup::Back) => None,
        (Style::EventTicket, FieldGroup::AdditionalInfo) => None,
        (_, FieldGroup::AdditionalInfo) => Some(0),
    }
}

/// The images a style shows.
pub fn images(style: Style) -> &'static [&'static str] {
    match style {
        Style::BoardingPass => &["icon", "logo", "footer"],
        Style::Coupon | Style::StoreCard => &["icon", "logo", "strip"],
        Style::EventTicket => &["icon", "logo", "strip", "background", "thumbnail"],
        Style::Generic => &["icon", "logo", "thumbnail"],
    }
}

/// One sentence per thing the pass has but `style` will not show. Empty when everything shows.
pub fn hidden_in(doc: &PassDocument, style: Style) -> Vec<String> {
    let mut out = Vec::new();
    let Some(fields) = doc.pass.fields() else {
        return out;
    };
    let square = doc
        .pass
        .effective_barcodes()
        .first()
        .is_some_and(|b| b.format.is_square());
    for group in FieldGroup::ALL {
        let list = fields.group(group);
        let Some(max) = capacity(style, group) else {
            continue;
        };
        for field in list.iter().skip(max) {
            out.push(format!(
                "{} field \"{}\" ({}): a {} pass shows at most {max} {} field{}",
                group.label(),
                field.key,
                field.label.as_deref().unwrap_or("no label"),
                style.label().to_lowercase(),
                group.label().to_lowercase(),
                if max == 1 { "" } else { "s" },
            ));
        }
    }
    if matches!(style, Style::Coupon | Style::StoreCard | Style::Generic) && square {
        let combined: Vec<_> = fields
            .group(FieldGroup::Secondary)
            .iter()
            .take(4)
            .chain(fields.group(FieldGroup::Auxiliary).iter().take(4))
            .collect();
        for field in combined.iter().skip(4) {
            out.push(format!(
                "Field \"{}\": with a square barcode a {} pass shows at most 4 secondary and auxiliary fields together",
                field.key,
                style.label().to_lowercase()
            ));
        }
    }
    if style != Style::EventTicket
        && fields
            .group(FieldGroup::Auxiliary)
            .iter()
            .any(|f| f.row.is_some())
    {
        out.push("Auxiliary field rows (row 0/1) exist only on event tickets; the fields stay in one row".to_owned());
    }
    if style != Style::BoardingPass && fields.transit_type.is_some() {
        out.push("The transit type is only used by boarding passes".to_owned());
    }
    let shown = images(style);
    let mut names: Vec<&str> = doc
        .files
        .keys()
        .filter_map(|p| passmith_core::document::parse_image_path(p))
        .map(|(_, name, _)| name)
        .filter(|n| {
            !shown.contains(n)
                && ["logo", "icon", "strip", "background", "thumbnail", "footer"].contains(n)
        })
        .collect();
    names.sort_unstable();
    names.dedup();
    for name in names {
        out.push(format!(
            "The {name} image: a {} pass does not show it (it stays in the pass)",
            style.label().to_lowercase()
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
        doc.files.insert("background@2x.png".into(), vec![1]);
        doc
    }

    #[test]
    fn a_generic_pass_hides_the_background_and_extra_fields_under_a_square_barcode() {
        let mut doc = event_with(4);
        assert!(hidden_in(&doc, Style::EventTicket).is_empty());
        let hidden = hidden_in(&doc, Style::Generic);
        assert!(
            hidden.iter().any(|h| h.contains("background")),
            "{hidden:?}"
        );
        assert!(!hidden.iter().any(|h| h.contains("\"a3\"")), "{hidden:?}");
        doc.pass.barcodes = Some(vec![Barcode::new(BarcodeFormat::Qr, "x")]);
        let hidden = hidden_in(&doc, Style::Generic);
        assert!(hidden.iter().any(|h| h.contains("\"a3\"")), "{hidden:?}");
    }

    #[test]
    fn a_second_primary_field_shows_only_on_boarding_passes() {
        let mut doc = event_with(0);
        doc.pass
            .fields_mut()
            .unwrap()
            .group_mut(FieldGroup::Primary)
            .push(Field::text("to", "TO", "SFO"));
        assert!(
            hidden_in(&doc, Style::BoardingPass)
                .iter()
                .all(|h| !h.contains("\"to\""))
        );
        assert!(
            hidden_in(&doc, Style::StoreCard)
                .iter()
                .any(|h| h.contains("\"to\""))
        );
    }
}
