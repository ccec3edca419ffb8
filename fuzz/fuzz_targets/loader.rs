//! Fuzz target: `yaml::parse` on arbitrary UTF-8 never panics, and every place it reports,
//! in a diagnostic or in the tree it returns, lies within the text on character boundaries.
//!
//! The same `run` replays fuzz/corpus/loader/ in `cargo test` (tests/fuzz_corpus.rs).

#![cfg_attr(all(fuzzing, not(brief_afl)), no_main)]

#[cfg(all(fuzzing, not(brief_afl)))]
libfuzzer_sys::fuzz_target!(|data: &[u8]| run(data));

#[cfg(all(fuzzing, brief_afl))]
fn main() {
    afl::fuzz!(|data: &[u8]| run(data));
}

use brief::diag::{Files, Span};
use brief::input::yaml::{self, Node, Value};

/// Checks the loader's invariants on one input.
pub fn run(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut files = Files::default();
    let key = files.add("fuzz.yaml", text);
    match yaml::parse(text, key) {
        Ok(node) => check_node(&node, text, key),
        Err(problems) => {
            assert!(!problems.is_empty(), "a failure says why");
            for problem in &problems {
                if let Some(span) = problem.span {
                    check_span(span, text, key);
                }
                // Rendering the report must not panic either.
                let _ = brief::diag::render(&files, std::slice::from_ref(problem));
            }
        }
    }
}

fn check_span(span: Span, text: &str, key: usize) {
    assert_eq!(span.file, key, "a span points into the text parsed");
    assert!(
        span.start <= span.end && span.end <= text.len(),
        "span {span:?} outside a text of {} bytes",
        text.len()
    );
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "span {span:?} splits a character"
    );
}

fn check_node(node: &Node, text: &str, key: usize) {
    check_span(node.span, text, key);
    match &node.value {
        Value::List(items) => items.iter().for_each(|n| check_node(n, text, key)),
        Value::Map(entries) => {
            for entry in entries {
                check_span(entry.key_span, text, key);
                check_node(&entry.node, text, key);
            }
        }
        Value::Null | Value::Scalar(_) => {}
    }
}

#[cfg(not(fuzzing))]
#[allow(dead_code)]
fn main() {}
