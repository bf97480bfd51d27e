//! Fields, per group: add, remove, reorder, move between groups; a fitting editor for every
//! field key (dropdowns for enums, number input for numbers, date text checked by validation
//! with a date picker beside it, changeMessage with its `%@` hint). The group headings show how
//! many fields the style shows.

use egui::Ui;
use passmith_core::PassDocument;
use passmith_core::model::{
    DateStyle, Field, FieldGroup, FieldValue, NumberStyle, Style, TextAlignment, TransitType,
};
use passmith_core::path::PassPath;

use crate::app::command::Command;
use crate::app::style_change;
use crate::app::theme;
use crate::app::widgets::{self, Ed};

enum Action {
    Add(FieldGroup),
    Up(FieldGroup, usize),
    Down(FieldGroup, usize),
    Remove(FieldGroup, usize),
    Move(FieldGroup, usize, FieldGroup),
    /// Dragged onto another field: take its place (in any group).
    Drop {
        from: (FieldGroup, usize),
        to: (FieldGroup, usize),
    },
}

/// What is being dragged: a field's group and index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct DraggedField(FieldGroup, usize);

/// A key no other field of the pass uses.
fn unique_key(doc: &PassDocument, base: &str) -> String {
    let taken: Vec<&str> = doc
        .pass
        .fields()
        .map(|f| f.all_fields().map(|(_, _, f)| f.key.as_str()).collect())
        .unwrap_or_default();
    (1..)
        .map(|n| format!("{base}{n}"))
        .find(|k| !taken.contains(&k.as_str()))
        .unwrap_or_else(|| base.to_owned())
}

pub fn ui(ui: &mut Ui, ed: &mut Ed<'_>, doc: &mut PassDocument) {
    let Some(style) = doc.pass.style() else {
        ui.label("Choose a style in Pass information first; the style decides where fields go.");
        return;
    };
    let mut action = None;
    if style == Style::BoardingPass
        && let Some(fields) = doc.pass.fields_mut()
    {
        widgets::grid_ui(ui, "transit-grid", |ui| {
            widgets::opt_enum_ui(
                ui,
                ed,
                "Transit type",
                &mut fields.transit_type,
                TransitType::ALL,
                |t| t.label().to_owned(),
                "/boardingPass/transitType",
            );
        });
    }
    for group in FieldGroup::ALL {
        let count = doc.pass.fields().map_or(0, |f| f.group(group).len());
        let cap = style_change::capacity(style, group);
        if group == FieldGroup::AdditionalInfo && style != Style::EventTicket && count == 0 {
            continue;
        }
        ui.add_space(theme::SPACE_S);
        ui.horizontal(|ui| {
            let heading = match cap {
                Some(max) => format!("{} fields ({count} of at most {max} shown)", group.label()),
                None => format!("{} fields ({count})", group.label()),
            };
            ui.strong(heading);
            let add_label = format!("Add {} field", group.label().to_lowercase());
            if ui
                .button("+ Add")
                .accessible_name(add_label.clone())
                .on_hover_text(add_label)
                .clicked()
            {
                action = Some(Action::Add(group));
            }
        });
        if count == 0 {
            // group_mut would add an empty list to pass.json; nothing to edit anyway.
            continue;
        }
        let Some(fields) = doc.pass.fields_mut() else {
            return;
        };
        let list = fields.group_mut(group);
        let len = list.len();
        for (i, field) in list.iter_mut().enumerate() {
            let base = format!("/{}/{}/{i}", style.key(), group.key());
            let hidden = cap.is_some_and(|max| i >= max);
            ui.push_id((group, i), |ui| {
                let frame = egui::Frame::group(ui.style()).show(ui, |ui| {
                    ui.set_width(ui.available_width());
                    let name = format!("{} field {}", group.label(), i + 1);
                    ui.horizontal(|ui| {
                        let drag_id = ui.scope_id().with("drag");
                        ui.dnd_drag_source(drag_id, DraggedField(group, i), |ui| {
                            ui.label(egui::RichText::new("Drag").small().strong())
                                .on_hover_text("Drag onto another field to reorder or move it")
                        })
                        .response
                        .accessible_name(format!("Drag {name}"));
                        ui.label(
                            egui::RichText::new(format!("{name} · {}", field.key))
                                .small()
                                .weak(),
                        );
                        if hidden {
                            ui.colored_label(ui.visuals().warn_fg_color, "not shown by this style");
                        }
                        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                            if widgets::named_button_ui(ui, "Remove", &format!("Remove {name}"))
                                .clicked()
                            {
                                action = Some(Action::Remove(group, i));
                            }
                            ui.menu_button("Move to…", |ui| {
                                for to in FieldGroup::ALL {
                                    if to != group
                                        && ui.button(format!("{} fields", to.label())).clicked()
                                    {
                                        action = Some(Action::Move(group, i, to));
                                    }
                                }
                            })
                            .response
                            .on_hover_text(format!("Move {name} to another group"));
                            if i + 1 < len
                                && widgets::named_button_ui(
                                    ui,
                                    "Down",
                                    &format!("Move {name} down"),
                                )
                                .clicked()
                            {
                                action = Some(Action::Down(group, i));
                            }
                            if i > 0
                                && widgets::named_button_ui(ui, "Up", &format!("Move {name} up"))
                                    .clicked()
                            {
                                action = Some(Action::Up(group, i));
                            }
                        });
                    });
                    ed.prefix = Some(name.clone());
                    field_ui(ui, ed, field, &base, style, group);
                    ed.prefix = None;
                });
                if let Some(dragged) = frame.response.dnd_release_payload::<DraggedField>() {
                    let DraggedField(from_group, from_i) = *dragged;
                    if (from_group, from_i) != (group, i) {
                        action = Some(Action::Drop {
                            from: (from_group, from_i),
                            to: (group, i),
                        });
                    }
                } else if frame.response.dnd_hover_payload::<DraggedField>().is_some() {
                    ui.painter().rect_stroke(
                        frame.response.rect,
                        theme::DROP_RADIUS,
                        egui::Stroke::new(theme::DROP_STROKE, theme::selection_color(ui.visuals())),
                        egui::StrokeKind::Inside,
                    );
                }
            });
        }
    }
    if let Some(action) = action {
        let added = match action {
            Action::Add(group) => Some(group),
            _ => None,
        };
        apply(doc, action);
        // A new field is scrolled to and its label focused, ready for typing.
        if let Some(group) = added {
            let index = doc
                .pass
                .fields()
                .map_or(0, |f| f.group(group).len().saturating_sub(1));
            ed.send(Command::Focus(PassPath::parse(&format!(
                "/{}/{}/{index}/label",
                style.key(),
                group.key()
            ))));
        }
    }
}

