//! Misspelled keys. Keys the model does not know are kept (they may be newer than Passmith), so
//! only a key that is one or two letters away from a key Wallet knows — `backgroundColour`,
//! `lable`, `webServiceUrl` — is reported: Wallet silently ignores it, and the designer would
//! wonder why the colour never shows.

use super::quote;
use crate::code::Code;
use crate::document::PassDocument;
use crate::finding::Finding;
use crate::model::{Extra, FieldGroup, Style};
use crate::path::PassPath;

const TOP_LEVEL: &[&str] = &[
    "formatVersion",
    "passTypeIdentifier",
    "serialNumber",
    "teamIdentifier",
    "organizationName",
    "description",
    "boardingPass",
    "coupon",
    "eventTicket",
    "generic",
    "storeCard",
    "backgroundColor",
    "foregroundColor",
    "labelColor",
    "stripColor",
    "logoText",
    "suppressStripShine",
    "groupingIdentifier",
    "barcodes",
    "barcode",
    "locations",
    "beacons",
    "maxDistance",
    "relevantDate",
    "relevantDates",
    "expirationDate",
    "voided",
    "webServiceURL",
    "authenticationToken",
    "appLaunchURL",
    "associatedStoreIdentifiers",
    "auxiliaryStoreIdentifiers",
    "userInfo",
    "sharingProhibited",
    "nfc",
    "semantics",
    "preferredStyleSchemes",
    "eventLogoText",
    "footerBackgroundColor",
    "useAutomaticColors",
    "suppressHeaderDarkening",
    "bagPolicyURL",
    "orderFoodURL",
    "parkingInformationURL",
    "directionsInformationURL",
    "purchaseParkingURL",
    "merchandiseURL",
    "transitInformationURL",
    "accessibilityURL",
    "addOnURL",
    "contactVenueEmail",
    "contactVenuePhoneNumber",
    "contactVenueWebsite",
    "transferURL",
    "sellURL",
    // iOS 26 / 27 keys the model keeps as unknown keys.
    "upcomingPassInformation",
    "changeSeatURL",
    "entertainmentURL",
    "purchaseAdditionalBaggageURL",
    "purchaseLoungeAccessURL",
    "purchaseWifiURL",
    "upgradeURL",
    "managementURL",
    "registerServiceAnimalURL",
    "reportLostBagURL",
    "requestWheelchairURL",
    "trackBagsURL",
    "transitProviderEmail",
    "transitProviderPhoneNumber",
    "transitProviderWebsiteURL",
    "posterGeneric",
    "featuredActions",
    "logoSymbolName",
];

const STYLE: &[&str] = &[
    "headerFields",
    "primaryFields",
    "secondaryFields",
    "auxiliaryFields",
    "backFields",
    "additionalInfoFields",
    "transitType",
    "footerFields",
];

const FIELD: &[&str] = &[
    "key",
    "label",
    "value",
    "attributedValue",
    "changeMessage",
    "dataDetectorTypes",
    "textAlignment",
    "dateStyle",
    "timeStyle",
    "ignoresTimeZone",
    "isRelative",
    "numberStyle",
    "currencyCode",
    "row",
    "semantics",
];

const BARCODE: &[&str] = &["format", "message", "messageEncoding", "altText"];
const LOCATION: &[&str] = &["latitude", "longitude", "altitude", "relevantText"];
const BEACON: &[&str] = &["proximityUUID", "major", "minor", "relevantText"];
const RELEVANT_DATE: &[&str] = &["date", "relevantDate", "startDate", "endDate"];
const NFC: &[&str] = &["message", "encryptionPublicKey", "requiresAuthentication"];

pub(super) fn check(doc: &PassDocument, out: &mut Vec<Finding>) {
    let pass = &doc.pass;
    look(&pass.extra, &[], TOP_LEVEL, out);
    for style in Style::ALL {
        let Some(fields) = pass.style_fields(style) else {
            continue;
        };
        look(&fields.extra, &[style.key().to_owned()], STYLE, out);
        for (group, i, f) in fields.all_fields() {
            look(
                &f.extra,
                &[style.key().to_owned(), group_key(group), i.to_string()],
                FIELD,
                out,
            );
        }
    }
    for (i, b) in pass.barcodes.iter().flatten().enumerate() {
        look(
            &b.extra,
            &["barcodes".to_owned(), i.to_string()],
            BARCODE,
            out,
        );
    }
    if let Some(b) = &pass.barcode {
        look(&b.extra, &["barcode".to_owned()], BARCODE, out);
    }
    for (i, l) in pass.locations.iter().flatten().enumerate() {
        look(
            &l.extra,
            &["locations".to_owned(), i.to_string()],
            LOCATION,
            out,
        );
    }
    for (i, b) in pass.beacons.iter().flatten().enumerate() {
        look(
            &b.extra,
            &["beacons".to_owned(), i.to_string()],
            BEACON,
            out,
        );
    }
    for (i, d) in pass.relevant_dates.iter().flatten().enumerate() {
        look(
            &d.extra,
            &["relevantDates".to_owned(), i.to_string()],
            RELEVANT_DATE,
            out,
        );
    }
    if let Some(n) = &pass.nfc {
        look(&n.extra, &["nfc".to_owned()], NFC, out);
    }
}

fn group_key(g: FieldGroup) -> String {
    g.key().to_owned()
}

fn look(extra: &Extra, at: &[String], known: &[&str], out: &mut Vec<Finding>) {
    for key in extra.keys() {
        if known.contains(&key.as_str()) {
            continue;
        }
        if let Some(meant) = closest(key, known) {
            let path = PassPath::from_segments(at.iter().cloned().chain([key.clone()]));
            out.push(Finding::new(
                Code::KeyMisspelled,
                path,
                format!(
                    "Wallet ignores the key {} — it looks like a misspelling of “{meant}”.",
                    quote(key)
                ),
                format!("Rename it to {meant} (letter case matters)."),
            ));
        }
    }
}

/// The known key `key` is probably a misspelling of, if any.
fn closest<'a>(key: &str, known: &[&'a str]) -> Option<&'a str> {
    let lower = key.to_ascii_lowercase();
    let allowed = match key.chars().count() {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    };
    known
        .iter()
        // Lengths further apart than the allowed edits cannot match; this also keeps a huge
        // hostile key from costing a full distance computation against every known key.
        .filter(|k| k.len().abs_diff(lower.len()) <= allowed)
        .map(|k| (distance(&lower, &k.to_ascii_lowercase()), *k))
        .filter(|(d, _)| *d <= allowed)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Edit distance counting a swap of two neighbouring letters as one edit (optimal string
/// alignment), since `lable` for `label` is one slip of the fingers.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_misses_are_found_and_new_keys_left_alone() {
        assert_eq!(
            closest("backgroundColour", TOP_LEVEL),
            Some("backgroundColor")
        );
        assert_eq!(closest("webServiceUrl", TOP_LEVEL), Some("webServiceURL"));
        assert_eq!(closest("lable", FIELD), Some("label"));
        assert_eq!(closest("Key", FIELD), Some("key"));
        assert_eq!(
            closest("organisationName", TOP_LEVEL),
            Some("organizationName")
        );
        assert_eq!(closest("upcomingEvents", TOP_LEVEL), None);
        assert_eq!(closest("myCompanyData", TOP_LEVEL), None);
        assert_eq!(closest("vlue", FIELD), None);
    }

    #[test]
    fn distances() {
        assert_eq!(distance("label", "lable"), 1);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("kitten", "sitting"), 3);
    }
}
