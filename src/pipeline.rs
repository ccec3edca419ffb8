//! One build, step by step: read the brief, choose its template, check the brief against the
//! template's declared fields, and typeset it. `brief build` runs these steps once; watch and
//! batch commands are loops around them.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Value as Json, json};
use sha2::{Digest, Sha256};

use crate::check;
use crate::cli::InputArgs;
use crate::diag::{Diagnostic, FileKey, Files, Span};
use crate::error::AppError;
use crate::layers;
use crate::loader::{Entry, Node, Scalar, Value};
use crate::output::describe_io;
use crate::preview::{self, Plan};
use crate::print::{PageSetup, PrintOverrides};
use crate::template::{DEFAULT_TEMPLATE, Registry, Template};
use crate::typeset::{self, Output};
use crate::world::{BriefWorld, Compiled, Engine};

/// The largest brief read, in bytes: far beyond any real brief, small enough to stay fast.
pub const MAX_BRIEF_BYTES: u64 = 4 * 1024 * 1024;

/// Why a step failed.
#[derive(Debug)]
pub enum Failure {
    /// Problems inside the brief or the template, each with its place.
    Problems(Vec<Diagnostic>),
    /// Anything else: a file that cannot be read or written, a bad environment.
    App(AppError),
}

impl From<AppError> for Failure {
    fn from(error: AppError) -> Self {
        Failure::App(error)
    }
}

impl From<Vec<Diagnostic>> for Failure {
    fn from(problems: Vec<Diagnostic>) -> Self {
        Failure::Problems(problems)
    }
}

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
    pub origins: Vec<check::Provenance>,
    /// The images the brief names.
    pub images: Vec<check::Image>,
    /// The merged tree of every layer, as checked (attached to the PDF as its source).
    pub root: crate::loader::Node,
    /// Warnings from reading and checking (of every edition loaded together: they are all
    /// on the first).
    pub warnings: Vec<Diagnostic>,
    /// The language of this edition: `en`, `fr` or `ko`.
    pub language: &'static str,
}

/// Reads a brief file as text, registering it for diagnostics.
pub fn read_text(path: &Path, files: &mut Files) -> Result<(FileKey, String), Failure> {
    files.depend(path);
    let shown = path.display();
    let metadata = fs::metadata(path)
        .map_err(|e| AppError::new(format!("cannot read {shown} ({})", describe_io(&e))))?;
    if metadata.is_dir() {
        return Err(AppError::new(format!("cannot read {shown} (it is a folder)")).into());
    }
    if metadata.len() > MAX_BRIEF_BYTES {
        return Err(AppError::new(format!(
            "cannot read {shown} (it is {:.1} MB; a brief may be at most {} MB)",
            metadata.len() as f64 / 1e6,
            MAX_BRIEF_BYTES / 1024 / 1024
        ))
        .into());
    }
    let bytes = fs::read(path)
        .map_err(|e| AppError::new(format!("cannot read {shown} ({})", describe_io(&e))))?;
    match String::from_utf8(bytes) {
        Ok(text) => {
            let key = files.add(shown.to_string(), text.clone());
            Ok((key, text))
        }
        Err(error) => {
            let at = error.utf8_error().valid_up_to();
            let byte = error.as_bytes()[at];
            let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
            // The lossy text keeps the valid prefix byte for byte, so `at` points at the
            // replacement character.
            let key = files.add(shown.to_string(), text);
            Err(vec![
                Diagnostic::error(
                    Some(Span::new(key, at..at + 3)),
                    format!(
                        "the brief is not UTF-8 text (byte 0x{byte:02X} cannot start a character)"
                    ),
                )
                .with_hint(
                    "save the file as UTF-8 (most editors offer it under \"Save with encoding\")",
                ),
            ]
            .into())
        }
    }
}

