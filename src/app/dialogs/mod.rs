//! Dialogs: the bundle chooser, the pre-export checklist, the signing identity, the update server window, batch export,
//! "Send by e-mail…", the e-mail settings, the unsaved-changes prompt, the recovery offer and the command palette.

pub mod batch;
pub mod bundle;
pub mod checklist;
pub mod identity;
pub mod mail;
pub mod mail_settings;
pub mod palette;
pub mod recover;
pub mod server;
pub mod unsaved;
