//! From a checked brief to the world typst compiles: the data a template reads (see
//! [`crate::model::contract`]), the build identifier, the document's date, and the brief's
//! images (turned gray for `--grayscale`).

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Value as Json, json};
use sha2::{Digest, Sha256};
use typst::foundations::{Bytes, Smart};
use typst::visualize::{ExchangeFormat, RasterImage};

use crate::check::changes::Changes;
use crate::diag::Files;
use crate::error::{AppError, Failure};
use crate::input::image::MAX_IMAGE_BYTES;
use crate::input::read::read_bounded;
use crate::model::brief::Brief;
use crate::model::marking::Marking;
use crate::model::print::{PageSetup, PrintOverrides};
use crate::model::standard::Standard;
use crate::typeset::world::{BriefWorld, Compiled, Engine};
use crate::typeset::{self, Output};

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
    let page = crate::model::print::resolve(brief, options.print).unwrap_or_else(|_| PageSetup {
        binding_mm: 0.0,
        ..crate::model::print::resolve(
            brief,
            PrintOverrides {
                binding_mm: Some(0.0),
                ..options.print
            },
        )
        .expect("without a binding to read, resolving cannot fail")
    });
    let build_id = build_id(brief, options);
    let marking = marking(brief, options);
    // A note marked above UNCLASSIFIED does not carry the merged brief, whose fields are not
    // all printed, unless the command line asks for it.
    let sensitive = marking.as_ref().is_some_and(Marking::is_sensitive);
    let attach = (options.attach_source && (options.attach_sensitive || !sensitive)).then(|| {
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
            // The version of the template contract this data follows.
            "contract": crate::model::contract::VERSION,
            "attach": attach,
            "changes": options.changes.as_ref().map(Changes::to_json),
            "grayscale": options.grayscale,
            "page": page.to_json(),
            "handout": options.handout.as_ref().map(HandoutPlace::to_json),
            "marking": marking.as_ref().map(|m| m.to_json(brief.language)),
        },
    });
    let source = format!(
        "# The merged brief (every layer and --set value) behind a PDF made by brief {} (build {build_id}).\n\
         # Build it again with: brief build FILE.yaml\n{}",
        env!("CARGO_PKG_VERSION"),
        crate::input::yaml::to_yaml(&brief.root)
    );
    Data {
        json: document.to_string().into_bytes(),
        source: source.into_bytes(),
        build_id,
    }
}

/// The merged brief a personalized copy carries, attached where [`data`]'s source is: the
/// same, without its `participants`, so that the copy handed to one participant holds no
/// one else's name, title, organization, seat or table beyond what it prints (a note prints
/// none of them). Every copy attaches the same file, which also spares compressing the whole
/// list again in each of them.
pub fn copy_source(brief: &Brief, build_id: &str) -> Vec<u8> {
    let mut root = brief.root.clone();
    if let crate::input::yaml::Value::Map(entries) = &mut root.value {
        entries.retain(|e| e.key != "participants");
    }
    format!(
        "# The merged brief (every layer and --set value) behind a personalized copy made by brief {} (build {build_id}).\n\
         # Its participants are left out: a copy carries no one else's name, seat or table.\n\
         # Build the note again with: brief build FILE.yaml (its copies need the participants back)\n{}",
        env!("CARGO_PKG_VERSION"),
        crate::input::yaml::to_yaml(&root)
    )
    .into_bytes()
}

/// The build identifier of a brief's document: the one the options give (`brief preview`'s),
/// else a short hash of the template, the page library and the brief's data. The other options
/// do not change it, so a handout knows its parts' identifiers before it lays them out.
pub fn build_id(brief: &Brief, options: &BuildOptions) -> String {
    if let Some(id) = &options.build_id {
        return id.clone();
    }
    let mut hasher = Sha256::new();
    hasher.update(concat!("brief ", env!("CARGO_PKG_VERSION"), "\0"));
    hasher.update(brief.template.manifest.name.as_bytes());
    for (path, bytes) in &brief.template.files {
        hasher.update((path.len() as u64).to_le_bytes());
        hasher.update(path.as_bytes());
        hasher.update((bytes.len() as u64).to_le_bytes());
        // Fonts are named by path and size only: they are megabytes, too many to hash on
        // every build, and a changed font keeps neither.
        if !crate::model::template::is_font(path) {
            hasher.update(bytes);
        }
    }
    // The page library every built-in template imports is an input too.
    for (path, bytes) in crate::model::template::page_library() {
        hasher.update((path.len() as u64).to_le_bytes());
        hasher.update(path.as_bytes());
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    }
    hasher.update(brief.fields.to_string().as_bytes());
    let digest = hasher.finalize();
    digest.iter().take(5).map(|b| format!("{b:02x}")).collect()
}

