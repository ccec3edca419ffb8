//! `brief build`: one brief to one PDF.

use std::time::Instant;

use crate::cli::BuildArgs;
use crate::diag::Files;
use crate::output;
use crate::pipeline::{self, Failure};
use crate::world::Compiled;

/// Runs `brief build`; returns the exit code.
pub fn run(args: &BuildArgs) -> u8 {
    let mut files = Files::default();
    match build(args, &mut files) {
        Ok(()) => 0,
        Err(failure) => super::report(&files, failure),
    }
}

fn build(args: &BuildArgs, files: &mut Files) -> Result<(), Failure> {
    let started = Instant::now();
    let target = args
        .output
        .clone()
        .unwrap_or_else(|| output::default_path(&args.brief, "pdf"));
    output::check_target(&target, &[&args.brief])?;
    // Fonts are indexed on a second core while the brief is read and checked.
    let (brief, engine) = std::thread::scope(|scope| {
        let engine = scope.spawn(|| super::engine(&args.common));
        let brief = pipeline::load(&args.brief, files);
        (brief, engine.join().expect("font indexing does not panic"))
    });
    let brief = brief?;
    super::warn(files, &brief.warnings);
    let engine = engine?;
    let compiled = Compiled::new(&brief.template);
    let result = pipeline::typeset(&engine, &compiled, &brief, files)?;
    super::warn(files, &result.warnings);
    output::write_atomic(&target, &result.pdf)?;
    if !args.common.quiet && target.as_os_str() != output::STDOUT {
        eprintln!(
            "wrote {} ({} page{}, {} ms)",
            target.display(),
            result.pages,
            if result.pages == 1 { "" } else { "s" },
            started.elapsed().as_millis()
        );
    }
    Ok(())
}
