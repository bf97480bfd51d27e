//! Top-level keys: required keys, identifiers, the pass style, colours and the signing certificate.

use super::{ValidationContext, quote};
use crate::code::Code;
use crate::color::{ColorError, ColorNotation, classify_color, format_rgb};
use crate::document::PassDocument;
use crate::finding::Finding;
use crate::path::PassPath;

pub(super) fn check(doc: &PassDocument, ctx: &ValidationContext, out: &mut Vec<Finding>) {
    let pass = &doc.pass;
    required(doc, out);
    match pass.format_version {
        Some(1) | None => {}
        Some(v) => out.push(Finding::new(
            Code::PassFormatVersion,
            PassPath::key("formatVersion"),
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
        out.push(Finding::new(
            Code::PassTeamIdentifier,
            PassPath::key("teamIdentifier"),
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
        out.push(Finding::new(
            Code::PassRequired,
            PassPath::key("formatVersion"),
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
            out.push(Finding::new(
                Code::PassRequired,
                PassPath::key(key),
                message,
                hint,
            ));
        }
    }
}

fn pass_type_identifier(id: &str, out: &mut Vec<Finding>) {
    let path = PassPath::key("passTypeIdentifier");
    let hint = "Use the pass type ID exactly as registered with Apple: it starts with “pass.” followed by a reversed domain, e.g. pass.com.example.loyalty.";
    // A common mistake: the team ID prefix Xcode shows (`ABCDE12345.pass.com.x`).
    if let Some((prefix, rest)) = id.split_once(".pass.")
        && !prefix.is_empty()
        && !prefix.contains('.')
        && !id.starts_with("pass.")
    {
        out.push(Finding::new(
            Code::PassTypeIdentifier,
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
        out.push(Finding::new(
            Code::PassTypeIdentifier,
            path,
            format!(
                "The pass type ID {} does not start with “pass.”.",
                quote(id)
            ),
            hint,
        ));
        return;
    };
    // Empty labels (`pass.com.example..name`) are not flagged: Apple issued a certificate for
    // exactly such an id. Other shapes are only a warning: no rejection of them is known.
    let labels: Vec<&str> = rest.split('.').collect();
    let label_ok = |l: &&str| {
        l.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    if labels.len() < 2 || !labels.iter().all(label_ok) {
        out.push(Finding::new(
            Code::PassTypeIdentifierShape,
            path,
            format!(
                "The pass type ID {} does not look like a reversed domain name (letters, digits, - and _ between dots, at least two parts after “pass.”).",
                quote(id)
            ),
            hint,
        ));
    }
}

fn style(doc: &PassDocument, out: &mut Vec<Finding>) {
    let styles = doc.pass.styles_present();
    match styles.as_slice() {
        [] => out.push(Finding::new(
            Code::PassStyleMissing,
            PassPath::Pass,
            "The pass has no style, so Wallet does not know how to show it.",
            "Choose one style: boarding pass, coupon, event ticket, generic or store card.",
        )),
        [_] => {}
        [_, rest @ ..] => {
            for s in rest {
                out.push(Finding::new(
                    Code::PassStyleMultiple,
                    PassPath::style(*s),
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
        && !crate::rules::applies(crate::rules::StyleKey::GroupingIdentifier, s)
    {
        out.push(Finding::new(
            Code::PassGroupingIgnored,
            PassPath::key("groupingIdentifier"),
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
        let path = PassPath::key(key);
        match classify_color(value) {
            // rgba() is what Apple's own tools write; iPhones take it.
            Ok(ColorNotation::Rgb(_) | ColorNotation::Rgba(_)) => {}
            Ok(ColorNotation::Hex(c)) => out.push(Finding::new(
                Code::ColorHex,
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
                out.push(Finding::new(
                    Code::ColorFormat,
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
    // The one certificate-versus-pass check lives with the identity; validation only asks it.
    out.extend(id.check_identifiers(&doc.pass));
    if let Some(now) = ctx.clock() {
        out.extend(id.check_validity(now));
    }
}
