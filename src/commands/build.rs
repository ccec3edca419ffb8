//! `brief build`: one brief to one PDF.

use std::time::Instant;

use super::Context;
use crate::changes;
use crate::cli::{BuildArgs, InputArgs, PdfStandardArg};
use crate::diag::Files;
use crate::output;
use crate::pipeline::{self, BuildOptions, Failure};
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
    let target = args
        .output
        .clone()
        .unwrap_or_else(|| output::default_path(&args.brief, "pdf"));
    output::check_target(&target, &[&args.brief])?;
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
    let mut options = BuildOptions {
        print: args.print.overrides(),
        ..BuildOptions::default()
    };
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
