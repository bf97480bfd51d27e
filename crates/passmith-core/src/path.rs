//! Typed places in a pass: what a [`crate::Finding`] points at.
//!
//! A [`PassPath`] is built from typed parts (a field by style, group and index; a barcode; a
//! top-level key; a file) and displays as the RFC 6901 JSON pointer into pass.json that
//! `passmith validate --json` prints (`/storeCard/secondaryFields/2/textAlignment`), or as the
//! file's name (`icon.png`). It knows which inspector [`Section`] edits it, so no front end
//! parses pointers back by string matching. Depends only on the model's style and group names.

use serde::{Deserialize, Serialize};

use crate::model::{FieldGroup, Style};

/// A place in a pass.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PassPath {
    /// Nowhere in particular (printed as an empty string).
    Nowhere,
    /// pass.json as a whole (`/`).
    Pass,
    /// A top-level key of pass.json and what is under it: `/backgroundColor`,
    /// `/relevantDates/0/endDate`.
    Key { key: String, rest: Vec<String> },
    /// A style dictionary, or a key in it other than the field lists: `/generic`,
    /// `/boardingPass/transitType`.
    Style { style: Style, rest: Vec<String> },
    /// A field, or a key of it: `/eventTicket/auxiliaryFields/8`, `…/2/textAlignment`.
    Field {
        style: Style,
        group: FieldGroup,
        index: usize,
        rest: Vec<String>,
    },
    /// A barcode of `barcodes` (`index` given) or the legacy `barcode` (`None`), or a key of it.
    Barcode {
        index: Option<usize>,
        rest: Vec<String>,
    },
    /// A file of the pass: `icon.png`, `fr.lproj/logo@2x.png`, `fr.lproj/pass.strings`.
    File(String),
    /// The signing certificate.
    Certificate,
    /// The package's `signature` file.
    Signature,
}

/// The inspector section whose editor shows a place (the designer maps it to its panels).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Section {
    Info,
    Appearance,
    Fields,
    Barcodes,
    Relevance,
    AppLink,
    WebService,
    Images,
    Localizations,
    Advanced,
}

impl PassPath {
    /// A top-level key of pass.json.
    pub fn key(key: &str) -> PassPath {
        PassPath::parse_segments(vec![key.to_owned()])
    }

    /// A field of `style`'s `group`.
    pub fn field(style: Style, group: FieldGroup, index: usize) -> PassPath {
        PassPath::Field {
            style,
            group,
            index,
            rest: Vec::new(),
        }
    }

    /// A style dictionary.
    pub fn style(style: Style) -> PassPath {
        PassPath::Style {
            style,
            rest: Vec::new(),
        }
    }

    /// Barcode `index` of `barcodes`.
    pub fn barcode(index: usize) -> PassPath {
        PassPath::Barcode {
            index: Some(index),
            rest: Vec::new(),
        }
    }

    /// The legacy single `barcode` dictionary.
    pub fn legacy_barcode() -> PassPath {
        PassPath::Barcode {
            index: None,
            rest: Vec::new(),
        }
    }

    /// A file of the pass.
    pub fn file(name: impl Into<String>) -> PassPath {
        PassPath::File(name.into())
    }

    /// The same place one key or index deeper (`/barcodes/0` → `/barcodes/0/message`). On a
    /// file, the certificate or nowhere it is the same place.
    pub fn join(&self, segment: impl ToString) -> PassPath {
        match self.segments() {
            Some(mut segments) => {
                segments.push(segment.to_string());
                // Re-read, so `/barcodes` + `0` is the same barcode as `PassPath::barcode(0)`.
                PassPath::parse_segments(segments)
            }
            None => self.clone(),
        }
    }

    /// True for [`PassPath::Nowhere`] (printed as an empty string).
    pub fn is_empty(&self) -> bool {
        *self == PassPath::Nowhere
    }

