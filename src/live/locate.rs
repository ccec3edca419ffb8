//! From a spot on a page to the line of the brief that set what is printed there.
//!
//! typst's own jump-from-click names the template expression that printed a value, the same
//! for every paragraph, so the answer comes from the checker's provenance instead: the laid-out
//! pages are read into runs of text with their boxes, a click finds the run under it, and the
//! run's text (and its line, and the lines around it when that is not enough) is matched
//! against an index of every printed value of the checked brief, as the template received it
//! (rich text as paragraphs, list items and table cells; dates as printed). Text is compared by
//! its letters and digits only, so hyphenation, typographic quotes, spacing and line breaks do
//! not matter. A match that fits several values is reported as such, never guessed.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use serde_json::{Value as Json, json};
use typst::layout::{Frame, FrameItem, Point, Transform};
use typst_layout::PagedDocument;

use crate::diag::Files;
use crate::model::brief::Provenance;

/// How far from a run of text a click still counts as on it, in points.
const SLACK: f64 = 4.0;

/// The text of a build's pages and the values of its brief, for [`Index::locate`].
pub struct Index {
    pages: Vec<Vec<Run>>,
    pieces: Vec<Piece>,
}

/// A run of text on a page: its box in points from the page's top left.
#[derive(Debug, Clone)]
struct Run {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
    /// The baseline.
    base: f64,
    size: f64,
    norm: String,
    /// The words, each with its left and right edge.
    words: Vec<(f64, f64, String)>,
}

/// One printed value (a paragraph of rich text, a table cell, a name, a date as printed).
struct Piece {
    path: String,
    norm: String,
    default: bool,
    file: Arc<Source>,
    start: usize,
    end: usize,
}

/// A text a value was written in.
struct Source {
    /// Its name, as reports print it (`briefs/note.yaml`, `--set`).
    name: String,
    text: String,
    argument: bool,
}

/// Where a printed value was set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The field path, such as `sections[1].body`.
    pub path: String,
    /// The file (or `--set`), as reports name it.
    pub file: String,
    /// One-based line and column.
    pub line: usize,
    /// One-based column, in characters.
    pub column: usize,
    /// Whether the value is the template's default (the file is its template.yaml).
    pub default: bool,
    /// Whether the file is on disk, so an editor can open it (not `--set`, not a built-in
    /// template).
    pub on_disk: bool,
}

/// What a click found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// The one value printed there.
    One(Place),
    /// Several values read the same there; each is listed.
    Ambiguous(Vec<Place>),
    /// Nothing the brief set: the reason, in words.
    Nothing(String),
}

impl Index {
    /// Reads the pages of `document` and the values in `origins` (their spans in `files`).
    pub fn new(document: &PagedDocument, origins: &[&[Provenance]], files: &Files) -> Self {
        let pages = document
            .pages()
            .iter()
            .map(|page| {
                let mut runs = Vec::new();
                collect(&page.frame, Transform::identity(), &mut runs);
                runs
            })
            .collect();
        let mut sources: HashMap<usize, Arc<Source>> = HashMap::new();
        let mut pieces = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for origin in origins.iter().flat_map(|o| o.iter()) {
            let file = sources
                .entry(origin.span.file)
                .or_insert_with(|| {
                    Arc::new(Source {
                        name: files.name(origin.span.file).to_string(),
                        text: files.text(origin.span.file).to_string(),
                        argument: files.is_argument(origin.span.file),
                    })
                })
                .clone();
            let mut texts = Vec::new();
            printed(&origin.value, &mut texts);
            for text in texts {
                let norm = normalize(&text);
                // The editions of `--lang en,fr` share every untranslated value.
                if norm.is_empty() || !seen.insert((origin.path.clone(), norm.clone())) {
                    continue;
                }
                pieces.push(Piece {
                    path: origin.path.clone(),
                    norm,
                    default: origin.default,
                    file: file.clone(),
                    start: origin.span.start,
                    end: origin.span.end,
                });
            }
        }
        Self { pages, pieces }
    }

