//! One module per panel of the window: the menu bar, the preview, the validation list, the
//! notices, and the inspector with one module per section.

pub mod advanced;
pub mod appearance;
pub mod barcodes;
pub mod fields;
pub mod images;
pub mod info;
pub mod inspector;
pub mod links;
pub mod localizations;
pub mod menu;
pub mod notices;
pub mod preview;
pub mod relevance;
pub mod validation;
