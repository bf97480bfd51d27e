//! How passes, styles and fields are named inside sentences, so every message reads the same
//! (“an event ticket”, “the field “Gate””) wherever it is written.

use crate::model::{Field, Style};

/// Capitalises the first letter, for messages that start with a name (“the field …”).
pub fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// “a store card”, “an event ticket”: a style named inside a sentence.
pub fn a_style(style: Style) -> &'static str {
    match style {
        Style::BoardingPass => "a boarding pass",
        Style::Coupon => "a coupon",
        Style::EventTicket => "an event ticket",
        Style::Generic => "a generic pass",
        Style::StoreCard => "a store card",
    }
}

/// A value shown in a message, shortened so one long value cannot flood the report.
pub fn quote(s: &str) -> String {
    const MAX: usize = 60;
    if s.chars().count() > MAX {
        let short: String = s.chars().take(MAX).collect();
        format!("“{short}…”")
    } else {
        format!("“{s}”")
    }
}

/// How a field is named in messages: “the field “Gate”” (its label, else its key).
pub fn field_name(field: &Field) -> String {
    match (&field.label, field.key.is_empty()) {
        (Some(l), _) if !l.trim().is_empty() => format!("the field {}", quote(l)),
        (_, false) => format!("the field {}", quote(&field.key)),
        _ => "a field".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capitals_and_articles() {
        assert_eq!(capitalized("the field “a”"), "The field “a”");
        assert_eq!(capitalized("élan"), "Élan");
        assert_eq!(capitalized(""), "");
        for style in Style::ALL {
            let a = a_style(style);
            let article = if style == Style::EventTicket {
                "an "
            } else {
                "a "
            };
            assert!(a.starts_with(article), "{a}");
        }
    }
}
