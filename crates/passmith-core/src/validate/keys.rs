//! Top-level keys: required keys, identifiers, the pass style, colours and the signing certificate.

use super::{ValidationContext, finding, quote};
use crate::color::{ColorError, ColorNotation, classify_color, format_rgb};
use crate::document::PassDocument;
use crate::finding::Finding;
use crate::model::Style;

/// Seconds in 30 days: how early an expiring certificate is announced.
const EXPIRY_NOTICE: i64 = 30 * 86_400;

pub(super) fn check(doc: &PassDocument, ctx: &ValidationContext, out: &mut Vec<Finding>) {
    let pass = &doc.pass;
    required(doc, out);
    match pass.format_version {
        Some(1) | None => {}
        Some(v) => out.push(finding(
            "pass.format_version",
            "/formatVersion",
            format!("The format version is {v}, but Wallet only understands version 1."),
            "Set formatVersion to 1.",
        )),
    }
    if !pass.pass_type_identifier.is_empty() {
        pass_type_identifier(&pass.pass_type_identifier, out);
    }
    let team = &pass.team_identifier;
    let team_shaped = team.len() == 10
        && team
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    if !team.is_empty() && !team_shaped {
        out.push(finding(
            "pass.team_identifier",
            "/teamIdentifier",
            format!("The team ID {} does not look like an Apple team ID (10 capital letters and digits).", quote(team)),
            "Copy the team ID from your Apple Developer account (Membership details), e.g. A93A5CM278.",
        ));
    }
    style(doc, out);
    colors(doc, out);
    if let Some(id) = &ctx.identity {
        identity(doc, id, ctx, out);
    }
}

fn required(doc: &PassDocument, out: &mut Vec<Finding>) {
    let pass = &doc.pass;
    if pass.format_version.is_none() {
        out.push(finding(
            "pass.required",
            "/formatVersion",
            "The pass has no format version.",
            "Set formatVersion to 1.",
        ));
    }
    let required: [(&str, &str, &str, &str); 5] = [
        (
            "passTypeIdentifier",
            &pass.pass_type_identifier,
            "The pass has no pass type ID, so it cannot be signed.",
            "Enter the pass type ID of your certificate, e.g. pass.com.example.loyalty.",
        ),
        (
            "serialNumber",
            &pass.serial_number,
            "The pass has no serial number.",
            "Give every pass a serial number that is unique for your pass type ID, e.g. 0001.",
        ),
        (
            "teamIdentifier",
            &pass.team_identifier,
            "The pass has no team ID.",
            "Enter your 10-character Apple team ID (Apple Developer account, Membership details).",
        ),
        (
            "organizationName",
            &pass.organization_name,
            "The pass has no organization name; Wallet shows it on the lock screen and in notifications.",
            "Enter the name of your company or brand.",
        ),
        (
            "description",
            &pass.description,
            "The pass has no description; Wallet needs it and reads it aloud to blind users.",
            "Describe the pass in a few words, e.g. “Coffee Club loyalty card”.",
        ),
    ];
    for (key, value, message, hint) in required {
        if value.trim().is_empty() {
            out.push(finding("pass.required", format!("/{key}"), message, hint));
        }
    }
}

fn pass_type_identifier(id: &str, out: &mut Vec<Finding>) {
    let path = "/passTypeIdentifier";
    let hint = "Use the pass type ID exactly as registered with Apple: it starts with “pass.” followed by a reversed domain, e.g. pass.com.example.loyalty.";
    // A common mistake: the team ID prefix Xcode shows (`ABCDE12345.pass.com.x`).
    if let Some((prefix, rest)) = id.split_once(".pass.")
        && !prefix.is_empty()
        && !prefix.contains('.')
        && !id.starts_with("pass.")
    {
        out.push(finding(
            "pass.type_identifier",
            path,
            format!(
                "The pass type ID {} starts with {}, which is not part of it.",
                quote(id),
                quote(prefix)
            ),
            format!("Remove the prefix: write pass.{rest}"),
        ));
        return;
    }
    let Some(rest) = id.strip_prefix("pass.") else {
        out.push(finding(
            "pass.type_identifier",
            path,
            format!(
                "The pass type ID {} does not start with “pass.”.",
                quote(id)
            ),
            hint,
        ));
        return;
    };
    let labels: Vec<&str> = rest.split('.').collect();
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    if labels.len() < 2 || !labels.iter().all(label_ok) {
        out.push(finding(
            "pass.type_identifier",
            path,
            format!(
                "The pass type ID {} is not a reversed domain name (only letters, digits, - and _ between dots, at least two parts after “pass.”).",
                quote(id)
            ),
            hint,
        ));
    }
}

