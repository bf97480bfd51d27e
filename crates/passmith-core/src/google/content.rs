//! What every Google Wallet type shares: texts as `LocalizedString`s (one translation per
//! `pass.strings`), colour, images by URL, barcode, validity, state, locations, and the fields as
//! card rows and text modules.
//!
//! The fields on Google's card are the ones Apple shows on the front, as [`crate::rules`] says
//! (a field Apple hides stays hidden from the card too, and becomes a text module like the back).

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use crate::code::Code;
use crate::document::PassDocument;
use crate::finding::Finding;
use crate::model::{BarcodeFormat, Field, FieldGroup, Style};
use crate::path::PassPath;

/// Google's card shows at most this many rows …
pub(crate) const CARD_ROWS: usize = 3;
/// … of at most this many fields.
pub(crate) const CARD_ROW_FIELDS: usize = 3;
/// Google takes at most 10 merchant locations (discovery document, `merchantLocations`).
const MAX_LOCATIONS: usize = 10;
/// Google's logo: square, at least this many pixels a side (shown masked to a circle).
const LOGO_MIN_PX: u32 = 660;

/// A field by its place in the pass.
pub(crate) type FieldRef = (FieldGroup, usize);

/// Texts, translated through the pass's localization tables.
pub(crate) struct Localizer<'a> {
    doc: &'a PassDocument,
    default_lang: Option<String>,
}

impl<'a> Localizer<'a> {
    /// Default values in `preferred` when the pass has it, else English, else its first
    /// language ([`crate::language::pick`], as Wallet picks one).
    fn of(doc: &'a PassDocument, preferred: Option<&str>) -> Localizer<'a> {
        let langs = doc.localizations.keys().cloned().collect::<Vec<_>>();
        let preferred: Vec<String> = preferred.into_iter().map(str::to_owned).collect();
        Localizer {
            doc,
            default_lang: crate::language::pick(&langs, &preferred),
        }
    }

    fn bcp47(lang: &str) -> String {
        lang.replace('_', "-")
    }

    /// `text` in the default language.
    pub fn text(&self, text: &str) -> String {
        self.doc
            .localized(self.default_lang.as_deref(), text)
            .to_owned()
    }

    /// `text` as a `LocalizedString`, with a translation per table that has it.
    pub fn localized(&self, text: &str) -> Value {
        let default_lang = self.default_lang.as_deref().unwrap_or("en");
        let mut out = Map::new();
        out.insert(
            "defaultValue".into(),
            json!({"language": Self::bcp47(default_lang), "value": self.text(text)}),
        );
        let translated: Vec<Value> = self
            .doc
            .localizations
            .iter()
            .filter(|(lang, _)| Some(lang.as_str()) != self.default_lang.as_deref())
            .filter_map(|(lang, table)| {
                table
                    .get(text)
                    .map(|v| json!({"language": Self::bcp47(lang), "value": v}))
            })
            .collect();
        if !translated.is_empty() {
            out.insert("translatedValues".into(), Value::Array(translated));
        }
        Value::Object(out)
    }

    /// Whether `text` has any translation (worth a `localized…` key beside the plain one).
    pub fn is_translated(&self, text: &str) -> bool {
        self.doc
            .localizations
            .values()
            .any(|t| t.get(text).is_some())
    }
}

/// What the mapping reads from a pass once.
pub(crate) struct Content<'a> {
    pub doc: &'a PassDocument,
    pub style: Style,
    pub loc: Localizer<'a>,
    pub hex_background: Option<String>,
    pub logo: Option<Value>,
    pub hero: Option<Value>,
    pub barcode: Option<Value>,
    pub valid_time_interval: Option<Value>,
    pub state: &'static str,
    pub merchant_locations: Option<Value>,
    /// Front fields Apple shows, in the order Wallet fills the front.
    pub front: Vec<FieldRef>,
    /// Every other field (hidden front fields, back, additional info).
    pub rest: Vec<FieldRef>,
    pub format_value: Option<super::FormatValue>,
}

