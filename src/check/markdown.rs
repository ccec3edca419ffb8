//! Rich text: CommonMark (with footnotes and `[@id]` citations) converted to structured data
//! that templates render with typst functions. Nothing here produces typst source: every
//! character that is not Markdown syntax reaches the page as a string, so typst syntax in a
//! brief (`#`, `$`, `@`, `<label>`, brackets, backslashes) prints as typed.
//!
//! Blocks: `{kind: paragraph, inlines, text}`, `{kind: list, ordered, start, items: [[block]]}`,
//! `{kind: quote, blocks}`, `{kind: code-block, text}`, `{kind: rule}`, and a pipe table
//! `{kind: table, align: [left|center|right], head: [cell], rows: [[cell]]}`, a cell being a
//! list of inlines.
//! Inlines: `{kind: text, text}`, `{kind: emph, inlines}`, `{kind: strong, inlines}`,
//! `{kind: code, text}`, `{kind: link, url, inlines}`, `{kind: break}`,
//! `{kind: note, blocks}` (a footnote, its content placed where it is referenced) and
//! `{kind: cite, id}`. A heading inside rich text is a paragraph in bold with `heading: true`
//! and its Markdown `level` (`##` is 2): a template that nests headings (the background note)
//! makes it a heading below its own, one that does not prints it as the bold paragraph.

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{Alignment, Event, LinkType, Options, Parser, Tag, TagEnd};
use serde_json::{Value as Json, json};

use crate::model::quotes;

/// How deep lists, quotes, emphasis, links and tables may nest inside one another in one
/// text. Real prose needs four or five; the limit keeps the data a template reads far below
/// typst's JSON reader (128 levels) and the template's own recursion (typst's call depth).
pub const MAX_NESTING: usize = 16;

/// How deep footnotes may be cited inside footnotes.
pub const MAX_NOTE_NESTING: usize = 4;

/// How deep containers may nest once each footnote's text is put where it is cited: the
/// built-in templates render each level with a few nested calls, and typst stops at a call
/// depth of 80 (tried with background-note: 18 levels print, 20 do not).
pub const MAX_PLACED_NESTING: usize = 18;

/// The addresses a link may lead to.
const LINK_SCHEMES: &[&str] = &["http://", "https://", "mailto:"];

/// A citation written as `[@id]` (or one id of `[@a; @b]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cite {
    /// The source's id, without the `@`.
    pub id: String,
    /// Where the `@id` is in the Markdown text, when it was written there verbatim.
    pub at: Option<Range<usize>>,
}

/// A run of prose (outside code and links), for checks that read words, with a map back to
/// the Markdown text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prose {
    /// The text as printed.
    pub text: String,
    /// Pieces of `text`: (offset in `text`, offset in the Markdown text if written verbatim).
    pieces: Vec<(usize, Option<usize>)>,
}

impl Prose {
    /// A run that is the source text itself, starting at offset 0.
    pub fn verbatim(text: &str) -> Self {
        Prose {
            text: text.to_string(),
            pieces: vec![(0, Some(0))],
        }
    }

    /// The offset in the Markdown text of byte `offset` of `text`, if known.
    pub fn source_of(&self, offset: usize) -> Option<usize> {
        let (start, source) = self
            .pieces
            .iter()
            .rev()
            .find(|(start, _)| *start <= offset)?;
        source.map(|s| s + offset - start)
    }
}

/// Rich text, parsed.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    /// The blocks a template renders.
    pub blocks: Vec<Json>,
    /// Every citation, in the order written.
    pub cites: Vec<Cite>,
    /// The prose, for word checks.
    pub prose: Vec<Prose>,
    /// What makes the text unusable (too deep, a footnote that cites itself, a link that is
    /// not a web or mail address), each at its place in the text.
    pub problems: Vec<Problem>,
}

/// Something in a rich text that stops it being printed, with its place in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where it is in the Markdown text.
    pub at: Range<usize>,
    /// What is wrong, lowercase, no final period.
    pub message: String,
    /// What to do about it.
    pub hint: String,
}

/// The blocks of a rich text, as a template reads them.
pub fn to_json(text: &str) -> Json {
    to_json_and_rest(text).0
}

/// [`to_json`], and the rest of the parse (its citations, prose and problems, without the
/// blocks), which the content review reads: the checker keeps it for the review
/// ([`crate::check::Checked::parsed`]) rather than the review parsing the text again.
pub fn to_json_and_rest(text: &str) -> (Json, Parsed) {
    let mut parsed = parse(text);
    let blocks = std::mem::take(&mut parsed.blocks);
    (Json::Array(blocks), parsed)
}

/// A text parsed as [`parse`] (or [`parse_inline`] when `inline`) does, without its blocks:
/// for checks that read its citations, prose and problems.
pub fn parse_without_blocks(text: &str, inline: bool) -> Parsed {
    let mut parsed = if inline {
        parse_inline(text)
    } else {
        parse(text)
    };
    parsed.blocks.clear();
    parsed
}

/// Parses rich text.
pub fn parse(text: &str) -> Parsed {
    parse_with(text, Options::ENABLE_FOOTNOTES | Options::ENABLE_TABLES)
}

/// A one-line rich text (an `inline` field: a table cell, a caption) as a template reads it:
/// `{inlines, text}`, the inlines and the plain text a reader sees.
pub fn inline_to_json(text: &str) -> Json {
    inline_to_json_and_rest(text).0
}

