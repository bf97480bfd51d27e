//! Images: load a PNG per slot and density through the file-dialog trait, or remove it.
//! Slots the current style does not show are marked; nothing is resized or re-encoded here.

use egui::Ui;
use passmith_core::PassDocument;
use passmith_core::document::image_file_name;

use crate::app::files::DialogRequest;
use crate::app::style_change;
use crate::app::widgets::{self, Ed};

const SLOTS: [(&str, &str); 6] = [
    ("icon", "29 × 29 pt, required"),
    ("logo", "up to 160 × 50 pt"),
    ("strip", "375 × 98–144 pt"),
    ("thumbnail", "90 × 90 pt"),
    ("background", "180 × 220 pt, blurred"),
    ("footer", "286 × 15 pt"),
];

/// Width and height from a PNG header, or `None` if the bytes are not a PNG.
pub fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    if bytes.len() < 24 || !bytes.starts_with(SIGNATURE) || &bytes[12..16] != b"IHDR" {
        return None;
    }
    let w = u32::from_be_bytes([bytes[16], bytes[17], bytes[18], bytes[19]]);
    let h = u32::from_be_bytes([bytes[20], bytes[21], bytes[22], bytes[23]]);
    Some((w, h))
}

pub fn ui(ui: &mut Ui, ed: &mut Ed<'_>, doc: &mut PassDocument) {
    let shown = doc.pass.style().map(style_change::images).unwrap_or(&[]);
    egui::Grid::new("images-grid").num_columns(4).spacing([10.0, 6.0]).show(ui, |ui| {
        for (slot, size) in SLOTS {
            ui.vertical(|ui| {
                ui.label(slot);
                let note = if shown.contains(&slot) { size.to_owned() } else { "not shown by this style".to_owned() };
                ui.label(egui::RichText::new(note).small().weak());
            });
            for scale in 1u8..=3 {
                let file = image_file_name(slot, scale);
                ui.vertical(|ui| {
                    match doc.files.get(&file) {
                        Some(bytes) => {
                            let text = match png_size(bytes) {
                                Some((w, h)) => format!("@{scale}x {w}×{h}"),
                                None => format!("@{scale}x not a PNG"),
                            };
                            ui.label(egui::RichText::new(text).small());
                        }
                        None => {
                            ui.label(egui::RichText::new(format!("@{scale}x —")).small().weak());
                        }
                    }
                    ui.horizontal(|ui| {
                        let r = widgets::named_button(ui, "Load…", &format!("Load {file}"));
                        ed.focus.register(&r, &file);
                        if r.clicked()
                            && let Some(path) = ed.dialogs.pick(&DialogRequest::Image { file_name: file.clone() })
                        {
                            match std::fs::read(&path) {
                                Ok(bytes) if png_size(&bytes).is_some() => {
                                    doc.files.insert(file.clone(), bytes);
                                }
                                Ok(_) => ed.messages.push(format!(
                                    "{} is not a PNG image; Wallet only accepts PNG. Export it as PNG and try again.",
                                    path.display()
                                )),
                                Err(e) => ed.messages.push(format!("Could not read {}: {e}", path.display())),
                            }
                        }
                        if doc.files.contains_key(&file)
                            && widgets::named_button(ui, "Remove", &format!("Remove {file}")).clicked()
                        {
                            doc.files.remove(&file);
                        }
                    });
                    ed.findings_ui(ui, &file);
                });
            }
            ui.end_row();
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_sizes_are_read_from_the_header_and_other_bytes_refused() {
        let doc = crate::app::templates::template(passmith_core::model::Style::StoreCard).unwrap();
        assert_eq!(png_size(&doc.files["icon@2x.png"]), Some((58, 58)));
        assert_eq!(png_size(&doc.files["icon@3x.png"]), Some((87, 87)));
        assert_eq!(png_size(b"GIF89a........................"), None);
        assert_eq!(png_size(b"\x89PNG"), None);
    }
}
