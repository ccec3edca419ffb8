//! Hardening: inputs and output faults that the pinned corpus (tests/fixtures/errors/) cannot
//! express, because they need a generated file, command-line options, or a process killed.

use std::fs;
use std::process::Stdio;
use std::time::Duration;

use crate::util::{brief, example, run, workspace};

const PREVIOUS: &[u8] = b"%PDF-1.7 previous good build\n";

/// A UTF-8 byte order mark before a valid brief is harmless: it builds, to the same bytes.
#[test]
fn byte_order_mark_builds() {
    let text = fs::read(example()).unwrap();
    let with_bom = [b"\xef\xbb\xbf".as_slice(), &text].concat();
    // The same file name in two folders: the PDF attaches the brief under its name.
    let dir = workspace(&[("plain/note.yaml", &text), ("bom/note.yaml", &with_bom)]);
    for name in ["plain/note.yaml", "bom/note.yaml"] {
        let (output, stderr) = run(brief(dir.path()).args(["build", "-q", name]));
        assert!(output.status.success(), "{name}: {stderr}");
        assert_eq!(stderr, "");
    }
    let plain = fs::read(dir.path().join("plain/note.pdf")).unwrap();
    assert!(plain.starts_with(b"%PDF-"));
    assert_eq!(
        fs::read(dir.path().join("bom/note.pdf")).unwrap(),
        plain,
        "the BOM changes nothing in the PDF"
    );
}

/// A byte order mark does not shift the line and column of an error after it.
#[test]
fn byte_order_mark_keeps_error_places() {
    let dir = workspace(&[
        (
            "brief.yaml",
            "\u{feff}title: Défense\npaper: tabloid\n".as_bytes(),
        ),
        ("brief.pdf", PREVIOUS),
    ]);
    let (output, stderr) = run(brief(dir.path()).args(["build", "brief.yaml"]));
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr.contains("┌─ brief.yaml:2:8\n"),
        "the choice error is on line 2, column 8:\n{stderr}"
    );
    assert_eq!(fs::read(dir.path().join("brief.pdf")).unwrap(), PREVIOUS);
}

/// A 20 MB brief is refused by its size before it is read, and the previous PDF stays.
#[test]
fn twenty_megabyte_brief_is_refused() {
    let mut text = fs::read(example()).unwrap();
    text.push(b'\n');
    let comment = b"# padding to make the brief far larger than any real one\n";
    while text.len() + comment.len() <= 20_000_000 {
        text.extend_from_slice(comment);
    }
    text.resize(20_000_000, b'\n');
    let dir = workspace(&[("brief.yaml", &text), ("brief.pdf", PREVIOUS)]);
    let (output, stderr) = run(brief(dir.path()).args(["build", "brief.yaml"]));
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(
        stderr,
        "error: cannot read brief.yaml (it is 20.0 MB; a brief may be at most 4 MB)\n"
    );
    assert_eq!(fs::read(dir.path().join("brief.pdf")).unwrap(), PREVIOUS);
}

