//! The six Google Wallet types and what each one's class and object hold.
//!
//! | Apple style | Google type |
//! |---|---|
//! | storeCard | loyalty |
//! | coupon | offer |
//! | eventTicket | eventTicket |
//! | boardingPass, Air | flight, when the fields give airports, carrier, flight number, departure and passenger; else generic |
//! | boardingPass, other | transit, when there is a logo URL (Google requires one); else generic |
//! | generic | generic |

use serde_json::{Map, Value, json};

use super::content::{Content, FieldRef};
use super::ids::Ids;
use crate::code::Code;
use crate::finding::Finding;
use crate::model::{FieldGroup, Pass, Style, TransitType};
use crate::path::PassPath;

/// A Google Wallet pass type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GoogleType {
    Generic,
    Loyalty,
    Offer,
    EventTicket,
    Flight,
    Transit,
}

impl GoogleType {
    pub const ALL: [GoogleType; 6] = [
        GoogleType::Generic,
        GoogleType::Loyalty,
        GoogleType::Offer,
        GoogleType::EventTicket,
        GoogleType::Flight,
        GoogleType::Transit,
    ];

    /// The prefix Google uses in resource and payload names: `eventTicket`.
    pub fn as_str(self) -> &'static str {
        match self {
            GoogleType::Generic => "generic",
            GoogleType::Loyalty => "loyalty",
            GoogleType::Offer => "offer",
            GoogleType::EventTicket => "eventTicket",
            GoogleType::Flight => "flight",
            GoogleType::Transit => "transit",
        }
    }

    /// The type spelled `s` (as [`Self::as_str`], any letter case).
    pub fn parse(s: &str) -> Option<GoogleType> {
        GoogleType::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(s))
    }

    /// The type the pass's style maps to, before checking the fields allow it.
    pub fn for_pass(pass: &Pass) -> GoogleType {
        match pass.style() {
            Some(Style::StoreCard) => GoogleType::Loyalty,
            Some(Style::Coupon) => GoogleType::Offer,
            Some(Style::EventTicket) => GoogleType::EventTicket,
            Some(Style::BoardingPass) => {
                match pass
                    .boarding_pass
                    .as_ref()
                    .and_then(|b| b.transit_type.as_ref())
                {
                    Some(TransitType::Air) => GoogleType::Flight,
                    _ => GoogleType::Transit,
                }
            }
            Some(Style::Generic) | None => GoogleType::Generic,
        }
    }

    /// The REST resource of the class, `eventTicketClass` (also the schema's name, capitalised).
    pub fn class_resource(self) -> String {
        format!("{}Class", self.as_str())
    }

    /// The REST resource of the object, `eventTicketObject`.
    pub fn object_resource(self) -> String {
        format!("{}Object", self.as_str())
    }

    /// The discovery document's schema of the class: `EventTicketClass`.
    pub fn class_schema(self) -> String {
        capitalised(&self.class_resource())
    }

    /// The discovery document's schema of the object: `EventTicketObject`.
    pub fn object_schema(self) -> String {
        capitalised(&self.object_resource())
    }
}

impl std::fmt::Display for GoogleType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|first| first.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
}

/// A class and object as [`build`] made them.
pub(crate) struct Built {
    pub google_type: GoogleType,
    pub class: Value,
    pub object: Value,
    pub sources: Vec<(String, PassPath)>,
}

