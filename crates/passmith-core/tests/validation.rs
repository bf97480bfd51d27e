//! Validation on real documents: one document per validation code that triggers it (checked for
//! code, severity and path), Apple's samples (no errors; exactly the warnings they deserve), and
//! robustness on hostile variations of real passes.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::Path;

use passmith_core::code::{Code, Reporter};
use passmith_core::finding::has_errors;
use passmith_core::validate::load_error_finding;
use passmith_core::{
    Finding, IdentitySummary, PassDocument, Severity, ValidationContext, json, validate,
};
use serde_json::{Value, json};

use crate::util::{fixtures, now};

fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbaImage::new(w, h);
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// The base pass read from a pass.json with a `//` comment on line 2.
fn commented_pass() -> PassDocument {
    let text = serde_json::to_string_pretty(&base_json()).unwrap();
    let text = text.replacen("{\n", "{\n  // made by hand\n", 1);
    let mut files = base_files();
    files.insert("pass.json".into(), text.into_bytes());
    PassDocument::from_files(files).unwrap()
}

/// A JPEG picture (to be given a .png name).
fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::new(w, h);
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

/// A complete, valid generic pass with an icon at every density.
fn base_json() -> Value {
    json!({
        "formatVersion": 1,
        "passTypeIdentifier": "pass.com.example.passmith",
        "serialNumber": "0001",
        "teamIdentifier": "TEAM123456",
        "organizationName": "Coffee Club",
        "description": "Coffee Club card",
        "backgroundColor": "rgb(20, 30, 40)",
        "barcodes": [{"format": "PKBarcodeFormatPDF417", "message": "12345", "messageEncoding": "iso-8859-1"}],
        "generic": {
            "primaryFields": [{"key": "name", "label": "Name", "value": "Ada"}],
            "secondaryFields": [{"key": "level", "label": "Level", "value": "Gold"}]
        }
    })
}

fn base_files() -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    files.insert("icon.png".to_owned(), png(29, 29));
    files.insert("icon@2x.png".to_owned(), png(58, 58));
    files.insert("icon@3x.png".to_owned(), png(87, 87));
    files
}

/// The base pass with top-level keys replaced (`null` removes a key).
fn with(patch: Value) -> PassDocument {
    with_files(patch, |_| {})
}

fn with_files(patch: Value, edit: impl FnOnce(&mut BTreeMap<String, Vec<u8>>)) -> PassDocument {
    let mut v = base_json();
    let obj = v.as_object_mut().unwrap();
    for (k, val) in patch.as_object().unwrap() {
        if val.is_null() {
            obj.remove(k);
        } else {
            obj.insert(k.clone(), val.clone());
        }
    }
    let mut files = base_files();
    edit(&mut files);
    PassDocument {
        pass: json::pass_from_value(v).unwrap(),
        localizations: BTreeMap::new(),
        files: files.into_iter().map(|(k, v)| (k, v.into())).collect(),
        pass_json_comment_line: None,
    }
}

/// A generic pass with these style fields.
fn generic(fields: Value) -> PassDocument {
    with(json!({ "generic": fields }))
}

/// The base pass moved to another style.
fn styled(style: &str, fields: Value) -> PassDocument {
    let mut patch = json!({ "generic": null });
    patch[style] = fields;
    with(patch)
}

const DAY: i64 = 86_400;
/// 2025-06-01T00:00Z.
const NOW: i64 = 1_748_736_000;

fn identity(pass_type: &str, team: &str, not_before: i64, not_after: i64) -> IdentitySummary {
    IdentitySummary {
        subject: format!("Pass Type ID: {pass_type}"),
        pass_type_identifier: Some(pass_type.to_owned()),
        team_identifier: Some(team.to_owned()),
        not_before,
        not_after,
    }
}

fn at(identity: Option<IdentitySummary>) -> ValidationContext {
    ValidationContext {
        identity,
        now_unix: NOW,
    }
}

struct Case {
    code: &'static str,
    path: &'static str,
    findings: Vec<Finding>,
}

fn case(code: &'static str, path: &'static str, doc: PassDocument) -> Case {
    case_ctx(code, path, doc, ValidationContext::default())
}

fn case_ctx(
    code: &'static str,
    path: &'static str,
    doc: PassDocument,
    ctx: ValidationContext,
) -> Case {
    Case {
        code,
        path,
        findings: validate(&doc, &ctx),
    }
}

fn load_case(code: &'static str, path: &'static str, files: &[(&str, &[u8])]) -> Case {
    let files = files
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.to_vec()))
        .collect();
    let err = PassDocument::from_files(files).unwrap_err();
    Case {
        code,
        path,
        findings: load_error_finding(&err).into_iter().collect(),
    }
}

fn field(key: &str, extra: Value) -> Value {
    let mut f = json!({"key": key, "label": key.to_uppercase(), "value": "x"});
    for (k, v) in extra.as_object().unwrap() {
        f[k] = v.clone();
    }
    f
}

fn locations(n: usize) -> Value {
    Value::Array(
        (0..n)
            .map(|i| json!({"latitude": 50.0 + i as f64 / 100.0, "longitude": 14.0}))
            .collect(),
    )
}

const UUID: &str = "E2C56DB5-DFFB-48D2-B060-D0F5A71096E0";

