//! The checker: walks a brief's tree against the template's declared fields, reports every
//! problem at once with its place and field path, and produces the normalized data (JSON) that
//! is all a template ever sees.
//!
//! Around it, in this folder: loading a brief through the checker ([`load`]), rich text
//! ([`markdown`]), checks of what a brief says ([`content`]), change marks between editions
//! ([`changes`]), programmes' times, rooms and dates ([`programme`]), print typography
//! ([`typography`]), a template's house rules ([`rules`]), the register of notes
//! ([`register`]), and what is made from a template's declared fields: its JSON Schema
//! ([`schema`]), starter briefs ([`starter`]) and the template linter ([`lint`]).

pub mod access;
pub mod changes;
pub mod content;
pub mod lint;
pub mod load;
pub mod markdown;
pub mod programme;
pub mod register;
pub mod rules;
pub mod schema;
pub mod starter;
pub mod typography;

use std::fs;
use std::path::Path;

use serde_json::{Map as JsonMap, Value as Json, json};

use crate::diag::{Diagnostic, Files, Span, did_you_mean};
use crate::input::image::{self, MAX_IMAGE_BYTES};
use crate::input::read::read_bounded;
use crate::input::yaml::{self, Node, Value};
use crate::model::brief::{IMAGE_EXPECTED, Image, Provenance};
use crate::model::dates;
use crate::model::locale::{self, Language, Locale};
use crate::model::print;
use crate::model::template::{Field, Kind, Template};
use crate::text::{fold, plural};

/// Top-level keys that belong to `brief` itself rather than to the template.
pub const RESERVED: &[&str] = &["template", crate::input::layers::EXTENDS];

/// The result of a check: the data for the template, and what was found on the way.
#[derive(Debug)]
pub struct Checked {
    /// The normalized data; meaningful only when `problems` holds no error.
    pub data: Json,
    /// Where each value (each leaf, and each empty list or map) came from, in brief order.
    pub origins: Vec<Provenance>,
    /// The images the brief names, for the typst world to serve.
    pub images: Vec<Image>,
    /// Every image file a value names, in any language, found or not: a rebuilding session
    /// watches them (a missing one may appear, another language's may be mended).
    pub read: Vec<std::path::PathBuf>,
    /// Errors and warnings, in the order of the brief.
    pub problems: Vec<Diagnostic>,
    /// The language of the edition checked (`en`, `fr`, `ko`): a text given per language was
    /// taken in it.
    pub edition: Language,
    /// Each rich and inline text the data holds, with what parsing it left besides the blocks
    /// (its citations, prose and problems), for the content review to read without parsing
    /// it again: whether it was inline, its text, the rest of its parse.
    pub parsed: Vec<(bool, String, markdown::Parsed)>,
}

impl Checked {
    /// Whether any problem is an error.
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(Diagnostic::is_error)
    }
}

/// Checks a brief's (merged) root node against a template's declared fields. Dates, times and
/// French spacing are printed in the brief's language (see [`brief_locale`]). Image paths
/// cannot be resolved without knowing the files: see [`check_in`].
pub fn check(root: &Node, template: &Template) -> Checked {
    check_inner(root, template, None, None, &[])
}

/// Like [`check`], resolving image paths against the folder of the file that gave each one.
pub fn check_in(root: &Node, template: &Template, files: &Files) -> Checked {
    check_inner(root, template, Some(files), None, &[])
}

/// Like [`check_in`], for the edition in `language` (`en`, `fr`, `ko`): a text given per
/// language (`{en: ..., fr: ...}`) is taken in that language. `None` is the edition in the
/// language of the brief's `lang`.
pub fn check_edition(
    root: &Node,
    template: &Template,
    files: &Files,
    language: Option<Language>,
) -> Checked {
    check_inner(root, template, Some(files), language, &[])
}

/// Like [`check_edition`], for one of the editions in `editions` built together (`--lang
/// en,fr`): the brief's languages that a hint names include them all, so that each edition
/// reports a problem alike, and it is reported once.
pub fn check_edition_of(
    root: &Node,
    template: &Template,
    files: &Files,
    language: Option<Language>,
    editions: &[Language],
) -> Checked {
    check_inner(root, template, Some(files), language, editions)
}

fn check_inner(
    root: &Node,
    template: &Template,
    files: Option<&Files>,
    language: Option<Language>,
    editions: &[Language],
) -> Checked {
    let locale = brief_locale(root, template);
    let edition = language.unwrap_or(locale.language());
    let mut checker = Checker {
        files,
        images: Vec::new(),
        read: Vec::new(),
        problems: Vec::new(),
        origins: Vec::new(),
        defaults_at: template.manifest_span(),
        in_default: false,
        locale,
        edition,
        editions: editions.to_vec(),
        language_at: None,
        map_entry: false,
        translations: Vec::new(),
        wants_languages: Vec::new(),
        parsed: Vec::new(),
    };
    let decls = template.manifest_tree.get("fields").map(|e| &e.node);
    let data = match &root.value {
        Value::Map(_) => checker.record(root, &template.manifest.fields, decls, "", RESERVED),
        _ => {
            checker.problems.push(
                Diagnostic::error(
                    Some(root.span),
                    format!(
                        "a brief is a map of fields, but this file holds {}",
                        root.describe()
                    ),
                )
                .with_hint("start each line with a field name, such as `title: ...`"),
            );
            Json::Null
        }
    };
    checker.name_languages();
    checker.missing_translations();
    let mut problems = checker.problems;
    // In the order of the brief, as a reader goes through it.
    problems.sort_by_key(|p| p.span.map(|s| (s.file, s.start)));
    Checked {
        data,
        origins: checker.origins,
        images: checker.images,
        read: checker.read,
        problems,
        edition,
        parsed: checker.parsed,
    }
}

