//! Generates the five templates in `sample_passes/` (one per pass style): `pass.json` with
//! plausible marketing content and all artwork, drawn from simple vector shapes with tiny-skia.
//! Our own designs, reproducible: `cargo run --example make_templates` rewrites every file.

// A developer tool run by hand: failing loudly on a write error is the right behaviour.
#![allow(clippy::expect_used)]

use std::path::Path;

use passmith_core::model::Style as PassStyle;
use passmith_core::rules;
use serde::Deserialize;
use serde_json::json;
use tiny_skia::{
    Color, FillRule, GradientStop, LinearGradient, Paint, PathBuilder, Pixmap, Point, Rect,
    SpreadMode, Stroke, Transform,
};

type Rgb = (u8, u8, u8);

/// One template's look.
struct Theme {
    background: Rgb,
    accent: Rgb,
    light: Rgb,
}

fn color(c: Rgb, alpha: f32) -> Color {
    Color::from_rgba8(c.0, c.1, c.2, (alpha * 255.0).round() as u8)
}

fn solid(c: Rgb, alpha: f32) -> Paint<'static> {
    let mut paint = Paint::default();
    paint.set_color(color(c, alpha));
    paint.anti_alias = true;
    paint
}

fn vertical_gradient(top: Rgb, bottom: Rgb, height: f32) -> Paint<'static> {
    let shader = LinearGradient::new(
        Point::from_xy(0.0, 0.0),
        Point::from_xy(0.0, height),
        vec![
            GradientStop::new(0.0, color(top, 1.0)),
            GradientStop::new(1.0, color(bottom, 1.0)),
        ],
        SpreadMode::Pad,
        Transform::identity(),
    )
    .expect("gradient");
    Paint {
        shader,
        ..Paint::default()
    }
}

fn circle(p: &mut Pixmap, t: Transform, x: f32, y: f32, r: f32, paint: &Paint) {
    if let Some(path) = PathBuilder::from_circle(x, y, r) {
        p.fill_path(&path, paint, FillRule::Winding, t, None);
    }
}

fn rect(p: &mut Pixmap, t: Transform, x: f32, y: f32, w: f32, h: f32, paint: &Paint) {
    if let Some(r) = Rect::from_xywh(x, y, w, h) {
        p.fill_rect(r, paint, t, None);
    }
}

fn polygon(p: &mut Pixmap, t: Transform, points: &[(f32, f32)], paint: &Paint) {
    let mut pb = PathBuilder::new();
    for (i, (x, y)) in points.iter().enumerate() {
        if i == 0 {
            pb.move_to(*x, *y);
        } else {
            pb.line_to(*x, *y);
        }
    }
    pb.close();
    if let Some(path) = pb.finish() {
        p.fill_path(&path, paint, FillRule::Winding, t, None);
    }
}

fn rounded_square(p: &mut Pixmap, t: Transform, size: f32, radius: f32, paint: &Paint) {
    let mut pb = PathBuilder::new();
    let (s, r) = (size, radius);
    pb.move_to(r, 0.0);
    pb.line_to(s - r, 0.0);
    pb.quad_to(s, 0.0, s, r);
    pb.line_to(s, s - r);
    pb.quad_to(s, s, s - r, s);
    pb.line_to(r, s);
    pb.quad_to(0.0, s, 0.0, s - r);
    pb.line_to(0.0, r);
    pb.quad_to(0.0, 0.0, r, 0.0);
    pb.close();
    if let Some(path) = pb.finish() {
        p.fill_path(&path, paint, FillRule::Winding, t, None);
    }
}

fn arc_stroke(p: &mut Pixmap, t: Transform, pts: &[(f32, f32)], width: f32, paint: &Paint) {
    let mut pb = PathBuilder::new();
    pb.move_to(pts[0].0, pts[0].1);
    for w in pts[1..].chunks(2) {
        if let [c, e] = w {
            pb.quad_to(c.0, c.1, e.0, e.1);
        }
    }
    if let Some(path) = pb.finish() {
        let stroke = Stroke {
            width,
            line_cap: tiny_skia::LineCap::Round,
            ..Stroke::default()
        };
        p.stroke_path(&path, paint, &stroke, t, None);
    }
}

