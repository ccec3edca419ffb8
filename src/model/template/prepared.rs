//! The built-in templates' manifests read ahead of time: the committed `manifests.json` holds
//! each one's typed manifest and positioned tree, so that a brief on a built-in template is
//! checked without parsing 18 KB of YAML twice (saphyr for the tree, serde_yaml for the typed
//! manifest: about 10 million instructions, more than checking the brief). A test reads every
//! built-in manifest again and compares (`BLESS=1 cargo test --release --lib prepared::`
//! rewrites the file); a manifest text that is not exactly one of them is read as before.

use serde::{Deserialize, Serialize};

use crate::diag::{FileKey, Span};
use crate::input::yaml::{Entry, Node, Scalar, Value};
use crate::model::template::Manifest;

/// What `manifests.json` holds, one line a template.
const PREPARED: &str = include_str!("manifests.json");

/// One built-in manifest, read ahead of time.
#[derive(Serialize, Deserialize)]
struct Prepared {
    /// The template's name (for whoever reads the file).
    name: String,
    /// The length of the manifest's text in bytes and its [`fingerprint`]: the entry serves
    /// only that text.
    length: usize,
    fingerprint: u64,
    /// The typed manifest, as serde_yaml reads the text.
    manifest: Manifest,
    /// The positioned tree, as [`crate::input::yaml::parse`] reads it.
    tree: Stored,
}

/// A [`Node`] without its file: `[start, end, ...]` after the kind, `N` null, `S` a scalar
/// (its text and whether it is plain), `L` a list, `M` a map (each key with its place).
#[derive(Debug, Serialize, Deserialize)]
enum Stored {
    N(usize, usize),
    S(usize, usize, String, bool),
    L(usize, usize, Vec<Stored>),
    M(usize, usize, Vec<(String, usize, usize, Stored)>),
}

impl Stored {
    /// The stored form of a tree (the test writes the file with it).
    #[cfg(test)]
    fn of(node: &Node) -> Self {
        let (start, end) = (node.span.start, node.span.end);
        match &node.value {
            Value::Null => Stored::N(start, end),
            Value::Scalar(s) => Stored::S(start, end, s.text.clone(), s.plain),
            Value::List(items) => Stored::L(start, end, items.iter().map(Stored::of).collect()),
            Value::Map(entries) => Stored::M(
                start,
                end,
                entries
                    .iter()
                    .map(|e| {
                        (
                            e.key.clone(),
                            e.key_span.start,
                            e.key_span.end,
                            Stored::of(&e.node),
                        )
                    })
                    .collect(),
            ),
        }
    }

    fn into_node(self, file: FileKey) -> Node {
        let span = |start, end| Span { file, start, end };
        match self {
            Stored::N(start, end) => Node {
                value: Value::Null,
                span: span(start, end),
            },
            Stored::S(start, end, text, plain) => Node {
                value: Value::Scalar(Scalar { text, plain }),
                span: span(start, end),
            },
            Stored::L(start, end, items) => Node {
                value: Value::List(items.into_iter().map(|n| n.into_node(file)).collect()),
                span: span(start, end),
            },
            Stored::M(start, end, entries) => Node {
                value: Value::Map(
                    entries
                        .into_iter()
                        .map(|(key, key_start, key_end, node)| Entry {
                            key,
                            key_span: span(key_start, key_end),
                            node: node.into_node(file),
                        })
                        .collect(),
                ),
                span: span(start, end),
            },
        }
    }
}

/// FNV-1a over the text: cheap (a few instructions a byte), and only ever compared with the
/// fingerprints of the few built-in manifests, whose lengths must match too.
fn fingerprint(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The typed manifest and positioned tree (its places in `file`) of a manifest whose text is
/// exactly a built-in template's, as reading the text would give them; `None` for any other.
pub fn read_ahead(text: &str, file: FileKey) -> Option<(Manifest, Node)> {
    let mut wanted = None;
    for line in PREPARED.lines() {
        // Each line starts `{"name":"...","length":N,"fingerprint":F,`: compare the length
        // before reading the line, and the fingerprint before reading the rest.
        let Some(rest) = line.split_once(",\"length\":").map(|(_, rest)| rest) else {
            continue;
        };
        let length = rest.split(',').next().and_then(|n| n.parse::<usize>().ok());
        if length == Some(text.len()) {
            wanted = Some(wanted.unwrap_or_else(|| fingerprint(text)));
            let line = line.strip_suffix(',').unwrap_or(line);
            if let Ok(prepared) = serde_json::from_str::<Prepared>(line)
                && Some(prepared.fingerprint) == wanted
            {
                return Some((prepared.manifest, prepared.tree.into_node(file)));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::template::{MANIFEST, Template, embedded, read_both};

    const PATH: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src/model/template/manifests.json"
    );

    /// Every built-in manifest read as a manifest on disk is: (name, text, manifest, tree).
    fn read_afresh(file: FileKey) -> Vec<(String, String, Manifest, Node)> {
        Template::builtin_names()
            .into_iter()
            .map(|name| {
                let path = format!("{name}/{MANIFEST}");
                let (_, bytes) = embedded::FILES
                    .iter()
                    .find(|(p, _)| *p == path)
                    .expect("a built-in manifest");
                let text = String::from_utf8(bytes.to_vec()).expect("UTF-8");
                let (tree, manifest) = read_both(&text, file);
                let (tree, manifest) = (tree.expect("it parses"), manifest.expect("it reads"));
                (name.to_string(), text, manifest, tree)
            })
            .collect()
    }

    /// The file as the test writes it: one template a line.
    fn to_text(read: &[(String, String, Manifest, Node)]) -> String {
        let lines: Vec<String> = read
            .iter()
            .map(|(name, text, manifest, tree)| {
                serde_json::to_string(&Prepared {
                    name: name.clone(),
                    length: text.len(),
                    fingerprint: fingerprint(text),
                    manifest: manifest.clone(),
                    tree: Stored::of(tree),
                })
                .expect("a manifest serializes")
            })
            .collect();
        format!("[\n{}\n]\n", lines.join(",\n"))
    }

    /// The committed file holds what reading each built-in manifest gives today, and serves it.
    #[test]
    fn prepared_manifests_are_the_builtin_ones_read_afresh() {
        let read = read_afresh(7);
        if std::env::var_os("BLESS").is_some() {
            std::fs::write(PATH, to_text(&read)).expect("the file is writable");
            return;
        }
        assert_eq!(
            to_text(&read),
            PREPARED,
            "src/model/template/manifests.json no longer holds the built-in manifests as they read: run `BLESS=1 cargo test --release --lib prepared::` and commit it"
        );
        for (name, text, manifest, tree) in &read {
            let (prepared, prepared_tree) = read_ahead(text, 7).expect("served");
            assert_eq!(format!("{prepared:?}"), format!("{manifest:?}"), "{name}");
            assert_eq!(&prepared_tree, tree, "{name}");
        }
    }

    /// Any other text, even one of the same length, is not served.
    #[test]
    fn other_manifests_are_read_as_written() {
        let read = read_afresh(3);
        let (_, text, _, _) = read
            .iter()
            .find(|(name, ..)| name == "background-note")
            .expect("background-note is built in");
        assert!(read_ahead(text, 3).is_some());
        // The same length, one letter changed.
        let changed = text.replacen("name: background-note", "name: background-notf", 1);
        assert_eq!(changed.len(), text.len());
        assert!(read_ahead(&changed, 3).is_none());
        assert!(read_ahead("name: x\n", 3).is_none());
    }
}
