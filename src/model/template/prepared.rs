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
    /// The positioned tree, as [`crate::input::yaml::parse`] reads it, written by
    /// [`write_tree`].
    tree: String,
}

/// A manifest's tree written compactly, each node its kind, its place (`start end`) and what
/// it holds: `n0 4;` null, `s0 4 3:abc` a plain scalar and `q` a quoted one (the text's length
/// in bytes, then the text), `l0 9 2;` a list of two nodes that follow, `m0 9 2;` a map of
/// two entries that follow, each the key's place and text (`0 4 4:name`) and its node.
/// Read by hand, it costs about a quarter of what serde_json took for the same tree as JSON.
#[cfg(test)]
fn write_tree(node: &Node, out: &mut String) {
    use std::fmt::Write as _;
    let (start, end) = (node.span.start, node.span.end);
    let _ = match &node.value {
        Value::Null => write!(out, "n{start} {end};"),
        Value::Scalar(s) => write!(
            out,
            "{}{start} {end} {}:{}",
            if s.plain { 's' } else { 'q' },
            s.text.len(),
            s.text
        ),
        Value::List(items) => {
            let _ = write!(out, "l{start} {end} {};", items.len());
            for item in items {
                write_tree(item, out);
            }
            Ok(())
        }
        Value::Map(entries) => {
            let _ = write!(out, "m{start} {end} {};", entries.len());
            for e in entries {
                let _ = write!(
                    out,
                    "{} {} {}:{}",
                    e.key_span.start,
                    e.key_span.end,
                    e.key.len(),
                    e.key
                );
                write_tree(&e.node, out);
            }
            Ok(())
        }
    };
}

/// Reads what [`write_tree`] writes, the places in `file`; `None` if it is not that.
struct TreeReader<'a> {
    text: &'a str,
    at: usize,
    file: FileKey,
}

impl TreeReader<'_> {
    /// A decimal number and the byte after it (a space, `:` or `;`).
    fn number(&mut self) -> Option<usize> {
        let bytes = self.text.as_bytes();
        let mut n: usize = 0;
        let mut digits = 0;
        while let Some(&b) = bytes.get(self.at) {
            self.at += 1;
            if b.is_ascii_digit() {
                n = n.checked_mul(10)?.checked_add(usize::from(b - b'0'))?;
                digits += 1;
            } else {
                return (digits > 0).then_some(n);
            }
        }
        None
    }

    /// A length and that many bytes of text after the `:` that ends it.
    fn text(&mut self) -> Option<String> {
        let length = self.number()?;
        let text = self.text.get(self.at..self.at.checked_add(length)?)?;
        self.at += length;
        Some(text.to_string())
    }

    fn span(&mut self) -> Option<Span> {
        Some(Span {
            file: self.file,
            start: self.number()?,
            end: self.number()?,
        })
    }

    fn node(&mut self) -> Option<Node> {
        let kind = *self.text.as_bytes().get(self.at)?;
        self.at += 1;
        let span = self.span()?;
        let value = match kind {
            b'n' => Value::Null,
            b's' | b'q' => Value::Scalar(Scalar {
                text: self.text()?,
                plain: kind == b's',
            }),
            b'l' => {
                let count = self.number()?;
                let mut items = Vec::with_capacity(count.min(self.text.len()));
                for _ in 0..count {
                    items.push(self.node()?);
                }
                Value::List(items)
            }
            b'm' => {
                let count = self.number()?;
                let mut entries = Vec::with_capacity(count.min(self.text.len()));
                for _ in 0..count {
                    let key_span = self.span()?;
                    let key = self.text()?;
                    let node = self.node()?;
                    entries.push(Entry {
                        key,
                        key_span,
                        node,
                    });
                }
                Value::Map(entries)
            }
            _ => return None,
        };
        Some(Node { value, span })
    }
}

/// The tree [`write_tree`] wrote, its places in `file`, if `text` is the whole of one.
fn read_tree(text: &str, file: FileKey) -> Option<Node> {
    let mut reader = TreeReader { text, at: 0, file };
    let node = reader.node()?;
    (reader.at == text.len()).then_some(node)
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
                return Some((prepared.manifest, read_tree(&prepared.tree, file)?));
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
                tree: {
                    let mut written = String::new();
                    write_tree(tree, &mut written);
                    written
                },
            })
            .expect("a manifest serializes")
        })
        .collect();
    format!("[\n{}\n]\n", lines.join(",\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tree written and read back is the same tree, in the file it is read into; a text cut
    /// short, or with anything after the tree, is no tree.
    #[test]
    fn trees_read_back_as_written() {
        let text = "name: x\nlist: [1, 'two', ~]\nmap:\n  é: |\n    a\n    b\n";
        let tree = crate::input::yaml::parse(text, 5).expect("it parses");
        let mut written = String::new();
        write_tree(&tree, &mut written);
        let read = read_tree(&written, 5).expect("it reads back");
        assert_eq!(read, tree);
        assert_eq!(read_tree(&written, 9).map(|t| t.span.file), Some(9));
        for cut in 1..written.len() {
            if written.is_char_boundary(cut) {
                assert!(read_tree(&written[..cut], 5).is_none(), "{cut}");
            }
        }
        assert!(read_tree(&format!("{written}n0 0;"), 5).is_none());
        assert!(read_tree("x0 0;", 5).is_none());
    }
}
