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

/// What reads wrongly in a sentence a user will see: a word written twice in a row ("the the"),
/// or "a" before a vowel sound and "an" before a consonant ("a event", "an pass"). Quoted
/// values (“…”), file names and codes are not prose and are skipped. Used by the tests that read
/// every finding's message and hint.
pub fn prose_problems(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let prose = strip_quoted(text);
    let words: Vec<&str> = prose
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':' | '(' | ')'))
        .filter(|w| !w.is_empty())
        .collect();
    for triple in words.windows(3) {
        // "the primary field the field …": a noun named twice around "the".
        let (a, the, b) = (triple[0], triple[1], triple[2]);
        if the.eq_ignore_ascii_case("the") && a.len() > 2 && a.eq_ignore_ascii_case(b) {
            out.push(format!("\"{a} {the} {b}\": said twice"));
        }
    }
    for pair in words.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let plain = |w: &str| {
            w.chars().any(char::is_alphabetic) && w.chars().all(|c| c.is_alphabetic() || c == '\'')
        };
        if plain(a) && plain(b) && a.eq_ignore_ascii_case(b) && !a.ends_with('.') {
            out.push(format!("\"{a} {b}\": a word twice"));
        }
        if !plain(b) || b.chars().all(|c| c.is_uppercase()) {
            // Numbers, names like `icon.png`, and abbreviations (an SVG, a URL) are left alone.
            continue;
        }
        let lower = b.to_lowercase();
        let vowel_sound = starts_with_vowel_sound(&lower);
        match a {
            "a" | "A" if vowel_sound => out.push(format!("\"{a} {b}\": should be \"an\"")),
            "an" | "An" if !vowel_sound => out.push(format!("\"{a} {b}\": should be \"a\"")),
            _ => {}
        }
    }
    out
}

/// `word` with "a" or "an" before it, by how it is said: "an Aztec", "a QR", "an SVG", "a URL".
pub fn with_article(word: &str) -> String {
    let an = if word.len() > 1
        && word
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        // An abbreviation is said letter by letter: "an SVG", "a PDF417".
        word.starts_with(['A', 'E', 'F', 'H', 'I', 'L', 'M', 'N', 'O', 'R', 'S', 'X'])
    } else {
        starts_with_vowel_sound(&word.to_lowercase())
    };
    format!("{} {word}", if an { "an" } else { "a" })
}

/// Whether a lower-case word is said starting with a vowel (English spelling with the common
/// exceptions: "an hour", "a unit", "a one-off", and "an https address", said letter by letter).
fn starts_with_vowel_sound(word: &str) -> bool {
    const VOWEL_SOUND: [&str; 5] = ["hour", "honest", "heir", "http", "html"];
    const CONSONANT_SOUND: [&str; 6] = ["uni", "use", "usu", "eu", "one", "once"];
    if VOWEL_SOUND.iter().any(|p| word.starts_with(p)) {
        return true;
    }
    if CONSONANT_SOUND.iter().any(|p| word.starts_with(p)) {
        return false;
    }
    word.starts_with(['a', 'e', 'i', 'o', 'u'])
}

/// `text` with “quoted values”, "quoted values" and `code` removed.
fn strip_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut closing: Option<char> = None;
    for c in text.chars() {
        match closing {
            Some(end) if c == end => {
                closing = None;
                out.push_str(" QUOTED ");
            }
            Some(_) => {}
            None => match c {
                '“' => closing = Some('”'),
                '"' => closing = Some('"'),
                '`' => closing = Some('`'),
                _ => out.push(c),
            },
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubled_words_and_wrong_articles_are_found_outside_quotes() {
        assert_eq!(
            prose_problems("The primary field the field has no key").len(),
            1
        );
        assert_eq!(prose_problems("Add the the label").len(), 1);
        assert_eq!(prose_problems("This is a event ticket pass").len(), 1);
        assert_eq!(prose_problems("It is an pass").len(), 1);
        assert!(
            prose_problems("an hour, a unit, an SVG, a URL, an image, a logo, an https address")
                .is_empty()
        );
        assert!(prose_problems("expected ';' but found '\"'").is_empty());
        assert!(prose_problems("The value “the the” is quoted; a “event” too").is_empty());
    }

    #[test]
    fn articles_follow_the_sound() {
        assert_eq!(with_article("Aztec"), "an Aztec");
        assert_eq!(with_article("QR"), "a QR");
        assert_eq!(with_article("PDF417"), "a PDF417");
        assert_eq!(with_article("SVG"), "an SVG");
        assert_eq!(with_article("Code 128"), "a Code 128");
        assert_eq!(with_article("event ticket"), "an event ticket");
    }

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
