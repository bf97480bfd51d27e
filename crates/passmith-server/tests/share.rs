//! Download links (issue 15): `/p/<id>` serves the latest pass with the headers Safari needs,
//! `/p/<id>/` is the "Add to Apple Wallet" page whose QR code decodes to the link; revoked,
//! expired and random ids answer the same 404 in the same time; links are rate-limited.

use std::time::Instant;

use sha2::{Digest, Sha256};

use crate::util::*;

/// The QR code in a PNG, decoded.
pub fn decode_qr(png: &[u8]) -> String {
    let img = image::load_from_memory(png).unwrap().to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(img);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the picture");
    grids[0].decode().unwrap().1
}

/// The value of attribute `attr` of the first tag containing `marker`.
fn attr_after(html: &str, marker: &str, attr: &str) -> String {
    let at = html
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} in {html}"));
    let tag_start = html[..at].rfind('<').unwrap();
    let tag_end = at + html[at..].find('>').unwrap();
    let tag = &html[tag_start..tag_end];
    let key = format!("{attr}=\"");
    let from = tag.find(&key).unwrap_or_else(|| panic!("{attr} in {tag}")) + key.len();
    tag[from..from + tag[from..].find('"').unwrap()].to_owned()
}

/// `href` relative to the page URL `page` (which ends with `/`).
fn resolve(page: &str, href: &str) -> String {
    if href.starts_with("http") {
        return href.to_owned();
    }
    let mut base = page.trim_end_matches('/').to_owned();
    let mut rest = href;
    while let Some(r) = rest.strip_prefix("../") {
        base.truncate(base.rfind('/').unwrap());
        rest = r;
    }
    format!("{base}/{rest}")
}

fn header(r: &reqwest::Response, name: &str) -> String {
    r.headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_else(|| panic!("no {name} header"))
}

async fn status(url: &str) -> u16 {
    client().get(url).send().await.unwrap().status().as_u16()
}

