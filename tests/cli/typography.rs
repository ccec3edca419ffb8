//! Print typography: typographic quotes and apostrophes per language (never in code, a kept
//! straight quote stays), in literal and rich text.

use std::fs;
use std::path::Path;

use brief::check::load::{self, Sources};
use brief::diag::Files;
use brief::typeset::prepare::{self, BuildOptions};
use brief::typeset::world::{Compiled, Engine};
use typst::layout::{Frame, FrameItem, Point};

use crate::util::{brief, info, pdf_pages, root, run, workspace};

/// A note in `lang` whose title (literal text) and body (rich text) hold straight quotes, a
/// code span with quotes, and a quote kept straight with a backslash.
fn quoted_note(lang: &str) -> String {
    format!(
        r#"template: background-note
title: China's "Extraordinary Measures"
lang: {lang}
organization: Asia Pacific Foundation of Canada
event:
  name: Strategic Roundtable
  date: 2025-12-08
  city: Vancouver
sections:
  - heading: Context
    body: |
      The "extraordinary measures" of China's 'new era' and l'OTAN.

      Typed `name = "x"` as a \"raw\" value.
"#
    )
}

/// The text of the note built from `yaml`, white space folded.
fn built_text(yaml: &str) -> String {
    let dir = workspace(&[("note.yaml", yaml.as_bytes())]);
    let (output, stderr) = run(brief(dir.path()).args(["build", "note.yaml", "-o", "out.pdf"]));
    assert!(output.status.success(), "{stderr}");
    let pages = pdf_pages(&fs::read(dir.path().join("out.pdf")).unwrap());
    pages
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// English gets “ ” ‘ ’ and apostrophes; code and a kept quote stay straight.
#[test]
fn english_quotes_are_typographic() {
    let text = built_text(&quoted_note("en-CA"));
    assert!(text.contains("China’s “Extraordinary Measures”"), "{text}");
    assert!(
        text.contains("The “extraordinary measures” of China’s ‘new era’ and l’OTAN."),
        "{text}"
    );
    assert!(
        text.contains(r#"Typed name = "x" as a "raw" value."#),
        "{text}"
    );
}

/// French gets « » with no-break spaces inside, and apostrophes; code stays straight.
#[test]
fn french_quotes_are_guillemets() {
    let dir = workspace(&[("note.yaml", quoted_note("fr-CA").as_bytes())]);
    let (output, stderr) = run(brief(dir.path()).args(["build", "note.yaml", "-o", "out.pdf"]));
    assert!(output.status.success(), "{stderr}");
    let pdf = fs::read(dir.path().join("out.pdf")).unwrap();
    // The metadata holds the title as typeset, no-break spaces included.
    assert_eq!(
        info(&pdf, b"Title").as_deref(),
        Some("China’s «\u{a0}Extraordinary Measures\u{a0}»")
    );
    // A PDF reader's spaces come from the glyphs' places: compare without white space.
    let text: String = pdf_pages(&pdf)
        .join(" ")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert!(
        text.contains("The«extraordinarymeasures»ofChina’s“newera”andl’OTAN."),
        "{text}"
    );
    assert!(text.contains(r#"Typedname="x"asa"raw"value."#), "{text}");
}

/// A note with a link and two footnotes; `extra` adds fields.
fn linked_note(extra: &str) -> String {
    format!(
        "title: Links and Notes\norganization: Asia Pacific Foundation of Canada\nevent:\n  name: Strategic Roundtable\n  date: 2025-12-08\n  city: Vancouver\n{extra}sections:\n  - body: |\n      See the [2022 strategy](https://example.org/indo-pacific) now.[^1] More.[^2]\n\n      [^1]: Released in 2022.\n      [^2]: Another remark.\n"
    )
}

/// Footnote marks are numbers, and a link's address reaches the page as a footnote of its
/// own, the live link kept.
#[test]
fn footnotes_are_numbered_and_link_addresses_reach_paper() {
    let dir = workspace(&[("note.yaml", linked_note("").as_bytes())]);
    let (output, stderr) = run(brief(dir.path()).args(["build", "note.yaml", "-o", "out.pdf"]));
    assert!(output.status.success(), "{stderr}");
    let pdf = fs::read(dir.path().join("out.pdf")).unwrap();
    // A PDF reader puts spaces around superscripts: compare without white space.
    let text: String = pdf_pages(&pdf).join(" ").split_whitespace().collect();
    assert!(text.contains("Seethe2022strategy1now.2More.3"), "{text}");
    assert!(
        text.contains("1https://example.org/indo-pacific2Releasedin2022."),
        "{text}"
    );
    assert!(!text.contains('*'), "{text}");
    let raw = String::from_utf8_lossy(&pdf);
    assert!(
        raw.contains("(https://example.org/indo-pacific)"),
        "the live link stays"
    );
}

/// `link-addresses: parentheses` prints the address after the words; `none` leaves it out.
#[test]
fn link_addresses_in_parentheses_or_not_at_all() {
    for (choice, expected, absent) in [
        (
            "parentheses",
            "2022strategy(https://example.org/indo-pacific)now.1",
            "",
        ),
        ("none", "2022strategynow.1", "https://example.org"),
    ] {
        let yaml = linked_note(&format!("link-addresses: {choice}\n"));
        let dir = workspace(&[("note.yaml", yaml.as_bytes())]);
        let (output, stderr) = run(brief(dir.path()).args(["build", "note.yaml", "-o", "out.pdf"]));
        assert!(output.status.success(), "{stderr}");
        let text = pdf_pages(&fs::read(dir.path().join("out.pdf")).unwrap()).join(" ");
        let text: String = text.split_whitespace().collect();
        assert!(text.contains(expected), "{choice}: {text}");
        if !absent.is_empty() {
            assert!(!text.contains(absent), "{choice}: {text}");
        }
    }
}

/// Each text item of a laid-out frame: where it starts (x and baseline y, in points), how
/// wide it is, and its text.
fn text_items(frame: &Frame, at: Point, out: &mut Vec<(f64, f64, f64, String)>) {
    for (pos, item) in frame.items() {
        let here = at + *pos;
        match item {
            FrameItem::Group(group) => text_items(&group.frame, here, out),
            FrameItem::Text(text) => out.push((
                here.x.to_pt(),
                here.y.to_pt(),
                text.width().to_pt(),
                text.text.to_string(),
            )),
            _ => {}
        }
    }
}

/// The space between the number of footnote 1 and the first word of its text, `first`, on
/// the first page of `brief` laid out in-process, in points.
fn footnote_gap(brief_path: &Path, sets: &[&str], first: &str) -> f64 {
    let mut files = Files::default();
    let sources = Sources {
        sets: sets.iter().map(|s| s.to_string()).collect(),
        ..Sources::default()
    };
    let note = match load::load(brief_path, &sources, &mut files) {
        Ok(note) => note,
        Err(brief::error::Failure::Problems(p)) => panic!("{}", brief::diag::render(&files, &p)),
        Err(brief::error::Failure::App(e)) => panic!("{e}"),
    };
    let engine = Engine::with_font_folders(&[]).unwrap();
    let compiled = Compiled::new(&note.template);
    let prepared = prepare::prepare(
        &engine,
        &compiled,
        &note,
        &BuildOptions::default(),
        &mut files,
    )
    .ok()
    .unwrap();
    let document = brief::typeset::compile(&prepared.world, &compiled, &mut files)
        .ok()
        .unwrap();
    let mut items = Vec::new();
    text_items(
        &document.document.pages()[0].frame,
        Point::zero(),
        &mut items,
    );
    let (x, y, ..) = items
        .iter()
        .find(|(.., t)| t.starts_with(first))
        .unwrap_or_else(|| panic!("no `{first}` in {items:?}"))
        .clone();
    let number = items
        .iter()
        .filter(|(nx, ny, _, t)| t == "1" && *nx < x && (y - ny).abs() < 6.0)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .unwrap_or_else(|| panic!("no footnote number before `{first}` in {items:?}"));
    x - (number.0 + number.2)
}

/// In the footnote area, a footnote's number stands a word space (at least 2 pt at 8.5 pt)
/// from its text, on the background note and the briefing note alike; typst's own gap is a
/// twentieth of an em, and the number touches the first word.
#[test]
fn footnote_numbers_stand_apart_from_their_text() {
    let dir = workspace(&[("note.yaml", linked_note("").as_bytes())]);
    let gap = footnote_gap(&dir.path().join("note.yaml"), &[], "https://example.org");
    assert!(gap >= 2.0, "background note: {gap} pt");
    let gap = footnote_gap(
        &root().join("briefs/briefing-note-roundtable-2025.yaml"),
        &[r#"summary="Opening the roundtable matters.[^1]\n\n[^1]: Footnoted remark.""#],
        "Footnoted",
    );
    assert!(gap >= 2.0, "briefing note: {gap} pt");
}
