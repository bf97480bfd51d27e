//! Image files (and any other file in the pass): names, PNG headers, pixel sizes, and which
//! images the pass style actually shows. Localized images under `xx.lproj/` get the same checks.

use std::collections::BTreeMap;

use super::quote;
use crate::code::Code;
use crate::document::{PassDocument, image_file_name};
use crate::finding::Finding;
use crate::image_header::{ImageProblem, PictureFormat};
use crate::model::Style;
use crate::path::PassPath;
use crate::rules;

/// Other files Wallet reads besides pass.json and pass.strings.
const OTHER_FILES: &[&str] = &["personalization.json"];

/// One image file of the pass.
struct ImageFile<'a> {
    path: &'a str,
    lang: Option<&'a str>,
    name: &'static str,
    scale: u8,
    /// Pixel size; `None` when the file is not a readable PNG (already reported).
    size: Option<(u32, u32)>,
}

pub(super) fn check(doc: &PassDocument, out: &mut Vec<Finding>) {
    let style = doc.pass.style();
    let mut images: Vec<ImageFile<'_>> = Vec::new();
    for (path, bytes) in &doc.files {
        let (lang, file) = match path.split_once('/') {
            Some((dir, file)) => match dir.strip_suffix(".lproj") {
                Some(lang) if !file.contains('/') && !lang.is_empty() => (Some(lang), file),
                _ => {
                    unknown_file(path, out);
                    continue;
                }
            },
            None => (None, path.as_str()),
        };
        if lang.is_none() && OTHER_FILES.contains(&file) {
            continue;
        }
        match classify(file) {
            Some((name, scale, exact)) => {
                if !exact {
                    wrong_case(path, lang, name, scale, out);
                    continue;
                }
                let size = png_size(path, bytes, out);
                images.push(ImageFile {
                    path,
                    lang,
                    name,
                    scale,
                    size,
                });
            }
            None => unknown_file(path, out),
        }
    }

    // Any density of the icon will do: passes with only icon@2x.png were added to iPhones (the
    // missing icon.png is then a density warning below). A wrongly cased icon is its own error.
    let has_icon = images.iter().any(|i| i.name == "icon" && i.lang.is_none());
    let miscased_icon = doc.files.keys().any(|p| {
        !p.contains('/') && classify(p).is_some_and(|(name, _, exact)| name == "icon" && !exact)
    });
    if !has_icon && !miscased_icon {
        let others: Vec<&str> = images
            .iter()
            .filter(|i| i.name == "icon")
            .map(|i| i.path)
            .collect();
        out.push(Finding::new(
            Code::ImageIconMissing,
            PassPath::file("icon.png"),
            if others.is_empty() {
                "The pass has no icon (icon.png); iPhones refuse a pass without one.".to_owned()
            } else {
                format!(
                    "The pass has no icon.png outside a language folder (only {}); iPhones refuse a pass without it.",
                    others.join(", ")
                )
            },
            "Add a 29×29 pixel icon.png, plus icon@2x.png (58×58) and icon@3x.png (87×87).",
        ));
    }

    // Group files by (language, image name).
    let mut groups: BTreeMap<(Option<&str>, &str), Vec<&ImageFile<'_>>> = BTreeMap::new();
    for img in &images {
        groups.entry((img.lang, img.name)).or_default().push(img);
    }
    let Some(style) = style else { return };
    for ((lang, name), files) in &groups {
        let Some(first) = files.first() else { continue };
        if !rules::shows_image(style, name) {
            out.push(Finding::new(
                Code::ImageUnused,
                PassPath::file(first.path),
                format!(
                    "{} does not show a {name} image, so {} will not appear.",
                    super::capitalized(super::a_style(style)),
                    first.path
                ),
                format!("Remove the {name} image, or choose a style that shows it."),
            ));
            continue;
        }
        let prefix = lang.map(|l| format!("{l}.lproj/")).unwrap_or_default();
        for scale in [1u8, 2, 3] {
            if !files.iter().any(|f| f.scale == scale) {
                let missing = format!("{prefix}{}", image_file_name(name, scale));
                let (message, hint) = if scale == 1 {
                    (
                        format!(
                            "There is no {missing}; Wallet scales a larger version down for screens without Retina."
                        ),
                        format!(
                            "Add {missing}, half the size of {prefix}{}.",
                            image_file_name(name, 2)
                        ),
                    )
                } else {
                    (
                        format!(
                            "There is no {missing}, so iPhones with {scale}× screens show a blurry {name}."
                        ),
                        format!(
                            "Add {missing}, {scale} times the size of {prefix}{}.",
                            image_file_name(name, 1)
                        ),
                    )
                };
                out.push(Finding::new(
                    Code::ImageMissingDensity,
                    PassPath::file(missing.clone()),
                    message,
                    hint,
                ));
            }
        }
        // Each density is the same picture in more pixels: @2x must be twice @1x, or phones with
        // different screens show the image at different sizes. One point of rounding is allowed.
        if let Some(one) = files.iter().find(|f| f.scale == 1)
            && let Some((w1, h1)) = one.size
        {
            for f in files.iter().filter(|f| f.scale > 1) {
                let Some((pw, ph)) = f.size else { continue };
                let n = u64::from(f.scale);
                let off = |px: u32, base: u32| u64::from(px).abs_diff(n * u64::from(base)) > n;
                if off(pw, w1) || off(ph, h1) {
                    out.push(Finding::new(
                        Code::ImageDensityMismatch,
                        PassPath::file(f.path),
                        format!(
                            "{} is {pw}×{ph} pixels, but as the @{n}x version of {} ({w1}×{h1}) it should be {}×{}; \
                             phones with different screens will show the {name} at different sizes.",
                            f.path,
                            one.path,
                            n * u64::from(w1),
                            n * u64::from(h1)
                        ),
                        format!(
                            "Export {} at exactly {n} times the size of {} ({}×{} pixels).",
                            f.path,
                            one.path,
                            n * u64::from(w1),
                            n * u64::from(h1)
                        ),
                    ));
                }
            }
        }
        if let Some((w, h)) = rules::image_size_pt(style, name) {
            for f in files {
                let Some((pw, ph)) = f.size else { continue };
                let (mw, mh) = (w * u32::from(f.scale), h * u32::from(f.scale));
                if pw > mw || ph > mh {
                    // Name the side that is too big, in the points Wallet gives it.
                    let mut sides = Vec::new();
                    if pw > mw {
                        sides.push(format!(
                            "{pw} px wide; Wallet gives the {name} {w} pt ({mw} px at @{}x)",
                            f.scale
                        ));
                    }
                    if ph > mh {
                        sides.push(format!(
                            "{ph} px tall; Wallet gives the {name} {h} pt ({mh} px at @{}x)",
                            f.scale
                        ));
                    }
                    out.push(Finding::new(
                        Code::ImageTooLarge,
                        PassPath::file(f.path),
                        format!(
                            "{} is {}, so Wallet shrinks or crops it.",
                            f.path,
                            sides.join(", and ")
                        ),
                        format!("Resize it to at most {mw}×{mh} pixels."),
                    ));
                }
            }
        }
        if *name == "thumbnail"
            && let Some(f) = files
                .iter()
                .filter(|f| f.size.is_some())
                .max_by_key(|f| f.scale)
            && let Some((pw, ph)) = f.size
            && ph > 0
        {
            // Ratios compared in integers: 2:3 ≤ w:h ≤ 3:2.
            let (w, h) = (u64::from(pw), u64::from(ph));
            if 3 * w < 2 * h || 2 * w > 3 * h {
                out.push(Finding::new(
                    Code::ImageThumbnailAspect,
                    PassPath::file(f.path),
                    format!(
                        "The thumbnail is {pw}×{ph} pixels; Wallet crops thumbnails that are wider than 3:2 or taller than 2:3."
                    ),
                    "Use a roughly square picture, e.g. 180×180 pixels at @2x.",
                ));
            }
        }
    }
    if style == Style::EventTicket {
        let has = |n: &str| groups.keys().any(|(_, name)| *name == n);
        if has("strip") && (has("background") || has("thumbnail")) {
            let path = images
                .iter()
                .find(|i| i.name == "strip")
                .map_or("strip.png", |i| i.path);
            out.push(Finding::new(
                Code::ImageStripAndBackground,
                PassPath::file(path),
                "An event ticket shows either a strip image or a background and thumbnail, not both; Wallet picks one.",
                "Remove the strip image, or remove the background and thumbnail.",
            ));
        }
    }
}