/// The brand mark of each template, drawn into a `size`×`size` point box at the origin.
fn mark(style: &str, theme: &Theme, p: &mut Pixmap, t: Transform, size: f32) {
    let k = size / 100.0;
    let t = t.pre_scale(k, k);
    let light = solid(theme.light, 1.0);
    let accent = solid(theme.accent, 1.0);
    match style {
        // A coffee bean.
        "StoreCard" => {
            let mut pb = PathBuilder::new();
            pb.push_oval(Rect::from_xywh(22.0, 8.0, 56.0, 84.0).expect("rect"));
            if let Some(path) = pb.finish() {
                p.fill_path(
                    &path,
                    &light,
                    FillRule::Winding,
                    t.pre_rotate_at(30.0, 50.0, 50.0),
                    None,
                );
            }
            arc_stroke(
                p,
                t.pre_rotate_at(30.0, 50.0, 50.0),
                &[
                    (50.0, 12.0),
                    (36.0, 32.0),
                    (50.0, 50.0),
                    (64.0, 68.0),
                    (50.0, 88.0),
                ],
                7.0,
                &solid(theme.background, 1.0),
            );
        }
        // A leaf.
        "Coupon" => {
            let mut pb = PathBuilder::new();
            pb.move_to(14.0, 86.0);
            pb.quad_to(10.0, 18.0, 88.0, 12.0);
            pb.quad_to(84.0, 88.0, 14.0, 86.0);
            pb.close();
            if let Some(path) = pb.finish() {
                p.fill_path(&path, &light, FillRule::Winding, t, None);
            }
            arc_stroke(
                p,
                t,
                &[(14.0, 86.0), (44.0, 52.0), (74.0, 26.0)],
                5.0,
                &solid(theme.background, 1.0),
            );
        }
        // A sound wave in a circle.
        "EventTicket" => {
            circle(p, t, 50.0, 50.0, 46.0, &accent);
            for (i, h) in [18.0f32, 36.0, 56.0, 36.0, 18.0].iter().enumerate() {
                rect(
                    p,
                    t,
                    22.0 + i as f32 * 12.0,
                    50.0 - h / 2.0,
                    8.0,
                    *h,
                    &solid(theme.background, 1.0),
                );
            }
        }
        // Two peaks.
        "Generic" => {
            polygon(p, t, &[(2.0, 90.0), (38.0, 22.0), (74.0, 90.0)], &accent);
            polygon(p, t, &[(40.0, 90.0), (66.0, 44.0), (96.0, 90.0)], &light);
            polygon(
                p,
                t,
                &[(30.0, 36.0), (38.0, 22.0), (46.0, 36.0), (38.0, 32.0)],
                &solid((255, 255, 255), 1.0),
            );
        }
        // A rail front: a rounded body with two lights.
        _ => {
            rounded_square(p, t.pre_translate(18.0, 8.0), 64.0, 16.0, &light);
            rect(p, t, 26.0, 20.0, 48.0, 22.0, &solid(theme.background, 1.0));
            circle(p, t, 32.0, 58.0, 6.0, &accent);
            circle(p, t, 68.0, 58.0, 6.0, &accent);
            rect(p, t, 22.0, 76.0, 10.0, 18.0, &light);
            rect(p, t, 68.0, 76.0, 10.0, 18.0, &light);
        }
    }
}

fn icon(style: &str, theme: &Theme, scale: f32) -> Pixmap {
    let side = (29.0 * scale).round() as u32;
    let mut p = Pixmap::new(side, side).expect("pixmap");
    let t = Transform::from_scale(scale, scale);
    rounded_square(&mut p, t, 29.0, 6.5, &solid(theme.background, 1.0));
    mark(style, theme, &mut p, t.pre_translate(4.5, 4.5), 20.0);
    p
}

fn logo(style: &str, theme: &Theme, scale: f32) -> Pixmap {
    // A square mark; the organisation's name is set as logoText beside it.
    let side = (40.0 * scale).round() as u32;
    let mut p = Pixmap::new(side, side).expect("pixmap");
    mark(
        style,
        theme,
        &mut p,
        Transform::from_scale(scale, scale),
        40.0,
    );
    p
}

