//! Field dictionaries: keys, formatting options, style-specific keys, and how many fields of each
//! group Wallet actually shows.

use std::collections::HashMap;

use super::{finding, pointer, quote};
use crate::document::PassDocument;
use crate::finding::Finding;
use crate::model::{
    DataDetectorType, DateStyle, Field, FieldGroup, FieldValue, NumberStyle, Pass, PassFields,
    Style, TextAlignment, TransitType,
};

pub(super) fn check(doc: &PassDocument, out: &mut Vec<Finding>) {
    let pass = &doc.pass;
    let mut seen: HashMap<&str, String> = HashMap::new();
    for style in pass.styles_present() {
        let Some(fields) = pass.style_fields(style) else {
            continue;
        };
        transit_type(style, fields, out);
        for (group, i, field) in fields.all_fields() {
            let path = pointer([style.key(), group.key(), &i.to_string()]);
            check_field(style, group, field, &path, out);
            if field.key.is_empty() {
                continue;
            }
            if let Some(first) = seen.get(field.key.as_str()) {
                out.push(finding(
                    "field.key_duplicate",
                    format!("{path}/key"),
                    format!("Two fields use the key {} (the first one is at {first}); every field needs its own key.", quote(&field.key)),
                    "Give this field a different key; keys are never shown to customers.",
                ));
            } else {
                seen.insert(&field.key, path);
            }
        }
        counts(pass, style, fields, out);
    }
}

/// Names the allowed values of a Wallet option that was spelled differently.
fn unknown_option(path: String, what: &str, found: &str, allowed: &[&str], out: &mut Vec<Finding>) {
    out.push(finding(
        "enum.unknown",
        path,
        format!("The {what} {} is not one Wallet knows.", quote(found)),
        format!("Use one of: {}.", allowed.join(", ")),
    ));
}

fn transit_type(style: Style, fields: &PassFields, out: &mut Vec<Finding>) {
    let path = pointer([style.key(), "transitType"]);
    match (&fields.transit_type, style) {
        (None, Style::BoardingPass) => out.push(finding(
            "style.transit_type_missing",
            path,
            "The boarding pass does not say what kind of transport it is for; Wallet refuses it.",
            "Choose a transit type: air, boat, bus, train or generic.",
        )),
        (Some(t), Style::BoardingPass) => {
            if let TransitType::Other(s) = t {
                let allowed: Vec<&str> = TransitType::ALL.iter().map(TransitType::as_str).collect();
                unknown_option(path, "transit type", s, &allowed, out);
            }
        }
        (Some(_), _) => out.push(finding(
            "style.transit_type_not_allowed",
            path,
            format!(
                "A transit type only belongs on boarding passes, not on {}.",
                super::a_style(style)
            ),
            "Remove the transit type, or change the style to boarding pass.",
        )),
        (None, _) => {}
    }
}

