//! The one registry of finding codes: validation, the `.pkpass` reader and the export gate, and
//! the preview's layout all report [`Code`]s from this list.
//!
//! Each code has a stable snake_case spelling ([`Code::as_str`], e.g. `color.format`) that
//! scripts match on in `passmith validate --json`, a severity, and a one-line summary;
//! `VALIDATION_CODES.md` is generated from [`Code::ALL`]. This module depends on nothing else in
//! the crate.

use serde::{Deserialize, Serialize};

/// How serious a finding is. Errors block export; warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// Which part of Passmith reports a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reporter {
    /// `validate` (including the certificate-versus-pass check).
    Validation,
    /// The `.pkpass` reader and the export gate (signature, manifest, intermediate).
    Package,
    /// The preview's layout (what Wallet would not show as written).
    Layout,
}

macro_rules! codes {
    ($($variant:ident = $code:literal, $severity:ident, $reporter:ident, $summary:literal;)*) => {
        /// A stable finding code. See the module documentation.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum Code {
            $(
                #[doc = $summary]
                $variant,
            )*
        }

        impl Code {
            /// Every code, in the order of the documentation.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The stable spelling, e.g. `color.format`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $code,)*
                }
            }

            /// How serious a finding with this code is.
            pub const fn severity(self) -> Severity {
                match self {
                    $(Code::$variant => Severity::$severity,)*
                }
            }

            /// Who reports it.
            pub const fn reporter(self) -> Reporter {
                match self {
                    $(Code::$variant => Reporter::$reporter,)*
                }
            }

            /// What it means, in one line.
            pub const fn summary(self) -> &'static str {
                match self {
                    $(Code::$variant => $summary,)*
                }
            }
        }
    };
}

