//! Diagnostics: every problem found in a brief, a layer or a template, with the place it
//! points at, and their rendering as `file:line:column` reports with the source line.

use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic as Report, Label, Severity as ReportSeverity};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::termcolor::{
    Buffer, BufferedStandardStream, ColorChoice, WriteColor,
};
use codespan_reporting::term::{self, Config, DisplayStyle};

/// A key into [`Files`].
pub type FileKey = usize;

/// Every text a diagnostic can point into, registered once per run, and the files and
/// folders on disk that were read to make it (what `brief watch` watches).
#[derive(Default)]
pub struct Files {
    inner: SimpleFiles<String, String>,
    /// Which keys hold a command-line argument (`--set`, `--lang`) rather than a file.
    arguments: Vec<FileKey>,
    dependencies: Vec<std::path::PathBuf>,
}

impl Files {
    /// Notes that the run read this file (or everything in this folder).
    pub fn depend(&mut self, path: &std::path::Path) {
        if !self.dependencies.iter().any(|p| p == path) {
            self.dependencies.push(path.to_path_buf());
        }
    }

    /// The files and folders the run read, in the order first read.
    pub fn dependencies(&self) -> &[std::path::PathBuf] {
        &self.dependencies
    }

    /// Registers a file's text under the name diagnostics print for it (its path as shown).
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileKey {
        self.inner.add(name.into(), text.into())
    }

    /// Registers the value of a command-line option (`flag` is `--set` or `--lang`), which
    /// diagnostics name by the flag.
    pub fn add_argument(&mut self, flag: &str, text: impl Into<String>) -> FileKey {
        let key = self.add(flag, text);
        self.arguments.push(key);
        key
    }

    /// Whether the text under `key` is a command-line argument rather than a file.
    pub fn is_argument(&self, key: FileKey) -> bool {
        self.arguments.contains(&key)
    }

    /// The folder a relative path written in the text under `key` is relative to: the
    /// file's folder, or the current folder (`.`) for a command-line argument, as a path
    /// typed on the command line is.
    pub fn folder_of(&self, key: FileKey) -> &std::path::Path {
        let here = std::path::Path::new(".");
        if self.is_argument(key) {
            return here;
        }
        match std::path::Path::new(self.name(key)).parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => here,
        }
    }

    /// The text registered under `key`.
    pub fn text(&self, key: FileKey) -> &str {
        self.inner
            .get(key)
            .map(|f| f.source().as_str())
            .unwrap_or("")
    }

    /// The name registered under `key`.
    pub fn name(&self, key: FileKey) -> &str {
        self.inner.get(key).map(|f| f.name().as_str()).unwrap_or("")
    }

    /// Moves diagnostics made against `other` (a worker thread's own files) over to these
    /// files: each text they point into is registered here once, and their spans re-keyed.
    pub fn adopt<'d>(
        &mut self,
        other: &Files,
        diagnostics: impl IntoIterator<Item = &'d mut Diagnostic>,
    ) {
        let mut keys: std::collections::HashMap<FileKey, FileKey> = Default::default();
        for diagnostic in diagnostics {
            if let Some(span) = &mut diagnostic.span {
                span.file = *keys.entry(span.file).or_insert_with(|| {
                    let (name, text) = (other.name(span.file), other.text(span.file));
                    if other.is_argument(span.file) {
                        self.add_argument(name, text)
                    } else {
                        self.add(name, text)
                    }
                });
            }
        }
    }

    /// One-based line and column (in characters) of a byte offset.
    pub fn line_column(&self, key: FileKey, byte: usize) -> (usize, usize) {
        let text = self.text(key);
        let byte = floor_char_boundary(text, byte.min(text.len()));
        let before = &text[..byte];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, text[line_start..byte].chars().count() + 1)
    }
}

fn floor_char_boundary(text: &str, mut byte: usize) -> usize {
    while byte > 0 && !text.is_char_boundary(byte) {
        byte -= 1;
    }
    byte
}

/// A byte range in one registered file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Span {
    /// The file the range lies in.
    pub file: FileKey,
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span over `range` in `file`.
    pub fn new(file: FileKey, range: Range<usize>) -> Self {
        Self {
            file,
            start: range.start,
            end: range.end,
        }
    }

    /// The byte range.
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }
}

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The build cannot go on.
    Error,
    /// The build goes on, but the output is probably not what was meant.
    Warning,
}

/// One problem, with where it is and what would fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong: lowercase, no final period, the cause in parentheses.
    pub message: String,
    /// Where it is, if it is anywhere in particular.
    pub span: Option<Span>,
    /// The path of the field, such as `milestones[3].date`, printed under the caret.
    pub field: Option<String>,
    /// Further facts (`expected: ...`).
    pub notes: Vec<String>,
    /// What the user could do (`did you mean ...`).
    pub hints: Vec<String>,
}