/// The marking a document carries: the one the options give (a handout's, for every part of
/// the bundle), else the brief's own.
pub fn marking(brief: &Brief, options: &BuildOptions) -> Option<Marking> {
    options
        .marking
        .clone()
        .or_else(|| Marking::of(&brief.fields))
}

/// The last second SOURCE_DATE_EPOCH may name: 9999-12-31 23:59:59 UTC.
pub const LAST_EPOCH_SECOND: i64 = 253_402_300_799;

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
        // A PDF date has four digits of year, and a date before 1970 is no build's.
        return (0..=LAST_EPOCH_SECOND)
            .contains(&seconds)
            .then(|| DateTime::from_timestamp(seconds, 0))
            .flatten()
            .map(Some)
            .ok_or_else(|| {
                AppError::new(format!(
                    "SOURCE_DATE_EPOCH is `{text}`, out of range (a document's date is from 1970-01-01 to 9999-12-31)"
                ))
                .with_hint(format!(
                    "set it to seconds since 1970-01-01 UTC, from 0 to {LAST_EPOCH_SECOND}, or unset it"
                ))
            });
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
            // A range of dates (`2017-06-02/2017-06-06`) is dated by its first day.
            let iso = value.get("iso").and_then(Json::as_str)?;
            iso.split('/').next()
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
    /// What changed since an earlier edition, to mark (see [`crate::check::changes`]).
    pub changes: Option<Changes>,
    /// PDF standards the output must meet (see [`may_attach`] for the attached source).
    pub standards: Vec<typst_pdf::PdfStandard>,
    /// Print for monochrome printers: the brief's images are turned gray before typst reads
    /// them, and the template is told (`build.grayscale`) to draw its colours as grays.
    pub grayscale: bool,
    /// Paper and binding from the command line, over what the brief says.
    pub print: PrintOverrides,
    /// Where the document sits in a handout bundle; `None` for a document of its own.
    pub handout: Option<HandoutPlace>,
    /// A build identifier to print instead of the one derived from the inputs: `brief preview`
    /// prints `preview`, so that an edit changes only the pages it touches, not every footer.
    pub build_id: Option<String>,
    /// Attach the merged brief even to a document marked above UNCLASSIFIED.
    pub attach_sensitive: bool,
    /// The security marking the document carries instead of its brief's own: a handout's
    /// parts all carry the bundle's.
    pub marking: Option<Marking>,
}

/// Where a document sits in a handout bundle, so that its pages are numbered within it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandoutPlace {
    /// The part's name (`note`, `agenda`, ...), or `blank` for a page put in before a part.
    pub part: &'static str,
    /// The bundle's page number of the document's first page.
    pub first: usize,
    /// The bundle's page count (0 while the parts are first measured).
    pub total: usize,
    /// The bundle's build identifier.
    pub id: String,
    /// Whether blank pages say "This page intentionally left blank".
    pub label_blanks: bool,
}

impl HandoutPlace {
    /// What the template reads under `build.handout`.
    pub fn to_json(&self) -> Json {
        json!({
            "part": self.part,
            "first": self.first,
            "total": self.total,
            "id": self.id,
            "label": self.label_blanks,
        })
    }
}

/// The standards typst checks and writes for `standards`.
pub fn pdf_standards(standards: &[Standard]) -> Vec<typst_pdf::PdfStandard> {
    standards
        .iter()
        .map(|s| match s {
            Standard::A2b => typst_pdf::PdfStandard::A_2b,
            Standard::A3b => typst_pdf::PdfStandard::A_3b,
            Standard::Ua1 => typst_pdf::PdfStandard::Ua_1,
        })
        .collect()
}

/// Whether a PDF meeting `standards` may carry the merged brief as an attachment: PDF/A-2b
/// forbids attached files (PDF/A-3b allows them).
pub fn may_attach(standards: &[typst_pdf::PdfStandard]) -> bool {
    !standards.contains(&typst_pdf::PdfStandard::A_2b)
}

