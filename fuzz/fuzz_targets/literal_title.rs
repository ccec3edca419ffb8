//! Fuzz target: any text placed in `title` (written as a YAML double-quoted string) reaches the
//! checked data unchanged except for white space folded to single spaces (no-break spaces are
//! kept) and straight quotes made typographic (`\"` kept straight); a title that cannot be
//! printed (a control character, or nothing but white space) is an error at `title`.
//!
//! The same `run` replays fuzz/corpus/literal_title/ in `cargo test` (tests/fuzz_corpus.rs).

#![cfg_attr(all(fuzzing, not(brief_afl)), no_main)]

#[cfg(all(fuzzing, not(brief_afl)))]
libfuzzer_sys::fuzz_target!(|data: &[u8]| run(data));

#[cfg(all(fuzzing, brief_afl))]
fn main() {
    afl::fuzz!(|data: &[u8]| run(data));
}

use brief::check;
use brief::diag::Files;
use brief::input::yaml;
use brief::model::template::Registry;

/// Checks that the title comes out literally, for one input (the title's text).
pub fn run(data: &[u8]) {
    let Ok(title) = std::str::from_utf8(data) else {
        return;
    };
    let quoted = serde_json::to_string(title).expect("a string serializes");
    let text = format!(
        "title: {quoted}
organization: Asia Pacific Foundation of Canada
event:
  name: Strategic Roundtable
  date: 2025-12-08
  city: Vancouver, Canada
sections:
  - body: A paragraph.
"
    );
    let mut files = Files::default();
    let key = files.add("fuzz.yaml", text.as_str());
    let root = yaml::parse(&text, key).expect("a JSON string is a YAML double-quoted scalar");
    let template = Registry::new(None, None)
        .load("background-note", &mut files, None)
        .expect("the built-in template loads");
    let checked = check::check(&root, &template);
    // Control characters, and direction controls (which would reorder what follows), are
    // refused at `title`.
    let unprintable = title.chars().any(|c| {
        (c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
            || brief::text::direction_control(c).is_some()
    });
    // Folding: runs of white space become one space, but no-break spaces are kept as written.
    let folded = title
        .split(|c: char| c.is_whitespace() && !matches!(c, '\u{a0}' | '\u{2007}' | '\u{202f}'))
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if unprintable || title.trim().is_empty() {
        assert!(
            checked
                .problems
                .iter()
                .any(|p| p.is_error() && p.field.as_deref() == Some("title")),
            "an unprintable title {title:?} is an error at `title`: {:?}",
            checked.problems
        );
        return;
    }
    assert!(
        !checked.has_errors(),
        "the title {title:?} is accepted: {:?}",
        checked.problems
    );
    // Quotes of any kind compared as straight ones: which mark a quote becomes is tested in
    // check::typography.
    let straight = |text: &str| -> String {
        text.chars()
            .map(|c| match c {
                '“' | '”' | '″' | '\u{e000}' => '"',
                '‘' | '’' | '′' | '\u{e001}' => '\'',
                c => c,
            })
            .collect()
    };
    let printed = checked.data["title"].as_str().map(straight);
    assert_eq!(
        printed,
        Some(straight(&folded.replace("\\\"", "\"").replace("\\'", "'"))),
        "the title {title:?} comes out literally"
    );
}

#[cfg(not(fuzzing))]
#[allow(dead_code)]
fn main() {}
