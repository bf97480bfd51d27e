//! The menu bar: file, edit and view menus, plus the export, undo and redo buttons. Every entry
//! is a [`Command`] drawn with the command's own label and shortcut, so the menus, the keys and
//! the command palette never disagree.

use egui::Ui;
use passmith_core::model::Style;

use crate::app::App;
use crate::app::command::{Command, OpenSource};

/// A button for `command` with its label and (weak, on the right) its shortcut. The accessible
/// name is the label alone, whatever the platform spells the shortcut as.
pub fn command_button_ui(ui: &mut Ui, command: &Command, enabled: bool) -> bool {
    command_button_as_ui(ui, command, &command.label(), enabled)
}

/// [`command_button_ui`] with a shorter label where the menu says the rest ("New from
/// template" → "Store card").
fn command_button_as_ui(ui: &mut Ui, command: &Command, label: &str, enabled: bool) -> bool {
    let mut button = egui::Button::new(label);
    if let Some(shortcut) = command.shortcut() {
        button = button.shortcut_text(ui.ctx().format_shortcut(&shortcut));
    }
    ui.add_enabled(enabled, button)
        .accessible_name(label)
        .clicked()
}

/// A menu entry that sends `command` when clicked.
fn entry(ui: &mut Ui, app: &mut App, command: Command, enabled: bool) {
    if command_button_ui(ui, &command, enabled) {
        app.send(command);
    }
}

pub fn ui(ui: &mut Ui, app: &mut App) {
    let can_undo = app.session.history.can_undo();
    let can_redo = app.session.history.can_redo();
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| {
            ui.menu_button("New from template", |ui| {
                for style in Style::ALL {
                    let command = Command::New(style);
                    if command_button_as_ui(ui, &command, style.label(), true) {
                        app.send(command);
                    }
                }
            });
            entry(ui, app, Command::Open(OpenSource::AskPkpass), true);
            entry(ui, app, Command::Open(OpenSource::AskFolder), true);
            let recent = app.settings.recent.clone();
            ui.add_enabled_ui(!recent.is_empty(), |ui| {
                ui.menu_button("Open recent", |ui| {
                    for path in recent {
                        let label = path.display().to_string();
                        let command = Command::Open(OpenSource::Path(path));
                        if command_button_as_ui(ui, &command, &label, true) {
                            app.send(command);
                        }
                    }
                });
            });
            ui.separator();
            entry(ui, app, Command::Save, true);
            entry(ui, app, Command::SaveAs, true);
            ui.separator();
            entry(ui, app, Command::ExportPkpass, true);
            entry(ui, app, Command::ExportPng, true);
            entry(ui, app, Command::BatchExport, true);
            entry(ui, app, Command::SendThisPassByEmail, true);
            entry(ui, app, Command::SendByEmail, true);
            entry(ui, app, Command::EmailSettings, true);
            entry(ui, app, Command::OpenIdentityDialog, true);
            ui.separator();
            entry(ui, app, Command::OpenServerPanel, true);
            entry(ui, app, Command::Upload, true);
            ui.separator();
            entry(ui, app, Command::Quit, true);
        });
        ui.menu_button("Edit", |ui| {
            entry(ui, app, Command::Undo, can_undo);
            entry(ui, app, Command::Redo, can_redo);
        });
        ui.menu_button("View", |ui| {
            for dark_mode in [None, Some(false), Some(true)] {
                let command = Command::SetTheme(dark_mode);
                if ui
                    .radio(
                        app.settings.dark_mode == dark_mode,
                        command.label().as_ref(),
                    )
                    .clicked()
                {
                    app.send(command);
                }
            }
            ui.separator();
            entry(ui, app, Command::OpenCommandPalette, true);
        });
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            // The toolbar's short words; the menus above carry the full labels.
            for (command, label, enabled) in [
                (Command::ExportPkpass, "Export .pkpass", true),
                (Command::Redo, "Redo", can_redo),
                (Command::Undo, "Undo", can_undo),
            ] {
                if ui.add_enabled(enabled, egui::Button::new(label)).clicked() {
                    app.send(command);
                }
            }
            let dirty = if app.session.is_dirty() { " •" } else { "" };
            ui.label(egui::RichText::new(format!("{}{dirty}", app.session.title)).strong());
            if let Some(sig) = &app.session.signature_status {
                ui.label(egui::RichText::new(sig).small().weak());
            }
        });
    });
}
