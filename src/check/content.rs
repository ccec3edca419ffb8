//! Checks of what a brief says rather than of its shape, run after the checker: citations
//! against `sources`, acronyms against `acronyms`, and the order of `milestones`. Each runs
//! only when the template declares the field it is about.

use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};
use std::ops::Range;

use serde_json::Value as Json;

use crate::check::access;
use crate::check::markdown::{self, Prose};
use crate::check::{Checked, is_language_map};
use crate::diag::{Diagnostic, Files, Span, did_you_mean};
use crate::input::yaml::{Node, Value};
use crate::model::template::{Field, Kind, Template};

/// Fields whose text is not checked for acronyms: the definitions themselves, and sources,
/// whose titles are quoted as published.
const NOT_PROSE: &[&str] = &["acronyms", "sources"];

/// Adds the content problems of a checked brief to its problems, keeping the brief's order.
pub fn review(root: &Node, template: &Template, checked: &mut Checked, files: &Files) {
    // Content is checked once the brief has the right shape; until then the errors say enough.
    if checked.has_errors() {
        return;
    }
    let fields = &template.manifest.fields;
    let Value::Map(entries) = &root.value else {
        return;
    };
    let mut leaves = Vec::new();
    for entry in entries {
        if let Some(field) = fields.get(&entry.key) {
            walk(
                &entry.node,
                field,
                entry.key.clone(),
                checked.edition.code(),
                &mut leaves,
            );
        }
    }
    // Each text the checker parsed for the data is read here as it left it, not parsed again
    // (a text given twice is parsed again for its second place).
    let mut left: [HashMap<String, markdown::Parsed>; 2] = Default::default();
    for (inline, text, parsed) in std::mem::take(&mut checked.parsed) {
        left[usize::from(inline)].insert(text, parsed);
    }
    for leaf in leaves.iter().filter(|l| l.kind != Kind::Text) {
        let inline = leaf.kind == Kind::Inline;
        if let Some(parsed) = left[usize::from(inline)].remove(leaf.text) {
            let _ = leaf.parsed.set(parsed);
        }
    }
    let mut problems = Vec::new();
    // Rich text too deep, footnotes cited inside themselves, links that are not web or mail
    // addresses: each at its place in the text.
    for leaf in leaves.iter().filter(|l| l.kind != Kind::Text) {
        for problem in &leaf.parsed().problems {
            problems.push(
                Diagnostic::error(
                    Some(leaf.locate(problem.at.clone(), files)),
                    problem.message.clone(),
                )
                .with_field(&leaf.path)
                .with_hint(problem.hint.clone()),
            );
        }
    }
    if fields.contains_key("sources") {
        citations(root, &leaves, files, &mut problems);
    }
    if fields.contains_key("acronyms") {
        acronyms(root, &leaves, checked.edition.code(), files, &mut problems);
    }
    if fields.contains_key("milestones") {
        milestones(root, &checked.data, &mut problems);
    }
    accessibility(root, &leaves, checked.edition.code(), files, &mut problems);
    checked.problems.extend(problems);
    checked
        .problems
        .sort_by_key(|p| p.span.map(|s| (s.file, s.start)));
}

/// A text, rich or inline value in the brief.
struct Leaf<'a> {
    path: String,
    node: &'a Node,
    text: &'a str,
    kind: Kind,
    /// The text parsed (without its blocks, which no check here reads), once for all the
    /// checks that read it: as the checker left it in [`Checked::parsed`], else here.
    parsed: OnceCell<markdown::Parsed>,
}

impl Leaf<'_> {
    fn parsed(&self) -> &markdown::Parsed {
        self.parsed.get_or_init(|| {
            if self.kind == Kind::Rich {
                markdown::parse_without_blocks(self.text, false)
            } else if self.kind == Kind::Inline {
                markdown::parse_without_blocks(self.text, true)
            } else {
                markdown::Parsed {
                    prose: vec![Prose::verbatim(self.text)],
                    ..Default::default()
                }
            }
        })
    }

    /// The place in the file of bytes `at` of the value's text: the same text found in the
    /// written value (its `n`th occurrence, as in the value), else the whole value.
    fn locate(&self, at: Range<usize>, files: &Files) -> Span {
        let span = self.node.span;
        let Some(needle) = self.text.get(at.clone()).filter(|n| !n.is_empty()) else {
            return span;
        };
        let nth = self.text[..at.start].matches(needle).count();
        let written = files.text(span.file).get(span.range()).unwrap_or("");
        match written.match_indices(needle).nth(nth) {
            Some((i, _)) => Span::new(span.file, span.start + i..span.start + i + needle.len()),
            None => span,
        }
    }
}

