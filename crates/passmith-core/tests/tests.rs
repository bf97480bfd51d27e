//! passmith-core's integration tests: one binary, a module per topic, helpers in `util`
//! (the layout of ripgrep's tests).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod util;

mod archive;
mod export;
mod hidden_fields;
mod model_roundtrip;
mod signing;
mod validation;
