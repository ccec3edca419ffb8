//! Security markings: `classification` and `caveat` at the top right of every page of a note,
//! a handout bundle, a personalized copy and a merged print file, in the edition's language;
//! content once and artifact on every other page under PDF/UA-1; in the PDF's keywords; and no
//! attached brief above UNCLASSIFIED unless asked.

use std::fs;
use std::path::Path;

use crate::util::{brief, example, info, pdf_content_pages, pdf_pages, root, run};

/// Runs `brief ARGS` in `dir`, failing on any error.
fn ok(dir: &Path, args: &[&str]) {
    let (output, stderr) = run(brief(dir).args(args));
    assert!(output.status.success(), "{args:?} failed: {stderr}");
}

/// How many times `marking` opens a page's text (it is the first thing on each page).
fn count(pages: &[String], marking: &str) -> usize {
    pages.iter().filter(|p| p.contains(marking)).count()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn every_page_of_a_note_carries_its_marking_and_caveat() {
    // Makes sure the marking and caveat print on each page, and lead the PDF's keywords.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("note.pdf");
    ok(
        dir.path(),
        &[
            "build",
            path(&example()),
            "--set",
            "classification=protected-b",
            "--set",
            "caveat=Canadian Eyes Only",
            "-o",
            path(&out),
        ],
    );
    let pdf = fs::read(&out).unwrap();
    let pages = pdf_pages(&pdf);
    assert_eq!(pages.len(), 2);
    for (i, page) in pages.iter().enumerate() {
        let folded = page.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            folded.starts_with("PROTECTED B CANADIAN EYES ONLY"),
            "page {}: {page}",
            i + 1
        );
    }
    let keywords = info(&pdf, b"Keywords").unwrap();
    assert!(
        keywords.starts_with("PROTECTED B, CANADIAN EYES ONLY, "),
        "{keywords}"
    );
}

#[test]
fn a_french_edition_is_marked_in_french() {
    // Makes sure the level is printed in the edition's language: PROTÉGÉ B, NON CLASSIFIÉ.
    let dir = tempfile::tempdir().unwrap();
    let fr = root().join("briefs/canada-korea-defence-2025-fr.yaml");
    let out = dir.path().join("fr.pdf");
    ok(
        dir.path(),
        &[
            "build",
            path(&fr),
            "--set",
            "classification=protected-b",
            "-o",
            path(&out),
        ],
    );
    let pages = pdf_pages(&fs::read(&out).unwrap());
    assert_eq!(count(&pages, "PROTÉGÉ B"), pages.len());
    assert_eq!(count(&pages, "PROTECTED"), 0);
    ok(
        dir.path(),
        &[
            "build",
            path(&fr),
            "--set",
            "classification=unclassified",
            "-o",
            path(&out),
        ],
    );
    let pages = pdf_pages(&fs::read(&out).unwrap());
    assert_eq!(count(&pages, "NON CLASSIFIÉ"), pages.len());
}

#[test]
fn a_screen_reader_hears_the_marking_once() {
    // Makes sure that under PDF/UA-1 the first page's marking is content and every other
    // page's an artifact, so it is read once and still printed everywhere.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ua.pdf");
    ok(
        dir.path(),
        &[
            "build",
            path(&example()),
            "--set",
            "classification=secret",
            "--pdf-standard",
            "ua-1",
            "-o",
            path(&out),
        ],
    );
    let pdf = fs::read(&out).unwrap();
    assert_eq!(count(&pdf_pages(&pdf), "SECRET"), 2);
    let content = pdf_content_pages(&pdf);
    assert!(content[0].contains("SECRET"), "{}", content[0]);
    assert!(!content[1].contains("SECRET"), "{}", content[1]);
    // The running header is an artifact too, so only the body is left of page 2.
    assert!(!content[1].contains("BACKGROUND NOTE"), "{}", content[1]);
}

