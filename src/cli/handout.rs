//! `brief handout`: the print-ready bundle of a brief's parts, or its name tents.

use std::time::Instant;

use crate::cli::args::HandoutArgs;
use crate::cli::context::{Context, Verbosity};
use crate::diag::Files;
use crate::text::plural;
use typst_layout::PagedDocument;

use crate::error::AppError;
use crate::error::Failure;
use crate::jobs::batch;
use crate::jobs::copies::{self, Destination, Job, Recipient};
use crate::jobs::handout::{self, Assembled, Handout, Plan};
use crate::output::{self, Output};
use crate::typeset;
use crate::typeset::prepare::{self, BuildOptions};
use crate::typeset::world::{Compiled, Engine};

/// Runs `brief handout`; returns the exit code.
pub fn run(ctx: &Context, args: &HandoutArgs) -> u8 {
    let mut files = Files::default();
    let result = if args.name_tents {
        tents(ctx, args, &mut files)
    } else {
        bundle(ctx, args, &mut files)
    };
    match result {
        Ok(()) => 0,
        Err(failure) => ctx.report(&files, failure),
    }
}

fn standards(args: &HandoutArgs) -> Vec<typst_pdf::PdfStandard> {
    args.pdf_standards.iter().map(|s| s.standard()).collect()
}

/// The output path: `-o`, else beside the brief with `suffix` (`note-handout.pdf`).
fn target(args: &HandoutArgs, suffix: &str) -> Output {
    args.output.clone().unwrap_or_else(|| {
        let stem = args
            .brief
            .file_stem()
            .map_or_else(|| "brief".into(), |s| s.to_string_lossy().into_owned());
        args.brief
            .with_file_name(format!("{stem}-{suffix}.pdf"))
            .into()
    })
}

fn bundle(ctx: &Context, args: &HandoutArgs, files: &mut Files) -> Result<(), Failure> {
    let started = Instant::now();
    let target = target(args, "handout");
    let destination = if args.copies.per_participant {
        Some(super::build::destination(
            &args.brief,
            args.output.as_ref(),
            &args.copies,
            &args.input.sources(),
        )?)
    } else {
        output::check_target(&target, &[&args.brief])?;
        None
    };
    let (handout, engine) = Engine::beside(&args.font_paths, || {
        Handout::load(
            &args.brief,
            &args.input.sources(),
            args.print.overrides(),
            files,
        )
    });
    let mut handout = handout?;
    // PDF/A-2b forbids attachments: the note's attached brief is then left out.
    handout.attach_source = prepare::may_attach(&standards(args));
    ctx.warn(files, &handout.warnings);
    let engine = engine?;
    ctx.detail(format!(
        "checked every part in {} ms",
        started.elapsed().as_millis()
    ));
    let planned = Instant::now();
    let mut plan = handout.plan(&engine, files)?;
    ctx.detail(format!(
        "laid out {} parts in {} ms",
        handout.parts.len(),
        planned.elapsed().as_millis()
    ));
    let assembling = Instant::now();
    // Numbering the pages through the bundle cannot change a part's length, except in a
    // template that prints something of a different height once it knows the page number:
    // lay out again with the lengths found, a few times at most.
    let mut tries = 0;
    let assembled = loop {
        let assembled = handout.assemble(&engine, &plan, files)?;
        tries += 1;
        if assembled.pages == plan.pages || tries == 3 {
            break assembled;
        }
        plan = Plan::new(assembled.pages.clone(), plan.id.clone());
    };
    ctx.warn(files, &handout.missing_glyphs(&engine));
    ctx.warn(files, &assembled.warnings);
    ctx.detail(format!(
        "typeset the bundle in {} ms",
        assembling.elapsed().as_millis()
    ));
    if let Some(destination) = destination {
        return per_participant(
            ctx,
            args,
            &handout,
            &plan,
            &assembled,
            &destination,
            files,
            started,
        );
    }
    let exporting = Instant::now();
    let worlds: Vec<_> = assembled
        .prepared
        .iter()
        .map(|(prepared, compiled)| (&prepared.world, *compiled))
        .collect();
    let pdf = typeset::export_pdf(
        &assembled.document,
        &worlds,
        files,
        &plan.id,
        assembled.date,
        &standards(args),
    )?;
    ctx.detail(format!(
        "exported in {} ms",
        exporting.elapsed().as_millis()
    ));
    output::write_atomic(&target, &pdf)?;
    if !target.is_stdout() {
        let parts: Vec<String> = handout
            .parts
            .iter()
            .zip(plan.first.iter().zip(&plan.pages))
            .map(|(part, (first, count))| match count {
                1 => format!("{} p. {first}", part.kind.name()),
                _ => format!("{} pp. {first}–{}", part.kind.name(), first + count - 1),
            })
            .collect();
        ctx.say(format!(
            "wrote {target} ({} page{}: {}; {} ms)",
            plan.total,
            plural(plan.total),
            parts.join(", "),
            started.elapsed().as_millis()
        ));
    }
    Ok(())
}

