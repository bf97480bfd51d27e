//! Rasterising a layout with tiny-skia, from the layout alone: card outline (corners, event
//! ticket notch, coupon perforation, boarding pass side notches), images, text glyphs from
//! cosmic-text's swash cache, barcode modules on whole device pixels, transit icons.

use cosmic_text::SwashContent;
use tiny_skia::{
    Color, FillRule, FilterQuality, Paint, Path, PathBuilder, Pattern, Pixmap, PixmapPaint,
    SpreadMode, Transform,
};

use crate::barcode;
use crate::color::Rgba;
use crate::front::barcode_geometry;
use crate::grid::CORNER_RADIUS;
use crate::icons;
use crate::text::{Font, fonts};
use crate::{ElementKind, ImageFit, Layout, Outline, PreviewError, Rect, RgbaImage, Shape};

/// Refuse to allocate previews above this many pixels (about 256 MB of RGBA).
const MAX_PIXELS: u64 = 64 * 1024 * 1024;

/// Draws every element of `layout` in order at `s` pixels per point.
pub(crate) fn render(layout: &Layout, s: f32) -> Result<RgbaImage, PreviewError> {
    let pw = (layout.width * s).round().max(1.0) as u32;
    let ph = (layout.height * s).round().max(1.0) as u32;
    if u64::from(pw) * u64::from(ph) > MAX_PIXELS
        || !layout.width.is_finite()
        || !layout.height.is_finite()
    {
        return Err(PreviewError::TooLarge {
            width: pw,
            height: ph,
        });
    }
    let mut pixmap = Pixmap::new(pw, ph).ok_or(PreviewError::TooLarge {
        width: pw,
        height: ph,
    })?;
    // The front's outline, which clips the background image.
    let mut card: Option<Path> = None;

    for el in &layout.elements {
        let r = el.rect;
        match &el.kind {
            ElementKind::Shape(Shape::Card {
                outline,
                fill,
                header_shade,
            }) => {
                card = card_path(*outline, r.w, r.h);
                if let Some(path) = &card {
                    fill_path(&mut pixmap, path, *fill, s, FillRule::Winding);
                }
                if *header_shade {
                    draw_header_shade(&mut pixmap, s);
                }
            }
            ElementKind::Shape(Shape::RoundRect { fill, radius }) => {
                fill_round_rect(&mut pixmap, r, *radius, *fill, s);
            }
            ElementKind::Shape(Shape::TransitIcon { transit, color }) => {
                if let Some(path) = icons::transit_icon(transit.as_ref()) {
                    let t = Transform::from_row(r.w * s, 0.0, 0.0, r.h * s, r.x * s, r.y * s);
                    let mut paint = solid(*color);
                    paint.anti_alias = true;
                    pixmap.fill_path(&path, &paint, FillRule::EvenOdd, t, None);
                }
            }
            ElementKind::Image { image, fit } => match fit {
                ImageFit::Fit => draw_fit(&mut pixmap, &image.pixmap, r, s),
                ImageFit::Cover => draw_cover(&mut pixmap, &image.pixmap, r, s),
                ImageFit::Background => {
                    if let Some(path) = &card {
                        draw_background(&mut pixmap, &image.pixmap, path, r, s);
                    }
                }
            },
            ElementKind::Text {
                text,
                size,
                weight,
                color,
                ..
            } => {
                draw_text(&mut pixmap, text, Font::new(*weight, *size), r, *color, s);
            }
            ElementKind::Barcode {
                format,
                modules,
                faded,
                ..
            } => {
                // The module size depends only on the code, not on the alt text.
                let geom = barcode_geometry(format, modules, s, false);
                let alpha = if *faded { 0.1 } else { 1.0 };
                draw_modules(
                    &mut pixmap,
                    modules,
                    r,
                    geom.module_px,
                    geom.row_px,
                    s,
                    alpha,
                );
            }
        }
    }
    // Nothing is drawn outside the card: fills that reach its edges (card, wash, background)
    // use the card's outline, so no clipping pass over the whole picture is needed.
    Ok(to_straight(&pixmap))
}

fn solid(c: Rgba) -> Paint<'static> {
    let mut paint = Paint::default();
    paint.set_color(Color::from_rgba8(c[0], c[1], c[2], c[3]));
    paint.anti_alias = true;
    paint
}

