//! Reading YAML: brief text into positioned [`Node`] trees, and template manifests into typed
//! structs. Every brief and manifest is parsed here, so the parser behind either can be
//! swapped: every use of serde_yaml is in this module (a manifest's default values are a
//! [`ManifestValue`], which writes itself out for starter briefs).
//!
//! Briefs are read with `saphyr-parser`'s event stream because every later step (the checker,
//! layer merging, `brief show`) needs the byte range each value came from, which serde_yaml
//! drops once a value is deserialized. Manifests are written by template authors against a
//! fixed shape, so they go straight into serde structs through serde_yaml.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError};
use serde::de::DeserializeOwned;

use crate::diag::{Diagnostic, FileKey, Span};
use crate::text::plural;

/// How deep maps and lists may nest before a brief is refused (a brief needs about six).
pub const MAX_DEPTH: usize = 64;

/// How many values a brief may hold once aliases are expanded.
pub const MAX_VALUES: usize = 200_000;

/// How much text (keys and values) a brief may hold once aliases are expanded: four times the
/// largest brief file, so an alias of a long text cannot multiply it into gigabytes.
pub const MAX_EXPANDED_BYTES: usize = 16 * 1024 * 1024;

/// One value of a YAML document with the place it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// Where the value was written.
    pub span: Span,
}

/// The shapes a YAML value can take.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`, `~` or nothing at all.
    Null,
    /// Any scalar; what it means is decided by the field it is given for.
    Scalar(Scalar),
    /// A sequence.
    List(Vec<Node>),
    /// A mapping with text keys, in the order written.
    Map(Vec<Entry>),
}

/// A scalar's text and whether it was quoted.
#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    /// The text after YAML's unescaping and folding.
    pub text: String,
    /// Plain (unquoted, not a block scalar): only plain scalars can be numbers or booleans.
    pub plain: bool,
}

/// One key and its value in a mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key.
    pub key: String,
    /// Where the key was written.
    pub key_span: Span,
    /// The value.
    pub node: Node,
}

impl Node {
    /// What kind of value this is, for "expected ..., found ..." messages.
    pub fn describe(&self) -> String {
        match &self.value {
            Value::Null => "nothing (null)".into(),
            Value::Scalar(s) if s.plain && is_yaml_bool(&s.text) => format!("`{}`", s.text),
            Value::Scalar(s) if s.text.is_empty() => "empty text".into(),
            Value::Scalar(s) => {
                let short: String = s.text.chars().take(40).collect();
                let short = short.lines().next().unwrap_or("").to_string();
                if short.len() < s.text.len() {
                    format!("the text `{short}...`")
                } else {
                    format!("the text `{short}`")
                }
            }
            Value::List(items) => format!("a list of {} item{}", items.len(), plural(items.len())),
            Value::Map(_) => "a map of fields".into(),
        }
    }

    /// The entry with this key, if this is a map that has it.
    pub fn get(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|e| e.key == key),
            _ => None,
        }
    }
}

/// Whether a plain scalar reads as a YAML 1.2 boolean.
pub fn is_yaml_bool(text: &str) -> bool {
    matches!(text, "true" | "True" | "TRUE" | "false" | "False" | "FALSE")
}

fn is_yaml_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

/// Parses one YAML document into a tree, or says everything that stops it being one.
///
/// `file` is the key the text is registered under, so spans point into it.
pub fn parse(text: &str, file: FileKey) -> Result<Node, Vec<Diagnostic>> {
    let text_nobom = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bom = text.len() - text_nobom.len();
    // saphyr refuses a `\u` escape that is half of a UTF-16 surrogate pair, which JSON (and so
    // YAML, which reads JSON) writes characters beyond U+FFFF with (`"\uD83D\uDE00"`, 😀).
    // Where it does, that quoted text's pairs are written as the one `\U` escape they mean
    // and the brief read again, its places mapped back to the text as written.
    let mut pairs = Pairs::default();
    loop {
        let body = pairs.rewrite(text_nobom);
        let builder = Builder {
            text,
            file,
            bom,
            body: &body,
            pairs: &pairs,
            offsets: Offsets::new(&body),
            stack: Vec::new(),
            anchors: HashMap::new(),
            values: 0,
            bytes: 0,
            root: None,
            documents: 0,
            errors: Vec::new(),
        };
        match builder.run() {
            // Bounded: each retry counts one more text, up to MAX_PAIR_TEXTS.
            Err(Read::Pairs(quote)) => {
                let originals = surrogate_pairs(&body, quote)
                    .into_iter()
                    .map(|at| pairs.original(at))
                    .collect();
                pairs.add(originals);
            }
            Err(Read::Problems(problems)) => return Err(problems),
            Ok(root) => return Ok(root),
        }
    }
}

