//! The command palette (Ctrl/Cmd+K): every [`Command`] in one searchable list, as in rerun and
//! code editors. Typing filters by words of the label, the arrow keys move the selection, Enter
//! runs it, Escape or a click outside closes the palette. The list is [`Command::all`], the same
//! one the menus and shortcuts use.

use egui::{Key, Modifiers};

use crate::app::command::Command;
use crate::app::theme;

/// The palette's state; closed by default.
#[derive(Debug, Default)]
pub struct CommandPalette {
    open: bool,
    query: String,
    /// Index into the matches of `query`.
    selected: usize,
    /// Put the cursor in the search box on the first frame.
    focus_query: bool,
}

impl CommandPalette {
    pub fn open(&mut self) {
        *self = CommandPalette {
            open: true,
            focus_query: true,
            ..CommandPalette::default()
        };
    }

    pub fn is_open(&self) -> bool {
        self.open
    }

    /// The commands matching what was typed, in menu order (the palette never lists itself).
    pub fn matches(&self) -> Vec<Command> {
        Command::all()
            .into_iter()
            .filter(|c| *c != Command::OpenCommandPalette && c.matches(&self.query))
            .collect()
    }

    /// Shows the palette when open; returns the command the user ran.
    pub fn ui(&mut self, ctx: &egui::Context) -> Option<Command> {
        if !self.open {
            return None;
        }
        // Taken before the search box sees them: Enter would end its editing, arrows move its
        // cursor.
        let (down, up, enter) = ctx.input_mut(|i| {
            (
                i.consume_key(Modifiers::NONE, Key::ArrowDown),
                i.consume_key(Modifiers::NONE, Key::ArrowUp),
                i.consume_key(Modifiers::NONE, Key::Enter),
            )
        });
        let mut matches = self.matches();
        let last = matches.len().saturating_sub(1);
        if down {
            self.selected = (self.selected + 1).min(last);
        }
        if up {
            self.selected = self.selected.saturating_sub(1);
        }
        let mut chosen = None;
        let modal =
            egui::Modal::new(egui::Id::unique("passmith-command-palette")).show(ctx, |ui| {
                ui.set_width(theme::DIALOG_WIDTH);
                let search = ui.add(
                    egui::TextEdit::singleline(&mut self.query)
                        .id(egui::Id::unique("passmith-command-search"))
                        .hint_text("Type a command…")
                        .desired_width(f32::INFINITY),
                );
                let search = search.accessible_name("Search commands");
                if std::mem::take(&mut self.focus_query) {
                    search.request_focus();
                }
                if search.changed() {
                    self.selected = 0;
                    matches = self.matches();
                }
                ui.add_space(theme::SPACE_S);
                egui::ScrollArea::vertical()
                    .max_height(theme::PALETTE_LIST_HEIGHT)
                    .show(ui, |ui| {
                        if matches.is_empty() {
                            ui.label("No command matches what you typed.");
                        }
                        for (i, command) in matches.iter().enumerate() {
                            let label = command.label();
                            let mut button =
                                egui::Button::selectable(i == self.selected, label.as_ref());
                            if let Some(shortcut) = command.shortcut() {
                                button = button.shortcut_text(ctx.format_shortcut(&shortcut));
                            }
                            let r = ui.add(button).accessible_name(label.as_ref());
                            if i == self.selected && (up || down) {
                                r.scroll_to_me(None);
                            }
                            if r.clicked() {
                                chosen = Some(command.clone());
                            }
                        }
                    });
            });
        if enter {
            chosen = matches.get(self.selected).cloned();
        }
        if chosen.is_some() || modal.should_close() {
            self.open = false;
        }
        chosen
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_palette_filters_as_typed_and_never_lists_itself() {
        let mut palette = CommandPalette::default();
        palette.open();
        assert_eq!(palette.matches().len(), Command::all().len() - 1);
        palette.query = "export".into();
        assert_eq!(
            palette.matches(),
            [
                Command::ExportPkpass,
                Command::ExportPng,
                Command::BatchExport
            ]
        );
        palette.query = "palette".into();
        assert!(palette.matches().is_empty());
    }
}
