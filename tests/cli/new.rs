//! `brief new`: starter briefs that build as written and explain every field.

use std::fs;

use brief::diag::Files;
use brief::model::template::{Field, Registry};

use crate::util::{brief, root, run, workspace};

/// The names in the first column of `brief templates`: writers' templates and handout parts,
/// without the parts' heading and the layouts lines.
fn template_names() -> Vec<String> {
    let (output, stderr) = run(brief(&root()).arg("templates"));
    assert!(output.status.success(), "brief templates failed: {stderr}");
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with(' ') && !l.starts_with("handout parts"))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect()
}

/// Every template's starter brief, written to a file, builds to a PDF as it is.
#[test]
fn every_starter_builds() {
    let names = template_names();
    assert!(names.iter().any(|n| n == "background-note"), "{names:?}");
    for name in names {
        let dir = workspace(&[]);
        let (output, stderr) = run(brief(dir.path()).args(["new", &name, "x.yaml"]));
        assert!(output.status.success(), "brief new {name} failed: {stderr}");
        assert!(stderr.starts_with("wrote x.yaml"), "{stderr}");
        let (output, stderr) = run(brief(dir.path()).args(["build", "x.yaml"]));
        let starter = fs::read_to_string(dir.path().join("x.yaml")).unwrap();
        assert_eq!(
            output.status.code(),
            Some(0),
            "the {name} starter does not build:\n{stderr}\n{starter}"
        );
        let pdf = fs::read(dir.path().join("x.pdf")).expect("a PDF was written");
        assert!(pdf.starts_with(b"%PDF-"), "{name}: not a PDF");
    }
}

fn descriptions(fields: &indexmap::IndexMap<String, Field>, out: &mut Vec<String>) {
    for field in fields.values() {
        collect(field, out);
    }
}

fn collect(field: &Field, out: &mut Vec<String>) {
    if let Some(description) = &field.description {
        out.push(description.clone());
    }
    if let Some(items) = &field.items {
        collect(items, out);
    }
    if let Some(values) = &field.values {
        collect(values, out);
    }
    descriptions(&field.fields, out);
}

/// The starter on standard output has each field's description, nested ones included, in a
/// `#` comment, and names its template.
#[test]
fn comments_hold_every_description() {
    for name in template_names() {
        let (output, stderr) = run(brief(&root()).args(["new", &name]));
        assert!(output.status.success(), "brief new {name} failed: {stderr}");
        let text = String::from_utf8(output.stdout).unwrap();
        assert!(text.contains(&format!("\ntemplate: {name}\n")), "{text}");
        assert!(
            text.contains("# Build it with:  brief build BRIEF.yaml\n"),
            "{text}"
        );
        let comments: Vec<&str> = text
            .lines()
            .filter(|l| l.trim_start().starts_with('#') || l.trim_start().starts_with("- #"))
            .collect();
        let mut files = Files::default();
        let template = Registry::default()
            .load(&name, &mut files, None)
            .expect("a listed template loads");
        let mut wanted = Vec::new();
        descriptions(&template.manifest.fields, &mut wanted);
        assert!(!wanted.is_empty());
        for description in wanted {
            assert!(
                comments
                    .iter()
                    .any(|c| c.contains(&format!("# {description}"))),
                "{name}: no comment says {description:?}:\n{text}"
            );
        }
    }
}

/// An existing file is kept unless --force, and the error says so (exit 1).
#[test]
fn refuses_to_overwrite_without_force() {
    let dir = workspace(&[("x.yaml", b"title: mine\n")]);
    let (output, stderr) = run(brief(dir.path()).args(["new", "background-note", "x.yaml"]));
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr,
        "error: x.yaml already exists; nothing was written\n  = hint: add --force to replace it, or name another file\n"
    );
    assert_eq!(
        fs::read(dir.path().join("x.yaml")).unwrap(),
        b"title: mine\n"
    );
    let (output, stderr) =
        run(brief(dir.path()).args(["new", "background-note", "x.yaml", "--force"]));
    assert!(output.status.success(), "{stderr}");
    let text = fs::read_to_string(dir.path().join("x.yaml")).unwrap();
    assert!(
        text.contains("# Build it with:  brief build x.yaml\n"),
        "{text}"
    );
}

/// A template from `--templates DIR` gets a starter whose build line names the folder too.
#[test]
fn starter_of_a_folder_template_says_how_to_build_it() {
    let builtin = root().join("templates/background-note");
    let manifest = fs::read(builtin.join("template.yaml")).unwrap();
    let main = fs::read(builtin.join("main.typ")).unwrap();
    let dir = workspace(&[
        ("mine/memo/template.yaml", &manifest),
        ("mine/memo/main.typ", &main),
    ]);
    let (output, stderr) =
        run(brief(dir.path()).args(["new", "memo", "memo.yaml", "--templates", "mine"]));
    assert!(output.status.success(), "{stderr}");
    let text = fs::read_to_string(dir.path().join("memo.yaml")).unwrap();
    assert!(text.contains("\ntemplate: memo\n"), "{text}");
    assert!(
        text.contains("# Build it with:  brief build memo.yaml --templates mine\n"),
        "{text}"
    );
}