/// How many quoted texts with surrogate-pair escapes a brief is read again for; beyond that
/// the escapes are an error (each retry reads the whole brief again).
const MAX_PAIR_TEXTS: usize = 64;

/// The surrogate-pair escapes (`\uD83D\uDE00`, twelve bytes) written as one `\U0001F600`
/// (ten bytes): where each starts in the text as written (without its byte order mark).
#[derive(Default)]
struct Pairs {
    starts: Vec<usize>,
    /// How many quoted texts they were found in.
    texts: usize,
}

impl Pairs {
    fn add(&mut self, starts: Vec<usize>) {
        self.starts.extend(starts);
        self.starts.sort_unstable();
        self.starts.dedup();
        self.texts += 1;
    }

    /// The text with every recorded pair rewritten.
    fn rewrite<'t>(&self, text: &'t str) -> std::borrow::Cow<'t, str> {
        if self.starts.is_empty() {
            return std::borrow::Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len());
        let mut from = 0;
        for &start in &self.starts {
            out.push_str(&text[from..start]);
            let code = pair_value(&text[start..start + 12]).expect("a recorded pair");
            out.push_str(&format!("\\U{code:08X}"));
            from = start + 12;
        }
        out.push_str(&text[from..]);
        std::borrow::Cow::Owned(out)
    }

    /// The byte of the text as written that byte `at` of the rewritten text stands for.
    fn original(&self, at: usize) -> usize {
        // The i-th rewrite ends at its start, less two bytes for each rewrite before it, plus
        // its ten bytes; after it, the text as written is two bytes further on.
        let before = self
            .starts
            .iter()
            .enumerate()
            .take_while(|&(i, &start)| start - 2 * i + 10 <= at)
            .count();
        at + 2 * before
    }
}

/// The character a twelve-byte `\uHHHH\uHHHH` surrogate pair writes, if it is one.
fn pair_value(escape: &str) -> Option<u32> {
    let hex = |s: &str| u32::from_str_radix(s, 16).ok();
    let bytes = escape.as_bytes();
    if escape.len() != 12 || !escape.is_ascii() || &bytes[0..2] != b"\\u" || &bytes[6..8] != b"\\u"
    {
        return None;
    }
    let (high, low) = (hex(&escape[2..6])?, hex(&escape[8..12])?);
    ((0xD800..0xDC00).contains(&high) && (0xDC00..0xE000).contains(&low))
        .then(|| 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
}

/// Where the surrogate-pair escapes of the double-quoted text whose opening quote is at byte
/// `quote` of `text` start.
fn surrogate_pairs(text: &str, quote: usize) -> Vec<usize> {
    let mut found = Vec::new();
    if text.as_bytes().get(quote) != Some(&b'"') {
        return found;
    }
    let bytes = text.as_bytes();
    let mut at = quote + 1;
    while at < bytes.len() {
        match bytes[at] {
            b'"' => break,
            b'\\' => {
                if text.get(at..at + 12).and_then(pair_value).is_some() {
                    found.push(at);
                    at += 12;
                } else {
                    // The escaped character (a quote, a backslash, a letter) is not an end.
                    at += 2;
                }
            }
            _ => at += 1,
        }
    }
    found
}

/// Deserializes a template manifest or other fixed-shape YAML into `T` with serde_yaml,
/// reporting a failure as a diagnostic at the line and column serde_yaml names. Only for a
/// text [`parse`] has already read without error: serde_yaml expands aliases without a
/// bound on their size, so the limits of a brief (values, text, depth) must hold first.
pub fn deserialize<T: DeserializeOwned>(text: &str, file: FileKey) -> Result<T, Diagnostic> {
    serde_yaml::from_str(text).map_err(|error| {
        let offset = error.location().map_or(0, |l| l.index());
        let message = error.to_string();
        // serde_yaml appends " at line N column M"; the report shows the place already.
        let message = match message.find(" at line ") {
            Some(i) => message[..i].to_string(),
            None => message,
        };
        Diagnostic::error(Some(Span::new(file, offset..offset + 1)), message)
    })
}

/// Diagnostics of [`parse`] worded for a template's manifest rather than a brief.
pub fn for_manifest(problems: Vec<Diagnostic>) -> Vec<Diagnostic> {
    problems
        .into_iter()
        .map(|mut p| {
            p.message = p
                .message
                .replace("the brief", "the manifest")
                .replace("any brief", "any manifest")
                .replace("a brief holds", "a manifest holds");
            for hint in &mut p.hints {
                *hint = hint.replace("a brief this large", "a manifest this large");
            }
            p
        })
        .collect()
}

/// A value written in a template manifest (a field's default), kept as parsed until the
/// checker places it in a brief's tree or a starter brief writes it out.
#[derive(Debug, Clone, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(transparent)]
pub struct ManifestValue(serde_yaml::Value);

/// A manifest value written as YAML for a starter brief.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Written {
    /// A scalar, or an empty list or map, on the key's own line.
    Inline(String),
    /// A list or map, one line each, below the key.
    Block(String),
}

