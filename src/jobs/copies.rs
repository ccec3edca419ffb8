//! Personalized copies: who they are for (a brief's `participants`), the JSON each copy's
//! template reads at [`crate::model::contract::COPY_PATH`], safe file names made from names in any
//! script, and writing a batch so that it appears whole or not at all.
//!
//! A batch of files is written into a hidden folder beside the target and swapped into place
//! only when every copy has been made ([`crate::output::folder`]): a failed or killed batch
//! never leaves a folder that looks complete. The folder is replaced as a whole, so a
//! participant taken off the list loses their old copy; only a new folder, an empty one, or
//! one holding exactly what this brief's copies put there (as its [`MARKER`] records) is
//! replaced.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value as Json, json};
use typst_layout::PagedDocument;
use unicode_normalization::UnicodeNormalization;

use crate::diag::{Diagnostic, Files, Span};
use crate::error::AppError;
use crate::error::Failure;
use crate::jobs::batch;
use crate::model::brief::Brief;
use crate::output::Output;
use crate::output::folder::Staging;
use crate::typeset::prepare::{self, BuildOptions};
use crate::typeset::world::{BriefWorld, Compiled, Engine};

/// The file that marks a folder of copies as brief's own (see [`crate::output::folder`]).
pub use crate::output::folder::MARKER;

/// The longest file name stem, in bytes of UTF-8 (about 33 Hangul syllables or 100 Latin
/// letters): far below the 255 bytes file systems allow, leaving room for `-NNN.pdf`.
pub const MAX_STEM_BYTES: usize = 100;

/// One person a copy is made for.
#[derive(Debug, Clone)]
pub struct Recipient {
    /// Their position in `participants`, from 0.
    pub index: usize,
    /// Their name, as it prints.
    pub name: String,
    /// Their checked record: name, title, organization, seat, table.
    pub record: Json,
    /// Where their name was written (a brief, a layer or `--set`).
    pub at: Option<Span>,
}

impl Recipient {
    /// The field path of their name, such as `participants[3].name`.
    pub fn field(&self) -> String {
        format!("participants[{}].name", self.index)
    }

    /// The JSON their copy's template reads at [`crate::model::contract::COPY_PATH`]: the record, and
    /// `number`, their position counted from 1.
    pub fn copy_json(&self) -> Vec<u8> {
        let mut recipient = self.record.clone();
        if let Some(map) = recipient.as_object_mut() {
            map.insert("number".into(), json!(self.index + 1));
        }
        json!({ "recipient": recipient }).to_string().into_bytes()
    }

    /// What the copy's PDF /ID is derived from: the build and the recipient, so that no two
    /// copies share an /ID while rebuilding the same brief gives the same ones.
    pub fn ident(&self, build_id: &str) -> String {
        format!("{build_id}/copy/{}/{}", self.index, self.name)
    }
}

/// The participants of a checked brief, in order. A brief without participants, or a name
/// with nothing printable in it, is an error at its place, found before any typesetting.
pub fn recipients(brief: &Brief) -> Result<Vec<Recipient>, Vec<Diagnostic>> {
    let declared = brief.template.manifest.fields.contains_key("participants");
    let list = brief.fields.get("participants").and_then(Json::as_array);
    let at = brief.root.get("participants").map(|e| e.key_span);
    let Some(list) = list.filter(|l| !l.is_empty()) else {
        let message = if declared {
            "the brief has no participants to make copies for".to_string()
        } else {
            format!(
                "the template `{}` has no `participants` field, so there is no one to make copies for",
                brief.template.manifest.name
            )
        };
        let mut problem = Diagnostic::error(at.or(brief.template_at), message);
        if declared {
            problem = problem.with_field("participants").with_hint(
                "list them under `participants:`, each with a `name` (and optionally `title`, `organization`, `seat`, `table`)",
            );
        }
        return Err(vec![problem]);
    };
    let span_of = |path: &str| {
        brief
            .origins
            .iter()
            .find(|o| o.path == path)
            .map(|o| o.span)
    };
    let mut recipients = Vec::with_capacity(list.len());
    let mut problems = Vec::new();
    for (index, record) in list.iter().enumerate() {
        let name = record
            .get("name")
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_string();
        let path = format!("participants[{index}].name");
        let at = span_of(&path).or_else(|| span_of(&format!("participants[{index}]")));
        if !name.chars().any(|c| !crate::text::is_invisible(c)) {
            problems.push(
                Diagnostic::error(at, "this participant's name has nothing to print")
                    .with_field(&path)
                    .with_hint("write the name as it should appear on their copy"),
            );
            continue;
        }
        recipients.push(Recipient {
            index,
            name,
            record: record.clone(),
            at,
        });
    }
    if problems.is_empty() {
        Ok(recipients)
    } else {
        Err(problems)
    }
}

