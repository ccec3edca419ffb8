//! Fuzz target: Markdown conversion (`markdown::parse` for rich text, `parse_inline` for
//! one-line text) never panics on arbitrary UTF-8; every place it reports (citations, prose,
//! problems) lies within the text on character boundaries; and the data it makes reads back
//! through a JSON reader with typst's nesting limit (128 levels), so no brief can make the
//! data file a template reads too deep to load.
//!
//! The same `run` replays fuzz/corpus/markdown/ in `cargo test` (tests/fuzz_corpus.rs).

#![cfg_attr(all(fuzzing, not(brief_afl)), no_main)]

#[cfg(all(fuzzing, not(brief_afl)))]
libfuzzer_sys::fuzz_target!(|data: &[u8]| run(data));

#[cfg(all(fuzzing, brief_afl))]
fn main() {
    afl::fuzz!(|data: &[u8]| run(data));
}

use std::ops::Range;

use brief::check::markdown::{self, Parsed};

/// Checks the conversion's invariants on one input, as rich text and as one-line text.
pub fn run(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    check(&markdown::parse(text), text);
    check(&markdown::parse_inline(text), text);
}

fn check(parsed: &Parsed, text: &str) {
    for cite in &parsed.cites {
        if let Some(at) = &cite.at {
            check_range(at, text);
        }
    }
    for problem in &parsed.problems {
        check_range(&problem.at, text);
        assert!(!problem.message.is_empty(), "a problem says what is wrong");
    }
    for prose in &parsed.prose {
        // A sample of offsets: `source_of` walks the pieces, so every offset would be slow.
        let step = (prose.text.len() / 64).max(1);
        for offset in (0..prose.text.len()).step_by(step) {
            if let Some(source) = prose.source_of(offset) {
                assert!(source <= text.len(), "prose offset {source} past the text");
            }
        }
    }
    // The data file a template reads: serde_json's reader stops at 128 levels, as typst's does.
    let json = serde_json::to_string(&parsed.blocks).expect("blocks serialize");
    if let Err(error) = serde_json::from_str::<serde_json::Value>(&json) {
        panic!("the blocks do not read back as JSON ({error})");
    }
}

fn check_range(at: &Range<usize>, text: &str) {
    assert!(
        at.start <= at.end && at.end <= text.len(),
        "range {at:?} outside a text of {} bytes",
        text.len()
    );
    assert!(
        text.is_char_boundary(at.start) && text.is_char_boundary(at.end),
        "range {at:?} splits a character"
    );
}

#[cfg(not(fuzzing))]
#[allow(dead_code)]
fn main() {}
