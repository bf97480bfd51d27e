//! The validation panel: every error and warning (engine, package, layout), live. Clicking one
//! jumps to the editor of the value it names. Errors block export and the panel says so.

use egui::Ui;
use passmith_core::{Code, Finding};

use crate::app::command::Command;
use crate::app::theme;
use crate::app::widgets::severity_icon;

pub fn ui(ui: &mut Ui, findings: &[Finding], commands: &mut Vec<Command>) {
    let errors = findings.iter().filter(|f| f.is_error()).count();
    let warnings = findings.len() - errors;
    ui.horizontal(|ui| {
        ui.heading("Validation");
        let summary = match (errors, warnings) {
            (0, 0) => "No problems found".to_owned(),
            _ => format!(
                "{errors} error{}, {warnings} warning{}",
                if errors == 1 { "" } else { "s" },
                if warnings == 1 { "" } else { "s" }
            ),
        };
        ui.label(summary);
    });
    if errors > 0 {
        ui.colored_label(
            ui.visuals().error_fg_color,
            "Errors block export. Click one to fix it.",
        );
    } else if warnings > 0 {
        ui.label("Warnings do not block export.");
    } else {
        ui.label("Ready to export.");
    }
    // Errors first: they are what stands between the user and an export.
    let mut sorted: Vec<&Finding> = findings.iter().collect();
    sorted.sort_by_key(|f| f.severity);
    egui::ScrollArea::vertical()
        .id_salt("validation-scroll")
        .auto_shrink([false, true])
        .show(ui, |ui| {
            for f in sorted {
                finding_ui(ui, f, None, commands);
            }
        });
}

/// One finding: its message, coloured by severity, with its place under it; a click jumps to
/// the editor of that place. The notices draw their findings with it too, named after the
/// notice (`owner`) so a screen reader tells the two lists apart.
pub fn finding_ui(ui: &mut Ui, f: &Finding, owner: Option<&str>, commands: &mut Vec<Command>) {
    let color = theme::severity_color(ui.visuals(), f.severity);
    let text =
        egui::RichText::new(format!("{} {}", severity_icon(f.severity), f.message)).color(color);
    let r = ui
        .add(egui::Button::new(text).frame(false).wrap())
        .accessible_name(match owner {
            Some(owner) => format!("{owner}: {} ({})", f.message, f.path),
            None => format!("{} ({})", f.message, f.path),
        })
        .on_hover_text(format!("{}\n{}\n[{}]", f.path, f.hint, f.code));
    if !f.path.is_empty() {
        ui.label(egui::RichText::new(format!("   {}", f.path)).small().weak());
    }
    if r.clicked() {
        commands.push(Command::Focus(f.path.clone()));
    }
    if let Some(fix) = fix_for(f) {
        let label = fix.label();
        if ui
            .small_button(label.as_ref())
            .accessible_name(match owner {
                Some(owner) => format!("{owner}: {label}"),
                None => label.clone().into_owned(),
            })
            .clicked()
        {
            commands.push(fix);
        }
    }
}

/// The one-click fix of a finding, when there is one.
pub fn fix_for(f: &Finding) -> Option<Command> {
    match f.code {
        Code::IdentityPassTypeMismatch | Code::IdentityTeamMismatch => {
            Some(Command::UseCertificateIds)
        }
        _ => None,
    }
}
