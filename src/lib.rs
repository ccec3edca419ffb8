//! `brief` turns a roundtable briefing written in YAML into a print-ready PDF.
//!
//! The source tree is the pipeline, each folder a stage that calls only the stages before it:
//!
//! ```text
//! input    the brief's files read within limits; YAML to trees that remember each value's
//!          place; layers (`extends`) and `--set` merged
//!   -> model    what a template declares (manifests, the registry, the contract it reads)
//!               and what a checked brief is (fields, provenance, locale, dates, paper)
//!   -> check    the brief checked against the template's declared fields, every problem at
//!               once; rich text, content checks (citations, acronyms), change marks
//!   -> typeset  the typst World over the checked data, fonts, compile and PDF export,
//!               pictures of pages, grayscale images
//!   -> output   files written atomically, staged folders renamed into place
//! jobs     one build, a batch on every core, personalized copies, the handout bundle
//! cli      the clap types and one module per command: parse, call a job, print
//! ```
//!
//! Beside them, used by every stage: [`diag`] (problems with their place, drawn as
//! `file:line:column` reports), [`error`] (plain errors, exit codes, and [`error::Failure`],
//! either kind) and [`text`] (white space, invisible characters, plurals).

// A `Diagnostic` is large, but errors are the cold path and boxing them everywhere adds noise.
#![allow(clippy::result_large_err)]

pub mod check;
pub mod cli;
pub mod diag;
pub mod error;
pub mod input;
pub mod jobs;
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