/// The tree of one edition, as the checks that read a brief's own tree after the checker see
/// it: each value given per language is replaced by the edition's (`language`), and a field or
/// map entry not given in it is left out, so that those checks read one value of each field's
/// kind. What they report about such a value is named with its language key, as the checker
/// names it: see [`EditionTree::path`].
pub fn edition_tree(root: &Node, template: &Template, language: Language) -> EditionTree {
    let mut tree = EditionTree {
        tree: root.clone(),
        code: language.code(),
        per_language: Vec::new(),
    };
    if let Value::Map(entries) = &mut tree.tree.value {
        in_edition_record(
            entries,
            &template.manifest.fields,
            "",
            language.code(),
            &mut tree.per_language,
        );
    }
    tree
}

/// One edition's tree (see [`edition_tree`]).
pub struct EditionTree {
    /// The tree, each value given per language replaced by the edition's.
    pub tree: Node,
    /// The edition's language key, such as `fr`.
    code: &'static str,
    /// The paths (as in the tree) of the values that were given per language.
    per_language: Vec<String>,
}

impl EditionTree {
    /// The path of a problem found in the tree, named as the brief gives it: with the
    /// language key of a value given per language (`logo.alt.fr`, `sections[0].body.fr`).
    pub fn path(&self, path: &str) -> String {
        for given in &self.per_language {
            if let Some(rest) = path.strip_prefix(given.as_str())
                && (rest.is_empty() || rest.starts_with(['.', '[']))
            {
                return format!("{given}.{}{rest}", self.code);
            }
        }
        path.to_string()
    }
}

fn in_edition_record(
    entries: &mut Vec<yaml::Entry>,
    fields: &indexmap::IndexMap<String, Field>,
    path: &str,
    code: &str,
    per_language: &mut Vec<String>,
) {
    entries.retain_mut(|e| match fields.get(&e.key) {
        Some(field) => in_edition(&mut e.node, field, &join(path, &e.key), code, per_language),
        None => true,
    });
}

/// Takes `node`, given for `field` at `path`, in language `code`, adding `path` to
/// `per_language` when it is given per language; false when it is not given in `code`.
fn in_edition(
    node: &mut Node,
    field: &Field,
    path: &str,
    code: &str,
    per_language: &mut Vec<String>,
) -> bool {
    if is_per_language(node, field) {
        match node.get(code) {
            Some(entry) => *node = entry.node.clone(),
            None => return false,
        }
        per_language.push(path.to_string());
    }
    match (&mut node.value, field.kind) {
        (Value::List(items), Kind::List) => {
            if let Some(item_field) = field.items.as_deref() {
                for (i, item) in items.iter_mut().enumerate() {
                    let item_path = format!("{path}[{i}]");
                    if !in_edition(item, item_field, &item_path, code, per_language) {
                        item.value = Value::Null;
                    }
                }
            }
        }
        (Value::Map(entries), Kind::Record) => {
            in_edition_record(entries, &field.fields, path, code, per_language)
        }
        (Value::Map(entries), Kind::Map) => {
            if let Some(value_field) = field.values.as_deref() {
                entries.retain_mut(|e| {
                    let entry_path = join(path, &e.key);
                    in_edition(&mut e.node, value_field, &entry_path, code, per_language)
                });
            }
        }
        _ => {}
    }
    true
}

/// The language a brief is written in: its (merged) `lang` value, else the template's default
/// for `lang`, else en-CA. A `lang` that is not a known locale falls back the same way (the
/// check of the field itself reports it).
pub fn brief_locale(root: &Node, template: &Template) -> Locale {
    let given = root.get("lang").and_then(|entry| match &entry.node.value {
        Value::Scalar(s) => Locale::from_tag(&s.text),
        _ => None,
    });
    given
        .or_else(|| {
            let default = template.manifest.fields.get("lang")?.default.as_ref()?;
            Locale::from_tag(default.as_str()?)
        })
        .unwrap_or_default()
}

struct Checker<'f> {
    /// The files read, to resolve image paths against the folder of their file.
    files: Option<&'f Files>,
    /// The images found so far.
    images: Vec<Image>,
    /// The image files named so far, in any language, found or not.
    read: Vec<std::path::PathBuf>,
    /// The brief's language, for dates, times and French spacing.
    locale: Locale,
    problems: Vec<Diagnostic>,
    origins: Vec<Provenance>,
    /// Where a default without a precise place in the manifest is reported.
    defaults_at: Span,
    /// Whether the values being checked come from a template default.
    in_default: bool,
    /// The language of the edition being checked: `en`, `fr` or `ko`.
    edition: Language,
    /// Every edition built together with this one, if any (`--lang en,fr`).
    editions: Vec<Language>,
    /// Set while the value being checked is one language's value of a field given per
    /// language: which field, and which language.
    language_at: Option<LanguageAt>,
    /// Whether the value being checked is an entry of a map, whose languages may differ.
    map_entry: bool,
    /// The fields given per language, with the languages each has.
    translations: Vec<Translation>,
    /// Problems (by index) that end with a hint naming the brief's languages, known only
    /// once the whole brief is checked.
    wants_languages: Vec<usize>,
    /// The rich and inline texts parsed so far, for [`Checked::parsed`].
    parsed: Vec<(bool, String, markdown::Parsed)>,
}

/// A field given per language.
struct Translation {
    path: String,
    /// Where it is reported: the field's first language key.
    span: Span,
    languages: Vec<&'static str>,
    /// What one language's value is called in messages: `text` or `value`.
    noun: &'static str,
    /// Whether a missing language is worth a warning: not when a key that is no language
    /// was reported already (a misspelt `fre:` is the missing `fr`).
    warn: bool,
}

/// The language value being checked of a field given per language.
struct LanguageAt {
    /// The field's path, such as `event.date`.
    field: String,
    /// The language's key, such as `fr`.
    code: &'static str,
    /// Whether it is another language than the edition's: checked, its value dropped.
    other: bool,
}

/// The declaration node of field `name` inside a manifest `fields:` map.
fn decl_of<'a>(decls: Option<&'a Node>, name: &str) -> Option<&'a Node> {
    decls.and_then(|d| d.get(name)).map(|e| &e.node)
}