    /// Where `text` is printed (letters and digits compared): the page (from 1) and the middle
    /// of the first word of the first run that holds it, in points. For tests, and for a
    /// search.
    pub fn find(&self, text: &str) -> Option<(usize, f64, f64)> {
        let norm = normalize(text);
        self.pages.iter().enumerate().find_map(|(p, runs)| {
            let run = runs.iter().find(|r| r.norm.contains(&norm))?;
            let first = normalize(text.split_whitespace().next().unwrap_or(""));
            let word = run.words.iter().find(|w| w.2.contains(&first))?;
            Some((p + 1, (word.0 + word.1) / 2.0, (run.y0 + run.y1) / 2.0))
        })
    }

    /// How many pages were read.
    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// What was set at `(x, y)` points from the top left of page `page` (from 1).
    pub fn locate(&self, page: usize, x: f64, y: f64) -> Found {
        let Some(runs) = page.checked_sub(1).and_then(|p| self.pages.get(p)) else {
            return Found::Nothing(format!("the build has no page {page}"));
        };
        let Some(hit) = hit(runs, x, y) else {
            return Found::Nothing("no text here".into());
        };
        let run = &runs[hit];
        // The text from the clicked word on: the place is that word's, not the line's start.
        let from_word = match word_at(run, x) {
            Some(k) => run.words[k..].iter().map(|w| w.2.as_str()).collect(),
            None => run.norm.clone(),
        };
        let line = line_of(runs, hit);
        let line_text: String = line.iter().map(|&i| runs[i].norm.as_str()).collect();
        let above = neighbour(runs, &line, -1);
        let below = neighbour(runs, &line, 1);
        let join = |parts: &[Option<&String>]| -> String {
            parts.iter().flatten().map(|s| s.as_str()).collect()
        };
        // The run alone, its line, then its line with the lines around it: the first query
        // that fits exactly one value answers; several that fit are said.
        let queries = [
            line_text.clone(),
            join(&[Some(&line_text), below.as_ref()]),
            join(&[above.as_ref(), Some(&line_text)]),
            join(&[above.as_ref(), Some(&line_text), below.as_ref()]),
        ];
        let mut fits: Vec<usize> = self.containing(&run.norm);
        for query in &queries {
            let found = self.containing(query);
            if found.len() == 1 {
                return Found::One(self.place(found[0], &from_word));
            }
            if !found.is_empty() && (fits.is_empty() || found.len() < fits.len()) {
                fits = found;
            }
        }
        let mut clicked = from_word.clone();
        if fits.is_empty() {
            // A line that prints several values (`Organization · Event · Date`): the longest
            // stretch of words around the click that one value holds.
            if let Some((found, words)) = self.around(run, x) {
                fits = found;
                clicked = words;
            }
        }
        if fits.is_empty() {
            // Text the brief's transformations changed on the way (an acronym spelled out):
            // the value that shares the longest stretch with the line, when it is most of it.
            if let Some(best) = self.closest(&line_text) {
                return Found::One(self.place(best, &from_word));
            }
            return Found::Nothing("printed by the template, not set in the brief".into());
        }
        if fits.len() > 1 {
            // The lines of the same size above and below: the one value printed whole in
            // them (a title that the purpose also quotes) is the one clicked.
            let block = block_of(runs, &line);
            let whole: Vec<usize> = fits
                .iter()
                .copied()
                .filter(|&i| block.contains(&self.pieces[i].norm))
                .collect();
            if whole.len() == 1 {
                fits = whole;
            } else if let Some(best) = self.clearly_best(&fits, &queries[3]) {
                // Text the brief changed on the way (an acronym spelled out) is in no value
                // whole; the lines around the click still share far more with one of them.
                fits = vec![best];
            }
        }
        let mut places: Vec<Place> = Vec::new();
        for i in fits {
            let place = self.place(i, &clicked);
            if !places.contains(&place) {
                places.push(place);
            }
        }
        if places.len() == 1 {
            return Found::One(places.pop().expect("one"));
        }
        Found::Ambiguous(places)
    }

