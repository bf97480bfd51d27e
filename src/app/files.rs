//! Native file dialogs, behind a small trait so tests can drive open/save/export without a
//! desktop portal: the app asks "which file?" and a test answers from a script.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// What the app wants the user to pick.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DialogRequest {
    /// An existing `.pkpass` file (or a `.pkpasses` bundle of them).
    OpenPkpass,
    /// An existing `.pass` folder.
    OpenPassFolder,
    /// Where to save the project (`.pass` folder); the suggested folder name.
    SavePassFolder { suggested: String },
    /// Where to write the signed `.pkpass`.
    ExportPkpass { suggested: String },
    /// Where to write the preview PNG.
    ExportPng { suggested: String },
    /// A signing certificate (`.p12`).
    Certificate,
    /// An Apple WWDR intermediate certificate (`.pem`/`.cer`).
    Wwdr,
    /// A PNG for an image slot (`logo@2x.png`, …).
    Image { file_name: String },
    /// A source picture (PNG, JPEG, WebP, GIF, SVG) rendered into a slot's densities.
    Picture { slot: String },
    /// The CSV a batch export personalises the design from.
    BatchCsv,
    /// The folder a batch export writes its passes into.
    BatchOutputFolder,
    /// The `manifest.csv` of a batch, for "Send by e-mail…".
    MailManifest,
    /// The folder a dry run of "Send by e-mail…" writes `.eml` files into.
    MailEmlFolder,
    /// A PEM file of CA certificates to trust for the SMTP server (E-mail settings…).
    MailCaFile,
    /// The folder where "Send this pass" keeps each sent pass with its send log.
    MailOutbox,
}

/// Answers [`DialogRequest`]s (`None` means the user cancelled), and shows a folder in the
/// system's file manager.
pub trait FileDialogs {
    fn pick(&mut self, request: &DialogRequest) -> Option<PathBuf>;

    /// Opens `folder` in the file manager (Files, Finder, Explorer).
    fn show_folder(&mut self, folder: &Path) -> Result<(), String>;
}

/// The real dialogs (rfd: the XDG portal on Linux, native panels on macOS and Windows).
#[derive(Debug, Default)]
pub struct NativeDialogs;

impl FileDialogs for NativeDialogs {
    fn pick(&mut self, request: &DialogRequest) -> Option<PathBuf> {
        let dialog = rfd::FileDialog::new();
        match request {
            DialogRequest::OpenPkpass => dialog
                .set_title("Open a pass")
                .add_filter("Wallet pass or bundle", &["pkpass", "pkpasses"])
                .pick_file(),
            DialogRequest::OpenPassFolder => dialog.set_title("Open a .pass folder").pick_folder(),
            DialogRequest::SavePassFolder { suggested } => dialog
                .set_title("Save the pass as a .pass folder")
                .set_file_name(suggested)
                .save_file(),
            DialogRequest::ExportPkpass { suggested } => dialog
                .set_title("Export a signed .pkpass")
                .add_filter("Wallet pass", &["pkpass"])
                .set_file_name(suggested)
                .save_file(),
            DialogRequest::ExportPng { suggested } => dialog
                .set_title("Export the preview as PNG")
                .add_filter("PNG image", &["png"])
                .set_file_name(suggested)
                .save_file(),
            DialogRequest::Certificate => dialog
                .set_title("Choose your Pass Type ID certificate")
                .add_filter("PKCS#12 certificate", &["p12", "pfx"])
                .pick_file(),
            DialogRequest::Wwdr => dialog
                .set_title("Choose the Apple WWDR intermediate certificate")
                .add_filter("Certificate", &["pem", "cer", "crt"])
                .pick_file(),
            DialogRequest::Picture { slot } => dialog
                .set_title(format!("Choose a picture for the {slot}"))
                .add_filter(
                    "Picture",
                    &["png", "jpg", "jpeg", "webp", "gif", "svg", "svgz"],
                )
                .pick_file(),
            DialogRequest::Image { file_name } => dialog
                .set_title(format!("Choose a PNG for {file_name}"))
                .add_filter("PNG image", &["png"])
                .pick_file(),
            DialogRequest::BatchCsv => dialog
                .set_title("Choose the CSV with one row per pass")
                .add_filter("CSV", &["csv", "tsv", "txt"])
                .pick_file(),
            DialogRequest::BatchOutputFolder => dialog
                .set_title("Choose the folder for the passes")
                .pick_folder(),
            DialogRequest::MailManifest => dialog
                .set_title("Choose the manifest.csv of a batch")
                .add_filter("Batch manifest", &["csv"])
                .pick_file(),
            DialogRequest::MailEmlFolder => dialog
                .set_title("Choose the folder for the .eml files")
                .pick_folder(),
            DialogRequest::MailCaFile => dialog
                .set_title("Choose the CA certificate(s) to trust for the mail server")
                .add_filter("PEM certificates", &["pem", "crt", "cer"])
                .pick_file(),
            DialogRequest::MailOutbox => dialog
                .set_title("Choose the folder for sent passes")
                .pick_folder(),
        }
    }

    fn show_folder(&mut self, folder: &Path) -> Result<(), String> {
        open::that_detached(folder).map_err(|e| e.to_string())
    }
}

/// Scripted answers for tests: each request pops the next answer and is recorded.
#[derive(Debug, Clone, Default)]
pub struct ScriptedDialogs {
    pub answers: Rc<RefCell<VecDeque<Option<PathBuf>>>>,
    pub asked: Rc<RefCell<Vec<DialogRequest>>>,
    /// The folders the app asked the file manager to show.
    pub shown: Rc<RefCell<Vec<PathBuf>>>,
}

impl ScriptedDialogs {
    pub fn new() -> ScriptedDialogs {
        ScriptedDialogs::default()
    }

    /// Queues the answer to the next request.
    pub fn answer(&self, path: impl Into<PathBuf>) {
        self.answers.borrow_mut().push_back(Some(path.into()));
    }

    /// Queues a cancelled dialog.
    pub fn cancel(&self) {
        self.answers.borrow_mut().push_back(None);
    }
}

impl FileDialogs for ScriptedDialogs {
    fn pick(&mut self, request: &DialogRequest) -> Option<PathBuf> {
        self.asked.borrow_mut().push(request.clone());
        self.answers.borrow_mut().pop_front().flatten()
    }

    fn show_folder(&mut self, folder: &Path) -> Result<(), String> {
        self.shown.borrow_mut().push(folder.to_owned());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripted_dialogs_answer_in_order_and_record_requests() {
        let script = ScriptedDialogs::new();
        script.answer("/tmp/a.pkpass");
        script.cancel();
        let mut dialogs: Box<dyn FileDialogs> = Box::new(script.clone());
        assert_eq!(
            dialogs.pick(&DialogRequest::OpenPkpass),
            Some(PathBuf::from("/tmp/a.pkpass"))
        );
        assert_eq!(dialogs.pick(&DialogRequest::Certificate), None);
        assert_eq!(dialogs.pick(&DialogRequest::Wwdr), None);
        assert_eq!(
            *script.asked.borrow(),
            vec![
                DialogRequest::OpenPkpass,
                DialogRequest::Certificate,
                DialogRequest::Wwdr
            ]
        );
    }
}
