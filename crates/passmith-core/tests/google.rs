//! Google Wallet: the mapping of Apple's samples and the templates checked against Google's
//! discovery document, each `google.*` finding, translations, and the save link verified by the
//! openssl CLI with a key made for the test.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use passmith_core::export::{GoogleExportOptions, Refused, prepare_google};
use passmith_core::google::jwt::{Carries, MAX_LINK_JWT, ServiceAccountKey, save_claims};
use passmith_core::google::{GoogleType, MapOptions, Mapped, map};
use passmith_core::model::{Barcode, BarcodeFormat, Field, Location, Pass, Style};
use passmith_core::strings::Strings;
use passmith_core::{Finding, PassDocument};
use passmith_testkit::google_schema::Discovery;
use passmith_testkit::openssl_verifies_jwt;
use serde_json::Value;

use crate::util::{SAMPLES, fixtures};

const ISSUER: &str = "3388000000012345678";
const IMAGES: &str = "https://cdn.example.com/passes/spring";

fn opts() -> MapOptions {
    MapOptions {
        issuer_id: ISSUER.into(),
        type_override: None,
        image_base_url: Some(IMAGES.into()),
        language: None,
        format_value: None,
    }
}

fn templates() -> Vec<PathBuf> {
    [
        "BoardingPass",
        "Coupon",
        "EventTicket",
        "Generic",
        "StoreCard",
    ]
    .iter()
    .map(|n| {
        fixtures()
            .join("../../sample_passes")
            .join(format!("{n}.pass"))
    })
    .collect()
}

fn samples() -> Vec<PathBuf> {
    SAMPLES
        .iter()
        .map(|n| fixtures().join("apple-samples").join(format!("{n}.pass")))
        .collect()
}

fn read(dir: &Path) -> PassDocument {
    PassDocument::read_dir(dir).unwrap()
}

fn codes(findings: &[Finding]) -> Vec<&str> {
    findings.iter().map(|f| f.code.as_str()).collect()
}

fn with(findings: &[Finding], code: &str) -> Vec<Finding> {
    findings
        .iter()
        .filter(|f| f.code == code)
        .cloned()
        .collect()
}