fn strip(style: &str, theme: &Theme, w: f32, h: f32, scale: f32) -> Pixmap {
    let mut p =
        Pixmap::new((w * scale).round() as u32, (h * scale).round() as u32).expect("pixmap");
    let t = Transform::from_scale(scale, scale);
    let top = theme.accent;
    let bottom = theme.background;
    rect(
        &mut p,
        t,
        0.0,
        0.0,
        w,
        h,
        &vertical_gradient(top, bottom, h),
    );
    match style {
        "StoreCard" => {
            // Steam rising from a cup.
            rect(
                &mut p,
                t,
                w * 0.62,
                h * 0.55,
                70.0,
                h * 0.45,
                &solid(theme.light, 0.9),
            );
            circle(
                &mut p,
                t,
                w * 0.62 + 76.0,
                h * 0.72,
                12.0,
                &solid(theme.light, 0.9),
            );
            circle(&mut p, t, w * 0.62 + 76.0, h * 0.72, 6.0, &solid(top, 1.0));
            for i in 0..3 {
                let x = w * 0.62 + 14.0 + i as f32 * 20.0;
                arc_stroke(
                    &mut p,
                    t,
                    &[
                        (x, h * 0.48),
                        (x - 8.0, h * 0.35),
                        (x, h * 0.25),
                        (x + 8.0, h * 0.15),
                        (x, h * 0.05),
                    ],
                    3.0,
                    &solid(theme.light, 0.6),
                );
            }
            for i in 0..9 {
                circle(
                    &mut p,
                    t,
                    18.0 + i as f32 * 24.0,
                    h - 10.0 - (i % 3) as f32 * 14.0,
                    5.0,
                    &solid(theme.light, 0.25),
                );
            }
        }
        "Coupon" => {
            for i in 0..14 {
                let x = (i as f32 * 53.0) % w;
                let y = (i as f32 * 37.0) % h;
                circle(
                    &mut p,
                    t,
                    x,
                    y,
                    10.0 + (i % 4) as f32 * 8.0,
                    &solid(theme.light, 0.18),
                );
            }
            circle(
                &mut p,
                t,
                w * 0.8,
                h * 0.5,
                h * 0.32,
                &solid((232, 90, 64), 1.0),
            );
            circle(
                &mut p,
                t,
                w * 0.8 - h * 0.1,
                h * 0.42,
                h * 0.08,
                &solid((255, 255, 255), 0.35),
            );
            polygon(
                &mut p,
                t,
                &[
                    (w * 0.8, h * 0.2),
                    (w * 0.8 + 14.0, h * 0.06),
                    (w * 0.8 + 4.0, h * 0.22),
                ],
                &solid(theme.light, 1.0),
            );
        }
        "EventTicket" => {
            for i in 0..5 {
                let r = 20.0 + i as f32 * 22.0;
                let mut pb = PathBuilder::new();
                pb.push_circle(w * 0.78, h * 1.05, r);
                if let Some(path) = pb.finish() {
                    let stroke = Stroke {
                        width: 3.0,
                        ..Stroke::default()
                    };
                    p.stroke_path(
                        &path,
                        &solid(theme.light, 0.5 - i as f32 * 0.08),
                        &stroke,
                        t,
                        None,
                    );
                }
            }
            for i in 0..24 {
                let x = (i as f32 * 97.0 + 13.0) % (w * 0.6);
                let y = (i as f32 * 31.0 + 7.0) % (h * 0.8);
                circle(
                    &mut p,
                    t,
                    x,
                    y,
                    1.2 + (i % 3) as f32 * 0.5,
                    &solid((255, 255, 255), 0.8),
                );
            }
        }
        _ => {}
    }
    p
}

fn thumbnail(style: &str, theme: &Theme, scale: f32) -> Pixmap {
    let side = (90.0 * scale).round() as u32;
    let mut p = Pixmap::new(side, side).expect("pixmap");
    let t = Transform::from_scale(scale, scale);
    rounded_square(
        &mut p,
        t,
        90.0,
        14.0,
        &vertical_gradient(theme.light, theme.accent, 90.0),
    );
    mark(style, theme, &mut p, t.pre_translate(15.0, 15.0), 60.0);
    p
}

fn footer(theme: &Theme, scale: f32) -> Pixmap {
    let (w, h) = (286.0, 15.0);
    let mut p =
        Pixmap::new((w * scale).round() as u32, (h * scale).round() as u32).expect("pixmap");
    let t = Transform::from_scale(scale, scale);
    for i in 0..26 {
        let x = i as f32 * 11.0;
        rect(
            &mut p,
            t,
            x,
            5.0,
            7.0,
            5.0,
            &solid(theme.light, if i % 2 == 0 { 0.9 } else { 0.45 }),
        );
    }
    p
}

