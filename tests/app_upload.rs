//! GUI journeys for the update server window, against a real passmith-server started in-process
//! on 127.0.0.1 (ephemeral port, fresh SQLite file, API key file): fill the web service from the
//! server settings, upload with the identity dialog, see the registration count, push, and the
//! plain-language messages for a wrong API key and for a pass with validation errors.

use std::time::{Duration, Instant};

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use passmith::app::{App, ScriptedDialogs, templates};
use passmith_core::model::Style;

use crate::util::{
    cert, choose_test_identity, harness, load_test_identity, menu, press, redo, retype, retype_as,
    undo,
};

const KEY: &str = "designer-upload-test-key-42";

/// A real passmith-server on its own runtime; stops when dropped with the test.
struct TestServer {
    base: String,
    _dir: tempfile::TempDir,
    _rt: tokio::runtime::Runtime,
}

fn server() -> TestServer {
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("api-key");
    std::fs::write(&key_file, KEY).unwrap();
    let db = format!("sqlite://{}", dir.path().join("passes.db").display());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let config = passmith_server::Args {
        listen: Some("127.0.0.1:0".into()),
        db: Some(db),
        api_key_file: Some(key_file),
        ..Default::default()
    }
    .resolve()
    .unwrap();
    let running = rt.block_on(passmith_server::start(config)).unwrap();
    TestServer {
        base: format!("http://{}", running.addr),
        _dir: dir,
        _rt: rt,
    }
}

fn open_server_window(h: &mut Harness<'_, App>, base: &str, key: &str) {
    menu(h, &["File", "Update server…"]);
    retype(h, "Server URL", base);
    retype_as(h, Role::PasswordInput, "API key", key);
}

/// Clicks `label`, which starts a server call; then steps frames until it is done (the spinner
/// keeps repainting meanwhile, so `run` would never settle).
fn press_and_wait(h: &mut Harness<'_, App>, label: &str) {
    h.get_by_label(label).click();
    h.step();
    h.step();
    wait_for_server(h);
}

fn wait_for_server(h: &mut Harness<'_, App>) {
    let start = Instant::now();
    while let Some(what) = h.state().server.progress_text().map(str::to_owned) {
        assert!(
            h.query_by_label(&what).is_some(),
            "the progress text {what:?} is shown beside the spinner"
        );
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the server call did not finish"
        );
        std::thread::sleep(Duration::from_millis(20));
        h.step();
    }
    h.run();
}

