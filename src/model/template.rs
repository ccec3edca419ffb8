//! Templates: a folder with a manifest (`template.yaml`) that declares every field the
//! template reads and its type, the typst files that draw it, and its fonts. Built-in
//! templates are embedded in the binary from `templates/` in the repository.

use std::borrow::Cow;
use std::collections::BTreeMap;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::diag::{Diagnostic, FileKey, Files, Span, did_you_mean};
use crate::error::describe_io;
use crate::input::read::{ReadFailure, read_bounded};
use crate::input::yaml::ManifestValue;
use crate::input::yaml::{self, Node};
use crate::model::contract;
use crate::model::marking::{self, Level};
use crate::model::standard::Standard;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/templates.rs"));
}

mod prepared;

/// The template a brief gets when it names none.
pub const DEFAULT_TEMPLATE: &str = "background-note";

/// The manifest's file name inside a template folder.
pub const MANIFEST: &str = "template.yaml";

/// A template's manifest: what it is and the typed fields it reads.
#[derive(Debug, Clone, Deserialize, Serialize)]
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
    #[serde(
        default,
        rename = "document-date",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub document_date: Vec<String>,
    /// The version of the template contract (see [`contract`]) the template is written for;
    /// none is read as version 1, with a warning.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract: Option<u32>,
    /// Whether this is a part of the handout (`brief handout` uses it; a writer does not
    /// name it in `template:`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub part: bool,
    /// The PDF standards a build meets unless the command line says otherwise (see
    /// [`crate::model::standard::resolve`]): `[ua-1]` for every built-in template; none when left out.
    #[serde(
        default,
        rename = "pdf-standard",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub pdf_standard: Vec<Standard>,
    /// House rules the checker enforces beyond each field's type (see [`Rule`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<Rule>,
    /// Every field a brief may give, in the order a starter brief lists them.
    pub fields: IndexMap<String, Field>,
}

/// A house rule a manifest states and the checker enforces, each failure a located error:
/// fields a brief must give when others have given values (`when` and `require`), and texts
/// it must give in several languages (`languages`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// The top-level fields and the values that make the rule apply (all of them); empty, it
    /// always applies.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub when: IndexMap<String, String>,
    /// The top-level fields a brief must then give.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub require: Vec<String>,
    /// Fields a brief must give in each of these languages (`{en: ..., fr: ...}`), even
    /// when it is written in one.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub languages: IndexMap<String, Vec<String>>,
    /// Why the rule holds, said with each error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Manifest {
    /// The declaration of the field at a data path such as `style.body-font` or
    /// `sections[2].blocks[0].table.caption` (list indexes and map keys walk into the items
    /// and values).
    pub fn field_at(&self, path: &str) -> Option<&Field> {
        let mut fields = &self.fields;
        let mut found: Option<&Field> = None;
        for part in path.split('.') {
            let (name, mut indexes) = match part.find('[') {
                Some(i) => (&part[..i], part[i..].matches('[').count()),
                None => (part, 0),
            };
            let mut field = match found {
                // A map's key names one of its values.
                Some(f) if f.kind == Kind::Map => f.values.as_deref()?,
                _ => fields.get(name)?,
            };
            while indexes > 0 {
                field = field.items.as_deref()?;
                indexes -= 1;
            }
            fields = &field.fields;
            found = Some(field);
        }
        found
    }
}

/// Whether a flag is off: a manifest read ahead of time (`manifests.json`) leaves it out.
fn is_false(flag: &bool) -> bool {
    !flag
}

fn default_entry() -> String {
    "main.typ".into()
}

