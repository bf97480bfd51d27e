//! Everything the user can ask the app to do beyond editing a value in place. Menus, keyboard
//! shortcuts, the command palette, buttons and dropped files all produce a [`Command`]; the app
//! applies them once the frame's UI is drawn, so no panel changes global state while others are
//! still drawing.
//!
//! A command knows its own [`label`](Command::label) and [`shortcuts`](Command::shortcuts), as
//! rerun's `UICommand` does: the menu bar, the key handling and the palette all read them from
//! here, so a label or a key is written once.

use std::borrow::Cow;
use std::path::PathBuf;

use egui::{Key, KeyboardShortcut, Modifiers};
use passmith_core::model::Style;
use passmith_core::path::PassPath;

/// Where a file to open comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenSource {
    /// Ask with the `.pkpass` file dialog.
    AskPkpass,
    /// Ask with the `.pass` folder dialog.
    AskFolder,
    /// A known path (recent files, drag-and-drop, `passmith open PATH`).
    Path(PathBuf),
}

/// A request from the UI, applied after the frame.
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub enum Command {
    /// Start a new pass from the template of this style.
    New(Style),
    Open(OpenSource),
    Save,
    SaveAs,
    ExportPkpass,
    ExportPng,
    /// Open the batch export window: one pass per row of a CSV.
    BatchExport,
    /// Run the batch the batch export window is set up for (asks for an identity first).
    BatchRun,
    /// Open the "Send by e-mail…" window on a batch: each pass of its manifest mailed to its row.
    SendByEmail,
    /// Open "Send by e-mail…" on this batch manifest (after a batch run).
    SendManifestByEmail(PathBuf),
    /// Open "Send by e-mail…" on the open pass.
    SendThisPassByEmail,
    /// Sign the open pass through the export gate and send it to the typed recipients (asks for
    /// an identity first).
    SendPassByEmail,
    /// Open File ▸ E-mail settings… (the SMTP server, sender and pace).
    EmailSettings,
    Undo,
    Redo,
    /// Change the pass style, keeping every field, and say what the new style will not show.
    SetStyle(Style),
    /// Jump to the editor of a place in the pass (a finding's path, a clicked preview element).
    Focus(PassPath),
    OpenIdentityDialog,
    /// Give the pass the signing certificate's pass type ID and team (one undo step; asks for a
    /// certificate first).
    UseCertificateIds,
    /// Show the update server window (server URL, API key, upload, push).
    OpenServerPanel,
    /// Export, sign and upload the pass to the update server.
    Upload,
    /// Ask the update server to notify every device of this pass.
    PushUpdate,
    /// Choose one picture for an image slot (in a language, or the default image) and render its
    /// three densities at the style's sizes (one undo step).
    ChoosePicture {
        slot: String,
        lang: Option<String>,
    },
    /// Render an image slot again from its kept original with this fit (one undo step).
    SetPictureFit {
        slot: String,
        lang: Option<String>,
        fit: passmith_core::picture::Fit,
    },
    /// Fill a missing webServiceURL/authenticationToken from the server settings (one undo step).
    FillWebService,
    /// The theme: `None` follows the system, `Some(true)` is dark.
    SetTheme(Option<bool>),
    /// Open the searchable list of every command.
    OpenCommandPalette,
    /// Leave the app (after the unsaved-changes prompt).
    Quit,
}

const fn command(key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(Modifiers::COMMAND, key)
}

const fn command_shift(key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), key)
}

impl Command {
    /// Every command that can be named without asking anything more, in menu order. The palette
    /// lists exactly these.
    pub fn all() -> Vec<Command> {
        let mut all: Vec<Command> = Style::ALL.into_iter().map(Command::New).collect();
        all.extend([
            Command::Open(OpenSource::AskPkpass),
            Command::Open(OpenSource::AskFolder),
            Command::Save,
            Command::SaveAs,
            Command::ExportPkpass,
            Command::ExportPng,
            Command::BatchExport,
            Command::SendByEmail,
            Command::SendThisPassByEmail,
            Command::EmailSettings,
            Command::OpenIdentityDialog,
            Command::UseCertificateIds,
            Command::OpenServerPanel,
            Command::Upload,
            Command::PushUpdate,
            Command::FillWebService,
            Command::Undo,
            Command::Redo,
        ]);
        all.extend(Style::ALL.into_iter().map(Command::SetStyle));
        all.extend([
            Command::SetTheme(None),
            Command::SetTheme(Some(false)),
            Command::SetTheme(Some(true)),
            Command::OpenCommandPalette,
            Command::Quit,
        ]);
        all
    }