/// A child of a declaration node, such as its `items` or `fields`.
fn decl_part<'a>(decl: Option<&'a Node>, part: &str) -> Option<&'a Node> {
    decl.and_then(|d| d.get(part)).map(|e| &e.node)
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

impl Checker<'_> {
    fn error(&mut self, span: Span, path: &str, message: impl Into<String>) -> &mut Diagnostic {
        self.problems
            .push(Diagnostic::error(Some(span), message).with_field(path));
        self.problems.last_mut().expect("just pushed")
    }

    /// Where `piece` of a scalar's text is written: its first occurrence inside the node's
    /// place in the source (as written, or as a `\u` escape), else the whole node.
    fn place_of(&self, node: &Node, piece: &str) -> Span {
        let Some(files) = self.files else {
            return node.span;
        };
        let source = files.text(node.span.file);
        let Some(written) = source.get(node.span.start..node.span.end) else {
            return node.span;
        };
        let escape = piece.chars().next().map(|c| {
            [
                format!("\\u{:04X}", c as u32),
                format!("\\u{:04x}", c as u32),
            ]
        });
        let found = written.find(piece).map(|i| (i, piece.len())).or_else(|| {
            escape?
                .iter()
                .find_map(|e| written.find(e.as_str()).map(|i| (i, e.len())))
        });
        match found {
            Some((i, len)) => Span::new(
                node.span.file,
                node.span.start + i..node.span.start + i + len,
            ),
            None => node.span,
        }
    }

    fn mismatch(&mut self, node: &Node, path: &str, field: &Field) -> Json {
        let hint = match field.kind {
            Kind::List => Some("write each item on its own line, starting with `- `"),
            Kind::Record | Kind::Map => {
                Some("write the fields indented below this key, as `name: value`")
            }
            Kind::Text | Kind::Rich | Kind::Inline if matches!(node.value, Value::List(_)) => Some(
                "a list is not text; join the items into one text, or use a `|` block for several paragraphs",
            ),
            _ => None,
        };
        // A per-language map inside one language's value: the languages are given once.
        let nested = self
            .language_at
            .as_ref()
            .filter(|_| is_language_map(node))
            .map(|at| {
                format!(
                    "this is inside the {} value of `{}`, so it is in that language already: give it without languages",
                    locale::language_name(at.code),
                    at.field
                )
            });
        let diagnostic = self.error(
            node.span,
            path,
            format!(
                "expected {}, found {}",
                field.kind.expected(),
                node.describe()
            ),
        );
        if let Some(hint) = hint {
            diagnostic.hints.push(hint.into());
        }
        if let Some(nested) = nested {
            diagnostic.hints.push(nested);
        }
        Json::Null
    }

    /// A field's path as `brief show` and the live preview know it: without the language
    /// key of a value given per language (`event.date`, not `event.date.fr`).
    fn origin_path(&self, path: &str) -> String {
        match &self.language_at {
            Some(at) => {
                let given = join(&at.field, at.code);
                match path.strip_prefix(given.as_str()) {
                    Some(rest) => format!("{}{rest}", at.field),
                    None => path.to_string(),
                }
            }
            None => path.to_string(),
        }
    }

    fn record(
        &mut self,
        node: &Node,
        fields: &indexmap::IndexMap<String, Field>,
        decls: Option<&Node>,
        path: &str,
        reserved: &[&str],
    ) -> Json {
        let Value::Map(entries) = &node.value else {
            unreachable!("callers pass maps")
        };
        let mut out = JsonMap::new();
        // Fields an unknown key was taken for: their "missing" error would say it twice.
        let suggested = self.unknown_fields(entries, fields, path, reserved);
        let first_key = entries.first().map_or(node.span, |e| e.key_span);
        for (name, field) in fields {
            let field_path = join(path, name);
            let decl = decl_of(decls, name);
            let given = entries.iter().find(|e| &e.key == name).map(|e| &e.node);
            let value = match given {
                Some(value) if value.value != Value::Null => {
                    self.value(value, field, decl, &field_path)
                }
                // An explicit null removes a default (a layer can take out what a lower set).
                Some(null) if !field.required => {
                    self.origins.push(Provenance {
                        path: field_path.clone(),
                        span: null.span,
                        default: self.in_default,
                        value: Json::Null,
                    });
                    Json::Null
                }
                _ => match &field.default {
                    Some(default) => {
                        let default = match decl_part(decl, "default") {
                            Some(node) => node.clone(),
                            None => default.to_node(self.defaults_at),
                        };
                        let outer = std::mem::replace(&mut self.in_default, true);
                        let value = self.value(&default, field, decl, &field_path);
                        self.in_default = outer;
                        value
                    }
                    None if field.required && !(given.is_none() && suggested.contains(name)) => {
                        let at = given.map_or(first_key, |n| n.span);
                        let what = if given.is_some() {
                            "is empty"
                        } else {
                            "is missing"
                        };
                        let expected = field.kind.expected();
                        let diagnostic = self.error(
                            at,
                            &field_path,
                            format!("the required field `{name}` {what}"),
                        );
                        diagnostic.notes.push(format!("expected: {expected}"));
                        if let Some(description) = &field.description {
                            diagnostic.notes.push(format!("`{name}`: {description}"));
                        }
                        Json::Null
                    }
                    None => Json::Null,
                },
            };
            out.insert(name.clone(), value);
        }
        for (name, field) in fields {
            if let Some(sibling) = &field.row_length {
                self.row_lengths(entries, name, sibling, path);
            }
        }
        Json::Object(out)
    }

    /// Reports every key of a record that names no declared field (with "did you mean"), and
    /// gives the fields suggested for them.
    fn unknown_fields(
        &mut self,
        entries: &[yaml::Entry],
        fields: &indexmap::IndexMap<String, Field>,
        path: &str,
        reserved: &[&str],
    ) -> Vec<String> {
        let mut suggested = Vec::new();
        for entry in entries {
            if reserved.contains(&entry.key.as_str()) {
                continue;
            }
            if !fields.contains_key(&entry.key) {
                let field_path = join(path, &entry.key);
                let known: Vec<&str> = fields.keys().map(String::as_str).collect();
                let suggestion = did_you_mean(&entry.key, known.iter().copied());
                let place = if path.is_empty() {
                    "a brief of this template".to_string()
                } else {
                    format!("`{path}`")
                };
                let diagnostic = self.error(
                    entry.key_span,
                    &field_path,
                    format!("unknown field `{}`", entry.key),
                );
                match suggestion {
                    Some(s) => {
                        diagnostic.hints.push(format!("did you mean `{s}`?"));
                        suggested.push(s.to_string());
                    }
                    None => diagnostic
                        .notes
                        .push(format!("the fields of {place} are: {}", known.join(", "))),
                }
            }
        }
        suggested
    }

    /// A record of alternatives (`one-of`) holds exactly one of them.
    fn one_of(&mut self, node: &Node, field: &Field, path: &str) {
        let Value::Map(entries) = &node.value else {
            return;
        };
        let given: Vec<&yaml::Entry> = entries
            .iter()
            .filter(|e| field.one_of.contains(&e.key) && e.node.value != Value::Null)
            .collect();
        let names = field
            .one_of
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ");
        match given.as_slice() {
            [] => {
                // An unknown key (a misspelt `tabel:`) is reported already, with a suggestion.
                if entries.iter().any(|e| !field.fields.contains_key(&e.key)) {
                    return;
                }
                self.error(node.span, path, format!("expected one of {names} here"))
                    .notes
                    .push("each item holds exactly one of them".into());
            }
            [first, rest @ ..] => {
                for extra in rest {
                    let key = &extra.key;
                    self.error(
                        extra.key_span,
                        &join(path, key),
                        format!("`{key}` cannot stand beside `{}` in one item", first.key),
                    )
                    .hints
                    .push(format!(
                        "an item holds one of {names}: start a new item (`- {key}:`) for this one"
                    ));
                }
            }
        }
    }

    /// Each row of a `row-length` list has as many cells as the sibling list (the columns),
    /// in each language either is given in.
    fn row_lengths(&mut self, entries: &[yaml::Entry], name: &str, sibling: &str, path: &str) {
        // A list, or its value in each language (`None`: the same in every language).
        let lists = |key: &str| -> Vec<(Option<&str>, &[Node])> {
            let Some(node) = entries.iter().find(|e| e.key == key).map(|e| &e.node) else {
                return Vec::new();
            };
            match &node.value {
                Value::List(items) => vec![(None, &items[..])],
                Value::Map(languages) => languages
                    .iter()
                    .filter_map(|e| match &e.node.value {
                        Value::List(items) if locale::is_language(&e.key) => {
                            Some((Some(e.key.as_str()), &items[..]))
                        }
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            }
        };
        let all_columns = lists(sibling);
        for (language, rows) in lists(name) {
            let columns = all_columns
                .iter()
                .find(|(l, _)| l.is_none() || language.is_none() || *l == language);
            let Some((column_language, columns)) = columns else {
                continue;
            };
            let n = columns.len();
            let rows_path = match language {
                Some(code) => join(&join(path, name), code),
                None => join(path, name),
            };
            let sibling_path = match column_language {
                Some(code) => format!("{sibling}.{code}"),
                None => sibling.to_string(),
            };
            for (i, row) in rows.iter().enumerate() {
                let Value::List(cells) = &row.value else {
                    continue;
                };
                if cells.len() != n {
                    let k = cells.len();
                    self.error(
                        row.span,
                        &format!("{rows_path}[{i}]"),
                        format!(
                            "this row has {k} cell{}, but `{sibling_path}` has {n}",
                            plural(k)
                        ),
                    )
                    .hints
                    .push(format!(
                        "give each row one cell per item of `{sibling_path}`, in order; write an empty cell as \"\""
                    ));
                }
            }
        }
    }

    fn value(&mut self, node: &Node, field: &Field, decl: Option<&Node>, path: &str) -> Json {
        let leaf = match &node.value {
            Value::List(items) => items.is_empty(),
            Value::Map(entries) => entries.is_empty(),
            _ => true,
        };
        let json = self.value_of(node, field, decl, path);
        // Leaves and empty containers are what `brief show` lists.
        if leaf {
            self.origins.push(Provenance {
                path: self.origin_path(path),
                span: node.span,
                default: self.in_default,
                value: json.clone(),
            });
        }
        json
    }

    fn value_of(&mut self, node: &Node, field: &Field, decl: Option<&Node>, path: &str) -> Json {
        // Any field may be given per language. A map where a map is the field's own form
        // (a record, a map) is taken per language only when its keys say so; any other map is
        // checked as an attempt at one.
        let per_language = match field.kind {
            Kind::Record | Kind::Map => is_per_language(node, field),
            _ => matches!(node.value, Value::Map(_)),
        };
        if per_language && self.language_at.is_none() {
            return self.per_language(node, field, decl, path);
        }
        match field.kind {
            Kind::List => self.list(node, field, decl, path),
            Kind::Record => {
                if !matches!(node.value, Value::Map(_)) {
                    return self.mismatch(node, path, field);
                }
                let out = self.record(node, &field.fields, decl_part(decl, "fields"), path, &[]);
                if !field.one_of.is_empty() {
                    self.one_of(node, field, path);
                }
                out
            }
            Kind::Map => self.map(node, field, decl, path),
            _ => self.scalar(node, field, path),
        }
    }

    /// A list: each item checked, and the count against `min` and `max`.
    fn list(&mut self, node: &Node, field: &Field, decl: Option<&Node>, path: &str) -> Json {
        let Value::List(items) = &node.value else {
            return self.mismatch(node, path, field);
        };
        let item_field = field
            .items
            .as_deref()
            .expect("validated: lists declare items");
        let values: Vec<Json> = items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let item_path = format!("{path}[{i}]");
                if item.value == Value::Null {
                    self.error(item.span, &item_path, "this list item is empty");
                    Json::Null
                } else {
                    self.value(item, item_field, decl_part(decl, "items"), &item_path)
                }
            })
            .collect();
        if let Some(min) = field.min
            && items.len() < min
        {
            self.error(
                node.span,
                path,
                format!(
                    "expected at least {min} item{}, found {}",
                    plural(min),
                    items.len()
                ),
            );
        }
        if let Some(max) = field.max
            && items.len() > max
        {
            self.error(
                node.span,
                path,
                format!(
                    "expected at most {max} item{}, found {}",
                    plural(max),
                    items.len()
                ),
            );
        }
        Json::Array(values)
    }

    /// A map of entries of one declared type (acronyms); an entry given per language in other
    /// languages only belongs to those editions.
    fn map(&mut self, node: &Node, field: &Field, decl: Option<&Node>, path: &str) -> Json {
        let Value::Map(entries) = &node.value else {
            return self.mismatch(node, path, field);
        };
        let value_field = field
            .values
            .as_deref()
            .expect("validated: maps declare values");
        let mut out = JsonMap::new();
        for entry in entries {
            let entry_path = join(path, &entry.key);
            let per_language = is_per_language(&entry.node, value_field);
            // An entry of a map (an acronym) given in some languages only belongs to
            // the editions in those languages: `OTAN: {fr: ...}` beside
            // `NATO: {en: ...}`.
            if per_language && entry.node.get(self.edition.code()).is_none() {
                continue;
            }
            let outer = std::mem::replace(&mut self.map_entry, per_language);
            let value = if entry.node.value == Value::Null {
                self.error(
                    entry.key_span,
                    &entry_path,
                    format!("`{}` has no value", entry.key),
                );
                Json::Null
            } else {
                self.value(
                    &entry.node,
                    value_field,
                    decl_part(decl, "values"),
                    &entry_path,
                )
            };
            self.map_entry = outer;
            out.insert(entry.key.clone(), value);
        }
        Json::Object(out)
    }

    /// A field given per language (`{en: ..., fr: ...}`), whatever its kind: the value of
    /// each language is checked against the field's kind (at `path.fr`), the edition's is the
    /// field's value and is recorded as where it comes from; the others are checked only. A
    /// map whose keys look nothing like languages is an ordinary "expected ..." error, with a
    /// hint naming the brief's languages.
    fn per_language(
        &mut self,
        node: &Node,
        field: &Field,
        decl: Option<&Node>,
        path: &str,
    ) -> Json {
        let Value::Map(entries) = &node.value else {
            unreachable!("callers pass maps")
        };
        if entries.is_empty() || !entries.iter().any(|e| like_language(&e.key)) {
            self.mismatch(node, path, field);
            self.wants_languages.push(self.problems.len() - 1);
            return Json::Null;
        }
        let noun = noun(field);
        let mut languages = Vec::new();
        let mut unknown = false;
        for entry in entries {
            match Language::from_code(&entry.key) {
                Some(language) => languages.push(language.code()),
                None => {
                    unknown = true;
                    let key = entry.key.as_str();
                    let diagnostic = self.error(
                        entry.key_span,
                        path,
                        format!("`{key}` is not a language a {noun} can be given in"),
                    );
                    match key.split_once('-').filter(|(l, _)| locale::is_language(l)) {
                        Some((language, _)) => diagnostic.hints.push(format!(
                            "write the language alone, `{language}`: the region comes from the brief's `lang`"
                        )),
                        None => match did_you_mean(key, language_codes()) {
                            Some(s) => diagnostic.hints.push(format!("did you mean `{s}`?")),
                            None => diagnostic
                                .notes
                                .push(format!("the languages are {}", language_choices())),
                        },
                    }
                }
            }
        }
        if languages.is_empty() {
            // Every key was reported as not a language: that says it.
            return Json::Null;
        }
        let first_key = entries[0].key_span;
        let edition = self.edition.code();
        let mut chosen = None;
        // Languages left empty are missing from the brief's other editions (a warning, below)
        // and an error in their own.
        let mut given = Vec::new();
        for entry in entries {
            let Some(code) = Language::from_code(&entry.key).map(Language::code) else {
                continue;
            };
            if entry.node.value == Value::Null {
                if code == edition {
                    self.error(
                        entry.key_span,
                        &join(path, code),
                        format!(
                            "the {} {noun} of `{path}` is empty",
                            locale::language_name(code)
                        ),
                    );
                    chosen = Some(Json::Null);
                }
                continue;
            }
            given.push(code);
            // Another language's value is checked as fully as the edition's, but what it
            // adds to the edition (its data, where it came from, its images) is dropped.
            let (origins, images) = (self.origins.len(), self.images.len());
            self.language_at = Some(LanguageAt {
                field: path.to_string(),
                code,
                other: code != edition,
            });
            let value = self.value(&entry.node, field, decl, &join(path, code));
            self.language_at = None;
            if code == edition {
                chosen = Some(value);
            } else {
                self.origins.truncate(origins);
                self.images.truncate(images);
            }
        }
        if !self.map_entry {
            self.translations.push(Translation {
                path: path.to_string(),
                span: first_key,
                languages: given,
                noun,
                warn: !unknown,
            });
        }
        match chosen {
            Some(value) => value,
            None => {
                self.no_value_in_edition(first_key, path, &languages, noun);
                Json::Null
            }
        }
    }

    /// The error for a field given per language without the edition's language.
    fn no_value_in_edition(
        &mut self,
        at: Span,
        path: &str,
        languages: &[&'static str],
        noun: &str,
    ) {
        let edition = self.edition.code();
        let diagnostic = self.error(
            at,
            path,
            format!(
                "`{path}` has no {noun} in {}, the language of this edition",
                locale::language_name(edition)
            ),
        );
        diagnostic.notes.push(format!(
            "it is given in {}",
            locale::language_list(languages, "and")
        ));
        diagnostic.hints.push(format!(
            "add `{edition}: ...` to it, or build an edition it has with `--lang {}`",
            languages[0]
        ));
    }

    /// The brief's languages: the edition's, those of the editions built with it, and every
    /// language a field is given in.
    fn brief_languages(&self) -> Vec<&'static str> {
        Language::ALL
            .iter()
            .map(|l| l.code())
            .filter(|&c| {
                c == self.edition.code()
                    || self.editions.iter().any(|e| e.code() == c)
                    || self.translations.iter().any(|t| t.languages.contains(&c))
            })
            .collect()
    }

    /// Ends the problems about a map given where one value was expected with the hint that
    /// names the brief's languages, now that they are known.
    fn name_languages(&mut self) {
        if self.wants_languages.is_empty() {
            return;
        }
        let hint = per_language_hint(&self.brief_languages());
        for i in std::mem::take(&mut self.wants_languages) {
            self.problems[i].hints.push(hint.clone());
        }
    }

    /// Warnings for fields given in some of the brief's languages but not all: the brief's
    /// languages are every language any of its fields is given in. A field without the
    /// edition's language is an error already and is not warned about again.
    fn missing_translations(&mut self) {
        let used: Vec<&'static str> = Language::ALL
            .iter()
            .map(|l| l.code())
            .filter(|c| self.translations.iter().any(|t| t.languages.contains(c)))
            .collect();
        for translation in std::mem::take(&mut self.translations) {
            if !translation.warn || !translation.languages.contains(&self.edition.code()) {
                continue;
            }
            let missing: Vec<&str> = used
                .iter()
                .copied()
                .filter(|c| !translation.languages.contains(c))
                .collect();
            if missing.is_empty() {
                continue;
            }
            let path = &translation.path;
            let noun = translation.noun;
            self.problems.push(
                Diagnostic::warning(
                    Some(translation.span),
                    format!(
                        "`{path}` has no {noun} in {}",
                        locale::language_list(&missing, "or")
                    ),
                )
                .with_field(path)
                .with_note(format!(
                    "it is given in {}; the brief uses {}",
                    locale::language_list(&translation.languages, "and"),
                    locale::language_list(&used, "and")
                ))
                .with_hint(format!(
                    "add {} beside the others; the {} edition cannot be built until then",
                    missing
                        .iter()
                        .map(|c| format!("`{c}: ...`"))
                        .collect::<Vec<_>>()
                        .join(" and "),
                    locale::language_list(&missing, "and"),
                )),
            );
        }
    }

    /// The error for a required text given empty.
    fn required_empty(&mut self, node: &Node, path: &str) {
        let field_path = self.origin_path(path);
        let name = field_path.rsplit('.').next().unwrap_or(path);
        self.error(
            node.span,
            path,
            format!("the required field `{name}` is empty"),
        );
    }

    fn scalar(&mut self, node: &Node, field: &Field, path: &str) -> Json {
        let Value::Scalar(scalar) = &node.value else {
            return self.mismatch(node, path, field);
        };
        let text = scalar.text.as_str();
        if let Some(c) = text
            .chars()
            .find(|&c| c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
        {
            let name = format!("U+{:04X}", c as u32);
            let diagnostic = self.error(
                node.span,
                path,
                format!("the text holds the control character {name}"),
            );
            diagnostic.hints.push("control characters cannot be printed; delete it (it is often pasted in by accident)".into());
            return Json::Null;
        }
        if let Some((at, c, name)) = text
            .char_indices()
            .find_map(|(at, c)| Some((at, c, crate::text::direction_control(c)?)))
        {
            let span = self.place_of(node, &text[at..at + c.len_utf8()]);
            let diagnostic = self.error(
                span,
                path,
                format!(
                    "the text holds the direction control character U+{:04X} ({name})",
                    c as u32
                ),
            );
            diagnostic.hints.push("it reorders the letters after it without showing itself, so the text could read otherwise than it was written; delete it (Arabic and Hebrew need no such character: their letters set their direction)".into());
            return Json::Null;
        }
        let prose = matches!(field.kind, Kind::Text | Kind::Rich | Kind::Inline);
        // Prose in another language than the edition's has nothing more to check (its
        // Markdown is reviewed in its own edition), and its value is dropped: not converted.
        let empty = prose && text.trim().is_empty() && field.required;
        if prose && self.language_at.as_ref().is_some_and(|at| at.other) {
            if empty {
                self.required_empty(node, path);
            }
            return Json::Null;
        }
        match self.convert(node, field, path, text) {
            Ok(value) => {
                // Text is printed as the edition's language wants: typographic quotes, and
                // French spacing (no-break spaces before `:;!?` and inside « »).
                let value = match value {
                    Json::String(s) if field.kind == Kind::Text => {
                        Json::String(typography::literal(&s, self.locale))
                    }
                    value if prose => typography::rich(value, self.locale),
                    value => value,
                };
                if empty {
                    self.required_empty(node, path);
                }
                value
            }
            Err((message, expected)) => {
                let suggestion = match field.kind {
                    Kind::Date => dates::suggest_iso(text),
                    _ => None,
                };
                let diagnostic = self.error(node.span, path, message);
                if let Some(expected) = expected {
                    diagnostic.notes.push(format!("expected: {expected}"));
                }
                if let Some(suggestion) = suggestion {
                    diagnostic.hints.push(suggestion.hint(text));
                }
                // A time is written in many ways; the hint shows each of them.
                if field.kind == Kind::Time {
                    diagnostic.hints.push(dates::TIME_HINT.into());
                }
                Json::Null
            }
        }
    }

    /// The value of a scalar of `field`'s type, or what is wrong with it and what was expected.
    /// A value that is not one of an enum's choices is reported here (with "did you mean"),
    /// giving null.
    fn convert(
        &mut self,
        node: &Node,
        field: &Field,
        path: &str,
        text: &str,
    ) -> Result<Json, (String, Option<&'static str>)> {
        match field.kind {
            Kind::Text => Ok(Json::String(fold(text))),
            Kind::Rich | Kind::Inline => {
                let inline = field.kind == Kind::Inline;
                let (json, rest) = if inline {
                    markdown::inline_to_json_and_rest(text)
                } else {
                    markdown::to_json_and_rest(text)
                };
                self.parsed.push((inline, text.to_string(), rest));
                Ok(json)
            }
            Kind::Date => crate::model::ranges::parse(text)
                .map(|(first, last)| {
                    crate::model::ranges::to_json(&first, last.as_ref(), self.locale)
                })
                .map_err(|e| (e, Some(dates::DATE_FORMS))),
            Kind::Time => dates::parse_time(text)
                .map(|t| dates::time_to_json(t, self.locale))
                // The hint shows every form (see `scalar`).
                .map_err(|e| (e, None)),
            Kind::Datetime => dates::parse_datetime(text)
                .map(|t| dates::datetime_to_json(t, self.locale))
                .map_err(|e| (e, Some(dates::DATETIME_FORMS))),
            Kind::Integer => match text.trim().parse::<i64>() {
                Err(_) => Err((
                    format!("expected a whole number, found {}", node.describe()),
                    None,
                )),
                Ok(n) if field.min.is_some_and(|min| n < min as i64) => Err((
                    format!(
                        "expected a whole number of at least {}, found {n}",
                        field.min.unwrap_or(0)
                    ),
                    None,
                )),
                Ok(n) if field.max.is_some_and(|max| n > max as i64) => Err((
                    format!(
                        "expected a whole number of at most {}, found {n}",
                        field.max.unwrap_or(0)
                    ),
                    None,
                )),
                Ok(n) => Ok(json!(n)),
            },
            Kind::Number => text
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .map(|n| json!(n))
                .ok_or_else(|| {
                    (
                        format!("expected a number, found {}", node.describe()),
                        None,
                    )
                }),
            Kind::Boolean => match text.trim() {
                t if yaml::is_yaml_bool(t) => Ok(Json::Bool(t.eq_ignore_ascii_case("true"))),
                _ => Err((
                    format!("expected `true` or `false`, found {}", node.describe()),
                    None,
                )),
            },
            Kind::Enum => {
                let t = text.trim();
                if field.choices.iter().any(|c| c == t) {
                    Ok(Json::String(t.to_string()))
                } else {
                    let choices = field
                        .choices
                        .iter()
                        .map(|c| format!("`{c}`"))
                        .collect::<Vec<_>>()
                        .join(", ");
                    let diagnostic =
                        self.error(node.span, path, format!("`{t}` is not one of the choices"));
                    diagnostic.notes.push(format!("expected one of: {choices}"));
                    if let Some(s) = did_you_mean(t, field.choices.iter().map(String::as_str)) {
                        diagnostic.hints.push(format!("did you mean `{s}`?"));
                    }
                    Ok(Json::Null)
                }
            }
            Kind::Url => check_url(text.trim())
                .map(|u| Json::String(u.to_string()))
                .map_err(|e| (e, Some("a web address starting with https:// or http://"))),
            Kind::Email => check_email(text.trim())
                .map(|u| Json::String(u.to_string()))
                .map_err(|e| (e, Some("an e-mail address such as name@example.org"))),
            Kind::Length => length(field, text).map_err(|e| (e, Some(print::LENGTH_FORMS))),
            Kind::Color => color(text.trim())
                .map(Json::String)
                .map_err(|e| (e, Some("a colour written `#rrggbb`, such as `#1f4e79`"))),
            Kind::Font => {
                let family = fold(text);
                if family.is_empty() {
                    Err(("the font family is empty".into(), None))
                } else {
                    Ok(Json::String(family))
                }
            }
            Kind::Image => self
                .image(node, path, text.trim())
                .map_err(|e| (e, Some(IMAGE_EXPECTED))),
            Kind::List | Kind::Record | Kind::Map => {
                unreachable!("containers are handled by `value`")
            }
        }
    }
}

