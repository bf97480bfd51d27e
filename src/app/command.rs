//! Everything the user can ask the app to do beyond editing a value in place. Menus, shortcuts,
//! buttons and dropped files all produce a [`Command`]; the app applies them once the frame's UI
//! is drawn, so no panel changes global state while others are still drawing.

use std::path::PathBuf;

use passmith_core::model::Style;

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

/// Where a file to open comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenSource {
    /// Ask with the `.pkpass` file dialog.
    AskPkpass,
    /// Ask with the `.pass` folder dialog.
    AskFolder,
    /// A known path (recent files, drag-and-drop, `passmith open PATH`).
    Path(PathBuf),
}

/// A request from the UI, applied after the frame.
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub enum Command {
    /// Start a new pass from the template of this style.
    New(Style),
    Open(OpenSource),
    Save,
    SaveAs,
    ExportPkpass,
    ExportPng,
    Undo,
    Redo,
    /// Change the pass style, keeping every field, and say what the new style will not show.
    SetStyle(Style),
    /// Jump to the editor of a JSON pointer or file name.
    Focus(String),
    OpenIdentityDialog,
    /// Show the update server window (server URL, API key, upload, push).
    OpenServerPanel,
    /// Export, sign and upload the pass to the update server.
    Upload,
    /// Ask the update server to notify every device of this pass.
    PushUpdate,
    /// Fill a missing webServiceURL/authenticationToken from the server settings (one undo step).
    FillWebService,
    /// Leave the app (after the unsaved-changes prompt).
    Quit,
}
