//! The briefing-note template: its house rules (a note for decision needs a recommendation
//! and an approval block; the title in both official languages; two pages), its marking on
//! every page in English and French, `brief register`, and the 1971 DFAT submission reproduced
//! sentence by sentence.

use std::fs;
use std::path::{Path, PathBuf};

use crate::util::{brief, flatten, pdf_pages, root, run, workspace};

fn example(name: &str) -> PathBuf {
    root().join("briefs").join(name)
}

fn english() -> String {
    fs::read_to_string(example("briefing-note-roundtable-2025.yaml")).unwrap()
}

/// `brief check FILE` of `text` written as note.yaml; the exit code and standard error.
fn check(text: &str) -> (Option<i32>, String) {
    let dir = workspace(&[("note.yaml", text.as_bytes())]);
    let (output, stderr) = run(brief(dir.path()).args(["check", "note.yaml"]));
    (output.status.code(), stderr)
}

/// Builds `path` into `dir`; the PDF's pages.
fn build(dir: &Path, path: &Path) -> Vec<String> {
    let out = dir.join("out.pdf");
    let (output, stderr) = run(brief(dir).arg("build").arg(path).arg("-o").arg(&out));
    assert!(output.status.success(), "{stderr}");
    pdf_pages(&fs::read(out).unwrap())
}

#[test]
fn a_note_for_decision_without_a_recommendation_is_refused_at_its_action() {
    // Makes sure the manifest's rule is enforced at the `action` line, with the rule's reason.
    let text = english();
    let start = text.find("recommendation: |").unwrap();
    let end = text.find("approval:").unwrap();
    let without = format!("{}{}", &text[..start], &text[end..]);
    let (code, stderr) = check(&without);
    assert_eq!(code, Some(1));
    assert_eq!(
        stderr,
        "\
error: a brief with `action: decision` must have `recommendation`
   ┌─ note.yaml:10:9
   │
10 │ action: decision
   │         ^^^^^^^^ recommendation
   │
   = the template's rule: a note for decision asks the reader to decide, so it recommends a course and leaves room to approve it
   = hint: add `recommendation:` to the brief, or change `action`

error: 1 of 1 brief has problems
"
    );
    // For information, the same note is fine.
    let (code, stderr) = check(&without.replace("action: decision", "action: information"));
    assert_eq!(code, Some(0), "{stderr}");
}

#[test]
fn a_note_for_decision_needs_an_approval_block_too() {
    // Makes sure each required field of the rule is reported, every one at once.
    let text = english();
    let start = text.find("recommendation: |").unwrap();
    let end = text.find("contact:").unwrap();
    let (code, stderr) = check(&format!("{}{}", &text[..start], &text[end..]));
    assert_eq!(code, Some(1));
    assert!(stderr.contains("error: a brief with `action: decision` must have `recommendation`\n"));
    assert!(stderr.contains("error: a brief with `action: decision` must have `approval`\n"));
}

#[test]
fn a_missing_french_title_is_refused() {
    // Makes sure a one-language title is an error at `title`, saying how to give both.
    let text = english();
    let fr = text.lines().find(|l| l.starts_with("  fr: ")).unwrap();
    let (code, stderr) = check(&text.replace(&format!("{fr}\n"), ""));
    assert_eq!(code, Some(1));
    assert_eq!(
        stderr,
        "\
error: `title` is given in English only; the template requires it in English (en) and French (fr)
  ┌─ note.yaml:7:1
  │
7 │ title:
  │ ^^^^^ title
  │
  = the template's rule: briefing-note titles are disclosed in both official languages on the monthly list of notes
  = hint: give it per language, as `title: {en: ..., fr: ...}`; a note in one language prints its own and keeps the other for the register

error: 1 of 1 brief has problems
"
    );
}

#[test]
fn a_note_runs_to_two_pages_by_default() {
    // Makes sure the template's default limit holds, the error pointing at the manifest.
    let text = fs::read_to_string(example("dfat-submission-un-china-1971.yaml")).unwrap();
    let dir = workspace(&[("note.yaml", text.replace("page-limit: 5\n", "").as_bytes())]);
    let (output, stderr) = run(brief(dir.path()).args(["build", "note.yaml"]));
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr
            .starts_with("error: the briefing note runs to 4 pages, 2 pages over its limit of 2\n"),
        "{stderr}"
    );
    assert!(
        stderr.contains("templates/briefing-note/template.yaml"),
        "{stderr}"
    );
    assert!(
        stderr.contains("= hint: shorten the text by 2 pages, or give `page-limit: 4` if the house rules allow a longer document"),
        "{stderr}"
    );
    assert!(!dir.path().join("note.pdf").exists());
}

