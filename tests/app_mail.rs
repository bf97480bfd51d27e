//! "Send by e-mail…" in the designer (issue 15): a batch's manifest, File ▸ E-mail settings…,
//! the preview of the first message, a dry run into a folder of `.eml` files on the background
//! thread, and its report; the open pass signed and sent to typed recipients over STARTTLS with
//! a login, each recipient exactly once however often Send is pressed.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use passmith::app::{App, DialogRequest, ScriptedDialogs, templates};
use passmith::mail::Security;
use passmith_core::model::Style;

use crate::util::{
    SinkOptions, SinkTls, SmtpSink, TestTls, cert, harness, load_test_identity, menu, press,
    retype, retype_as, unzip,
};

/// `passmith batch` of three members with an `email` column; the path of its manifest.csv.
fn batch(dir: &Path) -> PathBuf {
    let csv = "serialNumber,barcode,name,email\n\
        SN-1,900000000001,Ann Lee,ann@example.com\n\
        SN-2,900000000002,Bob Ray,bob@example.com\n\
        SN-3,900000000003,Cleo Park,cleo@example.com\n";
    crate::util::batch_from_csv(dir, csv)
}

/// Steps frames until the background run is over (the progress bar keeps repainting, so `run`
/// would not settle).
/// Clicks the send button named `label` and waits for the background run: frames are stepped,
/// not `run`, because the progress bar keeps repainting.
fn send(h: &mut Harness<'_, App>, label: &str) {
    h.get_by_label(label).scroll_to_me();
    h.run();
    h.get_by_label(label).click();
    h.step();
    wait_for_run(h);
}

fn wait_for_run(h: &mut Harness<'_, App>) {
    let start = Instant::now();
    while h.state().mail.busy() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "sending did not finish"
        );
        std::thread::sleep(Duration::from_millis(10));
        h.step();
    }
    h.run();
}

#[test]
fn send_by_email_previews_row_1_and_writes_one_eml_per_pass() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = batch(dir.path());
    let eml = dir.path().join("eml");
    let dialogs = ScriptedDialogs::new();
    dialogs.answer(&eml);
    let mut h = harness(templates::template(Style::StoreCard).unwrap(), &dialogs);

    menu(&mut h, &["File", "Send a batch by e-mail…"]);
    assert!(h.state().mail.open);
    // Nothing to preview yet, and nothing can be sent.
    h.get_by_label("choose a manifest.csv to see the first message");

    retype(&mut h, "Manifest", &manifest.display().to_string());
    h.key_press(egui::Key::Enter);
    h.run();
    assert_eq!(h.state().mail.problem(), None);
    h.get_by_label_contains("3 passes in");
    let columns = h.state().mail.columns().unwrap().to_vec();
    assert!(columns.iter().any(|c| c == "email"), "{columns:?}");
    assert!(columns.iter().any(|c| c == "name"), "{columns:?}");

    // Without a sender there is no message yet; the sender is set in the e-mail settings, and
    // then the preview shows row 1's values.
    h.get_by_label_contains("enter the sender (From) under E-mail settings… (File menu)");
    press(&mut h, "E-mail settings…");
    retype(&mut h, "From", "Hill Café <passes@example.com>");
    retype(&mut h, "Subject", "Your pass, {{name}}");
    h.get_by_label("ann@example.com");
    h.get_by_label("Your pass, Ann Lee");
    h.get_by_label("SN-1.pkpass");
    h.get_by_label_contains("Hello Ann Lee,");

    // A placeholder without a column is named before anything is sent.
    retype(&mut h, "Subject", "Your pass, {{nickname}}");
    h.get_by_label_contains("no column \"nickname\"");
    retype(&mut h, "Subject", "Your pass, {{name}}");

    // A dry run into a folder, chosen with the folder dialog.
    press(&mut h, "Write .eml files instead");
    press(&mut h, "Choose .eml folder…");
    assert_eq!(h.state().mail.eml_dir, eml.display().to_string());
    send(&mut h, "Write 3 messages");
    h.get_by_label("3 messages written");
    h.get_by_label_contains("(dry run, nothing was sent)");
    let finished = h.state().mail.finished.as_ref().unwrap();
    let report = finished.result.as_ref().unwrap();
    assert_eq!(report.sent.len(), 3);
    assert!(report.failed.is_empty());

    // On disk: one .eml per pass, the first one to Ann with her name in the subject.
    let mut names: Vec<String> = std::fs::read_dir(&eml)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["0001-SN-1.eml", "0002-SN-2.eml", "0003-SN-3.eml"],
        "{names:?}"
    );
    let first = std::fs::read_to_string(eml.join("0001-SN-1.eml")).unwrap();
    assert!(
        first.lines().any(|l| l == "Subject: Your pass, Ann Lee"),
        "{first}"
    );
    assert!(first.contains("ann@example.com"), "{first}");
    assert!(first.contains("application/vnd.apple.pkpass"), "{first}");
    assert!(first.contains("SN-1.pkpass"), "{first}");
    // A dry run keeps no send log: a real send later still sends everything.
    assert!(!manifest.with_file_name("mail-log.jsonl").exists());

    // The settings persist (no password among them).
    let mail = &h.state().settings.mail;
    assert_eq!(mail.from, "Hill Café <passes@example.com>");
    assert_eq!(mail.to_column, "email");
    let saved = serde_json::to_string(&h.state().settings).unwrap();
    assert!(!saved.contains("password\":\""), "{saved}");

    let asked = dialogs.asked.borrow();
    assert!(asked.contains(&DialogRequest::MailEmlFolder), "{asked:?}");
}

