//! The `passmith` package as a library: the designer app, so GUI tests can build it headlessly;
//! the update-server client, the Google Wallet REST client and the e-mail sender the CLI and the
//! designer share.

pub mod app;
pub mod google_wallet;
pub mod locale;
pub mod mail;
pub mod upload;
