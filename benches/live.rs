//! Benchmark of `brief preview` on the example brief: the time from saving an edit to the new
//! page shown in headless Chromium (the picture decoded and swapped in), median, p90 and range
//! over 30 edits that each change the first page's first paragraph.
//!
//! Run with `cargo bench --bench live`; needs /usr/bin/chromium, /usr/bin/chromedriver and a
//! Python with selenium (`BRIEF_PYTHON`, default `python3`). `BRIEF_BENCH_RUNS` sets the
//! number of edits (default 30).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

mod common;
use common::env_number;

/// The words edited back and forth; both are on page 1.
const ORIGINAL: &str = "rapidly expanding their defence and";
const EDITED: &str = "quickly broadening their defence and";

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = std::env::var("BRIEF_PYTHON").unwrap_or_else(|_| "python3".into());
    let runs = env_number("BRIEF_BENCH_RUNS", 30);
    let dir = tempfile::tempdir().unwrap();
    let brief = dir.path().join("note.yaml");
    std::fs::copy(root.join("briefs/canada-korea-defence-2025.yaml"), &brief).unwrap();
    let mut preview = Command::new(env!("CARGO_BIN_EXE_brief"))
        .args(["preview", "note.yaml", "--port", "0", "--quiet"])
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .expect("brief preview starts");
    let mut url = String::new();
    BufReader::new(preview.stdout.take().unwrap())
        .read_line(&mut url)
        .unwrap();
    let steps = serde_json::json!([
        {"step": "open"},
        {"step": "bench", "edits": runs, "page": 1, "a": ORIGINAL, "b": EDITED},
    ]);
    let steps_file = dir.path().join("steps.json");
    std::fs::write(&steps_file, steps.to_string()).unwrap();
    let output = Command::new(&python)
        .arg(root.join("tests/browser/preview.py"))
        .arg(url.trim())
        .arg(&brief)
        .arg(&steps_file)
        .output()
        .expect("the browser driver runs");
    let _ = preview.kill();
    let _ = preview.wait();
    assert!(
        output.status.success(),
        "the browser driver failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let bench: serde_json::Value = stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|v| v["step"] == "bench")
        .expect("the bench step's line");
    let mut times: Vec<f64> = bench["times"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t.as_f64())
        .collect();
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    println!(
        "brief preview, save to page shown in Chromium, {} edits: median {:.0} ms, p90 {:.0} ms, min {:.0} ms, max {:.0} ms",
        times.len(),
        at(0.5),
        at(0.9),
        times[0],
        times[times.len() - 1]
    );
}
