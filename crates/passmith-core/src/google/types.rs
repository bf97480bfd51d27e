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
        GoogleType::Flight => match flight_facts(c) {
            Ok(facts) => return flight(c, ids, &facts, findings),
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

fn common_object(c: &Content<'_>, object: &mut Map<String, Value>) {
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

fn finish(
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

/// What a flight class and object need, found in the pass.
struct FlightFacts {
    origin: (String, Option<FieldRef>),
    destination: (String, Option<FieldRef>),
    carrier: String,
    number: String,
    number_field: Option<FieldRef>,
    departure: String,
    passenger: String,
    passenger_field: Option<FieldRef>,
    confirmation: Option<String>,
}

fn is_airport(s: &str) -> bool {
    s.len() == 3 && s.bytes().all(|b| b.is_ascii_uppercase())
}

fn flight_facts(c: &Content<'_>) -> Result<FlightFacts, Vec<&'static str>> {
    let pass = &c.doc.pass;
    let semantic = |key: &str| {
        pass.semantics
            .as_ref()
            .and_then(|s| s.get(key))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let find = |words: &[&str]| -> Option<(FieldRef, String)> {
        c.front.iter().chain(c.rest.iter()).find_map(|&place| {
            let f = c.field(place)?;
            let key = f.key.to_ascii_lowercase();
            let label = f.label.as_deref().unwrap_or("").to_ascii_lowercase();
            words
                .iter()
                .any(|w| key.contains(w) || label.contains(w))
                .then(|| (place, f.value.to_display_string()))
        })
    };
    let primaries = c.front_of(FieldGroup::Primary);
    let airport = |semantic_key: &str, at: usize| {
        semantic(semantic_key).map(|s| (s, None)).or_else(|| {
            let place = *primaries.get(at)?;
            let v = c.field(place)?.value.to_display_string();
            is_airport(&v).then_some((v, Some(place)))
        })
    };
    let mut missing = Vec::new();
    let origin = airport("departureAirportCode", 0);
    let destination = airport("destinationAirportCode", 1);
    if origin.is_none() || destination.is_none() {
        missing.push("origin and destination airport codes");
    }
    // "LH451" or "LH 451" in a flight field gives carrier and number when semantics do not.
    let flight_field = find(&["flight"]);
    let split = flight_field.as_ref().and_then(|(_, v)| {
        let v = v.replace(' ', "");
        let (carrier, number) = v.split_at_checked(2)?;
        // An IATA carrier code has a letter ("LH", "U2"), so "815" is a number alone.
        (carrier.bytes().all(|b| b.is_ascii_alphanumeric())
            && carrier.bytes().any(|b| b.is_ascii_uppercase())
            && !number.is_empty()
            && number.bytes().all(|b| b.is_ascii_digit()))
        .then(|| (carrier.to_owned(), number.to_owned()))
    });
    let carrier = semantic("airlineCode").or_else(|| split.as_ref().map(|s| s.0.clone()));
    let number = semantic("flightNumber").or_else(|| split.as_ref().map(|s| s.1.clone()));
    if carrier.is_none() || number.is_none() {
        missing.push("a carrier code and flight number (e.g. a flight field of \"LH451\")");
    }
    let departure = semantic("originalDepartureDate")
        .or_else(|| semantic("currentDepartureDate"))
        .or_else(|| {
            c.valid_time_interval
                .as_ref()
                .and_then(|v| v.pointer("/start/date"))
                .and_then(Value::as_str)
                .map(str::to_owned)
        });
    if departure.is_none() {
        missing.push("a departure date (relevantDates)");
    }
    let passenger = find(&["passenger", "name"]);
    if passenger.is_none() {
        missing.push("a passenger field");
    }
    let confirmation = semantic("confirmationNumber")
        .or_else(|| find(&["confirmation", "booking", "pnr", "reservation"]).map(|f| f.1));
    match (origin, destination, carrier, number, departure, passenger) {
        (
            Some(origin),
            Some(destination),
            Some(carrier),
            Some(number),
            Some(departure),
            Some(passenger),
        ) if missing.is_empty() => Ok(FlightFacts {
            origin,
            destination,
            carrier,
            number,
            number_field: flight_field.map(|f| f.0),
            departure,
            passenger: passenger.1,
            passenger_field: Some(passenger.0),
            confirmation,
        }),
        _ => Err(missing),
    }
}

/// Google wants the local departure time without an offset.
fn local_date_time(w3c: &str) -> String {
    let cut = w3c
        .char_indices()
        .skip_while(|&(_, ch)| ch != 'T')
        .find(|&(_, ch)| matches!(ch, '+' | '-' | 'Z'))
        .map_or(w3c.len(), |(i, _)| i);
    w3c[..cut].to_owned()
}

fn flight(c: &Content<'_>, ids: &Ids, f: &FlightFacts, findings: &mut Vec<Finding>) -> Built {
    let pass = &c.doc.pass;
    let mut class = Map::new();
    let mut object = Map::new();
    class.insert("id".into(), json!(ids.class_id));
    class.insert(
        "issuerName".into(),
        json!(c.loc.text(&pass.organization_name)),
    );
    class.insert("reviewStatus".into(), json!("UNDER_REVIEW"));
    let mut carrier = Map::new();
    carrier.insert("carrierIataCode".into(), json!(f.carrier));
    if let Some(logo) = &c.logo {
        carrier.insert("airlineLogo".into(), logo.clone());
    }
    class.insert(
        "flightHeader".into(),
        json!({"carrier": carrier, "flightNumber": f.number}),
    );
    class.insert("origin".into(), json!({"airportIataCode": f.origin.0}));
    class.insert(
        "destination".into(),
        json!({"airportIataCode": f.destination.0}),
    );
    class.insert(
        "localScheduledDepartureDateTime".into(),
        json!(local_date_time(&f.departure)),
    );
    if let Some(hex) = &c.hex_background {
        class.insert("hexBackgroundColor".into(), json!(hex));
    }
    if let Some(hero) = &c.hero {
        class.insert("heroImage".into(), hero.clone());
    }
    object.insert("id".into(), json!(ids.object_id));
    object.insert("classId".into(), json!(ids.class_id));
    object.insert("state".into(), json!(c.state));
    object.insert("passengerName".into(), json!(c.loc.text(&f.passenger)));
    let mut reservation = Map::new();
    if let Some(code) = &f.confirmation {
        reservation.insert("confirmationCode".into(), json!(code));
    }
    object.insert("reservationInfo".into(), Value::Object(reservation));
    common_object(c, &mut object);
    let consumed: Vec<FieldRef> = [
        f.origin.1,
        f.destination.1,
        f.number_field,
        f.passenger_field,
    ]
    .into_iter()
    .flatten()
    .collect();
    let (modules, rows, sources) = c.modules_and_rows(&consumed, findings);
    finish(&mut class, &mut object, modules, rows);
    Built {
        google_type: GoogleType::Flight,
        class: Value::Object(class),
        object: Value::Object(object),
        sources,
    }
}