fn check(discovery: &Discovery, mapped: &Mapped) -> Vec<String> {
    let t = mapped.google_type;
    let mut problems = discovery.check(&t.class_schema(), &mapped.class);
    problems.extend(discovery.check(&t.object_schema(), &mapped.object));
    if mapped.object["classId"] != mapped.class["id"] {
        problems.push("object.classId is not class.id".into());
    }
    problems
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbaImage::from_pixel(width, height, image::Rgba([200, 40, 40, 255]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

fn generic_pass() -> PassDocument {
    let mut pass = Pass {
        format_version: Some(1),
        pass_type_identifier: "pass.com.example.passmith".into(),
        serial_number: "G-1".into(),
        team_identifier: "TEAM123456".into(),
        organization_name: "Example Org".into(),
        description: "Member card".into(),
        ..Pass::default()
    };
    pass.set_style(Style::Generic);
    let fields = pass.fields_mut().unwrap();
    fields.primary_fields = Some(vec![Field::text("name", "NAME", "Ada Lovelace")]);
    PassDocument::new(pass)
}

#[test]
fn every_sample_and_template_maps_to_json_that_google_s_discovery_document_accepts() {
    let discovery = Discovery::load();
    let mut seen_types = Vec::new();
    for dir in samples().into_iter().chain(templates()) {
        let doc = read(&dir);
        let mapped = map(&doc, &opts());
        let problems = check(&discovery, &mapped);
        assert!(
            problems.is_empty(),
            "{}: {problems:#?}\n{:#}\n{:#}",
            dir.display(),
            mapped.class,
            mapped.object
        );
        assert!(
            !mapped.findings.iter().any(Finding::is_error),
            "{}: {:#?}",
            dir.display(),
            mapped.findings
        );
        seen_types.push(mapped.google_type);
    }
    // Storecard → loyalty, coupon → offer, event → eventTicket, generic → generic, the rail
    // template → transit; Apple's flight sample has no carrier code, so it is generic.
    for t in [
        GoogleType::Loyalty,
        GoogleType::Offer,
        GoogleType::EventTicket,
        GoogleType::Generic,
        GoogleType::Transit,
    ] {
        assert!(seen_types.contains(&t), "{t} not among {seen_types:?}");
    }
}

#[test]
fn every_type_a_user_can_choose_passes_the_schema_check_or_falls_back_with_a_finding() {
    let discovery = Discovery::load();
    let doc = read(&fixtures().join("../../sample_passes/StoreCard.pass"));
    for t in GoogleType::ALL {
        assert!(discovery.has_schema(&t.class_schema()), "{t}");
        let mapped = map(
            &doc,
            &MapOptions {
                type_override: Some(t),
                ..opts()
            },
        );
        assert_eq!(check(&discovery, &mapped), Vec::<String>::new(), "{t}");
        if t == GoogleType::Flight {
            assert_eq!(mapped.google_type, GoogleType::Generic);
            assert!(codes(&mapped.findings).contains(&"google.type_fallback"));
        } else {
            assert_eq!(mapped.google_type, t);
        }
    }
}

#[test]
fn a_boarding_pass_with_carrier_and_flight_number_becomes_a_flight() {
    let mut doc = read(&fixtures().join("apple-samples/BoardingPass.pass"));
    let unmapped = map(&doc, &opts());
    assert_eq!(unmapped.google_type, GoogleType::Generic);
    let fallback = with(&unmapped.findings, "google.type_fallback");
    assert_eq!(fallback.len(), 1);
    assert!(fallback[0].message.contains("carrier code"), "{fallback:?}");
    assert_eq!(fallback[0].path.to_string(), "/boardingPass");

    let fields = doc.pass.fields_mut().unwrap();
    let aux = fields.auxiliary_fields.as_mut().unwrap();
    let flight = aux.iter_mut().find(|f| f.key == "flightNewName").unwrap();
    flight.value = "LH451".into();
    let mapped = map(&doc, &opts());
    assert_eq!(mapped.google_type, GoogleType::Flight);
    assert_eq!(check(&Discovery::load(), &mapped), Vec::<String>::new());
    assert_eq!(mapped.class["origin"]["airportIataCode"], "SFO");
    assert_eq!(mapped.class["destination"]["airportIataCode"], "JFK");
    assert_eq!(
        mapped.class["flightHeader"]["carrier"]["carrierIataCode"],
        "LH"
    );
    assert_eq!(mapped.class["flightHeader"]["flightNumber"], "451");
    assert_eq!(
        mapped.class["localScheduledDepartureDateTime"],
        "2012-07-22T14:25"
    );
    assert_eq!(mapped.object["passengerName"], "John Appleseed");
}

#[test]
fn content_carries_over_colour_barcode_dates_state_locations_and_front_fields_as_card_rows() {
    let doc = read(&fixtures().join("../../sample_passes/StoreCard.pass"));
    let mapped = map(&doc, &opts());
    assert_eq!(mapped.google_type, GoogleType::Loyalty);
    assert_eq!(mapped.class["id"], format!("{ISSUER}.com.example.passmith"));
    assert_eq!(
        mapped.object["id"],
        format!("{ISSUER}.com.example.passmith.HCR-0042-7781")
    );
    assert_eq!(mapped.class["issuerName"], "Harbor Coffee Roasters");
    assert_eq!(mapped.class["programName"], "Harbor Coffee");
    assert_eq!(mapped.class["hexBackgroundColor"], "#3a241b");
    assert_eq!(
        mapped.class["programLogo"]["sourceUri"]["uri"],
        format!("{IMAGES}/logo@3x.png")
    );
    assert_eq!(
        mapped.class["heroImage"]["sourceUri"]["uri"],
        format!("{IMAGES}/strip@3x.png")
    );
    assert_eq!(mapped.object["barcode"]["type"], "QR_CODE");
    assert_eq!(mapped.object["barcode"]["value"], "HCR-0042-7781");
    assert_eq!(mapped.object["barcode"]["alternateText"], "0042 7781");
    assert_eq!(mapped.object["state"], "ACTIVE");
    // 4 front fields (header, primary, 2 secondary) on the card; 3 back fields below it.
    let modules = mapped.object["textModulesData"].as_array().unwrap();
    assert_eq!(modules.len(), 7);
    let rows = mapped.class["classTemplateInfo"]["cardTemplateOverride"]["cardRowTemplateInfos"]
        .as_array()
        .unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        rows[0]["threeItems"]["startItem"]["firstValue"]["fields"][0]["fieldPath"],
        "object.textModulesData['stamps']"
    );
    assert_eq!(
        rows[1]["oneItem"]["item"]["firstValue"]["fields"][0]["fieldPath"],
        "object.textModulesData['tier']"
    );
    let back = with(&mapped.findings, "google.back_fields");
    assert_eq!(back.len(), 1);
    assert!(
        back[0]
            .message
            .contains("3 back fields become text modules")
    );

    let mut voided = doc.clone();
    voided.pass.voided = Some(true);
    voided.pass.expiration_date = Some("2027-01-31T23:59:00+01:00".into());
    voided.pass.relevant_date = Some("2026-12-01T09:00:00+01:00".into());
    voided.pass.locations = Some(vec![Location {
        latitude: 45.52,
        longitude: -122.68,
        ..Location::default()
    }]);
    let mapped = map(&voided, &opts());
    assert_eq!(mapped.object["state"], "INACTIVE");
    assert_eq!(
        mapped.object["validTimeInterval"]["start"]["date"],
        "2026-12-01T09:00:00+01:00"
    );
    assert_eq!(
        mapped.object["validTimeInterval"]["end"]["date"],
        "2027-01-31T23:59:00+01:00"
    );
    assert_eq!(mapped.object["merchantLocations"][0]["latitude"], 45.52);
    assert_eq!(check(&Discovery::load(), &mapped), Vec::<String>::new());
}

#[test]
fn six_back_fields_and_a_320_by_100_logo_give_the_two_findings_with_their_places() {
    let mut doc = generic_pass();
    let back: Vec<Field> = (1..=6)
        .map(|i| Field::text(&format!("b{i}"), "TERMS", &format!("Term {i}")))
        .collect();
    doc.pass.fields_mut().unwrap().back_fields = Some(back);
    doc.files.insert("logo.png".into(), png(320, 100).into());
    let mapped = map(&doc, &opts());
    let back = with(&mapped.findings, "google.back_fields");
    assert_eq!(back.len(), 1);
    assert_eq!(
        back[0].message,
        "Google Wallet has no back side: 6 back fields become text modules, shown below the card in the pass details."
    );
    assert_eq!(back[0].path.to_string(), "/generic/backFields/0");
    assert_eq!(back[0].path.section(), passmith_core::Section::Fields);
    let logo = with(&mapped.findings, "google.logo_shape");
    assert_eq!(logo.len(), 1);
    assert!(
        logo[0].message.contains(
            "must be square and at least 660 px (it is masked to a circle): yours is 320×100"
        ),
        "{}",
        logo[0].message
    );
    assert_eq!(logo[0].path.to_string(), "logo.png");
    assert_eq!(logo[0].path.section(), passmith_core::Section::Images);
    assert!(back.iter().chain(&logo).all(|f| !f.is_error()));

    doc.files.insert("logo.png".into(), png(660, 660).into());
    assert!(!codes(&map(&doc, &opts()).findings).contains(&"google.logo_shape"));
}

#[test]
fn ids_take_only_the_characters_google_allows_and_need_a_numeric_issuer() {
    let mut doc = generic_pass();
    doc.pass.serial_number = "A 1/2".into();
    let mapped = map(&doc, &opts());
    assert_eq!(
        mapped.object_id(),
        format!("{ISSUER}.com.example.passmith.A_1_2")
    );
    let f = with(&mapped.findings, "google.id_characters");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].path.to_string(), "/serialNumber");
    assert!(!f[0].is_error());
    assert_eq!(check(&Discovery::load(), &mapped), Vec::<String>::new());

    let bad_issuer = map(
        &doc,
        &MapOptions {
            issuer_id: "acme".into(),
            ..opts()
        },
    );
    let f = with(&bad_issuer.findings, "google.issuer_id");
    assert!(f.len() == 1 && f[0].is_error(), "{f:?}");
    assert!(
        !Discovery::load()
            .check("GenericClass", &bad_issuer.class)
            .is_empty()
    );

    doc.pass.serial_number = String::new();
    let f = with(&map(&doc, &opts()).findings, "google.id_empty");
    assert!(f.len() == 1 && f[0].is_error(), "{f:?}");
}

