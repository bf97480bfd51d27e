//! GUI journeys through the real designer, driven headlessly with egui_kittest: the app is built
//! with scripted file dialogs, widgets are found by their accessible names and clicked or typed
//! into, and the results are checked on the document, the preview layout and the exported file.
//! egui_kittest's accessibility check stays on: every interactive widget must have a name.

use std::path::{Path, PathBuf};

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use passmith::app::{App, DialogRequest, ScriptedDialogs, templates};
use passmith_core::PassDocument;
use passmith_core::model::{BarcodeFormat, FieldGroup, Style};

use crate::util::{
    assert_openssl_verifies, cert, choose_test_identity, field_of, harness, load_test_identity,
    menu, os, passmith, press, redo, retype, retype_as, run, samples, undo, unzip,
};

fn primary_value(doc: &PassDocument) -> String {
    doc.pass.fields().unwrap().group(FieldGroup::Primary)[0]
        .value
        .to_display_string()
}

#[test]
fn new_store_card_edit_organisation_and_primary_field_shows_in_the_preview() {
    let dialogs = ScriptedDialogs::new();
    let mut h = harness(templates::template(Style::Generic).unwrap(), &dialogs);

    menu(&mut h, &["File", "New from template", "Store card"]);
    assert_eq!(h.state().session.doc.pass.style(), Some(Style::StoreCard));
    assert_eq!(
        h.state().session.doc.pass.organization_name,
        "Harbor Coffee Roasters"
    );

    retype(&mut h, "Organization", "Lighthouse Books");
    // The balance is a number; the new primary value is text.
    press(&mut h, "Primary field 1 value is a number");
    retype(&mut h, "Primary field 1 value", "42 points");
    h.run();

    let app = h.state();
    assert_eq!(app.session.doc.pass.organization_name, "Lighthouse Books");
    assert_eq!(primary_value(&app.session.doc), "42 points");
    let texts = app.preview.texts();
    assert!(
        texts.iter().any(|t| t == "42 points"),
        "preview shows the new primary value: {texts:?}"
    );
    assert!(
        !texts.iter().any(|t| t == "$18.50" || t == "18.5"),
        "old value gone: {texts:?}"
    );
    assert!(app.session.is_dirty());

    // The picture is re-rendered only when the document or the options change.
    let renders = app.preview.renders;
    h.run_steps(5);
    assert_eq!(
        h.state().preview.renders,
        renders,
        "idle frames do not re-render"
    );

    // Export preview PNG writes the picture the panel shows.
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("preview.png");
    dialogs.answer(&png);
    menu(&mut h, &["File", "Export preview PNG…"]);
    let bytes = std::fs::read(&png).unwrap();
    assert!(bytes.starts_with(b"\x89PNG"), "a PNG file");
    let layout = h.state().preview.layout().cloned().unwrap();
    let scale = h.state().preview.options().scale;
    let width = u32::from_be_bytes([bytes[16], bytes[17], bytes[18], bytes[19]]);
    assert_eq!(width, (layout.width * scale).round() as u32);
}

#[test]
fn add_qr_barcode_then_export_signs_a_pass_that_openssl_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("Fern.pkpass");
    let dialogs = ScriptedDialogs::new();
    dialogs.answer(cert("test-pass.p12"));
    dialogs.answer(cert("test-wwdr-ca.pem"));
    dialogs.answer(&out);
    let mut h = harness(templates::template(Style::Coupon).unwrap(), &dialogs);

    press(&mut h, "Barcodes");
    press(&mut h, "Add QR code");
    let barcodes = h.state().session.doc.pass.barcodes.clone().unwrap();
    assert_eq!(barcodes.len(), 2);
    assert_eq!(barcodes[1].format, BarcodeFormat::Qr);

    // Ctrl+E without an identity opens the identity dialog first.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::E);
    h.run();
    choose_test_identity(&mut h);
    press(&mut h, "Use this identity");
    // The template's text is still there: the checklist says so, and export goes on anyway.
    press(&mut h, "Export anyway");

    assert_eq!(
        h.state().last_export.as_deref(),
        Some(out.as_path()),
        "notices: {:?}",
        h.state().notices
    );
    let files = unzip(&std::fs::read(&out).unwrap());
    let pass: serde_json::Value = serde_json::from_slice(&files["pass.json"]).unwrap();
    assert_eq!(pass["barcodes"][1]["format"], "PKBarcodeFormatQR");
    assert_openssl_verifies(&files, &cert("test-wwdr-ca.pem"), "Fern.pkpass");
    let asked = dialogs.asked.borrow();
    assert_eq!(asked.len(), 3, "{asked:?}");
}

#[test]
fn event_sample_to_generic_keeps_every_field_and_names_what_generic_cannot_show() {
    let dialogs = ScriptedDialogs::new();
    dialogs.answer(samples().join("Event.pass"));
    let mut h = harness(templates::template(Style::StoreCard).unwrap(), &dialogs);
    menu(&mut h, &["File", "Open .pass folder…"]);
    assert_eq!(h.state().session.doc.pass.style(), Some(Style::EventTicket));
    assert_eq!(h.state().session.doc.pass.organization_name, "Apple Inc.");

    // An "additional info" field: only event tickets show that group.
    press(&mut h, "Add additional info field");
    let keys_before: Vec<String> = all_keys(&h.state().session.doc);
    assert_eq!(keys_before.len(), 3, "{keys_before:?}");

    h.get_by_role_and_label(Role::ComboBox, "Style")
        .scroll_to_me();
    h.run();
    h.get_by_role_and_label(Role::ComboBox, "Style").click();
    h.run();
    h.get_by_label("Generic").click();
    h.run();

    let app = h.state();
    assert_eq!(app.session.doc.pass.style(), Some(Style::Generic));
    let mut keys_after = all_keys(&app.session.doc);
    let mut expected = keys_before.clone();
    keys_after.sort();
    expected.sort();
    assert_eq!(keys_after, expected, "no field lost");
    let notice = app
        .notices
        .iter()
        .find(|n| n.title == "Style changed to Generic")
        .expect("the user is told about the style change");
    let text = notice.lines.join("\n");
    let fields: Vec<&str> = notice.findings.iter().map(|f| f.message.as_str()).collect();
    // The new additional info field is named by its label, as `validate` names it.
    assert!(
        fields
            .iter()
            .any(|m| m.contains("no additional info fields") && m.contains("“LABEL”")),
        "the additional info field is named: {fields:?}"
    );
    assert!(
        text.contains("background image"),
        "the hidden background image is named: {text}"
    );
    assert_eq!(
        fields.len(),
        1,
        "fields generic shows are not listed: {fields:?}"
    );
    // The notice is on screen, not only in the state.
    h.get_by_label_contains("Kept in the pass but not shown");
}

