//! Field values as Wallet displays them: ISO 8601 dates per `dateStyle`/`timeStyle`, numbers per
//! `numberStyle`/`currencyCode`, in the preview language.
//!
//! A small built-in formatter, not a full CLDR implementation. Known limits:
//! - languages with their own patterns: en, fr, de, es, it, nl, pt, cs, pl, ja, zh, ko; others use
//!   English patterns and ISO-style month numbers;
//! - times are shown in the offset written in the value (Wallet converts to the phone's time zone,
//!   which a preview cannot know); `isRelative` ("in 2 hours") is shown as an absolute date;
//! - `PKNumberStyleSpellOut` spells whole numbers in English only (other languages show digits);
//! - currency symbols are known for the common codes; others show the ISO code.

use passmith_core::model::{DateStyle, Field, FieldValue, NumberStyle};
use passmith_core::time::WrittenDate;

/// The text Wallet shows for a field's value in `lang` (`None` = English). Text values that are
/// not dates (or have no date style) come back unchanged.
pub fn format_field_value(field: &Field, text: &str, lang: Option<&str>) -> String {
    let lang = Lang::of(lang);
    let value = field.attributed_value.as_ref().unwrap_or(&field.value);
    if let FieldValue::Number(n) = value {
        let Some(v) = n.as_f64() else {
            return n.to_string();
        };
        return format_number(
            v,
            field.number_style.as_ref(),
            field.currency_code.as_deref(),
            lang,
        );
    }
    if field.is_date() {
        let date_style = field.date_style.clone().unwrap_or(DateStyle::None);
        let time_style = field.time_style.clone().unwrap_or(DateStyle::None);
        if let Some(dt) = WrittenDate::parse(text) {
            return format_date(&dt, &date_style, &time_style, lang);
        }
    }
    if attributed(field) {
        return strip_tags(text);
    }
    text.to_owned()
}

fn attributed(field: &Field) -> bool {
    field.attributed_value.is_some()
}

/// `attributedValue` may contain `<a href>`; Wallet shows only the link text.
pub(crate) fn strip_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lang {
    En,
    Fr,
    De,
    Es,
    It,
    Nl,
    Pt,
    Cs,
    Pl,
    Ja,
    Zh,
    Ko,
}

impl Lang {
    fn of(code: Option<&str>) -> Lang {
        let code = code.unwrap_or("en").to_ascii_lowercase();
        let base = code.split(['-', '_']).next().unwrap_or("en");
        match base {
            "fr" => Lang::Fr,
            "de" => Lang::De,
            "es" => Lang::Es,
            "it" => Lang::It,
            "nl" => Lang::Nl,
            "pt" => Lang::Pt,
            "cs" => Lang::Cs,
            "pl" => Lang::Pl,
            "ja" => Lang::Ja,
            "zh" => Lang::Zh,
            "ko" => Lang::Ko,
            _ => Lang::En,
        }
    }

    fn decimal(self) -> char {
        match self {
            Lang::En | Lang::Ja | Lang::Zh | Lang::Ko => '.',
            _ => ',',
        }
    }

