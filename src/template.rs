//! Templates: a folder with a manifest (`template.yaml`) that declares every field the
//! template reads and its type, the typst files that draw it, and its fonts. Built-in
//! templates are embedded in the binary from `templates/` in the repository.

use std::borrow::Cow;
use std::collections::BTreeMap;

use indexmap::IndexMap;
use serde::Deserialize;

use crate::diag::{Diagnostic, Files, Span, did_you_mean};
use crate::loader;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/templates.rs"));
}

/// The template a brief gets when it names none.
pub const DEFAULT_TEMPLATE: &str = "background-note";

/// The manifest's file name inside a template folder.
pub const MANIFEST: &str = "template.yaml";

/// A template's manifest: what it is and the typed fields it reads.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The template's name, as briefs write it in `template:`.
    pub name: String,
    /// One line saying what the template makes.
    pub description: String,
    /// The typst file compiled, relative to the template folder.
    #[serde(default = "default_entry")]
    pub entry: String,
    /// Field paths tried in order for the PDF's creation date, such as `event.date`.
    #[serde(default, rename = "document-date")]
    pub document_date: Vec<String>,
    /// Every field a brief may give, in the order a starter brief lists them.
    pub fields: IndexMap<String, Field>,
}

fn default_entry() -> String {
    "main.typ".into()
}

/// The declaration of one field.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// The field's type.
    #[serde(rename = "type")]
    pub kind: Kind,
    /// Whether a brief must give it.
    #[serde(default)]
    pub required: bool,
    /// The value used when a brief gives none.
    #[serde(default)]
    pub default: Option<serde_yaml::Value>,
    /// One line saying what the field is for.
    #[serde(default)]
    pub description: Option<String>,
    /// The allowed values of an `enum`.
    #[serde(default)]
    pub choices: Vec<String>,
    /// The type of a `list`'s items.
    #[serde(default)]
    pub items: Option<Box<Field>>,
    /// The fields of a `record`.
    #[serde(default)]
    pub fields: IndexMap<String, Field>,
    /// The type of a `map`'s values.
    #[serde(default)]
    pub values: Option<Box<Field>>,
    /// Fewest items of a `list`.
    #[serde(default)]
    pub min: Option<usize>,
    /// Most items of a `list`.
    #[serde(default)]
    pub max: Option<usize>,
}

/// The types a field can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// One line or more of plain text, white space folded.
    Text,
    /// Paragraphs of prose, separated by blank lines.
    Rich,
    /// A date at year, month or day precision.
    Date,
    /// A time of day.
    Time,
    /// A date with a time of day.
    Datetime,
    /// A whole number.
    Integer,
    /// A number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// One of the listed `choices`.
    Enum,
    /// A web address.
    Url,
    /// An e-mail address.
    Email,
    /// A list of `items`.
    List,
    /// A record of named `fields`.
    Record,
    /// A map from any key to `values`.
    Map,
}

impl Kind {
    /// How the type is named in messages: "expected {name}".
    pub fn expected(self) -> &'static str {
        match self {
            Kind::Text => "text",
            Kind::Rich => "text (paragraphs separated by blank lines)",
            Kind::Date => "a date",
            Kind::Time => "a time of day",
            Kind::Datetime => "a date and time",
            Kind::Integer => "a whole number",
            Kind::Number => "a number",
            Kind::Boolean => "`true` or `false`",
            Kind::Enum => "one of the listed choices",
            Kind::Url => "a web address",
            Kind::Email => "an e-mail address",
            Kind::List => "a list",
            Kind::Record => "a map of fields",
            Kind::Map => "a map",
        }
    }
}

/// Where a template came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Embedded in the binary.
    BuiltIn,
}

/// A loaded template: its manifest and every file of its folder.
#[derive(Debug, Clone)]
pub struct Template {
    /// The manifest.
    pub manifest: Manifest,
    /// Files by path relative to the template folder, with `/` separators: borrowed from the
    /// binary for built-in templates, owned for templates read from disk.
    pub files: BTreeMap<String, Cow<'static, [u8]>>,
    /// Where it came from.
    pub origin: Origin,
    /// The name diagnostics give the template folder.
    pub display_root: String,
    /// The manifest's span (its whole text), for diagnostics about defaults.
    pub manifest_span: Span,
}

