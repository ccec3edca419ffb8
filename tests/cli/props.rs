//! Property tests (proptest) of layer merging, the loader and the checker, in process.

use brief::check;
use brief::diag::{Files, Span};
use brief::input::layers::merge;
use brief::input::yaml::{self, Entry, Node, Scalar, Value};
use brief::model::template::Registry;
use proptest::prelude::*;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn span(file: usize) -> Span {
    Span::new(file, 0..0)
}

fn scalar(text: String, file: usize) -> Node {
    Node {
        value: Value::Scalar(Scalar { text, plain: true }),
        span: span(file),
    }
}

fn map(entries: Vec<(String, Node)>, file: usize) -> Node {
    let mut seen = std::collections::HashSet::new();
    let entries = entries
        .into_iter()
        .filter(|(k, _)| seen.insert(k.clone()))
        .map(|(key, node)| Entry {
            key,
            key_span: span(file),
            node,
        })
        .collect();
    Node {
        value: Value::Map(entries),
        span: span(file),
    }
}

fn key() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["a", "b", "c", "d", "title", "event", "x"]).prop_map(String::from)
}

/// A map of scalars with keys from a small set, so layers share keys, all placed in `file`.
fn scalar_map(file: usize) -> impl Strategy<Value = Node> {
    prop::collection::vec((key(), "[a-z0-9 ]{0,6}"), 0..6).prop_map(move |pairs| {
        map(
            pairs
                .into_iter()
                .map(|(k, v)| (k, scalar(v, file)))
                .collect(),
            file,
        )
    })
}

/// Any tree: nulls, scalars, lists and maps, up to a few levels deep.
fn tree(file: usize) -> impl Strategy<Value = Node> {
    let leaf = prop_oneof![
        Just(Node {
            value: Value::Null,
            span: span(file)
        }),
        "[a-z ]{0,5}".prop_map(move |t| scalar(t, file)),
    ];
    leaf.prop_recursive(3, 24, 4, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(move |items| Node {
                value: Value::List(items),
                span: span(file),
            }),
            prop::collection::vec((key(), inner), 0..4).prop_map(move |e| map(e, file)),
        ]
    })
}

/// A map at the top of a tree, as every layer is.
fn tree_map(file: usize) -> impl Strategy<Value = Node> {
    prop::collection::vec((key(), tree(file)), 0..5).prop_map(move |e| map(e, file))
}

