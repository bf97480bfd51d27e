//! The typed model of `pass.json`.
//!
//! Every key Apple documents (see the Wallet pass format reference) has a typed home here, so the
//! designer can offer a fitting editor for it. Keys this model does not know — future iOS keys,
//! vendor extensions — land in the `extra` map of the struct they appeared in and are written back
//! unchanged: importing then exporting a pass never drops anything.
//!
//! Enumerations keep unknown spellings (`Other(String)`) instead of failing, so a pass with a typo
//! still opens and validation can point at the typo.
//!
//! Every key is optional when read (`#[serde(default)]` on each dictionary), and an absent
//! optional key is not written back (`#[skip_serializing_none]`), so a pass round-trips without
//! gaining `null`s.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use serde_with::skip_serializing_none;

/// Keys this model does not know, kept verbatim and in their original order.
pub type Extra = Map<String, Value>;

/// Defines a string-backed enum that round-trips unknown values through `Other`.
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(from = "String", into = "String")]
        pub enum $name {
            $($variant,)+
            /// A spelling Apple does not document; kept so nothing is lost and validation can name it.
            Other(String),
        }

        impl $name {
            /// Every documented value, in the order the designer lists them.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The exact string written to `pass.json`.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)+
                    $name::Other(s) => s.as_str(),
                }
            }

            /// A short human name for menus.
            pub fn label(&self) -> &str {
                match self {
                    $($name::$variant => $label,)+
                    $name::Other(s) => s.as_str(),
                }
            }

            /// False for spellings Apple does not document.
            pub fn is_known(&self) -> bool {
                !matches!(self, $name::Other(_))
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                match s.as_str() {
                    $($text => $name::$variant,)+
                    _ => $name::Other(s),
                }
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.as_str().to_owned()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

string_enum!(
    /// `barcodes[].format`.
    BarcodeFormat {
        Qr => "PKBarcodeFormatQR", "QR code";
        Pdf417 => "PKBarcodeFormatPDF417", "PDF417";
        Aztec => "PKBarcodeFormatAztec", "Aztec";
        Code128 => "PKBarcodeFormatCode128", "Code 128";
    }
);

impl BarcodeFormat {
    /// QR and Aztec are square; Wallet gives square codes less room for fields.
    pub fn is_square(&self) -> bool {
        matches!(self, BarcodeFormat::Qr | BarcodeFormat::Aztec)
    }
}

string_enum!(
    /// `transitType`, boarding passes only.
    TransitType {
        Air => "PKTransitTypeAir", "Air";
        Boat => "PKTransitTypeBoat", "Boat";
        Bus => "PKTransitTypeBus", "Bus";
        Generic => "PKTransitTypeGeneric", "Generic";
        Train => "PKTransitTypeTrain", "Train";
    }
);

string_enum!(
    /// `textAlignment` of a field.
    TextAlignment {
        Left => "PKTextAlignmentLeft", "Left";
        Center => "PKTextAlignmentCenter", "Center";
        Right => "PKTextAlignmentRight", "Right";
        Natural => "PKTextAlignmentNatural", "Natural";
    }
);

string_enum!(
    /// `dateStyle` and `timeStyle` of a field.
    DateStyle {
        None => "PKDateStyleNone", "None";
        Short => "PKDateStyleShort", "Short";
        Medium => "PKDateStyleMedium", "Medium";
        Long => "PKDateStyleLong", "Long";
        Full => "PKDateStyleFull", "Full";
    }
);

string_enum!(
    /// `numberStyle` of a numeric field.
    NumberStyle {
        Decimal => "PKNumberStyleDecimal", "Decimal";
        Percent => "PKNumberStylePercent", "Percent";
        Scientific => "PKNumberStyleScientific", "Scientific";
        SpellOut => "PKNumberStyleSpellOut", "Spell out";
    }
);

string_enum!(
    /// One entry of a back field's `dataDetectorTypes`.
    DataDetectorType {
        PhoneNumber => "PKDataDetectorTypePhoneNumber", "Phone number";
        Link => "PKDataDetectorTypeLink", "Link";
        Address => "PKDataDetectorTypeAddress", "Address";
        CalendarEvent => "PKDataDetectorTypeCalendarEvent", "Calendar event";
    }
);

/// The five pass styles; the style key in `pass.json` holds the fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Style {
    BoardingPass,
    Coupon,
    EventTicket,
    Generic,
    StoreCard,
}

