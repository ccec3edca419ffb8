//! Helpers shared by the test modules: running the binary, fixtures, reading PDFs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The example brief the README builds.
pub fn example() -> PathBuf {
    root().join("briefs/canada-korea-defence-2025.yaml")
}

/// `brief` with a clean environment: no colour, no SOURCE_DATE_EPOCH unless a test sets it.
pub fn brief(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_brief"));
    command
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("SOURCE_DATE_EPOCH");
    command
}

/// Runs a command and returns its output, with stderr as text.
pub fn run(command: &mut Command) -> (Output, String) {
    let output = command.output().expect("the brief binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output, stderr)
}

/// A fresh temporary folder holding a copy of `brief` (and anything beside it in `files`).
pub fn workspace(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for (name, bytes) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    dir
}

/// The text of every page of a PDF, page by page, as a PDF reader extracts it.
pub fn pdf_pages(pdf: &[u8]) -> Vec<String> {
    let document = lopdf::Document::load_mem(pdf).expect("a readable PDF");
    let pages: Vec<u32> = document.get_pages().keys().copied().collect();
    pages
        .iter()
        .map(|&n| document.extract_text(&[n]).expect("extractable text"))
        .collect()
}

/// Text with white space folded, line-end hyphens dropped and quotes straight, for comparing
/// sentences written in a brief with what a justified, hyphenated, typographically quoted page
/// extracts to.
pub fn flatten(text: &str) -> String {
    let folded: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let folded = folded.replace(['’', '‘'], "'").replace(['“', '”'], "\"");
    folded
        .replace("- ", "-")
        .replace(['-', '‐', '\u{ad}'], "")
        .replace(' ', "")
}

/// The value of a key in the PDF's document information dictionary.
pub fn info(pdf: &[u8], key: &[u8]) -> Option<String> {
    let document = lopdf::Document::load_mem(pdf).ok()?;
    let info = document.trailer.get(b"Info").ok()?;
    let info = document.dereference(info).ok()?.1.as_dict().ok()?;
    let value = info.get(key).ok()?;
    lopdf::decode_text_string(value).ok()
}

/// The catalog's /Lang.
pub fn lang(pdf: &[u8]) -> Option<String> {
    let document = lopdf::Document::load_mem(pdf).ok()?;
    let catalog = document.catalog().ok()?;
    lopdf::decode_text_string(catalog.get(b"Lang").ok()?).ok()
}

/// The text of every page, joined, with white space folded to single spaces.
pub fn pdf_text(pdf: &[u8]) -> String {
    pdf_pages(pdf)
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
