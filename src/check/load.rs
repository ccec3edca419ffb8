//! Loading a brief: its layers and `--set` values merged, its template chosen, and each edition
//! checked against the template's declared fields, every problem reported at once.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use crate::check;
use crate::diag::{Diagnostic, Files, Span};
use crate::error::{AppError, Failure};
use crate::input::layers;
use crate::input::yaml::{Entry, Node, Scalar, Value};
use crate::model::brief::Brief;
use crate::model::locale::{Language, Locale};
use crate::model::template::{DEFAULT_TEMPLATE, Registry, Template};

/// Where a brief's values come from besides its own file and the layers it extends: what the
/// command line adds (`--set`, `--templates`, `--lang`). The command line fills it in; the
/// library never sees the command line itself.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// `PATH=VALUE` settings over every layer, in order (the value is read as YAML).
    pub sets: Vec<String>,
    /// A folder of templates to look in before the built-in ones.
    pub templates: Option<PathBuf>,
    /// The editions to check, in order; none means the brief's own language.
    pub langs: Vec<Language>,
}

/// Reads, parses and checks a brief, reporting every problem it has at once: the edition
/// `--lang` names, else the edition in the brief's own language. A command that makes one
/// edition calls this; `--lang` with several languages is refused here (see [`load_editions`]).
pub fn load(path: &Path, input: &Sources, files: &mut Files) -> Result<Brief, Failure> {
    if input.langs.len() > 1 {
        return Err(AppError::usage(format!(
            "this command works on one edition at a time, but --lang names {}",
            input
                .langs
                .iter()
                .map(|l| l.code())
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .with_hint("give --lang one language, such as `--lang fr`")
        .into());
    }
    let mut briefs = load_editions(path, input, files)?;
    Ok(briefs.remove(0))
}

/// Reads a brief once and checks each edition `--lang` names, in order (the brief's own
/// language when it names none). Problems found in several editions are reported once.
pub fn load_editions(
    path: &Path,
    input: &Sources,
    files: &mut Files,
) -> Result<Vec<Brief>, Failure> {
    load_editions_with(path, input, files, &mut |_| {})
}

/// [`load_editions`], handing the brief's template to `on_template` as soon as it is loaded,
/// before any edition is checked (a build parses its typst files on another core meanwhile).
pub fn load_editions_with(
    path: &Path,
    input: &Sources,
    files: &mut Files,
    on_template: &mut dyn FnMut(&Template),
) -> Result<Vec<Brief>, Failure> {
    let mut languages: Vec<Option<Language>> = Vec::new();
    for &language in &input.langs {
        if languages.contains(&Some(language)) {
            return Err(AppError::usage(format!(
                "--lang names `{language}` twice (each language is one edition)"
            ))
            .into());
        }
        languages.push(Some(language));
    }
    if languages.is_empty() {
        languages.push(None);
    }
    let (root, template, at) = read(path, input, files)?;
    on_template(&template);
    let mut editions = Vec::new();
    // The template's own warnings (such as a manifest without `contract`) come first.
    let mut problems: Vec<Diagnostic> = template.warnings.clone();
    for language in languages {
        let edition = edition_of(&root, &template, language, files);
        let mut checked =
            check::check_edition_of(&edition, &template, files, language, &input.langs);
        for image in &checked.read {
            files.depend(image);
        }
        // The later checks read one value of each field: the edition's. What they find in a
        // value given per language is named with its language, as the checker names it.
        let tree = check::edition_tree(&edition, &template, checked.edition);
        let found = std::mem::take(&mut checked.problems);
        if !found.iter().any(Diagnostic::is_error) {
            crate::check::content::review(&tree.tree, &template, &mut checked, files);
            crate::check::programme::review(&tree.tree, &template, &mut checked);
            for problem in &mut checked.problems {
                problem.field = problem.field.as_deref().map(|f| tree.path(f));
            }
        }
        let reviewed = std::mem::replace(&mut checked.problems, found);
        checked.problems.extend(reviewed);
        checked
            .problems
            .sort_by_key(|p| p.span.map(|s| (s.file, s.start)));
        // The rules see which languages each field is given in.
        crate::check::rules::enforce(&edition, &template, &mut checked);
        for problem in std::mem::take(&mut checked.problems) {
            if !problems.contains(&problem) {
                problems.push(problem);
            }
        }
        crate::check::content::expand_acronyms(&mut checked.data, &template);
        editions.push(checked);
    }
    if problems.iter().any(Diagnostic::is_error) {
        problems.sort_by_key(|p| p.span.map(|s| (s.file, s.start)));
        return Err(problems.into());
    }
    let mut warnings = Some(problems);
    let last = editions.len() - 1;
    let (mut template, mut root) = (Some(template), Some(root));
    let mut briefs = Vec::new();
    for (i, checked) in editions.into_iter().enumerate() {
        // The last edition takes the template and tree; the others get copies.
        let (template, root) = if i == last {
            (template.take(), root.take())
        } else {
            (template.clone(), root.clone())
        };
        briefs.push(Brief {
            path: path.to_path_buf(),
            template: template.expect("taken by the last edition only"),
            template_at: at,
            fields: checked.data,
            origins: checked.origins,
            warnings: warnings.take().unwrap_or_default(),
            images: checked.images,
            root: root.expect("taken by the last edition only"),
            language: checked.edition,
        });
    }
    Ok(briefs)
}

/// The tree an edition is checked from: for an edition in another language than the brief's
/// `lang`, `lang` is set to that language's locale (fr-CA for `fr`, fr-FR beside an en-GB or
/// en-AU brief when the template offers it, unless the brief is in a fr-* locale already), as if by a `--lang` argument, which `brief show` names as its source.
pub fn edition_root(
    root: &Node,
    template: &Template,
    language: Option<Language>,
    files: &mut Files,
) -> Node {
    edition_of(root, template, language, files).into_owned()
}

/// [`edition_root`], borrowing the brief's own tree when the edition's is the same.
fn edition_of<'a>(
    root: &'a Node,
    template: &Template,
    language: Option<Language>,
    files: &mut Files,
) -> Cow<'a, Node> {
    let Some(language) = language else {
        return Cow::Borrowed(root);
    };
    if !template.manifest.fields.contains_key("lang") {
        return Cow::Borrowed(root);
    }
    let current = check::brief_locale(root, template);
    // A template of one's own may not offer the region's locale (fr-FR): its usual one then.
    let offered = |locale: Locale| {
        template.manifest.fields.get("lang").is_none_or(|field| {
            field.choices.is_empty() || field.choices.iter().any(|c| c == locale.tag())
        })
    };
    let locale = Some(current.for_language(language))
        .filter(|l| offered(*l))
        .unwrap_or_else(|| language.usual_locale());
    if locale == current && root.get("lang").is_some() {
        return Cow::Borrowed(root);
    }
    let tag = locale.tag();
    let key = files.add_argument("--lang", tag.to_string());
    let span = Span::new(key, 0..tag.len());
    let node = Node {
        value: Value::Scalar(Scalar {
            text: tag.to_string(),
            plain: true,
        }),
        span,
    };
    let mut edition = root.clone();
    if let Value::Map(entries) = &mut edition.value {
        match entries.iter_mut().find(|e| e.key == "lang") {
            Some(entry) => entry.node = node,
            None => entries.push(Entry {
                key: "lang".into(),
                key_span: span,
                node,
            }),
        }
    }
    Cow::Owned(edition)
}

/// Reads a brief with its layers and `--set` values, and loads its template.
fn read(
    path: &Path,
    input: &Sources,
    files: &mut Files,
) -> Result<(Node, Template, Option<Span>), Failure> {
    let root = layers::load(path, &input.sets, files)?;
    let (name, at) = match root.get("template") {
        Some(entry) => match &entry.node.value {
            Value::Scalar(s) => (s.text.trim().to_string(), Some(entry.node.span)),
            _ => {
                return Err(vec![
                    Diagnostic::error(
                        Some(entry.node.span),
                        format!("expected a template name, found {}", entry.node.describe()),
                    )
                    .with_field("template"),
                ]
                .into());
            }
        },
        None => (DEFAULT_TEMPLATE.to_string(), None),
    };
    let template = Registry::new(input.templates.as_deref(), Some(path)).load(&name, files, at)?;
    Ok((root, template, at))
}
