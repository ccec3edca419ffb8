//! The folder of personalized copies (issue #18): only a folder holding exactly what this
//! brief's copies put there is replaced (a copied marker, another brief's copies, a subfolder
//! or a changed file are refused), one run at a time, and a run killed at any step of the swap
//! loses neither batch: the next run puts the previous one back and removes what was left.

use std::fs;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::hostile::bounded;
use crate::util::{brief, example, workspace};

/// The example brief with two participants, as `note.yaml` in a fresh folder.
fn two_participants() -> Vec<u8> {
    let text = fs::read_to_string(example()).unwrap();
    let start = text.find("\nparticipants:\n").unwrap();
    let end = start + 1 + text[start + 1..].find("\n\n").unwrap();
    let list = "\nparticipants:\n  - name: Hélène Tremblay\n  - name: 김민준\n";
    format!("{}{}{}", &text[..start], list, &text[end..]).into_bytes()
}

/// Every entry of a folder, hidden ones included, with the bytes of each file (`None` for a
/// folder), sorted by name. The marker's modification times, which differ from one folder
/// to another for the same bytes, are left out.
fn snapshot(dir: &Path) -> Vec<(String, Option<Vec<u8>>)> {
    let mut entries: Vec<(String, Option<Vec<u8>>)> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            let mut bytes = e
                .file_type()
                .unwrap()
                .is_file()
                .then(|| fs::read(e.path()).unwrap());
            if name == ".brief-copies" {
                bytes = bytes.map(|b| {
                    let text = String::from_utf8(b).unwrap();
                    let kept: Vec<&str> = text
                        .lines()
                        .filter(|l| !l.contains("\"modified\":"))
                        .collect();
                    kept.join("\n").into_bytes()
                });
            }
            (name, bytes)
        })
        .collect();
    entries.sort();
    entries
}

fn names(dir: &Path) -> Vec<String> {
    snapshot(dir).into_iter().map(|(n, _)| n).collect()
}

/// A workspace with `note.yaml` and its copies already made in `note-copies/`.
fn with_copies() -> (tempfile::TempDir, PathBuf) {
    let dir = workspace(&[("note.yaml", &two_participants())]);
    let (code, stderr) = bounded(
        brief(dir.path()).args(["build", "-q", "note.yaml", "--per-participant"]),
        60,
    );
    assert_eq!(code, Some(0), "{stderr}");
    let out = dir.path().join("note-copies");
    (dir, out)
}

/// Runs `brief ARGS` in `dir`: exit 1 within seconds and a bounded address space, with the
/// report `expected` (every line pinned); `folder` stays exactly as it was.
fn refused(dir: &Path, args: &[&str], expected: &str, folder: &Path) {
    let before = snapshot(folder);
    let (code, stderr) = bounded(brief(dir).args(args), 20);
    assert_eq!(code, Some(1), "brief {}: {stderr}", args.join(" "));
    assert_eq!(stderr, expected, "brief {}", args.join(" "));
    assert!(snapshot(folder) == before, "{} changed", folder.display());
}