/// A file name stem for a person's name, in any script: letters of every script, digits and
/// ordinary punctuation are kept (NFC-normalized, so `é` is one character whichever way it
/// was typed); white space becomes `-`; path separators and the characters Windows forbids
/// (`\ / : * ? " < > |`) become `-`; control and invisible format characters (bidirectional
/// overrides among them) are dropped; leading dots and dashes and trailing dots, dashes and
/// spaces are removed; Windows' reserved device names (`CON`, `NUL`, `COM1`...) get a `_`;
/// and the result is cut to [`MAX_STEM_BYTES`] on a character boundary. Empty when nothing
/// is left (a name of only punctuation such as `???`).
pub fn file_stem(name: &str) -> String {
    let mut stem = String::with_capacity(name.len());
    for c in name.nfc() {
        let mapped = match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => Some('-'),
            // A name's typographic apostrophe (O’Neil) is typed straight in a file name.
            '’' | '‘' => Some('\''),
            '“' | '”' => Some('-'),
            c if c.is_whitespace() => Some('-'),
            c if c.is_control() || crate::text::is_invisible(c) => None,
            c => Some(c),
        };
        if let Some(c) = mapped {
            // One dash for a run of separators.
            if c == '-' && stem.ends_with('-') {
                continue;
            }
            stem.push(c);
        }
    }
    let mut stem = trim_stem(&stem).to_string();
    if stem.len() > MAX_STEM_BYTES {
        let mut cut = MAX_STEM_BYTES;
        while !stem.is_char_boundary(cut) {
            cut -= 1;
        }
        // Do not leave a combining mark without its letter.
        while cut > 0 && stem[cut..].chars().next().is_some_and(is_combining) {
            cut -= 1;
            while !stem.is_char_boundary(cut) {
                cut -= 1;
            }
        }
        stem.truncate(cut);
        stem = trim_stem(&stem).to_string();
    }
    let first = stem.split('.').next().unwrap_or_default();
    if is_reserved(first) {
        stem.insert(first.len(), '_');
    }
    stem
}

fn trim_stem(stem: &str) -> &str {
    stem.trim_start_matches(['.', '-', '~', ' '])
        .trim_end_matches(['.', '-', ' '])
}

/// Combining marks and joiners that belong to the character before them.
fn is_combining(c: char) -> bool {
    matches!(
        c,
        '\u{300}'..='\u{36f}'
            | '\u{1ab0}'..='\u{1aff}'
            | '\u{1dc0}'..='\u{1dff}'
            | '\u{20d0}'..='\u{20ff}'
            | '\u{fe20}'..='\u{fe2f}'
            | '\u{fe00}'..='\u{fe0f}'
            | '\u{200c}'
            | '\u{200d}'
    )
}

/// Windows' device names, which no file may be called, with any extension.
fn is_reserved(stem: &str) -> bool {
    let upper = stem.to_uppercase();
    let upper = upper.trim_end();
    if matches!(upper, "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$") {
        return true;
    }
    let mut chars = upper.chars();
    let head: String = chars.by_ref().take(3).collect();
    let tail: Vec<char> = chars.collect();
    matches!(head.as_str(), "COM" | "LPT")
        && matches!(tail.as_slice(), [c] if c.is_ascii_digit() || matches!(c, '¹' | '²' | '³'))
}

