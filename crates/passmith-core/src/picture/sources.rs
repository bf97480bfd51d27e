//! The original pictures, kept in the pass folder under `.passmith/sources/` with an
//! `index.json` (slot, language, fit, focus, original file name, kept file).
//!
//! The folder is hidden, so opening a pass does not read it into the document, a save leaves it
//! alone ([`crate::folder`] touches only the files it manages) and nothing in it is packaged or
//! reported as a file Wallet does not use. Setting a picture renders it before anything is
//! written, so a picture that cannot be read changes nothing.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Fit, Focus, Framing, PictureError, RenderedImage};
use crate::atomic::write_file_atomically;
use crate::document::PassDocument;

/// The folder of kept originals, relative to the pass folder.
pub const SOURCES_DIR: &str = ".passmith/sources";
/// The index of kept originals, inside [`SOURCES_DIR`].
pub const INDEX_FILE: &str = "index.json";

/// One kept original.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceEntry {
    pub slot: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    pub fit: Fit,
    pub focus: Focus,
    /// The picture's file name as the user chose it.
    pub original_name: String,
    /// The kept copy's file name inside [`SOURCES_DIR`].
    pub file: String,
}

impl SourceEntry {
    /// How the picture is framed.
    pub fn framing(&self) -> Framing {
        Framing {
            fit: self.fit,
            focus: self.focus,
        }
    }
}

/// `.passmith/sources/index.json`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SourceIndex {
    pub sources: Vec<SourceEntry>,
}

/// The folder of kept originals of the pass folder `pass_dir`.
pub fn sources_dir(pass_dir: &Path) -> PathBuf {
    pass_dir.join(SOURCES_DIR)
}

impl SourceIndex {
    /// Reads the index of `pass_dir`; an empty one when there is none yet.
    pub fn load(pass_dir: &Path) -> Result<SourceIndex, PictureError> {
        let path = sources_dir(pass_dir).join(INDEX_FILE);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| PictureError::Index {
                path,
                reason: e.to_string(),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(SourceIndex::default()),
            Err(source) => Err(PictureError::Io {
                action: "read",
                path,
                source,
            }),
        }
    }

    /// Writes the index of `pass_dir` atomically.
    pub fn save(&self, pass_dir: &Path) -> Result<(), PictureError> {
        let dir = sources_dir(pass_dir);
        create_dir(&dir)?;
        let mut bytes = serde_json::to_vec_pretty(self).map_err(|e| PictureError::Index {
            path: dir.join(INDEX_FILE),
            reason: e.to_string(),
        })?;
        bytes.push(b'\n');
        write_file_atomically(&dir.join(INDEX_FILE), &bytes).map_err(PictureError::from)
    }

    /// The kept original of `slot` in `lang` (`None`: the unlocalized image).
    pub fn get(&self, slot: &str, lang: Option<&str>) -> Option<&SourceEntry> {
        self.sources
            .iter()
            .find(|s| s.slot == slot && s.lang.as_deref() == lang)
    }
}

fn create_dir(dir: &Path) -> Result<(), PictureError> {
    std::fs::create_dir_all(dir).map_err(|source| PictureError::Io {
        action: "create",
        path: dir.to_owned(),
        source,
    })
}

/// A language code safe to use in a file name (`fr`, `zh-Hans`, `pt_BR`).
fn check_lang(lang: &str) -> Result<(), PictureError> {
    let ok = !lang.is_empty()
        && lang.len() <= 35
        && lang
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(PictureError::BadLanguage {
            lang: lang.to_owned(),
        })
    }
}

/// The kept copy's name: `strip.jpg`, `logo.fr.svg`.
fn kept_name(slot: &str, lang: Option<&str>, original_name: &str) -> String {
    let ext = Path::new(original_name)
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .filter(|e| !e.is_empty() && e.len() <= 5 && e.chars().all(|c| c.is_ascii_alphanumeric()))
        .unwrap_or_else(|| "img".to_owned());
    match lang {
        Some(l) => format!("{slot}.{l}.{ext}"),
        None => format!("{slot}.{ext}"),
    }
}