    /// The JSON pointer's segments, unescaped; `None` for files, the certificate and nowhere.
    pub fn segments(&self) -> Option<Vec<String>> {
        let with = |head: Vec<String>, rest: &[String]| {
            let mut out = head;
            out.extend(rest.iter().cloned());
            Some(out)
        };
        match self {
            PassPath::Pass => Some(Vec::new()),
            PassPath::Key { key, rest } => with(vec![key.clone()], rest),
            PassPath::Style { style, rest } => with(vec![style.key().to_owned()], rest),
            PassPath::Field {
                style,
                group,
                index,
                rest,
            } => with(
                vec![
                    style.key().to_owned(),
                    group.key().to_owned(),
                    index.to_string(),
                ],
                rest,
            ),
            PassPath::Barcode {
                index: Some(i),
                rest,
            } => with(vec!["barcodes".to_owned(), i.to_string()], rest),
            PassPath::Barcode { index: None, rest } => with(vec!["barcode".to_owned()], rest),
            PassPath::Nowhere | PassPath::File(_) | PassPath::Certificate | PassPath::Signature => {
                None
            }
        }
    }

    /// Whether `self` is `ancestor` or lies inside it (`/barcodes/0/message` inside
    /// `/barcodes`). Files, the certificate and nowhere only contain themselves.
    pub fn is_within(&self, ancestor: &PassPath) -> bool {
        match (self.segments(), ancestor.segments()) {
            (Some(mine), Some(theirs)) => mine.starts_with(&theirs),
            _ => self == ancestor,
        }
    }

    /// Reads a pointer (`/generic/headerFields/3`) or a file name back into its typed form.
    /// Total: anything that is not a pointer, `certificate`, `signature` or empty is a file.
    pub fn parse(s: &str) -> PassPath {
        match s {
            "" => PassPath::Nowhere,
            "certificate" => PassPath::Certificate,
            "signature" => PassPath::Signature,
            _ => match s.strip_prefix('/') {
                Some(pointer) => {
                    let segments: Vec<String> = if pointer.is_empty() {
                        Vec::new()
                    } else {
                        pointer
                            .split('/')
                            .map(|seg| seg.replace("~1", "/").replace("~0", "~"))
                            .collect()
                    };
                    PassPath::parse_segments(segments)
                }
                None => PassPath::File(s.to_owned()),
            },
        }
    }

    /// The place at these JSON pointer segments (unescaped), in its typed form.
    pub fn from_segments(segments: impl IntoIterator<Item = String>) -> PassPath {
        PassPath::parse_segments(segments.into_iter().collect())
    }

    fn parse_segments(segments: Vec<String>) -> PassPath {
        let mut it = segments.into_iter();
        let Some(head) = it.next() else {
            return PassPath::Pass;
        };
        let rest: Vec<String> = it.collect();
        if let Some(style) = Style::from_key(&head) {
            let group = rest
                .first()
                .and_then(|g| FieldGroup::ALL.into_iter().find(|x| x.key() == g));
            let index = rest.get(1).and_then(|i| i.parse::<usize>().ok());
            if let (Some(group), Some(index)) = (group, index) {
                return PassPath::Field {
                    style,
                    group,
                    index,
                    rest: rest[2..].to_vec(),
                };
            }
            return PassPath::Style { style, rest };
        }
        match head.as_str() {
            "barcodes" => match rest.first().and_then(|i| i.parse::<usize>().ok()) {
                Some(index) => PassPath::Barcode {
                    index: Some(index),
                    rest: rest[1..].to_vec(),
                },
                None => PassPath::Key { key: head, rest },
            },
            "barcode" => PassPath::Barcode { index: None, rest },
            _ => PassPath::Key { key: head, rest },
        }
    }

    /// The inspector section whose editor shows this place.
    pub fn section(&self) -> Section {
        match self {
            PassPath::File(name) if name.contains(".lproj/") && !name.ends_with(".png") => {
                Section::Localizations
            }
            PassPath::File(name) if name.to_ascii_lowercase().ends_with(".png") => Section::Images,
            PassPath::File(_) | PassPath::Signature | PassPath::Certificate | PassPath::Nowhere => {
                Section::Advanced
            }
            PassPath::Pass | PassPath::Style { .. } => match self {
                PassPath::Style { rest, .. } if !rest.is_empty() => Section::Fields,
                _ => Section::Info,
            },
            PassPath::Field { .. } => Section::Fields,
            PassPath::Barcode { .. } => Section::Barcodes,
            PassPath::Key { key, .. } => match key.as_str() {
                "description" | "organizationName" | "serialNumber" | "passTypeIdentifier"
                | "teamIdentifier" | "formatVersion" => Section::Info,
                "backgroundColor" | "foregroundColor" | "labelColor" | "stripColor"
                | "logoText" | "suppressStripShine" => Section::Appearance,
                "locations" | "beacons" | "maxDistance" | "relevantDate" | "relevantDates" => {
                    Section::Relevance
                }
                "appLaunchURL" | "associatedStoreIdentifiers" | "auxiliaryStoreIdentifiers" => {
                    Section::AppLink
                }
                "webServiceURL" | "authenticationToken" => Section::WebService,
                _ => Section::Advanced,
            },
        }
    }
}