    /// The values whose text contains `norm`.
    fn containing(&self, norm: &str) -> Vec<usize> {
        if norm.is_empty() {
            return Vec::new();
        }
        let mut found: Vec<usize> = (0..self.pieces.len())
            .filter(|&i| self.pieces[i].norm.contains(norm))
            .collect();
        // One value printed from two fields that hold the same text is still one place.
        found.dedup_by_key(|&mut i| (self.pieces[i].path.clone(), self.pieces[i].start));
        found
    }

    /// The values holding the widest run of words around `x` in `run` that any value holds,
    /// and those words.
    fn around(&self, run: &Run, x: f64) -> Option<(Vec<usize>, String)> {
        let words = &run.words;
        let k = word_at(run, x)?;
        let text = |lo: usize, hi: usize| -> String {
            words[lo..=hi].iter().map(|w| w.2.as_str()).collect()
        };
        if self.containing(&text(k, k)).is_empty() {
            return None;
        }
        let (mut lo, mut hi) = (k, k);
        loop {
            if lo > 0 && !self.containing(&text(lo - 1, hi)).is_empty() {
                lo -= 1;
            } else if hi + 1 < words.len() && !self.containing(&text(lo, hi + 1)).is_empty() {
                hi += 1;
            } else {
                break;
            }
        }
        let found = text(lo, hi);
        Some((self.containing(&found), found))
    }

    /// Of `fits`, the one that shares a stretch with `context` at least twice as long as any
    /// other does (and of 16 letters at least).
    fn clearly_best(&self, fits: &[usize], context: &str) -> Option<usize> {
        let context: Vec<char> = context.chars().collect();
        let mut scored: Vec<(usize, usize)> = fits
            .iter()
            .map(|&i| (i, longest_common(&context, &self.pieces[i].norm)))
            .collect();
        scored.sort_by_key(|s| std::cmp::Reverse(s.1));
        match scored.as_slice() {
            [(best, first), (_, second), ..] if *first >= 16 && *first >= 2 * *second => {
                Some(*best)
            }
            _ => None,
        }
    }

    fn closest(&self, norm: &str) -> Option<usize> {
        let text: Vec<char> = norm.chars().collect();
        if text.len() < 12 {
            return None;
        }
        let mut best: Option<(usize, usize)> = None;
        for (i, piece) in self.pieces.iter().enumerate() {
            let shared = longest_common(&text, &piece.norm);
            if best.is_none_or(|(_, b)| shared > b) {
                best = Some((i, shared));
            }
        }
        best.filter(|&(_, shared)| shared * 10 >= text.len() * 6)
            .map(|(i, _)| i)
    }

    /// Where value `i` was written, at the spot that prints `clicked` when it can be found in
    /// the written text (a paragraph's own line in a block of several).
    fn place(&self, i: usize, clicked: &str) -> Place {
        let piece = &self.pieces[i];
        let file = &piece.file;
        let written = file.text.get(piece.start..piece.end).unwrap_or("");
        let (norm, offsets) = normalize_with_offsets(written);
        let head: String = piece.norm.chars().take(24).collect();
        let from = norm.find(&head).unwrap_or(0);
        let clicked: String = clicked.chars().take(24).collect();
        let at = norm[from..]
            .find(&clicked)
            .map(|i| i + from)
            .or_else(|| norm.find(&head).filter(|_| !head.is_empty()));
        let offset = piece.start + at.and_then(|a| offsets.get(a)).copied().unwrap_or(0);
        let before = &file.text[..offset.min(file.text.len())];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        Place {
            path: piece.path.clone(),
            file: file.name.clone(),
            line,
            column,
            default: piece.default,
            on_disk: !file.argument && Path::new(&file.name).is_file(),
        }
    }
}

impl Place {
    /// `file:line:column`, as reports print a place.
    pub fn text(&self) -> String {
        format!("{}:{}:{}", self.file, self.line, self.column)
    }

