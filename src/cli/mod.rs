//! The command line: the clap types ([`args`]), how a command talks to the user
//! ([`context`]), and one module per command, each of which turns its arguments into the
//! library's options, calls a job, and prints what happened.

pub mod args;
pub mod build;
pub mod check;
pub mod completions;
pub mod context;
pub mod copies;
pub mod extract;
pub mod handout;
pub mod man;
pub mod new;
pub mod preview;
pub mod register;
pub mod render;
pub mod schema;
pub mod show;
pub mod templates;
pub mod watch;

use crate::check::load::Sources;
use crate::cli::args::{Cli, Command, InputArgs};
use crate::cli::context::Context;

/// Runs the command a parsed command line names; returns the exit code.
pub fn run(cli: &Cli) -> u8 {
    let ctx = Context::new(&cli.global);
    match &cli.command {
        Command::Build(args) => build::run(&ctx, args),
        Command::Watch(args) => watch::run(&ctx, args),
        Command::Preview(args) => preview::run(&ctx, args),
        Command::Handout(args) => handout::run(&ctx, args),
        Command::Check(args) => check::run(&ctx, args),
        Command::Register(args) => register::run(&ctx, args),
        Command::Show(args) => show::run(&ctx, args),
        Command::Schema(args) => schema::run(&ctx, args),
        Command::Templates(args) => templates::run(&ctx, args),
        Command::New(args) => new::run(&ctx, args),
        Command::Extract(args) => extract::run(&ctx, args),
        Command::Completions(args) => completions::run(&ctx, args),
        Command::Man => man::run(&ctx),
    }
}

impl Command {
    /// Whether the command typesets (with typst, on rayon's workers and a big stack), so
    /// that the binary starts those threads only for the commands that use them.
    pub fn typesets(&self) -> bool {
        match self {
            Command::Build(_) | Command::Watch(_) | Command::Preview(_) | Command::Handout(_) => {
                true
            }
            Command::Check(_)
            | Command::Register(_)
            | Command::Show(_)
            | Command::Schema(_)
            | Command::Templates(_)
            | Command::New(_)
            | Command::Extract(_)
            | Command::Completions(_)
            | Command::Man => false,
        }
    }
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
