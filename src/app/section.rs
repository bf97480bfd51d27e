//! The sections of the inspector. Which section edits a place in the pass is core's answer
//! ([`passmith_core::path::PassPath::section`]), so a finding, a preview click and a jump all
//! open the same one; the app only adds the order they are drawn in and their titles.

pub use passmith_core::path::Section;

/// Every section, in the order the inspector draws them.
pub const ALL: [Section; 10] = [
    Section::Info,
    Section::Appearance,
    Section::Fields,
    Section::Barcodes,
    Section::Relevance,
    Section::AppLink,
    Section::WebService,
    Section::Images,
    Section::Localizations,
    Section::Advanced,
];

/// The title of a section, as the inspector shows it.
pub fn title(section: Section) -> &'static str {
    match section {
        Section::Info => "Pass information",
        Section::Appearance => "Appearance",
        Section::Fields => "Fields",
        Section::Barcodes => "Barcodes",
        Section::Relevance => "Relevance",
        Section::AppLink => "App link",
        Section::WebService => "Web service",
        Section::Images => "Images",
        Section::Localizations => "Localizations",
        Section::Advanced => "Advanced",
    }
}
