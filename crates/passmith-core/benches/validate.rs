//! Speed of `validate`: the designer re-validates after every edit, so a whole pass must be
//! checked well within one frame. Measured on Apple's Generic sample (fields of every kind, dates,
//! numbers, four images at two densities) and on the same pass with 60 back fields and three
//! translations, a large real-world shape.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use passmith_core::model::{Field, FieldGroup};
use passmith_core::strings::Strings;
use passmith_core::{PassDocument, ValidationContext, validate};

fn bench_validate(c: &mut Criterion) {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    let doc = PassDocument::read_dir(&fixtures.join("apple-samples/Generic.pass"))
        .expect("Generic sample");
    let ctx = ValidationContext::at(passmith_core::time::now_unix());

    let mut large = doc.clone();
    let fields = large.pass.fields_mut().expect("generic fields");
    for i in 0..60 {
        fields.group_mut(FieldGroup::Back).push(Field::text(
            &format!("back{i}"),
            &format!("Terms {i}"),
            &"Lorem ipsum dolor sit amet. ".repeat(20),
        ));
    }
    for lang in ["de", "fr", "ja"] {
        let mut table = Strings::default();
        for i in 0..60 {
            table.set(&format!("Terms {i}"), &format!("{lang} {i}"));
        }
        large.localizations.insert(lang.to_owned(), table);
    }

    let mut group = c.benchmark_group("validate");
    group.bench_function("generic_sample", |b| {
        b.iter(|| validate(std::hint::black_box(&doc), &ctx))
    });
    group.bench_function("generic_60_back_fields_3_languages", |b| {
        b.iter(|| validate(std::hint::black_box(&large), &ctx))
    });
    group.finish();
}

criterion_group!(benches, bench_validate);
criterion_main!(benches);
