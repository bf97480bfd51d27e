//! A design as a batch template, and how a CSV's columns fill it.
//!
//! pass.json is kept as parsed JSON (the typed model cannot hold `"latitude": "{{lat:number}}"`),
//! and every string in it that holds a placeholder is found once, with its JSON pointer, so a row
//! only rewrites those strings: pass.json is never parsed again per row.
//!
//! - `{{column}}` in any string (pass.json, and the values of each `pass.strings`) is replaced by
//!   the row's cell.
//! - `{{column:number}}` as a whole string becomes a JSON number (a field's value with a
//!   `numberStyle`, a latitude); `{{column:date}}` must be a W3C date (`2026-12-24T20:00:00Z`).
//! - A column named like a field key (`balance`) sets that field's value, keeping its type: this is
//!   how Apple's Pass Builder fills a `.pkpasstemplate`. `serialNumber` sets the serial.
//! - A column named like an image (`thumbnail`, `thumbnail@2x`) names an image file per row,
//!   relative to the CSV's folder.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::document::PassDocument;
use crate::error::Error;
use crate::rules::IMAGE_NAMES;

/// What a placeholder's cell becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Number,
    Date,
}

/// A piece of a string with placeholders.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Column { name: String, kind: Kind },
}

/// Where a placeholder was written, for messages and the designer's mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// A JSON pointer into pass.json (`/storeCard/primaryFields/0/value`).
    PassJson(String),
    /// A value in `<lang>.lproj/pass.strings`.
    Strings { lang: String, key: String },
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Place::PassJson(pointer) => write!(f, "pass.json {pointer}"),
            Place::Strings { lang, key } => write!(f, "{lang}.lproj/pass.strings \"{key}\""),
        }
    }
}

/// A string of the design holding at least one placeholder.
#[derive(Debug, Clone)]
struct Slot {
    place: Place,
    pieces: Vec<Piece>,
}

/// One design, ready to be personalised row by row.
#[derive(Debug, Clone)]
pub struct Template {
    pub(super) pass_json: Value,
    /// Everything but pass.json: strings tables and files (shared by every row's document).
    pub(super) base: PassDocument,
    slots: Vec<Slot>,
}

/// What a column of the CSV is used for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Use {
    /// Fills `{{column}}` placeholders at these places.
    Placeholder(Vec<Place>),
    /// Sets the value of the field with this key (at this JSON pointer).
    Field { pointer: String, number: bool },
    /// Sets the serial number.
    Serial,
    /// Names an image file (`thumbnail@2x.png` in the pass) per row.
    Image { file: String },
}

/// How a CSV's columns map onto a template: the designer shows it before a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    /// For each column (in CSV order), what uses it; empty when nothing does.
    pub columns: Vec<(String, Vec<Use>)>,
    /// Placeholders naming a column the CSV does not have, with where they are written.
    pub missing: Vec<(String, Place)>,
}

impl Mapping {
    /// Columns nothing in the design uses (they still go into manifest.csv).
    pub fn unused(&self) -> impl Iterator<Item = &str> {
        self.columns
            .iter()
            .filter(|(_, uses)| uses.is_empty())
            .map(|(name, _)| name.as_str())
    }
}

impl Template {
    /// A template from a pass folder's files as they are on disk (relative path → bytes).
    pub fn from_files(files: BTreeMap<String, Vec<u8>>) -> Result<Template, Error> {
        let (pass_json, base) = PassDocument::split_files(files)?;
        let bytes = pass_json.ok_or_else(|| Error::NotAPassFolder {
            path: "pass.json".into(),
            reason: "there is no pass.json".to_owned(),
        })?;
        let text = std::str::from_utf8(&bytes).map_err(|e| Error::JsonSyntax {
            file: "pass.json".to_owned(),
            line: 0,
            column: 0,
            message: format!("the file is not UTF-8 text ({e})"),
        })?;
        let pass_json = crate::json::parse_value(text, "pass.json")?;
        Ok(Template::new(pass_json, base))
    }

    /// A template from a document as the designer holds it.
    pub fn from_document(doc: &PassDocument) -> Result<Template, Error> {
        let pass_json = serde_json::to_value(&doc.pass).map_err(|e| Error::JsonType {
            path: "/".to_owned(),
            message: e.to_string(),
        })?;
        let mut base = doc.clone();
        base.pass = crate::model::Pass::default();
        Ok(Template::new(pass_json, base))
    }

    fn new(pass_json: Value, base: PassDocument) -> Template {
        let mut slots = Vec::new();
        collect_slots(&pass_json, &mut String::new(), &mut slots);
        for (lang, table) in &base.localizations {
            for (key, value) in &table.entries {
                if let Some(pieces) = pieces(value) {
                    slots.push(Slot {
                        place: Place::Strings {
                            lang: lang.clone(),
                            key: key.clone(),
                        },
                        pieces,
                    });
                }
            }
        }
        Template {
            pass_json,
            base,
            slots,
        }
    }

    /// The design's strings tables and files, which every row's document shares.
    pub fn base(&self) -> &PassDocument {
        &self.base
    }