impl ManifestValue {
    /// The value, if it is a string.
    pub fn as_str(&self) -> Option<&str> {
        self.0.as_str()
    }

    /// The value as a tree whose every node is placed at `span` (the manifest's place).
    pub fn to_node(&self, span: Span) -> Node {
        node_from_yaml(&self.0, span)
    }

    /// The value as YAML: a scalar quoted only where it must be ([`scalar_text`]).
    pub fn written(&self) -> Written {
        fn scalar_of(value: &serde_yaml::Value) -> Option<String> {
            match value {
                serde_yaml::Value::Null => Some("null".into()),
                serde_yaml::Value::Bool(b) => Some(b.to_string()),
                serde_yaml::Value::Number(n) => Some(n.to_string()),
                serde_yaml::Value::String(s) => Some(scalar_text(s)),
                serde_yaml::Value::Tagged(t) => scalar_of(&t.value),
                _ => None,
            }
        }
        if let Some(text) = scalar_of(&self.0) {
            return Written::Inline(text);
        }
        match &self.0 {
            serde_yaml::Value::Sequence(s) if s.is_empty() => Written::Inline("[]".into()),
            serde_yaml::Value::Mapping(m) if m.is_empty() => Written::Inline("{}".into()),
            value => Written::Block(serde_yaml::to_string(value).unwrap_or_default()),
        }
    }
}

/// Text as a YAML scalar: plain when that reads back as the same text, double-quoted otherwise.
pub fn scalar_text(text: &str) -> String {
    let plain = !text.is_empty()
        && text.trim() == text
        && !text.starts_with(|c: char| "-?:,[]{}#&*!|>'\"%@`~".contains(c))
        && !text.contains(": ")
        && !text.contains(" #")
        && !text.ends_with(':')
        && !text.chars().any(|c| c.is_control())
        && matches!(
            serde_yaml::from_str::<serde_yaml::Value>(text),
            Ok(serde_yaml::Value::String(ref s)) if s == text
        );
    if plain {
        text.to_string()
    } else {
        serde_json::to_string(text).expect("strings serialize")
    }
}

fn node_from_yaml(value: &serde_yaml::Value, span: Span) -> Node {
    let value = match value {
        serde_yaml::Value::Null => Value::Null,
        serde_yaml::Value::Bool(b) => Value::Scalar(Scalar {
            text: b.to_string(),
            plain: true,
        }),
        serde_yaml::Value::Number(n) => Value::Scalar(Scalar {
            text: n.to_string(),
            plain: true,
        }),
        serde_yaml::Value::String(s) => Value::Scalar(Scalar {
            text: s.clone(),
            plain: false,
        }),
        serde_yaml::Value::Sequence(items) => {
            Value::List(items.iter().map(|v| node_from_yaml(v, span)).collect())
        }
        serde_yaml::Value::Mapping(map) => Value::Map(
            map.iter()
                .map(|(k, v)| Entry {
                    key: match k {
                        serde_yaml::Value::String(s) => s.clone(),
                        other => serde_yaml::to_string(other)
                            .unwrap_or_default()
                            .trim()
                            .into(),
                    },
                    key_span: span,
                    node: node_from_yaml(v, span),
                })
                .collect(),
        ),
        serde_yaml::Value::Tagged(tagged) => return node_from_yaml(&tagged.value, span),
    };
    Node { value, span }
}

