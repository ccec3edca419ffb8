//! Notes of any shape (issue #12): a note with only a title and text, publication fields,
//! three heading levels in the PDF's structure, a house style, blocks kept together or split
//! with a "continued" title, tables without a header row, and the IF13206 example reproduced
//! sentence by sentence.

use std::fs;

use lopdf::{Document, Object};

use crate::util::{brief, flatten, pdf_pages, pdf_text, root, run, workspace};

/// The structure types of a tagged PDF's structure tree, in document order (`H1`, `P`, ...).
fn structure(pdf: &[u8]) -> Vec<String> {
    fn walk(document: &Document, object: &Object, out: &mut Vec<String>, depth: usize) {
        if depth > 64 {
            return;
        }
        let object = match object {
            Object::Reference(id) => match document.get_object(*id) {
                Ok(o) => o,
                Err(_) => return,
            },
            other => other,
        };
        match object {
            Object::Array(items) => {
                for item in items {
                    walk(document, item, out, depth + 1);
                }
            }
            Object::Dictionary(dict) => {
                if let Ok(Object::Name(name)) = dict.get(b"S") {
                    out.push(String::from_utf8_lossy(name).into_owned());
                }
                if let Ok(kids) = dict.get(b"K") {
                    walk(document, kids, out, depth + 1);
                }
            }
            _ => {}
        }
    }
    let document = Document::load_mem(pdf).expect("a readable PDF");
    let catalog = document.catalog().expect("a catalog");
    let root = catalog
        .get(b"StructTreeRoot")
        .expect("a structure tree")
        .clone();
    let mut out = Vec::new();
    walk(&document, &root, &mut out, 0);
    out
}

/// Builds `yaml` (written as `note.yaml`) with `args`; returns the exit status, stderr and
/// the PDF's bytes (empty when none was written).
fn build(yaml: &str, args: &[&str]) -> (bool, String, Vec<u8>) {
    let dir = workspace(&[("note.yaml", yaml.as_bytes())]);
    let (output, stderr) = run(brief(dir.path()).arg("build").arg("note.yaml").args(args));
    let pdf = fs::read(dir.path().join("note.pdf")).unwrap_or_default();
    (output.status.success(), stderr, pdf)
}

/// A note with only a title and text builds, and prints nothing for what it leaves out: no
/// meeting line, no separator, no organization, no stray "none".
#[test]
fn title_and_text_are_enough_and_leave_no_trace() {
    let (ok, stderr, pdf) = build(
        "title: A Note About Nothing in Particular\nsections:\n  - body: The only paragraph of this note.\n",
        &[],
    );
    assert!(ok, "{stderr}");
    assert!(stderr.starts_with("wrote note.pdf (1 page, "), "{stderr}");
    let pages = pdf_pages(&pdf);
    assert_eq!(pages.len(), 1);
    let text = pdf_text(&pdf);
    // The kicker, the title, the text, the page number and the build stamp: nothing else.
    let build_id = text.rsplit(' ').next().unwrap();
    assert_eq!(
        flatten(&text),
        flatten(&format!(
            "BACKGROUND NOTE A Note About Nothing in Particular The only paragraph of this note. Page 1 of 1 build {build_id}"
        ))
    );
}

/// Publication fields print once each on page 1, and the footer names the publication
/// instead of a meeting; the date is not printed twice.
#[test]
fn publication_fields_print_once() {
    let (ok, stderr, pdf) = build(
        r#"title: Judiciary Budget Request
kicker: In Focus
number: IF13206
version: Version 1
date: 2026-04-20
lang: en-US
authors: [Barry J. McMillion]
sections:
  - heading: Overview
    body: The request seeks funding.
sign-off:
  - Barry J. McMillion, Analyst in American National Government
"#,
        &[],
    );
    assert!(ok, "{stderr}");
    let text = pdf_text(&pdf);
    assert!(
        flatten(&text).starts_with(&flatten(
            "IN FOCUS Judiciary Budget Request Prepared by Barry J. McMillion · April 20, 2026 · IF13206 · Version 1 Overview The request seeks funding. Barry J. McMillion, Analyst in American National Government IF13206 · Version 1 Page 1 of 1"
        )),
        "{text}"
    );
    assert_eq!(text.matches("April 20, 2026").count(), 1);
    assert_eq!(
        crate::util::info(&pdf, b"Author").as_deref(),
        Some("Barry J. McMillion")
    );
}