/// A `length` in points (`{pt, text}`), within the field's `at-least` and `at-most`.
fn length(field: &Field, text: &str) -> Result<Json, String> {
    let trimmed = text.trim();
    let points = print::parse_length(trimmed)?;
    fn bound(written: &Option<String>) -> Option<(f64, &str)> {
        let w = written.as_deref()?;
        print::parse_length(w).ok().map(|pt| (pt, w.trim()))
    }
    if let Some((least, written)) = bound(&field.at_least)
        && points < least - 1e-9
    {
        return Err(format!(
            "`{trimmed}` is too small here (at least {written})"
        ));
    }
    if let Some((most, written)) = bound(&field.at_most)
        && points > most + 1e-9
    {
        return Err(format!("`{trimmed}` is too large here (at most {written})"));
    }
    Ok(json!({"pt": points, "text": trimmed}))
}

/// A colour `#rgb` or `#rrggbb`, as `#rrggbb` in lower case.
fn color(text: &str) -> Result<String, String> {
    let hex = text
        .strip_prefix('#')
        .ok_or_else(|| format!("`{text}` is not a colour (it does not start with `#`)"))?;
    if !hex.chars().all(|c| c.is_ascii_hexdigit()) || !matches!(hex.len(), 3 | 6) {
        return Err(format!(
            "`{text}` is not a colour (expected three or six hexadecimal digits after `#`)"
        ));
    }
    let full: String = if hex.len() == 3 {
        hex.chars().flat_map(|c| [c, c]).collect()
    } else {
        hex.to_string()
    };
    Ok(format!("#{}", full.to_ascii_lowercase()))
}