impl Default for BuildOptions {
    fn default() -> Self {
        Self {
            attach_source: true,
            changes: None,
            standards: Vec::new(),
            grayscale: false,
            print: PrintOverrides::default(),
            handout: None,
            build_id: None,
            attach_sensitive: false,
            marking: None,
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
    // A font family no face has would fall back silently: refuse it at its line.
    let unknown = engine.fonts().unknown_families([brief]);
    if !unknown.is_empty() {
        return Err(unknown.into());
    }
    let date = document_date(brief)?;
    let page = crate::model::print::resolve(brief, options.print)?;
    let data = data(brief, options);
    let today = date.and_then(typeset::to_datetime);
    let mut world = BriefWorld::new(engine, compiled, data.json, data.source, today)
        .with_keywords(marking(brief, options).map_or_else(Vec::new, |m| m.lines(brief.language)));
    let mut damaged = Vec::new();
    for image in &brief.images {
        files.depend(&image.host);
        // Read again and checked again: the file may have changed since the check.
        let extension = image.virtual_path.rsplit_once('.').map_or("", |(_, e)| e);
        let bytes = read_bounded(&image.host, MAX_IMAGE_BYTES)
            .map_err(|e| e.describe("an image"))
            .and_then(|bytes| {
                crate::input::image::check(&bytes, extension).map_err(|why| why.0)?;
                Ok(bytes)
            })
            .map_err(|why| {
                AppError::new(format!(
                    "cannot read the image {} ({why})",
                    image.host.display()
                ))
            })?;
        // A body damaged past its header would fail in typst's decoder, at the template's
        // `image(...)`: decode it here, where the brief's line is known. typst keeps decoded
        // images by their bytes, so the compile takes this one instead of decoding again.
        // With --grayscale typst decodes only the gray copy; the original is decoded by the
        // conversion, and by typst's decoder only to say what is wrong with it.
        if options.grayscale {
            let gray = match crate::typeset::grayscale::convert(&bytes, extension) {
                Ok(gray) => gray,
                Err(why) => {
                    if let Err(damage) = decodes(&Bytes::new(bytes), extension) {
                        damaged.push(image.problem(&damage));
                        continue;
                    }
                    return Err(AppError::new(format!(
                        "cannot make the image {} gray ({why})",
                        image.host.display()
                    ))
                    .with_hint("build without --grayscale, or save the image in another format")
                    .into());
                }
            };
            world = world.with_image(image, Bytes::new(gray));
        } else {
            let bytes = Bytes::new(bytes);
            if let Err(why) = decodes(&bytes, extension) {
                damaged.push(image.problem(&why));
                continue;
            }
            world = world.with_image(image, bytes);
        }
    }
    if !damaged.is_empty() {
        return Err(damaged.into());
    }
    Ok(Prepared {
        world,
        build_id: data.build_id,
        date,
        page,
    })
}

/// Whether typst decodes a raster image's `bytes` (an extension that is not one of a raster
/// format is left to typst), or why not: `is damaged (unexpected end of file)`. The call is
/// the one typst's `image` element makes, so its memoized result serves the compile.
fn decodes(bytes: &Bytes, extension: &str) -> Result<(), String> {
    let format = match extension.to_ascii_lowercase().as_str() {
        "png" => ExchangeFormat::Png,
        "jpg" | "jpeg" => ExchangeFormat::Jpg,
        "gif" => ExchangeFormat::Gif,
        "webp" => ExchangeFormat::Webp,
        _ => return Ok(()),
    };
    match RasterImage::new(bytes.clone(), format, Smart::Auto) {
        Ok(_) => Ok(()),
        // The decoder's own limit on memory (512 MB), for 16 bits a channel near the most
        // pixels `input::image` lets through.
        Err(error) if error.as_str() == "file is too large" => {
            Err("is too large to decode (it would take more than 512 MB of memory)".into())
        }
        Err(error) => {
            let reason = error.as_str();
            let reason = reason
                .strip_prefix("failed to decode image (")
                .and_then(|r| r.strip_suffix(')'))
                .unwrap_or(reason);
            Err(format!("is damaged ({reason})"))
        }
    }
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
    let missing = engine.fonts().missing_glyphs([brief]);
    output.warnings.splice(0..0, missing);
    Ok(output)
}
