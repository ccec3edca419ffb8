//! Output safety: a failed build never touches the last good PDF, and bad targets are refused.

use std::fs;

use crate::util::{brief, example, run, workspace};

const GOOD: &[u8] = b"%PDF-1.7 the last good build\n";

/// A brief with errors leaves the previous PDF byte for byte as it was, and exits 1.
#[test]
fn failed_build_keeps_previous_pdf() {
    let dir = workspace(&[("note.yaml", b"title: [unclosed\n"), ("note.pdf", GOOD)]);
    let (output, stderr) = run(brief(dir.path()).args(["build", "note.yaml"]));
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(fs::read(dir.path().join("note.pdf")).unwrap(), GOOD);
    let names: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        names.len(),
        2,
        "no temporary file is left behind: {names:?}"
    );
}

/// The output cannot be the brief itself, a folder, or in a folder that does not exist.
#[test]
fn bad_targets_are_refused_before_work() {
    let text = fs::read(example()).unwrap();
    let dir = workspace(&[("note.yaml", &text)]);
    fs::create_dir(dir.path().join("folder")).unwrap();
    let cases = [
        (
            "note.yaml",
            "error: cannot write note.yaml (it is the input file itself)\n  = hint: choose another output name with -o\n",
        ),
        (
            "folder",
            "error: cannot write folder (it is a folder)\n  = hint: name a file, such as -o notes/brief.pdf\n",
        ),
        (
            "missing/out.pdf",
            "error: cannot write missing/out.pdf (the folder missing does not exist)\n",
        ),
    ];
    for (target, expected) in cases {
        let (output, stderr) = run(brief(dir.path()).args(["build", "note.yaml", "-o", target]));
        assert_eq!(output.status.code(), Some(1), "{target}");
        assert_eq!(stderr, expected);
    }
    assert_eq!(fs::read(dir.path().join("note.yaml")).unwrap(), text);
}

/// A brief that does not exist is a plain error; a wrong command line exits 2.
#[test]
fn missing_brief_and_usage_errors() {
    let dir = workspace(&[]);
    let (output, stderr) = run(brief(dir.path()).args(["build", "nowhere.yaml"]));
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stderr, "error: cannot read nowhere.yaml (not found)\n");
    let (output, _) = run(brief(dir.path()).args(["build"]));
    assert_eq!(output.status.code(), Some(2));
    let (output, _) = run(brief(dir.path()).args(["build", "a.yaml", "--no-such-flag"]));
    assert_eq!(output.status.code(), Some(2));
}

/// An unwritable output (here /dev/full, which is always full) fails cleanly.
#[cfg(target_os = "linux")]
#[test]
fn full_disk_is_a_clear_error() {
    let text = fs::read(example()).unwrap();
    let dir = workspace(&[("note.yaml", &text)]);
    let (output, stderr) = run(brief(dir.path()).args(["build", "note.yaml", "-o", "/dev/full"]));
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(
        stderr,
        "error: cannot write /dev/full (the disk is full)\n  = hint: the previous file, if there was one, is unchanged\n"
    );
    use std::os::unix::fs::FileTypeExt;
    let kind = fs::metadata("/dev/full").unwrap().file_type();
    assert!(
        kind.is_char_device(),
        "the device itself was replaced: writes must go into special files, not over them"
    );
}

/// `-o -` writes the PDF to standard output and nothing else there.
#[test]
fn dash_is_standard_output() {
    let text = fs::read(example()).unwrap();
    let dir = workspace(&[("note.yaml", &text)]);
    let (output, stderr) = run(brief(dir.path()).args(["build", "note.yaml", "-o", "-"]));
    assert!(output.status.success(), "{stderr}");
    assert!(output.stdout.starts_with(b"%PDF-"));
    assert_eq!(stderr, "");
}

/// `-o -` into a reader that stops early (`| head -c 8`) is not an error: exit 0, nothing on
/// standard error.
#[test]
fn a_reader_that_stops_early_is_no_failure() {
    use std::io::Read;
    use std::process::Stdio;
    let dir = workspace(&[("note.yaml", &fs::read(example()).unwrap())]);
    let mut child = brief(dir.path())
        .args(["build", "note.yaml", "-o", "-"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut head = [0u8; 8];
    child.stdout.take().unwrap().read_exact(&mut head).unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(&head, b"%PDF-1.7");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}
