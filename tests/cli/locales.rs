//! Languages: the example brief built in each locale (dates, labels, page numbers), the
//! agenda's day headings and times, French spacing, the embedded Hangul font, and the warning
//! for characters no font has.

use std::fs;
use std::path::Path;

use crate::util::{brief, example, pdf_pages, root, run, workspace};

/// Builds `path` with `--set` overrides; returns the pages' text without any white space (a PDF
/// reader puts spaces between tracked capitals and at each change of font, as between "2025"
/// and "년") and stderr. Compare with [`squeeze`]d expectations.
fn build(dir: &Path, path: &Path, sets: &[&str]) -> (Vec<String>, String) {
    let out = dir.join("out.pdf");
    let mut command = brief(dir);
    command.arg("build").arg(path).arg("-o").arg(&out);
    for set in sets {
        command.args(["--set", set]);
    }
    let (output, stderr) = run(&mut command);
    assert!(output.status.success(), "build failed: {stderr}");
    let pages = pdf_pages(&fs::read(out).unwrap())
        .iter()
        .map(|p| squeeze(p))
        .collect();
    (pages, stderr)
}

/// Text without white space (no-break spaces included).
fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Asserts that `text` (squeezed) holds each of `expected` (squeezed on the way).
fn assert_has(text: &str, expected: &[&str]) {
    for e in expected {
        assert!(text.contains(&squeeze(e)), "`{e}` is not in: {text}");
    }
}

fn agenda() -> std::path::PathBuf {
    root().join("briefs/canada-korea-roundtable-agenda-2025.yaml")
}

#[test]
fn example_in_canadian_english() {
    let dir = workspace(&[]);
    let (pages, _) = build(dir.path(), &example(), &[]);
    let all = pages.join(" ");
    assert_has(&all, &["December 8, 2025"]);
    assert_has(&all, &["June 2024"]);
    assert_has(&pages[0], &["Page 1 of 2"]);
    assert_has(&all, &["KEY MILESTONES"]);
}

#[test]
fn example_in_french() {
    let dir = workspace(&[]);
    let (pages, _) = build(dir.path(), &example(), &["lang=fr-CA", "kicker=null"]);
    let all = pages.join(" ");
    assert_has(
        &all,
        &[
            "8 décembre 2025",
            "juin 2024",
            "décembre 2022",
            "DATES CLÉS",
            "SIGLES ET ACRONYMES",
            "NOTE D’INFORMATION",
        ],
    );
    assert_has(&pages[0], &["Page 1 de 2"]);
}

#[test]
fn example_in_korean() {
    let dir = workspace(&[]);
    let (pages, stderr) = build(dir.path(), &example(), &["lang=ko-KR", "kicker=null"]);
    let all = pages.join(" ");
    assert_has(
        &all,
        &[
            "2025년 12월 8일",
            "2024년 6월",
            "2015년",
            "주요 연혁",
            "약어",
            "배경 자료",
        ],
    );
    assert_has(&pages[0], &["1 / 2쪽"]);
    assert!(!stderr.contains("warning"), "{stderr}");
}

#[test]
fn example_in_american_english_keeps_english_dates() {
    let dir = workspace(&[]);
    let (pages, _) = build(dir.path(), &example(), &["lang=en-US"]);
    assert_has(&pages.join(" "), &["December 8, 2025", "Page 1 of 2"]);
}