const HEADINGS: &str = r#"title: Levels
organization: Test Org
sections:
  - heading: Individual Accounts
    body: |
      ### Supreme Court

      The court's request.

      #### Salaries and Expenses

      The first sub-account.

      ## Federal Circuit

      The circuit's request.
  - heading: Mandatory Funding
    body: Judges' salaries.
"#;

/// `###` directly under a section is a level-2 heading and `####` below it level 3, tagged
/// H2 and H3 under PDF/UA-1, never skipping a level.
#[test]
fn rich_text_headings_are_h2_and_h3_in_the_structure_tree() {
    let (ok, stderr, pdf) = build(HEADINGS, &["--pdf-standard", "ua-1"]);
    assert!(ok, "{stderr}");
    let headings: Vec<String> = structure(&pdf)
        .into_iter()
        .filter(|s| s.len() == 2 && s.starts_with('H'))
        .collect();
    assert_eq!(headings, ["H1", "H2", "H3", "H2", "H1"]);
    let text = pdf_text(&pdf);
    assert!(
        flatten(&text).contains(&flatten(
            "Supreme Court The court's request. Salaries and Expenses The first sub-account."
        )),
        "{text}"
    );
}

/// A section's text may hold the whole document: in an untitled opening section `##` is the
/// first level, and levels never skip (`####` right after it is the second).
#[test]
fn headings_in_an_untitled_section_start_at_level_one() {
    let yaml = "title: One Text\nsections:\n  - body: |\n      ## Overview\n\n      Text.\n\n      #### Deep\n\n      More.\n\n      ### Middle\n\n      Last.\n";
    let (ok, stderr, pdf) = build(yaml, &["--pdf-standard", "ua-1"]);
    assert!(ok, "{stderr}");
    let headings: Vec<String> = structure(&pdf)
        .into_iter()
        .filter(|s| s.len() == 2 && s.starts_with('H'))
        .collect();
    assert_eq!(headings, ["H1", "H2", "H3"]);
}

/// How many sections make three pages in the template's own style.
const SECTIONS: usize = 7;

/// Paragraphs enough for three pages in the template's own style.
fn long_note(style: &str) -> String {
    let paragraph = "The committee weighed the request against the enacted level and the needs of the courts, and found that most accounts grow by a few per cent while one nearly doubles. ".repeat(5);
    let mut yaml = format!("title: A Long Note\norganization: Test Org\n{style}sections:\n");
    for n in 1..=SECTIONS {
        yaml.push_str(&format!(
            "  - heading: Section {n}\n    body: |\n      {paragraph}\n\n      {paragraph}\n"
        ));
    }
    yaml
}

/// A house style with smaller type, leading and margins makes a three-page note fit two.
#[test]
fn a_smaller_house_style_fits_three_pages_into_two() {
    let (ok, stderr, pdf) = build(&long_note(""), &[]);
    assert!(ok, "{stderr}");
    assert_eq!(pdf_pages(&pdf).len(), 3);
    let style = "style:\n  size: 9pt\n  leading: 4pt\n  spacing: 6pt\n  margin: 0.75in\n  margin-top: 0.7in\n";
    let (ok, stderr, pdf) = build(&long_note(style), &[]);
    assert!(ok, "{stderr}");
    assert_eq!(pdf_pages(&pdf).len(), 2);
}

