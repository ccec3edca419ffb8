//! `brief handout`: the bundle's parts and page sequence, blank pages, parts left out, errors
//! in a part, name tents, and the paper.

use std::fs;
use std::path::Path;

use crate::util::{brief, example, info, pdf_pages, root, run, workspace};

/// Runs `brief handout ARGS -o OUT` in `dir`; returns the PDF, failing on any error.
fn handout(dir: &Path, args: &[&str]) -> Vec<u8> {
    let out = dir.join("out.pdf");
    let (output, stderr) = run(brief(dir).arg("handout").args(args).arg("-o").arg(&out));
    assert!(output.status.success(), "handout failed: {stderr}");
    fs::read(out).unwrap()
}

/// Each page's MediaBox as (width, height) in points, rounded.
pub fn media_boxes(pdf: &[u8]) -> Vec<(i64, i64)> {
    let document = lopdf::Document::load_mem(pdf).unwrap();
    document
        .get_pages()
        .values()
        .map(|&id| {
            let page = document.get_dictionary(id).unwrap();
            let b = page.get(b"MediaBox").unwrap().as_array().unwrap();
            let n = |o: &lopdf::Object| {
                o.as_float()
                    .map(f64::from)
                    .or_else(|_| o.as_i64().map(|i| i as f64))
                    .unwrap()
            };
            (
                (n(&b[2]) - n(&b[0])).round() as i64,
                (n(&b[3]) - n(&b[1])).round() as i64,
            )
        })
        .collect()
}

fn folded(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text without any white space: tracked capitals extract letter by letter.
fn squashed(text: &str) -> String {
    text.split_whitespace().collect()
}

/// The example's handout: the note, the agenda, the participants and a notes page, each
/// starting on an odd page, a labelled blank page before the notes, pages numbered through.
#[test]
fn example_bundle_starts_every_part_on_an_odd_page() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = handout(dir.path(), &[example().to_str().unwrap()]);
    // The same bytes on every build, dated like the note (its event date), never the clock.
    assert_eq!(pdf, handout(dir.path(), &[example().to_str().unwrap()]));
    assert_eq!(
        info(&pdf, b"CreationDate").as_deref(),
        Some("D:20251208000000Z")
    );
    let pages: Vec<String> = pdf_pages(&pdf).iter().map(|p| folded(p)).collect();
    assert_eq!(pages.len(), 7, "{pages:#?}");
    assert!(
        squashed(&pages[0]).starts_with("BACKGROUNDNOTE"),
        "{}",
        pages[0]
    );
    assert!(squashed(&pages[2]).starts_with("PROGRAMME"), "{}", pages[2]);
    assert!(pages[4].contains("Participants"), "{}", pages[4]);
    assert!(pages[4].contains("김민준") && pages[4].contains("Hélène Tremblay"));
    assert!(pages[6].contains("Notes"), "{}", pages[6]);
    // The example asks for labelled blank pages; page 6 is one.
    assert_eq!(pages[5], "This page intentionally left blank");
    // One footer design, numbered through the bundle; the blank page has none.
    for (i, page) in pages.iter().enumerate() {
        if i != 5 {
            assert!(
                page.contains(&format!("Page {} of 7", i + 1)),
                "page {}: {page}",
                i + 1
            );
        }
    }
    // One build identifier on every part.
    let id = |p: &str| {
        p.split("build ")
            .nth(1)
            .unwrap()
            .split_whitespace()
            .next()
            .unwrap()
            .to_string()
    };
    assert!(
        pages
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != 5)
            .all(|(_, p)| id(p) == id(&pages[0]))
    );
}

/// Blank pages are empty unless the brief asks for the label; a part the brief lacks is left
/// out, and the questions part appears when the brief has questions.
#[test]
fn blank_pages_and_parts_follow_the_brief() {
    let dir = tempfile::tempdir().unwrap();
    let ex = example();
    let ex = ex.to_str().unwrap();
    let pages = pdf_pages(&handout(
        dir.path(),
        &[ex, "--set", "handout.blank-pages=empty"],
    ));
    assert_eq!(pages.len(), 7);
    assert_eq!(pages[5].trim(), "", "an unlabelled blank page has no text");
    assert!(!pages.concat().contains("intentionally"));

    let pages = pdf_pages(&handout(
        dir.path(),
        &[
            ex,
            "--set",
            "participants=null",
            "--set",
            "questions=[Where next?, What first?]",
        ],
    ));
    let all = folded(&pages.concat());
    assert!(
        !squashed(&all).contains("NAMETITLEORGANIZATION"),
        "no participants, no list"
    );
    let questions = pages
        .iter()
        .position(|p| p.contains("Questions for discussion"))
        .unwrap();
    assert_eq!(questions % 2, 0, "the questions start on an odd page");
    assert!(folded(&pages[questions]).contains("Where next?"));
    assert!(folded(&pages[questions]).contains("What first?"));
}

