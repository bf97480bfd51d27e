//! The images of the front that sit behind or beside the fields: the event ticket's blurred
//! background, the strip, and the thumbnail (80×80 at the right, rendering reference §5); and
//! the warnings for image files that cannot be read or that the style ignores.

use passmith_core::model::Style;
use passmith_core::{Code, Finding, PassPath, rules};

use super::{Builder, fit};
use crate::grid::{CARD_HEIGHT, DRAWN_IMAGES, THUMBNAIL_DRAWN};
use crate::images;
use crate::{ElementKind, ImageFit, Rect, Source};

impl Builder<'_, '_> {
    fn has_image(&self, name: &str) -> bool {
        images::size_pt(self.doc, name, self.opts.scale, self.lang).is_some()
    }

    /// Image `name` drawn into `rect`. An image whose header reads but whose pixels do not
    /// decode is reported instead, as one that cannot be read at all.
    pub(super) fn push_image(&mut self, name: &str, rect: Rect, fit: ImageFit) {
        let (scale, lang) = (self.opts.scale, self.lang);
        match images::decode(self.doc, name, scale, lang) {
            Some(image) => self.push(
                rect,
                ElementKind::Image { image, fit },
                Source::Image { name: name.into() },
            ),
            None => {
                let path = images::file_path(self.doc, name, scale, lang).unwrap_or_default();
                self.warnings.push(unreadable_image(path));
            }
        }
    }

    /// Strip, background, thumbnail — and warnings for images the style cannot show.
    pub(super) fn images(&mut self, style: Style) {
        let w = self.ctx.width;
        // The style's images (rules) that the front draws; an unreadable one is not shown.
        let drawn = rules::image_names(style)
            .iter()
            .filter(|name| DRAWN_IMAGES.contains(name));
        for &name in drawn {
            let scale = self.opts.scale;
            if self
                .doc
                .image(name, images::density(scale), self.lang)
                .is_some()
                && images::dimensions(self.doc, name, scale, self.lang).is_none()
            {
                let path = images::file_path(self.doc, name, scale, self.lang).unwrap_or_default();
                self.warnings.push(unreadable_image(path));
            }
        }
        if self.ctx.background {
            self.push_image(
                "background",
                Rect::new(0.0, 0.0, w, CARD_HEIGHT),
                ImageFit::Background,
            );
        }
        if self.ctx.strip {
            let (top, bottom) = self.ctx.strip_rect();
            self.push_image(
                "strip",
                Rect::new(0.0, top, w, bottom - top),
                ImageFit::Cover,
            );
            if style == Style::EventTicket {
                for ignored in ["background", "thumbnail"] {
                    if self.has_image(ignored) {
                        let path = images::file_path(self.doc, ignored, self.opts.scale, self.lang)
                            .unwrap_or_default();
                        self.warnings.push(Finding::new(
                            Code::LayoutImageIgnored,
                            PassPath::file(path),
                            format!("The event ticket has a strip image, so Wallet shows the strip and ignores the {ignored} image"),
                            format!("Use either a strip image, or a background and thumbnail — not both. Remove the strip or the {ignored}."),
                        ));
                    }
                }
            }
        }
        if self.ctx.thumbnail
            && let Some((tw, th)) =
                images::size_pt(self.doc, "thumbnail", self.opts.scale, self.lang)
        {
            let (bw, bh) = fit(tw, th, THUMBNAIL_DRAWN, THUMBNAIL_DRAWN);
            let top = if style == Style::EventTicket {
                68.0
            } else {
                76.0
            };
            self.push_image(
                "thumbnail",
                Rect::new(w - 19.0 - bw, top, bw, bh),
                ImageFit::Fit,
            );
        }
    }
}

fn unreadable_image(path: String) -> Finding {
    Finding::new(
        Code::LayoutImageUnreadable,
        PassPath::file(path),
        "This image cannot be read as a PNG, so it is not shown",
        "Export the image again as PNG.",
    )
}
