//! Throughput of the export gate (validate + build + sign + read back): Apple's StoreCard sample (about 290 KB of PNGs in 5 files) turned
//! into a signed `.pkpass` with an RSA-2048 identity. The identity is loaded once, outside the
//! loop, as a server would.

#![allow(clippy::expect_used)]

use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use passmith_core::export::{self, ExportOptions};
use passmith_core::{Identity, PassDocument, package};

fn build_sign(c: &mut Criterion) {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    let mut doc = PassDocument::read_dir(&fixtures.join("apple-samples/StoreCard.pass"))
        .expect("StoreCard sample");
    let p12 = std::fs::read(fixtures.join("certs/test-pass.p12")).expect("test identity");
    let identity = Identity::from_pkcs12(&p12, "test-password").expect("test identity loads");
    // The export gate checks the certificate against pass.json.
    let summary = identity.summary();
    doc.pass.pass_type_identifier = summary.pass_type_identifier.unwrap_or_default();
    doc.pass.team_identifier = summary.team_identifier.unwrap_or_default();
    let opts = ExportOptions {
        now_unix: passmith_core::time::now_unix(),
        wwdr_pem: None,
    };
    let mut group = c.benchmark_group("build_sign");
    group.throughput(Throughput::Elements(1));
    group.bench_function("storecard", |b| {
        b.iter(|| export::prepare(std::hint::black_box(&doc), &identity, &opts).expect("builds"))
    });
    group.finish();

    // Where the time goes: hashing, the RSA signature, and everything else (zip, JSON).
    let files = doc.to_files().expect("files");
    let manifest = package::manifest_bytes(&files).expect("manifest");
    let mut parts = c.benchmark_group("build_sign_parts");
    parts.bench_function("manifest_sha1", |b| {
        b.iter(|| package::manifest_bytes(std::hint::black_box(&files)).expect("manifest"))
    });
    parts.bench_function("sign_manifest", |b| {
        b.iter(|| {
            passmith_core::sign::sign_manifest(std::hint::black_box(&manifest), &identity, None)
                .expect("signs")
        })
    });
    parts.finish();
}

criterion_group!(benches, build_sign);
criterion_main!(benches);
