//! `brief new`: a starter brief for a template, on standard output or in a new file.

use crate::cli::args::NewArgs;
use crate::cli::context::Context;
use crate::diag::Files;
use crate::error::AppError;
use crate::error::Failure;
use crate::output;

/// Runs `brief new`; returns the exit code.
pub fn run(ctx: &Context, args: &NewArgs) -> u8 {
    let mut files = Files::default();
    match new(ctx, args, &mut files) {
        Ok(None) => 0,
        Ok(Some(text)) => ctx.print(text.as_bytes()),
        Err(failure) => ctx.report(&files, failure),
    }
}

/// Writes the starter to FILE, or gives it back for standard output.
fn new(ctx: &Context, args: &NewArgs, files: &mut Files) -> Result<Option<String>, Failure> {
    let target = args.file.as_ref().filter(|f| !f.is_stdout());
    if let Some(file) = target {
        output::check_target(file, &[])?;
        let file = file.path().expect("standard output is left out above");
        if file.exists() && !args.force {
            return Err(AppError::new(format!(
                "{} already exists; nothing was written",
                file.display()
            ))
            .with_hint("add --force to replace it, or name another file")
            .into());
        }
    }
    let template = super::templates::load(&args.template, args.templates.as_deref(), files)?;
    let shown = target.map_or("BRIEF.yaml".to_string(), |f| f.to_string());
    let mut build = format!("brief build {}", quote(&shown));
    if let Some(dir) = &args.templates {
        build.push_str(&format!(
            " --templates {}",
            quote(&dir.display().to_string())
        ));
    }
    let text = crate::check::starter::starter(&template, &args.template, &build);
    match target {
        Some(file) => {
            output::write_atomic(file, text.as_bytes())?;
            ctx.say(format!(
                "wrote {file} (a `{}` brief; fill in the TODOs, then: {build})",
                template.manifest.name
            ));
        }
        None => return Ok(Some(text)),
    }
    Ok(None)
}

/// A path as a shell word: quoted when it holds anything but plain characters.
fn quote(path: &str) -> String {
    let plain = !path.is_empty()
        && path
            .chars()
            .all(|c| c.is_alphanumeric() || "-_./+@%,:=".contains(c));
    if plain {
        path.to_string()
    } else {
        format!("'{}'", path.replace('\'', r"'\''"))
    }
}
