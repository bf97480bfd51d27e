//! Batch export in the designer (issue 11): File → Batch export…, a CSV, the column mapping,
//! the preview stepped through the rows, a run on the background thread and its report, and
//! the files it leaves on disk.

use std::path::Path;
use std::time::{Duration, Instant};

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use passmith::app::{App, DialogRequest, ScriptedDialogs, templates};
use passmith_core::PassDocument;
use passmith_core::model::{FieldGroup, FieldValue, Style};

use crate::util::{
    assert_openssl_verifies, cert, choose_test_identity, harness, menu, press, retype, unzip,
};

/// The store card template with the member's name as a placeholder.
fn design() -> PassDocument {
    let mut doc = templates::template(Style::StoreCard).unwrap();
    let fields = doc.pass.fields_mut().unwrap();
    let member = &mut fields.group_mut(FieldGroup::Secondary)[0];
    assert_eq!(member.key, "member");
    member.value = FieldValue::Text("{{name}}".to_owned());
    doc
}

/// Five members; row 4 (line 5) has no name, so it cannot be made.
const CSV: &str = "serialNumber,name,balance,email\n\
    HC-001,Ann Lee,12.5,ann@example.com\n\
    HC-002,Bob Ray,3,bob@example.com\n\
    HC-003,Cleo Park,7,cleo@example.com\n\
    HC-004,,1,dan@example.com\n\
    HC-005,Eve Moss,20,eve@example.com\n";

/// Types the CSV's path and leaves the field, as a user pasting a path does.
fn set_csv(h: &mut Harness<'_, App>, path: &Path) {
    retype(h, "CSV file", &path.display().to_string());
    h.key_press(egui::Key::Enter);
    h.run();
}

fn preview_shows(h: &Harness<'_, App>, text: &str) -> bool {
    h.state().preview.texts().iter().any(|t| t == text)
}

