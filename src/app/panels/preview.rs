//! The live preview: `passmith_preview` lays out and rasterises the pass; this panel shows the
//! picture, offers front/back (and Google Wallet's card, from core's Google mapping), zoom and
//! language, and turns a click on the card into a jump to
//! the editor of what was clicked (`Layout::element_at` → `Source`). The picture is re-rendered
//! only when the document or the preview options change.

use egui::Ui;
use passmith_core::PassDocument;
use passmith_core::path::PassPath;
use passmith_preview::{Layout, RenderOptions, Side, Source};

use crate::app::theme;

/// Preview state: options, the last layout and its texture.
pub struct PreviewPanel {
    options: RenderOptions,
    /// Show Google Wallet's card instead of Apple's front or back.
    google: bool,
    zoom: f32,
    layout: Option<Layout>,
    texture: Option<egui::TextureHandle>,
    /// The document version and options (and whether it is Google's card) the texture shows.
    rendered: Option<(u64, RenderOptions, bool)>,
    error: Option<String>,
    /// How many times the preview was rendered (caching is observable in tests).
    pub renders: u64,
    /// The element last clicked, highlighted on the card.
    selected: Option<Source>,
    /// The user's languages, most preferred first: the designer's own choice, then the system's.
    /// With no language chosen in the panel, the preview shows the first the pass has (else
    /// `en`, else its first localization), as Wallet always shows an available one.
    pub preferred: Vec<String>,
    /// A language the user picked in the panel, for the settings to remember (taken once).
    picked: Option<String>,
}

impl Default for PreviewPanel {
    fn default() -> Self {
        PreviewPanel {
            options: RenderOptions::default(),
            google: false,
            zoom: 1.0,
            layout: None,
            texture: None,
            rendered: None,
            error: None,
            renders: 0,
            selected: None,
            preferred: Vec::new(),
            picked: None,
        }
    }
}

impl PreviewPanel {
    pub fn options(&self) -> &RenderOptions {
        &self.options
    }

    pub fn options_mut(&mut self) -> &mut RenderOptions {
        &mut self.options
    }

    /// Whether the panel shows Google Wallet's card.
    pub fn shows_google(&self) -> bool {
        self.google
    }

    /// The options the picture is drawn with for `doc`: the chosen language, or the automatic
    /// one ([`PreviewPanel::automatic_language`]).
    pub fn effective_options(&self, doc: &PassDocument) -> RenderOptions {
        let mut options = self.options.clone();
        if options.language.is_none() {
            options.language = self.automatic_language(doc);
        }
        options
    }

    /// The language shown when none is chosen: the user's, else `en`, else the first one.
    pub fn automatic_language(&self, doc: &PassDocument) -> Option<String> {
        passmith_core::language::pick(&doc.languages(), &self.preferred)
    }

    /// A language the user chose in the panel since the last call (the settings keep it).
    pub fn take_picked_language(&mut self) -> Option<String> {
        self.picked.take()
    }

    /// Why the automatic language is the one shown, in words.
    fn automatic_note(&self, lang: &str) -> String {
        match self.preferred.first() {
            _ if self.is_preferred(lang) => format!("Shown in {lang}, your language"),
            Some(yours) => format!("Shown in {lang}: the pass has no {yours}"),
            None => format!("Shown in {lang}"),
        }
    }

    fn is_preferred(&self, lang: &str) -> bool {
        let base = |s: &str| {
            s.split(['-', '_'])
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase()
        };
        self.preferred.iter().any(|p| base(p) == base(lang))
    }

    /// The layout of the current document (after the first frame).
    pub fn layout(&self) -> Option<&Layout> {
        self.layout.as_ref()
    }

    /// Every text the layout draws (labels, values, logo text…), for tests and debugging.
    pub fn texts(&self) -> Vec<String> {
        self.layout
            .iter()
            .flat_map(|l| l.elements.iter())
            .filter_map(|e| match &e.kind {
                passmith_preview::ElementKind::Text { text, .. } => Some(text.clone()),
                _ => None,
            })
            .collect()
    }

    /// Re-lays out and re-renders when the document version or the options changed.
    pub fn refresh(&mut self, ctx: &egui::Context, doc: &PassDocument, version: u64) {
        // Render at the screen's density (capped at 3×) so the card is sharp at 1× and 2× DPI.
        let density = (ctx.pixels_per_point() * self.zoom).clamp(1.0, 3.0).ceil();
        self.options.scale = density;
        // Whether the pass has expired (faded code) is judged by this clock, to the minute so
        // the picture is redrawn at most once a minute for it.
        let now = passmith_core::time::now_unix();
        self.options.now = jiff::Timestamp::from_second(now - now.rem_euclid(60)).ok();
        let options = self.effective_options(doc);
        let key = (version, options.clone(), self.google);
        if self.rendered.as_ref() == Some(&key) {
            return;
        }
        let layout = if self.google {
            passmith_preview::layout_google(doc, &options, None)
        } else {
            passmith_preview::layout(doc, &options)
        };
        match passmith_preview::render(&layout, self.options.scale) {
            Ok(img) => {
                let size = [img.width as usize, img.height as usize];
                let image = egui::ColorImage::from_rgba_unmultiplied(size, &img.pixels);
                match &mut self.texture {
                    Some(t) => t.set(image, egui::TextureOptions::LINEAR),
                    None => {
                        self.texture = Some(ctx.load_texture(
                            "passmith-preview",
                            image,
                            egui::TextureOptions::LINEAR,
                        ));
                    }
                }
                self.error = None;
            }
            Err(e) => self.error = Some(e.to_string()),
        }
        self.layout = Some(layout);
        self.rendered = Some(key);
        self.renders += 1;
    }