impl Style {
    pub const ALL: [Style; 5] = [
        Style::BoardingPass,
        Style::Coupon,
        Style::EventTicket,
        Style::Generic,
        Style::StoreCard,
    ];

    /// The key of this style in `pass.json`.
    pub fn key(self) -> &'static str {
        match self {
            Style::BoardingPass => "boardingPass",
            Style::Coupon => "coupon",
            Style::EventTicket => "eventTicket",
            Style::Generic => "generic",
            Style::StoreCard => "storeCard",
        }
    }

    /// A human name for menus and messages.
    pub fn label(self) -> &'static str {
        match self {
            Style::BoardingPass => "Boarding pass",
            Style::Coupon => "Coupon",
            Style::EventTicket => "Event ticket",
            Style::Generic => "Generic",
            Style::StoreCard => "Store card",
        }
    }

    pub fn from_key(key: &str) -> Option<Style> {
        Style::ALL.into_iter().find(|s| s.key() == key)
    }
}

/// The field groups of a style dictionary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum FieldGroup {
    Header,
    Primary,
    Secondary,
    Auxiliary,
    Back,
    AdditionalInfo,
}

impl FieldGroup {
    pub const ALL: [FieldGroup; 6] = [
        FieldGroup::Header,
        FieldGroup::Primary,
        FieldGroup::Secondary,
        FieldGroup::Auxiliary,
        FieldGroup::Back,
        FieldGroup::AdditionalInfo,
    ];

    /// The key of this group inside the style dictionary.
    pub fn key(self) -> &'static str {
        match self {
            FieldGroup::Header => "headerFields",
            FieldGroup::Primary => "primaryFields",
            FieldGroup::Secondary => "secondaryFields",
            FieldGroup::Auxiliary => "auxiliaryFields",
            FieldGroup::Back => "backFields",
            FieldGroup::AdditionalInfo => "additionalInfoFields",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            FieldGroup::Header => "Header",
            FieldGroup::Primary => "Primary",
            FieldGroup::Secondary => "Secondary",
            FieldGroup::Auxiliary => "Auxiliary",
            FieldGroup::Back => "Back",
            FieldGroup::AdditionalInfo => "Additional info",
        }
    }
}

/// `pass.json`.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Pass {
    pub format_version: Option<i64>,
    // Required strings: an empty value and a missing key mean the same to Wallet, and writing
    // nothing keeps an incomplete pass exactly as it was.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub pass_type_identifier: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub serial_number: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub team_identifier: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub organization_name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,

    pub boarding_pass: Option<PassFields>,
    pub coupon: Option<PassFields>,
    pub event_ticket: Option<PassFields>,
    pub generic: Option<PassFields>,
    pub store_card: Option<PassFields>,

    pub background_color: Option<String>,
    pub foreground_color: Option<String>,
    pub label_color: Option<String>,
    /// Undocumented, but Wallet reads it for text drawn on a strip image.
    pub strip_color: Option<String>,
    pub logo_text: Option<String>,
    pub suppress_strip_shine: Option<bool>,
    pub grouping_identifier: Option<String>,

    pub barcodes: Option<Vec<Barcode>>,
    /// Deprecated single barcode (iOS 8 and older); used when `barcodes` is absent.
    pub barcode: Option<Barcode>,

    pub locations: Option<Vec<Location>>,
    pub beacons: Option<Vec<Beacon>>,
    pub max_distance: Option<f64>,
    /// Deprecated in iOS 18 in favour of `relevantDates`.
    pub relevant_date: Option<String>,
    pub relevant_dates: Option<Vec<RelevantDate>>,
    pub expiration_date: Option<String>,
    pub voided: Option<bool>,

    #[serde(rename = "webServiceURL")]
    pub web_service_url: Option<String>,
    pub authentication_token: Option<String>,

    #[serde(rename = "appLaunchURL")]
    pub app_launch_url: Option<String>,
    pub associated_store_identifiers: Option<Vec<u64>>,
    pub auxiliary_store_identifiers: Option<Vec<u64>>,

    pub user_info: Option<Value>,
    pub sharing_prohibited: Option<bool>,
    pub nfc: Option<Nfc>,
    /// Semantic tags: a large, evolving vocabulary; kept as JSON and edited as JSON.
    pub semantics: Option<Value>,
    pub preferred_style_schemes: Option<Vec<String>>,

    /// iOS 18 poster event ticket keys.
    #[serde(flatten)]
    pub poster: PosterKeys,

    /// Keys this model does not know, written back unchanged.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The iOS 18 poster event ticket keys (all optional, all top level in `pass.json`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PosterKeys {
    pub event_logo_text: Option<String>,
    pub footer_background_color: Option<String>,
    pub use_automatic_colors: Option<bool>,
    pub suppress_header_darkening: Option<bool>,
    #[serde(rename = "bagPolicyURL")]
    pub bag_policy_url: Option<String>,
    #[serde(rename = "orderFoodURL")]
    pub order_food_url: Option<String>,
    #[serde(rename = "parkingInformationURL")]
    pub parking_information_url: Option<String>,
    #[serde(rename = "directionsInformationURL")]
    pub directions_information_url: Option<String>,
    #[serde(rename = "purchaseParkingURL")]
    pub purchase_parking_url: Option<String>,
    #[serde(rename = "merchandiseURL")]
    pub merchandise_url: Option<String>,
    #[serde(rename = "transitInformationURL")]
    pub transit_information_url: Option<String>,
    #[serde(rename = "accessibilityURL")]
    pub accessibility_url: Option<String>,
    #[serde(rename = "addOnURL")]
    pub add_on_url: Option<String>,
    pub contact_venue_email: Option<String>,
    pub contact_venue_phone_number: Option<String>,
    pub contact_venue_website: Option<String>,
    #[serde(rename = "transferURL")]
    pub transfer_url: Option<String>,
    #[serde(rename = "sellURL")]
    pub sell_url: Option<String>,
}

