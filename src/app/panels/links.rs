//! App link (appLaunchURL, App Store ids) and web service (URL + authentication token with a
//! "Generate" button that draws a cryptographically random token).

use egui::Ui;
use passmith_core::PassDocument;

use crate::app::widgets::{self, Ed};

/// Token length: Apple asks for at least 16 characters; 40 leaves a wide margin.
const TOKEN_LEN: usize = 40;
const TOKEN_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// A random token from the operating system's CSPRNG (`getrandom`), unbiased by rejection sampling.
pub fn generate_token() -> Result<String, getrandom::Error> {
    let mut out = String::with_capacity(TOKEN_LEN);
    // 62 symbols: reject bytes ≥ 248 (= 4 × 62) so every symbol is equally likely.
    let limit = (256 / TOKEN_ALPHABET.len() * TOKEN_ALPHABET.len()) as u8;
    while out.len() < TOKEN_LEN {
        let mut buf = [0u8; 64];
        getrandom::fill(&mut buf)?;
        for b in buf {
            if b < limit && out.len() < TOKEN_LEN {
                out.push(TOKEN_ALPHABET[usize::from(b) % TOKEN_ALPHABET.len()] as char);
            }
        }
    }
    Ok(out)
}

fn ids_to_text(ids: &Option<Vec<u64>>) -> String {
    ids.as_ref()
        .map(|v| v.iter().map(u64::to_string).collect::<Vec<_>>().join(", "))
        .unwrap_or_default()
}

pub fn app_link_ui(ui: &mut Ui, ed: &mut Ed<'_>, doc: &mut PassDocument) {
    widgets::grid_ui(ui, "applink-grid", |ui| {
        let pass = &mut doc.pass;
        widgets::opt_text_ui(
            ui,
            ed,
            "App launch URL",
            &mut pass.app_launch_url,
            "/appLaunchURL",
            "myapp://open/pass",
        );
        let mut text = ids_to_text(&pass.associated_store_identifiers);
        let r = widgets::text_ui(
            ui,
            ed,
            "App Store IDs",
            &mut text,
            "/associatedStoreIdentifiers",
            "e.g. 284882215, comma separated",
        );
        if r.changed() {
            let ids: Vec<u64> = text
                .split(',')
                .filter_map(|s| s.trim().parse().ok())
                .collect();
            pass.associated_store_identifiers = (!ids.is_empty()).then_some(ids);
        }
    });
}

pub fn web_service_ui(ui: &mut Ui, ed: &mut Ed<'_>, doc: &mut PassDocument) {
    widgets::grid_ui(ui, "webservice-grid", |ui| {
        let pass = &mut doc.pass;
        widgets::opt_text_ui(
            ui,
            ed,
            "Web service URL",
            &mut pass.web_service_url,
            "/webServiceURL",
            "https://passes.example.com/",
        );
        widgets::opt_text_ui(
            ui,
            ed,
            "Authentication token",
            &mut pass.authentication_token,
            "/authenticationToken",
            "at least 16 characters",
        );
        ui.label("");
        if ui
            .button("Generate token")
            .on_hover_text("A new random 40-character token")
            .clicked()
        {
            match generate_token() {
                Ok(t) => pass.authentication_token = Some(t),
                Err(e) => ed.messages.push(format!("Could not generate a token: {e}")),
            }
        }
        ui.end_row();
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_tokens_are_long_alphanumeric_and_different() {
        let a = generate_token().unwrap();
        let b = generate_token().unwrap();
        assert!(a.len() >= 32);
        assert!(a.bytes().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a, b);
    }
}
