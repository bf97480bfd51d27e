//! Field dictionaries: keys, formatting options, style-specific keys, and how many fields of each
//! group Wallet actually shows.

use std::collections::HashMap;

use super::quote;
use crate::code::Code;
use crate::document::PassDocument;
use crate::finding::Finding;
use crate::model::{
    DataDetectorType, DateStyle, Field, FieldGroup, FieldValue, NumberStyle, PassFields, Style,
    TextAlignment, TransitType,
};
use crate::path::PassPath;
use crate::rules::{self, StyleKey};
use crate::words::field_name;

pub(super) fn check(doc: &PassDocument, out: &mut Vec<Finding>) {
    let pass = &doc.pass;
    let mut seen: HashMap<&str, (FieldGroup, PassPath)> = HashMap::new();
    for style in pass.styles_present() {
        let Some(fields) = pass.style_fields(style) else {
            continue;
        };
        transit_type(style, fields, out);
        for (group, i, field) in fields.all_fields() {
            let path = PassPath::field(style, group, i);
            check_field(style, group, field, &path, out);
            if field.key.is_empty() {
                continue;
            }
            if let Some((first_group, first)) = seen.get(field.key.as_str()) {
                out.push(duplicate_key(field, group, *first_group, first, path));
            } else {
                seen.insert(&field.key, (group, path));
            }
        }
        let square = rules::square_barcode(pass);
        out.extend(
            rules::hidden_fields(fields, style, square)
                .iter()
                .map(rules::HiddenField::finding),
        );
    }
}

/// Two fields with one key. Apple requires keys unique across the pass, but passes with the
/// same key twice on the back were really issued and added to iPhones, so between two back
/// fields it is only a warning.
fn duplicate_key(
    field: &Field,
    group: FieldGroup,
    first_group: FieldGroup,
    first: &PassPath,
    path: PassPath,
) -> Finding {
    let both_back = group == FieldGroup::Back && first_group == FieldGroup::Back;
    let code = if both_back {
        Code::FieldKeyDuplicateBack
    } else {
        Code::FieldKeyDuplicate
    };
    Finding::new(
        code,
        path.join("key"),
        format!(
            "Two fields use the key {} (the first one is at {first}); every field needs its own key.",
            quote(&field.key)
        ),
        "Give this field a different key; keys are never shown to customers.",
    )
}

/// Names the allowed values of a Wallet option that was spelled differently.
fn unknown_option(
    path: PassPath,
    what: &str,
    found: &str,
    allowed: &[&str],
    out: &mut Vec<Finding>,
) {
    out.push(Finding::new(
        Code::EnumUnknown,
        path,
        format!("The {what} {} is not one Wallet knows.", quote(found)),
        format!("Use one of: {}.", allowed.join(", ")),
    ));
}

fn transit_type(style: Style, fields: &PassFields, out: &mut Vec<Finding>) {
    let path = PassPath::style(style).join("transitType");
    let required = rules::applies(StyleKey::TransitType, style);
    match (&fields.transit_type, required) {
        (None, true) => out.push(Finding::new(
            Code::StyleTransitTypeMissing,
            path,
            "The boarding pass does not say what kind of transport it is for; Wallet refuses it.",
            "Choose a transit type: air, boat, bus, train or generic.",
        )),
        (Some(t), true) => {
            if let TransitType::Other(s) = t {
                let allowed: Vec<&str> = TransitType::ALL.iter().map(TransitType::as_str).collect();
                unknown_option(path, "transit type", s, &allowed, out);
            }
        }
        (Some(_), false) => out.push(Finding::new(
            Code::StyleTransitTypeNotAllowed,
            path,
            format!(
                "A transit type only belongs on boarding passes, not on {}.",
                super::a_style(style)
            ),
            "Remove the transit type, or change the style to boarding pass.",
        )),
        (None, false) => {}
    }
}

