//! `brief build`: one brief to its PDF, and pictures of its pages when asked for; with
//! `--per-participant`, one personalized copy per participant.

use std::path::Path;
use std::time::Instant;

use crate::check::changes;
use crate::check::load::{self, Sources};
use crate::cli::args::{BuildArgs, OutputFormat, PdfStandardArg};
use crate::cli::context::{Context, Verbosity};
use crate::diag::Files;
use crate::error::AppError;
use crate::error::Failure;
use crate::jobs::build;
use crate::jobs::copies::{self, Destination};
use crate::jobs::handout;
use crate::model::brief::Brief;
use crate::output::{self, Durability, Output};
use crate::text::plural;
use crate::typeset::prepare::{self, BuildOptions};
use crate::typeset::preview::Plan;
use crate::typeset::world::{Compiled, Engine};

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
    let copies = &args.copies;
    let (plan, destination) = if copies.per_participant {
        (None, Some(copies_destination(ctx, args)?))
    } else {
        let plan = super::render::plan(&args.brief, args.output.as_ref(), &args.render)?;
        for target in plan.targets() {
            output::check_target(&target, &[&args.brief])?;
        }
        (Some(plan), None)
    };
    // Fonts are indexed on a second core while the brief is read and checked; the template's
    // typst files are parsed there too, and its fonts made ready during the compile.
    Engine::beside_then(
        &args.pdf.font_paths,
        |on_template| {
            let sources = args.input.sources();
            let briefs = load::load_editions_with(&args.brief, &sources, files, on_template);
            (briefs, files)
        },
        |(briefs, files), engine, compiled| {
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
            let per_edition = edition_options(ctx, args, &briefs, files)?;
            let compiled = compiled.unwrap_or_else(|| Compiled::new(&briefs[0].template));
            match (plan, destination) {
                (Some(plan), _) => {
                    build_note(
                        ctx,
                        args,
                        engine,
                        &compiled,
                        &briefs,
                        &per_edition,
                        &plan,
                        files,
                        started,
                    )?;
                }
                (None, destination) => {
                    let destination = destination.expect("made for --per-participant");
                    let sources = args.input.sources();
                    per_participant(
                        ctx,
                        engine,
                        &compiled,
                        &briefs[0],
                        &per_edition[0],
                        &destination,
                        sources.templates.as_deref(),
                        files,
                        started,
                    )?;
                }
            }
            // The process ends right after this (a build is its only command): what the build
            // made (the parsed template, the briefs) is left to the system to reclaim rather
            // than freed piece by piece.
            std::mem::forget((compiled, briefs));
            Ok(())
        },
    )
}

/// Writes the note of each edition, and the pictures `plan` asks for.
#[allow(clippy::too_many_arguments)]
fn build_note(
    ctx: &Context,
    args: &BuildArgs,
    engine: &Engine,
    compiled: &Compiled,
    briefs: &[Brief],
    per_edition: &[BuildOptions],
    plan: &Plan,
    files: &mut Files,
    started: Instant,
) -> Result<(), Failure> {
    let result = build::produce(engine, compiled, briefs, per_edition, plan, files)?;
    ctx.warn(files, &result.warnings);
    ctx.detail(result.timings.join(", "));
    for (path, _) in &result.files {
        output::check_target(path, &[&args.brief])?;
        output::check_not_read(path, files.dependencies())?;
    }
    let writing = Instant::now();
    output::write_all(&result.files, Durability::Synced)?;
    ctx.detail(format!(
        "wrote {} file{} in {} ms",
        result.files.len(),
        plural(result.files.len()),
        writing.elapsed().as_millis()
    ));
    let to_stdout = plan.pdf.as_ref().is_some_and(Output::is_stdout);
    if !to_stdout {
        ctx.say(format!(
            "wrote {} ({}, {} ms)",
            super::render::describe_files(&result.files),
            result.pages_in_words(),
            started.elapsed().as_millis()
        ));
    }
    note_stale_pictures(ctx, plan, result.pages);
    std::mem::forget(result);
    Ok(())
}

