//! Layers: a brief, the house-style files it `extends`, and `--set` values, merged into one tree
//! in which every value still knows the file and line that set it.
//!
//! Precedence, lowest first: the template's defaults (applied by the checker), the `extends`
//! files (in the order listed, each after its own `extends`), the brief, then each `--set`.
//! Maps merge key by key; lists and scalars replace; an explicit null removes what is below.

use std::fs;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, FileKey, Files, Span};
use crate::error::Failure;
use crate::error::describe_io;
use crate::input::read::read_text;
use crate::input::yaml::{self, Entry, Node, Scalar, Value};
use crate::text::plural;

/// The key that names house-style files below a brief.
pub const EXTENDS: &str = "extends";

/// How many layers one brief may chain through `extends`.
pub const MAX_LAYERS: usize = 32;

/// Reads a brief with everything it extends and applies `--set` values on top.
pub fn load(path: &Path, sets: &[String], files: &mut Files) -> Result<Node, Failure> {
    let mut chain = Vec::new();
    let mut root = read_layer(path, None, &mut chain, files)?;
    let mut problems = Vec::new();
    for set in sets {
        if let Err(mut found) = apply_set(&mut root, set, files) {
            problems.append(&mut found);
        }
    }
    if problems.is_empty() {
        Ok(root)
    } else {
        Err(problems.into())
    }
}

/// Reads one layer and, below it, the layers it extends. `chain` holds the files being read,
/// outermost first, to find cycles; `named_at` is where the including layer named this one.
fn read_layer(
    path: &Path,
    named_at: Option<Span>,
    chain: &mut Vec<PathBuf>,
    files: &mut Files,
) -> Result<Node, Failure> {
    let canonical = match (fs::canonicalize(path), named_at) {
        (Ok(canonical), _) => canonical,
        // The brief itself: let `read_text` say what is wrong with it.
        (Err(_), None) => path.to_path_buf(),
        (Err(error), Some(at)) => {
            // A watch rebuilds when the missing layer appears.
            files.depend(path);
            return Err(vec![
                Diagnostic::error(
                    Some(at),
                    format!(
                        "cannot read the layer {} ({})",
                        path.display(),
                        describe_io(&error)
                    ),
                )
                .with_field(EXTENDS)
                .with_hint("`extends` paths are relative to the file that names them"),
            ]
            .into());
        }
    };
    if let Some(at) = named_at {
        if chain.contains(&canonical) {
            let names: Vec<String> = chain
                .iter()
                .chain(std::iter::once(&canonical))
                .map(|p| {
                    p.file_name()
                        .map_or_else(String::new, |n| n.to_string_lossy().into())
                })
                .collect();
            return Err(vec![
                Diagnostic::error(
                    Some(at),
                    format!("`extends` goes round in a circle ({})", names.join(" → ")),
                )
                .with_field(EXTENDS)
                .with_hint("a layer cannot extend itself, directly or through others"),
            ]
            .into());
        }
        if chain.len() >= MAX_LAYERS {
            return Err(vec![
                Diagnostic::error(
                    Some(at),
                    format!("`extends` chains more than {MAX_LAYERS} layers"),
                )
                .with_field(EXTENDS),
            ]
            .into());
        }
    }
    let (key, text) = match (read_text(path, files), named_at) {
        (Ok(read), _) => read,
        // A layer that cannot be read is reported where `extends` names it.
        (Err(Failure::App(error)), Some(at)) => {
            let mut diagnostic = Diagnostic::error(
                Some(at),
                error
                    .message
                    .replacen("cannot read ", "cannot read the layer ", 1),
            )
            .with_field(EXTENDS);
            for hint in error.hints {
                diagnostic = diagnostic.with_hint(hint);
            }
            return Err(vec![diagnostic].into());
        }
        (Err(failure), _) => return Err(failure),
    };
    let mut node = yaml::parse(&text, key)?;
    if !matches!(node.value, Value::Map(_)) {
        if let Some(at) = named_at {
            // Merged, a layer that is not a map would silently replace nothing but itself.
            return Err(vec![
                Diagnostic::error(
                    Some(at),
                    format!(
                        "the layer {} is not a map of fields (it holds {})",
                        path.display(),
                        node.describe()
                    ),
                )
                .with_field(EXTENDS)
                .with_hint("a layer is written like a brief: `field: value` lines"),
            ]
            .into());
        }
        // The checker explains what a brief must look like.
        return Ok(node);
    }
    let names = take_extends(&mut node)?;
    let base_dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
    chain.push(canonical);
    let mut base: Option<Node> = None;
    for (name, at) in names {
        let below = read_layer(&base_dir.join(&name), Some(at), chain, files)?;
        base = Some(match base {
            Some(base) => merge(base, below),
            None => below,
        });
    }
    chain.pop();
    Ok(match base {
        Some(base) => merge(base, node),
        None => node,
    })
}

