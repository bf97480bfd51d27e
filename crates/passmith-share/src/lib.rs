//! The "Add to Apple Wallet" download page of one pass, in one place for the two ways Passmith
//! publishes it: passmith-server's `/p/<id>/` and the static folder of `passmith share`.
//!
//! - [`page_html`]: a small HTML page in the pass's colours, with its front preview, an
//!   "Add to Apple Wallet" button linking to the file and a QR code of the link. No JavaScript;
//!   every text taken from the pass is HTML-escaped, colours are re-written from their parsed
//!   numbers, so nothing in pass.json can inject markup or CSS.
//! - [`qr_png`], [`preview_png`]: the page's two pictures.
//! - [`file_name`], [`content_disposition`]: the download's name, safe in a header.
//! - [`htaccess`], [`static_headers`]: the Apache and Netlify/Cloudflare Pages files that make a
//!   static host send the pass with the right MIME type (the most common cause of "Safari cannot
//!   download this file").
//!
//! No I/O and no HTTP here: callers read and write the files, so the server and the CLI can both
//! use it and the server does not depend on the designer.

use passmith_core::PassDocument;

/// The MIME type Safari and Mail need to hand a file to Wallet.
pub const PKPASS_MIME: &str = "application/vnd.apple.pkpass";

/// Pixels per QR module in [`qr_png`], and modules of white border (the quiet zone the standard
/// asks for; phone cameras need it).
const QR_MODULE_PX: u32 = 8;
const QR_QUIET_MODULES: u32 = 4;

/// Why a picture could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ShareError {
    #[error("the link is too long for a QR code ({0} bytes)")]
    QrTooLong(usize),
    #[error("could not encode the QR code as PNG: {0}")]
    Encode(String),
}

/// `serial` as a file name that is safe everywhere, in a header and on disk: ASCII letters,
/// digits, `-`, `_` and `.` kept, anything else (quotes, slashes, spaces, control characters,
/// non-ASCII) becomes `_`; at most 100 characters, no leading dot; `pass` when nothing is left.
/// With `.pkpass` appended.
pub fn file_name(serial: &str) -> String {
    let mut stem: String = serial
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    while stem.starts_with('.') {
        stem.remove(0);
    }
    if stem.is_empty() || stem.chars().all(|c| c == '_') {
        stem = "pass".to_owned();
    }
    format!("{stem}.pkpass")
}

/// `attachment; filename="<serial>.pkpass"`, with the serial made safe by [`file_name`].
pub fn content_disposition(serial: &str) -> String {
    format!("attachment; filename=\"{}\"", file_name(serial))
}

/// `text` with `& < > " '` replaced by entities: safe inside elements and quoted attributes.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// A QR code of `text` (byte mode, error correction M) as a black-on-white PNG with the quiet
/// zone, 8 pixels per module: sharp on a desktop screen and easy for a phone camera.
pub fn qr_png(text: &str) -> Result<Vec<u8>, ShareError> {
    use image::ImageEncoder;
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|_| ShareError::QrTooLong(text.len()))?;
    let modules = code.width() as u32;
    let colors = code.to_colors();
    let side = (modules + 2 * QR_QUIET_MODULES) * QR_MODULE_PX;
    let mut pixels = vec![255u8; (side * side) as usize];
    for (i, c) in colors.iter().enumerate() {
        if *c != qrcode::Color::Dark {
            continue;
        }
        let (mx, my) = (i as u32 % modules, i as u32 / modules);
        let (x0, y0) = (
            (mx + QR_QUIET_MODULES) * QR_MODULE_PX,
            (my + QR_QUIET_MODULES) * QR_MODULE_PX,
        );
        for y in y0..y0 + QR_MODULE_PX {
            let row = (y * side) as usize;
            pixels[row + x0 as usize..row + (x0 + QR_MODULE_PX) as usize].fill(0);
        }
    }
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(&pixels, side, side, image::ExtendedColorType::L8)
        .map_err(|e| ShareError::Encode(e.to_string()))?;
    Ok(out)
}

/// The side of [`qr_png`]'s picture of `text`, in pixels (for the `<img>`'s width and height).
fn qr_side(text: &str) -> Option<u32> {
    let code =
        qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M).ok()?;
    Some((code.width() as u32 + 2 * QR_QUIET_MODULES) * QR_MODULE_PX)
}

/// Width of the preview in CSS pixels: the card on a 390-pt iPhone.
const PREVIEW_WIDTH: u32 = 358;

