//! Dialogs: the signing identity, the update server window, and the unsaved-changes prompt.

pub mod identity;
pub mod server;
pub mod unsaved;