fn tents(ctx: &Context, args: &HandoutArgs, files: &mut Files) -> Result<(), Failure> {
    let started = Instant::now();
    let target = target(args, "name-tents");
    output::check_target(&target, &[&args.brief])?;
    let (loaded, engine) = Engine::beside(&args.font_paths, || {
        handout::name_tents(
            &args.brief,
            &args.input.sources(),
            args.print.overrides(),
            files,
        )
    });
    let (tents, page, warnings) = loaded?;
    ctx.warn(files, &warnings);
    let engine = engine?;
    let compiled = Compiled::new(&tents.template);
    let options = BuildOptions {
        attach_source: false,
        standards: standards(args),
        print: crate::model::print::PrintOverrides {
            paper: Some(page.paper),
            binding_mm: Some(0.0),
        },
        ..BuildOptions::default()
    };
    let result = prepare::typeset(&engine, &compiled, &tents, &options, files)?;
    ctx.warn(files, &result.warnings);
    output::write_atomic(&target, &result.pdf)?;
    if !target.is_stdout() {
        ctx.say(format!(
            "wrote {target} ({} name tent{}, {} ms)",
            result.pages,
            plural(result.pages),
            started.elapsed().as_millis()
        ));
    }
    Ok(())
}

/// `brief handout --per-participant`: the whole bundle once per participant, "Prepared for
/// NAME" on the note's first page and in every part's footer. The parts and their page plan are those
/// of the ordinary handout; each copy differs only in its copy file, so typst reuses the rest.
#[allow(clippy::too_many_arguments)]
fn per_participant(
    ctx: &Context,
    args: &HandoutArgs,
    handout: &Handout,
    plan: &Plan,
    base: &Assembled<'_>,
    destination: &Destination,
    files: &mut Files,
    started: Instant,
) -> Result<(), Failure> {
    let note = handout
        .parts
        .iter()
        .find(|p| p.kind == handout::PartKind::Note)
        .map(|p| &p.brief)
        .ok_or_else(|| AppError::new("this handout has no note part to make copies of"))?;
    let recipients = copies::recipients(note)?;
    let standards = standards(args);
    // Every copy compiles in the handout's own worlds (its images read once), differing only
    // in the copy file.
    let compile = |recipient: &Recipient, local: &mut Files, warnings: &mut Vec<_>| {
        let composed =
            handout.compose(&base.prepared, plan, Some(&recipient.copy_json()), local)?;
        warnings.extend(composed.warnings);
        Ok(composed.document)
    };
    // What the export reports maps into the templates, the same for every copy.
    let worlds: Vec<_> = base
        .prepared
        .iter()
        .map(|(prepared, compiled)| (&prepared.world, *compiled))
        .collect();
    let export = |document: &PagedDocument, ident: &str, local: &mut Files| {
        typeset::export_pdf(document, &worlds, local, ident, base.date, &standards)
    };
    let threads = batch::threads(recipients.len());
    let progress = batch::progress(recipients.len(), "copies", ctx.verbosity > Verbosity::Quiet);
    let job = Job {
        compile: &compile,
        export: &export,
        build_id: &plan.id,
        threads,
        progress: &progress,
    };
    let written = copies::make(&recipients, destination, &job, files)?;
    super::build::report_copies(ctx, files, &written, destination, threads, started);
    Ok(())
}
