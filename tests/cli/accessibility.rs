//! Accessibility warnings of `brief check` beyond PDF/UA-1's rules: headings that skip a
//! level, link text and alt text that say nothing, tables without a header row. Each one's
//! full text is pinned; a brief without them (every example) gets none.

use std::fs;

use crate::util::{brief, root, run, workspace};

/// A small SVG image for figures.
const SVG: &[u8] = br##"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="#0d4a6b"/></svg>"##;

/// The standard error of `brief check` on a brief whose first section's body (and what
/// follows it) is `rest`; the check must succeed.
fn check(rest: &str) -> String {
    let text = format!(
        "title: Trade notes\norganization: Org\nevent: {{name: Roundtable, date: 2025-12-08, city: Ottawa}}\nsections:\n  - heading: Context\n    body: |\n{rest}"
    );
    let dir = workspace(&[("c.yaml", text.as_bytes()), ("trade.svg", SVG)]);
    let (output, stderr) = run(brief(dir.path()).args(["check", "c.yaml"]));
    assert!(output.status.success(), "warnings only: {stderr}");
    stderr
}

/// A heading in rich text more than one level below the one before it is a warning at its line.
#[test]
fn a_heading_that_skips_a_level_is_a_warning() {
    assert_eq!(
        check("      ## Context\n\n      #### Detail\n"),
        r#"warning: this heading skips from level 2 to level 4
  ┌─ c.yaml:9:7
  │
9 │       #### Detail
  │       ^^^^^^^^^^^ sections[0].body
  │
  = hint: screen reader users move from heading to heading by level: write it with 3 `#`, one level below the heading it belongs to

checked 1 brief: 1 warning
"#
    );
}

/// A link whose text is "click here" is a warning at the link.
#[test]
fn link_text_that_says_nothing_is_a_warning() {
    assert_eq!(
        check("      The figures are [click here](https://example.ca/trade).\n"),
        r#"warning: the link text `click here` does not say where the link goes
  ┌─ c.yaml:7:23
  │
7 │       The figures are [click here](https://example.ca/trade).
  │                       ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ sections[0].body
  │
  = hint: link the words that name the destination, such as `[the 2024 roadmap](https://...)`: screen readers list links by their text alone

checked 1 brief: 1 warning
"#
    );
}

/// A pipe table of data whose header cells are all empty is a warning at its first line.
#[test]
fn a_table_without_a_header_row_is_a_warning() {
    assert_eq!(
        check("      | | |\n      |---|---|\n      | 2015 | 1.2 |\n      | 2024 | 3.4 |\n"),
        r#"warning: this table has no header row
  ┌─ c.yaml:7:7
  │
7 │       | | |
  │       ^^^^^ sections[0].body
  │
  = hint: name each column in the first row: a screen reader reads a cell with its column's name, and without one the numbers lose their meaning

checked 1 brief: 1 warning
"#
    );
}

/// Alt text that is a file name, or a word like "photo", is a warning at the alt text.
#[test]
fn alt_text_that_is_a_file_name_or_a_word_is_a_warning() {
    assert_eq!(
        check(
            "      Text.\n    blocks:\n      - figure:\n          file: trade.svg\n          alt: trade.svg\n      - figure:\n          file: trade.svg\n          alt: Photo\n"
        ),
        r#"warning: the alt text `trade.svg` is a file name
   ┌─ c.yaml:11:16
   │
11 │           alt: trade.svg
   │                ^^^^^^^^^ sections[0].blocks[0].figure.alt
   │
   = hint: say what the image shows, as you would to someone on the phone, such as `Two-way trade rose from 2015 to 2024`

warning: the alt text `Photo` does not say what the image shows
   ┌─ c.yaml:14:16
   │
14 │           alt: Photo
   │                ^^^^^ sections[0].blocks[1].figure.alt
   │
   = hint: say what it shows, such as `Two-way trade rose from 2015 to 2024`; a screen reader already says it is an image

checked 1 brief: 2 warnings
"#
    );
}

/// The example briefs raise none of these warnings.
#[test]
fn the_examples_have_no_accessibility_warnings() {
    for entry in fs::read_dir(root().join("briefs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        let (output, stderr) = run(brief(&root()).arg("check").arg(&path));
        assert!(output.status.success(), "{stderr}");
        assert!(!stderr.contains("warning"), "{}: {stderr}", path.display());
    }
}

/// Text a template sets in a colour below WCAG AA's 4.5:1 on what is behind it (the page, or
/// a filled box) is a warning naming both colours, the ratio and where; separators such as
/// `|` are decoration and not judged.
#[test]
fn low_contrast_text_in_a_template_is_a_warning() {
    let manifest = "name: mine\ndescription: A one-line memo\ncontract: 2\nfields:\n  title: {type: text, required: true}\n";
    let main = r##"#let data = json("/.brief/data.json")
#set text(lang: "en")
#set document(title: data.fields.title)
#text(fill: rgb("#0d4a6b"))[#data.fields.title] #text(fill: rgb("#dddddd"))[|]

#text(fill: rgb("#aaaaaa"))[Light gray words]

#box(fill: rgb("#0d4a6b"), inset: 4pt, text(fill: rgb("#336699"))[Blue on blue])
"##;
    let dir = workspace(&[
        ("note.yaml", b"template: mine\ntitle: Talking points\n"),
        ("templates/mine/template.yaml", manifest.as_bytes()),
        ("templates/mine/main.typ", main.as_bytes()),
    ]);
    let (output, stderr) = run(brief(dir.path()).args(["build", "note.yaml", "-o", "out.pdf"]));
    assert!(output.status.success(), "{stderr}");
    assert_eq!(
        stderr.split_once("wrote ").map_or(&stderr[..], |(w, _)| w),
        "\
warning: text in #aaaaaa on #ffffff has a contrast of 2.3:1, below the 4.5:1 of WCAG AA (page 1: `Light gray words`)
 = hint: the template sets these colours: darken the text or lighten what is behind it

warning: text in #336699 on #0d4a6b has a contrast of 1.6:1, below the 4.5:1 of WCAG AA (page 1: `Blue on blue`)
 = hint: the template sets these colours: darken the text or lighten what is behind it

"
    );
}

/// Every colour pair the built-in templates set text in meets WCAG AA (4.5:1), as laid out:
/// every example brief, in colour and in grayscale, the handout bundle (participants,
/// questions, notes and blank pages) and the name tents raise no contrast warning.
#[test]
fn built_in_templates_meet_wcag_aa_contrast() {
    let dir = workspace(&[]);
    let out = dir.path().join("out.pdf");
    let mut runs: Vec<Vec<std::ffi::OsString>> = Vec::new();
    for entry in fs::read_dir(root().join("briefs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        for extra in [&[][..], &["--grayscale"]] {
            let mut args: Vec<std::ffi::OsString> = vec!["build".into(), path.clone().into()];
            args.extend(extra.iter().map(Into::into));
            runs.push(args);
        }
    }
    let example = root().join("briefs/canada-korea-defence-2025.yaml");
    runs.push(vec!["handout".into(), example.clone().into()]);
    runs.push(vec![
        "handout".into(),
        example.into(),
        "--name-tents".into(),
    ]);
    for args in runs {
        let (output, stderr) = run(brief(dir.path()).args(&args).arg("-o").arg(&out));
        assert!(output.status.success(), "{args:?}: {stderr}");
        assert!(!stderr.contains("contrast"), "{args:?}: {stderr}");
    }
}
