//! Fidelity check: renders every pass in `tests/fixtures/wallet-screenshots` at 3× (358-pt card)
//! and scores it against the real Wallet screenshot beside it, with the same three figures as the
//! reference script `fidelity.py` (re-implemented here):
//! - cssim: SSIM (Gaussian window σ 1.5) averaged where the screenshot has structure (local
//!   standard deviation > 8, dilated 4 px), on grey levels;
//! - edge F1: Canny edges (σ 1) of both pictures, matched within 3 px (of a 390-px-wide frame);
//! - colour error: mean absolute RGB difference on a 39×55 grid.
//!
//! Both pictures are composited on white, scaled to 390 px wide (Lanczos) and placed top-aligned
//! in a 390×546 white frame, as the script does.
//!
//! Run: `cargo run --release -p passmith-preview --example fidelity [-- OUT_DIR]`
//! (default OUT_DIR: target/fidelity). Prints one line per pair and the medians.

use std::path::{Path, PathBuf};

use image::imageops::FilterType;
use image::{Rgb, RgbImage, RgbaImage};
use passmith_core::PassDocument;
use passmith_preview::{RenderOptions, render_png};

const FRAME_W: u32 = 390;
const FRAME_H: u32 = 546;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/wallet-screenshots");
    let out_dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/fidelity"));
    std::fs::create_dir_all(&out_dir)?;
    let mut names: Vec<String> = std::fs::read_dir(&root)?
        .filter_map(Result::ok)
        .filter(|e| e.path().join("ios.jpg").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let opts = RenderOptions {
        scale: 3.0,
        card_width: 358.0,
        ..RenderOptions::default()
    };
    let mut rows = Vec::new();
    println!(
        "{:<18} {:>7} {:>7} {:>7}",
        "pair", "cssim", "edge_f1", "colour"
    );
    for name in &names {
        let dir = root.join(name);
        let doc = PassDocument::read_dir(&dir)?;
        let (png, _) = render_png(&doc, &opts)?;
        let ours_path = out_dir.join(format!("{name}.png"));
        std::fs::write(&ours_path, &png)?;
        let ours = image::load_from_memory(&png)?.to_rgba8();
        let reference = image::open(dir.join("ios.jpg"))?.to_rgba8();
        let (s, f, c) = score(&ours, &reference);
        println!("{name:<18} {s:>7.4} {f:>7.4} {c:>7.2}");
        rows.push((s, f, c));
    }
    let med = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        let n = v.len();
        if n == 0 {
            0.0
        } else if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        }
    };
    println!(
        "{:<18} {:>7.4} {:>7.4} {:>7.2}   ({} pairs; PNGs in {})",
        "MEDIAN",
        med(rows.iter().map(|r| r.0).collect()),
        med(rows.iter().map(|r| r.1).collect()),
        med(rows.iter().map(|r| r.2).collect()),
        rows.len(),
        out_dir.display()
    );
    Ok(())
}

/// Composited on white, 390 px wide, top-aligned in a 390×546 white frame.
fn load(img: &RgbaImage) -> RgbImage {
    let (w, h) = img.dimensions();
    let mut rgb = RgbImage::new(w, h);
    for (dst, src) in rgb.pixels_mut().zip(img.pixels()) {
        let a = f32::from(src[3]) / 255.0;
        let mix = |c: u8| (f32::from(c) * a + 255.0 * (1.0 - a)).round() as u8;
        *dst = Rgb([mix(src[0]), mix(src[1]), mix(src[2])]);
    }
    let nh = ((f64::from(h) * f64::from(FRAME_W) / f64::from(w)).round() as u32).max(1);
    let scaled = image::imageops::resize(&rgb, FRAME_W, nh, FilterType::Lanczos3);
    let mut frame = RgbImage::from_pixel(FRAME_W, FRAME_H, Rgb([255, 255, 255]));
    for y in 0..nh.min(FRAME_H) {
        for x in 0..FRAME_W {
            frame.put_pixel(x, y, *scaled.get_pixel(x, y));
        }
    }
    frame
}

/// PIL's "L" conversion.
fn grey(img: &RgbImage) -> Vec<f64> {
    img.pixels()
        .map(|p| {
            ((u32::from(p[0]) * 299 + u32::from(p[1]) * 587 + u32::from(p[2]) * 114 + 500) / 1000)
                as f64
        })
        .collect()
}

struct Plane {
    w: usize,
    h: usize,
    v: Vec<f64>,
}

impl Plane {
    fn at(&self, x: usize, y: usize) -> f64 {
        self.v[y * self.w + x]
    }
}