fn field_ui(
    ui: &mut Ui,
    ed: &mut Ed<'_>,
    field: &mut Field,
    base: &str,
    style: Style,
    group: FieldGroup,
) {
    widgets::grid_ui(ui, "field-grid", |ui| {
        widgets::text_ui(
            ui,
            ed,
            "Key",
            &mut field.key,
            &format!("{base}/key"),
            "unique, e.g. balance",
        );
        widgets::opt_text_ui(
            ui,
            ed,
            "Label",
            &mut field.label,
            &format!("{base}/label"),
            "shown above the value",
        );
        value_ui(ui, ed, field, base, group);
    });
    egui::CollapsingHeader::new("More options")
        .id_salt("more")
        .open(more_open(ed, base))
        .show(ui, |ui| {
            widgets::grid_ui(ui, "field-more-grid", |ui| {
                // Wallet's placeholder is `%@`; the editor shows it in words and writes it back.
                let mut shown = field
                    .change_message
                    .as_deref()
                    .map(|m| m.replace("%@", NEW_VALUE));
                let r = widgets::opt_text_ui(
                    ui,
                    ed,
                    "Change message",
                    &mut shown,
                    &format!("{base}/changeMessage"),
                    "e.g. Your balance is now {new value}",
                );
                if r.changed() {
                    field.change_message = shown.map(|m| m.replace(NEW_VALUE, "%@"));
                }
                if field
                    .change_message
                    .as_deref()
                    .is_some_and(|m| !m.contains("%@"))
                {
                    ui.label("");
                    ui.colored_label(
                        ui.visuals().warn_fg_color,
                        format!("Write {NEW_VALUE} where the new value should appear."),
                    );
                    ui.end_row();
                }
                widgets::opt_enum_ui(
                    ui,
                    ed,
                    "Alignment",
                    &mut field.text_alignment,
                    TextAlignment::ALL,
                    |v| v.label().to_owned(),
                    &format!("{base}/textAlignment"),
                );
                widgets::opt_enum_ui(
                    ui,
                    ed,
                    "Date style",
                    &mut field.date_style,
                    DateStyle::ALL,
                    |v| v.label().to_owned(),
                    &format!("{base}/dateStyle"),
                );
                widgets::opt_enum_ui(
                    ui,
                    ed,
                    "Time style",
                    &mut field.time_style,
                    DateStyle::ALL,
                    |v| v.label().to_owned(),
                    &format!("{base}/timeStyle"),
                );
                if field.is_date() {
                    widgets::opt_bool_ui(
                        ui,
                        ed,
                        "Ignores time zone",
                        &mut field.ignores_time_zone,
                        &format!("{base}/ignoresTimeZone"),
                        "Show the time as written, wherever the phone is",
                    );
                    widgets::opt_bool_ui(
                        ui,
                        ed,
                        "Relative date",
                        &mut field.is_relative,
                        &format!("{base}/isRelative"),
                        "Show e.g. “in 2 days”",
                    );
                }
                widgets::opt_enum_ui(
                    ui,
                    ed,
                    "Number style",
                    &mut field.number_style,
                    NumberStyle::ALL,
                    |v| v.label().to_owned(),
                    &format!("{base}/numberStyle"),
                );
                widgets::opt_text_ui(
                    ui,
                    ed,
                    "Currency code",
                    &mut field.currency_code,
                    &format!("{base}/currencyCode"),
                    "ISO 4217, e.g. USD",
                );
                if style == Style::EventTicket && group == FieldGroup::Auxiliary {
                    let path = format!("{base}/row");
                    widgets::opt_int_ui(ui, ed, "Row", &mut field.row, &path, 0..=1);
                }
                if group == FieldGroup::Back {
                    let mut attributed = field
                        .attributed_value
                        .as_ref()
                        .map(FieldValue::to_display_string);
                    widgets::opt_text_ui(
                        ui,
                        ed,
                        "Attributed value",
                        &mut attributed,
                        &format!("{base}/attributedValue"),
                        "may contain <a href=\"…\">links</a>",
                    );
                    field.attributed_value = attributed.map(FieldValue::Text);
                }
            });
        });
}

