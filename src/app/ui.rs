//! One frame of the window: the menu bar, the preview with the validation list under it, the
//! notices and the inspector, then the dialogs. Keys, dropped files and clicks become
//! [`Command`]s, applied after everything is drawn; then the edits of the frame are committed
//! to the undo history.

use std::path::PathBuf;

use super::command::{Command, OpenSource};
use super::dialogs::checklist;
use super::dialogs::identity::Outcome;
use super::dialogs::unsaved::{Answer, Leave, UnsavedPrompt};
use super::notice::Notice;
use super::{App, engine, panels, theme, widgets};

impl App {
    /// One frame of the whole window.
    pub fn frame_ui(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.window.frames += 1;
        self.focus.begin_frame();
        self.shortcuts(&ctx);
        self.dropped_files(&ctx);
        if ctx.input(|i| i.viewport().close_requested())
            && !self.window.allow_close
            && self.session.is_dirty()
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.unsaved_prompt = Some(UnsavedPrompt { leave: Leave::Quit });
        }

        egui::Panel::top("passmith-menu").show(ui, |ui| panels::menu::ui(ui, self));
        self.batch.poll(&ctx);
        self.batch.refresh(
            &self.session.doc,
            self.session.version(),
            self.signer.as_ref().map(|s| &s.identity.summary),
            self.clock.unwrap_or_else(engine::now_unix),
        );
        self.panels_ui(ui);
        self.dialogs_ui(&ctx);