/// `logo@2x.png` → ("logo", 2, exact-case?); `None` for files that are not Wallet images.
fn classify(file: &str) -> Option<(&'static str, u8, bool)> {
    let lower = file.to_ascii_lowercase();
    let stem = lower.strip_suffix(".png")?;
    let (base, scale) = match stem.rsplit_once('@') {
        Some((n, "2x")) => (n, 2),
        Some((n, "3x")) => (n, 3),
        Some(_) => return None,
        None => (stem, 1),
    };
    let name = rules::IMAGE_NAMES
        .iter()
        .find(|n| n.to_ascii_lowercase() == base)?;
    Some((name, scale, file == image_file_name(name, scale)))
}

fn wrong_case(path: &str, lang: Option<&str>, name: &str, scale: u8, out: &mut Vec<Finding>) {
    let right = format!(
        "{}{}",
        lang.map(|l| format!("{l}.lproj/")).unwrap_or_default(),
        image_file_name(name, scale)
    );
    let (code, effect) = if name == "icon" {
        (Code::ImageIconCase, "iPhones refuse the pass")
    } else {
        (Code::ImageNameCase, "Wallet will not find it")
    };
    out.push(Finding::new(
        code,
        PassPath::file(path),
        format!(
            "The file {} must be named exactly {right} (letter case matters); otherwise {effect}.",
            quote(path)
        ),
        format!("Rename it to {right}."),
    ));
}