/// Builds the class and object of `wanted`, or of a generic pass when the fields do not allow
/// it (with a finding saying what is missing).
pub(crate) fn build(
    c: &Content<'_>,
    wanted: GoogleType,
    ids: &Ids,
    findings: &mut Vec<Finding>,
) -> Built {
    let google_type = match wanted {
        GoogleType::Flight => match super::flight::flight_facts(c) {
            Ok(facts) => return super::flight::flight(c, ids, &facts, findings),
            Err(missing) => fallback(c, wanted, &missing, findings),
        },
        GoogleType::Transit if c.logo.is_none() => fallback(
            c,
            wanted,
            &["a logo at the image base URL (Google requires one for transit)"],
            findings,
        ),
        other => other,
    };
    let pass = &c.doc.pass;
    let issuer = pass.organization_name.as_str();
    let title = pass.logo_text.as_deref().unwrap_or(issuer);
    let primary = c.first_front(FieldGroup::Primary);
    let primary_value = primary
        .and_then(|p| c.field(p))
        .map(|f| f.value.to_display_string())
        .filter(|v| !v.is_empty());
    let headline = primary_value
        .clone()
        .unwrap_or_else(|| pass.description.clone());
    let mut class = Map::new();
    let mut object = Map::new();
    class.insert("id".into(), json!(ids.class_id));
    object.insert("id".into(), json!(ids.object_id));
    object.insert("classId".into(), json!(ids.class_id));
    let mut consumed: Vec<FieldRef> = Vec::new();
    if google_type != GoogleType::Generic {
        class.insert("issuerName".into(), json!(c.loc.text(issuer)));
        if c.loc.is_translated(issuer) {
            class.insert("localizedIssuerName".into(), c.loc.localized(issuer));
        }
        class.insert("reviewStatus".into(), json!("UNDER_REVIEW"));
        if let Some(hex) = &c.hex_background {
            class.insert("hexBackgroundColor".into(), json!(hex));
        }
        if let Some(hero) = &c.hero {
            class.insert("heroImage".into(), hero.clone());
        }
        object.insert("state".into(), json!(c.state));
    }
    match google_type {
        // A flight was built by `flight` above; the arm only completes the match.
        GoogleType::Generic | GoogleType::Flight => {
            object.insert("cardTitle".into(), c.loc.localized(title));
            object.insert("header".into(), c.loc.localized(&headline));
            if let Some(label) = primary
                .and_then(|p| c.field(p))
                .and_then(|f| f.label.as_deref())
                .filter(|l| !l.is_empty() && primary_value.is_some())
            {
                object.insert("subheader".into(), c.loc.localized(label));
            }
            consumed.extend(primary.filter(|_| primary_value.is_some()));
            if let Some(hex) = &c.hex_background {
                object.insert("hexBackgroundColor".into(), json!(hex));
            }
            if let Some(logo) = &c.logo {
                object.insert("logo".into(), logo.clone());
            }
            if let Some(hero) = &c.hero {
                object.insert("heroImage".into(), hero.clone());
            }
            object.insert("state".into(), json!(c.state));
        }
        GoogleType::Loyalty => {
            class.insert("programName".into(), json!(c.loc.text(title)));
            if c.loc.is_translated(title) {
                class.insert("localizedProgramName".into(), c.loc.localized(title));
            }
            require_logo(c, "programLogo", google_type, &mut class, findings);
        }
        GoogleType::Offer => {
            class.insert("provider".into(), json!(c.loc.text(issuer)));
            class.insert("title".into(), json!(c.loc.text(&headline)));
            if c.loc.is_translated(&headline) {
                class.insert("localizedTitle".into(), c.loc.localized(&headline));
            }
            class.insert("redemptionChannel".into(), json!("BOTH"));
            consumed.extend(primary.filter(|_| primary_value.is_some()));
            if let Some(logo) = &c.logo {
                class.insert("titleImage".into(), logo.clone());
            }
        }
        GoogleType::EventTicket => {
            class.insert("eventName".into(), c.loc.localized(&headline));
            consumed.extend(primary.filter(|_| primary_value.is_some()));
            if let Some(logo) = &c.logo {
                class.insert("logo".into(), logo.clone());
            }
        }
        GoogleType::Transit => {
            let kind = match pass
                .boarding_pass
                .as_ref()
                .and_then(|b| b.transit_type.as_ref())
            {
                Some(TransitType::Bus) => "BUS",
                Some(TransitType::Train) => "RAIL",
                Some(TransitType::Boat) => "FERRY",
                _ => "OTHER",
            };
            class.insert("transitType".into(), json!(kind));
            require_logo(c, "logo", google_type, &mut class, findings);
            object.insert("tripType".into(), json!("ONE_WAY"));
            if let Some(leg) = ticket_leg(c, &mut consumed) {
                object.insert("ticketLeg".into(), leg);
            }
        }
    }
    common_object(c, &mut object);
    let (modules, rows, sources) = c.modules_and_rows(&consumed, findings);
    finish(&mut class, &mut object, modules, rows);
    Built {
        google_type,
        class: Value::Object(class),
        object: Value::Object(object),
        sources,
    }
}