/// Removes the `extends` entry of a layer and returns the files it names, with their places.
fn take_extends(node: &mut Node) -> Result<Vec<(String, Span)>, Failure> {
    let Value::Map(entries) = &mut node.value else {
        return Ok(Vec::new());
    };
    let Some(index) = entries.iter().position(|e| e.key == EXTENDS) else {
        return Ok(Vec::new());
    };
    let entry = entries.remove(index);
    let wrong = |n: &Node| {
        Diagnostic::error(
            Some(n.span),
            format!(
                "expected a file name or a list of them, found {}",
                n.describe()
            ),
        )
        .with_field(EXTENDS)
    };
    match entry.node.value {
        Value::Null => Ok(Vec::new()),
        Value::Scalar(Scalar { text, .. }) => Ok(vec![(text, entry.node.span)]),
        Value::List(items) => {
            let mut names = Vec::new();
            let mut problems = Vec::new();
            for item in items {
                match &item.value {
                    Value::Scalar(s) => names.push((s.text.clone(), item.span)),
                    _ => problems.push(wrong(&item)),
                }
            }
            if problems.is_empty() {
                Ok(names)
            } else {
                Err(problems.into())
            }
        }
        Value::Map(_) => Err(vec![wrong(&entry.node)].into()),
    }
}

/// Merges `high` over `low`: maps key by key, anything else replaced by the higher layer.
pub fn merge(low: Node, high: Node) -> Node {
    match (low.value, high.value) {
        (Value::Map(mut entries), Value::Map(high_entries)) => {
            for entry in high_entries {
                match entries.iter().position(|e| e.key == entry.key) {
                    Some(i) => {
                        let below = std::mem::replace(
                            &mut entries[i].node,
                            Node {
                                value: Value::Null,
                                span: entry.node.span,
                            },
                        );
                        entries[i] = Entry {
                            node: merge(below, entry.node),
                            ..entry
                        };
                    }
                    None => entries.push(entry),
                }
            }
            Node {
                value: Value::Map(entries),
                span: high.span,
            }
        }
        (_, value) => Node {
            value,
            span: high.span,
        },
    }
}

/// One step of a `--set` path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Key(String, std::ops::Range<usize>),
    Index(usize, std::ops::Range<usize>),
}

/// Parses `a.b[2].c` into steps with their byte ranges in the argument.
fn parse_path(path: &str) -> Result<Vec<Step>, (String, std::ops::Range<usize>)> {
    let mut steps = Vec::new();
    let bytes = path.as_bytes();
    let mut i = 0;
    if path.is_empty() {
        return Err(("the field path is empty".into(), 0..0));
    }
    while i < bytes.len() {
        if bytes[i] == b'[' {
            let close = path[i..]
                .find(']')
                .map(|c| i + c)
                .ok_or(("this `[` is not closed".to_string(), i..i + 1))?;
            let number = &path[i + 1..close];
            let index = number.parse::<usize>().map_err(|_| {
                (
                    format!("`{number}` is not a list position (0, 1, 2, ...)"),
                    i..close + 1,
                )
            })?;
            steps.push(Step::Index(index, i..close + 1));
            i = close + 1;
            if i < bytes.len() && bytes[i] == b'.' {
                i += 1;
            }
        } else {
            let end = path[i..].find(['.', '[']).map_or(path.len(), |e| i + e);
            if end == i {
                return Err(("a field name is missing here".into(), i..i + 1));
            }
            steps.push(Step::Key(path[i..end].to_string(), i..end));
            i = end;
            if i < bytes.len() && bytes[i] == b'.' {
                i += 1;
                if i == bytes.len() {
                    return Err((
                        "a field name is missing after the last `.`".into(),
                        i - 1..i,
                    ));
                }
            }
        }
    }
    Ok(steps)
}

/// Applies one `--set PATH=VALUE` to the merged tree. The argument is registered as a file
/// named `--set` so problems with it, and later with its value, point into it.
fn apply_set(root: &mut Node, argument: &str, files: &mut Files) -> Result<(), Vec<Diagnostic>> {
    let key = files.add_argument("--set", argument.to_string());
    let Some(eq) = argument.find('=') else {
        return Err(vec![
            Diagnostic::error(
                Some(Span::new(key, 0..argument.len())),
                "`--set` takes PATH=VALUE, but this has no `=`",
            )
            .with_hint("for example: --set event.date=2025-12-09"),
        ]);
    };
    let path = &argument[..eq];
    let steps = parse_path(path).map_err(|(message, range)| {
        vec![Diagnostic::error(
            Some(Span::new(key, range)),
            format!("bad field path in `--set` ({message})"),
        )]
    })?;
    // The value is parsed where it stands in the argument, so its spans point at it there.
    let padded = format!("{}{}", " ".repeat(eq + 1), &argument[eq + 1..]);
    let value = match yaml::parse(&padded, key) {
        Ok(node) => node,
        // An empty value means null: `--set kicker=` removes the kicker.
        Err(_) if argument[eq + 1..].trim().is_empty() => Node {
            value: Value::Null,
            span: Span::new(key, eq + 1..argument.len()),
        },
        Err(problems) => return Err(problems),
    };
    place(root, &steps, path, value, key)
}