fn all_keys(doc: &PassDocument) -> Vec<String> {
    doc.pass
        .fields()
        .unwrap()
        .all_fields()
        .map(|(_, _, f)| f.key.clone())
        .collect()
}

#[test]
fn an_invalid_colour_is_listed_focuses_its_editor_and_blocks_export() {
    let dialogs = ScriptedDialogs::new();
    let mut h = harness(templates::template(Style::StoreCard).unwrap(), &dialogs);
    assert!(
        h.state().blocking_errors().is_empty(),
        "{:?}",
        h.state().blocking_errors()
    );

    retype(&mut h, "Background colour", "rgb(300, 20, 20)");
    // Move focus away, as a user would before looking at the validation panel.
    h.get_by_role_and_label(Role::TextInput, "Organization")
        .click();
    h.run();
    let errors = h.state().blocking_errors();
    assert!(
        errors.iter().any(|f| f.path == "/backgroundColor"),
        "{errors:?}"
    );

    h.get_by_label_contains("(/backgroundColor)").click();
    h.run();
    assert_eq!(
        h.state().focus.focused_path.as_deref(),
        Some("/backgroundColor")
    );
    assert!(
        h.get_by_role_and_label(Role::TextInput, "Background colour")
            .is_focused()
    );

    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::E);
    h.run();
    let app = h.state();
    assert!(app.last_export.is_none());
    assert!(app.identity_dialog.is_none(), "no signing is attempted");
    assert!(
        dialogs.asked.borrow().is_empty(),
        "no save dialog: {:?}",
        dialogs.asked.borrow()
    );
    let refused = app
        .notices
        .iter()
        .find(|n| n.title.starts_with("Export refused"))
        .unwrap_or_else(|| panic!("export is refused with a notice: {:?}", app.notices));
    assert!(
        refused.lines.iter().any(|l| l.contains("/backgroundColor")),
        "{refused:?}"
    );
    let title = refused.title.clone();
    h.get_by_label(&title);
}

#[test]
fn undo_and_redo_step_through_three_edits() {
    let dialogs = ScriptedDialogs::new();
    let mut h = harness(templates::template(Style::StoreCard).unwrap(), &dialogs);
    let original = h.state().session.doc.clone();

    // 1: a typing burst in one field is one step.
    h.get_by_role_and_label(Role::TextInput, "Organization")
        .click();
    h.run();
    h.key_press(egui::Key::End);
    for chunk in [" &", " Co", "."] {
        h.get_by_role_and_label(Role::TextInput, "Organization")
            .type_text(chunk);
        h.run();
    }
    let after1 = h.state().session.doc.clone();
    assert_eq!(
        after1.pass.organization_name,
        "Harbor Coffee Roasters & Co."
    );
    // 2: another field.
    retype(&mut h, "Logo text", "Harbor & Co.");
    let after2 = h.state().session.doc.clone();
    // 3: a button.
    press(&mut h, "Barcodes");
    press(&mut h, "Add Aztec");
    let after3 = h.state().session.doc.clone();
    assert_eq!(after3.pass.barcodes.as_ref().unwrap().len(), 2);

    undo(&mut h);
    assert_eq!(h.state().session.doc, after2);
    undo(&mut h);
    assert_eq!(h.state().session.doc, after1);
    undo(&mut h);
    assert_eq!(h.state().session.doc, original);
    assert!(!h.state().session.history.can_undo());
    redo(&mut h);
    assert_eq!(h.state().session.doc, after1);
    redo(&mut h);
    assert_eq!(h.state().session.doc, after2);
    redo(&mut h);
    assert_eq!(h.state().session.doc, after3);
    // The preview follows undo too.
    undo(&mut h);
    assert!(
        h.state()
            .preview
            .texts()
            .iter()
            .any(|t| t == "Harbor & Co."),
        "{:?}",
        h.state().preview.texts()
    );
}

#[test]
fn unsaved_changes_prompt_saves_an_atomic_pass_folder_before_starting_anew() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("Lighthouse.pass");
    let dialogs = ScriptedDialogs::new();
    dialogs.answer(&target);
    let mut h = harness(templates::template(Style::Coupon).unwrap(), &dialogs);
    retype(&mut h, "Organization", "Lighthouse Books");
    let edited = h.state().session.doc.clone();
    assert!(h.state().session.is_dirty());

    menu(&mut h, &["File", "New from template", "Store card"]);
    // Nothing is replaced until the user answers.
    assert_eq!(h.state().session.doc, edited);
    h.get_by_label("Save your changes?");
    h.get_by_label("Save").click();
    h.run();

    let saved = PassDocument::read_dir(&target).unwrap();
    assert_eq!(saved, edited, "the folder holds exactly the edited pass");
    let app = h.state();
    assert_eq!(app.session.doc.pass.style(), Some(Style::StoreCard));
    assert!(!app.session.is_dirty());
    assert_eq!(
        app.settings
            .recent
            .first()
            .map(|p| p.ends_with("Lighthouse.pass")),
        Some(true)
    );
}