#[test]
fn send_by_email_sends_through_a_real_smtp_server_and_lists_the_refused_recipient() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = batch(dir.path());
    let sink = SmtpSink::start(&["bob@example.com"], &[]);
    let dialogs = ScriptedDialogs::new();
    dialogs.answer(&manifest);
    let mut h = harness(templates::template(Style::StoreCard).unwrap(), &dialogs);

    menu(&mut h, &["File", "Send a batch by e-mail…"]);
    press(&mut h, "Choose manifest…");
    assert_eq!(h.state().mail.manifest_path, manifest.display().to_string());
    h.get_by_label_contains("enter the sender (From)");
    // The server is set in File ▸ E-mail settings…, opened from the send window.
    press(&mut h, "E-mail settings…");
    assert!(h.state().mail_settings.open);
    retype(&mut h, "SMTP server", "127.0.0.1");
    // The security combo: STARTTLS by default, "none" for the local test server.
    let combo = h.get_by_role_and_label(Role::ComboBox, "Security");
    assert_eq!(combo.value().as_deref(), Some("STARTTLS"));
    combo.click();
    h.run();
    press(&mut h, "None (unencrypted)");
    assert_eq!(h.state().settings.mail.security, Security::None);
    assert_eq!(h.state().settings.mail.smtp_port, 25, "the port follows");
    // The sink's port is a free one picked at start: set directly rather than dragged.
    h.state_mut().settings.mail.smtp_port = sink.port;
    retype(&mut h, "From", "Hill Café <passes@example.com>");
    h.run();
    h.get_by_label("Your pass, Ann Lee");

    send(&mut h, "Send 3 messages");
    h.get_by_label("2 messages sent, 1 failed");
    h.get_by_label_contains("bob@example.com (row 2): ");
    let finished = h.state().mail.finished.as_ref().unwrap();
    let report = finished.result.as_ref().unwrap();
    assert_eq!(report.failed.len(), 1);
    assert_eq!(report.failed[0].code, Some(550));

    let received = sink.messages();
    assert_eq!(received.len(), 2, "{received:?}");
    let ann = received
        .iter()
        .find(|m| m["to"] == "ann@example.com")
        .unwrap();
    assert_eq!(ann["subject"], "Your pass, Ann Lee");
    assert_eq!(ann["from"], "Hill Café <passes@example.com>");
    // A real send keeps the send log next to the manifest, so sending again skips Ann and Cleo.
    assert!(manifest.with_file_name("mail-log.jsonl").is_file());
    send(&mut h, "Send 3 messages");
    h.get_by_label("0 messages sent, 1 failed");
    h.get_by_label("2 were sent by an earlier run and were skipped.");
    assert_eq!(sink.messages().len(), 2, "nothing went out twice");
}