fn score(ours: &RgbaImage, reference: &RgbaImage) -> (f64, f64, f64) {
    let a = load(ours);
    let b = load(reference);
    let (w, h) = (FRAME_W as usize, FRAME_H as usize);
    let ga = Plane { w, h, v: grey(&a) };
    let gb = Plane { w, h, v: grey(&b) };

    // SSIM map (skimage: Gaussian σ 1.5, truncate 3.5, sample covariance, reflect borders).
    let g = |p: &[f64], sigma: f64, truncate: f64, mode: Border| {
        gaussian(p, w, h, sigma, truncate, mode)
    };
    let mul = |x: &[f64], y: &[f64]| x.iter().zip(y).map(|(a, b)| a * b).collect::<Vec<f64>>();
    let ux = g(&ga.v, 1.5, 3.5, Border::Reflect);
    let uy = g(&gb.v, 1.5, 3.5, Border::Reflect);
    let uxx = g(&mul(&ga.v, &ga.v), 1.5, 3.5, Border::Reflect);
    let uyy = g(&mul(&gb.v, &gb.v), 1.5, 3.5, Border::Reflect);
    let uxy = g(&mul(&ga.v, &gb.v), 1.5, 3.5, Border::Reflect);
    let win = 2.0 * (3.5f64 * 1.5 + 0.5).floor() + 1.0;
    let np = win * win;
    let cov_norm = np / (np - 1.0);
    let (c1, c2) = ((0.01f64 * 255.0).powi(2), (0.03f64 * 255.0).powi(2));
    let smap: Vec<f64> = (0..w * h)
        .map(|i| {
            let vx = cov_norm * (uxx[i] - ux[i] * ux[i]);
            let vy = cov_norm * (uyy[i] - uy[i] * uy[i]);
            let vxy = cov_norm * (uxy[i] - ux[i] * uy[i]);
            ((2.0 * ux[i] * uy[i] + c1) * (2.0 * vxy + c2))
                / ((ux[i] * ux[i] + uy[i] * uy[i] + c1) * (vx + vy + c2))
        })
        .collect();
    // Where the screenshot has structure.
    let m1 = g(&gb.v, 3.0, 4.0, Border::Reflect);
    let m2 = g(&mul(&gb.v, &gb.v), 3.0, 4.0, Border::Reflect);
    let structured: Vec<bool> = (0..w * h)
        .map(|i| (m2[i] - m1[i] * m1[i]).max(0.0).sqrt() > 8.0)
        .collect();
    let mask = dilate_cross(&structured, w, h, 4);
    let (sum, n) = (0..w * h)
        .filter(|i| mask[*i])
        .fold((0.0, 0usize), |(s, n), i| (s + smap[i], n + 1));
    let cssim = if n > 0 { sum / n as f64 } else { 1.0 };

    // Edge F1 within 3 px.
    let ea = canny(&ga, 1.0);
    let eb = canny(&gb, 1.0);
    let f1 = if !eb.iter().any(|e| *e) {
        if ea.iter().any(|e| *e) { 0.0 } else { 1.0 }
    } else {
        let recall = near_fraction(&eb, &ea, w, h, 3.0);
        let precision = if ea.iter().any(|e| *e) {
            near_fraction(&ea, &eb, w, h, 3.0)
        } else {
            0.0
        };
        if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        }
    };

    // Colour error on a 39×55 box-averaged grid.
    let ca = box_resize(&a, 39, 55);
    let cb = box_resize(&b, 39, 55);
    let colour = ca.iter().zip(&cb).map(|(x, y)| (x - y).abs()).sum::<f64>() / ca.len() as f64;
    (cssim, f1, colour)
}

#[derive(Clone, Copy)]
enum Border {
    /// scipy "reflect": d c b a | a b c d.
    Reflect,
    /// Zeros outside.
    Constant,
}

fn kernel(sigma: f64, truncate: f64) -> Vec<f64> {
    let r = (truncate * sigma + 0.5).floor() as i64;
    let k: Vec<f64> = (-r..=r)
        .map(|i| (-(i * i) as f64 / (2.0 * sigma * sigma)).exp())
        .collect();
    let s: f64 = k.iter().sum();
    k.into_iter().map(|v| v / s).collect()
}

fn reflect(i: i64, n: i64) -> Option<usize> {
    if n == 1 {
        return Some(0);
    }
    let period = 2 * n;
    let mut j = i.rem_euclid(period);
    if j >= n {
        j = period - 1 - j;
    }
    Some(j as usize)
}

