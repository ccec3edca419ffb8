//! Fuzz target: arbitrary YAML, merged over the example brief as a layer and checked alone,
//! never panics the checker against `background-note`; every problem's place lies within its
//! file; and a brief without errors gives template data (`prepare::data`) that is valid JSON.
//!
//! The same `run` replays fuzz/corpus/merge_check/ in `cargo test` (tests/fuzz_corpus.rs).

#![cfg_attr(all(fuzzing, not(brief_afl)), no_main)]

#[cfg(all(fuzzing, not(brief_afl)))]
libfuzzer_sys::fuzz_target!(|data: &[u8]| run(data));

#[cfg(all(fuzzing, brief_afl))]
fn main() {
    afl::fuzz!(|data: &[u8]| run(data));
}

use std::path::PathBuf;

use brief::check;
use brief::diag::Files;
use brief::input::layers;
use brief::input::yaml::{self, Node};
use brief::model::brief::Brief;
use brief::model::template::Registry;
use brief::typeset::prepare;

/// A complete brief for `background-note`, the lower layer the input is merged over.
const BASE: &str = "title: Defence Co-operation
organization: Asia Pacific Foundation of Canada
event:
  name: Strategic Roundtable
  date: 2025-12-08
  city: Vancouver, Canada
sections:
  - heading: Background
    body: |
      A first paragraph.
";

/// Checks the merge and checker invariants on one input.
pub fn run(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut files = Files::default();
    let base_key = files.add("base.yaml", BASE);
    let base = yaml::parse(BASE, base_key).expect("the base brief parses");
    let key = files.add("fuzz.yaml", text);
    let Ok(node) = yaml::parse(text, key) else {
        return;
    };
    let merged = layers::merge(base, node.clone());
    check_one(&node, &mut files);
    check_one(&merged, &mut files);
}

fn check_one(root: &Node, files: &mut Files) {
    let template = Registry::new(None, None)
        .load("background-note", files, None)
        .expect("the built-in template loads");
    let checked = check::check(root, &template);
    for problem in &checked.problems {
        if let Some(span) = problem.span {
            let len = files.text(span.file).len();
            assert!(
                span.start <= span.end && span.end <= len,
                "problem `{}` at {span:?} outside its file of {len} bytes",
                problem.message
            );
        }
    }
    let _ = brief::diag::render(files, &checked.problems);
    if checked.has_errors() {
        return;
    }
    let brief = Brief {
        path: PathBuf::from("fuzz.yaml"),
        template,
        template_at: None,
        fields: checked.data,
        origins: checked.origins,
        warnings: checked.problems,
        images: checked.images,
        root: root.clone(),
        language: checked.edition,
    };
    let data = prepare::data(&brief, &prepare::BuildOptions::default());
    let parsed: serde_json::Value =
        serde_json::from_slice(&data.json).expect("the template data is JSON");
    assert_eq!(parsed["fields"], brief.fields, "the JSON holds the fields");
}

#[cfg(not(fuzzing))]
#[allow(dead_code)]
fn main() {}