    /// The place as the page's script reads it.
    pub fn to_json(&self) -> Json {
        json!({
            "at": self.text(),
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": self.path,
            "default": self.default,
            "openable": self.on_disk,
        })
    }
}

impl Found {
    /// What was found, as the page's script reads it.
    pub fn to_json(&self) -> Json {
        match self {
            Found::One(place) => json!({"found": "one", "place": place.to_json()}),
            Found::Ambiguous(places) => json!({
                "found": "ambiguous",
                "places": places.iter().map(Place::to_json).collect::<Vec<_>>(),
            }),
            Found::Nothing(why) => json!({"found": "nothing", "message": why}),
        }
    }
}

/// The texts a value prints: a paragraph, list item, quote line or table cell of rich text
/// each on its own; the `text` of a date or time (as printed); any other string.
fn printed(value: &Json, out: &mut Vec<String>) {
    match value {
        Json::String(s) => out.push(s.clone()),
        Json::Number(n) => out.push(n.to_string()),
        Json::Array(items) => {
            // A list of inlines (a table cell, an inline field) is one text.
            if items.iter().all(is_inline) && !items.is_empty() {
                let mut text = String::new();
                for item in items {
                    inline_text(item, &mut text);
                }
                out.push(text);
            } else {
                for item in items {
                    printed(item, out);
                }
            }
        }
        Json::Object(map) => match map.get("kind").and_then(Json::as_str) {
            Some("paragraph") => {
                let mut text = String::new();
                if let Some(inlines) = map.get("inlines").and_then(Json::as_array) {
                    for inline in inlines {
                        inline_text(inline, &mut text);
                    }
                }
                out.push(text);
            }
            Some("code-block") => {
                if let Some(t) = map.get("text").and_then(Json::as_str) {
                    out.push(t.to_string());
                }
            }
            Some(_) => {
                for (key, inner) in map {
                    if key != "kind" && key != "align" {
                        printed(inner, out);
                    }
                }
            }
            None => match map.get("text") {
                Some(text) => printed(text, out),
                None => {
                    for inner in map.values() {
                        printed(inner, out);
                    }
                }
            },
        },
        Json::Null | Json::Bool(_) => {}
    }
}

fn is_inline(value: &Json) -> bool {
    matches!(
        value.get("kind").and_then(Json::as_str),
        Some("text" | "emph" | "strong" | "code" | "link" | "break" | "cite" | "span" | "strike")
    )
}

/// The text of an inline and what it holds (a footnote's text stays out: it prints
/// elsewhere).
fn inline_text(inline: &Json, out: &mut String) {
    match inline.get("kind").and_then(Json::as_str) {
        Some("note") => {}
        Some("cite") => {}
        _ => {
            if let Some(t) = inline.get("text").and_then(Json::as_str) {
                out.push_str(t);
            }
            if let Some(inner) = inline.get("inlines").and_then(Json::as_array) {
                for i in inner {
                    inline_text(i, out);
                }
            }
        }
    }
}