fn write_png(dir: &Path, name: &str, pixmap: &Pixmap) {
    let bytes = pixmap.encode_png().expect("encode png");
    std::fs::write(dir.join(name), bytes).expect("write png");
}

fn write_densities(dir: &Path, stem: &str, draw: impl Fn(f32) -> Pixmap) {
    for (suffix, scale) in [("", 1.0), ("@2x", 2.0), ("@3x", 3.0)] {
        write_png(dir, &format!("{stem}{suffix}.png"), &draw(scale));
    }
}

/// One template, as `make_templates.json` describes it: its style, the colours its artwork is
/// drawn in, the images beyond icon and logo, and its pass.json without the identifiers every
/// template shares.
#[derive(Deserialize)]
struct Template {
    style: String,
    accent: String,
    light: String,
    extras: Vec<String>,
    pass: serde_json::Map<String, serde_json::Value>,
}

impl Template {
    /// The artwork's colours: the pass's background colour, then the template's accent and light.
    fn theme(&self) -> Theme {
        let background = self
            .pass
            .get("backgroundColor")
            .and_then(|c| c.as_str())
            .unwrap_or_default();
        Theme {
            background: parse_rgb(background),
            accent: parse_rgb(&self.accent),
            light: parse_rgb(&self.light),
        }
    }

    /// The pass style whose key the template's pass.json has.
    fn pass_style(&self) -> Option<PassStyle> {
        PassStyle::ALL
            .into_iter()
            .find(|kind| self.pass.contains_key(kind.key()))
    }

    /// pass.json: the shared identifiers, then the template's own keys in their order.
    fn pass_json(&self) -> serde_json::Value {
        let mut pass = serde_json::Map::new();
        pass.insert("formatVersion".into(), json!(1));
        pass.insert(
            "passTypeIdentifier".into(),
            json!("pass.com.example.passmith"),
        );
        pass.insert("teamIdentifier".into(), json!("TEAM123456"));
        pass.extend(self.pass.clone());
        serde_json::Value::Object(pass)
    }
}

/// `rgb(58, 36, 27)` as written in pass.json.
fn parse_rgb(text: &str) -> Rgb {
    let inner = text
        .trim()
        .strip_prefix("rgb(")
        .and_then(|t| t.strip_suffix(')'))
        .unwrap_or_else(|| panic!("not an rgb() colour: {text}"));
    let part: Vec<u8> = inner
        .split(',')
        .map(|p| p.trim().parse().expect("a colour channel 0-255"))
        .collect();
    match part[..] {
        [r, g, b] => (r, g, b),
        _ => panic!("not an rgb() colour: {text}"),
    }
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_passes");
    let templates: Vec<Template> = serde_json::from_str(include_str!("make_templates.json"))
        .expect("examples/make_templates.json lists the templates");
    for template in &templates {
        let (style, theme) = (template.style.as_str(), &template.theme());
        let dir = root.join(format!("{style}.pass"));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).expect("clear old template");
        }
        std::fs::create_dir_all(&dir).expect("create template folder");
        let json = serde_json::to_string_pretty(&template.pass_json()).expect("json");
        std::fs::write(dir.join("pass.json"), json + "\n").expect("write pass.json");
        write_densities(&dir, "icon", |s| icon(style, theme, s));
        write_densities(&dir, "logo", |s| logo(style, theme, s));
        for extra in &template.extras {
            match extra.as_str() {
                "strip" => {
                    // Drawn at the size Wallet allots the style's strip.
                    let (w, h) = template
                        .pass_style()
                        .and_then(|kind| rules::image_size_pt(kind, "strip"))
                        .expect("a template with a strip has a style that shows one");
                    let (w, h) = (w as f32, h as f32);
                    write_densities(&dir, "strip", |s| strip(style, theme, w, h, s));
                }
                "thumbnail" => write_densities(&dir, "thumbnail", |s| thumbnail(style, theme, s)),
                _ => write_densities(&dir, "footer", |s| footer(theme, s)),
            }
        }
        println!("wrote {}", dir.display());
    }
}
