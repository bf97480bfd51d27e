//! Localizations: the languages of the pass and each `pass.strings` table as key/value rows.

use egui::Ui;
use passmith_core::PassDocument;
use passmith_core::strings::Strings;

use crate::app::theme;
use crate::app::widgets::{self, Ed};

/// The text the user is typing for a new language code, kept between frames.
fn new_lang_id() -> egui::Id {
    egui::Id::unique("passmith-new-language")
}

pub fn ui(ui: &mut Ui, ed: &mut Ed<'_>, doc: &mut PassDocument) {
    let mut new_lang: String = ui.data_mut(|d| d.get_temp(new_lang_id()).unwrap_or_default());
    ui.horizontal(|ui| {
        let l = ui.label("New language");
        ui.add(
            egui::TextEdit::singleline(&mut new_lang)
                .hint_text("fr, de, zh-Hans")
                .desired_width(theme::LANGUAGE_CODE_WIDTH),
        )
        .labelled_by(l.id);
        let code = new_lang.trim().to_owned();
        if ui
            .add_enabled(
                !code.is_empty() && !doc.localizations.contains_key(&code),
                egui::Button::new("Add language"),
            )
            .clicked()
        {
            let mut table = Strings::default();
            // Start with the visible texts of the pass so translators see what to translate.
            for text in visible_texts(doc) {
                table.set(&text, &text);
            }
            doc.localizations.insert(code, table);
            new_lang.clear();
        }
    });
    ui.data_mut(|d| d.insert_temp(new_lang_id(), new_lang));

    let mut remove_lang = None;
    for (lang, table) in doc.localizations.iter_mut() {
        let file = format!("{lang}.lproj/pass.strings");
        egui::CollapsingHeader::new(format!("{lang} ({} strings)", table.entries.len()))
            .id_salt(("lang", lang.as_str()))
            .show(ui, |ui| {
                ed.findings_ui(ui, &file);
                let mut remove_key = None;
                let mut edits: Vec<(String, String)> = Vec::new();
                widgets::grid_ui(ui, ("strings", lang.as_str()), |ui| {
                    for (key, value) in &table.entries {
                        ui.label(key);
                        let mut v = value.clone();
                        ui.horizontal(|ui| {
                            let r = ui
                                .add(
                                    egui::TextEdit::singleline(&mut v)
                                        .desired_width(theme::STRING_VALUE_WIDTH),
                                )
                                .accessible_name(format!("{lang} translation of {key}"));
                            ed.focus.register(&r, &file);
                            if r.changed() {
                                edits.push((key.clone(), v.clone()));
                            }
                            if widgets::named_button_ui(
                                ui,
                                "Remove",
                                &format!("Remove {lang} string {key}"),
                            )
                            .clicked()
                            {
                                remove_key = Some(key.clone());
                            }
                        });
                        ui.end_row();
                    }
                });
                for (k, v) in edits {
                    table.set(&k, &v);
                }
                if let Some(k) = remove_key {
                    table.entries.retain(|(key, _)| *key != k);
                }
                let key_id = egui::Id::unique(("passmith-new-key", lang.as_str()));
                let mut new_key: String = ui.data_mut(|d| d.get_temp(key_id).unwrap_or_default());
                ui.horizontal(|ui| {
                    ui.add(
                        egui::TextEdit::singleline(&mut new_key)
                            .hint_text("text to translate")
                            .desired_width(theme::STRING_KEY_WIDTH),
                    )
                    .accessible_name(format!("New {lang} key"));
                    if ui
                        .add_enabled(!new_key.is_empty(), egui::Button::new("Add string"))
                        .clicked()
                    {
                        table.set(&new_key, &new_key);
                        new_key.clear();
                    }
                    if ui
                        .button("Remove language")
                        .on_hover_text(format!("Remove {lang}"))
                        .clicked()
                    {
                        remove_lang = Some(lang.clone());
                    }
                });
                ui.data_mut(|d| d.insert_temp(key_id, new_key));
            });
    }
    if let Some(lang) = remove_lang {
        doc.localizations.remove(&lang);
    }
}

/// Labels, values and logo text that a translator would translate.
fn visible_texts(doc: &PassDocument) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if let Some(t) = &doc.pass.logo_text {
        out.push(t.clone());
    }
    if let Some(fields) = doc.pass.fields() {
        for (_, _, f) in fields.all_fields() {
            if let Some(l) = &f.label {
                out.push(l.clone());
            }
            if let passmith_core::model::FieldValue::Text(v) = &f.value
                && !f.is_date()
            {
                out.push(v.clone());
            }
        }
    }
    out.retain(|s| !s.trim().is_empty());
    out.sort();
    out.dedup();
    out
}
