//! The sections of the inspector, and which one shows the editor of a given path (a finding's
//! path or a clicked preview element), so a jump opens the right one.

/// A section of the inspector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Section {
    Info,
    Appearance,
    Fields,
    Barcodes,
    Relevance,
    AppLink,
    WebService,
    Images,
    Localizations,
    Advanced,
}

impl Section {
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

    pub fn title(self) -> &'static str {
        match self {
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

    /// The section whose editor shows the value at `path` (a JSON pointer or a file name).
    pub fn for_path(path: &str) -> Section {
        if path.ends_with(".png") {
            return Section::Images;
        }
        if path.contains(".lproj/") {
            return Section::Localizations;
        }
        let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
        match first {
            "description" | "organizationName" | "serialNumber" | "passTypeIdentifier"
            | "teamIdentifier" | "formatVersion" | "" => Section::Info,
            "backgroundColor" | "foregroundColor" | "labelColor" | "stripColor" | "logoText"
            | "suppressStripShine" => Section::Appearance,
            "boardingPass" | "coupon" | "eventTicket" | "generic" | "storeCard" => {
                if path.trim_start_matches('/').contains('/') {
                    Section::Fields
                } else {
                    Section::Info
                }
            }
            "barcodes" | "barcode" => Section::Barcodes,
            "locations" | "beacons" | "maxDistance" | "relevantDate" | "relevantDates" => {
                Section::Relevance
            }
            "appLaunchURL" | "associatedStoreIdentifiers" | "auxiliaryStoreIdentifiers" => {
                Section::AppLink
            }
            "webServiceURL" | "authenticationToken" => Section::WebService,
            _ => Section::Advanced,
        }
    }
}