    /// What the command is called in menus, in the palette and for screen readers.
    pub fn label(&self) -> Cow<'static, str> {
        match self {
            Command::New(style) => format!("New from template: {}", style.label()).into(),
            Command::Open(OpenSource::AskPkpass) => "Open .pkpass…".into(),
            Command::Open(OpenSource::AskFolder) => "Open .pass folder…".into(),
            Command::Open(OpenSource::Path(path)) => format!("Open {}", path.display()).into(),
            Command::Save => "Save".into(),
            Command::SaveAs => "Save as .pass folder…".into(),
            Command::ExportPkpass => "Export .pkpass…".into(),
            Command::ExportPng => "Export preview PNG…".into(),
            Command::BatchExport => "Batch export…".into(),
            Command::BatchRun => "Run batch export".into(),
            Command::SendByEmail => "Send a batch by e-mail…".into(),
            Command::SendManifestByEmail(path) => {
                format!("Send {} by e-mail…", path.display()).into()
            }
            Command::SendThisPassByEmail => "Send this pass by e-mail…".into(),
            Command::SendPassByEmail => "Sign and send this pass".into(),
            Command::EmailSettings => "E-mail settings…".into(),
            Command::Undo => "Undo".into(),
            Command::Redo => "Redo".into(),
            Command::SetStyle(style) => format!("Change style to {}", style.label()).into(),
            Command::Focus(path) => format!("Go to {path}").into(),
            Command::OpenIdentityDialog => "Signing identity…".into(),
            Command::UseCertificateIds => "Use the certificate's pass type ID and team".into(),
            Command::OpenServerPanel => "Update server…".into(),
            Command::Upload => "Upload to update server".into(),
            Command::PushUpdate => "Push update to devices".into(),
            Command::ChoosePicture { slot, .. } => format!("Choose picture for {slot}…").into(),
            Command::SetPictureFit { slot, fit, .. } => match fit {
                passmith_core::picture::Fit::Cover => format!("Cover {slot}").into(),
                passmith_core::picture::Fit::Contain => format!("Contain {slot}").into(),
            },
            Command::FillWebService => "Fill web service from server settings".into(),
            Command::SetTheme(None) => "Follow system theme".into(),
            Command::SetTheme(Some(false)) => "Light theme".into(),
            Command::SetTheme(Some(true)) => "Dark theme".into(),
            Command::OpenCommandPalette => "Command palette…".into(),
            Command::Quit => "Quit".into(),
        }
    }

    /// The keys that run the command; menus show the first.
    pub fn shortcuts(&self) -> &'static [KeyboardShortcut] {
        static OPEN: [KeyboardShortcut; 1] = [command(Key::O)];
        static SAVE: [KeyboardShortcut; 1] = [command(Key::S)];
        static SAVE_AS: [KeyboardShortcut; 1] = [command_shift(Key::S)];
        static EXPORT: [KeyboardShortcut; 1] = [command(Key::E)];
        static UNDO: [KeyboardShortcut; 1] = [command(Key::Z)];
        static REDO: [KeyboardShortcut; 2] = [command_shift(Key::Z), command(Key::Y)];
        static PALETTE: [KeyboardShortcut; 1] = [command(Key::K)];
        match self {
            Command::Open(OpenSource::AskPkpass) => &OPEN,
            Command::Save => &SAVE,
            Command::SaveAs => &SAVE_AS,
            Command::ExportPkpass => &EXPORT,
            Command::Undo => &UNDO,
            Command::Redo => &REDO,
            Command::OpenCommandPalette => &PALETTE,
            _ => &[],
        }
    }

    /// The shortcut menus and the palette show beside the label.
    pub fn shortcut(&self) -> Option<KeyboardShortcut> {
        self.shortcuts().first().copied()
    }

    /// Every shortcut with its command, those with more modifiers first: egui matches Ctrl+Z
    /// on Ctrl+Shift+Z too, so the longer one has to be tried first.
    pub fn keymap() -> Vec<(KeyboardShortcut, Command)> {
        let mut map: Vec<(KeyboardShortcut, Command)> = Command::all()
            .into_iter()
            .flat_map(|c| c.shortcuts().iter().map(move |s| (*s, c.clone())))
            .collect();
        map.sort_by_key(|(s, _)| {
            let m = s.modifiers;
            std::cmp::Reverse(usize::from(m.shift) + usize::from(m.alt))
        });
        map
    }

    /// Whether the palette entry matches what was typed: every word of `query` appears in the
    /// label, ignoring case.
    pub fn matches(&self, query: &str) -> bool {
        let label = self.label().to_lowercase();
        query
            .split_whitespace()
            .all(|word| label.contains(&word.to_lowercase()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_distinct_so_the_palette_and_screen_readers_can_tell_commands_apart() {
        let all = Command::all();
        let mut labels: Vec<String> = all.iter().map(|c| c.label().into_owned()).collect();
        labels.sort();
        labels.dedup();
        assert_eq!(labels.len(), all.len(), "{labels:?}");
    }

    #[test]
    fn no_two_commands_share_a_shortcut_and_longer_ones_come_first() {
        let map = Command::keymap();
        for (i, (a, _)) in map.iter().enumerate() {
            assert!(map[i + 1..].iter().all(|(b, _)| b != a), "{a:?} twice");
        }
        let redo = map
            .iter()
            .position(|(s, _)| *s == command_shift(Key::Z))
            .unwrap();
        let undo = map.iter().position(|(s, _)| *s == command(Key::Z)).unwrap();
        assert!(redo < undo);
    }

    #[test]
    fn typing_filters_by_every_word() {
        let export: Vec<Command> = Command::all()
            .into_iter()
            .filter(|c| c.matches("export"))
            .collect();
        assert_eq!(
            export,
            [
                Command::ExportPkpass,
                Command::ExportPng,
                Command::BatchExport
            ]
        );
        assert!(Command::ExportPng.matches("PNG export"));
        assert!(!Command::ExportPng.matches("pkpass"));
    }
}