/// The declaration of one field.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// The field's type.
    #[serde(rename = "type")]
    pub kind: Kind,
    /// Whether a brief must give it.
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    /// The value used when a brief gives none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<ManifestValue>,
    /// One line saying what the field is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The allowed values of an `enum`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<String>,
    /// The type of a `list`'s items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Box<Field>>,
    /// The fields of a `record`.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub fields: IndexMap<String, Field>,
    /// The type of a `map`'s values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Box<Field>>,
    /// Fewest items of a `list`, or the smallest value of an `integer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<usize>,
    /// Most items of a `list`, or the largest value of an `integer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<usize>,
    /// What reads the field when the template itself does not print it, such as `handout`
    /// (the participant list, personalized copies, name tents): `brief check --template` then
    /// does not warn that the template never reads it.
    #[serde(default, rename = "used-by", skip_serializing_if = "Option::is_none")]
    pub used_by: Option<String>,
    /// For a `record` whose fields are alternatives, such as the kinds of a block: a brief
    /// gives exactly one of these fields.
    #[serde(default, rename = "one-of", skip_serializing_if = "Vec::is_empty")]
    pub one_of: Vec<String>,
    /// For a `list` of lists, such as a table's rows: each inner list has as many items as the
    /// list field of this name beside it in the same record (the table's `columns`).
    #[serde(
        default,
        rename = "row-length",
        skip_serializing_if = "Option::is_none"
    )]
    pub row_length: Option<String>,
    /// The smallest value of a `length`, written as a length (`6pt`).
    #[serde(default, rename = "at-least", skip_serializing_if = "Option::is_none")]
    pub at_least: Option<String>,
    /// The largest value of a `length`, written as a length (`20pt`).
    #[serde(default, rename = "at-most", skip_serializing_if = "Option::is_none")]
    pub at_most: Option<String>,
}

/// The types a field can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// One line or more of plain text, white space folded.
    Text,
    /// Paragraphs of prose, separated by blank lines.
    Rich,
    /// One line of prose with inline formatting (emphasis, strong, code, links, citations);
    /// nothing in it starts a block, so `# 1`, `- x` or `1.` print as written.
    Inline,
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
    /// A length with its unit (`10pt`, `12mm`, `1.5cm`, `0.75in`), within the field's
    /// `at-least` and `at-most`.
    Length,
    /// A colour written `#rrggbb` (or `#rgb`).
    Color,
    /// A font family among the embedded fonts and those of `--font-path`.
    Font,
    /// An e-mail address.
    Email,
    /// A picture (PNG, JPEG, GIF, SVG, WebP) named by a path relative to the file that gives
    /// it, which must exist inside that file's folder.
    Image,
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
            Kind::Inline => "text",
            Kind::Date => "a date",
            Kind::Time => "a time of day",
            Kind::Datetime => "a date and time",
            Kind::Integer => "a whole number",
            Kind::Number => "a number",
            Kind::Boolean => "`true` or `false`",
            Kind::Enum => "one of the listed choices",
            Kind::Url => "a web address",
            Kind::Length => "a length with its unit",
            Kind::Color => "a colour written #rrggbb",
            Kind::Font => "a font family",
            Kind::Email => "an e-mail address",
            Kind::Image => "an image file (PNG, JPEG, GIF, SVG or WebP) beside the brief",
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
    /// Read from this folder.
    Folder(PathBuf),
}

/// A loaded template: its manifest and every file of its folder.
#[derive(Debug, Clone)]
pub struct Template {
    /// The manifest.
    pub manifest: Manifest,
    /// The manifest as a positioned tree, so defaults can say where they were written.
    pub manifest_tree: Node,
    /// Files by path relative to the template folder, with `/` separators: borrowed from the
    /// binary for built-in templates, owned for templates read from disk.
    pub files: BTreeMap<String, Cow<'static, [u8]>>,
    /// Where it came from.
    pub origin: Origin,
    /// The name diagnostics give the template folder.
    pub display_root: String,
    /// Warnings found while loading it: a manifest that declares no `contract`, or an older
    /// one. Loading a brief passes them on with the brief's own warnings.
    pub warnings: Vec<Diagnostic>,
}

/// The most a template folder read from disk may hold.
pub const MAX_TEMPLATE_BYTES: u64 = 64 * 1024 * 1024;

/// Where templates are looked up: user folders first (`--templates DIR`, then a `templates/`
/// folder beside the brief), then the built-in ones. Each folder holds one folder per template.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    folders: Vec<PathBuf>,
}

/// One entry of [`Registry::list`].
#[derive(Debug, Clone)]
pub struct Listed {
    /// The template's name.
    pub name: String,
    /// Its one-line description, or the reason it cannot be loaded.
    pub description: String,
    /// Where it comes from.
    pub origin: Origin,
    /// Whether it is a handout part rather than a template a writer chooses.
    pub part: bool,
    /// The choices of its `layout` field, the default first marked as such; empty when it
    /// has one layout.
    pub layouts: Vec<String>,
}