#[test]
fn clicking_the_primary_field_in_the_preview_focuses_its_editor() {
    let dialogs = ScriptedDialogs::new();
    let mut h = harness(templates::template(Style::EventTicket).unwrap(), &dialogs);
    let layout = h.state().preview.layout().cloned().unwrap();
    let element = layout
        .elements
        .iter()
        .find(|e| {
            matches!(
                &e.source,
                passmith_preview::Source::Field {
                    group: FieldGroup::Primary,
                    index: 0,
                    ..
                }
            )
        })
        .expect("the primary field is drawn");
    let image = h
        .get_by_label("Pass preview: click an element to edit it")
        .rect();
    let pos = image.min
        + egui::vec2(
            element.rect.x + element.rect.w / 2.0,
            element.rect.y + element.rect.h / 2.0,
        );
    for pressed in [true, false] {
        h.event(egui::Event::PointerButton {
            pos,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::default(),
        });
    }
    h.run();
    let focused = h.state().focus.focused_path.clone().unwrap_or_default();
    assert!(
        focused.starts_with("/eventTicket/primaryFields/0/"),
        "{focused}"
    );
}

#[test]
fn images_load_png_per_slot_and_refuse_other_files() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("mark.png");
    let thumbnail = templates::template(Style::Generic).unwrap().files["thumbnail@2x.png"].clone();
    std::fs::write(&png, &thumbnail).unwrap();
    let jpeg = dir.path().join("photo.jpg");
    std::fs::write(&jpeg, b"\xff\xd8\xff\xe0 not a png").unwrap();
    let dialogs = ScriptedDialogs::new();
    dialogs.answer(&png);
    dialogs.answer(&jpeg);
    let mut h = harness(templates::template(Style::Generic).unwrap(), &dialogs);

    press(&mut h, "Images");
    press(&mut h, "Load thumbnail@3x.png");
    assert_eq!(h.state().session.doc.files["thumbnail@3x.png"], thumbnail);
    let before = h.state().session.doc.files["logo@2x.png"].clone();
    press(&mut h, "Load logo@2x.png");
    assert_eq!(
        h.state().session.doc.files["logo@2x.png"],
        before,
        "a JPEG never replaces the PNG"
    );
    assert!(
        h.state()
            .notices
            .iter()
            .any(|n| n.lines.iter().any(|l| l.contains("not a PNG"))),
        "{:?}",
        h.state().notices
    );
    press(&mut h, "Remove thumbnail@3x.png");
    assert!(!h.state().session.doc.files.contains_key("thumbnail@3x.png"));
}

#[test]
fn dragging_a_field_onto_another_group_moves_it_there() {
    let dialogs = ScriptedDialogs::new();
    let mut h = harness(templates::template(Style::StoreCard).unwrap(), &dialogs);
    let header_key = field_of(h.state(), FieldGroup::Header, 0).key;
    let from = h.get_by_label("Drag Header field 1").rect().center();
    let to = h
        .get_by_role_and_label(Role::TextInput, "Secondary field 1 key")
        .rect()
        .center();
    h.drag_at(from);
    h.run();
    h.hover_at(from + egui::vec2(0.0, 40.0));
    h.run();
    h.hover_at(to);
    h.run();
    h.drop_at(to);
    h.run();
    let fields = h.state().session.doc.pass.fields().unwrap().clone();
    assert_eq!(fields.group(FieldGroup::Secondary)[0].key, header_key);
    assert!(fields.group(FieldGroup::Header).is_empty());
}

#[test]
fn the_identity_dialog_warns_when_the_certificate_is_for_another_pass_type() {
    let dialogs = ScriptedDialogs::new();
    dialogs.answer(cert("test-other-identity.p12"));
    let mut h = harness(templates::template(Style::StoreCard).unwrap(), &dialogs);
    menu(&mut h, &["File", "Signing identity…"]);
    press(&mut h, "Choose certificate…");
    retype_as(&mut h, Role::PasswordInput, "Password", "wrong");
    press(&mut h, "Load certificate");
    assert!(
        h.query_by_label("OTHERTEAM1").is_none(),
        "a wrong password loads nothing"
    );
    assert!(h.state().signer.is_none());

    retype_as(&mut h, Role::PasswordInput, "Password", "test-password");
    press(&mut h, "Load certificate");
    assert!(h.query_by_label("OTHERTEAM1").is_some());
    // The pass says pass.com.example.passmith / TEAM123456: the dialog offers the
    // certificate's IDs, ticked; untick it to keep the pass's and see the mismatch.
    let adopt = "Use this certificate's pass type ID and team in this pass (pass.com.example.other, OTHERTEAM1)";
    press(&mut h, adopt);
    assert!(
        h.query_by_label_contains("pass.com.example.passmith")
            .is_some(),
        "the mismatch names the pass's identifier"
    );
    press(&mut h, "Use this identity");
    let app = h.state();
    assert!(app.signer.is_some());
    assert!(
        app.findings
            .iter()
            .any(|f| f.message.contains("OTHERTEAM1")
                || f.message.contains("pass.com.example.other")),
        "validation now checks the pass against the chosen identity: {:?}",
        app.findings
    );
}

