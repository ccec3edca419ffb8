//! One module per command; each turns its arguments into calls of the pipeline.

pub mod build;

use crate::cli::CommonArgs;
use crate::diag::{self, Color, Diagnostic, Files};
use crate::error::AppError;
use crate::fonts::Fonts;
use crate::pipeline::Failure;
use crate::world::Engine;

/// Prints a failure and gives the exit code it means.
pub fn report(files: &Files, failure: Failure) -> u8 {
    match failure {
        Failure::App(error) => {
            eprintln!("{error}");
            error.code
        }
        Failure::Problems(problems) => {
            diag::emit(files, &problems, Color::Auto);
            let errors = problems.iter().filter(|p| p.is_error()).count();
            if errors > 1 {
                eprintln!("error: {errors} problems found; nothing was written");
            } else {
                eprintln!("error: nothing was written");
            }
            crate::error::EXIT_FAILURE
        }
    }
}

/// Prints warnings, if any.
pub fn warn(files: &Files, warnings: &[Diagnostic]) {
    if !warnings.is_empty() {
        diag::emit(files, warnings, Color::Auto);
    }
}

/// The typesetting engine for these flags: embedded fonts plus any `--font-path` folders.
pub fn engine(common: &CommonArgs) -> Result<Engine, AppError> {
    let mut fonts = Fonts::embedded();
    for dir in &common.font_paths {
        fonts.add_dir(dir).map_err(|e| {
            AppError::new(format!(
                "cannot read fonts from {} ({})",
                dir.display(),
                crate::output::describe_io(&e)
            ))
        })?;
    }
    Ok(Engine::new(fonts))
}
