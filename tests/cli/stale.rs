//! Translations that may be stale: `brief check --changes-since OLD.yaml` warns about every
//! text whose wording changed in one language since the earlier edition while its other
//! languages did not (`brief watch` does the same against the edition it started from: see
//! watch.rs).

use crate::util::{brief, run, workspace};

/// A bilingual note whose title and one paragraph are given in English and French.
fn note(title_en: &str, title_fr: &str, body_en: &str, body_fr: &str) -> String {
    format!(
        "\
title:
  en: {title_en}
  fr: {title_fr}
organization: Asia Pacific Foundation of Canada
event:
  name: Strategic Roundtable
  date: 2025-12-08
  city: Vancouver, Canada
sections:
  - heading: {{en: Background, fr: Contexte}}
    body:
      en: |
        {body_en}
      fr: |
        {body_fr}
"
    )
}

const TITLE_EN: &str = "Defence Co-operation";
const TITLE_FR: &str = "La coopération en matière de défense";
const BODY_EN: &str = "Canada and Korea signed a free trade agreement in 2015.";
const BODY_FR: &str = "Le Canada et la Corée ont signé un accord de libre-échange en 2015.";

/// `brief check new.yaml --changes-since old.yaml` in a folder holding both.
fn check_since(old: &str, new: &str) -> (bool, String) {
    let dir = workspace(&[("old.yaml", old.as_bytes()), ("new.yaml", new.as_bytes())]);
    let (output, stderr) =
        run(brief(dir.path()).args(["check", "new.yaml", "--changes-since", "old.yaml"]));
    (output.status.success(), stderr)
}

/// A paragraph changed in English but not in French is reported at the French text, with the
/// words that changed in English; the summary counts it.
#[test]
fn text_changed_in_english_only_is_reported() {
    let old = note(TITLE_EN, TITLE_FR, BODY_EN, BODY_FR);
    let new = note(
        TITLE_EN,
        TITLE_FR,
        "Canada and Korea signed a free trade agreement in 2014.",
        BODY_FR,
    );
    let (ok, stderr) = check_since(&old, &new);
    assert!(ok, "{stderr}");
    assert_eq!(
        stderr,
        "\
warning: `sections[0].body` changed in English but not in French since old.yaml
   ┌─ new.yaml:15:9
   │
15 │         Le Canada et la Corée ont signé un accord de libre-échange en 2015.
   │         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ sections[0].body
   │
   = in English, “2015.” became “2014.”
   = hint: review the French against the new English and change it to match

checked 1 brief: 1 warning (1 translation to review)
"
    );
}

/// A title changed in French only is reported at the English title.
#[test]
fn text_changed_in_french_only_is_reported_at_the_english() {
    let old = note(TITLE_EN, TITLE_FR, BODY_EN, BODY_FR);
    let new = note(TITLE_EN, "Coopérer en matière de défense", BODY_EN, BODY_FR);
    let (ok, stderr) = check_since(&old, &new);
    assert!(ok, "{stderr}");
    assert_eq!(
        stderr,
        "\
warning: `title` changed in French but not in English since old.yaml
  ┌─ new.yaml:2:7
  │
2 │   en: Defence Co-operation
  │       ^^^^^^^^^^^^^^^^^^^^ title
  │
  = in French, “La coopération” became “Coopérer”
  = hint: review the English against the new French and change it to match

checked 1 brief: 1 warning (1 translation to review)
"
    );
}

/// A text changed in both languages, one reflowed or re-spaced, and one whose quotes were
/// curled, are no stale translations.
#[test]
fn changed_in_both_or_only_in_spacing_is_not_reported() {
    let old = note(
        TITLE_EN,
        TITLE_FR,
        BODY_EN,
        "Le Canada et la Corée : \"libre-échange\".",
    );
    let both = note(
        "Defence Co-operation Since 2015",
        "La coopération en matière de défense depuis 2015",
        BODY_EN,
        "Le Canada et la Corée : \"libre-échange\".",
    );
    let (ok, stderr) = check_since(&old, &both);
    assert!(ok, "{stderr}");
    assert_eq!(stderr, "checked 1 brief: no problems\n");
    // English reflowed over two lines, French re-spaced and its quotes curled.
    let spacing = note(
        "Defence  Co-operation",
        TITLE_FR,
        "Canada and Korea signed a free trade\n        agreement in 2015.",
        "Le Canada et la Corée\u{a0}: «\u{a0}libre-échange\u{a0}».",
    );
    let (ok, stderr) = check_since(&old, &spacing);
    assert!(ok, "{stderr}");
    assert_eq!(stderr, "checked 1 brief: no problems\n");
}

/// An earlier edition that cannot be read is an error naming it; several briefs with one
/// earlier edition are refused.
#[test]
fn unreadable_old_edition_and_several_briefs() {
    let new = note(TITLE_EN, TITLE_FR, BODY_EN, BODY_FR);
    let dir = workspace(&[("new.yaml", new.as_bytes()), ("old.yaml", b"title: [")]);
    let (output, stderr) =
        run(brief(dir.path()).args(["check", "new.yaml", "--changes-since", "old.yaml"]));
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("┌─ old.yaml:1:8"), "{stderr}");
    assert!(
        stderr.ends_with("error: 1 of 1 brief has problems\n"),
        "{stderr}"
    );
    let (output, stderr) = run(brief(dir.path()).args([
        "check",
        "new.yaml",
        "new.yaml",
        "--changes-since",
        "old.yaml",
    ]));
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(
        stderr,
        "error: --changes-since compares one brief with an earlier edition of it, but 2 briefs are given\n  = hint: check one brief at a time: `brief check BRIEF --changes-since old.yaml`\n"
    );
}

/// In JSON, a stale translation is a warning with its field and place.
#[test]
fn json_report_lists_stale_translations() {
    let old = note(TITLE_EN, TITLE_FR, BODY_EN, BODY_FR);
    let new = note("Defence Co-operation Today", TITLE_FR, BODY_EN, BODY_FR);
    let dir = workspace(&[("old.yaml", old.as_bytes()), ("new.yaml", new.as_bytes())]);
    let output = brief(dir.path())
        .args([
            "check",
            "new.yaml",
            "--changes-since",
            "old.yaml",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(output.status.success());
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let problem = &report["briefs"][0]["problems"][0];
    assert_eq!(problem["severity"], "warning");
    assert_eq!(problem["field"], "title");
    assert_eq!(
        problem["message"],
        "`title` changed in English but not in French since old.yaml"
    );
    assert_eq!(problem["location"]["line"], 3);
}