impl Diagnostic {
    /// An error at `span`.
    pub fn error(span: Option<Span>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            message: message.into(),
            span,
            field: None,
            notes: Vec::new(),
            hints: Vec::new(),
        }
    }

    /// A warning at `span`.
    pub fn warning(span: Option<Span>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(span, message)
        }
    }

    /// Names the field the problem is in.
    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        let field = field.into();
        if !field.is_empty() {
            self.field = Some(field);
        }
        self
    }

    /// Adds a note.
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// Adds a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The place a report marks: the span's file and its range on its first line (a value
    /// spanning lines, a whole map, is marked on its first line only).
    fn marked(&self, files: &Files) -> Option<(FileKey, Range<usize>)> {
        let span = self.span?;
        let text = files.text(span.file);
        let start = floor_char_boundary(text, span.start.min(text.len()));
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let end = floor_char_boundary(text, span.end.min(line_end)).max(start);
        Some((span.file, start..end))
    }

    fn to_report<F: Copy>(&self, at: Option<(F, Range<usize>)>) -> Report<F> {
        let report = match self.severity {
            Severity::Error => Report::new(ReportSeverity::Error),
            Severity::Warning => Report::new(ReportSeverity::Warning),
        };
        let mut report = report.with_message(&self.message);
        let mut notes: Vec<String> = Vec::new();
        match at {
            Some((file, range)) => {
                let mut label = Label::primary(file, range);
                if let Some(field) = &self.field {
                    label = label.with_message(field);
                }
                report = report.with_labels(vec![label]);
            }
            None => {
                if let Some(field) = &self.field {
                    notes.push(format!("field: {field}"));
                }
            }
        }
        notes.extend(self.notes.iter().cloned());
        notes.extend(self.hints.iter().map(|h| format!("hint: {h}")));
        report.with_notes(notes)
    }
}

/// Whether reports are drawn in colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Color {
    /// Colour when standard error is a terminal and NO_COLOR is unset.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// Renders diagnostics as plain text, exactly as the command line prints them without colour.
pub fn render(files: &Files, diagnostics: &[Diagnostic]) -> String {
    let mut buffer = Buffer::no_color();
    write_all(&mut buffer, files, diagnostics);
    String::from_utf8_lossy(buffer.as_slice()).into_owned()
}

/// Prints diagnostics to standard error.
pub fn emit(files: &Files, diagnostics: &[Diagnostic], color: Color) {
    let choice = match color {
        Color::Auto if std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) => {
            if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
                ColorChoice::Auto
            } else {
                ColorChoice::Never
            }
        }
        Color::Always => ColorChoice::Always,
        _ => ColorChoice::Never,
    };
    // Buffered: a report quoting a long line is written in a few calls, not one a character.
    let mut stream = BufferedStandardStream::stderr(choice);
    write_all(&mut stream, files, diagnostics);
    let _ = std::io::Write::flush(&mut stream);
}

fn write_all(out: &mut dyn WriteColor, files: &Files, diagnostics: &[Diagnostic]) {
    let config = Config {
        display_style: DisplayStyle::Rich,
        ..Config::default()
    };
    for diagnostic in diagnostics {
        let marked = diagnostic.marked(files);
        // Writing to a buffer or stderr only fails when stderr is gone; nothing to report to.
        let _ = match marked
            .as_ref()
            .and_then(|(file, range)| Excerpt::of(files, *file, range))
        {
            Some((excerpt, range)) => {
                let report = diagnostic.to_report(Some(((), range)));
                term::emit_to_write_style(out, &config, &excerpt, &report)
            }
            None => {
                term::emit_to_write_style(out, &config, &files.inner, &diagnostic.to_report(marked))
            }
        };
    }
}

/// A line longer than this many characters is shown as an excerpt around what a report marks.
const LONG_LINE: usize = 100;
/// Characters of context an excerpt keeps on each side of the mark.
const CONTEXT: usize = 30;
/// Characters of a long mark an excerpt shows.
const LONGEST_MARK: usize = 60;

/// The part of one long source line a report needs (a paragraph of a thousand characters on
/// one YAML line), cut with `…` at both ends, keeping the line's number and the columns of the
/// original: a report is a few lines however long the line it points into.
struct Excerpt {
    name: String,
    line: usize,
    source: String,
    /// Columns (characters) of the original line before the excerpt's first character, less
    /// the `…` put in front.
    shift: isize,
}

