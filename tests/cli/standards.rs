//! PDF standards: every example brief builds as archival PDF/A-2b and accessible PDF/UA-1,
//! and the PDF says so in its metadata; built-in templates are PDF/UA-1 by default, a
//! template of one's own declares its default, and `--pdf-standard` takes lists.

use std::fs;

use std::path::Path;

use crate::util::{brief, example, root, run, workspace};

/// Each brief in briefs/ meets PDF/A-2b (without the attached brief, which PDF/A-2 forbids;
/// with the template's PDF/UA-1 added) and PDF/UA-1 (with it), as typst validates them while
/// writing.
#[test]
fn every_example_meets_pdf_a_and_pdf_ua() {
    let dir = workspace(&[]);
    for entry in fs::read_dir(root().join("briefs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        for (standard, marker, attached) in [
            ("a-2b", "pdfaid:part>2<", false),
            ("ua-1", "pdfuaid:part>1<", true),
        ] {
            let out = dir.path().join(format!("{standard}.pdf"));
            let (output, stderr) = run(brief(dir.path())
                .arg("build")
                .arg(&path)
                .arg("-o")
                .arg(&out)
                .args(["--pdf-standard", standard, "-q"]));
            assert!(
                output.status.success(),
                "{} as {standard}: {stderr}",
                path.display()
            );
            let pdf = fs::read(&out).unwrap();
            let text = String::from_utf8_lossy(&pdf);
            assert!(
                text.contains(marker),
                "{} as {standard} names the standard",
                path.display()
            );
            // A brief marked above unclassified keeps its merged brief out of the PDF.
            let marked = fs::read_to_string(&path)
                .unwrap()
                .lines()
                .any(|l| l.starts_with("classification:") && !l.ends_with("unclassified"));
            assert_eq!(
                text.contains("/EmbeddedFiles"),
                attached && !marked,
                "{} as {standard}",
                path.display()
            );
        }
    }
}

/// An unknown standard is a command-line error (exit 2).
#[test]
fn unknown_standard_is_a_usage_error() {
    let dir = workspace(&[]);
    let (output, stderr) =
        run(brief(dir.path()).args(["build", "x.yaml", "--pdf-standard", "a-9"]));
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("possible values: a-2b, a-3b, ua-1, none"),
        "{stderr}"
    );
}

/// The standards a PDF declares in its XMP metadata, as `a-2b` and `ua-1`.
fn declared(pdf: &Path) -> Vec<&'static str> {
    let text = String::from_utf8_lossy(&fs::read(pdf).unwrap()).into_owned();
    let mut found = Vec::new();
    if text.contains("pdfaid:part>2<") {
        found.push("a-2b");
    }
    if text.contains("pdfaid:part>3<") {
        found.push("a-3b");
    }
    if text.contains("pdfuaid:part>1<") {
        found.push("ua-1");
    }
    found
}

/// What a build of the example declares with each `--pdf-standard` given: PDF/UA-1 by
/// default, `none` for nothing, the template's ua-1 added to an archival standard unless
/// `none` is beside it, and a comma-separated list the same as the flag repeated.
#[test]
fn built_in_templates_are_accessible_by_default() {
    let dir = workspace(&[]);
    let example = example();
    let out = dir.path().join("out.pdf");
    for (args, expected) in [
        (&[][..], &["ua-1"][..]),
        (&["--pdf-standard", "none"], &[]),
        (&["--pdf-standard", "a-2b"], &["a-2b", "ua-1"]),
        (&["--pdf-standard", "a-2b,ua-1"], &["a-2b", "ua-1"]),
        (
            &["--pdf-standard", "ua-1", "--pdf-standard", "a-3b"],
            &["a-3b", "ua-1"],
        ),
        (&["--pdf-standard", "none,a-2b"], &["a-2b"]),
        (
            &["--pdf-standard", "a-2b", "--pdf-standard", "none"],
            &["a-2b"],
        ),
    ] {
        let (output, stderr) = run(brief(dir.path())
            .arg("build")
            .arg(&example)
            .arg("-o")
            .arg(&out)
            .args(args));
        assert!(output.status.success(), "{args:?}: {stderr}");
        assert_eq!(declared(&out), expected, "{args:?}");
    }
}

/// `brief handout` takes the same lists, for the bundle and the name tents.
#[test]
fn handout_takes_a_list_of_standards() {
    let dir = workspace(&[]);
    let example = example();
    for extra in [&[][..], &["--name-tents"]] {
        let out = dir.path().join("out.pdf");
        let (output, stderr) = run(brief(dir.path())
            .arg("handout")
            .arg(&example)
            .args(extra)
            .args(["--pdf-standard", "a-2b,ua-1", "-o"])
            .arg(&out));
        assert!(output.status.success(), "{extra:?}: {stderr}");
        assert_eq!(declared(&out), ["a-2b", "ua-1"], "{extra:?}");
        let (output, stderr) = run(brief(dir.path())
            .arg("handout")
            .arg(&example)
            .args(extra)
            .args(["--pdf-standard", "none", "-o"])
            .arg(&out));
        assert!(output.status.success(), "{extra:?}: {stderr}");
        assert!(declared(&out).is_empty(), "{extra:?}");
    }
}

/// A template of one's own builds to the standards its manifest declares under
/// `pdf-standard:`, and to none when it declares none; a standard the manifest cannot name
/// is an error at its line.
#[test]
fn a_template_of_ones_own_declares_its_default() {
    let builtin = root().join("templates/background-note");
    let manifest = fs::read_to_string(builtin.join("template.yaml")).unwrap();
    assert!(manifest.contains("\npdf-standard: [ua-1]\n"));
    let main = fs::read(builtin.join("main.typ")).unwrap();
    let example = fs::read_to_string(example()).unwrap();
    for (line, expected) in [
        ("pdf-standard: [ua-1]", &["ua-1"][..]),
        ("pdf-standard: [a-2b, ua-1]", &["a-2b", "ua-1"]),
        ("", &[]),
    ] {
        let dir = workspace(&[
            ("briefs/note.yaml", example.as_bytes()),
            (
                "templates/background-note/template.yaml",
                manifest.replace("pdf-standard: [ua-1]", line).as_bytes(),
            ),
            ("templates/background-note/main.typ", &main),
        ]);
        for entry in fs::read_dir(builtin.join("fonts")).into_iter().flatten() {
            let entry = entry.unwrap();
            let to = dir.path().join("templates/background-note/fonts");
            fs::create_dir_all(&to).unwrap();
            fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
        let (output, stderr) = run(brief(dir.path()).args([
            "build",
            "briefs/note.yaml",
            "--templates",
            "templates",
            "-o",
            "out.pdf",
        ]));
        assert!(output.status.success(), "{line}: {stderr}");
        assert_eq!(declared(&dir.path().join("out.pdf")), expected, "{line}");
    }
    let dir = workspace(&[
        ("note.yaml", example.as_bytes()),
        (
            "templates/background-note/template.yaml",
            manifest
                .replace("pdf-standard: [ua-1]", "pdf-standard: [ua-2]")
                .as_bytes(),
        ),
        ("templates/background-note/main.typ", &main),
    ]);
    let (output, stderr) =
        run(brief(dir.path()).args(["check", "note.yaml", "--templates", "templates"]));
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with(
            "error: pdf-standard[0]: unknown variant `ua-2`, expected one of `a-2b`, `a-3b`, `ua-1`\n  ┌─ templates/background-note/template.yaml:7:16\n"
        ),
        "{stderr}"
    );
}
