//! Renders a pass folder to PNG: `cargo run -p passmith-preview --example render -- PASS OUT.png [scale] [back]`.
//! A quick way to look at the preview while working on it; the CLI (`passmith preview`) is the real tool.

use passmith_core::PassDocument;
use passmith_preview::{RenderOptions, Side, render_png};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(pass), Some(out)) = (args.first(), args.get(1)) else {
        eprintln!("usage: render PASS_FOLDER OUT.png [scale] [back]");
        std::process::exit(2);
    };
    let doc = PassDocument::read_dir(std::path::Path::new(pass))?;
    let opts = RenderOptions {
        scale: args.get(2).and_then(|s| s.parse().ok()).unwrap_or(2.0),
        side: if args.get(3).is_some_and(|s| s == "back") {
            Side::Back
        } else {
            Side::Front
        },
        ..RenderOptions::default()
    };
    let (png, layout) = render_png(&doc, &opts)?;
    std::fs::write(out, png)?;
    for w in &layout.warnings {
        println!("{w}");
    }
    Ok(())
}