#[test]
fn every_page_carries_the_marking_in_the_notes_language() {
    // Makes sure both roundtable notes are marked on each page, in English and in French,
    // with the head block's labels in the note's language.
    let dir = tempfile::tempdir().unwrap();
    let en = build(dir.path(), &example("briefing-note-roundtable-2025.yaml"));
    assert_eq!(en.len(), 2);
    assert!(
        en.iter()
            .all(|p| p.trim_start().starts_with("UNCLASSIFIED")),
        "{en:#?}"
    );
    assert!(en[0].contains("FOR DECISION"));
    assert!(en[1].contains("I do not concur"));
    let fr = build(
        dir.path(),
        &example("briefing-note-roundtable-2025-fr.yaml"),
    );
    assert_eq!(fr.len(), 2);
    assert!(
        fr.iter()
            .all(|p| p.trim_start().starts_with("NON CLASSIFIÉ")),
        "{fr:#?}"
    );
    assert!(fr[0].contains("POUR DÉCISION"));
    assert!(fr.join(" ").contains("Je ne suis pas d’accord"));
}

#[test]
fn the_register_of_the_examples() {
    // Makes sure `brief register` gives one row per note with both titles, as pinned here.
    let (output, stderr) = run(brief(&root()).args([
        "register",
        "briefs/briefing-note-roundtable-2025.yaml",
        "briefs/briefing-note-roundtable-2025-fr.yaml",
        "briefs/dfat-submission-un-china-1971.yaml",
    ]));
    assert!(output.status.success(), "{stderr}");
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "tracking,title_en,title_fr,to,date,action,classification,file\r\n\
BN-2025-04127,\"Participation in the Canada–Republic of Korea Strategic Roundtable, Vancouver, December 8, 2025\",\"Participation à la table ronde stratégique Canada–République de Corée, Vancouver, 8 décembre 2025\",Minister of Foreign Affairs,2025-11-24,decision,UNCLASSIFIED,briefs/briefing-note-roundtable-2025.yaml\r\n\
BN-2025-04127,\"Participation in the Canada–Republic of Korea Strategic Roundtable, Vancouver, December 8, 2025\",\"Participation à la table ronde stratégique Canada–République de Corée, Vancouver, 8 décembre 2025\",Ministre des Affaires étrangères,2025-11-24,decision,UNCLASSIFIED,briefs/briefing-note-roundtable-2025-fr.yaml\r\n\
,Australian Policy: Chinese Representation in the United Nations,Politique australienne : la représentation chinoise aux Nations Unies,Minister for Foreign Affairs,1971-06-21,decision,SECRET,briefs/dfat-submission-un-china-1971.yaml\r\n"
    );
    let (output, _) = run(brief(&root()).args([
        "register",
        "briefs/dfat-submission-un-china-1971.yaml",
        "--format",
        "json",
    ]));
    let rows: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(rows[0]["classification"], "SECRET");
    assert_eq!(rows[0]["date"], "1971-06-21");
}

#[test]
fn the_register_reports_every_notes_problems_and_writes_nothing() {
    // Makes sure one bad note among several fails the register, each problem at its place.
    let text = english();
    let fr = text.lines().find(|l| l.starts_with("  fr: ")).unwrap();
    let dir = workspace(&[
        (
            "a.yaml",
            text.replace("action: decision", "action: decide")
                .as_bytes(),
        ),
        ("b.yaml", text.replace(&format!("{fr}\n"), "").as_bytes()),
        ("c.yaml", text.as_bytes()),
    ]);
    let (output, stderr) = run(brief(dir.path()).args([
        "register",
        "a.yaml",
        "b.yaml",
        "c.yaml",
        "-o",
        "register.csv",
    ]));
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains("┌─ a.yaml:10:9"), "{stderr}");
    assert!(stderr.contains("did you mean `decision`?"), "{stderr}");
    assert!(stderr.contains("┌─ b.yaml:7:1"), "{stderr}");
    assert!(stderr.ends_with("error: 2 of 3 briefs have problems; no register was written\n"));
    assert!(!dir.path().join("register.csv").exists());
}

