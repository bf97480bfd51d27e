//! Modal dialogs: the signing identity, and the unsaved-changes prompt.

pub mod identity;
pub mod unsaved;
