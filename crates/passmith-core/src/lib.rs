//! Passmith's pass engine: everything that knows what an Apple Wallet pass *is*.
//!
//! Data flows one way: [`model`] (typed `pass.json`) and [`document`] (pass.json + files) are the
//! single source of truth; [`validate`] reads a document and reports [`Finding`]s; [`package`] and
//! [`sign`] turn a document plus an [`Identity`] into `.pkpass` bytes; [`archive`] reads real-world
//! `.pkpass` files defensively. No GUI, no network: the designer app, the CLI and the server all
//! call into this crate.

pub mod archive;
pub mod atomic;
pub mod color;
pub mod document;
pub mod error;
pub mod finding;
pub mod folder;
pub mod identity;
pub mod image_header;
pub mod json;
pub mod model;
pub mod package;
pub mod sign;
pub mod strings;
pub mod validate;

pub use document::PassDocument;
pub use error::Error;
pub use finding::{Finding, Severity};
pub use identity::{Identity, IdentitySummary};
pub use model::Pass;
pub use validate::{ValidationContext, validate};