fn convolve_1d(
    src: &[f64],
    w: usize,
    h: usize,
    k: &[f64],
    horizontal: bool,
    mode: Border,
) -> Vec<f64> {
    let r = (k.len() / 2) as i64;
    let mut out = vec![0.0; w * h];
    for y in 0..h {
        for x in 0..w {
            let mut acc = 0.0;
            for (t, kv) in k.iter().enumerate() {
                let d = t as i64 - r;
                let (n, i) = if horizontal {
                    (w as i64, x as i64 + d)
                } else {
                    (h as i64, y as i64 + d)
                };
                let idx = match mode {
                    Border::Reflect => reflect(i, n),
                    Border::Constant => (0..n).contains(&i).then_some(i as usize),
                };
                if let Some(j) = idx {
                    let v = if horizontal {
                        src[y * w + j]
                    } else {
                        src[j * w + x]
                    };
                    acc += kv * v;
                }
            }
            out[y * w + x] = acc;
        }
    }
    out
}

fn gaussian(src: &[f64], w: usize, h: usize, sigma: f64, truncate: f64, mode: Border) -> Vec<f64> {
    let k = kernel(sigma, truncate);
    let tmp = convolve_1d(src, w, h, &k, true, mode);
    convolve_1d(&tmp, w, h, &k, false, mode)
}

/// `iterations` binary dilations with the 4-neighbour cross (scipy's default structure).
fn dilate_cross(m: &[bool], w: usize, h: usize, iterations: usize) -> Vec<bool> {
    let mut cur = m.to_vec();
    for _ in 0..iterations {
        let mut next = cur.clone();
        for y in 0..h {
            for x in 0..w {
                if cur[y * w + x] {
                    continue;
                }
                let hit = (x > 0 && cur[y * w + x - 1])
                    || (x + 1 < w && cur[y * w + x + 1])
                    || (y > 0 && cur[(y - 1) * w + x])
                    || (y + 1 < h && cur[(y + 1) * w + x]);
                next[y * w + x] = hit;
            }
        }
        cur = next;
    }
    cur
}

/// skimage's Canny: mask-compensated Gaussian smoothing, Sobel gradients, non-maximum
/// suppression, hysteresis with thresholds 0.1 / 0.2 (skimage's defaults for float images,
/// which on 0–255 grey levels keep nearly every real gradient).
fn canny(img: &Plane, sigma: f64) -> Vec<bool> {
    let (w, h) = (img.w, img.h);
    let ones = vec![1.0; w * h];
    let num = gaussian(&img.v, w, h, sigma, 4.0, Border::Constant);
    let den = gaussian(&ones, w, h, sigma, 4.0, Border::Constant);
    let sm: Vec<f64> = num
        .iter()
        .zip(&den)
        .map(|(n, d)| if *d > 0.0 { n / d } else { 0.0 })
        .collect();
    let s = Plane { w, h, v: sm };
    let at = |x: i64, y: i64| {
        let xx = reflect(x, w as i64).unwrap_or(0);
        let yy = reflect(y, h as i64).unwrap_or(0);
        s.at(xx, yy)
    };
    // ndi.sobel: derivative along the axis, smoothing [1, 2, 1] across it.
    let mut gx = vec![0.0; w * h];
    let mut gy = vec![0.0; w * h];
    for y in 0..h as i64 {
        for x in 0..w as i64 {
            let dx = (at(x + 1, y - 1) - at(x - 1, y - 1))
                + 2.0 * (at(x + 1, y) - at(x - 1, y))
                + (at(x + 1, y + 1) - at(x - 1, y + 1));
            let dy = (at(x - 1, y + 1) - at(x - 1, y - 1))
                + 2.0 * (at(x, y + 1) - at(x, y - 1))
                + (at(x + 1, y + 1) - at(x + 1, y - 1));
            gx[(y as usize) * w + x as usize] = dx;
            gy[(y as usize) * w + x as usize] = dy;
        }
    }
    let mag: Vec<f64> = gx.iter().zip(&gy).map(|(a, b)| a.hypot(*b)).collect();
    let m = |x: usize, y: usize| mag[y * w + x];
    let (low, high) = (0.1, 0.2);
    let mut local_max = vec![false; w * h];
    // The border pixel ring is excluded (skimage erodes the mask by one pixel).
    for y in 1..h.saturating_sub(1) {
        for x in 1..w.saturating_sub(1) {
            let i = y * w + x;
            let (jx, iy) = (gx[i], gy[i]);
            let c = mag[i];
            if c < low {
                continue;
            }
            let (ax, ay) = (jx.abs(), iy.abs());
            let same_sign = (iy >= 0.0) == (jx >= 0.0);
            let is_max = if ax >= ay {
                let wgt = if ax > 0.0 { ay / ax } else { 0.0 };
                let (n1, n2) = if same_sign {
                    (
                        m(x + 1, y) * (1.0 - wgt) + m(x + 1, y + 1) * wgt,
                        m(x - 1, y) * (1.0 - wgt) + m(x - 1, y - 1) * wgt,
                    )
                } else {
                    (
                        m(x + 1, y) * (1.0 - wgt) + m(x + 1, y - 1) * wgt,
                        m(x - 1, y) * (1.0 - wgt) + m(x - 1, y + 1) * wgt,
                    )
                };
                c >= n1 && c >= n2
            } else {
                let wgt = ax / ay;
                let (n1, n2) = if same_sign {
                    (
                        m(x, y + 1) * (1.0 - wgt) + m(x + 1, y + 1) * wgt,
                        m(x, y - 1) * (1.0 - wgt) + m(x - 1, y - 1) * wgt,
                    )
                } else {
                    (
                        m(x, y + 1) * (1.0 - wgt) + m(x - 1, y + 1) * wgt,
                        m(x, y - 1) * (1.0 - wgt) + m(x + 1, y - 1) * wgt,
                    )
                };
                c >= n1 && c >= n2
            };
            local_max[i] = is_max;
        }
    }
    // Hysteresis: keep 8-connected components of low edges that contain a high edge.
    let mut out = vec![false; w * h];
    let mut stack = Vec::new();
    for i in 0..w * h {
        if local_max[i] && mag[i] >= high && !out[i] {
            out[i] = true;
            stack.push(i);
            while let Some(j) = stack.pop() {
                let (x, y) = ((j % w) as i64, (j / w) as i64);
                for dy in -1..=1 {
                    for dx in -1..=1 {
                        let (nx, ny) = (x + dx, y + dy);
                        if nx < 0 || ny < 0 || nx >= w as i64 || ny >= h as i64 {
                            continue;
                        }
                        let k = ny as usize * w + nx as usize;
                        if local_max[k] && !out[k] {
                            out[k] = true;
                            stack.push(k);
                        }
                    }
                }
            }
        }
    }
    out
}

