//! Batch personalisation in the engine: how a CSV fills a design (placeholders, typed
//! placeholders, field-key columns as in Apple's Pass Builder, strings tables, image columns),
//! which problems stop a batch and which fail only their row, and a run through the export gate.

use std::collections::BTreeMap;
use std::sync::atomic::AtomicBool;

use passmith_core::batch::{self, BatchError, Plan, RunOptions, Table, Template, Use};
use passmith_core::export::{ExportOptions, Gate};

use crate::util::{cert_file, fixtures, now, test_identity};

/// StoreCard's files with the test identity and `edit` applied to pass.json's text.
fn design(edit: impl Fn(String) -> String) -> BTreeMap<String, Vec<u8>> {
    let dir = fixtures().join("apple-samples/StoreCard.pass");
    let mut files = passmith_core::folder::read_files(&dir).unwrap();
    let json = String::from_utf8(files["pass.json"].clone()).unwrap();
    let json = json
        .replace(
            "pass.com.apple.devpubs.example",
            "pass.com.example.passmith",
        )
        .replace("A93A5CM278", "TEAM123456");
    files.insert("pass.json".into(), edit(json).into_bytes());
    files
}

fn plan(files: BTreeMap<String, Vec<u8>>, csv: &str) -> Result<Plan, BatchError> {
    let template = Template::from_files(files).unwrap();
    let table = Table::parse(csv.as_bytes(), "rows.csv").unwrap();
    Plan::new(template, table, &fixtures())
}

#[test]
fn placeholders_typed_placeholders_and_field_key_columns_fill_each_row() {
    let files = design(|json| {
        json.replace(
            "\"longitude\" : -122.3748889",
            "\"longitude\" : \"{{lon:number}}\"",
        )
        .replace(
            "\"latitude\" : 37.6189722",
            "\"latitude\" : \"{{lat:number}}\"",
        )
        .replace("\"Organic Produce Loyalty Card\"", "\"Card of {{ name }}\"")
        .replace(
            "\"message\" : \"123456789\"",
            "\"message\" : \"M-{{serialNumber}}\"",
        )
    });
    let plan = plan(
        files,
        "serialNumber,name,lat,lon,balance,deal\nA1,Ann,48.85,2.35,12.5,Pears\nB2,Bo,51.5,-0.12,3,Figs\n",
    )
    .unwrap();
    let row = plan.personalise(1).unwrap();
    let pass = &row.document.pass;
    assert_eq!(
        (row.serial.as_str(), row.file.as_str()),
        ("B2", "B2.pkpass")
    );
    assert_eq!(pass.serial_number, "B2");
    assert_eq!(pass.description, "Card of Bo");
    let location = &pass.locations.as_ref().unwrap()[0];
    assert_eq!((location.latitude, location.longitude), (51.5, -0.12));
    let barcode = pass.barcode.as_ref().unwrap();
    assert_eq!(barcode.message, "M-B2");
    // Columns named like field keys set those fields, keeping a number a number.
    let json = serde_json::to_value(pass).unwrap();
    assert_eq!(
        json["storeCard"]["primaryFields"][0]["value"],
        serde_json::json!(3)
    );
    assert_eq!(json["storeCard"]["auxiliaryFields"][0]["value"], "Figs");
    // A web service: every row gets its own token.
    let other = plan.personalise(0).unwrap();
    let (a, b) = (
        other.document.pass.authentication_token.unwrap(),
        row.document.pass.authentication_token.clone().unwrap(),
    );
    assert!(a.len() >= 16 && a != b, "{a} {b}");

    let uses = |name: &str| {
        plan.mapping()
            .columns
            .iter()
            .find(|(c, _)| c == name)
            .map(|(_, u)| u.clone())
            .unwrap()
    };
    assert!(matches!(
        uses("balance")[..],
        [Use::Field { number: true, .. }]
    ));
    assert!(uses("serialNumber").contains(&Use::Serial));
    assert!(matches!(uses("lat")[..], [Use::Placeholder(_)]));
}