fn fill_path(pixmap: &mut Pixmap, path: &Path, c: Rgba, s: f32, rule: FillRule) {
    pixmap.fill_path(path, &solid(c), rule, Transform::from_scale(s, s), None);
}

fn fill_round_rect(pixmap: &mut Pixmap, r: Rect, radius: f32, c: Rgba, s: f32) {
    if r.w <= 0.0 || r.h <= 0.0 {
        return;
    }
    if radius <= 0.0 {
        if let Some(rect) =
            tiny_skia::Rect::from_xywh(r.x * s, r.y * s, r.w * s, (r.h * s).max(1.0))
        {
            pixmap.fill_rect(rect, &solid(c), Transform::identity(), None);
        }
        return;
    }
    let mut pb = PathBuilder::new();
    push_round_rect(&mut pb, r.x, r.y, r.w, r.h, radius);
    if let Some(path) = pb.finish() {
        fill_path(pixmap, &path, c, s, FillRule::Winding);
    }
}

/// A rounded rectangle with circular corners (cubic approximation).
fn push_round_rect(pb: &mut PathBuilder, x: f32, y: f32, w: f32, h: f32, r: f32) {
    let r = r.min(w / 2.0).min(h / 2.0);
    let k = r * 0.552_284_8;
    pb.move_to(x + r, y);
    pb.line_to(x + w - r, y);
    pb.cubic_to(x + w - r + k, y, x + w, y + r - k, x + w, y + r);
    pb.line_to(x + w, y + h - r);
    pb.cubic_to(x + w, y + h - r + k, x + w - r + k, y + h, x + w - r, y + h);
    pb.line_to(x + r, y + h);
    pb.cubic_to(x + r - k, y + h, x, y + h - r + k, x, y + h - r);
    pb.line_to(x, y + r);
    pb.cubic_to(x, y + r - k, x + r - k, y, x + r, y);
    pb.close();
}

/// The outline of the card in points: rounded corners, plus the notch (event ticket), the
/// perforated top and bottom edges (coupon) or the side notches (boarding pass).
fn card_path(outline: Outline, w: f32, h: f32) -> Option<Path> {
    let r = CORNER_RADIUS;
    let mut pts: Vec<(f32, f32)> = Vec::new();
    let arc =
        |pts: &mut Vec<(f32, f32)>, cx: f32, cy: f32, rad: f32, a0: f32, a1: f32, n: usize| {
            for i in 0..=n {
                let a = a0 + (a1 - a0) * i as f32 / n as f32;
                pts.push((cx + rad * a.cos(), cy + rad * a.sin()));
            }
        };
    use std::f32::consts::{FRAC_PI_2, PI};
    let coupon = outline == Outline::Coupon;
    let perforation = |pts: &mut Vec<(f32, f32)>, y: f32, left_to_right: bool, inward: f32| {
        // Round cut-outs ≈4.1 pt wide and 2.1 deep every ≈5.2 pt, with flat teeth between.
        let period = 5.2;
        let n = (w / period).floor().max(1.0) as usize;
        let step = w / n as f32;
        let hole = 4.1f32.min(step * 0.8);
        for i in 0..n {
            let k = if left_to_right { i } else { n - 1 - i };
            let x0 = k as f32 * step + (step - hole) / 2.0;
            let (a, b) = if left_to_right {
                (x0, x0 + hole)
            } else {
                (x0 + hole, x0)
            };
            pts.push((a, y));
            for j in 1..6 {
                let t = j as f32 / 6.0;
                let x = a + (b - a) * t;
                let d = (PI * t).sin() * 2.1 * inward;
                pts.push((x, y + d));
            }
            pts.push((b, y));
        }
    };
    if coupon {
        pts.push((0.0, 0.0));
        perforation(&mut pts, 0.0, true, 1.0);
        pts.push((w, 0.0));
        pts.push((w, h));
        perforation(&mut pts, h, false, -1.0);
        pts.push((0.0, h));
    } else {
        // Top edge, left to right (with the event ticket's notch).
        arc(&mut pts, r, r, r, PI, PI + FRAC_PI_2, 8);
        if outline == Outline::EventTicket {
            let (nr, ncy) = (42.0f32, -25.0f32);
            let half = (nr * nr - ncy * ncy).sqrt();
            let a0 = (ncy.abs() / nr).asin();
            pts.push((w / 2.0 - half, 0.0));
            // From the left intersection down round the bottom of the circle to the right one.
            arc(&mut pts, w / 2.0, ncy, nr, PI - a0, a0, 32);
            pts.push((w / 2.0 + half, 0.0));
        }
        arc(&mut pts, w - r, r, r, -FRAC_PI_2, 0.0, 8);
        if outline == Outline::BoardingPass {
            let (nr, ny) = (4.0, 125.0);
            pts.push((w, ny - nr));
            arc(&mut pts, w, ny, nr, -FRAC_PI_2, -PI - FRAC_PI_2, 12);
            pts.push((w, ny + nr));
        }
        arc(&mut pts, w - r, h - r, r, 0.0, FRAC_PI_2, 8);
        arc(&mut pts, r, h - r, r, FRAC_PI_2, PI, 8);
        if outline == Outline::BoardingPass {
            let (nr, ny) = (4.0, 125.0);
            pts.push((0.0, ny + nr));
            arc(&mut pts, 0.0, ny, nr, FRAC_PI_2, -FRAC_PI_2, 12);
            pts.push((0.0, ny - nr));
        }
    }
    let mut pb = PathBuilder::new();
    let mut it = pts.into_iter();
    let (x0, y0) = it.next()?;
    pb.move_to(x0, y0);
    for (x, y) in it {
        pb.line_to(x, y);
    }
    pb.close();
    pb.finish()
}