/// [`inline_to_json`], and the rest of the parse, as [`to_json_and_rest`] gives it.
pub fn inline_to_json_and_rest(text: &str) -> (Json, Parsed) {
    let mut parsed = parse_inline(text);
    let blocks = std::mem::take(&mut parsed.blocks);
    let json = match blocks.into_iter().next() {
        Some(paragraph) => json!({"inlines": paragraph["inlines"], "text": paragraph["text"]}),
        None => json!({"inlines": [], "text": ""}),
    };
    (json, parsed)
}

/// What is put before a one-line text so that nothing at its start opens a block (`# 1` a
/// heading, `- x` or `1.` a list, `> x` a quote, `---` a rule, four spaces code). A quotation
/// mark is punctuation to CommonMark, as the start of a line is white space, so emphasis at the
/// start opens as it would there; it combines with nothing after it.
const GUARD: &str = "\"";

/// Parses a one-line rich text: inline formatting, links and citations, and no blocks. Line
/// breaks are read as spaces. Offsets (citations, prose) are into `text` itself.
pub fn parse_inline(text: &str) -> Parsed {
    // A line break becomes a space of the same length, so offsets stay those of `text`.
    let line: String = text
        .chars()
        .map(|c| if matches!(c, '\n' | '\r') { ' ' } else { c })
        .collect();
    let mut parsed = parse_with(&format!("{GUARD}{line}"), Options::empty());
    let shift = GUARD.len();
    if let Some(first) = parsed.blocks.first_mut()
        && let Some(inlines) = first["inlines"].as_array_mut()
    {
        if let Some(text) = inlines.first().and_then(|i| i["text"].as_str()) {
            let rest = text.strip_prefix(GUARD).unwrap_or(text).trim_start();
            if rest.is_empty() {
                inlines.remove(0);
            } else {
                inlines[0]["text"] = Json::String(rest.to_string());
            }
        }
        let plain_text = plain(inlines);
        first["text"] = Json::String(plain_text);
    }
    for cite in &mut parsed.cites {
        cite.at = cite.at.take().map(|r| r.start - shift..r.end - shift);
    }
    for problem in &mut parsed.problems {
        let at = &problem.at;
        problem.at = at.start.saturating_sub(shift)..at.end.saturating_sub(shift);
    }
    if let Some(prose) = parsed.prose.first_mut()
        && let Some(rest) = prose.text.strip_prefix(GUARD)
    {
        prose.text = rest.to_string();
        for piece in prose.pieces.iter_mut().skip(1) {
            piece.0 -= shift;
        }
    }
    for prose in &mut parsed.prose {
        for piece in &mut prose.pieces {
            piece.1 = piece.1.map(|s| s.saturating_sub(shift));
        }
    }
    parsed
}

fn parse_with(text: &str, options: Options) -> Parsed {
    // Nesting written on one line, and long runs of emphasis marks, are refused before the
    // CommonMark parser sees them: its time grows with the square of either.
    if let Some(problem) = scan(text) {
        return Parsed {
            problems: vec![problem],
            ..Parsed::default()
        };
    }
    let mut builder = Builder {
        source: text,
        stack: vec![Frame::new(Container::Root)],
        pending: Vec::new(),
        notes: HashMap::new(),
        cites: Vec::new(),
        prose: Vec::new(),
        links: 0,
        suppressed: 0,
        problems: Vec::new(),
    };
    for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
        builder.event(event, range);
    }
    builder.close_implicit();
    builder.flush();
    let root = builder.stack.pop().expect("the root frame");
    let notes = builder.notes;
    let mut problems = builder.problems;
    let mut chain = Vec::new();
    let blocks: Vec<Json> = root
        .children
        .into_iter()
        .map(|b| resolve(b, &notes, &mut chain, &mut problems))
        .collect();
    if problems.is_empty() && blocks.iter().any(|b| nesting(b) > MAX_PLACED_NESTING) {
        problems.push(Problem {
            at: 0..0,
            message: format!(
                "this text nests lists, quotes, emphasis and footnotes more than {MAX_PLACED_NESTING} levels deep once each footnote is placed where it is cited"
            ),
            hint: "cite fewer footnotes from inside deeply nested text, or nest less".into(),
        });
    }
    if !problems.is_empty() {
        // Text with problems never reaches a template: no data too deep to read.
        return Parsed {
            problems,
            cites: builder.cites,
            prose: builder.prose,
            ..Parsed::default()
        };
    }
    Parsed {
        blocks,
        cites: builder.cites,
        prose: builder.prose,
        problems,
    }
}

/// How deep containers (lists, quotes, emphasis, links, notes, tables) nest in a block,
/// without recursion.
fn nesting(value: &Json) -> usize {
    let mut deepest = 0;
    let mut pending = vec![(value, 0)];
    while let Some((value, level)) = pending.pop() {
        deepest = deepest.max(level);
        match value {
            Json::Array(items) => pending.extend(items.iter().map(|v| (v, level))),
            Json::Object(map) => {
                let container = matches!(
                    map.get("kind").and_then(Json::as_str),
                    Some("list" | "quote" | "emph" | "strong" | "link" | "note" | "table")
                );
                let level = level + usize::from(container);
                pending.extend(map.values().map(|v| (v, level)));
            }
            _ => {}
        }
    }
    deepest
}

