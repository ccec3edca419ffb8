//! Colour contrast of the text on laid-out pages, as WCAG 2.1 measures it: each piece of text
//! against what is painted behind it (a filled shape, else the page), so that a template's
//! colour pairs are checked as they are actually used, whatever the template's code.

use std::collections::BTreeMap;

use typst::layout::{Frame, FrameItem, Point, Transform};
use typst::visualize::{Color, Geometry, Paint};
use typst_layout::PagedDocument;

use crate::diag::Diagnostic;

/// WCAG 2.1 AA's least contrast for text (success criterion 1.4.3; 3:1 is allowed only for
/// large text, which is not told apart here).
pub const AA_TEXT: f64 = 4.5;

/// A text colour on a background colour, the contrast between them, and where it is used.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    /// The text's colour, as `#rrggbb`.
    pub text: String,
    /// The colour behind it, as `#rrggbb`.
    pub background: String,
    /// The contrast ratio, from 1 to 21.
    pub ratio: f64,
    /// The first page (from 1) it is used on.
    pub page: usize,
    /// The first words set in it there.
    pub sample: String,
}

/// Every distinct text-on-background colour pair of `document`, in order of first use.
pub fn pairs(document: &PagedDocument) -> Vec<Pair> {
    let mut found: BTreeMap<(String, String), Pair> = BTreeMap::new();
    let mut order = Vec::new();
    for (i, page) in document.pages().iter().enumerate() {
        let page_fill = match &page.fill {
            typst::foundations::Smart::Custom(Some(Paint::Solid(color))) => Some(color.clone()),
            typst::foundations::Smart::Custom(None) => None,
            _ => Some(Color::WHITE),
        }
        .unwrap_or(Color::WHITE);
        let mut walk = Walk {
            shapes: Vec::new(),
            page_fill,
            found: &mut found,
            order: &mut order,
            page: i + 1,
        };
        walk.frame(&page.frame, Transform::identity());
    }
    order
        .into_iter()
        .filter_map(|key| found.remove(&key))
        .collect()
}

/// The pairs of `document` whose contrast is below [`AA_TEXT`].
pub fn below_aa(document: &PagedDocument) -> Vec<Pair> {
    pairs(document)
        .into_iter()
        .filter(|p| p.ratio < AA_TEXT)
        .collect()
}

/// A warning for each text colour the template sets on a background below WCAG AA's 4.5:1.
pub fn warnings(document: &PagedDocument) -> Vec<Diagnostic> {
    below_aa(document)
        .into_iter()
        .map(|pair| {
            Diagnostic::warning(
                None,
                format!(
                    "text in {} on {} has a contrast of {:.1}:1, below the {}:1 of WCAG AA (page {}: `{}`)",
                    pair.text,
                    pair.background,
                    pair.ratio,
                    AA_TEXT,
                    pair.page,
                    pair.sample
                ),
            )
            .with_hint("the template sets these colours: darken the text or lighten what is behind it")
        })
        .collect()
}

struct Walk<'a> {
    /// Filled rectangles painted so far on the page, in page coordinates, with their colour.
    shapes: Vec<((Point, Point), Color)>,
    page_fill: Color,
    found: &'a mut BTreeMap<(String, String), Pair>,
    order: &'a mut Vec<(String, String)>,
    page: usize,
}

impl Walk<'_> {
    fn frame(&mut self, frame: &Frame, ts: Transform) {
        for (pos, item) in frame.items() {
            let at = ts.pre_concat(Transform::translate(pos.x, pos.y));
            match item {
                FrameItem::Group(group) => self.frame(&group.frame, at.pre_concat(group.transform)),
                FrameItem::Shape(shape, _) => {
                    let Some(Paint::Solid(color)) = &shape.fill else {
                        continue;
                    };
                    if !matches!(shape.geometry, Geometry::Rect(_) | Geometry::Curve(_)) {
                        continue;
                    }
                    let rect = shape.geometry.bbox(None);
                    let (a, b) = (rect.min.transform(at), rect.max.transform(at));
                    let min = Point::new(a.x.min(b.x), a.y.min(b.y));
                    let max = Point::new(a.x.max(b.x), a.y.max(b.y));
                    self.shapes.push(((min, max), color.clone()));
                }
                FrameItem::Text(text) => {
                    let Paint::Solid(color) = &text.fill else {
                        continue;
                    };
                    // A separator such as `|` or `·` says no word: it is decoration, which
                    // WCAG does not hold to a contrast.
                    if !text.text.chars().any(char::is_alphanumeric) {
                        continue;
                    }
                    // The middle of the text's first letters, a little above the baseline.
                    let sample = Point::new((text.width() / 2.0).min(text.size), -text.size * 0.3)
                        .transform(at);
                    let behind = self
                        .shapes
                        .iter()
                        .rev()
                        .find(|((min, max), _)| {
                            min.x <= sample.x
                                && sample.x <= max.x
                                && min.y <= sample.y
                                && sample.y <= max.y
                        })
                        .map_or_else(|| self.page_fill.clone(), |(_, c)| c.clone());
                    self.record(color.clone(), behind, &text.text);
                }
                _ => {}
            }
        }
    }

    fn record(&mut self, text: Color, behind: Color, words: &str) {
        let (Some(fg), Some(bg)) = (opaque(text), opaque(behind)) else {
            return;
        };
        let key = (hex(fg), hex(bg));
        if self.found.contains_key(&key) {
            return;
        }
        self.order.push(key.clone());
        self.found.insert(
            key.clone(),
            Pair {
                text: key.0,
                background: key.1,
                ratio: ratio(fg, bg),
                page: self.page,
                sample: words
                    .chars()
                    .take(40)
                    .collect::<String>()
                    .trim()
                    .to_string(),
            },
        );
    }
}

/// A colour's sRGB channels from 0 to 1, unless it is see-through (then what is behind it
/// counts too, and the pair is not judged).
fn opaque(color: Color) -> Option<[f64; 3]> {
    let rgb = color.to_rgb();
    (rgb.alpha >= 0.999).then(|| [rgb.red as f64, rgb.green as f64, rgb.blue as f64])
}

fn hex([r, g, b]: [f64; 3]) -> String {
    let byte = |c: f64| (c.clamp(0.0, 1.0) * 255.0).round() as u8;
    format!("#{:02x}{:02x}{:02x}", byte(r), byte(g), byte(b))
}

/// WCAG 2.1's relative luminance of an sRGB colour.
fn luminance([r, g, b]: [f64; 3]) -> f64 {
    let linear = |c: f64| {
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
}

/// WCAG 2.1's contrast ratio of two colours, from 1 (the same) to 21 (black on white).
pub fn ratio(a: [f64; 3], b: [f64; 3]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_as_wcag_gives_them() {
        assert!((ratio([0.0; 3], [1.0; 3]) - 21.0).abs() < 1e-9);
        assert!((ratio([1.0; 3], [1.0; 3]) - 1.0).abs() < 1e-9);
        // #767676 on white is the lightest gray that passes AA: 4.54:1.
        let gray = 118.0 / 255.0;
        assert!((ratio([gray; 3], [1.0; 3]) - 4.54).abs() < 0.01);
        assert_eq!(hex([gray; 3]), "#767676");
    }
}
