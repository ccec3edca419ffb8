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

/// The text of every page of a tagged PDF that is content, page by page: what is marked as
/// an artifact (`/Artifact BMC` or `BDC` up to its `EMC`: running headers, footers,
/// backgrounds) is left out, as a screen reader leaves it out.
pub fn pdf_content_pages(pdf: &[u8]) -> Vec<String> {
    let mut document = lopdf::Document::load_mem(pdf).expect("a readable PDF");
    let pages: Vec<(u32, lopdf::ObjectId)> = document.get_pages().into_iter().collect();
    for &(_, id) in &pages {
        let content = document
            .get_and_decode_page_content(id)
            .expect("page content");
        let mut kept = Vec::new();
        // The depth of marked content, and the depth at which an artifact opened.
        let (mut depth, mut artifact_at) = (0usize, None::<usize>);
        for operation in content.operations {
            match operation.operator.as_str() {
                "BMC" | "BDC" => {
                    depth += 1;
                    let is_artifact = operation
                        .operands
                        .first()
                        .and_then(|o| o.as_name().ok())
                        .is_some_and(|n| n == b"Artifact");
                    if is_artifact && artifact_at.is_none() {
                        artifact_at = Some(depth);
                    }
                    if artifact_at.is_none() {
                        kept.push(operation);
                    }
                }
                "EMC" => {
                    let closing = artifact_at == Some(depth);
                    if artifact_at.is_none() {
                        kept.push(operation);
                    }
                    if closing {
                        artifact_at = None;
                    }
                    depth = depth.saturating_sub(1);
                }
                _ if artifact_at.is_none() => kept.push(operation),
                _ => {}
            }
        }
        let encoded = lopdf::content::Content { operations: kept }
            .encode()
            .expect("content encodes");
        document
            .change_page_content(id, encoded)
            .expect("content replaced");
    }
    pages
        .iter()
        .map(|&(n, _)| document.extract_text(&[n]).expect("extractable text"))
        .collect()
}