/// The longest run of one emphasis mark that means something: `***` opens three levels.
const MAX_MARK_RUN: usize = 2 * MAX_NESTING;

/// Looks, in one pass, for what the CommonMark parser would take quadratic time over: more
/// than [`MAX_NESTING`] quotes and list markers opened at the start of one line, or a run of
/// more than [`MAX_MARK_RUN`] `*`, `_` or `~` (a line of nothing else, a rule, is fine).
fn scan(text: &str) -> Option<Problem> {
    let mut line_start = 0;
    // The content columns of the list items open, by indentation, across lines.
    let mut items: Vec<usize> = Vec::new();
    for line in text.split_inclusive('\n') {
        let bytes = line.as_bytes();
        let indent = bytes.iter().take_while(|&&b| b == b' ').count();
        if indent < bytes.len() && !line.trim().is_empty() {
            while items.last().is_some_and(|&column| column > indent) {
                items.pop();
            }
        }
        let mut at = 0;
        let mut opened = items.len();
        loop {
            while at < bytes.len() && bytes[at] == b' ' {
                at += 1;
            }
            let rest = &bytes[at..];
            let marker = match rest {
                [b'>', ..] => 1,
                [b'-' | b'*' | b'+', b' ' | b'\t', ..] => 2,
                _ => {
                    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
                    if (1..=9).contains(&digits)
                        && matches!(rest.get(digits), Some(b'.' | b')'))
                        && matches!(rest.get(digits + 1), Some(b' ' | b'\t'))
                    {
                        digits + 2
                    } else {
                        0
                    }
                }
            };
            if marker == 0 {
                break;
            }
            at += marker;
            opened += 1;
            if marker > 1 {
                items.push(at);
            }
            if opened > MAX_NESTING {
                return Some(Problem {
                    at: line_start..line_start + at,
                    message: format!(
                        "this line is inside more than {MAX_NESTING} quotes and lists"
                    ),
                    hint: "rich text nests lists and quotes at most 16 deep; write the rest out as paragraphs".into(),
                });
            }
        }
        let trimmed = line.trim();
        let is_rule = trimmed.len() >= 3
            && trimmed
                .chars()
                .filter(|c| !c.is_whitespace())
                .all(|c| trimmed.starts_with(c));
        if !is_rule {
            let mut run = 0;
            let mut previous = 0u8;
            for (i, &b) in bytes.iter().enumerate() {
                if matches!(b, b'*' | b'_' | b'~') && (run == 0 || b == previous) {
                    run += 1;
                } else if matches!(b, b'*' | b'_' | b'~') {
                    run = 1;
                } else {
                    run = 0;
                }
                previous = b;
                if run > MAX_MARK_RUN {
                    let mark = b as char;
                    let start = line_start + i + 1 - run;
                    return Some(Problem {
                        at: start..start + run,
                        message: format!(
                            "this run of more than {MAX_MARK_RUN} `{mark}` would nest emphasis more than {MAX_NESTING} levels deep"
                        ),
                        hint: format!(
                            "write `\\{mark}` for a `{mark}` that is not emphasis, or put the text in `code`"
                        ),
                    });
                }
            }
        }
        line_start += line.len();
    }
    None
}

/// Whether a link may lead to `url`: a web or mail address, nothing a PDF reader would run
/// or open on the reader's own machine.
fn allowed_link(url: &str, kind: LinkType) -> bool {
    if matches!(kind, LinkType::Email) {
        return true;
    }
    let lower = url.trim_start().to_ascii_lowercase();
    LINK_SCHEMES.iter().any(|s| lower.starts_with(s))
        && lower.len() > lower.find(':').unwrap_or(0) + 1
}

/// The plain text of inlines: what a reader sees, without notes and citation marks.
pub fn plain(inlines: &[Json]) -> String {
    let mut out = String::new();
    for inline in inlines {
        match inline["kind"].as_str() {
            Some("text" | "code") => out.push_str(inline["text"].as_str().unwrap_or("")),
            Some("break") => out.push(' '),
            Some("emph" | "strong" | "link") => {
                out.push_str(&plain(inline["inlines"].as_array().map_or(&[], |v| v)))
            }
            _ => {}
        }
    }
    crate::text::fold(&out)
}

enum Container {
    Root,
    /// `heading` is the Markdown level of a heading (`##` is 2), 0 for a paragraph.
    Paragraph {
        implicit: bool,
        heading: u8,
    },
    Quote,
    List {
        ordered: bool,
        start: u64,
    },
    Item,
    Note(String),
    Inline(&'static str, Option<String>),
    CodeBlock,
    Table(Vec<&'static str>),
    TableHead,
    TableRow,
    TableCell,
}

struct Frame {
    container: Container,
    children: Vec<Json>,
}

impl Frame {
    fn new(container: Container) -> Self {
        Frame {
            container,
            children: Vec::new(),
        }
    }

    /// Whether blocks (rather than inlines) go in this frame.
    fn holds_blocks(&self) -> bool {
        matches!(
            self.container,
            Container::Root | Container::Quote | Container::Item | Container::Note(_)
        )
    }
}

struct Builder<'a> {
    source: &'a str,
    stack: Vec<Frame>,
    /// Text events not yet turned into inlines: (text, source range, written verbatim).
    pending: Vec<(String, Range<usize>, bool)>,
    notes: HashMap<String, Vec<Json>>,
    cites: Vec<Cite>,
    prose: Vec<Prose>,
    /// How many links the current text is inside.
    links: usize,
    /// Containers opened past [`MAX_NESTING`], not given a frame; their ends are skipped.
    suppressed: usize,
    /// What is wrong with the text.
    problems: Vec<Problem>,
}

impl Builder<'_> {
    fn top(&mut self) -> &mut Frame {
        self.stack.last_mut().expect("the root frame stays")
    }