/// Collects the text and rich values under `node`; of a text given per language, the
/// edition's (`language`).
fn walk<'a>(node: &'a Node, field: &Field, path: String, language: &str, out: &mut Vec<Leaf<'a>>) {
    match (&node.value, field.kind) {
        (Value::Scalar(s), Kind::Text | Kind::Rich | Kind::Inline) => out.push(Leaf {
            path,
            node,
            text: &s.text,
            kind: field.kind,
            parsed: OnceCell::new(),
        }),
        (Value::Map(entries), Kind::Text | Kind::Rich | Kind::Inline) => {
            if let Some(entry) = entries.iter().find(|e| e.key == language)
                && let Value::Scalar(s) = &entry.node.value
            {
                out.push(Leaf {
                    path,
                    node: &entry.node,
                    text: &s.text,
                    kind: field.kind,
                    parsed: OnceCell::new(),
                });
            }
        }
        (Value::List(items), Kind::List) => {
            if let Some(item_field) = field.items.as_deref() {
                for (i, item) in items.iter().enumerate() {
                    walk(item, item_field, format!("{path}[{i}]"), language, out);
                }
            }
        }
        (Value::Map(entries), Kind::Record) => {
            for entry in entries {
                if let Some(f) = field.fields.get(&entry.key) {
                    walk(
                        &entry.node,
                        f,
                        format!("{path}.{}", entry.key),
                        language,
                        out,
                    );
                }
            }
        }
        (Value::Map(entries), Kind::Map) => {
            if let Some(f) = field.values.as_deref() {
                for entry in entries {
                    walk(
                        &entry.node,
                        f,
                        format!("{path}.{}", entry.key),
                        language,
                        out,
                    );
                }
            }
        }
        _ => {}
    }
}

/// Warnings about what hurts readers beyond PDF/UA-1's rules (see [`access`]): in rich and
/// inline text, headings that skip a level, links and images that say nothing and tables
/// without a header; alt text beside an image file; block tables without column labels.
fn accessibility(
    root: &Node,
    leaves: &[Leaf],
    language: &str,
    files: &Files,
    problems: &mut Vec<Diagnostic>,
) {
    for leaf in leaves.iter().filter(|l| l.kind != Kind::Text) {
        for finding in access::rich_text(&markdown::landmarks(leaf.text)) {
            // A table or heading is pointed at by its first line: a block scalar's
            // indentation keeps the lines after it from matching the written text.
            let first_line = |at: Range<usize>| match leaf.text[at.clone()].find('\n') {
                Some(n) if n > 0 => at.start..at.start + n,
                _ => at,
            };
            let span = finding
                .at
                .map_or(leaf.node.span, |at| leaf.locate(first_line(at), files));
            problems.push(
                Diagnostic::warning(Some(span), finding.message)
                    .with_field(&leaf.path)
                    .with_hint(finding.hint),
            );
        }
    }
    let (mut alts, mut tables) = (Vec::new(), Vec::new());
    access::values(root, "", language, &mut alts, &mut tables);
    for alt in alts {
        if let Some(finding) = access::alt_text(alt.text, alt.file) {
            problems.push(
                Diagnostic::warning(Some(alt.node.span), finding.message)
                    .with_field(&alt.path)
                    .with_hint(finding.hint),
            );
        }
    }
    for (path, node, labels, rows) in tables {
        if let Some(finding) = access::header_row(&labels, rows) {
            problems.push(
                Diagnostic::warning(Some(node.span), finding.message)
                    .with_field(&path)
                    .with_hint(finding.hint),
            );
        }
    }
}

fn scalar_text(node: &Node) -> Option<&str> {
    match &node.value {
        Value::Scalar(s) => Some(s.text.trim()),
        _ => None,
    }
}

