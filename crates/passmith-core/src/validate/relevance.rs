//! When and where a pass is relevant: dates, locations, beacons; and its expiration date.

use super::{ValidationContext, parse_w3c_date, quote};
use crate::code::Code;
use crate::document::PassDocument;
use crate::finding::Finding;
use crate::path::PassPath;
use crate::time::W3C_EXAMPLE as EXAMPLE;

/// Wallet uses at most this many locations and this many beacons.
const MAX_LOCATIONS: usize = 10;
const MAX_BEACONS: usize = 10;

pub(super) fn check(doc: &PassDocument, ctx: &ValidationContext, out: &mut Vec<Finding>) {
    let pass = &doc.pass;
    if let Some(d) = &pass.relevant_date {
        date(d, &PassPath::key("relevantDate"), "The relevant date", out);
    }
    for (i, entry) in pass.relevant_dates.iter().flatten().enumerate() {
        let base = PassPath::key("relevantDates").join(i);
        let parsed = |key: &str, value: &Option<String>, out: &mut Vec<Finding>| {
            value
                .as_deref()
                .and_then(|v| date(v, &base.join(key), "A relevant date", out))
        };
        parsed("date", &entry.date, out);
        parsed("relevantDate", &entry.relevant_date, out);
        let start = parsed("startDate", &entry.start_date, out);
        let end = parsed("endDate", &entry.end_date, out);
        if entry.start_date.is_some() && entry.end_date.is_none() {
            out.push(Finding::new(
                Code::DateEndMissing,
                base.join("endDate"),
                "A relevant time span has a start but no end; Wallet needs both.",
                "Add the end date and time of the span, or use a single date instead.",
            ));
        }
        if entry.date.is_none()
            && entry.relevant_date.is_none()
            && entry.start_date.is_none()
            && entry.end_date.is_none()
        {
            out.push(Finding::new(
                Code::DateEntryEmpty,
                base.clone(),
                "A relevant-date entry has no date in it.",
                "Enter a date, or a start and end date — or delete the entry.",
            ));
        }
        if let (Some(s), Some(e)) = (start, end)
            && e < s
        {
            out.push(Finding::new(
                Code::DateRange,
                base.join("endDate"),
                "A relevant time span ends before it starts.",
                "Swap the start and end dates, or correct the end date.",
            ));
        }
    }
    if let Some(sem) = &pass.semantics {
        semantic_dates(sem, &PassPath::key("semantics"), out);
    }
    for style in pass.styles_present() {
        let Some(fields) = pass.style_fields(style) else {
            continue;
        };
        for (group, i, f) in fields.all_fields() {
            if let Some(sem) = &f.semantics {
                let at = PassPath::field(style, group, i).join("semantics");
                semantic_dates(sem, &at, out);
            }
        }
    }
    if let Some(d) = &pass.expiration_date
        && let Some(t) = date(
            d,
            &PassPath::key("expirationDate"),
            "The expiration date",
            out,
        )
        && let Some(now) = ctx.clock()
        && t < now
    {
        out.push(Finding::new(
            Code::DateExpired,
            PassPath::key("expirationDate"),
            format!("The expiration date {} is in the past, so Wallet will show the pass as expired right away.", quote(d)),
            "Move the expiration date into the future, or remove it.",
        ));
    }

    if let Some(locations) = &pass.locations {
        if locations.len() > MAX_LOCATIONS {
            out.push(Finding::new(
                Code::LocationTooMany,
                PassPath::key("locations").join(MAX_LOCATIONS),
                format!(
                    "The pass has {} locations; Wallet uses only the first {MAX_LOCATIONS} and ignores the rest.",
                    locations.len()
                ),
                format!("Keep the {MAX_LOCATIONS} most important places."),
            ));
        }
        for (i, l) in locations.iter().enumerate() {
            if l.latitude == 0.0 && l.longitude == 0.0 {
                out.push(Finding::new(
                    Code::LocationZero,
                    PassPath::key("locations").join(i).join("latitude"),
                    format!(
                        "Location {} is at latitude 0, longitude 0, in the Atlantic off Africa: it looks never filled in.",
                        i + 1
                    ),
                    "Paste the place's coordinates or a maps link into the location, or remove it.",
                ));
            }
            if !(-90.0..=90.0).contains(&l.latitude) {
                out.push(Finding::new(
                    Code::LocationLatitude,
                    PassPath::key("locations").join(i).join("latitude"),
                    format!(
                        "Location {} has latitude {}, but latitudes go from -90 to 90.",
                        i + 1,
                        l.latitude
                    ),
                    "Check the coordinates; latitude and longitude may be swapped.",
                ));
            }
            if !(-180.0..=180.0).contains(&l.longitude) {
                out.push(Finding::new(
                    Code::LocationLongitude,
                    PassPath::key("locations").join(i).join("longitude"),
                    format!(
                        "Location {} has longitude {}, but longitudes go from -180 to 180.",
                        i + 1,
                        l.longitude
                    ),
                    "Check the coordinates, e.g. by pasting them into a map.",
                ));
            }
        }
    }
    if let Some(d) = pass.max_distance
        && (d < 0.0 || d.is_nan())
    {
        out.push(Finding::new(
            Code::LocationMaxDistance,
            PassPath::key("maxDistance"),
            format!("The maximum distance is {d} metres; it cannot be negative."),
            "Enter a distance in metres, e.g. 100, or remove it to use Wallet's default.",
        ));
    }

    if let Some(beacons) = &pass.beacons {
        if beacons.len() > MAX_BEACONS {
            out.push(Finding::new(
                Code::BeaconTooMany,
                PassPath::key("beacons").join(MAX_BEACONS),
                format!(
                    "The pass has {} beacons; Wallet uses only the first {MAX_BEACONS}.",
                    beacons.len()
                ),
                format!("Keep the {MAX_BEACONS} most important beacons."),
            ));
        }
        for (i, b) in beacons.iter().enumerate() {
            if !is_uuid(&b.proximity_uuid) {
                out.push(Finding::new(
                    Code::BeaconUuid,
                    PassPath::key("beacons").join(i).join("proximityUUID"),
                    format!("Beacon {} has the ID {}, which is not a beacon UUID.", i + 1, quote(&b.proximity_uuid)),
                    "Copy the UUID from your beacon's settings; it looks like E2C56DB5-DFFB-48D2-B060-D0F5A71096E0.",
                ));
            }
            for (key, value) in [("major", b.major), ("minor", b.minor)] {
                if let Some(v) = value
                    && !(0..=65_535).contains(&v)
                {
                    out.push(Finding::new(
                        Code::BeaconMajorMinor,
                        PassPath::key("beacons").join(i).join(key),
                        format!(
                            "Beacon {} has {key} number {v}; it must be between 0 and 65535.",
                            i + 1
                        ),
                        "Copy the number from your beacon's settings.",
                    ));
                }
            }
        }
    }
}