fn random_link(server: &Server) -> String {
    server.url(&format!("/p/{:032x}", rand::random::<u128>()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_link_serves_the_latest_pass_page_and_qr_then_revoke() {
    let dir = tempfile::tempdir().unwrap();
    for db in databases(dir.path()).await {
        let server = Server::start(dir.path(), &db, &[]);
        let service = server.url("");
        let v1 = make_pkpass("SHARE 1/\"x\"", 1, &service);
        let (code, up) = server.upload(v1.clone()).await;
        assert_eq!(code, 201, "{up}");
        let link = up["shareUrl"].as_str().unwrap().to_owned();
        let page_url = up["sharePageUrl"].as_str().unwrap().to_owned();
        assert!(link.starts_with(&server.url("/p/")), "{link}");
        let id = link.rsplit('/').next().unwrap();
        assert!(
            id.len() >= 32 && id.bytes().all(|b| b.is_ascii_hexdigit()),
            "128-bit id: {id}"
        );
        assert_eq!(page_url, format!("{link}/"));

        // The file: exact headers, exact bytes.
        let r = client().get(&link).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200);
        assert_eq!(header(&r, "content-type"), "application/vnd.apple.pkpass");
        assert_eq!(
            header(&r, "content-disposition"),
            "attachment; filename=\"SHARE_1__x_.pkpass\"",
            "the serial is made safe for the header"
        );
        assert_eq!(header(&r, "cache-control"), "no-store");
        let etag = header(&r, "etag");
        assert_eq!(etag, format!("\"{}\"", hex::encode(Sha256::digest(&v1))));
        assert_eq!(r.bytes().await.unwrap().as_ref(), v1.as_slice());

        // HEAD: the same headers, no body.
        let h = client().head(&link).send().await.unwrap();
        assert_eq!(h.status().as_u16(), 200);
        for name in [
            "content-type",
            "content-disposition",
            "cache-control",
            "etag",
        ] {
            assert!(h.headers().contains_key(name), "HEAD has {name}");
        }
        assert_eq!(header(&h, "etag"), etag);
        assert_eq!(header(&h, "content-length"), v1.len().to_string());
        assert!(h.bytes().await.unwrap().is_empty());

        // A conditional GET of the same version is 304.
        let c = client()
            .get(&link)
            .header("if-none-match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(c.status().as_u16(), 304);

        // A new version: same link, new bytes.
        let v2 = make_pkpass("SHARE 1/\"x\"", 2, &service);
        let (code, up2) = server.upload(v2.clone()).await;
        assert_eq!(code, 200);
        assert_eq!(
            up2["shareUrl"].as_str(),
            Some(link.as_str()),
            "one link per pass"
        );
        let r = client().get(&link).send().await.unwrap();
        assert_ne!(header(&r, "etag"), etag);
        assert_eq!(r.bytes().await.unwrap().as_ref(), v2.as_slice());

        // The page: links the file, shows the preview, and its QR code decodes to the link.
        let http = client();
        let started = Instant::now();
        let p = http.get(&page_url).send().await.unwrap();
        let first_page_ms = started.elapsed().as_millis();
        assert_eq!(p.status().as_u16(), 200);
        assert_eq!(header(&p, "content-type"), "text/html; charset=utf-8");
        assert_eq!(header(&p, "cache-control"), "no-store");
        assert_eq!(header(&p, "referrer-policy"), "no-referrer");
        let html = p.text().await.unwrap();
        assert!(!html.contains("<script"), "no JavaScript");
        assert!(html.contains("Add to") && html.contains("Apple Wallet"));
        let href = attr_after(&html, "class=\"wallet\"", "href");
        assert_eq!(resolve(&page_url, &href), link, "the button links the file");
        let qr_src = attr_after(&html, "alt=\"QR code", "src");
        let qr = client()
            .get(resolve(&page_url, &qr_src))
            .send()
            .await
            .unwrap();
        assert_eq!(header(&qr, "content-type"), "image/png");
        assert_eq!(decode_qr(&qr.bytes().await.unwrap()), link);
        let preview_src = attr_after(&html, "class=\"pass\"", "src");
        let preview = client()
            .get(resolve(&page_url, &preview_src))
            .send()
            .await
            .unwrap();
        assert_eq!(preview.status().as_u16(), 200);
        let img = image::load_from_memory(&preview.bytes().await.unwrap()).unwrap();
        assert_eq!(img.width(), 716, "the front at 2x");
        let started = Instant::now();
        let again = http.get(&page_url).send().await.unwrap();
        assert_eq!(again.text().await.unwrap(), html);
        let cached_page_ms = started.elapsed().as_millis();
        println!(
            "download page: first (read + preview render) {first_page_ms} ms, cached {cached_page_ms} ms"
        );

        // Revoke: the link, its page and pictures are gone; a second revoke is 404.
        let api = server.url(&format!(
            "/api/v1/passes/{PASS_TYPE}/{}/share",
            "SHARE%201%2F%22x%22"
        ));
        let r = client()
            .delete(&api)
            .bearer_auth(API_KEY)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        for url in [&link, &page_url, &format!("{page_url}qr.png")] {
            assert_eq!(status(url).await, 404, "{url}");
        }
        let r = client()
            .delete(&api)
            .bearer_auth(API_KEY)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 404);
        assert_eq!(status(&random_link(&server)).await, 404);
        assert_eq!(status(&server.url("/p/not-an-id")).await, 404);
        // Later uploads do not bring a revoked link back, nor make a new one by themselves.
        let (_, up3) = server
            .upload(make_pkpass("SHARE 1/\"x\"", 3, &service))
            .await;
        assert!(up3.get("shareUrl").is_none(), "{up3}");
        // Asked for, a new link is made; the old one stays dead.
        let r = client()
            .post(&api)
            .bearer_auth(API_KEY)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 201);
        let renewed: passmith_api::ShareLink = r.json().await.unwrap();
        assert_ne!(renewed.share_url, link);
        assert_eq!(status(&renewed.share_url).await, 200);
        assert_eq!(status(&link).await, 404);
        drop(server);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expiry_deleted_passes_and_the_rate_limit() {
    let dir = tempfile::tempdir().unwrap();
    for db in databases(dir.path()).await {
        let server = Server::start(dir.path(), &db, &["--share-rate-limit", "5"]);
        let service = server.url("");
        let (_, up) = server.upload(make_pkpass("EXP-1", 1, &service)).await;
        let link = up["shareUrl"].as_str().unwrap().to_owned();
        let api = server.url(&format!("/api/v1/passes/{PASS_TYPE}/EXP-1/share"));
        assert_eq!(status(&link).await, 200);

        // An expiry in the past: 404 like any unknown link; cleared again: 200.
        let r = client()
            .patch(&api)
            .bearer_auth(API_KEY)
            .json(&serde_json::json!({"expiresAt": "2001-01-01T00:00:00Z"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        let shown: passmith_api::ShareLink = r.json().await.unwrap();
        assert_eq!(shown.expires_at.as_deref(), Some("2001-01-01T00:00:00Z"));
        assert_eq!(status(&link).await, 404);
        let r = client()
            .patch(&api)
            .bearer_auth(API_KEY)
            .json(&serde_json::json!({"expiresAt": null}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        assert_eq!(status(&link).await, 200);
        let r = client()
            .patch(&api)
            .bearer_auth(API_KEY)
            .json(&serde_json::json!({"expiresAt": "tomorrow"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 400);
        // The API needs the key.
        assert_eq!(
            client()
                .delete(&api)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16(),
            401
        );

        // Five requests per minute per link: the sixth is refused, another link is not.
        let mut codes = vec![];
        for _ in 0..2 {
            codes.push(status(&link).await);
        }
        assert_eq!(codes, [200, 200], "2 + the 3 above = 5");
        assert_eq!(status(&link).await, 429);
        let (_, other) = server.upload(make_pkpass("EXP-2", 1, &service)).await;
        assert_eq!(status(other["shareUrl"].as_str().unwrap()).await, 200);

        // Deleting the pass kills its link; the same serial uploaded again gets a new one.
        let r = client()
            .delete(server.url(&format!("/api/v1/passes/{PASS_TYPE}/EXP-2")))
            .bearer_auth(API_KEY)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        assert_eq!(status(other["shareUrl"].as_str().unwrap()).await, 404);
        let (_, again) = server.upload(make_pkpass("EXP-2", 1, &service)).await;
        assert_ne!(again["shareUrl"], other["shareUrl"]);
        drop(server);
    }
}

/// Median of `xs` in microseconds.
fn median(mut xs: Vec<u128>) -> u128 {
    xs.sort_unstable();
    xs[xs.len() / 2]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoked_and_random_links_answer_404_in_the_same_time() {
    let dir = tempfile::tempdir().unwrap();
    for db in databases(dir.path()).await {
        let server = Server::start(dir.path(), &db, &["--share-rate-limit", "0"]);
        let service = server.url("");
        // Some other links in the table, so lookups are not of an empty index.
        for i in 0..50 {
            server
                .upload(make_pkpass(&format!("T-{i}"), 1, &service))
                .await;
        }
        let (_, up) = server.upload(make_pkpass("T-REVOKED", 1, &service)).await;
        let revoked = up["shareUrl"].as_str().unwrap().to_owned();
        let r = client()
            .delete(server.url(&format!("/api/v1/passes/{PASS_TYPE}/T-REVOKED/share")))
            .bearer_auth(API_KEY)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        let http = client();
        let time = |url: String| {
            let http = http.clone();
            async move {
                let started = Instant::now();
                let r = http.get(&url).send().await.unwrap();
                let code = r.status().as_u16();
                let body = r.bytes().await.unwrap();
                (started.elapsed().as_micros(), code, body)
            }
        };
        // Warm up the connection and the database's caches.
        for _ in 0..20 {
            time(revoked.clone()).await;
        }
        let (mut t_revoked, mut t_random) = (vec![], vec![]);
        let mut bodies = std::collections::HashSet::new();
        for _ in 0..300 {
            let (t, code, body) = time(revoked.clone()).await;
            assert_eq!(code, 404);
            bodies.insert(body);
            t_revoked.push(t);
            let (t, code, body) = time(random_link(&server)).await;
            assert_eq!(code, 404);
            bodies.insert(body);
            t_random.push(t);
        }
        assert_eq!(bodies.len(), 1, "the same 404 body for both");
        let (m_revoked, m_random) = (median(t_revoked), median(t_random));
        let ratio = m_revoked as f64 / m_random as f64;
        println!(
            "{}: 404 median over 300 requests each: revoked {m_revoked} µs, random {m_random} µs (ratio {ratio:.2})",
            if db.starts_with("postgres") {
                "PostgreSQL"
            } else {
                "SQLite"
            }
        );
        assert!(
            (0.5..2.0).contains(&ratio),
            "revoked {m_revoked} µs vs random {m_random} µs"
        );
        drop(server);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn links_start_with_the_public_url_or_else_the_request_host() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("passes.db").display());
    let server = Server::start(
        dir.path(),
        &db,
        &["--public-url", "https://passes.example.com/wallet/"],
    );
    let (_, up) = server
        .upload(make_pkpass("PUB-1", 1, &server.url("")))
        .await;
    let link = up["shareUrl"].as_str().unwrap();
    let id = link
        .strip_prefix("https://passes.example.com/wallet/p/")
        .unwrap_or_else(|| panic!("{link}"));
    let local_page = server.url(&format!("/p/{id}/"));
    let qr = client()
        .get(format!("{local_page}qr.png"))
        .send()
        .await
        .unwrap();
    assert_eq!(decode_qr(&qr.bytes().await.unwrap()), link);
    drop(server);

    // Without --public-url: the Host the client used, https only when the proxy says so.
    let server = Server::start(dir.path(), &db, &[]);
    let r = client()
        .put(server.url("/api/v1/passes"))
        .bearer_auth(API_KEY)
        .header("x-forwarded-proto", "https")
        .body(make_pkpass("PUB-2", 1, &server.url("")))
        .send()
        .await
        .unwrap();
    let up: serde_json::Value = r.json().await.unwrap();
    let host = server.base.strip_prefix("http://").unwrap();
    assert!(
        up["shareUrl"]
            .as_str()
            .unwrap()
            .starts_with(&format!("https://{host}/p/")),
        "{up}"
    );
    // The management API shows the same link.
    let r = client()
        .get(server.url(&format!("/api/v1/passes/{PASS_TYPE}/PUB-2/share")))
        .bearer_auth(API_KEY)
        .send()
        .await
        .unwrap();
    let shown: passmith_api::ShareLink = r.json().await.unwrap();
    assert_eq!(
        shown.share_url,
        up["shareUrl"]
            .as_str()
            .unwrap()
            .replace("https://", "http://")
    );
}
