//! Change marking between two editions of a brief: which paragraphs, list items and fields of
//! the new edition are new or changed, and what was removed, for `build --changes-since`; and
//! translations that may be stale, texts whose wording changed in one language but not in the
//! others, for `check --changes-since`, `brief watch` and `brief preview`.
//!
//! The checked data of both editions is compared field by field. Lists are aligned by their
//! longest common run of equal items, so inserting a paragraph marks that paragraph and not
//! everything after it; an item replaced in place is compared inside, so an edited sentence in
//! the third paragraph of a section marks that paragraph.

use serde_json::{Value as Json, json};

use std::path::Path;

use crate::diag::{Diagnostic, Files, Span};
use crate::error::Failure;
use crate::input::layers;
use crate::input::yaml::{Node, Value};
use crate::model::locale::Language;
use crate::model::template::{Field, Kind, Template};
use crate::text::{is_invisible, shorten};

/// What changed, as the template receives it under `build.changes`.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Changes {
    /// Paths of what to mark in the new edition: list items (`sections[1].body[2]`,
    /// `milestones[3]`) or, outside lists, fields (`title`).
    pub marks: Vec<String>,
    /// What the old edition had that the new one does not: (path in the old edition, text).
    pub removed: Vec<(String, String)>,
}

impl Changes {
    /// The JSON a template reads: `marks`, `removed` (path and text) and `sections`, the
    /// top-level places that changed, in order, such as `sections[1]` or `milestones`.
    pub fn to_json(&self) -> Json {
        let mut places: Vec<String> = Vec::new();
        for path in self.marks.iter().chain(self.removed.iter().map(|(p, _)| p)) {
            let place = top_place(path);
            if !places.contains(&place) {
                places.push(place);
            }
        }
        json!({
            "marks": self.marks,
            "removed": self.removed.iter().map(|(path, text)| json!({"path": path, "text": text})).collect::<Vec<_>>(),
            "places": places,
        })
    }
}

/// `sections[1].body[2]` → `sections[1]`; `milestones[3]` → `milestones`; `title` → `title`.
fn top_place(path: &str) -> String {
    if let Some(rest) = path.strip_prefix("sections[")
        && let Some(end) = rest.find(']')
    {
        return format!("sections[{}]", &rest[..end]);
    }
    let end = path.find(['.', '[']).unwrap_or(path.len());
    path[..end].to_string()
}