#[test]
fn certificate_first_a_template_takes_the_certificates_ids_and_exports_without_typing_them() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("Other.pkpass");
    let dialogs = ScriptedDialogs::new();
    dialogs.answer(cert("test-other-identity.p12"));
    dialogs.answer(cert("test-wwdr-ca.pem"));
    dialogs.answer(&out);
    let mut h = harness(templates::template(Style::StoreCard).unwrap(), &dialogs);
    // The Identity group says there is no certificate yet and offers to choose one.
    h.get_by_label_contains("No signing certificate yet");

    // Export asks for the certificate first, then carries on.
    menu(&mut h, &["File", "Export .pkpass…"]);
    press(&mut h, "Choose certificate…");
    retype_as(&mut h, Role::PasswordInput, "Password", "test-password");
    press(&mut h, "Load certificate");
    let adopt = h.get_by_label(
        "Use this certificate's pass type ID and team in this pass (pass.com.example.other, OTHERTEAM1)",
    );
    assert_eq!(
        egui_kittest::kittest::NodeT::accesskit_node(&adopt).toggled(),
        Some(egui::accesskit::Toggled::True),
        "on by default"
    );
    press(&mut h, "Choose WWDR certificate…");
    press(&mut h, "Use this identity");

    let pass = &h.state().session.doc.pass;
    assert_eq!(pass.pass_type_identifier, "pass.com.example.other");
    assert_eq!(pass.team_identifier, "OTHERTEAM1");

    // The template is unchanged, so the pre-export checklist lists its text, its example
    // address and its serial number; an item jumps to its field.
    h.get_by_label("Before you export");
    let items = &h.state().checklist.as_ref().unwrap().items;
    for code in [
        passmith_core::Code::ChecklistTemplateText,
        passmith_core::Code::ChecklistPlaceholderAddress,
        passmith_core::Code::ChecklistTemplateSerial,
    ] {
        assert!(items.iter().any(|f| f.code == code), "{code}: {items:?}");
    }
    let serial = h.state().session.doc.pass.serial_number.clone();
    press(
        &mut h,
        &format!("Checklist: The serial number “{serial}” is the template's. (/serialNumber)"),
    );
    assert!(h.state().checklist.is_none(), "going to an item closes it");
    assert!(
        h.get_by_role_and_label(Role::TextInput, "Serial number")
            .is_focused(),
        "the jump focuses the serial number"
    );
    assert_eq!(h.state().last_export, None, "nothing exported yet");
    // Export again: the checklist comes back, and the user exports anyway.
    menu(&mut h, &["File", "Export .pkpass…"]);
    press(&mut h, "Export anyway");
    assert_eq!(
        h.state().last_export.as_deref(),
        Some(out.as_path()),
        "the export went on: {:?}",
        h.state().notices
    );
    let files = unzip(&std::fs::read(&out).unwrap());
    assert_openssl_verifies(&files, &cert("test-wwdr-ca.pem"), "Other.pkpass");
    let json: serde_json::Value = serde_json::from_slice(&files["pass.json"]).unwrap();
    assert_eq!(json["teamIdentifier"], "OTHERTEAM1");
    assert_eq!(json["passTypeIdentifier"], "pass.com.example.other");
    h.get_by_label("The pass now uses your certificate's IDs");

    // One undo step gives the template's IDs back, with the mismatch errors; the finding's
    // one-click fix applies them again.
    undo(&mut h);
    assert_eq!(h.state().session.doc.pass.team_identifier, "TEAM123456");
    assert!(
        h.state()
            .findings
            .iter()
            .any(|f| f.code == passmith_core::Code::IdentityTeamMismatch)
    );
    press(&mut h, "Use this certificate's IDs");
    assert_eq!(h.state().session.doc.pass.team_identifier, "OTHERTEAM1");
    assert!(h.state().findings.iter().all(|f| !matches!(
        f.code,
        passmith_core::Code::IdentityTeamMismatch | passmith_core::Code::IdentityPassTypeMismatch
    )));

    // A new pass from a template takes the loaded certificate's IDs at once.
    menu(&mut h, &["File", "New from template", "Coupon"]);
    if h.query_by_label("Discard").is_some() {
        press(&mut h, "Discard");
    }
    assert_eq!(h.state().session.doc.pass.team_identifier, "OTHERTEAM1");
}

#[test]
fn every_section_opens_with_named_widgets_and_edits_its_keys() {
    // Harness::run checks that every visible interactive widget has an accessible name; this
    // journey opens every inspector section with content in each list so all editors are drawn.
    let dialogs = ScriptedDialogs::new();
    let mut h = harness(templates::template(Style::EventTicket).unwrap(), &dialogs);
    for section in [
        "Relevance",
        "App link",
        "Web service",
        "Images",
        "Localizations",
        "Advanced",
        "Barcodes",
    ] {
        press(&mut h, section);
    }
    press(&mut h, "Add beacon");
    press(&mut h, "Add date range");
    press(&mut h, "Add location");
    retype(&mut h, "New language", "fr");
    press(&mut h, "Add language");
    h.get_by_label_contains("fr (").scroll_to_me();
    h.run();
    h.get_by_label_contains("fr (").click();
    h.run();
    press(&mut h, "NFC (needs Apple's NFC entitlement)");
    press(&mut h, "Generate token");
    h.get_all_by_label("More options")
        .next()
        .unwrap()
        .scroll_to_me();
    h.run();
    h.get_all_by_label("More options").next().unwrap().click();
    h.run();
    assert!(h.query_by_label("Header field 1 change message").is_some());
    press(&mut h, "Back");

    let app = h.state();
    let pass = &app.session.doc.pass;
    assert_eq!(pass.beacons.as_ref().map(Vec::len), Some(1));
    assert_eq!(pass.relevant_dates.as_ref().map(Vec::len), Some(2));
    assert_eq!(pass.locations.as_ref().map(Vec::len), Some(2));
    assert!(pass.nfc.is_some());
    let token = pass.authentication_token.clone().unwrap();
    assert!(
        token.len() >= 32 && token.chars().all(|c| c.is_ascii_alphanumeric()),
        "{token}"
    );
    let fr = &app.session.doc.localizations["fr"];
    assert!(fr.get("Northwind Jazz").is_some(), "{fr:?}");
    assert_eq!(app.preview.options().side, passmith_preview::Side::Back);
    assert!(
        app.preview
            .texts()
            .iter()
            .any(|t| t.contains("Lantern Quartet")),
        "{:?}",
        app.preview.texts()
    );
}

#[test]
fn closing_the_window_with_unsaved_changes_asks_first() {
    let dialogs = ScriptedDialogs::new();
    let mut h = harness(templates::template(Style::StoreCard).unwrap(), &dialogs);
    retype(&mut h, "Logo text", "Harbor & Co.");
    h.input_mut()
        .viewports
        .entry(egui::ViewportId::ROOT)
        .or_default()
        .events
        .push(egui::ViewportEvent::Close);
    h.run();
    h.get_by_label("Save your changes?");
    h.get_by_label("Cancel").click();
    h.run();
    assert!(h.query_by_label("Save your changes?").is_none());
    assert_eq!(
        h.state().session.doc.pass.logo_text.as_deref(),
        Some("Harbor & Co."),
        "nothing lost"
    );
}

