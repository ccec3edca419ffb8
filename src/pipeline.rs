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
use crate::loader::Value;
use crate::output::describe_io;
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
    /// Warnings from reading and checking.
    pub warnings: Vec<Diagnostic>,
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

/// Reads, parses and checks a brief, reporting every problem it has at once.
pub fn load(path: &Path, input: &InputArgs, files: &mut Files) -> Result<Brief, Failure> {
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
    let mut checked = check::check_in(&root, &template, files);
    crate::content::review(&root, &template, &mut checked, files);
    if checked.has_errors() {
        return Err(checked.problems.into());
    }
    Ok(Brief {
        path: path.to_path_buf(),
        template,
        template_at: at,
        fields: checked.data,
        origins: checked.origins,
        warnings: checked.problems,
        images: checked.images,
        root,
    })
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
