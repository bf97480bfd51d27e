//! "Choose picture…" and Cover / Contain for an image slot: one source picture rendered by
//! core's [`passmith_core::picture`] into the slot's three densities, each as one undo step.
//!
//! When the pass has a folder, the original is kept under `.passmith/sources/` (core's
//! [`sources`]), so Cover / Contain and later style changes render from it; a pass that was never
//! saved keeps the rendered images only, and the notice says so.

use passmith_core::picture::sources::{self, SourceIndex};
use passmith_core::picture::{self, Fit, Framing};

use super::App;
use super::files::DialogRequest;
use super::notice::Notice;

impl App {
    /// Renders every kept original again for the current style (after a style change): a line
    /// saying what was redone, and one per picture that could not be.
    pub(super) fn rerender_pictures(&mut self) -> Vec<String> {
        let Some(dir) = self.session.path.clone() else {
            return Vec::new();
        };
        let done = match sources::rerender_all(&dir, &mut self.session.doc) {
            Ok(done) => done,
            Err(e) => {
                return vec![format!(
                    "The kept pictures could not be rendered again: {e}."
                )];
            }
        };
        let mut redone = Vec::new();
        let mut lines = Vec::new();
        for r in done {
            match r.result {
                Ok(Some(_)) => redone.push(r.entry.slot.clone()),
                Ok(None) => {}
                Err(e) => lines.push(format!(
                    "The {} could not be rendered again from its original: {e}.",
                    r.entry.slot
                )),
            }
        }
        if !redone.is_empty() {
            lines.insert(
                0,
                format!(
                    "Rendered again from the original pictures at this style's sizes: {}.",
                    redone.join(", ")
                ),
            );
        }
        lines
    }

    /// Asks for a picture and renders it into `slot` (in `lang`), framed as its kept original
    /// was (cover by default).
    pub(super) fn choose_picture(&mut self, slot: &str, lang: Option<&str>) {
        let request = DialogRequest::Picture {
            slot: slot.to_owned(),
        };
        let Some(path) = self.dialogs.pick(&request) else {
            return;
        };
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                self.notify(
                    Notice::error(format!("Could not read {}", path.display())).line(e.to_string()),
                );
                return;
            }
        };
        let name = path.file_name().map_or_else(
            || "picture".to_owned(),
            |n| n.to_string_lossy().into_owned(),
        );
        let framing = self
            .kept_index()
            .and_then(|i| i.get(slot, lang).map(|s| s.framing()))
            .unwrap_or_default();
        self.render_picture(slot, lang, &name, &bytes, framing);
    }

    /// Renders `slot` again from its kept original with `fit`.
    pub(super) fn set_picture_fit(&mut self, slot: &str, lang: Option<&str>, fit: Fit) {
        let kept = self.session.path.clone().and_then(|dir| {
            let index = SourceIndex::load(&dir).ok()?;
            let entry = index.get(slot, lang)?.clone();
            let bytes = std::fs::read(sources::sources_dir(&dir).join(&entry.file)).ok()?;
            Some((entry, bytes))
        });
        let Some((entry, bytes)) = kept else {
            self.notify(
                Notice::warning(format!("No original picture is kept for the {slot}"))
                    .line("Choose a picture for it first (in a pass saved as a folder)."),
            );
            return;
        };
        let framing = Framing {
            fit,
            ..entry.framing()
        };
        self.render_picture(slot, lang, &entry.original_name, &bytes, framing);
    }

    fn kept_index(&self) -> Option<SourceIndex> {
        self.session
            .path
            .as_deref()
            .and_then(|dir| SourceIndex::load(dir).ok())
    }

    /// One undo step: what was edited before is committed first, then the slot's images change.
    fn render_picture(
        &mut self,
        slot: &str,
        lang: Option<&str>,
        name: &str,
        bytes: &[u8],
        framing: Framing,
    ) {
        self.session.commit(None);
        let dir = self.session.path.clone();
        let doc = &mut self.session.doc;
        let result = match dir.as_deref() {
            Some(dir) => sources::set_picture(dir, doc, slot, lang, name, bytes, framing),
            None => render_only(doc, slot, lang, name, bytes, framing),
        };
        match result {
            Ok(images) => {
                let sizes: Vec<String> = images
                    .iter()
                    .map(|i| format!("@{}x {}×{}", i.scale, i.width, i.height))
                    .collect();
                let mut notice = Notice::info(format!(
                    "The {slot} is now {name} ({})",
                    framing.fit.as_str()
                ))
                .line(sizes.join(", "));
                if dir.is_none() {
                    notice = notice.line(
                        "Save the pass as a .pass folder to keep the original picture, so Cover / Contain and style changes render from it.",
                    );
                }
                self.notify(notice);
            }
            Err(e) => self.notify(
                Notice::error(format!("The {slot} picture was not changed")).line(e.to_string()),
            ),
        }
    }
}

/// Renders into the document only (a pass without a folder has nowhere to keep the original).
fn render_only(
    doc: &mut passmith_core::PassDocument,
    slot: &str,
    lang: Option<&str>,
    name: &str,
    bytes: &[u8],
    framing: Framing,
) -> Result<Vec<picture::RenderedImage>, picture::PictureError> {
    let style = picture::style_of(doc)?;
    let decoded = picture::decode(name, bytes)?;
    let images = picture::render(style, slot, &decoded, framing, picture::background_of(doc))?;
    picture::put_images(doc, slot, lang, &images);
    Ok(images)
}
