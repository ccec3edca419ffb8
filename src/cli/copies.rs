//! What `brief build --per-participant` and `brief handout --per-participant` share: where the
//! copies go, checked before any work, and what the command says about them.

use std::path::Path;
use std::time::Instant;

use crate::check::load::Sources;
use crate::cli::context::Context;
use crate::diag::Files;
use crate::error::AppError;
use crate::jobs::copies::{self, Destination};
use crate::output::{self, Output, folder};
use crate::text::plural;

/// Where `--per-participant` writes its copies (`brief build` and `brief handout`), checked
/// before any work is done: a folder must be new, empty or this brief's earlier copies (what
/// an interrupted run left is put right first, and said).
pub fn destination(
    ctx: &Context,
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
        let dir = copies
            .out_dir
            .clone()
            .unwrap_or_else(|| copies::default_dir(brief));
        let settled = folder::check(&dir, brief)?;
        if let Some(note) = &settled.recovered {
            ctx.say(note);
        }
        for name in &settled.removed {
            ctx.detail(format!(
                "removed {name}, left by a run of brief that was stopped"
            ));
        }
        Ok(Destination::Folder {
            dir,
            brief: brief.to_path_buf(),
        })
    }
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
        Destination::Folder { dir, .. } => format!(
            "wrote {count} {copies} to {} ({} page{}, {seconds:.1} s, {threads} thread{})",
            dir.display(),
            written.pages,
            plural(written.pages),
            plural(threads)
        ),
        Destination::Merged(file) => format!(
            "wrote {file} ({count} {copies}, {} page{}, {seconds:.1} s, {threads} thread{})",
            written.pages,
            plural(written.pages),
            plural(threads)
        ),
    });
}