#[test]
fn a_placeholder_without_a_column_stops_the_batch_and_names_where_it_is() {
    let files = design(|json| json.replace("\"Lemons\"", "\"{{fruit}}\""));
    let err = plan(files, "serialNumber\nA\n").unwrap_err().to_string();
    assert!(err.contains("{{fruit}}"), "{err}");
    assert!(err.contains("/storeCard/auxiliaryFields/0/value"), "{err}");
    assert!(err.contains("no column \"fruit\""), "{err}");
}

#[test]
fn row_problems_fail_only_their_row_and_name_line_and_column() {
    let files = design(|json| {
        json.replace("\"Lemons\"", "\"{{fruit}}\"").replace(
            "\"latitude\" : 37.6189722",
            "\"latitude\" : \"{{lat:number}}\"",
        )
    });
    let csv = "serialNumber,fruit,lat,note?\n\
               A,Pear,1.5,\n\
               A,Fig,2,dup\n\
               C,,3,\n\
               D,Kiwi,north,\n\
               E,Plum\n\
               \"F\",\"Line\nbreak\",4,\n";
    let plan = plan(files, csv).unwrap();
    let fail = |i: usize| plan.personalise(i).unwrap_err();
    assert!(
        plan.personalise(0).is_ok(),
        "an empty optional cell is fine"
    );
    let dup = fail(1);
    assert_eq!((dup.line, dup.column.as_deref()), (3, Some("serialNumber")));
    assert!(
        dup.reason.contains("already used on line 2"),
        "{}",
        dup.reason
    );
    let empty = fail(2);
    assert_eq!((empty.line, empty.column.as_deref()), (4, Some("fruit")));
    assert!(empty.reason.contains("empty"), "{}", empty.reason);
    let nan = fail(3);
    assert_eq!(nan.column.as_deref(), Some("lat"));
    assert!(nan.reason.contains("not a number"), "{}", nan.reason);
    let short = fail(4);
    assert_eq!(short.column.as_deref(), Some("lat"));
    assert!(short.reason.contains("missing"), "{}", short.reason);
    // A quoted newline: the row starts on line 7 and is still one pass.
    let ok = plan.personalise(5).unwrap();
    assert_eq!(plan.table().rows[5].line, 7);
    let json = serde_json::to_value(&ok.document.pass).unwrap();
    assert_eq!(
        json["storeCard"]["auxiliaryFields"][0]["value"],
        "Line\nbreak"
    );
}

#[test]
fn strings_tables_image_columns_and_generated_serials() {
    let mut files = design(|json| json.replace("\"Lemons\"", "\"deal_text\""));
    files.insert(
        "fr.lproj/pass.strings".into(),
        "\"deal_text\" = \"Bonjour {{name}}\";\n"
            .as_bytes()
            .to_vec(),
    );
    // The image column names a file relative to the CSV's folder (here the fixtures).
    let csv = "name,thumbnail?\nAnn,apple-samples/Event.pass/thumbnail.png\nBo,\n";
    let plan = plan(files, csv).unwrap();
    let ann = plan.personalise(0).unwrap();
    assert_eq!(
        ann.document.localizations["fr"].get("deal_text"),
        Some("Bonjour Ann")
    );
    let thumb = std::fs::read(fixtures().join("apple-samples/Event.pass/thumbnail.png")).unwrap();
    assert_eq!(&ann.document.files["thumbnail.png"][..], &thumb[..]);
    let bo = plan.personalise(1).unwrap();
    assert!(!bo.document.files.contains_key("thumbnail.png"));
    // No serial column or placeholder: the design's serial and the row number.
    assert_eq!(
        (ann.serial.as_str(), bo.serial.as_str()),
        ("p69f2J-00001", "p69f2J-00002")
    );
}