/// Wallet darkens the top of the card slightly behind the header (its "darkening" alphas).
/// Measured on the screenshots: a white wash, about 13 % at the top edge, fading out over the
/// first 55 pt (a flat grey card reads 196 at the top and 187 from 55 pt down). Applied right
/// after the card fill, only where the card is (its alpha), so corners and notches stay clear.
fn draw_header_shade(pixmap: &mut Pixmap, s: f32) {
    let band = ((55.0 * s).round() as usize).min(pixmap.height() as usize);
    let w = pixmap.width() as usize;
    let data = pixmap.data_mut();
    for y in 0..band {
        let wash = 34.0 / 255.0 * (1.0 - (y as f32 + 0.5) / band as f32);
        for x in 0..w {
            let i = (y * w + x) * 4;
            let a = f32::from(data[i + 3]) / 255.0;
            if a == 0.0 {
                continue;
            }
            let k = wash * a;
            for c in 0..3 {
                // Premultiplied: white at coverage `a` is `a * 255`.
                let v = f32::from(data[i + c]);
                data[i + c] = (v + (255.0 * a - v) * k / a.max(1e-3) * a)
                    .round()
                    .min(255.0) as u8;
            }
        }
    }
}

/// Scales an image into `r` (the layout already kept its aspect ratio).
fn draw_fit(pixmap: &mut Pixmap, img: &Pixmap, r: Rect, s: f32) {
    let sx = r.w * s / img.width() as f32;
    let sy = r.h * s / img.height() as f32;
    let t = Transform::from_row(sx, 0.0, 0.0, sy, r.x * s, r.y * s);
    let paint = PixmapPaint {
        quality: FilterQuality::Bilinear,
        ..PixmapPaint::default()
    };
    pixmap.draw_pixmap(0, 0, img.as_ref(), &paint, t, None);
}

/// Fills `r` with the image scaled to cover it, centred, cropping the overflow.
fn draw_cover(pixmap: &mut Pixmap, img: &Pixmap, r: Rect, s: f32) {
    let (iw, ih) = (img.width() as f32, img.height() as f32);
    let k = (r.w * s / iw).max(r.h * s / ih);
    let tx = r.x * s + (r.w * s - iw * k) / 2.0;
    let ty = r.y * s + (r.h * s - ih * k) / 2.0;
    let shader = Pattern::new(
        img.as_ref(),
        SpreadMode::Pad,
        FilterQuality::Bilinear,
        1.0,
        Transform::from_row(k, 0.0, 0.0, k, tx, ty),
    );
    let paint = Paint {
        shader,
        anti_alias: false,
        ..Paint::default()
    };
    if let Some(rect) = tiny_skia::Rect::from_xywh(r.x * s, r.y * s, r.w * s, r.h * s) {
        pixmap.fill_rect(rect, &paint, Transform::identity(), None);
    }
}