/// Writes a tree back out as YAML (comments and quoting style are not kept). Plain scalars
/// that read as numbers or booleans stay unquoted, so the text reads as it was written.
pub fn to_yaml(node: &Node) -> String {
    fn value(node: &Node) -> serde_yaml::Value {
        match &node.value {
            Value::Null => serde_yaml::Value::Null,
            Value::Scalar(s) if s.plain && is_yaml_bool(&s.text) => {
                serde_yaml::Value::Bool(s.text.eq_ignore_ascii_case("true"))
            }
            Value::Scalar(s) if s.plain && s.text.parse::<i64>().is_ok() => {
                serde_yaml::Value::Number(s.text.parse::<i64>().unwrap_or_default().into())
            }
            Value::Scalar(s) => serde_yaml::Value::String(s.text.clone()),
            Value::List(items) => serde_yaml::Value::Sequence(items.iter().map(value).collect()),
            Value::Map(entries) => serde_yaml::Value::Mapping(
                entries
                    .iter()
                    .map(|e| (serde_yaml::Value::String(e.key.clone()), value(&e.node)))
                    .collect(),
            ),
        }
    }
    serde_yaml::to_string(&value(node)).unwrap_or_default()
}

/// The first escape of the double-quoted text whose opening quote is at byte `quote` that
/// names no character (a lone surrogate `\uD83D`, or `\U00110000`), with where it starts.
fn bad_escape(text: &str, quote: usize) -> Option<(usize, String)> {
    let bytes = text.as_bytes();
    if bytes.get(quote) != Some(&b'"') {
        return None;
    }
    let mut at = quote + 1;
    while at < bytes.len() {
        match bytes[at] {
            b'"' => return None,
            b'\\' => {
                if text.get(at..at + 12).and_then(pair_value).is_some() {
                    at += 12;
                    continue;
                }
                let digits = match bytes.get(at + 1) {
                    Some(b'u') => 4,
                    Some(b'U') => 8,
                    _ => 0,
                };
                let escape = text.get(at..at + 2 + digits).filter(|_| digits > 0);
                let value = escape.and_then(|e| u32::from_str_radix(&e[2..], 16).ok());
                if let (Some(escape), Some(value)) = (escape, value)
                    && char::from_u32(value).is_none()
                {
                    return Some((at, escape.to_string()));
                }
                at += 2;
            }
            _ => at += 1,
        }
    }
    None
}

/// Turns saphyr's character positions into byte offsets.
struct Offsets {
    ascii: bool,
    /// Byte offset of each line's start (line 1 at index 0).
    lines: Vec<usize>,
}

impl Offsets {
    fn new(text: &str) -> Self {
        let ascii = text.is_ascii();
        let mut lines = vec![0];
        if !ascii {
            // YAML breaks lines at LF, CR LF and a lone CR, and so do saphyr's markers.
            let bytes = text.as_bytes();
            lines.extend(
                bytes
                    .iter()
                    .enumerate()
                    .filter(|&(i, &b)| {
                        b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'))
                    })
                    .map(|(i, _)| i + 1),
            );
        }
        Self { ascii, lines }
    }

    fn byte(&self, text: &str, marker: &saphyr_parser::Marker) -> usize {
        if self.ascii {
            return marker.index().min(text.len());
        }
        let line = marker.line().max(1) - 1;
        let Some(&start) = self.lines.get(line) else {
            return text.len();
        };
        let rest = &text[start..];
        rest.char_indices()
            .nth(marker.col())
            .map_or(text.len(), |(i, _)| start + i)
    }
}

/// A list or map being read; `size` counts every value below it, aliases expanded.
enum Frame {
    List {
        start: usize,
        anchor: usize,
        size: usize,
        bytes: usize,
        items: Vec<Node>,
    },
    Map {
        start: usize,
        anchor: usize,
        size: usize,
        bytes: usize,
        entries: Vec<Entry>,
        seen: HashMap<String, Span>,
        key: Option<(String, Span)>,
    },
}

/// Why reading stopped: problems to report, or surrogate pairs in the double-quoted text
/// whose opening quote is at this byte of the text read, to rewrite and read again.
enum Read {
    Problems(Vec<Diagnostic>),
    Pairs(usize),
}

struct Builder<'a> {
    text: &'a str,
    file: FileKey,
    bom: usize,
    /// The text parsed: the brief without its byte order mark, surrogate pairs rewritten.
    body: &'a str,
    pairs: &'a Pairs,
    offsets: Offsets,
    stack: Vec<Frame>,
    anchors: HashMap<usize, (Node, usize, usize)>,
    values: usize,
    /// The text held so far, aliases expanded.
    bytes: usize,
    root: Option<Node>,
    documents: usize,
    errors: Vec<Diagnostic>,
}

