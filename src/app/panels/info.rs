//! Pass information: description, organisation, serial and the style, then the Identity group:
//! the signing certificate beside the pass type ID and team it must match, with the fix that
//! copies them from the certificate.

use egui::Ui;
use passmith_core::PassDocument;
use passmith_core::model::Style;

use crate::app::command::Command;
use crate::app::theme;
use crate::app::widgets::{self, Ed};

pub fn ui(ui: &mut Ui, ed: &mut Ed<'_>, doc: &mut PassDocument) {
    widgets::grid_ui(ui, "info-grid", |ui| {
        let p = &mut doc.pass;
        widgets::text_ui(
            ui,
            ed,
            "Organization",
            &mut p.organization_name,
            "/organizationName",
            "Shown on the lock screen and in notifications",
        );
        widgets::text_ui(
            ui,
            ed,
            "Description",
            &mut p.description,
            "/description",
            "Read by VoiceOver; describe the pass",
        );
        widgets::text_ui(
            ui,
            ed,
            "Serial number",
            &mut p.serial_number,
            "/serialNumber",
            "Unique per pass of this type",
        );
        let l = ui.label("Style");
        let current = p.style();
        let mut chosen = current;
        let r = egui::ComboBox::from_id_salt(widgets::widget_id("/style"))
            .selected_text(current.map_or("None", Style::label))
            .show_ui(ui, |ui| {
                for s in Style::ALL {
                    ui.selectable_value(&mut chosen, Some(s), s.label());
                }
            })
            .response
            .labelled_by(l.id);
        ed.focus.register(&r, "/style");
        if chosen != current
            && let Some(style) = chosen
        {
            ed.send(Command::SetStyle(style));
        }
        ui.end_row();
        let styles = p.styles_present();
        if styles.len() > 1 {
            ui.label("");
            ui.colored_label(
                ui.visuals().warn_fg_color,
                format!(
                    "The pass has {} style keys; choosing a style merges their fields.",
                    styles.len()
                ),
            );
            ui.end_row();
        }
    });
    identity_ui(ui, ed, doc);
}

/// The certificate that signs, and the two IDs that must be its own.
fn identity_ui(ui: &mut Ui, ed: &mut Ed<'_>, doc: &mut PassDocument) {
    ui.add_space(theme::SPACE_L);
    ui.label(egui::RichText::new("Identity").strong());
    match ed.certificate {
        Some(cert) => {
            ui.label(format!("Signed with {}", cert.subject));
            if cert.identifiers_for(&doc.pass).is_some() {
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    "The IDs below are not this certificate's, and Wallet refuses a pass whose IDs differ from its signer's.",
                );
                if ui
                    .button("Use this certificate's IDs")
                    .on_hover_text("Copies its pass type ID and team into the pass; one undo step")
                    .clicked()
                {
                    ed.send(Command::UseCertificateIds);
                }
            }
        }
        None => {
            ui.horizontal_wrapped(|ui| {
                ui.label("No signing certificate yet. Choose yours and the pass takes its IDs.");
                if ui
                    .button("Choose your certificate…")
                    .on_hover_text("Your Pass Type ID certificate (.p12) from developer.apple.com")
                    .clicked()
                {
                    ed.send(Command::OpenIdentityDialog);
                }
            });
        }
    }
    widgets::grid_ui(ui, "identity-grid", |ui| {
        let p = &mut doc.pass;
        widgets::text_ui(
            ui,
            ed,
            "Pass type ID",
            &mut p.pass_type_identifier,
            "/passTypeIdentifier",
            "pass.com.example.loyalty",
        );
        widgets::text_ui(
            ui,
            ed,
            "Team ID",
            &mut p.team_identifier,
            "/teamIdentifier",
            "10 characters, from your Apple developer account",
        );
    });
}