/// A note over its `page-limit` fails with the limit's message and leaves the last good PDF
/// as it was; the house style that fits it in two pages builds.
#[test]
fn a_house_style_brings_a_note_within_its_page_limit() {
    let style = "page-limit: 2\nstyle:\n  size: 9pt\n  leading: 4pt\n  spacing: 6pt\n  margin: 0.75in\n  margin-top: 0.7in\n";
    let dir = workspace(&[("note.yaml", long_note(style).as_bytes())]);
    let (output, stderr) = run(brief(dir.path()).args(["build", "note.yaml"]));
    assert!(output.status.success(), "{stderr}");
    let before = fs::read(dir.path().join("note.pdf")).unwrap();
    assert_eq!(pdf_pages(&before).len(), 2);

    fs::write(dir.path().join("note.yaml"), long_note("page-limit: 2\n")).unwrap();
    let (output, stderr) = run(brief(dir.path()).args(["build", "note.yaml"]));
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr,
        "\
error: the background note runs to 3 pages, 1 page over its limit of 2
  ┌─ note.yaml:3:13
  │
3 │ page-limit: 2
  │             ^ page-limit
  │
  = page 3 begins “against the enacted level and the needs of the courts, and found…”
  = the first heading past the limit is “Section 6” (page 3)
  = hint: shorten the text by 1 page, or raise `page-limit` to 3

error: nothing was written
"
    );
    assert_eq!(fs::read(dir.path().join("note.pdf")).unwrap(), before);
}

/// A style's values are typed and bounded, and an unknown font is refused with "did you mean",
/// every problem at once, at its line.
#[test]
fn house_style_values_are_checked() {
    let yaml = "title: T\nsections:\n  - body: Text.\nstyle:\n  size: 2pt\n  margin: 3in\n  accent: blue\n  leading: 4\n";
    let (ok, stderr, _) = build(yaml, &[]);
    assert!(!ok);
    assert_eq!(
        stderr,
        r#"error: `2pt` is too small here (at least 7pt)
  ┌─ note.yaml:5:9
  │
5 │   size: 2pt
  │         ^^^ style.size
  │
  = expected: a length with its unit, such as `10pt`, `12mm`, `1.5cm` or `0.75in`

error: `3in` is too large here (at most 2in)
  ┌─ note.yaml:6:11
  │
6 │   margin: 3in
  │           ^^^ style.margin
  │
  = expected: a length with its unit, such as `10pt`, `12mm`, `1.5cm` or `0.75in`

error: `blue` is not a colour (it does not start with `#`)
  ┌─ note.yaml:7:11
  │
7 │   accent: blue
  │           ^^^^ style.accent
  │
  = expected: a colour written `#rrggbb`, such as `#1f4e79`

error: `4` has no unit (write a length with its unit, such as `12mm`, `1.5cm`, `0.5in` or `36pt`)
  ┌─ note.yaml:8:12
  │
8 │   leading: 4
  │            ^ style.leading
  │
  = expected: a length with its unit, such as `10pt`, `12mm`, `1.5cm` or `0.75in`

error: 4 problems found; nothing was written
"#
    );
    let (ok, stderr, _) = build(
        "title: T\nsections:\n  - body: Text.\nstyle:\n  body-font: Libertinus Serf\n",
        &[],
    );
    assert!(!ok);
    assert_eq!(
        stderr,
        r#"error: no font has the family `Libertinus Serf`
  ┌─ note.yaml:5:14
  │
5 │   body-font: Libertinus Serf
  │              ^^^^^^^^^^^^^^^ style.body-font
  │
  = hint: did you mean `Libertinus Serif`?
  = hint: `brief build --font-path DIR` adds the fonts of a folder

error: nothing was written
"#
    );
}

/// Text enough to push a box of `lines` list items near the foot of page 1, then the box.
fn boxed(keep: &str, items: usize) -> String {
    let paragraph = "Opening text that fills the first page before the box arrives. ".repeat(12);
    let mut yaml = format!(
        "title: Boxes\norganization: Test Org\nsections:\n  - heading: Start\n    body: |\n      {paragraph}\n\n      {paragraph}\n\n      {paragraph}\n\n      {paragraph}\n\n      {paragraph}\n    blocks:\n      - box:\n          title: The Sidebar\n{keep}          body: |\n"
    );
    for n in 1..=items {
        yaml.push_str(&format!("            - Boxed item number {n}.\n"));
    }
    yaml.push_str("      - text: After the box.\n");
    yaml
}

