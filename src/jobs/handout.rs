//! Handouts: one print-ready file bundling the parts a brief has (the note, the agenda, the
//! participant list, the discussion questions, a notes page), and the participants' name tents.
//!
//! Each part is a template of its own, checked against the fields of the brief it declares (a
//! projection of the merged brief, so problems point at the brief's lines) and compiled on its
//! own; the pages are then put together with [`typeset::concat`] and exported once. For duplex
//! printing every part starts on an odd (right-hand) page: a `blank-page` is put in where
//! needed. Pages are numbered through the whole bundle ("Page 5 of 12"), blank pages counted
//! but unnumbered, so a compile first learns each part's length ([`Handout::plan`]) and then
//! typesets every part knowing its first page and the total ([`Handout::assemble`]).
//! Personalized copies call [`Handout::assemble`] once per recipient with the same plan: who a
//! copy is for changes no page count.

use std::path::{Path, PathBuf};

use serde_json::Value as Json;
use sha2::{Digest, Sha256};
use typst::model::Document as _;
use typst_layout::PagedDocument;

use crate::check;
use crate::check::load;
use crate::check::load::Sources;
use crate::diag::{Diagnostic, Files, Span};
use crate::error::AppError;
use crate::error::Failure;
use crate::input::yaml::{Node, Value};
use crate::jobs::copies::{self, Destination, Job, Recipient, Written};
use crate::model::brief::Brief;
use crate::model::marking::Marking;
use crate::model::print::{PageSetup, PrintOverrides};
use crate::model::standard::Standard;
use crate::model::template::{Registry, Template};
use crate::typeset;
use crate::typeset::limit;
use crate::typeset::prepare::{self, BuildOptions, HandoutPlace, Prepared};
use crate::typeset::world::{BriefWorld, Compiled, Engine};

/// The kinds of part a handout can have, in their default order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartKind {
    /// The brief itself, in its own template.
    Note,
    /// The agenda brief that `handout.agenda` names, in its own template.
    Agenda,
    /// The participant list (`participants` template).
    Participants,
    /// The discussion questions with room to write (`questions` template).
    Questions,
    /// A lined page for notes (`notes` template).
    Notes,
}

impl PartKind {
    /// Every kind, in the default order.
    pub const ALL: [PartKind; 5] = [
        PartKind::Note,
        PartKind::Agenda,
        PartKind::Participants,
        PartKind::Questions,
        PartKind::Notes,
    ];

    /// The name briefs use in `handout.parts`.
    pub fn name(self) -> &'static str {
        match self {
            PartKind::Note => "note",
            PartKind::Agenda => "agenda",
            PartKind::Participants => "participants",
            PartKind::Questions => "questions",
            PartKind::Notes => "notes",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// The template of blank pages.
pub const BLANK_TEMPLATE: &str = "blank-page";
/// The template of name tents.
pub const NAME_TENT_TEMPLATE: &str = "name-tent";

/// One part of a handout: its checked brief and its template, parsed for typst.
pub struct Part {
    /// What the part is.
    pub kind: PartKind,
    /// The brief it is typeset from (the handout's brief, a projection of it, or the agenda).
    pub brief: Brief,
    /// Its template, parsed.
    pub compiled: Compiled,
}

impl Part {
    /// What the part is, as the handout's summary names it: `programme` for a brief of a
    /// programme template (the agenda, or the handout's own brief when it is a programme),
    /// else its kind's name (`note`, `participants`, ...).
    pub fn label(&self) -> &'static str {
        match self.kind {
            PartKind::Note | PartKind::Agenda if is_programme(&self.brief) => "programme",
            kind => kind.name(),
        }
    }
}

/// A handout brief, checked, with every part it has.
pub struct Handout {
    /// The handout's brief (the note's), where it was read from.
    pub path: PathBuf,
    /// The parts, in order.
    pub parts: Vec<Part>,
    /// The blank page put in before a part that would start on an even page.
    pub blank: Part,
    /// Whether blank pages say "This page intentionally left blank".
    pub label_blanks: bool,
    /// The paper and binding every part is set on.
    pub page: PageSetup,
    /// Warnings from reading and checking the briefs.
    pub warnings: Vec<Diagnostic>,
    /// Attach the merged brief (with the note part), as `brief build` does.
    pub attach_source: bool,
    /// Attach it even when the bundle is marked above UNCLASSIFIED.
    pub attach_sensitive: bool,
    /// The bundle's security marking, on every page: the highest of its parts'.
    pub marking: Option<Marking>,
}

/// Where each part falls in the bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Each part's page count.
    pub pages: Vec<usize>,
    /// Each part's first page in the bundle (1-based, always odd).
    pub first: Vec<usize>,
    /// Whether a blank page comes before each part.
    pub blank_before: Vec<bool>,
    /// The bundle's build identifier, printed in every part's footer.
    pub id: String,
    /// The bundle's page count, blank pages included (up to the last part's last page: no
    /// blank page is added after it).
    pub total: usize,
}

