//! Bilingual briefs: text given per language, `--lang` editions (one, or several in one PDF),
//! the warning for a field missing one of the brief's languages, the error for a field missing
//! the edition's language, and acronyms spelled out at their first use.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::util::{brief, pdf_pages, root, run, workspace};

/// The bilingual example in briefs/.
fn example() -> std::path::PathBuf {
    root().join("briefs/canada-korea-defence-2025-bilingual.yaml")
}

/// Runs a command that must succeed; returns stderr.
fn ok(command: &mut Command) -> String {
    let (output, stderr) = run(command);
    assert!(output.status.success(), "failed: {stderr}");
    stderr
}

/// Builds `brief` with `args` into `out.pdf` in `dir`; returns the pages' text, white space
/// folded (a PDF reader breaks lines and splits tracked capitals).
fn build(dir: &Path, brief_path: &Path, args: &[&str]) -> Vec<String> {
    let out = dir.join("out.pdf");
    ok(brief(dir)
        .arg("build")
        .arg(brief_path)
        .arg("-o")
        .arg(&out)
        .args(args));
    pdf_pages(&fs::read(out).unwrap())
        .iter()
        .map(|p| fold(p))
        .collect()
}

/// White space folded to single spaces, no-break spaces included, and line-end hyphens
/// joined.
fn fold(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace("- ", "-")
}

/// Text without any white space, for comparing text a justified page may break anywhere.
fn squeeze(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect()
}

const EN_TITLE: &str = "Strengthening the Canada–Republic of Korea";
const FR_TITLE: &str = "Renforcer le partenariat stratégique global";

/// `--lang fr` prints the French text with French labels, dates and page numbers; without
/// `--lang` the edition is the brief's own language (en-CA), with English ones.
#[test]
fn french_edition_is_french_throughout() {
    let dir = workspace(&[]);
    let fr = squeeze(&build(dir.path(), &example(), &["--lang", "fr"]).join(" "));
    for expected in [
        FR_TITLE,
        "NOTE D’INFORMATION",
        "DATES CLÉS",
        "8 décembre 2025",
        "juin 2024",
        "Page 1 de 2",
        "SIGLES ET ACRONYMES",
        "QUESTIONS POUR LA DISCUSSION",
        "Table ronde stratégique",
        "Organisation du Traité de l’Atlantique Nord (OTAN)",
    ] {
        assert!(
            fr.contains(&squeeze(expected)),
            "`{expected}` missing: {fr}"
        );
    }
    for english in [EN_TITLE, "Background Note", "December 8, 2025", "Page 1 of"] {
        assert!(
            !fr.contains(&squeeze(english)),
            "`{english}` in French: {fr}"
        );
    }
    let en = squeeze(&build(dir.path(), &example(), &[]).join(" "));
    for expected in [
        EN_TITLE,
        "December 8, 2025",
        "Page 1 of 2",
        "KEY MILESTONES",
    ] {
        assert!(
            en.contains(&squeeze(expected)),
            "`{expected}` missing: {en}"
        );
    }
    assert!(!en.contains(&squeeze(FR_TITLE)));
}

/// `--lang en,fr` prints the English edition and then the French one, each complete: the
/// page count is the sum of the two editions', and each edition numbers its own pages.
#[test]
fn bilingual_edition_prints_both_in_order() {
    let dir = workspace(&[]);
    let en = build(dir.path(), &example(), &["--lang", "en"]).len();
    let fr = build(dir.path(), &example(), &["--lang", "fr"]).len();
    let both = build(dir.path(), &example(), &["--lang", "en,fr"]);
    assert_eq!(both.len(), en + fr);
    let all = squeeze(&both.join(" "));
    let en_at = all.find(&squeeze(EN_TITLE)).expect("the English title");
    let fr_at = all.find(&squeeze(FR_TITLE)).expect("the French title");
    assert!(en_at < fr_at, "English first");
    assert!(squeeze(&both[0]).contains(&squeeze(&format!("Page 1 of {en}"))));
    assert!(squeeze(&both[en]).contains(&squeeze(&format!("Page 1 de {fr}"))));
    assert!(squeeze(&both[en]).contains("NOTED’INFORMATION"));
    // The other order, when asked.
    let reversed = squeeze(&build(dir.path(), &example(), &["--lang", "fr,en"]).join(" "));
    assert!(reversed.find(&squeeze(FR_TITLE)) < reversed.find(&squeeze(EN_TITLE)));
}