#[test]
fn batch_export_maps_columns_previews_row_3_runs_and_reports_the_failed_row() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("members.csv");
    std::fs::write(&csv, CSV).unwrap();
    let out = dir.path().join("passes");
    let dialogs = ScriptedDialogs::new();
    dialogs.answer(&out);
    dialogs.answer(cert("test-pass.p12"));
    dialogs.answer(cert("test-wwdr-ca.pem"));
    let mut h = harness(design(), &dialogs);

    // Open it by its label, from the File menu.
    menu(&mut h, &["File", "Batch export…"]);
    assert!(h.state().batch.open);
    set_csv(&mut h, &csv);
    assert_eq!(
        h.state().batch.rows(),
        Some(5),
        "{:?}",
        h.state().batch.problem()
    );

    // The mapping: a placeholder, a field key, the serial, and a column nothing uses.
    h.get_by_label_contains("{{name}} in the secondary field “member” value");
    h.get_by_label("the value of field “balance” (a number)");
    h.get_by_label("the serial number");
    h.get_by_label("Not used by the design (still listed in manifest.csv)");
    h.get_by_label("Serial numbers come from the serialNumber column.");

    // The preview shows row 1, then steps to row 3.
    assert!(
        preview_shows(&h, "Ann Lee"),
        "{:?}",
        h.state().preview.texts()
    );
    press(&mut h, "Next row");
    press(&mut h, "Next row");
    assert_eq!(h.state().batch.row, 2);
    assert!(
        preview_shows(&h, "Cleo Park"),
        "the preview shows row 3's name: {:?}",
        h.state().preview.texts()
    );
    assert!(!preview_shows(&h, "{{name}}"));
    h.get_by_label("Batch preview: row 3 of 5 (line 4 of the CSV)");
    h.get_by_label("Serial HC-003, file HC-003.pkpass");
    // Row 4 cannot be made, and says why; the design stays untouched.
    press(&mut h, "Next row");
    h.get_by_label_contains("This row will fail: line 5, column \"name\": the cell is empty");
    assert_eq!(
        h.state().session.doc,
        design(),
        "previewing never edits the design"
    );

    // The output folder, then Make: without an identity, the identity dialog comes first.
    press(&mut h, "Choose output folder…");
    assert_eq!(h.state().batch.out_dir, out.display().to_string());
    press(&mut h, "Make 5 passes");
    assert!(h.state().identity_dialog.is_some());
    choose_test_identity(&mut h);
    // The run starts once the identity is chosen; step frames (the progress bar keeps
    // repainting, so `run` would not settle) until the background thread is done.
    h.get_by_label("Use this identity").click();
    let start = Instant::now();
    let mut frames = 0;
    while !h.state().batch.busy() && h.state().batch.finished.is_none() {
        assert!(start.elapsed() < Duration::from_secs(10), "the run starts");
        h.step();
    }
    while h.state().batch.busy() {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "the batch did not finish"
        );
        std::thread::sleep(Duration::from_millis(10));
        h.step();
        frames += 1;
    }
    h.run();
    assert!(frames > 0 || h.state().batch.finished.is_some());

    // The report: the count written, and the failed row with its line and reason.
    h.get_by_label("4 passes written, 1 failed");
    h.get_by_label_contains("Row 4, line 5, column \"name\": the cell is empty");
    let finished = h.state().batch.finished.as_ref().unwrap();
    let report = finished.result.as_ref().unwrap();
    assert_eq!(report.written.len(), 4);
    assert_eq!(report.failed.len(), 1);
    assert_eq!(report.failed[0].line, 5);

    // On disk: four passes, each with its own row, and the manifest for a mail merge.
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "HC-001.pkpass",
            "HC-002.pkpass",
            "HC-003.pkpass",
            "HC-005.pkpass",
            "manifest.csv"
        ]
    );
    let files = unzip(&std::fs::read(out.join("HC-003.pkpass")).unwrap());
    let pass: serde_json::Value = serde_json::from_slice(&files["pass.json"]).unwrap();
    assert_eq!(pass["serialNumber"], "HC-003");
    assert_eq!(
        pass["storeCard"]["secondaryFields"][0]["value"],
        "Cleo Park"
    );
    assert_eq!(pass["storeCard"]["primaryFields"][0]["value"], 7);
    assert_openssl_verifies(&files, &cert("test-wwdr-ca.pem"), "HC-003.pkpass");
    let manifest = std::fs::read_to_string(out.join("manifest.csv")).unwrap();
    let lines: Vec<&str> = manifest.lines().collect();
    assert_eq!(lines.len(), 5, "{manifest}");
    assert!(lines[0].starts_with("row,serial,file,token,serialNumber,name"));
    assert!(
        lines
            .iter()
            .any(|l| l.contains("HC-005.pkpass") && l.contains("Eve Moss"))
    );

    // "Open folder" hands the folder to the file manager.
    press(&mut h, "Open folder");
    assert_eq!(*dialogs.shown.borrow(), std::slice::from_ref(&out));

    // "Send by e-mail…" opens the e-mail window on this batch's manifest.
    press(&mut h, "Send by e-mail…");
    assert!(h.state().mail.open);
    assert_eq!(
        h.state().mail.manifest_path,
        out.join("manifest.csv").display().to_string()
    );
    assert_eq!(h.state().mail.problem(), None);
    h.get_by_label_contains("4 passes in");
    let asked = dialogs.asked.borrow();
    assert!(
        asked.contains(&DialogRequest::BatchOutputFolder),
        "{asked:?}"
    );
}

#[test]
fn a_placeholder_without_a_column_is_marked_and_the_batch_cannot_start() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("no-names.csv");
    std::fs::write(&csv, "id;note\n1;a\n2;b\n").unwrap();
    let dialogs = ScriptedDialogs::new();
    dialogs.answer(&csv);
    let mut h = harness(design(), &dialogs);

    // From the command palette this time, and the CSV from the file dialog.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::K);
    h.run();
    h.get_by_role_and_label(Role::TextInput, "Search commands")
        .type_text("batch");
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
    assert!(h.state().batch.open);
    press(&mut h, "Choose CSV file…");

    h.get_by_label_contains("{{name}} in the secondary field “member” value has no column");
    assert!(
        h.state()
            .batch
            .problem()
            .is_some_and(|p| p.contains("no column \"name\"")),
        "{:?}",
        h.state().batch.problem()
    );
    // Both columns are unused, and nothing can be made.
    assert_eq!(
        h.query_all_by_label("Not used by the design (still listed in manifest.csv)")
            .count(),
        2
    );
    assert!(h.get_by_label("Make passes").accesskit_node().is_disabled());
    // The preview keeps showing the design.
    assert!(
        preview_shows(&h, "{{name}}"),
        "{:?}",
        h.state().preview.texts()
    );
}

/// What the window showed while a batch ran.
struct Watched {
    frames: usize,
    /// The longest a frame took: the window never waits for the batch.
    slowest: Duration,
    /// The progress text seen last ("37 of 1000 · 412 passes/s · about 2 s left").
    progress: Option<String>,
}