/// A file dropped onto the window, as the windowing backend would hand it over.
#[derive(Debug)]
struct Dropped(PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn dropping_a_pkpass_on_the_window_opens_it_with_its_signature_status() {
    let dialogs = ScriptedDialogs::new();
    let mut h = harness(templates::template(Style::StoreCard).unwrap(), &dialogs);
    let pkpass = samples().join("Coupon.pkpass");
    h.input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(pkpass)));
    h.run();
    let app = h.state();
    assert_eq!(app.session.doc.pass.style(), Some(Style::Coupon));
    assert_eq!(app.session.title, "Coupon.pkpass");
    let status = app.session.signature_status.clone().unwrap_or_default();
    assert!(
        status.contains("pass.com.apple.devpubs.example"),
        "{status}"
    );
    // The status is on screen, beside the title.
    h.get_by_label(&status);
}

#[test]
fn a_localized_logo_is_loaded_for_french_only_and_undone_in_one_step() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("logo-fr.png");
    // A real PNG that differs from the template's logo, so replacing the default would show.
    let french_logo =
        templates::template(Style::Generic).unwrap().files["thumbnail@2x.png"].clone();
    std::fs::write(&png, &french_logo).unwrap();
    let dialogs = ScriptedDialogs::new();
    dialogs.answer(&png);
    let mut h = harness(templates::template(Style::StoreCard).unwrap(), &dialogs);
    let default_logo = h.state().session.doc.files["logo@2x.png"].clone();
    assert_ne!(default_logo, french_logo);

    press(&mut h, "Localizations");
    retype(&mut h, "New language", "fr");
    press(&mut h, "Add language");
    assert_eq!(h.state().session.doc.languages(), vec!["fr".to_owned()]);

    press(&mut h, "Images");
    h.get_by_role_and_label(Role::ComboBox, "Image language")
        .scroll_to_me();
    h.run();
    h.get_by_role_and_label(Role::ComboBox, "Image language")
        .click();
    h.run();
    h.get_by_label("fr").click();
    h.run();
    // Before loading, French has no logo of its own and the panel says it falls back.
    h.get_by_label_contains("fr has no images of its own");
    let before_load = h.state().session.doc.clone();

    press(&mut h, "Load fr.lproj/logo@2x.png");
    let doc = &h.state().session.doc;
    assert_eq!(doc.files["fr.lproj/logo@2x.png"], french_logo);
    assert_eq!(
        doc.files["logo@2x.png"], default_logo,
        "the default logo is untouched"
    );
    assert_eq!(
        doc.image("logo", 2, Some("fr")).unwrap().path,
        "fr.lproj/logo@2x.png",
        "a French preview uses the French logo"
    );
    assert_eq!(doc.image("logo", 2, None).unwrap().path, "logo@2x.png");
    assert!(
        h.state().session.doc.languages() == vec!["fr".to_owned()],
        "no new language appears"
    );
    assert!(
        format!("{:?}", dialogs.asked.borrow().last()).contains("fr.lproj/logo@2x.png"),
        "the dialog is asked for the French file: {:?}",
        dialogs.asked.borrow()
    );
    h.get_by_label_contains("fr has its own logo@2x.png");

    // The preview in French draws the French logo: its square shape gives another logo box.
    let logo_rect = |h: &Harness<'_, App>| {
        h.state()
            .preview
            .layout()
            .unwrap()
            .elements
            .iter()
            .find(|e| {
                e.source
                    == passmith_preview::Source::Image {
                        name: "logo".into(),
                    }
            })
            .map(|e| e.rect)
            .unwrap()
    };
    // The pass has only fr, so the automatic language is fr, as Wallet would show it; drawn
    // without any localization the base logo gives another box.
    h.get_by_label_contains("Shown in fr");
    let base = passmith_preview::layout(
        &h.state().session.doc,
        &passmith_preview::RenderOptions::default(),
    );
    let base_rect = base
        .elements
        .iter()
        .find(|e| {
            e.source
                == passmith_preview::Source::Image {
                    name: "logo".into(),
                }
        })
        .map(|e| e.rect)
        .unwrap();
    assert_ne!(
        logo_rect(&h),
        base_rect,
        "the automatic fr preview uses fr.lproj/logo@2x.png"
    );
    h.get_by_role_and_label(Role::ComboBox, "Language").click();
    h.run();
    h.get_by_label("fr").click();
    h.run();
    assert_eq!(h.state().preview.options().language.as_deref(), Some("fr"));
    assert_ne!(
        logo_rect(&h),
        base_rect,
        "the French preview uses fr.lproj/logo@2x.png"
    );

    undo(&mut h);
    assert_eq!(
        h.state().session.doc,
        before_load,
        "one undo removes the French logo"
    );
    assert!(
        !h.state()
            .session
            .doc
            .files
            .contains_key("fr.lproj/logo@2x.png")
    );
    assert_eq!(h.state().session.doc.files["logo@2x.png"], default_logo);
}

#[test]
fn the_command_palette_opens_with_ctrl_k_and_typing_export_then_enter_runs_export() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("Harbor.pkpass");
    let dialogs = ScriptedDialogs::new();
    dialogs.answer(&out);
    let mut h = harness(templates::template(Style::StoreCard).unwrap(), &dialogs);
    load_test_identity(h.state_mut());

    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::K);
    h.run();
    assert!(h.state().palette.is_open());
    // Every command is listed, with the label its menu entry has.
    assert!(h.query_by_label("Change style to Coupon").is_some());
    assert!(h.query_by_label("Save as .pass folder…").is_some());
    let search = h.get_by_role_and_label(Role::TextInput, "Search commands");
    assert!(
        search.is_focused(),
        "typing goes straight into the search box"
    );

    search.type_text("export");
    h.run();
    assert!(h.query_by_label("Export .pkpass…").is_some());
    assert!(h.query_by_label("Export preview PNG…").is_some());
    assert!(
        h.query_by_label("Change style to Coupon").is_none(),
        "typing filters the list"
    );
    assert!(h.query_by_label("Save as .pass folder…").is_none());

    h.key_press(egui::Key::Enter);
    h.run();
    assert!(!h.state().palette.is_open(), "running a command closes it");
    press(&mut h, "Export anyway");
    assert_eq!(
        h.state().last_export.as_deref(),
        Some(out.as_path()),
        "Enter ran Export: {:?}",
        h.state().notices
    );
    assert_eq!(
        *dialogs.asked.borrow(),
        [DialogRequest::ExportPkpass {
            suggested: "Harbor-Coffee-Roasters.pkpass".into()
        }]
    );
    let files = unzip(&std::fs::read(&out).unwrap());
    assert_openssl_verifies(&files, &cert("test-wwdr-ca.pem"), "Harbor.pkpass");
}