#[test]
fn a_run_writes_every_good_row_through_the_gate_and_reports_the_bad_one() {
    let files = design(|json| json.replace("\"Lemons\"", "\"{{fruit}}\""));
    let plan = plan(files, "serialNumber,fruit\nA,Pear\nB,\nC,Fig\n").unwrap();
    let identity = test_identity();
    let wwdr = cert_file("test-wwdr-ca.pem");
    let opts = ExportOptions::at(now()).with_wwdr(&wwdr);
    let gate = Gate::open(&identity, &opts).sharing_files_of(plan.template().base());
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".keep-me"), b"mine").unwrap();
    let run_opts = RunOptions {
        out_dir: dir.path().to_owned(),
        bundle: true,
        ..RunOptions::default()
    };
    let seen = std::sync::Mutex::new(Vec::new());
    let report = batch::run(&plan, &gate, &run_opts, &AtomicBool::new(false), &|p| {
        seen.lock().unwrap().push(p.done);
    })
    .unwrap();
    assert_eq!(report.written.len(), 2);
    assert_eq!(report.failed.len(), 1);
    assert_eq!(report.failed[0].line, 3);
    let mut done = seen.into_inner().unwrap();
    done.sort();
    assert_eq!(done, [1, 2, 3]);
    for file in ["A.pkpass", "C.pkpass"] {
        let bytes = std::fs::read(dir.path().join(file)).unwrap();
        let opened = passmith_core::archive::read_pkpass(&bytes, now()).unwrap();
        assert!(opened.package.unwrap().is_intact(), "{file}");
    }
    assert_eq!(std::fs::read(dir.path().join(".keep-me")).unwrap(), b"mine");
    let bundle = std::fs::read(dir.path().join("passes-0001.pkpasses")).unwrap();
    let bundled = passmith_testkit::unzip(&bundle);
    assert_eq!(bundled.keys().collect::<Vec<_>>(), ["A.pkpass", "C.pkpass"]);

    // A design refused for its own errors fails every row with the gate's findings.
    let files = design(|json| json.replace("TEAM123456", "OTHERTEAM1"));
    let plan = self::plan(files, "serialNumber\nZ\n").unwrap();
    let gate = Gate::open(&identity, &opts);
    let report = batch::run(&plan, &gate, &run_opts, &AtomicBool::new(false), &|_| {}).unwrap();
    assert!(report.written.is_empty());
    assert!(
        report.failed[0]
            .findings
            .iter()
            .any(|f| f.code.as_str().starts_with("identity.")),
        "{:?}",
        report.failed[0]
    );
}

#[test]
fn a_warning_only_one_row_has_is_reported_for_that_row_and_the_pass_is_still_written() {
    let files =
        design(|json| json.replace("\"message\" : \"123456789\"", "\"message\" : \"{{code}}\""));
    // ISO-8859-1 (the sample's messageEncoding) has no Ω: Wallet cannot encode row 2's barcode.
    let plan = plan(files, "serialNumber,code\nA,plain\nB,Ωmega\nC,also plain\n").unwrap();
    let identity = test_identity();
    let wwdr = cert_file("test-wwdr-ca.pem");
    let opts = ExportOptions::at(now()).with_wwdr(&wwdr);
    let gate = Gate::open(&identity, &opts).sharing_files_of(plan.template().base());
    let dir = tempfile::tempdir().unwrap();
    let run_opts = RunOptions {
        out_dir: dir.path().to_owned(),
        ..RunOptions::default()
    };
    let report = batch::run(&plan, &gate, &run_opts, &AtomicBool::new(false), &|_| {}).unwrap();
    assert_eq!(report.written.len(), 3);
    assert_eq!(report.row_warnings.len(), 1, "{:?}", report.row_warnings);
    let row = &report.row_warnings[0];
    assert_eq!((row.row, row.line), (2, 3));
    assert_eq!(crate::util::codes(&row.findings), ["barcode.unencodable"]);
}
