//! Date pickers beside the W3C date text boxes (issue 4), driven headlessly with egui_kittest:
//! the expiration date is picked with the calendar, hour, minute and UTC offset, the document
//! gets a W3C date that validation accepts, and one undo takes the whole pick back.

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable as _;
use passmith::app::{ScriptedDialogs, templates};
use passmith_core::model::{FieldGroup, Style};
use passmith_core::validate::parse_w3c_date;

use crate::util::{field_of, harness, press, undo};

#[test]
fn picking_an_expiration_date_writes_a_valid_w3c_date_undone_in_one_step() {
    let mut doc = templates::template(Style::EventTicket).unwrap();
    doc.pass.expiration_date = None;
    let mut h = harness(doc, &ScriptedDialogs::new());
    press(&mut h, "Advanced");
    let undo_before = h.state().session.history.undo_len();

    press(&mut h, "Pick date for expiration date");
    // Nothing is written until the pick is confirmed.
    assert_eq!(h.state().session.doc.pass.expiration_date, None);

    // Calendar: one year ahead (the picker starts today when the key is unset), then Save.
    let today = passmith_core::time::now_local().date();
    h.get_by_label(&today.to_string()).click();
    h.run();
    press(&mut h, ">>>");
    h.get_all_by_label("Save").last().unwrap().click();
    h.run();

    h.get_by_role_and_label(Role::SpinButton, "Expiration date hour")
        .set_value_accesskit(21.0);
    h.run();
    h.get_by_role_and_label(Role::SpinButton, "Expiration date minute")
        .set_value_accesskit(45.0);
    h.run();
    press(&mut h, "Expiration date UTC offset");
    press(&mut h, "+05:30");
    assert_eq!(h.state().session.doc.pass.expiration_date, None);

    press(&mut h, "Set expiration date");
    let picked = h.state().session.doc.pass.expiration_date.clone().unwrap();
    assert!(
        picked.starts_with(&format!("{}-", today.year() + 1))
            && picked.ends_with("T21:45:00+05:30"),
        "{picked}"
    );
    parse_w3c_date(&picked).unwrap();
    assert!(
        !h.state()
            .findings
            .iter()
            .any(|f| f.path == "/expirationDate"),
        "validation complained about {picked}: {:?}",
        h.state().findings
    );
    // The text box shows the picked value for power users to adjust.
    assert!(
        h.query_by_role_and_label(Role::TextInput, "Expiration date")
            .is_some()
    );
    assert_eq!(h.state().session.history.undo_len(), undo_before + 1);

    undo(&mut h);
    assert_eq!(h.state().session.doc.pass.expiration_date, None);
    assert_eq!(h.state().session.history.undo_len(), undo_before);
}

#[test]
fn the_picker_starts_from_the_date_already_there_and_keeps_its_offset() {
    let mut doc = templates::template(Style::EventTicket).unwrap();
    doc.pass.expiration_date = Some("2031-03-09T08:15-07:00".to_owned());
    let mut h = harness(doc, &ScriptedDialogs::new());
    press(&mut h, "Advanced");
    press(&mut h, "Pick date for expiration date");
    assert!(h.query_by_label("2031-03-09").is_some());
    h.get_by_role_and_label(Role::SpinButton, "Expiration date hour")
        .set_value_accesskit(9.0);
    h.run();
    press(&mut h, "Set expiration date");
    assert_eq!(
        h.state().session.doc.pass.expiration_date.as_deref(),
        Some("2031-03-09T09:15:00-07:00")
    );
    // Cancel leaves the document alone.
    press(&mut h, "Pick date for expiration date");
    h.get_by_role_and_label(Role::SpinButton, "Expiration date hour")
        .set_value_accesskit(3.0);
    h.run();
    press(&mut h, "Cancel picking expiration date");
    assert_eq!(
        h.state().session.doc.pass.expiration_date.as_deref(),
        Some("2031-03-09T09:15:00-07:00")
    );
    assert!(h.query_by_label("Set expiration date").is_none());

    // A second pick is its own undo step, not merged into the first.
    press(&mut h, "Pick date for expiration date");
    h.get_by_role_and_label(Role::SpinButton, "Expiration date minute")
        .set_value_accesskit(0.0);
    h.run();
    press(&mut h, "Set expiration date");
    assert_eq!(
        h.state().session.doc.pass.expiration_date.as_deref(),
        Some("2031-03-09T09:00:00-07:00")
    );
    undo(&mut h);
    assert_eq!(
        h.state().session.doc.pass.expiration_date.as_deref(),
        Some("2031-03-09T09:15:00-07:00")
    );
    undo(&mut h);
    assert_eq!(
        h.state().session.doc.pass.expiration_date.as_deref(),
        Some("2031-03-09T08:15-07:00")
    );
}

#[test]
fn field_values_and_relevant_dates_have_pickers_too() {
    let mut h = harness(
        templates::template(Style::EventTicket).unwrap(),
        &ScriptedDialogs::new(),
    );

    // The "GATES" field shows a time (timeStyle), so its value is a date.
    press(&mut h, "Pick date for secondary field 2 value");
    h.get_by_role_and_label(Role::SpinButton, "Secondary field 2 value minute")
        .set_value_accesskit(30.0);
    h.run();
    press(&mut h, "Set secondary field 2 value");
    let gates = field_of(h.state(), FieldGroup::Secondary, 1)
        .value
        .to_display_string();
    assert_eq!(gates, "2027-07-16T17:30:00-07:00");

    press(&mut h, "Relevance");
    press(&mut h, "Pick date for relevant date 1 end");
    h.get_by_role_and_label(Role::SpinButton, "Relevant date 1 end hour")
        .set_value_accesskit(20.0);
    h.run();
    press(&mut h, "Set relevant date 1 end");
    let dates = h.state().session.doc.pass.relevant_dates.clone().unwrap();
    assert_eq!(
        dates[0].end_date.as_deref(),
        Some("2027-07-18T20:00:00-07:00")
    );
    assert_eq!(
        dates[0].start_date.as_deref(),
        Some("2027-07-16T17:00:00-07:00")
    );
}