/// The runs of text in `frame`, placed by `ts`.
fn collect(frame: &Frame, ts: Transform, out: &mut Vec<Run>) {
    for (pos, item) in frame.items() {
        match item {
            FrameItem::Group(group) => {
                let inner = ts
                    .pre_concat(Transform::translate(pos.x, pos.y))
                    .pre_concat(group.transform);
                collect(&group.frame, inner, out);
            }
            FrameItem::Text(text) => {
                let norm = normalize(&text.text);
                if norm.is_empty() {
                    continue;
                }
                let size = text.size.to_pt();
                let width = text.width().to_pt();
                let corner = |dx: f64, dy: f64| {
                    Point::new(
                        pos.x + typst::layout::Abs::pt(dx),
                        pos.y + typst::layout::Abs::pt(dy),
                    )
                    .transform(ts)
                };
                let a = corner(0.0, -0.8 * size);
                let b = corner(width, 0.25 * size);
                let base = corner(0.0, 0.0);
                // Each glyph's left and right edge along the run, then each word's.
                let mut edges = Vec::with_capacity(text.glyphs.len());
                let mut at = 0.0;
                for glyph in &text.glyphs {
                    let advance = glyph.x_advance.at(text.size).to_pt();
                    edges.push((glyph.range(), at, at + advance));
                    at += advance;
                }
                let along = |local: f64| {
                    let fraction = if width > 0.0 { local / width } else { 0.0 };
                    a.x.to_pt() + fraction * (b.x.to_pt() - a.x.to_pt())
                };
                let mut words = Vec::new();
                for (start, word) in split_words(&text.text) {
                    let end = start + word.len();
                    let inside = edges
                        .iter()
                        .filter(|(r, _, _)| r.start >= start && r.start < end);
                    let (l, r) = inside.fold((f64::MAX, f64::MIN), |(l, r), (_, g0, g1)| {
                        (l.min(*g0), r.max(*g1))
                    });
                    let norm = normalize(word);
                    if l <= r && !norm.is_empty() {
                        let (l, r) = (along(l), along(r));
                        words.push((l.min(r), l.max(r), norm));
                    }
                }
                out.push(Run {
                    x0: a.x.to_pt().min(b.x.to_pt()),
                    y0: a.y.to_pt().min(b.y.to_pt()),
                    x1: a.x.to_pt().max(b.x.to_pt()),
                    y1: a.y.to_pt().max(b.y.to_pt()),
                    base: base.y.to_pt(),
                    size,
                    norm,
                    words,
                });
            }
            _ => {}
        }
    }
}

/// The word of `run` nearest to `x`.
fn word_at(run: &Run, x: f64) -> Option<usize> {
    let distance = |w: &(f64, f64, String)| (w.0 - x).max(x - w.1).max(0.0);
    (0..run.words.len())
        .min_by(|&a, &b| distance(&run.words[a]).total_cmp(&distance(&run.words[b])))
}

/// The run under `(x, y)`, else the nearest within [`SLACK`].
fn hit(runs: &[Run], x: f64, y: f64) -> Option<usize> {
    let distance = |r: &Run| {
        let dx = (r.x0 - x).max(x - r.x1).max(0.0);
        let dy = (r.y0 - y).max(y - r.y1).max(0.0);
        dx.hypot(dy)
    };
    runs.iter()
        .enumerate()
        .map(|(i, r)| (i, distance(r)))
        .filter(|&(_, d)| d <= SLACK)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| i)
}

/// The runs on the same line as run `i` and next to it (no wider gap than a few spaces), in
/// order from left to right.
fn line_of(runs: &[Run], i: usize) -> Vec<usize> {
    let me = &runs[i];
    let mut same: Vec<usize> = (0..runs.len())
        .filter(|&j| (runs[j].base - me.base).abs() < 0.5)
        .collect();
    same.sort_by(|&a, &b| runs[a].x0.total_cmp(&runs[b].x0));
    let at = same.iter().position(|&j| j == i).expect("the run itself");
    let gap = 1.5 * me.size;
    let mut first = at;
    while first > 0 && runs[same[first]].x0 - runs[same[first - 1]].x1 < gap {
        first -= 1;
    }
    let mut last = at;
    while last + 1 < same.len() && runs[same[last + 1]].x0 - runs[same[last]].x1 < gap {
        last += 1;
    }
    same[first..=last].to_vec()
}

/// The text of the line just above (`-1`) or below (`1`) `line`, in the same column.
fn neighbour(runs: &[Run], line: &[usize], direction: i32) -> Option<String> {
    let next = neighbour_line(runs, line, direction)?;
    Some(next.iter().map(|&i| runs[i].norm.as_str()).collect())
}

