//! Change marking between two editions of a brief: which paragraphs, list items and fields of
//! the new edition are new or changed, and what was removed, for `build --changes-since`.
//!
//! The checked data of both editions is compared field by field. Lists are aligned by their
//! longest common run of equal items, so inserting a paragraph marks that paragraph and not
//! everything after it; an item replaced in place is compared inside, so an edited sentence in
//! the third paragraph of a section marks that paragraph.

use serde_json::{Value as Json, json};

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
    if text.chars().count() > 90 {
        format!("{}…", text.chars().take(89).collect::<String>().trim_end())
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