impl Plan {
    /// Lays out parts of these lengths so that each starts on an odd page.
    pub fn new(pages: Vec<usize>, id: String) -> Self {
        let mut first = Vec::with_capacity(pages.len());
        let mut blank_before = Vec::with_capacity(pages.len());
        let mut next = 1;
        for count in &pages {
            let blank = next % 2 == 0;
            if blank {
                next += 1;
            }
            blank_before.push(blank);
            first.push(next);
            next += count;
        }
        Self {
            id,
            pages,
            first,
            blank_before,
            total: next - 1,
        }
    }
}

/// A typeset handout: the pages, and the worlds they were compiled in (to map what the PDF
/// export reports back to the templates).
pub struct Assembled<'a> {
    /// All pages, blank ones included.
    pub document: PagedDocument,
    /// The worlds of the parts and the blank page.
    pub prepared: Vec<(Prepared<'a>, &'a Compiled)>,
    /// Each part's page count as typeset.
    pub pages: Vec<usize>,
    /// Warnings typst raised.
    pub warnings: Vec<Diagnostic>,
    /// The bundle's creation date: the first part's.
    pub date: Option<chrono::DateTime<chrono::Utc>>,
}

impl Handout {
    /// Reads and checks a handout brief and every part it has: the brief against its
    /// template, each part template against the brief's fields it declares, and the agenda
    /// file `handout.agenda` names. Every problem of every part is reported at once.
    pub fn load(
        path: &Path,
        input: &Sources,
        print: PrintOverrides,
        files: &mut Files,
    ) -> Result<Handout, Failure> {
        let brief = load::load(path, input, files)?;
        let page = crate::model::print::resolve(&brief, print)?;
        let registry = Registry::new(input.templates.as_deref(), Some(path));
        let mut problems = Vec::new();
        let mut warnings = brief.warnings.clone();
        let config = brief.fields.get("handout").cloned().unwrap_or(Json::Null);
        let label_blanks = config.get("blank-pages").and_then(Json::as_str) == Some("labelled");

        // A programme's parts are checked against its tree with the speakers among the
        // participants (unless `handout.speakers` is false).
        let programme = is_programme(&brief);
        let parts_root = if programme && config.get("speakers") != Some(&Json::Bool(false)) {
            with_speakers(&brief.root)
        } else {
            brief.root.clone()
        };
        let kinds = part_kinds(&brief, &parts_root, &config, &mut problems);
        let mut agenda = if kinds.contains(&PartKind::Agenda) {
            load_agenda(&brief, &config, input, files, &mut warnings, &mut problems)
        } else {
            None
        };

        // A part's template checked against the brief; its warnings and problems collected.
        let mut project = |name: &str, files: &mut Files| match project_check_in(
            &brief,
            &parts_root,
            &registry,
            name,
            files,
        ) {
            Ok(part) => {
                warnings.extend(part.warnings.iter().cloned());
                Some(part)
            }
            Err(mut found) => {
                problems.append(&mut found);
                None
            }
        };
        let mut parts_briefs: Vec<(PartKind, Option<Brief>)> = Vec::new();
        for kind in &kinds {
            let template = match kind {
                PartKind::Note | PartKind::Agenda => None,
                PartKind::Participants => Some("participants"),
                PartKind::Questions => Some("questions"),
                PartKind::Notes => Some("notes"),
            };
            let projected = template.and_then(|name| project(name, files));
            parts_briefs.push((*kind, projected));
        }
        let blank = project(BLANK_TEMPLATE, files);
        if !problems.is_empty() {
            return Err(problems.into());
        }

        let path = brief.path.clone();
        let mut main = Some(brief);
        let mut parts = Vec::new();
        for (kind, projected) in parts_briefs {
            let part_brief = match kind {
                // `handout.parts` may name the note once only (the checker allows repeats, so
                // a repeat reuses a projection of the same fields).
                PartKind::Note => match main.take() {
                    Some(b) => b,
                    None => continue,
                },
                PartKind::Agenda => match agenda.take() {
                    Some(b) => b,
                    None => continue,
                },
                _ => projected.expect("checked above"),
            };
            let compiled = Compiled::new(&part_brief.template);
            parts.push(Part {
                kind,
                brief: part_brief,
                compiled,
            });
        }
        let blank = blank.expect("checked above");
        let blank = Part {
            kind: PartKind::Notes,
            compiled: Compiled::new(&blank.template),
            brief: blank,
        };
        let marking = parts
            .iter()
            .filter_map(|p| Marking::of(&p.brief.fields))
            .reduce(Marking::higher);
        Ok(Handout {
            path,
            parts,
            blank,
            label_blanks,
            page,
            warnings,
            attach_source: true,
            attach_sensitive: false,
            marking,
        })
    }