impl Builder<'_> {
    /// Reads the events into a tree.
    fn run(mut self) -> Result<Node, Read> {
        for event in Parser::new_from_str(self.body) {
            match event {
                Ok((event, span)) => {
                    if let Err(diagnostic) = self.event(event, span) {
                        return Err(Read::Problems(vec![diagnostic]));
                    }
                }
                Err(error) => {
                    if error
                        .info()
                        .ends_with("found invalid Unicode character escape code")
                        && self.pairs.texts < MAX_PAIR_TEXTS
                    {
                        let quote = self.offsets.byte(self.body, error.marker());
                        if !surrogate_pairs(self.body, quote).is_empty() {
                            return Err(Read::Pairs(quote));
                        }
                    }
                    return Err(Read::Problems(vec![self.scan_error(&error)]));
                }
            }
        }
        if !self.errors.is_empty() {
            return Err(Read::Problems(self.errors));
        }
        match self.root {
            Some(root) => Ok(root),
            None => Err(Read::Problems(vec![
                Diagnostic::error(
                    Some(Span::new(self.file, 0..0)),
                    "the brief is empty (no YAML document in it)",
                )
                .with_hint("a brief is a map of fields; `brief new` writes a starter brief"),
            ])),
        }
    }

    /// The byte of the brief as written that a parser's marker points at.
    fn byte(&self, marker: &saphyr_parser::Marker) -> usize {
        self.pairs.original(self.offsets.byte(self.body, marker)) + self.bom
    }

    fn span(&self, span: &saphyr_parser::Span) -> Span {
        let start = self.byte(&span.start);
        let end = self.byte(&span.end).max(start);
        Span::new(self.file, start..end)
    }

    /// The field path of the value being read at `depth`, such as `milestones[3].date`.
    fn path(&self, depth: usize) -> String {
        let mut path = String::new();
        for frame in &self.stack[..depth] {
            match frame {
                Frame::List { items, .. } => path.push_str(&format!("[{}]", items.len())),
                Frame::Map {
                    key: Some((key, _)),
                    ..
                } => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(key);
                }
                Frame::Map { key: None, .. } => {}
            }
        }
        path
    }

    fn scan_error(&self, error: &ScanError) -> Diagnostic {
        let at = self.byte(error.marker());
        let end = self.text[at..]
            .chars()
            .next()
            .map_or(at, |c| at + c.len_utf8());
        let (line, column) = line_column(self.text, at);
        let line_start = self.text[..at].rfind('\n').map_or(0, |i| i + 1);
        let line_end = self.text[at..]
            .find('\n')
            .map_or(self.text.len(), |i| at + i);
        if error.info() == "recursion limit exceeded" {
            return Diagnostic::error(
                Some(Span::new(self.file, at..end)),
                format!("the brief nests lists and maps more than {MAX_DEPTH} levels deep"),
            );
        }
        // An escape that is no character: say which, not that quotes are missing.
        if error
            .info()
            .ends_with("found invalid Unicode character escape code")
        {
            let written = bad_escape(self.text, at);
            let (start, why) = match written {
                Some((start, ref escape)) if escape.starts_with("\\u") => (
                    start,
                    format!(
                        "`{escape}` is half of a UTF-16 surrogate pair, without its other half"
                    ),
                ),
                Some((start, ref escape)) => (
                    start,
                    format!("`{escape}` is beyond the last Unicode character, U+10FFFF"),
                ),
                None => (at, "it names no Unicode character".to_string()),
            };
            let len = written.as_ref().map_or(1, |(_, e)| e.len());
            return Diagnostic::error(
                Some(Span::new(self.file, start..start + len)),
                format!("this escape is not a character ({why})"),
            )
            .with_field(self.path(self.stack.len()))
            .with_hint(
                "write the character itself, or `\\U` and its eight hex digits (`\\U0001F600` for 😀); a pair `\\uD83D\\uDE00` is read as one character",
            );
        }
        if error.info().contains("tabs disallowed")
            || self.text[line_start..line_end].contains('\t')
        {
            let tab = self.text[line_start..line_end]
                .find('\t')
                .map_or(at, |i| line_start + i);
            return Diagnostic::error(
                Some(Span::new(self.file, tab..tab + 1)),
                "this line is indented with a tab (YAML indents with spaces only)",
            )
            .with_hint("replace the tabs at the start of this line with spaces")
            .with_field(self.path(self.stack.len()));
        }
        // An unclosed `[` or `{` is the usual cause of errors further down: point at it.
        let open = self
            .stack
            .iter()
            .enumerate()
            .rev()
            .find_map(|(depth, frame)| {
                let start = match frame {
                    Frame::List { start, .. } | Frame::Map { start, .. } => *start,
                };
                matches!(self.text.as_bytes().get(start), Some(b'[' | b'{'))
                    .then_some((depth, start))
            });
        if let Some((depth, start)) = open {
            let bracket = &self.text[start..start + 1];
            let closing = if bracket == "[" { "]" } else { "}" };
            return Diagnostic::error(
                Some(Span::new(self.file, start..start + 1)),
                format!(
                    "this `{bracket}` is never closed (YAML reads it as the start of a list or map)"
                ),
            )
            .with_field(self.path(depth))
            .with_note(format!(
                "the YAML reader gave up on line {line}, column {column} ({})",
                error.info()
            ))
            .with_hint(format!(
                "put text that starts with `{bracket}` in quotes, or close it with `{closing}`"
            ));
        }
        Diagnostic::error(
            Some(Span::new(self.file, at..end)),
            format!("this is not valid YAML ({})", error.info()),
        )
        .with_field(self.path(self.stack.len()))
        .with_hint(
            "text that contains `: ` or ` #`, or starts with a character such as [ { & * ! | > ' \" % @ `, must be put in quotes",
        )
    }

    fn event(&mut self, event: Event<'_>, span: saphyr_parser::Span) -> Result<(), Diagnostic> {
        let at = self.span(&span);
        match event {
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => Ok(()),
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(Diagnostic::error(
                        Some(at),
                        "a brief holds one YAML document, but a second one starts here",
                    )
                    .with_hint("remove the `---` line, or split the file into two briefs"));
                }
                Ok(())
            }
            Event::Scalar(_, _, _, Some(tag))
            | Event::SequenceStart(_, Some(tag))
            | Event::MappingStart(_, Some(tag)) => Err(self.tag_error(&tag, at)),
            Event::Scalar(text, style, anchor, _) => {
                let plain = style == ScalarStyle::Plain;
                let length = text.len();
                let value = if plain && is_yaml_null(&text) {
                    Value::Null
                } else {
                    Value::Scalar(Scalar {
                        text: text.into_owned(),
                        plain,
                    })
                };
                self.complete(Node { value, span: at }, anchor, 1, length)
            }
            Event::SequenceStart(anchor, None) => self.open(
                Frame::List {
                    start: at.start,
                    anchor,
                    size: 1,
                    bytes: 0,
                    items: Vec::new(),
                },
                at,
            ),
            Event::MappingStart(anchor, None) => self.open(
                Frame::Map {
                    start: at.start,
                    anchor,
                    size: 1,
                    bytes: 0,
                    entries: Vec::new(),
                    seen: HashMap::new(),
                    key: None,
                },
                at,
            ),
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else {
                    return Ok(());
                };
                let (start, anchor, size, bytes, value) = match frame {
                    Frame::List {
                        start,
                        anchor,
                        size,
                        bytes,
                        items,
                    } => (start, anchor, size, bytes, Value::List(items)),
                    Frame::Map {
                        start,
                        anchor,
                        size,
                        bytes,
                        entries,
                        ..
                    } => (start, anchor, size, bytes, Value::Map(entries)),
                };
                let end = at.end.max(start);
                // The values below were counted as they completed; only this one is new.
                self.values -= size - 1;
                self.bytes -= bytes;
                self.complete(
                    Node {
                        value,
                        span: Span::new(self.file, start..end),
                    },
                    anchor,
                    size,
                    bytes,
                )
            }
            Event::Alias(id) => {
                let Some((node, size, bytes)) = self.anchors.get(&id).cloned() else {
                    return Err(Diagnostic::error(
                        Some(at),
                        "this alias names no anchor defined before it",
                    ));
                };
                if self.values + size > MAX_VALUES {
                    return Err(Diagnostic::error(
                        Some(at),
                        format!("the brief grows past {MAX_VALUES} values once its aliases are expanded"),
                    )
                    .with_field(self.path(self.stack.len()))
                    .with_hint("a brief this large is almost certainly an alias bomb; write the values out instead"));
                }
                if self.bytes + bytes > MAX_EXPANDED_BYTES {
                    return Err(Diagnostic::error(
                        Some(at),
                        format!(
                            "the brief grows past {} MB of text once its aliases are expanded",
                            MAX_EXPANDED_BYTES / 1024 / 1024
                        ),
                    )
                    .with_field(self.path(self.stack.len()))
                    .with_hint("a brief this large is almost certainly an alias bomb; write the values out instead"));
                }
                self.complete(node, 0, size, bytes)
            }
        }
    }

    /// A tag (`!!str`, `!!binary`, `!custom`) would change what a value means in ways the
    /// checker does not follow: refused, with what to write instead.
    fn tag_error(&self, tag: &saphyr_parser::Tag, at: Span) -> Diagnostic {
        let written = if tag.handle == "tag:yaml.org,2002:" {
            format!("!!{}", tag.suffix)
        } else {
            format!("{}{}", tag.handle, tag.suffix)
        };
        // The value's span starts after the tag; point at the tag itself when it is there.
        let before = &self.text[..at.start];
        let start = before
            .rfind(written.as_str())
            .filter(|&i| !before[i..].contains('\n'))
            .unwrap_or(at.start);
        let end = if start == at.start {
            at.end
        } else {
            start + written.len()
        };
        Diagnostic::error(
            Some(Span::new(self.file, start..end)),
            format!("YAML tags are not supported (`{written}`)"),
        )
        .with_field(self.path(self.stack.len()))
        .with_hint(
            "remove the tag; to give text that looks like a number or a date, put it in quotes",
        )
    }

    fn open(&mut self, frame: Frame, at: Span) -> Result<(), Diagnostic> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(Diagnostic::error(
                Some(at),
                format!("the brief nests lists and maps more than {MAX_DEPTH} levels deep"),
            ));
        }
        self.stack.push(frame);
        Ok(())
    }

    /// Places a finished value in its parent. `size` is how many values it holds, itself
    /// included, so an alias of a large anchor counts as large.
    fn complete(
        &mut self,
        node: Node,
        anchor: usize,
        size: usize,
        bytes: usize,
    ) -> Result<(), Diagnostic> {
        self.values += size;
        self.bytes += bytes;
        if self.values > MAX_VALUES {
            return Err(Diagnostic::error(
                Some(node.span),
                format!("the brief holds more than {MAX_VALUES} values, more than any brief needs"),
            )
            .with_field(self.path(self.stack.len())));
        }
        if anchor > 0 {
            self.anchors.insert(anchor, (node.clone(), size, bytes));
        }
        match self.stack.last_mut() {
            None => {
                self.root = Some(node);
            }
            Some(Frame::List {
                items,
                size: total,
                bytes: total_bytes,
                ..
            }) => {
                *total += size;
                *total_bytes += bytes;
                items.push(node);
            }
            Some(Frame::Map {
                entries,
                seen,
                key,
                size: total,
                bytes: total_bytes,
                ..
            }) => match key.take() {
                None => {
                    *total_bytes += bytes;
                    let name = match &node.value {
                        Value::Scalar(s) => s.text.clone(),
                        Value::Null => String::new(),
                        _ => {
                            self.errors.push(Diagnostic::error(
                                Some(node.span),
                                "a key must be plain text, not a list or map",
                            ));
                            "\u{0}complex".into()
                        }
                    };
                    *key = Some((name, node.span));
                }
                Some((name, key_span)) => {
                    *total += size;
                    *total_bytes += bytes;
                    if let Some(first) = seen.get(&name) {
                        let (line, _) = line_column(self.text, first.start);
                        let mut path = self.path(self.stack.len());
                        path.push_str(if path.is_empty() { "" } else { "." });
                        path.push_str(&name);
                        self.errors.push(
                            Diagnostic::error(
                                Some(key_span),
                                format!("the key `{name}` is given twice in this map"),
                            )
                            .with_field(path)
                            .with_note(format!("first given on line {line}"))
                            .with_hint("remove one of them; YAML does not merge repeated keys"),
                        );
                    } else {
                        seen.insert(name.clone(), key_span);
                        entries.push(Entry {
                            key: name,
                            key_span,
                            node,
                        });
                    }
                }
            },
        }
        Ok(())
    }
}

