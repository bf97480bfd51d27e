//! The menu bar: file, edit and view menus, plus the export button. Every entry sends a
//! [`Command`]; shortcuts are handled in the app and send the same commands.

use egui::Ui;
use passmith_core::model::Style;

use crate::app::App;
use crate::app::command::{Command, OpenSource};

pub fn ui(ui: &mut Ui, app: &mut App) {
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| {
            ui.menu_button("New from template", |ui| {
                for style in Style::ALL {
                    if ui.button(style.label()).clicked() {
                        app.send(Command::New(style));
                    }
                }
            });
            if ui.button("Open .pkpass…  (Ctrl+O)").clicked() {
                app.send(Command::Open(OpenSource::AskPkpass));
            }
            if ui.button("Open .pass folder…").clicked() {
                app.send(Command::Open(OpenSource::AskFolder));
            }
            let recent = app.settings.recent.clone();
            ui.add_enabled_ui(!recent.is_empty(), |ui| {
                ui.menu_button("Open recent", |ui| {
                    for path in recent {
                        if ui.button(path.display().to_string()).clicked() {
                            app.send(Command::Open(OpenSource::Path(path)));
                        }
                    }
                });
            });
            ui.separator();
            if ui.button("Save  (Ctrl+S)").clicked() {
                app.send(Command::Save);
            }
            if ui.button("Save as .pass folder…").clicked() {
                app.send(Command::SaveAs);
            }
            ui.separator();
            if ui.button("Export .pkpass…  (Ctrl+E)").clicked() {
                app.send(Command::ExportPkpass);
            }
            if ui.button("Export preview PNG…").clicked() {
                app.send(Command::ExportPng);
            }
            if ui.button("Signing identity…").clicked() {
                app.send(Command::OpenIdentityDialog);
            }
            ui.separator();
            if ui.button("Update server…").clicked() {
                app.send(Command::OpenServerPanel);
            }
            if ui.button("Upload to update server").clicked() {
                app.send(Command::Upload);
            }
            ui.separator();
            if ui.button("Quit").clicked() {
                app.send(Command::Quit);
            }
        });
        ui.menu_button("Edit", |ui| {
            if ui
                .add_enabled(app.history.can_undo(), egui::Button::new("Undo  (Ctrl+Z)"))
                .clicked()
            {
                app.send(Command::Undo);
            }
            if ui
                .add_enabled(
                    app.history.can_redo(),
                    egui::Button::new("Redo  (Ctrl+Shift+Z)"),
                )
                .clicked()
            {
                app.send(Command::Redo);
            }
        });
        ui.menu_button("View", |ui| {
            for (label, mode) in [
                ("Follow system theme", None),
                ("Light theme", Some(false)),
                ("Dark theme", Some(true)),
            ] {
                if ui.radio(app.settings.dark_mode == mode, label).clicked() {
                    app.settings.dark_mode = mode;
                    crate::app::theme::apply(ui.ctx(), mode);
                }
            }
        });
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.button("Export .pkpass").clicked() {
                app.send(Command::ExportPkpass);
            }
            if ui
                .add_enabled(app.history.can_redo(), egui::Button::new("Redo"))
                .clicked()
            {
                app.send(Command::Redo);
            }
            if ui
                .add_enabled(app.history.can_undo(), egui::Button::new("Undo"))
                .clicked()
            {
                app.send(Command::Undo);
            }
            let dirty = if app.is_dirty() { " •" } else { "" };
            ui.label(egui::RichText::new(format!("{}{dirty}", app.title)).strong());
            if let Some(sig) = &app.signature_status {
                ui.label(egui::RichText::new(sig).small().weak());
            }
        });
    });
}
