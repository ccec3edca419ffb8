//! `brief register`: checks briefing notes and lists them, one row each, as CSV or JSON.

use crate::check::load;
use crate::check::register::{self, Row};
use crate::cli::args::{RegisterArgs, RegisterFormat};
use crate::cli::context::Context;
use crate::diag::{self, Files};
use crate::error::{EXIT_FAILURE, EXIT_OK, Failure};
use crate::output;

/// Runs `brief register`; returns the exit code.
pub fn run(ctx: &Context, args: &RegisterArgs) -> u8 {
    let mut rows = Vec::new();
    let mut failed = 0;
    // Each brief is checked in its own Files; every brief's problems are reported.
    for path in &args.briefs {
        let mut files = Files::default();
        match load::load(path, &args.input.sources(), &mut files) {
            Ok(brief) => {
                ctx.warn(&files, &brief.warnings);
                rows.push(Row::of(&brief));
            }
            Err(Failure::Problems(problems)) => {
                failed += 1;
                diag::emit(&files, &problems, ctx.color);
            }
            Err(Failure::App(error)) => {
                failed += 1;
                eprintln!("{error}");
            }
        }
    }
    let n = args.briefs.len();
    if failed > 0 {
        eprintln!(
            "error: {failed} of {n} brief{} {} problems; no register was written",
            if n == 1 { "" } else { "s" },
            if failed == 1 { "has" } else { "have" }
        );
        return EXIT_FAILURE;
    }
    let text = match args.format {
        RegisterFormat::Csv => register::to_csv(&rows),
        RegisterFormat::Json => {
            let rows: Vec<_> = rows.iter().map(Row::to_json).collect();
            serde_json::to_string_pretty(&rows).unwrap_or_default() + "\n"
        }
    };
    match &args.output {
        Some(out) if !out.is_stdout() => {
            let inputs: Vec<&std::path::Path> = args.briefs.iter().map(|p| p.as_path()).collect();
            let written = output::check_target(out, &inputs)
                .and_then(|()| output::write_atomic(out, text.as_bytes()));
            match written {
                Ok(()) => {
                    ctx.say(format!(
                        "wrote {} ({} note{})",
                        out.path()
                            .map_or(String::new(), |p| p.display().to_string()),
                        rows.len(),
                        if rows.len() == 1 { "" } else { "s" }
                    ));
                    EXIT_OK
                }
                Err(error) => {
                    eprintln!("{error}");
                    error.code
                }
            }
        }
        _ => ctx.print(text.as_bytes()),
    }
}
