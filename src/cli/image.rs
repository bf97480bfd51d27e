//! `passmith image set <PASS_DIR> <slot> <source>` and `passmith image list <PASS_DIR>`: one
//! picture per image slot, rendered at the style's sizes by core's [`picture`] module (which
//! keeps the original under `.passmith/sources/`), and what the images weigh.
//!
//! Exit codes: 0 done, 1 failed (a slot the style does not show, a pass that cannot be saved),
//! 2 an input cannot be read (no pass folder, a source that is not a picture).

use std::io::Write;
use std::path::{Path, PathBuf};

use passmith_core::PassDocument;
use passmith_core::document::parse_image_path;
use passmith_core::picture::sources::{self, SourceIndex};
use passmith_core::picture::{self, Fit, Focus, Framing, PictureError};
use passmith_core::rules;
use passmith_core::validate::{PASS_SIZE_WARNING_BYTES, pass_bytes};
use serde_json::json;

use super::{EXIT_FAILED, EXIT_OK, EXIT_UNREADABLE};

/// Arguments of `passmith image`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: ImageCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum ImageCommand {
    /// Set an image slot from one picture (PNG, JPEG, WebP, GIF or SVG): writes <slot>.png, @2x
    /// and @3x at the sizes of the pass's style, and keeps the original in .passmith/sources/.
    Set(SetArgs),
    /// List the pass's images: pixel sizes per density, bytes, the total, and the kept originals.
    List(ListArgs),
}

#[derive(Debug, clap::Args)]
pub struct SetArgs {
    /// The pass folder (Name.pass).
    pub pass_dir: PathBuf,
    /// The slot: icon, logo, strip, background, thumbnail, footer, personalizationLogo, …
    pub slot: String,
    /// The picture to use.
    pub source: PathBuf,
    /// For slots Wallet crops: cover (fill, cropping around --focus) or contain (whole picture,
    /// padded with the pass's background colour).
    #[arg(long, default_value = "cover", value_parser = parse_fit)]
    pub fit: Fit,
    /// The point cover keeps in view, as x,y fractions of the picture (0,0 top left).
    #[arg(long, default_value = "0.5,0.5", value_parser = parse_focus)]
    pub focus: Focus,
    /// Set the image of one language (written to <lang>.lproj/).
    #[arg(long)]
    pub lang: Option<String>,
    /// Print what was written as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// The pass folder (Name.pass).
    pub pass_dir: PathBuf,
    /// Print the list as JSON.
    #[arg(long)]
    pub json: bool,
}

fn parse_fit(s: &str) -> Result<Fit, String> {
    Fit::parse(s).ok_or_else(|| format!("\"{s}\" is not a fit; use cover or contain"))
}

fn parse_focus(s: &str) -> Result<Focus, String> {
    Focus::parse(s).ok_or_else(|| {
        format!("\"{s}\" is not a focus point; give x,y between 0 and 1, e.g. 0.5,0.3")
    })
}

pub fn run(args: Args) -> anyhow::Result<u8> {
    match args.command {
        ImageCommand::Set(args) => set(args),
        ImageCommand::List(args) => list(args),
    }
}

/// Opens the pass folder, or says why not.
fn open(dir: &Path) -> Result<PassDocument, String> {
    passmith_core::folder::open_dir(dir)
        .map(|o| o.document)
        .map_err(|e| format!("cannot open the pass folder: {e}"))
}

fn set(args: SetArgs) -> anyhow::Result<u8> {
    let mut doc = match open(&args.pass_dir) {
        Ok(doc) => doc,
        Err(message) => {
            eprintln!("error: {message}");
            return Ok(EXIT_UNREADABLE);
        }
    };
    let bytes = match std::fs::read(&args.source) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", args.source.display());
            return Ok(EXIT_UNREADABLE);
        }
    };
    let name = args
        .source
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "picture".to_owned());
    let framing = Framing {
        fit: args.fit,
        focus: args.focus,
    };
    let lang = args.lang.as_deref();
    let images = match sources::set_picture(
        &args.pass_dir,
        &mut doc,
        &args.slot,
        lang,
        &name,
        &bytes,
        framing,
    ) {
        Ok(images) => images,
        Err(e @ (PictureError::Unreadable { .. } | PictureError::Empty { .. })) => {
            eprintln!("error: {e}");
            return Ok(EXIT_UNREADABLE);
        }
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(EXIT_FAILED);
        }
    };
    if let Err(e) = doc.write_dir(&args.pass_dir) {
        eprintln!("error: the images were rendered but the pass could not be saved: {e}");
        return Ok(EXIT_FAILED);
    }
    let kept = SourceIndex::load(&args.pass_dir)
        .ok()
        .and_then(|i| i.get(&args.slot, lang).map(|s| s.file.clone()))
        .map(|f| format!("{}/{f}", sources::SOURCES_DIR));
    let mut out = std::io::stdout().lock();
    if args.json {
        let files: Vec<serde_json::Value> = images
            .iter()
            .map(|i| {
                json!({
                    "path": picture::image_path(&args.slot, i.scale, lang),
                    "scale": i.scale,
                    "width": i.width,
                    "height": i.height,
                    "bytes": i.png.len(),
                    "unoptimised_bytes": i.unoptimised_len,
                })
            })
            .collect();
        let report = json!({
            "slot": args.slot,
            "lang": lang,
            "fit": framing.fit.as_str(),
            "focus": [framing.focus.x, framing.focus.y],
            "source": name,
            "kept": kept,
            "images": files,
        });
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        writeln!(
            out,
            "Set the {} image of {} from {name} ({}):",
            args.slot,
            args.pass_dir.display(),
            framing.fit.as_str()
        )?;
        for i in &images {
            writeln!(
                out,
                "  {}  {}×{} px  {} bytes (optimised from {})",
                picture::image_path(&args.slot, i.scale, lang),
                i.width,
                i.height,
                i.png.len(),
                i.unoptimised_len
            )?;
        }
        if let Some(kept) = kept {
            writeln!(out, "The original is kept in {kept} (not packaged).")?;
        }
    }
    Ok(EXIT_OK)
}

