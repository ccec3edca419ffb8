//! Accessibility warnings beyond what PDF/UA-1 itself checks: headings in rich text that skip
//! a level, alt text that says nothing (a file name, a word like "image"), link text that
//! says nothing ("here", "click here"), and tables without a header row. Each is about what a
//! reader with a screen reader meets, and each is a warning, not an error: the PDF still
//! meets its standard.

use std::ops::Range;

use crate::check::markdown::Landmarks;
use crate::input::yaml::{Node, Value};

/// One thing that hurts readers, found in a text or a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Where it is in the value's text, when known (else the whole value).
    pub at: Option<Range<usize>>,
    /// What is wrong, lowercase, no final period.
    pub message: String,
    /// What to do about it.
    pub hint: String,
}

/// Link texts that say nothing of where the link goes (WCAG 2.4.4), in the brief's languages.
const EMPTY_LINK_TEXTS: &[&str] = &[
    "here",
    "click here",
    "click",
    "this",
    "this link",
    "link",
    "more",
    "read more",
    "learn more",
    "ici",
    "cliquez ici",
    "cliquer ici",
    "lien",
    "ce lien",
    "en savoir plus",
    "plus",
    "여기",
    "여기를 클릭",
    "링크",
];

/// Alt texts that say nothing of what the image shows (WCAG 1.1.1).
const EMPTY_ALT_TEXTS: &[&str] = &[
    "image",
    "an image",
    "picture",
    "photo",
    "photograph",
    "graphic",
    "figure",
    "logo",
    "chart",
    "graph",
    "diagram",
    "icon",
    "screenshot",
    "img",
    "alt",
    "alt text",
    "untitled",
    "placeholder",
    "illustration",
    "graphique",
    "diagramme",
    "icône",
    "capture d'écran",
    "이미지",
    "사진",
    "그림",
    "로고",
];

/// File endings an alt text ends with when it is a file name.
const IMAGE_ENDINGS: &[&str] = &[
    ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".tif", ".tiff", ".bmp",
];

/// A text folded for comparison: lowercase, outer punctuation and white space dropped.
fn folded(text: &str) -> String {
    text.trim()
        .trim_matches(|c: char| c.is_ascii_punctuation() || c.is_whitespace())
        .to_lowercase()
}

/// What is wrong with `alt` as the alt text of the image `file`, if anything.
pub fn alt_text(alt: &str, file: Option<&str>) -> Option<Finding> {
    let said = folded(alt);
    let name_of = |path: &str| path.rsplit('/').next().unwrap_or(path).to_lowercase();
    let is_file_name = !said.contains(' ') && IMAGE_ENDINGS.iter().any(|e| said.ends_with(e))
        || file.is_some_and(|f| said == name_of(f) || said == folded(f));
    if is_file_name {
        return Some(Finding {
            at: None,
            message: format!("the alt text `{}` is a file name", alt.trim()),
            hint: "say what the image shows, as you would to someone on the phone, such as `Two-way trade rose from 2015 to 2024`".into(),
        });
    }
    if EMPTY_ALT_TEXTS.contains(&said.as_str()) {
        return Some(Finding {
            at: None,
            message: format!(
                "the alt text `{}` does not say what the image shows",
                alt.trim()
            ),
            hint: "say what it shows, such as `Two-way trade rose from 2015 to 2024`; a screen reader already says it is an image".into(),
        });
    }
    None
}

/// What hurts readers in a rich text's headings, links, images and tables.
pub fn rich_text(landmarks: &Landmarks) -> Vec<Finding> {
    let mut found = Vec::new();
    // The template's own heading (a section's) is level 1: a text's headings start at 1 or 2.
    let mut previous: Option<u8> = None;
    for (level, at) in &landmarks.headings {
        let skipped = match previous {
            Some(before) => *level > before + 1,
            None => *level > 2,
        };
        if skipped {
            let message = match previous {
                Some(before) => {
                    format!("this heading skips from level {before} to level {level}")
                }
                None => format!(
                    "this heading is level {level}, with no level-{} heading before it",
                    level - 1
                ),
            };
            found.push(Finding {
                at: Some(at.clone()),
                message,
                hint: format!(
                    "screen reader users move from heading to heading by level: write it with {} `#`, one level below the heading it belongs to",
                    previous.map_or(2, |b| b + 1)
                ),
            });
        }
        previous = Some(*level);
    }
    for (said, _, at) in &landmarks.links {
        if EMPTY_LINK_TEXTS.contains(&folded(said).as_str()) {
            found.push(Finding {
                at: Some(at.clone()),
                message: format!("the link text `{said}` does not say where the link goes"),
                hint: "link the words that name the destination, such as `[the 2024 roadmap](https://...)`: screen readers list links by their text alone".into(),
            });
        }
    }
    for (alt, file, at) in &landmarks.images {
        if let Some(finding) = alt_text(alt, Some(file)) {
            found.push(Finding {
                at: Some(at.clone()),
                ..finding
            });
        }
    }
    for (head, rows, at) in &landmarks.tables {
        if let Some(finding) = header_row(head, *rows) {
            found.push(Finding {
                at: Some(at.clone()),
                ..finding
            });
        }
    }
    found
}