    /// Does the pass talk to an update server (so each row needs its own token)?
    pub fn has_web_service(&self) -> bool {
        self.pass_json.get("webServiceURL").is_some()
    }

    /// The template's own serial (generated serials start with it).
    pub fn serial(&self) -> &str {
        self.pass_json
            .get("serialNumber")
            .and_then(Value::as_str)
            .unwrap_or("pass")
    }

    /// Does the serial come from the rows (a placeholder in it)?
    pub(super) fn serial_has_placeholder(&self) -> bool {
        self.slots
            .iter()
            .any(|s| s.place == Place::PassJson("/serialNumber".to_owned()))
    }

    /// How `columns` fill this template.
    pub fn mapping(&self, columns: &[String]) -> Mapping {
        let mut uses: Vec<(String, Vec<Use>)> =
            columns.iter().map(|c| (c.clone(), Vec::new())).collect();
        let mut missing = Vec::new();
        for slot in &self.slots {
            for piece in &slot.pieces {
                let Piece::Column { name, .. } = piece else {
                    continue;
                };
                match uses.iter_mut().find(|(c, _)| c == name) {
                    Some((_, list)) => match list.iter_mut().find_map(|u| match u {
                        Use::Placeholder(places) => Some(places),
                        _ => None,
                    }) {
                        Some(places) if places.contains(&slot.place) => {}
                        Some(places) => places.push(slot.place.clone()),
                        None => list.push(Use::Placeholder(vec![slot.place.clone()])),
                    },
                    None => missing.push((name.clone(), slot.place.clone())),
                }
            }
        }
        let fields = self.field_pointers();
        for (name, list) in &mut uses {
            if name == "serialNumber" {
                list.push(Use::Serial);
            }
            if let Some((pointer, number)) = fields.get(name.as_str()) {
                list.push(Use::Field {
                    pointer: pointer.clone(),
                    number: *number,
                });
            }
            if let Some(file) = image_file(name) {
                list.push(Use::Image { file });
            }
        }
        Mapping {
            columns: uses,
            missing,
        }
    }

    /// Field key → (JSON pointer of its value, is the value a number), over every field list of
    /// the pass's style. The first field with a key wins, as keys must be unique.
    fn field_pointers(&self) -> BTreeMap<&str, (String, bool)> {
        let mut out = BTreeMap::new();
        let Some(object) = self.pass_json.as_object() else {
            return out;
        };
        for style in crate::model::Style::ALL {
            let Some(Value::Object(style_obj)) = object.get(style.key()) else {
                continue;
            };
            for (list_name, list) in style_obj {
                let Value::Array(fields) = list else {
                    continue;
                };
                for (i, field) in fields.iter().enumerate() {
                    if let Some(key) = field.get("key").and_then(Value::as_str) {
                        let pointer =
                            format!("/{}/{}/{i}/value", escape(style.key()), escape(list_name));
                        let number = field.get("value").is_some_and(Value::is_number);
                        out.entry(key).or_insert((pointer, number));
                    }
                }
            }
        }
        out
    }

    /// The template's pass.json with every placeholder filled from `cell` (a column name → its
    /// value in this row), and the strings tables likewise. Errors name the column and why.
    pub(super) fn fill(
        &self,
        cell: &dyn Fn(&str) -> Option<String>,
    ) -> Result<(Value, PassDocument), CellProblem> {
        let mut value = self.pass_json.clone();
        let mut base = self.base.clone();
        for slot in &self.slots {
            let filled = fill_pieces(&slot.pieces, cell)?;
            match &slot.place {
                Place::PassJson(pointer) => {
                    if let Some(target) = value.pointer_mut(pointer) {
                        *target = filled;
                    }
                }
                Place::Strings { lang, key } => {
                    if let (Some(table), Value::String(text)) =
                        (base.localizations.get_mut(lang), &filled)
                    {
                        table.set(key, text);
                    }
                }
            }
        }
        Ok((value, base))
    }
}

/// Why a row's cell could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellProblem {
    pub column: String,
    pub reason: String,
}

fn fill_pieces(
    pieces: &[Piece],
    cell: &dyn Fn(&str) -> Option<String>,
) -> Result<Value, CellProblem> {
    let get = |name: &str| {
        cell(name).ok_or_else(|| CellProblem {
            column: name.to_owned(),
            reason: "the row has no such column".to_owned(),
        })
    };
    if let [
        Piece::Column {
            name,
            kind: Kind::Number,
        },
    ] = pieces
    {
        let text = get(name)?;
        return parse_number(text.trim())
            .map(Value::Number)
            .ok_or_else(|| CellProblem {
                column: name.clone(),
                reason: format!("\"{text}\" is not a number (write it like 1250 or 21.75)"),
            });
    }
    let mut out = String::new();
    for piece in pieces {
        match piece {
            Piece::Text(text) => out.push_str(text),
            Piece::Column { name, kind } => {
                let text = get(name)?;
                if *kind == Kind::Date
                    && let Err(e) = crate::time::parse_w3c_date(text.trim())
                {
                    return Err(CellProblem {
                        column: name.clone(),
                        reason: format!(
                            "\"{text}\" is not a date with a time zone ({e}); write it like 2026-12-24T20:00:00+01:00"
                        ),
                    });
                }
                out.push_str(if *kind == Kind::Text {
                    &text
                } else {
                    text.trim()
                });
            }
        }
    }
    Ok(Value::String(out))
}

