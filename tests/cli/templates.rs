//! `brief templates`: every template, its description and where it comes from.

use std::fs;

use crate::util::{brief, root, run, workspace};

fn listing(args: &[&str], dir: &std::path::Path) -> String {
    let (output, stderr) = run(brief(dir).arg("templates").args(args));
    assert!(output.status.success(), "brief templates failed: {stderr}");
    String::from_utf8(output.stdout).unwrap()
}

/// The built-in background note is listed with its description, as built-in, and its
/// layouts on the line below.
#[test]
fn lists_the_builtin_templates() {
    let text = listing(&[], &root());
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("background-note "))
        .unwrap_or_else(|| panic!("no background-note line in:\n{text}"));
    let line = lines[at];
    assert!(line.contains("A note of any shape"), "{line}");
    assert!(line.ends_with("  built-in"), "{line}");
    assert_eq!(
        lines[at + 1].trim_start(),
        "layouts: one-column (the default), two-column"
    );
}

/// The handout's part templates are listed apart, after the templates a writer chooses.
#[test]
fn lists_handout_parts_apart() {
    let text = listing(&[], &root());
    let (writers, parts) = text
        .split_once(
            "\nhandout parts (brief handout puts them in; --templates DIR can replace them):\n",
        )
        .unwrap_or_else(|| panic!("no parts heading in:\n{text}"));
    let names = |block: &str| -> Vec<String> {
        block
            .lines()
            .filter(|l| !l.starts_with(' '))
            .map(|l| l.split_whitespace().next().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        names(writers),
        ["agenda", "background-note", "briefing-note"]
    );
    assert_eq!(
        names(parts),
        [
            "blank-page",
            "name-tent",
            "notes",
            "participants",
            "questions"
        ]
    );
}

/// Templates of `--templates DIR` are listed with their folder, hide a built-in of the same
/// name, and every column starts at the same place on every line.
#[test]
fn lists_folder_templates_in_aligned_columns() {
    let builtin = root().join("templates/background-note");
    let manifest = fs::read(builtin.join("template.yaml")).unwrap();
    let main = fs::read(builtin.join("main.typ")).unwrap();
    let dir = workspace(&[
        ("mine/memo/template.yaml", &manifest),
        ("mine/memo/main.typ", &main),
        ("mine/background-note/template.yaml", &manifest),
        ("mine/background-note/main.typ", &main),
    ]);
    let text = listing(&["--templates", "mine"], dir.path());
    let lines: Vec<&str> = text.lines().collect();
    let folder = |name: &str| format!("mine/{name}");
    let note = lines
        .iter()
        .find(|l| l.starts_with("background-note "))
        .unwrap();
    let memo = lines.iter().find(|l| l.starts_with("memo ")).unwrap();
    assert!(note.ends_with(&folder("background-note")), "{text}");
    assert!(memo.ends_with(&folder("memo")), "{text}");
    let notes = lines
        .iter()
        .filter(|l| l.starts_with("background-note "))
        .count();
    assert_eq!(
        notes, 1,
        "the folder's template hides the built-in one:\n{text}"
    );
    let description_at = |l: &str| l.find("A note of any shape").unwrap();
    let origin_at = |l: &str| l.find("mine/").unwrap();
    assert_eq!(description_at(note), description_at(memo), "{text}");
    assert_eq!(origin_at(note), origin_at(memo), "{text}");
}

/// A `--templates` folder that does not exist is an error rather than silently ignored.
#[test]
fn missing_templates_folder_is_an_error() {
    let dir = workspace(&[]);
    let (output, stderr) = run(brief(dir.path()).args(["templates", "--templates", "nope"]));
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr.starts_with("error: cannot read the templates folder nope"),
        "{stderr}"
    );
}