/// The image formats typst places.
const IMAGE_EXTENSIONS: &[&str] = &["png", "jpg", "jpeg", "gif", "svg", "webp"];

impl Checker<'_> {
    /// Resolves an image path against the folder of the file that gave it.
    fn image(&mut self, node: &Node, path: &str, text: &str) -> Result<Json, String> {
        let Some(files) = self.files else {
            return Err(format!(
                "`{text}` cannot be looked up here (images are named in brief files)"
            ));
        };
        // A value from --set is relative to the current folder, like the brief's path.
        let base = files.folder_of(node.span.file);
        let relative = Path::new(text);
        if text.is_empty() {
            return Err("the image path is empty".into());
        }
        if relative.is_absolute() {
            return Err(format!(
                "`{text}` is an absolute path; name images relative to the brief, inside its folder"
            ));
        }
        let joined = if base == Path::new(".") {
            relative.to_path_buf()
        } else {
            base.join(relative)
        };
        self.read.push(joined.clone());
        let real = fs::canonicalize(&joined).map_err(|_| {
            format!(
                "the image `{text}` does not exist (looked for {})",
                joined.display()
            )
        })?;
        let folder =
            fs::canonicalize(base).map_err(|_| format!("the folder of `{text}` cannot be read"))?;
        if !real.starts_with(&folder) {
            return Err(format!(
                "the image `{text}` is outside the brief's folder (it leads to {})",
                real.display()
            ));
        }
        if !real.is_file() {
            return Err(format!("the image `{text}` is not a file"));
        }
        let ext = real
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        if !IMAGE_EXTENSIONS.contains(&ext.as_str()) {
            return Err(format!(
                "`{text}` is not an image typst can place (PNG, JPEG, GIF, SVG or WebP)"
            ));
        }
        // What the image declares is checked here, where the brief's line is known, before
        // typst's decoder ever allocates for it.
        let bytes = read_bounded(&real, MAX_IMAGE_BYTES).map_err(|e| {
            format!(
                "cannot read the image `{text}` ({})",
                e.describe("an image")
            )
        })?;
        image::check(&bytes, &ext).map_err(|why| format!("the image `{text}` {why}"))?;
        let virtual_path = format!("/.brief/images/{}.{ext}", self.images.len());
        self.images.push(Image {
            virtual_path: virtual_path.clone(),
            host: real,
            at: node.span,
            field: path.to_string(),
            written: text.to_string(),
        });
        Ok(json!({ "src": virtual_path, "file": text }))
    }
}

