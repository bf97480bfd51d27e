//! passmith-core's integration tests: one binary, a module per topic, helpers in `util`
//! (the layout of ripgrep's tests).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod util;

mod archive;
mod batch;
mod bundles;
mod byte_exact;
mod checklist;
mod cms_signers;
mod export;
mod fuzz_regressions;
mod google;
mod hidden_fields;
mod model_roundtrip;
mod pictures;
mod safe_saves;
mod signing;
mod validation;