#[test]
fn front_fields_beyond_three_rows_of_three_are_named_one_by_one() {
    let mut doc = generic_pass();
    let fields = doc.pass.fields_mut().unwrap();
    let many = |prefix: &str, n: usize| -> Option<Vec<Field>> {
        Some(
            (0..n)
                .map(|i| Field::text(&format!("{prefix}{i}"), "L", "v"))
                .collect(),
        )
    };
    // Generic with a non-square barcode shows 3 header, 1 primary, 4 secondary and 4
    // auxiliary fields; the primary is the header, so 11 compete for 9 places.
    fields.header_fields = many("h", 3);
    fields.secondary_fields = many("s", 4);
    fields.auxiliary_fields = many("a", 4);
    doc.pass.barcodes = Some(vec![Barcode::new(BarcodeFormat::Pdf417, "x")]);
    let mapped = map(&doc, &opts());
    let full = with(&mapped.findings, "google.card_full");
    let paths: Vec<String> = full.iter().map(|f| f.path.to_string()).collect();
    assert_eq!(
        paths,
        ["/generic/auxiliaryFields/2", "/generic/auxiliaryFields/3"]
    );
    let rows = mapped.class["classTemplateInfo"]["cardTemplateOverride"]["cardRowTemplateInfos"]
        .as_array()
        .unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(
        mapped.object["textModulesData"].as_array().unwrap().len(),
        11
    );
    assert_eq!(check(&Discovery::load(), &mapped), Vec::<String>::new());
}

