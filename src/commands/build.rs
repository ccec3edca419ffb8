//! `brief build`: one brief to one PDF, or with `--per-participant` to one personalized copy
//! per participant.

use std::time::Instant;

use typst_layout::PagedDocument;

use super::Context;
use crate::batch;
use crate::changes;
use crate::cli::{BuildArgs, InputArgs, PdfStandardArg};
use crate::copies::{self, Destination, Job, Recipient};
use crate::diag::Files;
use crate::error::AppError;
use crate::output;
use crate::pipeline::{self, Brief, BuildOptions, Failure};
use crate::typeset;
use crate::world::{Compiled, Engine};

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
    if copies.per_participant && !copies.merged && args.output.is_some() {
        return Err(AppError::usage(
            "`-o` names one file, but --per-participant writes one file per participant",
        )
        .with_hint(
            "use --out-dir DIR for the folder of copies, or --merged -o FILE for one print file",
        )
        .into());
    }
    let target = match &args.output {
        Some(path) => path.clone(),
        None if copies.merged => copies::default_merged(&args.brief),
        None => output::default_path(&args.brief, "pdf"),
    };
    if !copies.per_participant || copies.merged {
        output::check_target(&target, &[&args.brief])?;
    }
    // Fonts are indexed on a second core while the brief is read and checked.
    let (brief, engine) = std::thread::scope(|scope| {
        let engine = scope.spawn(|| super::engine(&args.font_paths));
        let brief = pipeline::load(&args.brief, &args.input, files);
        (brief, engine.join().expect("font indexing does not panic"))
    });
    let brief = brief?;
    ctx.warn(files, &brief.warnings);
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
    if let Some(old) = &args.changes_since {
        // The earlier edition is read as it was built: its own layers, no --set.
        let input = InputArgs {
            sets: Vec::new(),
            templates: args.input.templates.clone(),
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
    let compiled = Compiled::new(&brief.template);
    if copies.per_participant {
        let destination = if copies.merged {
            Destination::Merged(target)
        } else {
            Destination::Folder(
                copies
                    .out_dir
                    .clone()
                    .unwrap_or_else(|| copies::default_dir(&args.brief)),
            )
        };
        return per_participant(
            ctx,
            &engine,
            &compiled,
            &brief,
            &options,
            &destination,
            files,
            started,
        );
    }
    let result = pipeline::typeset(&engine, &compiled, &brief, &options, files)?;
    ctx.warn(files, &result.warnings);
    output::write_atomic(&target, &result.pdf)?;
    if target.as_os_str() != output::STDOUT {
        ctx.say(format!(
            "wrote {} ({} page{}, {} ms)",
            target.display(),
            result.pages,
            if result.pages == 1 { "" } else { "s" },
            started.elapsed().as_millis()
        ));
    }
    Ok(())
}

/// `--per-participant`: one copy of the note per participant (see [`copies::compile_copy`]),
/// written all at once.
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
    let recipients = copies::recipients(brief)?;
    let prepared = pipeline::prepare(engine, compiled, brief, options, files)?;
    // A character no font has would print as a box: said once, for the brief's fields
    // (participants' names included), not once per copy.
    ctx.warn(files, &engine.fonts().missing_glyphs(&brief.origins));
    let base = &prepared.world;
    let compile = |recipient: &Recipient, local: &mut Files, warnings: &mut Vec<_>| {
        copies::compile_copy(base, compiled, recipient, local, warnings)
    };
    let export = |document: &PagedDocument, ident: &str, local: &mut Files| {
        typeset::export_pdf(
            document,
            &[(base, compiled)],
            local,
            ident,
            prepared.date,
            &options.standards,
        )
    };
    let threads = batch::threads(recipients.len());
    let progress = batch::progress(recipients.len(), "copies", !ctx.quiet);
    let job = Job {
        compile: &compile,
        export: &export,
        build_id: &prepared.build_id,
        threads,
        progress: &progress,
    };
    let written = copies::make(&recipients, destination, &job, files)?;
    ctx.warn(files, &written.warnings);
    for (name, file, pages) in &written.copies {
        let s = if *pages == 1 { "" } else { "s" };
        if file.is_empty() {
            ctx.detail(format!("  {name} ({pages} page{s})"));
        } else {
            ctx.detail(format!("  {file}  {name} ({pages} page{s})"));
        }
    }
    if matches!(destination, Destination::Merged(file) if file.as_os_str() == output::STDOUT) {
        return Ok(());
    }
    let count = written.copies.len();
    let seconds = started.elapsed().as_secs_f64();
    let copies = if count == 1 { "copy" } else { "copies" };
    ctx.say(match destination {
        Destination::Folder(dir) => format!(
            "wrote {count} {copies} to {} ({} pages, {seconds:.1} s, {threads} thread{})",
            dir.display(),
            written.pages,
            if threads == 1 { "" } else { "s" }
        ),
        Destination::Merged(file) => format!(
            "wrote {} ({count} {copies}, {} pages, {seconds:.1} s, {threads} thread{})",
            file.display(),
            written.pages,
            if threads == 1 { "" } else { "s" }
        ),
    });
    Ok(())
}