/// Whether a value is a text given per language: a map with a language among its keys.
pub fn is_language_map(node: &Node) -> bool {
    match &node.value {
        Value::Map(entries) => entries.iter().any(|e| locale::is_language(&e.key)),
        _ => false,
    }
}

/// Whether a value given for `field` is the field's value per language (`{en: ..., fr: ...}`)
/// rather than one value of its kind. For a field whose own form is a map, the keys decide: a
/// record's when none is one of its fields and one is a language, a map's when all are
/// languages and each holds a map; for any other field, a map with a key that looks like a
/// language.
pub fn is_per_language(node: &Node, field: &Field) -> bool {
    let Value::Map(entries) = &node.value else {
        return false;
    };
    match field.kind {
        // A misspelt field of a record is no attempt at a language: one key must be one.
        Kind::Record => {
            entries.iter().all(|e| !field.fields.contains_key(&e.key))
                && entries.iter().any(|e| locale::is_language(&e.key))
        }
        Kind::Map => {
            !entries.is_empty()
                && entries.iter().all(|e| {
                    locale::is_language(&e.key)
                        && matches!(e.node.value, Value::Map(_) | Value::Null)
                })
        }
        _ => entries.iter().any(|e| like_language(&e.key)),
    }
}

/// Whether a key looks like an attempt at a language: one (`fr`), one misspelt (`fre`), or
/// one with a region (`fr-CA`).
fn like_language(key: &str) -> bool {
    locale::is_language(key)
        || did_you_mean(key, language_codes()).is_some()
        || key
            .split_once('-')
            .is_some_and(|(l, _)| locale::is_language(l))
}