#[test]
fn each_remaining_google_finding_is_reported_where_it_belongs() {
    // A barcode format Google lacks.
    let mut doc = generic_pass();
    doc.pass.barcodes = Some(vec![Barcode::new(
        BarcodeFormat::Other("PKBarcodeFormatDataMatrix".into()),
        "x",
    )]);
    let f = with(&map(&doc, &opts()).findings, "google.barcode_format");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].path.to_string(), "/barcodes/0/format");

    // Loyalty without an image base URL: Google refuses the class (error), images left out.
    let store = read(&fixtures().join("../../sample_passes/StoreCard.pass"));
    let no_images = MapOptions {
        image_base_url: None,
        ..opts()
    };
    let mapped = map(&store, &no_images);
    let required = with(&mapped.findings, "google.logo_required");
    assert!(required.len() == 1 && required[0].is_error());
    assert_eq!(with(&mapped.findings, "google.image_url_missing").len(), 1);
    // Transit without a logo URL becomes generic instead.
    let rail = read(&fixtures().join("../../sample_passes/BoardingPass.pass"));
    let mapped = map(&rail, &no_images);
    assert_eq!(mapped.google_type, GoogleType::Generic);
    assert_eq!(with(&mapped.findings, "google.type_fallback").len(), 1);

    // An http base URL.
    let http = MapOptions {
        image_base_url: Some("http://cdn.example.com".into()),
        ..opts()
    };
    assert_eq!(
        with(&map(&store, &http).findings, "google.image_url_http").len(),
        1
    );

    // A square strip is no 3:1 hero.
    let mut square = store.clone();
    square.files.retain(|k, _| !k.starts_with("strip"));
    square
        .files
        .insert("strip.png".into(), png(300, 300).into());
    let f = with(&map(&square, &opts()).findings, "google.hero_aspect");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].path.to_string(), "strip.png");

    // Apple's event sample: background and thumbnail have no place on Google's card.
    let event = read(&fixtures().join("apple-samples/Event.pass"));
    let f = with(&map(&event, &opts()).findings, "google.not_carried");
    let paths: Vec<String> = f.iter().map(|f| f.path.to_string()).collect();
    assert_eq!(paths, ["background@2x.png", "thumbnail@2x.png"]);

    // Eleven locations: Google takes ten.
    let mut many = generic_pass();
    many.pass.locations = Some(
        (0..11)
            .map(|i| Location {
                latitude: f64::from(i),
                longitude: 1.0,
                ..Location::default()
            })
            .collect(),
    );
    let mapped = map(&many, &opts());
    let f = with(&mapped.findings, "google.locations_too_many");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].path.to_string(), "/locations/10");
    assert_eq!(
        mapped.object["merchantLocations"].as_array().unwrap().len(),
        10
    );
}