/// Unknown citation ids are errors; sources never cited are warnings.
fn citations(root: &Node, leaves: &[Leaf], files: &Files, problems: &mut Vec<Diagnostic>) {
    // (id, where it was written, its path)
    let mut sources = Vec::new();
    if let Some(Value::List(items)) = root.get("sources").map(|e| &e.node.value) {
        for (i, item) in items.iter().enumerate() {
            if let Some(entry) = item.get("id")
                && let Some(id) = scalar_text(&entry.node)
            {
                sources.push((id.to_string(), entry.node.span, format!("sources[{i}].id")));
            }
        }
    }
    let known: Vec<&str> = sources.iter().map(|(id, ..)| id.as_str()).collect();
    let mut used = HashSet::new();
    for leaf in leaves.iter().filter(|l| l.kind != Kind::Text) {
        for cite in &leaf.parsed().cites {
            if known.contains(&cite.id.as_str()) {
                used.insert(cite.id.clone());
                continue;
            }
            let span = cite
                .at
                .clone()
                .map_or(leaf.node.span, |at| leaf.locate(at, files));
            let mut diagnostic =
                Diagnostic::error(Some(span), format!("no source has the id `{}`", cite.id))
                    .with_field(&leaf.path);
            diagnostic = match did_you_mean(&cite.id, known.iter().copied()) {
                Some(s) => diagnostic.with_hint(format!("did you mean `{s}`?")),
                None if known.is_empty() => diagnostic.with_hint(
                    "list the work under `sources`, with `id`, `title` and the rest of its details",
                ),
                None => diagnostic.with_note(format!("the sources are: {}", known.join(", "))),
            };
            problems.push(diagnostic);
        }
    }
    for (id, span, path) in &sources {
        if !used.contains(id) {
            problems.push(
                Diagnostic::warning(Some(*span), format!("the source `{id}` is never cited"))
                    .with_field(path)
                    .with_hint(format!("cite it in the text as [@{id}], or remove it")),
            );
        }
    }
}

/// An acronym as written: a word of two or more capitals, possibly with `&` or a few
/// lowercase letters inside (`MoU`, `R&D`), and a plural `s` taken off.
fn acronym(word: &str) -> Option<&str> {
    let word = word.trim_matches('&');
    let word = match word.strip_suffix('s') {
        Some(stem) if stem.ends_with(|c: char| c.is_uppercase()) => stem,
        _ => word,
    };
    let upper = word.chars().filter(|c| c.is_uppercase()).count();
    let lower = word.chars().filter(|c| c.is_lowercase()).count();
    let ok = upper >= 2
        && lower < upper
        && word.starts_with(|c: char| c.is_uppercase())
        && word.ends_with(|c: char| c.is_uppercase())
        && word.chars().all(|c| c.is_alphabetic() || c == '&')
        // Roman numerals (`XIV`) are numbers, not acronyms.
        && !word.chars().all(|c| "IVXLCDM".contains(c));
    ok.then_some(word)
}