    /// The options one part (or the blank page, `part` = `None`) is typeset with.
    fn options(&self, part: Option<&Part>, first: usize, plan: Option<&Plan>) -> BuildOptions {
        let total = plan.map_or(0, |p| p.total);
        let id = plan.map_or("", |p| p.id.as_str());
        BuildOptions {
            // The merged brief is attached once, with the note.
            attach_source: self.attach_source && part.is_some_and(|p| p.kind == PartKind::Note),
            attach_sensitive: self.attach_sensitive,
            // Every part, blank pages included, carries the bundle's marking.
            marking: self.marking.clone(),
            changes: None,
            standards: Vec::new(),
            grayscale: false,
            build_id: None,
            print: PrintOverrides {
                paper: Some(self.page.paper),
                binding_mm: Some(self.page.binding_mm),
            },
            handout: Some(HandoutPlace {
                part: part.map_or("blank", |p| p.kind.name()),
                first,
                total,
                id: id.to_string(),
                label_blanks: self.label_blanks,
            }),
        }
    }

    /// Typesets every part once to learn its length, and lays the bundle out.
    ///
    /// The parts are typeset for a provisional plan (each part one page long) that already
    /// carries the bundle's identifier: what the plan changes afterwards is only where each
    /// part starts and the bundle's total, which the page library reads at layout time, in
    /// its footers (`page-of()`). Typesetting the parts again for the real plan
    /// ([`Handout::assemble`]) then reuses the rest of this pass from typst's caches.
    pub fn plan(&self, engine: &Engine, files: &mut Files) -> Result<Plan, Failure> {
        let mut hasher = Sha256::new();
        hasher.update(b"handout\0");
        for part in &self.parts {
            // The build identifier hashes the brief's data and the template, not the options.
            let options = self.options(Some(part), 1, None);
            hasher.update(prepare::build_id(&part.brief, &options).as_bytes());
            hasher.update(b"\0");
        }
        let id: String = hasher
            .finalize()
            .iter()
            .take(5)
            .map(|b| format!("{b:02x}"))
            .collect();
        let provisional = Plan::new(vec![1; self.parts.len()], id.clone());
        let mut prepared = Vec::with_capacity(self.parts.len());
        for (i, part) in self.parts.iter().enumerate() {
            let options = self.options(Some(part), provisional.first[i], Some(&provisional));
            let ready = prepare::prepare(engine, &part.compiled, &part.brief, &options, files)?;
            prepared.push((ready, &part.compiled));
        }
        let worlds: Vec<_> = prepared.iter().map(|(p, c)| (&p.world, *c)).collect();
        let mut pages = Vec::with_capacity(self.parts.len());
        let mut errors = Vec::new();
        for result in typeset::compile_many(&worlds, files) {
            match result {
                Ok(document) => pages.push(document.document.pages().len()),
                Err(mut found) => errors.append(&mut found),
            }
        }
        if !errors.is_empty() {
            return Err(errors.into());
        }
        Ok(Plan::new(pages, id))
    }