impl Manifest {
    /// The choices of the `layout` field, the default marked: `one-column (the default)`.
    pub fn layouts(&self) -> Vec<String> {
        let Some(field) = self.fields.get("layout").filter(|f| f.kind == Kind::Enum) else {
            return Vec::new();
        };
        let default = field
            .default
            .as_ref()
            .and_then(|d| d.as_str().map(str::to_string));
        field
            .choices
            .iter()
            .map(|c| {
                if default.as_deref() == Some(c.as_str()) {
                    format!("{c} (the default)")
                } else {
                    c.clone()
                }
            })
            .collect()
    }
}

impl Registry {
    /// A registry searching `explicit` (from `--templates`) and the `templates/` folder beside
    /// `brief`, before the built-in templates.
    pub fn new(explicit: Option<&Path>, brief: Option<&Path>) -> Self {
        let mut folders = Vec::new();
        if let Some(dir) = explicit {
            folders.push(dir.to_path_buf());
        }
        if let Some(brief) = brief {
            let beside = brief.parent().unwrap_or(Path::new("")).join("templates");
            if beside.is_dir() && !folders.contains(&beside) {
                folders.push(beside);
            }
        }
        Self { folders }
    }

    /// The user folders searched, highest precedence first.
    pub fn folders(&self) -> &[PathBuf] {
        &self.folders
    }

    /// Every template name this registry knows, each once (user folders hide built-ins).
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for folder in &self.folders {
            for name in template_folders(folder) {
                if !names.contains(&name) {
                    names.push(name);
                }
            }
        }
        for name in Template::builtin_names() {
            if !names.iter().any(|n| n == name) {
                names.push(name.to_string());
            }
        }
        names.sort();
        names
    }

    /// Every template with its description, for `brief templates`.
    pub fn list(&self) -> Vec<Listed> {
        self.names()
            .into_iter()
            .map(|name| {
                let mut files = Files::default();
                match self.load(&name, &mut files, None) {
                    Ok(t) => Listed {
                        name,
                        layouts: t.manifest.layouts(),
                        part: t.manifest.part,
                        description: t.manifest.description,
                        origin: t.origin,
                    },
                    Err(problems) => Listed {
                        description: format!(
                            "(cannot be loaded: {})",
                            problems.first().map_or("", |p| p.message.as_str())
                        ),
                        origin: self.locate(&name).map_or(Origin::BuiltIn, Origin::Folder),
                        part: false,
                        layouts: Vec::new(),
                        name,
                    },
                }
            })
            .collect()
    }

    fn locate(&self, name: &str) -> Option<PathBuf> {
        self.folders
            .iter()
            .map(|f| f.join(name))
            .find(|d| d.join(MANIFEST).is_file())
    }

    /// Loads a template by name, or from a folder when `name` is a path to one (it contains a
    /// `/` or names an existing folder with a manifest). `at` is where the brief named it.
    pub fn load(
        &self,
        name: &str,
        files: &mut Files,
        at: Option<Span>,
    ) -> Result<Template, Vec<Diagnostic>> {
        let as_path = Path::new(name);
        if (name.contains('/') || name.contains('\\')) && as_path.join(MANIFEST).is_file() {
            return Template::from_folder(as_path, files);
        }
        if let Some(dir) = self.locate(name) {
            return Template::from_folder(&dir, files);
        }
        if Template::builtin_names().contains(&name) {
            return Template::builtin(name, files);
        }
        let names = self.names();
        let mut diagnostic = Diagnostic::error(at, format!("there is no template named `{name}`"))
            .with_field("template")
            .with_note(format!("the templates are: {}", names.join(", ")));
        if let Some(suggestion) = did_you_mean(name, names.iter().map(String::as_str)) {
            diagnostic = diagnostic.with_hint(format!("did you mean `{suggestion}`?"));
        }
        Err(vec![diagnostic])
    }
}

/// The names of the template folders (those with a manifest) directly inside `folder`.
fn template_folders(folder: &Path) -> Vec<String> {
    let Ok(entries) = fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .flatten()
        .filter(|e| e.path().join(MANIFEST).is_file())
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .collect();
    names.sort();
    names
}

