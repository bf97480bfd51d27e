//! Dialogs: the signing identity, the update server window, the unsaved-changes prompt and the
//! command palette.

pub mod identity;
pub mod palette;
pub mod server;
pub mod unsaved;
