//! Page limits: `page-limit` in a brief (or its template's default) fails a build that runs
//! over, says by how much and what landed on the extra page, and writes nothing.

use std::fs;

use crate::util::{brief, run, workspace};

/// A background note of `paragraphs` paragraphs and a closing section, limited to `limit`.
fn long_note(paragraphs: usize, limit: &str) -> String {
    let body: Vec<String> = (1..=paragraphs)
        .map(|i| {
            format!(
                "      Paragraph {i}. The committee met to review the draft and agreed on the next steps for the consultation."
            )
        })
        .collect();
    format!(
        "title: A Long Note\norganization: Global Affairs Canada\nevent:\n  name: Roundtable\n  date: 2025-12-08\n  city: Ottawa, Canada\npage-limit: {limit}\nsections:\n  - body: |\n{}\n  - heading: Next Steps\n    body: The office will report back in January.\n",
        body.join("\n\n")
    )
}

#[test]
fn a_note_over_its_limit_fails_and_leaves_the_last_pdf_as_it_was() {
    // Makes sure the error says by how much, quotes the extra page and its first heading,
    // points at the limit, and that the PDF of the last good build keeps every byte.
    let dir = workspace(&[("note.yaml", long_note(32, "2").as_bytes())]);
    let (output, stderr) = run(brief(dir.path()).args(["build", "note.yaml"]));
    assert!(output.status.success(), "{stderr}");
    let before = fs::read(dir.path().join("note.pdf")).unwrap();

    fs::write(dir.path().join("note.yaml"), long_note(32, "1")).unwrap();
    let (output, stderr) = run(brief(dir.path()).args(["build", "note.yaml"]));
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr,
        "\
error: the background note runs to 2 pages, 1 page over its limit of 1
  ┌─ note.yaml:7:13
  │
7 │ page-limit: 1
  │             ^ page-limit
  │
  = page 2 begins “Paragraph 32. The committee met to review the draft and agreed on…”
  = the first heading past the limit is “Next Steps” (page 2)
  = hint: shorten the text by 1 page, or raise `page-limit` to 2

error: nothing was written
"
    );
    assert_eq!(fs::read(dir.path().join("note.pdf")).unwrap(), before);
}

#[test]
fn a_limit_set_on_the_command_line_is_named_there() {
    // Makes sure `--set page-limit=N` counts like the brief's own, and the error points at it.
    let dir = workspace(&[("note.yaml", long_note(32, "3").as_bytes())]);
    let (output, stderr) = run(brief(dir.path()).args([
        "build",
        "note.yaml",
        "--set",
        "page-limit=1",
        "-o",
        "out.pdf",
    ]));
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr.starts_with(
            "error: the background note runs to 2 pages, 1 page over its limit of 1\n  ┌─ --set:1:12\n"
        ),
        "{stderr}"
    );
    assert!(!dir.path().join("out.pdf").exists());
}

#[test]
fn a_limit_below_one_page_is_refused() {
    // Makes sure a limit of no pages is a located error before any typesetting.
    let dir = workspace(&[("note.yaml", long_note(2, "0").as_bytes())]);
    let (output, stderr) = run(brief(dir.path()).args(["check", "note.yaml"]));
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr,
        "\
error: expected a whole number of at least 1, found 0
  ┌─ note.yaml:7:13
  │
7 │ page-limit: 0
  │             ^ page-limit

error: 1 of 1 brief has problems
"
    );
}

#[test]
fn personalized_copies_keep_to_the_limit_too() {
    // Makes sure a copy is held to the note's limit: nothing is written when one runs over.
    let mut text = long_note(32, "1");
    text.push_str("participants:\n  - name: Ana Lee\n");
    let dir = workspace(&[("note.yaml", text.as_bytes())]);
    let (output, stderr) = run(brief(dir.path()).args(["build", "note.yaml", "--per-participant"]));
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr.contains("error: the copy for Ana Lee runs to 2 pages, 1 page over its limit of 1"),
        "{stderr}"
    );
}
