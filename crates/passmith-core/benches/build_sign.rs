//! Throughput of build + sign: Apple's StoreCard sample (about 290 KB of PNGs in 5 files) turned
//! into a signed `.pkpass` with an RSA-2048 identity. The identity is loaded once, outside the
//! loop, as a server would.

#![allow(clippy::expect_used)]

use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use passmith_core::{Identity, PassDocument, package};

fn build_sign(c: &mut Criterion) {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    let doc = PassDocument::read_dir(&fixtures.join("apple-samples/StoreCard.pass"))
        .expect("StoreCard sample");
    let p12 = std::fs::read(fixtures.join("certs/test-pass.p12")).expect("test identity");
    let identity = Identity::from_pkcs12(&p12, "test-password").expect("test identity loads");
    let mut group = c.benchmark_group("build_sign");
    group.throughput(Throughput::Elements(1));
    group.bench_function("storecard", |b| {
        b.iter(|| {
            package::build_pkpass(std::hint::black_box(&doc), &identity, None).expect("builds")
        })
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
