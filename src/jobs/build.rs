//! One build: the checked editions of a brief typeset into every file a command asks for (the
//! PDF, pictures of pages), in memory, so that a build that fails anywhere writes nothing.
//! `brief build` runs it once; `brief watch` runs it on every save.

use crate::diag::{Diagnostic, Files, Severity};
use crate::error::Failure;
use crate::model::brief::Brief;
use crate::output::Output;
use crate::text::plural;
use crate::typeset;
use crate::typeset::limit;
use crate::typeset::prepare::{BuildOptions, Prepared, prepare};
use crate::typeset::preview::{self, Plan};
use crate::typeset::world::{Compiled, Engine};
use typst_layout::PagedDocument;

/// What [`produce`] made: the files to write, in order, and what to say about them.
pub struct Produced {
    /// Each file's path and bytes: the PDF first, then the pictures in page order.
    pub files: Vec<(Output, Vec<u8>)>,
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
    let standards = options.first().map_or(&[][..], |o| &o.standards[..]);
    // A character no font has would print as a box without a word: say where it is. PDF/UA-1
    // forbids text that cannot be displayed, so there it is an error, found before typst's
    // own (which names neither the field nor the way out).
    let missing = engine.fonts().missing_glyphs(briefs);
    if !missing.is_empty() && standards.contains(&typst_pdf::PdfStandard::Ua_1) {
        return Err(missing
            .into_iter()
            .map(|warning| {
                Diagnostic {
                    severity: Severity::Error,
                    ..warning
                }
                .with_hint(UNDISPLAYABLE_HINT)
            })
            .collect::<Vec<_>>()
            .into());
    }
    let (document, mut warnings) = typeset_editions(&prepared, compiled, briefs, files)?;
    lap("compile");
    let count = document.pages().len();
    warnings.extend(typeset::contrast::warnings(&document));
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
            out.push((path.into(), picture.bytes));
        }
        lap("pictures");
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

/// A warning for each block the template reported as too tall to keep together, at the
/// block's place in the brief.
pub fn layout_warnings(brief: &Brief, reports: &[typeset::LayoutReport]) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    for report in reports.iter().filter(|r| r.kind == "too-tall") {
        let inside = format!("{}.", report.path);
        let origin = brief
            .origins
            .iter()
            .find(|o| o.path.starts_with(&inside) && !o.default);
        // The block's kind is the key under its path: `sections[1].blocks[0].box.title`.
        let kind = origin
            .and_then(|o| o.path[inside.len()..].split(['.', '[']).next())
            .unwrap_or("block")
            .to_string();
        let mut warning = Diagnostic::warning(
            origin.map(|o| o.span),
            format!(
                "the {kind} on page {} is too tall to keep together ({:.0} pt, and a {} holds {:.0} pt); it is split",
                report.page,
                report.height,
                if brief.fields["layout"] == "two-column" { "column" } else { "page" },
                report.room,
            ),
        )
        .with_field(&report.path);
        warning.hints.push(format!(
            "shorten the {kind}, or leave out `keep: together` so that it may split"
        ));
        warnings.push(warning);
    }
    warnings
}

/// What to do about a character no font has, when PDF/UA-1 makes it an error.
pub const UNDISPLAYABLE_HINT: &str = "PDF/UA-1 (the built-in templates' default) forbids text that cannot be displayed; --pdf-standard none builds it with the box";

/// Typesets a checked brief, or several editions of it, into one document of pages without
/// exporting anything (what `brief preview` shows): the editions one after the other, as
/// [`produce`] puts them in the PDF, with the warnings of typesetting and of missing glyphs.
pub fn document(
    engine: &Engine,
    compiled: &Compiled,
    briefs: &[Brief],
    options: &[BuildOptions],
    files: &mut Files,
) -> Result<(PagedDocument, Vec<Diagnostic>), Failure> {
    let mut prepared = Vec::new();
    for (brief, options) in briefs.iter().zip(options) {
        let options = BuildOptions {
            attach_source: false,
            ..options.clone()
        };
        prepared.push(prepare(engine, compiled, brief, &options, files)?);
    }
    let (document, mut warnings) = typeset_editions(&prepared, compiled, briefs, files)?;
    warnings.splice(0..0, engine.fonts().missing_glyphs(briefs));
    Ok((document, warnings))
}

/// Compiles every edition, warns about its layout, holds each to its page limit, and joins
/// them into one document, the editions one after the other.
fn typeset_editions(
    prepared: &[Prepared<'_>],
    compiled: &Compiled,
    briefs: &[Brief],
    files: &mut Files,
) -> Result<(PagedDocument, Vec<Diagnostic>), Failure> {
    let (mut documents, mut warnings) = compile_all(prepared, compiled, files)?;
    for (document, brief) in documents.iter().zip(briefs) {
        warnings.extend(layout_warnings(brief, &typeset::layout_reports(document)));
    }
    keep_to_limits(&documents, briefs)?;
    let document = if documents.len() == 1 {
        documents.pop().expect("one document")
    } else {
        typeset::concat(documents)
    };
    Ok((document, warnings))
}

/// Compiles each edition's world; every edition's problems are reported together.
fn compile_all(
    prepared: &[Prepared<'_>],
    compiled: &Compiled,
    files: &mut Files,
) -> Result<(Vec<PagedDocument>, Vec<Diagnostic>), Failure> {
    let mut documents = Vec::new();
    let mut warnings = Vec::new();
    let mut problems = Vec::new();
    for one in prepared {
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
    Ok((documents, warnings))
}

/// Checks each edition against its brief's page limit; every edition over it is reported.
fn keep_to_limits(documents: &[PagedDocument], briefs: &[Brief]) -> Result<(), Failure> {
    let name = limit::document_name;
    let problems: Vec<Diagnostic> = documents
        .iter()
        .zip(briefs)
        .filter_map(|(document, brief)| {
            let what = if briefs.len() > 1 {
                format!("the {} edition of {}", brief.language.name(), name(brief))
            } else {
                name(brief)
            };
            limit::enforce(document, brief, &what).err()
        })
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.into())
    }
}

impl Produced {
    /// The page count in words, saying how many were pictured when not all were: `2 pages`,
    /// `1 of 2 pages`.
    pub fn pages_in_words(&self) -> String {
        let s = plural(self.pages);
        if self.pictured > 0 && self.pictured < self.pages {
            format!("{} of {} page{s}", self.pictured, self.pages)
        } else {
            format!("{} page{s}", self.pages)
        }
    }
}
