//! Images: load a PNG per slot and density through the file-dialog trait, or remove it.
//! Slots the current style does not show are marked; nothing is resized or re-encoded here.
//! A language choice switches the same editors to the localized files
//! (`<lang>.lproj/<name>[@2x|@3x].png`) that Wallet prefers over the default image for that
//! language; a density without a localized file is shown as falling back to the default one.
//! Each slot shows its size on the current style (from `passmith_core::rules`) and its bytes,
//! and the panel the whole pass's bytes, flagged above the size validation warns about.

use egui::Ui;
use passmith_core::PassDocument;
use passmith_core::Severity;
use passmith_core::document::{image_file_name, parse_image_path};
use passmith_core::rules;
use passmith_core::validate::{PASS_SIZE_WARNING_BYTES, pass_bytes};

use crate::app::command::Command;
use crate::app::files::DialogRequest;
use crate::app::style_change;
use crate::app::theme;
use crate::app::widgets::{self, Ed};
use passmith_core::picture::Fit;

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

/// The file edited for `slot` at `scale`: the default one, or the localized one for `lang`.
pub fn slot_file(slot: &str, scale: u8, lang: Option<&str>) -> String {
    match lang {
        Some(l) => format!("{l}.lproj/{}", image_file_name(slot, scale)),
        None => image_file_name(slot, scale),
    }
}

/// Languages that have their own file for `slot` at `scale`.
fn localized_languages(doc: &PassDocument, slot: &str, scale: u8) -> Vec<String> {
    doc.files
        .keys()
        .filter_map(|path| match parse_image_path(path) {
            Some((Some(lang), name, s)) if name == slot && s == scale => Some(lang.to_owned()),
            _ => None,
        })
        .collect()
}

/// The language chosen in the images panel; UI state kept in egui memory, not in the document.
fn language_choice_ui(ui: &mut Ui, languages: &[String]) -> Option<String> {
    let id = ui.make_persistent_id("images-language");
    let mut lang: Option<String> = ui.data(|d| d.get_temp(id)).flatten();
    // A language removed from the document (or by undo) falls back to the default view.
    if lang.as_ref().is_some_and(|l| !languages.contains(l)) {
        lang = None;
    }
    ui.horizontal(|ui| {
        let l = ui.label("Image language");
        let current = lang
            .clone()
            .unwrap_or_else(|| "All languages (default)".to_owned());
        egui::ComboBox::from_id_salt("images-language-combo")
            .selected_text(current)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut lang, None, "All languages (default)");
                for l in languages {
                    ui.selectable_value(&mut lang, Some(l.clone()), l);
                }
            })
            .response
            .labelled_by(l.id);
    });
    ui.data_mut(|d| d.insert_temp(id, lang.clone()));
    lang
}

/// The bytes of `slot`'s files (every density) in `lang`.
fn slot_bytes(doc: &PassDocument, slot: &str, lang: Option<&str>) -> u64 {
    (1u8..=3)
        .filter_map(|scale| doc.files.get(&slot_file(slot, scale, lang)))
        .map(|b| b.len() as u64)
        .sum()
}

/// `12.3 KB`.
fn kilobytes(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1000.0)
}

/// The images' and the whole pass's bytes, in the warning colour above the size validation
/// flags.
fn totals_ui(ui: &mut Ui, doc: &PassDocument) {
    let images: u64 = doc
        .files
        .iter()
        .filter(|(p, _)| parse_image_path(p).is_some())
        .map(|(_, b)| b.len() as u64)
        .sum();
    let Some((total, _)) = pass_bytes(doc) else {
        return;
    };
    let text = format!(
        "Images: {} · whole pass: {}",
        kilobytes(images),
        kilobytes(total)
    );
    let mut text = egui::RichText::new(text).small();
    if total > PASS_SIZE_WARNING_BYTES {
        text = text.color(theme::severity_color(ui.visuals(), Severity::Warning));
    }
    ui.label(text);
}

/// "Choose picture…" for a slot, and Cover / Contain where Wallet crops it; each sends a
/// command (one undo step).
fn picture_buttons_ui(
    ui: &mut Ui,
    ed: &mut Ed<'_>,
    style: Option<passmith_core::model::Style>,
    slot: &str,
    lang: Option<&str>,
) {
    let lang = lang.map(str::to_owned);
    let choose = Command::ChoosePicture {
        slot: slot.to_owned(),
        lang: lang.clone(),
    };
    if widgets::named_button_ui(ui, "Choose picture…", &choose.label()).clicked() {
        ed.send(choose);
    }
    let crops = style
        .and_then(|s| rules::image_box(s, slot))
        .is_some_and(|b| b.crops());
    if crops {
        ui.horizontal(|ui| {
            for (text, fit) in [("Cover", Fit::Cover), ("Contain", Fit::Contain)] {
                let command = Command::SetPictureFit {
                    slot: slot.to_owned(),
                    lang: lang.clone(),
                    fit,
                };
                if widgets::named_button_ui(ui, text, &command.label()).clicked() {
                    ed.send(command);
                }
            }
        });
    }
}

