//! The `agenda` template: the example programme, role labels, and the errors a programme can have.

use std::fs;
use std::path::PathBuf;

use crate::util::{brief, flatten, info, pdf_pages, root, run, workspace};

/// The example programme in briefs/.
fn agenda_example() -> PathBuf {
    root().join("briefs/canada-korea-roundtable-agenda-2025.yaml")
}

/// Builds `brief_path` in `dir` and returns the PDF, failing the test on any error or warning.
fn build(dir: &std::path::Path, brief_path: &std::path::Path) -> Vec<u8> {
    let out = dir.join("agenda.pdf");
    let (output, stderr) = run(brief(dir)
        .arg("build")
        .arg(brief_path)
        .arg("-o")
        .arg(&out)
        .arg("--quiet"));
    assert!(output.status.success(), "build failed: {stderr}");
    assert_eq!(stderr, "", "the build printed warnings");
    fs::read(out).unwrap()
}

/// A one-day programme around `sessions` (YAML list items, indented for `sessions:`).
fn small_agenda(lang: &str, sessions: &str) -> String {
    format!(
        "template: agenda\n\
         title: \"Test #title $x$ @ref [b]\"\n\
         organization: Test Org\n\
         lang: {lang}\n\
         event:\n  name: Roundtable\n  date: 2025-12-08\n  city: Vancouver\n\
         days:\n  - date: 2025-12-08\n    sessions:\n{sessions}"
    )
}

/// The example programme builds, and its text has every session's time range and title, in order.
#[test]
fn example_has_every_session_in_order() {
    let dir = workspace(&[]);
    let pdf = build(dir.path(), &agenda_example());
    let text = flatten(&pdf_pages(&pdf).join("\n"));

    let yaml: serde_yaml::Value =
        serde_yaml::from_str(&fs::read_to_string(agenda_example()).unwrap()).unwrap();
    let sessions = yaml["days"][0]["sessions"].as_sequence().unwrap();
    assert!(sessions.len() >= 8, "the example has its sessions");
    let mut from = 0;
    for session in sessions {
        let start = session["start"].as_str().unwrap();
        let times = match session["end"].as_str() {
            Some(end) => format!("{start}–{end}"),
            None => start.to_string(),
        };
        let title = session["title"].as_str().unwrap();
        for needle in [&times, title] {
            let needle = flatten(needle);
            match text[from..].find(&needle) {
                Some(at) => from += at + needle.len(),
                None => {
                    panic!("not found in order after byte {from}: {needle}\n--- text ---\n{text}")
                }
            }
        }
    }
}

/// The example's metadata, kicker, day heading, page numbers and singular and plural role labels.
#[test]
fn example_furniture_and_role_labels() {
    let dir = workspace(&[]);
    let pdf = build(dir.path(), &agenda_example());
    let pages = pdf_pages(&pdf);
    let all = pages
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(
        info(&pdf, b"Author").as_deref(),
        Some("Asia Pacific Foundation of Canada")
    );
    // Without `keywords`, the metadata lists the event, its city and the organization.
    assert_eq!(
        info(&pdf, b"Keywords").as_deref(),
        Some("Strategic Roundtable, Vancouver, Canada, Asia Pacific Foundation of Canada")
    );
    assert_eq!(
        info(&pdf, b"CreationDate").as_deref().map(|d| &d[..10]),
        Some("D:20251208"),
        "the creation date is the event's date"
    );
    // The kicker is letter-spaced, which PDF readers extract as spaces between letters.
    assert!(
        pages[0]
            .replace(char::is_whitespace, "")
            .contains("PROGRAMME")
    );
    assert!(all.contains("Monday, December 8, 2025"));
    for (i, page) in pages.iter().enumerate() {
        assert!(page.contains(&format!("Page {} of {}", i + 1, pages.len())));
    }
    for label in [
        "Host:",
        "Chair:",
        "Moderator:",
        "Panellists:",
        "Discussants:",
        "Rapporteur:",
    ] {
        assert!(all.contains(label), "role label {label}");
    }
    assert!(
        !all.contains("Chairs:"),
        "one chair is not labelled in the plural"
    );
    assert!(all.replace(' ', "").contains("PRACTICALINFORMATION"));
}

/// In en-US the kicker and labels are spelled the US way, and brief text prints literally.
#[test]
fn en_us_labels_and_literal_text() {
    let sessions = "      - start: \"10:00\"\n        title: \"Panel on #tags, $cost$ and @handles [sic]\"\n        kind: panel\n        speakers:\n          - name: First panelist\n            role: panellist\n          - name: Second panelist\n            role: panellist\n";
    let dir = workspace(&[("brief.yaml", small_agenda("en-US", sessions).as_bytes())]);
    let pdf = build(dir.path(), &dir.path().join("brief.yaml"));
    let all = pdf_pages(&pdf).join(" ");
    let squeezed = all.replace(char::is_whitespace, "");
    assert!(squeezed.contains("PROGRAM") && !squeezed.contains("PROGRAMME"));
    assert!(all.contains("Panelists:"), "{all}");
    assert!(squeezed.contains("Test#title$x$@ref[b]"), "{all}");
    assert!(
        squeezed.contains("Panelon#tags,$cost$and@handles[sic]"),
        "{all}"
    );
    // A session without an end prints its start alone.
    assert!(all.contains("10:00") && !all.contains("10:00–"), "{all}");
}

/// A session that ends before it starts stops the build with the session's place and both times.
#[test]
fn end_before_start_is_refused() {
    let sessions = "      - start: \"09:00\"\n        end: \"10:00\"\n        title: First\n      - start: \"10:15\"\n        end: \"10:00\"\n        title: Second\n";
    let dir = workspace(&[("brief.yaml", small_agenda("en-CA", sessions).as_bytes())]);
    let (output, stderr) = run(brief(dir.path()).args(["build", "brief.yaml"]));
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error: this item ends at 10:00, before it starts at 10:15"),
        "{stderr}"
    );
    assert!(
        stderr.contains("^^^^^^^ days[0].sessions[1].end"),
        "{stderr}"
    );
    assert!(!dir.path().join("brief.pdf").exists());
}

/// `start: 25:00` is refused with exit code 1, at its line and column, naming the field's path.
#[test]
fn hour_25_is_reported_at_its_place() {
    let sessions = "      - start: 25:00\n        title: Too late\n";
    let text = small_agenda("en-CA", sessions);
    let line = text.lines().position(|l| l.contains("25:00")).unwrap() + 1;
    let dir = workspace(&[("brief.yaml", text.as_bytes())]);
    let (output, stderr) = run(brief(dir.path()).args(["build", "brief.yaml"]));
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with("error: `25:00` is not a time of day (there is no hour 25)"),
        "{stderr}"
    );
    assert!(stderr.contains("days[0].sessions[0].start"), "{stderr}");
    assert!(
        stderr.contains(&format!("brief.yaml:{line}:16")),
        "{stderr}"
    );
    assert!(!dir.path().join("brief.pdf").exists());
}
