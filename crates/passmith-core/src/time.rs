//! Time: the one clock and the one date library (jiff) of Passmith.
//!
//! Libraries never read the clock. Every check that depends on "now" (certificate expiry, expired
//! passes, the preview's faded barcode) takes it as an argument, so results are reproducible and
//! tests can pin the date. Only the edges (the CLI, the designer, the server) call [`now`], once
//! per action, and pass the value down; `clippy.toml` forbids every other way of reading the
//! system clock.
//!
//! Calendar maths (days since 1970, leap years, weekdays) is jiff's job; nothing else in the
//! workspace converts dates by hand.

pub use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use jiff::tz::{Offset, TimeZone};

/// The current time. The only function in the workspace that reads the system clock.
#[allow(clippy::disallowed_methods)]
pub fn now() -> Timestamp {
    Timestamp::now()
}

/// The current time as seconds since the Unix epoch (what validation and signing checks take).
pub fn now_unix() -> i64 {
    now().as_second()
}

/// The current local time in the computer's time zone (date pickers start there).
pub fn now_local() -> jiff::Zoned {
    now().to_zoned(TimeZone::system())
}

/// The instant `secs` seconds after the Unix epoch, clamped to the range jiff represents.
fn timestamp(secs: i64) -> Timestamp {
    let secs = secs.clamp(Timestamp::MIN.as_second(), Timestamp::MAX.as_second());
    Timestamp::from_second(secs).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// `2021-01-01` for a Unix time (UTC).
pub fn format_unix_date(secs: i64) -> String {
    timestamp(secs).strftime("%Y-%m-%d").to_string()
}

/// `2021-01-01T10:30:00Z` for a Unix time (UTC).
pub fn format_unix_datetime(secs: i64) -> String {
    timestamp(secs).strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

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

/// An example of the accepted W3C form, for hints.
pub const W3C_EXAMPLE: &str = "2025-05-07T10:30-05:00";

/// Parses a W3C date-time (`2025-05-07T10:30-05:00`, `2025-05-07T15:30:00Z`) into seconds since
/// the Unix epoch.
///
/// Devices reject `+0000` zones, fractional seconds (`.000Z`) and dates without a zone (see the
/// generators' issue trackers), so the syntax check is strict: `YYYY-MM-DDThh:mm[:ss](Z|±hh:mm)`.
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
    let part = |v: i64| i8::try_from(v).ok();
    let m = part(month).filter(|m| (1..=12).contains(m));
    let Some(m) = m else {
        return Err(DateError::OutOfRange("month"));
    };
    let y = i16::try_from(year).map_err(|_| DateError::OutOfRange("year"))?;
    let date = part(day)
        .and_then(|d| Date::new(y, m, d).ok())
        .ok_or(DateError::OutOfRange("day"))?;
    let h = part(hour)
        .filter(|h| (0..=23).contains(h))
        .ok_or(DateError::OutOfRange("hour"))?;
    let min = part(minute)
        .filter(|v| (0..=59).contains(v))
        .ok_or(DateError::OutOfRange("minute"))?;
    let sec = part(second)
        .filter(|v| (0..=59).contains(v))
        .ok_or(DateError::OutOfRange("second"))?;
    let offset = i32::try_from(offset_minutes * 60)
        .ok()
        .and_then(|s| Offset::from_seconds(s).ok())
        .ok_or(DateError::OutOfRange("time zone"))?;
    let ts = offset
        .to_timestamp(date.at(h, min, sec, 0))
        .map_err(|_| DateError::OutOfRange("year"))?;
    Ok(ts.as_second())
}

/// A date as people write it in a field value, read leniently (for display, not validation):
/// `2027-06-17`, `2027-06-17T20:30`, `2027-06-17 20:30:00+02:00`, `…Z`, `…+0200`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WrittenDate {
    /// The date and time of day as written (the offset is not applied).
    pub civil: DateTime,
    /// A time of day was written.
    pub has_time: bool,
    /// The offset written after the time, if any (`Z` is zero).
    pub offset: Option<Offset>,
}