pub fn ui(ui: &mut Ui, ed: &mut Ed<'_>, doc: &mut PassDocument) {
    let style = doc.pass.style();
    let shown = style.map(style_change::images).unwrap_or(&[]);
    let languages = doc.languages();
    let lang = language_choice_ui(ui, &languages);
    totals_ui(ui, doc);
    match &lang {
        None if languages.is_empty() => {
            ui.label(
                egui::RichText::new(
                    "These images are used for every language. Add a language under Localizations to give it its own images.",
                )
                .small()
                .weak(),
            );
        }
        None => {
            ui.label(
                egui::RichText::new(
                    "Default images, used by every language that has no image of its own. Languages with their own image are listed under each density.",
                )
                .small()
                .weak(),
            );
        }
        Some(l) => {
            let prefix = format!("{l}.lproj/");
            let own: Vec<&str> = doc
                .files
                .keys()
                .filter(|p| p.starts_with(&prefix) && parse_image_path(p).is_some())
                .map(|p| &p[prefix.len()..])
                .collect();
            let summary = if own.is_empty() {
                format!("{l} has no images of its own yet: Wallet shows the default images for it.")
            } else {
                format!(
                    "{l} has its own {}. Every other image falls back to the default one.",
                    own.join(", ")
                )
            };
            ui.label(egui::RichText::new(summary).small());
        }
    }
    egui::Grid::new("images-grid").num_columns(4).spacing(theme::FORM_GRID_SPACING).show(ui, |ui| {
        for (slot, size) in SLOTS {
            ui.vertical(|ui| {
                ui.label(slot);
                let note = match style.and_then(|s| rules::image_size_pt(s, slot)) {
                    Some((w, h)) if shown.contains(&slot) => format!("{w} × {h} pt on this style"),
                    _ if shown.contains(&slot) => size.to_owned(),
                    _ => "not shown by this style".to_owned(),
                };
                ui.label(egui::RichText::new(note).small().weak());
                let bytes = slot_bytes(doc, slot, lang.as_deref());
                if bytes > 0 {
                    ui.label(egui::RichText::new(kilobytes(bytes)).small().weak());
                }
                if shown.contains(&slot) {
                    picture_buttons_ui(ui, ed, style, slot, lang.as_deref());
                }
            });
            for scale in 1u8..=3 {
                let file = slot_file(slot, scale, lang.as_deref());
                ui.vertical(|ui| {
                    match doc.files.get(&file) {
                        Some(bytes) => {
                            let own = if lang.is_some() { " (own)" } else { "" };
                            let text = match png_size(bytes) {
                                Some((w, h)) => format!("@{scale}x {w}×{h}{own}"),
                                None => format!("@{scale}x not a PNG"),
                            };
                            ui.label(egui::RichText::new(text).small());
                        }
                        None => {
                            let default = image_file_name(slot, scale);
                            let text = match (&lang, doc.files.contains_key(&default)) {
                                (Some(_), true) => format!("@{scale}x uses the default image"),
                                (Some(_), false) => format!("@{scale}x — (no default either)"),
                                (None, _) => format!("@{scale}x —"),
                            };
                            ui.label(egui::RichText::new(text).small().weak());
                        }
                    }
                    if lang.is_none() {
                        let own = localized_languages(doc, slot, scale);
                        if !own.is_empty() {
                            ui.label(
                                egui::RichText::new(format!("own image in: {}", own.join(", ")))
                                    .small()
                                    .weak(),
                            );
                        }
                    }
                    ui.horizontal(|ui| {
                        let r = widgets::named_button_ui(ui, "Load…", &format!("Load {file}"));
                        ed.focus.register(&r, &file);
                        if r.clicked()
                            && let Some(path) = ed.dialogs.pick(&DialogRequest::Image { file_name: file.clone() })
                        {
                            match std::fs::read(&path) {
                                Ok(bytes) if png_size(&bytes).is_some() => {
                                    doc.files.insert(file.clone(), bytes.into());
                                }
                                Ok(_) => ed.messages.push(format!(
                                    "{} is not a PNG image; Wallet only accepts PNG. Export it as PNG and try again.",
                                    path.display()
                                )),
                                Err(e) => ed.messages.push(format!("Could not read {}: {e}", path.display())),
                            }
                        }
                        if doc.files.contains_key(&file)
                            && widgets::named_button_ui(ui, "Remove", &format!("Remove {file}")).clicked()
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

    #[test]
    fn slot_files_are_localized_only_when_a_language_is_chosen() {
        assert_eq!(slot_file("logo", 2, None), "logo@2x.png");
        assert_eq!(slot_file("logo", 2, Some("fr")), "fr.lproj/logo@2x.png");
        assert_eq!(slot_file("icon", 1, Some("de")), "de.lproj/icon.png");
    }
}
