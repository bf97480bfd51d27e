//! The inspector: every section of the pass as a collapsible form. A jump (validation finding,
//! preview click) opens the right section and focuses the editor.

use egui::Ui;
use passmith_core::PassDocument;

use crate::app::section::{self, Section};
use crate::app::theme;
use crate::app::widgets::Ed;

use super::{
    advanced, appearance, barcodes, fields, images, info, links, localizations, relevance,
};

pub fn ui(ui: &mut Ui, ed: &mut Ed<'_>, doc: &mut PassDocument) {
    egui::ScrollArea::vertical()
        .id_salt("inspector-scroll")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            ui.set_max_width(theme::INSPECTOR_MAX_WIDTH);
            for section in section::ALL {
                let default_open = matches!(
                    section,
                    Section::Info | Section::Appearance | Section::Fields
                );
                let errors = ed
                    .findings
                    .iter()
                    .filter(|f| f.is_error() && f.path.section() == section)
                    .count();
                let open = (ed.focus.open_section == Some(section)).then_some(true);
                let header = egui::CollapsingHeader::new(
                    egui::RichText::new(section::title(section))
                        .heading()
                        .size(theme::SECTION_TITLE_SIZE),
                )
                .id_salt(("section", section::title(section)))
                .default_open(default_open)
                .open(open);
                let r = header.show(ui, |ui| {
                    ui.add_space(theme::SPACE_XS);
                    match section {
                        Section::Info => info::ui(ui, ed, doc),
                        Section::Appearance => appearance::ui(ui, ed, doc),
                        Section::Fields => fields::ui(ui, ed, doc),
                        Section::Barcodes => barcodes::ui(ui, ed, doc),
                        Section::Relevance => relevance::ui(ui, ed, doc),
                        Section::AppLink => links::app_link_ui(ui, ed, doc),
                        Section::WebService => links::web_service_ui(ui, ed, doc),
                        Section::Images => images::ui(ui, ed, doc),
                        Section::Localizations => localizations::ui(ui, ed, doc),
                        Section::Advanced => advanced::ui(ui, ed, doc),
                    }
                    ui.add_space(theme::SPACE_M);
                });
                if errors > 0 {
                    let rect = r.header_response.rect;
                    ui.painter().text(
                        rect.right_center() + egui::vec2(theme::BADGE_OFFSET, 0.0),
                        egui::Align2::LEFT_CENTER,
                        format!("{errors} error{}", if errors == 1 { "" } else { "s" }),
                        egui::FontId::proportional(theme::BADGE_TEXT_SIZE),
                        ui.visuals().error_fg_color,
                    );
                }
            }
        });
}
