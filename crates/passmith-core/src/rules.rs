//! What each pass style shows: the one place that knows it.
//!
//! How many fields of each group fit on the front (with the event ticket's two auxiliary rows and
//! the places secondary and auxiliary fields share), which images a style uses and how large
//! Wallet draws them, and which keys only some styles read. Validation, the preview's grid and
//! the designer's style-change notice all ask this module, so they cannot disagree; each hidden
//! field becomes exactly one finding ([`HiddenField::finding`]) with one code, wording and path.
//!
//! Sources: field counts from Apple's PassFields documentation (quoted in
//! `wallet-pass-format.md` §2); the coupon and store card's single secondary + auxiliary row of
//! four from the measured Wallet layout (`wallet-rendering.md` §3, which trusts the layout over
//! the looser reading of Apple's sentence); image sizes from `wallet-pass-format.md` §2.

use crate::code::Code;
use crate::finding::Finding;
use crate::model::{Barcode, Field, FieldGroup, Pass, PassFields, Style};
use crate::path::PassPath;
use crate::words::{a_style, capitalized, field_name};

/// Stable code of the finding for a field the style does not show.
pub const HIDDEN_FIELD_CODE: Code = Code::LayoutTooManyFields;

/// The largest number of fields of `group` that `style` shows when the group is on its own;
/// `None` when the group has no limit (back fields, an event ticket's additional info).
///
/// Event tickets show 4 auxiliary fields in each of two rows (8 in all, but at most 4 with the
/// same `row`), and coupons, store cards and (with a square barcode) generic passes share four
/// places between secondary and auxiliary fields: [`slots`] has the whole rule.
pub fn capacity(style: Style, group: FieldGroup) -> Option<usize> {
    match (style, group) {
        (_, FieldGroup::Header) => Some(3),
        (Style::BoardingPass, FieldGroup::Primary) => Some(2),
        (_, FieldGroup::Primary) => Some(1),
        (_, FieldGroup::Secondary) => Some(4),
        (Style::BoardingPass, FieldGroup::Auxiliary) => Some(5),
        (Style::EventTicket, FieldGroup::Auxiliary) => Some(2 * EVENT_ROW),
        (_, FieldGroup::Auxiliary) => Some(4),
        (_, FieldGroup::Back) => None,
        (Style::EventTicket, FieldGroup::AdditionalInfo) => None,
        (_, FieldGroup::AdditionalInfo) => Some(0),
    }
}

/// Fields per event-ticket auxiliary row.
const EVENT_ROW: usize = 4;
/// Places shared by secondary and auxiliary fields.
const SHARED: usize = 4;

/// A place on the pass that holds a limited number of fields, in the order Wallet fills it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Slot {
    /// One field group on its own.
    Group { group: FieldGroup, max: usize },
    /// One of an event ticket's auxiliary rows: fields with `row` 1 go to row 1, all others
    /// (no row, 0, or an invalid row) to row 0.
    AuxiliaryRow { row: u8, max: usize },
    /// Secondary then auxiliary fields sharing `max` places (coupons and store cards always;
    /// generic passes when the barcode is square).
    SecondaryAndAuxiliary { max: usize, square_barcode: bool },
}

impl Slot {
    /// How many fields fit.
    pub fn max(self) -> usize {
        match self {
            Slot::Group { max, .. }
            | Slot::AuxiliaryRow { max, .. }
            | Slot::SecondaryAndAuxiliary { max, .. } => max,
        }
    }

    /// Whether the field at `group` (with its `row`) is placed here.
    pub fn holds(self, group: FieldGroup, field: &Field) -> bool {
        match self {
            Slot::Group { group: g, .. } => g == group,
            Slot::AuxiliaryRow { row, .. } => {
                group == FieldGroup::Auxiliary && (field.row == Some(1)) == (row == 1)
            }
            Slot::SecondaryAndAuxiliary { .. } => {
                matches!(group, FieldGroup::Secondary | FieldGroup::Auxiliary)
            }
        }
    }