/// A `.brief-copies` copied from a folder of copies into a folder of the user's own files
/// does not make them brief's: a subfolder, a file the marker does not list, and a file of
/// the same name but other bytes are each refused, and nothing in the folder changes.
#[test]
fn a_copied_marker_does_not_make_a_folder_brief_s() {
    let (dir, out) = with_copies();
    let mine = dir.path().join("mine");
    fs::create_dir_all(mine.join("drafts")).unwrap();
    fs::write(mine.join("drafts/outline.txt"), "keep").unwrap();
    fs::write(mine.join("report.pdf"), "%PDF-1.7 my own report").unwrap();
    fs::copy(out.join(".brief-copies"), mine.join(".brief-copies")).unwrap();
    let args = [
        "build",
        "note.yaml",
        "--per-participant",
        "--out-dir",
        "mine",
    ];
    refused(
        dir.path(),
        &args,
        "error: cannot write copies to mine (it holds the folder `drafts`, which brief did not write)\n  \
         = hint: brief replaces the whole folder when it writes copies again, so it writes only to a new folder, an empty one, or its own\n  \
         = hint: 1 more entry of the folder is not brief's\n",
        &mine,
    );
    // The same names as the copies, but the user's own bytes.
    fs::remove_dir_all(mine.join("drafts")).unwrap();
    fs::remove_file(mine.join("report.pdf")).unwrap();
    fs::write(mine.join("Hélène-Tremblay.pdf"), "%PDF-1.7 my own").unwrap();
    refused(
        dir.path(),
        &args,
        "error: cannot write copies to mine (`Hélène-Tremblay.pdf` was changed after brief wrote it)\n  \
         = hint: brief replaces the whole folder when it writes copies again, so it writes only to a new folder, an empty one, or its own\n",
        &mine,
    );
    // A subfolder put inside brief's own folder of copies is the user's too.
    fs::create_dir(out.join("annotated")).unwrap();
    refused(
        dir.path(),
        &["build", "note.yaml", "--per-participant"],
        "error: cannot write copies to note-copies (it holds the folder `annotated`, which brief did not write)\n  \
         = hint: brief replaces the whole folder when it writes copies again, so it writes only to a new folder, an empty one, or its own\n",
        &out,
    );
    // The marker of an earlier brief, which listed nothing, is not trusted either.
    fs::remove_dir(out.join("annotated")).unwrap();
    fs::write(
        out.join(".brief-copies"),
        "2 personalized copies, one per participant.\nWritten by brief 0.1.0, which replaces this folder as a whole when it writes these copies again.\n",
    )
    .unwrap();
    refused(
        dir.path(),
        &["build", "note.yaml", "--per-participant"],
        "error: cannot write copies to note-copies (its .brief-copies does not list what brief wrote there)\n  \
         = hint: an earlier version of brief wrote another kind of marker, or it was copied from elsewhere or changed: look at what the folder holds, then delete it or name another with --out-dir\n",
        &out,
    );
}

/// Two briefs cannot share a folder of copies: the second is refused, naming the first, and
/// the first's copies stay; each brief's own folder works.
#[test]
fn two_briefs_sharing_a_folder_are_refused() {
    let text = two_participants();
    let dir = workspace(&[("a.yaml", &text), ("b.yaml", &text)]);
    let (code, stderr) = bounded(
        brief(dir.path()).args([
            "build",
            "-q",
            "a.yaml",
            "--per-participant",
            "--out-dir",
            "shared",
        ]),
        60,
    );
    assert_eq!(code, Some(0), "{stderr}");
    let shared = dir.path().join("shared");
    for command in ["build", "handout"] {
        refused(
            dir.path(),
            &[
                command,
                "b.yaml",
                "--per-participant",
                "--out-dir",
                "shared",
            ],
            "error: cannot write copies to shared (it holds the copies of a.yaml)\n  \
             = hint: two briefs cannot share a folder of copies (each replaces the whole folder): name another folder with --out-dir\n",
            &shared,
        );
    }
    // Moving the folder that holds both the brief and its copies keeps them the brief's.
    let moved = dir.path().join("moved");
    fs::create_dir(&moved).unwrap();
    fs::rename(dir.path().join("a.yaml"), moved.join("a.yaml")).unwrap();
    fs::rename(&shared, moved.join("shared")).unwrap();
    let (code, stderr) = bounded(
        brief(&moved).args([
            "build",
            "-q",
            "a.yaml",
            "--per-participant",
            "--out-dir",
            "shared",
        ]),
        60,
    );
    assert_eq!(code, Some(0), "{stderr}");
}