/// The words of a text with their offsets: runs of letters, digits and `&`.
fn words(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        // Hangul and other scripts without capitals end a word: `FTA를` uses `FTA`.
        let inside =
            c.is_ascii_alphanumeric() || c == '&' || (c.is_alphabetic() && (c as u32) < 0x1100);
        match (start, inside) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                out.push((s, &text[s..i]));
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// The acronyms in a run of prose, with their offsets; words of an all-capitals title (three
/// or more capitalized words in a row) are left out.
fn acronyms_in(text: &str) -> Vec<(usize, &str)> {
    let words = words(text);
    let caps: Vec<bool> = words
        .iter()
        .map(|(_, w)| w.chars().any(char::is_alphabetic) && !w.chars().any(char::is_lowercase))
        .collect();
    let mut out = Vec::new();
    for (i, (at, word)) in words.iter().enumerate() {
        let run_start = (0..=i).rev().take_while(|&j| caps[j]).last().unwrap_or(i);
        let run_end = (i..words.len())
            .take_while(|&j| caps[j])
            .last()
            .unwrap_or(i);
        if caps[i] && run_end + 1 - run_start >= 3 {
            continue;
        }
        if let Some(acronym) = acronym(word) {
            let offset = at + (word.len() - word.trim_start_matches('&').len());
            out.push((offset, acronym));
        }
    }
    out
}

/// Short words an acronym's letters skip when it is spelled out ("Memorandum of
/// Understanding", "Organisation du Traité de l’Atlantique Nord").
const SKIPPED_WORDS: &[&str] = &[
    "of", "and", "the", "for", "on", "in", "to", "a", "an", "&", "de", "du", "des", "la", "le",
    "les", "et", "en", "pour", "sur", "au", "aux", "à",
];

/// Whether the acronym `word` at `offset` of `text` is put in parentheses right after its
/// spelled-out form: "foreign direct investment (FDI)", "l’Organisation du Traité de
/// l’Atlantique Nord (OTAN)". Each of its letters is the first letter of a word before the
/// parenthesis, in order, the words between being short ones (of, and, de, du...).
fn spelled_out_before(text: &str, offset: usize, word: &str) -> bool {
    let before = text[..offset].trim_end();
    let Some(before) = before.strip_suffix('(') else {
        return false;
    };
    let after = text[offset + word.len()..].trim_start();
    if !after.starts_with([')', ',', ';']) {
        return false;
    }
    let words: Vec<&str> = before
        .split(|c: char| c.is_whitespace() || c == '-' || c == '–')
        .filter(|w| !w.is_empty())
        .collect();
    let mut letters: Vec<char> = word
        .chars()
        .filter(|c| c.is_uppercase())
        .flat_map(char::to_lowercase)
        .collect();
    // An elided article is not a word of its own: l’Atlantique, d’investissement.
    let core = |w: &str| -> String {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric() && c != '&');
        w.split_once(['’', '\''])
            .filter(|(head, _)| head.chars().count() == 1)
            .map_or(w, |(_, tail)| tail)
            .to_lowercase()
    };
    let mut remaining = words.iter().rev().peekable();
    while let Some(letter) = letters.pop() {
        loop {
            let Some(w) = remaining.next() else {
                return false;
            };
            let lower = core(w);
            if lower.starts_with(letter) {
                break;
            }
            if SKIPPED_WORDS.contains(&lower.as_str()) {
                continue;
            }
            // A place named after "of" or "du" is often left out of the letters: the
            // Treasury Board of Canada Secretariat (TBS), le Secrétariat du Conseil du Trésor
            // du Canada (SCT).
            let capitalized = w.chars().next().is_some_and(char::is_uppercase);
            if capitalized
                && remaining
                    .next_if(|before| PLACE_OF.contains(&core(before).as_str()))
                    .is_some()
            {
                continue;
            }
            return false;
        }
    }
    true
}

/// The short words that put a place's name after a name: "of Canada", "du Canada".
const PLACE_OF: &[&str] = &["of", "du", "de", "des"];

/// Lists of people whose entries (or whose entries' `name`) are people's names.
const PEOPLE: &[&str] = &["participants", "speakers", "authors"];

/// Whether the text at `path` is a person's name: `participants[2].name`, `authors[0]`,
/// `days[0].items[3].speakers[1].name`.
fn is_person_name(path: &str) -> bool {
    let Some((list, rest)) = path.rsplit_once('[') else {
        return false;
    };
    let list = list.rsplit('.').next().unwrap_or(list);
    let Some((index, tail)) = rest.split_once(']') else {
        return false;
    };
    PEOPLE.contains(&list)
        && index.bytes().all(|b| b.is_ascii_digit())
        && (tail.is_empty() || tail == ".name")
}