    /// What the slot shows, inside a sentence: “at most 3 header fields”.
    pub fn describe(self) -> String {
        let fields = |n: usize| if n == 1 { "field" } else { "fields" };
        match self {
            Slot::Group { group, max: 0 } => {
                format!("no {} fields", group.label().to_lowercase())
            }
            Slot::Group { group, max } => format!(
                "at most {max} {} {}",
                group.label().to_lowercase(),
                fields(max)
            ),
            Slot::AuxiliaryRow { row, max } => {
                format!("at most {max} auxiliary {} in row {row}", fields(max))
            }
            Slot::SecondaryAndAuxiliary {
                max,
                square_barcode: true,
            } => format!(
                "at most {max} secondary and auxiliary {} together when the barcode is square (QR or Aztec)",
                fields(max)
            ),
            Slot::SecondaryAndAuxiliary { max, .. } => {
                format!(
                    "at most {max} secondary and auxiliary {} together",
                    fields(max)
                )
            }
        }
    }
}

/// The places on the front (and the additional-info section) of `style`, in group order.
/// Back fields have no limit and no slot.
pub fn slots(style: Style, square_barcode: bool) -> Vec<Slot> {
    let group = |group: FieldGroup| capacity(style, group).map(|max| Slot::Group { group, max });
    let mut out: Vec<Slot> = [FieldGroup::Header, FieldGroup::Primary]
        .into_iter()
        .filter_map(group)
        .collect();
    match style {
        Style::EventTicket => {
            out.extend(group(FieldGroup::Secondary));
            out.push(Slot::AuxiliaryRow {
                row: 0,
                max: EVENT_ROW,
            });
            out.push(Slot::AuxiliaryRow {
                row: 1,
                max: EVENT_ROW,
            });
        }
        Style::Coupon | Style::StoreCard => out.push(Slot::SecondaryAndAuxiliary {
            max: SHARED,
            square_barcode: false,
        }),
        Style::Generic if square_barcode => out.push(Slot::SecondaryAndAuxiliary {
            max: SHARED,
            square_barcode: true,
        }),
        Style::Generic | Style::BoardingPass => {
            out.extend(group(FieldGroup::Secondary));
            out.extend(group(FieldGroup::Auxiliary));
        }
    }
    out.extend(group(FieldGroup::AdditionalInfo));
    out
}

/// The barcode Wallet draws: the first one in a format it knows (from `barcodes`, else the
/// legacy `barcode`).
pub fn shown_barcode(pass: &Pass) -> Option<(usize, &Barcode)> {
    pass.effective_barcodes()
        .into_iter()
        .enumerate()
        .find(|(_, b)| b.format.is_known())
}

/// Whether the barcode Wallet draws is square (QR, Aztec), which shrinks the room for fields.
pub fn square_barcode(pass: &Pass) -> bool {
    shown_barcode(pass).is_some_and(|(_, b)| b.format.is_square())
}

/// A field that is in the pass but that the style does not show.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HiddenField<'a> {
    pub style: Style,
    pub group: FieldGroup,
    /// Index in its group's list.
    pub index: usize,
    pub field: &'a Field,
    /// The place that is full.
    pub slot: Slot,
}

impl HiddenField<'_> {
    /// `/eventTicket/auxiliaryFields/8`.
    pub fn path(&self) -> PassPath {
        PassPath::field(self.style, self.group, self.index)
    }

    /// The one finding for this hidden field (validation, preview and designer report this).
    pub fn finding(&self) -> Finding {
        Finding::new(
            HIDDEN_FIELD_CODE,
            self.path(),
            format!(
                "{} shows {}; Wallet will not show {}.",
                capitalized(a_style(self.style)),
                self.slot.describe(),
                field_name(self.field)
            ),
            "Remove the field, merge it with another one, or move it to the back of the pass.",
        )
    }
}

/// The fields of `fields` that `style` does not show, slot by slot, in the order they are
/// listed in the pass. `square_barcode`: see [`square_barcode`].
pub fn hidden_fields(
    fields: &PassFields,
    style: Style,
    square_barcode: bool,
) -> Vec<HiddenField<'_>> {
    let mut out = Vec::new();
    for slot in slots(style, square_barcode) {
        let placed = FieldGroup::ALL.into_iter().flat_map(|group| {
            fields
                .group(group)
                .iter()
                .enumerate()
                .filter(move |(_, f)| slot.holds(group, f))
                .map(move |(index, field)| (group, index, field))
        });
        out.extend(
            placed
                .skip(slot.max())
                .map(|(group, index, field)| HiddenField {
                    style,
                    group,
                    index,
                    field,
                    slot,
                }),
        );
    }
    out
}