/// Open "More options" when a jump targets one of its editors.
fn more_open(ed: &Ed<'_>, base: &str) -> Option<bool> {
    ed.focus
        .pending_path()
        .filter(|p| {
            p.starts_with(base)
                && !["/key", "/label", "/value"].iter().any(|s| p.ends_with(s))
                && p.len() > base.len()
        })
        .map(|_| true)
}

fn value_ui(ui: &mut Ui, ed: &mut Ed<'_>, field: &mut Field, base: &str, group: FieldGroup) {
    let path = format!("{base}/value");
    let l = ui.label("Value");
    ui.vertical(|ui| {
        ui.horizontal(|ui| {
            let mut is_number = field.value.is_number();
            match &mut field.value {
                FieldValue::Text(s) => {
                    let is_date = field.date_style.is_some() || field.time_style.is_some();
                    let hint = if is_date {
                        "date: 2027-07-16T17:00:00-07:00"
                    } else {
                        "what the pass shows"
                    };
                    let edit = if group == FieldGroup::Back {
                        egui::TextEdit::multiline(s).desired_rows(2)
                    } else {
                        egui::TextEdit::singleline(s)
                    };
                    let r = ui.add(
                        edit.id(widgets::widget_id(&path))
                            .hint_text(hint)
                            .desired_width(
                                ui.available_width()
                                    - if is_date {
                                        theme::DATE_VALUE_SIDE_ROOM
                                    } else {
                                        theme::VALUE_SIDE_ROOM
                                    },
                            ),
                    );
                    let r = widgets::name_it(ed, r, l.id, "Value");
                    ed.focus.register(&r, &path);
                    if is_date {
                        let what = match &ed.prefix {
                            Some(p) => format!("{p} value"),
                            None => "Value".to_owned(),
                        };
                        widgets::date_picker_ui(ui, &what, s, &path);
                    }
                }
                FieldValue::Number(n) => {
                    let mut v = n.as_f64().unwrap_or(0.0);
                    let r = ui.add(egui::DragValue::new(&mut v).speed(0.1).max_decimals(6));
                    let r = widgets::name_it(ed, r, l.id, "Value");
                    ed.focus.register(&r, &path);
                    if r.changed() {
                        field.value = FieldValue::Number(number(v));
                    }
                }
            }
            let name = match &ed.prefix {
                Some(p) => format!("{p} value is a number"),
                None => "Value is a number".to_owned(),
            };
            if ui
                .checkbox(&mut is_number, "Number")
                .accessible_name(name)
                .changed()
            {
                field.value = if is_number {
                    let text = field.value.to_display_string();
                    FieldValue::Number(number(text.trim().parse::<f64>().unwrap_or(0.0)))
                } else {
                    FieldValue::Text(field.value.to_display_string())
                };
            }
        });
        ed.findings_ui(ui, &path);
    });
    ui.end_row();
}

/// How the change message editor shows Wallet's `%@` placeholder.
const NEW_VALUE: &str = "{new value}";

