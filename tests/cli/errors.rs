//! The exact text of every error a brief can cause, pinned per case.
//!
//! Each folder under tests/fixtures/errors/ holds `brief.yaml` (and any layer it needs) and
//! `expected.txt`, the whole standard error of `brief build brief.yaml` run in that folder.
//! A previous `brief.pdf` sits beside it and must survive unchanged. `BLESS=1` rewrites the
//! expected files after a deliberate change of wording; review the diff.

use std::fs;
use std::path::Path;

use crate::util::{brief, root, run};

const PREVIOUS: &[u8] = b"%PDF-1.7 previous good build\n";

fn copy_dir(from: &Path, to: &Path) {
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Every case prints exactly its expected report, exits 1, and keeps the previous PDF.
#[test]
fn pinned_error_reports() {
    let cases = root().join("tests/fixtures/errors");
    let mut names: Vec<_> = fs::read_dir(&cases)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert!(names.len() >= 10, "the corpus has its cases");
    let mut failures = Vec::new();
    for name in names {
        let case = cases.join(&name);
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&case, dir.path());
        fs::remove_file(dir.path().join("expected.txt")).ok();
        fs::write(dir.path().join("brief.pdf"), PREVIOUS).unwrap();
        let (output, stderr) = run(brief(dir.path()).args(["build", "brief.yaml"]));
        let expected_path = case.join("expected.txt");
        if std::env::var_os("BLESS").is_some() {
            fs::write(&expected_path, &stderr).unwrap();
        }
        let expected = fs::read_to_string(&expected_path).unwrap_or_default();
        let name = name.to_string_lossy();
        if stderr != expected {
            failures.push(format!(
                "{name}: report differs\n--- expected\n{expected}--- actual\n{stderr}"
            ));
        }
        if output.status.code() != Some(1) {
            failures.push(format!(
                "{name}: exit code {:?}, expected 1",
                output.status.code()
            ));
        }
        if fs::read(dir.path().join("brief.pdf")).unwrap() != PREVIOUS {
            failures.push(format!("{name}: the previous PDF changed"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