/// The bilingual edition meets PDF/UA-1 (tags of two compiles in one structure tree) and
/// keeps each footnote's link inside its own edition.
#[test]
fn bilingual_edition_is_tagged_and_links_stay_in_their_edition() {
    let brief_text = "\
title: {en: Notes, fr: Notes et renvois}
organization: Org
event: {name: Roundtable, date: 2025-12-08, city: Ottawa}
sections:
  - body:
      en: |
        English text.[^1]

        [^1]: The English note.
      fr: |
        Texte français.[^1]

        [^1]: La note française.
";
    let dir = workspace(&[("note.yaml", brief_text.as_bytes())]);
    let out = dir.path().join("out.pdf");
    ok(brief(dir.path()).args([
        "build",
        "note.yaml",
        "--lang",
        "en,fr",
        "--pdf-standard",
        "ua-1",
        "-o",
        "out.pdf",
    ]));
    let document = lopdf::Document::load(&out).unwrap();
    assert_eq!(document.get_pages().len(), 2);
    assert!(document.catalog().unwrap().get(b"StructTreeRoot").is_ok());
    // The mark links to its note and the note back to its mark, in each edition.
    assert_eq!(links_on_own_page(&out), 4);
}

/// Asserts that every internal link of a PDF points at the page it is on; returns how many
/// there are.
fn links_on_own_page(pdf: &Path) -> usize {
    let document = lopdf::Document::load(pdf).unwrap();
    let pages: Vec<lopdf::ObjectId> = document.get_pages().values().copied().collect();
    let mut internal = 0;
    for (i, page) in pages.iter().enumerate() {
        for annotation in document.get_page_annotations(*page).unwrap() {
            let Ok(dest) = annotation.get(b"Dest") else {
                continue;
            };
            let dest = document.dereference(dest).unwrap().1.as_array().unwrap();
            let target = dest[0].as_reference().unwrap();
            assert_eq!(
                target,
                pages[i],
                "a link on page {} leaves its edition",
                i + 1
            );
            internal += 1;
        }
    }
    internal
}

/// A footnote that reads the same in both editions is one element per edition in the PDF/UA
/// tags: `--lang en,fr --pdf-standard ua-1` builds (the validator passes it: see
/// validation.rs), each edition's links go to its own note, and the French note is tagged
/// after the French mark, not the English one.
#[test]
fn bilingual_ua_with_a_shared_footnote_builds() {
    let brief_text = "\
title: {en: Notes, fr: Notes et renvois}
organization: Org
event: {name: Roundtable, date: 2025-12-08, city: Ottawa}
sections:
  - body: |
      Text.[^1]

      [^1]: Ibid.
";
    let dir = workspace(&[("note.yaml", brief_text.as_bytes())]);
    let (output, stderr) = run(brief(dir.path()).args([
        "build",
        "note.yaml",
        "--lang",
        "en,fr",
        "--pdf-standard",
        "ua-1",
    ]));
    assert!(output.status.success(), "{stderr}");
    let pdf = fs::read(dir.path().join("note.pdf")).unwrap();
    assert!(String::from_utf8_lossy(&pdf).contains("pdfuaid:part>1<"));
    // The same footnote twice: each edition's links still go to its own note.
    assert_eq!(links_on_own_page(&dir.path().join("note.pdf")), 4);
    // And without PDF/UA too.
    ok(brief(dir.path()).args([
        "build",
        "note.yaml",
        "--lang",
        "en,fr",
        "--pdf-standard",
        "none",
    ]));
    assert_eq!(links_on_own_page(&dir.path().join("note.pdf")), 4);
}