/// Manifests read in this process, by their text and the key of their text in the registry
/// of files (the tree's places name it): a watch session, a preview or a handout loads the
/// same templates again at every build, and reading a manifest twice over (the tree, then
/// serde) is about 10 million instructions, as much as checking the brief.
struct ReadManifests {
    entries: Vec<ReadManifest>,
}

/// One manifest seen: read again only the second time it is seen, so that a process that
/// loads a template once (`brief build`) keeps no copy of it.
struct ReadManifest {
    text: String,
    key: FileKey,
    read: Option<(Manifest, Node, bool)>,
}

/// How many manifests [`ReadManifests`] remembers: a handout's parts and their template.
const READ_MANIFESTS: usize = 16;

static READ: Mutex<ReadManifests> = Mutex::new(ReadManifests {
    entries: Vec::new(),
});

/// A manifest's text read into the typed manifest and its positioned tree (its diagnostics
/// registered under `key`), and whether it is a built-in manifest read ahead of time, whose
/// fields are known to be declared coherently (a test loads every built-in template); the
/// same text under the same key a second time comes from [`READ`].
fn read_manifest(text: String, key: FileKey) -> Result<(Manifest, Node, bool), Vec<Diagnostic>> {
    let seen = {
        let cache = READ.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .entries
            .iter()
            .find(|e| e.key == key && e.text == text)
            .map(|e| e.read.clone())
    };
    if let Some(Some(read)) = seen {
        return Ok(read);
    }
    let (manifest, tree, built_in) = match prepared::read_ahead::<Manifest>(&text, key) {
        Some((manifest, tree)) => (manifest, tree, true),
        None => {
            let (tree, manifest) = read_both(&text, key);
            let tree = tree.map_err(yaml::for_manifest)?;
            (manifest.map_err(|d| vec![d])?, tree, false)
        }
    };
    let mut cache = READ.lock().unwrap_or_else(|e| e.into_inner());
    match cache
        .entries
        .iter_mut()
        .find(|e| e.key == key && e.text == text)
    {
        Some(entry) => entry.read = Some((manifest.clone(), tree.clone(), built_in)),
        None => {
            if cache.entries.len() == READ_MANIFESTS {
                cache.entries.remove(0);
            }
            cache.entries.push(ReadManifest {
                text,
                key,
                read: None,
            });
        }
    }
    Ok((manifest, tree, built_in))
}

/// A manifest's positioned tree and its typed reading. serde_yaml expands aliases without
/// a bound, so it reads only a text that [`yaml::parse`] has read within a brief's limits,
/// or one without any alias (`*`), where its work is bounded by the text's length: then both
/// are read at once, serde on a second core (half a template's load, 5 million instructions).
fn read_both(
    text: &str,
    key: FileKey,
) -> (Result<Node, Vec<Diagnostic>>, Result<Manifest, Diagnostic>) {
    if text.contains('*') {
        let tree = yaml::parse(text, key);
        let manifest = match &tree {
            Ok(_) => yaml::deserialize(text, key),
            Err(_) => Err(Diagnostic::error(None, "not read: the tree failed")),
        };
        return (tree, manifest);
    }
    std::thread::scope(|scope| {
        let typed = scope.spawn(|| yaml::deserialize(text, key));
        let tree = yaml::parse(text, key);
        let manifest = typed
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (tree, manifest)
    })
}

