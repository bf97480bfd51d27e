//! Online keys: the update web service (URL + token) and the companion app link.

use super::quote;
use crate::code::Code;
use crate::document::PassDocument;
use crate::finding::Finding;
use crate::path::PassPath;

/// Apple's minimum length for `authenticationToken`.
const MIN_TOKEN_CHARS: usize = 16;

pub(super) fn check(doc: &PassDocument, out: &mut Vec<Finding>) {
    let pass = &doc.pass;
    let url = pass
        .web_service_url
        .as_deref()
        .filter(|u| !u.trim().is_empty());
    let token = pass
        .authentication_token
        .as_deref()
        .filter(|t| !t.is_empty());
    match (url, token) {
        (Some(_), None) => out.push(Finding::new(
            Code::WebTokenMissing,
            PassPath::key("authenticationToken"),
            "The pass has an update server address but no authentication token; Wallet refuses the pass.",
            "Add a secret token of at least 16 characters, or remove the update server address.",
        )),
        (None, Some(_)) => out.push(Finding::new(
            Code::WebUrlMissing,
            PassPath::key("webServiceURL"),
            "The pass has an authentication token but no update server address, so the token is never used.",
            "Add the address of your update server (https://…), or remove the token.",
        )),
        _ => {}
    }
    if let Some(t) = token
        && t.chars().count() < MIN_TOKEN_CHARS
    {
        out.push(Finding::new(
            Code::WebTokenShort,
            PassPath::key("authenticationToken"),
            format!(
                "The authentication token has {} characters; Wallet needs at least {MIN_TOKEN_CHARS}.",
                t.chars().count()
            ),
            "Use a longer random token (Passmith can generate one).",
        ));
    }
    if let Some(u) = url {
        let lower = u.trim().to_ascii_lowercase();
        let (scheme_ok, rest) = if let Some(rest) = lower.strip_prefix("https://") {
            (true, rest)
        } else if let Some(rest) = lower.strip_prefix("http://") {
            (false, rest)
        } else {
            (false, "")
        };
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        let host_ok =
            !host.is_empty() && !host.starts_with(':') && !u.trim().contains(char::is_whitespace);
        if rest.is_empty() || !host_ok {
            out.push(Finding::new(
                Code::WebUrlInvalid,
                PassPath::key("webServiceURL"),
                format!(
                    "The update server address {} is not a web address.",
                    quote(u)
                ),
                "Write the full address, starting with https://, e.g. https://passes.example.com/",
            ));
        } else if !scheme_ok {
            out.push(Finding::new(
                Code::WebUrlHttp,
                PassPath::key("webServiceURL"),
                "The update server address uses http, not https; iPhones only accept it with a developer setting turned on.",
                "Use an https:// address for real customers.",
            ));
        }
    }
    if pass
        .app_launch_url
        .as_deref()
        .is_some_and(|u| !u.trim().is_empty())
        && pass
            .associated_store_identifiers
            .as_ref()
            .is_none_or(Vec::is_empty)
    {
        out.push(Finding::new(
            Code::WebAppLaunchStoreId,
            PassPath::key("associatedStoreIdentifiers"),
            "The pass has an app link but no App Store app ID; Wallet needs the app ID to open the link.",
            "Add your app's App Store ID (the number in its App Store address), or remove the app link.",
        ));
    }
}