impl Excerpt {
    /// The excerpt of the line holding `range`, and the range within it; `None` when the line
    /// is short enough to show whole.
    fn of(files: &Files, file: FileKey, range: &Range<usize>) -> Option<(Excerpt, Range<usize>)> {
        let text = files.text(file);
        let line_start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[range.start..]
            .find('\n')
            .map_or(text.len(), |i| range.start + i);
        let line = &text[line_start..line_end];
        // A direction control would reorder the line on the terminal (and has no width for
        // a caret): such a line is shown with each one as U+FFFD, whatever its length.
        let hostile = line
            .chars()
            .any(|c| crate::text::direction_control(c).is_some());
        if line.chars().count() <= LONG_LINE && !hostile {
            return None;
        }
        let long = line.chars().count() > LONG_LINE;
        // Character indices within the line.
        let chars: Vec<(usize, char)> = line.char_indices().collect();
        let index = |byte: usize| {
            chars
                .iter()
                .position(|(b, _)| *b >= byte)
                .unwrap_or(chars.len())
        };
        let (mark_start, mut mark_end) = (
            index(range.start - line_start),
            index(range.end - line_start),
        );
        let space = |i: usize| chars.get(i).is_none_or(|(_, c)| c.is_whitespace());
        // The last word end in `lo..=hi` at or before `hi` (a cut there splits no word), else
        // `hi` itself: `lo` keeps at least half of what was meant to be shown.
        let word_end = |lo: usize, hi: usize| {
            (lo..=hi)
                .rev()
                .find(|&i| space(i))
                .map(|i| {
                    let mut i = i;
                    while i > lo && space(i - 1) {
                        i -= 1;
                    }
                    i
                })
                .filter(|&i| i > lo)
                .unwrap_or(hi)
        };
        let cut_mark = long && mark_end - mark_start > LONGEST_MARK;
        if cut_mark {
            mark_end = word_end(mark_start + LONGEST_MARK / 2, mark_start + LONGEST_MARK);
        }
        // The context on each side ends at a word's end: no "…ss many" or "de…".
        let mut from = mark_start.saturating_sub(CONTEXT);
        if from > 0
            && !space(from - 1)
            && let Some(i) = (from..mark_start).find(|&i| space(i))
        {
            from = i;
        }
        while from < mark_start && space(from) {
            from += 1;
        }
        let mut to = (mark_end + CONTEXT).min(chars.len());
        if to < chars.len() && !space(to) {
            to = word_end(mark_end, to);
        }
        while to > mark_end && space(to - 1) {
            to -= 1;
        }
        // A short line shown only for its direction controls is shown whole.
        if !long {
            (from, to) = (0, chars.len());
        }
        let slice = |a: usize, b: usize| -> String {
            chars[a..b]
                .iter()
                .map(|&(_, c)| match crate::text::direction_control(c) {
                    Some(_) => '\u{fffd}',
                    None => c,
                })
                .collect()
        };
        let mut source = String::new();
        if from > 0 {
            source.push('…');
        }
        source.push_str(&slice(from, mark_start));
        let start = source.len();
        source.push_str(&slice(mark_start, mark_end));
        if cut_mark {
            source.push('…');
        }
        let end = source.len();
        source.push_str(&slice(mark_end, to));
        if to < chars.len() {
            source.push('…');
        }
        let (line_number, _) = files.line_column(file, range.start);
        let excerpt = Excerpt {
            name: files.name(file).to_string(),
            line: line_number,
            source,
            shift: from as isize - isize::from(from > 0),
        };
        Some((excerpt, start..end))
    }
}

impl<'a> codespan_reporting::files::Files<'a> for Excerpt {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, (): ()) -> Result<&'a str, codespan_reporting::files::Error> {
        Ok(&self.name)
    }

    fn source(&'a self, (): ()) -> Result<&'a str, codespan_reporting::files::Error> {
        Ok(&self.source)
    }

    fn line_index(&'a self, (): (), _: usize) -> Result<usize, codespan_reporting::files::Error> {
        Ok(0)
    }

    fn line_number(&'a self, (): (), _: usize) -> Result<usize, codespan_reporting::files::Error> {
        Ok(self.line)
    }

    fn column_number(
        &'a self,
        (): (),
        _: usize,
        byte: usize,
    ) -> Result<usize, codespan_reporting::files::Error> {
        let column = self.source[..byte.min(self.source.len())].chars().count() as isize;
        Ok((column + self.shift).max(0) as usize + 1)
    }

    fn line_range(
        &'a self,
        (): (),
        _: usize,
    ) -> Result<Range<usize>, codespan_reporting::files::Error> {
        Ok(0..self.source.len())
    }
}

/// Ranks the known names by closeness to `name` and returns the best one when it is close.
pub fn did_you_mean<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let name = name.to_lowercase();
    known
        .into_iter()
        .map(|k| (strsim::jaro_winkler(&name, &k.to_lowercase()), k))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}