impl Template {
    /// The names and descriptions of the built-in templates.
    pub fn builtin_names() -> Vec<&'static str> {
        let mut names: Vec<&str> = embedded::FILES
            .iter()
            .filter_map(|(path, _)| path.strip_suffix(&format!("/{MANIFEST}")))
            .filter(|name| !name.contains('/'))
            .collect();
        names.sort();
        names
    }

    /// Loads a built-in template by name; `at` is where the brief named it.
    pub fn builtin(
        name: &str,
        files: &mut Files,
        at: Option<Span>,
    ) -> Result<Self, Vec<Diagnostic>> {
        let prefix = format!("{name}/");
        let template_files: BTreeMap<String, Cow<'static, [u8]>> = embedded::FILES
            .iter()
            .filter_map(|(path, bytes)| {
                path.strip_prefix(&prefix)
                    .map(|p| (p.to_string(), Cow::Borrowed(*bytes)))
            })
            .collect();
        let Some(manifest) = template_files.get(MANIFEST) else {
            let names = Self::builtin_names();
            let mut diagnostic =
                Diagnostic::error(at, format!("there is no template named `{name}`"))
                    .with_field("template")
                    .with_note(format!("the templates are: {}", names.join(", ")));
            if let Some(suggestion) = did_you_mean(name, names.iter().copied()) {
                diagnostic = diagnostic.with_hint(format!("did you mean `{suggestion}`?"));
            }
            return Err(vec![diagnostic]);
        };
        let display_root = format!("templates/{name}");
        let text = String::from_utf8_lossy(manifest).into_owned();
        let key = files.add(format!("{display_root}/{MANIFEST}"), text.clone());
        let manifest: Manifest = loader::parse_typed(&text, key).map_err(|d| vec![d])?;
        let template = Template {
            manifest,
            files: template_files,
            origin: Origin::BuiltIn,
            display_root,
            manifest_span: Span::new(key, 0..0),
        };
        template.validate()?;
        Ok(template)
    }

    /// Checks that the manifest is coherent: lists have items, records fields, and so on.
    fn validate(&self) -> Result<(), Vec<Diagnostic>> {
        let mut problems = Vec::new();
        if !self.files.contains_key(&self.manifest.entry) {
            problems.push(Diagnostic::error(
                Some(self.manifest_span),
                format!(
                    "the template's entry file `{}` is missing",
                    self.manifest.entry
                ),
            ));
        }
        for (name, field) in &self.manifest.fields {
            validate_field(name, field, self.manifest_span, &mut problems);
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}

fn validate_field(path: &str, field: &Field, at: Span, problems: &mut Vec<Diagnostic>) {
    let mut fail = |what: &str| {
        problems.push(Diagnostic::error(
            Some(at),
            format!("the declaration of `{path}` {what}"),
        ));
    };
    match field.kind {
        Kind::List if field.items.is_none() => fail("is a list but says nothing of its `items`"),
        Kind::Record if field.fields.is_empty() => fail("is a record but declares no `fields`"),
        Kind::Map if field.values.is_none() => fail("is a map but says nothing of its `values`"),
        Kind::Enum if field.choices.is_empty() => fail("is an enum but lists no `choices`"),
        _ => {}
    }
    if field.required && field.default.is_some() {
        fail("is required and has a default; it can only be one of the two");
    }
    if let Some(items) = &field.items {
        validate_field(&format!("{path}[]"), items, at, problems);
    }
    if let Some(values) = &field.values {
        validate_field(&format!("{path}.*"), values, at, problems);
    }
    for (name, sub) in &field.fields {
        validate_field(&format!("{path}.{name}"), sub, at, problems);
    }
}

/// Whether a template file is a font, by its extension.
pub fn is_font(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    [".ttf", ".otf", ".ttc", ".otc"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

/// Every font file shipped by a built-in template (under its `fonts/` folder).
pub fn builtin_fonts() -> impl Iterator<Item = &'static [u8]> {
    embedded::FILES
        .iter()
        .filter_map(|(path, bytes)| (is_font(path) && path.contains("/fonts/")).then_some(*bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_template_loads() {
        let names = Template::builtin_names();
        assert!(names.contains(&"background-note"));
        for name in names {
            let mut files = Files::default();
            if let Err(problems) = Template::builtin(name, &mut files, None) {
                panic!("{}", crate::diag::render(&files, &problems));
            }
        }
    }

    #[test]
    fn unknown_template_suggests_a_near_name() {
        let mut files = Files::default();
        let problems = Template::builtin("background-notes", &mut files, None).unwrap_err();
        assert_eq!(problems[0].hints, vec!["did you mean `background-note`?"]);
    }
}
