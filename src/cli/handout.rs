//! `brief handout`: the print-ready bundle of a brief's parts, or its name tents.

use std::time::Instant;

use crate::cli::args::{HandoutArgs, PdfStandardArg};
use crate::cli::context::{Context, Verbosity};
use crate::diag::Files;
use crate::error::Failure;
use crate::jobs::handout::{self, Handout};
use crate::model::standard::Standard;
use crate::output::{self, Output};
use crate::text::plural;
use crate::typeset::prepare;
use crate::typeset::world::Engine;

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

/// The standards the PDF meets: what the command line asks for with the templates' default.
fn standards(args: &HandoutArgs, default: &[Standard]) -> Vec<typst_pdf::PdfStandard> {
    prepare::pdf_standards(&PdfStandardArg::resolve(&args.pdf.pdf_standards, default))
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
        Some(super::copies::destination(
            ctx,
            &args.brief,
            args.output.as_ref(),
            &args.copies,
            &args.input.sources(),
        )?)
    } else {
        output::check_target(&target, &[&args.brief])?;
        None
    };
    let (handout, engine) = Engine::beside(&args.pdf.font_paths, || {
        Handout::load(
            &args.brief,
            &args.input.sources(),
            args.print.overrides(),
            files,
        )
    });
    let mut handout = handout?;
    let standards = standards(args, &handout.default_standards());
    // PDF/A-2b forbids attachments: the note's attached brief is then left out.
    handout.attach_source = prepare::may_attach(&standards);
    handout.attach_sensitive = args.pdf.attach_marked;
    ctx.warn(files, &handout.warnings);
    let engine = engine?;
    ctx.detail(format!(
        "checked every part in {} ms",
        started.elapsed().as_millis()
    ));
    let laid_out = handout.lay_out(&engine, files)?;
    ctx.warn(files, &handout.missing_glyphs(&engine));
    ctx.warn(files, &laid_out.assembled.warnings);
    ctx.warn(
        files,
        &crate::typeset::contrast::warnings(&laid_out.assembled.document),
    );
    ctx.detail(laid_out.timings.join(", "));
    if let Some(destination) = destination {
        let show_progress = ctx.verbosity > Verbosity::Quiet;
        let written = handout.copies(
            &engine,
            &laid_out,
            &destination,
            &standards,
            show_progress,
            files,
        )?;
        super::copies::report_copies(ctx, files, &written, &destination, started);
        return Ok(());
    }
    let exporting = Instant::now();
    let plan = &laid_out.plan;
    let pdf = laid_out.assembled.export_pdf(&plan.id, &standards, files)?;
    ctx.detail(format!(
        "exported in {} ms",
        exporting.elapsed().as_millis()
    ));
    output::check_not_read(&target, files.dependencies())?;
    output::write_atomic(&target, &pdf)?;
    if !target.is_stdout() {
        let parts: Vec<String> = handout
            .parts
            .iter()
            .zip(plan.first.iter().zip(&plan.pages))
            .map(|(part, (first, count))| match count {
                1 => format!("{} p. {first}", part.label()),
                _ => format!("{} pp. {first}–{}", part.label(), first + count - 1),
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
    let (loaded, engine) = Engine::beside(&args.pdf.font_paths, || {
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
    let result = handout::typeset_tents(
        &engine,
        &tents,
        page,
        &standards(args, &tents.template.manifest.pdf_standard),
        files,
    )?;
    ctx.warn(files, &result.warnings);
    output::check_not_read(&target, files.dependencies())?;
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