/// `handout.parts` chooses and orders the parts; listing one the brief lacks is an error at
/// its line, and so is an agenda file that is not there.
#[test]
fn listed_parts_and_a_missing_agenda_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let ex = example();
    let ex = ex.to_str().unwrap();
    let pages = pdf_pages(&handout(
        dir.path(),
        &[ex, "--set", "handout.parts=[participants, note]"],
    ));
    assert!(folded(&pages[0]).contains("Participants"));
    assert!(squashed(&pages[2]).starts_with("BACKGROUNDNOTE"));

    let text = fs::read_to_string(example()).unwrap().replace(
        "handout:\n  agenda: canada-korea-roundtable-agenda-2025.yaml\n",
        "handout:\n  agenda: missing-agenda.yaml\n  parts: [note, agenda, questions]\n",
    );
    let work = workspace(&[("note.yaml", text.as_bytes())]);
    let line = text
        .lines()
        .position(|l| l.contains("missing-agenda"))
        .unwrap()
        + 1;
    let out = work.path().join("note-handout.pdf");
    fs::write(&out, b"last good").unwrap();
    let (output, stderr) = run(brief(work.path()).args(["handout", "note.yaml"]));
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(&format!("note.yaml:{line}:")), "{stderr}");
    assert!(
        stderr.contains("cannot read the agenda missing-agenda.yaml (not found)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("the handout lists `questions`, but the brief has no `questions`"),
        "{stderr}"
    );
    assert_eq!(fs::read(&out).unwrap(), b"last good", "nothing was written");
}

/// A part template is checked against the brief's fields it declares, and its problems point
/// at the brief's lines: here a house `participants` template requires each organization.
#[test]
fn an_error_in_a_part_points_at_the_brief() {
    let work = with_own_participants(
        |manifest| {
            manifest.replace(
                "        organization:\n          type: text\n",
                "        organization:\n          type: text\n          required: true\n",
            )
        },
        "  - name: Ann Lee\n    organization: Org\n  - name: Bo Kim\n    title: Fellow\n",
    );
    let (output, stderr) = run(brief(work.path()).args(["handout", "note.yaml"]));
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("the required field `organization` is missing"),
        "{stderr}"
    );
    assert!(
        stderr.contains("note.yaml:12:"),
        "the second participant's line: {stderr}"
    );
    assert!(stderr.contains("participants[1]"), "{stderr}");
    assert!(
        stderr.contains("in the `participants` part of the handout"),
        "{stderr}"
    );
    assert!(!work.path().join("note-handout.pdf").exists());
}

/// A part template of one's own whose manifest declares no contract version builds, with the
/// warning about it once, naming the part.
#[test]
fn a_part_template_without_a_contract_is_warned_about() {
    let work = with_own_participants(
        |manifest| manifest.replace("contract: 2\n", ""),
        "  - name: Ann Lee\n    organization: Org\n",
    );
    let (output, stderr) = run(brief(work.path()).args(["handout", "note.yaml"]));
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("warning:"), "{stderr}");
    assert!(
        stderr.contains("`contract: 2`"),
        "the hint names the key: {stderr}"
    );
    assert_eq!(
        stderr
            .matches("in the `participants` part of the handout")
            .count(),
        1,
        "{stderr}"
    );
    assert!(work.path().join("note-handout.pdf").exists());
}

/// A folder with `note.yaml` (a small note whose participants are `participants`) and a
/// `templates/participants` of one's own: the built-in one with its manifest changed by `edit`.
fn with_own_participants(edit: impl Fn(&str) -> String, participants: &str) -> tempfile::TempDir {
    let built_in = root().join("templates/participants");
    let manifest = edit(&fs::read_to_string(built_in.join("template.yaml")).unwrap());
    let brief_text = format!(
        "title: T\norganization: O\nevent:\n  name: R\n  date: 2025-12-08\n  city: V\n\
         sections:\n  - body: Text.\nparticipants:\n{participants}"
    );
    workspace(&[
        ("note.yaml", brief_text.as_bytes()),
        ("templates/participants/template.yaml", manifest.as_bytes()),
        (
            "templates/participants/main.typ",
            &fs::read(built_in.join("main.typ")).unwrap(),
        ),
    ])
}