/// One file name per name, with `extension`: [`file_stem`] of each, `participant-N` where a
/// name leaves nothing, and `-2`, `-3`... after a stem already taken. Names are compared
/// ignoring case, since Windows and macOS file systems do.
pub fn file_names<'a>(names: impl IntoIterator<Item = &'a str>, extension: &str) -> Vec<String> {
    let mut taken: HashSet<String> = HashSet::new();
    let mut result = Vec::new();
    for (i, name) in names.into_iter().enumerate() {
        let mut stem = file_stem(name);
        if stem.is_empty() {
            stem = format!("participant-{}", i + 1);
        }
        let mut candidate = stem.clone();
        let mut n = 1;
        while !taken.insert(candidate.to_lowercase()) {
            n += 1;
            candidate = format!("{stem}-{n}");
        }
        result.push(format!("{candidate}.{extension}"));
    }
    result
}

/// The default folder for a brief's copies: beside it, named after it (`note-copies`).
pub fn default_dir(brief: &Path) -> PathBuf {
    let stem = brief
        .file_stem()
        .map_or_else(|| "brief".into(), |s| s.to_string_lossy().into_owned());
    brief.with_file_name(format!("{stem}-copies"))
}

/// The default merged print file for a brief's copies: `note-copies.pdf` beside it.
pub fn default_merged(brief: &Path) -> PathBuf {
    default_dir(brief).with_extension("pdf")
}

/// Compiles one recipient's copy of a brief: a clone of the brief's world (`base`) that differs
/// only in the copy file, so typst reuses what it derived from the brief's data for the
/// copies before. Warnings go to `warnings`.
pub fn compile_copy(
    base: &BriefWorld<'_>,
    compiled: &Compiled,
    recipient: &Recipient,
    files: &mut Files,
    warnings: &mut Vec<Diagnostic>,
) -> Result<PagedDocument, Vec<Diagnostic>> {
    let world = base.clone().with_copy(recipient.copy_json());
    let document = crate::typeset::compile(&world, compiled, files)?;
    warnings.extend(document.warnings);
    Ok(document.document)
}

/// Where a batch of copies goes.
#[derive(Debug, Clone)]
pub enum Destination {
    /// One PDF per recipient in the folder `dir`, made from `brief` (which its marker
    /// records: another brief's folder of copies is not replaced).
    Folder {
        /// The folder.
        dir: PathBuf,
        /// The brief the copies are made from.
        brief: PathBuf,
    },
    /// One print file holding every copy in order.
    Merged(Output),
}

/// How a batch typesets one recipient's copy.
pub type CompileCopy<'a> = dyn Fn(&Recipient, &mut Files, &mut Vec<Diagnostic>) -> Result<PagedDocument, Vec<Diagnostic>>
    + Sync
    + 'a;

/// How a batch exports pages as PDF under an ident.
pub type ExportCopy<'a> =
    dyn Fn(&PagedDocument, &str, &mut Files) -> Result<Vec<u8>, Vec<Diagnostic>> + Sync + 'a;

/// What a batch of copies shares besides the recipients: how each is typeset and exported.
pub struct Job<'j> {
    /// Typesets one recipient's copy; warnings go to the list, problems to the error.
    pub compile: &'j CompileCopy<'j>,
    /// Exports pages as PDF under an ident (the /ID is derived from it).
    pub export: &'j ExportCopy<'j>,
    /// The build identifier, from which each copy's ident is derived.
    pub build_id: &'j str,
    /// The threads to run on.
    pub threads: usize,
    /// Shown while the batch runs (hidden when not on a terminal).
    pub progress: indicatif::ProgressBar,
    /// The page that ends a copy with an odd page count in a merged print file, carrying the
    /// copies' marking (see [`crate::typeset::pad_to_even`]); `None`: an empty page.
    pub pad: Option<PagedDocument>,
}

/// What a finished batch wrote.
#[derive(Debug, Clone)]
pub struct Written {
    /// Each copy, in recipient order.
    pub copies: Vec<Copy>,
    /// Pages in all.
    pub pages: usize,
    /// Warnings the copies raised, each once.
    pub warnings: Vec<Diagnostic>,
    /// How many threads made them.
    pub threads: usize,
}

