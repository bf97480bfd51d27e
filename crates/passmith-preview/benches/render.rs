//! Speed of the preview: layout + rasterising of the densest Apple sample at 2× (the designer
//! redraws on every edit; target ≤ 8 ms median), and the same plus PNG encoding (the CLI).

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use passmith_core::PassDocument;
use passmith_preview::{RenderOptions, layout, render, render_png};

/// The Apple sample with the most on its front: fields drawn, then image files as tie-break.
fn densest_sample() -> (String, PassDocument) {
    use passmith_core::model::FieldGroup;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/apple-samples");
    let mut best: Option<((usize, usize), String, PassDocument)> = None;
    for name in ["BoardingPass", "Coupon", "Event", "Generic", "StoreCard"] {
        let Ok(doc) = PassDocument::read_dir(&root.join(format!("{name}.pass"))) else {
            continue;
        };
        let front = doc.pass.fields().map_or(0, |f| {
            f.all_fields()
                .filter(|(g, _, _)| !matches!(g, FieldGroup::Back | FieldGroup::AdditionalInfo))
                .count()
        });
        let weight = (front, doc.files.len());
        if best.as_ref().is_none_or(|(w, _, _)| weight > *w) {
            best = Some((weight, name.to_owned(), doc));
        }
    }
    match best {
        Some((_, name, doc)) => (name, doc),
        None => panic!("no Apple sample found under {}", root.display()),
    }
}

fn bench(c: &mut Criterion) {
    let (name, doc) = densest_sample();
    let opts = RenderOptions::default();
    // Fonts and images are loaded once per process; measure steady-state redraws.
    let _ = render_png(&doc, &opts);
    c.bench_function(&format!("layout+render {name} 2x"), |b| {
        b.iter(|| {
            let lay = layout(&doc, &opts);
            render(&lay, opts.scale)
        });
    });
    c.bench_function(&format!("layout {name} 2x"), |b| {
        b.iter(|| layout(&doc, &opts))
    });
    c.bench_function(&format!("render_png {name} 2x"), |b| {
        b.iter(|| render_png(&doc, &opts))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