/// The pass's front as Wallet shows it, PNG at 2× (passmith-preview, CPU only), or None when it
/// cannot be drawn. Takes tens of milliseconds: the server renders once per pass version.
pub fn preview_png(doc: &PassDocument) -> Option<Vec<u8>> {
    let opts = passmith_preview::RenderOptions {
        scale: 2.0,
        card_width: PREVIEW_WIDTH as f32,
        ..Default::default()
    };
    passmith_preview::render_png(doc, &opts)
        .ok()
        .map(|(png, _)| png)
}

/// Where the page's links and pictures point, relative to the page or absolute.
#[derive(Debug, Clone, Copy)]
pub struct PageLinks<'a> {
    /// The .pkpass file (the "Add to Apple Wallet" button).
    pub file: &'a str,
    /// The QR code picture ([`qr_png`] of `qr_text`).
    pub qr_src: &'a str,
    /// What the QR code says (the public link); shown under the code as text too.
    pub qr_text: &'a str,
    /// The front preview ([`preview_png`]), or None to show the organization and description
    /// instead.
    pub preview_src: Option<&'a str>,
}

/// A colour of pass.json as CSS, re-written from its parsed numbers (so a crafted value cannot
/// break out of the style), or `fallback` when it does not parse.
fn css_color(raw: Option<&str>, fallback: [u8; 3]) -> String {
    let [r, g, b] = raw
        .and_then(passmith_core::color::parse_color)
        .unwrap_or(fallback);
    format!("rgb({r}, {g}, {b})")
}