#[test]
fn escape_closes_the_command_palette_and_the_view_menu_opens_it_too() {
    let dialogs = ScriptedDialogs::new();
    let mut h = harness(templates::template(Style::Coupon).unwrap(), &dialogs);
    menu(&mut h, &["View", "Command palette…"]);
    assert!(h.state().palette.is_open());
    h.get_by_role_and_label(Role::TextInput, "Search commands")
        .type_text("redo");
    h.run();
    h.key_press(egui::Key::Escape);
    h.run();
    assert!(!h.state().palette.is_open());
    assert!(h.query_by_label("Search commands").is_none());
    assert!(dialogs.asked.borrow().is_empty(), "nothing ran");
}

#[test]
fn the_designers_export_warns_about_the_test_intermediate_as_passmith_build_does() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("Coupon.pkpass");
    let dialogs = ScriptedDialogs::new();
    dialogs.answer(cert("test-pass.p12"));
    dialogs.answer(cert("test-wwdr-ca.pem"));
    dialogs.answer(&out);
    let mut h = harness(templates::template(Style::Coupon).unwrap(), &dialogs);
    menu(&mut h, &["File", "Export .pkpass…"]);
    choose_test_identity(&mut h);
    press(&mut h, "Use this identity");
    press(&mut h, "Export anyway");

    let app = h.state();
    assert_eq!(
        app.last_export.as_deref(),
        Some(out.as_path()),
        "{:?}",
        app.notices
    );
    let notice = app
        .notices
        .iter()
        .find(|n| n.title.starts_with("Exported"))
        .expect("the export is announced")
        .clone();
    assert_eq!(
        notice.kind,
        passmith::app::NoticeKind::Warning,
        "{notice:?}"
    );
    let mut designer: Vec<String> = notice.findings.iter().map(|f| f.code.to_string()).collect();
    designer.sort();
    assert!(
        designer
            .iter()
            .any(|c| c == "package.intermediate_not_apple"),
        "{designer:?}"
    );
    // The warning is on screen, in the notice.
    let warning = notice
        .findings
        .iter()
        .find(|f| f.code == passmith_core::code::Code::PackageIntermediateNotApple)
        .unwrap();
    h.get_by_label_contains(&warning.message);

    // The same pass through `passmith build`, with the same identity and intermediate.
    let folder = dir.path().join("Coupon.pass");
    h.state().session.doc.write_dir(&folder).unwrap();
    let password = dir.path().join("password.txt");
    std::fs::write(&password, "test-password\n").unwrap();
    let (code, _, stderr) = run(os![
        "build",
        folder,
        "--cert",
        cert("test-pass.p12"),
        "--password-file",
        password,
        "--wwdr",
        cert("test-wwdr-ca.pem"),
        "-o",
        dir.path().join("cli.pkpass")
    ]);
    assert_eq!(code, 0, "{stderr}");
    // Each warning is reported as `  [code]` (after its path, if any).
    let mut cli: Vec<String> = stderr
        .lines()
        .filter_map(|l| {
            let l = l.trim_end();
            l.ends_with(']')
                .then(|| {
                    l.rsplit_once('[')
                        .map(|(_, c)| c.trim_end_matches(']').to_owned())
                })
                .flatten()
        })
        .collect();
    cli.sort();
    assert_eq!(
        designer, cli,
        "designer notice vs passmith build:\n{stderr}"
    );
    for f in &notice.findings {
        assert!(
            stderr.contains(&f.message),
            "{} missing from:\n{stderr}",
            f.message
        );
    }
}

/// A store card whose deal field's value is the key `DEAL`, translated in en and fr.
fn localized_store_card() -> PassDocument {
    let mut doc = templates::template(Style::StoreCard).unwrap();
    let fields = doc.pass.store_card.as_mut().unwrap();
    let field = fields.auxiliary_fields.get_or_insert_with(Vec::new);
    field.clear();
    field.push(passmith_core::model::Field {
        key: "deal".into(),
        label: Some("DEAL_LABEL".into()),
        value: "DEAL".into(),
        ..Default::default()
    });
    for (lang, label, value) in [("en", "Deal", "Lemons"), ("fr", "Offre", "Citrons")] {
        doc.localizations.insert(
            lang.into(),
            passmith_core::strings::Strings::new(vec![
                ("DEAL_LABEL".into(), label.into()),
                ("DEAL".into(), value.into()),
            ]),
        );
    }
    doc
}

#[test]
fn the_preview_shows_the_users_language_when_the_pass_has_it_and_says_which_it_picked() {
    let dialogs = ScriptedDialogs::new();
    let mut h = harness(localized_store_card(), &dialogs);
    h.state_mut().preview.preferred = vec!["fr-FR".into(), "fr".into()];
    h.run();
    let texts = h.state().preview.texts();
    assert!(texts.iter().any(|t| t.contains("Citrons")), "{texts:?}");
    assert!(
        !texts.iter().any(|t| t == "DEAL"),
        "raw keys are never shown: {texts:?}"
    );
    h.get_by_label_contains("Shown in fr, your language");

    // A German user: the pass has no de, so English, and the panel does not call it theirs.
    h.state_mut().preview.preferred = vec!["de-DE".into(), "de".into()];
    h.run();
    let texts = h.state().preview.texts();
    assert!(texts.iter().any(|t| t.contains("Lemons")), "{texts:?}");
    h.get_by_label_contains("Shown in en: the pass has no de-DE");
}