/// A box that splits repeats its title with "(continued)"; with `keep: together` it moves to
/// the next page whole.
#[test]
fn keep_together_keeps_a_box_whole_and_a_split_box_says_it_continues() {
    let (ok, stderr, pdf) = build(&boxed("", 14), &[]);
    assert!(ok, "{stderr}");
    let pages = pdf_pages(&pdf);
    let first = flatten(&pages[0]);
    let second = flatten(&pages[1]);
    assert!(first.contains(&flatten("The Sidebar")), "{}", pages[0]);
    assert!(
        first.contains(&flatten("Boxed item number 1.")),
        "{}",
        pages[0]
    );
    assert!(
        second.contains(&flatten("The Sidebar (continued)")),
        "{}",
        pages[1]
    );
    assert!(!first.contains(&flatten("(continued)")));

    let (ok, stderr, pdf) = build(&boxed("          keep: together\n", 14), &[]);
    assert!(ok, "{stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");
    let pages = pdf_pages(&pdf);
    assert!(
        !flatten(&pages[0]).contains(&flatten("Boxed item")),
        "{}",
        pages[0]
    );
    let second = flatten(&pages[1]);
    for n in 1..=14 {
        assert!(second.contains(&flatten(&format!("Boxed item number {n}."))));
    }
    assert!(!second.contains(&flatten("(continued)")));
}

/// A box kept together that no page can hold is split after all, and the writer is told.
#[test]
fn a_box_too_tall_to_keep_together_is_reported() {
    let (ok, stderr, pdf) = build(&boxed("          keep: together\n", 90), &[]);
    assert!(ok, "{stderr}");
    assert!(pdf_pages(&pdf).len() >= 3);
    let warning = stderr.split("\n\n").next().unwrap();
    let expected = "warning: the box on page 1 is too tall to keep together (";
    assert!(warning.starts_with(expected), "{stderr}");
    assert!(warning.contains("pt, and a page holds "), "{stderr}");
    assert!(warning.contains("pt); it is split\n"), "{stderr}");
    assert!(
        warning.contains("^^^^^^^^^^^ sections[0].blocks[0]\n"),
        "{stderr}"
    );
    assert!(
        warning.ends_with(
            "= hint: shorten the box, or leave out `keep: together` so that it may split"
        ),
        "{stderr}"
    );
}

/// A table with `header: false` builds with the widths chosen, and its cells are data cells
/// only in the PDF's tags; with a header row, its cells are header cells.
#[test]
fn a_headerless_table_is_tagged_without_a_header_row() {
    let table = |header: &str| {
        format!(
            r#"title: Tables
organization: Test Org
sections:
  - heading: Facts
    body: A table of label and value pairs.
    blocks:
      - table:
          caption: Key facts
{header}          columns:
            - label: Item
              width: 3
            - label: Value
              width: 1
              align: right
          rows:
            - [Judges, "12"]
            - [District courts, "94"]
"#
        )
    };
    let (ok, stderr, pdf) = build(
        &table("          header: false\n"),
        &["--pdf-standard", "ua-1"],
    );
    assert!(ok, "{stderr}");
    let tags = structure(&pdf);
    assert!(tags.contains(&"Table".to_string()), "{tags:?}");
    assert_eq!(tags.iter().filter(|t| *t == "TD").count(), 4, "{tags:?}");
    assert!(!tags.iter().any(|t| t == "TH" || t == "THead"), "{tags:?}");
    let text = pdf_text(&pdf);
    assert!(!text.contains("Item"), "{text}");
    assert!(text.contains("Judges 12 District courts 94"), "{text}");

    let (ok, stderr, pdf) = build(&table(""), &["--pdf-standard", "ua-1"]);
    assert!(ok, "{stderr}");
    assert_eq!(structure(&pdf).iter().filter(|t| *t == "TH").count(), 2);
}

/// A figure's long description is printed under it, and tagged in the figure's group with
/// the image and its caption (the image's own /Alt stays the short text).
#[test]
fn a_figure_carries_a_long_description() {
    let chart = br##"<svg xmlns="http://www.w3.org/2000/svg" width="200" height="80"><rect width="200" height="80" fill="#dde6ec"/></svg>"##;
    let yaml = r#"title: Figures
organization: Test Org
sections:
  - heading: Chart
    body: A chart follows.
    blocks:
      - figure:
          file: chart.svg
          alt: Bar chart of requests by account
          caption: Requests by account
          description: The bar for the Courts of Appeals is ten times taller than any other.
"#;
    let dir = workspace(&[("note.yaml", yaml.as_bytes()), ("chart.svg", chart)]);
    let (output, stderr) =
        run(brief(dir.path()).args(["build", "note.yaml", "--pdf-standard", "ua-1"]));
    assert!(output.status.success(), "{stderr}");
    let pdf = fs::read(dir.path().join("note.pdf")).unwrap();
    let text = pdf_text(&pdf);
    assert!(
        text.contains(
            "Description: The bar for the Courts of Appeals is ten times taller than any other."
        ),
        "{text}"
    );
    let tags = structure(&pdf);
    assert!(
        tags.ends_with(&["Caption", "Span", "Div", "Figure", "Span"].map(String::from)),
        "{tags:?}"
    );
}