fn check_field(
    style: Style,
    group: FieldGroup,
    field: &Field,
    path: &PassPath,
    out: &mut Vec<Finding>,
) {
    let name = field_name(field);
    let cap = super::capitalized(&name);
    if field.key.trim().is_empty() {
        out.push(Finding::new(
            Code::FieldKeyMissing,
            path.join("key"),
            format!(
                "{cap} ({} fields) has no key.",
                group.label().to_lowercase()
            ),
            "Give the field a short unique key, e.g. “balance”; customers never see it.",
        ));
    }
    if let Some(msg) = &field.change_message
        && !msg.contains("%@")
    {
        out.push(Finding::new(
            Code::FieldChangeMessage,
            path.join("changeMessage"),
            format!("The update message of {name} does not contain %@, so the notification cannot show the new value."),
            "Put %@ where the new value goes, e.g. “Gate changed to %@.”",
        ));
    }
    if let Some(align) = &field.text_alignment {
        if let TextAlignment::Other(s) = align {
            let allowed: Vec<&str> = TextAlignment::ALL
                .iter()
                .map(TextAlignment::as_str)
                .collect();
            unknown_option(
                path.join("textAlignment"),
                "text alignment",
                s,
                &allowed,
                out,
            );
        } else if matches!(group, FieldGroup::Primary | FieldGroup::Back) {
            out.push(Finding::new(
                Code::FieldAlignmentIgnored,
                path.join("textAlignment"),
                format!(
                    "Wallet ignores the alignment of {} fields such as {name}.",
                    group.label().to_lowercase()
                ),
                "Remove the alignment from this field.",
            ));
        }
    }
    for (key, value) in [
        ("dateStyle", &field.date_style),
        ("timeStyle", &field.time_style),
    ] {
        if let Some(DateStyle::Other(s)) = value {
            let allowed: Vec<&str> = DateStyle::ALL.iter().map(DateStyle::as_str).collect();
            unknown_option(path.join(key), "date/time style", s, &allowed, out);
        }
    }
    match (&field.date_style, &field.time_style) {
        (Some(_), None) | (None, Some(_)) => {
            let (given, other, missing) = if field.date_style.is_some() {
                ("date", "time", "timeStyle")
            } else {
                ("time", "date", "dateStyle")
            };
            out.push(Finding::new(
                Code::FieldDateStylePair,
                path.join(missing),
                format!("{cap} says how to show the {given} but not the {other}, so whether the {other} appears depends on the iPhone."),
                "Set both the date style and the time style (choose “None” to hide one of them).",
            ));
        }
        _ => {}
    }
    if field.is_date() {
        date_value(&field.value, path.join("value"), &name, out);
    }
    if let Some(ns) = &field.number_style {
        if let NumberStyle::Other(s) = ns {
            let allowed: Vec<&str> = NumberStyle::ALL.iter().map(NumberStyle::as_str).collect();
            unknown_option(path.join("numberStyle"), "number style", s, &allowed, out);
        } else if !field.value.is_number() {
            number_on_text(path.join("numberStyle"), "number style", &name, out);
        }
    }
    if let Some(code) = &field.currency_code {
        if !(code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase())) {
            out.push(Finding::new(
                Code::FieldCurrencyCode,
                path.join("currencyCode"),
                format!(
                    "The currency {} of {name} is not a three-letter currency code.",
                    quote(code)
                ),
                "Use the ISO 4217 code in capitals, e.g. USD, EUR, GBP.",
            ));
        }
        if !field.value.is_number() {
            number_on_text(path.join("currencyCode"), "currency", &name, out);
        }
    }
    if let Some(row) = field.row {
        if !rules::applies(StyleKey::AuxiliaryRow, style) || group != FieldGroup::Auxiliary {
            out.push(Finding::new(
                Code::FieldRowNotAllowed,
                path.join("row"),
                format!(
                    "{cap} has a row number, which only auxiliary fields of event tickets may have."
                ),
                "Remove the row number from this field.",
            ));
        } else if !(0..=1).contains(&row) {
            out.push(Finding::new(
                Code::FieldRowValue,
                path.join("row"),
                format!("{cap} is in row {row}; event tickets only have rows 0 and 1."),
                "Set the row to 0 (first row) or 1 (second row).",
            ));
        }
    }
    if let Some(types) = &field.data_detector_types {
        if group != FieldGroup::Back {
            out.push(Finding::new(
                Code::FieldDataDetectorsIgnored,
                path.join("dataDetectorTypes"),
                format!("Wallet only turns phone numbers and links into taps on the back of the pass; on {name} this setting does nothing."),
                "Remove the setting, or move the field to the back.",
            ));
        }
        for (j, t) in types.iter().enumerate() {
            if let DataDetectorType::Other(s) = t {
                let allowed: Vec<&str> = DataDetectorType::ALL
                    .iter()
                    .map(DataDetectorType::as_str)
                    .collect();
                unknown_option(
                    path.join("dataDetectorTypes").join(j),
                    "link detection type",
                    s,
                    &allowed,
                    out,
                );
            }
        }
    }
}

fn number_on_text(path: PassPath, what: &str, name: &str, out: &mut Vec<Finding>) {
    let cap = super::capitalized(name);
    out.push(Finding::new(
        Code::FieldNumberFormatOnText,
        path,
        format!("{cap} has a {what} but its value is not a number, so Wallet cannot format it."),
        "Enter the value as a plain number (21.75, not “$21.75”), or remove the number formatting.",
    ));
}

fn date_value(value: &FieldValue, path: PassPath, name: &str, out: &mut Vec<Finding>) {
    let cap = super::capitalized(name);
    let problem = match value {
        FieldValue::Number(_) => Some("it is a number".to_owned()),
        FieldValue::Text(s) => super::parse_w3c_date(s).err().map(|e| e.to_string()),
    };
    if let Some(problem) = problem {
        out.push(Finding::new(
            Code::DateFormat,
            path,
            format!(
                "{cap} is shown as a date, but its value {} is not a date iPhones accept: {problem}.",
                quote(&value.to_display_string())
            ),
            format!("Write the date like {} (date, T, time, time zone), or remove the date style.", crate::time::W3C_EXAMPLE),
        ));
    }
}