#[test]
fn opening_a_bundle_asks_which_pass_and_opens_that_one() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("All.pkpasses");
    let out = passmith(os![
        "bundle",
        "-o",
        bundle,
        samples().join("Coupon.pkpass"),
        samples().join("Event.pkpass")
    ]);
    assert_eq!(out.status.code(), Some(0), "{:?}", crate::util::text(&out));

    let dialogs = ScriptedDialogs::new();
    let mut h = harness(templates::template(Style::Generic).unwrap(), &dialogs);
    h.state_mut().open_path(&bundle);
    h.run();
    h.get_by_label_contains("Choose a pass from the bundle");
    press(&mut h, "Open Event.pkpass");
    let app = h.state();
    assert!(app.bundle_prompt.is_none());
    assert_eq!(app.session.title, "All.pkpasses › Event.pkpass");
    assert_eq!(app.session.doc.pass.style(), Some(Style::EventTicket));
    assert_eq!(app.session.path, None, "saving asks for a .pass folder");
    assert!(
        app.session
            .signature_status
            .as_deref()
            .is_some_and(|s| s.starts_with("Signed by")),
        "{:?}",
        app.session.signature_status
    );
}

#[test]
fn the_google_wallet_face_shows_the_mapped_card_and_a_mapping_finding_leads_to_its_editor() {
    let dialogs = ScriptedDialogs::new();
    let mut h = harness(templates::template(Style::StoreCard).unwrap(), &dialogs);
    let before = h.state().preview.renders;
    press(&mut h, "Google Wallet");
    assert!(h.state().preview.shows_google());
    assert!(h.state().preview.renders > before, "the card is redrawn");
    // Google's card: the issuer as title, the program name as header, fields in rows.
    let texts = h.state().preview.texts();
    for expected in [
        "Harbor Coffee Roasters",
        "Harbor Coffee",
        "STAMPS",
        "7 of 10",
    ] {
        assert!(texts.iter().any(|t| t == expected), "{expected}: {texts:?}");
    }
    // The mapping's findings are listed with the others, and block nothing of the Apple pass.
    let findings = h.state().all_findings();
    assert!(
        findings.iter().any(|f| f.code == "google.back_fields"),
        "{findings:?}"
    );
    assert!(h.state().blocking_errors().is_empty());
    h.get_by_label_contains("Google Wallet has no back side")
        .click();
    h.run();
    let focused = h.state().focus.focused_path.clone().unwrap_or_default();
    assert!(focused.starts_with("/storeCard/backFields/0"), "{focused}");

    // Back to Apple's front: Google's findings go with its card.
    press(&mut h, "Front");
    assert!(!h.state().preview.shows_google());
    assert!(
        !h.state()
            .all_findings()
            .iter()
            .any(|f| f.code.as_str().starts_with("google."))
    );
}

#[test]
fn a_success_notice_goes_by_itself_but_a_warning_stays() {
    let dialogs = ScriptedDialogs::new();
    dialogs.answer(samples().join("Event.pass"));
    let mut h = harness(templates::template(Style::StoreCard).unwrap(), &dialogs);
    menu(&mut h, &["File", "Open .pass folder…"]);
    h.get_by_label("Opened Event.pass");
    // A warning notice (a style change that hides fields) is there too.
    h.state_mut()
        .send(passmith::app::command::Command::SetStyle(Style::Generic));
    h.run();
    let warning = h
        .state()
        .notices
        .iter()
        .find(|n| !n.is_toast())
        .map(|n| n.title.clone())
        .expect("the style change leaves a warning");
    // egui's clock moves a quarter second a frame in the harness.
    let started = h.ctx.input(|i| i.time);
    let shown_at = h
        .state()
        .notices
        .iter()
        .find(|n| n.title == "Opened Event.pass")
        .and_then(|n| n.shown_at)
        .expect("a toast knows when it was shown");
    while h.query_by_label("Opened Event.pass").is_some() {
        h.step();
        let waited = h.ctx.input(|i| i.time) - started;
        assert!(waited < 30.0, "the toast is still there after {waited} s");
    }
    let shown_for = h.ctx.input(|i| i.time) - shown_at;
    assert!(
        shown_for >= passmith::app::theme::TOAST_SECONDS,
        "it stayed long enough to be read: {shown_for} s"
    );
    assert!(
        h.state().notices.iter().any(|n| n.title == warning),
        "the warning stays until dismissed"
    );
}

#[test]
fn add_scrolls_to_the_new_field_and_focuses_its_label() {
    let dialogs = ScriptedDialogs::new();
    let mut h = harness(templates::template(Style::StoreCard).unwrap(), &dialogs);
    let before = h
        .state()
        .session
        .doc
        .pass
        .fields()
        .map_or(0, |f| f.group(FieldGroup::Back).len());
    press(&mut h, "Add back field");
    h.run();
    let label = format!("Back field {} label", before + 1);
    let node = h.get_by_role_and_label(Role::TextInput, &label);
    assert!(node.is_focused(), "{label} is focused");
    // Typing goes straight into it.
    node.type_text(" Opening hours");
    h.run();
    let fields = h.state().session.doc.pass.fields().unwrap().clone();
    let added = fields.group(FieldGroup::Back).last().unwrap();
    assert!(
        added
            .label
            .as_deref()
            .unwrap_or("")
            .ends_with("Opening hours"),
        "{added:?}"
    );
}

#[test]
fn a_pasted_maps_link_fills_the_location_and_0_0_is_a_warning() {
    let dialogs = ScriptedDialogs::new();
    let mut h = harness(templates::template(Style::EventTicket).unwrap(), &dialogs);
    press(&mut h, "Relevance");
    press(&mut h, "Add location");
    let n = h
        .state()
        .session
        .doc
        .pass
        .locations
        .as_ref()
        .map_or(0, Vec::len);
    let zero = |h: &Harness<'_, App>| {
        h.state()
            .findings
            .iter()
            .any(|f| f.code == passmith_core::Code::LocationZero)
    };
    assert!(zero(&h), "a new location at 0, 0 is flagged");
    let name = format!("Location {n} paste a place");
    retype(&mut h, &name, "not a place");
    h.get_by_label_contains("No coordinates found");
    retype(
        &mut h,
        &name,
        "https://www.google.com/maps/place/Eiffel+Tower/@48.8584,2.2945,17z",
    );
    let loc = h.state().session.doc.pass.locations.as_ref().unwrap()[n - 1].clone();
    assert_eq!((loc.latitude, loc.longitude), (48.8584, 2.2945));
    assert!(!zero(&h));
}

