//! `brief build`: one brief to its PDF, and pictures of its pages when asked for; with
//! `--per-participant`, one personalized copy per participant.

use std::path::Path;
use std::time::Instant;

use crate::check::changes;
use crate::check::load::{self, Sources};
use crate::cli::args::{BuildArgs, OutputFormat, RenderArgs};
use crate::cli::context::{Context, Verbosity};
use crate::diag::Files;
use crate::error::AppError;
use crate::error::Failure;
use crate::jobs::build;
use crate::jobs::copies::{self, Destination};
use crate::model::brief::Brief;
use crate::output::{self, Durability, Output};
use crate::text::plural;
use crate::typeset::prepare::{self, BuildOptions};
use crate::typeset::preview::{PictureFormat, PictureOptions, Plan};
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
        (None, Some(copies_destination(args)?))
    } else {
        let plan = plan(&args.brief, args.output.as_ref(), &args.render)?;
        for target in plan.targets() {
            output::check_target(&target, &[&args.brief])?;
        }
        (Some(plan), None)
    };
    // Fonts are indexed on a second core while the brief is read and checked.
    let (briefs, engine) = Engine::beside(&args.font_paths, || {
        load::load_editions(&args.brief, &args.input.sources(), files)
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
    let per_edition = edition_options(ctx, args, &briefs, files)?;
    let compiled = Compiled::new(&briefs[0].template);
    let Some(plan) = plan else {
        let destination = destination.expect("made for --per-participant");
        return per_participant(
            ctx,
            &engine,
            &compiled,
            &briefs[0],
            &per_edition[0],
            &destination,
            files,
            started,
        );
    };
    let result = build::produce(&engine, &compiled, &briefs, &per_edition, &plan, files)?;
    ctx.warn(files, &result.warnings);
    ctx.detail(result.timings.join(", "));
    for (path, _) in &result.files {
        output::check_target(path, &[&args.brief])?;
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
            describe_files(&result.files),
            result.pages_in_words(),
            started.elapsed().as_millis()
        ));
    }
    note_stale_pictures(ctx, &plan, result.pages);
    Ok(())
}

/// Pixels per inch of PNG pictures unless `--ppi` says otherwise: a letter page is then 1224 by
/// 1584 pixels, sharp on a laptop screen and small enough to attach to an e-mail.
pub const DEFAULT_PPI: u32 = 144;

/// The output plan from the command line.
pub fn plan(brief: &Path, output: Option<&Output>, render: &RenderArgs) -> Result<Plan, AppError> {
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
pub fn describe_files(files: &[(Output, Vec<u8>)]) -> String {
    let names: Vec<String> = files.iter().map(|(o, _)| o.to_string()).collect();
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
    options.standards = args.pdf_standards.iter().map(|s| s.standard()).collect();
    options.attach_source = prepare::may_attach(&options.standards);
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
fn copies_destination(args: &BuildArgs) -> Result<Destination, AppError> {
    if args.render.formats.iter().any(|f| *f != OutputFormat::Pdf) {
        return Err(AppError::usage(
            "--per-participant makes PDF copies; pictures are made of one brief at a time",
        )
        .with_hint("make the pictures in a build of their own, without --per-participant"));
    }
    destination(
        &args.brief,
        args.output.as_ref(),
        &args.copies,
        &args.input.sources(),
    )
}

/// Where `--per-participant` writes its copies (`brief build` and `brief handout`), checked
/// before any work is done.
pub fn destination(
    brief: &Path,
    out: Option<&Output>,
    copies: &crate::cli::args::CopiesArgs,
    input: &Sources,
) -> Result<Destination, AppError> {
    if !copies.merged && out.is_some() {
        return Err(AppError::usage(
            "`-o` names one file, but --per-participant writes one file per participant",
        )
        .with_hint(
            "use --out-dir DIR for the folder of copies, or --merged -o FILE for one print file",
        ));
    }
    if input.langs.len() > 1 {
        return Err(AppError::usage(
            "--per-participant makes copies of one edition, but --lang names several",
        )
        .with_hint(
            "make the copies of each edition in a run of its own (`--lang en`, then `--lang fr`)",
        ));
    }
    if copies.merged {
        let target = out
            .cloned()
            .unwrap_or_else(|| copies::default_merged(brief).into());
        output::check_target(&target, &[brief])?;
        Ok(Destination::Merged(target))
    } else {
        Ok(Destination::Folder(
            copies
                .out_dir
                .clone()
                .unwrap_or_else(|| copies::default_dir(brief)),
        ))
    }
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
    files: &mut Files,
    started: Instant,
) -> Result<(), Failure> {
    let show_progress = ctx.verbosity > Verbosity::Quiet;
    let written = copies::of_note(
        engine,
        compiled,
        brief,
        options,
        destination,
        show_progress,
        files,
    )?;
    report_copies(ctx, files, &written, destination, started);
    Ok(())
}

/// Says what a batch of copies wrote: each copy with `--verbose`, then one summary line.
pub fn report_copies(
    ctx: &Context,
    files: &Files,
    written: &copies::Written,
    destination: &Destination,
    started: Instant,
) {
    let threads = written.threads;
    ctx.warn(files, &written.warnings);
    for copy in &written.copies {
        let (name, pages) = (&copy.name, copy.pages);
        let s = plural(pages);
        match &copy.file {
            None => ctx.detail(format!("  {name} ({pages} page{s})")),
            Some(file) => ctx.detail(format!("  {file}  {name} ({pages} page{s})")),
        }
    }
    if matches!(destination, Destination::Merged(Output::Stdout)) {
        return;
    }
    let count = written.copies.len();
    let seconds = started.elapsed().as_secs_f64();
    let copies = if count == 1 { "copy" } else { "copies" };
    ctx.say(match destination {
        Destination::Folder(dir) => format!(
            "wrote {count} {copies} to {} ({} pages, {seconds:.1} s, {threads} thread{})",
            dir.display(),
            written.pages,
            plural(threads)
        ),
        Destination::Merged(file) => format!(
            "wrote {file} ({count} {copies}, {} pages, {seconds:.1} s, {threads} thread{})",
            written.pages,
            plural(threads)
        ),
    });
}