/// Name tents: one landscape sheet per participant, each name printed twice (once upside
/// down), Hangul included.
#[test]
fn name_tents_print_each_name_twice_per_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = handout(dir.path(), &[example().to_str().unwrap(), "--name-tents"]);
    let pages = pdf_pages(&pdf);
    let names = [
        "Hélène Tremblay",
        "김민준",
        // Its apostrophe typographic, as in every text.
        "Jordan O’Neil",
        "Park Ji-won",
        "Marc-André Côté",
        "Priya Raman",
    ];
    assert_eq!(pages.len(), names.len());
    for (page, name) in pages.iter().zip(names) {
        assert_eq!(folded(page).matches(name).count(), 2, "{name}: {page}");
    }
    assert!(
        media_boxes(&pdf).iter().all(|&b| b == (792, 612)),
        "letter, landscape"
    );
    let pdf = handout(
        dir.path(),
        &[example().to_str().unwrap(), "--name-tents", "--paper", "a4"],
    );
    assert!(
        media_boxes(&pdf).iter().all(|&b| b == (842, 595)),
        "A4, landscape"
    );
}

/// `--paper` beats the brief, which beats the language's paper; a bad binding is a usage error.
#[test]
fn paper_comes_from_the_flag_the_brief_or_the_language() {
    let dir = tempfile::tempdir().unwrap();
    let ex = example();
    let ex = ex.to_str().unwrap();
    assert!(
        media_boxes(&handout(dir.path(), &[ex]))
            .iter()
            .all(|&b| b == (612, 792))
    );
    let a4 = handout(dir.path(), &[ex, "--paper", "a4", "--binding", "12mm"]);
    assert!(media_boxes(&a4).iter().all(|&b| b == (595, 842)));
    // The Korean example names no paper: A4, Korea's office paper.
    let out = dir.path().join("ko.pdf");
    let (output, stderr) = run(brief(dir.path())
        .arg("build")
        .arg(root().join("briefs/canada-korea-defence-2025-ko.yaml"))
        .arg("-o")
        .arg(&out));
    assert!(output.status.success(), "{stderr}");
    assert!(
        media_boxes(&fs::read(&out).unwrap())
            .iter()
            .all(|&b| b == (595, 842))
    );
    let (output, stderr) = run(brief(dir.path())
        .args(["build", ex, "--set", "paper=legal", "-o"])
        .arg(&out));
    assert!(output.status.success(), "{stderr}");
    assert!(
        media_boxes(&fs::read(&out).unwrap())
            .iter()
            .all(|&b| b == (612, 1008))
    );
    let (output, stderr) = run(brief(dir.path()).args(["build", ex, "--binding", "12"]));
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr.contains("has no unit"), "{stderr}");
}

/// The bundle meets PDF/UA-1 and PDF/A-2b, tagged across parts compiled separately.
#[test]
fn bundle_and_tents_meet_the_standards() {
    let dir = tempfile::tempdir().unwrap();
    let ex = example();
    let ex = ex.to_str().unwrap();
    for standard in ["ua-1", "a-2b"] {
        let pdf = handout(dir.path(), &[ex, "--pdf-standard", standard]);
        assert_eq!(pdf_pages(&pdf).len(), 7);
        let pdf = handout(
            dir.path(),
            &[ex, "--name-tents", "--pdf-standard", standard],
        );
        assert_eq!(pdf_pages(&pdf).len(), 6);
    }
}

/// `--per-participant` on a handout: the whole bundle once per participant, "Prepared for
/// NAME" on its first page; in the merged print file every copy starts on a new sheet (a
/// 7-page bundle gets a blank eighth page), so a duplex run can be cut into copies.
#[test]
fn personalized_handouts_are_whole_bundles() {
    let dir = tempfile::tempdir().unwrap();
    let example = example();
    let plain = pdf_pages(&handout(dir.path(), &[example.to_str().unwrap()]));
    assert_eq!(plain.len(), 7, "the example's bundle is 7 pages");
    let (output, stderr) = run(brief(dir.path()).args([
        "handout",
        example.to_str().unwrap(),
        "--per-participant",
        "--out-dir",
        "copies",
    ]));
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("wrote 6 copies to copies (42 pages"),
        "{stderr}"
    );
    let copy = pdf_pages(&fs::read(dir.path().join("copies/김민준.pdf")).unwrap());
    assert_eq!(copy.len(), 7);
    assert!(
        folded(&copy[0]).contains("Prepared for 김민준 · Seat 2"),
        "{}",
        copy[0]
    );
    assert!(!folded(&plain[0]).contains("Prepared for"));

    let merged = pdf_pages(&handout(
        dir.path(),
        &[example.to_str().unwrap(), "--per-participant", "--merged"],
    ));
    assert_eq!(
        merged.len(),
        6 * 8,
        "each 7-page copy padded to a whole sheet"
    );
    for (i, name) in ["Hélène Tremblay", "김민준", "Jordan O’Neil"]
        .iter()
        .enumerate()
    {
        assert!(
            folded(&merged[i * 8]).contains(&format!("Prepared for {name}")),
            "copy {i} starts at page {}: {}",
            i * 8 + 1,
            merged[i * 8]
        );
        // The bundle's own blank page, labelled as the brief's `handout.blank-pages` says.
        assert_eq!(
            folded(&merged[i * 8 + 7]).trim(),
            "This page intentionally left blank",
            "page {} is blank",
            i * 8 + 8
        );
    }
}

