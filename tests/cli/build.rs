//! `brief build` of the example brief: the content, the metadata and reproducibility.

use std::fs;

use crate::util::{brief, example, flatten, info, lang, pdf_pages, root, run, workspace};

fn build_example(dir: &std::path::Path, epoch: Option<&str>) -> Vec<u8> {
    let out = dir.join("note.pdf");
    let mut command = brief(dir);
    command.arg("build").arg(example()).arg("-o").arg(&out);
    if let Some(epoch) = epoch {
        command.env("SOURCE_DATE_EPOCH", epoch);
    }
    let (output, stderr) = run(&mut command);
    assert!(output.status.success(), "build failed: {stderr}");
    fs::read(out).unwrap()
}

fn seed_sentences() -> Vec<String> {
    let seed = fs::read_to_string(root().join("tests/fixtures/seed.txt")).unwrap();
    let mut sentences = Vec::new();
    for line in seed.lines().filter(|l| !l.trim().is_empty()) {
        // Split after a period that ends a sentence; "R&D, and" and "(2022)." stay whole.
        let mut current = String::new();
        for word in line.split_whitespace() {
            current.push_str(word);
            current.push(' ');
            if word.ends_with('.') {
                sentences.push(current.trim().to_string());
                current.clear();
            }
        }
        if !current.trim().is_empty() {
            sentences.push(current.trim().to_string());
        }
    }
    sentences
}

/// The pages' text without the running header and footer, which sit between the last line of
/// one page and the first of the next.
fn body_text(pages: &[String]) -> String {
    let furniture = [
        "BACKGROUND NOTE",
        "|",
        "Strategic Roundtable, December 8, 2025",
        "Asia Pacific Foundation of Canada",
        "Strategic Roundtable · Vancouver, Canada · December 8, 2025",
    ];
    let mut body = String::new();
    for (i, page) in pages.iter().enumerate() {
        let footer = format!("Page {} of {}", i + 1, pages.len());
        // Dates are held together by no-break spaces: compared as spaces.
        for line in page
            .lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        {
            let line = line.as_str();
            // The footer's second line: revision stamps and the build identifier.
            let stamp = line.starts_with("build ") || line.contains(" · build ");
            if !furniture.contains(&line) && line != footer && !stamp {
                body.push_str(line);
                body.push('\n');
            }
        }
    }
    body
}

/// Every sentence of the real background note is printed, in the order of the seed, headings included.
#[test]
fn every_seed_sentence_appears_in_order() {
    let dir = workspace(&[]);
    let pdf = build_example(dir.path(), None);
    let body = body_text(&pdf_pages(&pdf));
    // Paragraphs stay paragraphs: run together, one's last period would touch the next one's
    // first capital ("co-operation.Defence").
    let chars: Vec<char> = body.chars().collect();
    for w in chars.windows(3) {
        assert!(
            !(w[0].is_lowercase() && w[1] == '.' && w[2].is_uppercase()),
            "two paragraphs ran together at `{}{}{}`",
            w[0],
            w[1],
            w[2]
        );
    }
    let text = flatten(&body);
    let sentences = seed_sentences();
    assert!(sentences.len() >= 20, "the seed splits into sentences");
    let mut from = 0;
    for sentence in &sentences {
        let needle = flatten(sentence);
        match text[from..].find(&needle) {
            Some(at) => from += at + needle.len(),
            None => {
                panic!("not found in order after byte {from}: {sentence}\n--- text ---\n{text}")
            }
        }
    }
}