    fn event(&mut self, event: Event<'_>, range: Range<usize>) {
        if !matches!(
            event,
            Event::Text(_) | Event::SoftBreak | Event::InlineHtml(_) | Event::Html(_)
        ) {
            self.flush();
        }
        match event {
            Event::Start(tag) => self.start(tag, range),
            Event::End(end) => self.end(end),
            Event::Text(text) => {
                if matches!(self.top().container, Container::CodeBlock) {
                    self.top().children.push(Json::String(text.to_string()));
                    return;
                }
                self.inline_context();
                // A backslash escape comes as its character alone, after the backslash.
                let backslashes = self.source[..range.start]
                    .bytes()
                    .rev()
                    .take_while(|&b| b == b'\\')
                    .count();
                let verbatim =
                    self.source.get(range.clone()) == Some(&*text) && backslashes % 2 == 0;
                // An escaped quote (`\"`, `\'`) is one the writer keeps straight.
                let text = match (backslashes % 2, text.chars().next()) {
                    (1, Some('"')) => format!("{}{}", quotes::KEPT_DOUBLE, &text[1..]),
                    (1, Some('\'')) => format!("{}{}", quotes::KEPT_SINGLE, &text[1..]),
                    _ => text.to_string(),
                };
                self.pending.push((text, range, verbatim));
            }
            Event::Code(text) => {
                self.inline_context();
                self.top()
                    .children
                    .push(json!({"kind": "code", "text": text.to_string()}));
            }
            Event::InlineHtml(html) | Event::InlineMath(html) | Event::DisplayMath(html) => {
                self.inline_context();
                // Printed as the literal text it is.
                self.pending.push((html.to_string(), range, false));
            }
            Event::Html(html) => {
                self.inline_context();
                self.pending.push((html.to_string(), range, false));
            }
            Event::SoftBreak => {
                self.inline_context();
                self.pending.push((" ".into(), range, false));
            }
            Event::HardBreak => {
                self.inline_context();
                self.top().children.push(json!({"kind": "break"}));
            }
            Event::Rule => {
                self.close_implicit();
                self.top().children.push(json!({"kind": "rule"}));
            }
            Event::FootnoteReference(label) => {
                self.inline_context();
                self.top().children.push(
                    json!({"kind": "note", "label": label.to_string(), "at": [range.start, range.end]}),
                );
            }
            Event::TaskListMarker(done) => {
                self.inline_context();
                let mark = if done { "[x] " } else { "[ ] " };
                self.pending.push((mark.into(), range, false));
            }
        }
    }

    /// Opens a paragraph when inline content comes straight into a block container (the items
    /// of a tight list).
    fn inline_context(&mut self) {
        if self.top().holds_blocks() {
            self.stack.push(Frame::new(Container::Paragraph {
                implicit: true,
                heading: 0,
            }));
        }
    }

    /// Closes a paragraph opened by [`Self::inline_context`].
    fn close_implicit(&mut self) {
        if matches!(
            self.top().container,
            Container::Paragraph { implicit: true, .. }
        ) {
            self.flush();
            self.pop();
        }
    }

    fn start(&mut self, tag: Tag<'_>, range: Range<usize>) {
        let container = match tag {
            Tag::HtmlBlock => {
                // Its lines print as the literal text they are, as one paragraph.
                self.close_implicit();
                self.inline_context();
                return;
            }
            Tag::Paragraph => Container::Paragraph {
                implicit: false,
                heading: 0,
            },
            Tag::Heading { level, .. } => Container::Paragraph {
                implicit: false,
                heading: level as u8,
            },
            Tag::BlockQuote(_) => Container::Quote,
            Tag::CodeBlock(_) => Container::CodeBlock,
            Tag::List(start) => Container::List {
                ordered: start.is_some(),
                start: start.unwrap_or(1),
            },
            Tag::Item => Container::Item,
            Tag::FootnoteDefinition(label) => Container::Note(label.to_string()),
            Tag::Table(aligns) => Container::Table(
                aligns
                    .iter()
                    .map(|a| match a {
                        Alignment::Center => "center",
                        Alignment::Right => "right",
                        Alignment::Left | Alignment::None => "left",
                    })
                    .collect(),
            ),
            Tag::TableHead => Container::TableHead,
            Tag::TableRow => Container::TableRow,
            Tag::TableCell => Container::TableCell,
            Tag::Emphasis => Container::Inline("emph", None),
            Tag::Strong => Container::Inline("strong", None),
            Tag::Strikethrough => Container::Inline("strike", None),
            Tag::Superscript | Tag::Subscript => Container::Inline("span", None),
            Tag::Link {
                dest_url,
                link_type,
                ..
            }
            | Tag::Image {
                dest_url,
                link_type,
                ..
            } => {
                if !allowed_link(&dest_url, link_type) {
                    let shown: String = dest_url.chars().take(60).collect();
                    self.problems.push(Problem {
                        at: range.clone(),
                        message: format!(
                            "a link may lead only to a web or e-mail address, not `{shown}`"
                        ),
                        hint:
                            "write the address in full, starting with https://, http:// or mailto:"
                                .into(),
                    });
                }
                self.links += 1;
                Container::Inline("link", Some(dest_url.to_string()))
            }
            // Not enabled: metadata, definition lists.
            _ => Container::Inline("span", None),
        };
        let is_block = !matches!(container, Container::Inline(..));
        // Paragraphs (and the root) hold inlines rather than nesting them: they do not count.
        let nesting = self
            .stack
            .iter()
            .filter(|f| {
                // A list counts once, not again for its item; a table once, not for its rows.
                !matches!(
                    f.container,
                    Container::Root
                        | Container::Paragraph { .. }
                        | Container::Item
                        | Container::TableHead
                        | Container::TableRow
                        | Container::TableCell
                )
            })
            .count();
        if self.suppressed > 0 || nesting >= MAX_NESTING {
            if self.suppressed == 0 {
                self.problems.push(Problem {
                    at: range,
                    message: format!(
                        "this text nests lists, quotes, emphasis and links more than {MAX_NESTING} levels deep"
                    ),
                    hint: "write the deepest parts out as their own paragraphs".into(),
                });
            }
            self.suppressed += 1;
            return;
        }
        if is_block {
            self.close_implicit();
        } else {
            self.inline_context();
        }
        self.stack.push(Frame::new(container));
    }