impl std::fmt::Display for PassPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PassPath::Nowhere => Ok(()),
            PassPath::File(name) => f.write_str(name),
            PassPath::Certificate => f.write_str("certificate"),
            PassPath::Signature => f.write_str("signature"),
            PassPath::Pass => f.write_str("/"),
            other => {
                for seg in other.segments().unwrap_or_default() {
                    write!(f, "/{}", seg.replace('~', "~0").replace('/', "~1"))?;
                }
                Ok(())
            }
        }
    }
}

impl From<&str> for PassPath {
    fn from(s: &str) -> PassPath {
        PassPath::parse(s)
    }
}

impl From<String> for PassPath {
    fn from(s: String) -> PassPath {
        PassPath::parse(&s)
    }
}

impl PartialEq<str> for PassPath {
    fn eq(&self, other: &str) -> bool {
        *self == PassPath::parse(other)
    }
}

impl PartialEq<&str> for PassPath {
    fn eq(&self, other: &&str) -> bool {
        *self == PassPath::parse(other)
    }
}

impl Serialize for PassPath {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PassPath {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<PassPath, D::Error> {
        Ok(PassPath::parse(&String::deserialize(d)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_display_escape_and_parse_back() {
        let cases = [
            "",
            "/",
            "/backgroundColor",
            "/relevantDates/0/endDate",
            "/generic",
            "/boardingPass/transitType",
            "/eventTicket/auxiliaryFields/8",
            "/storeCard/secondaryFields/2/textAlignment",
            "/barcodes/0/message",
            "/barcode/message",
            "/a~1b/c~0d/0",
            "icon.png",
            "fr.lproj/pass.strings",
            "certificate",
            "signature",
        ];
        for s in cases {
            assert_eq!(PassPath::parse(s).to_string(), s, "{s}");
        }
        assert_eq!(
            PassPath::parse("/generic/headerFields/3"),
            PassPath::field(Style::Generic, FieldGroup::Header, 3)
        );
        assert_eq!(
            PassPath::barcode(1).join("message").to_string(),
            "/barcodes/1/message"
        );
        assert_eq!(
            PassPath::Pass.join("description"),
            PassPath::key("description")
        );
        assert_eq!(PassPath::key("a/b").join("c~d").to_string(), "/a~1b/c~0d");
    }

    #[test]
    fn paths_know_their_section_and_ancestors() {
        let s = |p: &str| PassPath::parse(p).section();
        assert_eq!(s("/storeCard/secondaryFields/2/key"), Section::Fields);
        assert_eq!(s("/boardingPass/transitType"), Section::Fields);
        assert_eq!(s("/generic"), Section::Info);
        assert_eq!(s("/"), Section::Info);
        assert_eq!(s("/barcode/message"), Section::Barcodes);
        assert_eq!(s("/locations/3/latitude"), Section::Relevance);
        assert_eq!(s("/labelColor"), Section::Appearance);
        assert_eq!(s("/webServiceURL"), Section::WebService);
        assert_eq!(s("fr.lproj/logo@2x.png"), Section::Images);
        assert_eq!(s("fr.lproj/pass.strings"), Section::Localizations);
        assert_eq!(s("/userInfo"), Section::Advanced);
        let message = PassPath::barcode(0).join("message");
        assert!(message.is_within(&PassPath::key("barcodes")));
        assert!(message.is_within(&PassPath::barcode(0)));
        assert!(!PassPath::barcode(0).is_within(&message));
        assert!(PassPath::file("icon.png").is_within(&PassPath::file("icon.png")));
    }
}
