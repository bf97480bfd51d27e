//! Relevance: when and where the pass appears on the lock screen — relevant dates (single or
//! start/end), up to 10 locations, beacons and the maximum distance.

use egui::Ui;
use passmith_core::PassDocument;
use passmith_core::model::{Beacon, Location, RelevantDate};

use crate::app::widgets::{self, Ed};

const MAX_LOCATIONS: usize = 10;

pub fn ui(ui: &mut Ui, ed: &mut Ed<'_>, doc: &mut PassDocument) {
    let pass = &mut doc.pass;
    ui.strong("Relevant dates");
    let had_dates = pass.relevant_dates.is_some();
    let mut remove = None;
    let dates = pass.relevant_dates.get_or_insert_with(Vec::new);
    for (i, d) in dates.iter_mut().enumerate() {
        let base = format!("/relevantDates/{i}");
        let name = format!("Relevant date {}", i + 1);
        entry_ui(ui, ed, "date", i, &name, &mut remove, |ui, ed| {
            if d.start_date.is_some() || d.end_date.is_some() {
                widgets::opt_date_text_ui(
                    ui,
                    ed,
                    "Start",
                    &mut d.start_date,
                    &format!("{base}/startDate"),
                );
                widgets::opt_date_text_ui(
                    ui,
                    ed,
                    "End",
                    &mut d.end_date,
                    &format!("{base}/endDate"),
                );
            } else {
                widgets::opt_date_text_ui(ui, ed, "Date", &mut d.date, &format!("{base}/date"));
            }
        });
    }
    if let Some(i) = remove {
        dates.remove(i);
    }
    ui.horizontal(|ui| {
        if ui.button("Add date").clicked() {
            dates.push(RelevantDate {
                date: Some(String::new()),
                ..RelevantDate::default()
            });
        }
        if ui.button("Add date range").clicked() {
            dates.push(RelevantDate {
                start_date: Some(String::new()),
                end_date: Some(String::new()),
                ..RelevantDate::default()
            });
        }
    });
    if dates.is_empty() && !had_dates {
        pass.relevant_dates = None;
    }
    if pass.relevant_date.is_some() {
        widgets::grid_ui(ui, "legacy-date", |ui| {
            widgets::opt_date_text_ui(
                ui,
                ed,
                "Relevant date (old key)",
                &mut pass.relevant_date,
                "/relevantDate",
            );
        });
    }

    ui.separator();
    ui.strong(format!("Locations (at most {MAX_LOCATIONS})"));
    let had_locations = pass.locations.is_some();
    let mut remove = None;
    let locations = pass.locations.get_or_insert_with(Vec::new);
    for (i, loc) in locations.iter_mut().enumerate() {
        let base = format!("/locations/{i}");
        let name = format!("Location {}", i + 1);
        entry_ui(ui, ed, "loc", i, &name, &mut remove, |ui, ed| {
            paste_place_ui(ui, &name, loc);
            let mut lat = Some(loc.latitude);
            widgets::opt_number_ui(
                ui,
                ed,
                "Latitude",
                &mut lat,
                &format!("{base}/latitude"),
                -90.0..=90.0,
            );
            loc.latitude = lat.unwrap_or(0.0);
            let mut lon = Some(loc.longitude);
            widgets::opt_number_ui(
                ui,
                ed,
                "Longitude",
                &mut lon,
                &format!("{base}/longitude"),
                -180.0..=180.0,
            );
            loc.longitude = lon.unwrap_or(0.0);
            widgets::opt_number_ui(
                ui,
                ed,
                "Altitude",
                &mut loc.altitude,
                &format!("{base}/altitude"),
                -1000.0..=10000.0,
            );
            widgets::opt_text_ui(
                ui,
                ed,
                "Relevant text",
                &mut loc.relevant_text,
                &format!("{base}/relevantText"),
                "shown on the lock screen nearby",
            );
        });
    }
    if let Some(i) = remove {
        locations.remove(i);
    }
    if ui
        .add_enabled(
            locations.len() < MAX_LOCATIONS,
            egui::Button::new("Add location"),
        )
        .clicked()
    {
        locations.push(Location::default());
    }
    if locations.is_empty() && !had_locations {
        pass.locations = None;
    }

    ui.separator();
    ui.strong("Beacons");
    let had_beacons = pass.beacons.is_some();
    let mut remove = None;
    let beacons = pass.beacons.get_or_insert_with(Vec::new);
    for (i, b) in beacons.iter_mut().enumerate() {
        let base = format!("/beacons/{i}");
        let name = format!("Beacon {}", i + 1);
        entry_ui(ui, ed, "beacon", i, &name, &mut remove, |ui, ed| {
            widgets::text_ui(
                ui,
                ed,
                "Proximity UUID",
                &mut b.proximity_uuid,
                &format!("{base}/proximityUUID"),
                "E2C56DB5-DFFB-48D2-B060-D0F5A71096E0",
            );
            let (major, minor) = (format!("{base}/major"), format!("{base}/minor"));
            widgets::opt_int_ui(ui, ed, "Major", &mut b.major, &major, 0..=65535);
            widgets::opt_int_ui(ui, ed, "Minor", &mut b.minor, &minor, 0..=65535);
            widgets::opt_text_ui(
                ui,
                ed,
                "Relevant text",
                &mut b.relevant_text,
                &format!("{base}/relevantText"),
                "shown near the beacon",
            );
        });
    }
    if let Some(i) = remove {
        beacons.remove(i);
    }
    if ui.button("Add beacon").clicked() {
        beacons.push(Beacon::default());
    }
    if beacons.is_empty() && !had_beacons {
        pass.beacons = None;
    }
    ui.separator();
    widgets::grid_ui(ui, "distance-grid", |ui| {
        widgets::opt_number_ui(
            ui,
            ed,
            "Max distance (m)",
            &mut pass.max_distance,
            "/maxDistance",
            0.0..=100000.0,
        );
    });
}