    fn end(&mut self, end: TagEnd) {
        if self.suppressed > 0 && !matches!(end, TagEnd::HtmlBlock) {
            self.suppressed -= 1;
            if matches!(end, TagEnd::Link | TagEnd::Image) {
                self.links = self.links.saturating_sub(1);
            }
            return;
        }
        // Ending a block container ends the implicit paragraph inside it.
        if !matches!(
            end,
            TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Link
                | TagEnd::Image
                | TagEnd::Superscript
                | TagEnd::Subscript
        ) {
            self.close_implicit();
        }
        if matches!(end, TagEnd::Link | TagEnd::Image) {
            self.links = self.links.saturating_sub(1);
        }
        if matches!(end, TagEnd::HtmlBlock) {
            // Html events open an implicit paragraph; nothing else to close.
            return;
        }
        self.pop();
    }

    fn pop(&mut self) {
        let frame = self.stack.pop().expect("a frame to close");
        let children = frame.children;
        let value = match frame.container {
            Container::Root => unreachable!("the root is never closed"),
            Container::Paragraph { heading, .. } => {
                let inlines = if heading > 0 {
                    vec![json!({"kind": "strong", "inlines": children})]
                } else {
                    children
                };
                if inlines.is_empty() {
                    return;
                }
                let text = plain(&inlines);
                let mut block = json!({"kind": "paragraph", "inlines": inlines, "text": text});
                if heading > 0 {
                    block["heading"] = Json::Bool(true);
                    block["level"] = json!(heading);
                }
                block
            }
            Container::Quote => json!({"kind": "quote", "blocks": children}),
            Container::CodeBlock => {
                let text: String = children.iter().filter_map(Json::as_str).collect();
                json!({"kind": "code-block", "text": text.trim_end_matches('\n')})
            }
            Container::List { ordered, start } => {
                json!({"kind": "list", "ordered": ordered, "start": start, "items": children})
            }
            Container::Item | Container::TableRow | Container::TableCell => Json::Array(children),
            Container::TableHead => json!({ "head": children }),
            Container::Table(align) => {
                let mut head = Json::Array(Vec::new());
                let mut rows = Vec::new();
                for child in children {
                    match child {
                        Json::Object(mut map) if map.contains_key("head") => {
                            head = map.remove("head").unwrap_or_default();
                        }
                        row => rows.push(row),
                    }
                }
                json!({"kind": "table", "align": align, "head": head, "rows": rows})
            }
            Container::Note(label) => {
                self.notes.insert(label, children);
                return;
            }
            Container::Inline(kind, url) => {
                if kind == "span" || kind == "strike" {
                    self.top().children.extend(children);
                    return;
                }
                let mut inline = json!({"kind": kind, "inlines": children});
                if let Some(url) = url {
                    inline["url"] = Json::String(url);
                }
                inline
            }
        };
        self.top().children.push(value);
    }

    /// Turns pending text into text and citation inlines.
    fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let pieces = std::mem::take(&mut self.pending);
        let mut text = String::new();
        // For each byte of `text`: its offset in the source when written verbatim.
        let mut map: Vec<Option<usize>> = Vec::new();
        let mut prose = Prose::default();
        for (piece, range, verbatim) in &pieces {
            prose
                .pieces
                .push((text.len(), verbatim.then_some(range.start)));
            text.push_str(piece);
            map.extend((0..piece.len()).map(|i| verbatim.then_some(range.start + i)));
        }
        let mut inlines = Vec::new();
        let mut plain_start = 0;
        let mut at = 0;
        while let Some(found) = text[at..].find("[@").map(|i| i + at) {
            // An escaped `\[` is not a citation.
            if map[found].is_some()
                && let Some((ids, end)) = citation(&text, found)
            {
                // The mark sits against the word it follows.
                push_text(&mut inlines, text[plain_start..found].trim_end());
                for (id, id_at) in ids {
                    let at = map[id_at].map(|s| s..s + 1 + id.len());
                    inlines.push(json!({"kind": "cite", "id": id}));
                    self.cites.push(Cite { id, at });
                }
                plain_start = end;
                at = end;
            } else {
                at = found + 1;
            }
        }
        push_text(&mut inlines, &text[plain_start..]);
        if self.links == 0 {
            prose.text = text;
            self.prose.push(prose);
        }
        let children = &mut self.top().children;
        let mut inlines = inlines.into_iter();
        if let Some(first) = inlines.next() {
            match children.last_mut() {
                Some(last) if last["kind"] == "text" && first["kind"] == "text" => {
                    let joined = format!(
                        "{}{}",
                        last["text"].as_str().unwrap_or(""),
                        first["text"].as_str().unwrap_or("")
                    );
                    last["text"] = Json::String(fold_spaces(&joined));
                }
                _ => children.push(first),
            }
        }
        children.extend(inlines);
    }
}