/// Whole numbers stay integers in pass.json (`18`, not `18.0`).
fn number(v: f64) -> serde_json::Number {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        serde_json::Number::from(v as i64)
    } else {
        serde_json::Number::from_f64(v).unwrap_or_else(|| serde_json::Number::from(0))
    }
}

fn apply(doc: &mut PassDocument, action: Action) {
    let new_key = unique_key(doc, "field");
    let Some(fields) = doc.pass.fields_mut() else {
        return;
    };
    match action {
        Action::Add(group) => fields.group_mut(group).push(Field::text(
            &new_key,
            passmith_core::checklist::NEW_FIELD_LABEL,
            passmith_core::checklist::NEW_FIELD_VALUE,
        )),
        Action::Up(group, i) if i > 0 => fields.group_mut(group).swap(i, i - 1),
        Action::Down(group, i) => {
            let list = fields.group_mut(group);
            if i + 1 < list.len() {
                list.swap(i, i + 1);
            }
        }
        Action::Remove(group, i) => {
            let list = fields.group_mut(group);
            if i < list.len() {
                list.remove(i);
            }
            drop_if_empty(fields, group);
        }
        Action::Move(from, i, to) => {
            let list = fields.group_mut(from);
            if i < list.len() {
                let field = list.remove(i);
                fields.group_mut(to).push(field);
                drop_if_empty(fields, from);
            }
        }
        Action::Drop { from, to } => {
            let list = fields.group_mut(from.0);
            if from.1 < list.len() {
                let field = list.remove(from.1);
                let target = fields.group_mut(to.0);
                target.insert(to.1.min(target.len()), field);
                drop_if_empty(fields, from.0);
            }
        }
        Action::Up(..) => {}
    }
}

/// An emptied group disappears from pass.json instead of staying as `[]`.
fn drop_if_empty(fields: &mut passmith_core::model::PassFields, group: FieldGroup) {
    if fields.group(group).is_empty() {
        let slot = match group {
            FieldGroup::Header => &mut fields.header_fields,
            FieldGroup::Primary => &mut fields.primary_fields,
            FieldGroup::Secondary => &mut fields.secondary_fields,
            FieldGroup::Auxiliary => &mut fields.auxiliary_fields,
            FieldGroup::Back => &mut fields.back_fields,
            FieldGroup::AdditionalInfo => &mut fields.additional_info_fields,
        };
        *slot = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> PassDocument {
        crate::app::templates::template(Style::StoreCard).unwrap()
    }

    #[test]
    fn moving_a_field_between_groups_keeps_it() {
        let mut d = doc();
        let key = d.pass.fields().unwrap().group(FieldGroup::Secondary)[0]
            .key
            .clone();
        apply(
            &mut d,
            Action::Move(FieldGroup::Secondary, 0, FieldGroup::Back),
        );
        let f = d.pass.fields().unwrap();
        assert_eq!(f.group(FieldGroup::Back).last().unwrap().key, key);
        assert!(f.group(FieldGroup::Secondary).iter().all(|x| x.key != key));
    }

    #[test]
    fn added_fields_get_unique_keys_and_reorder_swaps() {
        let mut d = doc();
        apply(&mut d, Action::Add(FieldGroup::Auxiliary));
        apply(&mut d, Action::Add(FieldGroup::Auxiliary));
        let aux = d
            .pass
            .fields()
            .unwrap()
            .group(FieldGroup::Auxiliary)
            .to_vec();
        assert_eq!(aux.len(), 2);
        assert_ne!(aux[0].key, aux[1].key);
        apply(&mut d, Action::Down(FieldGroup::Auxiliary, 0));
        assert_eq!(
            d.pass.fields().unwrap().group(FieldGroup::Auxiliary)[0].key,
            aux[1].key
        );
        // Dragging the header field onto the first auxiliary field puts it there.
        let header = d.pass.fields().unwrap().group(FieldGroup::Header)[0]
            .key
            .clone();
        apply(
            &mut d,
            Action::Drop {
                from: (FieldGroup::Header, 0),
                to: (FieldGroup::Auxiliary, 0),
            },
        );
        let f = d.pass.fields().unwrap();
        assert_eq!(f.group(FieldGroup::Auxiliary)[0].key, header);
        assert!(
            f.header_fields.is_none(),
            "the emptied group leaves pass.json"
        );
        let keys: Vec<&str> = f
            .group(FieldGroup::Auxiliary)
            .iter()
            .map(|x| x.key.as_str())
            .collect();
        assert_eq!(
            keys,
            vec![header.as_str(), aux[1].key.as_str(), aux[0].key.as_str()]
        );
        assert_eq!(number(18.0).to_string(), "18");
        assert_eq!(number(18.5).to_string(), "18.5");
    }
}
