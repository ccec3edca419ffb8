//! `brief` turns a roundtable briefing written in YAML into a print-ready PDF.
//!
//! The source tree is the pipeline; each folder uses only the folders above it in this list
//! (`tests/architecture.rs` checks it, and that no module imports one that imports it back):
//!
//! ```text
//! text, diag, error   shared by every stage: white space and plurals; problems with their
//!                     place, drawn as file:line:column reports; plain errors and exit codes
//! input               the brief's files read within limits, YAML to trees that remember each
//!                     value's place, layers (`extends`) and `--set` merged
//! output              -o as a type, files written atomically
//! model               what a template declares (manifests, the registry, the contract it
//!                     reads) and what a checked brief is (fields, provenance, locale, paper)
//! check               the brief checked against the template's fields, every problem at
//!                     once; rich text, citations and acronyms, change marks; loading editions
//! typeset             the typst World over the checked data, fonts, compile and PDF export,
//!                     pictures of pages, grayscale images
//! jobs                one build, a batch on every core, personalized copies, the handout
//! live                sessions that keep running: the watcher that rebuilds on every save,
//!                     and the preview server (pages in the browser, page-to-source)
//! cli                 the clap types and one module per command: parse, call a job, print
//! ```
//!
//! docs/architecture.md says more about each folder.

// A `Diagnostic` is large, but errors are the cold path and boxing them everywhere adds noise.
#![allow(clippy::result_large_err)]

pub mod check;
pub mod cli;
pub mod diag;
pub mod error;
pub mod input;
pub mod jobs;
pub mod live;
pub mod model;
pub mod output;
pub mod text;
pub mod typeset;

/// Replaces Rust's panic message with one that says it is a bug and how to report it.
/// The process still exits with code 101.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        eprintln!(
            "error: brief {} crashed; this is a bug in brief, not in your brief ({message}{place})\n  = hint: please report it with the brief that caused it; no output file was changed",
            env!("CARGO_PKG_VERSION")
        );
    }));
}
