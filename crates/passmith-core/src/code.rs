//! The one registry of finding codes: validation, the `.pkpass` reader and the export gate, and
//! the preview's layout all report [`Code`]s from this list.
//!
//! Each code has a stable snake_case spelling ([`Code::as_str`], e.g. `color.format`) that
//! scripts match on in `passmith validate --json`, a severity, a one-line summary and, for an
//! error, its source; `VALIDATION_CODES.md` is generated from [`Code::ALL`]. This module depends
//! on nothing else in the crate.
//!
//! # Severity rests on evidence
//!
//! An error tells a marketer "iPhones refuse this pass" (or "it cannot be signed"), so it needs
//! evidence: an Apple document that requires the rule, or an observed rejection (the issues
//! collected in the project's research on pass generators). Each error records that source;
//! a rule without one is at most a warning, however sensible it is, because real passes that
//! break it were added to iPhones. The unit test below fails when an error has no source.

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
    /// The pre-export checklist (what people forget to change before a pass goes out).
    Checklist,
    /// The Google Wallet mapping (`passmith google`): what does not carry over to Google Wallet.
    Google,
}

macro_rules! codes {
    ($($variant:ident = $code:literal, $severity:ident, $reporter:ident, $summary:literal, $source:literal;)*) => {
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

            /// Why an error is an error: the Apple document, or the observed rejection (with
            /// its issue), that says an iPhone refuses such a pass or it cannot be signed.
            /// `None` for warnings, which need no such evidence.
            pub const fn source(self) -> Option<&'static str> {
                let source = match self {
                    $(Code::$variant => $source,)*
                };
                if source.is_empty() { None } else { Some(source) }
            }
        }
    };
}