/// The download page. Everything from pass.json is escaped; see the module docs.
pub fn page_html(doc: &PassDocument, links: &PageLinks<'_>) -> String {
    let pass = &doc.pass;
    let bg = css_color(pass.background_color.as_deref(), [255, 255, 255]);
    let fg = css_color(pass.foreground_color.as_deref(), [0, 0, 0]);
    let org = escape_html(pass.organization_name.trim());
    let description = escape_html(pass.description.trim());
    let title = match (org.is_empty(), description.is_empty()) {
        (false, false) => format!("{description} — {org}"),
        (true, false) => description.clone(),
        (false, true) => org.clone(),
        (true, true) => "Your pass".to_owned(),
    };
    let file = escape_html(links.file);
    let qr_src = escape_html(links.qr_src);
    let qr_text = escape_html(links.qr_text);
    let picture = match links.preview_src {
        Some(src) => format!(
            "<img class=\"pass\" src=\"{}\" width=\"{PREVIEW_WIDTH}\" alt=\"The pass: {title}\">",
            escape_html(src)
        ),
        None => {
            format!("<div class=\"pass card\"><p class=\"org\">{org}</p><p>{description}</p></div>")
        }
    };
    let qr_size = qr_side(links.qr_text)
        .map(|px| {
            // Shown at half its pixels: crisp on high-density screens, and big enough on others.
            let css = px / 2;
            format!(" width=\"{css}\" height=\"{css}\"")
        })
        .unwrap_or_default();
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>{title}</title>
<style>
body {{ margin: 0; background: {bg}; color: {fg}; font: 16px/1.4 -apple-system, BlinkMacSystemFont, "Helvetica Neue", Helvetica, Arial, sans-serif; }}
main {{ max-width: 420px; margin: 0 auto; padding: 24px 16px 40px; text-align: center; }}
h1 {{ font-size: 20px; margin: 0 0 4px; }}
p {{ margin: 0 0 16px; }}
.pass {{ display: block; max-width: 100%; height: auto; margin: 16px auto 24px; border-radius: 12px; box-shadow: 0 4px 16px rgba(0, 0, 0, 0.25); }}
.card {{ box-sizing: border-box; padding: 24px 16px; border: 1px solid {fg}; }}
.card .org {{ font-weight: 600; }}
.wallet {{ display: inline-block; padding: 12px 22px; border-radius: 10px; border: 1px solid #a6a6a6; background: #000; color: #fff; font-size: 17px; font-weight: 600; text-decoration: none; }}
.wallet small {{ display: block; font-size: 11px; font-weight: 400; }}
figure {{ margin: 32px 0 0; }}
figure img {{ background: #fff; border-radius: 8px; }}
figcaption {{ font-size: 13px; margin-top: 8px; word-break: break-all; }}
</style>
</head>
<body>
<main>
<h1>{org}</h1>
<p>{description}</p>
{picture}
<!-- Apple's official "Add to Apple Wallet" badge can't be bundled here: download the SVG from
     Apple's Add to Apple Wallet guidelines (developer.apple.com/wallet/add-to-apple-wallet-guidelines/)
     and replace the text inside this link with <img src="add-to-apple-wallet.svg" alt="Add to Apple Wallet">. -->
<a class="wallet" href="{file}" type="{PKPASS_MIME}" aria-label="Add to Apple Wallet"><small>Add to</small> Apple Wallet</a>
<figure>
<img src="{qr_src}"{qr_size} alt="QR code of this pass's link">
<figcaption>On a computer? Scan this code with your iPhone's camera to add the pass.<br>{qr_text}</figcaption>
</figure>
</main>
</body>
</html>
"#
    )
}

/// Apache `.htaccess` for a folder holding the pass `file` (as named by [`file_name`]): the MIME
/// type for every `.pkpass`, and the download disposition (mod_headers, when it is loaded).
pub fn htaccess(file: &str) -> String {
    format!(
        "# Made by `passmith share`: Safari hands a pass to Wallet only with this MIME type.\n\
         AddType {PKPASS_MIME} .pkpass\n\
         <IfModule mod_headers.c>\n\
         \x20 <Files \"{file}\">\n\
         \x20   Header set Content-Disposition \"attachment; filename=\\\"{file}\\\"\"\n\
         \x20 </Files>\n\
         </IfModule>\n"
    )
}

/// Netlify / Cloudflare Pages `_headers`: the MIME type and disposition of the pass `file` at each
/// of `dirs` (URL paths of the folder, e.g. `/` and `/passes/summer/`; each ends with `/`).
pub fn static_headers(dirs: &[String], file: &str) -> String {
    let mut out = String::from(
        "# Made by `passmith share` (Netlify and Cloudflare Pages): Safari hands a pass to Wallet\n\
         # only with this MIME type. Keep this file at the root of the published folder.\n",
    );
    for dir in dirs {
        out.push_str(&format!(
            "{dir}{file}\n  Content-Type: {PKPASS_MIME}\n  Content-Disposition: attachment; filename=\"{file}\"\n"
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn file_names_are_safe_in_headers_and_on_disk() {
        assert_eq!(file_name("ABC-123_x.y"), "ABC-123_x.y.pkpass");
        assert_eq!(file_name("a\"b\r\nc/d\\e f"), "a_b__c_d_e_f.pkpass");
        assert_eq!(file_name("../../etc"), "_.._etc.pkpass");
        assert_eq!(file_name("ünï"), "_n_.pkpass");
        assert_eq!(file_name(""), "pass.pkpass");
        assert_eq!(file_name("\"\""), "pass.pkpass");
        assert_eq!(file_name(&"x".repeat(500)).len(), 100 + ".pkpass".len());
        assert_eq!(
            content_disposition("S 1"),
            "attachment; filename=\"S_1.pkpass\""
        );
    }

    #[test]
    fn everything_from_the_pass_is_escaped() {
        let mut doc = PassDocument::default();
        doc.pass.organization_name = "<script>alert(1)</script>".into();
        doc.pass.description = "\"quoted\" & 'single'".into();
        doc.pass.background_color = Some("rgb(1,2,3); } body { display:none".into());
        doc.pass.foreground_color = Some("rgb(10, 20, 30)".into());
        let html = page_html(
            &doc,
            &PageLinks {
                file: "x\".pkpass",
                qr_src: "qr.png",
                qr_text: "https://e.com/<p>",
                preview_src: None,
            },
        );
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("&quot;quoted&quot; &amp; &#39;single&#39;"));
        assert!(!html.contains("display:none"), "a colour cannot inject CSS");
        assert!(html.contains("background: rgb(255, 255, 255)"));
        assert!(html.contains("color: rgb(10, 20, 30)"));
        assert!(html.contains("href=\"x&quot;.pkpass\""));
        assert!(html.contains("https://e.com/&lt;p&gt;"));
        assert!(!html.contains("<script"), "no JavaScript at all");
    }

    #[test]
    fn qr_png_is_a_png_of_the_expected_size() {
        let png = qr_png("https://passes.example.com/p/abc").unwrap();
        let img = image::load_from_memory(&png).unwrap();
        assert_eq!(
            Some(img.width()),
            qr_side("https://passes.example.com/p/abc")
        );
        assert!(qr_png(&"x".repeat(5000)).is_err());
    }

    #[test]
    fn header_files_set_the_mime_type() {
        let h = htaccess("S1.pkpass");
        assert!(h.contains("AddType application/vnd.apple.pkpass .pkpass"));
        assert!(
            h.contains("Header set Content-Disposition \"attachment; filename=\\\"S1.pkpass\\\"\"")
        );
        let n = static_headers(&["/".into()], "S1.pkpass");
        assert!(n.contains("/S1.pkpass\n  Content-Type: application/vnd.apple.pkpass\n"));
    }
}
