//! Undo/redo over whole documents, with edit coalescing.
//!
//! The inspector edits the document in place; after each frame the app calls
//! [`History::commit`] with the document and the widget the edit came from (the focused text
//! field or the dragged slider). Consecutive changes from the same widget form one undo step, so a
//! typing burst or a drag is undone at once, while every button press is its own step. This is
//! deterministic (no timers), which keeps the GUI tests exact.
//!
//! A step is a whole [`PassDocument`], which is cheap: its file bytes are shared
//! ([`passmith_core::document::FileBytes`]), so a step holds the pass model and pointers to the
//! same images, and the check after every frame compares those pointers rather than the bytes
//! (`benches/undo.rs` measures both).

use passmith_core::PassDocument;

/// How many steps are kept; older ones are dropped.
const MAX_STEPS: usize = 200;

/// Where an edit came from, for coalescing. `None`: a one-shot action (button, menu).
pub type EditSource = Option<egui::Id>;

#[derive(Debug, Clone)]
pub struct History {
    /// The document as of the last commit.
    current: PassDocument,
    undo: Vec<PassDocument>,
    redo: Vec<PassDocument>,
    /// The widget the last committed change came from, while it keeps the edit open.
    open_source: EditSource,
    /// Bumped on every change (edit, undo, redo, reset) so caches know when to refresh.
    version: u64,
}

impl History {
    pub fn new(doc: &PassDocument) -> History {
        History {
            current: doc.clone(),
            undo: Vec::new(),
            redo: Vec::new(),
            open_source: None,
            version: 0,
        }
    }

    /// Forgets all history (a different document was opened).
    pub fn reset(&mut self, doc: &PassDocument) {
        let version = self.version + 1;
        *self = History::new(doc);
        self.version = version;
    }

    /// Records `doc` if it changed since the last commit. Returns true when it changed.
    pub fn commit(&mut self, doc: &PassDocument, source: EditSource) -> bool {
        if *doc == self.current {
            if source != self.open_source {
                // The user moved on (focus left the field): the next change is a new step.
                self.open_source = None;
            }
            return false;
        }
        let continues = source.is_some() && source == self.open_source;
        let previous = std::mem::replace(&mut self.current, doc.clone());
        if !continues {
            self.undo.push(previous);
            if self.undo.len() > MAX_STEPS {
                self.undo.remove(0);
            }
        }
        self.redo.clear();
        self.open_source = source;
        self.version += 1;
        true
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Steps back; writes the restored document into `doc`. Any uncommitted change in `doc` is
    /// committed first so it is not lost.
    pub fn undo(&mut self, doc: &mut PassDocument) -> bool {
        self.commit(doc, None);
        let Some(previous) = self.undo.pop() else {
            return false;
        };
        self.redo
            .push(std::mem::replace(&mut self.current, previous));
        *doc = self.current.clone();
        self.open_source = None;
        self.version += 1;
        true
    }

    /// Steps forward again after an undo.
    pub fn redo(&mut self, doc: &mut PassDocument) -> bool {
        if *doc != self.current {
            // A new edit since the undo makes the redo branch stale.
            self.commit(doc, None);
            return false;
        }
        let Some(next) = self.redo.pop() else {
            return false;
        };
        self.undo.push(std::mem::replace(&mut self.current, next));
        *doc = self.current.clone();
        self.open_source = None;
        self.version += 1;
        true
    }

    /// Changes whenever the document changes.
    pub fn version(&self) -> u64 {
        self.version
    }

    pub fn undo_len(&self) -> usize {
        self.undo.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(org: &str) -> PassDocument {
        let mut d = PassDocument::default();
        d.pass.organization_name = org.to_owned();
        d
    }

    #[test]
    fn a_typing_burst_is_one_step_and_buttons_are_separate_steps() {
        let field = Some(egui::Id::unique("org"));
        let mut h = History::new(&doc(""));
        let mut d = doc("");
        for text in ["A", "Ac", "Acm", "Acme"] {
            d.pass.organization_name = text.into();
            assert!(h.commit(&d, field));
        }
        assert_eq!(h.undo_len(), 1);
        d.pass.description = "card".into();
        h.commit(&d, None);
        d.pass.serial_number = "1".into();
        h.commit(&d, None);
        assert_eq!(h.undo_len(), 3);

        assert!(h.undo(&mut d));
        assert_eq!(d.pass.serial_number, "");
        assert!(h.undo(&mut d));
        assert_eq!(d.pass.description, "");
        assert!(h.undo(&mut d));
        assert_eq!(d.pass.organization_name, "");
        assert!(!h.undo(&mut d));
        assert!(h.redo(&mut d));
        assert_eq!(d.pass.organization_name, "Acme");
    }

    #[test]
    fn leaving_a_field_and_coming_back_starts_a_new_step() {
        let field = Some(egui::Id::unique("org"));
        let mut h = History::new(&doc(""));
        let mut d = doc("");
        d.pass.organization_name = "A".into();
        h.commit(&d, field);
        h.commit(&d, None); // focus left
        d.pass.organization_name = "AB".into();
        h.commit(&d, field);
        assert_eq!(h.undo_len(), 2);
    }

    #[test]
    fn an_edit_after_undo_drops_the_redo_branch() {
        let mut h = History::new(&doc(""));
        let mut d = doc("x");
        h.commit(&d, None);
        h.undo(&mut d);
        assert!(h.can_redo());
        d.pass.description = "new".into();
        assert!(!h.redo(&mut d));
        assert!(!h.can_redo());
        assert_eq!(d.pass.description, "new");
    }
}
