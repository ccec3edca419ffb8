//! `brief check`: checks briefs against their templates without typesetting, for editors,
//! pre-commit hooks and CI. Human reports, or one JSON document with `--format json`.

use serde_json::{Value as Json, json};

use crate::check::changes::Translations;
use crate::check::load;
use crate::cli::args::{CheckArgs, Format};
use crate::cli::context::Context;
use crate::diag::{self, Diagnostic, Files, Severity};
use crate::error::{AppError, Failure};
use crate::error::{EXIT_FAILURE, EXIT_OK};
use crate::model::template::Registry;
use crate::text::plural;

/// Runs `brief check`; returns the exit code.
pub fn run(ctx: &Context, args: &CheckArgs) -> u8 {
    if let Some(template) = &args.template {
        return check_template(ctx, args, template);
    }
    if let Some(old) = &args.changes_since
        && args.briefs.len() > 1
    {
        let error = AppError::usage(format!(
            "--changes-since compares one brief with an earlier edition of it, but {} briefs are given",
            args.briefs.len()
        ))
        .with_hint(format!(
            "check one brief at a time: `brief check BRIEF --changes-since {}`",
            old.display()
        ));
        return ctx.report(&Files::default(), error.into());
    }
    let mut reports = Vec::new();
    let mut failed = 0;
    let mut warnings = 0;
    let mut stale = 0;
    for (i, brief) in args.briefs.iter().enumerate() {
        let mut files = Files::default();
        // Every edition --lang names (the brief's own language without it); a problem found
        // in several editions is reported once.
        let loaded = load::load_editions(brief, &args.input.sources(), &mut files);
        let mut checked = None;
        let (problems, app_error) = match loaded {
            Ok(editions) => {
                let mut problems: Vec<Diagnostic> =
                    editions.iter().flat_map(|b| b.warnings.clone()).collect();
                let mut app_error = None;
                // The earlier edition's problems (it cannot be read) are this check's.
                if let Some(old) = &args.changes_since {
                    let (root, template) = (&editions[0].root, &editions[0].template);
                    match Translations::read(old, template, &mut files) {
                        Ok(before) => {
                            let found = Translations::of(root, template, &files)
                                .stale_since(&before, &old.display().to_string());
                            stale += found.len();
                            problems.extend(found);
                        }
                        Err(Failure::Problems(found)) => problems.extend(found),
                        Err(Failure::App(error)) => app_error = Some(error),
                    }
                }
                checked = Some(editions);
                (problems, app_error)
            }
            Err(Failure::Problems(problems)) => (problems, None),
            Err(Failure::App(error)) => (Vec::new(), Some(error)),
        };
        let errors =
            problems.iter().filter(|p| p.is_error()).count() + usize::from(app_error.is_some());
        if errors > 0 {
            failed += 1;
        }
        warnings += problems.iter().filter(|p| !p.is_error()).count();
        match args.format {
            Format::Human => {
                if let Some(error) = &app_error {
                    eprintln!("{error}");
                }
                diag::emit(&files, &problems, ctx.color);
                if errors == 0 {
                    ctx.detail(format!("{}: ok", brief.display()));
                }
            }
            Format::Json => {
                let mut entries: Vec<Json> = problems.iter().map(|p| to_json(&files, p)).collect();
                if let Some(error) = app_error {
                    entries.insert(
                        0,
                        json!({
                            "severity": "error",
                            "message": error.message,
                            "hints": error.hints,
                        }),
                    );
                }
                reports.push(json!({
                    "path": brief.display().to_string(),
                    "ok": errors == 0,
                    "problems": entries,
                }));
            }
        }
        // The process ends after the report: the last brief's editions and files are left to
        // the system to reclaim rather than freed piece by piece (a third of a million
        // instructions for the example); the others are freed as the check goes on.
        if i + 1 == args.briefs.len() {
            std::mem::forget((checked, files));
        }
    }
    match args.format {
        Format::Json => {
            let document = json!({ "ok": failed == 0, "briefs": reports });
            let text = serde_json::to_string_pretty(&document).unwrap_or_default();
            let code = ctx.print(format!("{text}\n").as_bytes());
            if code != EXIT_OK {
                return code;
            }
        }
        Format::Human => {
            let n = args.briefs.len();
            if failed == 0 {
                // "checked 1 brief: no problems", "checked 2 briefs: 1 warning".
                let mut found = match warnings {
                    0 => "no problems".to_string(),
                    1 => "1 warning".to_string(),
                    w => format!("{w} warnings"),
                };
                // "checked 1 brief: 3 warnings (2 translations to review)".
                if stale > 0 {
                    found.push_str(&format!(
                        " ({stale} translation{} to review)",
                        plural(stale)
                    ));
                }
                ctx.say(format!(
                    "checked {n} brief{}: {found}",
                    if n == 1 { "" } else { "s" }
                ));
            } else {
                // "1 of 1 brief has", "1 of 3 briefs has", "2 of 3 briefs have".
                eprintln!(
                    "error: {failed} of {n} brief{} {} problems",
                    if n == 1 { "" } else { "s" },
                    if failed == 1 { "has" } else { "have" }
                );
            }
        }
    }
    if failed == 0 { EXIT_OK } else { EXIT_FAILURE }
}

/// One problem as JSON: one-based line and column of the start and end, the field path.
fn to_json(files: &Files, problem: &Diagnostic) -> Json {
    let place = problem.span.map(|span| {
        let (line, column) = files.line_column(span.file, span.start);
        let (end_line, end_column) = files.line_column(span.file, span.end);
        json!({
            "file": files.name(span.file),
            "line": line,
            "column": column,
            "end_line": end_line,
            "end_column": end_column,
        })
    });
    json!({
        "severity": match problem.severity { Severity::Error => "error", Severity::Warning => "warning" },
        "message": problem.message,
        "field": problem.field,
        "location": place,
        "notes": problem.notes,
        "hints": problem.hints,
    })
}

/// `brief check --template`: the manifest, and what the typst files read.
fn check_template(ctx: &Context, args: &CheckArgs, name: &str) -> u8 {
    let mut files = Files::default();
    let registry = Registry::new(args.input.templates.as_deref(), None);
    let template = match registry.load(name, &mut files, None) {
        Ok(template) => template,
        Err(problems) => return ctx.report(&files, Failure::Problems(problems)),
    };
    let problems = crate::check::lint::lint(&template, &mut files);
    diag::emit(&files, &problems, ctx.color);
    let errors = problems.iter().filter(|p| p.is_error()).count();
    if errors == 0 {
        ctx.say(format!(
            "template {}: {} field{} declared, {}",
            template.manifest.name,
            template.manifest.fields.len(),
            if template.manifest.fields.len() == 1 {
                ""
            } else {
                "s"
            },
            if problems.is_empty() {
                "no problems".to_string()
            } else {
                format!("{} warning(s)", problems.len())
            }
        ));
        EXIT_OK
    } else {
        eprintln!(
            "error: {errors} problem(s) in template {}",
            template.manifest.name
        );
        EXIT_FAILURE
    }
}