#[test]
fn every_page_of_a_handout_and_of_its_copies_is_marked() {
    // Makes sure the note's marking reaches every part of the bundle (agenda, participants,
    // notes, blank pages), each personalized copy and the merged print file; in the bundle,
    // only its first page says it to a screen reader.
    let dir = tempfile::tempdir().unwrap();
    let set = ["--set", "classification=protected-a"];
    let example = example();
    let bundle = dir.path().join("bundle.pdf");
    let mut args = vec!["handout", path(&example)];
    args.extend(set);
    args.extend(["--pdf-standard", "ua-1", "-o", path(&bundle)]);
    ok(dir.path(), &args);
    let pdf = fs::read(&bundle).unwrap();
    let pages = pdf_pages(&pdf);
    assert_eq!(pages.len(), 7);
    assert_eq!(count(&pages, "PROTECTED A"), 7, "{pages:#?}");
    assert_eq!(count(&pdf_content_pages(&pdf), "PROTECTED A"), 1);

    let mut args = vec!["handout", path(&example)];
    args.extend(set);
    args.extend(["--per-participant", "--out-dir", "copies"]);
    ok(dir.path(), &args);
    let copy = pdf_pages(&fs::read(dir.path().join("copies/김민준.pdf")).unwrap());
    assert_eq!(count(&copy, "PROTECTED A"), copy.len());

    let merged = dir.path().join("merged.pdf");
    let mut args = vec!["build", path(&example)];
    args.extend(set);
    args.extend(["--per-participant", "--merged", "-o", path(&merged)]);
    ok(dir.path(), &args);
    let pages = pdf_pages(&fs::read(&merged).unwrap());
    assert_eq!(pages.len(), 12, "six 2-page copies");
    assert_eq!(count(&pages, "PROTECTED A"), 12);
}