    fn group(self) -> &'static str {
        match self {
            Lang::En | Lang::Ja | Lang::Zh | Lang::Ko => ",",
            Lang::De | Lang::Es | Lang::It | Lang::Nl | Lang::Pt => ".",
            Lang::Fr | Lang::Cs | Lang::Pl => "\u{202f}",
        }
    }

    fn months(self) -> [&'static str; 12] {
        match self {
            Lang::Fr => [
                "janvier",
                "février",
                "mars",
                "avril",
                "mai",
                "juin",
                "juillet",
                "août",
                "septembre",
                "octobre",
                "novembre",
                "décembre",
            ],
            Lang::De => [
                "Januar",
                "Februar",
                "März",
                "April",
                "Mai",
                "Juni",
                "Juli",
                "August",
                "September",
                "Oktober",
                "November",
                "Dezember",
            ],
            Lang::Es => [
                "enero",
                "febrero",
                "marzo",
                "abril",
                "mayo",
                "junio",
                "julio",
                "agosto",
                "septiembre",
                "octubre",
                "noviembre",
                "diciembre",
            ],
            Lang::It => [
                "gennaio",
                "febbraio",
                "marzo",
                "aprile",
                "maggio",
                "giugno",
                "luglio",
                "agosto",
                "settembre",
                "ottobre",
                "novembre",
                "dicembre",
            ],
            Lang::Nl => [
                "januari",
                "februari",
                "maart",
                "april",
                "mei",
                "juni",
                "juli",
                "augustus",
                "september",
                "oktober",
                "november",
                "december",
            ],
            Lang::Pt => [
                "janeiro",
                "fevereiro",
                "março",
                "abril",
                "maio",
                "junho",
                "julho",
                "agosto",
                "setembro",
                "outubro",
                "novembro",
                "dezembro",
            ],
            Lang::Cs => [
                "ledna",
                "února",
                "března",
                "dubna",
                "května",
                "června",
                "července",
                "srpna",
                "září",
                "října",
                "listopadu",
                "prosince",
            ],
            Lang::Pl => [
                "stycznia",
                "lutego",
                "marca",
                "kwietnia",
                "maja",
                "czerwca",
                "lipca",
                "sierpnia",
                "września",
                "października",
                "listopada",
                "grudnia",
            ],
            _ => [
                "January",
                "February",
                "March",
                "April",
                "May",
                "June",
                "July",
                "August",
                "September",
                "October",
                "November",
                "December",
            ],
        }
    }

    /// Abbreviated month names (CLDR "MMM"); languages without a table use the full name.
    fn short_months(self) -> [&'static str; 12] {
        match self {
            Lang::En => [
                "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
            ],
            Lang::Fr => [
                "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
                "nov.", "déc.",
            ],
            Lang::Es => [
                "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic",
            ],
            Lang::It => [
                "gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic",
            ],
            Lang::Nl => [
                "jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
            ],
            Lang::Pt => [
                "jan.", "fev.", "mar.", "abr.", "mai.", "jun.", "jul.", "ago.", "set.", "out.",
                "nov.", "dez.",
            ],
            _ => self.months(),
        }
    }

    fn weekdays(self) -> [&'static str; 7] {
        // Monday first.
        match self {
            Lang::Fr => [
                "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
            ],
            Lang::De => [
                "Montag",
                "Dienstag",
                "Mittwoch",
                "Donnerstag",
                "Freitag",
                "Samstag",
                "Sonntag",
            ],
            Lang::Es => [
                "lunes",
                "martes",
                "miércoles",
                "jueves",
                "viernes",
                "sábado",
                "domingo",
            ],
            Lang::It => [
                "lunedì",
                "martedì",
                "mercoledì",
                "giovedì",
                "venerdì",
                "sabato",
                "domenica",
            ],
            Lang::Nl => [
                "maandag",
                "dinsdag",
                "woensdag",
                "donderdag",
                "vrijdag",
                "zaterdag",
                "zondag",
            ],
            Lang::Pt => [
                "segunda-feira",
                "terça-feira",
                "quarta-feira",
                "quinta-feira",
                "sexta-feira",
                "sábado",
                "domingo",
            ],
            Lang::Cs => [
                "pondělí",
                "úterý",
                "středa",
                "čtvrtek",
                "pátek",
                "sobota",
                "neděle",
            ],
            Lang::Pl => [
                "poniedziałek",
                "wtorek",
                "środa",
                "czwartek",
                "piątek",
                "sobota",
                "niedziela",
            ],
            Lang::Ja => [
                "月曜日",
                "火曜日",
                "水曜日",
                "木曜日",
                "金曜日",
                "土曜日",
                "日曜日",
            ],
            Lang::Zh => [
                "星期一",
                "星期二",
                "星期三",
                "星期四",
                "星期五",
                "星期六",
                "星期日",
            ],
            Lang::Ko => [
                "월요일",
                "화요일",
                "수요일",
                "목요일",
                "금요일",
                "토요일",
                "일요일",
            ],
            Lang::En => [
                "Monday",
                "Tuesday",
                "Wednesday",
                "Thursday",
                "Friday",
                "Saturday",
                "Sunday",
            ],
        }
    }
}