/// A cell as a JSON number: integers stay integers.
pub(super) fn parse_number(text: &str) -> Option<serde_json::Number> {
    if let Ok(i) = text.parse::<i64>() {
        return Some(i.into());
    }
    text.parse::<f64>()
        .ok()
        .filter(|f| f.is_finite())
        .and_then(serde_json::Number::from_f64)
}

/// The pass's file name an image column sets (`thumbnail@2x` → `thumbnail@2x.png`).
fn image_file(column: &str) -> Option<String> {
    let stem = column.strip_suffix(".png").unwrap_or(column);
    let base = stem
        .strip_suffix("@2x")
        .or_else(|| stem.strip_suffix("@3x"))
        .unwrap_or(stem);
    IMAGE_NAMES.contains(&base).then(|| format!("{stem}.png"))
}

fn collect_slots(value: &Value, pointer: &mut String, out: &mut Vec<Slot>) {
    match value {
        Value::String(s) => {
            if let Some(pieces) = pieces(s) {
                out.push(Slot {
                    place: Place::PassJson(pointer.clone()),
                    pieces,
                });
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = pointer.len();
                pointer.push_str(&format!("/{i}"));
                collect_slots(item, pointer, out);
                pointer.truncate(len);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&escape(key));
                collect_slots(item, pointer, out);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}

/// JSON pointer escaping of one key (RFC 6901).
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Splits `text` into literal text and `{{column}}` / `{{column:kind}}` placeholders; `None`
/// when it has none. An unknown `:kind` stays literal text, so it shows in the output and the
/// preview rather than vanishing.
fn pieces(text: &str) -> Option<Vec<Piece>> {
    if !text.contains("{{") {
        return None;
    }
    let mut out = Vec::new();
    let mut rest = text;
    let mut found = false;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start + 2..].find("}}") else {
            break;
        };
        let inner = rest[start + 2..start + 2 + len].trim();
        let (name, kind) = match inner.rsplit_once(':') {
            Some((name, "number")) => (name.trim(), Some(Kind::Number)),
            Some((name, "date")) => (name.trim(), Some(Kind::Date)),
            Some((name, "text")) => (name.trim(), Some(Kind::Text)),
            _ => (inner, Some(Kind::Text)),
        };
        let end = start + 2 + len + 2;
        match kind {
            Some(kind) if !name.is_empty() => {
                if start > 0 {
                    out.push(Piece::Text(rest[..start].to_owned()));
                }
                out.push(Piece::Column {
                    name: name.to_owned(),
                    kind,
                });
                found = true;
            }
            _ => out.push(Piece::Text(rest[..end].to_owned())),
        }
        rest = &rest[end..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest.to_owned()));
    }
    found.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_placeholders_with_kinds_and_keeps_other_text() {
        assert_eq!(pieces("plain"), None);
        assert_eq!(pieces("{{}} and {{ }}"), None);
        assert_eq!(
            pieces("Hi {{ name }}, {{points:number}} pts {{open"),
            Some(vec![
                Piece::Text("Hi ".into()),
                Piece::Column {
                    name: "name".into(),
                    kind: Kind::Text
                },
                Piece::Text(", ".into()),
                Piece::Column {
                    name: "points".into(),
                    kind: Kind::Number
                },
                Piece::Text(" pts {{open".into()),
            ])
        );
    }

    #[test]
    fn typed_placeholders_make_numbers_and_check_dates() {
        let cell = |name: &str| match name {
            "n" => Some("21.75".to_owned()),
            "i" => Some("7".to_owned()),
            "bad" => Some("seven".to_owned()),
            "d" => Some("2026-12-24T20:00:00Z".to_owned()),
            "baddate" => Some("24/12/2026".to_owned()),
            _ => None,
        };
        let one = |text: &str| fill_pieces(&pieces(text).unwrap(), &cell);
        assert_eq!(one("{{n:number}}").unwrap(), serde_json::json!(21.75));
        assert_eq!(one("{{i:number}}").unwrap(), serde_json::json!(7));
        assert_eq!(one("{{i:number}} pts").unwrap(), serde_json::json!("7 pts"));
        assert!(
            one("{{bad:number}}")
                .unwrap_err()
                .reason
                .contains("not a number")
        );
        assert_eq!(
            one("{{d:date}}").unwrap(),
            serde_json::json!("2026-12-24T20:00:00Z")
        );
        let err = one("{{baddate:date}}").unwrap_err();
        assert_eq!(err.column, "baddate");
        assert!(err.reason.contains("not a date"), "{}", err.reason);
    }

    #[test]
    fn image_columns_name_wallet_images_only() {
        assert_eq!(image_file("thumbnail").as_deref(), Some("thumbnail.png"));
        assert_eq!(
            image_file("thumbnail@2x").as_deref(),
            Some("thumbnail@2x.png")
        );
        assert_eq!(image_file("member"), None);
    }
}