/// The runs of the line just above (`-1`) or below (`1`) `line`, in the same column.
fn neighbour_line(runs: &[Run], line: &[usize], direction: i32) -> Option<Vec<usize>> {
    let x0 = line.iter().map(|&i| runs[i].x0).fold(f64::MAX, f64::min);
    let x1 = line.iter().map(|&i| runs[i].x1).fold(f64::MIN, f64::max);
    let me = &runs[line[0]];
    let step = |r: &Run| (r.base - me.base) * f64::from(direction);
    let next = runs
        .iter()
        .enumerate()
        .filter(|(_, r)| step(r) > 0.5 && step(r) < 2.2 * me.size && r.x1 > x0 && r.x0 < x1)
        .min_by(|a, b| step(a.1).total_cmp(&step(b.1)))?;
    Some(line_of(runs, next.0))
}

/// The text of the lines of the same size around `line`, one after the other: a heading's
/// lines, a paragraph's.
fn block_of(runs: &[Run], line: &[usize]) -> String {
    let text = |line: &[usize]| -> String { line.iter().map(|&i| runs[i].norm.as_str()).collect() };
    let size = runs[line[0]].size;
    let mut lines = vec![text(line)];
    for direction in [-1, 1] {
        let mut current = line.to_vec();
        for _ in 0..60 {
            let Some(next) = neighbour_line(runs, &current, direction) else {
                break;
            };
            if (runs[next[0]].size - size).abs() > 0.1 {
                break;
            }
            if direction < 0 {
                lines.insert(0, text(&next));
            } else {
                lines.push(text(&next));
            }
            current = next;
        }
    }
    lines.concat()
}

/// The words of `text` with their byte offsets.
fn split_words(text: &str) -> Vec<(usize, &str)> {
    let mut words = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                words.push((s, &text[s..i]));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        words.push((s, &text[s..]));
    }
    words
}

/// Letters and digits only, lowercased: what survives hyphenation, quotes and line breaks.
fn normalize(text: &str) -> String {
    normalize_with_offsets(text).0
}

/// [`normalize`], with the byte offset in `text` of each byte of the result.
fn normalize_with_offsets(text: &str) -> (String, Vec<usize>) {
    let mut norm = String::new();
    let mut offsets = Vec::new();
    for (at, c) in text.char_indices() {
        if c.is_alphanumeric() {
            for lower in c.to_lowercase() {
                let before = norm.len();
                norm.push(lower);
                offsets.extend(std::iter::repeat_n(at, norm.len() - before));
            }
        }
    }
    (norm, offsets)
}

/// The length, in characters, of the longest stretch `a` and `b` share.
fn longest_common(a: &[char], b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut best = 0;
    let mut row = vec![0usize; b.len() + 1];
    for &ca in a {
        let mut prev = 0;
        for j in 0..b.len() {
            let keep = row[j + 1];
            row[j + 1] = if ca == b[j] { prev + 1 } else { 0 };
            best = best.max(row[j + 1]);
            prev = keep;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizing_keeps_letters_and_digits_with_their_offsets() {
        let (norm, offsets) = normalize_with_offsets("Co-op, “É2”");
        assert_eq!(norm, "coopé2");
        assert_eq!(offsets[0], 0);
        assert_eq!(offsets[2], 3);
        assert_eq!(
            longest_common(&"xxabcdyy".chars().collect::<Vec<_>>(), "zabcdz"),
            4
        );
    }

    #[test]
    fn rich_text_prints_one_text_per_paragraph_and_cell() {
        let value = crate::check::markdown::to_json(
            "One *two*.\n\nThree[^n].\n\n[^n]: Note.\n\n| a | b |\n|---|---|\n| c | d |\n",
        );
        let mut out = Vec::new();
        printed(&value, &mut out);
        assert!(out.contains(&"One two.".to_string()), "{out:?}");
        assert!(out.iter().any(|t| t.starts_with("Three")), "{out:?}");
        assert!(out.contains(&"d".to_string()), "{out:?}");
        let mut out = Vec::new();
        printed(
            &json!({"iso": "2025-12-08", "text": "December 8, 2025"}),
            &mut out,
        );
        assert_eq!(out, vec!["December 8, 2025"]);
    }
}