#[test]
fn pass_strings_become_translated_values() {
    let mut doc = generic_pass();
    let fields = doc.pass.fields_mut().unwrap();
    fields.primary_fields = Some(vec![Field::text("member", "MEMBER_LABEL", "WELCOME")]);
    fields.back_fields = Some(vec![Field::text("terms", "TERMS", "TERMS_TEXT")]);
    for (lang, entries) in [
        (
            "en",
            [
                ("MEMBER_LABEL", "Member"),
                ("WELCOME", "Welcome"),
                ("TERMS", "Terms"),
                ("TERMS_TEXT", "No refunds"),
            ],
        ),
        (
            "fr",
            [
                ("MEMBER_LABEL", "Membre"),
                ("WELCOME", "Bienvenue"),
                ("TERMS", "Conditions"),
                ("TERMS_TEXT", "Pas de remboursement"),
            ],
        ),
    ] {
        let table = Strings::new(
            entries
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        );
        doc.localizations.insert(lang.into(), table);
    }
    let mapped = map(&doc, &opts());
    let header = &mapped.object["header"];
    assert_eq!(header["defaultValue"]["language"], "en");
    assert_eq!(header["defaultValue"]["value"], "Welcome");
    assert_eq!(
        header["translatedValues"],
        serde_json::json!([{"language": "fr", "value": "Bienvenue"}])
    );
    assert_eq!(
        mapped.object["subheader"]["translatedValues"][0]["value"],
        "Membre"
    );
    let terms = &mapped.object["textModulesData"][0];
    assert_eq!(terms["header"], "Terms");
    assert_eq!(terms["body"], "No refunds");
    assert_eq!(
        terms["localizedBody"]["translatedValues"][0]["value"],
        "Pas de remboursement"
    );
    assert_eq!(check(&Discovery::load(), &mapped), Vec::<String>::new());

    // French as the default language, English among the translations.
    let french = map(
        &doc,
        &MapOptions {
            language: Some("fr".into()),
            ..opts()
        },
    );
    let header = &french.object["header"];
    assert_eq!(
        header["defaultValue"],
        serde_json::json!({"language": "fr", "value": "Bienvenue"})
    );
    assert_eq!(
        header["translatedValues"],
        serde_json::json!([{"language": "en", "value": "Welcome"}])
    );
    assert_eq!(
        french.object["textModulesData"][0]["body"],
        "Pas de remboursement"
    );
}

#[test]
fn beacons_nfc_and_the_app_link_are_named_as_not_carried_over() {
    let mut doc = generic_pass();
    doc.pass.beacons = Some(vec![passmith_core::model::Beacon {
        proximity_uuid: "E2C56DB5-DFFB-48D2-B060-D0F5A71096E0".into(),
        ..Default::default()
    }]);
    doc.pass.nfc = Some(passmith_core::model::Nfc {
        message: "m".into(),
        ..Default::default()
    });
    doc.pass.app_launch_url = Some("shop://card".into());
    let mapped = map(&doc, &opts());
    let mut paths: Vec<String> = with(&mapped.findings, "google.not_carried")
        .iter()
        .map(|f| f.path.to_string())
        .collect();
    paths.sort();
    assert_eq!(paths, ["/appLaunchURL", "/beacons", "/nfc"]);
    assert!(
        with(&mapped.findings, "google.not_carried")
            .iter()
            .all(|f| !f.is_error())
    );
}