        // Coalesce: edits from the same focused field or dragged widget are one undo step.
        let source = ctx.memory(|m| m.focused()).or_else(|| ctx.dragged_id());
        if self.session.commit(source) {
            // Show the edit in the preview and validation on the next frame.
            ctx.request_repaint();
        }
        for command in std::mem::take(&mut self.commands) {
            self.apply(&ctx, command);
        }
        self.refresh_findings();
        self.autosave_ui(&ctx);
        self.focus.end_frame(&ctx);
        let title = format!(
            "{}{} — Passmith",
            self.session.title,
            if self.session.is_dirty() {
                " (edited)"
            } else {
                ""
            }
        );
        self.window.end_frame(&ctx, title);
    }

    /// The preview column (with the validation list) and the inspector.
    fn panels_ui(&mut self, ui: &mut egui::Ui) {
        let findings = self.all_findings();
        let version = self.session.version();
        egui::Panel::left("passmith-preview")
            .resizable(true)
            .default_size(theme::PREVIEW_PANEL_WIDTH)
            .min_size(theme::PREVIEW_PANEL_MIN_WIDTH)
            .show(ui, |ui| {
                egui::Panel::bottom("passmith-validation")
                    .resizable(true)
                    .default_size(theme::VALIDATION_PANEL_HEIGHT)
                    .show(ui, |ui| {
                        panels::validation::ui(ui, &findings, &mut self.commands)
                    });
                egui::CentralPanel::default().show(ui, |ui| {
                    egui::ScrollArea::both()
                        .id_salt("preview-scroll")
                        .show(ui, |ui| {
                            // While the batch window previews a row, the card shows that row.
                            let row = self.batch.shown_row();
                            if let Some(row) = &row {
                                ui.label(egui::RichText::new(&row.caption).strong());
                                if let Some(problem) = &row.problem {
                                    ui.colored_label(ui.visuals().error_fg_color, problem);
                                }
                            }
                            let (doc, key) =
                                match row.as_ref().and_then(|r| Some((r.document?, r.key))) {
                                    Some(shown) => shown,
                                    None => (&self.session.doc, version),
                                };
                            theme::stage_frame(ui).show(ui, |ui| {
                                if let Some(path) = self.preview.ui(ui, doc, key) {
                                    self.commands.push(Command::Focus(path));
                                }
                                if let Some(lang) = self.preview.take_picked_language() {
                                    self.settings.preview_language = Some(lang);
                                }
                            });
                        });
                });
            });

        egui::CentralPanel::default().show(ui, |ui| {
            panels::notices::ui(ui, &mut self.notices, &mut self.commands);
            let mut messages = Vec::new();
            let mut ed = widgets::Ed {
                focus: &mut self.focus,
                findings: &findings,
                commands: &mut self.commands,
                dialogs: &mut *self.dialogs,
                messages: &mut messages,
                prefix: None,
                certificate: self.signer.as_ref().map(|s| &s.identity.summary),
            };
            panels::inspector::ui(ui, &mut ed, &mut self.session.doc);
            if !messages.is_empty() {
                self.notify(Notice::error("Could not do that").with_lines(messages));
            }
        });
    }

    /// Keyboard shortcuts, from the commands' own list.
    fn shortcuts(&mut self, ctx: &egui::Context) {
        for (shortcut, command) in Command::keymap() {
            // Consumed before the text fields see it, so Ctrl+Z undoes the document, not one field.
            if ctx.input_mut(|i| i.consume_shortcut(&shortcut)) {
                self.commands.push(command);
            }
        }
    }

    fn dropped_files(&mut self, ctx: &egui::Context) {
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_owned())
                .collect()
        });
        if let Some(path) = dropped.into_iter().next() {
            self.commands.push(Command::Open(OpenSource::Path(path)));
        }
    }

    /// Writes the autosave copy when due (on its own thread), and removes it on a clean close.
    fn autosave_ui(&mut self, ctx: &egui::Context) {
        let (now, focused, closing) = ctx.input(|i| {
            (
                i.time,
                i.viewport().focused.unwrap_or(true),
                i.viewport().close_requested(),
            )
        });
        if closing && (self.window.allow_close || !self.session.is_dirty()) {
            self.autosave.discard(None);
            return;
        }
        if let Some(after) = self.autosave.tick(now, focused, &self.session) {
            ctx.request_repaint_after(std::time::Duration::from_secs_f64(after));
        }
        if let Some(err) = self.autosave.error.take() {
            self.notify(
                Notice::warning("Autosave is not working")
                    .line(err)
                    .line("Save the pass yourself (Ctrl+S) to keep your changes."),
            );
        }
    }

    /// The recovery offer, the unsaved-changes prompt, the identity dialog, the batch export
    /// window, the server window and the palette.
    fn dialogs_ui(&mut self, ctx: &egui::Context) {
        if let Some(prompt) = &self.recover_prompt
            && let Some(answer) = prompt.ui(ctx)
        {
            self.recover(ctx, answer);
        }
        if let Some(prompt) = &self.bundle_prompt
            && let Some(answer) = prompt.ui(ctx)
        {
            self.answer_bundle_prompt(answer);
        }
        if let Some(prompt) = &self.unsaved_prompt
            && let Some(answer) = prompt.ui(ctx)
        {
            let leave = prompt.leave.clone();
            self.unsaved_prompt = None;
            match answer {
                Answer::Save => {
                    if self.save(false) {
                        self.leave(leave);
                    }
                }
                Answer::Discard => self.leave(leave),
                Answer::Cancel => {}
            }
        }
        if let Some(prompt) = &self.checklist
            && let Some(answer) = prompt.ui(ctx)
        {
            self.checklist = None;
            match answer {
                checklist::Answer::ExportAnyway => {
                    self.checklist_passed = true;
                    self.commands.push(Command::ExportPkpass);
                }
                checklist::Answer::Back(commands) => self.commands.extend(commands),
            }
        }
        if let Some(dialog) = &mut self.identity_dialog
            && let Some(outcome) = dialog.ui(
                ctx,
                &mut *self.dialogs,
                &mut self.settings,
                &self.session.doc.pass,
            )
        {
            let adopt_ids = dialog.adopt_ids;
            self.identity_dialog = None;
            match outcome {
                Outcome::Use(signer) => {
                    ctx.memory_mut(|m| m.stop_text_input());
                    self.identity_chosen(Some(signer), adopt_ids);
                    ctx.request_repaint();
                }
                Outcome::Cancel => self.identity_chosen(None, false),
            }
        }
        let version = self.session.version();
        let asked = self
            .batch
            .ui(ctx, &mut *self.dialogs, &self.session.doc, version);
        self.commands.extend(asked);
        self.mail.poll(ctx);
        self.mail_settings
            .ui(ctx, &mut *self.dialogs, &mut self.settings.mail);
        let pass = self.one_pass();
        let asked = self.mail.ui(
            ctx,
            &mut *self.dialogs,
            &mut self.settings.mail,
            &self.mail_settings,
            &pass,
        );
        self.commands.extend(asked);
        self.server.poll(ctx);
        let asked = self
            .server
            .ui(ctx, &mut self.settings, &self.session.doc.pass);
        self.commands.extend(asked);
        if let Some(command) = self.palette.ui(ctx) {
            self.commands.push(command);
        }
    }
}
