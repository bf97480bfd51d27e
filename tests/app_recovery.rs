//! Autosave and recovery in the designer: an edit is copied to the recovery folder off the UI
//! thread; a window that ends without saving (dropped here, as a crash would end it) leaves the
//! copy, and the next window offers it back. Restore brings back the exact document, one undo
//! step above the saved version; a clean save removes the copy.

use egui_kittest::kittest::Queryable as _;
use std::path::Path;

use passmith::app::recovery::Recovery;
use passmith::app::{ScriptedDialogs, templates};
use passmith_core::PassDocument;
use passmith_core::model::Style;

use crate::util::{harness, os, press, retype, text, undo};

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

/// The next start, after the window that left a copy is gone: the offer appears. (A child
/// process that another test forks just then holds a copy of the dropped window's lock until
/// its exec, so the copy may look alive for a moment.)
fn start_with_recovery(h: &mut egui_kittest::Harness<'_, passmith::app::App>, dir: &Path) {
    for _ in 0..100 {
        h.state_mut().use_recovery(Recovery::at(dir));
        if h.state().recover_prompt.is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    h.run();
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
    start_with_recovery(&mut h, rec_dir.path());
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
    start_with_recovery(&mut h, rec_dir.path());
    assert!(h.state().recover_prompt.is_some());
    press(&mut h, "Discard");
    assert!(h.state().recover_prompt.is_none());
    assert_eq!(h.state().session.doc, start);
    assert!(Recovery::at(rec_dir.path()).stale().is_empty());
}

/// `xvfb-run -a passmith …` with the recovery folder, settings and data dirs inside `home`.
fn designer_process(home: &Path, rec: &Path, args: &[&std::ffi::OsStr]) -> std::process::Command {
    let mut cmd = std::process::Command::new("xvfb-run");
    cmd.arg("-a")
        .arg(env!("CARGO_BIN_EXE_passmith"))
        .args(args)
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("PASSMITH_RECOVERY_DIR", rec)
        .env_remove("PASSMITH_TEST_EDIT_ORGANIZATION")
        .env_remove("PASSMITH_TEST_RECOVERY")
        .stdin(std::process::Stdio::null());
    cmd
}

#[test]
fn a_real_window_killed_with_sigkill_offers_its_edit_back_on_the_next_start() {
    if std::process::Command::new("xvfb-run")
        .arg("--help")
        .output()
        .is_err()
    {
        panic!("this test needs xvfb-run (scripts/setup.sh installs the xvfb package)");
    }
    let home = tempfile::tempdir().unwrap();
    let rec = home.path().join("recovery");
    let folder = home.path().join("Harbor.pass");
    let saved = templates::template(Style::StoreCard).unwrap();
    saved.write_dir(&folder).unwrap();

    // A real designer window on the pass, edited by the test hook, autosaving at once.
    let mut first = designer_process(home.path(), &rec, os!["open", folder])
        .env("PASSMITH_TEST_EDIT_ORGANIZATION", "Killed Mid-Edit")
        .env("PASSMITH_TEST_AUTOSAVE_DELAY", "0")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    let meta = loop {
        let found = std::fs::read_dir(&rec).ok().and_then(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path().join("meta.json"))
                .find(|m| m.exists())
        });
        if let Some(meta) = found {
            break meta;
        }
        if let Ok(Some(status)) = first.try_wait() {
            let mut err = String::new();
            std::io::Read::read_to_string(first.stderr.as_mut().unwrap(), &mut err).unwrap();
            panic!("the designer exited ({status}) before autosaving:\n{err}");
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no autosave within 120 s"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    let meta: serde_json::Value = serde_json::from_slice(&std::fs::read(&meta).unwrap()).unwrap();
    let pid = meta["pid"].as_u64().unwrap().to_string();
    // SIGKILL: no clean-up code runs in the designer.
    let killed = std::process::Command::new("kill")
        .args(["-9", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    first.wait().unwrap();

    // What the killed window left is the exact edited document.
    let stale = Recovery::at(&rec).stale();
    assert_eq!(stale.len(), 1, "{stale:?}");
    let mut expected = saved.clone();
    expected.pass.organization_name = "Killed Mid-Edit".to_owned();
    assert_eq!(stale[0].read().unwrap(), expected);
    assert_eq!(stale[0].meta.source.as_deref(), Some(folder.as_path()));

    // The next start offers it, and Restore brings the edit back into the window.
    let second = designer_process(home.path(), &rec, os!["--smoke-test"])
        .env("PASSMITH_TEST_RECOVERY", "restore")
        .output()
        .unwrap();
    let (stdout, stderr) = text(&second);
    assert!(second.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("smoke test: organization: Killed Mid-Edit"),
        "{stdout}"
    );
    assert!(
        stdout.contains("smoke test: notice: Restored the unsaved changes to Harbor.pass"),
        "{stdout}"
    );
    // The pass on disk was never touched by the crash.
    assert_eq!(PassDocument::read_dir(&folder).unwrap(), saved);
}

#[test]
fn a_second_window_on_the_same_pass_is_told_it_is_open_elsewhere() {
    let work = tempfile::tempdir().unwrap();
    let rec_dir = tempfile::tempdir().unwrap();
    let folder = work.path().join("Shared.pass");
    templates::template(Style::Coupon)
        .unwrap()
        .write_dir(&folder)
        .unwrap();
    let dialogs = ScriptedDialogs::new();
    let start = templates::template(Style::Generic).unwrap();
    let mut first = harness(start.clone(), &dialogs);
    first.state_mut().use_recovery(Recovery::at(rec_dir.path()));
    first.state_mut().open_path(&folder);
    assert_eq!(
        first.state().session.path.as_deref(),
        Some(folder.as_path())
    );

    let mut second = harness(start.clone(), &dialogs);
    second
        .state_mut()
        .use_recovery(Recovery::at(rec_dir.path()));
    second.state_mut().open_path(&folder);
    second.run();
    assert_eq!(
        second.state().session.doc,
        start,
        "the second window keeps its pass"
    );
    assert!(second.state().session.path.is_none());
    second.get_by_label_contains("already open in another Passmith window");

    // Once the first window is gone (closed or crashed), the pass opens. A child process that
    // another test forks at that moment holds a copy of the lock until its exec, so allow a
    // moment for it.
    drop(first);
    for _ in 0..100 {
        second.state_mut().open_path(&folder);
        if second.state().session.path.is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(
        second.state().session.path.as_deref(),
        Some(folder.as_path())
    );
}

#[test]
fn opening_a_folder_an_interrupted_save_left_a_copy_beside_says_so_and_keeps_the_copy() {
    let work = tempfile::tempdir().unwrap();
    let folder = work.path().join("Harbor.pass");
    templates::template(Style::StoreCard)
        .unwrap()
        .write_dir(&folder)
        .unwrap();
    // What an older Passmith's interrupted save left beside the folder.
    let leftover = work.path().join(".Harbor.pass.saving-4242");
    std::fs::create_dir(&leftover).unwrap();
    std::fs::write(leftover.join("notes.txt"), b"mine").unwrap();

    let dialogs = ScriptedDialogs::new();
    let mut h = harness(templates::template(Style::Generic).unwrap(), &dialogs);
    h.state_mut().open_path(&folder);
    h.run();
    let notice = h
        .state()
        .notices
        .iter()
        .find(|n| n.title == "Opened Harbor.pass after an interrupted save")
        .cloned()
        .unwrap_or_else(|| panic!("no recovery notice: {:?}", h.state().notices));
    let text = notice.lines.join("\n");
    assert!(
        text.contains(".Harbor.pass.saving-4242") && text.contains("delete it yourself"),
        "{text}"
    );
    // On screen, and nothing of the user's was removed.
    h.get_by_label_contains("left a copy of this pass");
    assert_eq!(std::fs::read(leftover.join("notes.txt")).unwrap(), b"mine");
}
