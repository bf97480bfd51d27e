//! The `passmith` package as a library: the designer app, so GUI tests can build it headlessly.

pub mod app;
pub mod locale;
pub mod upload;
