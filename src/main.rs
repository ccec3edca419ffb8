//! The `brief` binary: parses the command line and dispatches; the work is in the library.

use std::process::ExitCode;

use brief::cli::{Cli, Command};
use brief::commands::{self, Context};
use clap::Parser;

fn main() -> ExitCode {
    brief::install_panic_hook();
    let cli = Cli::parse();
    let ctx = Context::new(&cli.global);
    let code = match &cli.command {
        Command::Build(args) => commands::build::run(&ctx, args),
        Command::Watch(args) => commands::watch::run(&ctx, args),
        Command::Handout(args) => commands::handout::run(&ctx, args),
        Command::Check(args) => commands::check::run(&ctx, args),
        Command::Show(args) => commands::show::run(&ctx, args),
        Command::Schema(args) => commands::schema::run(&ctx, args),
        Command::Templates(args) => commands::templates::run(&ctx, args),
        Command::New(args) => commands::new::run(&ctx, args),
        Command::Extract(args) => commands::extract::run(&ctx, args),
        Command::Completions(args) => commands::completions::run(&ctx, args),
        Command::Man => commands::man::run(&ctx),
    };
    ExitCode::from(code)
}
