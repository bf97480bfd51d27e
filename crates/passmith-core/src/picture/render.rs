//! Rendering one picture into a slot's three densities: where the picture goes on each canvas
//! ([`place`]), drawing it there (resized raster or SVG), and the optimised PNG.

use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::RgbaImage;
use resvg::tiny_skia;

use super::{Fit, Framing, Picture, PictureError};
use crate::model::Style;
use crate::rules::{self, ImageBox, ImageShape};

/// One rendered density of a slot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedImage {
    /// 1, 2 or 3.
    pub scale: u8,
    pub width: u32,
    pub height: u32,
    /// The optimised PNG.
    pub png: Vec<u8>,
    /// The PNG's size before oxipng (what optimising saved is `unoptimised_len - png.len()`).
    pub unoptimised_len: usize,
}

/// A rectangle in floating-point units.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Rect {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

/// Where a picture is drawn on one density's canvas: the part of the source (`crop`, in source
/// units) that lands on `dest` (canvas pixels, whole numbers) of a `canvas`-sized PNG.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Placement {
    canvas: (u32, u32),
    crop: Rect,
    dest: Rect,
}

/// Renders `picture` as `slot` of a pass in `style`: one PNG per density in
/// [`rules::IMAGE_SCALES`]. `pad` is the colour contain pads with (transparent when `None`).
pub fn render(
    style: Style,
    slot: &str,
    picture: &Picture,
    framing: Framing,
    pad: Option<[u8; 3]>,
) -> Result<Vec<RenderedImage>, PictureError> {
    let slot = super::slot_name(slot)?;
    let bx = rules::image_box(style, slot).ok_or_else(|| PictureError::SlotNotShown {
        style: style.label(),
        slot: slot.to_owned(),
        shown: rules::image_names(style)
            .iter()
            .filter(|n| rules::image_box(style, n).is_some())
            .copied()
            .collect::<Vec<_>>()
            .join(", "),
    })?;
    let mut resizer = Resizer::new();
    rules::IMAGE_SCALES
        .into_iter()
        .map(|scale| {
            let at = place(bx, scale, picture.size(), framing);
            let pixels = match picture {
                Picture::Raster(img) => draw_raster(&mut resizer, img, &at, pad),
                Picture::Vector(tree) => draw_svg(tree, &at, pad),
            }
            .map_err(|reason| PictureError::Encode {
                slot: slot.to_owned(),
                reason,
            })?;
            encode(slot, scale, pixels)
        })
        .collect()
}

/// Where the picture goes at `scale`. Sizes are worked out at @1x in fractions of a point and
/// then multiplied, so @2x and @3x stay two and three times @1x (to the rounding validation
/// allows) and never exceed the box.
fn place(bx: ImageBox, scale: u8, (sw, sh): (f64, f64), framing: Framing) -> Placement {
    let (bw, bh) = (f64::from(bx.width_pt), f64::from(bx.height_pt));
    let n = f64::from(scale);
    let px = |pt: f64, max: f64| (pt * n).round().clamp(1.0, max * n);
    // The canvas at @1x, in points, before rounding.
    let (cw, ch, fill) = match bx.shape {
        ImageShape::Fill => (bw, bh, true),
        ImageShape::Within => {
            let s = (bw / sw).min(bh / sh);
            (sw * s, sh * s, false)
        }
        ImageShape::WithinAspect { min, max } => {
            let lo = f64::from(min.0) / f64::from(min.1);
            let hi = f64::from(max.0) / f64::from(max.1);
            let aspect = (sw / sh).clamp(lo, hi);
            let (w, h) = if aspect >= bw / bh {
                (bw, bw / aspect)
            } else {
                (bh * aspect, bh)
            };
            (w, h, true)
        }
    };
    let canvas = (px(cw, bw), px(ch, bh));
    let (tw, th) = (canvas.0, canvas.1);
    let whole_source = Rect {
        x: 0.0,
        y: 0.0,
        w: sw,
        h: sh,
    };
    let whole_canvas = Rect {
        x: 0.0,
        y: 0.0,
        w: tw,
        h: th,
    };
    let placement = |crop, dest| Placement {
        canvas: (tw as u32, th as u32),
        crop,
        dest,
    };
    if !fill {
        return placement(whole_source, whole_canvas);
    }
    match framing.fit {
        Fit::Cover => {
            let s = (tw / sw).max(th / sh);
            // Rounding may make the window a hair larger than the picture; `clamp` needs min ≤ max.
            let (w, h) = ((tw / s).min(sw), (th / s).min(sh));
            let centre = |f: f32, size: f64, window: f64| {
                (f64::from(f) * size - window / 2.0).clamp(0.0, (size - window).max(0.0))
            };
            let crop = Rect {
                x: centre(framing.focus.x, sw, w),
                y: centre(framing.focus.y, sh, h),
                w,
                h,
            };
            placement(crop, whole_canvas)
        }
        Fit::Contain => {
            let s = (tw / sw).min(th / sh);
            let (w, h) = (
                (sw * s).round().clamp(1.0, tw),
                (sh * s).round().clamp(1.0, th),
            );
            let dest = Rect {
                x: ((tw - w) / 2.0).floor(),
                y: ((th - h) / 2.0).floor(),
                w,
                h,
            };
            placement(whole_source, dest)
        }
    }
}

