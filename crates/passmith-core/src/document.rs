//! `PassDocument`: one pass as the designer edits it and the engine packages it.
//!
//! A document is `pass.json` (typed), the localization tables (parsed, one per `xx.lproj`), and
//! every other file byte for byte (images at each density, localized images, anything else).
//! It is plain owned data — `Clone + PartialEq`, serde — with no I/O inside, so undo history,
//! batch personalisation and the server can all work on it. Reading and writing `.pass` folders
//! (the project format) is in [`crate::folder`], at the edge.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::model::Pass;
use crate::strings::{self, Strings};

pub use crate::atomic::write_file_atomically;

/// Files a package writes itself; never part of a document.
pub const GENERATED_FILES: [&str; 2] = ["manifest.json", "signature"];

/// The name of a localization table inside an `.lproj` folder.
pub const STRINGS_FILE: &str = "pass.strings";

/// The bytes of one file of a pass, shared: cloning a document (an undo step, an autosave)
/// shares every image instead of copying it, and comparing two clones compares pointers before
/// bytes, so "did the document change?" stays cheap however large the images are. (`Arc<[u8]>`
/// alone would compare every byte: std's pointer shortcut only applies to sized `T: Eq`.)
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FileBytes(Arc<[u8]>);

impl FileBytes {
    /// True when both share one allocation (a clone), without looking at the bytes.
    pub fn ptr_eq(a: &FileBytes, b: &FileBytes) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }
}

impl PartialEq for FileBytes {
    fn eq(&self, other: &FileBytes) -> bool {
        FileBytes::ptr_eq(self, other) || self.0[..] == other.0[..]
    }
}

impl Eq for FileBytes {}

impl std::fmt::Debug for FileBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FileBytes({} bytes)", self.0.len())
    }
}

impl std::ops::Deref for FileBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl AsRef<[u8]> for FileBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl From<Vec<u8>> for FileBytes {
    fn from(bytes: Vec<u8>) -> FileBytes {
        FileBytes(bytes.into())
    }
}

impl From<&[u8]> for FileBytes {
    fn from(bytes: &[u8]) -> FileBytes {
        FileBytes(bytes.into())
    }
}

/// One file going into a package: bytes borrowed from the document (`shared`), or made for this
/// package (pass.json, the UTF-16 strings tables).
pub(crate) struct Entry<'a> {
    pub bytes: Cow<'a, [u8]>,
    pub shared: Option<&'a FileBytes>,
}

/// One pass: pass.json, localizations and files.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PassDocument {
    pub pass: Pass,
    /// Localization tables by language code (`en`, `zh-Hans`, …), from `<lang>.lproj/pass.strings`.
    pub localizations: BTreeMap<String, Strings>,
    /// Every other file, by relative path with `/` separators (`logo@2x.png`, `fr.lproj/logo.png`).
    pub files: BTreeMap<String, FileBytes>,
    /// The line of the first comment in pass.json as read (accepted, but Apple's parser does
    /// not take comments; saving writes strict JSON without them).
    #[serde(skip)]
    pub pass_json_comment_line: Option<usize>,
}

/// An image slot and the densities it can be supplied at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageRef<'a> {
    pub path: &'a str,
    pub bytes: &'a [u8],
    /// 1, 2 or 3.
    pub scale: u8,
}

impl PassDocument {
    /// A document with just a pass.json.
    pub fn new(pass: Pass) -> PassDocument {
        PassDocument {
            pass,
            ..PassDocument::default()
        }
    }

    /// Builds a document from archive-style entries (relative path → bytes), as found in a pass
    /// folder or a `.pkpass`. `manifest.json` and `signature` are ignored.
    pub fn from_files(files: BTreeMap<String, Vec<u8>>) -> Result<PassDocument, Error> {
        let (pass_json, mut doc) = PassDocument::split_files(files)?;
        let bytes = pass_json.ok_or_else(|| Error::NotAPassFolder {
            path: PathBuf::from("pass.json"),
            reason: "there is no pass.json".to_owned(),
        })?;
        doc.pass = crate::json::parse_pass(&bytes)?;
        doc.pass_json_comment_line = std::str::from_utf8(&bytes)
            .ok()
            .and_then(crate::json::first_comment_line);
        Ok(doc)
    }

