//! `passmith google`: class.json, object.json and a link.txt that openssl verifies, the
//! `--json` summary and exit codes, and `--insert` against a fake Google token endpoint and
//! Wallet API on 127.0.0.1 (insert, then patch on 409, and the errors Google gives).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{patch, post};
use passmith_testkit::google_schema::Discovery;
use passmith_testkit::{google_service_account, jwt_parts, openssl_verifies_jwt};
use serde_json::{Value, json};

use crate::util::{batch_design, cert, cert_password_file, fixtures, os, run};

const ISSUER: &str = "3388000000012345678";
const TOKEN: &str = "ya29.fake-access-token";

fn template(name: &str) -> PathBuf {
    fixtures()
        .join("../../sample_passes")
        .join(format!("{name}.pass"))
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// A small generic pass whose class and object fit in one save link.
fn small_pass(dir: &Path) -> PathBuf {
    let pass = dir.join("Small.pass");
    std::fs::create_dir_all(&pass).unwrap();
    std::fs::copy(template("Generic").join("icon.png"), pass.join("icon.png")).unwrap();
    let json = json!({
        "formatVersion": 1,
        "passTypeIdentifier": "pass.com.example.passmith",
        "teamIdentifier": "TEAM123456",
        "serialNumber": "S-1",
        "organizationName": "Example",
        "description": "Member",
        "backgroundColor": "rgb(10, 20, 30)",
        "generic": {"primaryFields": [{"key": "name", "label": "NAME", "value": "Ada"}]},
        "barcodes": [{"format": "PKBarcodeFormatQR", "message": "S-1", "messageEncoding": "iso-8859-1"}]
    });
    std::fs::write(pass.join("pass.json"), json.to_string()).unwrap();
    pass
}

#[test]
fn writes_class_object_and_a_link_that_openssl_verifies_and_decodes_to_them() {
    let dir = tempfile::tempdir().unwrap();
    let (key, public) = google_service_account(dir.path(), "https://oauth2.googleapis.com/token");
    let out = dir.path().join("out");
    let (code, stdout, stderr) = run([
        "google".as_ref(),
        small_pass(dir.path()).as_os_str(),
        "--issuer-id".as_ref(),
        ISSUER.as_ref(),
        "--key".as_ref(),
        key.as_os_str(),
        "--origin".as_ref(),
        "https://shop.example.com".as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let class = read_json(&out.join("class.json"));
    let object = read_json(&out.join("object.json"));
    let discovery = Discovery::load();
    assert_eq!(
        discovery.check("GenericClass", &class),
        Vec::<String>::new()
    );
    assert_eq!(
        discovery.check("GenericObject", &object),
        Vec::<String>::new()
    );
    assert_eq!(object["id"], format!("{ISSUER}.com.example.passmith.S-1"));

    let link = std::fs::read_to_string(out.join("link.txt")).unwrap();
    let jwt = link
        .trim()
        .strip_prefix("https://pay.google.com/gp/v/save/")
        .unwrap();
    assert!(jwt.len() <= 1800, "{}", jwt.len());
    assert!(openssl_verifies_jwt(jwt, &public));
    let (header, claims) = jwt_parts(jwt);
    assert_eq!(header["alg"], "RS256");
    assert_eq!(
        claims["iss"],
        "wallet@passmith-test.iam.gserviceaccount.com"
    );
    assert_eq!(claims["aud"], "google");
    assert_eq!(claims["typ"], "savetowallet");
    assert!(claims["iat"].as_i64().unwrap() > 1_700_000_000);
    assert_eq!(claims["origins"], json!(["https://shop.example.com"]));
    assert_eq!(claims["payload"]["genericClasses"][0], class);
    assert_eq!(claims["payload"]["genericObjects"][0], object);

    // A key other than the service account's does not verify the link.
    let other = tempfile::tempdir().unwrap();
    let (_, other_public) = google_service_account(other.path(), "https://x.example");
    assert!(!openssl_verifies_jwt(jwt, &other_public));
}

#[test]
fn json_summary_lists_findings_and_exit_codes_follow_the_project_rules() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    // Every template maps (warnings only) when images have a base URL.
    let (code, stdout, stderr) = run([
        "google".as_ref(),
        template("BoardingPass").as_os_str(),
        "--issuer-id".as_ref(),
        ISSUER.as_ref(),
        "--image-base-url".as_ref(),
        "https://cdn.example.com/rail".as_ref(),
        "--json".as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let summary: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(summary["written"], true);
    assert_eq!(summary["type"], "transit");
    assert_eq!(summary["link"], Value::Null);
    let codes: Vec<&str> = summary["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"google.back_fields"), "{codes:?}");
    let back = summary["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "google.back_fields")
        .unwrap();
    assert_eq!(back["path"], "/boardingPass/backFields/0");
    assert_eq!(back["severity"], "warning");
    assert!(out.join("class.json").exists() && !out.join("link.txt").exists());
    // Values as Apple shows them: the departure time in its timeStyle, not ISO 8601 text.
    let object = read_json(&out.join("object.json"));
    let departs = object["textModulesData"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == "departs")
        .unwrap();
    assert_eq!(departs["body"], "8:15\u{202f}AM");

    // A loyalty card without image URLs: Google refuses the class, so nothing is written.
    let refused = dir.path().join("refused");
    let (code, stdout, _) = run([
        "google".as_ref(),
        template("StoreCard").as_os_str(),
        "--issuer-id".as_ref(),
        ISSUER.as_ref(),
        "--json".as_ref(),
        "-o".as_ref(),
        refused.as_os_str(),
    ]);
    assert_eq!(code, 1);
    let first: Value = serde_json::Deserializer::from_str(&stdout)
        .into_iter::<Value>()
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(first["written"], false);
    assert!(
        first["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "google.logo_required")
    );
    assert!(!refused.join("class.json").exists());

    // An overridden type that does not exist, a missing pass and a broken key file.
    let (code, _, stderr) = run([
        "google".as_ref(),
        template("Generic").as_os_str(),
        "--issuer-id".as_ref(),
        ISSUER.as_ref(),
        "--type".as_ref(),
        "boarding".as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(code, 1);
    assert!(stderr.contains("not a Google Wallet type"), "{stderr}");
    let (code, _, stderr) = run([
        "google".as_ref(),
        dir.path().join("Nope.pass").as_os_str(),
        "--issuer-id".as_ref(),
        ISSUER.as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(code, 2, "{stderr}");
    let bad_key = dir.path().join("bad.json");
    std::fs::write(&bad_key, "{\"client_email\": \"a@b\"}").unwrap();
    let (code, _, stderr) = run([
        "google".as_ref(),
        template("Generic").as_os_str(),
        "--issuer-id".as_ref(),
        ISSUER.as_ref(),
        "--key".as_ref(),
        bad_key.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no private_key"), "{stderr}");
}

/// What the fake saw, in order: (method, path, body).
type Seen = Arc<Mutex<Vec<(String, String, Value)>>>;

#[derive(Clone, Default)]
struct Fake {
    seen: Seen,
    ids: Arc<Mutex<BTreeSet<String>>>,
    /// Answer every Wallet API call with this status (403, 429, …).
    forced: Arc<Mutex<Option<u16>>>,
}

/// A fake Google: `POST /token` (the OAuth2 JWT-bearer exchange) and the Wallet API's insert
/// and patch of classes and objects, on 127.0.0.1.
struct FakeGoogle {
    url: String,
    fake: Fake,
    _runtime: tokio::runtime::Runtime,
}

impl FakeGoogle {
    fn start() -> FakeGoogle {
        let fake = Fake::default();
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let app = Router::new()
            .route("/token", post(token))
            .route("/walletobjects/v1/{resource}", post(insert))
            .route("/walletobjects/v1/{resource}/{id}", patch(update))
            .with_state(fake.clone());
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let addr = listener.local_addr().unwrap();
        runtime.spawn(async move { axum::serve(listener, app).await });
        FakeGoogle {
            url: format!("http://{addr}"),
            fake,
            _runtime: runtime,
        }
    }

    fn seen(&self) -> Vec<(String, String, Value)> {
        self.fake.seen.lock().unwrap().clone()
    }

    fn calls(&self) -> Vec<String> {
        self.seen()
            .into_iter()
            .map(|(m, p, _)| format!("{m} {p}"))
            .collect()
    }
}

async fn token(State(fake): State<Fake>, body: String) -> (StatusCode, axum::Json<Value>) {
    let form: Vec<(&str, &str)> = body
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .collect();
    fake.seen
        .lock()
        .unwrap()
        .push(("POST".into(), "/token".into(), json!(body)));
    let grant = form.iter().any(|(k, v)| {
        *k == "grant_type" && *v == "urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer"
    });
    if !grant || !form.iter().any(|(k, _)| *k == "assertion") {
        return (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({"error": "invalid_grant", "error_description": "bad request"})),
        );
    }
    (
        StatusCode::OK,
        axum::Json(json!({"access_token": TOKEN, "expires_in": 3599, "token_type": "Bearer"})),
    )
}

fn authorised(headers: &HeaderMap) -> bool {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == format!("Bearer {TOKEN}"))
}

fn answer(status: u16, body: Value) -> (StatusCode, axum::Json<Value>) {
    (StatusCode::from_u16(status).unwrap(), axum::Json(body))
}

async fn insert(
    State(fake): State<Fake>,
    UrlPath(resource): UrlPath<String>,
    headers: HeaderMap,
    axum::Json(body): axum::Json<Value>,
) -> (StatusCode, axum::Json<Value>) {
    fake.seen.lock().unwrap().push((
        "POST".into(),
        format!("/walletobjects/v1/{resource}"),
        body.clone(),
    ));
    if !authorised(&headers) {
        return answer(
            401,
            json!({"error": {"code": 401, "message": "Request had invalid authentication credentials."}}),
        );
    }
    if let Some(status) = *fake.forced.lock().unwrap() {
        return answer(
            status,
            json!({"error": {"code": status, "message": format!("forced {status}")}}),
        );
    }
    let id = format!("{resource}/{}", body["id"].as_str().unwrap_or(""));
    if !fake.ids.lock().unwrap().insert(id) {
        return answer(
            409,
            json!({"error": {"code": 409, "message": "Resource already exists."}}),
        );
    }
    answer(200, body)
}

async fn update(
    State(fake): State<Fake>,
    UrlPath((resource, id)): UrlPath<(String, String)>,
    headers: HeaderMap,
    axum::Json(body): axum::Json<Value>,
) -> (StatusCode, axum::Json<Value>) {
    fake.seen.lock().unwrap().push((
        "PATCH".into(),
        format!("/walletobjects/v1/{resource}/{id}"),
        body.clone(),
    ));
    if !authorised(&headers) {
        return answer(401, json!({"error": {"code": 401, "message": "bad token"}}));
    }
    if !fake
        .ids
        .lock()
        .unwrap()
        .contains(&format!("{resource}/{id}"))
    {
        return answer(404, json!({"error": {"code": 404, "message": "not found"}}));
    }
    answer(200, body)
}

fn insert_run(google: &FakeGoogle, key: &Path, out: &Path) -> (i32, String, String) {
    run([
        "google".as_ref(),
        template("Coupon").as_os_str(),
        "--issuer-id".as_ref(),
        ISSUER.as_ref(),
        "--image-base-url".as_ref(),
        "https://cdn.example.com/coupon".as_ref(),
        "--key".as_ref(),
        key.as_os_str(),
        "--insert".as_ref(),
        "--api-base-url".as_ref(),
        google.url.as_ref(),
        "--json".as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
    ])
}

#[test]
fn insert_exchanges_a_token_then_inserts_the_class_and_then_the_object_and_patches_on_409() {
    let google = FakeGoogle::start();
    let dir = tempfile::tempdir().unwrap();
    let (key, public) = google_service_account(dir.path(), &format!("{}/token", google.url));
    let out = dir.path().join("out");
    let (code, stdout, stderr) = insert_run(&google, &key, &out);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let summary: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        summary["inserted"],
        json!({"class": "inserted", "object": "inserted"})
    );
    let class_id = format!("{ISSUER}.com.example.passmith");
    let object_id = summary["objectId"].as_str().unwrap().to_owned();
    assert_eq!(
        google.calls(),
        [
            "POST /token",
            "POST /walletobjects/v1/offerClass",
            "POST /walletobjects/v1/offerObject",
        ]
    );
    let seen = google.seen();
    // The assertion is signed by the service account, for the Wallet scope, to the token URI.
    let body = seen[0].2.as_str().unwrap();
    let assertion = body.split("assertion=").nth(1).unwrap();
    assert!(openssl_verifies_jwt(assertion, &public));
    let (_, claims) = jwt_parts(assertion);
    assert_eq!(
        claims["iss"],
        "wallet@passmith-test.iam.gserviceaccount.com"
    );
    assert_eq!(
        claims["scope"],
        "https://www.googleapis.com/auth/wallet_object.issuer"
    );
    assert_eq!(claims["aud"], format!("{}/token", google.url));
    // What was inserted is what was written.
    assert_eq!(seen[1].2, read_json(&out.join("class.json")));
    assert_eq!(seen[2].2, read_json(&out.join("object.json")));
    assert_eq!(seen[1].2["id"], class_id);

    // Again: both exist (409), so both are patched, class first.
    let (code, stdout, stderr) = insert_run(&google, &key, &out);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let summary: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        summary["inserted"],
        json!({"class": "patched", "object": "patched"})
    );
    assert_eq!(
        google.calls()[3..],
        [
            "POST /token".to_owned(),
            "POST /walletobjects/v1/offerClass".to_owned(),
            format!("PATCH /walletobjects/v1/offerClass/{class_id}"),
            "POST /walletobjects/v1/offerObject".to_owned(),
            format!("PATCH /walletobjects/v1/offerObject/{object_id}"),
        ]
    );
}

#[test]
fn google_s_refusals_are_explained() {
    let google = FakeGoogle::start();
    let dir = tempfile::tempdir().unwrap();
    let (key, _) = google_service_account(dir.path(), &format!("{}/token", google.url));
    let out = dir.path().join("out");
    for (status, expected) in [
        (
            403,
            "add the service account's e-mail to the issuer's users",
        ),
        (429, "Wait a minute"),
        (404, "Check the issuer ID"),
        (401, "The token may have expired"),
    ] {
        *google.fake.forced.lock().unwrap() = Some(status);
        let (code, _, stderr) = insert_run(&google, &key, &out);
        assert_eq!(code, 1, "{status}: {stderr}");
        assert!(stderr.contains(expected), "{status}: {stderr}");
        assert!(
            stderr.contains(&format!("({status}: forced {status})"))
                || status == 429 && stderr.contains("forced 429"),
            "{stderr}"
        );
    }
    // A token endpoint that refuses the service account.
    let (bad_key, _) = google_service_account(dir.path(), &format!("{}/nowhere", google.url));
    let (code, _, stderr) = insert_run(&google, &bad_key, &out);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("Google refused the service account's token"),
        "{stderr}"
    );
}

#[test]
fn preview_google_writes_google_wallet_s_card_as_a_png() {
    let dir = tempfile::tempdir().unwrap();
    let front = dir.path().join("front.png");
    let google = dir.path().join("google.png");
    let (code, stdout, stderr) = run([
        "preview".as_ref(),
        template("Coupon").as_os_str(),
        "-o".as_ref(),
        front.as_os_str(),
        "--google".as_ref(),
        google.as_os_str(),
        "--scale".as_ref(),
        "2".as_ref(),
    ]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(
        stdout.contains(&format!("wrote {}", google.display())),
        "{stdout}"
    );
    let img = image::open(&google).unwrap();
    assert_eq!(img.width(), 716);
    assert!(img.height() > 600, "{}", img.height());
    // The mapping's findings are reported like layout warnings, on stderr.
    assert!(stderr.contains("google.back_fields"), "{stderr}");

    let (code, _, stderr) = run([
        "preview".as_ref(),
        template("Coupon").as_os_str(),
        "-o".as_ref(),
        front.as_os_str(),
        "--google".as_ref(),
        google.as_os_str(),
        "--google-type".as_ref(),
        "boarding".as_ref(),
    ]);
    assert_ne!(code, 0);
    assert!(stderr.contains("not a Google Wallet type"), "{stderr}");
}

#[test]
fn batch_google_writes_one_class_and_an_object_and_a_verifying_link_per_row() {
    let dir = tempfile::tempdir().unwrap();
    let (key, public) = google_service_account(dir.path(), "https://oauth2.googleapis.com/token");
    let csv = dir.path().join("members.csv");
    std::fs::write(
        &csv,
        "serialNumber,barcode,name\nSN-1,900001,Ada\nSN-2,900002,Grace\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let (code, stdout, stderr) = run(os![
        "batch",
        batch_design(dir.path()),
        "--csv",
        csv,
        "--cert",
        cert("test-pass.p12"),
        "--password-file",
        cert_password_file(dir.path()),
        "--wwdr",
        cert("test-wwdr-ca.pem"),
        "--google",
        "--issuer-id",
        ISSUER,
        "--google-key",
        key,
        "--image-base-url",
        "https://cdn.example.com/members",
        "--json",
        "-o",
        out
    ]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let summary: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(summary["google"]["objects"], 2);
    assert_eq!(summary["google"]["links"], 2);
    let google = out.join("google");
    let class = read_json(&google.join("class.json"));
    let discovery = Discovery::load();
    assert_eq!(
        discovery.check("LoyaltyClass", &class),
        Vec::<String>::new()
    );
    for (serial, name) in [("SN-1", "Ada"), ("SN-2", "Grace")] {
        let object = read_json(&google.join(format!("{serial}.object.json")));
        assert_eq!(
            discovery.check("LoyaltyObject", &object),
            Vec::<String>::new()
        );
        assert_eq!(
            object["id"],
            format!("{ISSUER}.com.example.passmith.{serial}")
        );
        assert_eq!(object["classId"], class["id"]);
        let bodies: Vec<&str> = object["textModulesData"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|m| m["body"].as_str())
            .collect();
        assert!(bodies.contains(&name), "{bodies:?}");
        let link = std::fs::read_to_string(google.join(format!("{serial}.link.txt"))).unwrap();
        let jwt = link.trim().rsplit('/').next().unwrap();
        assert!(openssl_verifies_jwt(jwt, &public), "{serial}");
        let (_, claims) = jwt_parts(jwt);
        let objects = &claims["payload"]["loyaltyObjects"][0];
        assert_eq!(objects["id"], object["id"]);
    }
}
