//! The `brief` binary: parses the command line and hands it to [`brief::cli::run`].

use brief::cli::args::Cli;
use brief::typeset::budget;
use clap::Parser;

/// Every allocation counted against the memory budget (`BRIEF_MEMORY_LIMIT`).
#[global_allocator]
static ALLOCATOR: budget::Counting = budget::Counting;

fn main() {
    budget::tune_allocator();
    brief::install_panic_hook();
    budget::set_memory_limit();
    let cli = Cli::parse();
    // Only a command that typesets needs rayon's workers and a big stack: the others (such
    // as `brief check`) start no thread they do not use, and run on this one.
    if cli.command.typesets() {
        budget::big_stacks_for_workers();
        // The command's thread ends the process itself: this one, waiting to join it, would
        // first have to be woken (on a core that may be asleep) only to end it.
        budget::with_big_stack(|| end(brief::cli::run(&cli)))
    } else {
        end(brief::cli::run(&cli))
    }
}

/// Ends the process once everything is written, flushing what is buffered, rather than
/// unwinding the rest of it (the parsed command line, the runtime's teardown).
fn end(code: u8) -> ! {
    let _ = std::io::Write::flush(&mut std::io::stdout());
    let _ = std::io::Write::flush(&mut std::io::stderr());
    std::process::exit(i32::from(code))
}