    /// Archive-style entries split into pass.json's bytes (not parsed) and a document of
    /// everything else (with a default pass): a batch template keeps pass.json as JSON, with
    /// placeholders where the typed model expects numbers.
    pub(crate) fn split_files(
        files: BTreeMap<String, Vec<u8>>,
    ) -> Result<(Option<Vec<u8>>, PassDocument), Error> {
        let mut doc = PassDocument::default();
        let mut pass_json = None;
        for (path, bytes) in files {
            if GENERATED_FILES.contains(&path.as_str()) {
                continue;
            }
            if path == "pass.json" {
                pass_json = Some(bytes);
                continue;
            }
            if let Some(lang) = strings_language(&path) {
                let table = strings::parse(&bytes, &path)?;
                doc.localizations.insert(lang.to_owned(), table);
                continue;
            }
            doc.files.insert(path, bytes.into());
        }
        Ok((pass_json, doc))
    }

    /// Every file of the pass as it goes into a package: pass.json (strict JSON), each
    /// `<lang>.lproj/pass.strings` (UTF-16LE with a BOM, as Apple documents), and the other files
    /// unchanged. Sorted by path.
    pub fn to_files(&self) -> Result<BTreeMap<String, Vec<u8>>, Error> {
        self.files_with(strings::to_utf16le_bytes)
    }

    /// Every file of the pass as it is saved in a `.pass` folder: like [`Self::to_files`], but
    /// each strings table nobody edited keeps the bytes it was read from (see [`strings`]).
    pub fn to_folder_files(&self) -> Result<BTreeMap<String, Vec<u8>>, Error> {
        self.files_with(Strings::to_saved_bytes)
    }

    fn files_with(
        &self,
        encode: impl Fn(&Strings) -> Vec<u8>,
    ) -> Result<BTreeMap<String, Vec<u8>>, Error> {
        Ok(self
            .entries_with(encode)?
            .into_iter()
            .map(|(path, entry)| (path, entry.bytes.into_owned()))
            .collect())
    }

    /// Every file as it goes into a package, borrowing the document's files instead of copying
    /// them (a batch writes thousands of packages from one set of images).
    pub(crate) fn package_entries(&self) -> Result<BTreeMap<String, Entry<'_>>, Error> {
        self.entries_with(strings::to_utf16le_bytes)
    }

    fn entries_with(
        &self,
        encode: impl Fn(&Strings) -> Vec<u8>,
    ) -> Result<BTreeMap<String, Entry<'_>>, Error> {
        let mut out: BTreeMap<String, Entry<'_>> = self
            .files
            .iter()
            .map(|(path, bytes)| {
                let entry = Entry {
                    bytes: Cow::Borrowed(&bytes[..]),
                    shared: Some(bytes),
                };
                (path.clone(), entry)
            })
            .collect();
        let made = |bytes: Vec<u8>| Entry {
            bytes: Cow::Owned(bytes),
            shared: None,
        };
        out.insert(
            "pass.json".to_owned(),
            made(crate::json::to_pretty_bytes(&self.pass)?),
        );
        for (lang, table) in &self.localizations {
            out.insert(format!("{lang}.lproj/{STRINGS_FILE}"), made(encode(table)));
        }
        Ok(out)
    }

    /// The languages the pass is localized into (from lproj folders, including image-only ones).
    pub fn languages(&self) -> Vec<String> {
        let mut langs: Vec<String> = self.localizations.keys().cloned().collect();
        for path in self.files.keys() {
            if let Some((dir, _)) = path.split_once('/')
                && let Some(lang) = dir.strip_suffix(".lproj")
                && !langs.iter().any(|l| l == lang)
            {
                langs.push(lang.to_owned());
            }
        }
        langs.sort();
        langs
    }

    /// `text` translated into `lang` through its pass.strings, or `text` itself.
    pub fn localized<'a>(&'a self, lang: Option<&str>, text: &'a str) -> &'a str {
        lang.and_then(|l| self.localizations.get(l))
            .and_then(|t| t.get(text))
            .unwrap_or(text)
    }

    /// The best file for image `name` (e.g. `"logo"`) at `scale`: the localized version first,
    /// then the requested density, then the nearest other density.
    pub fn image(&self, name: &str, scale: u8, lang: Option<&str>) -> Option<ImageRef<'_>> {
        let mut order: Vec<u8> = vec![scale];
        for s in [3u8, 2, 1] {
            if !order.contains(&s) && s > scale {
                order.push(s);
            }
        }
        for s in [3u8, 2, 1] {
            if !order.contains(&s) {
                order.push(s);
            }
        }
        let prefixes: Vec<String> = match lang {
            Some(l) => vec![format!("{l}.lproj/"), String::new()],
            None => vec![String::new()],
        };
        for prefix in &prefixes {
            for &s in &order {
                let file = image_file_name(name, s);
                let path = format!("{prefix}{file}");
                if let Some((k, v)) = self.files.get_key_value(&path) {
                    return Some(ImageRef {
                        path: k,
                        bytes: v,
                        scale: s,
                    });
                }
            }
        }
        None
    }
}