    /// Typesets every part for its place in `plan` and puts the pages together, with blank
    /// pages where a part would start on an even page.
    pub fn assemble<'a>(
        &'a self,
        engine: &'a Engine,
        plan: &Plan,
        files: &mut Files,
    ) -> Result<Assembled<'a>, Failure> {
        let prepared = self.prepare(engine, plan, files)?;
        let date = prepared
            .get(usize::from(self.has_blank(plan)))
            .and_then(|(p, _)| p.date);
        let composed = self.compose(&prepared, plan, None, files)?;
        Ok(Assembled {
            date,
            document: composed.document,
            prepared,
            pages: composed.pages,
            warnings: composed.warnings,
        })
    }

    /// The warnings about characters no font has, in every part: said once per handout,
    /// not once per copy.
    pub fn missing_glyphs(&self, engine: &Engine) -> Vec<Diagnostic> {
        engine
            .fonts()
            .missing_glyphs(self.parts.iter().map(|p| &p.brief))
    }

    fn has_blank(&self, plan: &Plan) -> bool {
        plan.blank_before.iter().any(|b| *b)
    }

    /// The bundle's blank page (the page put in before a part, and the pad that ends an odd
    /// copy in a merged print file), prepared for `plan`.
    fn prepare_blank<'a>(
        &'a self,
        engine: &'a Engine,
        plan: &Plan,
        files: &mut Files,
    ) -> Result<Prepared<'a>, Failure> {
        let options = self.options(None, 0, Some(plan));
        prepare::prepare(
            engine,
            &self.blank.compiled,
            &self.blank.brief,
            &options,
            files,
        )
    }

    /// The worlds the bundle compiles in, for its place in `plan`: the blank page first (if
    /// any part needs one), then the parts. Images are read here, once per handout.
    fn prepare<'a>(
        &'a self,
        engine: &'a Engine,
        plan: &Plan,
        files: &mut Files,
    ) -> Result<Vec<(Prepared<'a>, &'a Compiled)>, Failure> {
        let mut prepared = Vec::new();
        if self.has_blank(plan) {
            prepared.push((
                self.prepare_blank(engine, plan, files)?,
                &self.blank.compiled,
            ));
        }
        for (i, part) in self.parts.iter().enumerate() {
            let options = self.options(Some(part), plan.first[i], Some(plan));
            let ready = prepare::prepare(engine, &part.compiled, &part.brief, &options, files)?;
            prepared.push((ready, &part.compiled));
        }
        Ok(prepared)
    }

    /// Compiles the bundle in worlds [`Handout::assemble`] prepared, all at once, and puts
    /// the pages together. `copy` is what a personalized copy serves at `/.brief/copy.json`
    /// (`None` for an ordinary handout): each copy differs from the handout only in it.
    pub fn compose(
        &self,
        prepared: &[(Prepared<'_>, &Compiled)],
        plan: &Plan,
        copy: Option<&[u8]>,
        files: &mut Files,
    ) -> Result<Composed, Vec<Diagnostic>> {
        let copies: Vec<_> = match copy {
            Some(copy) => prepared
                .iter()
                .map(|(p, c)| (p.world.clone().with_copy(copy.to_vec()), *c))
                .collect(),
            None => Vec::new(),
        };
        let worlds: Vec<_> = if copy.is_some() {
            copies.iter().map(|(w, c)| (w, *c)).collect()
        } else {
            prepared.iter().map(|(p, c)| (&p.world, *c)).collect()
        };
        let mut results = typeset::compile_many(&worlds, files).into_iter();
        let mut warnings = Vec::new();
        let mut errors = Vec::new();
        let blank_page = if self.has_blank(plan) {
            match results.next().expect("one result per world") {
                Ok(document) => Some(document.document),
                Err(mut found) => {
                    errors.append(&mut found);
                    None
                }
            }
        } else {
            None
        };
        let mut documents = Vec::new();
        let mut pages = Vec::new();
        for (i, result) in results.enumerate() {
            if plan.blank_before[i]
                && let Some(blank) = &blank_page
            {
                documents.push(PagedDocument::new(
                    blank.pages().iter().cloned().collect(),
                    blank.info().clone(),
                ));
            }
            match result {
                Ok(document) => {
                    let part = &self.parts[i].brief;
                    if let Err(over) = limit::enforce(
                        &document.document,
                        part,
                        &format!("{} in the handout", limit::document_name(part)),
                    ) {
                        errors.push(over);
                    }
                    warnings.extend(document.warnings);
                    pages.push(document.document.pages().len());
                    documents.push(document.document);
                }
                Err(mut found) => errors.append(&mut found),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Composed {
            document: typeset::concat(documents),
            pages,
            warnings,
        })
    }
}

/// A bundle's pages, compiled in worlds already prepared.
pub struct Composed {
    /// All pages, blank ones included.
    pub document: PagedDocument,
    /// Each part's page count as typeset.
    pub pages: Vec<usize>,
    /// Warnings typst raised.
    pub warnings: Vec<Diagnostic>,
}

/// What the brief lacks for a part it lists.
fn lacks(kind: PartKind) -> &'static str {
    match kind {
        PartKind::Agenda => "`handout.agenda` names no agenda file",
        PartKind::Participants => "the brief has no `participants`",
        PartKind::Questions => "the brief has no `questions`",
        PartKind::Note | PartKind::Notes => "it cannot be made",
    }
}

/// The parts `handout.parts` lists, with where each is written; `None` when it lists none.
/// In a programme's handout, `programme` is the brief itself; in a note's, the agenda.
fn listed_parts(root: &Node, programme: bool) -> Option<Vec<(PartKind, Span)>> {
    let parts = &root.get("handout")?.node.get("parts")?.node;
    let Value::List(items) = &parts.value else {
        return None;
    };
    Some(
        items
            .iter()
            .filter_map(|item| match &item.value {
                Value::Scalar(s) if s.text.trim() == "programme" => {
                    let kind = if programme {
                        PartKind::Note
                    } else {
                        PartKind::Agenda
                    };
                    Some((kind, item.span))
                }
                Value::Scalar(s) => PartKind::from_name(s.text.trim()).map(|k| (k, item.span)),
                _ => None,
            })
            .collect(),
    )
}

/// The parts a handout has: those `handout.parts` lists (each must be there: an error at
/// its place otherwise), else every part the brief gives, in the usual order.
fn part_kinds(
    brief: &Brief,
    parts_root: &Node,
    config: &Json,
    problems: &mut Vec<Diagnostic>,
) -> Vec<PartKind> {
    let present = |kind: PartKind| -> bool {
        let non_empty = |key: &str| {
            brief
                .fields
                .get(key)
                .and_then(Json::as_array)
                .is_some_and(|a| !a.is_empty())
        };
        match kind {
            PartKind::Note | PartKind::Notes => true,
            PartKind::Agenda => config.get("agenda").and_then(Json::as_str).is_some(),
            // A programme's speakers count as participants.
            PartKind::Participants => matches!(
                parts_root.get("participants").map(|e| &e.node.value),
                Some(Value::List(items)) if !items.is_empty()
            ),
            PartKind::Questions => non_empty("questions"),
        }
    };
    let listed = listed_parts(&brief.root, is_programme(brief));
    match &listed {
        Some(listed) => {
            for (kind, span) in listed {
                if !present(*kind) {
                    problems.push(
                        Diagnostic::error(
                            Some(*span),
                            format!("the handout lists `{}`, but {}", kind.name(), lacks(*kind)),
                        )
                        .with_field("handout.parts")
                        .with_hint("give it in the brief, or take it off the list"),
                    );
                }
            }
            listed.iter().map(|(k, _)| *k).collect()
        }
        None => PartKind::ALL.into_iter().filter(|k| present(*k)).collect(),
    }
}

/// Reads the agenda `handout.agenda` names: a brief of its own (its own layers, no --set),
/// its problems reported at the field's place.
fn load_agenda(
    brief: &Brief,
    config: &Json,
    input: &Sources,
    files: &mut Files,
    warnings: &mut Vec<Diagnostic>,
    problems: &mut Vec<Diagnostic>,
) -> Option<Brief> {
    let text = config.get("agenda").and_then(Json::as_str)?;
    let span = brief
        .origins
        .iter()
        .find(|o| o.path == "handout.agenda")
        .map(|o| o.span);
    match agenda_path(text, span, files) {
        Ok(agenda_file) => {
            // The agenda is a brief of its own: its own layers, no --set.
            let agenda_input = Sources {
                sets: Vec::new(),
                templates: input.templates.clone(),
                langs: input.langs.clone(),
            };
            match load::load(&agenda_file, &agenda_input, files) {
                Ok(loaded) => {
                    warnings.extend(loaded.warnings.iter().cloned());
                    return Some(loaded);
                }
                Err(Failure::Problems(mut found)) => problems.append(&mut found),
                Err(Failure::App(error)) => problems.push(
                    Diagnostic::error(span, error.message.clone()).with_field("handout.agenda"),
                ),
            }
        }
        Err(problem) => problems.push(problem),
    }
    None
}

/// Resolves `handout.agenda` against the folder of the file that gave it (the current folder
/// for `--set`); a file that is not there is an error at the field's line.
fn agenda_path(text: &str, span: Option<Span>, files: &Files) -> Result<PathBuf, Diagnostic> {
    let path = match span.map(|s| files.folder_of(s.file)) {
        Some(base) if base != Path::new(".") => base.join(text),
        _ => PathBuf::from(text),
    };
    if path.is_file() {
        Ok(path)
    } else {
        let why = if path.is_dir() {
            "it is a folder"
        } else {
            "not found"
        };
        Err(Diagnostic::error(
            span,
            format!("cannot read the agenda {} ({why})", path.display()),
        )
        .with_field("handout.agenda")
        .with_hint("name the agenda brief relative to this file, such as `agenda.yaml`"))
    }
}

/// Checks a part template against the fields of `brief` it declares: the merged tree with
/// every other top-level field left out, so each problem points at the brief's own line.
/// Only errors are kept: the brief's own check has already warned about its fields.
pub fn project_check(
    brief: &Brief,
    registry: &Registry,
    template: &str,
    files: &mut Files,
) -> Result<Brief, Vec<Diagnostic>> {
    project_check_in(brief, &brief.root, registry, template, files)
}

/// Like [`project_check`], projecting `root` (the brief's tree, or one with the speakers of a
/// programme among its participants). Dates the brief worked out rather than wrote (a
/// programme's `dates`, from its days) are handed to a part that declares them.
fn project_check_in(
    brief: &Brief,
    root: &Node,
    registry: &Registry,
    template: &str,
    files: &mut Files,
) -> Result<Brief, Vec<Diagnostic>> {
    let template: Template = registry.load(template, files, None)?;
    let root = project(root, &template);
    let root = load::edition_root(&root, &template, Some(brief.language), files);
    let checked = check::check_edition(&root, &template, files, Some(brief.language));
    if checked.has_errors() {
        let errors: Vec<Diagnostic> = checked
            .problems
            .into_iter()
            .filter(Diagnostic::is_error)
            .collect();
        return Err(errors
            .into_iter()
            .map(|d| {
                d.with_note(format!(
                    "in the `{}` part of the handout",
                    template.manifest.name
                ))
            })
            .collect());
    }
    // The part template's own warnings (a manifest without `contract`); the brief's fields
    // were warned about when the brief itself was checked.
    let part = &template.manifest.name;
    let warnings = template
        .warnings
        .iter()
        .map(|d| {
            d.clone()
                .with_note(format!("in the `{part}` part of the handout"))
        })
        .collect();
    let mut fields = checked.data;
    if template.manifest.fields.contains_key("dates")
        && fields["dates"].is_null()
        && let Some(dates) = brief.fields.get("dates").filter(|d| !d.is_null())
    {
        fields["dates"] = dates.clone();
    }
    Ok(Brief {
        path: brief.path.clone(),
        template,
        template_at: None,
        fields,
        origins: checked.origins,
        images: checked.images,
        root,
        warnings,
        language: brief.language,
    })
}

/// Whether a brief is a programme: its template declares `days`.
fn is_programme(brief: &Brief) -> bool {
    brief.template.manifest.fields.contains_key("days")
}

/// A programme's tree with its speakers added to `participants`: after the participants it
/// lists, each speaker of each item in order (name, title and organization, as written, so a
/// problem points at the speaker's line), a name already on the list left out.
fn with_speakers(root: &Node) -> Node {
    let name_of = |person: &Node| match person.get("name").map(|e| &e.node.value) {
        Some(Value::Scalar(s)) => Some(crate::text::fold(&s.text).to_lowercase()),
        _ => None,
    };
    let mut people: Vec<Node> = match root.get("participants").map(|e| &e.node.value) {
        Some(Value::List(items)) => items.clone(),
        _ => Vec::new(),
    };
    let mut seen: Vec<String> = people.iter().filter_map(name_of).collect();
    let list = |node: &Node, key: &str| -> Vec<Node> {
        match node.get(key).map(|e| &e.node.value) {
            Some(Value::List(items)) => items.clone(),
            _ => Vec::new(),
        }
    };
    for day in list(root, "days") {
        for item in list(&day, "sessions") {
            for speaker in list(&item, "speakers") {
                let Value::Map(entries) = &speaker.value else {
                    continue;
                };
                if let Some(name) = name_of(&speaker) {
                    if seen.contains(&name) {
                        continue;
                    }
                    seen.push(name);
                }
                let kept = entries
                    .iter()
                    .filter(|e| matches!(e.key.as_str(), "name" | "title" | "organization"))
                    .cloned()
                    .collect();
                people.push(Node {
                    value: Value::Map(kept),
                    span: speaker.span,
                });
            }
        }
    }
    let Value::Map(entries) = &root.value else {
        return root.clone();
    };
    let span = root.get("participants").map_or(root.span, |e| e.node.span);
    let participants = Node {
        value: Value::List(people),
        span,
    };
    let mut entries = entries.clone();
    match entries.iter_mut().find(|e| e.key == "participants") {
        Some(entry) => entry.node = participants,
        None => entries.push(crate::input::yaml::Entry {
            key: "participants".into(),
            key_span: span,
            node: participants,
        }),
    }
    Node {
        value: Value::Map(entries),
        span: root.span,
    }
}

/// The merged tree with only the top-level fields `template` declares.
fn project(root: &Node, template: &Template) -> Node {
    let value = match &root.value {
        Value::Map(entries) => Value::Map(
            entries
                .iter()
                .filter(|e| template.manifest.fields.contains_key(&e.key))
                .cloned()
                .collect(),
        ),
        other => other.clone(),
    };
    Node {
        value,
        span: root.span,
    }
}

/// The name tents of a brief's participants: the `name-tent` template checked against the
/// brief's fields, one sheet per participant.
pub fn name_tents(
    path: &Path,
    input: &Sources,
    print: PrintOverrides,
    files: &mut Files,
) -> Result<(Brief, PageSetup, Vec<Diagnostic>), Failure> {
    let brief = load::load(path, input, files)?;
    let page = crate::model::print::resolve(&brief, print)?;
    let has_participants = brief
        .fields
        .get("participants")
        .and_then(Json::as_array)
        .is_some_and(|a| !a.is_empty());
    if !has_participants {
        return Err(AppError::new(format!(
            "{} has no participants to make name tents for",
            path.display()
        ))
        .with_hint("list them under `participants:`, each with a `name`")
        .into());
    }
    let registry = Registry::new(input.templates.as_deref(), Some(path));
    let tents = project_check(&brief, &registry, NAME_TENT_TEMPLATE, files)?;
    Ok((tents, page, brief.warnings))
}

/// A handout laid out: the page plan and the bundle typeset with it.
pub struct LaidOut<'a> {
    /// Each part's first page and length, and the bundle's total.
    pub plan: Plan,
    /// The bundle typeset with the plan.
    pub assembled: Assembled<'a>,
    /// How long each step took, in words, for `--verbose`.
    pub timings: Vec<String>,
}

