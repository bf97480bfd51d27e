//! W3C date-times, the only date form an iPhone reliably accepts in a pass.
//!
//! Devices reject `+0000` zones, fractional seconds (`.000Z`) and dates without a zone (see the
//! generators' issue trackers), so the parser is strict: `YYYY-MM-DDThh:mm[:ss](Z|±hh:mm)`.

/// Why a date string is not a W3C date-time.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("the date is empty")]
    Empty,
    #[error("the date has no time of day")]
    NoTime,
    #[error("the date has no time zone")]
    NoZone,
    #[error("the date has fractions of a second, which iPhones refuse")]
    FractionalSeconds,
    #[error("the time zone must be written with a colon, like +01:00 or Z")]
    ZoneWithoutColon,
    #[error("a part of the date is out of range ({0})")]
    OutOfRange(&'static str),
    #[error("the date is not written as year-month-dayThour:minute with a time zone")]
    Malformed,
}

/// Parses a W3C date-time (`2025-05-07T10:30-05:00`, `2025-05-07T15:30:00Z`) into seconds since
/// the Unix epoch.
pub fn parse_w3c_date(s: &str) -> Result<i64, DateError> {
    let b = s.as_bytes();
    if s.trim().is_empty() {
        return Err(DateError::Empty);
    }
    let num = |from: usize, len: usize| -> Option<i64> {
        let part = b.get(from..from + len)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(part).ok()?.parse().ok()
    };
    let (year, month, day) = match (num(0, 4), b.get(4), num(5, 2), b.get(7), num(8, 2)) {
        (Some(y), Some(b'-'), Some(m), Some(b'-'), Some(d)) => (y, m, d),
        _ => return Err(DateError::Malformed),
    };
    if b.len() == 10 {
        return Err(DateError::NoTime);
    }
    if b.get(10) != Some(&b'T') {
        return Err(DateError::Malformed);
    }
    let (hour, minute) = match (num(11, 2), b.get(13), num(14, 2)) {
        (Some(h), Some(b':'), Some(m)) => (h, m),
        _ => return Err(DateError::Malformed),
    };
    let mut i = 16;
    let mut second = 0;
    if b.get(i) == Some(&b':') {
        second = num(i + 1, 2).ok_or(DateError::Malformed)?;
        i += 3;
    }
    if matches!(b.get(i), Some(b'.' | b',')) {
        return Err(DateError::FractionalSeconds);
    }
    let offset_minutes = match b.get(i) {
        None => return Err(DateError::NoZone),
        Some(b'Z') if b.len() == i + 1 => 0,
        Some(sign @ (b'+' | b'-')) => {
            let sign = if *sign == b'-' { -1 } else { 1 };
            let hh = num(i + 1, 2).ok_or(DateError::Malformed)?;
            match (b.get(i + 3), b.len()) {
                (Some(b':'), len) if len == i + 6 => {
                    let mm = num(i + 4, 2).ok_or(DateError::Malformed)?;
                    if hh > 23 || mm > 59 {
                        return Err(DateError::OutOfRange("time zone"));
                    }
                    sign * (hh * 60 + mm)
                }
                (None, _) => return Err(DateError::ZoneWithoutColon),
                (Some(d), len) if d.is_ascii_digit() && len == i + 5 => {
                    return Err(DateError::ZoneWithoutColon);
                }
                _ => return Err(DateError::Malformed),
            }
        }
        _ => return Err(DateError::Malformed),
    };
    if !(1..=12).contains(&month) {
        return Err(DateError::OutOfRange("month"));
    }
    if day < 1 || day > days_in_month(year, month) {
        return Err(DateError::OutOfRange("day"));
    }
    if hour > 23 {
        return Err(DateError::OutOfRange("hour"));
    }
    if minute > 59 {
        return Err(DateError::OutOfRange("minute"));
    }
    if second > 59 {
        return Err(DateError::OutOfRange("second"));
    }
    let days = days_from_civil(year, month, day);
    Ok(days * 86_400 + hour * 3600 + minute * 60 + second - offset_minutes * 60)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// An example of the accepted form, for hints.
pub const EXAMPLE: &str = "2025-05-07T10:30-05:00";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_forms() {
        assert_eq!(parse_w3c_date("1970-01-01T00:00Z"), Ok(0));
        assert_eq!(parse_w3c_date("1970-01-01T00:00:01Z"), Ok(1));
        assert_eq!(parse_w3c_date("1970-01-01T01:00+01:00"), Ok(0));
        // Apple's sample: 2012-07-22T14:25-08:00 = 22:25 UTC.
        assert_eq!(parse_w3c_date("2012-07-22T14:25-08:00"), Ok(1_342_995_900));
        assert_eq!(
            parse_w3c_date("2024-02-29T12:00:00+05:30"),
            Ok(1_709_188_200)
        );
    }

    #[test]
    fn rejected_forms_say_why() {
        assert_eq!(parse_w3c_date("2012-07-22"), Err(DateError::NoTime));
        assert_eq!(parse_w3c_date("2012-07-22T14:25"), Err(DateError::NoZone));
        assert_eq!(
            parse_w3c_date("2012-07-22T14:25:00.000Z"),
            Err(DateError::FractionalSeconds)
        );
        assert_eq!(
            parse_w3c_date("2012-07-22T14:25:00+0000"),
            Err(DateError::ZoneWithoutColon)
        );
        assert_eq!(
            parse_w3c_date("2012-07-22T14:25:00+00"),
            Err(DateError::ZoneWithoutColon)
        );
        assert_eq!(
            parse_w3c_date("2012-07-22 14:25Z"),
            Err(DateError::Malformed)
        );
        assert_eq!(
            parse_w3c_date("2023-02-29T10:00Z"),
            Err(DateError::OutOfRange("day"))
        );
        assert_eq!(
            parse_w3c_date("2023-13-01T10:00Z"),
            Err(DateError::OutOfRange("month"))
        );
        assert_eq!(
            parse_w3c_date("2023-01-01T24:00Z"),
            Err(DateError::OutOfRange("hour"))
        );
        assert_eq!(
            parse_w3c_date("2023-01-01T10:00ZZ"),
            Err(DateError::Malformed)
        );
        assert_eq!(parse_w3c_date("July 4th"), Err(DateError::Malformed));
        assert_eq!(parse_w3c_date(""), Err(DateError::Empty));
        assert_eq!(
            parse_w3c_date("2023-01-01T10:00é"),
            Err(DateError::Malformed)
        );
    }
}