/// Acronyms used but not defined, and defined but not used: warnings.
fn acronyms(
    root: &Node,
    leaves: &[Leaf],
    language: &str,
    files: &Files,
    problems: &mut Vec<Diagnostic>,
) {
    // An acronym defined in other languages only is not one of this edition's.
    let defined: Vec<(&str, Span)> = match root.get("acronyms").map(|e| &e.node.value) {
        Some(Value::Map(entries)) => entries
            .iter()
            .filter(|e| !is_language_map(&e.node) || e.node.get(language).is_some())
            .map(|e| (e.key.as_str(), e.key_span))
            .collect(),
        _ => Vec::new(),
    };
    // People's names are written with the family name in capitals (`KIM Jong-un`, `LEE`):
    // their words are names, in the list and wherever the text names them.
    let names: HashSet<&str> = leaves
        .iter()
        .filter(|leaf| is_person_name(&leaf.path))
        .flat_map(|leaf| words(leaf.text))
        .map(|(_, word)| word)
        .filter(|word| !word.chars().any(char::is_lowercase))
        .collect();
    let mut used = HashSet::new();
    let mut reported = HashSet::new();
    // Acronyms spelled out in the text, "foreign direct investment (FDI)": defined from there on.
    let mut spelled_out: HashSet<String> = HashSet::new();
    for leaf in leaves {
        let top = leaf.path.split(['.', '[']).next().unwrap_or("");
        if NOT_PROSE.contains(&top) {
            continue;
        }
        for prose in &leaf.parsed().prose {
            // Any word can use a definition, even one that looks like a Roman numeral (`CCC`).
            for (_, word) in words(&prose.text) {
                let word = word.trim_matches('&');
                let stem = word.strip_suffix('s').unwrap_or(word);
                if let Some((d, _)) = defined.iter().find(|(d, _)| *d == word || *d == stem) {
                    used.insert(d.to_string());
                }
            }
            // A definition of several words (`APF Canada`) or with a hyphen (`R-D`) is used
            // where it appears.
            for (d, _) in defined.iter().filter(|(d, _)| d.contains([' ', '-'])) {
                if prose.text.contains(d) {
                    used.insert(d.to_string());
                }
            }
            for (offset, word) in acronyms_in(&prose.text) {
                let covered =
                    |d: &str| d == word || d.strip_prefix(word).is_some_and(|r| r.starts_with(' '));
                if defined.iter().any(|(d, _)| covered(d)) || names.contains(word) {
                    continue;
                }
                if spelled_out.contains(word) || spelled_out_before(&prose.text, offset, word) {
                    spelled_out.insert(word.to_string());
                    continue;
                }
                if !reported.insert(word.to_string()) {
                    continue;
                }
                let span = prose
                    .source_of(offset)
                    .map_or(leaf.node.span, |at| leaf.locate(at..at + word.len(), files));
                problems.push(
                    Diagnostic::warning(
                        Some(span),
                        format!("the acronym `{word}` is not defined in `acronyms`"),
                    )
                    .with_field(&leaf.path)
                    .with_hint(format!(
                        "add `{word}: <what it stands for>` under `acronyms`, or spell it out"
                    )),
                );
            }
        }
    }
    for (word, span) in defined {
        // A house style's list (a layer the brief extends) serves many notes: only the
        // brief's own definitions must be used.
        if !used.contains(word) && span.file == root.span.file {
            problems.push(
                Diagnostic::warning(
                    Some(span),
                    format!("the acronym `{word}` is defined but never used"),
                )
                .with_field(format!("acronyms.{word}"))
                .with_hint("remove it from `acronyms`, or use it in the text"),
            );
        }
    }
}

/// The boolean field by which a brief asks for acronyms to be spelled out at first use.
pub const EXPAND_ACRONYMS: &str = "expand-acronyms";

/// Spells out each acronym of `acronyms` at its first use in the body text, when the brief
/// sets `expand-acronyms: true`: the first `CSP` prints as "Comprehensive Strategic
/// Partnership (CSP)", later ones stay `CSP`. Works on the checked data (the rich-text blocks),
/// so the edition's language and definitions are the ones spelled out.
///
/// Only rich-text fields (a note's section bodies) are prose here, in the order of the
/// template's fields (for a background note, the sections in order; a footnote where it is
/// referenced). Headings, titles, milestones, questions and tables (in rich text or of
/// `inline` cells) are left as written: a heading or a cell that grows a definition reads
/// badly, and those short lines are read apart from the prose.
/// Inside the prose, code, citation marks, link addresses and bold headings of rich text
/// (`## ...`) are left alone. Whole words only, matching the acronym exactly: a plural
/// (`MOUs`) is not spelled out, and an acronym the writer already put in parentheses
/// (`Comprehensive Strategic Partnership (CSP)`) counts as its first use.
pub fn expand_acronyms(data: &mut Json, template: &Template) {
    if data.get(EXPAND_ACRONYMS).and_then(Json::as_bool) != Some(true) {
        return;
    }
    let definitions: Vec<(String, String)> = match data.get("acronyms") {
        Some(Json::Object(map)) => map
            .iter()
            .filter(|(k, _)| !k.contains(' '))
            .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
            .collect(),
        _ => return,
    };
    if definitions.is_empty() {
        return;
    }
    let mut expander = Expander {
        definitions,
        seen: HashSet::new(),
    };
    for (name, field) in &template.manifest.fields {
        if NOT_PROSE.contains(&name.as_str()) {
            continue;
        }
        if let Some(value) = data.get_mut(name.as_str()) {
            expander.field(value, field);
        }
    }
}