/// `logo` + 2 → `logo@2x.png`.
pub fn image_file_name(name: &str, scale: u8) -> String {
    if scale <= 1 {
        format!("{name}.png")
    } else {
        format!("{name}@{scale}x.png")
    }
}

/// Splits `fr.lproj/logo@2x.png` into (Some("fr"), "logo", 2); `None` for non-PNG files.
pub fn parse_image_path(path: &str) -> Option<(Option<&str>, &str, u8)> {
    let (lang, file) = match path.split_once('/') {
        Some((dir, file)) => (Some(dir.strip_suffix(".lproj")?), file),
        None => (None, path),
    };
    let stem = file.strip_suffix(".png")?;
    let (name, scale) = match stem.rsplit_once('@') {
        Some((n, "2x")) => (n, 2),
        Some((n, "3x")) => (n, 3),
        Some(_) => return None,
        None => (stem, 1),
    };
    Some((lang, name, scale))
}

/// `fr.lproj/pass.strings` → `fr`.
fn strings_language(path: &str) -> Option<&str> {
    let (dir, file) = path.split_once('/')?;
    if file != STRINGS_FILE {
        return None;
    }
    dir.strip_suffix(".lproj")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Field, FieldGroup, PassFields};

    fn sample() -> PassDocument {
        let mut pass = Pass {
            format_version: Some(1),
            description: "Test".into(),
            ..Pass::default()
        };
        let mut fields = PassFields::default();
        fields
            .group_mut(FieldGroup::Primary)
            .push(Field::text("name", "Name", "Hello"));
        pass.generic = Some(fields);
        let mut doc = PassDocument::new(pass);
        doc.files.insert("icon.png".into(), vec![1, 2, 3].into());
        doc.files
            .insert("fr.lproj/logo@2x.png".into(), vec![4].into());
        doc.files.insert("logo.png".into(), vec![5].into());
        let mut fr = Strings::default();
        fr.set("Hello", "Bonjour");
        doc.localizations.insert("fr".into(), fr);
        doc
    }

    #[test]
    fn localized_images_and_densities_are_found() {
        let doc = sample();
        assert_eq!(
            doc.image("logo", 2, Some("fr")).unwrap().path,
            "fr.lproj/logo@2x.png"
        );
        assert_eq!(doc.image("logo", 2, None).unwrap().path, "logo.png");
        assert_eq!(doc.localized(Some("fr"), "Hello"), "Bonjour");
        assert_eq!(doc.localized(None, "Hello"), "Hello");
        assert_eq!(doc.languages(), vec!["fr".to_owned()]);
    }

    #[test]
    fn a_clone_shares_file_bytes_instead_of_copying_them() {
        let doc = sample();
        let copy = doc.clone();
        assert!(FileBytes::ptr_eq(
            &doc.files["icon.png"],
            &copy.files["icon.png"]
        ));
        assert_eq!(copy, doc);
    }

    #[test]
    fn image_paths_parse() {
        assert_eq!(
            parse_image_path("fr.lproj/logo@2x.png"),
            Some((Some("fr"), "logo", 2))
        );
        assert_eq!(parse_image_path("icon.png"), Some((None, "icon", 1)));
        assert_eq!(parse_image_path("pass.json"), None);
    }
}