fn push_text(inlines: &mut Vec<Json>, text: &str) {
    if text.is_empty() {
        return;
    }
    let text = fold_spaces(text);
    if let Some(last) = inlines.last_mut()
        && last["kind"] == "text"
    {
        let joined = format!("{}{}", last["text"].as_str().unwrap_or(""), text);
        last["text"] = Json::String(joined);
        return;
    }
    inlines.push(json!({"kind": "text", "text": text}));
}

/// Runs of white space (not no-break spaces) as one space, as a printed line shows them.
fn fold_spaces(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() && !matches!(c, '\u{a0}' | '\u{2007}' | '\u{202f}') {
            if !space {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(c);
            space = false;
        }
    }
    out
}

/// A citation `[@a]` or `[@a; @b]` starting at `start` (the `[`): the ids with the offset of
/// each `@`, and the offset after the `]`.
fn citation(text: &str, start: usize) -> Option<(Vec<(String, usize)>, usize)> {
    let mut at = start + 1;
    let mut ids = Vec::new();
    loop {
        let rest = &text[at..];
        let trimmed = rest.trim_start_matches(' ');
        at += rest.len() - trimmed.len();
        if !text[at..].starts_with('@') {
            return None;
        }
        let id_start = at + 1;
        let id_len = text[id_start..]
            .find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '-' | ':' | '.')))
            .unwrap_or(text.len() - id_start);
        let id = text[id_start..id_start + id_len].trim_end_matches(['.', ':', '-']);
        if id.is_empty() {
            return None;
        }
        ids.push((id.to_string(), at));
        at = id_start + id.len();
        let rest = &text[at..];
        let trimmed = rest.trim_start_matches(' ');
        at += rest.len() - trimmed.len();
        match text[at..].chars().next() {
            Some(';') | Some(',') => at += 1,
            Some(']') => return Some((ids, at + 1)),
            _ => return None,
        }
    }
}

/// Puts each footnote's blocks where it is referenced; a reference without a definition
/// prints as written. `chain` holds the notes being placed, to find a note cited inside itself
/// (directly or through others), which is a problem rather than an endless text.
fn resolve(
    value: Json,
    notes: &HashMap<String, Vec<Json>>,
    chain: &mut Vec<String>,
    problems: &mut Vec<Problem>,
) -> Json {
    match value {
        Json::Array(items) => Json::Array(
            items
                .into_iter()
                .map(|v| resolve(v, notes, chain, problems))
                .collect(),
        ),
        Json::Object(mut map) => {
            if map.get("kind").and_then(Json::as_str) == Some("note")
                && let Some(Json::String(label)) = map.remove("label")
            {
                let at = map
                    .remove("at")
                    .and_then(|at| Some(at[0].as_u64()? as usize..at[1].as_u64()? as usize))
                    .unwrap_or(0..0);
                let Some(blocks) = notes.get(&label) else {
                    return json!({"kind": "text", "text": format!("[^{label}]")});
                };
                if let Some(first) = chain.iter().position(|l| *l == label) {
                    let through: Vec<String> =
                        chain[first..].iter().map(|l| format!("[^{l}]")).collect();
                    problems.push(Problem {
                        at,
                        message: if through.len() == 1 {
                            format!("the footnote [^{label}] cites itself")
                        } else {
                            format!(
                                "the footnote [^{label}] is cited inside itself (through {})",
                                through[1..].join(", ")
                            )
                        },
                        hint: "a footnote cannot contain itself; remove the reference".into(),
                    });
                    return json!({"kind": "text", "text": ""});
                }
                if chain.len() >= MAX_NOTE_NESTING {
                    problems.push(Problem {
                        at,
                        message: format!(
                            "footnotes are cited inside footnotes more than {MAX_NOTE_NESTING} deep"
                        ),
                        hint: "cite the later notes from the text itself".into(),
                    });
                    return json!({"kind": "text", "text": ""});
                }
                chain.push(label);
                let blocks = blocks
                    .iter()
                    .map(|b| resolve(b.clone(), notes, chain, problems))
                    .collect();
                chain.pop();
                return json!({"kind": "note", "blocks": Json::Array(blocks)});
            }
            Json::Object(
                map.into_iter()
                    .map(|(k, v)| (k, resolve(v, notes, chain, problems)))
                    .collect(),
            )
        }
        other => other,
    }
}

