//! A batch's CSV against a design with every kind of placeholder: the CSV reader (BOM, `,` `;`
//! tab detection, quotes and newlines), the column mapping, and each row filled in and turned
//! into a typed pass. A row may fail (with its line and a reason), but never panic; a row that
//! is filled in has a usable serial and file name, and its pass.json writes out.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use passmith_core::batch::{Plan, Table, Template};

const DESIGN: &str = r#"{
  "formatVersion": 1, "passTypeIdentifier": "pass.com.example.passmith",
  "teamIdentifier": "TEAM123456", "serialNumber": "{{id}}",
  "organizationName": "Fuzz", "description": "Card of {{name}}",
  "webServiceURL": "https://example.com/passes/", "authenticationToken": "0123456789abcdef",
  "locations": [{"latitude": "{{lat:number}}", "longitude": 2.35, "relevantText": "Hi {{name}}"}],
  "relevantDate": "{{when:date}}",
  "barcodes": [{"message": "{{id}}-{{name}}", "format": "PKBarcodeFormatQR", "messageEncoding": "iso-8859-1"}],
  "storeCard": {"primaryFields": [{"key": "points", "value": 0, "numberStyle": "PKNumberStyleDecimal"}]}
}"#;

fuzz_target!(|data: &[u8]| {
    let Ok(table) = Table::parse(data, "fuzz.csv") else {
        return;
    };
    let mut files = BTreeMap::new();
    files.insert("pass.json".to_owned(), DESIGN.as_bytes().to_vec());
    files.insert(
        "en.lproj/pass.strings".to_owned(),
        b"\"greeting\" = \"Hello {{name}}\";".to_vec(),
    );
    let template = Template::from_files(files).expect("the fuzz design is a valid template");
    let Ok(plan) = Plan::new(template, table, std::path::Path::new("/nonexistent")) else {
        return;
    };
    for index in 0..plan.table().rows.len().min(64) {
        let Ok(row) = plan.personalise(index) else {
            continue;
        };
        assert!(!row.serial.trim().is_empty(), "an empty serial was accepted");
        assert!(
            row.file.ends_with(".pkpass") && !row.file.contains('/') && !row.file.starts_with('.'),
            "unsafe file name {:?}",
            row.file
        );
        passmith_core::json::to_pretty_bytes(&row.document.pass)
            .expect("a filled-in pass writes out as pass.json");
    }
});