/// Writes a tree as YAML with every scalar double-quoted (JSON strings are YAML).
fn emit(node: &Node) -> String {
    match &node.value {
        Value::Null => "null".into(),
        Value::Scalar(s) => serde_json::to_string(&s.text).unwrap(),
        Value::List(items) => format!(
            "[{}]",
            items.iter().map(emit).collect::<Vec<_>>().join(", ")
        ),
        Value::Map(entries) => format!(
            "{{{}}}",
            entries
                .iter()
                .map(|e| format!(
                    "{}: {}",
                    serde_json::to_string(&e.key).unwrap(),
                    emit(&e.node)
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The tree without places or quoting: what a value means.
fn shape(node: &Node) -> serde_json::Value {
    match &node.value {
        Value::Null => serde_json::Value::Null,
        Value::Scalar(s) => serde_json::Value::String(s.text.clone()),
        Value::List(items) => items.iter().map(shape).collect(),
        Value::Map(entries) => serde_json::Value::Object(
            entries
                .iter()
                .map(|e| (e.key.clone(), shape(&e.node)))
                .collect(),
        ),
    }
}

/// Text built from the pieces YAML is made of, so the loader accepts a good share of it.
fn yamlish() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(vec![
        "a", "b: ", "- ", "\n", "  ", ": ", "'q'", "\"d\\n\"", "[", "]", "{", "}", ", ", "#c\n",
        "&x ", "*x", "|\n  ", ">\n  ", "~", "é", "1", "---\n", "? ", "!!str ", "\t",
    ]);
    prop::collection::vec(piece, 0..24).prop_map(|p| p.concat())
}

/// Values for the background note's fields: good and bad text, dates, numbers, and shapes.
fn note_value() -> impl Strategy<Value = String> {
    let leaf = prop::sample::select(vec![
        "Defence Co-operation",
        "''",
        "~",
        "2025-12-08",
        "2025-02-30",
        "2015",
        "2024-13",
        "letter",
        "A4",
        "en-CA",
        "3",
        "-1",
        "first",
        "true",
        "\"\\u0007bell\"",
        "\"#set $x$ <l> \\\\\"",
        "|\n  One.\n\n  Two.",
    ])
    .prop_map(String::from);
    leaf.prop_recursive(3, 20, 4, |inner| {
        let field = prop::sample::select(vec![
            "heading", "body", "date", "text", "name", "city", "venue", "zzz",
        ]);
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4)
                .prop_map(|items| format!("[{}]", items.join(", "))),
            prop::collection::vec((field, inner), 0..4).prop_map(|pairs| format!(
                "{{{}}}",
                pairs
                    .iter()
                    .map(|(k, v)| format!("{k}: {v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        ]
    })
}

/// A brief for the background note from a small grammar of its keys (and a few wrong ones).
fn note_brief() -> impl Strategy<Value = String> {
    let field = prop::sample::select(vec![
        "title",
        "kicker",
        "organization",
        "event",
        "date",
        "authors",
        "lang",
        "paper",
        "sections",
        "milestones",
        "milestones-after",
        "questions",
        "acronyms",
        "disclaimer",
        "titel",
        "template",
    ]);
    prop::collection::vec((field, note_value()), 0..10).prop_map(|pairs| {
        pairs
            .iter()
            .map(|(k, v)| {
                // Block scalars need their own lines; everything else is flow on one line.
                if v.starts_with('|') {
                    format!("{k}: {v}\n")
                } else {
                    format!("{k}: {}\n", v.replace('\n', " "))
                }
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(config())]

    /// Merging a map with an empty map, below or above it, leaves its value as it was.
    #[test]
    fn merge_with_empty_changes_nothing(x in tree_map(0)) {
        let empty = map(Vec::new(), 1);
        prop_assert_eq!(&merge(x.clone(), empty.clone()).value, &x.value);
        prop_assert_eq!(&merge(empty, x.clone()).value, &x.value);
    }

    /// On every key the higher layer sets to a scalar, its value wins; other keys keep theirs.
    #[test]
    fn higher_layer_wins_on_scalars(low in tree_map(0), high in scalar_map(1)) {
        let merged = merge(low.clone(), high.clone());
        let Value::Map(entries) = &merged.value else { panic!("maps merge to a map") };
        for entry in entries {
            match (high.get(&entry.key), low.get(&entry.key)) {
                (Some(h), _) => prop_assert_eq!(&entry.node, &h.node),
                (None, Some(l)) => prop_assert_eq!(&entry.node, &l.node),
                (None, None) => prop_assert!(false, "a key from nowhere: {}", entry.key),
            }
        }
    }

    /// For maps of scalars, (a over b) over c is a over (b over c), places included.
    #[test]
    fn merge_is_associative_on_maps_of_scalars(
        a in scalar_map(0),
        b in scalar_map(1),
        c in scalar_map(2),
    ) {
        let left = merge(merge(a.clone(), b.clone()), c.clone());
        let right = merge(a, merge(b, c));
        prop_assert_eq!(left, right);
    }

    /// Whatever YAML-like text the loader accepts, written back out with every scalar quoted,
    /// loads to the same values: scalar texts survive the loader exactly.
    #[test]
    fn accepted_yaml_round_trips_its_scalars(text in yamlish()) {
        if let Ok(node) = yaml::parse(&text, 0) {
            let again = emit(&node);
            let reloaded = yaml::parse(&again, 0);
            prop_assert!(reloaded.is_ok(), "{again:?} from {text:?}: {reloaded:?}");
            prop_assert_eq!(shape(&reloaded.unwrap()), shape(&node));
        }
    }

    /// Any tree of strings, written as YAML, loads back to the same strings (the loader's
    /// unescaping is exact).
    #[test]
    fn any_strings_load_back_exactly(node in tree_map(0)) {
        let text = emit(&node);
        let loaded = yaml::parse(&text, 0);
        prop_assert!(loaded.is_ok(), "{text:?}: {loaded:?}");
        prop_assert_eq!(shape(&loaded.unwrap()), shape(&node));
    }

    /// The checker never panics on briefs from a small grammar of the background note, and
    /// every problem it reports points inside the text it is about.
    #[test]
    fn checker_never_panics_and_spans_are_in_the_text(text in note_brief()) {
        let mut files = Files::default();
        let key = files.add("brief.yaml", text.as_str());
        let template = Registry::new(None, None)
            .load("background-note", &mut files, None)
            .expect("the built-in template loads");
        let problems = match yaml::parse(&text, key) {
            Ok(root) => check::check(&root, &template).problems,
            Err(problems) => problems,
        };
        for problem in problems {
            let span = problem.span.expect("a brief's problem has a place");
            let len = files.text(span.file).len();
            prop_assert!(span.start <= span.end && span.end <= len,
                "`{}` at {:?}, outside {} bytes of {:?}", problem.message, span, len, text);
            if span.file == key {
                prop_assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
            }
        }
    }

    /// Any title without control characters comes out of the checker as written, white space
    /// folded (the fuzz target literal_title, with proptest's strings).
    #[test]
    fn titles_come_out_literally(title in "\\PC{0,40}|[ \\t\\n#$@<>\\[\\]\\\\a-z]{0,20}") {
        literal_title(title.as_bytes());
    }
}

#[path = "../../fuzz/fuzz_targets/literal_title.rs"]
mod literal_title_target;
use literal_title_target::run as literal_title;
