//! Coordinates as people paste them: "48.8584, 2.2945", or a link from Apple Maps, Google Maps
//! or OpenStreetMap. The designer's location editor takes either, so nobody types degrees by
//! hand. Links are read with the `url` crate; nothing is fetched.

/// The latitude and longitude in `text`, when it holds a coordinate pair or a maps link with
/// one, and both are in range.
pub fn parse_coordinates(text: &str) -> Option<(f64, f64)> {
    let text = text.trim();
    let pair = if text.contains("://") || text.starts_with("maps.") || text.starts_with("www.") {
        from_link(text)?
    } else {
        pair_in(text, ',')?
    };
    in_range(pair)
}

fn in_range((lat, lon): (f64, f64)) -> Option<(f64, f64)> {
    ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)).then_some((lat, lon))
}

/// "lat<sep>lon" (spaces allowed around each).
fn pair_in(text: &str, sep: char) -> Option<(f64, f64)> {
    let (a, b) = text.split_once(sep)?;
    let lat = a.trim().parse::<f64>().ok()?;
    let lon = b.trim().parse::<f64>().ok()?;
    (lat.is_finite() && lon.is_finite()).then_some((lat, lon))
}

fn from_link(text: &str) -> Option<(f64, f64)> {
    let with_scheme = if text.contains("://") {
        text.to_owned()
    } else {
        format!("https://{text}")
    };
    let url = url::Url::parse(&with_scheme).ok()?;
    let query = |name: &str| {
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    // OpenStreetMap marker: ?mlat=…&mlon=…
    if let (Some(lat), Some(lon)) = (query("mlat"), query("mlon")) {
        return Some((lat.trim().parse().ok()?, lon.trim().parse().ok()?));
    }
    // Apple Maps (ll=, sll=, q=) and Google Maps (q=, query=, ll=): a "lat,lon" parameter.
    for name in ["ll", "sll", "q", "query", "center", "destination"] {
        if let Some(pair) = query(name).and_then(|v| pair_in(&v, ',')) {
            return Some(pair);
        }
    }
    // Google Maps path: /maps/@48.8584,2.2945,17z or /maps/place/…/@lat,lon,zoom
    if let Some(at) = url.path().split('/').find_map(|seg| seg.strip_prefix('@')) {
        let mut parts = at.split(',');
        let lat = parts.next()?.parse().ok()?;
        let lon = parts.next()?.parse().ok()?;
        return Some((lat, lon));
    }
    // OpenStreetMap view: #map=zoom/lat/lon
    if let Some(map) = url.fragment().and_then(|f| f.strip_prefix("map=")) {
        let mut parts = map.split('/');
        let _zoom = parts.next()?;
        let lat = parts.next()?.parse().ok()?;
        let lon = parts.next()?.parse().ok()?;
        return Some((lat, lon));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_and_links_from_the_three_map_services() {
        let eiffel = Some((48.8584, 2.2945));
        assert_eq!(parse_coordinates("48.8584, 2.2945"), eiffel);
        assert_eq!(parse_coordinates(" 48.8584,2.2945 "), eiffel);
        assert_eq!(
            parse_coordinates("https://maps.apple.com/?ll=48.8584,2.2945&q=Eiffel%20Tower"),
            eiffel
        );
        assert_eq!(
            parse_coordinates("https://maps.apple.com/?address=Paris&sll=48.8584,2.2945"),
            eiffel
        );
        assert_eq!(
            parse_coordinates("https://www.google.com/maps/@48.8584,2.2945,17z"),
            eiffel
        );
        assert_eq!(
            parse_coordinates(
                "https://www.google.com/maps/place/Eiffel+Tower/@48.8584,2.2945,17z/data=!3m1"
            ),
            eiffel
        );
        assert_eq!(
            parse_coordinates("https://www.google.com/maps/search/?api=1&query=48.8584,2.2945"),
            eiffel
        );
        assert_eq!(
            parse_coordinates("https://www.openstreetmap.org/#map=17/48.8584/2.2945"),
            eiffel
        );
        assert_eq!(
            parse_coordinates(
                "https://www.openstreetmap.org/?mlat=48.8584&mlon=2.2945#map=17/48.8584/2.2945"
            ),
            eiffel
        );
        assert_eq!(
            parse_coordinates("-33.8568, 151.2153"),
            Some((-33.8568, 151.2153))
        );
    }

    #[test]
    fn anything_else_is_none() {
        assert_eq!(parse_coordinates("Eiffel Tower"), None);
        assert_eq!(parse_coordinates("91, 10"), None, "latitude out of range");
        assert_eq!(parse_coordinates("10, 181"), None);
        assert_eq!(parse_coordinates("https://maps.apple.com/?q=Paris"), None);
        assert_eq!(parse_coordinates("NaN, 1"), None);
        assert_eq!(parse_coordinates(""), None);
    }
}
