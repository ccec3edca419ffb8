//! The command line: the clap types ([`args`]), and one module per command, each of which
//! turns its arguments into the library's options, calls a job, and prints what happened.

pub mod args;
pub mod build;
pub mod check;
pub mod completions;
pub mod extract;
pub mod handout;
pub mod man;
pub mod new;
pub mod schema;
pub mod show;
pub mod templates;
pub mod watch;

use std::path::PathBuf;

use crate::check::load::Sources;
use crate::cli::args::{Cli, ColorChoice, Command, GlobalArgs, InputArgs};
use crate::diag::{self, Color, Diagnostic, Files};
use crate::error::AppError;
use crate::error::Failure;
use crate::typeset::fonts::Fonts;
use crate::typeset::world::Engine;

/// Runs the command a parsed command line names; returns the exit code.
pub fn run(cli: &Cli) -> u8 {
    let ctx = Context::new(&cli.global);
    match &cli.command {
        Command::Build(args) => build::run(&ctx, args),
        Command::Watch(args) => watch::run(&ctx, args),
        Command::Handout(args) => handout::run(&ctx, args),
        Command::Check(args) => check::run(&ctx, args),
        Command::Show(args) => show::run(&ctx, args),
        Command::Schema(args) => schema::run(&ctx, args),
        Command::Templates(args) => templates::run(&ctx, args),
        Command::New(args) => new::run(&ctx, args),
        Command::Extract(args) => extract::run(&ctx, args),
        Command::Completions(args) => completions::run(&ctx, args),
        Command::Man => man::run(&ctx),
    }
}

/// What every command needs to know about how to talk to the user.
#[derive(Debug, Clone)]
pub struct Context {
    /// Print nothing but problems.
    pub quiet: bool,
    /// Print timings and what was read.
    pub verbose: bool,
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
        Self {
            quiet: global.quiet,
            verbose: global.verbose,
            color,
        }
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
        if !self.quiet {
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
        if self.verbose {
            eprintln!("{}", line.as_ref());
        }
    }
}

/// The typesetting engine: embedded fonts plus any `--font-path` folders.
pub fn engine(font_paths: &[PathBuf]) -> Result<Engine, AppError> {
    let mut fonts = Fonts::embedded();
    for dir in font_paths {
        fonts.add_dir(dir).map_err(|e| {
            AppError::new(format!(
                "cannot read fonts from {} ({})",
                dir.display(),
                crate::error::describe_io(&e)
            ))
        })?;
    }
    Ok(Engine::new(fonts))
}

impl InputArgs {
    /// What these flags add to the brief's own files, for the library.
    pub fn sources(&self) -> Sources {
        Sources {
            sets: self.sets.clone(),
            templates: self.templates.clone(),
            langs: self.langs.clone(),
        }
    }
}