/// One document per code.
fn cases() -> Vec<Case> {
    let qr =
        json!([{"format": "PKBarcodeFormatQR", "message": "1", "messageEncoding": "iso-8859-1"}]);
    let barcode = |b: Value| with(json!({ "barcodes": [b] }));
    let web = |url: &str, token: &str| {
        with(json!({ "webServiceURL": url, "authenticationToken": token }))
    };
    let token = "abcdefghijklmnopqrstuvwxyz";
    let nfc = |n: Value| with(json!({ "nfc": n }));
    let pub_key =
        "MDkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDIgAD7Cqk8YrJ5ZkcfBVcB7F3VFBNgrRDlbKsclGHvEn7HJ8=";
    vec![
        load_case("json.syntax", "pass.json", &[("pass.json", b"{\n  \"formatVersion\": 1\n  \"description\": \"x\"\n}")]),
        load_case(
            "json.type",
            "/barcodes/0/message",
            &[("pass.json", br#"{"barcodes":[{"format":"PKBarcodeFormatQR","message":12345,"messageEncoding":"iso-8859-1"}]}"#)],
        ),
        load_case(
            "strings.syntax",
            "fr.lproj/pass.strings",
            &[("pass.json", b"{}"), ("fr.lproj/pass.strings", b"\"Hello\" = \"Bonjour\"\n\"Bye\" = ")],
        ),
        case("pass.required", "/description", with(json!({"description": null}))),
        case("pass.format_version", "/formatVersion", with(json!({"formatVersion": 2}))),
        case("pass.type_identifier", "/passTypeIdentifier", with(json!({"passTypeIdentifier": "TEAM123456.pass.com.example.passmith"}))),
        case("pass.team_identifier", "/teamIdentifier", with(json!({"teamIdentifier": "team-1"}))),
        case("pass.style_missing", "/", with(json!({"generic": null}))),
        case("pass.style_multiple", "/generic", with(json!({"coupon": {"primaryFields": []}}))),
        case("pass.grouping_ignored", "/groupingIdentifier", with(json!({"groupingIdentifier": "trip-1"}))),
        case("color.format", "/backgroundColor", with(json!({"backgroundColor": "Black"}))),
        case("json.comment", "pass.json", commented_pass()),
        case("pass.type_identifier_shape", "/passTypeIdentifier", with(json!({"passTypeIdentifier": "pass.com"}))),
        case("color.hex", "/foregroundColor", with(json!({"foregroundColor": "#ff8000"}))),
        case_ctx(
            "identity.pass_type_mismatch",
            "/passTypeIdentifier",
            with(json!({})),
            at(Some(identity("pass.com.example.other", "TEAM123456", NOW - DAY, NOW + 400 * DAY))),
        ),
        case_ctx(
            "identity.team_mismatch",
            "/teamIdentifier",
            with(json!({})),
            at(Some(identity("pass.com.example.passmith", "OTHERTEAM1", NOW - DAY, NOW + 400 * DAY))),
        ),
        case_ctx(
            "identity.not_pass_type",
            "certificate",
            with(json!({})),
            at(Some(IdentitySummary {
                pass_type_identifier: None,
                ..identity("pass.com.example.passmith", "TEAM123456", NOW - DAY, NOW + 400 * DAY)
            })),
        ),
        case_ctx(
            "identity.expired",
            "certificate",
            with(json!({})),
            at(Some(identity("pass.com.example.passmith", "TEAM123456", NOW - 400 * DAY, NOW - DAY))),
        ),
        case_ctx(
            "identity.not_yet_valid",
            "certificate",
            with(json!({})),
            at(Some(identity("pass.com.example.passmith", "TEAM123456", NOW + DAY, NOW + 400 * DAY))),
        ),
        case_ctx(
            "identity.expiring",
            "certificate",
            with(json!({})),
            at(Some(identity("pass.com.example.passmith", "TEAM123456", NOW - 300 * DAY, NOW + 10 * DAY))),
        ),
        case("date.format", "/relevantDate", with(json!({"relevantDate": "2025-07-01T10:00:00.000Z"}))),
        case("date.end_missing", "/relevantDates/0/endDate", with(json!({"relevantDates": [{"startDate": "2025-07-01T10:00Z"}]}))),
        case("date.entry_empty", "/relevantDates/1", with(json!({"relevantDates": [{"date": "2025-07-01T10:00Z"}, {}]}))),
        case(
            "date.range",
            "/relevantDates/0/endDate",
            with(json!({"relevantDates": [{"startDate": "2025-07-01T10:00+02:00", "endDate": "2025-07-01T09:00+02:00"}]})),
        ),
        case_ctx("date.expired", "/expirationDate", with(json!({"expirationDate": "2024-12-31T23:59Z"})), at(None)),
        case("location.too_many", "/locations/10", with(json!({"locations": locations(11)}))),
        case("location.latitude", "/locations/0/latitude", with(json!({"locations": [{"latitude": 91.0, "longitude": 14.0}]}))),
        case("location.zero", "/locations/0/latitude", with(json!({"locations": [{"latitude": 0.0, "longitude": 0.0}]}))),
        case("location.longitude", "/locations/0/longitude", with(json!({"locations": [{"latitude": 50.0, "longitude": -190.5}]}))),
        case("location.max_distance", "/maxDistance", with(json!({"maxDistance": -5}))),
        case(
            "beacon.too_many",
            "/beacons/10",
            with(json!({"beacons": (0..11).map(|i| json!({"proximityUUID": UUID, "major": i})).collect::<Vec<_>>()})),
        ),
        case("beacon.uuid", "/beacons/0/proximityUUID", with(json!({"beacons": [{"proximityUUID": "store-beacon-1"}]}))),
        case("beacon.major_minor", "/beacons/0/minor", with(json!({"beacons": [{"proximityUUID": UUID, "major": 1, "minor": 70000}]}))),
        case("web.token_short", "/authenticationToken", web("https://passes.example.com/", "secret")),
        case("web.token_missing", "/authenticationToken", with(json!({"webServiceURL": "https://passes.example.com/"}))),
        case("web.url_missing", "/webServiceURL", with(json!({"authenticationToken": token}))),
        case("web.url_http", "/webServiceURL", web("http://passes.example.com/", token)),
        case("web.url_invalid", "/webServiceURL", web("passes.example.com", token)),
        case("web.app_launch_store_id", "/associatedStoreIdentifiers", with(json!({"appLaunchURL": "coffeeclub://card"}))),
        case(
            "enum.unknown",
            "/generic/secondaryFields/0/textAlignment",
            generic(json!({"secondaryFields": [field("a", json!({"textAlignment": "PKTextAlignmentMiddle"}))]})),
        ),
        case("style.transit_type_missing", "/boardingPass/transitType", styled("boardingPass", json!({"primaryFields": []}))),
        case("style.transit_type_not_allowed", "/generic/transitType", generic(json!({"transitType": "PKTransitTypeAir"}))),
        case("field.key_missing", "/generic/primaryFields/0/key", generic(json!({"primaryFields": [{"label": "Name", "value": "Ada"}]}))),
        case(
            "field.key_duplicate",
            "/generic/backFields/0/key",
            generic(json!({"primaryFields": [field("a", json!({}))], "backFields": [field("a", json!({}))]})),
        ),
        case(
            "field.key_duplicate_back",
            "/generic/backFields/1/key",
            generic(json!({"backFields": [field("a", json!({})), field("a", json!({}))]})),
        ),
        case(
            "field.change_message",
            "/generic/primaryFields/0/changeMessage",
            generic(json!({"primaryFields": [field("a", json!({"changeMessage": "Your level changed"}))]})),
        ),
        case(
            "field.alignment_ignored",
            "/generic/primaryFields/0/textAlignment",
            generic(json!({"primaryFields": [field("a", json!({"textAlignment": "PKTextAlignmentRight"}))]})),
        ),
        case(
            "field.date_style_pair",
            "/generic/secondaryFields/0/timeStyle",
            generic(json!({"secondaryFields": [field("d", json!({"value": "2025-07-01T10:00Z", "dateStyle": "PKDateStyleShort"}))]})),
        ),
        case(
            "field.number_format_on_text",
            "/generic/secondaryFields/0/numberStyle",
            generic(json!({"secondaryFields": [field("n", json!({"value": "200", "numberStyle": "PKNumberStyleDecimal"}))]})),
        ),
        case(
            "field.currency_code",
            "/generic/secondaryFields/0/currencyCode",
            generic(json!({"secondaryFields": [field("n", json!({"value": 21.75, "currencyCode": "dollars"}))]})),
        ),
        case(
            "field.row_not_allowed",
            "/generic/auxiliaryFields/0/row",
            generic(json!({"auxiliaryFields": [field("r", json!({"row": 1}))]})),
        ),
        case(
            "field.row_value",
            "/eventTicket/auxiliaryFields/0/row",
            styled("eventTicket", json!({"auxiliaryFields": [field("r", json!({"row": 2}))]})),
        ),
        case(
            "field.data_detectors_ignored",
            "/generic/secondaryFields/0/dataDetectorTypes",
            generic(json!({"secondaryFields": [field("p", json!({"dataDetectorTypes": ["PKDataDetectorTypePhoneNumber"]}))]})),
        ),
        case(
            "layout.too_many_fields",
            "/storeCard/auxiliaryFields/1",
            {
                let mut d = styled(
                    "storeCard",
                    json!({
                        "secondaryFields": [field("s1", json!({})), field("s2", json!({})), field("s3", json!({}))],
                        "auxiliaryFields": [field("a1", json!({})), field("a2", json!({}))]
                    }),
                );
                d.pass.barcodes = serde_json::from_value(qr.clone()).unwrap();
                d
            },
        ),
        case(
            "barcode.format_missing",
            "/barcodes/0/format",
            barcode(json!({"message": "1", "messageEncoding": "iso-8859-1"})),
        ),
        case(
            "barcode.message_missing",
            "/barcodes/0/message",
            barcode(json!({"format": "PKBarcodeFormatQR", "messageEncoding": "iso-8859-1"})),
        ),
        case(
            "barcode.encoding_missing",
            "/barcodes/0/messageEncoding",
            barcode(json!({"format": "PKBarcodeFormatQR", "message": "1"})),
        ),
        case(
            "barcode.encoding_unknown",
            "/barcodes/0/messageEncoding",
            barcode(json!({"format": "PKBarcodeFormatQR", "message": "1", "messageEncoding": "klingon-8"})),
        ),
        case(
            "barcode.unencodable",
            "/barcodes/0/message",
            barcode(json!({"format": "PKBarcodeFormatQR", "message": "Voucher 5€", "messageEncoding": "iso-8859-1"})),
        ),
        case(
            "barcode.code128_charset",
            "/barcodes/0/message",
            barcode(json!({"format": "PKBarcodeFormatCode128", "message": "Café", "messageEncoding": "utf-8"})),
        ),
        case(
            "barcode.legacy_code128",
            "/barcode/format",
            with(json!({"barcodes": null, "barcode": {"format": "PKBarcodeFormatCode128", "message": "1", "messageEncoding": "iso-8859-1"}})),
        ),
        case("nfc.message_missing", "/nfc/message", nfc(json!({"encryptionPublicKey": pub_key}))),
        case("nfc.message_too_long", "/nfc/message", nfc(json!({"message": "x".repeat(65), "encryptionPublicKey": pub_key}))),
        case("nfc.public_key_missing", "/nfc/encryptionPublicKey", nfc(json!({"message": "member-1"}))),
        case(
            "image.icon_missing",
            "icon.png",
            with_files(json!({}), |f| f.retain(|name, _| !name.starts_with("icon"))),
        ),
        case(
            "image.jpeg_as_png",
            "logo.png",
            with_files(json!({}), |f| drop(f.insert("logo.png".into(), jpeg(160, 50)))),
        ),
        case(
            "image.icon_case",
            "Icon.png",
            with_files(json!({}), |f| {
                let icon = f.remove("icon.png").unwrap();
                f.insert("Icon.png".into(), icon);
            }),
        ),
        case(
            "image.name_case",
            "Logo@2x.png",
            with_files(json!({}), |f| {
                f.insert("logo.png".into(), png(100, 40));
                f.insert("Logo@2x.png".into(), png(200, 80));
                f.insert("logo@3x.png".into(), png(300, 120));
            }),
        ),
        case(
            "image.not_png",
            "logo.png",
            with_files(json!({}), |f| drop(f.insert("logo.png".into(), vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]))),
        ),
        case(
            "image.unused",
            "strip.png",
            with_files(json!({}), |f| {
                for (name, w, h) in [("strip.png", 375, 123), ("strip@2x.png", 750, 246), ("strip@3x.png", 1125, 369)] {
                    f.insert(name.into(), png(w, h));
                }
            }),
        ),
        case(
            "image.strip_and_background",
            "strip.png",
            {
                let mut d = styled("eventTicket", json!({"primaryFields": [field("e", json!({}))]}));
                for (name, w, h) in [
                    ("strip.png", 375, 98),
                    ("strip@2x.png", 750, 196),
                    ("strip@3x.png", 1125, 294),
                    ("background.png", 180, 220),
                    ("background@2x.png", 360, 440),
                    ("background@3x.png", 540, 660),
                ] {
                    d.files.insert(name.into(), png(w, h).into());
                }
                d
            },
        ),
        case(
            "image.too_large",
            "logo@2x.png",
            with_files(json!({}), |f| {
                f.insert("logo.png".into(), png(160, 50));
                f.insert("logo@2x.png".into(), png(640, 100));
                f.insert("logo@3x.png".into(), png(480, 150));
            }),
        ),
        case(
            "image.density_mismatch",
            "logo@3x.png",
            with_files(json!({}), |f| {
                f.insert("logo.png".into(), png(100, 40));
                f.insert("logo@2x.png".into(), png(201, 81));
                f.insert("logo@3x.png".into(), png(150, 60));
            }),
        ),
        case(
            "image.missing_density",
            "logo@3x.png",
            with_files(json!({}), |f| {
                f.insert("logo.png".into(), png(160, 50));
                f.insert("logo@2x.png".into(), png(320, 100));
            }),
        ),
        case(
            "image.thumbnail_aspect",
            "thumbnail@3x.png",
            with_files(json!({}), |f| {
                f.insert("thumbnail.png".into(), png(90, 30));
                f.insert("thumbnail@2x.png".into(), png(180, 60));
                f.insert("thumbnail@3x.png".into(), png(270, 90));
            }),
        ),
        case(
            "file.pass_size",
            "background@3x.png",
            with_files(json!({}), |f| {
                f.insert("background@3x.png".into(), vec![0; 1_000_001]);
            }),
        ),
        case("file.unknown", "notes.txt", with_files(json!({}), |f| drop(f.insert("notes.txt".into(), b"todo".to_vec())))),
        case("key.misspelled", "/generic/primaryFields/0/lable", generic(json!({"primaryFields": [{"key": "a", "lable": "Name", "value": "x"}]}))),
        case("strings.unused_key", "fr.lproj/pass.strings", {
            let mut d = with(json!({}));
            let mut fr = passmith_core::strings::Strings::default();
            fr.set("Name", "Nom");
            fr.set("Levle", "Niveau");
            d.localizations.insert("fr".into(), fr);
            d
        }),
    ]
}

#[test]
fn misspelled_keys_at_every_level() {
    let doc = with(json!({
        "backgroundColour": "rgb(1, 2, 3)",
        "upcomingPassInformation": [],
        "myCompanyData": {"a": 1},
        "barcodes": [{"format": "PKBarcodeFormatQR", "message": "1", "messageEncoding": "iso-8859-1", "altTxt": "1"}],
        "generic": {"primaryFields": [field("a", json!({}))], "secondryFields": []},
    }));
    let f = validate(&doc, &ValidationContext::default());
    assert_eq!(
        codes(&f),
        pairs(&[
            ("key.misspelled", "/backgroundColour"),
            ("key.misspelled", "/barcodes/0/altTxt"),
            ("key.misspelled", "/generic/secondryFields"),
        ])
    );
    assert!(
        f.iter()
            .any(|f| f.hint == "Rename it to backgroundColor (letter case matters)."),
        "{f:#?}"
    );
}

#[test]
fn the_base_pass_is_clean() {
    let doc = with(json!({}));
    assert_eq!(
        validate(&doc, &ValidationContext::default()),
        Vec::<Finding>::new()
    );
    // …also against a matching, valid certificate at a known time.
    let ctx = at(Some(identity(
        "pass.com.example.passmith",
        "TEAM123456",
        NOW - DAY,
        NOW + 400 * DAY,
    )));
    assert_eq!(validate(&doc, &ctx), Vec::<Finding>::new());
}

#[test]
fn every_case_reports_its_code_with_the_right_severity_and_path() {
    for c in cases() {
        let info = Code::parse(c.code).unwrap_or_else(|| panic!("{} is not a Code", c.code));
        let hit = c
            .findings
            .iter()
            .find(|f| f.code == c.code && f.path == c.path);
        let Some(hit) = hit else {
            panic!(
                "{}: expected a finding at {}, got {:#?}",
                c.code, c.path, c.findings
            );
        };
        assert_eq!(hit.severity, info.severity(), "{}", c.code);
        // Plain sentences: a capital first letter, unless the sentence starts with a file name.
        assert!(
            hit.message.starts_with(char::is_uppercase)
                || hit.message.starts_with(&hit.path.to_string()),
            "{}: {}",
            c.code,
            hit.message
        );
        assert!(
            !hit.message.is_empty() && !hit.hint.is_empty(),
            "{}: message and hint",
            c.code
        );
        // Each case is built to show its own problem: nothing else may be an error, except where
        // one mistake is necessarily also another (a case for an error code).
        for f in &c.findings {
            assert_eq!(f.severity, f.code.severity(), "{}", f.code);
            if f.code != c.code {
                assert!(
                    f.severity == Severity::Warning || info.severity() == Severity::Error,
                    "{}: stray {f}",
                    c.code
                );
            }
        }
    }
}

#[test]
fn every_code_has_a_case() {
    let covered: Vec<&str> = cases().iter().map(|c| c.code).collect();
    let missing: Vec<&str> = Code::ALL
        .iter()
        .filter(|c| c.reporter() == Reporter::Validation)
        .map(|c| c.as_str())
        .filter(|c| !covered.contains(c))
        .collect();
    assert!(missing.is_empty(), "codes without a test case: {missing:?}");
}

/// The table of codes in the docs, as the one registry (`Code::ALL`) says it should read.
fn codes_doc() -> String {
    let mut out = String::from(
        "# Finding codes\n\n\
         Generated from `Code::ALL` in `src/code.rs`, the one registry of finding codes; \
         `cargo test -p passmith-core --test tests` fails when this file is out of date. The \
         spellings are stable: `passmith validate --json` prints them, and scripts may match on \
         them. Errors block export; warnings do not.\n\n\
         An error means an iPhone refuses the pass, or it cannot be signed, so every error \
         names its source: the Apple document that requires the rule, or an observed rejection \
         with its issue. A rule without such a source is a warning (a unit test in `code.rs` \
         fails when an error has no source).\n",
    );
    for (reporter, title) in [
        (
            Reporter::Validation,
            "Validation (`passmith validate`, the designer's panel, every export)",
        ),
        (
            Reporter::Package,
            "Packages (the `.pkpass` reader and the export gate)",
        ),
        (
            Reporter::Layout,
            "Layout (the preview: what Wallet would not show as written)",
        ),
        (
            Reporter::Checklist,
            "Pre-export checklist (the designer's Export, before signing; never blocks)",
        ),
        (
            Reporter::Google,
            "Google Wallet (`passmith google`: what does not carry over; errors are what Google refuses)",
        ),
    ] {
        out.push_str(&format!(
            "\n## {title}\n\n| Code | Severity | Meaning | Why it is an error (source) |\n|---|---|---|---|\n"
        ));
        for c in Code::ALL.iter().filter(|c| c.reporter() == reporter) {
            out.push_str(&format!(
                "| `{}` | {} | {} | {} |\n",
                c.as_str(),
                c.severity(),
                c.summary(),
                c.source().unwrap_or("")
            ));
        }
    }
    out
}

#[test]
fn the_codes_document_lists_every_code() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("VALIDATION_CODES.md");
    let expected = codes_doc();
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    if actual != expected && std::env::var_os("PASSMITH_WRITE_CODES_DOC").is_some() {
        std::fs::write(&path, &expected).unwrap();
        return;
    }
    assert_eq!(
        actual, expected,
        "VALIDATION_CODES.md is out of date; run with PASSMITH_WRITE_CODES_DOC=1 to regenerate"
    );
}

