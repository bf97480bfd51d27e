//! Drawing the "Send by e-mail…" window (its state and the run are in the parent module).

use std::path::Path;
use std::sync::PoisonError;
use std::sync::atomic::Ordering;

use super::{MailDialog, OnePass, Source};
use crate::app::command::Command;
use crate::app::dialogs::mail_settings::{self, MailSettingsDialog};
use crate::app::files::{DialogRequest, FileDialogs};
use crate::app::settings::MailSettings;
use crate::app::theme;
use crate::mail::Report;

impl MailDialog {
    /// The window, when open. Returns what the app is asked to do (sign and send this pass,
    /// open the e-mail settings).
    pub fn ui(
        &mut self,
        ctx: &egui::Context,
        dialogs: &mut dyn FileDialogs,
        settings: &mut MailSettings,
        account: &MailSettingsDialog,
        pass: &OnePass,
    ) -> Vec<Command> {
        let mut asked = Vec::new();
        if !self.open {
            return asked;
        }
        let mut open = self.open;
        let window = egui::Window::new("Send by e-mail")
            .id(egui::Id::unique("passmith-send-by-email"))
            .default_width(theme::BATCH_DIALOG_WIDTH)
            .resizable(true)
            .vscroll(true);
        // No close button while sending: Cancel stops it.
        let window = if self.running.is_some() {
            window
        } else {
            window.open(&mut open)
        };
        window.show(ctx, |ui| {
            self.source_ui(ui);
            ui.add_space(theme::SPACE_M);
            match self.source {
                Source::ThisPass => {
                    ui.label(format!(
                        "The open pass ({}) is signed and sent to each recipient. Write {{{{name}}}} in \
                         the subject or the message for the recipient's name.",
                        pass.serial
                    ));
                    self.outbox_ui(ui, dialogs);
                }
                Source::Batch => {
                    ui.label(
                        "Each pass of a batch goes to the address in its row. Write {{column}} in \
                         the subject or the message where a row's value goes.",
                    );
                    self.manifest_ui(ui, dialogs);
                    if let Some(error) = &self.load_error {
                        ui.colored_label(ui.visuals().error_fg_color, error);
                    }
                }
            }
            ui.separator();
            ui.horizontal_wrapped(|ui| {
                ui.label(mail_settings::summary(settings));
                let command = Command::EmailSettings;
                if ui.button(command.label().as_ref()).clicked() {
                    asked.push(command);
                }
            });
            ui.separator();
            self.message_ui(ui, settings);
            ui.separator();
            self.preview_ui(ui, settings, pass);
            ui.separator();
            asked.extend(self.send_ui(ui, ctx, dialogs, settings, account, pass));
            self.finished_ui(ui);
        });
        if self.running.is_none() {
            self.open = open;
        }
        asked
    }

    /// This pass or a batch.
    fn source_ui(&mut self, ui: &mut egui::Ui) {
        ui.add_enabled_ui(self.running.is_none(), |ui| {
            ui.horizontal(|ui| {
                ui.selectable_value(&mut self.source, Source::ThisPass, "This pass")
                    .on_hover_text("Send the open pass to the people you type in");
                ui.selectable_value(&mut self.source, Source::Batch, "A batch")
                    .on_hover_text("Send each pass of a batch export to the address in its row");
            });
        });
    }

    /// Where this pass's sends are kept (each with its send log).
    fn outbox_ui(&mut self, ui: &mut egui::Ui, dialogs: &mut dyn FileDialogs) {
        ui.horizontal(|ui| {
            let l = ui.label("Keep sent passes in");
            let hint = super::default_outbox()
                .map(|d| d.display().to_string())
                .unwrap_or_default();
            ui.add(
                egui::TextEdit::singleline(&mut self.outbox)
                    .id(egui::Id::unique("passmith-mail-outbox"))
                    .desired_width(theme::BATCH_PATH_WIDTH)
                    .hint_text(hint),
            )
            .labelled_by(l.id);
            if ui
                .button("Choose…")
                .accessible_name("Choose folder for sent passes…")
                .clicked()
                && let Some(path) = dialogs.pick(&DialogRequest::MailOutbox)
            {
                self.outbox = path.display().to_string();
            }
        });
    }