/// The agenda's day headings, times and role labels follow the brief's language.
#[test]
fn agenda_in_each_language() {
    let dir = workspace(&[]);
    let (pages, _) = build(dir.path(), &agenda(), &[]);
    let all = pages.join(" ");
    assert_has(&all, &["Monday, December 8, 2025"]);
    assert_has(&all, &["09:20"]);

    let (pages, _) = build(dir.path(), &agenda(), &["lang=en-US"]);
    let all = pages.join(" ");
    assert_has(&all, &["Panelists:"]);
    assert!(!all.contains("PROGRAMME"), "{all}");
    assert_has(&all, &["9:20 AM"]);

    let (pages, _) = build(dir.path(), &agenda(), &["lang=en-GB"]);
    let all = pages.join(" ");
    assert_has(&all, &["Monday 8 December 2025", "09:20"]);
    assert!(!all.contains("Monday,"), "{all}");

    let (pages, _) = build(dir.path(), &agenda(), &["lang=fr-CA"]);
    let all = pages.join(" ");
    assert_has(&all, &["lundi 8 décembre 2025"]);
    assert_has(&all, &["9 h 20"]);
    assert_has(&all, &["Page 1 de 2"]);
    assert_has(&all, &["RENSEIGNEMENTS PRATIQUES"]);

    let (pages, _) = build(dir.path(), &agenda(), &["lang=ko-KR"]);
    let all = pages.join(" ");
    assert_has(&all, &["2025년 12월 8일 월요일"]);
    assert_has(&all, &["안내 사항"]);
}

/// The French and Korean example briefs build without a single warning.
#[test]
fn french_and_korean_examples_build_cleanly() {
    let dir = workspace(&[]);
    for name in [
        "canada-korea-defence-2025-fr.yaml",
        "canada-korea-defence-2025-ko.yaml",
    ] {
        let (pages, stderr) = build(dir.path(), &root().join("briefs").join(name), &[]);
        assert!(
            stderr.lines().all(|l| l.starts_with("wrote ")),
            "{name}: {stderr}"
        );
        assert!(pages.join(" ").contains("2025"), "{name}");
    }
}

/// A character no embedded font has is a warning naming it and its field; under PDF/UA-1
/// (the default), which forbids text that cannot be displayed, it is an error at the same
/// place, and nothing is written.
#[test]
fn missing_glyph_is_a_warning_with_its_field() {
    let text = fs::read_to_string(example())
        .unwrap()
        .replace("The 60th", "The 𓀀 60th");
    let dir = workspace(&[("note.yaml", text.as_bytes())]);
    let (output, stderr) =
        run(brief(dir.path()).args(["build", "note.yaml", "--pdf-standard", "none"]));
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("warning: no font has the character U+13000"),
        "{stderr}"
    );
    assert!(stderr.contains("sections[1].body"), "{stderr}");
    std::fs::remove_file(dir.path().join("note.pdf")).unwrap();
    let (output, stderr) = run(brief(dir.path()).args(["build", "note.yaml"]));
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with(
            "error: no font has the character U+13000 (𓀀); it prints as an empty box\n"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("sections[1].body"), "{stderr}");
    assert!(
        stderr.contains("   = hint: PDF/UA-1 (the built-in templates' default) forbids text that cannot be displayed; --pdf-standard none builds it with the box\n"),
        "{stderr}"
    );
    assert!(!dir.path().join("note.pdf").exists());
}

/// The size of the first page of a PDF in points, rounded: (595, 842) is A4.
fn first_page_size(pdf: &[u8]) -> (i64, i64) {
    let document = lopdf::Document::load_mem(pdf).unwrap();
    let first = *document.get_pages().values().next().unwrap();
    let media = document
        .get_dictionary(first)
        .unwrap()
        .get(b"MediaBox")
        .unwrap()
        .as_array()
        .unwrap()
        .clone();
    let n = |i: usize| media[i].as_float().unwrap().round() as i64;
    (n(2), n(3))
}

/// A short note in `lang`, without a `paper` of its own.
fn short_note(lang: &str) -> String {
    format!(
        "template: background-note\ntitle: A Short Note\nlang: {lang}\n\
         organization: Asia Pacific Foundation of Canada\n\
         event:\n  name: Strategic Roundtable\n  date: 2025-12-08\n  city: Vancouver\n\
         purpose: To prepare the roundtable.\n\
         sections:\n  - heading: Context\n    body: |\n      Le partenariat : une étape? Oui!\n"
    )
}

/// Builds a note from YAML text; returns the PDF.
fn build_note(yaml: &str) -> Vec<u8> {
    let dir = workspace(&[("note.yaml", yaml.as_bytes())]);
    let (output, stderr) = run(brief(dir.path()).args(["build", "note.yaml", "-o", "out.pdf"]));
    assert!(output.status.success(), "build failed: {stderr}");
    fs::read(dir.path().join("out.pdf")).unwrap()
}