/// While a run holds the folder's lock, a second run is refused at once, naming the process;
/// a lock left by a killed run (nobody holds it) is taken over and removed.
#[test]
fn one_run_at_a_time() {
    let (dir, out) = with_copies();
    let lock = dir.path().join(".note-copies.lock");
    let held = fs::OpenOptions::new()
        .create(true)
        .truncate(true)
        .write(true)
        .open(&lock)
        .unwrap();
    held.lock().unwrap();
    fs::write(&lock, "4242").unwrap();
    refused(
        dir.path(),
        &["build", "note.yaml", "--per-participant"],
        "error: cannot write copies to note-copies (another run of brief (process 4242) is writing copies there now)\n  \
         = hint: wait for it to finish, or name another folder with --out-dir\n",
        &out,
    );
    drop(held);
    let (code, stderr) = bounded(
        brief(dir.path()).args(["build", "-q", "note.yaml", "--per-participant"]),
        60,
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(names(dir.path()), ["note-copies", "note.yaml"]);
}

/// strace, or `None` (the test then skips, saying so) unless BRIEF_REQUIRE_TOOLS=1.
fn strace() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join("strace"))
            .find(|p| p.is_file())
    });
    // A sandbox may forbid tracing (ptrace) even where strace is installed.
    let why = match &found {
        None => Some("strace is not installed (apt-get install strace)"),
        Some(strace) => (!Command::new(strace)
            .args(["-o", "/dev/null", "true"])
            .status()
            .is_ok_and(|s| s.success()))
        .then_some("strace cannot trace here (ptrace is not allowed)"),
    };
    if let Some(why) = why {
        if std::env::var("BRIEF_REQUIRE_TOOLS").as_deref() == Ok("1") {
            panic!("BRIEF_REQUIRE_TOOLS=1, but {why}");
        }
        eprintln!("skipped: {why}, so no kill can be injected");
        return None;
    }
    found
}

/// The report of the run after a killed one: the date error its `--set` makes on purpose,
/// after the note of a batch put back when there was one.
const BAD_DATE: &str = "\
error: `2025-02-30` is not a date (February 2025 has 28 days)
  ┌─ --set:1:12
  │
1 │ event.date=2025-02-30
  │            ^^^^^^^^^^ event.date
  │
  = expected: a date written YYYY, YYYY-MM or YYYY-MM-DD (such as 2015, 2024-06 or 2025-12-08)

error: nothing was written
";

const RECOVERED: &str = "note: a run of brief was stopped while it replaced the copies in note-copies; the copies it was replacing are back in place\n";