/// Sets `slot` (in `lang`) of the pass in folder `pass_dir` from a source picture: renders it for
/// the pass's style into `doc`, and keeps the original and its framing under
/// [`SOURCES_DIR`]. The caller saves `doc` ([`PassDocument::write_dir`]). Nothing is written
/// when the picture cannot be read or rendered.
pub fn set_picture(
    pass_dir: &Path,
    doc: &mut PassDocument,
    slot: &str,
    lang: Option<&str>,
    original_name: &str,
    bytes: &[u8],
    framing: Framing,
) -> Result<Vec<RenderedImage>, PictureError> {
    let slot = super::slot_name(slot)?;
    if let Some(l) = lang {
        check_lang(l)?;
    }
    let style = super::style_of(doc)?;
    let picture = super::decode(original_name, bytes)?;
    let images = super::render(style, slot, &picture, framing, super::background_of(doc))?;

    let dir = sources_dir(pass_dir);
    create_dir(&dir)?;
    let mut index = SourceIndex::load(pass_dir)?;
    let file = kept_name(slot, lang, original_name);
    write_file_atomically(&dir.join(&file), bytes)?;
    let entry = SourceEntry {
        slot: slot.to_owned(),
        lang: lang.map(str::to_owned),
        fit: framing.fit,
        focus: framing.focus,
        original_name: original_name.to_owned(),
        file: file.clone(),
    };
    let old = match index
        .sources
        .iter_mut()
        .find(|s| s.slot == slot && s.lang.as_deref() == lang)
    {
        Some(existing) => Some(std::mem::replace(existing, entry)),
        None => {
            index.sources.push(entry);
            None
        }
    };
    index.save(pass_dir)?;
    // An earlier original of another type (logo.png before logo.svg) is no longer listed.
    if let Some(old) = old
        && old.file != file
    {
        let _ = std::fs::remove_file(dir.join(&old.file));
    }
    super::put_images(doc, slot, lang, &images);
    Ok(images)
}

/// What re-rendering one kept original did.
#[derive(Debug)]
pub struct Rerendered {
    pub entry: SourceEntry,
    /// The new images, `Ok(None)` when the style does not show the slot (its files are left as
    /// they are, and validation reports them), or why it failed.
    pub result: Result<Option<Vec<RenderedImage>>, PictureError>,
}

/// Renders every kept original of `pass_dir` again into `doc`, for its current style and each
/// source's framing (after a style change, or with `framing` changed in the index).
pub fn rerender_all(
    pass_dir: &Path,
    doc: &mut PassDocument,
) -> Result<Vec<Rerendered>, PictureError> {
    let style = super::style_of(doc)?;
    let index = SourceIndex::load(pass_dir)?;
    let pad = super::background_of(doc);
    let dir = sources_dir(pass_dir);
    let mut out = Vec::new();
    for entry in index.sources {
        let result = if crate::rules::image_box(style, &entry.slot).is_none() {
            Ok(None)
        } else {
            let path = dir.join(&entry.file);
            std::fs::read(&path)
                .map_err(|source| PictureError::Io {
                    action: "read",
                    path,
                    source,
                })
                .and_then(|bytes| super::decode(&entry.original_name, &bytes))
                .and_then(|picture| {
                    super::render(style, &entry.slot, &picture, entry.framing(), pad)
                })
                .map(|images| {
                    super::put_images(doc, &entry.slot, entry.lang.as_deref(), &images);
                    Some(images)
                })
        };
        out.push(Rerendered { entry, result });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_names_are_safe() {
        assert_eq!(kept_name("strip", None, "Photo.JPG"), "strip.jpg");
        assert_eq!(kept_name("logo", Some("fr"), "a/b/logo.svg"), "logo.fr.svg");
        assert_eq!(kept_name("icon", None, "noext"), "icon.img");
        assert_eq!(kept_name("icon", None, "x.../../etc"), "icon.img");
        assert!(check_lang("zh-Hans").is_ok());
        assert!(check_lang("../x").is_err());
    }
}