/// A table of `rows` rows whose header cells read `head` has no header row when every header
/// cell is empty; one is expected in a table of data (two rows or more).
pub fn header_row<S: AsRef<str>>(head: &[S], rows: usize) -> Option<Finding> {
    let empty = head.iter().all(|cell| cell.as_ref().trim().is_empty());
    (empty && rows >= 2).then(|| Finding {
        at: None,
        message: "this table has no header row".into(),
        hint: "name each column in the first row: a screen reader reads a cell with its column's name, and without one the numbers lose their meaning".into(),
    })
}

/// A value of the brief found by [`values`]: its path and its node.
pub struct Found<'a> {
    /// The field's path, such as `sections[3].blocks[0].figure.alt`.
    pub path: String,
    /// The value.
    pub node: &'a Node,
    /// The text of the value in the edition's language (a text per language gives that one).
    pub text: &'a str,
    /// The image file beside an `alt`, if any.
    pub file: Option<&'a str>,
}

/// Every `alt` beside a `file` under `node` (figures, logos), and every block table's column
/// labels with its rows, found by their shape wherever a template puts them.
pub fn values<'a>(
    node: &'a Node,
    path: &str,
    language: &str,
    alts: &mut Vec<Found<'a>>,
    tables: &mut Vec<(String, &'a Node, Vec<&'a str>, usize)>,
) {
    match &node.value {
        Value::Map(entries) => {
            let text_of = |key: &str| node.get(key).and_then(|e| in_language(&e.node, language));
            if let (Some(alt), Some(entry)) = (text_of("alt"), node.get("alt")) {
                alts.push(Found {
                    path: join(path, "alt"),
                    node: &entry.node,
                    text: alt,
                    file: text_of("file"),
                });
            }
            if let (Some(Value::List(rows)), Some(columns)) = (
                node.get("rows").map(|e| &e.node.value),
                node.get("columns").map(|e| &e.node.value),
            ) {
                let labels = match columns {
                    Value::List(columns) => columns
                        .iter()
                        .map(|c| {
                            c.get("label")
                                .and_then(|l| in_language(&l.node, language))
                                .unwrap_or("")
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                tables.push((path.to_string(), node, labels, rows.len()));
            }
            for entry in entries {
                values(&entry.node, &join(path, &entry.key), language, alts, tables);
            }
        }
        Value::List(items) => {
            for (i, item) in items.iter().enumerate() {
                values(item, &format!("{path}[{i}]"), language, alts, tables);
            }
        }
        _ => {}
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// A scalar's text, or of a text per language the `language` one.
fn in_language<'a>(node: &'a Node, language: &str) -> Option<&'a str> {
    match &node.value {
        Value::Scalar(s) => Some(&s.text),
        Value::Map(_) => match &node.get(language)?.node.value {
            Value::Scalar(s) => Some(&s.text),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::markdown::landmarks;

    fn messages(text: &str) -> Vec<String> {
        rich_text(&landmarks(text))
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn headings_that_skip_a_level() {
        assert_eq!(
            messages("## Context\n\n#### Detail\n\n### Fine\n"),
            ["this heading skips from level 2 to level 4"]
        );
        assert_eq!(
            messages("### Deep first\n"),
            ["this heading is level 3, with no level-2 heading before it"]
        );
        assert!(messages("# One\n\n## Two\n\n### Three\n\n# One\n").is_empty());
    }

    #[test]
    fn link_texts_that_say_nothing() {
        assert_eq!(
            messages(
                "See [click here](https://a.ca) and [Ici](https://b.ca). [The roadmap](https://c.ca).\n"
            ),
            [
                "the link text `click here` does not say where the link goes",
                "the link text `Ici` does not say where the link goes",
            ]
        );
    }

    #[test]
    fn alt_texts_that_say_nothing() {
        assert!(alt_text("chart.PNG", None).is_some());
        assert!(alt_text("trade", Some("img/trade")).is_some());
        assert!(alt_text(" Image. ", None).is_some());
        assert!(alt_text("Two-way trade rose from 2015 to 2024", Some("trade.svg")).is_none());
        assert_eq!(
            messages("![photo](a.png) ![Ottawa skyline at dusk](b.png)"),
            ["the alt text `photo` does not say what the image shows"]
        );
    }

    #[test]
    fn tables_without_a_header_row() {
        assert_eq!(
            messages("| | |\n|---|---|\n| a | 1 |\n| b | 2 |\n"),
            ["this table has no header row"]
        );
        assert!(messages("| Year | Value |\n|---|---|\n| 2024 | 1 |\n| 2025 | 2 |\n").is_empty());
        // One row of data needs no header.
        assert!(messages("| | |\n|---|---|\n| a | 1 |\n").is_empty());
    }
}