/// Seconds since 1970 of an ISO 8601 date-time (`2027-06-17T20:30:00+02:00`, `…Z`, or a plain
/// date, taken as midnight UTC); `None` when it is not a date.
pub(crate) fn unix_seconds(text: &str) -> Option<i64> {
    WrittenDate::parse(text).map(|d| d.unix_seconds())
}

fn format_date(
    dt: &WrittenDate,
    date_style: &DateStyle,
    time_style: &DateStyle,
    lang: Lang,
) -> String {
    let date = format_date_part(dt, date_style, lang);
    let time = if dt.has_time || *time_style != DateStyle::None {
        format_time_part(dt, time_style, lang)
    } else {
        String::new()
    };
    match (date.is_empty(), time.is_empty()) {
        (true, true) => String::new(),
        (false, true) => date,
        (true, false) => time,
        (false, false) => match lang {
            Lang::En if matches!(date_style, DateStyle::Long | DateStyle::Full) => {
                format!("{date} at {time}")
            }
            Lang::Ja | Lang::Zh | Lang::Ko => format!("{date} {time}"),
            Lang::En => format!("{date}, {time}"),
            _ => format!("{date} {time}"),
        },
    }
}

fn format_date_part(dt: &WrittenDate, style: &DateStyle, lang: Lang) -> String {
    let (y, m, d) = (dt.civil.year(), dt.civil.month(), dt.civil.day());
    // jiff keeps the month in 1..=12.
    let month = usize::try_from(m - 1).unwrap_or(0);
    let month_name = lang.months()[month];
    let short_month = lang.short_months()[month];
    let weekday = lang.weekdays()[dt.weekday_from_monday()];
    let yy = y.rem_euclid(100);
    match style {
        DateStyle::None | DateStyle::Other(_) => String::new(),
        DateStyle::Short => match lang {
            Lang::En => format!("{m}/{d}/{yy:02}"),
            Lang::Fr | Lang::Es | Lang::It | Lang::Pt => format!("{d:02}/{m:02}/{y}"),
            Lang::De | Lang::Cs | Lang::Pl => format!("{d:02}.{m:02}.{yy:02}"),
            Lang::Nl => format!("{d:02}-{m:02}-{y}"),
            Lang::Ja | Lang::Zh => format!("{y}/{m:02}/{d:02}"),
            Lang::Ko => format!("{yy:02}. {m}. {d}."),
        },
        DateStyle::Medium => match lang {
            Lang::En => format!("{short_month} {d}, {y}"),
            Lang::Fr | Lang::Es | Lang::It | Lang::Pt | Lang::Nl => {
                format!("{d} {short_month} {y}")
            }
            Lang::De => format!("{d:02}.{m:02}.{y}"),
            Lang::Cs => format!("{d}. {m}. {y}"),
            Lang::Pl => format!("{d:02}.{m:02}.{y}"),
            Lang::Ja | Lang::Zh => format!("{y}/{m:02}/{d:02}"),
            Lang::Ko => format!("{y}. {m}. {d}."),
        },
        DateStyle::Long | DateStyle::Full => {
            let base = match lang {
                Lang::En => format!("{month_name} {d}, {y}"),
                Lang::De | Lang::Cs => format!("{d}. {month_name} {y}"),
                Lang::Es | Lang::Pt => format!("{d} de {month_name} de {y}"),
                Lang::Fr | Lang::It | Lang::Nl | Lang::Pl => format!("{d} {month_name} {y}"),
                Lang::Ja | Lang::Zh => format!("{y}年{m}月{d}日"),
                Lang::Ko => format!("{y}년 {m}월 {d}일"),
            };
            if *style == DateStyle::Full {
                match lang {
                    Lang::Ja | Lang::Zh | Lang::Ko => format!("{base} {weekday}"),
                    _ => format!("{weekday}, {base}"),
                }
            } else {
                base
            }
        }
    }
}

fn format_time_part(dt: &WrittenDate, style: &DateStyle, lang: Lang) -> String {
    let (hour, minute) = (dt.civil.hour(), dt.civil.minute());
    match style {
        DateStyle::None | DateStyle::Other(_) => String::new(),
        _ => match lang {
            Lang::En => {
                let h12 = if hour % 12 == 0 { 12 } else { hour % 12 };
                let ampm = if hour < 12 { "AM" } else { "PM" };
                format!("{h12}:{minute:02}\u{202f}{ampm}")
            }
            _ => format!("{hour}:{minute:02}"),
        },
    }
}