fn service_account(dir: &Path) -> (Vec<u8>, PathBuf) {
    let (file, public) =
        passmith_testkit::google_service_account(dir, "https://oauth2.googleapis.com/token");
    (std::fs::read(file).unwrap(), public)
}

fn claims(jwt: &str) -> (Value, Value) {
    passmith_testkit::jwt_parts(jwt)
}

#[test]
fn the_save_link_verifies_with_the_public_key_and_decodes_to_the_same_class_and_object() {
    let dir = tempfile::tempdir().unwrap();
    let (key_json, public) = service_account(dir.path());
    let key = ServiceAccountKey::from_json(&key_json).unwrap();
    let mut lengths = Vec::new();
    for sample in samples().into_iter().chain(templates()) {
        let doc = read(&sample);
        let out = prepare_google(
            &doc,
            &GoogleExportOptions {
                now_unix: 1_780_000_000,
                map: opts(),
                key: Some(&key),
                origins: vec!["https://shop.example.com".into()],
            },
        )
        .unwrap();
        let link = out.link.unwrap();
        assert!(
            link.url()
                .starts_with("https://pay.google.com/gp/v/save/ey")
        );
        assert!(
            openssl_verifies_jwt(&link.jwt, &public),
            "{}",
            sample.display()
        );
        let (header, body) = claims(&link.jwt);
        assert_eq!(header["alg"], "RS256");
        assert_eq!(header["kid"], "0123456789abcdef");
        assert_eq!(body["iss"], "wallet@passmith-test.iam.gserviceaccount.com");
        assert_eq!(body["aud"], "google");
        assert_eq!(body["typ"], "savetowallet");
        assert_eq!(body["iat"], 1_780_000_000);
        assert_eq!(body["origins"][0], "https://shop.example.com");
        let t = out.mapped.google_type;
        let objects = &body["payload"][format!("{t}Objects")][0];
        let classes = body["payload"].get(format!("{t}Classes"));
        assert!(link.jwt.len() <= MAX_LINK_JWT, "{}", link.jwt.len());
        match link.carries {
            Carries::ClassAndObject => {
                assert_eq!(*objects, out.mapped.object);
                assert_eq!(classes, Some(&out.mapped.class));
                assert!(!codes(&out.warnings).contains(&"google.link_too_long"));
            }
            Carries::Object => {
                assert_eq!(*objects, out.mapped.object);
                assert!(classes.is_none());
                assert!(codes(&out.warnings).contains(&"google.link_too_long"));
            }
            Carries::ObjectId => {
                assert_eq!(objects["id"], out.mapped.object["id"]);
                assert_eq!(objects["classId"], out.mapped.class["id"]);
                assert_eq!(objects.as_object().unwrap().len(), 2);
                assert!(classes.is_none());
                assert!(codes(&out.warnings).contains(&"google.link_too_long"));
            }
        }
        let with_class = key
            .sign(&save_claims(
                &key,
                t,
                Some(&out.mapped.class),
                &out.mapped.object,
                &["https://shop.example.com".to_owned()],
                1_780_000_000,
            ))
            .unwrap()
            .len();
        lengths.push(format!(
            "{}/{}: {t}, class + object {with_class}, link {} ({:?})",
            sample
                .parent()
                .unwrap()
                .file_name()
                .unwrap()
                .to_string_lossy(),
            sample.file_name().unwrap().to_string_lossy(),
            link.jwt.len(),
            link.carries
        ));
        // A tampered payload no longer verifies.
        let (h, rest) = link.jwt.split_once('.').unwrap();
        let (_, sig) = rest.rsplit_once('.').unwrap();
        let forged = format!(
            "{h}.{}.{sig}",
            URL_SAFE_NO_PAD.encode(b"{\"aud\":\"google\"}")
        );
        assert!(!openssl_verifies_jwt(&forged, &public));
    }
    println!("JWT lengths: {lengths:#?}");
}