/// "Paste a place": coordinates ("48.8584, 2.2945") or an Apple Maps, Google Maps or
/// OpenStreetMap link, read by core's `geo`, fill the latitude and longitude below. The typed
/// text is UI state (egui memory), not part of the pass.
fn paste_place_ui(ui: &mut Ui, name: &str, loc: &mut Location) {
    let id = ui.scope_id().with("paste-place");
    let mut text: String = ui.data(|d| d.get_temp(id)).unwrap_or_default();
    ui.horizontal(|ui| {
        let l = ui.label("Paste a place");
        ui.add(
            egui::TextEdit::singleline(&mut text)
                .id(id.with("edit"))
                .hint_text("48.8584, 2.2945 or a maps link"),
        )
        .labelled_by(l.id)
        .on_hover_text(
            "Coordinates, or a link copied from Apple Maps, Google Maps or OpenStreetMap",
        )
        .accessible_name(format!("{name} paste a place"));
    });
    if let Some((lat, lon)) = passmith_core::geo::parse_coordinates(&text) {
        loc.latitude = lat;
        loc.longitude = lon;
        text.clear();
    } else if !text.trim().is_empty() {
        ui.colored_label(
            ui.visuals().warn_fg_color,
            "No coordinates found: paste “48.8584, 2.2945” or a link from Apple Maps, Google Maps or OpenStreetMap.",
        );
    }
    ui.data_mut(|d| d.insert_temp(id, text));
}

/// One removable entry of a list (a relevant date, a location, a beacon): a framed box with the
/// entry's name and a Remove button, then a grid of its editors. The editors' accessible names carry
/// the entry's name, so "Latitude" of location 2 is told apart from location 1's.
fn entry_ui(
    ui: &mut Ui,
    ed: &mut Ed<'_>,
    kind: &str,
    index: usize,
    name: &str,
    remove: &mut Option<usize>,
    rows: impl FnOnce(&mut Ui, &mut Ed<'_>),
) {
    ui.push_id((kind, index), |ui| {
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal(|ui| {
                ui.label(egui::RichText::new(name).small().weak());
                if widgets::named_button_ui(ui, "Remove", &format!("Remove {name}")).clicked() {
                    *remove = Some(index);
                }
            });
            ed.prefix = Some(name.to_owned());
            widgets::grid_ui(ui, format!("{kind}-grid"), |ui| rows(ui, ed));
            ed.prefix = None;
        });
    });
}
