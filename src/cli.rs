//! The command line: every clap type in one place. Doc comments are the help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Turn a roundtable briefing written in YAML into a print-ready PDF.
///
/// Exit codes: 0 done; 1 the brief, its template or the output could not be processed;
/// 2 the command line is wrong.
#[derive(Debug, Parser)]
#[command(name = "brief", version, about, long_about, max_term_width = 100)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build a brief into a PDF.
    ///
    /// The brief is checked against its template's declared fields first; every problem is
    /// reported with its file, line, column and field path, and nothing is written. A failed
    /// build never touches an existing PDF.
    #[command(
        after_help = "Examples:\n  brief build briefs/canada-korea-defence-2025.yaml\n  brief build note.yaml -o out/note.pdf"
    )]
    Build(BuildArgs),
}

/// Arguments of `brief build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The brief (a YAML file).
    pub brief: PathBuf,

    /// Where to write the PDF; `-` is standard output [default: next to the brief, with the
    /// extension .pdf].
    #[arg(short, long, value_name = "OUT.pdf")]
    pub output: Option<PathBuf>,

    #[command(flatten)]
    pub common: CommonArgs,
}

/// Flags every typesetting command takes.
#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Also use the fonts in this folder (the embedded fonts are always there).
    #[arg(long = "font-path", value_name = "DIR")]
    pub font_paths: Vec<PathBuf>,

    /// Print nothing but errors and warnings.
    #[arg(short, long)]
    pub quiet: bool,
}