/// The note is two pages of US Letter with its title, author and language in the metadata.
#[test]
fn pages_and_metadata() {
    let dir = workspace(&[]);
    let pdf = build_example(dir.path(), None);
    let document = lopdf::Document::load_mem(&pdf).unwrap();
    assert_eq!(document.get_pages().len(), 2);
    let first = *document.get_pages().values().next().unwrap();
    let media = document
        .get_dictionary(first)
        .unwrap()
        .get(b"MediaBox")
        .unwrap()
        .as_array()
        .unwrap();
    let width = media[2].as_float().unwrap();
    let height = media[3].as_float().unwrap();
    assert_eq!((width.round(), height.round()), (612.0, 792.0), "US Letter");
    assert_eq!(
        info(&pdf, b"Title").as_deref(),
        Some(
            "Strengthening the Canada–Republic of Korea Comprehensive Strategic Partnership Through Defence Co-operation"
        )
    );
    assert_eq!(
        info(&pdf, b"Author").as_deref(),
        Some("Asia Pacific Foundation of Canada")
    );
    // Subject and keywords come from the brief too: its purpose and its `keywords`.
    assert!(
        info(&pdf, b"Subject")
            .unwrap()
            .replace('\u{a0}', " ")
            .starts_with("A Background Note in support of APF Canada’s December 8, 2025"),
        "{:?}",
        info(&pdf, b"Subject")
    );
    assert_eq!(
        info(&pdf, b"Keywords").as_deref(),
        Some("Canada, Republic of Korea, defence co-operation, Indo-Pacific, roundtable")
    );
    assert_eq!(lang(&pdf).as_deref(), Some("en-CA"));
    // No SOURCE_DATE_EPOCH: the creation date is the event's date from the brief.
    assert_eq!(
        info(&pdf, b"CreationDate").as_deref().map(|d| &d[..10]),
        Some("D:20251208")
    );
}

/// The page furniture: kicker, event line, milestones with their precision, acronyms, page numbers.
#[test]
fn boxes_header_and_footer() {
    let dir = workspace(&[]);
    let pages = pdf_pages(&build_example(dir.path(), None));
    let one = pages[0].split_whitespace().collect::<Vec<_>>().join(" ");
    let all = pages
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    // The kicker is letter-spaced, which PDF readers extract as spaces between letters.
    assert!(one.replace(' ', "").contains("BACKGROUNDNOTE"));
    assert!(one.contains("Asia Pacific Foundation of Canada · Strategic Roundtable · December 8, 2025 · Vancouver, Canada"));
    assert!(one.contains("Page 1 of 2"));
    assert!(pages[1].contains("Page 2 of 2"));
    assert!(all.replace(' ', "").contains("KEYMILESTONES"));
    for date in [
        "2009",
        "2015",
        "December 2022",
        "June 2024",
        "November 2024",
        "October 2025",
    ] {
        assert!(all.contains(date), "milestone date {date}");
    }
    assert!(all.replace(' ', "").contains("ACRONYMS"));
    assert!(all.contains("Defense Acquisition Program Administration (ROK)"));
}

/// Two builds of the same brief are byte for byte the same, and SOURCE_DATE_EPOCH sets the date.
#[test]
fn reproducible_bytes() {
    let dir = workspace(&[]);
    let first = build_example(dir.path(), None);
    let second = build_example(dir.path(), None);
    assert!(first == second, "two builds differ");
    let dated = build_example(dir.path(), Some("1764633600"));
    assert_ne!(first, dated);
    assert_eq!(
        info(&dated, b"CreationDate").as_deref().map(|d| &d[..10]),
        Some("D:20251202")
    );
}

/// Without -o the PDF goes next to the brief, and the success line names it.
#[test]
fn default_output_is_next_to_the_brief() {
    let text = fs::read(example()).unwrap();
    let dir = workspace(&[("note.yaml", &text)]);
    let (output, stderr) = run(brief(dir.path()).args(["build", "note.yaml"]));
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.starts_with("wrote note.pdf (2 pages, "), "{stderr}");
    assert!(dir.path().join("note.pdf").exists());
}

/// Every brief in briefs/ builds without warnings.
#[test]
fn every_example_brief_builds() {
    let dir = workspace(&[]);
    for entry in fs::read_dir(root().join("briefs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let out = dir.path().join("out.pdf");
            let (output, stderr) = run(brief(dir.path())
                .arg("build")
                .arg(&path)
                .arg("-o")
                .arg(&out)
                .arg("--quiet"));
            assert!(output.status.success(), "{}: {stderr}", path.display());
            assert_eq!(stderr, "", "{} printed warnings", path.display());
        }
    }
}