/// Fraction of `from` pixels with a `to` pixel within Euclidean distance `r`.
fn near_fraction(from: &[bool], to: &[bool], w: usize, h: usize, r: f64) -> f64 {
    let ri = r.floor() as i64;
    let (mut hits, mut total) = (0usize, 0usize);
    for y in 0..h as i64 {
        for x in 0..w as i64 {
            if !from[y as usize * w + x as usize] {
                continue;
            }
            total += 1;
            'search: for dy in -ri..=ri {
                for dx in -ri..=ri {
                    if ((dx * dx + dy * dy) as f64) > r * r {
                        continue;
                    }
                    let (nx, ny) = (x + dx, y + dy);
                    if nx >= 0
                        && ny >= 0
                        && nx < w as i64
                        && ny < h as i64
                        && to[ny as usize * w + nx as usize]
                    {
                        hits += 1;
                        break 'search;
                    }
                }
            }
        }
    }
    if total == 0 {
        0.0
    } else {
        hits as f64 / total as f64
    }
}

/// PIL's BOX resize: each output pixel averages the source area it covers (fractional edges).
fn box_resize(img: &RgbImage, ow: u32, oh: u32) -> Vec<f64> {
    let (w, h) = img.dimensions();
    let (sx, sy) = (f64::from(w) / f64::from(ow), f64::from(h) / f64::from(oh));
    let mut out = Vec::with_capacity((ow * oh * 3) as usize);
    for oy in 0..oh {
        let (y0, y1) = (f64::from(oy) * sy, f64::from(oy + 1) * sy);
        for ox in 0..ow {
            let (x0, x1) = (f64::from(ox) * sx, f64::from(ox + 1) * sx);
            let mut acc = [0.0f64; 3];
            let mut area = 0.0;
            for y in y0.floor() as u32..(y1.ceil() as u32).min(h) {
                let wy = (f64::from(y + 1).min(y1) - f64::from(y).max(y0)).max(0.0);
                for x in x0.floor() as u32..(x1.ceil() as u32).min(w) {
                    let wx = (f64::from(x + 1).min(x1) - f64::from(x).max(x0)).max(0.0);
                    let p = img.get_pixel(x, y);
                    for c in 0..3 {
                        acc[c] += f64::from(p[c]) * wx * wy;
                    }
                    area += wx * wy;
                }
            }
            for v in acc {
                // PIL stores the result as 8-bit.
                out.push(if area > 0.0 { (v / area).round() } else { 0.0 });
            }
        }
    }
    out
}