#[test]
fn a_marked_note_attaches_its_brief_only_when_asked() {
    // Makes sure the merged brief (which holds fields never printed) stays out of a PDF
    // marked above UNCLASSIFIED, unless --attach-marked asks for it.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("note.pdf");
    let build = |level: &str, extra: &[&str]| {
        let mut args = vec![
            "build".to_string(),
            path(&example()).to_string(),
            "--set".into(),
            format!("classification={level}"),
            "-o".into(),
            path(&out).to_string(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        let (output, stderr) = run(brief(dir.path()).args(&args));
        assert!(output.status.success(), "{stderr}");
        let (output, _) = run(brief(dir.path()).args(["extract", path(&out), "-o", "-"]));
        output.status.success()
    };
    assert!(build("unclassified", &[]));
    assert!(!build("protected-b", &[]));
    assert!(build("protected-b", &["--attach-marked"]));
}

#[test]
fn an_unknown_level_is_an_error_with_a_suggestion() {
    // Makes sure a level the template does not know is located and a near one suggested.
    let dir = tempfile::tempdir().unwrap();
    let (output, stderr) = run(brief(dir.path()).args([
        "check",
        path(&example()),
        "--set",
        "classification=protected b",
    ]));
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr,
        "\
error: `protected b` is not one of the choices
  ┌─ --set:1:16
  │
1 │ classification=protected b
  │                ^^^^^^^^^^^ classification
  │
  = expected one of: `unclassified`, `protected-a`, `protected-b`, `protected-c`, `confidential`, `secret`, `top-secret`
  = hint: did you mean `protected-b`?

error: 1 of 1 brief has problems
"
    );
}

#[test]
fn every_name_tent_is_marked_on_both_faces() {
    // Makes sure a marked brief's tents carry the marking and caveat on both faces of every
    // sheet, in the edition's language, and that a screen reader hears it once: on the first
    // sheet's front face (the back faces and later sheets are artifacts).
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("tents.pdf");
    ok(
        dir.path(),
        &[
            "handout",
            path(&example()),
            "--name-tents",
            "--set",
            "classification=protected-b",
            "--set",
            "caveat=Canadian Eyes Only",
            "--pdf-standard",
            "ua-1",
            "-o",
            path(&out),
        ],
    );
    let pdf = fs::read(&out).unwrap();
    let pages = pdf_pages(&pdf);
    assert_eq!(pages.len(), 6);
    for (i, page) in pages.iter().enumerate() {
        assert_eq!(
            page.matches("PROTECTED B").count(),
            2,
            "sheet {}: {page}",
            i + 1
        );
        assert_eq!(
            page.matches("CANADIAN EYES ONLY").count(),
            2,
            "sheet {}",
            i + 1
        );
    }
    let content = pdf_content_pages(&pdf);
    assert_eq!(
        content[0].matches("PROTECTED B").count(),
        1,
        "{}",
        content[0]
    );
    assert_eq!(count(&content[1..], "PROTECTED B"), 0, "{content:#?}");

    // The example's French edition.
    let fr = example();
    ok(
        dir.path(),
        &[
            "handout",
            path(&fr),
            "--name-tents",
            "--lang",
            "fr",
            "--set",
            "classification=top-secret",
            "-o",
            path(&out),
        ],
    );
    let pages = pdf_pages(&fs::read(&out).unwrap());
    assert!(
        pages.iter().all(|p| p.matches("TRÈS SECRET").count() == 2),
        "{pages:#?}"
    );
    ok(
        dir.path(),
        &[
            "handout",
            path(&fr),
            "--name-tents",
            "--lang",
            "fr",
            "--set",
            "classification=protected-a",
            "-o",
            path(&out),
        ],
    );
    let pages = pdf_pages(&fs::read(&out).unwrap());
    assert!(
        pages.iter().all(|p| p.matches("PROTÉGÉ A").count() == 2),
        "{pages:#?}"
    );
    assert_eq!(count(&pages, "PROTECTED"), 0);

    // An unmarked brief's tents say nothing of the kind.
    ok(
        dir.path(),
        &[
            "handout",
            path(&example()),
            "--name-tents",
            "-o",
            path(&out),
        ],
    );
    let pages = pdf_pages(&fs::read(&out).unwrap());
    assert_eq!(count(&pages, "CLASSIFIED"), 0, "{pages:#?}");
}

/// A one-page background note with two participants, for merged print files whose copies
/// each end with a blank page.
const ONE_PAGE: &str = "\
title: {en: Notes, fr: Notes et renvois}
organization: Org
classification: protected-b
caveat: Canadian Eyes Only
event: {name: Roundtable, date: 2025-12-08, city: Ottawa}
participants:
  - {name: Ada Lovelace, organization: Org}
  - {name: Alan Turing, organization: Org}
sections:
  - heading: Context
    body: Text.
";

#[test]
fn the_blank_page_after_an_odd_copy_is_marked() {
    // Makes sure the page that ends each one-page copy of a merged print file carries the
    // marking and caveat, in the edition's language and on its paper, as an artifact (the
    // copy's first page already says it to a screen reader).
    let dir = crate::util::workspace(&[("note.yaml", ONE_PAGE.as_bytes())]);
    ok(
        dir.path(),
        &[
            "build",
            "note.yaml",
            "--per-participant",
            "--merged",
            "--pdf-standard",
            "ua-1",
            "-o",
            "merged.pdf",
        ],
    );
    let pdf = fs::read(dir.path().join("merged.pdf")).unwrap();
    let pages = pdf_pages(&pdf);
    assert_eq!(
        pages.len(),
        4,
        "two copies of one page, each with its blank page"
    );
    assert_eq!(count(&pages, "PROTECTED B"), 4, "{pages:#?}");
    assert_eq!(count(&pages, "CANADIAN EYES ONLY"), 4, "{pages:#?}");
    for blank in [&pages[1], &pages[3]] {
        let folded = blank.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(folded, "PROTECTED B CANADIAN EYES ONLY");
    }
    let content = pdf_content_pages(&pdf);
    assert_eq!(count(&content, "PROTECTED B"), 2, "{content:#?}");
    assert!(content[1].trim().is_empty(), "{}", content[1]);

    ok(
        dir.path(),
        &[
            "build",
            "note.yaml",
            "--lang",
            "fr",
            "--paper",
            "a4",
            "--per-participant",
            "--merged",
            "-o",
            "fr.pdf",
        ],
    );
    let pdf = fs::read(dir.path().join("fr.pdf")).unwrap();
    let pages = pdf_pages(&pdf);
    assert_eq!(count(&pages, "PROTÉGÉ B"), 4, "{pages:#?}");
    assert_eq!(count(&pages, "PROTECTED"), 0);
    assert!(
        crate::handout::media_boxes(&pdf)
            .iter()
            .all(|&b| b == (595, 842)),
        "every page A4, the blank ones too"
    );
}

#[test]
fn every_page_of_merged_handout_copies_is_marked() {
    // Makes sure the merged print file of personalized bundles (seven pages each, so each
    // ends with a blank page) is marked on every page, that page included.
    let dir = tempfile::tempdir().unwrap();
    let merged = dir.path().join("merged.pdf");
    ok(
        dir.path(),
        &[
            "handout",
            path(&example()),
            "--set",
            "classification=protected-a",
            "--per-participant",
            "--merged",
            "-o",
            path(&merged),
        ],
    );
    let pages = pdf_pages(&fs::read(&merged).unwrap());
    assert_eq!(pages.len(), 48, "six copies of 7 pages and a blank one");
    assert_eq!(count(&pages, "PROTECTED A"), 48, "{pages:#?}");
}