/// The event ticket background: scaled to cover the card, slightly enlarged (Wallet crops it
/// on all sides), blurred, and darkened so white text reads on it.
fn draw_background(pixmap: &mut Pixmap, img: &Pixmap, card: &Path, r: Rect, s: f32) {
    // Blur at low resolution: cheap, and the result is smooth anyway.
    let (small_w, small_h) = (
        (r.w / 4.0).ceil().max(2.0) as u32,
        (r.h / 4.0).ceil().max(2.0) as u32,
    );
    let Some(mut small) = Pixmap::new(small_w, small_h) else {
        return;
    };
    let (iw, ih) = (img.width() as f32, img.height() as f32);
    let k = (small_w as f32 / iw).max(small_h as f32 / ih) * 1.1;
    let tx = (small_w as f32 - iw * k) / 2.0;
    let ty = (small_h as f32 - ih * k) / 2.0;
    let paint = PixmapPaint {
        quality: FilterQuality::Bilinear,
        ..PixmapPaint::default()
    };
    small.draw_pixmap(
        0,
        0,
        img.as_ref(),
        &paint,
        Transform::from_row(k, 0.0, 0.0, k, tx, ty),
        None,
    );
    for _ in 0..3 {
        box_blur(&mut small, 2);
    }
    let shader = Pattern::new(
        small.as_ref(),
        SpreadMode::Pad,
        FilterQuality::Bilinear,
        1.0,
        Transform::from_row(
            r.w / small_w as f32,
            0.0,
            0.0,
            r.h / small_h as f32,
            r.x,
            r.y,
        ),
    );
    let paint = Paint {
        shader,
        anti_alias: false,
        ..Paint::default()
    };
    let to_points = Transform::from_scale(s, s);
    pixmap.fill_path(card, &paint, FillRule::Winding, to_points, None);
    pixmap.fill_path(
        card,
        &solid([0, 0, 0, 64]),
        FillRule::Winding,
        to_points,
        None,
    );
}

/// One horizontal and one vertical box blur pass of radius `rad` (premultiplied data).
fn box_blur(p: &mut Pixmap, rad: usize) {
    let (w, h) = (p.width() as usize, p.height() as usize);
    let data = p.data_mut();
    let mut tmp = vec![0u8; data.len()];
    let pass = |src: &[u8], dst: &mut [u8], horizontal: bool| {
        let (outer, inner) = if horizontal { (h, w) } else { (w, h) };
        for o in 0..outer {
            for i in 0..inner {
                let lo = i.saturating_sub(rad);
                let hi = (i + rad).min(inner - 1);
                let mut acc = [0u32; 4];
                for j in lo..=hi {
                    let idx = if horizontal {
                        (o * w + j) * 4
                    } else {
                        (j * w + o) * 4
                    };
                    for c in 0..4 {
                        acc[c] += u32::from(src[idx + c]);
                    }
                }
                let n = (hi - lo + 1) as u32;
                let idx = if horizontal {
                    (o * w + i) * 4
                } else {
                    (i * w + o) * 4
                };
                for c in 0..4 {
                    dst[idx + c] = (acc[c] / n) as u8;
                }
            }
        }
    };
    pass(data, &mut tmp, true);
    pass(&tmp, data, false);
}

/// Draws one text element: each line shaped, glyphs from the swash cache blended in.
fn draw_text(pixmap: &mut Pixmap, text: &str, font: Font, r: Rect, color: Rgba, s: f32) {
    let mut guard = fonts();
    let fonts = &mut *guard;
    for (i, line) in text.split('\n').enumerate() {
        if line.is_empty() {
            continue;
        }
        let shaped = fonts.shape(line, font);
        let top = r.y + i as f32 * font.line_height();
        let baseline = crate::text::baseline(top, font.size) * s;
        let origin_x = r.x * s;
        for g in &shaped.glyphs {
            let phys = g.physical((origin_x, baseline.round()), s);
            let Some(image) = fonts
                .glyph_cache
                .get_image(&mut fonts.system, phys.cache_key)
            else {
                continue;
            };
            let x0 = phys.x + image.placement.left;
            let y0 = phys.y - image.placement.top;
            blend_glyph(pixmap, image, x0, y0, color);
        }
    }
}

