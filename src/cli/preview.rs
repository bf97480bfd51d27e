//! `passmith preview`: renders a pass (folder or .pkpass) to PNG files as Wallet shows it, and
//! reports what the layout had to cut off or hide (on stderr; stdout names the files written).
//! Needs no certificate. `--google` also draws Google Wallet's card of the same pass.
//!
//! Without `--lang`, the language is the user's (LC_ALL, LC_MESSAGES, LANG) when the pass has
//! it, else `en`, else the pass's first `.lproj`, as Wallet always shows an available
//! localization ([`passmith_core::language`]).

use std::path::PathBuf;

use anyhow::Context;
use passmith_preview::{RenderOptions, Side};

use super::{EXIT_OK, EXIT_UNREADABLE};

/// Arguments of `passmith preview`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The pass: a `.pass` folder or a `.pkpass` file.
    pub pass: PathBuf,
    /// Where to write the front of the pass (PNG).
    #[arg(short = 'o', long = "output", default_value = "front.png")]
    pub output: PathBuf,
    /// Also write the back of the pass (the details sheet) to this PNG.
    #[arg(long)]
    pub back: Option<PathBuf>,
    /// Also write Google Wallet's card of the same pass (as `passmith google` maps it) to this PNG.
    #[arg(long, value_name = "PNG")]
    pub google: Option<PathBuf>,
    /// The Google Wallet type to show instead of the one the style maps to (with --google).
    #[arg(long, value_name = "TYPE", requires = "google")]
    pub google_type: Option<String>,
    /// Pixels per point: 1, 2 or 3.
    #[arg(long, default_value_t = 2.0)]
    pub scale: f32,
    /// Language to show, e.g. `fr` (uses fr.lproj/pass.strings and localized images). Default:
    /// your language (LC_ALL, LC_MESSAGES, LANG) if the pass has it, else en, else its first.
    #[arg(long)]
    pub lang: Option<String>,
    /// Card width in points (358 = a 390-pt iPhone).
    #[arg(long, default_value_t = 358.0)]
    pub width: f32,
}

pub fn run(args: Args) -> anyhow::Result<u8> {
    if ![1.0, 2.0, 3.0].contains(&args.scale) {
        anyhow::bail!("--scale must be 1, 2 or 3 (got {})", args.scale);
    }
    let doc = match passmith_core::archive::open_path(&args.pass, passmith_core::time::now_unix()) {
        Ok(opened) => opened.document,
        Err(err) => {
            eprintln!("error: cannot read {}: {err}", args.pass.display());
            return Ok(EXIT_UNREADABLE);
        }
    };
    let available = doc.languages();
    let language = match &args.lang {
        Some(lang) => {
            if !available.iter().any(|l| l == lang) {
                eprintln!(
                    "note: the pass has no {lang}.lproj; showing its base texts (languages: {})",
                    available.join(", ")
                );
            }
            Some(lang.clone())
        }
        None => {
            let preferred = passmith::locale::preferred_languages();
            let picked = passmith_core::language::pick(&available, &preferred);
            if let Some(lang) = &picked {
                eprintln!(
                    "note: showing {lang} (languages: {}; choose one with --lang)",
                    available.join(", ")
                );
            }
            picked
        }
    };
    let mut outputs = vec![(Side::Front, args.output.clone())];
    if let Some(back) = &args.back {
        outputs.push((Side::Back, back.clone()));
    }
    for (side, path) in outputs {
        let opts = RenderOptions {
            scale: args.scale,
            language: language.clone(),
            side,
            card_width: args.width,
            now: Some(passmith_core::time::now()),
        };
        let (png, layout) = passmith_preview::render_png(&doc, &opts)?;
        passmith_core::document::write_file_atomically(&path, &png)
            .with_context(|| format!("could not write {}", path.display()))?;
        for w in &layout.warnings {
            eprintln!("{w}");
        }
        println!("wrote {}", path.display());
    }
    if let Some(path) = &args.google {
        let google_type = match &args.google_type {
            None => None,
            Some(t) => Some(passmith_core::google::GoogleType::parse(t).with_context(|| {
                format!("--google-type {t:?} is not a Google Wallet type (generic, loyalty, offer, eventTicket, flight, transit)")
            })?),
        };
        let opts = RenderOptions {
            scale: args.scale,
            language: language.clone(),
            side: Side::Front,
            card_width: args.width,
            now: Some(passmith_core::time::now()),
        };
        let layout = passmith_preview::layout_google(&doc, &opts, google_type);
        let png = passmith_preview::encode_png(&passmith_preview::render(&layout, args.scale)?)?;
        passmith_core::document::write_file_atomically(path, &png)
            .with_context(|| format!("could not write {}", path.display()))?;
        for w in &layout.warnings {
            eprintln!("{w}");
        }
        println!("wrote {}", path.display());
    }
    Ok(EXIT_OK)
}
