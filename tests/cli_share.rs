//! Download links end to end: `passmith upload` against a real passmith-server on 127.0.0.1
//! (SQLite file) prints the link, which serves the signed pass with Safari's headers and whose
//! page carries a QR code of the link; after revoke it is 404. And `passmith share` writes a
//! static folder (page, pass, QR code, `.htaccess`, `_headers`) that a plain file server serves.
//! PostgreSQL is covered by passmith-server's own suite (`tests/share.rs` there).

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::util::{os, run, unzip, zip};

/// A signed pass with a web service and token, as the server accepts it.
fn signed_pass(dir: &Path, serial: &str) -> PathBuf {
    let root = crate::util::fixtures();
    let mut doc =
        passmith_core::PassDocument::read_dir(&root.join("apple-samples/Generic.pass")).unwrap();
    doc.pass.pass_type_identifier = "pass.com.example.passmith".into();
    doc.pass.team_identifier = "TEAM123456".into();
    doc.pass.serial_number = serial.into();
    doc.pass.web_service_url = Some("https://passes.example.com/".into());
    doc.pass.authentication_token = Some(format!("token-{serial}-0123456789"));
    doc.pass.background_color = Some("rgb(12, 34, 56)".into());
    doc.pass.foreground_color = Some("rgb(250, 240, 230)".into());
    let p12 = std::fs::read(root.join("certs/test-pass.p12")).unwrap();
    let id = passmith_core::identity::Identity::from_pkcs12(&p12, "test-password").unwrap();
    let wwdr = std::fs::read(root.join("certs/test-wwdr-ca.pem")).unwrap();
    let opts = passmith_core::export::ExportOptions::at(passmith_core::time::now_unix());
    let signed = passmith_core::export::prepare(&doc, &id, &opts.with_wwdr(&wwdr)).unwrap();
    let path = dir.join(format!("{serial}.pkpass"));
    std::fs::write(&path, signed.bytes).unwrap();
    path
}

fn decode_qr(png: &[u8]) -> String {
    let img = image::load_from_memory(png).unwrap().to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(img);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the picture");
    grids[0].decode().unwrap().1
}

/// The value of attribute `attr` in the tag containing `marker`.
fn attr(html: &str, marker: &str, attr: &str) -> String {
    let at = html
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} in {html}"));
    let start = html[..at].rfind('<').unwrap();
    let tag = &html[start..at + html[at..].find('>').unwrap()];
    let key = format!("{attr}=\"");
    let from = tag.find(&key).unwrap_or_else(|| panic!("{attr} in {tag}")) + key.len();
    tag[from..from + tag[from..].find('"').unwrap()].to_owned()
}

fn header(r: &reqwest::blocking::Response, name: &str) -> String {
    r.headers()
        .get(name)
        .unwrap_or_else(|| panic!("no {name}"))
        .to_str()
        .unwrap()
        .to_owned()
}