impl Handout {
    /// The standards the bundle meets when the command line names none: those every part's
    /// template declares (`pdf-standard:` in its manifest), the blank page's included, since
    /// the bundle can only promise what each of its parts does.
    pub fn default_standards(&self) -> Vec<Standard> {
        let mut templates = self
            .parts
            .iter()
            .chain([&self.blank])
            .map(|part| &part.brief.template.manifest.pdf_standard);
        let first = templates.next().cloned().unwrap_or_default();
        templates.fold(first, |common, next| {
            common.into_iter().filter(|s| next.contains(s)).collect()
        })
    }

    /// Lays the bundle out: first each part's length ([`Handout::plan`]), then every part
    /// typeset knowing its first page and the total ([`Handout::assemble`]). Numbering the
    /// pages through the bundle cannot change a part's length, except in a template that
    /// prints something of a different height once it knows the page number: the bundle is
    /// then laid out again with the lengths found, three times at most.
    pub fn lay_out<'a>(
        &'a self,
        engine: &'a Engine,
        files: &mut Files,
    ) -> Result<LaidOut<'a>, Failure> {
        let started = std::time::Instant::now();
        let mut plan = self.plan(engine, files)?;
        let mut timings = vec![format!(
            "laid out {} parts in {} ms",
            self.parts.len(),
            started.elapsed().as_millis()
        )];
        let assembling = std::time::Instant::now();
        let mut tries = 0;
        let assembled = loop {
            let assembled = self.assemble(engine, &plan, files)?;
            tries += 1;
            if assembled.pages == plan.pages || tries == 3 {
                break assembled;
            }
            plan = Plan::new(assembled.pages.clone(), plan.id.clone());
        };
        timings.push(format!(
            "typeset the bundle in {} ms",
            assembling.elapsed().as_millis()
        ));
        Ok(LaidOut {
            plan,
            assembled,
            timings,
        })
    }

    /// Makes one copy of the whole bundle for each participant of the note ("Prepared for
    /// NAME" on the note's first page and in every part's footer) and writes them to
    /// `destination`, all or nothing. Every copy compiles in the handout's own worlds (its
    /// images read once) with the same page plan, differing only in its copy file, so typst
    /// reuses the rest.
    pub fn copies(
        &self,
        engine: &Engine,
        laid_out: &LaidOut<'_>,
        destination: &Destination,
        standards: &[typst_pdf::PdfStandard],
        show_progress: bool,
        files: &mut Files,
    ) -> Result<Written, Failure> {
        let note = self
            .parts
            .iter()
            .find(|p| p.kind == PartKind::Note)
            .map(|p| &p.brief)
            .ok_or_else(|| AppError::new("this handout has no note part to make copies of"))?;
        let recipients = copies::recipients(note)?;
        let (base, plan) = (&laid_out.assembled, &laid_out.plan);
        let compile = |recipient: &Recipient, local: &mut Files, warnings: &mut Vec<_>| {
            let composed =
                self.compose(&base.prepared, plan, Some(&recipient.copy_json()), local)?;
            warnings.extend(composed.warnings);
            Ok(composed.document)
        };
        let worlds = base.worlds();
        let export = |document: &PagedDocument, ident: &str, local: &mut Files| {
            typeset::export_pdf(document, &worlds, local, ident, base.date, standards)
        };
        // The page that ends a copy with an odd page count in a merged print file: the
        // bundle's blank page, with its marking.
        let pad = match destination {
            Destination::Merged(_) => {
                let prepared = self.prepare_blank(engine, plan, files)?;
                Some(typeset::compile(&prepared.world, &self.blank.compiled, files)?.document)
            }
            Destination::Folder { .. } => None,
        };
        let job =
            Job::new(&compile, &export, &plan.id, recipients.len(), show_progress).with_pad(pad);
        Ok(copies::make(&recipients, destination, &job, files)?)
    }
}