    /// The manifest: a path field with "Choose…" and "Reload".
    fn manifest_ui(&mut self, ui: &mut egui::Ui, dialogs: &mut dyn FileDialogs) {
        let mut reload = false;
        let mut left_field = false;
        ui.horizontal(|ui| {
            let l = ui.label("Manifest");
            let edit = ui
                .add(
                    egui::TextEdit::singleline(&mut self.manifest_path)
                        .id(egui::Id::unique("passmith-mail-manifest"))
                        .desired_width(theme::BATCH_PATH_WIDTH)
                        .hint_text("passes/manifest.csv"),
                )
                .labelled_by(l.id);
            left_field = edit.lost_focus();
            if ui
                .button("Choose…")
                .on_hover_text("Pick the manifest.csv a batch export wrote")
                .accessible_name("Choose manifest…")
                .clicked()
                && let Some(path) = dialogs.pick(&DialogRequest::MailManifest)
            {
                self.manifest_path = path.display().to_string();
                reload = true;
            }
            if ui
                .add_enabled(
                    !self.manifest_path.trim().is_empty(),
                    egui::Button::new("Reload"),
                )
                .on_hover_text("Read the manifest again")
                .accessible_name("Reload manifest")
                .clicked()
            {
                reload = true;
            }
        });
        let changed = self
            .manifest
            .as_ref()
            .is_none_or(|m| m.path != Path::new(self.manifest_path.trim()));
        if (reload || (left_field && changed)) && self.running.is_none() {
            self.load();
        }
        if let Some(m) = &self.manifest {
            ui.label(format!(
                "{} {} in {}",
                m.entries.len(),
                if m.entries.len() == 1 {
                    "pass"
                } else {
                    "passes"
                },
                m.dir.display()
            ));
        }
    }

    /// The recipients (this pass) or the recipient column (a batch), and the templates.
    fn message_ui(&mut self, ui: &mut egui::Ui, settings: &mut MailSettings) {
        ui.label(egui::RichText::new("Message").strong());
        egui::Grid::new("mail-message")
            .num_columns(2)
            .spacing(theme::DIALOG_GRID_SPACING)
            .show(ui, |ui| {
                if self.source == Source::ThisPass {
                    let l = ui.label("Recipients");
                    ui.add(
                        egui::TextEdit::multiline(&mut self.recipients)
                            .id(egui::Id::unique("passmith-mail-recipients"))
                            .desired_width(theme::BATCH_PATH_WIDTH)
                            .desired_rows(2)
                            .hint_text("zoe@example.com, José <jose@example.com>"),
                    )
                    .labelled_by(l.id)
                    .on_hover_text("Separate addresses with commas or new lines; each gets one message");
                    ui.end_row();
                } else {
                let l = ui.label("Recipient column");
                let columns = self.columns().map(<[String]>::to_vec).unwrap_or_default();
                egui::ComboBox::from_id_salt("passmith-mail-to-column")
                    .selected_text(settings.to_column.as_str())
                    .show_ui(ui, |ui| {
                        for c in &columns {
                            ui.selectable_value(&mut settings.to_column, c.clone(), c);
                        }
                    })
                    .response
                    .labelled_by(l.id);
                ui.end_row();
                }

                let l = ui.label("Subject");
                ui.add(
                    egui::TextEdit::singleline(&mut settings.subject)
                        .id(egui::Id::unique("passmith-mail-subject"))
                        .desired_width(theme::BATCH_PATH_WIDTH),
                )
                .labelled_by(l.id);
                ui.end_row();

                let l = ui.label("Message");
                ui.add(
                    egui::TextEdit::multiline(&mut settings.body)
                        .id(egui::Id::unique("passmith-mail-body"))
                        .desired_width(theme::BATCH_PATH_WIDTH)
                        .desired_rows(5),
                )
                .labelled_by(l.id);
                ui.end_row();

                let l = ui.label("HTML message");
                ui.add(
                    egui::TextEdit::multiline(&mut settings.html_body)
                        .id(egui::Id::unique("passmith-mail-html"))
                        .code_editor()
                        .desired_width(theme::BATCH_PATH_WIDTH)
                        .desired_rows(3)
                        .hint_text("optional: <p>Hello <b>{{name}}</b></p>"),
                )
                .labelled_by(l.id)
                .on_hover_text("Sent beside the plain message, for mail apps that show HTML; values are escaped");
                ui.end_row();
            });
    }