    /// Draws the preview. Returns the place in the pass of a clicked element.
    pub fn ui(&mut self, ui: &mut Ui, doc: &PassDocument, version: u64) -> Option<PassPath> {
        let mut clicked = None;
        ui.horizontal_wrapped(|ui| {
            for (side, name) in [(Side::Front, "Front"), (Side::Back, "Back")] {
                let shown = !self.google && self.options.side == side;
                if ui.selectable_label(shown, name).clicked() {
                    self.options.side = side;
                    self.google = false;
                }
            }
            if ui
                .selectable_label(self.google, "Google Wallet")
                .on_hover_text("The same pass as a Google Wallet card (passmith google)")
                .clicked()
            {
                self.google = true;
            }
            ui.separator();
            let l = ui.label("Zoom");
            egui::ComboBox::from_id_salt("preview-zoom")
                .selected_text(format!("{:.0}%", self.zoom * 100.0))
                .show_ui(ui, |ui| {
                    for z in [0.75f32, 1.0, 1.25, 1.5] {
                        ui.selectable_value(&mut self.zoom, z, format!("{:.0}%", z * 100.0));
                    }
                })
                .response
                .labelled_by(l.id);
            let languages = doc.languages();
            if !languages.is_empty() {
                let l = ui.label("Language");
                // "Automatic" always says which language it picked, and why.
                let automatic = match self.automatic_language(doc) {
                    Some(lang) if self.is_preferred(&lang) => format!("Automatic: {lang} (yours)"),
                    Some(lang) => format!("Automatic: {lang}"),
                    None => "Automatic".to_owned(),
                };
                let current = self
                    .options
                    .language
                    .clone()
                    .unwrap_or_else(|| automatic.clone());
                let before = self.options.language.clone();
                egui::ComboBox::from_id_salt("preview-language")
                    .selected_text(current)
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut self.options.language, None, automatic);
                        for lang in languages {
                            ui.selectable_value(
                                &mut self.options.language,
                                Some(lang.clone()),
                                lang,
                            );
                        }
                    })
                    .response
                    .labelled_by(l.id);
                if self.options.language.is_none()
                    && let Some(lang) = self.automatic_language(doc)
                {
                    ui.weak(self.automatic_note(&lang));
                }
                if self.options.language != before
                    && let Some(lang) = self.options.language.clone()
                {
                    self.preferred.retain(|p| *p != lang);
                    self.preferred.insert(0, lang.clone());
                    self.picked = Some(lang);
                }
            } else {
                self.options.language = None;
            }
        });
        self.refresh(ui.ctx(), doc, version);
        ui.add_space(theme::SPACE_M);
        let (Some(texture), Some(layout)) = (&self.texture, &self.layout) else {
            ui.label(
                self.error
                    .clone()
                    .unwrap_or_else(|| "Rendering…".to_owned()),
            );
            return None;
        };
        let size = egui::vec2(layout.width, layout.height) * self.zoom;
        let response = ui
            .vertical_centered(|ui| {
                ui.add(
                    egui::Image::from_texture(texture)
                        .fit_to_exact_size(size)
                        .sense(egui::Sense::click())
                        .alt_text("Pass preview: click an element to edit it"),
                )
            })
            .inner;
        if let Some(source) = &self.selected
            && let Some(element) = layout.elements.iter().find(|e| &e.source == source)
        {
            let r = egui::Rect::from_min_size(
                response.rect.min + egui::vec2(element.rect.x, element.rect.y) * self.zoom,
                egui::vec2(element.rect.w, element.rect.h) * self.zoom,
            );
            ui.painter().rect_stroke(
                r.expand(theme::SELECTION_EXPAND),
                theme::SELECTION_RADIUS,
                egui::Stroke::new(
                    theme::SELECTION_STROKE,
                    theme::selection_color(ui.visuals()),
                ),
                egui::StrokeKind::Outside,
            );
        }
        if response.clicked()
            && let Some(pos) = response.interact_pointer_pos()
        {
            let local = (pos - response.rect.min) / self.zoom;
            if let Some(element) = layout.element_at(local.x, local.y) {
                self.selected = Some(element.source.clone());
                clicked = path_of(&element.source, doc);
            }
        }
        if let Some(e) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
        clicked
    }
}

/// Where the editor of a drawn element lives.
pub fn path_of(source: &Source, doc: &PassDocument) -> Option<PassPath> {
    match source {
        Source::Card => Some(PassPath::key("backgroundColor")),
        Source::LogoText => Some(PassPath::key("logoText")),
        Source::Image { name } => Some(PassPath::File(format!("{name}.png"))),
        Source::Barcode { index } => Some(PassPath::Barcode {
            index: Some(*index),
            rest: vec!["message".to_owned()],
        }),
        other => other.json_path(doc).map(|p| PassPath::parse(&p)),
    }
}