codes! {
    JsonSyntax = "json.syntax", Error, Validation, "pass.json is not valid JSON (line and column given)",
        "Passmith cannot read pass.json, so it cannot open or sign the pass; Apple, PassKit Package Format Reference, Package Structure: pass.json is a JSON dictionary";
    JsonType = "json.type", Error, Validation, "a pass.json value has the wrong type (e.g. a number where text is needed)",
        "observed: numbers where text is expected make iPhones refuse the pass (https://github.com/thenextweb/passgenerator/issues/25, https://github.com/tschoffelen/php-pkpass/issues/154)";
    JsonComment = "json.comment", Warning, Validation, "pass.json has // or /* */ comments, which Apple's parser does not take",
        "";
    StringsSyntax = "strings.syntax", Error, Validation, "a pass.strings file cannot be read",
        "Passmith cannot read the table, so it cannot open or sign the pass until it is fixed";
    PassRequired = "pass.required", Error, Validation, "a required top-level key is missing or empty",
        "Apple, PassKit Package Format Reference, Top-Level Keys: formatVersion, passTypeIdentifier, serialNumber, teamIdentifier, organizationName and description are required; observed: a pass without description is refused (https://github.com/thenextweb/passgenerator/issues/25)";
    PassFormatVersion = "pass.format_version", Error, Validation, "formatVersion is not 1",
        "Apple, PassKit Package Format Reference, Top-Level Keys: formatVersion is required and must be 1";
    PassTypeIdentifier = "pass.type_identifier", Error, Validation, "passTypeIdentifier is not of the form pass.com.example.name",
        "Apple, PassKit Package Format Reference, Top-Level Keys: passTypeIdentifier begins with pass. and must match the certificate; observed: ids such as TEAMID.pass.x are refused (https://github.com/drallgood/jpasskit/issues/369)";
    PassTypeIdentifierShape = "pass.type_identifier_shape", Warning, Validation, "passTypeIdentifier does not look like a reversed domain name after pass.",
        "";
    PassTeamIdentifier = "pass.team_identifier", Warning, Validation, "teamIdentifier does not look like a 10-character Apple team ID",
        "";
    PassStyleMissing = "pass.style_missing", Error, Validation, "no pass style (boardingPass, coupon, eventTicket, generic, storeCard)",
        "Apple, PassKit Package Format Reference, Top-Level Keys: a pass has exactly one style key";
    PassStyleMultiple = "pass.style_multiple", Error, Validation, "more than one pass style",
        "Apple, PassKit Package Format Reference, Top-Level Keys: a pass has exactly one style key";
    PassGroupingIgnored = "pass.grouping_ignored", Warning, Validation, "groupingIdentifier on a style that does not group",
        "";
    ColorFormat = "color.format", Error, Validation, "a colour is not rgb(r, g, b) with numbers 0–255",
        "observed: iPhones refuse colours they cannot parse: \"Unable to parse color string 'Black'\" (https://github.com/tomasmcguinness/dotnet-passbook-validator/issues/21) and rgb(255-255-255) (https://github.com/tomasmcguinness/dotnet-passbook/issues/49)";
    ColorHex = "color.hex", Warning, Validation, "a hex colour, which is written as rgb(r, g, b) on export",
        "";
    IdentityPassTypeMismatch = "identity.pass_type_mismatch", Error, Validation, "the certificate is for another pass type ID",
        "observed: \"passTypeIdentifier or teamIdentifier … may not match your certificate\" (https://github.com/drallgood/jpasskit/issues/369, https://github.com/tomasmcguinness/dotnet-passbook/issues/104, https://github.com/alexandercerutti/passkit-generator/issues/92)";
    IdentityTeamMismatch = "identity.team_mismatch", Error, Validation, "the certificate belongs to another team",
        "observed: \"passTypeIdentifier or teamIdentifier … may not match your certificate\" (https://github.com/drallgood/jpasskit/issues/369, https://github.com/tomasmcguinness/dotnet-passbook/issues/104)";
    IdentityNotPassType = "identity.not_pass_type", Error, Validation, "the certificate is not a Pass Type ID certificate",
        "Apple, PassKit Package Format Reference, Package Structure: the signature is made with the Pass Type ID certificate; observed: other certificates fail with \"may not match your certificate\" (https://github.com/alexandercerutti/passkit-generator/issues/92)";
    IdentityExpired = "identity.expired", Error, Validation, "the certificate has expired",
        "observed: a chain with an expired certificate fails with \"the certificate trust chain could not be verified\" (https://github.com/tschoffelen/php-pkpass/issues/118, https://github.com/tomasmcguinness/dotnet-passbook/issues/152)";
    IdentityNotYetValid = "identity.not_yet_valid", Error, Validation, "the certificate is not valid yet",
        "a certificate is not valid before its start date, so the chain cannot be verified (as for expired ones: https://github.com/tschoffelen/php-pkpass/issues/118)";
    IdentityExpiring = "identity.expiring", Warning, Validation, "the certificate expires within 30 days",
        "";
    ChecklistTemplateText = "checklist.template_text", Warning, Checklist, "a text still reads as in the Passmith template it came from",
        "";
    ChecklistPlaceholderAddress = "checklist.placeholder_address", Warning, Checklist, "an example.com (or other placeholder) address or link",
        "";
    ChecklistTemplateSerial = "checklist.template_serial", Warning, Checklist, "the serial number of a Passmith template",
        "";
    ChecklistNewFieldText = "checklist.new_field_text", Warning, Checklist, "a field still has the label or value that + Add gave it",
        "";
    ChecklistCertificateExpiresFirst = "checklist.certificate_expires_first", Warning, Checklist, "the signing certificate expires before the pass's last date, so the pass cannot be updated after that",
        "";
    DateFormat = "date.format", Error, Validation, "a date is not a W3C date-time with a time zone and whole seconds",
        "observed: iPhones refuse dates without a zone, with +0000 or with milliseconds (https://github.com/drallgood/jpasskit/issues/253, https://github.com/coorasse/passkit/issues/22, https://github.com/tinovyatkin/pass-js/issues/80)";
    DateEndMissing = "date.end_missing", Error, Validation, "a relevantDates interval has a startDate but no endDate",
        "Apple, WalletPasses documentation, Pass.RelevantDates: endDate is required when startDate is given";
    DateEntryEmpty = "date.entry_empty", Error, Validation, "a relevantDates entry has neither date nor startDate",
        "Apple, WalletPasses documentation, Pass.RelevantDates: each entry has a date, or a startDate and endDate";
    DateRange = "date.range", Warning, Validation, "a relevantDates interval ends before it starts",
        "";
    DateExpired = "date.expired", Warning, Validation, "expirationDate is in the past",
        "";
    LocationTooMany = "location.too_many", Warning, Validation, "more than 10 locations",
        "";
    LocationLatitude = "location.latitude", Warning, Validation, "a latitude outside -90…90",
        "";
    LocationLongitude = "location.longitude", Warning, Validation, "a longitude outside -180…180",
        "";
    LocationZero = "location.zero", Warning, Validation, "a location at latitude 0, longitude 0 (in the sea off Africa), usually one never filled in",
        "";
    LocationMaxDistance = "location.max_distance", Warning, Validation, "maxDistance is negative",
        "";
    BeaconTooMany = "beacon.too_many", Warning, Validation, "more than 10 beacons",
        "";
    BeaconUuid = "beacon.uuid", Warning, Validation, "a beacon proximityUUID is not a UUID",
        "";
    BeaconMajorMinor = "beacon.major_minor", Error, Validation, "a beacon major or minor outside 0…65535",
        "Apple, WalletPasses documentation, Showing a Pass on the Lock Screen: major and minor are 16-bit unsigned integers";
    WebTokenShort = "web.token_short", Error, Validation, "authenticationToken is shorter than 16 characters",
        "Apple, PassKit Package Format Reference, Top-Level Keys: authenticationToken \"must be 16 characters or longer\"";
    WebTokenMissing = "web.token_missing", Error, Validation, "webServiceURL without authenticationToken",
        "observed: a webServiceURL without its authenticationToken is refused (https://github.com/alexandercerutti/passkit-generator/issues/70, https://github.com/tschoffelen/php-pkpass/issues/85)";
    WebUrlMissing = "web.url_missing", Warning, Validation, "authenticationToken without webServiceURL",
        "";
    WebUrlHttp = "web.url_http", Warning, Validation, "webServiceURL uses http instead of https",
        "";
    WebUrlInvalid = "web.url_invalid", Warning, Validation, "webServiceURL is not a web address",
        "";
    WebAppLaunchStoreId = "web.app_launch_store_id", Warning, Validation, "appLaunchURL without associatedStoreIdentifiers",
        "";
    EnumUnknown = "enum.unknown", Warning, Validation, "a value that must be one of Apple's listed options is spelled differently",
        "";
    StyleTransitTypeMissing = "style.transit_type_missing", Error, Validation, "a boarding pass without transitType",
        "Apple, PassKit Package Format Reference, Lower-Level Keys: transitType is required for boarding passes";
    StyleTransitTypeNotAllowed = "style.transit_type_not_allowed", Error, Validation, "transitType on a style other than boarding pass",
        "Apple, PassKit Package Format Reference, Lower-Level Keys: transitType is not allowed on styles other than boarding pass";
    FieldKeyMissing = "field.key_missing", Error, Validation, "a field without a key",
        "Apple, PassKit Package Format Reference, Field Dictionary Keys: key is required";
    FieldKeyDuplicate = "field.key_duplicate", Error, Validation, "two fields share a key",
        "Apple, PassKit Package Format Reference, Field Dictionary Keys: the key must be unique within the scope of the entire pass";
    FieldKeyDuplicateBack = "field.key_duplicate_back", Warning, Validation, "two back fields share a key (passes like this were added to iPhones)",
        "";
    FieldChangeMessage = "field.change_message", Warning, Validation, "changeMessage without %@",
        "";
    FieldAlignmentIgnored = "field.alignment_ignored", Warning, Validation, "textAlignment on a primary or back field",
        "";
    FieldDateStylePair = "field.date_style_pair", Warning, Validation, "dateStyle without timeStyle or the other way round",
        "";
    FieldNumberFormatOnText = "field.number_format_on_text", Warning, Validation, "numberStyle or currencyCode on a value that is not a number",
        "";
    FieldCurrencyCode = "field.currency_code", Warning, Validation, "currencyCode is not a three-letter ISO 4217 code",
        "";
    FieldRowNotAllowed = "field.row_not_allowed", Error, Validation, "row outside event-ticket auxiliary fields",
        "Apple, WalletPasses documentation, PassFields.AuxiliaryFields: row is only for event-ticket auxiliary fields";
    FieldRowValue = "field.row_value", Error, Validation, "row is not 0 or 1",
        "Apple, WalletPasses documentation, PassFields.AuxiliaryFields: row is 0 or 1";
    FieldDataDetectorsIgnored = "field.data_detectors_ignored", Warning, Validation, "dataDetectorTypes on a field that is not a back field",
        "";
    LayoutTooManyFields = "layout.too_many_fields", Warning, Validation, "more fields than the style shows; the extra ones are hidden",
        "";
    BarcodeFormatMissing = "barcode.format_missing", Error, Validation, "a barcode without format",
        "Apple, WalletPasses documentation, Pass.Barcodes: format is required";
    BarcodeMessageMissing = "barcode.message_missing", Error, Validation, "a barcode without message",
        "Apple, WalletPasses documentation, Pass.Barcodes: message is required";
    BarcodeEncodingMissing = "barcode.encoding_missing", Error, Validation, "a barcode without messageEncoding",
        "Apple, WalletPasses documentation, Pass.Barcodes: messageEncoding is required";
    BarcodeEncodingUnknown = "barcode.encoding_unknown", Warning, Validation, "a messageEncoding Passmith does not know",
        "";
    BarcodeUnencodable = "barcode.unencodable", Warning, Validation, "the message has characters its messageEncoding cannot hold",
        "";
    BarcodeCode128Charset = "barcode.code128_charset", Warning, Validation, "a Code 128 message with characters outside ASCII",
        "";
    BarcodeLegacyCode128 = "barcode.legacy_code128", Warning, Validation, "Code 128 in the legacy barcode key",
        "";
    NfcMessageMissing = "nfc.message_missing", Error, Validation, "an nfc dictionary without message",
        "Apple, WalletPasses documentation, Pass.NFC: message is required";
    NfcMessageTooLong = "nfc.message_too_long", Warning, Validation, "an NFC message longer than 64 bytes",
        "";
    NfcPublicKeyMissing = "nfc.public_key_missing", Error, Validation, "an nfc dictionary without encryptionPublicKey",
        "Apple, WalletPasses documentation, Pass.NFC: encryptionPublicKey is required";
    ImageIconMissing = "image.icon_missing", Error, Validation, "no icon.png",
        "observed: a pass without an icon does not open (https://github.com/chobbledotcom/tickets/pull/587, https://github.com/tomasmcguinness/dotnet-passbook-validator/issues/5)";
    ImageIconCase = "image.icon_case", Error, Validation, "the icon file name is not exactly icon.png",
        "observed: Icon.png instead of icon.png is refused (https://github.com/tomasmcguinness/dotnet-passbook-validator/issues/5)";
    ImageNameCase = "image.name_case", Warning, Validation, "an image file name in the wrong letter case",
        "";
    ImageNotPng = "image.not_png", Warning, Validation, "a .png file that is not a readable PNG image",
        "";
    ImageJpegAsPng = "image.jpeg_as_png", Warning, Validation, "a JPEG picture with a .png name, which Wallet shows but other tools may not",
        "";
    ImageUnused = "image.unused", Warning, Validation, "an image the pass style does not show",
        "";
    ImageStripAndBackground = "image.strip_and_background", Warning, Validation, "an event ticket with a strip and a background or thumbnail",
        "";
    ImageTooLarge = "image.too_large", Warning, Validation, "an image larger than the space Wallet gives it",
        "";
    ImageDensityMismatch = "image.density_mismatch", Warning, Validation, "an @2x or @3x image that is not 2 or 3 times the size of the @1x one",
        "";
    ImageMissingDensity = "image.missing_density", Warning, Validation, "an image without its @2x or @3x version",
        "";
    ImageThumbnailAspect = "image.thumbnail_aspect", Warning, Validation, "a thumbnail outside 2:3…3:2, which Wallet crops",
        "";
    FileUnknown = "file.unknown", Warning, Validation, "a file Wallet does not use",
        "";
    FilePassSize = "file.pass_size", Warning, Validation, "a pass whose files add up to more than 1 MB, too large for many mail servers and slow networks",
        "";
    StringsUnusedKey = "strings.unused_key", Warning, Validation, "a pass.strings key that appears nowhere in pass.json",
        "";
    KeyMisspelled = "key.misspelled", Warning, Validation, "an unknown key one or two letters away from a key Wallet knows",
        "";
    PackageSignatureInvalid = "package.signature_invalid", Error, Package, "the signature does not verify over manifest.json",
        "observed: \"Manifest signature did not verify\" (https://github.com/alexandercerutti/passkit-generator/issues/79, /120, /251)";
    PackageSignatureMissing = "package.signature_missing", Error, Package, "the package has no signature file",
        "Apple, PassKit Package Format Reference, Package Structure: a pass is signed; an unsigned pass does not install";
    PackageManifestMissing = "package.manifest_missing", Error, Package, "the package has no manifest.json",
        "Apple, PassKit Package Format Reference, Package Structure: manifest.json lists every file with its SHA-1";
    PackageManifestInvalid = "package.manifest_invalid", Error, Package, "manifest.json is not an object of file name → SHA-1",
        "Apple, PassKit Package Format Reference, Package Structure: manifest.json is a dictionary of file name to SHA-1; observed: a bad manifest is refused (https://github.com/tomasmcguinness/dotnet-passbook-validator/issues/3)";
    PackageManifestMismatch = "package.manifest_mismatch", Error, Package, "a file's SHA-1 differs from manifest.json",
        "observed: a wrong manifest hash is refused (https://github.com/tomasmcguinness/dotnet-passbook-validator/issues/3; Apple signpass -v checks every hash)";
    PackageFileNotInManifest = "package.file_not_in_manifest", Error, Package, "a file is in the package but not in manifest.json",
        "observed: a file left out of the manifest is refused (https://github.com/tomasmcguinness/dotnet-passbook-validator/issues/3)";
    PackageFileMissing = "package.file_missing", Error, Package, "manifest.json lists a file the package lacks",
        "Apple, PassKit Package Format Reference, Package Structure: the manifest describes the files of the package; observed: manifest problems are refused (https://github.com/tomasmcguinness/dotnet-passbook-validator/issues/3)";
    PackageIntermediateMissing = "package.intermediate_missing", Error, Package, "the signature carries no WWDR intermediate",
        "Apple signpass: \"The Apple WWDR Intermediate Certificate must be included in the signature\" (https://github.com/devartis/passbook/pull/2)";
    PackageIntermediateExpired = "package.intermediate_expired", Warning, Package, "the embedded WWDR intermediate has expired (e.g. G1)",
        "";
    PackageIntermediateUnexpected = "package.intermediate_unexpected", Warning, Package, "the embedded intermediate is not WWDR G4",
        "";
    PackageIntermediateNotApple = "package.intermediate_not_apple", Warning, Package, "the embedded intermediate is not Apple's certificate",
        "";
    PackageSignerExpired = "package.signer_expired", Warning, Package, "the signing certificate has expired since",
        "";
    IdentityIntermediateMismatch = "identity.intermediate_mismatch", Warning, Package, "the WWDR intermediate to embed did not issue the signing certificate",
        "";
    LayoutNoStyle = "layout.no_style", Warning, Layout, "the pass has no style, so the preview shows no fields",
        "";
    LayoutTruncated = "layout.truncated", Warning, Layout, "a text is longer than its place on the card and is cut off",
        "";
    LayoutImageIgnored = "layout.image_ignored", Warning, Layout, "an event ticket's background or thumbnail that Wallet ignores because of the strip",
        "";
    GoogleIssuerId = "google.issuer_id", Error, Google, "the Google Wallet issuer ID is not a number",
        "Google Wallet API discovery document walletobjects.v1 (tests/fixtures/google/walletobjects.v1.json), GenericClass.id: ids follow the format issuerID.identifier, where the issuer ID is the number Google issued";
    GoogleIdEmpty = "google.id_empty", Error, Google, "a Google Wallet id would have no identifier after the issuer ID",
        "Google Wallet API discovery document walletobjects.v1 (tests/fixtures/google/walletobjects.v1.json), GenericObject.id: Required, in the format issuerID.identifier";
    GoogleIdCharacters = "google.id_characters", Warning, Google, "characters Google Wallet ids do not allow were replaced by _",
        "";
    GoogleTypeFallback = "google.type_fallback", Warning, Google, "the pass lacks what the matching Google Wallet type needs and becomes a generic pass",
        "";
    GoogleBackFields = "google.back_fields", Warning, Google, "Google Wallet has no back side: back fields become text modules",
        "";
    GoogleCardFull = "google.card_full", Warning, Google, "a front field beyond the 3 rows × 3 fields of Google's card, shown only in the details",
        "";
    GoogleBarcodeFormat = "google.barcode_format", Warning, Google, "a barcode format Google Wallet lacks, left out",
        "";
    GoogleLogoShape = "google.logo_shape", Warning, Google, "the logo is not square and at least 660 px, as Google's logo (masked to a circle) needs",
        "";
    GoogleLogoRequired = "google.logo_required", Error, Google, "the Google Wallet type needs a logo image URL and there is none",
        "Google Wallet API discovery document walletobjects.v1 (tests/fixtures/google/walletobjects.v1.json): LoyaltyClass.programLogo and TransitClass.logo are Required";
    GoogleHeroAspect = "google.hero_aspect", Warning, Google, "the strip, which becomes Google's hero image, is not about 3:1",
        "";
    GoogleImageUrlMissing = "google.image_url_missing", Warning, Google, "no image base URL, so the pass's images are left out (Google needs public https URLs)",
        "";
    GoogleImageUrlHttp = "google.image_url_http", Warning, Google, "the image base URL is not https",
        "";
    GoogleNotCarried = "google.not_carried", Warning, Google, "something of the pass that Google Wallet has no place for (an image, beacons, NFC, app link)",
        "";
    GoogleLocationsTooMany = "google.locations_too_many", Warning, Google, "more than 10 locations; Google Wallet takes the first 10",
        "";
    GoogleLinkTooLong = "google.link_too_long", Warning, Google, "class and object make the save link longer than 1,800 characters, so it carries only the object (or only its id)",
        "";
    LayoutImageUnreadable = "layout.image_unreadable", Warning, Layout, "an image the preview cannot read as a PNG",
        "";
    LayoutMissingGlyphs = "layout.missing_glyphs", Warning, Layout, "characters the preview's fonts cannot draw",
        "";
    LayoutBarcodeFormat = "layout.barcode_format", Warning, Layout, "a barcode format Wallet does not know",
        "";
    LayoutBarcode = "layout.barcode", Warning, Layout, "a barcode message that cannot be encoded in its format",
        "";
    LayoutPosterFace = "layout.poster_face", Warning, Layout, "a poster event ticket: the preview shows the event ticket face that older iPhones (and Wallet's fallback) show, not the poster face",
        "";
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
    fn every_error_names_its_source_and_only_errors_do() {
        for c in Code::ALL {
            match (c.severity(), c.source()) {
                (Severity::Error, None) => {
                    panic!("{c} is an error without a source: cite one, or make it a warning")
                }
                (Severity::Error, Some(source)) => {
                    assert!(source.len() > 20, "{c}: {source:?} is no source")
                }
                (Severity::Warning, Some(source)) => {
                    panic!("{c} is a warning with a source ({source}); should it be an error?")
                }
                (Severity::Warning, None) => {}
            }
        }
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
