//! A checker for Google Wallet JSON against Google's own discovery document for the Wallet API
//! (`tests/fixtures/google/walletobjects.v1.json`, from the PyPI package
//! `google-api-python-client`).
//!
//! It walks a class or object with its schema: every key must exist in that schema (following
//! `$ref`s), with the right JSON type (`int64` is a string in discovery documents), an enum
//! value the schema lists and does not mark deprecated, and no deprecated key; every property
//! whose description begins "Required." must be present; and `id` / `classId` must be
//! `issuerId.identifier` with the characters Google allows.

use serde_json::{Map, Value};

/// The discovery document's schemas.
pub struct Discovery {
    schemas: Map<String, Value>,
}

impl Discovery {
    /// Reads `tests/fixtures/google/walletobjects.v1.json`.
    pub fn load() -> Discovery {
        let path = crate::fixtures().join("google/walletobjects.v1.json");
        let doc: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        Discovery {
            schemas: doc["schemas"].as_object().unwrap().clone(),
        }
    }

    /// Whether the document has a schema named `name` (`LoyaltyClass`).
    pub fn has_schema(&self, name: &str) -> bool {
        self.schemas.contains_key(name)
    }

    /// Every problem of `value` as a `schema` (`LoyaltyClass`), one line each; empty when it
    /// conforms.
    pub fn check(&self, schema: &str, value: &Value) -> Vec<String> {
        let mut problems = Vec::new();
        match self.schemas.get(schema) {
            Some(def) => self.object(schema, def, value, "", &mut problems),
            None => problems.push(format!("no schema {schema}")),
        }
        for key in ["id", "classId"] {
            if let Some(id) = value.get(key) {
                let ok = id.as_str().is_some_and(|id| {
                    id.split_once('.').is_some_and(|(issuer, rest)| {
                        !issuer.is_empty()
                            && issuer.bytes().all(|b| b.is_ascii_digit())
                            && !rest.is_empty()
                            && rest
                                .bytes()
                                .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
                    })
                });
                if !ok {
                    problems.push(format!("/{key}: {id} is not issuerId.identifier"));
                }
            }
        }
        problems
    }

    fn object(&self, name: &str, def: &Value, v: &Value, at: &str, out: &mut Vec<String>) {
        let Some(obj) = v.as_object() else {
            out.push(format!("{at}: {v} is not an object ({name})"));
            return;
        };
        let Some(props) = def["properties"].as_object() else {
            if let Some(extra) = def.get("additionalProperties") {
                for (k, item) in obj {
                    self.value(extra, item, &format!("{at}/{k}"), out);
                }
            }
            return;
        };
        for (k, item) in obj {
            match props.get(k) {
                Some(prop) => {
                    if prop["deprecated"] == Value::Bool(true) {
                        out.push(format!("{at}/{k}: deprecated in {name}"));
                    }
                    self.value(prop, item, &format!("{at}/{k}"), out);
                }
                None => out.push(format!("{at}/{k}: no such key in {name}")),
            }
        }
        for (k, prop) in props {
            let required = prop["description"]
                .as_str()
                .is_some_and(|d| d.starts_with("Required."));
            if required && !obj.contains_key(k) {
                out.push(format!("{at}/{k}: required by {name}, missing"));
            }
        }
    }

    fn value(&self, def: &Value, v: &Value, at: &str, out: &mut Vec<String>) {
        if let Some(r) = def["$ref"].as_str() {
            match self.schemas.get(r) {
                Some(schema) => self.object(r, schema, v, at, out),
                None => out.push(format!("{at}: unknown schema {r}")),
            }
            return;
        }
        let ty = def["type"].as_str().unwrap_or("any");
        let ok = match ty {
            "string" => v.is_string(),
            "boolean" => v.is_boolean(),
            "integer" => v.is_i64() || v.is_u64(),
            "number" => v.is_number(),
            "array" => v.is_array(),
            "object" => v.is_object(),
            _ => true,
        };
        if !ok {
            out.push(format!("{at}: {v} is not of type {ty}"));
            return;
        }
        if let (Some(values), Some(s)) = (def["enum"].as_array(), v.as_str()) {
            match values.iter().position(|e| e == s) {
                None => out.push(format!("{at}: {s:?} is not one of {values:?}")),
                Some(i) if def["enumDeprecated"][i] == Value::Bool(true) => {
                    out.push(format!("{at}: {s:?} is a deprecated enum value"))
                }
                Some(_) => {}
            }
        }
        match ty {
            "array" => {
                for (i, item) in v.as_array().into_iter().flatten().enumerate() {
                    self.value(&def["items"], item, &format!("{at}/{i}"), out);
                }
            }
            "object" => self.object("object", def, v, at, out),
            _ => {}
        }
    }
}