fn check_field(style: Style, group: FieldGroup, field: &Field, path: &str, out: &mut Vec<Finding>) {
    let name = field_name(field);
    let cap = super::capitalized(&name);
    if field.key.trim().is_empty() {
        out.push(finding(
            "field.key_missing",
            format!("{path}/key"),
            format!(
                "The {} field {name} has no key.",
                group.label().to_lowercase()
            ),
            "Give the field a short unique key, e.g. “balance”; customers never see it.",
        ));
    }
    if let Some(msg) = &field.change_message
        && !msg.contains("%@")
    {
        out.push(finding(
            "field.change_message",
            format!("{path}/changeMessage"),
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
                format!("{path}/textAlignment"),
                "text alignment",
                s,
                &allowed,
                out,
            );
        } else if matches!(group, FieldGroup::Primary | FieldGroup::Back) {
            out.push(finding(
                "field.alignment_ignored",
                format!("{path}/textAlignment"),
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
            unknown_option(format!("{path}/{key}"), "date/time style", s, &allowed, out);
        }
    }
    match (&field.date_style, &field.time_style) {
        (Some(_), None) | (None, Some(_)) => {
            let (given, other, missing) = if field.date_style.is_some() {
                ("date", "time", "timeStyle")
            } else {
                ("time", "date", "dateStyle")
            };
            out.push(finding(
                "field.date_style_pair",
                format!("{path}/{missing}"),
                format!("{cap} says how to show the {given} but not the {other}, so whether the {other} appears depends on the iPhone."),
                "Set both the date style and the time style (choose “None” to hide one of them).",
            ));
        }
        _ => {}
    }
    if field.is_date() {
        date_value(&field.value, &format!("{path}/value"), &name, out);
    }
    if let Some(ns) = &field.number_style {
        if let NumberStyle::Other(s) = ns {
            let allowed: Vec<&str> = NumberStyle::ALL.iter().map(NumberStyle::as_str).collect();
            unknown_option(
                format!("{path}/numberStyle"),
                "number style",
                s,
                &allowed,
                out,
            );
        } else if !field.value.is_number() {
            number_on_text(format!("{path}/numberStyle"), "number style", &name, out);
        }
    }
    if let Some(code) = &field.currency_code {
        if !(code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase())) {
            out.push(finding(
                "field.currency_code",
                format!("{path}/currencyCode"),
                format!(
                    "The currency {} of {name} is not a three-letter currency code.",
                    quote(code)
                ),
                "Use the ISO 4217 code in capitals, e.g. USD, EUR, GBP.",
            ));
        }
        if !field.value.is_number() {
            number_on_text(format!("{path}/currencyCode"), "currency", &name, out);
        }
    }
    if let Some(row) = field.row {
        if style != Style::EventTicket || group != FieldGroup::Auxiliary {
            out.push(finding(
                "field.row_not_allowed",
                format!("{path}/row"),
                format!(
                    "{cap} has a row number, which only auxiliary fields of event tickets may have."
                ),
                "Remove the row number from this field.",
            ));
        } else if !(0..=1).contains(&row) {
            out.push(finding(
                "field.row_value",
                format!("{path}/row"),
                format!("{cap} is in row {row}; event tickets only have rows 0 and 1."),
                "Set the row to 0 (first row) or 1 (second row).",
            ));
        }
    }
    if let Some(types) = &field.data_detector_types {
        if group != FieldGroup::Back {
            out.push(finding(
                "field.data_detectors_ignored",
                format!("{path}/dataDetectorTypes"),
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
                    format!("{path}/dataDetectorTypes/{j}"),
                    "link detection type",
                    s,
                    &allowed,
                    out,
                );
            }
        }
    }
}

fn number_on_text(path: String, what: &str, name: &str, out: &mut Vec<Finding>) {
    let cap = super::capitalized(name);
    out.push(finding(
        "field.number_format_on_text",
        path,
        format!("{cap} has a {what} but its value is not a number, so Wallet cannot format it."),
        "Enter the value as a plain number (21.75, not “$21.75”), or remove the number formatting.",
    ));
}

fn date_value(value: &FieldValue, path: &str, name: &str, out: &mut Vec<Finding>) {
    let cap = super::capitalized(name);
    let problem = match value {
        FieldValue::Number(_) => Some("it is a number".to_owned()),
        FieldValue::Text(s) => super::parse_w3c_date(s).err().map(|e| e.to_string()),
    };
    if let Some(problem) = problem {
        out.push(finding(
            "date.format",
            path,
            format!(
                "{cap} is shown as a date, but its value {} is not a date iPhones accept: {problem}.",
                quote(&value.to_display_string())
            ),
            format!("Write the date like {} (date, T, time, time zone), or remove the date style.", super::dates::EXAMPLE),
        ));
    }
}

/// How a field is named in messages: its label, else its key.
fn field_name(field: &Field) -> String {
    match (&field.label, field.key.is_empty()) {
        (Some(l), _) if !l.trim().is_empty() => format!("the field {}", quote(l)),
        (_, false) => format!("the field {}", quote(&field.key)),
        _ => "a field".to_owned(),
    }
}

fn counts(pass: &Pass, style: Style, fields: &PassFields, out: &mut Vec<Finding>) {
    let base =
        |group: FieldGroup| move |i: usize| pointer([style.key(), group.key(), &i.to_string()]);
    let limit = |n: usize, group: FieldGroup, out: &mut Vec<Finding>| {
        let list = fields.group(group);
        if list.len() > n {
            let path = base(group);
            let hidden: Vec<(String, &Field)> = list
                .iter()
                .enumerate()
                .skip(n)
                .map(|(i, f)| (path(i), f))
                .collect();
            too_many(
                style,
                &format!("{} {} fields", n, group.label().to_lowercase()),
                &hidden,
                out,
            );
        }
    };
    limit(3, FieldGroup::Header, out);
    limit(
        if style == Style::BoardingPass { 2 } else { 1 },
        FieldGroup::Primary,
        out,
    );
    let square = pass
        .effective_barcodes()
        .first()
        .is_some_and(|b| b.format.is_square());
    match style {
        Style::BoardingPass => {
            limit(4, FieldGroup::Secondary, out);
            limit(5, FieldGroup::Auxiliary, out);
        }
        Style::EventTicket => {
            limit(4, FieldGroup::Secondary, out);
            let path = base(FieldGroup::Auxiliary);
            for row in [0, 1] {
                let in_row: Vec<(String, &Field)> = fields
                    .group(FieldGroup::Auxiliary)
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| {
                        f.row.unwrap_or(0) == row
                            || (row == 0 && !(0..=1).contains(&f.row.unwrap_or(0)))
                    })
                    .map(|(i, f)| (path(i), f))
                    .collect();
                if in_row.len() > 4 {
                    too_many(
                        style,
                        &format!("4 auxiliary fields in row {row}"),
                        &in_row[4..],
                        out,
                    );
                }
            }
        }
        Style::Coupon | Style::StoreCard | Style::Generic if square => {
            let sec = base(FieldGroup::Secondary);
            let aux = base(FieldGroup::Auxiliary);
            let both: Vec<(String, &Field)> = fields
                .group(FieldGroup::Secondary)
                .iter()
                .enumerate()
                .map(|(i, f)| (sec(i), f))
                .chain(
                    fields
                        .group(FieldGroup::Auxiliary)
                        .iter()
                        .enumerate()
                        .map(|(i, f)| (aux(i), f)),
                )
                .collect();
            if both.len() > 4 {
                too_many(
                    style,
                    "4 secondary and auxiliary fields together when the barcode is square (QR or Aztec)",
                    &both[4..],
                    out,
                );
            }
        }
        Style::Coupon | Style::StoreCard | Style::Generic => {
            limit(4, FieldGroup::Secondary, out);
            limit(4, FieldGroup::Auxiliary, out);
        }
    }
}

fn too_many(style: Style, shown: &str, hidden: &[(String, &Field)], out: &mut Vec<Finding>) {
    let Some((first, _)) = hidden.first() else {
        return;
    };
    let names: Vec<String> = hidden
        .iter()
        .map(|(_, f)| field_name(f).trim_start_matches("the field ").to_owned())
        .collect();
    out.push(finding(
        "layout.too_many_fields",
        first.clone(),
        format!(
            "{} shows at most {shown}; Wallet will not show {}: {}.",
            super::capitalized(super::a_style(style)),
            if hidden.len() == 1 {
                "this field"
            } else {
                "these fields"
            },
            names.join(", ")
        ),
        "Remove fields, merge them, or move them to the back of the pass.",
    ));
}