/// The fields `style` would hide if `pass` (its current fields and barcode) had that style:
/// what the designer announces on a style change and what validation reports for the pass's own
/// style.
pub fn hidden_in(pass: &Pass, style: Style) -> Vec<HiddenField<'_>> {
    pass.fields().map_or_else(Vec::new, |fields| {
        hidden_fields(fields, style, square_barcode(pass))
    })
}

/// One finding per field the pass's own style does not show (the preview and validation call
/// this; empty when the pass has no single style).
pub fn hidden_field_findings(pass: &Pass) -> Vec<Finding> {
    match pass.style() {
        Some(style) => hidden_in(pass, style)
            .iter()
            .map(HiddenField::finding)
            .collect(),
        None => Vec::new(),
    }
}

/// Does the pass ask for iOS 18's poster event ticket face (`preferredStyleSchemes` holding
/// `posterEventTicket` on an event ticket)? Wallet falls back to the plain event ticket face on
/// older iPhones and when the poster's own requirements are not met.
pub fn is_poster_event_ticket(pass: &Pass) -> bool {
    pass.style() == Some(Style::EventTicket)
        && pass
            .preferred_style_schemes
            .as_ref()
            .is_some_and(|s| s.iter().any(|scheme| scheme == "posterEventTicket"))
}

/// Every image name Wallet knows (without `@2x` / `.png`).
pub const IMAGE_NAMES: &[&str] = &[
    "icon",
    "logo",
    "strip",
    "thumbnail",
    "background",
    "footer",
    "personalizationLogo",
    "artwork",
    "secondaryLogo",
    "venueMap",
];

/// The images `style` shows. Event tickets show either the strip or background + thumbnail
/// (Apple: “If you specify a strip image, do not specify a background image or a thumbnail”);
/// `artwork`, `secondaryLogo` and `venueMap` belong to iOS 18 poster event tickets.
pub fn image_names(style: Style) -> &'static [&'static str] {
    match style {
        Style::BoardingPass => &["icon", "logo", "footer"],
        Style::Coupon => &["icon", "logo", "strip"],
        Style::EventTicket => &[
            "icon",
            "logo",
            "strip",
            "background",
            "thumbnail",
            "artwork",
            "secondaryLogo",
            "venueMap",
        ],
        Style::Generic => &["icon", "logo", "thumbnail"],
        Style::StoreCard => &["icon", "logo", "strip", "personalizationLogo"],
    }
}

/// Whether `style` shows the image `name`.
pub fn shows_image(style: Style, name: &str) -> bool {
    image_names(style).contains(&name)
}

/// The space Wallet gives image `name` on `style`, in points (= pixels at @1x); `None` when the
/// style does not show it or no size is documented (poster artwork).
pub fn image_size_pt(style: Style, name: &str) -> Option<(u32, u32)> {
    if !shows_image(style, name) {
        return None;
    }
    Some(match (name, style) {
        ("icon", _) => (29, 29),
        ("logo", _) => (160, 50),
        ("strip", Style::EventTicket) => (375, 98),
        ("strip", Style::Coupon) => (375, 144),
        ("strip", _) => (375, 123),
        ("thumbnail", _) => (90, 90),
        ("background", _) => (180, 220),
        ("footer", _) => (286, 15),
        ("personalizationLogo", _) => (150, 40),
        _ => return None,
    })
}

/// How Wallet fits a picture into an image slot, which decides how Passmith renders one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageShape {
    /// Wallet draws the image filling exactly this box and crops what does not fit (icon,
    /// strip, background): a picture is rendered to exactly the box, cropped (cover) or padded
    /// (contain).
    Fill,
    /// The image keeps its aspect ratio within the box (logo, footer, personalization logo).
    Within,
    /// Within the box, with an aspect ratio (width:height) Wallet keeps between `min` and `max`
    /// (the thumbnail's 2:3…3:2); a picture outside the range is cropped or padded to it.
    WithinAspect { min: (u32, u32), max: (u32, u32) },
}