/// Each kind of bad `--set` is reported at its place in the argument, exits 1, and writes
/// nothing.
#[test]
fn bad_set_is_pinned() {
    let text = fs::read(example()).unwrap();
    let cases: &[(&str, &str)] = &[
        (
            "event.date",
            "\
error: `--set` takes PATH=VALUE, but this has no `=`
  ┌─ --set:1:1
  │
1 │ event.date
  │ ^^^^^^^^^^
  │
  = hint: for example: --set event.date=2025-12-09

error: nothing was written
",
        ),
        (
            "=Ottawa",
            "\
error: bad field path in `--set` (the field path is empty)
  ┌─ --set:1:1
  │
1 │ =Ottawa
  │ ^

error: nothing was written
",
        ),
        (
            "sections[x].body=Text",
            "\
error: bad field path in `--set` (`x` is not a list position (0, 1, 2, ...))
  ┌─ --set:1:9
  │
1 │ sections[x].body=Text
  │         ^^^

error: nothing was written
",
        ),
        (
            "sections[9].body=Text",
            "\
error: `sections` has 2 items, so there is no [9]
  ┌─ --set:1:9
  │
1 │ sections[9].body=Text
  │         ^^^
  │
  = hint: `--set` can change list items but not add them; set the whole list instead

error: nothing was written
",
        ),
        (
            "event.date=2025-02-30",
            "\
error: `2025-02-30` is not a date (February 2025 has 28 days)
  ┌─ --set:1:12
  │
1 │ event.date=2025-02-30
  │            ^^^^^^^^^^ event.date
  │
  = expected: a date written YYYY, YYYY-MM or YYYY-MM-DD (such as 2015, 2024-06 or 2025-12-08)

error: nothing was written
",
        ),
        (
            "title=[unclosed",
            "\
error: this `[` is never closed (YAML reads it as the start of a list or map)
  ┌─ --set:1:7
  │
1 │ title=[unclosed
  │       ^
  │
  = the YAML reader gave up on line 1, column 16 (while parsing a flow sequence, expected ',' or ']')
  = hint: put text that starts with `[` in quotes, or close it with `]`

error: nothing was written
",
        ),
    ];
    let mut failures = Vec::new();
    for (set, expected) in cases {
        let dir = workspace(&[("brief.yaml", &text), ("brief.pdf", PREVIOUS)]);
        let (output, stderr) = run(brief(dir.path()).args(["build", "brief.yaml", "--set", set]));
        if stderr != *expected || output.status.code() != Some(1) {
            failures.push(format!(
                "--set {set}: exit {:?}\n--- expected\n{expected}--- actual\n{stderr}",
                output.status.code()
            ));
        }
        if fs::read(dir.path().join("brief.pdf")).unwrap() != PREVIOUS {
            failures.push(format!("--set {set}: the previous PDF changed"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A folder without write permission is a clear error that keeps the previous PDF (checked
/// only when not running as root, for whom permission bits do not stop writes).
#[cfg(unix)]
#[test]
fn read_only_folder_is_a_clear_error() {
    use std::os::unix::fs::PermissionsExt;
    let text = fs::read(example()).unwrap();
    let dir = workspace(&[("note.yaml", &text), ("locked/note.pdf", PREVIOUS)]);
    let locked = dir.path().join("locked");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o555)).unwrap();
    // Root (as in CI containers) writes into a 0555 folder anyway: find out by trying.
    let probe = locked.join("probe");
    let is_root = fs::write(&probe, b"").is_ok();
    let _ = fs::remove_file(&probe);
    let (output, stderr) =
        run(brief(dir.path()).args(["build", "note.yaml", "-o", "locked/note.pdf"]));
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
    if is_root {
        // Skipped: as root the build succeeds, so only check it wrote a whole PDF.
        assert!(output.status.success(), "{stderr}");
        assert!(
            fs::read(locked.join("note.pdf"))
                .unwrap()
                .starts_with(b"%PDF-")
        );
        return;
    }
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(
        stderr,
        "error: cannot write locked/note.pdf (permission denied)\n  = hint: the previous file, if there was one, is unchanged\n"
    );
    assert_eq!(fs::read(locked.join("note.pdf")).unwrap(), PREVIOUS);
}

/// Killing `brief build` at any moment leaves at the output path either the previous bytes or
/// a complete PDF (`%PDF-` … `%%EOF`), never a truncated one.
#[cfg(unix)]
#[test]
fn killed_build_never_leaves_a_truncated_pdf() {
    let text = fs::read(example()).unwrap();
    let dir = workspace(&[("note.yaml", &text)]);
    let out = dir.path().join("note.pdf");
    let mut outcomes = [0usize; 2];
    for round in 0..40u64 {
        fs::write(&out, PREVIOUS).unwrap();
        let mut child = brief(dir.path())
            .args(["build", "-q", "note.yaml"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // From 0 to about 80 ms in uneven steps, across reading, typesetting and writing.
        std::thread::sleep(Duration::from_micros(
            round * round * 50 + round * 137 % 1000,
        ));
        let _ = child.kill();
        child.wait().unwrap();
        let bytes = fs::read(&out).unwrap();
        if bytes == PREVIOUS {
            outcomes[0] += 1;
            continue;
        }
        let trimmed = bytes.trim_ascii_end();
        assert!(
            bytes.starts_with(b"%PDF-") && trimmed.ends_with(b"%%EOF"),
            "round {round}: the output is neither the previous PDF nor a complete one ({} bytes)",
            bytes.len()
        );
        outcomes[1] += 1;
    }
    // Not an assertion on timing: just what happened, for whoever reads a failing run.
    eprintln!(
        "killed builds: {} left the previous PDF, {} had finished",
        outcomes[0], outcomes[1]
    );
}