/// One-based line and column (in characters) of a byte offset.
fn line_column(text: &str, byte: usize) -> (usize, usize) {
    let before = &text[..byte.min(text.len())];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Node, Vec<Diagnostic>> {
        parse(text, 0)
    }

    #[test]
    fn keeps_byte_ranges_of_values() {
        let text = "title: Défense\nitems:\n  - one\n  - 'two'\n";
        let node = load(text).unwrap();
        let title = node.get("title").unwrap();
        assert_eq!(&text[title.node.span.range()], "Défense");
        let items = node.get("items").unwrap();
        let Value::List(items) = &items.node.value else {
            panic!()
        };
        assert_eq!(&text[items[1].span.range()], "'two'");
        assert_eq!(
            items[1].value,
            Value::Scalar(Scalar {
                text: "two".into(),
                plain: false
            })
        );
    }

    /// A surrogate pair escape is one character, as JSON writes it, and every place after it
    /// (on its line, and in later quoted texts with pairs) still points at the text as written.
    #[test]
    fn surrogate_pairs_are_one_character() {
        let text = "a: \"é\\uD83D\\uDE00 and \\ud83c\\udf41\"\nb: after\nc: \"x\\uD83D\\uDE00y\"\nd: '\\uD83D'\n";
        let node = load(text).unwrap();
        let scalar = |key: &str| match &node.get(key).unwrap().node.value {
            Value::Scalar(s) => s.text.clone(),
            _ => panic!("{key} is a scalar"),
        };
        assert_eq!(scalar("a"), "é😀 and 🍁");
        assert_eq!(scalar("c"), "x😀y");
        // Single quotes read no escapes: the text stays as written.
        assert_eq!(scalar("d"), "\\uD83D");
        let written = |key: &str| &text[node.get(key).unwrap().node.span.range()];
        assert_eq!(written("a"), "\"é\\uD83D\\uDE00 and \\ud83c\\udf41\"");
        assert_eq!(written("b"), "after");
        assert_eq!(written("c"), "\"x\\uD83D\\uDE00y\"");
        assert_eq!(written("d"), "'\\uD83D'");
        // Half a pair is no character: said so at the escape.
        let errors = load("a: \"ok \\uD83D alone\"\n").unwrap_err();
        assert_eq!(
            errors[0].message,
            "this escape is not a character (`\\uD83D` is half of a UTF-16 surrogate pair, without its other half)"
        );
        assert_eq!(errors[0].span.unwrap().range(), 7..13);
        let errors = load("a: \"\\U00110000\"\n").unwrap_err();
        assert!(
            errors[0]
                .message
                .contains("beyond the last Unicode character")
        );
    }

    /// A lone CR breaks a line as LF does (found by fuzzing: places after it on a line with
    /// non-ASCII text pointed past the end of the text).
    #[test]
    fn lone_carriage_returns_break_lines() {
        let text = "a: é\rb: x\r\nc: y\n";
        let node = load(text).unwrap();
        assert_eq!(&text[node.get("b").unwrap().node.span.range()], "x");
        assert_eq!(&text[node.get("c").unwrap().node.span.range()], "y");
        let errors = load("?\r\té\n").unwrap_err();
        let span = errors[0].span.unwrap();
        assert!(span.end <= 6, "{span:?}");
    }

    #[test]
    fn reports_every_duplicate_key() {
        let errors = load("a: 1\nb: 2\na: 3\nb: 4\n").unwrap_err();
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].message, "the key `a` is given twice in this map");
    }

    #[test]
    fn alias_bomb_fails_fast() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let prev = format!("*a{}", i - 1);
            text.push_str(&format!("a{i}: &a{i} [{}]\n", vec![prev; 10].join(", ")));
        }
        let errors = load(&text).unwrap_err();
        assert!(
            errors[0].message.contains("aliases are expanded"),
            "{errors:?}"
        );
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let flow = "[".repeat(10_000) + &"]".repeat(10_000);
        let block: String = (0..1_000)
            .map(|i| format!("{}k:\n", " ".repeat(i)))
            .collect();
        for text in [flow, block] {
            let errors = load(&text).unwrap_err();
            assert!(errors[0].message.contains("levels deep"), "{errors:?}");
        }
    }

    #[test]
    fn nulls_and_quoted_nulls() {
        let node = load("a:\nb: ~\nc: 'null'\n").unwrap();
        assert_eq!(node.get("a").unwrap().node.value, Value::Null);
        assert_eq!(node.get("b").unwrap().node.value, Value::Null);
        assert!(matches!(
            node.get("c").unwrap().node.value,
            Value::Scalar(_)
        ));
    }
}