/// A style dictionary (`boardingPass`, `coupon`, …): the pass's fields.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PassFields {
    pub header_fields: Option<Vec<Field>>,
    pub primary_fields: Option<Vec<Field>>,
    pub secondary_fields: Option<Vec<Field>>,
    pub auxiliary_fields: Option<Vec<Field>>,
    pub back_fields: Option<Vec<Field>>,
    pub additional_info_fields: Option<Vec<Field>>,
    pub transit_type: Option<TransitType>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl PassFields {
    /// The fields of one group (empty when the group is absent).
    pub fn group(&self, group: FieldGroup) -> &[Field] {
        let slot = match group {
            FieldGroup::Header => &self.header_fields,
            FieldGroup::Primary => &self.primary_fields,
            FieldGroup::Secondary => &self.secondary_fields,
            FieldGroup::Auxiliary => &self.auxiliary_fields,
            FieldGroup::Back => &self.back_fields,
            FieldGroup::AdditionalInfo => &self.additional_info_fields,
        };
        slot.as_deref().unwrap_or(&[])
    }

    /// The fields of one group, for editing; the group is created when absent.
    pub fn group_mut(&mut self, group: FieldGroup) -> &mut Vec<Field> {
        let slot = match group {
            FieldGroup::Header => &mut self.header_fields,
            FieldGroup::Primary => &mut self.primary_fields,
            FieldGroup::Secondary => &mut self.secondary_fields,
            FieldGroup::Auxiliary => &mut self.auxiliary_fields,
            FieldGroup::Back => &mut self.back_fields,
            FieldGroup::AdditionalInfo => &mut self.additional_info_fields,
        };
        slot.get_or_insert_with(Vec::new)
    }

    /// Every field with its group, front to back.
    pub fn all_fields(&self) -> impl Iterator<Item = (FieldGroup, usize, &Field)> {
        FieldGroup::ALL.into_iter().flat_map(move |g| {
            self.group(g)
                .iter()
                .enumerate()
                .map(move |(i, f)| (g, i, f))
        })
    }
}

/// A field's `value` (or `attributedValue`): text (possibly an ISO 8601 date) or a number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FieldValue {
    Text(String),
    Number(serde_json::Number),
}

impl Default for FieldValue {
    fn default() -> Self {
        FieldValue::Text(String::new())
    }
}

impl FieldValue {
    /// The value as it would be typed into a text box.
    pub fn to_display_string(&self) -> String {
        match self {
            FieldValue::Text(s) => s.clone(),
            FieldValue::Number(n) => n.to_string(),
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            FieldValue::Number(n) => n.as_f64(),
            FieldValue::Text(_) => None,
        }
    }

