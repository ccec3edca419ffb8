//! How a command talks to the user: problems, warnings, progress lines and results, as the
//! global flags (`--quiet`, `--verbose`, `--color`) ask.

use crate::cli::args::{ColorChoice, GlobalArgs};
use crate::diag::{self, Color, Diagnostic, Files};
use crate::error::{AppError, Failure};

/// How much a command says besides its problems.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    /// Nothing but errors and warnings (`--quiet`).
    Quiet,
    /// Also a line about what was made.
    Normal,
    /// Also what was read and how long each step took (`--verbose`).
    Verbose,
}

/// What every command needs to know about how to talk to the user.
#[derive(Debug, Clone)]
pub struct Context {
    /// How much to say.
    pub verbosity: Verbosity,
    /// Colour for reports.
    pub color: Color,
}

impl Context {
    /// The context for these global flags.
    pub fn new(global: &GlobalArgs) -> Self {
        let color = match global.color {
            ColorChoice::Auto => Color::Auto,
            ColorChoice::Always => Color::Always,
            ColorChoice::Never => Color::Never,
        };
        // clap refuses --quiet with --verbose.
        let verbosity = if global.quiet {
            Verbosity::Quiet
        } else if global.verbose {
            Verbosity::Verbose
        } else {
            Verbosity::Normal
        };
        Self { verbosity, color }
    }

    /// Prints a failure and gives the exit code it means.
    pub fn report(&self, files: &Files, failure: Failure) -> u8 {
        match failure {
            Failure::App(error) => {
                eprintln!("{error}");
                error.code
            }
            Failure::Problems(problems) => {
                diag::emit(files, &problems, self.color);
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
    pub fn warn(&self, files: &Files, warnings: &[Diagnostic]) {
        if !warnings.is_empty() {
            diag::emit(files, warnings, self.color);
        }
    }

    /// Prints a line about progress unless quiet.
    pub fn say(&self, line: impl AsRef<str>) {
        if self.verbosity > Verbosity::Quiet {
            eprintln!("{}", line.as_ref());
        }
    }

    /// Writes a command's result to standard output; returns the exit code. A reader that
    /// stops early (`brief schema x | head`) is not an error.
    pub fn print(&self, bytes: &[u8]) -> u8 {
        use std::io::Write;
        let mut stdout = std::io::stdout().lock();
        match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
            Ok(()) => 0,
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
            Err(e) => self.report(
                &Files::default(),
                AppError::new(format!(
                    "cannot write to standard output ({})",
                    crate::error::describe_io(&e)
                ))
                .into(),
            ),
        }
    }

    /// Prints a line only when verbose.
    pub fn detail(&self, line: impl AsRef<str>) {
        if self.verbosity == Verbosity::Verbose {
            eprintln!("{}", line.as_ref());
        }
    }
}
