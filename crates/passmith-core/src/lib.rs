//! Passmith's pass engine: everything that knows what an Apple Wallet pass *is*.
//!
//! Data flows one way: [`model`] (typed `pass.json`) and [`document`] (pass.json + files) are the
//! single source of truth; [`rules`] is the one place that knows what each style shows;
//! [`validate`] reads a document and reports [`Finding`]s (codes from the one registry, [`code`],
//! places as typed [`path::PassPath`]s); [`export::prepare`] is the one gate a pass leaves through
//! (validate, then [`package`] and [`sign`], then read back with [`verify`]); [`archive`] reads real-world
//! `.pkpass` files defensively. The clock is an input ([`time`]): callers pass `now`. No GUI, no
//! network: the designer app, the CLI and the server all call into this crate.

pub mod archive;
pub mod atomic;
pub mod batch;
pub mod bundle;
pub mod checklist;
pub mod code;
pub mod color;
pub mod document;
pub mod error;
pub mod export;
pub mod finding;
pub mod folder;
pub mod geo;
pub mod google;
pub mod identity;
pub mod image_header;
pub mod json;
pub mod language;
pub mod model;
pub mod package;
pub mod palette;
pub mod path;
pub mod picture;
pub mod rules;
pub mod sign;
pub mod strings;
pub mod time;
pub mod validate;
pub mod verify;
pub mod words;

pub use code::{Code, Severity};
pub use document::PassDocument;
pub use error::Error;
pub use finding::Finding;
pub use identity::{Identity, IdentitySummary};
pub use model::Pass;
pub use path::{PassPath, Section};
pub use validate::{ValidationContext, validate};
