//! The one integration-test binary of the `passmith` package (the designer and the CLI), laid out
//! like ripgrep's: one module per topic, the shared helpers in [`util`]. One binary links eframe,
//! the server and the test harness once instead of once per file.
//!
//! A new test goes into the module of its topic; add a module only for a new topic, and put any
//! helper two modules need into `util` rather than copying it.

// Test helpers panic on purpose when the program is not in the expected state.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod util;

/// Batch export in the designer: CSV, mapping, row preview, background run, report.
mod app_batch;
/// Date pickers in the designer.
mod app_dates;
/// Designer journeys by label: editing, preview, undo, files, identity, export.
mod app_journeys;
/// "Send by e-mail…" in the designer: manifest, settings, first-message preview, dry run to .eml.
mod app_mail;
/// Autosave and crash recovery in the designer.
mod app_recovery;
/// The designer's update-server window against a real passmith-server.
mod app_upload;
/// `passmith batch`: a pass per CSV row, checked with openssl; bad rows, Ctrl-C and --resume.
mod cli_batch;
/// `passmith build`, `inspect` and `bundle`, checked with openssl.
mod cli_build;
/// `passmith inspect` and `validate` on `.pkpasses` bundles.
mod cli_bundles;
/// `passmith google`: class and object JSON, a link openssl verifies, `--insert` against a fake Google.
mod cli_google;
/// `passmith image set` / `image list`: pictures rendered per slot, originals kept, exit codes.
mod cli_images;
/// `passmith mail`: a batch e-mailed to a real SMTP server (aiosmtpd), kill and rerun, 550, dry run.
mod cli_mail;
/// `passmith preview`: the default language and where its messages go.
mod cli_preview;
/// Download links: `passmith upload` prints the server's link, and `passmith share` writes a static site.
mod cli_share;
/// `passmith validate`: exit codes, report and `--json`.
mod cli_validate;
/// One answer for hidden fields: validate, preview and the style-change notice.
mod hidden_fields;
