//! Warnings that stay quiet: an acronym spelled out in the text is defined, a report on a long
//! line shows only the part it is about, and `brief check` counts warnings.

use crate::util::{brief, run, workspace};

/// A note whose one paragraph is `body`, on one long line.
fn note(body: &str) -> String {
    format!(
        "title: Quiet Warnings\norganization: Asia Pacific Foundation of Canada\nevent:\n  name: Strategic Roundtable\n  date: 2025-12-08\n  city: Vancouver\nsections:\n  - body: {body}\n"
    )
}

/// An acronym in parentheses after its spelled-out form, in English or French, needs no
/// `acronyms` entry, at its first use and after.
#[test]
fn acronym_spelled_out_in_the_text_is_defined() {
    let body = "Canada screens foreign direct investment (FDI) closely; FDI rose. L’Organisation du Traité de l’Atlantique Nord (OTAN) agrees.";
    let dir = workspace(&[("note.yaml", note(body).as_bytes())]);
    let (output, stderr) = run(brief(dir.path()).args(["check", "note.yaml"]));
    assert!(output.status.success(), "{stderr}");
    assert_eq!(stderr, "checked 1 brief: no problems\n");
}

/// A warning about a word in a line of a thousand characters shows a few lines, with the
/// whole words around it (never cut inside a word), the line's number and the word's own
/// column; the summary counts it.
#[test]
fn warning_on_a_long_line_shows_its_span() {
    let filler = "The partnership deepened across many areas of policy. ".repeat(20);
    let body = format!("{filler}Then ZQX met again, {filler}");
    let dir = workspace(&[("note.yaml", note(&body).as_bytes())]);
    let (output, stderr) = run(brief(dir.path()).args(["check", "note.yaml"]));
    assert!(output.status.success(), "{stderr}");
    let column = "  - body: ".len() + filler.len() + "Then ".len() + 1;
    assert_eq!(
        stderr,
        format!(
            "\
warning: the acronym `ZQX` is not defined in `acronyms`
  ┌─ note.yaml:8:{column}
  │
8 │ …many areas of policy. Then ZQX met again, The partnership…
  │                             ^^^ sections[0].body
  │
  = hint: add `ZQX: <what it stands for>` under `acronyms`, or spell it out

checked 1 brief: 1 warning
"
        )
    );
    assert!(stderr.lines().count() <= 9);
}