struct Expander {
    /// (acronym, definition), single words only.
    definitions: Vec<(String, String)>,
    /// The acronyms met so far.
    seen: HashSet<String>,
}

impl Expander {
    fn field(&mut self, value: &mut Json, field: &Field) {
        match (field.kind, value) {
            (Kind::Rich, Json::Array(blocks)) => self.blocks(blocks),
            (Kind::List, Json::Array(items)) => {
                if let Some(item) = field.items.as_deref() {
                    for value in items {
                        self.field(value, item);
                    }
                }
            }
            (Kind::Record, Json::Object(map)) => {
                for (name, f) in &field.fields {
                    if let Some(value) = map.get_mut(name.as_str()) {
                        self.field(value, f);
                    }
                }
            }
            (Kind::Map, Json::Object(map)) => {
                if let Some(f) = field.values.as_deref() {
                    for value in map.values_mut() {
                        self.field(value, f);
                    }
                }
            }
            _ => {}
        }
    }

    fn blocks(&mut self, blocks: &mut [Json]) {
        for block in blocks {
            match block["kind"].as_str() {
                Some("paragraph") if block["heading"] != Json::Bool(true) => {
                    let changed = match block.get_mut("inlines") {
                        Some(Json::Array(inlines)) => self.inlines(inlines),
                        _ => false,
                    };
                    if changed {
                        let text = markdown::plain(block["inlines"].as_array().map_or(&[], |v| v));
                        block["text"] = Json::String(text);
                    }
                }
                Some("quote") => {
                    if let Some(Json::Array(inner)) = block.get_mut("blocks") {
                        self.blocks(inner);
                    }
                }
                Some("list") => {
                    if let Some(Json::Array(items)) = block.get_mut("items") {
                        for item in items {
                            if let Json::Array(inner) = item {
                                self.blocks(inner);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// Expands in a run of inlines; whether anything changed.
    fn inlines(&mut self, inlines: &mut [Json]) -> bool {
        let mut changed = false;
        for inline in inlines {
            match inline["kind"].as_str() {
                Some("text") => {
                    if let Some(text) = inline["text"].as_str()
                        && let Some(expanded) = self.text(text)
                    {
                        inline["text"] = Json::String(expanded);
                        changed = true;
                    }
                }
                Some("emph" | "strong" | "link") => {
                    if let Some(Json::Array(inner)) = inline.get_mut("inlines") {
                        changed |= self.inlines(inner);
                    }
                }
                Some("note") => {
                    if let Some(Json::Array(inner)) = inline.get_mut("blocks") {
                        self.blocks(inner);
                    }
                }
                _ => {}
            }
        }
        changed
    }

    /// The text with each acronym met for the first time spelled out; `None` when unchanged.
    fn text(&mut self, text: &str) -> Option<String> {
        // The first whole-word use of each acronym not met before, in the order of the text.
        let mut uses: Vec<(usize, usize)> = self
            .definitions
            .iter()
            .enumerate()
            .filter(|(_, (acronym, _))| !self.seen.contains(acronym))
            .filter_map(|(i, (acronym, _))| Some((whole_word(text, acronym)?, i)))
            .collect();
        uses.sort();
        let mut out = String::new();
        let mut copied = 0;
        for (at, i) in uses {
            let (acronym, definition) = &self.definitions[i];
            self.seen.insert(acronym.clone());
            let end = at + acronym.len();
            if at < copied || (text[..at].ends_with('(') && text[end..].starts_with(')')) {
                continue;
            }
            out.push_str(&text[copied..at]);
            out.push_str(&format!("{definition} ({acronym})"));
            copied = end;
        }
        (copied > 0).then(|| {
            out.push_str(&text[copied..]);
            out
        })
    }
}

/// Where `word` first stands as a whole word in `text`: not inside a longer word (`CSP` in
/// `CSPs` or `ACSP`), but after a hyphen or an apostrophe (`Canada-ROK`, `l’OTAN`).
fn whole_word(text: &str, word: &str) -> Option<usize> {
    let part_of_word = |c: char| c.is_alphanumeric() || c == '&';
    text.match_indices(word).map(|(i, _)| i).find(|&i| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        !before.is_some_and(part_of_word) && !after.is_some_and(part_of_word)
    })
}

/// Milestones out of date order: a warning at the first one that comes before its predecessor.
fn milestones(root: &Node, data: &Json, problems: &mut Vec<Diagnostic>) {
    let Some(Value::List(items)) = root.get("milestones").map(|e| &e.node.value) else {
        return;
    };
    let isos: Vec<Option<&str>> = (0..items.len())
        .map(|i| data["milestones"][i]["date"]["iso"].as_str())
        .collect();
    for i in 1..items.len() {
        let (Some(before), Some(this)) = (isos[i - 1], isos[i]) else {
            continue;
        };
        // Compared at the precision both have: 2022-12 then 2022 is not out of order.
        let n = before.len().min(this.len());
        if this[..n] < before[..n] {
            let span = items[i]
                .get("date")
                .map_or(items[i].span, |entry| entry.node.span);
            problems.push(
                Diagnostic::warning(
                    Some(span),
                    format!("this milestone ({this}) comes before the one above it ({before})"),
                )
                .with_field(format!("milestones[{i}].date"))
                .with_hint("list milestones oldest first"),
            );
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Acronyms: capitals with `&`, inner lowercase and plurals; not Roman numerals or titles.
    /// An acronym in parentheses after the words its letters begin is spelled out in the text.
    #[test]
    fn acronyms_spelled_out_in_the_text() {
        let at = |text: &str, word: &str| {
            spelled_out_before(text, text.find(&format!("({word}")).unwrap() + 1, word)
        };
        assert!(at("foreign direct investment (FDI) rose", "FDI"));
        assert!(at("a Memorandum of Understanding (MoU)", "MoU"));
        assert!(at(
            "l’Organisation du Traité de l’Atlantique Nord (OTAN).",
            "OTAN"
        ));
        assert!(at(
            "the Canada-Republic of Korea (CROK, since 2022)",
            "CROK"
        ));
        assert!(at(
            "le Secrétariat du Conseil du Trésor du Canada (SCT) et",
            "SCT"
        ));
        assert!(at("the Treasury Board of Canada Secretariat (TBS)", "TBS"));
        assert!(!at("the Treasury Board Canada Secretariat (TBS)", "TBS"));
        assert!(!at("foreign investment (FDI)", "FDI"));
        assert!(!at("we met (FDI) later", "FDI"));
        assert!(!at("foreign direct investment in (FDI)", "FDI"));
    }

    #[test]
    fn acronym_detection() {
        let found: Vec<&str> = acronyms_in("The CSP, an MoU, R&D, MOUs, ROK’s and Canada-ROK.")
            .into_iter()
            .map(|(_, w)| w)
            .collect();
        assert_eq!(found, ["CSP", "MoU", "R&D", "MOU", "ROK", "ROK"]);
        assert!(acronyms_in("Part XIV and World War II, in Ottawa; I think A B.").is_empty());
        assert!(acronyms_in("A NEW ERA FOR CANADA and Korea").is_empty());
        assert!(
            acronyms_in("McDonald, iPhone, PhDs? G7 and COVID19")
                .iter()
                .all(|(_, w)| *w == "PhD")
        );
    }

    /// Whole words only: inside a longer word no, after a hyphen or apostrophe yes.
    #[test]
    fn whole_words_for_expansion() {
        assert_eq!(whole_word("ACSP and CSPs, then CSP.", "CSP"), Some(20));
        assert_eq!(whole_word("Canada-ROK", "ROK"), Some(7));
        assert_eq!(whole_word("l’OTAN", "OTAN"), Some("l’".len()));
        assert_eq!(whole_word("R&D and R&DX", "R&D"), Some(0));
        assert_eq!(whole_word("XR&D", "R&D"), None);
    }

    /// The texts that are people's names: entries of people lists, or their `name`.
    #[test]
    fn people_names_by_path() {
        for path in [
            "participants[2].name",
            "authors[0]",
            "days[0].items[3].speakers[1].name",
        ] {
            assert!(is_person_name(path), "{path}");
        }
        for path in [
            "participants[2].organization",
            "participants",
            "sections[0].body",
            "event.name",
            "authors[0].title",
        ] {
            assert!(!is_person_name(path), "{path}");
        }
    }

    /// Offsets point at the acronym in the text.
    #[test]
    fn acronym_offsets() {
        let text = "See the APF report.";
        let (at, word) = acronyms_in(text)[0];
        assert_eq!(&text[at..at + word.len()], "APF");
    }
}