fn codes(findings: &[Finding]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = findings
        .iter()
        .map(|f| (f.code.to_string(), f.path.to_string()))
        .collect();
    v.sort();
    v
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = list
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect();
    v.sort();
    v
}

#[test]
fn apple_samples_have_no_errors_and_only_the_expected_warnings() {
    let dir = fixtures().join("apple-samples");
    let density = |names: &[&str]| -> Vec<(&'static str, String)> {
        names
            .iter()
            .map(|n| ("image.missing_density", (*n).to_owned()))
            .collect()
    };
    // Apple's @1x logos (70×59, 68×67, 55×67, 66×54, 90×80) are all taller than the 160×50 pt logo
    // slot, and none of the samples has @3x images: both are real, harmless warnings.
    let logo = ("image.too_large", "logo.png".to_owned());
    // Their @2x logos are not twice the @1x ones (70×58 for 70×59, 73×71 for 68×67, …).
    let logo2x = ("image.density_mismatch", "logo@2x.png".to_owned());
    let expected: Vec<(&str, Vec<(&str, String)>)> = vec![
        (
            "BoardingPass",
            [
                density(&["icon@3x.png", "logo@3x.png"]),
                vec![logo.clone(), logo2x.clone()],
            ]
            .concat(),
        ),
        (
            "Coupon",
            [
                density(&["icon@3x.png", "logo@3x.png"]),
                vec![
                    logo.clone(),
                    logo2x.clone(),
                    // The `expires` field gives a dateStyle but no timeStyle.
                    (
                        "field.date_style_pair",
                        "/coupon/auxiliaryFields/0/timeStyle".to_owned(),
                    ),
                ],
            ]
            .concat(),
        ),
        (
            "Event",
            [
                density(&[
                    "background@3x.png",
                    "icon@3x.png",
                    "logo@3x.png",
                    "thumbnail@3x.png",
                ]),
                vec![
                    logo.clone(),
                    logo2x.clone(),
                    // 112×142 and 224×283 thumbnails in a 90×90 pt slot.
                    ("image.too_large", "thumbnail.png".to_owned()),
                    ("image.too_large", "thumbnail@2x.png".to_owned()),
                ],
            ]
            .concat(),
        ),
        (
            "Generic",
            [
                density(&["icon@3x.png", "logo@3x.png", "thumbnail@3x.png"]),
                vec![
                    logo.clone(),
                    logo2x.clone(),
                    ("image.density_mismatch", "thumbnail@2x.png".to_owned()),
                    ("image.too_large", "thumbnail@2x.png".to_owned()),
                    // Apple's own date fields give only one of dateStyle / timeStyle.
                    (
                        "field.date_style_pair",
                        "/generic/backFields/2/timeStyle".to_owned(),
                    ),
                    (
                        "field.date_style_pair",
                        "/generic/backFields/3/dateStyle".to_owned(),
                    ),
                    (
                        "field.date_style_pair",
                        "/generic/backFields/5/timeStyle".to_owned(),
                    ),
                ],
            ]
            .concat(),
        ),
        (
            "StoreCard",
            [
                density(&["icon@3x.png", "logo@2x.png", "logo@3x.png", "strip@3x.png"]),
                // 35×35 and 69×69 icons in a 29×29 pt slot.
                vec![
                    logo.clone(),
                    ("image.too_large", "icon.png".to_owned()),
                    ("image.too_large", "icon@2x.png".to_owned()),
                ],
            ]
            .concat(),
        ),
    ];
    let mut mismatches = Vec::new();
    for (name, want) in expected {
        let doc = PassDocument::read_dir(&dir.join(format!("{name}.pass"))).unwrap();
        let found = validate(&doc, &ValidationContext::at(now()));
        assert!(!has_errors(&found), "{name}: {found:#?}");
        let mut want: Vec<(String, String)> =
            want.into_iter().map(|(c, p)| (c.to_owned(), p)).collect();
        want.sort();
        if codes(&found) != want {
            mismatches.push(format!(
                "{name}:\n  found {:?}\n  wanted {want:?}",
                codes(&found)
            ));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn hidden_fields_are_named() {
    let doc = generic(json!({
        "headerFields": [field("h1", json!({})), field("h2", json!({})), field("h3", json!({})), field("h4", json!({}))],
        "primaryFields": [field("p1", json!({})), field("p2", json!({}))],
    }));
    let f = validate(&doc, &ValidationContext::default());
    assert_eq!(
        codes(&f),
        pairs(&[
            ("layout.too_many_fields", "/generic/headerFields/3"),
            ("layout.too_many_fields", "/generic/primaryFields/1")
        ])
    );
    assert!(f[0].message.contains("H4"), "{}", f[0].message);
    assert!(f.iter().all(|f| f.severity == Severity::Warning));

    // Boarding passes show 2 primary and 5 auxiliary fields; event tickets 4 per auxiliary row.
    let aux = |n: usize, row: Option<i64>| -> Vec<Value> {
        (0..n)
            .map(|i| match row {
                Some(r) => field(&format!("a{r}{i}"), json!({"row": r})),
                None => field(&format!("a{i}"), json!({})),
            })
            .collect()
    };
    let secondary =
        |n: usize| -> Vec<Value> { (0..n).map(|i| field(&format!("s{i}"), json!({}))).collect() };
    let boarding = styled(
        "boardingPass",
        json!({"transitType": "PKTransitTypeTrain", "primaryFields": [field("from", json!({})), field("to", json!({}))], "auxiliaryFields": aux(5, None)}),
    );
    assert_eq!(validate(&boarding, &ValidationContext::default()), vec![]);
    let event = styled(
        "eventTicket",
        json!({"auxiliaryFields": ([aux(4, Some(0)), aux(5, Some(1))].concat())}),
    );
    let f = validate(&event, &ValidationContext::default());
    assert_eq!(
        codes(&f),
        pairs(&[("layout.too_many_fields", "/eventTicket/auxiliaryFields/8")])
    );
    assert!(f[0].message.contains("A14"), "{}", f[0].message);

    // A store card has one row of four for secondary and auxiliary fields together, whatever
    // the barcode (wallet-rendering.md §3, as the preview draws it); a generic pass shares four
    // places only with a square barcode. (This test used to expect nothing hidden on the store
    // card, which disagreed with the preview.)
    let store = styled(
        "storeCard",
        json!({"secondaryFields": secondary(4), "auxiliaryFields": aux(3, None)}),
    );
    let f = validate(&store, &ValidationContext::default());
    assert_eq!(
        codes(&f),
        pairs(&[
            ("layout.too_many_fields", "/storeCard/auxiliaryFields/0"),
            ("layout.too_many_fields", "/storeCard/auxiliaryFields/1"),
            ("layout.too_many_fields", "/storeCard/auxiliaryFields/2"),
        ])
    );
    let generic = styled(
        "generic",
        json!({"secondaryFields": secondary(4), "auxiliaryFields": aux(3, None)}),
    );
    assert_eq!(validate(&generic, &ValidationContext::default()), vec![]);
}

#[test]
fn localized_images_are_checked_too() {
    let doc = with_files(json!({}), |f| {
        f.insert("logo.png".into(), png(160, 50));
        f.insert("logo@2x.png".into(), png(320, 100));
        f.insert("logo@3x.png".into(), png(480, 150));
        f.insert("fr.lproj/logo.png".into(), png(400, 50));
        f.insert("fr.lproj/logo@2x.png".into(), b"not an image".to_vec());
        f.insert("fr.lproj/strip.png".into(), png(375, 123));
    });
    let f = validate(&doc, &ValidationContext::default());
    assert_eq!(
        codes(&f),
        pairs(&[
            ("image.too_large", "fr.lproj/logo.png"),
            ("image.not_png", "fr.lproj/logo@2x.png"),
            ("image.missing_density", "fr.lproj/logo@3x.png"),
            ("image.unused", "fr.lproj/strip.png"),
        ])
    );
}

#[test]
fn hostile_png_headers_are_reported_not_trusted() {
    let sig = b"\x89PNG\r\n\x1a\n".to_vec();
    let ihdr = |w: u32, h: u32| {
        let mut b = sig.clone();
        b.extend_from_slice(&13u32.to_be_bytes());
        b.extend_from_slice(b"IHDR");
        b.extend_from_slice(&w.to_be_bytes());
        b.extend_from_slice(&h.to_be_bytes());
        b.extend_from_slice(&[8, 6, 0, 0, 0]);
        b.extend_from_slice(&[0, 0, 0, 0]); // wrong CRC
        b
    };
    let bad: Vec<(&str, Vec<u8>)> = vec![
        ("logo.png", sig.clone()),
        ("logo@2x.png", ihdr(0, 0)),
        ("logo@3x.png", ihdr(u32::MAX, u32::MAX)),
        ("strip.png", Vec::new()),
        ("thumbnail.png", b"GIF89a".to_vec()),
    ];
    let names: Vec<String> = bad.iter().map(|(n, _)| (*n).to_owned()).collect();
    let doc = with_files(json!({}), |f| {
        for (name, bytes) in bad {
            f.insert(name.to_owned(), bytes);
        }
    });
    let f = validate(&doc, &ValidationContext::default());
    let not_png: Vec<String> = f
        .iter()
        .filter(|f| f.code == "image.not_png")
        .map(|f| f.path.to_string())
        .collect();
    // Every broken file is reported, whatever its header claims; none yields a size finding.
    for name in &names {
        if name.starts_with("logo") {
            assert!(not_png.contains(name), "{name}: {f:#?}");
        }
    }
    assert!(f.iter().all(|f| f.code != "image.too_large"), "{f:#?}");
}

#[test]
fn languages_without_strings_need_nothing() {
    let mut doc = with_files(json!({}), |f| {
        // A language that only overrides an image.
        f.insert("de.lproj/icon.png".into(), png(29, 29));
        f.insert("de.lproj/icon@2x.png".into(), png(58, 58));
        f.insert("de.lproj/icon@3x.png".into(), png(87, 87));
    });
    doc.localizations
        .insert("es".into(), passmith_core::strings::Strings::default());
    let mut fr = passmith_core::strings::Strings::default();
    // Every kind of localizable text: labels, values, description, organization name.
    for text in ["Name", "Ada", "Coffee Club card", "Coffee Club"] {
        fr.set(text, "…");
    }
    doc.localizations.insert("fr".into(), fr);
    assert_eq!(validate(&doc, &ValidationContext::default()), vec![]);
}

#[test]
fn date_rejection_forms_from_real_bug_reports() {
    for bad in [
        "2025-07-01T10:00:00+0000",
        "2025-07-01T10:00:00.000Z",
        "2025-07-01T10:00:00",
        "2025-07-01",
    ] {
        let f = validate(
            &with(json!({"expirationDate": bad})),
            &ValidationContext::default(),
        );
        assert_eq!(
            codes(&f),
            pairs(&[("date.format", "/expirationDate")]),
            "{bad}"
        );
    }
    for good in ["2025-07-01T10:00-05:00", "2025-07-01T10:00:30Z"] {
        let f = validate(
            &with(json!({"expirationDate": good})),
            &ValidationContext::default(),
        );
        assert!(f.is_empty(), "{good}: {f:#?}");
    }
    // Semantic tags carry dates too, at any depth.
    let doc = with(json!({"semantics": {
        "eventStartDate": "2025-07-01T19:00:00.000+02:00",
        "eventEndDate": "2025-07-01T23:00+02:00",
        "seats": [{"seatNumber": "12"}],
        "venueName": "2025-07-01",
        "performerNames": ["Update Date"],
    }}));
    let f = validate(&doc, &ValidationContext::default());
    assert_eq!(
        codes(&f),
        pairs(&[("date.format", "/semantics/eventStartDate")])
    );
    let doc = generic(
        json!({"primaryFields": [field("dep", json!({"semantics": {"currentDepartureDate": "tomorrow"}}))]}),
    );
    let f = validate(&doc, &ValidationContext::default());
    assert_eq!(
        codes(&f),
        pairs(&[(
            "date.format",
            "/generic/primaryFields/0/semantics/currentDepartureDate"
        )])
    );
    // Date-typed field values are checked; plain text values are not.
    let doc = generic(json!({"backFields": [
        field("d", json!({"value": "7/22/2025", "dateStyle": "PKDateStyleShort", "timeStyle": "PKDateStyleNone"})),
        field("t", json!({"value": "7/22/2025"})),
    ]}));
    let f = validate(&doc, &ValidationContext::default());
    assert_eq!(
        codes(&f),
        pairs(&[("date.format", "/generic/backFields/0/value")])
    );
}

#[test]
fn colour_problems_from_real_bug_reports() {
    for (bad, why) in [
        ("rgb(255-255-255)", "not a colour"),
        ("rgb(256, 0, 0)", "between 0 and 255"),
        ("White", "colour names"),
    ] {
        let f = validate(
            &with(json!({"labelColor": bad})),
            &ValidationContext::default(),
        );
        assert_eq!(
            codes(&f),
            pairs(&[("color.format", "/labelColor")]),
            "{bad}"
        );
        assert!(f[0].message.contains(why), "{}", f[0].message);
    }
}

#[test]
fn pass_type_identifier_shapes() {
    let check = |id: &str| {
        codes(&validate(
            &with(json!({"passTypeIdentifier": id})),
            &ValidationContext::default(),
        ))
    };
    // Refused by iPhones (it must start with pass.): an error.
    assert_eq!(
        check("com.example.card"),
        pairs(&[("pass.type_identifier", "/passTypeIdentifier")])
    );
    // Odd, but no rejection is known: a warning.
    for odd in ["pass.", "pass.com", "pass.com.example card"] {
        assert_eq!(
            check(odd),
            pairs(&[("pass.type_identifier_shape", "/passTypeIdentifier")]),
            "{odd}"
        );
    }
    // Apple issued a certificate for an id with an empty label.
    assert!(check("pass.com.example..name").is_empty());
    let f = validate(
        &with(json!({"passTypeIdentifier": "ABCDE12345.pass.com.x.y"})),
        &ValidationContext::default(),
    );
    assert!(f[0].hint.contains("pass.com.x.y"), "{}", f[0].hint);
}

#[test]
fn comments_in_pass_json_are_read_with_a_warning() {
    let doc = commented_pass();
    assert_eq!(doc.pass.organization_name, "Coffee Club");
    let f = validate(&doc, &ValidationContext::default());
    assert_eq!(codes(&f), pairs(&[("json.comment", "pass.json")]));
    assert!(f[0].message.contains("line 2"), "{}", f[0].message);
    // Saved again, pass.json is strict JSON and the warning is gone.
    let saved = PassDocument::from_files(doc.to_files().unwrap()).unwrap();
    assert!(validate(&saved, &ValidationContext::default()).is_empty());
}

/// Issue 9's passes that were really issued and added to iPhones, rebuilt on the base pass:
/// none of them may be an error.
#[test]
fn passes_iphones_accept_are_not_errors() {
    let ctx = ValidationContext::default();
    let errors = |doc: &PassDocument| -> Vec<(String, String)> {
        codes(
            &validate(doc, &ctx)
                .into_iter()
                .filter(Finding::is_error)
                .collect::<Vec<_>>(),
        )
    };
    // rgba() colours, as Apple's own tools write them: nothing at all.
    let rgba = with(
        json!({"backgroundColor": "rgba(20, 30, 40, 0.8)", "labelColor": "rgba(255,255,255,1)"}),
    );
    assert!(codes(&validate(&rgba, &ctx)).is_empty());
    // Only icon@2x.png: the missing icon.png is a density warning.
    let only_2x = with_files(json!({}), |f| f.retain(|name, _| name == "icon@2x.png"));
    assert!(errors(&only_2x).is_empty());
    let found = codes(&validate(&only_2x, &ctx));
    assert!(
        found.contains(&("image.missing_density".into(), "icon.png".into())),
        "{found:?}"
    );
    // The same key twice on the back: a warning (twice on the front stays an error).
    let back = generic(json!({"backFields": [field("a", json!({})), field("a", json!({}))]}));
    assert!(errors(&back).is_empty());
    let front = generic(
        json!({"primaryFields": [field("a", json!({}))], "secondaryFields": [field("a", json!({}))]}),
    );
    assert_eq!(
        errors(&front),
        pairs(&[("field.key_duplicate", "/generic/secondaryFields/0/key")])
    );
    // A JPEG named .png: a warning saying what to do, and its size is read like a PNG's.
    let jpeg_logo = with_files(json!({}), |f| {
        f.insert("logo.png".into(), jpeg(400, 50));
        f.insert("logo@2x.png".into(), png(320, 100));
        f.insert("logo@3x.png".into(), png(480, 150));
    });
    assert!(errors(&jpeg_logo).is_empty());
    let f = validate(&jpeg_logo, &ctx);
    let jpeg_finding = f.iter().find(|f| f.code == "image.jpeg_as_png").unwrap();
    assert!(
        jpeg_finding.hint.contains("Rename or convert"),
        "{}",
        jpeg_finding.hint
    );
    assert!(
        f.iter()
            .any(|f| f.code == "image.too_large" && f.path == "logo.png"),
        "the JPEG's 400 px width is checked: {f:#?}"
    );
    // An authenticationToken without a webServiceURL is simply unused.
    let token = with(json!({"authenticationToken": "0123456789abcdef0123"}));
    assert!(errors(&token).is_empty());
    assert_eq!(
        codes(&validate(&token, &ctx)),
        pairs(&[("web.url_missing", "/webServiceURL")])
    );
    // pass.com.example..name
    assert!(
        errors(&with(
            json!({"passTypeIdentifier": "pass.com.example..name"})
        ))
        .is_empty()
    );
}

#[test]
fn every_missing_required_key_is_named() {
    let doc = with(json!({
        "formatVersion": null, "passTypeIdentifier": null, "serialNumber": null,
        "teamIdentifier": null, "organizationName": null, "description": "  ",
    }));
    let f = validate(&doc, &ValidationContext::default());
    let paths: Vec<String> = f
        .iter()
        .filter(|f| f.code == "pass.required")
        .map(|f| f.path.to_string())
        .collect();
    assert_eq!(
        paths,
        [
            "/formatVersion",
            "/passTypeIdentifier",
            "/serialNumber",
            "/teamIdentifier",
            "/organizationName",
            "/description"
        ]
    );
}

#[test]
fn square_barcode_rule_uses_the_barcode_wallet_shows() {
    // Wallet shows the first barcode; a QR code listed second does not shrink the field area.
    let doc = with(json!({
        "barcodes": [
            {"format": "PKBarcodeFormatPDF417", "message": "1", "messageEncoding": "iso-8859-1"},
            {"format": "PKBarcodeFormatQR", "message": "1", "messageEncoding": "iso-8859-1"}
        ],
        "generic": {"secondaryFields": [field("a", json!({})), field("b", json!({})), field("c", json!({}))],
                    "auxiliaryFields": [field("d", json!({})), field("e", json!({}))]}
    }));
    assert_eq!(validate(&doc, &ValidationContext::default()), vec![]);
}

/// Replaces every leaf of a JSON value in turn with each hostile value.
fn mutations(v: &Value) -> Vec<Value> {
    let hostile = [
        json!(null),
        json!(""),
        json!("💥\u{0}"),
        json!(-1),
        json!(1e300),
        json!(u64::MAX),
        json!([]),
        json!({}),
        json!("PKBarcodeFormatCode128"),
    ];
    let mut out = Vec::new();
    fn walk(root: &Value, here: &Value, ptr: String, hostile: &[Value], out: &mut Vec<Value>) {
        match here {
            Value::Object(m) => {
                for (k, child) in m {
                    walk(
                        root,
                        child,
                        format!("{ptr}/{}", k.replace('~', "~0").replace('/', "~1")),
                        hostile,
                        out,
                    );
                }
            }
            Value::Array(a) => {
                for (i, child) in a.iter().enumerate() {
                    walk(root, child, format!("{ptr}/{i}"), hostile, out);
                }
            }
            _ => {
                for h in hostile {
                    let mut copy = root.clone();
                    if let Some(slot) = copy.pointer_mut(&ptr) {
                        *slot = h.clone();
                    }
                    out.push(copy);
                }
            }
        }
    }
    walk(v, v, String::new(), &hostile, &mut out);
    out
}

#[test]
fn never_panics_on_hostile_variations_of_real_passes() {
    let mut folders = Vec::new();
    for sub in ["apple-samples", "wallet-screenshots"] {
        for entry in std::fs::read_dir(fixtures().join(sub)).unwrap() {
            let p = entry.unwrap().path();
            if p.join("pass.json").is_file() {
                folders.push(p);
            }
        }
    }
    assert!(folders.len() >= 27);
    let mut validated = 0;
    for dir in folders {
        let doc = PassDocument::read_dir(&dir).unwrap();
        let findings = validate(&doc, &ValidationContext::at(now()));
        for f in &findings {
            assert_eq!(
                f.severity,
                f.code.severity(),
                "{}: {}",
                dir.display(),
                f.code
            );
        }
        let value = serde_json::to_value(&doc.pass).unwrap();
        for variant in mutations(&value) {
            // Variants the model refuses to load are reported by the loader, not by validate.
            if let Ok(pass) = json::pass_from_value(variant) {
                let d = PassDocument {
                    pass,
                    ..doc.clone()
                };
                let _ = validate(&d, &at(Some(identity("pass.x.y", "T", i64::MIN, i64::MAX))));
                validated += 1;
            }
        }
    }
    assert!(validated > 1000, "only {validated} variants loaded");
}

#[test]
fn an_oversized_image_is_told_which_side_is_too_big_in_the_points_wallet_gives_it() {
    let mut doc = crate::util::sample_for_test_cert("Generic");
    // 55×67 at @1x: fine across (the logo may be 160 pt wide), too tall (50 pt).
    doc.files.insert("logo.png".into(), png(55, 67).into());
    let findings = validate(&doc, &ValidationContext::at(now()));
    let logo: Vec<&str> = findings
        .iter()
        .filter(|f| f.code == Code::ImageTooLarge && f.path == "logo.png")
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(logo.len(), 1, "{findings:?}");
    assert!(
        logo[0].contains("67 px tall; Wallet gives the logo 50 pt"),
        "{}",
        logo[0]
    );
    assert!(
        !logo[0].contains("wide"),
        "the width fits, so it is not named: {}",
        logo[0]
    );
}

/// Every finding a case produces reads cleanly: no word twice in a row, "a"/"an" right
/// (issue 17: "The primary field the field …", "a event ticket pass").
#[test]
fn every_message_and_hint_reads_cleanly() {
    let mut problems = Vec::new();
    for c in cases() {
        for f in &c.findings {
            for (part, text) in [("message", &f.message), ("hint", &f.hint)] {
                for p in passmith_core::words::prose_problems(text) {
                    problems.push(format!("{} {part}: {p} in {text:?}", f.code));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