fn style(doc: &PassDocument, out: &mut Vec<Finding>) {
    let styles = doc.pass.styles_present();
    match styles.as_slice() {
        [] => out.push(finding(
            "pass.style_missing",
            "/",
            "The pass has no style, so Wallet does not know how to show it.",
            "Choose one style: boarding pass, coupon, event ticket, generic or store card.",
        )),
        [_] => {}
        [_, rest @ ..] => {
            for s in rest {
                out.push(finding(
                    "pass.style_multiple",
                    format!("/{}", s.key()),
                    format!(
                        "The pass has more than one style ({}); Wallet refuses passes with more than one.",
                        styles.iter().map(|s| s.label()).collect::<Vec<_>>().join(", ")
                    ),
                    format!("Keep one style and move or delete the fields under “{}”.", s.key()),
                ));
            }
        }
    }
    if doc.pass.grouping_identifier.is_some()
        && let Some(s) = doc.pass.style()
        && !matches!(s, Style::BoardingPass | Style::EventTicket)
    {
        out.push(finding(
            "pass.grouping_ignored",
            "/groupingIdentifier",
            format!("Wallet groups only boarding passes and event tickets; on {} the grouping ID does nothing.", super::a_style(s)),
            "Remove the grouping ID, or use a boarding pass or event ticket style.",
        ));
    }
}

fn colors(doc: &PassDocument, out: &mut Vec<Finding>) {
    let pass = &doc.pass;
    let slots = [
        (
            "backgroundColor",
            "background colour",
            &pass.background_color,
        ),
        ("foregroundColor", "text colour", &pass.foreground_color),
        ("labelColor", "label colour", &pass.label_color),
        ("stripColor", "strip text colour", &pass.strip_color),
        (
            "footerBackgroundColor",
            "footer background colour",
            &pass.poster.footer_background_color,
        ),
    ];
    for (key, name, value) in slots {
        let Some(value) = value else { continue };
        let path = format!("/{key}");
        match classify_color(value) {
            Ok(ColorNotation::Rgb(_)) => {}
            Ok(ColorNotation::Hex(c)) => out.push(finding(
                "color.hex",
                path,
                format!(
                    "The {name} {} is a hex code; it will be written as {} in the pass.",
                    quote(value),
                    format_rgb(c)
                ),
                format!("Nothing to do — or write {} yourself.", format_rgb(c)),
            )),
            Err(err) => {
                let hint = match &err {
                    ColorError::Named(n) if n.eq_ignore_ascii_case("black") => "Write it as rgb(0, 0, 0).".to_owned(),
                    ColorError::Named(n) if n.eq_ignore_ascii_case("white") => "Write it as rgb(255, 255, 255).".to_owned(),
                    _ => "Write it as rgb(red, green, blue) with numbers from 0 to 255, e.g. rgb(23, 187, 82), or pick it with the colour picker.".to_owned(),
                };
                out.push(finding(
                    "color.format",
                    path,
                    format!(
                        "The {name} {} cannot be used: {err}. Wallet refuses such a pass.",
                        quote(value)
                    ),
                    hint,
                ));
            }
        }
    }
}

fn identity(
    doc: &PassDocument,
    id: &crate::identity::IdentitySummary,
    ctx: &ValidationContext,
    out: &mut Vec<Finding>,
) {
    let pass = &doc.pass;
    if let Some(cert_type) = &id.pass_type_identifier
        && !pass.pass_type_identifier.is_empty()
        && *cert_type != pass.pass_type_identifier
    {
        out.push(finding(
            "identity.pass_type_mismatch",
            "/passTypeIdentifier",
            format!(
                "The pass says its pass type ID is {}, but the certificate is for {}. iPhones refuse such a pass.",
                quote(&pass.pass_type_identifier),
                quote(cert_type)
            ),
            format!("Set the pass type ID to {cert_type}, or sign with the certificate made for {}.", pass.pass_type_identifier),
        ));
    }
    if let Some(cert_team) = &id.team_identifier
        && !pass.team_identifier.is_empty()
        && *cert_team != pass.team_identifier
    {
        out.push(finding(
            "identity.team_mismatch",
            "/teamIdentifier",
            format!(
                "The pass says its team ID is {}, but the certificate belongs to team {}. iPhones refuse such a pass.",
                quote(&pass.team_identifier),
                quote(cert_team)
            ),
            format!("Set the team ID to {cert_team}, or sign with your own team's certificate."),
        ));
    }
    let Some(now) = ctx.clock() else { return };
    let until = format_day(id.not_after);
    if now > id.not_after {
        out.push(finding(
            "identity.expired",
            "certificate",
            format!("The signing certificate ({}) expired on {until}; iPhones refuse passes signed with it.", id.subject),
            "Create a new Pass Type ID certificate in your Apple Developer account and import it.",
        ));
    } else if now < id.not_before {
        out.push(finding(
            "identity.not_yet_valid",
            "certificate",
            format!(
                "The signing certificate ({}) is only valid from {}.",
                id.subject,
                format_day(id.not_before)
            ),
            "Check the computer's clock, or wait until the certificate becomes valid.",
        ));
    } else if id.not_after - now < EXPIRY_NOTICE {
        out.push(finding(
            "identity.expiring",
            "certificate",
            format!("The signing certificate ({}) expires on {until}.", id.subject),
            "Renew the certificate in your Apple Developer account soon; passes already issued keep working.",
        ));
    }
}

/// `YYYY-MM-DD` (UTC) of a Unix time, for messages.
fn format_day(unix: i64) -> String {
    // Civil-from-days (Howard Hinnant).
    let z = unix.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_format() {
        assert_eq!(format_day(0), "1970-01-01");
        assert_eq!(format_day(1_709_188_200), "2024-02-29");
        assert_eq!(format_day(-86_400), "1969-12-31");
    }
}
