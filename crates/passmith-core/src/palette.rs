//! Colours for a pass from its own artwork: the dominant colours of the logo, and the WCAG
//! contrast ratio that says whether text stays readable on a background.

/// WCAG 2.x AA: normal text needs at least this contrast ratio against its background.
pub const AA_TEXT: f64 = 4.5;

/// The WCAG contrast ratio of two colours, from 1 (the same) to 21 (black on white).
pub fn contrast_ratio(a: [u8; 3], b: [u8; 3]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    let (hi, lo) = if la >= lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

/// Relative luminance of an sRGB colour (WCAG 2.x definition).
fn luminance(c: [u8; 3]) -> f64 {
    let channel = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.04045 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2])
}

/// Up to `max` dominant colours of an image (PNG or any format the image crate reads), most
/// common first: opaque pixels only, grouped into 4-bit-per-channel buckets, each colour the
/// average of its bucket, and colours too close to one already chosen skipped. Empty when the
/// image cannot be read.
pub fn dominant_colors(image_bytes: &[u8], max: usize) -> Vec<[u8; 3]> {
    let Ok(img) = image::load_from_memory(image_bytes) else {
        return Vec::new();
    };
    // A small copy is enough to count colours, and keeps a large logo cheap.
    let small = img.thumbnail(64, 64).to_rgba8();
    let mut buckets: std::collections::HashMap<[u8; 3], ([u64; 3], u64)> =
        std::collections::HashMap::new();
    for p in small.pixels() {
        let [r, g, b, a] = p.0;
        if a < 128 {
            continue;
        }
        let key = [r >> 4, g >> 4, b >> 4];
        let e = buckets.entry(key).or_insert(([0; 3], 0));
        e.0[0] += u64::from(r);
        e.0[1] += u64::from(g);
        e.0[2] += u64::from(b);
        e.1 += 1;
    }
    let mut ranked: Vec<([u8; 3], u64)> = buckets
        .into_values()
        .map(|(sum, n)| {
            let avg = |i: usize| u8::try_from(sum[i] / n).unwrap_or(u8::MAX);
            ([avg(0), avg(1), avg(2)], n)
        })
        .collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut out: Vec<[u8; 3]> = Vec::new();
    for (c, _) in ranked {
        let distinct = out.iter().all(|o| {
            let d = |i: usize| (i32::from(o[i]) - i32::from(c[i])).abs();
            d(0) + d(1) + d(2) > 48
        });
        if distinct {
            out.push(c);
            if out.len() == max {
                break;
            }
        }
    }
    out
}

/// `#rrggbb`, as people write colours.
pub fn hex(c: [u8; 3]) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_is_wcags() {
        assert!((contrast_ratio([0, 0, 0], [255, 255, 255]) - 21.0).abs() < 1e-9);
        assert!((contrast_ratio([10, 20, 30], [10, 20, 30]) - 1.0).abs() < 1e-9);
        // #767676 on white is the classic AA borderline (4.54).
        let grey = contrast_ratio([0x76, 0x76, 0x76], [255, 255, 255]);
        assert!((4.5..4.6).contains(&grey), "{grey}");
    }

    #[test]
    fn the_logos_colours_most_common_first_without_transparency() {
        // 3/4 dark blue, 1/4 orange, and a transparent border that must not count.
        let img = image::RgbaImage::from_fn(40, 40, |x, y| {
            if x < 4 || y < 4 {
                image::Rgba([255, 255, 255, 0])
            } else if x < 31 {
                image::Rgba([20, 40, 120, 255])
            } else {
                image::Rgba([240, 140, 20, 255])
            }
        });
        let mut png = Vec::new();
        img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        let colors = dominant_colors(&png, 5);
        assert_eq!(colors.len(), 2, "{colors:?}");
        assert_eq!(hex(colors[0]), "#142878");
        assert_eq!(hex(colors[1]), "#f08c14");
        assert!(dominant_colors(b"not an image", 3).is_empty());
    }
}