impl<'a> Content<'a> {
    pub fn of(
        doc: &'a PassDocument,
        opts: &super::MapOptions,
        findings: &mut Vec<Finding>,
    ) -> Content<'a> {
        let (image_base_url, language) = (opts.image_base_url.as_deref(), opts.language.as_deref());
        let pass = &doc.pass;
        let style = pass.style().unwrap_or(Style::Generic);
        let (front, rest) = split_fields(doc, style);
        let mut content = Content {
            doc,
            style,
            loc: Localizer::of(doc, language),
            format_value: opts.format_value,
            hex_background: pass
                .background_color
                .as_deref()
                .and_then(crate::color::parse_color)
                .map(|[r, g, b]| format!("#{r:02x}{g:02x}{b:02x}")),
            logo: None,
            hero: None,
            barcode: barcode(doc, findings),
            valid_time_interval: valid_time_interval(doc),
            state: if pass.voided == Some(true) {
                "INACTIVE"
            } else {
                "ACTIVE"
            },
            merchant_locations: locations(doc, findings),
            front,
            rest,
        };
        content.images(image_base_url, findings);
        not_carried(doc, findings);
        if let Some(back) = pass.fields().map(|f| f.group(FieldGroup::Back))
            && !back.is_empty()
        {
            let n = back.len();
            let fields = if n == 1 {
                "back field becomes a text module"
            } else {
                "back fields become text modules"
            };
            findings.push(Finding::new(
                Code::GoogleBackFields,
                PassPath::field(style, FieldGroup::Back, 0),
                format!("Google Wallet has no back side: {n} {fields}, shown below the card in the pass details."),
                "Keep what people need at a glance on the front; the rest stays readable in the details.",
            ));
        }
        content
    }

    pub fn field(&self, (group, index): FieldRef) -> Option<&'a Field> {
        self.doc.pass.fields()?.group(group).get(index)
    }

    /// The first front field of `group` Apple shows.
    pub fn first_front(&self, group: FieldGroup) -> Option<FieldRef> {
        self.front.iter().copied().find(|(g, _)| *g == group)
    }

    /// The front fields of `group` Apple shows.
    pub fn front_of(&self, group: FieldGroup) -> Vec<FieldRef> {
        self.front
            .iter()
            .copied()
            .filter(|(g, _)| *g == group)
            .collect()
    }

    /// Text modules for every field but `consumed` (used by the type's own keys), and the card
    /// rows that show the first 3 × 3 of the front ones; a finding per front field that does
    /// not fit.
    pub fn modules_and_rows(
        &self,
        consumed: &[FieldRef],
        findings: &mut Vec<Finding>,
    ) -> (Vec<Value>, Vec<Value>, Vec<(String, PassPath)>) {
        let mut used_ids = BTreeSet::new();
        let mut sources = Vec::new();
        let mut modules = Vec::new();
        let mut row_items = Vec::new();
        let front = self.front.iter().filter(|r| !consumed.contains(r));
        for (n, &place) in front.enumerate() {
            let Some((module, id)) = self.module(place, &mut used_ids) else {
                continue;
            };
            modules.push(module);
            sources.push((id.clone(), PassPath::field(self.style, place.0, place.1)));
            if n < CARD_ROWS * CARD_ROW_FIELDS {
                row_items.push(json!({
                    "firstValue": {"fields": [{"fieldPath": format!("object.textModulesData['{id}']")}]}
                }));
            } else {
                findings.push(Finding::new(
                    Code::GoogleCardFull,
                    PassPath::field(self.style, place.0, place.1),
                    format!(
                        "Google's card shows at most {CARD_ROWS} rows of {CARD_ROW_FIELDS} fields; this field is shown only in the pass details."
                    ),
                    "Remove a field from the front, or move this one to the back.",
                ));
            }
        }
        for &place in self.rest.iter().filter(|r| !consumed.contains(r)) {
            if let Some((module, id)) = self.module(place, &mut used_ids) {
                modules.push(module);
                sources.push((id, PassPath::field(self.style, place.0, place.1)));
            }
        }
        let rows = row_items.chunks(CARD_ROW_FIELDS).map(card_row).collect();
        (modules, rows, sources)
    }

    fn module(&self, place: FieldRef, used: &mut BTreeSet<String>) -> Option<(Value, String)> {
        let field = self.field(place)?;
        let base = {
            let id: String = field
                .key
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            if id.is_empty() {
                "field".to_owned()
            } else {
                id
            }
        };
        let mut id = base.clone();
        let mut n = 2;
        while !used.insert(id.clone()) {
            id = format!("{base}_{n}");
            n += 1;
        }
        let value = field.value.to_display_string();
        let mut module = Map::new();
        module.insert("id".into(), json!(id));
        if let Some(label) = field.label.as_deref().filter(|l| !l.is_empty()) {
            module.insert("header".into(), json!(self.loc.text(label)));
            if self.loc.is_translated(label) {
                module.insert("localizedHeader".into(), self.loc.localized(label));
            }
        }
        let text = self.loc.text(&value);
        let shown = match self.format_value {
            Some(format) => format(field, &text, self.loc.default_lang.as_deref()),
            None => text.clone(),
        };
        // A formatted date or amount is the same in every language table, so it has no
        // translations of its own.
        let translated = shown == text && self.loc.is_translated(&value);
        module.insert("body".into(), json!(shown));
        if translated {
            module.insert("localizedBody".into(), self.loc.localized(&value));
        }
        Some((Value::Object(module), id))
    }

    fn images(&mut self, base: Option<&str>, findings: &mut Vec<Finding>) {
        let style = self.style;
        let logo = self.doc.image("logo", 3, None);
        let strip = crate::rules::shows_image(style, "strip")
            .then(|| self.doc.image("strip", 3, None))
            .flatten();
        if let Some(logo) = logo
            && let Ok(h) = crate::image_header::read_header(logo.bytes)
            && (h.width != h.height || h.width < LOGO_MIN_PX)
        {
            findings.push(Finding::new(
                Code::GoogleLogoShape,
                PassPath::file(logo.path),
                format!(
                    "Google's logo must be square and at least {LOGO_MIN_PX} px (it is masked to a circle): yours is {}×{}.",
                    h.width, h.height
                ),
                format!("Add a square logo of at least {LOGO_MIN_PX}×{LOGO_MIN_PX} px at the image base URL."),
            ));
        }
        if let Some(strip) = strip
            && let Ok(h) = crate::image_header::read_header(strip.bytes)
            && h.height > 0
        {
            let ratio = f64::from(h.width) / f64::from(h.height);
            if !(2.5..=3.5).contains(&ratio) {
                findings.push(Finding::new(
                    Code::GoogleHeroAspect,
                    PassPath::file(strip.path),
                    format!(
                        "The strip becomes Google's hero image, which is 3:1; yours is {}×{}, so Google crops it.",
                        h.width, h.height
                    ),
                    "Use a strip of about 1032×336 px.",
                ));
            }
        }
        let Some(base) = base.map(|b| b.trim_end_matches('/')) else {
            if let Some(first) = logo.or(strip) {
                findings.push(Finding::new(
                    Code::GoogleImageUrlMissing,
                    PassPath::file(first.path),
                    "Google Wallet takes images only by public https URL, and no image base URL was given, so the logo and strip are left out.",
                    "Upload the pass's images and give their folder's address with --image-base-url.",
                ));
            }
            return;
        };
        if !base.starts_with("https://") {
            findings.push(Finding::new(
                Code::GoogleImageUrlHttp,
                PassPath::Nowhere,
                format!("The image base URL {base:?} is not https; Google Wallet loads images only over https."),
                "Serve the images over https.",
            ));
        }
        // No contentDescription: it would double each image's size in a save link that must
        // stay under 1,800 characters.
        let image = |path: &str| json!({"sourceUri": {"uri": format!("{base}/{path}")}});
        self.logo = logo.map(|l| image(l.path));
        self.hero = strip.map(|s| image(s.path));
    }
}