/// The sentences of a corpus transcription, in order: table rows cell by cell, Markdown marks
/// and the labels the template prints itself (Source, Notes) left out.
fn corpus_sentences(text: &str) -> Vec<String> {
    let body = &text[text.find("## Overview").expect("the body")..];
    let mut out = Vec::new();
    for line in body.lines() {
        let line = line.trim().trim_start_matches('>').trim();
        if line.is_empty() || line.starts_with("| ---") || line == "IF13206" {
            continue;
        }
        let line = line.trim_start_matches('#').trim().replace(['*', '_'], "");
        let line = ["Sources:", "Source:", "Notes:", "Note:", "Disclaimer:"]
            .iter()
            .fold(line, |l, label| {
                l.strip_prefix(label)
                    .map_or(l.clone(), |r| r.trim().to_string())
            });
        if line.starts_with('|') {
            out.extend(
                line.split('|')
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .map(String::from),
            );
            continue;
        }
        let mut rest = line.as_str();
        while let Some(end) = rest.find(". ").filter(|_| !rest.is_empty()) {
            out.push(rest[..=end].to_string());
            rest = &rest[end + 2..];
        }
        if !rest.is_empty() {
            out.push(rest.to_string());
        }
    }
    out
}

/// The IF13206 example is two pages, as the original, and holds every sentence of the
/// corpus transcription in order.
#[test]
fn if13206_has_every_sentence_in_order_on_two_pages() {
    let source = root().join("briefs/crs-if13206-judiciary-budget-fy2027.yaml");
    let dir = workspace(&[]);
    let out = dir.path().join("if13206.pdf");
    let (output, stderr) = run(brief(dir.path())
        .arg("build")
        .arg(&source)
        .arg("-o")
        .arg(&out));
    assert!(output.status.success(), "{stderr}");
    let pdf = fs::read(&out).unwrap();
    assert_eq!(pdf_pages(&pdf).len(), 2);
    let straight = |s: &str| flatten(&s.replace(['’', '‘'], "'"));
    let printed = straight(&pdf_pages(&pdf).join(" "));
    let corpus = fs::read_to_string(
        root().join("tests/fixtures/corpus/02-crs-if13206-judiciary-budget-fy2027.txt"),
    )
    .unwrap();
    let sentences = corpus_sentences(&corpus);
    assert!(sentences.len() > 100, "{}", sentences.len());
    let mut at = 0;
    for sentence in &sentences {
        let wanted = straight(sentence);
        match printed[at..].find(&wanted) {
            Some(found) => at += found + wanted.len(),
            None => panic!("not found in order: {sentence:?}"),
        }
    }
}

/// The agenda takes the same house style: wide margins and larger type make the example
/// programme longer.
#[test]
fn the_agenda_takes_the_house_style() {
    let example = root().join("briefs/canada-korea-roundtable-agenda-2025.yaml");
    let pages = |set: &[&str]| {
        let dir = workspace(&[]);
        let out = dir.path().join("agenda.pdf");
        let (output, stderr) = run(brief(dir.path())
            .arg("build")
            .arg(&example)
            .arg("-o")
            .arg(&out)
            .args(set));
        assert!(output.status.success(), "{stderr}");
        pdf_pages(&fs::read(&out).unwrap()).len()
    };
    let own = pages(&[]);
    let large = pages(&[
        "--set",
        "style.size=14pt",
        "--set",
        "style.margin=2in",
        "--set",
        "style.margin-top=2in",
    ]);
    assert!(
        large > own,
        "{large} pages in the large style, {own} without"
    );
}
