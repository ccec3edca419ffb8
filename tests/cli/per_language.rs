//! Per-language values of every kind: dates, images, lists, tables and records given as
//! `{en: ..., fr: ...}`, each edition printing its own; the parity check over them; every
//! language's value checked at its place; and the error on a map where one value was
//! expected, naming the brief's languages.

use std::fs;
use std::path::Path;

use crate::util::{brief, pdf_pages, run, workspace};

/// A bilingual note whose event date differs by language.
const DATED: &str = "\
title: {en: A title, fr: Un titre}
organization: Org
event:
  name: {en: Roundtable, fr: Table ronde}
  date: {en: 2023-08-15, fr: 2023-08-23}
sections:
  - body: {en: English text., fr: Texte français.}
";

/// Builds `note.yaml` in `dir` with `args`; returns the pages' text, white space folded.
fn pages(dir: &Path, args: &[&str]) -> Vec<String> {
    let (output, stderr) = run(brief(dir)
        .args(["build", "note.yaml", "-o", "out.pdf"])
        .args(args));
    assert!(output.status.success(), "{stderr}");
    pdf_pages(&fs::read(dir.join("out.pdf")).unwrap())
        .iter()
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

/// Runs `brief check` on `note.yaml` (with `args`) that must fail; returns stderr.
fn failing_check(dir: &Path, args: &[&str]) -> String {
    let (output, stderr) = run(brief(dir).args(["check", "note.yaml"]).args(args));
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    stderr
}

/// A date given per language prints the French date in the French edition and the English
/// in the English one, and each edition of one bilingual PDF has its own.
#[test]
fn date_per_language_prints_each_editions_date() {
    let dir = workspace(&[("note.yaml", DATED.as_bytes())]);
    let en = pages(dir.path(), &[]).join(" ");
    assert!(en.contains("August 15, 2023"), "{en}");
    assert!(!en.contains("August 23"), "no French date in English: {en}");
    let fr = pages(dir.path(), &["--lang", "fr"]).join(" ");
    assert!(fr.contains("23 août 2023"), "{fr}");
    assert!(!fr.contains("15 août"), "no English date in French: {fr}");
    let both = pages(dir.path(), &["--lang", "en,fr"]);
    assert_eq!(both.len(), 2);
    assert!(both[0].contains("August 15, 2023"), "{}", both[0]);
    assert!(both[1].contains("23 août 2023"), "{}", both[1]);
    // `brief show` gives the edition's value at its own line, under the field's own path.
    let (output, stderr) =
        run(brief(dir.path()).args(["show", "note.yaml", "event", "--lang", "fr"]));
    assert!(output.status.success(), "{stderr}");
    let shown = String::from_utf8(output.stdout).unwrap();
    let date = shown
        .lines()
        .find(|l| l.starts_with("event.date:"))
        .unwrap_or_else(|| panic!("no event.date in {shown}"));
    assert!(date.contains("2023-08-23"), "{date}");
    assert!(date.ends_with("# note.yaml:5"), "{date}");
}

/// A date given in one of the brief's languages only is a warning at its line, like a text
/// (pinned), and an error in the edition that lacks it.
#[test]
fn date_in_one_language_only_is_reported_at_its_line() {
    let brief_text = DATED.replace(
        "date: {en: 2023-08-15, fr: 2023-08-23}",
        "date: {en: 2023-08-15}",
    );
    let dir = workspace(&[("note.yaml", brief_text.as_bytes())]);
    let (output, stderr) = run(brief(dir.path()).args(["check", "note.yaml"]));
    assert!(output.status.success(), "a warning only: {stderr}");
    assert_eq!(
        stderr,
        "\
warning: `event.date` has no value in French (fr)
  ┌─ note.yaml:5:10
  │
5 │   date: {en: 2023-08-15}
  │          ^^ event.date
  │
  = it is given in English (en); the brief uses English (en) and French (fr)
  = hint: add `fr: ...` beside the others; the French (fr) edition cannot be built until then

checked 1 brief: 1 warning
"
    );
    assert_eq!(
        failing_check(dir.path(), &["--lang", "fr"]),
        "\
error: `event.date` has no value in French (fr), the language of this edition
  ┌─ note.yaml:5:10
  │
5 │   date: {en: 2023-08-15}
  │          ^^ event.date
  │
  = it is given in English (en)
  = hint: add `fr: ...` to it, or build an edition it has with `--lang en`

error: 1 of 1 brief has problems
"
    );
}

/// Every language's value is checked against the field's kind, at its own place and path
/// (`event.date.fr`), even while checking the English edition.
#[test]
fn each_languages_value_is_checked_at_its_place() {
    let brief_text = DATED.replace("fr: 2023-08-23}", "fr: 2023-02-30}");
    let dir = workspace(&[("note.yaml", brief_text.as_bytes())]);
    assert_eq!(
        failing_check(dir.path(), &[]),
        "\
error: `2023-02-30` is not a date (February 2023 has 28 days)
  ┌─ note.yaml:5:30
  │
5 │   date: {en: 2023-08-15, fr: 2023-02-30}
  │                              ^^^^^^^^^^ event.date.fr
  │
  = expected: a date written YYYY, YYYY-MM or YYYY-MM-DD (such as 2015, 2024-06 or 2025-12-08)

error: 1 of 1 brief has problems
"
    );
    // Both editions checked together report it once.
    let both = failing_check(dir.path(), &["--lang", "en,fr"]);
    assert_eq!(both.matches("is not a date").count(), 1, "{both}");
}

/// A map of fields where a date was expected, in a bilingual brief: the error says that
/// per-language values are allowed and names the brief's languages (pinned).
#[test]
fn map_for_one_value_names_the_briefs_languages() {
    let brief_text = DATED.replace(
        "date: {en: 2023-08-15, fr: 2023-08-23}",
        "date: {day: 15, month: 8, year: 2023}",
    );
    let dir = workspace(&[("note.yaml", brief_text.as_bytes())]);
    assert_eq!(
        failing_check(dir.path(), &[]),
        "\
error: expected a date, found a map of fields
  ┌─ note.yaml:5:9
  │
5 │   date: {day: 15, month: 8, year: 2023}
  │         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ event.date
  │
  = hint: per-language values are allowed: give every language of this brief (en, fr), as `{en: ..., fr: ...}`

error: 1 of 1 brief has problems
"
    );
}

/// A one-language brief giving a map for a date gets the same help, with its one language.
#[test]
fn one_language_brief_giving_a_map_is_told_of_languages() {
    let brief_text = "\
title: A title
organization: Org
event: {name: Roundtable, date: {start: 2023-08-15}, city: Ottawa}
sections:
  - body: Text.
";
    let dir = workspace(&[("note.yaml", brief_text.as_bytes())]);
    assert_eq!(
        failing_check(dir.path(), &[]),
        "\
error: expected a date, found a map of fields
  ┌─ note.yaml:3:33
  │
3 │ event: {name: Roundtable, date: {start: 2023-08-15}, city: Ottawa}
  │                                 ^^^^^^^^^^^^^^^^^^^ event.date
  │
  = hint: per-language values are allowed: give every language of this brief (en), as `{en: ...}`; a brief in several languages gives each, as `{en: ..., fr: ...}`

error: 1 of 1 brief has problems
"
    );
}

/// A key that is no language names itself, with "did you mean", whatever the field's kind;
/// the misspelt language is not warned about as missing besides.
#[test]
fn unknown_language_key_is_named_with_a_suggestion() {
    let brief_text = DATED.replace("fr: 2023-08-23}", "fre: 2023-08-23}");
    let dir = workspace(&[("note.yaml", brief_text.as_bytes())]);
    assert_eq!(
        failing_check(dir.path(), &[]),
        "\
error: `fre` is not a language a value can be given in
  ┌─ note.yaml:5:26
  │
5 │   date: {en: 2023-08-15, fre: 2023-08-23}
  │                          ^^^ event.date
  │
  = hint: did you mean `fr`?

error: 1 of 1 brief has problems
"
    );
}

/// Languages are given once: a per-language map inside one language's value is an error
/// saying so.
#[test]
fn languages_inside_a_language_are_refused() {
    let brief_text = "\
title: {en: A title, fr: Un titre}
organization: Org
event:
  en: {name: Roundtable, date: {en: 2023-08-15, fr: 2023-08-23}}
  fr: {name: Table ronde, date: 2023-08-23}
sections:
  - body: {en: English text., fr: Texte français.}
";
    let dir = workspace(&[("note.yaml", brief_text.as_bytes())]);
    let stderr = failing_check(dir.path(), &[]);
    assert!(
        stderr.starts_with(
            "\
error: expected a date, found a map of fields
  ┌─ note.yaml:4:32
"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("^ event.en.date\n"), "{stderr}");
    assert!(
        stderr.contains("= hint: this is inside the English (en) value of `event`, so it is in that language already: give it without languages"),
        "{stderr}"
    );
}

/// A PNG of `width` by 10 pixels.
fn png(width: u32) -> Vec<u8> {
    let image = image::RgbImage::from_pixel(width, 10, image::Rgb([13, 74, 107]));
    let mut bytes = std::io::Cursor::new(Vec::new());
    image.write_to(&mut bytes, image::ImageFormat::Png).unwrap();
    bytes.into_inner()
}

/// The widths of the raster images a PDF holds.
fn image_widths(pdf: &Path) -> Vec<i64> {
    let document = lopdf::Document::load(pdf).unwrap();
    let mut widths: Vec<i64> = document
        .objects
        .values()
        .filter_map(|object| object.as_stream().ok())
        .filter(|stream| {
            stream
                .dict
                .get(b"Subtype")
                .and_then(|s| s.as_name())
                .is_ok_and(|n| n == b"Image")
        })
        .filter_map(|stream| stream.dict.get(b"Width").and_then(|w| w.as_i64()).ok())
        .collect();
    widths.sort();
    widths
}

/// An image given per language: each edition typesets its own file, and the other
/// language's file is checked too, at its line.
#[test]
fn image_per_language_is_each_editions_own() {
    let brief_text = "\
title: {en: A title, fr: Un titre}
organization: Org
logo:
  file: {en: logo-en.png, fr: logo-fr.png}
  alt: {en: The English logo, fr: Le logo français}
sections:
  - body: {en: English text., fr: Texte français.}
";
    let (en, fr) = (png(48), png(36));
    let dir = workspace(&[
        ("note.yaml", brief_text.as_bytes()),
        ("logo-en.png", &en),
        ("logo-fr.png", &fr),
    ]);
    pages(dir.path(), &[]);
    assert_eq!(image_widths(&dir.path().join("out.pdf")), [48]);
    pages(dir.path(), &["--lang", "fr"]);
    assert_eq!(image_widths(&dir.path().join("out.pdf")), [36]);
    pages(dir.path(), &["--lang", "en,fr"]);
    assert_eq!(image_widths(&dir.path().join("out.pdf")), [36, 48]);
    // The French file is checked while checking the English edition.
    fs::remove_file(dir.path().join("logo-fr.png")).unwrap();
    let stderr = failing_check(dir.path(), &[]);
    assert!(
        stderr.starts_with(
            "\
error: the image `logo-fr.png` does not exist (looked for logo-fr.png)
  ┌─ note.yaml:4:31
"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("^^^^^^^^^^^ logo.file.fr\n"), "{stderr}");
}

/// A list (the milestones) and a table's rows given per language: each edition prints its
/// own, and a row is held to the columns in its language.
#[test]
fn list_and_table_per_language() {
    let brief_text = "\
title: {en: A title, fr: Un titre}
organization: Org
sections:
  - body: {en: English text., fr: Texte français.}
    blocks:
      - table:
          caption: {en: Spending, fr: Dépenses}
          columns:
            - label: {en: Account, fr: Compte}
            - label: {en: Amount, fr: Montant}
              align: right
          rows:
            en: [[Courts, '1,234.5']]
            fr: [[Tribunaux, '1 234,5']]
milestones:
  en:
    - {date: 2015, text: The free trade agreement takes effect.}
  fr:
    - {date: 2015, text: L’accord de libre-échange entre en vigueur.}
    - {date: 2022, text: Le partenariat stratégique global est conclu.}
";
    let dir = workspace(&[("note.yaml", brief_text.as_bytes())]);
    let en = pages(dir.path(), &[]).join(" ");
    assert!(
        en.contains("The free trade agreement takes effect."),
        "{en}"
    );
    assert!(en.contains("1,234.5"), "{en}");
    assert!(!en.contains("vigueur") && !en.contains("2022"), "{en}");
    let fr = pages(dir.path(), &["--lang", "fr"]).join(" ");
    for expected in [
        "entre en vigueur.",
        "2022",
        "Tribunaux",
        "1 234,5",
        "Montant",
    ] {
        assert!(fr.contains(expected), "`{expected}` missing: {fr}");
    }
    assert!(
        !fr.contains("Courts") && !fr.contains("takes effect"),
        "{fr}"
    );
    // A French row of three cells against two columns, found while checking in English.
    let broken = brief_text.replace("'1 234,5']]", "'1 234,5', '']]");
    fs::write(dir.path().join("note.yaml"), broken).unwrap();
    let stderr = failing_check(dir.path(), &[]);
    assert!(
        stderr.starts_with("error: this row has 3 cells, but `columns` has 2\n"),
        "{stderr}"
    );
    assert!(
        stderr.contains("^ sections[0].blocks[0].table.rows.fr[0]\n"),
        "{stderr}"
    );
}

/// Text in another language than the edition's is checked too: a required title left blank
/// in French is an error while checking the English edition, at `title.fr`.
#[test]
fn other_languages_text_is_checked() {
    let brief_text = DATED.replace(
        "title: {en: A title, fr: Un titre}",
        "title: {en: A title, fr: ' '}",
    );
    let dir = workspace(&[("note.yaml", brief_text.as_bytes())]);
    assert_eq!(
        failing_check(dir.path(), &[]),
        "\
error: the required field `title` is empty
  ┌─ note.yaml:1:26
  │
1 │ title: {en: A title, fr: ' '}
  │                          ^^^ title.fr

error: 1 of 1 brief has problems
"
    );
}

/// The live preview's click-to-source: a click on the French edition's date finds the
/// French value's line and column, under the field's own path (`event.date`).
#[test]
fn click_on_a_per_language_date_finds_its_language() {
    use brief::check::load::{self, Sources};
    use brief::diag::Files;
    use brief::live::locate::{Found, Index};
    use brief::model::locale::Language;
    use brief::typeset::prepare::BuildOptions;
    use brief::typeset::world::{Compiled, Engine};

    let dir = workspace(&[("note.yaml", DATED.as_bytes())]);
    let mut files = Files::default();
    let sources = Sources {
        langs: vec![Language::En, Language::Fr],
        ..Sources::default()
    };
    let briefs = load::load_editions(&dir.path().join("note.yaml"), &sources, &mut files)
        .unwrap_or_else(|_| panic!("the note loads"));
    let engine = Engine::with_font_folders(&[]).unwrap();
    let compiled = Compiled::new(&briefs[0].template);
    let options = vec![BuildOptions::default(); briefs.len()];
    let Ok((document, _)) =
        brief::jobs::build::document(&engine, &compiled, &briefs, &options, &mut files)
    else {
        panic!("the note typesets")
    };
    let origins: Vec<&[_]> = briefs.iter().map(|b| b.origins.as_slice()).collect();
    let index = Index::new(&document, &origins, &files);
    for (printed, column) in [("August 15, 2023", 14), ("23 août 2023", 30)] {
        let (page, x, y) = index
            .find(printed)
            .unwrap_or_else(|| panic!("`{printed}` is printed"));
        match index.locate(page, x, y) {
            Found::One(place) => {
                assert_eq!(place.path, "event.date");
                assert_eq!((place.line, place.column), (5, column), "{printed}");
            }
            other => panic!("{printed}: {other:?}"),
        }
    }
}

/// A whole record given per language: each edition prints its own; a misspelt language key
/// beside a real one is named with a suggestion, while a record with a misspelt field stays
/// an unknown field.
#[test]
fn record_per_language() {
    let brief_text = "\
title: {en: A title, fr: Un titre}
organization: Org
event:
  en: {name: Strategic Roundtable, date: 2023-08-15, city: Ottawa}
  fr: {name: Table ronde stratégique, date: 2023-08-23, city: Gatineau}
sections:
  - body: {en: English text., fr: Texte français.}
";
    let dir = workspace(&[("note.yaml", brief_text.as_bytes())]);
    let en = pages(dir.path(), &[]).join(" ");
    assert!(
        en.contains("Strategic Roundtable · August 15, 2023 · Ottawa"),
        "{en}"
    );
    let fr = pages(dir.path(), &["--lang", "fr"]).join(" ");
    assert!(
        fr.contains("Table ronde stratégique · 23 août 2023 · Gatineau"),
        "{fr}"
    );
    fs::write(
        dir.path().join("note.yaml"),
        brief_text.replace("  fr: {name: Table", "  fre: {name: Table"),
    )
    .unwrap();
    let stderr = failing_check(dir.path(), &[]);
    assert!(
        stderr.starts_with(
            "error: `fre` is not a language a value can be given in\n  ┌─ note.yaml:5:3\n"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("= hint: did you mean `fr`?"), "{stderr}");
    fs::write(
        dir.path().join("note.yaml"),
        brief_text.replace(
            "event:\n  en: {name: Strategic Roundtable, date: 2023-08-15, city: Ottawa}\n  fr: {name: Table ronde stratégique, date: 2023-08-23, city: Gatineau}",
            "event: {nmae: Roundtable, date: 2023-08-15}",
        ),
    )
    .unwrap();
    let stderr = failing_check(dir.path(), &[]);
    assert!(
        stderr.starts_with("error: unknown field `nmae`"),
        "{stderr}"
    );
}

/// The warnings of the checks run after the checker (an acronym not defined, an alt text
/// that says nothing) about a value given per language name its language, as the checker's
/// errors do (`sections[0].body.fr`), at its line and column (pinned).
#[test]
fn warnings_on_a_text_per_language_name_its_language() {
    let brief_text = DATED.replace(
        "  - body: {en: English text., fr: Texte français.}\n",
        "  - body: {en: English text., fr: Texte sur la ZQX.}\n    blocks:\n      - figure:\n          file: trade.svg\n          alt: {en: Two-way trade rose from 2015 to 2024, fr: Photo}\n",
    );
    let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20"/></svg>"#;
    let dir = workspace(&[
        ("note.yaml", brief_text.as_bytes()),
        ("trade.svg", svg.as_bytes()),
    ]);
    let (output, stderr) = run(brief(dir.path()).args(["check", "note.yaml", "--lang", "fr"]));
    assert!(output.status.success(), "warnings only: {stderr}");
    assert_eq!(
        stderr,
        "\
warning: the acronym `ZQX` is not defined in `acronyms`
  ┌─ note.yaml:7:48
  │
7 │   - body: {en: English text., fr: Texte sur la ZQX.}
  │                                                ^^^ sections[0].body.fr
  │
  = hint: add `ZQX: <what it stands for>` under `acronyms`, or spell it out

warning: the alt text `Photo` does not say what the image shows
   ┌─ note.yaml:11:63
   │
11 │           alt: {en: Two-way trade rose from 2015 to 2024, fr: Photo}
   │                                                               ^^^^^ sections[0].blocks[0].figure.alt.fr
   │
   = hint: say what it shows, such as `Two-way trade rose from 2015 to 2024`; a screen reader already says it is an image

checked 1 brief: 2 warnings
"
    );
}

/// A one-language brief built in two editions (`--lang en,fr`) that gives a map for a date
/// gets the error once, its hint naming both editions' languages (pinned).
#[test]
fn map_in_two_editions_of_a_one_language_brief_is_reported_once() {
    let brief_text = "\
title: A title
organization: Org
event: {name: Roundtable, date: {start: 2023-08-15}, city: Ottawa}
sections:
  - body: Text.
";
    let dir = workspace(&[("note.yaml", brief_text.as_bytes())]);
    assert_eq!(
        failing_check(dir.path(), &["--lang", "en,fr"]),
        "\
error: expected a date, found a map of fields
  ┌─ note.yaml:3:33
  │
3 │ event: {name: Roundtable, date: {start: 2023-08-15}, city: Ottawa}
  │                                 ^^^^^^^^^^^^^^^^^^^ event.date
  │
  = hint: per-language values are allowed: give every language of this brief (en, fr), as `{en: ..., fr: ...}`

error: 1 of 1 brief has problems
"
    );
}
