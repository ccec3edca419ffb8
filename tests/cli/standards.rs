//! PDF standards: every example brief builds as archival PDF/A-2b and accessible PDF/UA-1,
//! and the PDF says so in its metadata.

use std::fs;

use crate::util::{brief, root, run, workspace};

/// Each brief in briefs/ meets PDF/A-2b (without the attached brief, which PDF/A-2 forbids)
/// and PDF/UA-1 (with it), as typst validates them while writing.
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
            assert_eq!(
                text.contains("/EmbeddedFiles"),
                attached,
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
        stderr.contains("possible values: a-2b, a-3b, ua-1"),
        "{stderr}"
    );
}