fn card_row(items: &[Value]) -> Value {
    match items {
        [one] => json!({"oneItem": {"item": one}}),
        [start, end] => json!({"twoItems": {"startItem": start, "endItem": end}}),
        [start, middle, end, ..] => {
            json!({"threeItems": {"startItem": start, "middleItem": middle, "endItem": end}})
        }
        [] => json!({}),
    }
}

/// The front fields Apple shows (in group order) and every other field.
fn split_fields(doc: &PassDocument, style: Style) -> (Vec<FieldRef>, Vec<FieldRef>) {
    let pass = &doc.pass;
    let Some(fields) = pass.fields() else {
        return (Vec::new(), Vec::new());
    };
    let hidden: Vec<FieldRef> = crate::rules::hidden_in(pass, style)
        .iter()
        .map(|h| (h.group, h.index))
        .collect();
    let front_groups = [
        FieldGroup::Header,
        FieldGroup::Primary,
        FieldGroup::Secondary,
        FieldGroup::Auxiliary,
    ];
    let mut front = Vec::new();
    let mut rest = Vec::new();
    for group in FieldGroup::ALL {
        for index in 0..fields.group(group).len() {
            let place = (group, index);
            if front_groups.contains(&group) && !hidden.contains(&place) {
                front.push(place);
            } else {
                rest.push(place);
            }
        }
    }
    (front, rest)
}