    pub fn is_number(&self) -> bool {
        matches!(self, FieldValue::Number(_))
    }
}

impl From<&str> for FieldValue {
    fn from(s: &str) -> Self {
        FieldValue::Text(s.to_owned())
    }
}

/// One field dictionary.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Field {
    pub key: String,
    pub label: Option<String>,
    pub value: FieldValue,
    pub attributed_value: Option<FieldValue>,
    pub change_message: Option<String>,
    pub data_detector_types: Option<Vec<DataDetectorType>>,
    pub text_alignment: Option<TextAlignment>,
    pub date_style: Option<DateStyle>,
    pub time_style: Option<DateStyle>,
    pub ignores_time_zone: Option<bool>,
    pub is_relative: Option<bool>,
    pub number_style: Option<NumberStyle>,
    pub currency_code: Option<String>,
    /// Event tickets only: 0 or 1, the auxiliary row the field sits in.
    pub row: Option<i64>,
    pub semantics: Option<Value>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl Field {
    /// A plain text field.
    pub fn text(key: &str, label: &str, value: &str) -> Field {
        Field {
            key: key.to_owned(),
            label: (!label.is_empty()).then(|| label.to_owned()),
            value: FieldValue::Text(value.to_owned()),
            ..Field::default()
        }
    }

    /// True when Wallet treats the value as a date (either style key is present).
    pub fn is_date(&self) -> bool {
        self.date_style.is_some() || self.time_style.is_some()
    }
}

/// One barcode dictionary.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Barcode {
    #[serde(default = "default_barcode_format")]
    pub format: BarcodeFormat,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub message_encoding: String,
    pub alt_text: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

fn default_barcode_format() -> BarcodeFormat {
    BarcodeFormat::Other(String::new())
}

impl Default for Barcode {
    /// An empty QR code: what the designer adds when the user clicks "Add barcode".
    fn default() -> Self {
        Barcode::new(BarcodeFormat::Qr, "")
    }
}

impl Barcode {
    /// A barcode with Apple's usual `iso-8859-1` encoding.
    pub fn new(format: BarcodeFormat, message: &str) -> Barcode {
        Barcode {
            format,
            message: message.to_owned(),
            message_encoding: "iso-8859-1".to_owned(),
            alt_text: None,
            extra: Extra::new(),
        }
    }
}

/// One `locations` entry.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Location {
    pub latitude: f64,
    pub longitude: f64,
    pub altitude: Option<f64>,
    pub relevant_text: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// One `beacons` entry.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Beacon {
    #[serde(rename = "proximityUUID")]
    pub proximity_uuid: String,
    /// Kept wide so an out-of-range value can be reported rather than refused at load.
    pub major: Option<i64>,
    pub minor: Option<i64>,
    pub relevant_text: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// One `relevantDates` entry: a single `date`, or a `startDate`/`endDate` interval.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RelevantDate {
    pub date: Option<String>,
    /// The iOS 18 spelling of `date`; some generators write both.
    pub relevant_date: Option<String>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// The `nfc` dictionary.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Nfc {
    pub message: String,
    pub encryption_public_key: Option<String>,
    pub requires_authentication: Option<bool>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl Pass {
    /// The styles present in this pass (a valid pass has exactly one).
    pub fn styles_present(&self) -> Vec<Style> {
        Style::ALL
            .into_iter()
            .filter(|s| self.style_fields(*s).is_some())
            .collect()
    }

    /// The pass's style: the first style key present.
    pub fn style(&self) -> Option<Style> {
        self.styles_present().into_iter().next()
    }

    /// The style dictionary of `style`, if present.
    pub fn style_fields(&self, style: Style) -> Option<&PassFields> {
        match style {
            Style::BoardingPass => self.boarding_pass.as_ref(),
            Style::Coupon => self.coupon.as_ref(),
            Style::EventTicket => self.event_ticket.as_ref(),
            Style::Generic => self.generic.as_ref(),
            Style::StoreCard => self.store_card.as_ref(),
        }
    }

    fn style_slot(&mut self, style: Style) -> &mut Option<PassFields> {
        match style {
            Style::BoardingPass => &mut self.boarding_pass,
            Style::Coupon => &mut self.coupon,
            Style::EventTicket => &mut self.event_ticket,
            Style::Generic => &mut self.generic,
            Style::StoreCard => &mut self.store_card,
        }
    }

    /// The fields of the pass's style (`None` when no style key is present).
    pub fn fields(&self) -> Option<&PassFields> {
        self.style().and_then(|s| self.style_fields(s))
    }

    /// The fields of the pass's style, for editing.
    pub fn fields_mut(&mut self) -> Option<&mut PassFields> {
        let style = self.style()?;
        self.style_slot(style).as_mut()
    }

    /// Moves the fields to another style key. Everything is kept in the model; the caller (and
    /// validation) tell the user which fields the new style cannot show.
    pub fn set_style(&mut self, style: Style) {
        let current = self.style();
        if current == Some(style) {
            return;
        }
        let mut fields = current
            .and_then(|s| self.style_slot(s).take())
            .unwrap_or_default();
        for other in Style::ALL {
            if let Some(stray) = self.style_slot(other).take() {
                merge_fields(&mut fields, stray);
            }
        }
        if style == Style::BoardingPass {
            fields.transit_type.get_or_insert(TransitType::Generic);
        } else {
            fields.transit_type = None;
        }
        if style != Style::EventTicket {
            for group in FieldGroup::ALL {
                if let Some(list) = match group {
                    FieldGroup::Auxiliary => fields.auxiliary_fields.as_mut(),
                    _ => None,
                } {
                    for f in list.iter_mut() {
                        f.row = None;
                    }
                }
            }
        }
        *self.style_slot(style) = Some(fields);
    }

    /// The barcodes Wallet considers: `barcodes`, else the legacy `barcode`.
    pub fn effective_barcodes(&self) -> Vec<&Barcode> {
        match &self.barcodes {
            Some(list) if !list.is_empty() => list.iter().collect(),
            _ => self.barcode.iter().collect(),
        }
    }
}