/// The canvas's starting pixels: the pad colour, or transparent.
fn blank(at: &Placement, pad: Option<[u8; 3]>) -> RgbaImage {
    let fill = pad.map_or([0, 0, 0, 0], |[r, g, b]| [r, g, b, 255]);
    RgbaImage::from_pixel(at.canvas.0, at.canvas.1, image::Rgba(fill))
}

fn draw_raster(
    resizer: &mut Resizer,
    img: &RgbaImage,
    at: &Placement,
    pad: Option<[u8; 3]>,
) -> Result<RgbaImage, String> {
    let src = ImageRef::new(img.width(), img.height(), img.as_raw(), PixelType::U8x4)
        .map_err(|e| e.to_string())?;
    let (dw, dh) = (at.dest.w as u32, at.dest.h as u32);
    let mut dst = Image::new(dw, dh, PixelType::U8x4);
    // `use_alpha` (the default) premultiplies before filtering and divides after, so a
    // transparent pixel's colour does not bleed into its neighbours.
    let options = ResizeOptions::new()
        .resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3))
        .crop(at.crop.x, at.crop.y, at.crop.w, at.crop.h)
        .use_alpha(true);
    resizer
        .resize(&src, &mut dst, &options)
        .map_err(|e| e.to_string())?;
    let resized = RgbaImage::from_raw(dw, dh, dst.into_vec())
        .ok_or_else(|| "the resized picture has the wrong size".to_owned())?;
    let mut canvas = blank(at, pad);
    let (ox, oy) = (at.dest.x as u32, at.dest.y as u32);
    for (x, y, p) in resized.enumerate_pixels() {
        let (cx, cy) = (ox + x, oy + y);
        if cx < canvas.width() && cy < canvas.height() {
            let out = over(p.0, canvas.get_pixel(cx, cy).0);
            canvas.put_pixel(cx, cy, image::Rgba(out));
        }
    }
    Ok(canvas)
}

/// `top` drawn over `bottom` (straight alpha).
fn over(top: [u8; 4], bottom: [u8; 4]) -> [u8; 4] {
    let ta = u32::from(top[3]);
    if ta == 255 || bottom[3] == 0 {
        return top;
    }
    let ba = u32::from(bottom[3]) * (255 - ta) / 255;
    let a = ta + ba;
    if a == 0 {
        return [0, 0, 0, 0];
    }
    let mix = |t: u8, b: u8| ((u32::from(t) * ta + u32::from(b) * ba + a / 2) / a) as u8;
    [
        mix(top[0], bottom[0]),
        mix(top[1], bottom[1]),
        mix(top[2], bottom[2]),
        a as u8,
    ]
}

fn draw_svg(
    tree: &resvg::usvg::Tree,
    at: &Placement,
    pad: Option<[u8; 3]>,
) -> Result<RgbaImage, String> {
    let mut pixmap = tiny_skia::Pixmap::new(at.canvas.0, at.canvas.1)
        .ok_or_else(|| "the canvas has no size".to_owned())?;
    if let Some([r, g, b]) = pad {
        pixmap.fill(tiny_skia::Color::from_rgba8(r, g, b, 255));
    }
    let (sx, sy) = (at.dest.w / at.crop.w, at.dest.h / at.crop.h);
    let transform = tiny_skia::Transform::from_row(
        sx as f32,
        0.0,
        0.0,
        sy as f32,
        (at.dest.x - at.crop.x * sx) as f32,
        (at.dest.y - at.crop.y * sy) as f32,
    );
    resvg::render(tree, transform, &mut pixmap.as_mut());
    // tiny-skia keeps premultiplied pixels; PNG wants straight ones.
    let straight: Vec<u8> = pixmap
        .pixels()
        .iter()
        .flat_map(|p| {
            let c = p.demultiply();
            [c.red(), c.green(), c.blue(), c.alpha()]
        })
        .collect();
    RgbaImage::from_raw(at.canvas.0, at.canvas.1, straight)
        .ok_or_else(|| "the drawn picture has the wrong size".to_owned())
}

