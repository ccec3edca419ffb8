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

/// A programme of `days` (YAML list items under `days:`), with no organization or event.
fn programme(lang: &str, extra: &str, days: &str) -> String {
    format!("template: agenda\ntitle: Pacific Forum\nlang: {lang}\n{extra}days:\n{days}")
}

/// Builds a brief given as text and returns its pages' text and standard error.
fn build_text(text: &str) -> (Vec<String>, String) {
    let dir = workspace(&[("brief.yaml", text.as_bytes())]);
    let (output, stderr) = run(brief(dir.path()).args(["build", "brief.yaml", "--quiet"]));
    assert!(output.status.success(), "build failed: {stderr}");
    let pdf = fs::read(dir.path().join("brief.pdf")).unwrap();
    (pdf_pages(&pdf), stderr)
}

/// Every way of writing a time is read, and printed as the brief's language prints times.
#[test]
fn times_as_people_write_them_print_per_locale() {
    let items = [
        "9:00",
        "09:15",
        "2:00pm",
        "3 pm",
        "11:15 a.m.",
        "16h00",
        "14 h 30",
        "14:45",
    ]
    .iter()
    .enumerate()
    .map(|(i, t)| format!("      - start: {t}\n        title: Item {i}\n"))
    .collect::<String>();
    let days = format!("  - date: 2017-06-02\n    sessions:\n{items}");
    let (en, _) = build_text(&programme("en-CA", "", &days));
    let (us, _) = build_text(&programme("en-US", "", &days));
    let (fr, _) = build_text(&programme("fr-CA", "", &days));
    let words = |pages: Vec<String>| {
        pages
            .join(" ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let (en, us, fr) = (words(en), words(us), words(fr));
    for expected in [
        "09:00", "09:15", "14:00", "15:00", "11:15", "16:00", "14:30", "14:45",
    ] {
        assert!(en.contains(expected), "en-CA {expected}: {en}");
    }
    for expected in [
        "9:00 AM", "9:15 AM", "2:00 PM", "3:00 PM", "11:15 AM", "4:00 PM", "2:30 PM",
    ] {
        assert!(us.contains(expected), "en-US {expected}: {us}");
    }
    for expected in [
        "9 h Item",
        "9 h 15",
        "14 h Item",
        "15 h",
        "11 h 15",
        "16 h",
        "14 h 30",
        "14 h 45",
    ] {
        assert!(fr.contains(expected), "fr-CA {expected}: {fr}");
    }
}

/// An item with no time prints with an empty time column; an all-day item says "All day".
#[test]
fn untimed_and_all_day_items() {
    let days = "  - date: 2017-06-02\n    sessions:\n      - all-day: true\n        title: Exhibition of posters\n        room: Foyer\n      - start: 9:00\n        end: 10:00\n        title: Opening\n      - title: Social activities\n        kind: social\n";
    let (pages, stderr) = build_text(&programme("en-CA", "", days));
    assert_eq!(stderr, "");
    let text = pages.join(" ");
    let all_day = text.find("All day").expect("the all-day label");
    let exhibition = text.find("Exhibition of posters").unwrap();
    let opening = text.find("Opening").unwrap();
    let social = text.find("Social activities").unwrap();
    assert!(
        all_day < exhibition && exhibition < opening && opening < social,
        "{text}"
    );
    // No time stands before the untimed item.
    assert!(!text[opening..social].contains(':'), "{text}");
    let (fr, _) = build_text(&programme("fr-CA", "", days));
    assert!(fr.join(" ").contains("Toute la journée"));
}

/// Items starting together in different rooms are one block marked as running in parallel,
/// each with its room; the rooms and titles sit side by side (one line of text holds them).
#[test]
fn parallel_items_print_side_by_side() {
    let days = "  - date: 2017-06-02\n    sessions:\n      - start: 2:00pm\n        end: 3:30pm\n        title: Climate roundtable\n        room: Room A\n      - start: 14h00\n        end: 15:30\n        title: Housing roundtable\n        room: Room B\n      - start: \"14:00\"\n        end: \"15:00\"\n        title: Media workshop\n        room: Room C\n      - start: 15:30\n        title: Plenary\n";
    let text = programme("en-CA", "", days);
    let dir = workspace(&[("brief.yaml", text.as_bytes())]);
    let (output, stderr) = run(brief(dir.path()).args(["build", "brief.yaml", "--quiet"]));
    assert!(output.status.success(), "{stderr}");
    let pdf = fs::read(dir.path().join("brief.pdf")).unwrap();
    let all = pdf_pages(&pdf).join(" ");
    let squeezed = all.replace(char::is_whitespace, "");
    assert!(squeezed.contains("INPARALLEL"), "{all}");
    // The time is given once for the block; the item that ends earlier gives its own.
    assert_eq!(all.matches("14:00–15:30").count(), 1, "{all}");
    assert!(all.contains("Room C · 14:00–15:00"), "{all}");
    // Side by side: the three rooms are on one line of the page, left to right.
    let layout = std::process::Command::new("pdftotext")
        .args(["-layout"])
        .arg(dir.path().join("brief.pdf"))
        .arg("-")
        .output();
    match layout {
        Ok(out) if out.status.success() => {
            let text = String::from_utf8_lossy(&out.stdout);
            let line = text
                .lines()
                .find(|l| l.contains("Room A"))
                .expect("a line with Room A");
            let (a, b, c) = (
                line.find("Room A").unwrap(),
                line.find("Room B").expect("Room B beside Room A"),
                line.find("Room C").expect("Room C beside Room B"),
            );
            assert!(a < b && b < c, "{line}");
        }
        _ if std::env::var_os("BRIEF_REQUIRE_TOOLS").is_some() => {
            panic!("pdftotext (poppler-utils) is needed")
        }
        _ => eprintln!("skipped the layout check: pdftotext (poppler-utils) is not installed"),
    }
}

/// Two items in one room at overlapping times are warned about, at the later one's room.
#[test]
fn same_room_overlap_is_warned_about() {
    let days = "  - date: 2017-06-02\n    sessions:\n      - start: 9:00\n        end: 10:30\n        title: Budget session\n        room: Room A\n      - start: 9:00\n        end: 10:00\n        title: Youth session\n        room: Room B\n      - start: 10:00\n        end: 11:00\n        title: Media session\n        room: room a\n      - start: 10:30\n        end: 11:30\n        title: After the budget\n        room: Room B\n";
    let text = programme("en-CA", "", days);
    let dir = workspace(&[("brief.yaml", text.as_bytes())]);
    let (output, stderr) = run(brief(dir.path()).args(["build", "brief.yaml", "-o", "out.pdf"]));
    assert!(output.status.success(), "{stderr}");
    let report = &stderr[..stderr.find("wrote out.pdf").expect("the build went on")];
    assert_eq!(
        report,
        "warning: “Budget session” and “Media session” are both in room a at the same time\n   \
         ┌─ brief.yaml:18:15\n   \
         │\n\
         18 │         room: room a\n   \
         │               ^^^^^^ days[0].sessions[2].room\n   \
         │\n   \
         = days[0].sessions[0] is there from 09:00 to 10:30\n   \
         = hint: give one of them another room, or other times\n\n"
    );
    // Rooms B are used one after the other: no warning about them.
    assert_eq!(stderr.matches("warning:").count(), 1, "{stderr}");
}

/// A programme of three days gives the range of its days in the title block and in every
/// page's footer, in each locale's form; the dates come from the days alone.
#[test]
fn three_days_give_a_range_per_locale() {
    let days = "  - date: 2017-06-02\n    sessions:\n      - start: 9:00\n        title: Opening\n  - date: 2017-06-03\n    sessions:\n      - start: 9:00\n        title: Second day\n  - date: 2017-06-04\n    sessions:\n      - start: 9:00\n        title: Closing\n";
    for (lang, range) in [
        ("en-CA", "June 2–4, 2017"),
        ("en-US", "June 2–4, 2017"),
        ("en-GB", "2–4 June 2017"),
        ("en-AU", "2–4 June 2017"),
        ("fr-CA", "2 au 4 juin 2017"),
        ("fr-FR", "2 au 4 juin 2017"),
        ("ko-KR", "2017년 6월 2–4일"),
    ] {
        let (pages, stderr) = build_text(&programme(lang, "", days));
        assert_eq!(stderr, "", "{lang}");
        let range = range.replace(char::is_whitespace, "");
        for (i, page) in pages.iter().enumerate() {
            let count = page
                .replace(char::is_whitespace, "")
                .matches(&range)
                .count();
            // The title block and the footer on the first page; the footer after it.
            let expected = if i == 0 { 2 } else { 1 };
            assert!(
                count >= expected,
                "{lang} page {}: {range} in {page}",
                i + 1
            );
        }
    }
}

/// A day that runs onto a new page repeats its heading there, marked as continued.
#[test]
fn a_day_continued_repeats_its_heading() {
    let items = (0..30)
        .map(|i| {
            format!(
                "      - start: \"{:02}:{:02}\"\n        title: Item number {i}\n        description: A line that says what this item is about, long enough to take room.\n",
                8 + i / 4,
                (i % 4) * 15
            )
        })
        .collect::<String>();
    let days = format!(
        "  - date: 2017-06-02\n    title: Day 1\n    sessions:\n{items}  - date: 2017-06-03\n    sessions:\n      - start: 9:00\n        title: Last\n"
    );
    let (pages, _) = build_text(&programme("en-CA", "", &days));
    assert!(pages.len() >= 2, "the day runs onto a second page");
    // The date is held together by no-break spaces: compared as spaces.
    let first = &pages[0].split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(first.contains("Friday, June 2, 2017") && !first.contains("(continued)"));
    let second = pages[1].split_whitespace().collect::<Vec<_>>().join(" ");
    let heading = second
        .find("Friday, June 2, 2017 (continued)")
        .unwrap_or_else(|| panic!("the repeated heading: {second}"));
    let next_item = second.find("Item number").unwrap();
    assert!(heading < next_item, "the heading comes before the items");
    let (fr, _) = build_text(&programme("fr-CA", "", &days));
    assert!(fr[1].contains("(suite)"), "{}", fr[1]);
}

/// Speakers print in the order written, a moderator listed fourth staying fourth; roles of the
/// brief's own print as written; `group-speakers` groups them by role.
#[test]
fn speaker_order_is_kept() {
    let days = "  - date: 2017-06-02\n    sessions:\n      - start: 9:00\n        title: Opening\n        speakers:\n          - name: Aunty May Smith\n            role: Welcome to Country\n          - name: Ana Diaz\n            role: panellist\n          - name: Bo Kim\n            role: Panellist\n          - name: Cy Moderator\n            role: moderator\n            title: Director\n          - name: Di Lee\n            role: Emerging Leader\n";
    let (pages, _) = build_text(&programme("en-CA", "", days));
    let text = pages
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let order: Vec<usize> = [
        "Welcome to Country:",
        "Aunty May Smith",
        "Panellists:",
        "Ana Diaz",
        "Bo Kim",
        "Moderator:",
        "Cy Moderator",
        "Emerging Leader:",
        "Di Lee",
    ]
    .iter()
    .map(|n| text.find(n).unwrap_or_else(|| panic!("{n} in {text}")))
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{text}");
    let (grouped, _) = build_text(&programme("en-CA", "group-speakers: true\n", days));
    let text = grouped
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let moderator = text.find("Cy Moderator").unwrap();
    assert!(moderator < text.find("Ana Diaz").unwrap(), "{text}");
    assert!(moderator < text.find("Aunty May Smith").unwrap(), "{text}");
}

/// A kind's label is left out where the title says it already, and everywhere with
/// `kind-labels: false`.
#[test]
fn kind_labels_only_where_the_title_does_not_say_it() {
    let days = "  - date: 2017-06-02\n    sessions:\n      - start: 9:00\n        title: Panel discussion on housing\n        kind: panel\n      - start: 10:00\n        title: Housing futures\n        kind: panel\n";
    let (pages, _) = build_text(&programme("en-CA", "", days));
    let squeezed = pages.join("").replace(char::is_whitespace, "");
    assert_eq!(squeezed.matches("PANEL").count(), 1, "{squeezed}");
    let (pages, _) = build_text(&programme("en-CA", "kind-labels: false\n", days));
    let squeezed = pages.join("").replace(char::is_whitespace, "");
    assert!(!squeezed.contains("PANEL"), "{squeezed}");
}

/// The summit example (briefs/digitalgov-spring-summit-2024-programme.yaml, from the corpus's
/// Digital.gov programme) has every time, title, speaker (with title and organization) and
/// room of the programme in its PDF, in order.
#[test]
fn summit_example_has_every_fact() {
    let path = root().join("briefs/digitalgov-spring-summit-2024-programme.yaml");
    let dir = workspace(&[]);
    let pdf = build(dir.path(), &path);
    let text = flatten(&pdf_pages(&pdf).join("\n").replace('\u{a0}', " "));
    // The times as the event page gives them, printed the en-US way.
    let times = [
        "10:00–10:10 AM",
        "10:10–11:00 AM",
        "11:10 AM – 12:00 PM",
        "12:00–1:00 PM",
        "1:00–1:50 PM",
        "2:00–2:50 PM",
        "3:00–3:50 PM",
        "3:50–4:00 PM",
    ];
    let yaml: serde_yaml::Value =
        serde_yaml::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    let sessions = yaml["days"][0]["sessions"].as_sequence().unwrap();
    assert_eq!(sessions.len(), times.len());
    let mut from = 0;
    let mut speakers = 0;
    for (session, time) in sessions.iter().zip(times) {
        let mut needles = vec![
            time.to_string(),
            session["title"].as_str().unwrap().to_string(),
        ];
        for key in ["room", "track"] {
            if let Some(v) = session[key].as_str() {
                needles.push(v.to_string());
            }
        }
        for speaker in session["speakers"].as_sequence().into_iter().flatten() {
            speakers += 1;
            for key in ["name", "title", "organization"] {
                needles.push(speaker[key].as_str().unwrap().to_string());
            }
        }
        for needle in needles {
            let needle = flatten(&needle);
            match text[from..].find(&needle) {
                Some(at) => from += at + needle.len(),
                None => {
                    panic!("not found in order after byte {from}: {needle}\n--- text ---\n{text}")
                }
            }
        }
    }
    assert_eq!(speakers, 25, "every speaker of the corpus programme");
    assert!(text.contains(&flatten("March 13, 2024")));
    assert!(text.contains(&flatten("Online (Zoom webinar)")));
}
