//! `passmith share PASS.pkpass -o site/ --url https://example.com/pass/`: a folder for any static
//! web host with the pass, its "Add to Apple Wallet" page (the same page passmith-server serves
//! at `/p/<id>/`, from `passmith-share`), the QR code of the page's public URL, the front
//! preview, and the `.htaccess` (Apache) and `_headers` (Netlify, Cloudflare Pages) files that
//! make the host send the pass as `application/vnd.apple.pkpass`.
//!
//! Only a pass whose signature and manifest verify is published: a broken one would only fail
//! on the customer's phone.
//!
//! Exit codes: 0 written, 1 the pass does not verify or the folder could not be written,
//! 2 the file could not be read as a .pkpass.

use std::path::{Path, PathBuf};

use super::{EXIT_FAILED, EXIT_OK, EXIT_UNREADABLE};

/// Arguments of `passmith share`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The signed .pkpass to publish.
    pub pkpass: PathBuf,
    /// The folder to write (created if missing; files of the same names are replaced).
    #[arg(short, long)]
    pub out: PathBuf,
    /// The page's public URL once the folder is online (e.g. https://example.com/summer-pass/):
    /// what the QR code says, and where `_headers` expects the file.
    #[arg(long)]
    pub url: String,
}

/// The folder part of `url`'s path: `https://e.com/a/b/` and `https://e.com/a/b/index.html` →
/// `/a/b/`; `https://e.com` → `/`. None when it is not an http(s) URL.
fn url_dir(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    if host.is_empty() || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    Some(path[..=path.rfind('/').unwrap_or(0)].to_owned())
}

/// The document of a .pkpass whose signature and manifest verify, or the exit code and message.
fn open_verified(bytes: &[u8]) -> Result<passmith_core::PassDocument, (u8, String)> {
    let opened = passmith_core::archive::read_pkpass(bytes, passmith_core::time::now_unix())
        .map_err(|e| {
            (
                EXIT_UNREADABLE,
                format!("it is not a readable .pkpass: {e}"),
            )
        })?;
    let Some(report) = opened.package else {
        return Err((EXIT_UNREADABLE, "it is not a .pkpass package".into()));
    };
    let errors: Vec<String> = report
        .findings()
        .into_iter()
        .filter(|f| f.severity == passmith_core::Severity::Error)
        .map(|f| f.message)
        .collect();
    if !report.is_intact() || !errors.is_empty() {
        let why = if errors.is_empty() {
            "manifest.json or the signature does not match the files".to_owned()
        } else {
            errors.join(" ")
        };
        return Err((
            EXIT_FAILED,
            format!(
                "its signature does not verify, so Wallet would refuse it: {why}. Sign it again (passmith build) and share the new file"
            ),
        ));
    }
    Ok(opened.document)
}

fn write(dir: &Path, name: &str, data: &[u8]) -> anyhow::Result<()> {
    let path = dir.join(name);
    std::fs::write(&path, data).map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))
}

pub fn run(args: Args) -> anyhow::Result<u8> {
    let url = args.url.trim().to_owned();
    let Some(dir) = url_dir(&url) else {
        eprintln!(
            "error: --url {url:?} is not a web address; give the page's public URL, e.g. https://example.com/summer-pass/"
        );
        return Ok(EXIT_UNREADABLE);
    };
    let bytes = match std::fs::read(&args.pkpass) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", args.pkpass.display());
            return Ok(EXIT_UNREADABLE);
        }
    };
    let doc = match open_verified(&bytes) {
        Ok(d) => d,
        Err((code, msg)) => {
            eprintln!("error: {} is not shared: {msg}", args.pkpass.display());
            return Ok(code);
        }
    };
    let file = passmith_share::file_name(&doc.pass.serial_number);
    let qr = passmith_share::qr_png(&url)?;
    let preview = passmith_share::preview_png(&doc);
    let html = passmith_share::page_html(
        &doc,
        &passmith_share::PageLinks {
            file: &file,
            qr_src: "qr.png",
            qr_text: &url,
            preview_src: preview.as_ref().map(|_| "preview.png"),
        },
    );
    // `_headers` applies to paths of the published site: the folder's own path from --url, and
    // its root in case the folder itself is what gets published at the top.
    let mut dirs = vec![dir.clone()];
    if dir != "/" {
        dirs.push("/".to_owned());
    }
    std::fs::create_dir_all(&args.out)
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", args.out.display()))?;
    write(&args.out, &file, &bytes)?;
    write(&args.out, "index.html", html.as_bytes())?;
    write(&args.out, "qr.png", &qr)?;
    if let Some(p) = &preview {
        write(&args.out, "preview.png", p)?;
    }
    write(
        &args.out,
        ".htaccess",
        passmith_share::htaccess(&file).as_bytes(),
    )?;
    write(
        &args.out,
        "_headers",
        passmith_share::static_headers(&dirs, &file).as_bytes(),
    )?;
    println!(
        "{}: index.html, {file}, qr.png{}, .htaccess and _headers written",
        args.out.display(),
        if preview.is_some() {
            ", preview.png"
        } else {
            ""
        }
    );
    println!(
        "  upload the folder so that {url} shows index.html; the host must send {file} as {} \
         (.htaccess does it on Apache, _headers on Netlify and Cloudflare Pages; elsewhere set it yourself)",
        passmith_share::PKPASS_MIME
    );
    Ok(EXIT_OK)
}

#[cfg(test)]
mod tests {
    use super::url_dir;

    #[test]
    fn the_folder_of_the_page_url() {
        assert_eq!(url_dir("https://e.com/a/b/").as_deref(), Some("/a/b/"));
        assert_eq!(
            url_dir("https://e.com/a/b/index.html").as_deref(),
            Some("/a/b/")
        );
        assert_eq!(url_dir("https://e.com").as_deref(), Some("/"));
        assert_eq!(url_dir("http://e.com:8000/?x").as_deref(), Some("/"));
        assert_eq!(url_dir("e.com/a/"), None);
        assert_eq!(url_dir("https:///a"), None);
        assert_eq!(url_dir("https://e.com/a b/"), None);
    }
}
