//! `brief man`: the man page (roff), generated from the same definitions as `--help`.

use clap::CommandFactory;

use crate::cli::args::Cli;
use crate::cli::context::Context;

/// Runs `brief man`; returns the exit code.
pub fn run(ctx: &Context) -> u8 {
    ctx.print(&page())
}

/// The man page `brief(1)`; its SUBCOMMANDS section lists every command.
pub fn page() -> Vec<u8> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut out)
        .expect("writing to memory does not fail");
    out
}
