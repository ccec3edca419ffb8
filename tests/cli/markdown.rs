//! Rich text as CommonMark: every construct builds, typst syntax inside each prints as typed,
//! footnotes, citations numbered in order of first citation, and the content checks.

use crate::util::{brief, pdf_pages, run, workspace};

/// A brief using every construct; each construct holds the same run of typst syntax (`T`).
const ALL: &str = r#"title: Markdown test
organization: Test Org
event:
  name: Roundtable
  date: 2025-12-08
  city: Vancouver
sections:
  - body: |
      Para #p $x$ @at <tag> a] \* back\slash, cited [@gamma].

      *Emph #e $x$ @at <tag> b] \* back\slash* and **Strong #s $x$ @at <tag> c] \* back\slash**
      and [Link #l $x$ @at <tag> d\] \* back\slash](https://example.org) and `code #c`.[@alpha; @gamma]
  - heading: Lists and quotes
    body: |
      - Item #i $x$ @at <tag> e] \* back\slash
      - Second item
        1. nested one
        2. nested two

      > Quote #q $x$ @at <tag> f] \* back\slash

      A note.[^1] Another.[^2] Cited again [@alpha].

      [^1]: Note #n $x$ @at <tag> g] \* back\slash
      [^2]: Second note, citing [@beta].
sources:
  - id: alpha
    title: The Alpha Report
    author: A. Author
    publisher: Alpha Press
    date: 2024-05
  - id: beta
    title: Beta Study
  - id: gamma
    title: Gamma Paper
"#;

fn build(yaml: &str) -> (std::process::Output, String, Option<String>) {
    let dir = workspace(&[("md.yaml", yaml.as_bytes())]);
    let (output, stderr) = run(brief(dir.path()).args(["build", "md.yaml"]));
    let text = std::fs::read(dir.path().join("md.pdf"))
        .ok()
        .map(|pdf| pdf_pages(&pdf).join(" "))
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "));
    (output, stderr, text)
}

/// Typst syntax, an escaped `\*` and a backslash print literally inside every construct.
#[test]
fn every_construct_prints_typst_syntax_literally() {
    let (output, stderr, text) = build(ALL);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(
        stderr.lines().filter(|l| l.starts_with("warning")).count(),
        0,
        "{stderr}"
    );
    let text = text.unwrap();
    for (name, mark) in [
        ("paragraph", "Para #p"),
        ("emphasis", "Emph #e"),
        ("strong", "Strong #s"),
        ("link text", "Link #l"),
        ("list item", "Item #i"),
        ("quote", "Quote #q"),
        ("footnote", "Note #n"),
    ] {
        let letter = &mark[mark.len() - 1..];
        let end = match letter {
            "p" => "a",
            "e" => "b",
            "s" => "c",
            "l" => "d",
            "i" => "e",
            "q" => "f",
            _ => "g",
        };
        let literal = format!(r"{mark} $x$ @at <tag> {end}] * back\slash");
        assert!(
            text.contains(&literal),
            "{name}: `{literal}` not in:\n{text}"
        );
    }
    assert!(text.contains("code #c"), "{text}");
    assert!(
        !text.contains("[@"),
        "citations are marks, not text: {text}"
    );
}

/// Sources are numbered in the order first cited and listed as endnotes; footnotes are counted.
#[test]
fn sources_numbered_in_order_of_first_citation() {
    let (output, stderr, text) = build(ALL);
    assert!(output.status.success(), "{stderr}");
    let text = text.unwrap();
    // gamma is cited first, then alpha, then beta (inside a footnote).
    // The label is letter-spaced, which PDF readers extract as spaces between letters.
    let flat = text.replace(' ', "");
    let list = &flat[flat.find("SOURCES").expect("a sources list")..];
    let gamma = list.find("1.GammaPaper.").expect("gamma first");
    let alpha = list
        .find("2.A.Author.TheAlphaReport.AlphaPress,May2024.")
        .expect("alpha second");
    let beta = list.find("3.BetaStudy.").expect("beta third");
    assert!(gamma < alpha && alpha < beta, "{list}");
    // Two footnotes, lettered so they are not taken for source numbers (the link's address
    // before them is note a).
    assert!(text.contains("Second note, citing"), "{text}");
    assert!(
        flat.contains("Anote.bAnother.c"),
        "footnote marks in:\n{text}"
    );
    // Three notes: the address and the two written ones, no fourth.
    assert!(flat.contains("cSecondnote,citing"), "{text}");
    assert!(
        !flat.contains("dSecondnote") && !flat.contains(".d"),
        "exactly three notes: {text}"
    );
}

/// An unknown citation id stops the build with a report at its line and field.
#[test]
fn unknown_citation_is_an_error() {
    let yaml = ALL.replace("cited [@gamma]", "cited [@gama]");
    let (output, stderr, _) = build(&yaml);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let report = stderr.split("\n\n").next().unwrap();
    assert_eq!(
        report,
        "error: no source has the id `gama`
  ┌─ md.yaml:9:54
  │
9 │       Para #p $x$ @at <tag> a] \\* back\\slash, cited [@gama].
  │                                                      ^^^^^ sections[0].body
  │
  = hint: did you mean `gamma`?"
    );
}

/// An unused source and an undefined acronym are warnings; the build goes on.
#[test]
fn unused_source_and_undefined_acronym_warn() {
    let yaml = ALL.replace("A note.", "The NATO note.").replace(
        "  - id: beta\n    title: Beta Study\n",
        "  - id: beta\n    title: Beta Study\n  - id: delta\n    title: Unused\n",
    );
    let (output, stderr, _) = build(&yaml);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("warning: the acronym `NATO` is not defined in `acronyms`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("warning: the source `delta` is never cited"),
        "{stderr}"
    );
    assert!(
        stderr.contains("md.yaml:34:9"),
        "the unused source's line: {stderr}"
    );
    assert!(stderr.contains("sources[2].id"), "{stderr}");
}

/// Milestones out of date order are a warning at the first item out of order.
#[test]
fn milestones_out_of_order_warn() {
    let yaml = format!(
        "{ALL}milestones:\n  - date: 2024\n    text: Later.\n  - date: 2022-12\n    text: Earlier.\n"
    );
    let (output, stderr, _) = build(&yaml);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("warning: this milestone (2022-12) comes before the one above it (2024)"),
        "{stderr}"
    );
    assert!(stderr.contains("milestones[1].date"), "{stderr}");
}
