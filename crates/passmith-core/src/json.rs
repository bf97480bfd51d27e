//! Reading `pass.json` the way Wallet does, and writing it strictly.
//!
//! Apple's own BoardingPass sample has a trailing comma and other generators leave `//` comments in,
//! and Wallet accepts both, so reading blanks out comments and trailing commas before handing the
//! text to `serde_json`. Blanking (rather than deleting) keeps every line and column where it was,
//! so a syntax error still points at the right spot in the user's file. Output is always strict JSON.

use crate::error::Error;
use crate::model::Pass;

/// Replaces comments and trailing commas with spaces, leaving strings untouched.
pub fn strip_lenient_syntax(text: &str) -> String {
    scan(text).0
}

/// The line (from 1) of the first `//` or `/* */` comment outside strings, if any. Wallet's
/// parser (NSJSONSerialization) does not take comments, so validation warns about them.
pub fn first_comment_line(text: &str) -> Option<usize> {
    scan(text).1
}

/// [`strip_lenient_syntax`]'s text, and where the first comment was.
fn scan(text: &str) -> (String, Option<usize>) {
    let bytes = text.as_bytes();
    let mut out: Vec<u8> = bytes.to_vec();
    let mut i = 0;
    let mut in_string = false;
    // Position of the last comma outside strings that has only whitespace/comments after it so far.
    let mut pending_comma: Option<usize> = None;
    let mut first_comment: Option<usize> = None;
    let mut note_comment = |at: usize| {
        first_comment
            .get_or_insert_with(|| 1 + bytes[..at].iter().filter(|&&b| b == b'\n').count());
    };
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        match b {
            b'"' => {
                in_string = true;
                pending_comma = None;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                note_comment(i);
                while i < bytes.len() && bytes[i] != b'\n' {
                    out[i] = b' ';
                    i += 1;
                }
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                note_comment(i);
                let start = i;
                i += 2;
                while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                let end = (i + 2).min(bytes.len());
                for (j, slot) in out.iter_mut().enumerate().take(end).skip(start) {
                    if bytes[j] != b'\n' {
                        *slot = b' ';
                    }
                }
                i = end;
                continue;
            }
            b',' => pending_comma = Some(i),
            b'}' | b']' => {
                if let Some(c) = pending_comma.take() {
                    out[c] = b' ';
                }
            }
            b' ' | b'\t' | b'\r' | b'\n' => {}
            _ => pending_comma = None,
        }
        i += 1;
    }
    // Only ASCII bytes were replaced by ASCII spaces, so the text is still valid UTF-8.
    let text = String::from_utf8(out)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    (text, first_comment)
}

/// Parses pass.json text leniently into a JSON value.
pub fn parse_value(text: &str, file: &str) -> Result<serde_json::Value, Error> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let cleaned = strip_lenient_syntax(text);
    serde_json::from_str(&cleaned).map_err(|e| Error::JsonSyntax {
        file: file.to_owned(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })
}

/// Parses pass.json bytes (UTF-8, optionally with a BOM) leniently into the typed model.
pub fn parse_pass(bytes: &[u8]) -> Result<Pass, Error> {
    let text = std::str::from_utf8(bytes).map_err(|e| Error::JsonSyntax {
        file: "pass.json".to_owned(),
        line: 0,
        column: 0,
        message: format!("the file is not UTF-8 text ({e})"),
    })?;
    let value = parse_value(text, "pass.json")?;
    pass_from_value(value)
}

/// Converts a JSON value into the typed model, naming the JSON path of any type mismatch.
pub fn pass_from_value(value: serde_json::Value) -> Result<Pass, Error> {
    if !value.is_object() {
        return Err(Error::JsonType {
            path: "/".to_owned(),
            message: "pass.json must contain a JSON object ({ … })".to_owned(),
        });
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = json_pointer(&e.path().to_string());
        Error::JsonType {
            path,
            message: e.inner().to_string(),
        }
    })
}

/// Turns serde_path_to_error's `a.b[0].c` into a JSON pointer `/a/b/0/c`.
fn json_pointer(dotted: &str) -> String {
    if dotted == "." || dotted.is_empty() {
        return "/".to_owned();
    }
    let mut out = String::new();
    for part in dotted.split('.') {
        let mut rest = part;
        if let Some(idx) = rest.find('[') {
            out.push('/');
            out.push_str(&rest[..idx]);
            rest = &rest[idx..];
            for seg in rest.split('[').filter(|s| !s.is_empty()) {
                out.push('/');
                out.push_str(seg.trim_end_matches(']'));
            }
        } else {
            out.push('/');
            out.push_str(rest);
        }
    }
    out
}

/// Strict, pretty JSON for pass.json.
pub fn to_pretty_bytes(pass: &Pass) -> Result<Vec<u8>, Error> {
    let mut out = serde_json::to_vec_pretty(pass).map_err(|e| Error::JsonType {
        path: "/".to_owned(),
        message: e.to_string(),
    })?;
    out.push(b'\n');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_commas_and_comments_are_accepted() {
        let text = "{\n // a comment\n \"a\": [1, 2,],\n /* block\n comment */ \"b\": \"x, }\",\n}";
        let v = parse_value(text, "pass.json").unwrap();
        assert_eq!(v["a"][1], 2);
        assert_eq!(v["b"], "x, }");
    }

    #[test]
    fn syntax_errors_keep_line_and_column() {
        let text = "{\n  // fine\n  \"a\": 1,\n  \"b\" 2\n}";
        match parse_value(text, "pass.json") {
            Err(Error::JsonSyntax { line, column, .. }) => {
                assert_eq!(line, 4);
                assert_eq!(column, 7);
            }
            other => panic!("expected a syntax error, got {other:?}"),
        }
    }

    #[test]
    fn type_errors_name_the_json_path() {
        let v = serde_json::json!({"barcodes": [{"format": "PKBarcodeFormatQR", "message": 12}]});
        match pass_from_value(v) {
            Err(Error::JsonType { path, .. }) => assert_eq!(path, "/barcodes/0/message"),
            other => panic!("expected a type error, got {other:?}"),
        }
    }
}
