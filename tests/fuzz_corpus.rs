//! Replays every seed of fuzz/corpus/<target>/ through the fuzz targets' own invariants, so
//! `cargo test` checks them on stable without libFuzzer (the targets' files are included as
//! modules; their `fuzz_target!` entry points exist only under cargo-fuzz's `--cfg fuzzing`).

use std::fs;
use std::path::PathBuf;

#[path = "../fuzz/fuzz_targets/literal_title.rs"]
mod literal_title;
#[path = "../fuzz/fuzz_targets/loader.rs"]
mod loader;
#[path = "../fuzz/fuzz_targets/markdown.rs"]
mod markdown;
#[path = "../fuzz/fuzz_targets/merge_check.rs"]
mod merge_check;

/// Runs `target` on every file of the corpus folder `name`, naming the file that fails.
fn replay(name: &str, target: fn(&[u8])) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(name);
    let mut paths: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    assert!(paths.len() >= 10, "the {name} corpus has its seeds");
    for path in paths {
        let bytes = fs::read(&path).unwrap();
        let outcome = std::panic::catch_unwind(|| target(&bytes));
        assert!(outcome.is_ok(), "{name}: the seed {} fails", path.display());
    }
}

/// The loader never panics on the loader seeds and keeps every place within the text.
#[test]
fn loader_corpus() {
    replay("loader", loader::run);
}

/// Merging and checking the merge_check seeds never panics, and accepted briefs give JSON.
#[test]
fn merge_check_corpus() {
    replay("merge_check", merge_check::run);
}

/// Every literal_title seed comes out of the checker as written, white space folded.
#[test]
fn literal_title_corpus() {
    replay("literal_title", literal_title::run);
}

/// Markdown conversion never panics on the markdown seeds, keeps its places within the text,
/// and makes data a JSON reader with typst's nesting limit reads back; each seed takes well
/// under a second (20,000 list markers, 50,000 `*`, 5,000 quotes among them).
#[test]
fn markdown_corpus() {
    replay("markdown", |data| {
        let started = std::time::Instant::now();
        markdown::run(data);
        assert!(
            started.elapsed() < std::time::Duration::from_millis(500),
            "took {:?}",
            started.elapsed()
        );
    });
}