/// Reads, parses and checks a brief, reporting every problem it has at once: the edition
/// `--lang` names, else the edition in the brief's own language. A command that makes one
/// edition calls this; `--lang` with several languages is refused here (see [`load_editions`]).
pub fn load(path: &Path, input: &InputArgs, files: &mut Files) -> Result<Brief, Failure> {
    if input.langs.len() > 1 {
        return Err(AppError::usage(format!(
            "this command works on one edition at a time, but --lang names {}",
            input.langs.join(", ")
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
    input: &InputArgs,
    files: &mut Files,
) -> Result<Vec<Brief>, Failure> {
    let mut languages: Vec<Option<&str>> = Vec::new();
    for language in &input.langs {
        if languages.contains(&Some(language.as_str())) {
            return Err(AppError::usage(format!(
                "--lang names `{language}` twice (each language is one edition)"
            ))
            .into());
        }
        languages.push(Some(language.as_str()));
    }
    if languages.is_empty() {
        languages.push(None);
    }
    let (root, template, at) = read(path, input, files)?;
    let mut editions = Vec::new();
    let mut problems: Vec<Diagnostic> = Vec::new();
    for language in languages {
        let edition = edition_root(&root, &template, language, files);
        let mut checked = check::check_edition(&edition, &template, files, language);
        crate::content::review(&edition, &template, &mut checked, files);
        for problem in std::mem::take(&mut checked.problems) {
            if !problems.contains(&problem) {
                problems.push(problem);
            }
        }
        crate::content::expand_acronyms(&mut checked.data, &template);
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
/// `lang`, `lang` is set to that language's locale (fr-CA for `fr`, unless the brief is in a
/// fr-* locale already), as if by a `--lang` argument, which `brief show` names as its source.
pub fn edition_root(
    root: &Node,
    template: &Template,
    language: Option<&str>,
    files: &mut Files,
) -> Node {
    let Some(language) = language else {
        return root.clone();
    };
    if !template.manifest.fields.contains_key("lang") {
        return root.clone();
    }
    let current = check::brief_locale(root, template);
    let Some(locale) = current.for_language(language) else {
        return root.clone();
    };
    if locale == current && root.get("lang").is_some() {
        return root.clone();
    }
    let tag = locale.tag();
    let key = files.add("--lang", tag.to_string());
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
    edition
}

/// Reads a brief with its layers and `--set` values, and loads its template.
fn read(
    path: &Path,
    input: &InputArgs,
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

/// The JSON a template reads, and the build identifier derived from it.
pub struct Data {
    /// The bytes of the JSON file.
    pub json: Vec<u8>,
    /// The merged brief as YAML, attached to the PDF.
    pub source: Vec<u8>,
    /// A short identifier of the inputs: the same brief and template give the same one.
    pub build_id: String,
}

/// Puts a checked brief's fields together with what the template needs to know about the build:
/// its identifier, the file name the source is attached under (`None` leaves it out), and the
/// changes since an earlier edition when asked for.
pub fn data(brief: &Brief, options: &BuildOptions) -> Data {
    // A `binding` that is not a length is reported by [`prepare`] before it gets here; in
    // this function's other callers (fuzzing, tests) it counts as no binding.
    let page = crate::print::resolve(brief, options.print).unwrap_or_else(|_| PageSetup {
        binding_mm: 0.0,
        ..crate::print::resolve(
            brief,
            PrintOverrides {
                binding_mm: Some(0.0),
                ..options.print
            },
        )
        .expect("without a binding to read, resolving cannot fail")
    });
    let mut hasher = Sha256::new();
    hasher.update(concat!("brief ", env!("CARGO_PKG_VERSION"), "\0"));
    hasher.update(brief.template.manifest.name.as_bytes());
    for (path, bytes) in &brief.template.files {
        hasher.update((path.len() as u64).to_le_bytes());
        hasher.update(path.as_bytes());
        hasher.update((bytes.len() as u64).to_le_bytes());
        // Fonts are named by path and size only: hashing megabytes of them on every build
        // cost a tenth of the build time, and a changed font keeps neither.
        if !crate::template::is_font(path) {
            hasher.update(bytes);
        }
    }
    hasher.update(brief.fields.to_string().as_bytes());
    let digest = hasher.finalize();
    let build_id: String = digest.iter().take(5).map(|b| format!("{b:02x}")).collect();
    let attach = options.attach_source.then(|| {
        brief.path.file_name().map_or_else(
            || "brief.yaml".to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
    });
    let document = json!({
        "fields": brief.fields,
        "build": {
            "id": build_id,
            "generator": concat!("brief ", env!("CARGO_PKG_VERSION")),
            "template": brief.template.manifest.name,
            "attach": attach,
            "changes": options.changes,
            "grayscale": options.grayscale,
            "page": page.to_json(),
            "handout": options.handout,
        },
    });
    let source = format!(
        "# The merged brief (every layer and --set value) behind a PDF made by brief {} (build {build_id}).\n\
         # Build it again with: brief build FILE.yaml\n{}",
        env!("CARGO_PKG_VERSION"),
        crate::loader::to_yaml(&brief.root)
    );
    Data {
        json: document.to_string().into_bytes(),
        source: source.into_bytes(),
        build_id,
    }
}

/// The date the document carries: SOURCE_DATE_EPOCH when set, else the first date field the
/// template's manifest names in `document-date` that the brief gives, else none. The clock is
/// never read, so a build can be repeated byte for byte.
pub fn document_date(brief: &Brief) -> Result<Option<DateTime<Utc>>, AppError> {
    if let Some(epoch) = std::env::var_os("SOURCE_DATE_EPOCH") {
        let text = epoch.to_string_lossy();
        let seconds: i64 = text.trim().parse().map_err(|_| {
            AppError::new(format!(
                "SOURCE_DATE_EPOCH is `{text}`, not a number of seconds"
            ))
            .with_hint("set it to seconds since 1970-01-01 UTC, or unset it")
        })?;
        return DateTime::from_timestamp(seconds, 0)
            .map(Some)
            .ok_or_else(|| AppError::new(format!("SOURCE_DATE_EPOCH is `{text}`, out of range")));
    }
    let iso = brief
        .template
        .manifest
        .document_date
        .iter()
        .find_map(|path| {
            let value = path
                .split('.')
                .try_fold(&brief.fields, |value, key| value.get(key))?;
            value.get("iso").and_then(Json::as_str)
        });
    let date = iso.and_then(|iso| {
        let full = match iso.len() {
            4 => format!("{iso}-01-01"),
            7 => format!("{iso}-01"),
            _ => iso.to_string(),
        };
        NaiveDate::parse_from_str(&full, "%Y-%m-%d").ok()
    });
    Ok(date
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc()))
}

/// Choices about one build beyond the brief itself.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Attach the merged brief to the PDF (`brief extract` gets it back).
    pub attach_source: bool,
    /// What changed since an earlier edition (see [`crate::changes`]); `null` marks nothing.
    pub changes: Json,
    /// PDF standards the output must meet (PDF/A-2b forbids attachments: the source is then
    /// left out).
    pub standards: Vec<typst_pdf::PdfStandard>,
    /// Print for monochrome printers: the brief's images are turned gray before typst reads
    /// them, and the template is told (`build.grayscale`) to draw its colours as grays.
    pub grayscale: bool,
    /// Paper and binding from the command line, over what the brief says.
    pub print: PrintOverrides,
    /// Where the document sits in a handout (see [`crate::handout`]): `null` for a document
    /// of its own, else `{part, first, total}` so its pages are numbered within the bundle.
    pub handout: Json,
}

impl Default for BuildOptions {
    fn default() -> Self {
        Self {
            attach_source: true,
            changes: Json::Null,
            standards: Vec::new(),
            grayscale: false,
            print: PrintOverrides::default(),
            handout: Json::Null,
        }
    }
}

/// Everything one compile of a checked brief needs: its world (with the brief's images), the
/// build identifier and the document's date.
pub struct Prepared<'a> {
    /// The world typst compiles.
    pub world: BriefWorld<'a>,
    /// The build identifier (the PDF's /ID).
    pub build_id: String,
    /// The document's creation date.
    pub date: Option<DateTime<Utc>>,
    /// The paper and binding it is set on.
    pub page: PageSetup,
}

/// Makes the world a checked brief compiles in, reading the images it names.
pub fn prepare<'a>(
    engine: &'a Engine,
    compiled: &'a Compiled,
    brief: &Brief,
    options: &BuildOptions,
    files: &mut Files,
) -> Result<Prepared<'a>, Failure> {
    let date = document_date(brief)?;
    let page = crate::print::resolve(brief, options.print)?;
    let data = data(brief, options);
    let today = date.and_then(typeset::to_datetime);
    let mut world = BriefWorld::new(engine, compiled, data.json, data.source, today);
    for image in &brief.images {
        files.depend(&image.host);
        let bytes = fs::read(&image.host).map_err(|e| {
            AppError::new(format!(
                "cannot read the image {} ({})",
                image.host.display(),
                describe_io(&e)
            ))
        })?;
        let bytes = if options.grayscale {
            let extension = image.virtual_path.rsplit_once('.').map_or("", |(_, e)| e);
            crate::grayscale::convert(&bytes, extension).map_err(|why| {
                AppError::new(format!(
                    "cannot make the image {} gray ({why})",
                    image.host.display()
                ))
                .with_hint("build without --grayscale, or save the image in another format")
            })?
        } else {
            bytes
        };
        world = world.with_file(&image.virtual_path, image.host.display().to_string(), bytes);
    }
    Ok(Prepared {
        world,
        build_id: data.build_id,
        date,
        page,
    })
}

/// Typesets a checked brief to PDF with a template already compiled for the engine.
pub fn typeset(
    engine: &Engine,
    compiled: &Compiled,
    brief: &Brief,
    options: &BuildOptions,
    files: &mut Files,
) -> Result<Output, Failure> {
    let prepared = prepare(engine, compiled, brief, options, files)?;
    let mut output = typeset::typeset(
        &prepared.world,
        compiled,
        files,
        &prepared.build_id,
        prepared.date,
        &options.standards,
    )?;
    // A character no font has would print as a box without a word: say where it is.
    let missing = engine.fonts().missing_glyphs(&brief.origins);
    output.warnings.splice(0..0, missing);
    Ok(output)
}

/// What [`produce`] made: the files to write, in order, and what to say about them.
pub struct Produced {
    /// Each file's path and bytes: the PDF first, then the pictures in page order.
    pub files: Vec<(PathBuf, Vec<u8>)>,
    /// How many pages the document has.
    pub pages: usize,
    /// How many of them were made into pictures.
    pub pictured: usize,
    /// Warnings from typesetting.
    pub warnings: Vec<Diagnostic>,
    /// How long each step took, in words (`compile 17 ms`), for `--verbose`.
    pub timings: Vec<String>,
}

/// Typesets a checked brief, or several editions of it (`--lang en,fr`), into every file
/// `plan` asks for (PDF, pictures) without writing any: a build that fails at any step leaves
/// every earlier file as it was.
///
/// Each edition is compiled on its own, complete with its own labels, dates and page numbers,
/// and their pages are put one after the other. The PDF takes its title, language and date
/// from the first edition, and only the first carries the attached brief (it holds every
/// language). `options[i]` is the options of `briefs[i]`.
pub fn produce(
    engine: &Engine,
    compiled: &Compiled,
    briefs: &[Brief],
    options: &[BuildOptions],
    plan: &Plan,
    files: &mut Files,
) -> Result<Produced, Failure> {
    let mut timings = Vec::new();
    let mut clock = std::time::Instant::now();
    let mut lap = |what: &str| {
        timings.push(format!("{what} {} ms", clock.elapsed().as_millis()));
        clock = std::time::Instant::now();
    };
    let mut prepared = Vec::new();
    for (i, (brief, options)) in briefs.iter().zip(options).enumerate() {
        let options = BuildOptions {
            attach_source: options.attach_source && i == 0,
            ..options.clone()
        };
        prepared.push(prepare(engine, compiled, brief, &options, files)?);
    }
    lap("read images");
    let mut documents = Vec::new();
    let mut warnings = Vec::new();
    let mut problems = Vec::new();
    for one in &prepared {
        match typeset::compile(&one.world, compiled, files) {
            Ok(document) => {
                warnings.extend(document.warnings);
                documents.push(document.document);
            }
            Err(mut errors) => problems.append(&mut errors),
        }
    }
    if !problems.is_empty() {
        return Err(problems.into());
    }
    lap("compile");
    let standards = options.first().map_or(&[][..], |o| &o.standards[..]);
    let repeated = typeset::repeated_elements(&documents);
    if repeated > 0 && standards.contains(&typst_pdf::PdfStandard::Ua_1) {
        return Err(vec![
            Diagnostic::error(
                None,
                format!(
                    "the editions cannot be tagged together for PDF/UA-1 ({repeated} footnote{} read{} the same in two editions)",
                    if repeated == 1 { "" } else { "s" },
                    if repeated == 1 { "s" } else { "" },
                ),
            )
            .with_note(
                "each edition is typeset on its own, and typst knows an element by its content and its place in the template: a footnote written the same in two editions is the same element twice, and the tags of the combined PDF could not tell which note belongs to which mark",
            )
            .with_hint(
                "give the footnote in each language, or make one PDF/UA file per edition (`--lang en`, then `--lang fr`)",
            ),
        ]
        .into());
    }
    let document = if documents.len() == 1 {
        documents.pop().expect("one document")
    } else {
        typeset::concat(documents)
    };
    let count = document.pages().len();
    // Pages past the end are refused before any work is spent on the rest.
    let numbers = match &plan.pictures {
        Some(pictures) => pictures.select(count)?,
        None => Vec::new(),
    };
    let mut out = Vec::new();
    if let Some(path) = &plan.pdf {
        let worlds: Vec<_> = prepared.iter().map(|p| (&p.world, compiled)).collect();
        // One identifier for several editions: the editions' own, joined.
        let ident = prepared
            .iter()
            .map(|p| p.build_id.as_str())
            .collect::<Vec<_>>()
            .join("+");
        let pdf = typeset::export_pdf(
            &document,
            &worlds,
            files,
            &ident,
            prepared.first().and_then(|p| p.date),
            standards,
        )?;
        out.push((path.clone(), pdf));
        lap("PDF");
    }
    if let Some(pictures) = &plan.pictures {
        for picture in preview::render(document.pages(), &numbers, &pictures.options) {
            let path = pictures.naming.file(picture.page, count, picture.format);
            out.push((path, picture.bytes));
        }
        lap("pictures");
    }
    // A character no font has would print as a box without a word: say where it is.
    let mut missing = Vec::new();
    for brief in briefs {
        for warning in engine.fonts().missing_glyphs(&brief.origins) {
            if !missing.contains(&warning) {
                missing.push(warning);
            }
        }
    }
    warnings.splice(0..0, missing);
    Ok(Produced {
        files: out,
        pages: count,
        pictured: numbers.len(),
        warnings,
        timings,
    })
}

impl Produced {
    /// The page count in words, saying how many were pictured when not all were: `2 pages`,
    /// `1 of 2 pages`.
    pub fn pages_in_words(&self) -> String {
        let plural = if self.pages == 1 { "" } else { "s" };
        if self.pictured > 0 && self.pictured < self.pages {
            format!("{} of {} page{plural}", self.pictured, self.pages)
        } else {
            format!("{} page{plural}", self.pages)
        }
    }
}
