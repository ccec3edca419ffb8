//! `brief build`: one brief to its PDF, and pictures of its pages when asked for.

use std::path::{Path, PathBuf};
use std::time::Instant;

use super::Context;
use crate::changes;
use crate::cli::{BuildArgs, InputArgs, OutputFormat, PdfStandardArg, RenderArgs};
use crate::diag::Files;
use crate::error::AppError;
use crate::output;
use crate::pipeline::{self, BuildOptions, Failure};
use crate::preview::{PictureFormat, PictureOptions, Plan};
use crate::world::Compiled;

/// Runs `brief build`; returns the exit code.
pub fn run(ctx: &Context, args: &BuildArgs) -> u8 {
    let mut files = Files::default();
    match build(ctx, args, &mut files) {
        Ok(()) => 0,
        Err(failure) => ctx.report(&files, failure),
    }
}

fn build(ctx: &Context, args: &BuildArgs, files: &mut Files) -> Result<(), Failure> {
    let started = Instant::now();
    let plan = plan(&args.brief, args.output.as_deref(), &args.render)?;
    for target in plan.targets() {
        output::check_target(&target, &[&args.brief])?;
    }
    // Fonts are indexed on a second core while the brief is read and checked.
    let (briefs, engine) = std::thread::scope(|scope| {
        let engine = scope.spawn(|| super::engine(&args.font_paths));
        let briefs = pipeline::load_editions(&args.brief, &args.input, files);
        (briefs, engine.join().expect("font indexing does not panic"))
    });
    let briefs = briefs?;
    for brief in &briefs {
        ctx.warn(files, &brief.warnings);
    }
    let engine = engine?;
    ctx.detail(format!(
        "checked {} in {} ms",
        args.brief.display(),
        started.elapsed().as_millis()
    ));
    let mut options = BuildOptions::default();
    for standard in &args.pdf_standards {
        options.standards.push(match standard {
            PdfStandardArg::A2b => typst_pdf::PdfStandard::A_2b,
            PdfStandardArg::A3b => typst_pdf::PdfStandard::A_3b,
            PdfStandardArg::Ua1 => typst_pdf::PdfStandard::Ua_1,
        });
    }
    options.attach_source = !args.pdf_standards.contains(&PdfStandardArg::A2b);
    options.grayscale = args.render.grayscale;
    let mut per_edition = Vec::new();
    for brief in &briefs {
        let mut options = options.clone();
        if let Some(old) = &args.changes_since {
            // The earlier edition is read as it was built: its own layers, no --set; in the
            // language of this edition.
            let input = InputArgs {
                sets: Vec::new(),
                templates: args.input.templates.clone(),
                langs: if args.input.langs.is_empty() {
                    Vec::new()
                } else {
                    vec![brief.language.to_string()]
                },
            };
            let old = pipeline::load(old, &input, files)?;
            let changes = changes::compare(&old.fields, &brief.fields);
            ctx.detail(format!(
                "{} changed, {} removed since {}",
                changes.marks.len(),
                changes.removed.len(),
                old.path.display()
            ));
            options.changes = changes.to_json();
        }
        per_edition.push(options);
    }
    let compiled = Compiled::new(&briefs[0].template);
    let result = pipeline::produce(&engine, &compiled, &briefs, &per_edition, &plan, files)?;
    ctx.warn(files, &result.warnings);
    ctx.detail(result.timings.join(", "));
    for (path, _) in &result.files {
        output::check_target(path, &[&args.brief])?;
    }
    let writing = Instant::now();
    output::write_all(&result.files, true)?;
    ctx.detail(format!(
        "wrote {} file{} in {} ms",
        result.files.len(),
        if result.files.len() == 1 { "" } else { "s" },
        writing.elapsed().as_millis()
    ));
    let to_stdout = plan
        .pdf
        .as_ref()
        .is_some_and(|p| p.as_os_str() == output::STDOUT);
    if !to_stdout {
        ctx.say(format!(
            "wrote {} ({}, {} ms)",
            describe_files(&result.files),
            result.pages_in_words(),
            started.elapsed().as_millis()
        ));
    }
    if let Some(pictures) = plan.pictures.as_ref().filter(|p| p.pages.is_none()) {
        // Pictures of pages the brief no longer has stay from an earlier build: say so
        // rather than delete files.
        for &format in &pictures.options.formats {
            let next = pictures.naming.file(result.pages + 1, result.pages, format);
            if pictures.naming.names_each_page() && next.is_file() {
                ctx.say(format!(
                    "note: {} is from an earlier build (the brief now has {} page{})",
                    next.display(),
                    result.pages,
                    if result.pages == 1 { "" } else { "s" }
                ));
            }
        }
    }
    Ok(())
}

/// Pixels per inch of PNG pictures unless `--ppi` says otherwise: a letter page is then 1224 by
/// 1584 pixels, sharp on a laptop screen and small enough to attach to an e-mail.
pub const DEFAULT_PPI: u32 = 144;

/// The output plan from the command line.
pub fn plan(brief: &Path, output: Option<&Path>, render: &RenderArgs) -> Result<Plan, AppError> {
    let mut formats = Vec::new();
    for format in &render.formats {
        let picture = match format {
            OutputFormat::Pdf => continue,
            OutputFormat::Png => PictureFormat::Png,
            OutputFormat::Svg => PictureFormat::Svg,
        };
        if !formats.contains(&picture) {
            formats.push(picture);
        }
    }
    if render.ppi.is_some() && !formats.contains(&PictureFormat::Png) {
        return Err(
            AppError::usage("--ppi sets the size of PNG pictures, but none are asked for")
                .with_hint("add --format png"),
        );
    }
    let options = PictureOptions {
        formats,
        ppi: render.ppi.unwrap_or(DEFAULT_PPI) as f32,
    };
    Plan::new(
        brief,
        output,
        render.formats.contains(&OutputFormat::Pdf),
        options,
        render.pages.clone(),
    )
}

/// The files written, in a few words: `note.pdf, note-1.png, note-2.png`, or for many pages
/// `note.pdf, note-01.png … note-12.png`.
pub fn describe_files(files: &[(PathBuf, Vec<u8>)]) -> String {
    let names: Vec<String> = files.iter().map(|(p, _)| p.display().to_string()).collect();
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < names.len() {
        let ext = |n: &str| n.rsplit_once('.').map(|(_, e)| e.to_string());
        let mut j = i + 1;
        while j < names.len() && ext(&names[j]) == ext(&names[i]) {
            j += 1;
        }
        if j - i > 3 {
            parts.push(format!("{} … {}", names[i], names[j - 1]));
        } else {
            parts.extend(names[i..j].iter().cloned());
        }
        i = j;
    }
    parts.join(", ")
}
