//! `pass.strings` files: Apple's `"key" = "value";` localization tables.
//!
//! Wallet accepts UTF-16 (with a byte-order mark) and UTF-8, and generators in the wild write both,
//! so reading accepts UTF-8 (with or without BOM) and UTF-16 LE/BE (with BOM). A package always
//! gets UTF-16LE with a BOM, the encoding Apple documents (UTF-8 tables have been reported to
//! fail). A saved pass folder keeps each table's original bytes while nobody edited it, so an
//! unedited save changes nothing (comments, encoding and layout stay the user's); only edited
//! tables are re-encoded.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// One localization table, in file order.
///
/// Equality is by entries only: where a table was read from does not make it different.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Strings {
    pub entries: Vec<(String, String)>,
    /// The file this table was read from, if any (shared, so cloning a document stays cheap).
    #[serde(skip)]
    source: Option<Arc<Source>>,
}

/// A table's file as read, and the entries it parsed to: the file is written back as it was for
/// as long as the table still has exactly these entries.
#[derive(Debug)]
struct Source {
    bytes: Vec<u8>,
    entries: Vec<(String, String)>,
}

impl PartialEq for Strings {
    fn eq(&self, other: &Strings) -> bool {
        self.entries == other.entries
    }
}

impl Eq for Strings {}

impl Strings {
    /// A table with these entries, not read from any file.
    pub fn new(entries: Vec<(String, String)>) -> Strings {
        Strings {
            entries,
            source: None,
        }
    }

    /// The bytes this table was read from, while it is unedited (same entries in the same order).
    pub fn original_bytes(&self) -> Option<&[u8]> {
        self.source
            .as_deref()
            .filter(|s| s.entries == self.entries)
            .map(|s| s.bytes.as_slice())
    }

    /// The bytes to save in a pass folder: the original file while the table is unedited, else
    /// UTF-16LE with a BOM.
    pub fn to_saved_bytes(&self) -> Vec<u8> {
        match self.original_bytes() {
            Some(bytes) => bytes.to_vec(),
            None => to_utf16le_bytes(self),
        }
    }

    /// The translation of `key`, if any.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Sets (or adds) a translation.
    pub fn set(&mut self, key: &str, value: &str) {
        if let Some(entry) = self.entries.iter_mut().find(|(k, _)| k == key) {
            entry.1 = value.to_owned();
        } else {
            self.entries.push((key.to_owned(), value.to_owned()));
        }
    }
}

/// Decodes the bytes of a `.strings` file to text, detecting its encoding.
pub fn decode(bytes: &[u8], file: &str) -> Result<String, Error> {
    let bad = |message: &str| Error::Strings {
        file: file.to_owned(),
        line: 0,
        message: message.to_owned(),
    };
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8(rest.to_vec())
            .map_err(|_| bad("the file says it is UTF-8 but is not"));
    }
    let utf16 = |rest: &[u8], le: bool| -> Result<String, Error> {
        if !rest.len().is_multiple_of(2) {
            return Err(bad(
                "the UTF-16 text has an odd number of bytes (the file is cut short)",
            ));
        }
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| {
                if le {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            })
            .collect();
        String::from_utf16(&units).map_err(|_| bad("the UTF-16 text contains invalid characters"))
    };
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, true);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, false);
    }
    // No BOM: UTF-16 text of ASCII keys has a NUL in every other byte.
    if bytes.len() >= 2 && bytes.len().is_multiple_of(2) {
        if bytes[0] != 0 && bytes[1] == 0 {
            return utf16(bytes, true);
        }
        if bytes[0] == 0 && bytes[1] != 0 {
            return utf16(bytes, false);
        }
    }
    String::from_utf8(bytes.to_vec())
        .map_err(|_| bad("the file is neither UTF-8 nor UTF-16 text; save it as UTF-8 or UTF-16"))
}

/// Parses a `.strings` file (any supported encoding).
/// The table remembers `bytes`, to save them unchanged while it is not edited.
pub fn parse(bytes: &[u8], file: &str) -> Result<Strings, Error> {
    let text = decode(bytes, file)?;
    let mut table = parse_text(&text, file)?;
    table.source = Some(Arc::new(Source {
        bytes: bytes.to_vec(),
        entries: table.entries.clone(),
    }));
    Ok(table)
}

/// Parses `.strings` text: `"key" = "value";` entries, `/* */` and `//` comments, C escapes.
pub fn parse_text(text: &str, file: &str) -> Result<Strings, Error> {
    let mut p = Parser {
        chars: text.chars().collect(),
        pos: 0,
        line: 1,
        file,
    };
    let mut entries = Vec::new();
    loop {
        p.skip_trivia()?;
        if p.peek().is_none() {
            break;
        }
        let key = p.token()?;
        p.skip_trivia()?;
        let value = if p.peek() == Some(';') {
            // `"key";` is shorthand for `"key" = "key";`.
            key.clone()
        } else {
            p.expect('=')?;
            p.skip_trivia()?;
            p.token()?
        };
        p.skip_trivia()?;
        p.expect(';')?;
        entries.push((key, value));
    }
    Ok(Strings::new(entries))
}

struct Parser<'a> {
    chars: Vec<char>,
    pos: usize,
    line: usize,
    file: &'a str,
}

