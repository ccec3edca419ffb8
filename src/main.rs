//! The `brief` binary: parses the command line and hands it to [`brief::cli::run`].

use std::process::ExitCode;

use brief::cli::args::Cli;
use brief::typeset::budget;
use clap::Parser;

/// Every allocation counted against the memory budget (`BRIEF_MEMORY_LIMIT`).
#[global_allocator]
static ALLOCATOR: budget::Counting = budget::Counting;

fn main() -> ExitCode {
    brief::install_panic_hook();
    budget::set_memory_limit();
    budget::big_stacks_for_workers();
    let cli = Cli::parse();
    ExitCode::from(budget::with_big_stack(|| brief::cli::run(&cli)))
}
