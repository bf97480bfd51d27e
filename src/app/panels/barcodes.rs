//! Barcodes: the list Wallet tries in order, each with format, message, encoding and alt text.
//! A legacy single `barcode` (iOS 8 and older) is shown too and can be turned into the list.

use egui::Ui;
use passmith_core::PassDocument;
use passmith_core::model::{Barcode, BarcodeFormat};

use crate::app::widgets::{self, Ed};

const ENCODINGS: [&str; 3] = ["iso-8859-1", "utf-8", "us-ascii"];

pub fn ui(ui: &mut Ui, ed: &mut Ed<'_>, doc: &mut PassDocument) {
    let pass = &mut doc.pass;
    if let Some(legacy) = &pass.barcode
        && pass.barcodes.as_ref().is_none_or(Vec::is_empty)
    {
        ui.label(format!(
            "This pass uses the old single “barcode” key ({}). iOS 9 and later read the “barcodes” list.",
            legacy.format.label()
        ));
        if ui.button("Convert to a barcode list").clicked() {
            pass.barcodes = Some(vec![legacy.clone()]);
        }
        ui.separator();
    }
    let had_list = pass.barcodes.is_some();
    let mut remove = None;
    let mut swap = None;
    let list = pass.barcodes.get_or_insert_with(Vec::new);
    let len = list.len();
    for (i, barcode) in list.iter_mut().enumerate() {
        let base = format!("/barcodes/{i}");
        let name = format!("Barcode {}", i + 1);
        ui.push_id(("barcode", i), |ui| {
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.horizontal(|ui| {
                    ui.label(egui::RichText::new(&name).small().weak());
                    if i == 0 && len > 1 {
                        ui.label(egui::RichText::new("(preferred)").small().weak());
                    }
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                        if widgets::named_button_ui(ui, "Remove", &format!("Remove {name}"))
                            .clicked()
                        {
                            remove = Some(i);
                        }
                        if i > 0
                            && widgets::named_button_ui(ui, "Up", &format!("Move {name} up"))
                                .clicked()
                        {
                            swap = Some(i);
                        }
                    });
                });
                ed.prefix = Some(name.clone());
                widgets::grid_ui(ui, "barcode-grid", |ui| {
                    let mut format = Some(barcode.format.clone());
                    widgets::opt_enum_ui(
                        ui,
                        ed,
                        "Format",
                        &mut format,
                        BarcodeFormat::ALL,
                        |f| f.label().to_owned(),
                        &format!("{base}/format"),
                    );
                    if let Some(f) = format {
                        barcode.format = f;
                    }
                    widgets::text_ui(
                        ui,
                        ed,
                        "Message",
                        &mut barcode.message,
                        &format!("{base}/message"),
                        "what the scanner reads",
                    );
                    let mut enc = Some(barcode.message_encoding.clone());
                    let encodings: Vec<String> =
                        ENCODINGS.iter().map(|s| (*s).to_owned()).collect();
                    widgets::opt_enum_ui(
                        ui,
                        ed,
                        "Encoding",
                        &mut enc,
                        &encodings,
                        Clone::clone,
                        &format!("{base}/messageEncoding"),
                    );
                    barcode.message_encoding = enc.unwrap_or_else(|| "iso-8859-1".to_owned());
                    widgets::opt_text_ui(
                        ui,
                        ed,
                        "Alt text",
                        &mut barcode.alt_text,
                        &format!("{base}/altText"),
                        "printed under the code",
                    );
                });
                ed.prefix = None;
            });
        });
    }
    if let Some(i) = remove {
        list.remove(i);
    }
    if let Some(i) = swap {
        list.swap(i, i - 1);
    }
    ui.horizontal(|ui| {
        for format in [
            BarcodeFormat::Qr,
            BarcodeFormat::Pdf417,
            BarcodeFormat::Aztec,
            BarcodeFormat::Code128,
        ] {
            let label = format!("Add {}", format.label());
            let r = ui.button(&label);
            ed.focus.register(&r, "/barcodes");
            if r.clicked() {
                let message = pass.serial_number.clone();
                let list = pass.barcodes.get_or_insert_with(Vec::new);
                list.push(Barcode::new(
                    format,
                    if message.is_empty() {
                        "123456789"
                    } else {
                        &message
                    },
                ));
            }
        }
    });
    if !had_list && pass.barcodes.as_ref().is_some_and(Vec::is_empty) {
        pass.barcodes = None;
    }
}