impl WrittenDate {
    /// Reads a date written as ISO 8601, leniently; `None` when it is not a date.
    pub fn parse(text: &str) -> Option<WrittenDate> {
        let t = text.trim();
        let (date, time) = match t.split_once(['T', ' ']) {
            Some((d, tm)) => (d, Some(tm)),
            None => (t, None),
        };
        let mut parts = date.split('-');
        let year: i16 = parts.next()?.parse().ok()?;
        let month: i8 = parts.next()?.parse().ok()?;
        let day: i8 = parts.next()?.parse().ok()?;
        if parts.next().is_some() {
            return None;
        }
        let date = Date::new(year, month, day).ok()?;
        let Some(tm) = time else {
            return Some(WrittenDate {
                civil: date.at(0, 0, 0, 0),
                has_time: false,
                offset: None,
            });
        };
        let clock = tm.split(['Z', 'z', '+', '-']).next()?;
        let mut hm = clock.split(':');
        let hour: i8 = hm.next()?.parse().ok()?;
        let minute: i8 = hm.next()?.parse().ok()?;
        if !(0..=23).contains(&hour) || !(0..=59).contains(&minute) {
            return None;
        }
        Some(WrittenDate {
            civil: date.at(hour, minute, 0, 0),
            has_time: true,
            offset: written_offset(tm),
        })
    }

    /// Seconds since 1970: the written offset applied, UTC when there is none.
    pub fn unix_seconds(&self) -> i64 {
        self.offset
            .unwrap_or(Offset::UTC)
            .to_timestamp(self.civil)
            .map_or(0, |t| t.as_second())
    }

    /// 0 = Monday … 6 = Sunday.
    pub fn weekday_from_monday(&self) -> usize {
        usize::try_from(self.civil.weekday().to_monday_zero_offset()).unwrap_or(0)
    }
}

/// The offset after a time of day: `+hh:mm`, `+hhmm`, `-hh`, `Z`; `None` when none is written.
fn written_offset(time: &str) -> Option<Offset> {
    if time.ends_with(['Z', 'z']) {
        return Some(Offset::UTC);
    }
    let pos = time.rfind(['+', '-'])?;
    let digits: String = time[pos + 1..]
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    if digits.len() < 2 {
        return None;
    }
    let h: i32 = digits[..2].parse().ok()?;
    let m: i32 = digits.get(2..4).and_then(|m| m.parse().ok()).unwrap_or(0);
    let sign = if &time[pos..=pos] == "-" { -1 } else { 1 };
    Offset::from_seconds(sign * (h * 3600 + m * 60)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_format_in_utc() {
        assert_eq!(format_unix_date(0), "1970-01-01");
        assert_eq!(format_unix_date(1_609_459_200), "2021-01-01");
        assert_eq!(format_unix_date(-86_400), "1969-12-31");
        assert_eq!(format_unix_date(1_709_188_200), "2024-02-29");
        assert_eq!(
            format_unix_datetime(1_675_728_000 + 3661),
            "2023-02-07T01:01:01Z"
        );
        assert_eq!(format_unix_date(951_782_400), "2000-02-29");
        // Far out of range: clamped, never a panic.
        assert!(!format_unix_date(i64::MAX).is_empty());
    }

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
        let cases = [
            ("2012-07-22", DateError::NoTime),
            ("2012-07-22T14:25", DateError::NoZone),
            ("2012-07-22T14:25:00.000Z", DateError::FractionalSeconds),
            ("2012-07-22T14:25:00+0000", DateError::ZoneWithoutColon),
            ("2012-07-22T14:25:00+00", DateError::ZoneWithoutColon),
            ("2012-07-22 14:25Z", DateError::Malformed),
            ("2023-02-29T10:00Z", DateError::OutOfRange("day")),
            ("2023-13-01T10:00Z", DateError::OutOfRange("month")),
            ("2023-01-01T24:00Z", DateError::OutOfRange("hour")),
            ("2023-01-01T10:60Z", DateError::OutOfRange("minute")),
            ("2023-01-01T10:00ZZ", DateError::Malformed),
            ("July 4th", DateError::Malformed),
            ("", DateError::Empty),
            ("2023-01-01T10:00é", DateError::Malformed),
        ];
        for (text, want) in cases {
            assert_eq!(parse_w3c_date(text), Err(want), "{text}");
        }
    }

    #[test]
    fn written_dates_apply_their_offset() {
        let d = WrittenDate::parse("2027-06-17T20:30:00+02:00").unwrap();
        assert!(d.has_time);
        assert_eq!(d.unix_seconds(), 1_813_257_000);
        assert_eq!(
            WrittenDate::parse("2027-06-17T18:30Z")
                .unwrap()
                .unix_seconds(),
            1_813_257_000
        );
        assert_eq!(
            WrittenDate::parse("2027-06-17T20:30+0200")
                .unwrap()
                .unix_seconds(),
            1_813_257_000
        );
        let plain = WrittenDate::parse("2027-06-17").unwrap();
        assert!(!plain.has_time);
        // 2027-06-17 is a Thursday.
        assert_eq!(plain.weekday_from_monday(), 3);
        assert_eq!(WrittenDate::parse("2027-02-29"), None);
        assert_eq!(WrittenDate::parse("soon"), None);
    }
}