/// A run writing a new batch over an old one is killed (SIGKILL, injected by strace at the
/// entry of a system call) at every step of its swap: before and after it makes its staging
/// folder, exchanges the folders, renames, removes a file or a folder. This is done with
/// `RENAME_EXCHANGE`, and again with `renameat2` failing (EINVAL, as on NFS) so that two
/// renames must do. After each kill the folder holds the old batch or the new one, whole
/// (or, between two renames, nothing); the next run, failing on purpose, puts the old one
/// back where it is gone, removes every leftover, exits 1 with its pinned report, and leaves
/// the old batch or the new one byte for byte.
#[test]
fn a_kill_at_every_step_of_the_swap_loses_no_batch() {
    let Some(strace) = strace() else { return };
    let text = two_participants();
    // The old batch and the new one (another title), made once, to compare with.
    let reference = workspace(&[("note.yaml", &text)]);
    let make = |dir: &Path, extra: &[&str]| {
        let (code, stderr) = bounded(
            brief(dir)
                .args(["build", "-q", "note.yaml", "--per-participant"])
                .args(extra),
            60,
        );
        assert_eq!(code, Some(0), "{stderr}");
        snapshot(&dir.join("note-copies"))
    };
    let new_title = ["--set", "title=A new title"];
    let new = make(reference.path(), &new_title);
    let old = make(reference.path(), &[]);
    assert!(old != new);
    let mut killed: Vec<String> = Vec::new();
    for exchange in [true, false] {
        for syscall in ["mkdir", "renameat2", "rename", "unlink", "rmdir"] {
            if !exchange && syscall == "renameat2" {
                continue;
            }
            for n in 1.. {
                let dir = workspace(&[("note.yaml", &text)]);
                let out = dir.path().join("note-copies");
                // The old batch, as the reference made it (its marker names `note.yaml`).
                fs::create_dir(&out).unwrap();
                for entry in fs::read_dir(reference.path().join("note-copies")).unwrap() {
                    let entry = entry.unwrap();
                    fs::copy(entry.path(), out.join(entry.file_name())).unwrap();
                }
                let mut command = Command::new(&strace);
                command.args(["-f", "-o", "/dev/null", "-e"]);
                command.arg(format!("inject={syscall}:signal=KILL:when={n}"));
                if !exchange {
                    command.args(["-e", "inject=renameat2:error=EINVAL"]);
                }
                let binary = env!("CARGO_BIN_EXE_brief");
                let status = command
                    .arg(binary)
                    .args(["build", "-q", "note.yaml", "--per-participant"])
                    .args(new_title)
                    .current_dir(dir.path())
                    .env("NO_COLOR", "1")
                    .env_remove("SOURCE_DATE_EPOCH")
                    .status()
                    .unwrap();
                let case = format!(
                    "{} {syscall} #{n}",
                    if exchange { "exchange" } else { "two renames" }
                );
                if status.success() {
                    // No such call left to kill at: the run wrote the new batch.
                    assert!(snapshot(&out) == new, "{case}: the new batch");
                    assert_eq!(names(dir.path()), ["note-copies", "note.yaml"], "{case}");
                    break;
                }
                assert!(
                    status.signal() == Some(9) || status.code() == Some(137),
                    "{case}: {status:?}"
                );
                killed.push(case.clone());
                let gone = !out.exists();
                if gone {
                    assert!(!exchange, "{case}: exchanging never leaves no folder");
                } else {
                    let now = snapshot(&out);
                    assert!(now == old || now == new, "{case}: a whole batch in place");
                }
                let (code, stderr) = bounded(
                    brief(dir.path()).args([
                        "build",
                        "note.yaml",
                        "--per-participant",
                        "--set",
                        "event.date=2025-02-30",
                    ]),
                    20,
                );
                assert_eq!(code, Some(1), "{case}: {stderr}");
                let expected = if gone {
                    format!("{RECOVERED}{BAD_DATE}")
                } else {
                    BAD_DATE.to_string()
                };
                assert_eq!(stderr, expected, "{case}");
                let now = snapshot(&out);
                assert!(now == old || now == new, "{case}: a whole batch after");
                if gone {
                    assert!(now == old, "{case}: the old batch put back");
                }
                assert_eq!(
                    names(dir.path()),
                    ["note-copies", "note.yaml"],
                    "{case}: leftovers"
                );
            }
        }
    }
    // Among them: before the exchange, and between the two renames.
    for case in [
        "exchange renameat2 #1",
        "two renames rename #1",
        "two renames rename #2",
    ] {
        assert!(killed.iter().any(|k| k == case), "{case} in {killed:?}");
    }
    eprintln!("killed at {} steps: {}", killed.len(), killed.join(", "));
}

/// A merged print file (`--merged`) killed before its temporary file is renamed into place
/// leaves the previous file byte for byte; the next run removes the temporary file.
#[test]
fn a_killed_merged_file_leaves_nothing_after_the_next_run() {
    let Some(strace) = strace() else { return };
    let dir = workspace(&[("note.yaml", &two_participants())]);
    let merged = ["build", "-q", "note.yaml", "--per-participant", "--merged"];
    let (code, stderr) = bounded(brief(dir.path()).args(merged), 60);
    assert_eq!(code, Some(0), "{stderr}");
    let file = dir.path().join("note-copies.pdf");
    let before = fs::read(&file).unwrap();
    let status = Command::new(&strace)
        .args([
            "-f",
            "-o",
            "/dev/null",
            "-e",
            "inject=rename,renameat:signal=KILL:when=1",
        ])
        .arg(env!("CARGO_BIN_EXE_brief"))
        .args(merged)
        .args(["--set", "title=A new title"])
        .current_dir(dir.path())
        .status()
        .unwrap();
    assert_eq!(status.signal(), Some(9), "{status:?}");
    assert_eq!(fs::read(&file).unwrap(), before);
    let left = names(dir.path());
    assert_eq!(left.len(), 3, "{left:?}");
    assert!(left[0].starts_with(".note-copies.pdf.") && left[0].ends_with(".partial"));
    let (code, stderr) = bounded(brief(dir.path()).args(merged), 60);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(names(dir.path()), ["note-copies.pdf", "note.yaml"]);
}
