//! The open document: the pass being edited, where it is saved, what it looked like when last
//! saved, and its undo history. No UI and no notices here; actions decide what to tell the user.

use std::path::{Path, PathBuf};

use passmith_core::{Finding, PassDocument};

use super::engine::OpenedPass;
use super::history::{EditSource, History};

/// One open pass.
pub struct Session {
    /// The pass being edited.
    pub doc: PassDocument,
    /// Where the document is saved as a `.pass` folder (`None`: never saved here).
    pub path: Option<PathBuf>,
    /// What was opened (shown in the title), e.g. `Event.pkpass`.
    pub title: String,
    /// The document as last saved or opened, for the unsaved-changes prompt.
    saved: PassDocument,
    pub history: History,
    /// Problems of the opened `.pkpass` package itself (signature, manifest).
    pub package_findings: Vec<Finding>,
    /// The signature status of the opened `.pkpass` (`None` for folders and new passes).
    pub signature_status: Option<String>,
}

impl Session {
    pub fn new(doc: PassDocument, title: impl Into<String>) -> Session {
        Session {
            saved: doc.clone(),
            history: History::new(&doc),
            doc,
            path: None,
            title: title.into(),
            package_findings: Vec::new(),
            signature_status: None,
        }
    }

    /// Replaces the document with a new one (a template or a file). The history starts over,
    /// but its version keeps counting, so caches keyed by it never mistake the new document for
    /// the old one.
    pub fn replace(&mut self, doc: PassDocument, path: Option<PathBuf>, title: String) {
        self.saved = doc.clone();
        self.history.reset(&doc);
        self.doc = doc;
        self.path = path;
        self.title = title;
        self.package_findings.clear();
        self.signature_status = None;
    }

    /// Replaces the document with one read from `path`.
    pub fn replace_with_opened(&mut self, opened: OpenedPass, path: &Path) {
        let title = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        self.replace_with_opened_as(opened, path, title);
    }

    /// Like [`Session::replace_with_opened`], with its own title (a pass inside a bundle).
    pub fn replace_with_opened_as(&mut self, opened: OpenedPass, path: &Path, title: String) {
        // A `.pkpass` is never written back: saving asks for a `.pass` folder.
        let folder = path.is_dir().then(|| path.to_owned());
        self.replace(opened.document, folder, title);
        self.package_findings = opened.package_findings;
        self.signature_status = opened.signature;
    }

    /// True when the document differs from the last save.
    pub fn is_dirty(&self) -> bool {
        self.doc != self.saved
    }

    /// Writes the document as a `.pass` folder at `target`; from then on it is saved there.
    pub fn save_to(&mut self, target: &Path) -> Result<(), passmith_core::Error> {
        self.doc.write_dir(target)?;
        self.saved = self.doc.clone();
        self.title = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        self.path = Some(target.to_owned());
        Ok(())
    }

    /// Records the edits made this frame as an undo step (see [`History::commit`]).
    pub fn commit(&mut self, source: EditSource) -> bool {
        self.history.commit(&self.doc, source)
    }

    pub fn undo(&mut self) -> bool {
        self.history.undo(&mut self.doc)
    }

    pub fn redo(&mut self) -> bool {
        self.history.redo(&mut self.doc)
    }

    /// Changes whenever the document changes (edit, undo, redo, another document).
    pub fn version(&self) -> u64 {
        self.history.version()
    }

    /// A file name for the document: its organization name, made safe for a file system.
    pub fn suggested_name(&self, ext: &str) -> String {
        let base: String = self
            .doc
            .pass
            .organization_name
            .chars()
            .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-')
            .collect::<String>()
            .trim()
            .replace(' ', "-");
        let base = if base.is_empty() {
            "Pass".to_owned()
        } else {
            base
        };
        format!("{base}.{ext}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replacing_the_document_keeps_the_version_counting() {
        let mut session = Session::new(PassDocument::default(), "Untitled");
        session.doc.pass.description = "edited".into();
        session.commit(None);
        let before = session.version();
        session.replace(PassDocument::default(), None, "Other".into());
        assert!(session.version() > before);
        assert!(!session.is_dirty());
        assert!(!session.history.can_undo());
    }

    #[test]
    fn suggested_names_come_from_the_organization() {
        let mut session = Session::new(PassDocument::default(), "Untitled");
        assert_eq!(session.suggested_name("pkpass"), "Pass.pkpass");
        session.doc.pass.organization_name = " Harbor Coffee / Roasters ".into();
        assert_eq!(
            session.suggested_name("pass"),
            "Harbor-Coffee--Roasters.pass"
        );
    }
}
