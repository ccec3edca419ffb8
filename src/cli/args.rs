//! The command line: every clap type in one place. Doc comments are the help text.

use crate::model::locale::Language;
use crate::model::standard::{self, Asked, Standard};
use crate::output::Output;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Turn a roundtable briefing written in YAML into a print-ready PDF.
///
/// Exit codes: 0 done; 1 the brief, its template or the output could not be processed;
/// 2 the command line is wrong; 101 a bug in brief.
#[derive(Debug, Parser)]
#[command(name = "brief", version, about, long_about, max_term_width = 100)]
#[command(after_help = "Examples:
  brief new background-note note.yaml     write a starter brief
  brief check note.yaml                   check it without typesetting
  brief build note.yaml                   write note.pdf
  brief show note.yaml event              see the merged data and where each value was set")]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,

    #[command(flatten)]
    pub global: GlobalArgs,
}

/// Flags every command takes.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Print nothing but errors and warnings.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Also print what was read and how long each step took.
    #[arg(short, long, global = true)]
    pub verbose: bool,

    /// When to colour reports: `auto` colours on a terminal unless NO_COLOR is set.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
}

/// When to colour reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build a brief into a PDF, or PNG or SVG pictures of its pages.
    ///
    /// The brief is checked against its template's declared fields first; every problem is
    /// reported with its file, line, column and field path, and nothing is written. A failed
    /// build never touches an existing PDF.
    #[command(after_help = "Examples:
  brief build briefs/canada-korea-defence-2025.yaml
  brief build note.yaml -o out/note.pdf
  brief build note.yaml --set event.date=2025-12-09 --set status=final
  brief build note.yaml --format pdf,png --pages 1         also write note-1.png
  brief build note.yaml --lang en,fr                       both editions of a bilingual brief in one PDF
  brief build note.yaml --per-participant                  one copy each in note-copies/
  brief build note.yaml --per-participant --merged -o print.pdf")]
    Build(BuildArgs),

    /// Build a brief, then rebuild it whenever the brief, a layer or the template changes.
    ///
    /// Keeps one typesetting engine for the session, so rebuilds are incremental. An error is
    /// printed and the last good PDF stays in place until the brief is fixed. Ctrl-C stops.
    #[command(after_help = "Examples:
  brief watch note.yaml
  brief watch note.yaml -o /tmp/preview.pdf --quiet
  brief watch note.yaml --format png --pages 1")]
    Watch(WatchArgs),

    /// Show a brief's pages in the browser, updated in place on every save.
    ///
    /// Serves a local page with every page of the current build; each save rebuilds it and
    /// the pages that changed are replaced without a reload. A failed build keeps the last
    /// good pages and lays its problems over them. Clicking a paragraph, heading, name or
    /// any printed value shows the file and line of the brief that set it. Listens on
    /// 127.0.0.1 only, unless --host says otherwise. Ctrl-C stops.
    #[command(after_help = "Examples:
  brief preview note.yaml --open
  brief preview note.yaml --editor 'code -g {file}:{line}:{column}'
  brief preview note.yaml --handout --port 8080")]
    Preview(PreviewArgs),

    /// Build one print-ready handout of a brief's parts, or its participants' name tents.
    ///
    /// The parts: the note, the agenda, the participant list, the discussion questions and a
    /// lined notes page.
    /// They come from what the brief has (its `participants`, `questions`, and the agenda its
    /// `handout.agenda` names); each starts on a right-hand page for duplex printing, and the
    /// pages are numbered through the whole bundle. Nothing is written if any part fails.
    #[command(after_help = "Examples:
  brief handout briefs/canada-korea-defence-2025.yaml
  brief handout note.yaml -o print/handout.pdf --paper a4 --binding 12mm
  brief handout note.yaml --name-tents -o print/tents.pdf
  brief handout note.yaml --per-participant --merged -o print/copies.pdf")]
    Handout(HandoutArgs),

    /// Check briefs against their templates without typesetting (for editors, hooks and CI).
    ///
    /// Exits 0 when every brief is clean and 1 when any has a problem. With `--template`,
    /// checks a template instead: its manifest, and the fields its typst files read.
    #[command(after_help = "Examples:
  brief check briefs/*.yaml
  brief check note.yaml --format json
  brief check note.yaml --changes-since old/note.yaml
  brief check --template templates/my-note")]
    Check(CheckArgs),

    /// List briefing notes as a register: one row per note, as CSV or JSON.
    ///
    /// Columns: tracking number, English and French titles, addressee, date (ISO), action asked
    /// for, marking and file, for the monthly disclosure list and an office's tracking sheet.
    /// Every brief is checked first; problems in any of them are all reported, and nothing is
    /// written.
    #[command(after_help = "Examples:
  brief register briefs/briefing-note-*.yaml > register.csv
  brief register notes/*.yaml --format json -o register.json")]
    Register(RegisterArgs),

    /// Print a brief's merged data, each value with the file:line that set it.
    ///
    /// A value the template's default supplied is marked `(default)`. Without PATH, the first
    /// line names the template and where it comes from, and long values are shortened.
    #[command(after_help = "Examples:
  brief show note.yaml
  brief show note.yaml event.date
  brief show note.yaml --set title='A new title'")]
    Show(ShowArgs),

    /// Print the JSON Schema of a template, for editors that complete and check briefs.
    ///
    /// Put `# yaml-language-server: $schema=background-note.schema.json` at the top of a brief
    /// to have yaml-language-server use it.
    #[command(
        after_help = "Example:\n  brief schema background-note > background-note.schema.json"
    )]
    Schema(SchemaArgs),

    /// List the templates, with their descriptions.
    ///
    /// One line each: the name, the description, and where it comes from (built-in, or its
    /// folder). A template in --templates DIR hides a built-in one of the same name.
    Templates(TemplatesArgs),

    /// Write a starter brief for a template: every field, with its description as a comment.
    ///
    /// The values to fill in say TODO, and the optional fields are commented out. An existing
    /// FILE is replaced only with --force.
    #[command(
        after_help = "Examples:\n  brief new background-note note.yaml\n  brief new agenda > agenda.yaml"
    )]
    New(NewArgs),

    /// Write out the brief attached to a PDF that brief built, to edit it and build it again.
    ///
    /// The attached brief is the merged one, every layer and --set value folded in, so it builds
    /// on its own. A PDF made under `--pdf-standard a-2b` carries none.
    #[command(
        after_help = "Examples:\n  brief extract note.pdf > note.yaml\n  brief extract note.pdf -o note.yaml"
    )]
    Extract(ExtractArgs),

    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    ///
    /// The script is generated from the same definitions as --help, so it completes every
    /// command and option.
    #[command(
        after_help = "Example:\n  brief completions bash > ~/.local/share/bash-completion/completions/brief"
    )]
    Completions(CompletionsArgs),

    /// Print the man page (roff), generated from the same definitions as --help.
    ///
    /// One page, brief(1): the global options and a summary of each command. Each command's
    /// options are in `brief COMMAND --help`.
    #[command(after_help = "Example:\n  brief man > brief.1 && man ./brief.1")]
    Man,
}

/// Where a brief's data comes from besides the brief itself.
#[derive(Debug, Clone, Default, Args)]
pub struct InputArgs {
    /// Set a field over every layer, as PATH=VALUE (the value is read as YAML).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub sets: Vec<String>,

    /// Look for templates in DIR (one folder per template) before the templates/ folder beside
    /// the brief and the built-in ones.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,

    /// The edition: text given per language (`{en: ..., fr: ...}`) is taken in LANG, and the
    /// brief's `lang` becomes that language's (fr-CA for fr, fr-FR for an en-GB or en-AU
    /// brief, unless the brief is in French already). build, watch and check take several, comma-separated: `--lang en,fr` prints
    /// the English edition, then the French one, in one PDF [default: the brief's `lang`].
    #[arg(long = "lang", value_name = "LANG[,LANG]", value_delimiter = ',', value_parser = language_parser())]
    pub langs: Vec<Language>,
}

/// How the document is printed: paper and binding.
#[derive(Debug, Clone, Default, Args)]
pub struct PrintArgs {
    /// The paper size, over the brief's `paper` [default: the brief's, else letter for en-CA,
    /// en-US and fr-CA, a4 for en-GB, en-AU, fr-FR and ko-KR].
    #[arg(long, value_enum, value_name = "SIZE")]
    pub paper: Option<PaperArg>,

    /// An extra inside margin for binding duplex prints, such as `12mm` or `0.5in` (on the
    /// left of odd pages and the right of even ones), over the brief's `binding`.
    #[arg(long, value_name = "LENGTH", value_parser = binding_mm)]
    pub binding: Option<f64>,
}

impl PrintArgs {
    /// The overrides these flags make.
    pub fn overrides(&self) -> crate::model::print::PrintOverrides {
        crate::model::print::PrintOverrides {
            paper: self.paper.map(PaperArg::paper),
            binding_mm: self.binding,
        }
    }
}

/// The paper sizes `--paper` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PaperArg {
    /// US Letter, 8.5 × 11 in (the default for en-CA, en-US and fr-CA).
    Letter,
    /// ISO A4, 210 × 297 mm (the default for en-GB, en-AU, fr-FR and ko-KR).
    A4,
    /// US Legal, 8.5 × 14 in.
    Legal,
}

impl PaperArg {
    /// The paper it names.
    pub fn paper(self) -> crate::model::print::Paper {
        use crate::model::print::Paper;
        match self {
            PaperArg::Letter => Paper::Letter,
            PaperArg::A4 => Paper::A4,
            PaperArg::Legal => Paper::Legal,
        }
    }
}

fn binding_mm(text: &str) -> Result<f64, String> {
    crate::model::print::parse_binding(text)
}

/// Arguments of `brief build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The brief (a YAML file).
    pub brief: PathBuf,

    /// Where to write the PDF; `-` is standard output [default: next to the brief, with the
    /// extension .pdf]. Pictures (--format png|svg) take its folder and name: `-o out/note.pdf`
    /// gives out/note-1.png, out/note-2.png; a name holding {p} (the page number), {0p} (the
    /// same, padded with zeros) or {t} (the page count), such as 'out/p{p}.png', names them;
    /// a folder holds them under the brief's name.
    #[arg(short, long, value_name = "OUT.pdf", value_parser = Output::parse)]
    pub output: Option<Output>,

    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub render: RenderArgs,

    #[command(flatten)]
    pub print: PrintArgs,

    #[command(flatten)]
    pub pdf: PdfArgs,

    /// Mark what changed since this earlier edition of the brief: a bar beside every new or
    /// changed paragraph, list item or milestone, and a "Changes in this revision" box.
    #[arg(long, value_name = "OLD.yaml")]
    pub changes_since: Option<PathBuf>,

    #[command(flatten)]
    pub copies: CopiesArgs,
}

/// Personalized copies, one per participant (`brief build` and `brief handout`).
#[derive(Debug, Clone, Default, Args)]
pub struct CopiesArgs {
    /// Make one copy per participant, with "Prepared for NAME" (and seat or table) on the
    /// first page and in every footer: one PDF each in --out-dir, or all in one file with
    /// --merged. Runs on every core; nothing is written unless every copy is made.
    #[arg(long)]
    pub per_participant: bool,

    /// The folder for the copies, replaced as a whole [default: next to the brief,
    /// BRIEF-copies/].
    #[arg(
        long,
        value_name = "DIR",
        requires = "per_participant",
        conflicts_with = "merged"
    )]
    pub out_dir: Option<PathBuf>,

    /// Put every copy, in participant order, in one print file (-o) [default:
    /// BRIEF-copies.pdf].
    #[arg(long, requires = "per_participant")]
    pub merged: bool,
}

/// What a build writes (the PDF, pictures of its pages, or both) and how it prints.
#[derive(Debug, Clone, Args)]
pub struct RenderArgs {
    /// What to write: `pdf`, or `png` or `svg` pictures, one file per page (for e-mail and
    /// slides); comma-separated or repeated, such as `--format pdf,png`.
    #[arg(
        long = "format",
        value_enum,
        value_delimiter = ',',
        default_value = "pdf",
        value_name = "FORMAT"
    )]
    pub formats: Vec<OutputFormat>,

    /// Pixels per inch of PNG pictures, from 1 to 600 [default: 144, which makes a letter page
    /// 1224 by 1584 pixels].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=600))]
    pub ppi: Option<u32>,

    /// Make pictures of these pages only, such as `1`, `1-2,4` or `3-` (the PDF always has
    /// every page).
    #[arg(long, value_name = "PAGES", value_parser = crate::typeset::preview::PageRanges::parse)]
    pub pages: Option<crate::typeset::preview::PageRanges>,

    /// For monochrome printers: the images the brief names are turned gray, and the template
    /// prints its colours as grays.
    #[arg(long)]
    pub grayscale: bool,
}

/// What `--format` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// The PDF (the default).
    Pdf,
    /// A PNG picture of each page.
    Png,
    /// An SVG drawing of each page.
    Svg,
}

/// The PDF standards `--pdf-standard` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PdfStandardArg {
    /// PDF/A-2b, for archives (no attachments).
    #[value(name = "a-2b")]
    A2b,
    /// PDF/A-3b, for archives, with the brief attached.
    #[value(name = "a-3b")]
    A3b,
    /// PDF/UA-1, accessible: tagged, with alt text for every image.
    #[value(name = "ua-1")]
    Ua1,
    /// Not the template's default standards: only the ones named beside it.
    #[value(name = "none")]
    None,
}

impl PdfStandardArg {
    /// What the value asks for, for [`standard::resolve`].
    pub fn asked(self) -> Asked {
        match self {
            PdfStandardArg::A2b => Asked::Standard(Standard::A2b),
            PdfStandardArg::A3b => Asked::Standard(Standard::A3b),
            PdfStandardArg::Ua1 => Asked::Standard(Standard::Ua1),
            PdfStandardArg::None => Asked::None,
        }
    }

    /// The standards a build meets: what `args` ask for with the template's `default`.
    pub fn resolve(args: &[PdfStandardArg], default: &[Standard]) -> Vec<Standard> {
        let asked: Vec<Asked> = args.iter().map(|a| a.asked()).collect();
        standard::resolve(&asked, default)
    }
}

/// Arguments of `brief handout`.
#[derive(Debug, Args)]
pub struct HandoutArgs {
    /// The brief (a YAML file).
    pub brief: PathBuf,

    /// Where to write the PDF; `-` is standard output [default: next to the brief, ending in
    /// -handout.pdf, or -name-tents.pdf with --name-tents].
    #[arg(short, long, value_name = "OUT.pdf", value_parser = Output::parse)]
    pub output: Option<Output>,

    /// Make the participants' name tents instead: one landscape sheet each, folded along the
    /// long side, the name upright on both faces.
    #[arg(long, conflicts_with = "per_participant")]
    pub name_tents: bool,

    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub print: PrintArgs,

    #[command(flatten)]
    pub copies: CopiesArgs,

    #[command(flatten)]
    pub pdf: PdfArgs,
}

/// The PDF's fonts, standards and attachment, shared by `brief build` and `brief handout`.
#[derive(Debug, Args)]
pub struct PdfArgs {
    /// Also use the fonts in this folder (the embedded fonts are always there).
    #[arg(long = "font-path", value_name = "DIR")]
    pub font_paths: Vec<PathBuf>,

    /// Make the PDF meet a standard: `ua-1` (accessible PDF/UA), `a-2b` or `a-3b` (archival
    /// PDF/A), or `none`; comma-separated or repeated, such as `--pdf-standard a-2b,ua-1`. The
    /// built-in templates build as PDF/UA-1 unless `none` is given, so `a-2b` alone means
    /// PDF/A-2b and PDF/UA-1, and `none,a-2b` PDF/A-2b only; a template of one's own names its
    /// default in its manifest (`pdf-standard:`). Under PDF/A-2b the brief is not attached (the
    /// standard forbids it).
    #[arg(
        long = "pdf-standard",
        value_enum,
        value_delimiter = ',',
        value_name = "STANDARD"
    )]
    pub pdf_standards: Vec<PdfStandardArg>,

    /// Attach the merged brief to the PDF even when its `classification` is above
    /// unclassified (it carries fields that are never printed, so it is left out unless asked).
    #[arg(long)]
    pub attach_marked: bool,
}

/// Arguments of `brief watch`.
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// The brief (a YAML file).
    pub brief: PathBuf,

    /// Where to write the PDF [default: next to the brief, with the extension .pdf]; pictures
    /// are named after it as in `brief build`.
    #[arg(short, long, value_name = "OUT.pdf", value_parser = Output::parse)]
    pub output: Option<Output>,

    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub render: RenderArgs,

    #[command(flatten)]
    pub print: PrintArgs,

    /// Also use the fonts in this folder (the embedded fonts are always there).
    #[arg(long = "font-path", value_name = "DIR")]
    pub font_paths: Vec<PathBuf>,
}

/// Arguments of `brief preview`.
#[derive(Debug, Args)]
pub struct PreviewArgs {
    /// The brief (a YAML file).
    pub brief: PathBuf,

    /// The port to listen on; 0 takes any free one [default: the first free of 3030 to
    /// 3039].
    #[arg(long, value_name = "N")]
    pub port: Option<u16>,

    /// The address to listen on, such as 192.168.1.20 to show the preview to another
    /// machine [default: 127.0.0.1, this machine only].
    #[arg(long, value_name = "ADDRESS")]
    pub host: Option<std::net::IpAddr>,

    /// Open the page in the default browser.
    #[arg(long)]
    pub open: bool,

    /// The editor to open at a clicked value's line: {file}, {line} and {column} are filled
    /// in, such as `code -g {file}:{line}:{column}` or `emacsclient -n +{line}:{column}
    /// {file}` (the file goes last when the command names none).
    #[arg(long, value_name = "CMD")]
    pub editor: Option<String>,

    /// Show the whole handout (note, agenda, participants, questions, notes page) instead of
    /// the note.
    #[arg(long)]
    pub handout: bool,

    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub print: PrintArgs,

    /// Print the template's colours as grays, and the brief's images in gray.
    #[arg(long)]
    pub grayscale: bool,

    /// Also use the fonts in this folder (the embedded fonts are always there).
    #[arg(long = "font-path", value_name = "DIR")]
    pub font_paths: Vec<PathBuf>,
}

/// How `brief check` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Reports for people, with the source line.
    Human,
    /// One JSON document on standard output, for editors and CI.
    Json,
}

/// Arguments of `brief check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The briefs to check.
    #[arg(required_unless_present = "template")]
    pub briefs: Vec<PathBuf>,

    /// How to report.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Check this template (a name or a folder) instead of briefs.
    #[arg(long, value_name = "NAME|DIR", conflicts_with = "briefs")]
    pub template: Option<String>,

    /// Warn about translations that may be stale: every text given per language whose
    /// wording changed in one language since this earlier edition while its other languages
    /// did not.
    #[arg(long, value_name = "OLD.yaml", conflicts_with = "template")]
    pub changes_since: Option<PathBuf>,

    #[command(flatten)]
    pub input: InputArgs,
}

/// How `brief register` writes its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RegisterFormat {
    /// Comma-separated values with a header row (RFC 4180).
    Csv,
    /// A JSON array of objects, one per note.
    Json,
}

/// Arguments of `brief register`.
#[derive(Debug, Args)]
pub struct RegisterArgs {
    /// The briefing notes (YAML files), listed in this order.
    #[arg(required = true)]
    pub briefs: Vec<PathBuf>,

    /// How to write the register.
    #[arg(long, value_enum, default_value_t = RegisterFormat::Csv)]
    pub format: RegisterFormat,

    /// Where to write it; `-` is standard output [default: standard output].
    #[arg(short, long, value_name = "FILE", value_parser = Output::parse)]
    pub output: Option<Output>,

    #[command(flatten)]
    pub input: InputArgs,
}

/// Arguments of `brief show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The brief (a YAML file).
    pub brief: PathBuf,

    /// Show only this field and what is below it, such as `event` or `milestones[2].date`.
    pub path: Option<String>,

    #[command(flatten)]
    pub input: InputArgs,
}

/// Arguments of `brief schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// The template: a name, or a template folder.
    pub template: String,

    /// Look for templates in DIR (one folder per template) before the built-in ones.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
}

/// Arguments of `brief templates`.
#[derive(Debug, Args)]
pub struct TemplatesArgs {
    /// Look for templates in DIR (one folder per template) before the built-in ones.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
}

/// Arguments of `brief new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The template: a name, or a template folder.
    pub template: String,

    /// Where to write the starter brief [default: standard output].
    #[arg(value_parser = Output::parse)]
    pub file: Option<Output>,

    /// Replace FILE if it exists.
    #[arg(long)]
    pub force: bool,

    /// Look for templates in DIR (one folder per template) before the built-in ones.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
}

/// Arguments of `brief extract`.
#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// The PDF.
    pub pdf: PathBuf,

    /// Where to write the brief [default: standard output].
    #[arg(short, long, value_name = "OUT.yaml", value_parser = Output::parse)]
    pub output: Option<Output>,

    /// Replace OUT.yaml if it exists.
    #[arg(long)]
    pub force: bool,
}

/// Arguments of `brief completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `--lang`'s values: the languages' codes, listed in `--help` as possible values.
fn language_parser() -> impl clap::builder::TypedValueParser<Value = Language> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(Language::ALL.map(Language::code))
        .map(|code: String| Language::from_code(&code).expect("one of the possible values"))
}