/// British and Australian English put the day first and print on A4; Canadian English stays
/// on Letter, month first.
#[test]
fn british_and_australian_notes_put_the_day_first_on_a4() {
    for lang in ["en-GB", "en-AU"] {
        let pdf = build_note(&short_note(lang));
        let text = squeeze(&pdf_pages(&pdf).join(" "));
        assert_has(&text, &["8 December 2025"]);
        assert!(
            !text.contains(&squeeze("December 8, 2025")),
            "{lang}: {text}"
        );
        assert_eq!(first_page_size(&pdf), (595, 842), "{lang} prints on A4");
    }
    let pdf = build_note(&short_note("en-CA"));
    assert_has(&squeeze(&pdf_pages(&pdf).join(" ")), &["December 8, 2025"]);
    assert_eq!(first_page_size(&pdf), (612, 792), "en-CA prints on Letter");
}

/// fr-FR prints on A4, with French labels, dates and spacing (no-break spaces before `:` and a
/// narrow one before `?` and `!`).
#[test]
fn french_of_france_note_on_a4_with_french_spacing() {
    let pdf = build_note(&short_note("fr-FR"));
    assert_eq!(first_page_size(&pdf), (595, 842));
    let pages = pdf_pages(&pdf);
    let text = pages.join(" ");
    assert_has(&squeeze(&text), &["8 décembre 2025", "Page 1 de 1"]);
    assert!(
        text.contains("partenariat\u{a0}: une étape\u{202f}? Oui\u{202f}!"),
        "{text}"
    );
}

/// The English and French editions of an en-GB brief share its A4 paper: the French one is
/// fr-FR.
#[test]
fn editions_of_a_british_brief_stay_on_a4() {
    let dir = workspace(&[("note.yaml", short_note("en-GB").as_bytes())]);
    let (output, stderr) =
        run(brief(dir.path()).args(["build", "note.yaml", "--lang", "en,fr", "-o", "out.pdf"]));
    assert!(output.status.success(), "{stderr}");
    let pdf = fs::read(dir.path().join("out.pdf")).unwrap();
    let document = lopdf::Document::load_mem(&pdf).unwrap();
    for (n, id) in document.get_pages() {
        let media = document
            .get_dictionary(id)
            .unwrap()
            .get(b"MediaBox")
            .unwrap();
        let width = media.as_array().unwrap()[2].as_float().unwrap().round();
        assert_eq!(width, 595.0, "page {n} is A4");
    }
    assert_has(&squeeze(&pdf_pages(&pdf).join(" ")), &["8 décembre 2025"]);
}

/// A date written another way than ISO 8601 gets the ISO form as a hint when it can only mean
/// one day, and both readings when day and month could be swapped.
#[test]
fn date_errors_suggest_the_iso_form() {
    let yaml = short_note("en-CA").replace("date: 2025-12-08", "date: April 16, 2026");
    let dir = workspace(&[("note.yaml", yaml.as_bytes())]);
    let (output, stderr) = run(brief(dir.path()).args(["check", "note.yaml"]));
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr,
        "\
error: `April 16, 2026` is not a date
  ┌─ note.yaml:7:9
  │
7 │   date: April 16, 2026
  │         ^^^^^^^^^^^^^^ event.date
  │
  = expected: a date written YYYY, YYYY-MM or YYYY-MM-DD (such as 2015, 2024-06 or 2025-12-08)
  = hint: did you mean `2026-04-16`?

error: 1 of 1 brief has problems
"
    );
    for (written, hint) in [
        ("16/04/2026", "hint: did you mean `2026-04-16`?"),
        (
            "04/05/2026",
            "hint: `04/05/2026` could be read day first or month first: write `2026-05-04` or `2026-04-05`",
        ),
    ] {
        let yaml = short_note("en-CA").replace("2025-12-08", written);
        fs::write(dir.path().join("note.yaml"), yaml).unwrap();
        let (_, stderr) = run(brief(dir.path()).args(["check", "note.yaml"]));
        assert!(stderr.contains(hint), "{written}: {stderr}");
    }
}