/// The PNG of one density, optimised losslessly by oxipng (which also drops an alpha channel
/// nobody uses and picks a palette when it is smaller).
fn encode(slot: &str, scale: u8, pixels: RgbaImage) -> Result<RenderedImage, PictureError> {
    let err = |reason: String| PictureError::Encode {
        slot: slot.to_owned(),
        reason,
    };
    let (width, height) = pixels.dimensions();
    let mut png = Vec::new();
    pixels
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .map_err(|e| err(e.to_string()))?;
    let unoptimised_len = png.len();
    let mut options = oxipng::Options::from_preset(2);
    options.strip = oxipng::StripChunks::Safe;
    let optimised = oxipng::optimize_from_memory(&png, &options).map_err(|e| err(e.to_string()))?;
    // oxipng returns the input when it cannot do better; keep whichever is smaller.
    let png = if optimised.len() < png.len() {
        optimised
    } else {
        png
    };
    Ok(RenderedImage {
        scale,
        width,
        height,
        png,
        unoptimised_len,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::picture::Focus;

    fn framing(fit: Fit) -> Framing {
        Framing {
            fit,
            focus: Focus::default(),
        }
    }

    #[test]
    fn a_coupon_strip_fills_its_box_at_every_density() {
        let bx = rules::image_box(Style::Coupon, "strip").unwrap();
        for (scale, size) in [(1, (375, 144)), (2, (750, 288)), (3, (1125, 432))] {
            let at = place(bx, scale, (4000.0, 3000.0), framing(Fit::Cover));
            assert_eq!(at.canvas, size);
            // Cover keeps the full width and crops the height around the centre.
            assert!((at.crop.w - 4000.0).abs() < 1e-6);
            assert!((at.crop.y + at.crop.h / 2.0 - 1500.0).abs() < 1e-6);
        }
    }

    #[test]
    fn a_wide_logo_keeps_its_aspect_within_the_box() {
        let bx = rules::image_box(Style::Generic, "logo").unwrap();
        let at = place(bx, 3, (400.0, 50.0), framing(Fit::Cover));
        assert_eq!(at.canvas, (480, 60));
        let at = place(bx, 1, (100.0, 100.0), framing(Fit::Cover));
        assert_eq!(at.canvas, (50, 50));
    }

    #[test]
    fn a_panorama_thumbnail_is_clamped_to_three_by_two() {
        let bx = rules::image_box(Style::Generic, "thumbnail").unwrap();
        let at = place(bx, 2, (3000.0, 1000.0), framing(Fit::Contain));
        assert_eq!(at.canvas, (180, 120));
        assert_eq!((at.dest.w, at.dest.h), (180.0, 60.0));
    }

    #[test]
    fn extreme_shapes_stay_inside_the_box_and_the_picture() {
        for style in Style::ALL {
            for name in rules::IMAGE_NAMES {
                let Some(bx) = rules::image_box(style, name) else {
                    continue;
                };
                for src in [(1.0, 5000.0), (5000.0, 1.0), (1.0, 1.0), (333.0, 777.0)] {
                    for fit in [Fit::Cover, Fit::Contain] {
                        for scale in rules::IMAGE_SCALES {
                            let at = place(bx, scale, src, framing(fit));
                            let n = u32::from(scale);
                            assert!(at.canvas.0 >= 1 && at.canvas.0 <= bx.width_pt * n);
                            assert!(at.canvas.1 >= 1 && at.canvas.1 <= bx.height_pt * n);
                            assert!(at.crop.x >= 0.0 && at.crop.x + at.crop.w <= src.0 + 1e-9);
                            assert!(at.crop.y >= 0.0 && at.crop.y + at.crop.h <= src.1 + 1e-9);
                            assert!(at.dest.w >= 1.0 && at.dest.h >= 1.0);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn over_mixes_straight_alpha() {
        assert_eq!(over([255, 0, 0, 0], [0, 0, 255, 255]), [0, 0, 255, 255]);
        assert_eq!(over([255, 0, 0, 255], [0, 0, 255, 255]), [255, 0, 0, 255]);
        assert_eq!(over([200, 0, 0, 128], [0, 0, 0, 0]), [200, 0, 0, 128]);
    }
}