fn unknown_file(path: &str, out: &mut Vec<Finding>) {
    out.push(Finding::new(
        Code::FileUnknown,
        PassPath::file(path),
        format!(
            "Wallet does not use the file {}; it only makes the pass bigger.",
            quote(path)
        ),
        "Remove it — or, if it is an image, name it like logo.png, logo@2x.png, strip@3x.png.",
    ));
}

/// Reads a PNG's pixel size from its header, reporting files that are not PNG images. A JPEG
/// with a .png name is read too: Wallet decodes it, so it is only a warning.
fn png_size(path: &str, bytes: &[u8], out: &mut Vec<Finding>) -> Option<(u32, u32)> {
    // Oversized pictures keep their size here: the size checks report them.
    let read = match crate::image_header::read_header(bytes) {
        Ok(h) => Ok((h.format, h.width, h.height)),
        Err(ImageProblem::TooLarge {
            format,
            width,
            height,
        }) => Ok((format, width, height)),
        Err(e) => Err(e),
    };
    let what = match read {
        Ok((PictureFormat::Png, w, h)) => return Some((w, h)),
        Ok((PictureFormat::Jpeg, w, h)) => {
            out.push(Finding::new(
                Code::ImageJpegAsPng,
                PassPath::file(path),
                format!(
                    "{path} is a JPEG picture with a .png name ({w}×{h} pixels); Wallet shows it, but image tools and other pass readers may not."
                ),
                "Rename or convert it: export the picture as PNG from your image editor.",
            ));
            return Some((w, h));
        }
        Err(ImageProblem::Damaged {
            format: PictureFormat::Jpeg,
            ..
        }) => "a damaged JPEG picture with a .png name",
        Err(ImageProblem::Empty) => "an empty file",
        Err(ImageProblem::UnknownFormat) if bytes.starts_with(b"GIF8") => {
            "a GIF picture with a .png name"
        }
        Err(ImageProblem::UnknownFormat) => "not a PNG image",
        Err(_) => "a damaged PNG file",
    };
    out.push(Finding::new(
        Code::ImageNotPng,
        PassPath::file(path),
        format!("{path} is {what}; Wallet only shows PNG (and JPEG) pictures."),
        "Export the picture as PNG from your image editor (renaming the file is not enough).",
    ));
    None
}

#[cfg(test)]
mod tests {
    use super::classify;

    #[test]
    fn image_names() {
        assert_eq!(classify("logo@2x.png"), Some(("logo", 2, true)));
        assert_eq!(classify("Icon.png"), Some(("icon", 1, false)));
        assert_eq!(
            classify("personalizationLogo@3x.png"),
            Some(("personalizationLogo", 3, true))
        );
        assert_eq!(
            classify("personalizationlogo.png"),
            Some(("personalizationLogo", 1, false))
        );
        assert_eq!(classify("LOGO@2X.PNG"), Some(("logo", 2, false)));
        assert_eq!(classify("logo@4x.png"), None);
        assert_eq!(classify("photo.png"), None);
    }
}