fn merge_fields(into: &mut PassFields, from: PassFields) {
    for group in FieldGroup::ALL {
        let extra = from.group(group).to_vec();
        if !extra.is_empty() {
            into.group_mut(group).extend(extra);
        }
    }
    for (k, v) in from.extra {
        into.extra.entry(k).or_insert(v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_enum_spellings_round_trip() {
        let f: Field = serde_json::from_str(
            r#"{"key":"a","value":"b","textAlignment":"PKTextAlignmentMiddle"}"#,
        )
        .unwrap();
        assert_eq!(
            f.text_alignment,
            Some(TextAlignment::Other("PKTextAlignmentMiddle".into()))
        );
        let back = serde_json::to_value(&f).unwrap();
        assert_eq!(back["textAlignment"], "PKTextAlignmentMiddle");
    }

    #[test]
    fn unknown_keys_are_kept_at_every_level() {
        let src = r#"{"formatVersion":1,"futureKey":{"a":1},
            "generic":{"primaryFields":[{"key":"k","value":3,"fancy":true}],"footerFields":[]}}"#;
        let pass: Pass = serde_json::from_str(src).unwrap();
        assert_eq!(pass.extra["futureKey"]["a"], 1);
        let out = serde_json::to_value(&pass).unwrap();
        assert_eq!(out["generic"]["primaryFields"][0]["fancy"], true);
        assert!(out["generic"]["footerFields"].is_array());
        assert_eq!(out["generic"]["primaryFields"][0]["value"], 3);
    }

    #[test]
    fn changing_style_keeps_every_field() {
        let mut pass = Pass {
            event_ticket: Some(PassFields::default()),
            ..Pass::default()
        };
        let fields = pass.fields_mut().unwrap();
        fields
            .group_mut(FieldGroup::Primary)
            .push(Field::text("a", "A", "1"));
        let mut aux = Field::text("b", "B", "2");
        aux.row = Some(1);
        fields.group_mut(FieldGroup::Auxiliary).push(aux);
        pass.set_style(Style::Generic);
        assert_eq!(pass.style(), Some(Style::Generic));
        assert!(pass.event_ticket.is_none());
        let f = pass.fields().unwrap();
        assert_eq!(f.group(FieldGroup::Primary)[0].key, "a");
        assert_eq!(f.group(FieldGroup::Auxiliary)[0].key, "b");
        assert_eq!(f.group(FieldGroup::Auxiliary)[0].row, None);
        pass.set_style(Style::BoardingPass);
        assert_eq!(
            pass.fields().unwrap().transit_type,
            Some(TransitType::Generic)
        );
    }
}