impl Template {
    /// The names of the built-in templates.
    pub fn builtin_names() -> Vec<&'static str> {
        let mut names: Vec<&str> = embedded::FILES
            .iter()
            .filter_map(|(path, _)| path.strip_suffix(&format!("/{MANIFEST}")))
            .filter(|name| !name.contains('/'))
            .collect();
        names.sort();
        names
    }

    /// Loads a built-in template by name.
    fn builtin(name: &str, files: &mut Files) -> Result<Self, Vec<Diagnostic>> {
        let prefix = format!("{name}/");
        let template_files: BTreeMap<String, Cow<'static, [u8]>> = embedded::FILES
            .iter()
            .filter_map(|(path, bytes)| {
                path.strip_prefix(&prefix)
                    .map(|p| (p.to_string(), Cow::Borrowed(*bytes)))
            })
            .collect();
        Self::assemble(
            template_files,
            Origin::BuiltIn,
            format!("templates/{name}"),
            files,
        )
    }

    /// Loads a template from its folder on disk. Only regular files inside the folder are
    /// read: a link that leads outside it is refused.
    pub fn from_folder(dir: &Path, files: &mut Files) -> Result<Self, Vec<Diagnostic>> {
        files.depend(dir);
        let display_root = dir.display().to_string();
        let fail = |message: String| vec![Diagnostic::error(None, message)];
        let root = fs::canonicalize(dir).map_err(|e| {
            fail(format!(
                "cannot read the template folder {display_root} ({})",
                describe_io(&e)
            ))
        })?;
        let mut template_files = BTreeMap::new();
        let mut total = 0u64;
        let mut pending = vec![root.clone()];
        while let Some(folder) = pending.pop() {
            let entries = fs::read_dir(&folder).map_err(|e| {
                fail(format!(
                    "cannot read {} ({})",
                    folder.display(),
                    describe_io(&e)
                ))
            })?;
            for entry in entries.flatten() {
                if entry.file_name().to_string_lossy().starts_with('.') {
                    continue;
                }
                let Ok(real) = fs::canonicalize(entry.path()) else {
                    continue;
                };
                if !real.starts_with(&root) {
                    return Err(fail(format!(
                        "the template file {} leads outside the template folder (a link to {})",
                        entry.path().display(),
                        real.display()
                    )));
                }
                if real.is_dir() {
                    pending.push(real);
                    continue;
                }
                // Read within what is left of the folder's budget, never waiting on a pipe.
                let bytes = match read_bounded(&real, MAX_TEMPLATE_BYTES - total) {
                    Ok(bytes) => bytes,
                    Err(ReadFailure::TooLarge { .. }) => {
                        return Err(fail(format!(
                            "the template folder {display_root} holds more than {} MB",
                            MAX_TEMPLATE_BYTES / 1024 / 1024
                        )));
                    }
                    Err(ReadFailure::Special(kind)) => {
                        return Err(vec![
                            Diagnostic::error(
                                None,
                                format!(
                                    "the template folder {display_root} holds {} ({kind}, not a file)",
                                    entry.path().display()
                                ),
                            )
                            .with_hint("a template folder holds only files and folders; move it out"),
                        ]);
                    }
                    Err(ReadFailure::Io(e)) => {
                        return Err(fail(format!(
                            "cannot read {} ({})",
                            real.display(),
                            describe_io(&e)
                        )));
                    }
                };
                total += bytes.len() as u64;
                let relative = real.strip_prefix(&root).expect("checked above");
                let relative = relative.to_string_lossy().replace('\\', "/");
                template_files.insert(relative, Cow::Owned(bytes));
            }
        }
        Self::assemble(
            template_files,
            Origin::Folder(dir.to_path_buf()),
            display_root,
            files,
        )
    }

    fn assemble(
        template_files: BTreeMap<String, Cow<'static, [u8]>>,
        origin: Origin,
        display_root: String,
        files: &mut Files,
    ) -> Result<Self, Vec<Diagnostic>> {
        let Some(manifest) = template_files.get(MANIFEST) else {
            return Err(vec![Diagnostic::error(
                None,
                format!("the template folder {display_root} has no {MANIFEST}"),
            )]);
        };
        // Checked as UTF-8 at once when it is (every built-in manifest), else read lossily.
        let text = match std::str::from_utf8(manifest) {
            Ok(text) => text.to_string(),
            Err(_) => String::from_utf8_lossy(manifest).into_owned(),
        };
        let key = files.add(format!("{display_root}/{MANIFEST}"), text.clone());
        let (manifest, manifest_tree, built_in) = read_manifest(text, key)?;
        let template = Template {
            manifest,
            manifest_tree,
            files: template_files,
            origin,
            display_root,
            warnings: Vec::new(),
        };
        let mut template = template;
        template.validate(built_in)?;
        template.warnings = template.check_contract()?;
        Ok(template)
    }

    /// The manifest's place, for diagnostics about the manifest as a whole.
    pub fn manifest_span(&self) -> Span {
        Span {
            end: self.manifest_tree.span.start,
            ..self.manifest_tree.span
        }
    }

    /// Checks the manifest's `contract` against the version this brief serves: a newer (or
    /// unknown) version is an error at its line, since the template relies on data or library
    /// functions this brief does not have and would fail deep inside typst or print wrong; an
    /// older one, or none, builds with a warning saying what changed since.
    fn check_contract(&self) -> Result<Vec<Diagnostic>, Vec<Diagnostic>> {
        let current = contract::VERSION;
        let history = || {
            contract::HISTORY
                .iter()
                .map(|(version, what)| format!("contract {version}: {what}"))
                .collect::<Vec<_>>()
                .join("\n")
        };
        let Some(declared) = self.manifest.contract else {
            return Ok(vec![
                Diagnostic::warning(
                    Some(self.manifest_span()),
                    format!(
                        "{MANIFEST} declares no `contract`: it is read as template contract 1"
                    ),
                )
                .with_hint(format!(
                    "add `contract: {current}` to {MANIFEST}: the version of the template contract (the data, the page library and the manifest keys, see docs/templates.md) the template is written for"
                )),
            ]);
        };
        let at = self
            .manifest_tree
            .get("contract")
            .map_or(self.manifest_span(), |entry| entry.node.span);
        if declared == 0 || declared > current {
            let what = if declared == 0 {
                "there is no template contract 0: the first is 1".to_string()
            } else {
                format!(
                    "the template is written for template contract {declared}, but this brief ({}) serves contract {current}",
                    env!("CARGO_PKG_VERSION")
                )
            };
            let hint = if declared == 0 {
                format!("write `contract: {current}`")
            } else {
                format!(
                    "use a brief that serves contract {declared}, or write the template for contract {current} (docs/templates.md says what each version has)"
                )
            };
            return Err(vec![
                Diagnostic::error(Some(at), what)
                    .with_note(format!("the versions this brief knows:\n{}", history()))
                    .with_hint(hint),
            ]);
        }
        if declared < current {
            let changes: Vec<String> = contract::changes_since(declared)
                .iter()
                .map(|(version, what)| format!("contract {version}: {what}"))
                .collect();
            return Ok(vec![
                Diagnostic::warning(
                    Some(at),
                    format!(
                        "the template is written for template contract {declared}; this brief serves contract {current}"
                    ),
                )
                .with_note(format!("changed since:\n{}", changes.join("\n")))
                .with_hint(format!(
                    "check the template against these changes, then write `contract: {current}`"
                )),
            ]);
        }
        Ok(Vec::new())
    }

    /// Checks that the manifest is coherent: lists have items, records fields, and so on.
    fn validate(&self, fields_known_valid: bool) -> Result<(), Vec<Diagnostic>> {
        let mut problems = Vec::new();
        let entry = &self.manifest.entry;
        let plain = entry.ends_with(".typ")
            && !entry.split('/').any(|part| part.is_empty() || part == "..")
            && entry
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-./".contains(c));
        if !plain {
            problems.push(Diagnostic::error(
                Some(self.manifest_span()),
                format!(
                    "the template's entry `{entry}` must be a plain relative path to a .typ file"
                ),
            ));
        } else if !self.files.contains_key(&self.manifest.entry) {
            problems.push(Diagnostic::error(
                Some(self.manifest_span()),
                format!(
                    "the template's entry file `{}` is missing",
                    self.manifest.entry
                ),
            ));
        }
        if !fields_known_valid {
            validate_record(
                "",
                &self.manifest.fields,
                self.manifest_span(),
                &mut problems,
            );
        }
        for (i, rule) in self.manifest.rules.iter().enumerate() {
            let named = rule
                .when
                .keys()
                .chain(&rule.require)
                .chain(rule.languages.keys());
            for name in named {
                if !self.manifest.fields.contains_key(name) {
                    problems.push(Diagnostic::error(
                        Some(self.manifest_span()),
                        format!(
                            "rule {} names the field `{name}`, which the manifest does not declare",
                            i + 1
                        ),
                    ));
                }
            }
            for code in rule.languages.values().flatten() {
                if crate::model::locale::Language::from_code(code).is_none() {
                    problems.push(Diagnostic::error(
                        Some(self.manifest_span()),
                        format!("rule {} names the language `{code}`, which brief does not know (en, fr, ko)", i + 1),
                    ));
                }
            }
        }
        // brief prints the marking, so it must know every level the template offers.
        if let Some(field) = self.manifest.fields.get(marking::FIELD) {
            let unknown: Vec<&str> = field
                .choices
                .iter()
                .map(String::as_str)
                .filter(|c| Level::from_id(c).is_none())
                .collect();
            if field.kind != Kind::Enum || !unknown.is_empty() {
                let levels: Vec<&str> = Level::ALL.iter().map(|l| l.id()).collect();
                problems.push(
                    Diagnostic::error(
                        Some(self.manifest_span()),
                        format!(
                            "the declaration of `{}` must be an enum of security levels{}",
                            marking::FIELD,
                            if unknown.is_empty() {
                                String::new()
                            } else {
                                format!(" (brief knows no level `{}`)", unknown.join("`, `"))
                            }
                        ),
                    )
                    .with_hint(format!("the levels are: {}", levels.join(", "))),
                );
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}

/// Checks the fields of a record (or the top level, with `path` empty), and the attributes that
/// name a sibling field.
fn validate_record(
    path: &str,
    fields: &IndexMap<String, Field>,
    at: Span,
    problems: &mut Vec<Diagnostic>,
) {
    for (name, field) in fields {
        let full = if path.is_empty() {
            name.clone()
        } else {
            format!("{path}.{name}")
        };
        validate_field(&full, field, at, problems);
        if let Some(sibling) = &field.row_length {
            let lists = field.kind == Kind::List
                && field.items.as_deref().is_some_and(|i| i.kind == Kind::List);
            let target = fields.get(sibling).map(|f| f.kind);
            if !lists || target != Some(Kind::List) {
                problems.push(Diagnostic::error(
                    Some(at),
                    format!(
                        "the declaration of `{full}` has `row-length: {sibling}`, which needs `{full}` to be a list of lists and `{sibling}` a list beside it"
                    ),
                ));
            }
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
    if !field.one_of.is_empty() {
        if field.kind != Kind::Record {
            fail("has `one-of`, which only a record can have");
        }
        for name in &field.one_of {
            match field.fields.get(name) {
                None => fail(&format!(
                    "names `{name}` in `one-of`, but has no such field"
                )),
                Some(f) if f.required => fail(&format!(
                    "names `{name}` in `one-of`, but `{name}` is required; alternatives are optional"
                )),
                _ => {}
            }
        }
    }
    if let Some(items) = &field.items {
        validate_field(&format!("{path}[]"), items, at, problems);
    }
    if let Some(values) = &field.values {
        validate_field(&format!("{path}.*"), values, at, problems);
    }
    validate_record(path, &field.fields, at, problems);
}

/// Whether a template file is a font, by its extension.
pub fn is_font(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    [".ttf", ".otf", ".ttc", ".otc"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

/// The folder under `templates/` in the repository that holds the page library
/// ([`crate::model::contract::PAGE_LIBRARY`]) rather than a template: it has no manifest, so it
/// is never listed or loaded as one.
const PAGE_LIBRARY_FOLDER: &str = "@page/";

/// The page library's files, embedded in the binary: (path inside the package, contents).
pub fn page_library() -> impl Iterator<Item = (&'static str, &'static [u8])> {
    embedded::FILES
        .iter()
        .filter_map(|(path, bytes)| path.strip_prefix(PAGE_LIBRARY_FOLDER).map(|p| (p, *bytes)))
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

    /// The manifest of a built-in template, as text.
    fn builtin_manifest(name: &str) -> String {
        let path = format!("{name}/{MANIFEST}");
        let (_, bytes) = embedded::FILES
            .iter()
            .find(|(p, _)| *p == path)
            .expect("a built-in manifest");
        String::from_utf8(bytes.to_vec()).expect("UTF-8")
    }

    /// A manifest read a third time comes from the memo, the same as reading it afresh.
    #[test]
    fn a_manifest_read_again_comes_from_the_memo() {
        // A key no registry of files reaches in these tests.
        let key = 9_000_001;
        let text = builtin_manifest("background-note");
        let fresh = read_manifest(text.clone(), key).expect("it reads");
        let again = read_manifest(text.clone(), key).expect("it reads");
        let memo = READ.lock().unwrap();
        let entry = memo.entries.iter().find(|e| e.key == key && e.text == text);
        assert!(
            entry.is_some_and(|e| e.read.is_some()),
            "kept after the second read"
        );
        drop(memo);
        let third = read_manifest(text, key).expect("it reads");
        for read in [&again, &third] {
            assert_eq!(format!("{:?}", read.0), format!("{:?}", fresh.0));
            assert_eq!(read.1, fresh.1);
        }
    }

    /// Every built-in manifest read as a manifest on disk is: (name, text, manifest, tree).
    fn read_afresh(file: FileKey) -> Vec<(String, String, Manifest, Node)> {
        Template::builtin_names()
            .into_iter()
            .map(|name| {
                let text = builtin_manifest(name);
                let (tree, manifest) = read_both(&text, file);
                let (tree, manifest) = (tree.expect("it parses"), manifest.expect("it reads"));
                (name.to_string(), text, manifest, tree)
            })
            .collect()
    }

    /// The manifests read ahead of time are what reading each built-in manifest gives today,
    /// and they are served for exactly that text.
    #[test]
    fn prepared_manifests_are_the_builtin_ones_read_afresh() {
        let read = read_afresh(7);
        if std::env::var_os("BLESS").is_some() {
            std::fs::write(prepared::PATH, prepared::written(&read)).expect("writable");
            return;
        }
        assert_eq!(
            prepared::written(&read),
            prepared::COMMITTED,
            "src/model/template/manifests.json no longer holds the built-in manifests as they read: run `BLESS=1 cargo test --release --lib prepared_manifests` and commit it"
        );
        for (name, text, manifest, tree) in &read {
            let (served, served_tree) = prepared::read_ahead::<Manifest>(text, 7).expect("served");
            assert_eq!(format!("{served:?}"), format!("{manifest:?}"), "{name}");
            assert_eq!(&served_tree, tree, "{name}");
            // Loading a template read ahead does not check its fields again: they are sound.
            let mut problems = Vec::new();
            validate_record("", &manifest.fields, tree.span, &mut problems);
            assert!(problems.is_empty(), "{name}: {problems:?}");
            assert!(
                read_manifest(text.clone(), 7).expect("it reads").2,
                "{name}"
            );
        }
    }

    /// Any other text, even one of the same length, is read as written.
    #[test]
    fn other_manifests_are_read_as_written() {
        let text = builtin_manifest("background-note");
        assert!(prepared::read_ahead::<Manifest>(&text, 3).is_some());
        // The same length, one letter changed.
        let changed = text.replacen("name: background-note", "name: background-notf", 1);
        assert_eq!(changed.len(), text.len());
        assert!(prepared::read_ahead::<Manifest>(&changed, 3).is_none());
        assert!(prepared::read_ahead::<Manifest>("name: x\n", 3).is_none());
        let (manifest, _, built_in) = read_manifest(changed, 3).expect("it reads");
        assert!(!built_in);
        assert_eq!(manifest.name, "background-notf");
    }

    /// The memo serves a manifest only under the key it was read with (its places name it).
    #[test]
    fn the_memo_keeps_manifests_apart_by_key() {
        let text = builtin_manifest("notes");
        for _ in 0..2 {
            read_manifest(text.clone(), 9_000_002).expect("it reads");
        }
        let (_, tree, _) = read_manifest(text, 9_000_003).expect("it reads");
        assert_eq!(tree.span.file, 9_000_003);
    }

    #[test]
    fn every_builtin_template_loads() {
        let names = Template::builtin_names();
        assert!(names.contains(&"background-note"));
        for name in names {
            let mut files = Files::default();
            if let Err(problems) = Template::builtin(name, &mut files) {
                panic!("{}", crate::diag::render(&files, &problems));
            }
        }
    }

    #[test]
    fn every_builtin_template_declares_the_current_contract() {
        for name in Template::builtin_names() {
            let mut files = Files::default();
            let template = Template::builtin(name, &mut files).expect("loads");
            assert_eq!(
                template.manifest.contract,
                Some(contract::VERSION),
                "{name}"
            );
            assert!(template.warnings.is_empty(), "{name}");
        }
    }

    #[test]
    fn the_page_library_is_no_template() {
        assert!(page_library().any(|(path, _)| path == "typst.toml"));
        assert!(page_library().any(|(path, _)| path == "lib.typ"));
        assert!(!Template::builtin_names().iter().any(|n| n.starts_with('@')));
    }

    #[test]
    fn unknown_template_suggests_a_near_name() {
        let mut files = Files::default();
        let problems = Registry::default()
            .load("background-notes", &mut files, None)
            .unwrap_err();
        assert_eq!(problems[0].hints, vec!["did you mean `background-note`?"]);
    }
}