/// One image file of the pass, as listed.
struct Listed {
    path: String,
    lang: Option<String>,
    slot: String,
    scale: u8,
    size: Option<(u32, u32)>,
    bytes: u64,
}

fn list(args: ListArgs) -> anyhow::Result<u8> {
    let doc = match open(&args.pass_dir) {
        Ok(doc) => doc,
        Err(message) => {
            eprintln!("error: {message}");
            return Ok(EXIT_UNREADABLE);
        }
    };
    let index = match SourceIndex::load(&args.pass_dir) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("warning: {e}");
            SourceIndex::default()
        }
    };
    let style = doc.pass.style();
    let mut images: Vec<Listed> = doc
        .files
        .iter()
        .filter_map(|(path, bytes)| {
            let (lang, slot, scale) = parse_image_path(path)?;
            rules::IMAGE_NAMES.contains(&slot).then(|| Listed {
                path: path.clone(),
                lang: lang.map(str::to_owned),
                slot: slot.to_owned(),
                scale,
                size: passmith_core::image_header::read_header(bytes)
                    .ok()
                    .map(|h| (h.width, h.height)),
                bytes: bytes.len() as u64,
            })
        })
        .collect();
    images.sort_by(|a, b| (&a.lang, &a.slot, a.scale).cmp(&(&b.lang, &b.slot, b.scale)));
    let total = pass_bytes(&doc).map_or(0, |(t, _)| t);
    let images_total: u64 = images.iter().map(|i| i.bytes).sum();
    let shown = |slot: &str| style.is_some_and(|s| rules::shows_image(s, slot));
    let mut out = std::io::stdout().lock();
    if args.json {
        let files: Vec<serde_json::Value> = images
            .iter()
            .map(|i| {
                let source = index.get(&i.slot, i.lang.as_deref());
                json!({
                    "path": i.path,
                    "slot": i.slot,
                    "lang": i.lang,
                    "scale": i.scale,
                    "width": i.size.map(|s| s.0),
                    "height": i.size.map(|s| s.1),
                    "bytes": i.bytes,
                    "shown_by_style": shown(&i.slot),
                    "source": source.map(|s| json!({
                        "original_name": s.original_name,
                        "kept": format!("{}/{}", sources::SOURCES_DIR, s.file),
                        "fit": s.fit.as_str(),
                        "focus": [s.focus.x, s.focus.y],
                    })),
                })
            })
            .collect();
        let report = json!({
            "style": style.map(|s| s.key()),
            "images": files,
            "images_bytes": images_total,
            "pass_bytes": total,
            "too_large": total > PASS_SIZE_WARNING_BYTES,
        });
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
        return Ok(EXIT_OK);
    }
    writeln!(
        out,
        "{} ({}):",
        args.pass_dir.display(),
        style.map_or("no style", |s| s.label())
    )?;
    if images.is_empty() {
        writeln!(out, "  no images")?;
    }
    for i in &images {
        let size = i
            .size
            .map_or_else(|| "unreadable".to_owned(), |(w, h)| format!("{w}×{h} px"));
        let mut notes = Vec::new();
        if !shown(&i.slot) {
            notes.push("not shown by this style".to_owned());
        }
        if let Some(s) = index.get(&i.slot, i.lang.as_deref()) {
            notes.push(format!(
                "from {} ({}), kept in {}/{}",
                s.original_name,
                s.fit.as_str(),
                sources::SOURCES_DIR,
                s.file
            ));
        }
        let notes = if notes.is_empty() {
            String::new()
        } else {
            format!("  [{}]", notes.join("; "))
        };
        writeln!(
            out,
            "  {:<28} {:>14} {:>9} bytes{notes}",
            i.path, size, i.bytes
        )?;
    }
    writeln!(
        out,
        "Images: {images_total} bytes. Whole pass: {total} bytes ({:.2} MB).",
        total as f64 / 1_000_000.0
    )?;
    if total > PASS_SIZE_WARNING_BYTES {
        writeln!(
            out,
            "warning: the pass is over 1 MB; large passes fail in e-mail and on slow networks. Set the largest images from one picture with `passmith image set` to shrink them."
        )?;
    }
    Ok(EXIT_OK)
}