/// A field with one of the brief's languages but not another is a warning at its line,
/// naming the field and the languages, in human and JSON reports.
#[test]
fn missing_translation_is_a_warning() {
    let brief_text = "\
title:
  en: A title
  fr: Un titre
organization: Org
event: {name: Roundtable, date: 2025-12-08, city: Ottawa}
sections:
  - body:
      en: English only.
";
    let dir = workspace(&[("note.yaml", brief_text.as_bytes())]);
    let (output, stderr) = run(brief(dir.path()).args(["check", "note.yaml"]));
    assert!(output.status.success(), "a warning only: {stderr}");
    assert_eq!(
        stderr,
        "\
warning: `sections[0].body` has no text in French (fr)
  ┌─ note.yaml:8:7
  │
8 │       en: English only.
  │       ^^ sections[0].body
  │
  = it is given in English (en); the brief uses English (en) and French (fr)
  = hint: add `fr: ...` beside the others; the French (fr) edition cannot be built until then

checked 1 brief: 1 warning
"
    );
    let (output, _) = run(brief(dir.path()).args(["check", "note.yaml", "--format", "json"]));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let problems = report["briefs"][0]["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0]["severity"], "warning");
    assert_eq!(problems[0]["field"], "sections[0].body");
    assert_eq!(problems[0]["location"]["line"], 8);
    assert_eq!(
        problems[0]["message"],
        "`sections[0].body` has no text in French (fr)"
    );
    // Checking both editions reports it once, with the French edition's error.
    let (output, stderr) = run(brief(dir.path()).args(["check", "note.yaml", "--lang", "en,fr"]));
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr.matches("has no text in French (fr)").count(),
        2,
        "{stderr}"
    );
}

/// Building an edition a field lacks is an error at the field's line, naming the field and
/// the languages it has; nothing is written.
#[test]
fn missing_edition_language_is_an_error() {
    let brief_text = "\
title: {en: A title, fr: Un titre, ko: 제목}
organization: Org
event: {name: Roundtable, date: 2025-12-08, city: Ottawa}
sections:
  - body: {en: English only., ko: 한국어만.}
";
    let dir = workspace(&[("note.yaml", brief_text.as_bytes())]);
    let (output, stderr) = run(brief(dir.path()).args(["build", "note.yaml", "--lang", "fr"]));
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr,
        "\
error: `sections[0].body` has no text in French (fr), the language of this edition
  ┌─ note.yaml:5:12
  │
5 │   - body: {en: English only., ko: 한국어만.}
  │            ^^ sections[0].body
  │
  = it is given in English (en) and Korean (ko)
  = hint: add `fr: ...` to it, or build an edition it has with `--lang en`

error: nothing was written
"
    );
    assert!(!dir.path().join("note.pdf").exists());
}

/// Keys of a per-language text must be languages; a map that is no attempt at one keeps the
/// "expected text" error, with a hint about languages.
#[test]
fn per_language_keys_are_checked() {
    let brief_text = "\
title: {en: A title, fre: Un titre}
organization: {name: Org}
event: {name: Roundtable, date: 2025-12-08, city: Ottawa}
sections:
  - body: {en-CA: Text.}
";
    let dir = workspace(&[("note.yaml", brief_text.as_bytes())]);
    let (output, stderr) = run(brief(dir.path()).args(["check", "note.yaml"]));
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains("error: `fre` is not a language a text can be given in"));
    assert!(stderr.contains("= hint: did you mean `fr`?"));
    assert!(
        stderr.contains("error: expected text, found a map of fields"),
        "{stderr}"
    );
    assert!(
        stderr.contains("= hint: per-language values are allowed: give every language of this brief (en), as `{en: ...}`"),
        "{stderr}"
    );
    assert!(stderr.contains("error: `en-CA` is not a language a text can be given in"));
    assert!(stderr.contains("write the language alone, `en`"));
    assert!(!stderr.contains("the language of this edition"), "{stderr}");
}

/// `brief show --lang fr` shows the French values, each at its own line, and `lang` as set by
/// `--lang`; `--set` can replace one language of a field.
#[test]
fn show_and_set_work_per_language() {
    let dir = workspace(&[]);
    let (output, stderr) = run(brief(dir.path()).arg("show").arg(example()).args([
        "--lang",
        "fr",
        "--set",
        "title.fr=Un autre titre",
    ]));
    assert!(output.status.success(), "{stderr}");
    let shown = String::from_utf8(output.stdout).unwrap();
    let line = |key: &str| {
        shown
            .lines()
            .find(|l| l.starts_with(key))
            .unwrap_or_else(|| panic!("no `{key}` in {shown}"))
            .to_string()
    };
    assert!(line("title:").contains("\"Un autre titre\""));
    assert!(line("title:").ends_with("# --set:1"));
    assert!(line("event.name:").contains("Table ronde stratégique"));
    assert!(line("event.name:").ends_with("canada-korea-defence-2025-bilingual.yaml:25"));
    assert!(line("lang:").ends_with("# --lang:1"));
    // One edition at a time.
    let (output, stderr) = run(brief(dir.path())
        .arg("show")
        .arg(example())
        .args(["--lang", "en,fr"]));
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr.contains("one edition at a time"));
}