fn blend_glyph(
    pixmap: &mut Pixmap,
    image: &cosmic_text::SwashImage,
    x0: i32,
    y0: i32,
    color: Rgba,
) {
    let (pw, ph) = (pixmap.width() as i32, pixmap.height() as i32);
    let (gw, gh) = (image.placement.width as i32, image.placement.height as i32);
    let data = pixmap.data_mut();
    for gy in 0..gh {
        let y = y0 + gy;
        if y < 0 || y >= ph {
            continue;
        }
        for gx in 0..gw {
            let x = x0 + gx;
            if x < 0 || x >= pw {
                continue;
            }
            let gi = (gy * gw + gx) as usize;
            let (src, coverage) = match image.content {
                SwashContent::Mask => (color, image.data.get(gi).copied().unwrap_or(0)),
                SwashContent::SubpixelMask => {
                    let px = image.data.get(gi * 4..gi * 4 + 3).unwrap_or(&[0, 0, 0]);
                    (
                        color,
                        ((u16::from(px[0]) + u16::from(px[1]) + u16::from(px[2])) / 3) as u8,
                    )
                }
                SwashContent::Color => {
                    let px = image.data.get(gi * 4..gi * 4 + 4).unwrap_or(&[0, 0, 0, 0]);
                    ([px[0], px[1], px[2], px[3]], 255)
                }
            };
            let a = u32::from(src[3]) * u32::from(coverage) / 255;
            if a == 0 {
                continue;
            }
            let di = ((y * pw + x) * 4) as usize;
            let inv = 255 - a;
            for c in 0..3 {
                let s = u32::from(src[c]) * a / 255;
                data[di + c] = (s + u32::from(data[di + c]) * inv / 255).min(255) as u8;
            }
            data[di + 3] = (a + u32::from(data[di + 3]) * inv / 255).min(255) as u8;
        }
    }
}

/// Barcode modules as whole device pixels, so scanners (and tests) read them reliably.
fn draw_modules(
    pixmap: &mut Pixmap,
    m: &barcode::Modules,
    r: Rect,
    module_px: u32,
    row_px: u32,
    s: f32,
    alpha: f32,
) {
    let module = module_px.max(1) as i32;
    let row_px = row_px.max(1) as i32;
    let ox = (r.x * s).round() as i32;
    let oy = (r.y * s).round() as i32;
    let a = (255.0 * alpha).round() as u8;
    let (pw, ph) = (pixmap.width() as i32, pixmap.height() as i32);
    let data = pixmap.data_mut();
    for my in 0..m.height {
        for mx in 0..m.width {
            if !m.get(mx, my) {
                continue;
            }
            let x0 = ox + mx as i32 * module;
            let y0 = oy + my as i32 * row_px;
            for y in y0.max(0)..(y0 + row_px).min(ph) {
                for x in x0.max(0)..(x0 + module).min(pw) {
                    let di = ((y * pw + x) * 4) as usize;
                    let inv = u32::from(255 - a);
                    for c in 0..3 {
                        data[di + c] = (u32::from(data[di + c]) * inv / 255) as u8;
                    }
                    data[di + 3] =
                        (u32::from(a) + u32::from(data[di + 3]) * inv / 255).min(255) as u8;
                }
            }
        }
    }
}

/// Premultiplied pixmap → straight RGBA.
fn to_straight(p: &Pixmap) -> RgbaImage {
    let mut pixels = p.data().to_vec();
    for px in pixels.chunks_exact_mut(4) {
        // Opaque and fully transparent pixels (nearly all of them) need no division.
        let a = px[3];
        if a != 255 && a != 0 {
            for c in &mut px[..3] {
                *c = ((u32::from(*c) * 255 + u32::from(a) / 2) / u32::from(a)).min(255) as u8;
            }
        }
    }
    RgbaImage {
        width: p.width(),
        height: p.height(),
        pixels,
    }
}
