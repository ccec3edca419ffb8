//! The built-in templates' manifests read ahead of time: the committed `manifests.json` holds
//! each one's typed manifest and positioned tree, so that a brief on a built-in template is
//! checked without parsing 18 KB of YAML twice (saphyr for the tree, serde_yaml for the typed
//! manifest: about 10 million instructions, more than checking the brief). A test reads every
//! built-in manifest again and compares (`BLESS=1 cargo test --release --lib prepared_manifests`
//! rewrites the file); a manifest text that is not exactly one of them is read as before.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::diag::{FileKey, Span};
use crate::input::yaml::{Entry, Node, Scalar, Value};

/// What `manifests.json` holds, one line a template.
const PREPARED: &str = include_str!("manifests.json");

/// One built-in manifest, read ahead of time (`M` is the typed manifest,
/// [`crate::model::template::Manifest`]).
#[derive(Serialize, Deserialize)]
struct Prepared<M> {
    /// The template's name (for whoever reads the file).
    name: String,
    /// The length of the manifest's text in bytes and its [`fingerprint`]: the entry serves
    /// only that text.
    length: usize,
    fingerprint: u64,
    /// The typed manifest, as serde_yaml reads the text.
    manifest: M,
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
pub fn read_ahead<M: DeserializeOwned>(text: &str, file: FileKey) -> Option<(M, Node)> {
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
            if let Ok(prepared) = serde_json::from_str::<Prepared<M>>(line)
                && Some(prepared.fingerprint) == wanted
            {
                return Some((prepared.manifest, prepared.tree.into_node(file)));
            }
        }
    }
    None
}

/// Where the file is, for the test that writes it.
#[cfg(test)]
pub const PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/src/model/template/manifests.json"
);

/// The committed file as it is.
#[cfg(test)]
pub const COMMITTED: &str = PREPARED;

/// The file as the test writes it, one manifest a line: (name, text, typed manifest, tree).
#[cfg(test)]
pub fn written<M: Serialize>(read: &[(String, String, M, Node)]) -> String {
    let lines: Vec<String> = read
        .iter()
        .map(|(name, text, manifest, tree)| {
            serde_json::to_string(&Prepared {
                name: name.clone(),
                length: text.len(),
                fingerprint: fingerprint(text),
                manifest,
                tree: Stored::of(tree),
            })
            .expect("a manifest serializes")
        })
        .collect();
    format!("[\n{}\n]\n", lines.join(",\n"))
}