/// `brief handout` on a programme alone: the programme, then a participant list made of its
/// `participants` and every speaker (a name listed twice once), then the questions and the
/// notes page, each part starting on an odd page; the summary names the programme as one.
#[test]
fn a_programme_alone_makes_a_handout_with_its_speakers() {
    let programme = "template: agenda\ntitle: Pacific Forum\nlang: en-GB\n\
        participants:\n  - name: Pat Guest\n    title: Observer\n  - name: Ann Lewis\n    title: Director\n\
        questions:\n  - What would you change first?\n\
        days:\n  - date: 2017-06-02\n    sessions:\n      - start: 9:00\n        title: Opening\n        speakers:\n          - name: Ann Lewis\n            role: host\n            organization: GSA\n          - name: Bo Kim\n            role: Emerging Leader\n            title: Fellow\n            organization: Youth Council\n\
        \x20 - date: 2017-06-04\n    sessions:\n      - start: 2 pm\n        title: Closing\n        speakers:\n          - name: Cy Diaz\n            role: chair\n          - name: bo  kim\n";
    let dir = workspace(&[("forum.yaml", programme.as_bytes())]);
    let out = dir.path().join("out.pdf");
    let (output, stderr) = run(brief(dir.path())
        .args(["handout", "forum.yaml", "-o"])
        .arg(&out));
    assert!(output.status.success(), "{stderr}");
    let pdf = fs::read(&out).unwrap();
    let pages: Vec<String> = pdf_pages(&pdf).iter().map(|p| folded(p)).collect();
    // Each part is one page here; the pages between are blank.
    let starts: Vec<usize> = pages
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.is_empty())
        .map(|(i, _)| i + 1)
        .collect();
    assert!(squashed(&pages[0]).starts_with("PROGRAMME"), "{}", pages[0]);
    for (page, title) in [
        (2, "Participants"),
        (4, "Questions for discussion"),
        (6, "Notes"),
    ] {
        assert!(pages[page].contains(title), "{}", pages[page]);
    }
    assert_eq!(starts.len(), 4, "four parts: {pages:#?}");
    assert!(starts.iter().all(|p| p % 2 == 1), "odd pages: {starts:?}");
    assert!(
        stderr.contains(&format!(
            "out.pdf ({} pages: programme p. 1, participants p. 3, questions p. 5, notes p. 7;",
            pages.len()
        )),
        "{stderr}"
    );
    let list = &pages[2];
    let names: Vec<usize> = ["Pat Guest", "Ann Lewis", "Bo Kim", "Cy Diaz"]
        .iter()
        .map(|n| list.find(n).unwrap_or_else(|| panic!("{n} in {list}")))
        .collect();
    assert!(names.windows(2).all(|w| w[0] < w[1]), "{list}");
    assert_eq!(list.matches("Ann Lewis").count(), 1, "{list}");
    assert!(
        !list.contains("bo kim"),
        "a name written twice is listed once: {list}"
    );
    assert!(
        list.contains("Fellow") && list.contains("Youth Council"),
        "{list}"
    );
    // The dates come from the programme's days, in the brief's locale, on every part.
    for i in [0, 2, 4] {
        assert!(
            pages[i].contains("2–4 June 2017"),
            "page {}: {}",
            i + 1,
            pages[i]
        );
    }
    // With `handout.speakers: false`, the list is the participants alone.
    let (output, stderr) = run(brief(dir.path())
        .args([
            "handout",
            "forum.yaml",
            "--set",
            "handout.speakers=false",
            "-o",
        ])
        .arg(&out));
    assert!(output.status.success(), "{stderr}");
    let pages: Vec<String> = pdf_pages(&fs::read(&out).unwrap())
        .iter()
        .map(|p| folded(p))
        .collect();
    assert!(
        pages[2].contains("Pat Guest") && !pages[2].contains("Cy Diaz"),
        "{}",
        pages[2]
    );
}
