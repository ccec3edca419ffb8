//! The `brief` binary: parses the command line and dispatches; the work is in the library.

use std::process::ExitCode;

use brief::cli::{Cli, Command};
use brief::commands;
use clap::Parser;

fn main() -> ExitCode {
    brief::install_panic_hook();
    let cli = Cli::parse();
    let code = match &cli.command {
        Command::Build(args) => commands::build::run(args),
    };
    ExitCode::from(code)
}