fn format_number(
    v: f64,
    style: Option<&NumberStyle>,
    currency: Option<&str>,
    lang: Lang,
) -> String {
    if let Some(code) = currency.filter(|c| !c.trim().is_empty()) {
        let code = code.trim().to_ascii_uppercase();
        let digits = if matches!(code.as_str(), "JPY" | "KRW" | "HUF" | "ISK" | "CLP") {
            0
        } else {
            2
        };
        let amount = grouped(v.abs(), digits, lang);
        let sign = if v < 0.0 { "-" } else { "" };
        let symbol = match code.as_str() {
            "USD" => "$",
            "EUR" => "€",
            "GBP" => "£",
            "JPY" => "¥",
            "CNY" => "CN¥",
            "KRW" => "₩",
            "INR" => "₹",
            "CZK" => "Kč",
            "PLN" => "zł",
            "CHF" => "CHF",
            _ => code.as_str(),
        }
        .to_owned();
        return match lang {
            Lang::En | Lang::Ja | Lang::Zh | Lang::Ko | Lang::Nl => {
                format!("{sign}{symbol}{amount}")
            }
            _ => format!("{sign}{amount}\u{a0}{symbol}"),
        };
    }
    match style {
        Some(NumberStyle::Percent) => {
            let n = grouped(v * 100.0, 0, lang);
            match lang {
                Lang::En | Lang::Ja | Lang::Zh | Lang::Ko | Lang::Nl | Lang::It | Lang::Pt => {
                    format!("{n}%")
                }
                _ => format!("{n}\u{a0}%"),
            }
        }
        Some(NumberStyle::Scientific) => {
            if v == 0.0 {
                return "0E0".to_owned();
            }
            let exp = v.abs().log10().floor();
            let mantissa = v / 10f64.powf(exp);
            let m = trim_decimals(mantissa, 6).replace('.', &lang.decimal().to_string());
            format!("{m}E{exp}")
        }
        Some(NumberStyle::SpellOut) if lang == Lang::En && v.fract() == 0.0 && v.abs() < 1e15 => {
            spell_out(v as i64)
        }
        Some(NumberStyle::Decimal) => {
            let decimals = decimals_of(v).min(3);
            grouped(v, decimals, lang)
        }
        _ => {
            let s = trim_decimals(v, 6);
            s.replace('.', &lang.decimal().to_string())
        }
    }
}

fn decimals_of(v: f64) -> usize {
    let s = trim_decimals(v, 6);
    s.split_once('.').map_or(0, |(_, d)| d.len())
}

