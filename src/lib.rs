//! The `passmith` package as a library: the designer app, so GUI tests can build it headlessly;
//! the update-server client and the e-mail sender the CLI and the designer share.

pub mod app;
pub mod locale;
pub mod mail;
pub mod upload;