codes! {
    JsonSyntax = "json.syntax", Error, Validation, "pass.json is not valid JSON (line and column given)";
    JsonType = "json.type", Error, Validation, "a pass.json value has the wrong type (e.g. a number where text is needed)";
    StringsSyntax = "strings.syntax", Error, Validation, "a pass.strings file cannot be read";
    PassRequired = "pass.required", Error, Validation, "a required top-level key is missing or empty";
    PassFormatVersion = "pass.format_version", Error, Validation, "formatVersion is not 1";
    PassTypeIdentifier = "pass.type_identifier", Error, Validation, "passTypeIdentifier is not of the form pass.com.example.name";
    PassTeamIdentifier = "pass.team_identifier", Warning, Validation, "teamIdentifier does not look like a 10-character Apple team ID";
    PassStyleMissing = "pass.style_missing", Error, Validation, "no pass style (boardingPass, coupon, eventTicket, generic, storeCard)";
    PassStyleMultiple = "pass.style_multiple", Error, Validation, "more than one pass style";
    PassGroupingIgnored = "pass.grouping_ignored", Warning, Validation, "groupingIdentifier on a style that does not group";
    ColorFormat = "color.format", Error, Validation, "a colour is not rgb(r, g, b) with numbers 0–255";
    ColorHex = "color.hex", Warning, Validation, "a hex colour, which is written as rgb(r, g, b) on export";
    IdentityPassTypeMismatch = "identity.pass_type_mismatch", Error, Validation, "the certificate is for another pass type ID";
    IdentityTeamMismatch = "identity.team_mismatch", Error, Validation, "the certificate belongs to another team";
    IdentityNotPassType = "identity.not_pass_type", Error, Validation, "the certificate is not a Pass Type ID certificate";
    IdentityExpired = "identity.expired", Error, Validation, "the certificate has expired";
    IdentityNotYetValid = "identity.not_yet_valid", Error, Validation, "the certificate is not valid yet";
    IdentityExpiring = "identity.expiring", Warning, Validation, "the certificate expires within 30 days";
    DateFormat = "date.format", Error, Validation, "a date is not a W3C date-time with a time zone and whole seconds";
    DateEndMissing = "date.end_missing", Error, Validation, "a relevantDates interval has a startDate but no endDate";
    DateEntryEmpty = "date.entry_empty", Error, Validation, "a relevantDates entry has neither date nor startDate";
    DateRange = "date.range", Error, Validation, "a relevantDates interval ends before it starts";
    DateExpired = "date.expired", Warning, Validation, "expirationDate is in the past";
    LocationTooMany = "location.too_many", Warning, Validation, "more than 10 locations";
    LocationLatitude = "location.latitude", Error, Validation, "a latitude outside -90…90";
    LocationLongitude = "location.longitude", Error, Validation, "a longitude outside -180…180";
    LocationMaxDistance = "location.max_distance", Error, Validation, "maxDistance is negative";
    BeaconTooMany = "beacon.too_many", Warning, Validation, "more than 10 beacons";
    BeaconUuid = "beacon.uuid", Error, Validation, "a beacon proximityUUID is not a UUID";
    BeaconMajorMinor = "beacon.major_minor", Error, Validation, "a beacon major or minor outside 0…65535";
    WebTokenShort = "web.token_short", Error, Validation, "authenticationToken is shorter than 16 characters";
    WebTokenMissing = "web.token_missing", Error, Validation, "webServiceURL without authenticationToken";
    WebUrlMissing = "web.url_missing", Error, Validation, "authenticationToken without webServiceURL";
    WebUrlHttp = "web.url_http", Warning, Validation, "webServiceURL uses http instead of https";
    WebUrlInvalid = "web.url_invalid", Error, Validation, "webServiceURL is not a web address";
    WebAppLaunchStoreId = "web.app_launch_store_id", Error, Validation, "appLaunchURL without associatedStoreIdentifiers";
    EnumUnknown = "enum.unknown", Error, Validation, "a value that must be one of Apple's listed options is spelled differently";
    StyleTransitTypeMissing = "style.transit_type_missing", Error, Validation, "a boarding pass without transitType";
    StyleTransitTypeNotAllowed = "style.transit_type_not_allowed", Error, Validation, "transitType on a style other than boarding pass";
    FieldKeyMissing = "field.key_missing", Error, Validation, "a field without a key";
    FieldKeyDuplicate = "field.key_duplicate", Error, Validation, "two fields share a key";
    FieldChangeMessage = "field.change_message", Warning, Validation, "changeMessage without %@";
    FieldAlignmentIgnored = "field.alignment_ignored", Warning, Validation, "textAlignment on a primary or back field";
    FieldDateStylePair = "field.date_style_pair", Warning, Validation, "dateStyle without timeStyle or the other way round";
    FieldNumberFormatOnText = "field.number_format_on_text", Error, Validation, "numberStyle or currencyCode on a value that is not a number";
    FieldCurrencyCode = "field.currency_code", Error, Validation, "currencyCode is not a three-letter ISO 4217 code";
    FieldRowNotAllowed = "field.row_not_allowed", Error, Validation, "row outside event-ticket auxiliary fields";
    FieldRowValue = "field.row_value", Error, Validation, "row is not 0 or 1";
    FieldDataDetectorsIgnored = "field.data_detectors_ignored", Warning, Validation, "dataDetectorTypes on a field that is not a back field";
    LayoutTooManyFields = "layout.too_many_fields", Warning, Validation, "more fields than the style shows; the extra ones are hidden";
    BarcodeFormatMissing = "barcode.format_missing", Error, Validation, "a barcode without format";
    BarcodeMessageMissing = "barcode.message_missing", Error, Validation, "a barcode without message";
    BarcodeEncodingMissing = "barcode.encoding_missing", Error, Validation, "a barcode without messageEncoding";
    BarcodeEncodingUnknown = "barcode.encoding_unknown", Warning, Validation, "a messageEncoding Passmith does not know";
    BarcodeUnencodable = "barcode.unencodable", Error, Validation, "the message has characters its messageEncoding cannot hold";
    BarcodeCode128Charset = "barcode.code128_charset", Error, Validation, "a Code 128 message with characters outside ASCII";
    BarcodeLegacyCode128 = "barcode.legacy_code128", Error, Validation, "Code 128 in the legacy barcode key";
    NfcMessageMissing = "nfc.message_missing", Error, Validation, "an nfc dictionary without message";
    NfcMessageTooLong = "nfc.message_too_long", Error, Validation, "an NFC message longer than 64 bytes";
    NfcPublicKeyMissing = "nfc.public_key_missing", Error, Validation, "an nfc dictionary without encryptionPublicKey";
    ImageIconMissing = "image.icon_missing", Error, Validation, "no icon.png";
    ImageIconCase = "image.icon_case", Error, Validation, "the icon file name is not exactly icon.png";
    ImageNameCase = "image.name_case", Warning, Validation, "an image file name in the wrong letter case";
    ImageNotPng = "image.not_png", Error, Validation, "a .png file that is not a readable PNG image";
    ImageUnused = "image.unused", Warning, Validation, "an image the pass style does not show";
    ImageStripAndBackground = "image.strip_and_background", Warning, Validation, "an event ticket with a strip and a background or thumbnail";
    ImageTooLarge = "image.too_large", Warning, Validation, "an image larger than the space Wallet gives it";
    ImageDensityMismatch = "image.density_mismatch", Warning, Validation, "an @2x or @3x image that is not 2 or 3 times the size of the @1x one";
    ImageMissingDensity = "image.missing_density", Warning, Validation, "an image without its @2x or @3x version";
    ImageThumbnailAspect = "image.thumbnail_aspect", Warning, Validation, "a thumbnail outside 2:3…3:2, which Wallet crops";
    FileUnknown = "file.unknown", Warning, Validation, "a file Wallet does not use";
    StringsUnusedKey = "strings.unused_key", Warning, Validation, "a pass.strings key that appears nowhere in pass.json";
    KeyMisspelled = "key.misspelled", Warning, Validation, "an unknown key one or two letters away from a key Wallet knows";
    PackageSignatureInvalid = "package.signature_invalid", Error, Package, "the signature does not verify over manifest.json";
    PackageSignatureMissing = "package.signature_missing", Error, Package, "the package has no signature file";
    PackageManifestMissing = "package.manifest_missing", Error, Package, "the package has no manifest.json";
    PackageManifestInvalid = "package.manifest_invalid", Error, Package, "manifest.json is not an object of file name → SHA-1";
    PackageManifestMismatch = "package.manifest_mismatch", Error, Package, "a file's SHA-1 differs from manifest.json";
    PackageFileNotInManifest = "package.file_not_in_manifest", Error, Package, "a file is in the package but not in manifest.json";
    PackageFileMissing = "package.file_missing", Error, Package, "manifest.json lists a file the package lacks";
    PackageIntermediateMissing = "package.intermediate_missing", Error, Package, "the signature carries no WWDR intermediate";
    PackageIntermediateExpired = "package.intermediate_expired", Warning, Package, "the embedded WWDR intermediate has expired (e.g. G1)";
    PackageIntermediateUnexpected = "package.intermediate_unexpected", Warning, Package, "the embedded intermediate is not WWDR G4";
    PackageIntermediateNotApple = "package.intermediate_not_apple", Warning, Package, "the embedded intermediate is not Apple's certificate";
    PackageSignerExpired = "package.signer_expired", Warning, Package, "the signing certificate has expired since";
    IdentityIntermediateMismatch = "identity.intermediate_mismatch", Warning, Package, "the WWDR intermediate to embed did not issue the signing certificate";
    LayoutNoStyle = "layout.no_style", Warning, Layout, "the pass has no style, so the preview shows no fields";
    LayoutTruncated = "layout.truncated", Warning, Layout, "a text is longer than its place on the card and is cut off";
    LayoutImageIgnored = "layout.image_ignored", Warning, Layout, "an event ticket's background or thumbnail that Wallet ignores because of the strip";
    LayoutImageUnreadable = "layout.image_unreadable", Warning, Layout, "an image the preview cannot read as a PNG";
    LayoutMissingGlyphs = "layout.missing_glyphs", Warning, Layout, "characters the preview's fonts cannot draw";
    LayoutBarcodeFormat = "layout.barcode_format", Warning, Layout, "a barcode format Wallet does not know";
    LayoutBarcode = "layout.barcode", Warning, Layout, "a barcode message that cannot be encoded in its format";
}