/// What a reader who cannot see the page navigates by, in a rich text: its headings, links,
/// images and tables, each with its place in the Markdown text (for the accessibility
/// warnings of [`crate::check::access`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Landmarks {
    /// Each heading's level (`#` is 1) and place.
    pub headings: Vec<(u8, Range<usize>)>,
    /// Each link's text as printed, its address and place.
    pub links: Vec<(String, String, Range<usize>)>,
    /// Each image's alt text, its file and place.
    pub images: Vec<(String, String, Range<usize>)>,
    /// Each pipe table's header cells (as printed), how many body rows it has, and its place.
    pub tables: Vec<(Vec<String>, usize, Range<usize>)>,
}

/// The [`Landmarks`] of a rich text.
pub fn landmarks(text: &str) -> Landmarks {
    let mut found = Landmarks::default();
    // The links and images open at the moment (nested: an image inside a link): the text
    // collected so far, the address, the place, and whether it is an image.
    let mut open: Vec<(String, String, Range<usize>, bool)> = Vec::new();
    let mut table: Option<(Vec<String>, usize, Range<usize>)> = None;
    let mut in_head = false;
    let mut cell: Option<String> = None;
    let options = Options::ENABLE_FOOTNOTES | Options::ENABLE_TABLES;
    for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, .. }) => found.headings.push((level as u8, range)),
            Event::Start(Tag::Link { dest_url, .. }) => {
                open.push((String::new(), dest_url.to_string(), range, false));
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                open.push((String::new(), dest_url.to_string(), range, true));
            }
            Event::End(TagEnd::Link | TagEnd::Image) => {
                if let Some((said, url, at, image)) = open.pop() {
                    let entry = (said.trim().to_string(), url, at);
                    if image {
                        found.images.push(entry);
                    } else {
                        found.links.push(entry);
                    }
                }
            }
            Event::Start(Tag::Table(_)) => table = Some((Vec::new(), 0, range)),
            Event::End(TagEnd::Table) => found.tables.extend(table.take()),
            Event::Start(Tag::TableHead) => in_head = true,
            Event::End(TagEnd::TableHead) => in_head = false,
            Event::Start(Tag::TableRow) => {
                if let Some((_, rows, _)) = &mut table {
                    *rows += 1;
                }
            }
            Event::Start(Tag::TableCell) if in_head => cell = Some(String::new()),
            Event::End(TagEnd::TableCell) => {
                if let (Some(said), Some((head, _, _))) = (cell.take(), &mut table) {
                    head.push(said.trim().to_string());
                }
            }
            Event::Text(t) | Event::Code(t) => {
                for (said, ..) in &mut open {
                    said.push_str(&t);
                }
                if let Some(said) = &mut cell {
                    said.push_str(&t);
                }
            }
            _ => {}
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rest of a parse for the data is what parsing the text without its blocks gives.
    #[test]
    fn the_rest_of_a_parse_for_the_data_is_the_parse_without_blocks() {
        let text = "See [@s].[^n] A *b* [c](https://x.org).\n\n[^n]: Note [@t].\n";
        let line = "A *b* [@s] [c](ftp://x)";
        let (json, rest) = to_json_and_rest(text);
        assert_eq!(json, Json::Array(parse(text).blocks));
        assert_eq!(
            format!("{rest:?}"),
            format!("{:?}", parse_without_blocks(text, false))
        );
        let (json, rest) = inline_to_json_and_rest(line);
        assert_eq!(json, inline_to_json(line));
        assert_eq!(
            format!("{rest:?}"),
            format!("{:?}", parse_without_blocks(line, true))
        );
        assert!(!rest.cites.is_empty() && !rest.problems.is_empty());
    }

    /// Paragraphs split on blank lines, keep a plain `text`, and fold line breaks.
    #[test]
    fn paragraphs() {
        assert_eq!(
            to_json("One\nline.\n\n\nTwo.\n"),
            json!([
                {"kind": "paragraph", "inlines": [{"kind": "text", "text": "One line."}], "text": "One line."},
                {"kind": "paragraph", "inlines": [{"kind": "text", "text": "Two."}], "text": "Two."},
            ])
        );
    }

    /// Emphasis, strong, code, links and hard breaks become nested inlines.
    #[test]
    fn inlines() {
        let blocks = to_json("A *b* **c** `#d` [e $f$](https://x.org)  \ng");
        assert_eq!(
            blocks[0]["inlines"],
            json!([
                {"kind": "text", "text": "A "},
                {"kind": "emph", "inlines": [{"kind": "text", "text": "b"}]},
                {"kind": "text", "text": " "},
                {"kind": "strong", "inlines": [{"kind": "text", "text": "c"}]},
                {"kind": "text", "text": " "},
                {"kind": "code", "text": "#d"},
                {"kind": "text", "text": " "},
                {"kind": "link", "url": "https://x.org", "inlines": [{"kind": "text", "text": "e $f$"}]},
                {"kind": "break"},
                {"kind": "text", "text": "g"},
            ])
        );
        assert_eq!(blocks[0]["text"], "A b c #d e $f$ g");
    }

    /// Tight and nested lists hold items of blocks; ordered lists keep their start.
    #[test]
    fn lists() {
        let blocks = to_json("3. one\n4. two\n   - inner\n");
        let list = &blocks[0];
        assert_eq!(list["kind"], "list");
        assert_eq!(list["ordered"], true);
        assert_eq!(list["start"], 3);
        assert_eq!(list["items"][0][0]["text"], "one");
        assert_eq!(list["items"][1][1]["kind"], "list");
        assert_eq!(list["items"][1][1]["items"][0][0]["text"], "inner");
    }

    /// Quotes hold blocks; headings become bold paragraphs that keep their Markdown level.
    #[test]
    fn quotes_and_headings() {
        let blocks = to_json("> quoted\n>\n> - item\n\n## Head\n");
        assert_eq!(blocks[0]["kind"], "quote");
        assert_eq!(blocks[0]["blocks"][0]["text"], "quoted");
        assert_eq!(blocks[0]["blocks"][1]["kind"], "list");
        assert_eq!(blocks[1]["heading"], true);
        assert_eq!(blocks[1]["level"], 2);
        assert_eq!(blocks[1]["inlines"][0]["kind"], "strong");
    }

    /// A footnote's content is placed where it is referenced.
    #[test]
    fn footnotes() {
        let blocks = to_json("Text.[^n] More.\n\n[^n]: The *note*.\n");
        assert_eq!(blocks.as_array().unwrap().len(), 1);
        let note = &blocks[0]["inlines"][1];
        assert_eq!(note["kind"], "note");
        assert_eq!(note["blocks"][0]["text"], "The note.");
    }

    /// `[@a]` and `[@a; @b]` are citations with their places; `\[@a]` is text.
    #[test]
    fn citations() {
        let text = "See [@one] and [@two; @three] but \\[@four].";
        let parsed = parse(text);
        let ids: Vec<&str> = parsed.cites.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["one", "two", "three"]);
        let at = parsed.cites[1].at.clone().unwrap();
        assert_eq!(&text[at], "@two");
        assert_eq!(parsed.blocks[0]["text"], "See and but [@four].");
        assert_eq!(
            parsed.blocks[0]["inlines"][1],
            json!({"kind": "cite", "id": "one"})
        );
    }

    /// Typst syntax, HTML and backslashes that are not escapes print as typed.
    #[test]
    fn typst_syntax_is_text() {
        let text = r"#set $x$ @ref <label> [a] \* \ back\slash <b>bold</b> = x // y";
        let blocks = to_json(text);
        assert_eq!(
            blocks[0]["text"],
            r"#set $x$ @ref <label> [a] * \ back\slash <b>bold</b> = x // y"
        );
    }

    /// One-line text: block syntax at its start prints as written; inline syntax works.
    #[test]
    fn inline_text_opens_no_blocks() {
        for text in [
            "# 1",
            "- x",
            "+ y",
            "1. first",
            "2) second",
            "> q",
            "---",
            "    four spaces",
            "<div>",
        ] {
            assert_eq!(
                inline_to_json(text)["text"],
                text.trim_start(),
                "{text:?} printed differently"
            );
        }
        let value = inline_to_json("*emph* and _under_ **strong** [a](https://x.org) \\* c\\d");
        let kinds: Vec<&str> = value["inlines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["kind"].as_str().unwrap())
            .collect();
        assert_eq!(
            kinds,
            [
                "emph", "text", "emph", "text", "strong", "text", "link", "text"
            ]
        );
        assert_eq!(value["text"], "emph and under strong a * c\\d");
        assert_eq!(inline_to_json("two\nlines")["text"], "two lines");
        assert_eq!(inline_to_json(""), json!({"inlines": [], "text": ""}));
        assert_eq!(inline_to_json("\"quoted\"")["text"], "\"quoted\"");
    }

    /// Citations and prose of one-line text point into the text as written.
    #[test]
    fn inline_offsets_are_those_of_the_text() {
        let text = "Data [@statcan] on CSP";
        let parsed = parse_inline(text);
        let at = parsed.cites[0].at.clone().unwrap();
        assert_eq!(&text[at], "@statcan");
        let run = parsed
            .prose
            .iter()
            .find(|p| p.text.contains("CSP"))
            .unwrap();
        let offset = run.text.find("CSP").unwrap();
        assert_eq!(run.source_of(offset), text.find("CSP"));
        let first = &parsed.prose[0];
        assert_eq!(first.text, text);
        assert_eq!(first.source_of(0), Some(0));
    }

    /// A pipe table: alignment per column, the header row, and rows of cells of inlines.
    #[test]
    fn pipe_tables() {
        let blocks =
            to_json("| Year | *Value* |\n|---|--:|\n| 2024 | $1 #x [@s] |\n| 2025 | \\| |\n");
        let table = &blocks[0];
        assert_eq!(table["kind"], "table");
        assert_eq!(table["align"], json!(["left", "right"]));
        assert_eq!(table["head"][0], json!([{"kind": "text", "text": "Year"}]));
        assert_eq!(table["head"][1][0]["kind"], "emph");
        assert_eq!(
            table["rows"][0][1],
            json!([{"kind": "text", "text": "$1 #x"}, {"kind": "cite", "id": "s"}])
        );
        assert_eq!(table["rows"][1][1], json!([{"kind": "text", "text": "|"}]));
    }

    /// Prose runs leave out code and link text, and map back to the source.
    #[test]
    fn prose_maps_to_source() {
        let text = "The *CSP* and `NATO` [ROK](https://x.org).";
        let parsed = parse(text);
        let all: String = parsed.prose.iter().map(|p| p.text.as_str()).collect();
        assert!(all.contains("CSP") && !all.contains("NATO") && !all.contains("ROK"));
        let run = parsed.prose.iter().find(|p| p.text == "CSP").unwrap();
        assert_eq!(run.source_of(0), Some(5));
    }
}
