//! Advanced keys: expiration, voided, sharing, grouping, user info (JSON), NFC, preferred style
//! schemes. JSON is edited as text and only written back when it parses.

use egui::Ui;
use passmith_core::PassDocument;
use passmith_core::model::Nfc;

use crate::app::widgets::{self, Ed};

fn json_buffer_id(path: &str) -> egui::Id {
    egui::Id::unique(("passmith-json-buffer", path))
}

/// A JSON editor: the text is kept while it does not parse, with the parse error beside it.
fn json_editor_ui(
    ui: &mut Ui,
    ed: &mut Ed<'_>,
    label: &str,
    value: &mut Option<serde_json::Value>,
    path: &str,
) {
    let id = json_buffer_id(path);
    let current = value
        .as_ref()
        .map(|v| serde_json::to_string_pretty(v).unwrap_or_default())
        .unwrap_or_default();
    let (mut text, stale_for): (String, String) = ui
        .data_mut(|d| d.get_temp(id))
        .unwrap_or_else(|| (current.clone(), current.clone()));
    if stale_for != current {
        // The document changed underneath (undo, open): show the new value.
        text = current.clone();
    }
    let r = widgets::multiline_ui(ui, ed, label, &mut text, path, "{ \"memberId\": 42 }");
    let mut written = current;
    if r.changed() {
        if text.trim().is_empty() {
            *value = None;
            written = String::new();
        } else if let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) {
            written = serde_json::to_string_pretty(&v).unwrap_or_default();
            *value = Some(v);
        }
    }
    if !text.trim().is_empty()
        && let Err(e) = serde_json::from_str::<serde_json::Value>(&text)
    {
        ui.label("");
        ui.colored_label(
            ui.visuals().error_fg_color,
            format!("Not valid JSON yet ({e}); the pass keeps the last valid value."),
        );
        ui.end_row();
    }
    ui.data_mut(|d| d.insert_temp(id, (text, written)));
}

pub fn ui(ui: &mut Ui, ed: &mut Ed<'_>, doc: &mut PassDocument) {
    let pass = &mut doc.pass;
    widgets::grid_ui(ui, "advanced-grid", |ui| {
        widgets::opt_date_text_ui(
            ui,
            ed,
            "Expiration date",
            &mut pass.expiration_date,
            "/expirationDate",
        );
        widgets::opt_bool_ui(
            ui,
            ed,
            "Voided",
            &mut pass.voided,
            "/voided",
            "The pass can no longer be used",
        );
        widgets::opt_bool_ui(
            ui,
            ed,
            "Sharing prohibited",
            &mut pass.sharing_prohibited,
            "/sharingProhibited",
            "Hide the share button",
        );
        widgets::opt_text_ui(
            ui,
            ed,
            "Grouping identifier",
            &mut pass.grouping_identifier,
            "/groupingIdentifier",
            "groups event tickets and boarding passes",
        );
        json_editor_ui(ui, ed, "User info (JSON)", &mut pass.user_info, "/userInfo");
        let mut schemes = pass.preferred_style_schemes.as_ref().map(|v| v.join(", "));
        let r = widgets::opt_text_ui(
            ui,
            ed,
            "Preferred style schemes",
            &mut schemes,
            "/preferredStyleSchemes",
            "posterEventTicket, eventTicket",
        );
        if r.changed() {
            pass.preferred_style_schemes = schemes.map(|s| {
                s.split(',')
                    .map(|x| x.trim().to_owned())
                    .filter(|x| !x.is_empty())
                    .collect()
            });
        }
        widgets::opt_text_ui(
            ui,
            ed,
            "Event logo text (poster)",
            &mut pass.poster.event_logo_text,
            "/eventLogoText",
            "poster event tickets, iOS 18",
        );
        widgets::color_ui(
            ui,
            ed,
            "Footer background (poster)",
            &mut pass.poster.footer_background_color,
            "/footerBackgroundColor",
        );
    });
    ui.separator();
    let mut has_nfc = pass.nfc.is_some();
    if ui
        .checkbox(&mut has_nfc, "NFC (needs Apple's NFC entitlement)")
        .changed()
    {
        pass.nfc = has_nfc.then(Nfc::default);
    }
    if let Some(nfc) = &mut pass.nfc {
        widgets::grid_ui(ui, "nfc-grid", |ui| {
            widgets::text_ui(
                ui,
                ed,
                "NFC message",
                &mut nfc.message,
                "/nfc/message",
                "up to 64 bytes",
            );
            widgets::opt_text_ui(
                ui,
                ed,
                "Encryption public key",
                &mut nfc.encryption_public_key,
                "/nfc/encryptionPublicKey",
                "Base64 ECDH P-256 public key",
            );
            widgets::opt_bool_ui(
                ui,
                ed,
                "Requires authentication",
                &mut nfc.requires_authentication,
                "/nfc/requiresAuthentication",
                "Ask for Face ID / passcode",
            );
        });
    }
    ui.separator();
    json_standalone_ui(ui, ed, pass);
}

fn json_standalone_ui(ui: &mut Ui, ed: &mut Ed<'_>, pass: &mut passmith_core::Pass) {
    widgets::grid_ui(ui, "semantics-grid", |ui| {
        json_editor_ui(
            ui,
            ed,
            "Semantic tags (JSON)",
            &mut pass.semantics,
            "/semantics",
        );
    });
}
