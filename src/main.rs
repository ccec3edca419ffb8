//! The `brief` binary: parses the command line and hands it to [`brief::cli::run`].

use std::process::ExitCode;

use brief::cli::args::Cli;
use clap::Parser;

fn main() -> ExitCode {
    brief::install_panic_hook();
    ExitCode::from(brief::cli::run(&Cli::parse()))
}
