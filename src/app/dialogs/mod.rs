//! Dialogs: the bundle chooser, the signing identity, the update server window, the unsaved-changes prompt, the
//! recovery offer and the command palette.

pub mod bundle;
pub mod identity;
pub mod palette;
pub mod recover;
pub mod server;
pub mod unsaved;