/// The options each edition is built with: the command line's choices, and with
/// `--changes-since` what changed since the earlier edition in the same language.
fn edition_options(
    ctx: &Context,
    args: &BuildArgs,
    briefs: &[Brief],
    files: &mut Files,
) -> Result<Vec<BuildOptions>, Failure> {
    let mut options = BuildOptions {
        print: args.print.overrides(),
        ..BuildOptions::default()
    };
    let default = &briefs[0].template.manifest.pdf_standard;
    options.standards =
        prepare::pdf_standards(&PdfStandardArg::resolve(&args.pdf.pdf_standards, default));
    options.attach_source = prepare::may_attach(&options.standards);
    options.attach_sensitive = args.pdf.attach_marked;
    options.grayscale = args.render.grayscale;
    let mut per_edition = Vec::new();
    for brief in briefs {
        let mut options = options.clone();
        if let Some(old) = &args.changes_since {
            // The earlier edition is read as it was built: its own layers, no --set; in the
            // language of this edition.
            let input = Sources {
                sets: Vec::new(),
                templates: args.input.templates.clone(),
                langs: if args.input.langs.is_empty() {
                    Vec::new()
                } else {
                    vec![brief.language]
                },
            };
            let old = load::load(old, &input, files)?;
            let changes = changes::compare(&old.fields, &brief.fields);
            ctx.detail(format!(
                "{} changed, {} removed since {}",
                changes.marks.len(),
                changes.removed.len(),
                old.path.display()
            ));
            options.changes = Some(changes);
        }
        per_edition.push(options);
    }
    Ok(per_edition)
}

/// Pictures of pages the brief no longer has stay from an earlier build: says so rather
/// than deleting files.
fn note_stale_pictures(ctx: &Context, plan: &Plan, pages: usize) {
    if let Some(pictures) = plan.pictures.as_ref().filter(|p| p.pages.is_none()) {
        for &format in &pictures.options.formats {
            let next = pictures.naming.file(pages + 1, pages, format);
            if pictures.naming.names_each_page() && next.is_file() {
                ctx.say(format!(
                    "note: {} is from an earlier build (the brief now has {} page{})",
                    next.display(),
                    pages,
                    plural(pages)
                ));
            }
        }
    }
}

/// Where `--per-participant` writes its copies, checked before any work is done.
fn copies_destination(ctx: &Context, args: &BuildArgs) -> Result<Destination, AppError> {
    if args.render.formats.iter().any(|f| *f != OutputFormat::Pdf) {
        return Err(AppError::usage(
            "--per-participant makes PDF copies; pictures are made of one brief at a time",
        )
        .with_hint("make the pictures in a build of their own, without --per-participant"));
    }
    super::copies::destination(
        ctx,
        &args.brief,
        args.output.as_ref(),
        &args.copies,
        &args.input.sources(),
    )
}

/// `--per-participant`: one copy of the note per participant, written all at once.
#[allow(clippy::too_many_arguments)]
fn per_participant(
    ctx: &Context,
    engine: &Engine,
    compiled: &Compiled,
    brief: &Brief,
    options: &BuildOptions,
    destination: &Destination,
    templates: Option<&Path>,
    files: &mut Files,
    started: Instant,
) -> Result<(), Failure> {
    let show_progress = ctx.verbosity > Verbosity::Quiet;
    // A merged print file ends each copy with an odd page count with a marked blank page.
    let pad = match destination {
        Destination::Merged(_) => {
            Some(handout::pad_page(engine, brief, options, templates, files)?)
        }
        Destination::Folder { .. } => None,
    };
    let written = copies::of_note(
        engine,
        compiled,
        brief,
        options,
        destination,
        pad,
        show_progress,
        files,
    )?;
    super::copies::report_copies(ctx, files, &written, destination, started);
    Ok(())
}