#[test]
fn fill_web_service_upload_with_identity_then_push() {
    let server = server();
    let dialogs = ScriptedDialogs::new();
    dialogs.answer(cert("test-pass.p12"));
    dialogs.answer(cert("test-wwdr-ca.pem"));
    let mut h = harness(templates::template(Style::Generic).unwrap(), &dialogs);

    // Open a template from the menu, as a marketer would.
    menu(&mut h, &["File", "New from template", "Event ticket"]);
    assert_eq!(h.state().session.doc.pass.style(), Some(Style::EventTicket));
    assert!(h.state().session.doc.pass.web_service_url.is_none());

    open_server_window(&mut h, &server.base, KEY);
    assert_eq!(h.state().settings.server_url, server.base);
    if let Some(note) = h.state().server.keychain_note.clone() {
        // No keychain here (e.g. Linux CI): the window says so, and the key still works below.
        assert!(note.contains("No system keychain"), "{note}");
        assert!(h.query_by_label(&note).is_some(), "the note is shown");
    }

    // The pass has no web service yet: the window offers to fill it, as one undoable edit.
    press(&mut h, "Fill web service from server settings");
    let pass = h.state().session.doc.pass.clone();
    assert_eq!(
        pass.web_service_url.as_deref(),
        Some(format!("{}/", server.base).as_str())
    );
    let token = pass.authentication_token.clone().unwrap();
    assert!(token.len() >= 32, "{token}");
    assert!(token.bytes().all(|b| b.is_ascii_alphanumeric()));
    assert!(
        h.query_by_label("Fill web service from server settings")
            .is_none(),
        "no offer once the pass has a web service"
    );
    undo(&mut h);
    assert!(h.state().session.doc.pass.web_service_url.is_none());
    assert!(
        h.state().session.doc.pass.authentication_token.is_none(),
        "one undo takes back both values"
    );
    redo(&mut h);
    assert_eq!(
        h.state().session.doc.pass.authentication_token.as_deref(),
        Some(token.as_str())
    );

    // Upload without an identity opens the identity dialog first, then continues.
    press(&mut h, "Upload");
    choose_test_identity(&mut h);
    press_and_wait(&mut h, "Use this identity");
    assert!(h.state().signer.is_some());

    let serial = h.state().session.doc.pass.serial_number.clone();
    let uploaded = h.state().server.last_upload.clone().unwrap_or_else(|| {
        panic!(
            "upload failed: {:?} / notices {:?}",
            h.state().server.status,
            h.state().notices
        )
    });
    assert_eq!(uploaded.serial_number, serial);
    assert!(uploaded.created);
    assert!(
        h.query_by_label_contains("0 devices are registered for updates")
            .is_some(),
        "the registration count is shown: {:?}",
        h.state().server.status
    );

    // The server really has it.
    let client = passmith::upload::Client::new(&server.base, KEY).unwrap();
    let listed = client.list().unwrap();
    assert!(
        listed.iter().any(|p| p.serial_number == serial),
        "{listed:?}"
    );
    let entry = listed.iter().find(|p| p.serial_number == serial).unwrap();
    assert_eq!(entry.registrations, 0);

    press_and_wait(&mut h, "Push update");
    assert_eq!(h.state().server.last_push, Some(0));
    // The window's "(202)" is the server's real answer to the same request.
    let status = reqwest::blocking::Client::new()
        .post(format!(
            "{}/api/v1/passes/{}/{serial}/push",
            server.base,
            h.state().session.doc.pass.pass_type_identifier
        ))
        .bearer_auth(KEY)
        .send()
        .unwrap()
        .status();
    assert_eq!(status.as_u16(), 202);
    assert!(
        h.query_by_label("Push update accepted by the server (202)")
            .is_some(),
        "{:?}",
        h.state().server.status
    );

    // The API key never reaches the settings file.
    let saved = serde_json::to_string(&h.state().settings).unwrap();
    assert!(saved.contains(&server.base));
    assert!(!saved.contains(KEY), "{saved}");
}

#[test]
fn a_wrong_api_key_is_explained_in_plain_words() {
    let server = server();
    let dialogs = ScriptedDialogs::new();
    let mut h = harness(templates::template(Style::Coupon).unwrap(), &dialogs);
    load_test_identity(h.state_mut());
    open_server_window(&mut h, &server.base, "not-the-right-key");
    press(&mut h, "Fill web service from server settings");
    press_and_wait(&mut h, "Upload");
    assert!(h.state().server.last_upload.is_none());
    assert!(
        h.query_by_label("The update server did not accept the API key (401)")
            .is_some(),
        "{:?}",
        h.state().server.status
    );
    assert!(
        h.query_by_label_contains("Paste the API key your server administrator gave you")
            .is_some(),
        "says how to fix it"
    );
    let client = passmith::upload::Client::new(&server.base, KEY).unwrap();
    assert!(client.list().unwrap().is_empty(), "nothing was uploaded");

    // Nothing listening: the "unreachable" words, not a crash.
    retype(&mut h, "Server URL", "http://127.0.0.1:9");
    press_and_wait(&mut h, "Upload");
    assert!(
        h.query_by_label("Could not reach the update server")
            .is_some(),
        "{:?}",
        h.state().server.status
    );
}

#[test]
fn validation_errors_block_the_upload_with_the_export_message() {
    let server = server();
    let dialogs = ScriptedDialogs::new();
    let mut h = harness(templates::template(Style::StoreCard).unwrap(), &dialogs);
    load_test_identity(h.state_mut());
    open_server_window(&mut h, &server.base, KEY);
    press(&mut h, "Fill web service from server settings");
    h.state_mut().session.doc.pass.background_color = Some("not a colour".into());
    h.run();
    press(&mut h, "Upload");
    assert!(!h.state().server.busy(), "nothing is sent");
    let notice = h
        .state()
        .notices
        .iter()
        .find(|n| n.title.starts_with("Upload refused"))
        .cloned()
        .unwrap_or_else(|| panic!("{:?}", h.state().notices));
    assert!(
        notice
            .lines
            .iter()
            .any(|l| l.starts_with("/backgroundColor")),
        "{notice:?}"
    );
    let client = passmith::upload::Client::new(&server.base, KEY).unwrap();
    assert!(client.list().unwrap().is_empty());
}