#[test]
fn upload_prints_a_link_that_serves_the_pass_page_and_qr_until_revoked() {
    let dir = tempfile::tempdir().unwrap();
    let key = "share-cli-key-0123456";
    let test_server = crate::util::start_server(dir.path(), key);
    let (server, key_file, running) = (
        test_server.url.clone(),
        test_server.key_file.clone(),
        &test_server.running,
    );
    let pass = signed_pass(dir.path(), "LINK-1");
    let signed = std::fs::read(&pass).unwrap();

    let (code, stdout, stderr) = run(os![
        "upload",
        "--server",
        server,
        "--api-key-file",
        key_file,
        pass
    ]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let line = |prefix: &str| {
        stdout
            .lines()
            .find_map(|l| l.trim().strip_prefix(prefix))
            .unwrap_or_else(|| panic!("{prefix} in {stdout}"))
            .trim()
            .to_owned()
    };
    let link = line("download link:");
    let page_url = line("Add to Apple Wallet page:");
    assert!(link.starts_with(&format!("{server}/p/")), "{link}");
    assert_eq!(page_url, format!("{link}/"));

    let http = reqwest::blocking::Client::new();
    let r = http.get(&link).send().unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(header(&r, "content-type"), "application/vnd.apple.pkpass");
    assert_eq!(
        header(&r, "content-disposition"),
        "attachment; filename=\"LINK-1.pkpass\""
    );
    assert_eq!(header(&r, "cache-control"), "no-store");
    let etag = header(&r, "etag");
    assert!(etag.starts_with('"') && etag.len() == 66, "{etag}");
    assert_eq!(
        r.bytes().unwrap().as_ref(),
        signed.as_slice(),
        "the signed pass, byte for byte"
    );
    let h = http.head(&link).send().unwrap();
    assert_eq!(h.status().as_u16(), 200);
    assert_eq!(header(&h, "content-type"), "application/vnd.apple.pkpass");
    assert_eq!(
        header(&h, "content-disposition"),
        "attachment; filename=\"LINK-1.pkpass\""
    );
    assert_eq!(header(&h, "etag"), etag);
    assert_eq!(header(&h, "cache-control"), "no-store");
    assert!(h.bytes().unwrap().is_empty());

    // The page: in the pass's colours, links the file, its QR code decodes to the link.
    let html = http.get(&page_url).send().unwrap().text().unwrap();
    assert!(html.contains("background: rgb(12, 34, 56)"), "{html}");
    assert!(html.contains("color: rgb(250, 240, 230)"));
    let href = attr(&html, "class=\"wallet\"", "href");
    assert_eq!(href, format!("../{}", link.rsplit('/').next().unwrap()));
    let file_via_page = http.get(format!("{page_url}{href}")).send().unwrap();
    assert_eq!(file_via_page.bytes().unwrap().as_ref(), signed.as_slice());
    let qr_src = attr(&html, "alt=\"QR code", "src");
    let qr = http.get(format!("{page_url}{qr_src}")).send().unwrap();
    assert_eq!(decode_qr(&qr.bytes().unwrap()), link);

    // Revoke through the management API: 404, like a random id.
    let r = http
        .delete(format!(
            "{server}/api/v1/passes/pass.com.example.passmith/LINK-1/share"
        ))
        .bearer_auth(key)
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(http.get(&link).send().unwrap().status().as_u16(), 404);
    assert_eq!(http.get(&page_url).send().unwrap().status().as_u16(), 404);
    let random = format!("{server}/p/{}", "0123456789abcdef".repeat(2));
    assert_eq!(http.get(&random).send().unwrap().status().as_u16(), 404);
    // Uploading again says nothing about a link any more.
    let (code, stdout, _) = run(os![
        "upload",
        "--server",
        server,
        "--api-key-file",
        key_file,
        pass
    ]);
    assert_eq!(code, 0);
    assert!(!stdout.contains("download link"), "{stdout}");
    running.shutdown();
}

#[test]
fn share_writes_a_static_site_with_the_mime_type_files() {
    let dir = tempfile::tempdir().unwrap();
    let pass = signed_pass(dir.path(), "SITE 1");
    let signed = std::fs::read(&pass).unwrap();
    let out = dir.path().join("site");
    let url = "https://example.com/summer/";
    let (code, stdout, stderr) = run(os!["share", pass, "-o", out, "--url", url]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");

    let file = "SITE_1.pkpass";
    assert_eq!(std::fs::read(out.join(file)).unwrap(), signed);
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert_eq!(attr(&html, "class=\"wallet\"", "href"), file);
    assert_eq!(attr(&html, "alt=\"QR code", "src"), "qr.png");
    assert_eq!(attr(&html, "class=\"pass\"", "src"), "preview.png");
    assert!(html.contains("background: rgb(12, 34, 56)"));
    assert!(!html.contains("<script"));
    assert_eq!(decode_qr(&std::fs::read(out.join("qr.png")).unwrap()), url);
    image::load_from_memory(&std::fs::read(out.join("preview.png")).unwrap()).unwrap();

    // The header files, as written.
    assert_eq!(
        std::fs::read_to_string(out.join(".htaccess")).unwrap(),
        "# Made by `passmith share`: Safari hands a pass to Wallet only with this MIME type.\n\
         AddType application/vnd.apple.pkpass .pkpass\n\
         <IfModule mod_headers.c>\n\
         \x20 <Files \"SITE_1.pkpass\">\n\
         \x20   Header set Content-Disposition \"attachment; filename=\\\"SITE_1.pkpass\\\"\"\n\
         \x20 </Files>\n\
         </IfModule>\n"
    );
    let headers = std::fs::read_to_string(out.join("_headers")).unwrap();
    for path in ["/summer/SITE_1.pkpass", "/SITE_1.pkpass"] {
        assert!(
            headers.contains(&format!(
                "\n{path}\n  Content-Type: application/vnd.apple.pkpass\n  Content-Disposition: attachment; filename=\"SITE_1.pkpass\"\n"
            )),
            "{path} in {headers}"
        );
    }
    // Every rule line is a path or an indented header (Netlify / Cloudflare syntax).
    for l in headers.lines() {
        assert!(
            l.starts_with('#') || l.starts_with('/') || l.starts_with("  "),
            "{l:?}"
        );
    }

    // A plain static file server serves the folder as written.
    let mut server = Command::new("python3")
        .args(["-u", "-m", "http.server", "--bind", "127.0.0.1", "0"])
        .current_dir(&out)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let port: u16 = first
        .split("port ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("{first}"));
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::blocking::Client::new();
    let page = http.get(format!("{base}/")).send().unwrap().text().unwrap();
    assert_eq!(page, html);
    let got = http.get(format!("{base}/{file}")).send().unwrap();
    assert_eq!(got.bytes().unwrap().as_ref(), signed.as_slice());
    let _ = server.kill();
    let _ = server.wait();

    // A pass whose files no longer match its signature is refused, and nothing is written.
    let mut files = unzip(&signed);
    files.insert(
        "pass.json".into(),
        String::from_utf8(files["pass.json"].clone())
            .unwrap()
            .replace("SITE 1", "SITE 2")
            .into_bytes(),
    );
    let tampered = dir.path().join("tampered.pkpass");
    std::fs::write(
        &tampered,
        zip(files.iter().map(|(n, b)| (n.as_str(), b.as_slice()))),
    )
    .unwrap();
    let other = dir.path().join("other");
    let (code, _, stderr) = run(os!["share", tampered, "-o", other, "--url", url]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("signature does not verify"), "{stderr}");
    assert!(!other.exists());
    // Not a pass at all: 2.
    let (code, _, _) = run(os![
        "share",
        dir.path().join("nope.pkpass"),
        "-o",
        other,
        "--url",
        url
    ]);
    assert_eq!(code, 2);
}