#[test]
fn a_photo_chosen_for_the_strip_renders_at_the_style_sizes_and_contain_is_one_undo_step() {
    let dir = tempfile::tempdir().unwrap();
    // A 4:3 photo: the left half red, the right half blue.
    let photo = dir.path().join("photo.jpg");
    image::RgbImage::from_fn(800, 600, |x, _| {
        if x < 400 {
            image::Rgb([255, 0, 0])
        } else {
            image::Rgb([0, 0, 255])
        }
    })
    .save(&photo)
    .unwrap();
    let doc = templates::template(Style::Coupon).unwrap();
    let pass_dir = dir.path().join("Coupon.pass");
    doc.write_dir(&pass_dir).unwrap();
    let dialogs = ScriptedDialogs::new();
    dialogs.answer(&photo);
    let mut h = harness(doc, &dialogs);
    h.state_mut().session.path = Some(pass_dir.clone());

    press(&mut h, "Images");
    press(&mut h, "Choose picture for strip…");
    let strip = |h: &Harness<'_, App>| {
        image::load_from_memory(&h.state().session.doc.files["strip@3x.png"])
            .unwrap()
            .into_rgb8()
    };
    let covered = strip(&h);
    assert_eq!(covered.dimensions(), (1125, 432));
    assert_eq!(
        image::load_from_memory(&h.state().session.doc.files["strip.png"])
            .unwrap()
            .into_rgb8()
            .dimensions(),
        (375, 144)
    );
    // Cover fills the width: the left edge is the photo's red.
    let left = covered.get_pixel(3, 216).0;
    assert!(left[0] > 240 && left[2] < 20, "{left:?}");
    assert!(pass_dir.join(".passmith/sources/strip.jpg").is_file());

    press(&mut h, "Contain strip");
    let contained = strip(&h);
    assert_eq!(contained.dimensions(), (1125, 432));
    // Contain shows the whole 4:3 photo (576 px wide at @3x) padded with the background colour.
    let bg = passmith_core::picture::background_of(&h.state().session.doc).unwrap();
    assert_eq!(contained.get_pixel(3, 216).0, bg);
    let red = contained.get_pixel(562 - 280, 216).0;
    assert!(red[0] > 240 && red[2] < 20, "{red:?}");

    // One undo step back to the covered strip.
    undo(&mut h);
    assert_eq!(strip(&h), covered);

    // A style change renders the kept original again at the new style's strip size (a store
    // card's strip is 375×123 pt), in the same undo step as the change.
    h.state_mut()
        .send(passmith::app::command::Command::SetStyle(Style::StoreCard));
    h.run();
    assert_eq!(strip(&h).dimensions(), (1125, 369));
    assert!(
        h.state().notices.iter().any(|n| n.lines.iter().any(|l| l
            .starts_with("Rendered again from the original pictures")
            && l.contains("strip"))),
        "the style change says so: {:?}",
        h.state().notices
    );
    undo(&mut h);
    assert_eq!(h.state().session.doc.pass.style(), Some(Style::Coupon));
    assert_eq!(strip(&h), covered);
}

#[test]
fn a_hex_code_is_written_as_rgb_and_the_logos_colours_are_offered_with_their_contrast() {
    let dialogs = ScriptedDialogs::new();
    let mut h = harness(templates::template(Style::StoreCard).unwrap(), &dialogs);
    // Typed like a designer copies it; written as Apple's rgb(), so no hex warning.
    retype(&mut h, "Background colour hex", "#1e90ff");
    assert_eq!(
        h.state().session.doc.pass.background_color.as_deref(),
        Some("rgb(30, 144, 255)")
    );
    assert!(
        h.state()
            .findings
            .iter()
            .all(|f| f.code != passmith_core::Code::ColorHex)
    );
    // The template's logo gives background suggestions, each with its contrast verdict.
    let logo = h.state().session.doc.files["logo@2x.png"].clone();
    let colours = passmith_core::palette::dominant_colors(&logo, 5);
    assert!(!colours.is_empty());
    let first = passmith_core::palette::hex(colours[0]);
    press(&mut h, &format!("Use {first} as the background"));
    assert_eq!(
        h.state().session.doc.pass.background_color.as_deref(),
        Some(passmith_core::color::format_rgb(colours[0]).as_str())
    );
}

#[test]
fn the_change_message_reads_new_value_in_words_and_writes_wallets_placeholder() {
    let dialogs = ScriptedDialogs::new();
    let mut h = harness(templates::template(Style::StoreCard).unwrap(), &dialogs);
    press(&mut h, "Add back field");
    let n = h
        .state()
        .session
        .doc
        .pass
        .fields()
        .map_or(0, |f| f.group(FieldGroup::Back).len());
    let more = h.get_all_by_label("More options").count();
    assert!(more > 0);
    // Open the new field's "More options" (the last one in the form).
    h.get_all_by_label("More options").last().unwrap().click();
    h.run();
    let name = format!("Back field {n} change message");
    retype(&mut h, &name, "Opening hours are now {new value}");
    let added = h
        .state()
        .session
        .doc
        .pass
        .fields()
        .unwrap()
        .group(FieldGroup::Back)[n - 1]
        .clone();
    assert_eq!(
        added.change_message.as_deref(),
        Some("Opening hours are now %@")
    );
    // The editor never shows %@.
    assert!(h.query_by_label_contains("%@").is_none());
    h.get_by_role_and_label(Role::TextInput, &name);
}

#[test]
fn choose_your_certificate_first_goes_once_a_certificate_is_chosen() {
    let dialogs = ScriptedDialogs::new();
    dialogs.answer(cert("test-pass.p12"));
    let mut h = harness(templates::template(Style::StoreCard).unwrap(), &dialogs);
    menu(&mut h, &["File", "Signing identity…"]);
    h.state_mut().identity_dialog.as_mut().unwrap().certificate = None;
    press(&mut h, "Load certificate");
    h.get_by_label_contains("Choose your Pass Type ID certificate (.p12) first.");
    press(&mut h, "Choose certificate…");
    assert!(
        h.query_by_label_contains("Choose your Pass Type ID certificate (.p12) first.")
            .is_none()
    );
}