fn barcode(doc: &PassDocument, findings: &mut Vec<Finding>) -> Option<Value> {
    let pass = &doc.pass;
    let from_list = pass.barcodes.as_ref().is_some_and(|b| !b.is_empty());
    let path = |i: usize| {
        if from_list {
            PassPath::barcode(i)
        } else {
            PassPath::legacy_barcode()
        }
    };
    let Some((_, shown)) = crate::rules::shown_barcode(pass) else {
        if let Some(first) = pass.effective_barcodes().first() {
            findings.push(Finding::new(
                Code::GoogleBarcodeFormat,
                path(0).join("format"),
                format!(
                    "Google Wallet has no barcode format {:?}; the pass goes without a barcode.",
                    first.format.as_str()
                ),
                "Use QR, PDF417, Aztec or Code 128.",
            ));
        }
        return None;
    };
    let kind = match shown.format {
        BarcodeFormat::Qr => "QR_CODE",
        BarcodeFormat::Pdf417 => "PDF_417",
        BarcodeFormat::Aztec => "AZTEC",
        BarcodeFormat::Code128 => "CODE_128",
        BarcodeFormat::Other(_) => return None,
    };
    let mut out = json!({"type": kind, "value": shown.message});
    if let Some(alt) = shown.alt_text.as_deref().filter(|a| !a.is_empty()) {
        out["alternateText"] = json!(doc.localized(None, alt));
    }
    Some(out)
}

/// From the first relevant date (or interval start) to `expirationDate`, else to the last
/// interval's end.
fn valid_time_interval(doc: &PassDocument) -> Option<Value> {
    let pass = &doc.pass;
    let dates = pass.relevant_dates.as_deref().unwrap_or(&[]);
    let start = dates
        .iter()
        .find_map(|d| {
            d.start_date
                .clone()
                .or_else(|| d.date.clone())
                .or_else(|| d.relevant_date.clone())
        })
        .or_else(|| pass.relevant_date.clone())
        .filter(|s| crate::time::parse_w3c_date(s).is_ok());
    let end = pass
        .expiration_date
        .clone()
        .or_else(|| dates.iter().rev().find_map(|d| d.end_date.clone()))
        .filter(|s| crate::time::parse_w3c_date(s).is_ok());
    if start.is_none() && end.is_none() {
        return None;
    }
    let mut out = Map::new();
    if let Some(start) = start {
        out.insert("start".into(), json!({"date": start}));
    }
    if let Some(end) = end {
        out.insert("end".into(), json!({"date": end}));
    }
    Some(Value::Object(out))
}

fn locations(doc: &PassDocument, findings: &mut Vec<Finding>) -> Option<Value> {
    let list = doc.pass.locations.as_deref().filter(|l| !l.is_empty())?;
    if list.len() > MAX_LOCATIONS {
        findings.push(Finding::new(
            Code::GoogleLocationsTooMany,
            PassPath::key("locations").join(MAX_LOCATIONS),
            format!(
                "Google Wallet takes at most {MAX_LOCATIONS} locations; {} are left out.",
                list.len() - MAX_LOCATIONS
            ),
            "Keep the 10 most useful locations first.",
        ));
    }
    Some(Value::Array(
        list.iter()
            .take(MAX_LOCATIONS)
            .map(|l| json!({"latitude": l.latitude, "longitude": l.longitude}))
            .collect(),
    ))
}

/// A finding for each part of the pass Google Wallet has no place for.
fn not_carried(doc: &PassDocument, findings: &mut Vec<Finding>) {
    let pass = &doc.pass;
    let style = pass.style().unwrap_or(Style::Generic);
    for name in crate::rules::image_names(style) {
        if matches!(*name, "icon" | "logo" | "strip") {
            continue;
        }
        if let Some(image) = doc.image(name, 3, None) {
            findings.push(Finding::new(
                Code::GoogleNotCarried,
                PassPath::file(image.path),
                format!("Google Wallet's card has no place for the {name} image; it is left out."),
                "Put what it shows into the logo or the strip (Google's hero image).",
            ));
        }
    }
    let keys: [(&str, bool, &str); 3] = [
        (
            "beacons",
            pass.beacons.as_ref().is_some_and(|b| !b.is_empty()),
            "beacons",
        ),
        (
            "nfc",
            pass.nfc.is_some(),
            "NFC (Google's Smart Tap is set up separately)",
        ),
        (
            "appLaunchURL",
            pass.app_launch_url.is_some(),
            "the app link (use Google's appLinkData)",
        ),
    ];
    for (key, present, what) in keys {
        if present {
            findings.push(Finding::new(
                Code::GoogleNotCarried,
                PassPath::key(key),
                format!("Google Wallet has no place for {what}; it is left out."),
                "Nothing to change for the Apple pass; Google's pass goes without it.",
            ));
        }
    }
}