#[test]
fn the_1971_submission_is_reproduced_sentence_by_sentence() {
    // Makes sure every sentence of the corpus document is in the PDF, in order: the body, the
    // signature, the archive reference and the editor's notes. What comes before "Secret"
    // (the edition's document number and volume title, the dateline) is the collection's
    // framing; the note's date and marking are in the head block.
    // A copy of the shared corpus's 01-dfat-submission-un-china-1971.txt (CC BY, DFAT).
    let corpus = fs::read_to_string(root().join("tests/fixtures/dfat-1971.txt")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pages = build(dir.path(), &example("dfat-submission-un-china-1971.yaml"));
    assert_eq!(pages.len(), 4);
    assert!(pages.iter().all(|p| p.trim_start().starts_with("SECRET")));
    // Australian: dated day first as the source's dateline ("Canberra, 21 June 1971") is, in
    // the head block and every footer, on A4.
    let date = |p: &String| flatten(p).contains(&flatten("21 June 1971"));
    assert!(pages.iter().all(date), "{pages:#?}");
    assert!(!pages.iter().any(|p| p.contains("June 21")), "{pages:#?}");
    let pdf = fs::read(dir.path().join("out.pdf")).unwrap();
    assert!(
        crate::handout::media_boxes(&pdf)
            .iter()
            .all(|&b| b == (595, 842)),
        "A4"
    );
    // Headings print in capitals. The running header and footer (artifacts) are left out, as
    // a screen reader leaves them: a sentence may run on over a page break.
    let pdf = flatten(&crate::util::pdf_content_pages(&pdf).join("\n")).to_lowercase();
    let body = corpus.split("\nSecret\n").nth(1).unwrap();
    let mut at = 0;
    let mut checked = 0;
    for line in body.lines() {
        // The source's own paragraph numbers and list letters are the template's.
        let line = line.trim_start_matches('#').trim();
        let line = line
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .trim_start_matches(". ");
        let line = line.strip_prefix('(').map_or(line, |rest| {
            rest.split_once(") ").map_or(line, |(_, text)| text)
        });
        if line.is_empty() || line == "---" {
            continue;
        }
        for sentence in line.split_inclusive(". ") {
            let wanted = flatten(&sentence.replace('_', "")).to_lowercase();
            if wanted.is_empty() {
                continue;
            }
            match pdf[at..].find(&wanted) {
                Some(found) => at += found + wanted.len(),
                None => panic!("not found after byte {at}, or out of order: {sentence}"),
            }
            checked += 1;
        }
    }
    assert!(checked >= 99, "{checked} sentences");
}

/// The lines of text above the body of page `page` (the running header), top to bottom, each
/// its pieces joined left to right: laid out in-process, so a line is a baseline.
fn header_lines(path: &Path, set: &[&str], page: usize) -> Vec<String> {
    use brief::typeset::prepare::{self, BuildOptions};
    use typst::layout::{Frame, FrameItem, Point, Transform};
    let mut files = brief::diag::Files::default();
    let sources = brief::check::load::Sources {
        sets: set.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    };
    let note = brief::check::load::load(path, &sources, &mut files)
        .ok()
        .unwrap();
    let engine = brief::typeset::world::Engine::with_font_folders(&[]).unwrap();
    let compiled = brief::typeset::world::Compiled::new(&note.template);
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
        .unwrap()
        .document;
    fn walk(frame: &Frame, ts: Transform, found: &mut Vec<(f64, f64, String)>) {
        for (pos, item) in frame.items() {
            let ts = ts.pre_concat(Transform::translate(pos.x, pos.y));
            match item {
                FrameItem::Group(g) => walk(&g.frame, ts.pre_concat(g.transform), found),
                FrameItem::Text(t) => {
                    let at = Point::zero().transform(ts);
                    found.push((at.y.to_pt(), at.x.to_pt(), t.text.to_string()));
                }
                _ => {}
            }
        }
    }
    let mut found = Vec::new();
    walk(
        &document.pages()[page - 1].frame,
        Transform::identity(),
        &mut found,
    );
    // The top margin is 1 inch: the header sits above it.
    found.retain(|(y, _, _)| *y < 72.0);
    found.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let mut lines: Vec<(f64, String)> = Vec::new();
    for (y, _, text) in found {
        match lines.last_mut() {
            Some((at, line)) if (*at - y).abs() < 0.5 => {
                line.push(' ');
                line.push_str(&text);
            }
            _ => lines.push((y, text)),
        }
    }
    lines
        .into_iter()
        .map(|(_, l)| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

#[test]
fn the_running_header_is_one_line() {
    // Makes sure page 2's header is the marking over one line: the kicker, the short title
    // and the tracking number, in each language; without a short title a long one is cut at
    // a word with an ellipsis, and the date in it is never broken across lines.
    let fr = example("briefing-note-roundtable-2025-fr.yaml");
    assert_eq!(
        header_lines(&fr, &[], 2),
        [
            "NON CLASSIFIÉ",
            "NOTE DE BREFFAGE | Table ronde stratégique Canada–République de Corée BN-2025-04127"
        ]
    );
    let en = example("briefing-note-roundtable-2025.yaml");
    assert_eq!(
        header_lines(&en, &[], 2),
        [
            "UNCLASSIFIED",
            "BRIEFING NOTE | Canada–Republic of Korea Strategic Roundtable BN-2025-04127"
        ]
    );
    // The French note without its short title.
    let text = fs::read_to_string(&fr)
        .unwrap()
        .replace("short-title:", "keywords: [x]\n#");
    let dir = workspace(&[("note.yaml", text.as_bytes())]);
    assert_eq!(
        header_lines(&dir.path().join("note.yaml"), &[], 2),
        [
            "NON CLASSIFIÉ",
            "NOTE DE BREFFAGE | Participation à la table ronde stratégique Canada–République de Corée, Vancouver… BN-2025-04127"
        ]
    );
    // The 1971 submission calls itself one, and its title fits.
    assert_eq!(
        header_lines(&example("dfat-submission-un-china-1971.yaml"), &[], 2),
        [
            "SECRET",
            "SUBMISSION | Australian Policy: Chinese Representation in the United Nations"
        ]
    );
    // A short title that fits is printed whole, its date included.
    assert_eq!(
        header_lines(
            &fr,
            &["short-title=Table ronde, Vancouver, 8 décembre 2025"],
            2
        )[1],
        "NOTE DE BREFFAGE | Table ronde, Vancouver, 8 décembre 2025 BN-2025-04127"
    );
}
