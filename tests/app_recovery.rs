//! Autosave and recovery in the designer: an edit is copied to the recovery folder off the UI
//! thread; a window that ends without saving (dropped here, as a crash would end it) leaves the
//! copy, and the next window offers it back. Restore brings back the exact document, one undo
//! step above the saved version; a clean save removes the copy.

use egui_kittest::kittest::Queryable as _;
use passmith::app::recovery::Recovery;
use passmith::app::{ScriptedDialogs, templates};
use passmith_core::PassDocument;
use passmith_core::model::Style;

use crate::util::{harness, press, retype, undo};

/// Frames until the autosave copy is written (the write runs on its own thread).
fn until_autosaved(h: &mut egui_kittest::Harness<'_, passmith::app::App>) {
    for _ in 0..50 {
        h.run();
        h.state_mut().autosave.finish();
        if h.state().autosave.writes > 0 {
            return;
        }
    }
    panic!(
        "no autosave after 50 frames: {:?}",
        h.state().autosave.error
    );
}

#[test]
fn an_unsaved_edit_survives_a_crash_and_restore_is_one_undo_step_above_the_saved_pass() {
    let work = tempfile::tempdir().unwrap();
    let rec_dir = tempfile::tempdir().unwrap();
    let folder = work.path().join("Harbor.pass");
    templates::template(Style::StoreCard)
        .unwrap()
        .write_dir(&folder)
        .unwrap();
    let saved = PassDocument::read_dir(&folder).unwrap();

    // First window: open, edit, autosave; then it ends without saving.
    let dialogs = ScriptedDialogs::new();
    let mut h = harness(templates::template(Style::Generic).unwrap(), &dialogs);
    h.state_mut().open_path(&folder);
    h.state_mut().use_recovery(Recovery::at(rec_dir.path()));
    h.state_mut().autosave.delay = 0.0;
    assert!(h.state().recover_prompt.is_none(), "nothing to recover yet");
    retype(&mut h, "Organization", "Lighthouse Books");
    until_autosaved(&mut h);
    let edited = h.state().session.doc.clone();
    assert_eq!(edited.pass.organization_name, "Lighthouse Books");
    assert!(
        Recovery::at(rec_dir.path()).stale().is_empty(),
        "a running window's copy is not offered to others"
    );
    drop(h);

    // Next start: the offer, by name.
    let dialogs = ScriptedDialogs::new();
    let mut h = harness(templates::template(Style::Generic).unwrap(), &dialogs);
    h.state_mut().use_recovery(Recovery::at(rec_dir.path()));
    h.run();
    let question = h.state().recover_prompt.as_ref().unwrap().question();
    assert!(
        question.starts_with("Restore unsaved changes to Harbor.pass from "),
        "{question}"
    );
    h.get_by_label(&question);
    press(&mut h, "Restore");

    let app = h.state();
    assert!(app.recover_prompt.is_none());
    assert_eq!(
        app.session.doc, edited,
        "Restore brings back the exact document"
    );
    assert_eq!(app.session.path.as_deref(), Some(folder.as_path()));
    assert!(app.session.is_dirty());
    undo(&mut h);
    assert_eq!(
        h.state().session.doc,
        saved,
        "one undo step back is the saved pass"
    );

    // Redo and save: the copy is gone, nothing is offered any more.
    h.key_press_modifiers(
        egui::Modifiers::COMMAND.plus(egui::Modifiers::SHIFT),
        egui::Key::Z,
    );
    h.run();
    assert_eq!(h.state().session.doc, edited);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    h.run();
    assert!(!h.state().session.is_dirty(), "{:?}", h.state().notices);
    assert_eq!(PassDocument::read_dir(&folder).unwrap(), edited);
    drop(h);
    assert!(Recovery::at(rec_dir.path()).stale().is_empty());
    let left: Vec<_> = std::fs::read_dir(rec_dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().starts_with("pass-"))
        .collect();
    assert!(
        left.is_empty(),
        "the saved pass's copy was removed: {left:?}"
    );
}

#[test]
fn discard_removes_the_copy_and_keeps_the_window_as_it_was() {
    let rec_dir = tempfile::tempdir().unwrap();
    let dialogs = ScriptedDialogs::new();
    let mut h = harness(templates::template(Style::Coupon).unwrap(), &dialogs);
    h.state_mut().use_recovery(Recovery::at(rec_dir.path()));
    h.state_mut().autosave.delay = 0.0;
    retype(&mut h, "Organization", "Never saved");
    until_autosaved(&mut h);
    drop(h);

    let start = templates::template(Style::Generic).unwrap();
    let mut h = harness(start.clone(), &dialogs);
    h.state_mut().use_recovery(Recovery::at(rec_dir.path()));
    h.run();
    assert!(h.state().recover_prompt.is_some());
    press(&mut h, "Discard");
    assert!(h.state().recover_prompt.is_none());
    assert_eq!(h.state().session.doc, start);
    assert!(Recovery::at(rec_dir.path()).stale().is_empty());
}
