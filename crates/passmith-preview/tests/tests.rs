//! The integration tests of passmith-preview, one binary with a module per topic (as in
//! ripgrep's tests/): shared builders and pixel helpers live in `util`.

// Test helpers may fail loudly: a panic is a test failure with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod util;

mod barcodes;
mod display_list;
mod golden;
mod google;
mod hidden_fields;
mod layout;
mod robustness;
mod scripts;