fn require_logo(
    c: &Content<'_>,
    key: &str,
    google_type: GoogleType,
    class: &mut Map<String, Value>,
    findings: &mut Vec<Finding>,
) {
    match &c.logo {
        Some(logo) => {
            class.insert(key.into(), logo.clone());
        }
        None => findings.push(Finding::new(
            Code::GoogleLogoRequired,
            PassPath::file("logo.png"),
            format!("A Google Wallet {google_type} class needs a logo by URL ({key}), and there is none: Google refuses the class."),
            "Add logo.png to the pass and give the address of the uploaded images with --image-base-url.",
        )),
    }
}

pub(crate) fn common_object(c: &Content<'_>, object: &mut Map<String, Value>) {
    if let Some(barcode) = &c.barcode {
        object.insert("barcode".into(), barcode.clone());
    }
    if let Some(interval) = &c.valid_time_interval {
        object.insert("validTimeInterval".into(), interval.clone());
    }
    if let Some(locations) = &c.merchant_locations {
        object.insert("merchantLocations".into(), locations.clone());
    }
}

pub(crate) fn finish(
    class: &mut Map<String, Value>,
    object: &mut Map<String, Value>,
    modules: Vec<Value>,
    rows: Vec<Value>,
) {
    if !modules.is_empty() {
        object.insert("textModulesData".into(), Value::Array(modules));
    }
    if !rows.is_empty() {
        class.insert(
            "classTemplateInfo".into(),
            json!({"cardTemplateOverride": {"cardRowTemplateInfos": rows}}),
        );
    }
}

fn fallback(
    c: &Content<'_>,
    wanted: GoogleType,
    missing: &[&str],
    findings: &mut Vec<Finding>,
) -> GoogleType {
    findings.push(Finding::new(
        Code::GoogleTypeFallback,
        PassPath::style(c.style),
        format!(
            "A Google Wallet {wanted} pass needs {}, which this pass lacks, so it becomes a generic pass.",
            missing.join(", ")
        ),
        "Add what is missing (see the message), or keep the generic pass.",
    ));
    GoogleType::Generic
}

/// The two primary fields as the trip's origin and destination.
fn ticket_leg(c: &Content<'_>, consumed: &mut Vec<FieldRef>) -> Option<Value> {
    let primaries = c.front_of(FieldGroup::Primary);
    let [from, to, ..] = primaries.as_slice() else {
        return None;
    };
    let (origin, destination) = (c.field(*from)?, c.field(*to)?);
    consumed.extend([*from, *to]);
    let mut leg = Map::new();
    leg.insert(
        "originStationCode".into(),
        json!(origin.value.to_display_string()),
    );
    leg.insert(
        "destinationStationCode".into(),
        json!(destination.value.to_display_string()),
    );
    if let Some(label) = origin.label.as_deref().filter(|l| !l.is_empty()) {
        leg.insert("originName".into(), c.loc.localized(label));
    }
    if let Some(label) = destination.label.as_deref().filter(|l| !l.is_empty()) {
        leg.insert("destinationName".into(), c.loc.localized(label));
    }
    if let Some(start) = c
        .valid_time_interval
        .as_ref()
        .and_then(|v| v.pointer("/start/date"))
    {
        leg.insert("departureDateTime".into(), start.clone());
    }
    Some(Value::Object(leg))
}