impl<'j> Job<'j> {
    /// A job for `count` copies on as many cores as help, with a progress bar when
    /// `show_progress` and on a terminal.
    pub fn new(
        compile: &'j CompileCopy<'j>,
        export: &'j ExportCopy<'j>,
        build_id: &'j str,
        count: usize,
        show_progress: bool,
    ) -> Self {
        Self {
            compile,
            export,
            build_id,
            threads: batch::threads(count),
            progress: batch::progress(count, "copies", show_progress),
            pad: None,
        }
    }

    /// The job with `pad` as the page that ends a copy with an odd page count in a merged
    /// print file.
    pub fn with_pad(self, pad: Option<PagedDocument>) -> Self {
        Self { pad, ..self }
    }
}

/// One copy of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copy {
    /// Who it is for.
    pub name: String,
    /// Its file's name in the folder; `None` in a merged print file.
    pub file: Option<String>,
    /// Its pages.
    pub pages: usize,
}

/// Makes every recipient's copy and writes them to `destination`, all or nothing: when any
/// copy fails, each failing recipient is reported at the place their name was written,
/// followed by what went wrong (each distinct problem once), and nothing is written.
pub fn make(
    recipients: &[Recipient],
    destination: &Destination,
    job: &Job<'_>,
    files: &mut Files,
) -> Result<Written, Vec<Diagnostic>> {
    let app = |e: AppError| {
        let mut problem = Diagnostic::error(None, e.message);
        problem.hints = e.hints;
        vec![problem]
    };
    match destination {
        Destination::Folder { dir, brief } => {
            let (staging, _) = Staging::new(dir, brief).map_err(app)?;
            let names = file_names(recipients.iter().map(|r| r.name.as_str()), "pdf");
            let indexed: Vec<(&Recipient, &String)> = recipients.iter().zip(&names).collect();
            let finished = batch::run(
                &indexed,
                job.threads,
                &job.progress,
                files,
                |(recipient, name), local, warnings| {
                    let document = (job.compile)(recipient, local, warnings)?;
                    let pdf = (job.export)(&document, &recipient.ident(job.build_id), local)?;
                    staging.write(name, &pdf).map_err(app)?;
                    Ok(document.pages().len())
                },
            );
            let warnings = finished.warnings;
            let pages = collect(recipients, finished.results)?;
            let total = pages.iter().sum();
            staging
                .commit(&format!(
                    "{} personalized copies, one per participant.",
                    recipients.len()
                ))
                .map_err(app)?;
            Ok(Written {
                copies: recipients
                    .iter()
                    .zip(names)
                    .zip(pages)
                    .map(|((r, file), pages)| Copy {
                        name: r.name.clone(),
                        file: Some(file),
                        pages,
                    })
                    .collect(),
                pages: total,
                warnings,
                threads: job.threads,
            })
        }
        Destination::Merged(path) => {
            let pdf = merged(recipients, job, files)?;
            let (copies, pages) = pdf.1;
            crate::output::write_atomic(path, &pdf.0).map_err(app)?;
            Ok(Written {
                copies,
                pages,
                warnings: pdf.2,
                threads: job.threads,
            })
        }
    }
}

/// The most copies one piece of a merged print file holds. Each piece is typeset and exported
/// on its own (its pages, then its PDF, held only until the next piece) and the pieces are
/// joined at the end ([`crate::typeset::join`]), so memory does not grow with the number of
/// copies; each piece embeds its own subsets of the fonts, so fewer, bigger pieces make a
/// smaller file (docs/benchmarks.md, Personalized copies).
const MERGED_PIECE: usize = 50;

/// A finished merged print file: its bytes, each copy and the page count, and the warnings.
type Merged = (Vec<u8>, (Vec<Copy>, usize), Vec<Diagnostic>);