    /// The first message as it will go out.
    fn preview_ui(&self, ui: &mut egui::Ui, settings: &MailSettings, pass: &OnePass) {
        ui.label(egui::RichText::new("First message").strong());
        match self.preview(settings, pass) {
            Ok(p) => {
                egui::Grid::new("mail-preview")
                    .num_columns(2)
                    .spacing(theme::DIALOG_GRID_SPACING)
                    .show(ui, |ui| {
                        ui.label("To:");
                        ui.label(&p.to);
                        ui.end_row();
                        ui.label("Subject:");
                        ui.label(&p.subject);
                        ui.end_row();
                        ui.label("Attachment:");
                        ui.label(&p.attachment);
                        ui.end_row();
                    });
                egui::ScrollArea::vertical()
                    .id_salt("mail-preview-body")
                    .max_height(theme::BATCH_LIST_HEIGHT)
                    .show(ui, |ui| {
                        ui.label(&p.body);
                    });
            }
            Err(why) => {
                ui.colored_label(ui.visuals().warn_fg_color, why);
            }
        }
    }

    /// The dry-run option, Send, and the progress of a run.
    fn send_ui(
        &mut self,
        ui: &mut egui::Ui,
        ctx: &egui::Context,
        dialogs: &mut dyn FileDialogs,
        settings: &MailSettings,
        account: &MailSettingsDialog,
        pass: &OnePass,
    ) -> Option<Command> {
        if let Some(running) = &self.running {
            let progress = *running
                .progress
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            let (done, fraction, text) = match progress {
                Some(p) => (
                    p.done,
                    p.done as f32 / p.total.max(1) as f32,
                    format!("{} of {} · {} failed", p.done, p.total, p.failed),
                ),
                None => (0, 0.0, format!("Starting {} messages…", running.total)),
            };
            ui.add(egui::ProgressBar::new(fraction).text(text).animate(true));
            let stopping = running.cancel.load(Ordering::Relaxed);
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(!stopping, egui::Button::new("Cancel"))
                    .on_hover_text(
                        "Stop after the messages being sent; sending again sends only the rest",
                    )
                    .clicked()
                {
                    self.cancel();
                }
                if stopping {
                    ui.label(format!("Stopping after {done} messages…"));
                }
            });
            return None;
        }
        ui.checkbox(&mut self.dry_run, "Write .eml files instead")
            .on_hover_text("Write each message into a folder and send nothing");
        if self.dry_run {
            ui.horizontal(|ui| {
                let l = ui.label("Folder for .eml files");
                ui.add(
                    egui::TextEdit::singleline(&mut self.eml_dir)
                        .id(egui::Id::unique("passmith-mail-eml-dir"))
                        .desired_width(theme::BATCH_PATH_WIDTH),
                )
                .labelled_by(l.id);
                if ui
                    .button("Choose…")
                    .on_hover_text("Pick the folder the .eml files go into")
                    .accessible_name("Choose .eml folder…")
                    .clicked()
                    && let Some(path) = dialogs.pick(&DialogRequest::MailEmlFolder)
                {
                    self.eml_dir = path.display().to_string();
                }
            });
        }
        let count = self.message_count(pass);
        let ready = self.preview(settings, pass).is_ok();
        let verb = if self.dry_run { "Write" } else { "Send" };
        let label = match count {
            Some(1) => format!("{verb} 1 message"),
            Some(n) => format!("{verb} {n} messages"),
            None => format!("{verb} messages"),
        };
        let clicked = ui
            .add_enabled(ready, egui::Button::new(label))
            .on_disabled_hover_text("Fill in the recipients and the message first")
            .clicked();
        if !clicked {
            return None;
        }
        match self.source {
            // The app signs the pass first, through the export gate.
            Source::ThisPass => Some(Command::SendPassByEmail),
            Source::Batch => {
                self.start(ctx, settings, account);
                None
            }
        }
    }

    /// What the last run did, and the failed recipients with their reasons.
    fn finished_ui(&self, ui: &mut egui::Ui) {
        let Some(finished) = &self.finished else {
            return;
        };
        ui.add_space(theme::SPACE_M);
        let report = match &finished.result {
            Ok(report) => report,
            Err(reason) => {
                ui.colored_label(
                    ui.visuals().error_fg_color,
                    egui::RichText::new("Nothing was sent").strong(),
                );
                ui.label(reason);
                return;
            }
        };
        ui.colored_label(
            if report.failed.is_empty() && !report.cancelled {
                ui.visuals().text_color()
            } else {
                ui.visuals().warn_fg_color
            },
            egui::RichText::new(summary(report, finished.dry_run.is_some())).strong(),
        );
        if let Some(dir) = &finished.dry_run {
            ui.label(format!(
                "Into {} (dry run, nothing was sent).",
                dir.display()
            ));
        }
        if let Some(dir) = &finished.staged {
            ui.label(format!(
                "The pass and its send log are kept in {}.",
                dir.display()
            ));
        }
        if report.already_sent > 0 {
            ui.label(format!(
                "{} were sent by an earlier run and were skipped.",
                report.already_sent
            ));
        }
        if let Some(e) = &report.log_error {
            ui.colored_label(
                ui.visuals().error_fg_color,
                format!("{e}; stopped so that nothing is sent twice."),
            );
        }
        if report.cancelled && report.log_error.is_none() {
            ui.label("Stopped before the end. Send again to send the rest.");
        }
        if !report.failed.is_empty() || !report.unconfirmed.is_empty() {
            ui.label("These recipients did not get their pass:");
            egui::ScrollArea::vertical()
                .id_salt("mail-failed")
                .max_height(theme::BATCH_LIST_HEIGHT)
                .show(ui, |ui| {
                    for f in &report.failed {
                        ui.colored_label(
                            ui.visuals().error_fg_color,
                            format!("{} (row {}): {}", f.to, f.row, f.reason),
                        );
                    }
                    for u in &report.unconfirmed {
                        ui.colored_label(
                            ui.visuals().warn_fg_color,
                            format!(
                                "{} (row {}): an earlier run stopped while sending it, so it may have arrived; not sent again",
                                u.to, u.row
                            ),
                        );
                    }
                });
        }
    }
}

/// "3 messages written", "48 messages sent, 2 failed".
pub fn summary(report: &Report, dry_run: bool) -> String {
    let n = report.sent.len();
    let mut text = format!(
        "{n} {} {}",
        if n == 1 { "message" } else { "messages" },
        if dry_run { "written" } else { "sent" }
    );
    if !report.failed.is_empty() {
        text.push_str(&format!(", {} failed", report.failed.len()));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_counts_and_says_written_for_a_dry_run() {
        let report = Report::default();
        assert_eq!(summary(&report, true), "0 messages written");
        assert_eq!(summary(&report, false), "0 messages sent");
    }
}