/// Puts `value` at the path `steps` (the text `path`, for messages) below `root`: maps are made
/// where the path goes through a missing value or a scalar, list items must exist.
fn place(
    root: &mut Node,
    steps: &[Step],
    path: &str,
    value: Node,
    key: FileKey,
) -> Result<(), Vec<Diagnostic>> {
    let mut node = root;
    for (i, step) in steps.iter().enumerate() {
        let last = i + 1 == steps.len();
        match step {
            Step::Key(name, range) => {
                if !matches!(node.value, Value::Map(_)) {
                    // Setting below a scalar or a missing value replaces it with a map.
                    node.value = Value::Map(Vec::new());
                }
                let Value::Map(entries) = &mut node.value else {
                    unreachable!("made a map above")
                };
                let position = match entries.iter().position(|e| &e.key == name) {
                    Some(p) => p,
                    None => {
                        let span = Span::new(key, range.clone());
                        entries.push(Entry {
                            key: name.clone(),
                            key_span: span,
                            node: Node {
                                value: Value::Null,
                                span,
                            },
                        });
                        entries.len() - 1
                    }
                };
                let entry = &mut entries[position];
                if last {
                    let below = std::mem::replace(
                        &mut entry.node,
                        Node {
                            value: Value::Null,
                            span: value.span,
                        },
                    );
                    entry.node = merge(below, value);
                    return Ok(());
                }
                node = &mut entry.node;
            }
            Step::Index(index, range) => {
                let Value::List(items) = &mut node.value else {
                    return Err(vec![Diagnostic::error(
                        Some(Span::new(key, range.clone())),
                        format!(
                            "`{}` is not a list, so it has no item [{index}]",
                            &path[..range.start]
                        ),
                    )]);
                };
                let len = items.len();
                let Some(item) = items.get_mut(*index) else {
                    return Err(vec![Diagnostic::error(
                        Some(Span::new(key, range.clone())),
                        format!("`{}` has {len} item{}, so there is no [{index}]", &path[..range.start], plural(len)),
                    )
                    .with_hint("`--set` can change list items but not add them; set the whole list instead")]);
                };
                if last {
                    let below = std::mem::replace(
                        item,
                        Node {
                            value: Value::Null,
                            span: value.span,
                        },
                    );
                    *item = merge(below, value);
                    return Ok(());
                }
                node = item;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(text: &str, files: &mut Files) -> Node {
        let key = files.add("t.yaml", text.to_string());
        yaml::parse(text, key).unwrap()
    }

    fn text_of(node: &Node, key: &str) -> Option<String> {
        match &node.get(key)?.node.value {
            Value::Scalar(s) => Some(s.text.clone()),
            _ => None,
        }
    }

    #[test]
    fn maps_merge_and_lists_replace() {
        let mut files = Files::default();
        let low = tree("a: 1\nm: {x: 1, y: 2}\nl: [1, 2]\n", &mut files);
        let high = tree("m: {y: 3}\nl: [9]\nb: 2\n", &mut files);
        let merged = merge(low, high);
        assert_eq!(text_of(&merged, "a").as_deref(), Some("1"));
        let m = &merged.get("m").unwrap().node;
        assert_eq!(text_of(m, "x").as_deref(), Some("1"));
        assert_eq!(text_of(m, "y").as_deref(), Some("3"));
        let Value::List(l) = &merged.get("l").unwrap().node.value else {
            panic!()
        };
        assert_eq!(l.len(), 1);
    }

    #[test]
    fn set_paths() {
        let mut files = Files::default();
        let mut root = tree(
            "event: {date: 2025-12-08}\nsections: [{heading: A}]\n",
            &mut files,
        );
        apply_set(&mut root, "event.city=Ottawa", &mut files).unwrap();
        apply_set(&mut root, "sections[0].heading=B", &mut files).unwrap();
        let event = &root.get("event").unwrap().node;
        assert_eq!(text_of(event, "city").as_deref(), Some("Ottawa"));
        assert_eq!(text_of(event, "date").as_deref(), Some("2025-12-08"));
        let error = apply_set(&mut root, "sections[3].heading=C", &mut files).unwrap_err();
        assert_eq!(
            error[0].message,
            "`sections` has 1 item, so there is no [3]"
        );
        let error = apply_set(&mut root, "title", &mut files).unwrap_err();
        assert_eq!(
            error[0].message,
            "`--set` takes PATH=VALUE, but this has no `=`"
        );
        assert!(parse_path("a..b").is_err());
        assert!(parse_path("a[x]").is_err());
    }
}