/// `expand-acronyms: true` spells out each acronym at its first use in the body and leaves
/// later uses (and headings, code and link addresses) alone; without it nothing changes.
#[test]
fn acronyms_are_spelled_out_at_first_use() {
    let brief_text = "\
title: The CSP in Review
organization: Org
event: {name: Roundtable, date: 2025-12-08, city: Ottawa}
expand-acronyms: true
sections:
  - heading: Why the CSP matters
    body: |
      The CSP was signed in 2022. Code such as `NATO` stays code.
  - body: |
      The CSP has pillars; see [the NATO page](https://example.org/NATO).
      Later, NATO and the CSP again. Canada-ROK ties.
acronyms:
  CSP: Comprehensive Strategic Partnership
  NATO: North Atlantic Treaty Organization
  ROK: Republic of Korea
";
    let dir = workspace(&[("note.yaml", brief_text.as_bytes())]);
    let text = fold(&build(dir.path(), &dir.path().join("note.yaml"), &[]).join(" "));
    let body = squeeze(&text);
    let count = |s: &str| body.matches(&squeeze(s)).count();
    assert_eq!(
        count("Comprehensive Strategic Partnership (CSP)"),
        1,
        "{text}"
    );
    assert!(body.contains(&squeeze(
        "The Comprehensive Strategic Partnership (CSP) was signed"
    )));
    assert!(body.contains(&squeeze(
        "the North Atlantic Treaty Organization (NATO) page"
    )));
    assert_eq!(count("North Atlantic Treaty Organization (NATO)"), 1);
    assert!(body.contains(&squeeze("Later, NATO and the CSP again")));
    assert!(body.contains(&squeeze("Canada-Republic of Korea (ROK) ties")));
    assert!(
        body.contains(&squeeze("Why the CSP matters")),
        "headings stay"
    );
    assert!(body.contains(&squeeze("The CSP in Review")), "titles stay");
    // Off by default.
    let plain = brief_text.replace("expand-acronyms: true\n", "");
    fs::write(dir.path().join("plain.yaml"), plain).unwrap();
    let text = squeeze(&build(dir.path(), &dir.path().join("plain.yaml"), &[]).join(" "));
    assert!(!text.contains(&squeeze("Partnership (CSP)")));
}

/// An acronym the writer already spelled out in parentheses counts as its first use.
#[test]
fn acronym_already_spelled_out_is_left_alone() {
    let brief_text = "\
title: A note
organization: Org
event: {name: Roundtable, date: 2025-12-08, city: Ottawa}
expand-acronyms: true
sections:
  - body: The Comprehensive Strategic Partnership (CSP) grew. The CSP holds.
acronyms:
  CSP: Comprehensive Strategic Partnership
";
    let dir = workspace(&[("note.yaml", brief_text.as_bytes())]);
    let text = squeeze(&build(dir.path(), &dir.path().join("note.yaml"), &[]).join(" "));
    assert_eq!(
        text.matches(&squeeze("Comprehensive Strategic Partnership"))
            .count(),
        2,
        "once in the text, once in the glossary: {text}"
    );
    assert!(text.contains(&squeeze("The CSP holds")));
}

/// An acronym given in one language belongs to that edition only: the French edition spells
/// out OTAN and lists it, the English one NATO.
#[test]
fn acronyms_per_edition() {
    let dir = workspace(&[]);
    let fr = squeeze(&build(dir.path(), &example(), &["--lang", "fr"]).join(" "));
    assert!(fr.contains(&squeeze(
        "Organisation du Traité de l’Atlantique Nord (OTAN)"
    )));
    assert!(!fr.contains("NATO"));
    let en = squeeze(&build(dir.path(), &example(), &[]).join(" "));
    assert!(en.contains(&squeeze("North Atlantic Treaty Organization (NATO)")));
    assert!(!en.contains("OTAN"));
}