/// The space Wallet gives an image slot on a style, and how it fits a picture into it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageBox {
    /// Width and height in points (= pixels at @1x).
    pub width_pt: u32,
    pub height_pt: u32,
    pub shape: ImageShape,
}

impl ImageBox {
    /// Whether Wallet crops a picture that does not have the box's aspect ratio, so the user
    /// chooses between cover and contain.
    pub fn crops(self) -> bool {
        !matches!(self.shape, ImageShape::Within)
    }
}

/// The densities Wallet reads (`name.png`, `name@2x.png`, `name@3x.png`).
pub const IMAGE_SCALES: [u8; 3] = [1, 2, 3];

/// The box and fit of image `name` on `style` (sizes from [`image_size_pt`]); `None` when the
/// style does not show it or no size is documented.
pub fn image_box(style: Style, name: &str) -> Option<ImageBox> {
    let (width_pt, height_pt) = image_size_pt(style, name)?;
    let shape = match name {
        "icon" | "strip" | "background" => ImageShape::Fill,
        "thumbnail" => ImageShape::WithinAspect {
            min: (2, 3),
            max: (3, 2),
        },
        _ => ImageShape::Within,
    };
    Some(ImageBox {
        width_pt,
        height_pt,
        shape,
    })
}

/// Keys that only some styles read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StyleKey {
    /// `transitType`: required on boarding passes, not allowed elsewhere.
    TransitType,
    /// `row` of an auxiliary field: event tickets only.
    AuxiliaryRow,
    /// `groupingIdentifier`: Wallet groups boarding passes and event tickets only.
    GroupingIdentifier,
}

impl StyleKey {
    /// The key as written in pass.json.
    pub fn json_key(self) -> &'static str {
        match self {
            StyleKey::TransitType => "transitType",
            StyleKey::AuxiliaryRow => "row",
            StyleKey::GroupingIdentifier => "groupingIdentifier",
        }
    }
}

/// Whether `style` reads `key`.
pub fn applies(key: StyleKey, style: Style) -> bool {
    match key {
        StyleKey::TransitType => style == Style::BoardingPass,
        StyleKey::AuxiliaryRow => style == Style::EventTicket,
        StyleKey::GroupingIdentifier => {
            matches!(style, Style::BoardingPass | Style::EventTicket)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_style_shows_icon_and_logo_and_sizes_only_what_it_shows() {
        for style in Style::ALL {
            assert!(shows_image(style, "icon") && shows_image(style, "logo"));
            for name in IMAGE_NAMES {
                if image_size_pt(style, name).is_some() {
                    assert!(shows_image(style, name), "{name} on {style:?}");
                }
            }
            for name in image_names(style) {
                assert!(IMAGE_NAMES.contains(name), "{name}");
            }
        }
        assert_eq!(image_size_pt(Style::Coupon, "strip"), Some((375, 144)));
        assert_eq!(image_size_pt(Style::Generic, "strip"), None);
        assert!(shows_image(Style::StoreCard, "personalizationLogo"));
    }

    #[test]
    fn image_boxes_follow_the_sizes_and_say_how_wallet_fits_them() {
        for style in Style::ALL {
            for name in IMAGE_NAMES {
                let size = image_box(style, name).map(|b| (b.width_pt, b.height_pt));
                assert_eq!(size, image_size_pt(style, name), "{name} on {style:?}");
            }
        }
        let strip = image_box(Style::Coupon, "strip").unwrap();
        assert_eq!(
            (strip.width_pt, strip.height_pt, strip.shape),
            (375, 144, ImageShape::Fill)
        );
        assert!(strip.crops());
        assert!(!image_box(Style::Coupon, "logo").unwrap().crops());
    }

    #[test]
    fn slot_wording_is_singular_for_one() {
        assert_eq!(
            Slot::Group {
                group: FieldGroup::Primary,
                max: 1
            }
            .describe(),
            "at most 1 primary field"
        );
        assert_eq!(
            Slot::Group {
                group: FieldGroup::AdditionalInfo,
                max: 0
            }
            .describe(),
            "no additional info fields"
        );
    }
}