impl Parser<'_> {
    fn err(&self, message: String) -> Error {
        Error::Strings {
            file: self.file.to_owned(),
            line: self.line,
            message,
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += 1;
        if c == '\n' {
            self.line += 1;
        }
        Some(c)
    }

    fn expect(&mut self, want: char) -> Result<(), Error> {
        match self.bump() {
            Some(c) if c == want => Ok(()),
            Some(c) => Err(self.err(format!("expected '{want}' but found '{c}'"))),
            None => Err(self.err(format!("expected '{want}' but the file ended"))),
        }
    }

    fn skip_trivia(&mut self) -> Result<(), Error> {
        loop {
            match self.peek() {
                Some(c) if c.is_whitespace() || c == '\u{feff}' => {
                    self.bump();
                }
                Some('/') if self.chars.get(self.pos + 1) == Some(&'*') => {
                    self.pos += 2;
                    loop {
                        match self.bump() {
                            Some('*') if self.peek() == Some('/') => {
                                self.bump();
                                break;
                            }
                            Some(_) => {}
                            None => {
                                return Err(self.err("a /* comment is never closed with */".into()));
                            }
                        }
                    }
                }
                Some('/') if self.chars.get(self.pos + 1) == Some(&'/') => {
                    while let Some(c) = self.peek() {
                        if c == '\n' {
                            break;
                        }
                        self.bump();
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    /// A quoted string, or a bare word (Apple's parser allows unquoted alphanumerics).
    fn token(&mut self) -> Result<String, Error> {
        match self.peek() {
            Some('"') => self.quoted(),
            Some(c) if c.is_alphanumeric() || c == '_' || c == '.' || c == '-' => {
                let mut s = String::new();
                while let Some(c) = self.peek() {
                    if c.is_alphanumeric() || c == '_' || c == '.' || c == '-' {
                        s.push(c);
                        self.bump();
                    } else {
                        break;
                    }
                }
                Ok(s)
            }
            Some(c) => Err(self.err(format!("expected a quoted string but found '{c}'"))),
            None => Err(self.err("expected a quoted string but the file ended".into())),
        }
    }

    fn quoted(&mut self) -> Result<String, Error> {
        self.expect('"')?;
        let mut s = String::new();
        loop {
            match self.bump() {
                Some('"') => return Ok(s),
                Some('\\') => match self.bump() {
                    Some('n') => s.push('\n'),
                    Some('t') => s.push('\t'),
                    Some('r') => s.push('\r'),
                    Some('0') => s.push('\0'),
                    Some('u') | Some('U') => {
                        let hex: String = (0..4).filter_map(|_| self.bump()).collect();
                        let code = u32::from_str_radix(&hex, 16).map_err(|_| {
                            self.err(format!("\\u{hex} is not a valid character escape"))
                        })?;
                        let c = char::from_u32(code).ok_or_else(|| {
                            self.err(format!("\\u{hex} is not a valid character"))
                        })?;
                        s.push(c);
                    }
                    Some(c) => s.push(c),
                    None => return Err(self.err("the file ends inside a string".into())),
                },
                Some(c) => s.push(c),
                None => return Err(self.err("a string is never closed with \"".into())),
            }
        }
    }
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out
}

/// Renders a table as `.strings` text.
pub fn to_text(strings: &Strings) -> String {
    let mut out = String::new();
    for (k, v) in &strings.entries {
        out.push_str(&format!("\"{}\" = \"{}\";\n", escape(k), escape(v)));
    }
    out
}

/// Encodes a table as UTF-16LE with a BOM.
pub fn to_utf16le_bytes(strings: &Strings) -> Vec<u8> {
    let text = to_text(strings);
    let mut out = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        out.extend_from_slice(&unit.to_le_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "/* comment */\n\"Hello\" = \"Bonjour \\\"toi\\\"\";\n// line\n\"Multi\" = \"a\\nb\";\n\"Snow\" = \"\\U2603\";\n";

    fn utf16(text: &str, le: bool, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        if bom {
            out.extend_from_slice(if le { &[0xFF, 0xFE] } else { &[0xFE, 0xFF] });
        }
        for u in text.encode_utf16() {
            out.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
        }
        out
    }

    fn check(s: &Strings) {
        assert_eq!(s.get("Hello"), Some("Bonjour \"toi\""));
        assert_eq!(s.get("Multi"), Some("a\nb"));
        assert_eq!(s.get("Snow"), Some("☃"));
    }

    #[test]
    fn reads_every_encoding() {
        check(&parse(SAMPLE.as_bytes(), "x").unwrap());
        let mut bom8 = vec![0xEF, 0xBB, 0xBF];
        bom8.extend_from_slice(SAMPLE.as_bytes());
        check(&parse(&bom8, "x").unwrap());
        check(&parse(&utf16(SAMPLE, true, true), "x").unwrap());
        check(&parse(&utf16(SAMPLE, false, true), "x").unwrap());
        check(&parse(&utf16(SAMPLE, true, false), "x").unwrap());
    }

    #[test]
    fn writes_utf16le_with_bom_and_round_trips() {
        let s = parse(SAMPLE.as_bytes(), "x").unwrap();
        let bytes = to_utf16le_bytes(&s);
        assert_eq!(&bytes[..2], &[0xFF, 0xFE]);
        assert_eq!(parse(&bytes, "x").unwrap(), s);
    }

    #[test]
    fn errors_name_the_line() {
        let err = parse_text("\"a\" = \"b\";\n\"c\" \"d\";", "fr.lproj/pass.strings").unwrap_err();
        match err {
            Error::Strings { line, file, .. } => {
                assert_eq!(line, 2);
                assert_eq!(file, "fr.lproj/pass.strings");
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}