/// Steps frames until the batch is done, watching the window meanwhile.
fn wait_for_batch(h: &mut Harness<'_, App>) -> Watched {
    let start = Instant::now();
    let mut watched = Watched {
        frames: 0,
        slowest: Duration::ZERO,
        progress: None,
    };
    while h.state().batch.busy() {
        assert!(
            start.elapsed() < Duration::from_secs(300),
            "the batch did not finish"
        );
        std::thread::sleep(Duration::from_millis(5));
        let frame = Instant::now();
        h.step();
        watched.slowest = watched.slowest.max(frame.elapsed());
        watched.frames += 1;
        if let Some(label) = h
            .query_all_by_role(Role::ProgressIndicator)
            .find_map(|n| n.accesskit_node().label())
        {
            watched.progress = Some(label);
        }
    }
    h.run();
    watched
}

#[test]
fn cancel_stops_between_passes_and_skipping_finished_ones_completes_the_batch() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("many.csv");
    let mut text = String::from("serialNumber,name\n");
    for i in 1..=400 {
        text.push_str(&format!("M-{i:04},Member {i}\n"));
    }
    std::fs::write(&csv, text).unwrap();
    let out = dir.path().join("out");
    let dialogs = ScriptedDialogs::new();
    let mut h = harness(design(), &dialogs);
    crate::util::load_test_identity(h.state_mut());

    menu(&mut h, &["File", "Batch export…"]);
    set_csv(&mut h, &csv);
    retype(&mut h, "Output folder", &out.display().to_string());
    h.get_by_label("Make 400 passes").click();
    h.step();
    h.step();
    assert!(h.state().batch.busy(), "the run is on its thread");
    // The window keeps drawing while the thread works: once the first pass is out, Cancel.
    let start = Instant::now();
    while h.state().batch.progress().is_none_or(|p| p.written == 0) {
        assert!(start.elapsed() < Duration::from_secs(60), "no pass written");
        std::thread::sleep(Duration::from_millis(5));
        h.step();
    }
    h.get_by_label("Cancel").click();
    h.step();
    wait_for_batch(&mut h);
    let report = match &h.state().batch.finished.as_ref().unwrap().result {
        Ok(report) => report.clone(),
        Err(e) => panic!("{e}"),
    };
    assert!(report.cancelled, "stopped before the end");
    let first = report.written.len();
    assert!(
        (1..400).contains(&first),
        "{first} written before Cancel took effect"
    );
    h.get_by_label_contains("Stopped before the end");
    // Only whole passes and the manifest: nothing half written.
    let mut pkpasses = 0;
    for entry in std::fs::read_dir(&out).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".pkpass") {
            pkpasses += 1;
        } else {
            assert_eq!(name, "manifest.csv", "a leftover file");
        }
    }
    assert_eq!(pkpasses, first);
    let manifest = std::fs::read_to_string(out.join("manifest.csv")).unwrap();
    assert_eq!(manifest.lines().count(), first + 1);

    // Run again, keeping what is there: the rest is written, the finished ones are kept.
    h.get_by_label("Skip passes already in the folder").click();
    h.get_by_label("Also make .pkpasses bundles of 10").click();
    h.run();
    h.get_by_label("Make 400 passes").click();
    h.step();
    h.step();
    let watched = wait_for_batch(&mut h);
    let report = match &h.state().batch.finished.as_ref().unwrap().result {
        Ok(report) => report.clone(),
        Err(e) => panic!("{e}"),
    };
    assert!(!report.cancelled);
    assert_eq!(report.written.len(), 400);
    assert_eq!(report.written.iter().filter(|w| w.resumed).count(), first);
    h.get_by_label("400 passes written, 0 failed");
    assert_eq!(report.bundles.len(), 40, "bundles of 10");
    assert!(out.join("passes-0040.pkpasses").is_file());
    h.get_by_label_contains(&format!("{first} were already there and were kept"));
    assert_eq!(
        std::fs::read_to_string(out.join("manifest.csv"))
            .unwrap()
            .lines()
            .count(),
        401
    );
    assert!(
        watched.slowest < Duration::from_secs(1),
        "a frame took {:?} while the batch ran",
        watched.slowest
    );
    let progress = watched
        .progress
        .expect("the progress bar says how fast it goes");
    assert!(progress.contains(" of 400"), "{progress}");
    eprintln!(
        "cancelled after {first} passes; second run: {} frames drawn, slowest {:?}, last progress {progress:?}; {:.1} s, {:.0} passes/s",
        watched.frames, watched.slowest, report.seconds, report.passes_per_second
    );
}