#[test]
fn a_link_over_1800_characters_carries_only_the_object_and_says_the_class_comes_first() {
    let dir = tempfile::tempdir().unwrap();
    let (key_json, public) = service_account(dir.path());
    let key = ServiceAccountKey::from_json(&key_json).unwrap();
    let mut doc = generic_pass();
    // Long secondary fields: each becomes a card row item in the class and a text module in
    // the object, so both grow.
    doc.pass.fields_mut().unwrap().secondary_fields = Some(
        (0..4)
            .map(|i| {
                Field::text(
                    &format!("detail_with_a_long_key_{i}"),
                    "DETAIL",
                    "A fairly long value",
                )
            })
            .collect(),
    );
    doc.pass.fields_mut().unwrap().header_fields = Some(
        (0..3)
            .map(|i| Field::text(&format!("header_with_a_long_key_{i}"), "H", "v"))
            .collect(),
    );
    let out = prepare_google(
        &doc,
        &GoogleExportOptions {
            now_unix: 1_780_000_000,
            map: opts(),
            key: Some(&key),
            origins: vec![],
        },
    )
    .unwrap();
    let link = out.link.unwrap();
    assert_eq!(
        link.carries,
        Carries::Object,
        "JWT of {} characters",
        link.jwt.len()
    );
    let warning = with(&out.warnings, "google.link_too_long");
    assert_eq!(warning.len(), 1);
    assert!(warning[0].message.contains("must be created first"));
    assert!(openssl_verifies_jwt(&link.jwt, &public));
    let (_, body) = claims(&link.jwt);
    assert_eq!(body["payload"]["genericObjects"][0], out.mapped.object);
    assert!(body["payload"].get("genericClasses").is_none());
}

#[test]
fn the_gate_refuses_what_google_refuses_and_bad_key_files_say_what_is_wrong() {
    let store = read(&fixtures().join("../../sample_passes/StoreCard.pass"));
    let refused = prepare_google(
        &store,
        &GoogleExportOptions {
            map: MapOptions {
                image_base_url: None,
                ..opts()
            },
            ..GoogleExportOptions::default()
        },
    )
    .unwrap_err();
    assert!(matches!(refused, Refused::Blocked { .. }));
    assert!(codes(refused.findings()).contains(&"google.logo_required"));
    assert!(refused.findings()[0].is_error());

    let err = ServiceAccountKey::from_json(b"{\"client_email\": \"a@b\"}").unwrap_err();
    assert!(err.to_string().contains("no private_key"), "{err}");
    let err = ServiceAccountKey::from_json(b"not json").unwrap_err();
    assert!(err.to_string().contains("not JSON"), "{err}");
    let err = ServiceAccountKey::from_json(
        b"{\"client_email\": \"a@b\", \"private_key\": \"-----BEGIN PRIVATE KEY-----\\nAAAA\\n-----END PRIVATE KEY-----\\n\"}",
    )
    .unwrap_err();
    assert!(err.to_string().contains("cannot be read"), "{err}");
}

fn shouting(field: &Field, text: &str, lang: Option<&str>) -> String {
    format!("{}:{text}:{}", field.key, lang.unwrap_or("-"))
}

#[test]
fn values_are_written_through_the_caller_s_formatter_or_as_they_are() {
    let doc = read(&fixtures().join("../../sample_passes/StoreCard.pass"));
    let body = |mapped: &Mapped| {
        mapped.object["textModulesData"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["id"] == "balance")
            .unwrap()["body"]
            .clone()
    };
    assert_eq!(body(&map(&doc, &opts())), "18.5");
    let formatted = map(
        &doc,
        &MapOptions {
            format_value: Some(shouting),
            ..opts()
        },
    );
    assert_eq!(body(&formatted), "balance:18.5:-");
}