/// Checks one date; returns its Unix time when it is valid.
fn date(value: &str, path: &PassPath, what: &str, out: &mut Vec<Finding>) -> Option<i64> {
    match parse_w3c_date(value) {
        Ok(t) => Some(t),
        Err(err) => {
            out.push(Finding::new(
                Code::DateFormat,
                path.clone(),
                format!("{what} {} is not in a form iPhones accept: {err}.", quote(value)),
                format!("Write it like {EXAMPLE}: date, the letter T, time, then the time zone (Z for UTC)."),
            ));
            None
        }
    }
}

/// Semantic tags hold dates too (`eventStartDate`, `currentDepartureDate`, …), in the same W3C
/// form; they are found by their key ending in `Date`, at any depth.
fn semantic_dates(v: &serde_json::Value, at: &PassPath, out: &mut Vec<Finding>) {
    use serde_json::Value;
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let path = at.join(k);
                match child {
                    Value::String(s) if k.ends_with("Date") => {
                        date(
                            s,
                            &path,
                            "The date in the pass's extra information (semantic tags)",
                            out,
                        );
                    }
                    _ => semantic_dates(child, &path, out),
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                semantic_dates(child, &at.join(i), out);
            }
        }
        _ => {}
    }
}

/// `8-4-4-4-12` hexadecimal digits.
fn is_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let lens = [8, 4, 4, 4, 12];
    parts.len() == lens.len()
        && parts
            .iter()
            .zip(lens)
            .all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::is_uuid;

    #[test]
    fn uuids() {
        assert!(is_uuid("E2C56DB5-DFFB-48D2-B060-D0F5A71096E0"));
        assert!(is_uuid("e2c56db5-dffb-48d2-b060-d0f5a71096e0"));
        assert!(!is_uuid("E2C56DB5DFFB48D2B060D0F5A71096E0"));
        assert!(!is_uuid("E2C56DB5-DFFB-48D2-B060-D0F5A71096EZ"));
        assert!(!is_uuid(""));
    }
}