#[test]
fn this_pass_is_signed_and_mailed_to_the_typed_recipients_once_each() {
    let dir = tempfile::tempdir().unwrap();
    let tls = TestTls::new(dir.path());
    let sink = SmtpSink::start_with(&SinkOptions {
        tls: SinkTls::Starttls(&tls),
        login: Some(("cafe", "pässword 1")),
        ..Default::default()
    });
    let outbox = dir.path().join("sent");
    let dialogs = ScriptedDialogs::new();
    dialogs.answer(&tls.ca);
    let mut h = harness(templates::template(Style::StoreCard).unwrap(), &dialogs);
    load_test_identity(h.state_mut());
    h.state_mut().mail.outbox = outbox.display().to_string();
    let serial = h.state().session.doc.pass.serial_number.clone();

    // File ▸ E-mail settings…: a STARTTLS server with a login, whose certificate a CA of our
    // own signed.
    menu(&mut h, &["File", "E-mail settings…"]);
    retype(&mut h, "SMTP server", "127.0.0.1");
    let combo = h.get_by_role_and_label(Role::ComboBox, "Security");
    assert_eq!(combo.value().as_deref(), Some("STARTTLS"));
    h.state_mut().settings.mail.smtp_port = sink.port;
    retype(&mut h, "User", "cafe");
    retype_as(&mut h, Role::PasswordInput, "Password", "pässword 1");
    press(&mut h, "Choose trusted CA…");
    assert_eq!(
        h.state().settings.mail.ca_file,
        tls.ca.display().to_string()
    );
    retype(&mut h, "From", "Hill Café <passes@example.com>");
    h.state_mut().settings.mail.per_minute = 600;
    h.get_by_label_contains("Through 127.0.0.1:");
    // Closed, as a user would before going back to the menu it covers.
    h.state_mut().mail_settings.open = false;
    h.run();

    // File ▸ Send this pass by e-mail…: two recipients, one with a name for {{name}}.
    menu(&mut h, &["File", "Send this pass by e-mail…"]);
    assert!(h.state().mail.open);
    h.get_by_label_contains("enter at least one recipient");
    retype_as(
        &mut h,
        Role::MultilineTextInput,
        "Recipients",
        "Zoë Müller <zoe@example.com>, not-an-address",
    );
    h.get_by_label_contains("\"not-an-address\" is not an e-mail address");
    retype_as(
        &mut h,
        Role::MultilineTextInput,
        "Recipients",
        "Zoë Müller <zoe@example.com>, bob@example.com",
    );
    h.get_by_label("Your pass, Zoë Müller");
    h.get_by_label(&format!("{serial}.pkpass"));

    send(&mut h, "Send 2 messages");
    h.get_by_label("2 messages sent");
    h.get_by_label_contains("The pass and its send log are kept in");
    let received = sink.messages();
    assert_eq!(received.len(), 2, "{received:?}");
    for m in &received {
        assert_eq!(m["tls"], true, "over STARTTLS: {m}");
        assert_eq!(m["login"], "cafe", "{m}");
        let attachments = m["attachments"].as_array().unwrap();
        assert_eq!(attachments.len(), 1, "{m}");
        assert_eq!(
            attachments[0]["content_type"],
            "application/vnd.apple.pkpass"
        );
        let bytes = std::fs::read(attachments[0]["path"].as_str().unwrap()).unwrap();
        let files = unzip(&bytes);
        crate::util::assert_openssl_verifies(&files, &cert("test-wwdr-ca.pem"), "attachment");
        let pass: serde_json::Value = serde_json::from_slice(&files["pass.json"]).unwrap();
        assert_eq!(pass["serialNumber"], serial.as_str());
    }
    let zoe = received
        .iter()
        .find(|m| m["to"] == "Zoë Müller <zoe@example.com>");
    assert_eq!(zoe.unwrap()["subject"], "Your pass, Zoë Müller");

    // Pressing Send again sends nothing; a recipient added later gets the only new message.
    send(&mut h, "Send 2 messages");
    h.get_by_label("0 messages sent");
    h.get_by_label("2 were sent by an earlier run and were skipped.");
    retype_as(
        &mut h,
        Role::MultilineTextInput,
        "Recipients",
        "Zoë Müller <zoe@example.com>, bob@example.com, cleo@example.com",
    );
    send(&mut h, "Send 3 messages");
    h.get_by_label("1 message sent");
    let mut to: Vec<String> = sink
        .messages()
        .iter()
        .map(|m| m["rcpt_tos"][0].as_str().unwrap().to_owned())
        .collect();
    to.sort();
    assert_eq!(
        to,
        ["bob@example.com", "cleo@example.com", "zoe@example.com"]
    );

    // One folder in the outbox, holding the pass, its manifest and the send log.
    let folders: Vec<_> = std::fs::read_dir(&outbox).unwrap().collect();
    assert_eq!(folders.len(), 1);
    let folder = folders[0].as_ref().unwrap().path();
    assert!(folder.join(format!("{serial}.pkpass")).is_file());
    assert!(folder.join("mail-log.jsonl").is_file());
    // The password is nowhere in the settings.
    let saved = serde_json::to_string(&h.state().settings).unwrap();
    assert!(!saved.contains("pässword"), "{saved}");
}
