//! Editions: revision stamps, change marks against an earlier edition, and the brief attached
//! to the PDF that `brief extract` writes back out.

use std::fs;

use crate::util::{brief, example, pdf_text as text, run, workspace};

fn build(dir: &std::path::Path, args: &[&str]) -> Vec<u8> {
    let (output, stderr) = run(brief(dir)
        .args(["build", "note.yaml", "-o", "out.pdf"])
        .args(args));
    assert!(output.status.success(), "{stderr}");
    fs::read(dir.join("out.pdf")).unwrap()
}

/// The footer's build identifier: "build" and ten hexadecimal digits.
fn build_id(text: &str) -> String {
    let at = text.find("build ").expect("a build id in the footer");
    text[at + 6..at + 16].to_string()
}

/// How many change bars the pages draw. typst 0.15 fills a block's side stroke as a thin
/// rectangle whose path ends `0 l <half width> 0 l h f`; the change bar is the only 1.5 pt
/// stroke in the template (panels use 2.5 pt, rules are lines).
fn change_bars(pdf: &[u8]) -> usize {
    let document = lopdf::Document::load_mem(pdf).unwrap();
    document
        .get_pages()
        .values()
        .map(|&page| {
            let content = document.get_page_content(page);
            let ops = String::from_utf8_lossy(&content)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            ops.matches(" 0 l 0.75 0 l h f").count()
        })
        .sum()
}

/// A draft carries DRAFT on every page and the footer says the revision; without the fields,
/// neither appears.
#[test]
fn draft_watermark_and_revision_footer_follow_the_fields() {
    let dir = workspace(&[("note.yaml", &fs::read(example()).unwrap())]);
    let stamped = text(&build(
        dir.path(),
        &[
            "--set",
            "status=draft",
            "--set",
            "revision=3",
            "--set",
            "revised=2025-11-30",
        ],
    ));
    assert_eq!(
        stamped.matches("DRAFT").count(),
        4,
        "watermark and footer on both pages: {stamped}"
    );
    assert_eq!(stamped.matches("Revision 3 — November 30, 2025").count(), 2);
    let plain = text(&build(dir.path(), &[]));
    assert!(
        !plain.contains("DRAFT") && !plain.contains("Revision"),
        "{plain}"
    );
    let final_copy = text(&build(
        dir.path(),
        &["--set", "status=final", "--set", "revision=4"],
    ));
    assert!(
        !final_copy.contains("DRAFT") && final_copy.contains("Revision 4 ·"),
        "{final_copy}"
    );
}

/// The footer's build identifier comes from the inputs: the same brief gives the same one,
/// any edit another.
#[test]
fn build_identifier_follows_the_inputs() {
    let dir = workspace(&[("note.yaml", &fs::read(example()).unwrap())]);
    let first = build_id(&text(&build(dir.path(), &[])));
    assert!(first.chars().all(|c| c.is_ascii_hexdigit()), "{first}");
    assert_eq!(build_id(&text(&build(dir.path(), &[]))), first);
    assert_ne!(
        build_id(&text(&build(dir.path(), &["--set", "kicker=Note"]))),
        first
    );
}

/// With --changes-since, exactly the changed paragraph, milestone and acronym get a bar, the
/// box lists the changed places and the removed milestone; without it nothing is marked.
#[test]
fn changes_since_marks_exactly_what_changed() {
    let old = fs::read_to_string(example()).unwrap();
    let new = old
        .replace(
            "Defence industrial integration also expanded.",
            "Defence industrial integration also expanded markedly.",
        )
        .replace(
            "  - date: 2015\n    text: The Canada-ROK Free Trade Agreement comes into force.\n",
            "",
        )
        .replace("  - date: 2024-11\n", "  - date: 2024-11-01\n")
        .replace(
            "  AI: artificial intelligence",
            "  AI: artificial intelligence (AI)",
        );
    assert_ne!(old, new);
    let dir = workspace(&[("old.yaml", old.as_bytes()), ("note.yaml", new.as_bytes())]);
    let plain = build(dir.path(), &[]);
    assert_eq!(change_bars(&plain), 0);
    assert!(
        !text(&plain)
            .replace(' ', "")
            .contains("CHANGESINTHISREVISION")
    );

    let marked = build(dir.path(), &["--changes-since", "old.yaml"]);
    // PDF readers put a space where bold text ends: "Acronyms : 1 item".
    let text = text(&marked).replace(" :", ":");
    assert!(
        text.replace(' ', "").contains("CHANGESINTHISREVISION"),
        "{text}"
    );
    assert!(
        text.contains(
            "“Recent Milestones in Bilateral Defence Co-operation”: 1 item changed or added"
        ),
        "{text}"
    );
    assert!(
        text.contains("Key milestones: 1 item changed or added"),
        "{text}"
    );
    assert!(
        text.contains("Removed: 2015: The Canada-ROK Free Trade Agreement comes into force."),
        "{text}"
    );
    assert!(text.contains("Acronyms: 1 item changed or added"), "{text}");
    // One paragraph, one milestone, one acronym.
    assert_eq!(change_bars(&marked), 3);
}

/// The PDF carries the merged brief; `brief extract` writes it out and it builds to the same
/// data (the same build identifier).
#[test]
fn extract_returns_the_brief_that_made_the_pdf() {
    let dir = workspace(&[("note.yaml", &fs::read(example()).unwrap())]);
    let pdf = build(dir.path(), &["--set", "event.city=Ottawa, Canada"]);
    let original = build_id(&text(&pdf));
    let (output, stderr) = run(brief(dir.path()).args(["extract", "out.pdf", "-o", "again.yaml"]));
    assert!(output.status.success(), "{stderr}");
    assert_eq!(
        stderr,
        "wrote again.yaml (attached to the PDF as note.yaml)\n"
    );
    let extracted = fs::read_to_string(dir.path().join("again.yaml")).unwrap();
    assert!(
        extracted.contains("city: Ottawa, Canada"),
        "the --set value is part of it"
    );
    let (output, stderr) = run(brief(dir.path()).args(["build", "again.yaml"]));
    assert!(output.status.success(), "{stderr}");
    let rebuilt = fs::read(dir.path().join("again.pdf")).unwrap();
    assert_eq!(build_id(&text(&rebuilt)), original);

    let (output, stderr) = run(brief(dir.path()).args(["extract", "note.yaml"]));
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr.starts_with("error: cannot extract a brief from note.yaml (not a readable PDF"),
        "{stderr}"
    );
}