/// Makes the merged print file of every recipient's copy: pieces of consecutive copies on
/// every core, each typeset, padded to whole sheets, put together and exported, and joined
/// on a thread of its own as they come, in order, while the later pieces are being made (the
/// join is not left to the end, when one core would do it alone).
fn merged(
    recipients: &[Recipient],
    job: &Job<'_>,
    files: &mut Files,
) -> Result<Merged, Vec<Diagnostic>> {
    let size = recipients
        .len()
        .div_ceil(job.threads.max(1))
        .clamp(1, MERGED_PIECE);
    let pieces: Vec<(usize, &[Recipient])> = recipients.chunks(size).enumerate().collect();
    let made = AtomicUsize::new(0);
    let hidden = indicatif::ProgressBar::hidden();
    // Each piece's PDF, by its number; `None` for a piece that failed, which ends the join.
    let (sender, receiver) = std::sync::mpsc::channel::<(usize, Option<Vec<u8>>)>();
    let (finished, joined) = std::thread::scope(|scope| {
        let joiner = scope.spawn(|| {
            let mut in_order = InOrder::new(receiver);
            let joined = crate::typeset::join::join(&mut in_order, pieces.len());
            (joined, in_order.next)
        });
        let finished = batch::run(
            &pieces,
            job.threads,
            &hidden,
            files,
            |(number, piece), local, warnings| {
                let made_piece = make_piece(*number, piece, job, &made, local, warnings);
                match made_piece {
                    Ok((pages, piece_pages, pdf)) => {
                        // A join stopped early (a piece it could not read) takes no more.
                        let _ = sender.send((*number, Some(pdf)));
                        Ok((pages, piece_pages))
                    }
                    Err(problems) => {
                        let _ = sender.send((*number, None));
                        Err(problems)
                    }
                }
            },
        );
        drop(sender);
        let joined = joiner
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (finished, joined)
    });
    job.progress.finish_and_clear();
    let warnings = finished.warnings;
    let mut done = Vec::with_capacity(pieces.len());
    let mut problems: Vec<Diagnostic> = Vec::new();
    let mut a_copy_failed = false;
    for result in finished.results {
        match result {
            Ok(piece) => done.push(piece),
            Err(found) if found.is_empty() => a_copy_failed = true,
            Err(found) => {
                for problem in found {
                    if !problems.iter().any(|p| same_problem(p, &problem)) {
                        problems.push(problem);
                    }
                }
            }
        }
    }
    if a_copy_failed {
        // Typeset every copy again, to say which failed and why, as one file per copy does.
        let report = batch::run(recipients, job.threads, &hidden, files, |r, local, w| {
            (job.compile)(r, local, w).map(|d| d.pages().len())
        });
        collect(recipients, report.results)?;
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut copies = Vec::with_capacity(recipients.len());
    let mut total = 0;
    let mut counts = Vec::new();
    for (pages, piece_pages) in done {
        counts.extend(pages);
        total += piece_pages;
    }
    for (recipient, pages) in recipients.iter().zip(counts) {
        copies.push(Copy {
            name: recipient.name.clone(),
            file: None,
            pages,
        });
    }
    let (joined, taken) = joined;
    let pdf = joined
        .and_then(|pdf| {
            // Every piece was made, so the join was given every one.
            if taken == pieces.len() {
                Ok(pdf)
            } else {
                Err(format!("{taken} of {} pieces were joined", pieces.len()))
            }
        })
        .map_err(|why| {
            vec![Diagnostic::error(
                None,
                format!("cannot put the merged print file together ({why})"),
            )]
        })?;
    Ok((pdf, (copies, total), warnings))
}

/// One piece of a merged print file: its copies typeset, padded to whole sheets, put
/// together and exported. Gives each copy's pages, the piece's pages and its PDF; an empty
/// error when a copy failed (reported recipient by recipient afterwards).
fn make_piece(
    number: usize,
    piece: &[Recipient],
    job: &Job<'_>,
    made: &AtomicUsize,
    local: &mut Files,
    warnings: &mut Vec<Diagnostic>,
) -> Result<(Vec<usize>, usize, Vec<u8>), Vec<Diagnostic>> {
    let mut documents = Vec::with_capacity(piece.len());
    let mut failed = false;
    for recipient in piece {
        match (job.compile)(recipient, local, warnings) {
            Ok(document) => documents.push(document),
            // Reported recipient by recipient by the caller.
            Err(_) => failed = true,
        }
        job.progress.inc(1);
        batch::trim_after(made.fetch_add(1, Ordering::Relaxed) + 1);
    }
    if failed {
        return Err(Vec::new());
    }
    let pages: Vec<usize> = documents.iter().map(|d| d.pages().len()).collect();
    // Each copy starts on a new sheet when the file is printed on both sides.
    let document = crate::typeset::concat(
        documents
            .into_iter()
            .flat_map(|d| crate::typeset::pad_to_even(d, job.pad.as_ref()))
            .collect(),
    );
    // The first piece gives the joined file its /ID: the batch's.
    let ident = match number {
        0 => format!("{}/copies", job.build_id),
        n => format!("{}/copies/{n}", job.build_id),
    };
    let pdf = (job.export)(&document, &ident, local)?;
    Ok((pages, document.pages().len(), pdf))
}

/// The pieces of a merged print file in their order, from a channel that brings them in the
/// order they are finished: those that come early wait (one per thread at most). Ends at the
/// first piece that failed, or when no more come.
struct InOrder {
    receiver: std::sync::mpsc::Receiver<(usize, Option<Vec<u8>>)>,
    waiting: std::collections::BTreeMap<usize, Option<Vec<u8>>>,
    /// The number of the next piece, which is also how many were given.
    next: usize,
}

impl InOrder {
    fn new(receiver: std::sync::mpsc::Receiver<(usize, Option<Vec<u8>>)>) -> Self {
        Self {
            receiver,
            waiting: std::collections::BTreeMap::new(),
            next: 0,
        }
    }
}

impl Iterator for InOrder {
    type Item = Vec<u8>;

    fn next(&mut self) -> Option<Vec<u8>> {
        loop {
            if let Some(piece) = self.waiting.remove(&self.next) {
                let piece = piece?;
                self.next += 1;
                return Some(piece);
            }
            let (number, piece) = self.receiver.recv().ok()?;
            self.waiting.insert(number, piece);
        }
    }
}

/// Every recipient's result, or a report naming each one that failed. When every copy of
/// several failed the same way, the fault is not any participant's (a template error, a
/// full disk): the problem is reported once, without a line per participant.
fn collect<T>(
    recipients: &[Recipient],
    results: Vec<Result<T, Vec<Diagnostic>>>,
) -> Result<Vec<T>, Vec<Diagnostic>> {
    let first_error = |r: &Result<T, Vec<Diagnostic>>| match r {
        Ok(_) => None,
        Err(errors) => Some(
            errors
                .iter()
                .find(|e| e.is_error())
                .map(|e| e.message.clone()),
        ),
    };
    let all_alike = results.len() > 1
        && results.iter().all(|r| r.is_err())
        && results
            .iter()
            .all(|r| first_error(r) == first_error(&results[0]));
    let mut done = Vec::with_capacity(results.len());
    let mut report = Vec::new();
    let mut problems: Vec<Diagnostic> = Vec::new();
    if all_alike {
        report.push(Diagnostic::error(
            None,
            format!(
                "none of the {} copies could be made, all for the reason below",
                results.len()
            ),
        ));
    }
    for (recipient, result) in recipients.iter().zip(results) {
        match result {
            Ok(value) => done.push(value),
            Err(errors) => {
                let first = errors
                    .iter()
                    .find(|e| e.is_error())
                    .map(|e| e.message.clone())
                    .unwrap_or_else(|| "it failed".into());
                if !all_alike {
                    report.push(
                        Diagnostic::error(
                            recipient.at,
                            format!("the copy for {} could not be made", recipient.name),
                        )
                        .with_field(recipient.field())
                        .with_note(format!("because: {first}")),
                    );
                }
                for error in errors {
                    if !problems.iter().any(|p| same_problem(p, &error)) {
                        problems.push(error);
                    }
                }
            }
        }
    }
    if report.is_empty() {
        Ok(done)
    } else {
        report.append(&mut problems);
        Err(report)
    }
}

/// Whether two problems say the same thing at the same place (every copy raises the same
/// template error once).
fn same_problem(a: &Diagnostic, b: &Diagnostic) -> bool {
    a.message == b.message
        && a.severity == b.severity
        && a.field == b.field
        && a.span.map(|s| (s.start, s.end)) == b.span.map(|s| (s.start, s.end))
}

/// Makes one copy of a note for each of its participants (see [`compile_copy`]) and writes
/// them to `destination`, all or nothing. A character no font has is reported once, for the
/// brief's fields (participants' names included), not once per copy. `pad` ends each copy
/// with an odd page count in a merged print file ([`crate::jobs::handout::pad_page`]).
#[allow(clippy::too_many_arguments)]
pub fn of_note(
    engine: &Engine,
    compiled: &Compiled,
    brief: &Brief,
    options: &BuildOptions,
    destination: &Destination,
    pad: Option<PagedDocument>,
    show_progress: bool,
    files: &mut Files,
) -> Result<Written, Failure> {
    let recipients = recipients(brief)?;
    let prepared = prepare::prepare(engine, compiled, brief, options, files)?;
    let missing = engine.fonts().missing_glyphs([brief]);
    // A copy of its own attaches the brief without the participants; the merged print file,
    // which holds every participant's copy, attaches it whole.
    let base = &match destination {
        Destination::Folder { .. } => prepared
            .world
            .clone()
            .with_source(prepare::copy_source(brief, &prepared.build_id)),
        Destination::Merged(_) => prepared.world.clone(),
    };
    let compile = |recipient: &Recipient, local: &mut Files, warnings: &mut Vec<_>| {
        let document = compile_copy(base, compiled, recipient, local, warnings)?;
        // The recipient's box can push a note that just fits onto another page.
        let what = format!("the copy for {}", recipient.name);
        crate::typeset::limit::enforce(&document, brief, &what).map_err(|over| vec![over])?;
        Ok(document)
    };
    let export = |document: &PagedDocument, ident: &str, local: &mut Files| {
        crate::typeset::export_pdf(
            document,
            &[(base, compiled)],
            local,
            ident,
            prepared.date,
            &options.standards,
        )
    };
    let job = Job::new(
        &compile,
        &export,
        &prepared.build_id,
        recipients.len(),
        show_progress,
    )
    .with_pad(pad);
    let mut written = make(&recipients, destination, &job, files)?;
    written.warnings.splice(0..0, missing);
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_letters_of_every_script() {
        assert_eq!(file_stem("Hélène Tremblay"), "Hélène-Tremblay");
        assert_eq!(file_stem("김민준"), "김민준");
        assert_eq!(file_stem("Jordan O'Neil"), "Jordan-O'Neil");
        assert_eq!(file_stem("Jordan O’Neil"), "Jordan-O'Neil");
        assert_eq!(file_stem("Marc-André  Côté"), "Marc-André-Côté");
        assert_eq!(file_stem("Дмитрий Иванов"), "Дмитрий-Иванов");
        assert_eq!(file_stem("محمد علي"), "محمد-علي");
        assert_eq!(file_stem("山田 太郎"), "山田-太郎");
    }

    #[test]
    fn composes_accents_typed_as_two_characters() {
        // "e" + combining acute, as some keyboards and macOS file names write it.
        let decomposed = "He\u{301}le\u{300}ne";
        assert_eq!(file_stem(decomposed), "Hélène");
        assert_eq!(file_stem(decomposed).chars().count(), 6);
    }

    #[test]
    fn replaces_separators_and_characters_windows_forbids() {
        assert_eq!(file_stem("A/B\\C"), "A-B-C");
        assert_eq!(file_stem("../../etc/passwd"), "etc-passwd");
        assert_eq!(file_stem("What? <Who>: \"Me\" | *"), "What-Who-Me");
        assert_eq!(file_stem("Kim / Lee"), "Kim-Lee");
    }

    #[test]
    fn drops_control_and_direction_characters() {
        assert_eq!(file_stem("Ann\u{7}a"), "Anna");
        assert_eq!(file_stem("Bob\u{202e}fdp.exe"), "Bobfdp.exe");
        assert_eq!(file_stem("Zoë\u{200b}"), "Zoë");
        assert_eq!(file_stem("Line\nBreak\tTab"), "Line-Break-Tab");
    }

    #[test]
    fn no_leading_dots_nor_trailing_dots_and_spaces() {
        assert_eq!(file_stem(".hidden"), "hidden");
        assert_eq!(file_stem("...dots..."), "dots");
        assert_eq!(file_stem("  Jr.  "), "Jr");
        assert_eq!(file_stem("-n"), "n");
        assert_eq!(file_stem("..."), "");
        assert_eq!(file_stem("???"), "");
    }

    #[test]
    fn windows_device_names_are_changed() {
        assert_eq!(file_stem("CON"), "CON_");
        assert_eq!(file_stem("nul"), "nul_");
        assert_eq!(file_stem("Com1"), "Com1_");
        assert_eq!(file_stem("LPT9.draft"), "LPT9_.draft");
        assert_eq!(file_stem("Connor"), "Connor");
        assert_eq!(file_stem("COM10"), "COM10");
    }

    #[test]
    fn long_names_are_cut_on_a_character_boundary() {
        let hangul = "가".repeat(60);
        let stem = file_stem(&hangul);
        assert!(stem.len() <= MAX_STEM_BYTES);
        assert_eq!(stem, "가".repeat(MAX_STEM_BYTES / 3));
        let accents = "e\u{301}".repeat(80);
        let stem = file_stem(&accents);
        assert!(stem.len() <= MAX_STEM_BYTES && stem.chars().all(|c| c == 'é'));
        // A combining mark NFC cannot compose stays with its letter.
        let marked = format!("{}q\u{323}\u{307}", "a".repeat(MAX_STEM_BYTES - 2));
        assert_eq!(file_stem(&marked), "a".repeat(MAX_STEM_BYTES - 2));
    }

    #[test]
    fn collisions_get_numbers_ignoring_case() {
        let names = file_names(
            [
                "Kim Lee",
                "Kim/Lee",
                "kim lee",
                "???",
                "Kim Lee-2",
                "김민준",
            ],
            "pdf",
        );
        assert_eq!(
            names,
            [
                "Kim-Lee.pdf",
                "Kim-Lee-2.pdf",
                "kim-lee-3.pdf",
                "participant-4.pdf",
                "Kim-Lee-2-2.pdf",
                "김민준.pdf",
            ]
        );
    }

    #[test]
    fn pieces_finished_out_of_order_are_joined_in_order_up_to_a_failed_one() {
        let (sender, receiver) = std::sync::mpsc::channel();
        for (number, piece) in [(1, Some(vec![1])), (0, Some(vec![0])), (3, Some(vec![3]))] {
            sender.send((number, piece)).unwrap();
        }
        sender.send((2, None)).unwrap();
        let mut in_order = InOrder::new(receiver);
        let given: Vec<Vec<u8>> = in_order.by_ref().collect();
        assert_eq!(given, [vec![0], vec![1]]);
        assert_eq!(in_order.next, 2);
        // Without a failure, every piece once the senders are gone.
        let (sender, receiver) = std::sync::mpsc::channel();
        let worker = std::thread::spawn(move || {
            for number in [2, 0, 1] {
                sender.send((number, Some(vec![number as u8]))).unwrap();
            }
        });
        let given: Vec<Vec<u8>> = InOrder::new(receiver).collect();
        worker.join().unwrap();
        assert_eq!(given, [vec![0], vec![1], vec![2]]);
    }

    #[test]
    fn each_copy_json_and_ident_names_its_recipient() {
        let recipient = Recipient {
            index: 2,
            name: "Jordan O'Neil".into(),
            record: json!({"name": "Jordan O'Neil", "seat": "3", "table": null}),
            at: None,
        };
        let copy: Json = serde_json::from_slice(&recipient.copy_json()).unwrap();
        assert_eq!(copy["recipient"]["name"], "Jordan O'Neil");
        assert_eq!(copy["recipient"]["number"], 3);
        assert_ne!(
            recipient.ident("abc"),
            Recipient {
                index: 3,
                ..recipient.clone()
            }
            .ident("abc")
        );
    }
}