fn trim_decimals(v: f64, max: usize) -> String {
    let s = format!("{v:.max$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    }
}

/// `1234567.5` → `1,234,567.50` (per language separators, `digits` decimals).
fn grouped(v: f64, digits: usize, lang: Lang) -> String {
    let s = format!("{:.digits$}", v.abs());
    let (int, frac) = s.split_once('.').unwrap_or((s.as_str(), ""));
    let mut out = String::new();
    let n = int.len();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (n - i) % 3 == 0 {
            out.push_str(lang.group());
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push(lang.decimal());
        out.push_str(frac);
    }
    if v < 0.0 { format!("-{out}") } else { out }
}

fn spell_out(n: i64) -> String {
    const ONES: [&str; 20] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const TENS: [&str; 10] = [
        "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    fn below_thousand(n: u64) -> String {
        let mut parts = Vec::new();
        let (h, rest) = (n / 100, n % 100);
        if h > 0 {
            parts.push(format!("{} hundred", ONES[h as usize]));
        }
        if rest > 0 {
            if rest < 20 {
                parts.push(ONES[rest as usize].to_owned());
            } else if rest % 10 == 0 {
                parts.push(TENS[(rest / 10) as usize].to_owned());
            } else {
                parts.push(format!(
                    "{}-{}",
                    TENS[(rest / 10) as usize],
                    ONES[(rest % 10) as usize]
                ));
            }
        }
        parts.join(" ")
    }
    if n == 0 {
        return ONES[0].to_owned();
    }
    let mut rest = n.unsigned_abs();
    let mut groups = Vec::new();
    for scale in ["", " thousand", " million", " billion", " trillion"] {
        let chunk = rest % 1000;
        if chunk > 0 {
            groups.push(format!("{}{scale}", below_thousand(chunk)));
        }
        rest /= 1000;
        if rest == 0 {
            break;
        }
    }
    groups.reverse();
    let text = groups.join(" ");
    if n < 0 { format!("minus {text}") } else { text }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date_field(date: &str, time: &str) -> Field {
        let mut f = Field::text("d", "", "");
        f.date_style = Some(DateStyle::from(date.to_owned()));
        f.time_style = Some(DateStyle::from(time.to_owned()));
        f
    }

    #[test]
    fn dates_follow_style_and_language() {
        let f = date_field("PKDateStyleMedium", "PKDateStyleShort");
        assert_eq!(
            format_field_value(&f, "2027-06-17T20:30:00+02:00", None),
            "Jun 17, 2027, 8:30\u{202f}PM"
        );
        assert_eq!(
            format_field_value(&f, "2027-06-17T20:30:00+02:00", Some("de")),
            "17.06.2027 20:30"
        );
        let f = date_field("PKDateStyleFull", "PKDateStyleNone");
        assert_eq!(
            format_field_value(&f, "2027-06-17T20:30Z", Some("fr")),
            "jeudi, 17 juin 2027"
        );
        let f = date_field("PKDateStyleShort", "PKDateStyleNone");
        assert_eq!(format_field_value(&f, "2027-06-17", None), "6/17/27");
        // Not a date: shown as written.
        assert_eq!(format_field_value(&f, "soon", None), "soon");
    }

    #[test]
    fn numbers_and_currencies() {
        let mut f = Field {
            value: FieldValue::Number(serde_json::Number::from_f64(1234.5).unwrap()),
            currency_code: Some("USD".into()),
            ..Field::default()
        };
        assert_eq!(format_field_value(&f, "", None), "$1,234.50");
        assert_eq!(format_field_value(&f, "", Some("de")), "1.234,50\u{a0}$");
        f.currency_code = None;
        f.number_style = Some(NumberStyle::Decimal);
        assert_eq!(format_field_value(&f, "", None), "1,234.5");
        f.value = FieldValue::Number(serde_json::Number::from_f64(0.25).unwrap());
        f.number_style = Some(NumberStyle::Percent);
        assert_eq!(format_field_value(&f, "", None), "25%");
        f.value = FieldValue::Number(42.into());
        f.number_style = Some(NumberStyle::SpellOut);
        assert_eq!(format_field_value(&f, "", None), "forty-two");
        f.number_style = None;
        assert_eq!(format_field_value(&f, "", None), "42");
    }

    #[test]
    fn attributed_values_show_link_text() {
        let mut f = Field::text("a", "", "x");
        f.attributed_value = Some(FieldValue::Text(
            "<a href='https://x.y'>Open</a> now".into(),
        ));
        assert_eq!(
            format_field_value(&f, "<a href='https://x.y'>Open</a> now", None),
            "Open now"
        );
    }

    #[test]
    fn unix_seconds_apply_the_offset() {
        assert_eq!(unix_seconds("1970-01-01T00:00Z"), Some(0));
        assert_eq!(unix_seconds("1970-01-01T02:00:00+02:00"), Some(0));
        assert_eq!(unix_seconds("2000-01-01"), Some(946_684_800));
        assert_eq!(unix_seconds("1969-12-31T19:00-05:00"), Some(0));
        assert_eq!(unix_seconds("tomorrow"), None);
    }

    #[test]
    fn weekday_is_right() {
        // 2027-06-17 is a Thursday, 2000-01-01 a Saturday.
        let f = date_field("PKDateStyleFull", "PKDateStyleNone");
        assert_eq!(
            format_field_value(&f, "2027-06-17", None),
            "Thursday, June 17, 2027"
        );
        assert_eq!(
            format_field_value(&f, "2000-01-01", Some("de")),
            "Samstag, 1. Januar 2000"
        );
    }
}
