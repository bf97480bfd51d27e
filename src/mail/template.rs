//! `{{column}}` placeholders in a subject or body, filled from one manifest row.
//!
//! Deliberately tiny: `{{ name }}` (spaces inside are allowed) is replaced by the row's value of
//! column `name`; a `{{` without a closing `}}` stays as written. Every placeholder must name a
//! column of the manifest, checked once before anything is sent ([`Template::check`]).

use super::MailError;

/// Which template a placeholder is in, for error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Subject,
    Text,
    Html,
}

impl std::fmt::Display for Part {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Part::Subject => "the subject",
            Part::Text => "the text body",
            Part::Html => "the HTML body",
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Column(String),
}

/// A parsed subject or body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    part: Part,
    pieces: Vec<Piece>,
}

impl Template {
    pub fn parse(part: Part, text: &str) -> Template {
        let mut pieces = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find("{{") {
            let after = &rest[start + 2..];
            let Some(len) = after.find("}}") else {
                break;
            };
            let name = after[..len].trim();
            let end = start + 2 + len + 2;
            if name.is_empty() {
                pieces.push(Piece::Text(rest[..end].to_owned()));
            } else {
                if start > 0 {
                    pieces.push(Piece::Text(rest[..start].to_owned()));
                }
                pieces.push(Piece::Column(name.to_owned()));
            }
            rest = &rest[end..];
        }
        if !rest.is_empty() {
            pieces.push(Piece::Text(rest.to_owned()));
        }
        Template { part, pieces }
    }

    /// The column names used, in order of first use.
    pub fn columns(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for piece in &self.pieces {
            if let Piece::Column(name) = piece
                && !out.contains(&name.as_str())
            {
                out.push(name);
            }
        }
        out
    }

    /// An error naming the first placeholder that is not one of `columns`.
    pub fn check(&self, columns: &[String]) -> Result<(), MailError> {
        for name in self.columns() {
            if !columns.iter().any(|c| c == name) {
                return Err(MailError::UnknownPlaceholder {
                    placeholder: name.to_owned(),
                    part: self.part,
                    columns: columns.join(", "),
                });
            }
        }
        Ok(())
    }

    /// The text with each placeholder replaced by `value(column)` (a column [`check`] did not
    /// see is left empty), each value passed through `escape` first.
    ///
    /// [`check`]: Template::check
    pub fn fill<'a>(
        &self,
        value: impl Fn(&str) -> Option<&'a str>,
        escape: impl Fn(&str) -> String,
    ) -> String {
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Column(name) => out.push_str(&escape(value(name).unwrap_or(""))),
            }
        }
        out
    }
}

/// A value as HTML text: `<`, `>`, `&` and quotes escaped, so a name cannot inject markup.
pub fn escape_html(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A value for a header: line breaks become spaces (a header is one logical line).
pub fn one_line(value: &str) -> String {
    value
        .chars()
        .map(|c| if c == '\r' || c == '\n' { ' ' } else { c })
        .collect()
}

/// A value as it is.
pub fn verbatim(value: &str) -> String {
    value.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn placeholders_are_filled_and_spaces_inside_are_allowed() {
        let t = Template::parse(Part::Subject, "Your pass, {{ name }} ({{serial}}) {{name}}");
        assert_eq!(t.columns(), vec!["name", "serial"]);
        let filled = t.fill(
            |c| match c {
                "name" => Some("Zoë"),
                "serial" => Some("S1"),
                _ => None,
            },
            verbatim,
        );
        assert_eq!(filled, "Your pass, Zoë (S1) Zoë");
    }

    #[test]
    fn unclosed_and_empty_braces_stay_literal() {
        let t = Template::parse(Part::Text, "a {{}} b {{open");
        assert!(t.columns().is_empty());
        assert_eq!(t.fill(|_| None, verbatim), "a {{}} b {{open");
    }

    #[test]
    fn an_unknown_placeholder_names_the_column_and_the_part() {
        let t = Template::parse(Part::Html, "<p>{{nmae}}</p>");
        let err = t.check(&cols(&["email", "name"])).unwrap_err().to_string();
        assert!(err.contains("{{nmae}}"), "{err}");
        assert!(err.contains("the HTML body"), "{err}");
        assert!(err.contains("email, name"), "{err}");
    }

    #[test]
    fn html_values_are_escaped_and_header_values_are_one_line() {
        assert_eq!(escape_html("<b>&\"'"), "&lt;b&gt;&amp;&quot;&#39;");
        assert_eq!(one_line("a\r\nb"), "a  b");
    }
}