impl Code {
    /// The code spelled `s`, if there is one.
    pub fn parse(s: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.as_str() == s)
    }

    pub fn is_error(self) -> bool {
        self.severity() == Severity::Error
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<str> for Code {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Code, D::Error> {
        let s = String::deserialize(d)?;
        Code::parse(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown finding code {s:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_dotted_snake_case_and_parse_back() {
        for (i, c) in Code::ALL.iter().enumerate() {
            let s = c.as_str();
            let (area, name) = s.split_once('.').unwrap_or(("", ""));
            let snake = |t: &str| {
                !t.is_empty()
                    && t.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            };
            assert!(snake(area) && snake(name), "{s} is not area.snake_case");
            assert!(
                Code::ALL[..i].iter().all(|o| o.as_str() != s),
                "duplicate {s}"
            );
            assert_eq!(Code::parse(s), Some(*c));
        }
        assert_eq!(Code::parse("layout.hidden-field"), None);
    }

    #[test]
    fn codes_serialize_as_their_spelling() {
        let json = serde_json::to_string(&Code::ColorFormat).unwrap();
        assert_eq!(json, "\"color.format\"");
        assert_eq!(
            serde_json::from_str::<Code>(&json).unwrap(),
            Code::ColorFormat
        );
        assert!(serde_json::from_str::<Code>("\"no.such\"").is_err());
    }
}
