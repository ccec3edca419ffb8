//! The checked brief: its fields as the template reads them, where each value came from, the
//! images it names, and the merged tree it was checked from.

use std::path::PathBuf;

use serde_json::Value as Json;

use crate::diag::{Diagnostic, Span};
use crate::input::yaml::Node;
use crate::model::locale::Language;
use crate::model::template::Template;

/// A brief that passed the checker.
pub struct Brief {
    /// Where it was read from.
    pub path: PathBuf,
    /// Its template.
    pub template: Template,
    /// Where the brief (or a layer) named the template; `None` for the default template.
    pub template_at: Option<Span>,
    /// The checked, normalized fields.
    pub fields: Json,
    /// Where each value came from.
    pub origins: Vec<Provenance>,
    /// The images the brief names.
    pub images: Vec<Image>,
    /// The merged tree of every layer, as checked (attached to the PDF as its source).
    pub root: Node,
    /// Warnings from reading and checking (of every edition loaded together: they are all
    /// on the first).
    pub warnings: Vec<Diagnostic>,
    /// The language of this edition: `en`, `fr` or `ko`.
    pub language: Language,
}

/// Where one value of the checked data came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    /// The field path, such as `milestones[3].date`.
    pub path: String,
    /// Where the value was written: a brief, a layer, `--set`, or the template's default.
    pub span: Span,
    /// Whether the value is the template's default.
    pub default: bool,
    /// The checked value.
    pub value: Json,
}

/// An image a brief names: where the template finds it, and the file on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    /// The virtual path the template reads it from, such as `/.brief/images/0.png`.
    pub virtual_path: String,
    /// The file, resolved (links included) and checked to be inside the brief's folder.
    pub host: PathBuf,
    /// Where the brief names it: an image that cannot be decoded is reported there.
    pub at: Span,
    /// The path of the field that names it.
    pub field: String,
    /// Its name as the brief writes it.
    pub written: String,
}

/// What the expected note of an image field says.
pub const IMAGE_EXPECTED: &str =
    "a PNG, JPEG, GIF, SVG or WebP file in the brief's folder, named relative to it";

impl Image {
    /// The error `the image `x.png` WHY`, at the brief's line that names the image.
    pub fn problem(&self, why: &str) -> Diagnostic {
        Diagnostic::error(Some(self.at), format!("the image `{}` {why}", self.written))
            .with_field(&self.field)
            .with_note(format!("expected: {IMAGE_EXPECTED}"))
    }
}
