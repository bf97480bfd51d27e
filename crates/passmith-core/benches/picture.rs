//! Time to turn a 4000×3000 camera JPEG into a coupon's strip.png, @2x and @3x (decode, EXIF
//! orientation, three Lanczos3 resizes on premultiplied alpha, PNG encoding and oxipng), what the
//! designer does when a photo is dropped on the strip. Also printed once: the bytes oxipng saves
//! on those three PNGs.
//!
//! Measured (release, 2 shared cores at load ≈7, 2026-12-02): 0.95 s median (0.91–1.02 s) for
//! all three densities; oxipng saved 283 459 of 1 121 110 bytes (25.3 %) on this synthetic photo
//! (`cargo bench -p passmith-core --bench picture`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Cursor;

use criterion::{Criterion, criterion_group, criterion_main};
use image::{ImageFormat, Rgb, RgbImage};
use passmith_core::model::Style;
use passmith_core::picture::{self, Framing};

/// Smooth gradients with some texture, like a photo (noise would not compress at all, a flat
/// colour far too well).
fn photo_jpeg() -> Vec<u8> {
    let img = RgbImage::from_fn(4000, 3000, |x, y| {
        let t = ((x ^ y) % 17) as u8;
        Rgb([(x / 16) as u8 ^ t, (y / 12) as u8, ((x + y) / 28) as u8])
    });
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), ImageFormat::Jpeg)
        .unwrap();
    out
}

fn strip(jpeg: &[u8]) -> Vec<picture::RenderedImage> {
    let pic = picture::decode("photo.jpg", jpeg).unwrap();
    picture::render(Style::Coupon, "strip", &pic, Framing::default(), None).unwrap()
}

fn bench_picture(c: &mut Criterion) {
    let jpeg = photo_jpeg();
    let images = strip(&jpeg);
    let before: usize = images.iter().map(|i| i.unoptimised_len).sum();
    let after: usize = images.iter().map(|i| i.png.len()).sum();
    for i in &images {
        eprintln!(
            "strip @{}x {}×{}: {} bytes from the encoder, {} after oxipng",
            i.scale,
            i.width,
            i.height,
            i.unoptimised_len,
            i.png.len()
        );
    }
    eprintln!(
        "oxipng saved {} of {before} bytes ({:.1}%) on the three strip PNGs",
        before - after,
        100.0 * (before - after) as f64 / before as f64
    );

    let mut group = c.benchmark_group("picture");
    group.sample_size(10);
    group.bench_function("jpeg_4000x3000_to_coupon_strip_3_densities", |b| {
        b.iter(|| strip(std::hint::black_box(&jpeg)))
    });
    group.finish();
}

criterion_group!(benches, bench_picture);
criterion_main!(benches);