/// Compares the checked fields of an old and a new edition.
pub fn compare(old: &Json, new: &Json) -> Changes {
    let mut changes = Changes::default();
    walk(old, new, "", None, &mut changes);
    changes.marks.dedup();
    changes
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// `item` is the innermost list item the values are in: a change anywhere in it marks it.
fn walk(old: &Json, new: &Json, path: &str, item: Option<&str>, changes: &mut Changes) {
    if old == new {
        return;
    }
    let mark = |changes: &mut Changes| {
        let target = item.unwrap_or(path).to_string();
        if !changes.marks.contains(&target) {
            changes.marks.push(target);
        }
    };
    match (old, new) {
        (Json::Object(a), Json::Object(b)) if !is_value_object(new) => {
            for (key, value) in b {
                walk(
                    a.get(key).unwrap_or(&Json::Null),
                    value,
                    &join(path, key),
                    item,
                    changes,
                );
            }
            for (key, value) in a {
                if !b.contains_key(key) && !value.is_null() {
                    changes.removed.push((join(path, key), describe(value)));
                }
            }
        }
        (Json::Array(a), Json::Array(b)) => list(a, b, path, changes),
        (_, Json::Null) => {
            if item.is_some() {
                mark(changes);
            } else {
                changes.removed.push((path.to_string(), describe(old)));
            }
        }
        _ => mark(changes),
    }
}

/// Dates and times are objects but one value each, and so is a block of rich text (a
/// paragraph, a list, a quote): a change anywhere inside marks the block.
fn is_value_object(value: &Json) -> bool {
    (value.get("iso").is_some() && value.get("text").is_some())
        || value.get("kind").is_some()
        // One-line rich text (a table cell, a caption): compared as one value.
        || (value.get("inlines").is_some() && value.get("text").is_some())
}

/// Aligns two lists by their longest common subsequence of equal items.
fn list(old: &[Json], new: &[Json], path: &str, changes: &mut Changes) {
    let (n, m) = (old.len(), new.len());
    // Lists in a brief are short (tens of items): the quadratic table is fine.
    let mut table = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            table[i][j] = if old[i] == new[j] {
                table[i + 1][j + 1] + 1
            } else {
                table[i + 1][j].max(table[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut gap_old: Vec<usize> = Vec::new();
    let mut gap_new: Vec<usize> = Vec::new();
    let flush = |gap_old: &mut Vec<usize>, gap_new: &mut Vec<usize>, changes: &mut Changes| {
        // Items replaced in place are compared inside; the rest are added or removed.
        for k in 0..gap_old.len().max(gap_new.len()) {
            match (gap_old.get(k), gap_new.get(k)) {
                (Some(&a), Some(&b)) => {
                    let item = format!("{path}[{b}]");
                    walk(&old[a], &new[b], &item, Some(&item), changes);
                }
                (None, Some(&b)) => changes.marks.push(format!("{path}[{b}]")),
                (Some(&a), None) => changes
                    .removed
                    .push((format!("{path}[{a}]"), describe(&old[a]))),
                (None, None) => {}
            }
        }
        gap_old.clear();
        gap_new.clear();
    };
    while i < n || j < m {
        if i < n && j < m && old[i] == new[j] {
            flush(&mut gap_old, &mut gap_new, changes);
            i += 1;
            j += 1;
        } else if j < m && (i == n || table[i][j + 1] >= table[i + 1][j]) {
            gap_new.push(j);
            j += 1;
        } else {
            gap_old.push(i);
            i += 1;
        }
    }
    flush(&mut gap_old, &mut gap_new, changes);
}

/// A removed value in a few words: its text, a date's text, or a record's first text.
fn describe(value: &Json) -> String {
    let text = match value {
        Json::String(s) => s.clone(),
        Json::Object(map) => {
            if let Some(Json::String(t)) = map.get("text") {
                let date = map
                    .get("date")
                    .and_then(|d| d.get("text"))
                    .and_then(Json::as_str);
                match date {
                    Some(date) => format!("{date}: {t}"),
                    None => t.clone(),
                }
            } else {
                map.values()
                    .find_map(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default()
            }
        }
        Json::Array(items) => items.iter().map(describe).collect::<Vec<_>>().join(" "),
        Json::Null => String::new(),
        other => other.to_string(),
    };
    shorten(&text, 90)
}

/// The texts of one edition of a brief that are given per language (`title: {en: ..., fr:
/// ...}`), each language's wording kept: what a later edition is compared with to find
/// translations that may be stale ([`Translations::stale_since`]).
///
/// Only text fields (`text`, `rich`, `inline`, and maps of them such as acronyms) are
/// collected; a date or an image given per language may differ between languages on purpose.
#[derive(Debug, Clone, Default)]
pub struct Translations {
    texts: Vec<Translated>,
}

/// One text given in several languages.
#[derive(Debug, Clone)]
struct Translated {
    /// Its field path, such as `sections[1].body`.
    path: String,
    versions: Vec<Version>,
}

/// One language's text of a [`Translated`].
#[derive(Debug, Clone)]
struct Version {
    language: Language,
    /// What is compared: see [`wording`].
    wording: String,
    /// The text as written, white space folded, for saying what changed.
    words: String,
    /// Where it is written, in the files of the brief it was read from.
    span: Span,
    /// Its paragraphs (one for a one-line text), to say which of them changed.
    paragraphs: Vec<Paragraph>,
}

/// A paragraph of a [`Version`]: its wording, its words, and where its first line is written.
#[derive(Debug, Clone)]
struct Paragraph {
    wording: String,
    words: String,
    span: Span,
}

impl Translated {
    fn get(&self, language: Language) -> Option<&Version> {
        self.versions.iter().find(|v| v.language == language)
    }

    /// The languages both texts have, split into those whose wording changed from `old` to
    /// `self` and those whose wording did not.
    fn against(&self, old: &Translated) -> (Vec<Language>, Vec<Language>) {
        let (mut changed, mut same) = (Vec::new(), Vec::new());
        for version in &self.versions {
            match old.get(version.language) {
                Some(before) if before.wording == version.wording => same.push(version.language),
                Some(_) => changed.push(version.language),
                None => {}
            }
        }
        (changed, same)
    }

    /// Whether some language has the same wording in both.
    fn shares(&self, old: &Translated) -> bool {
        !self.against(old).1.is_empty()
    }
}

impl Translations {
    /// The texts given per language in a brief's (merged) tree, walked along the template's
    /// declared fields.
    pub fn of(root: &Node, template: &Template, files: &Files) -> Self {
        let mut texts = Vec::new();
        collect(root, &template.manifest.fields, "", files, &mut texts);
        Self { texts }
    }

    /// The texts of the earlier edition at `path`, read with its own layers (no `--set`) and
    /// walked along `template`, the later edition's: an earlier edition is compared as it was
    /// written, whether or not it passes today's checks.
    pub fn read(path: &Path, template: &Template, files: &mut Files) -> Result<Self, Failure> {
        let root = layers::load(path, &[], files)?;
        Ok(Self::of(&root, template, files))
    }

    /// A warning for each text whose wording changed in some languages since `old` while in
    /// others it did not, at the value that may need a translator's review (the first
    /// language that did not change). `since` names the earlier edition (`old.yaml`).
    ///
    /// A text is matched to the one at the same path in `old`, else (when a section was
    /// inserted or moved) to one elsewhere that has the same wording in a language. A text
    /// with the same wording in every language as one in `old` did not change; a language
    /// added or removed is no change here (the check of missing translations reports it).
    pub fn stale_since(&self, old: &Translations, since: &str) -> Vec<Diagnostic> {
        let mut found = Vec::new();
        for text in &self.texts {
            let Some(before) = old.counterpart(text) else {
                continue;
            };
            let (changed, same) = text.against(before);
            if !changed.is_empty() && !same.is_empty() {
                found.push(stale(text, before, &changed, &same, since));
            }
        }
        found
    }

    /// The text of this (earlier) edition that `text` is a later wording of, if any.
    fn counterpart(&self, text: &Translated) -> Option<&Translated> {
        if let Some(old) = self.texts.iter().find(|old| old.path == text.path)
            && text.shares(old)
        {
            return Some(old);
        }
        // Moved with a list's items: the same wording elsewhere, whole, is no change.
        let whole = |old: &&Translated| {
            let (changed, same) = text.against(old);
            changed.is_empty() && !same.is_empty()
        };
        if self.texts.iter().any(|old| whole(&old)) {
            return None;
        }
        self.texts.iter().find(|old| text.shares(old))
    }
}

/// Walks a record's entries along its declared fields.
fn collect(
    node: &Node,
    fields: &indexmap::IndexMap<String, Field>,
    path: &str,
    files: &Files,
    out: &mut Vec<Translated>,
) {
    let Value::Map(entries) = &node.value else {
        return;
    };
    for entry in entries {
        if let Some(field) = fields.get(&entry.key) {
            collect_value(&entry.node, field, &join(path, &entry.key), files, out);
        }
    }
}

fn collect_value(node: &Node, field: &Field, path: &str, files: &Files, out: &mut Vec<Translated>) {
    match (&field.kind, &node.value) {
        (Kind::Record, _) => collect(node, &field.fields, path, files, out),
        (Kind::List, Value::List(items)) => {
            if let Some(item) = field.items.as_deref() {
                for (i, node) in items.iter().enumerate() {
                    collect_value(node, item, &format!("{path}[{i}]"), files, out);
                }
            }
        }
        (Kind::Map, Value::Map(entries)) => {
            if let Some(value) = field.values.as_deref() {
                for entry in entries {
                    collect_value(&entry.node, value, &join(path, &entry.key), files, out);
                }
            }
        }
        (Kind::Text | Kind::Rich | Kind::Inline, Value::Map(entries)) => {
            let versions: Vec<Version> = entries
                .iter()
                .filter_map(|entry| {
                    let language = Language::from_code(&entry.key)?;
                    let Value::Scalar(scalar) = &entry.node.value else {
                        return None;
                    };
                    Some(Version {
                        language,
                        wording: wording(&scalar.text),
                        words: crate::text::fold(&scalar.text),
                        span: entry.node.span,
                        paragraphs: paragraphs(&scalar.text, entry.node.span, files),
                    })
                })
                .collect();
            if versions.len() > 1 {
                out.push(Translated {
                    path: path.to_string(),
                    versions,
                });
            }
        }
        _ => {}
    }
}

/// The paragraphs of a text (runs of lines between blank lines), each placed at its first
/// line within `within`, the text's value in its file (the value's start when a line cannot
/// be found there as written, such as in a quoted text with escapes).
fn paragraphs(text: &str, within: Span, files: &Files) -> Vec<Paragraph> {
    let mut out = Vec::new();
    let mut lines: Vec<&str> = Vec::new();
    let source = files.text(within.file);
    let mut from = within.start.min(source.len());
    let end = within.end.clamp(from, source.len());
    let mut flush = |lines: &mut Vec<&str>, from: &mut usize| {
        let Some(first) = lines.first().map(|l| l.trim()) else {
            return;
        };
        let text = lines.join("\n");
        let span = source
            .get(*from..end)
            .and_then(|rest| rest.find(first))
            .map_or(within, |at| {
                let start = *from + at;
                *from = start + first.len();
                Span::new(within.file, start..start + first.len())
            });
        out.push(Paragraph {
            wording: wording(&text),
            words: crate::text::fold(&text),
            span,
        });
        lines.clear();
    };
    for line in text.lines() {
        if line.trim().is_empty() {
            flush(&mut lines, &mut from);
        } else {
            lines.push(line);
        }
    }
    flush(&mut lines, &mut from);
    out
}

/// What counts as a text's wording when editions are compared: its characters without white
/// space of any kind (line breaks, no-break spaces, a paragraph split in two) or characters
/// that print nothing, with typographic quotes and apostrophes read as straight ones (and a
/// kept `\"` as `"`). Reflowing a paragraph, French spacing and curling quotes change no
/// wording; every other edit does.
pub fn wording(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if is_invisible(c) {
            continue;
        }
        let c = match c {
            '\\' if chars.peek().is_some_and(|n| matches!(n, '"' | '\'')) => continue,
            '“' | '”' | '„' | '‟' | '«' | '»' | '「' | '」' => '"',
            '‘' | '’' | '‚' | '‛' | '『' | '』' | '‹' | '›' => '\'',
            c => c,
        };
        out.push(c);
    }
    out
}

/// The report of one text that changed in `changed` but not in `same`.
fn stale(
    text: &Translated,
    before: &Translated,
    changed: &[Language],
    same: &[Language],
    since: &str,
) -> Diagnostic {
    let path = &text.path;
    let review = text.get(same[0]).expect("a language both editions have");
    let paragraphs = changed_paragraphs(text, before, changed, review);
    let span = match paragraphs.as_deref() {
        Some([first, ..]) => review.paragraphs[*first].span,
        _ => review.span,
    };
    let mut diagnostic = Diagnostic::warning(
        Some(span),
        format!(
            "`{path}` changed in {} but not in {} since {since}",
            names(changed, "and"),
            names(same, "or")
        ),
    )
    .with_field(path.clone());
    for &language in changed {
        let (Some(old), Some(new)) = (before.get(language), text.get(language)) else {
            continue;
        };
        match paragraphs.as_deref() {
            Some(indices) => {
                for &i in indices.iter().take(MOST_PARAGRAPHS) {
                    let (a, b) = (&old.paragraphs[i], &new.paragraphs[i]);
                    if a.wording != b.wording {
                        diagnostic = diagnostic.with_note(format!(
                            "in {}, paragraph {}: {}",
                            language.name(),
                            i + 1,
                            what_changed(&a.words, &b.words)
                        ));
                    }
                }
            }
            None => {
                diagnostic = diagnostic.with_note(format!(
                    "in {}, {}",
                    language.name(),
                    what_changed(&old.words, &new.words)
                ));
            }
        }
    }
    if let Some(indices) = paragraphs.as_deref()
        && indices.len() > MOST_PARAGRAPHS
    {
        let more = indices.len() - MOST_PARAGRAPHS;
        diagnostic = diagnostic.with_note(format!(
            "and {more} paragraph{} more",
            crate::text::plural(more)
        ));
    }
    diagnostic.with_hint(format!(
        "review the {} against the new {} and change it to match",
        names(same, "and"),
        names(changed, "and")
    ))
}

/// Paragraphs of a text whose changes a report lists; more are counted.
const MOST_PARAGRAPHS: usize = 3;

/// The paragraphs (counting from 0) that changed in the `changed` languages, when the text
/// has several and each changed language kept as many as `review`, the text to review, has:
/// paragraph 2 of the English is then paragraph 2 of the French. `None` otherwise.
fn changed_paragraphs(
    text: &Translated,
    before: &Translated,
    changed: &[Language],
    review: &Version,
) -> Option<Vec<usize>> {
    let n = review.paragraphs.len();
    if n < 2 {
        return None;
    }
    let mut indices = Vec::new();
    for &language in changed {
        let (old, new) = (before.get(language)?, text.get(language)?);
        if old.paragraphs.len() != n || new.paragraphs.len() != n {
            return None;
        }
        for (i, (a, b)) in old.paragraphs.iter().zip(&new.paragraphs).enumerate() {
            if a.wording != b.wording && !indices.contains(&i) {
                indices.push(i);
            }
        }
    }
    indices.sort_unstable();
    (!indices.is_empty()).then_some(indices)
}

/// `English`, `English and French`, `English, French or Korean`.
fn names(languages: &[Language], last: &str) -> String {
    let names: Vec<&str> = languages.iter().map(|l| l.name()).collect();
    match names.split_last() {
        Some((tail, [])) => tail.to_string(),
        Some((tail, head)) => format!("{} {last} {tail}", head.join(", ")),
        None => String::new(),
    }
}

/// The words that differ between two wordings of a text, in a few words: “a trade
/// partnership” became “a strategic partnership”.
fn what_changed(old: &str, new: &str) -> String {
    let a: Vec<&str> = old.split_whitespace().collect();
    let b: Vec<&str> = new.split_whitespace().collect();
    let same = |x: &&str, y: &&str| wording(x) == wording(y);
    let prefix = a.iter().zip(&b).take_while(|(x, y)| same(x, y)).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| same(x, y))
        .count();
    let gone = &a[prefix..a.len() - suffix];
    let added = &b[prefix..b.len() - suffix];
    let quote = |words: &[&str]| format!("“{}”", shorten(&words.join(" "), 60));
    match (gone.is_empty(), added.is_empty()) {
        (true, true) => "the wording changed".to_string(),
        (true, false) => match prefix {
            0 => format!("{} was added at the start", quote(added)),
            _ => format!(
                "{} was added after {}",
                quote(added),
                quote(&a[prefix - 1..prefix])
            ),
        },
        (false, true) => format!("{} was taken out", quote(gone)),
        (false, false) => format!("{} became {}", quote(gone), quote(added)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::diag::{self, Files};
    use crate::input::yaml;
    use crate::model::template::Registry;

    /// The stale translations of `new` since `old`, both briefs of the background note, as
    /// the terminal prints them.
    fn stale_report(old: &str, new: &str) -> String {
        let mut files = Files::default();
        let template = Registry::default()
            .load("background-note", &mut files, None)
            .expect("the built-in template loads");
        let old_key = files.add("old.yaml", old.to_string());
        let old = yaml::parse(old, old_key).expect("old parses");
        let new_key = files.add("new.yaml", new.to_string());
        let new = yaml::parse(new, new_key).expect("new parses");
        let found = Translations::of(&new, &template, &files)
            .stale_since(&Translations::of(&old, &template, &files), "old.yaml");
        diag::render(&files, &found)
    }

    fn bilingual(title_en: &str, title_fr: &str, body_en: &str, body_fr: &str) -> String {
        format!(
            "title:\n  en: {title_en}\n  fr: {title_fr}\nsections:\n  - heading: {{en: Background, fr: Contexte}}\n    body:\n      en: |\n        {body_en}\n      fr: |\n        {body_fr}\n"
        )
    }

    #[test]
    fn a_text_changed_in_one_language_is_stale() {
        let old = bilingual("Trade", "Commerce", "Trade grew.", "Le commerce a crû.");
        let new = bilingual(
            "Trade",
            "Commerce",
            "Trade grew fast.",
            "Le commerce a crû.",
        );
        assert_eq!(
            stale_report(&old, &new),
            "\
warning: `sections[0].body` changed in English but not in French since old.yaml
   ┌─ new.yaml:10:9
   │
10 │         Le commerce a crû.
   │         ^^^^^^^^^^^^^^^^^^ sections[0].body
   │
   = in English, “grew.” became “grew fast.”
   = hint: review the French against the new English and change it to match

"
        );
    }

    #[test]
    fn changed_in_both_or_in_spacing_and_quotes_only_is_not_stale() {
        let old = bilingual(
            "Trade 'today'",
            "Le commerce",
            "Trade grew.",
            "Le commerce a crû : oui.",
        );
        // Both languages changed; quotes curled and French spacing changed; a paragraph
        // reflowed.
        let both = bilingual(
            "Trade ‘today’",
            "Le  commerce",
            "Trade grew\n        fast.",
            "Le commerce a crû\u{a0}: oui, vite.",
        );
        assert_eq!(stale_report(&old, &both), "");
    }

    /// In a text of several paragraphs, the report points at the paragraph to review and
    /// names the paragraph that changed.
    #[test]
    fn the_paragraph_that_changed_is_named() {
        let body = |second: &str| {
            format!(
                "sections:\n  - body:\n      en: |\n        One.\n\n        {second}\n\n        Three.\n      fr: |\n        Un.\n\n        Deux.\n\n        Trois.\n"
            )
        };
        assert_eq!(
            stale_report(&body("Two."), &body("Two, and more.")),
            "\
warning: `sections[0].body` changed in English but not in French since old.yaml
   ┌─ new.yaml:12:9
   │
12 │         Deux.
   │         ^^^^^ sections[0].body
   │
   = in English, paragraph 2: “Two.” became “Two, and more.”
   = hint: review the French against the new English and change it to match

"
        );
    }

    #[test]
    fn an_inserted_section_does_not_hide_a_stale_one() {
        let section = |en: &str, fr: &str| format!("  - body: {{en: {en}, fr: {fr}}}\n");
        let old = format!(
            "sections:\n{}{}",
            section("One.", "Un."),
            section("Two.", "Deux.")
        );
        let new = format!(
            "sections:\n{}{}{}",
            section("One.", "Un."),
            section("New.", "Nouveau."),
            section("Two, changed.", "Deux.")
        );
        let report = stale_report(&old, &new);
        assert!(
            report.starts_with(
                "warning: `sections[2].body` changed in English but not in French since old.yaml\n"
            ),
            "{report}"
        );
        assert_eq!(report.matches("warning:").count(), 1, "{report}");
    }

    #[test]
    fn wording_ignores_space_and_quote_style() {
        assert_eq!(
            wording("« le mot »\u{a0}; l’été"),
            wording("\"le mot\" ; l'été")
        );
        assert_ne!(wording("the word"), wording("the words"));
    }

    #[test]
    fn what_changed_names_the_words() {
        assert_eq!(what_changed("a b c", "a x c"), "“b” became “x”");
        assert_eq!(what_changed("a b", "a b c"), "“c” was added after “b”");
        assert_eq!(what_changed("a b c", "a c"), "“b” was taken out");
    }

    fn para(t: &str) -> Json {
        json!({"kind": "paragraph", "text": t})
    }

    #[test]
    fn an_inserted_paragraph_marks_only_itself() {
        let old = json!({"sections": [{"heading": "A", "body": [para("one"), para("two")]}]});
        let new = json!({"sections": [{"heading": "A", "body": [para("one"), para("new"), para("two")]}]});
        let changes = compare(&old, &new);
        assert_eq!(changes.marks, ["sections[0].body[1]"]);
        assert!(changes.removed.is_empty());
    }

    #[test]
    fn an_edited_paragraph_is_marked_and_a_removed_one_listed() {
        let old = json!({"title": "T", "sections": [{"heading": "A", "body": [para("one"), para("two"), para("three")]}]});
        let new = json!({"title": "T2", "sections": [{"heading": "A", "body": [para("one"), para("TWO")]}]});
        let changes = compare(&old, &new);
        assert_eq!(changes.marks, ["title", "sections[0].body[1]"]);
        assert_eq!(
            changes.removed,
            [("sections[0].body[2]".to_string(), "three".to_string())]
        );
        assert_eq!(changes.to_json()["places"], json!(["title", "sections[0]"]));
    }

    #[test]
    fn milestones_and_maps() {
        let d = |iso: &str, text: &str| json!({"iso": iso, "text": text});
        let old = json!({"milestones": [{"date": d("2015", "2015"), "text": "FTA"}], "acronyms": {"AI": "a.i.", "X": "x"}});
        let new = json!({"milestones": [{"date": d("2016", "2016"), "text": "FTA"}], "acronyms": {"AI": "artificial intelligence"}});
        let changes = compare(&old, &new);
        assert_eq!(changes.marks, ["milestones[0]", "acronyms.AI"]);
        assert_eq!(
            changes.removed,
            [("acronyms.X".to_string(), "x".to_string())]
        );
    }

    #[test]
    fn identical_editions_mark_nothing() {
        let data = json!({"title": "T", "sections": [{"body": [para("x")]}]});
        assert_eq!(compare(&data, &data), Changes::default());
    }
}
