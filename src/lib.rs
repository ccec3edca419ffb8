//! `brief` turns a roundtable briefing written in YAML into a print-ready PDF.
//!
//! The pipeline, one module a step: [`loader`] (YAML text to positioned trees) ->
//! [`check`] (against the [`template`]'s declared fields, every problem at once) ->
//! [`world`] (the typst `World` over the checked data) -> [`typeset`] (document and PDF;
//! [`preview`] for PNG and SVG pictures of pages) -> [`output`] (atomic writes).
//! [`grayscale`] turns the brief's images gray for monochrome printers. [`pipeline`] strings the steps together and [`commands`] are
//! the command-line loops around it.
//! [`world`] (the typst `World` over the checked data) -> [`typeset`] (document and PDF) ->
//! [`output`] (atomic writes). [`pipeline`] strings the steps together and [`commands`] are
//! the command-line loops around it; [`batch`] runs a job per item on every core, and
//! [`copies`] uses it for personalized copies.

// A `Diagnostic` is large, but errors are the cold path and boxing them everywhere adds noise.
#![allow(clippy::result_large_err)]

pub mod batch;
pub mod changes;
pub mod check;
pub mod cli;
pub mod commands;
pub mod content;
pub mod copies;
pub mod dates;
pub mod diag;
pub mod error;
pub mod fonts;
pub mod grayscale;
pub mod handout;
pub mod layers;
pub mod lint;
pub mod loader;
pub mod locale;
pub mod markdown;
pub mod output;
pub mod pipeline;
pub mod preview;
pub mod print;
pub mod schema;
pub mod starter;
pub mod template;
pub mod typeset;
pub mod world;

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
