//! The flight type: what a flight class and object need (airports, carrier and flight number,
//! departure, passenger), found in the pass's semantics or its fields, and the class and object
//! made of them. A pass that lacks any of it becomes a generic pass ([`super::types`]).

use serde_json::{Map, Value, json};

use super::content::{Content, FieldRef};
use super::ids::Ids;
use super::types::{Built, GoogleType, common_object, finish};
use crate::finding::Finding;
use crate::model::FieldGroup;

/// What a flight class and object need, found in the pass.
pub(crate) struct FlightFacts {
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

pub(crate) fn flight_facts(c: &Content<'_>) -> Result<FlightFacts, Vec<&'static str>> {
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

pub(crate) fn flight(
    c: &Content<'_>,
    ids: &Ids,
    f: &FlightFacts,
    findings: &mut Vec<Finding>,
) -> Built {
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