impl Assembled<'_> {
    /// The worlds the pages were compiled in, to map what the PDF export reports.
    fn worlds(&self) -> Vec<(&BriefWorld<'_>, &Compiled)> {
        self.prepared
            .iter()
            .map(|(prepared, compiled)| (&prepared.world, *compiled))
            .collect()
    }

    /// The bundle as one PDF, under the bundle's identifier `ident`.
    pub fn export_pdf(
        &self,
        ident: &str,
        standards: &[typst_pdf::PdfStandard],
        files: &mut Files,
    ) -> Result<Vec<u8>, Failure> {
        Ok(typeset::export_pdf(
            &self.document,
            &self.worlds(),
            files,
            ident,
            self.date,
            standards,
        )?)
    }
}

/// The page that ends a personalized copy of `brief` with an odd page count in a merged print
/// file, so that the next copy starts on a new sheet: the `blank-page` template (from
/// `templates`, the folder beside the brief or the built-in one) typeset in the brief's
/// language, on its paper, with the marking the copies carry (an artifact, in its header).
pub fn pad_page(
    engine: &Engine,
    brief: &Brief,
    options: &BuildOptions,
    templates: Option<&Path>,
    files: &mut Files,
) -> Result<PagedDocument, Failure> {
    let registry = Registry::new(templates, Some(&brief.path));
    let blank = project_check(brief, &registry, BLANK_TEMPLATE, files)?;
    let compiled = Compiled::new(&blank.template);
    let options = BuildOptions {
        marking: prepare::marking(brief, options),
        print: options.print,
        grayscale: options.grayscale,
        build_id: options.build_id.clone(),
        ..BuildOptions::default()
    };
    let prepared = prepare::prepare(engine, &compiled, &blank, &options, files)?;
    Ok(typeset::compile(&prepared.world, &compiled, files)?.document)
}

/// The participants' name tents typeset, with the warnings of reading them.
pub fn typeset_tents(
    engine: &Engine,
    tents: &Brief,
    page: PageSetup,
    standards: &[typst_pdf::PdfStandard],
    files: &mut Files,
) -> Result<typeset::Output, Failure> {
    let compiled = Compiled::new(&tents.template);
    let options = BuildOptions {
        attach_source: false,
        standards: standards.to_vec(),
        print: PrintOverrides {
            paper: Some(page.paper),
            binding_mm: Some(0.0),
        },
        ..BuildOptions::default()
    };
    prepare::typeset(engine, &compiled, tents, &options, files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_part_starts_on_an_odd_page() {
        let plan = Plan::new(vec![3, 2, 1, 1], String::new());
        assert_eq!(plan.first, [1, 5, 7, 9]);
        assert_eq!(plan.blank_before, [false, true, false, true]);
        assert_eq!(plan.total, 9);
        let plan = Plan::new(vec![2, 2], String::new());
        assert_eq!(plan.first, [1, 3]);
        assert_eq!(plan.blank_before, [false, false]);
        assert_eq!(plan.total, 4);
    }
}