fn language_codes() -> impl Iterator<Item = &'static str> {
    Language::ALL.iter().map(|l| l.code())
}

/// What one language's value of a field is called: `text` for prose, else `value`.
fn noun(field: &Field) -> &'static str {
    match field.kind {
        Kind::Text | Kind::Rich | Kind::Inline => "text",
        _ => "value",
    }
}

/// The hint on a map given where one value was expected: any field may be given per
/// language, in the brief's languages (`codes`).
fn per_language_hint(codes: &[&str]) -> String {
    let form = codes
        .iter()
        .map(|c| format!("{c}: ..."))
        .collect::<Vec<_>>()
        .join(", ");
    let mut hint = format!(
        "per-language values are allowed: give every language of this brief ({}), as `{{{form}}}`",
        codes.join(", ")
    );
    if let [only] = codes
        && let Some(other) = language_codes().find(|c| c != only)
    {
        hint.push_str(&format!(
            "; a brief in several languages gives each, as `{{{only}: ..., {other}: ...}}`"
        ));
    }
    hint
}

/// The languages, for a note: `en (English), fr (French), ko (Korean)`.
fn language_choices() -> String {
    Language::ALL
        .iter()
        .map(|l| format!("`{}` ({})", l.code(), l.name()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn check_url(text: &str) -> Result<&str, String> {
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"));
    match rest {
        Some(rest)
            if !rest.is_empty()
                && !rest.starts_with('/')
                && !text.chars().any(char::is_whitespace) =>
        {
            Ok(text)
        }
        _ => Err(format!("`{text}` is not a web address")),
    }
}

fn check_email(text: &str) -> Result<&str, String> {
    let valid = match text.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !text.chars().any(char::is_whitespace)
        }
        None => false,
    };
    if valid {
        Ok(text)
    } else {
        Err(format!("`{text}` is not an e-mail address"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rich_text_splits_paragraphs_on_blank_lines() {
        let blocks = markdown::to_json("One\nline.\n\n\nTwo.\n");
        let texts: Vec<&Json> = blocks
            .as_array()
            .unwrap()
            .iter()
            .map(|b| &b["text"])
            .collect();
        assert_eq!(texts, [&json!("One line."), &json!("Two.")]);
    }

    #[test]
    fn folding_keeps_no_break_spaces() {
        assert_eq!(
            fold(" ten\u{a0}km \n and\t5\u{202f}kg "),
            "ten\u{a0}km and 5\u{202f}kg"
        );
    }

    #[test]
    fn urls_and_emails() {
        assert!(check_url("https://www.asiapacific.ca/").is_ok());
        assert!(check_url("www.asiapacific.ca").is_err());
        assert!(check_email("info@asiapacific.ca").is_ok());
        assert!(check_email("info@localhost").is_err());
    }
}
