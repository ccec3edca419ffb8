//! `brief completions`: a shell completion script, generated from the command-line definitions.

use clap::CommandFactory;

use crate::cli::args::{Cli, CompletionsArgs};
use crate::cli::context::Context;

/// Runs `brief completions`; returns the exit code.
pub fn run(ctx: &Context, args: &CompletionsArgs) -> u8 {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "brief", &mut script);
    ctx.print(&script)
}
