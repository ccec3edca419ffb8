//! PDF/UA-1 and PDF/A checked by an independent validator (page-validation, through
//! tests/validate-pdf.py): plain builds, bilingual editions, handouts and merged copies with
//! footnotes that read the same in every part, and a file broken on purpose that must fail.
//!
//! The validator is a Python package: the tests look for it in `$BRIEF_VALIDATOR_PYTHON`
//! (else `python3`) and skip with a reason when it is missing, unless `BRIEF_REQUIRE_TOOLS=1`
//! (as .ci/run sets), which makes a missing validator a failure.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{brief, example, root, run, workspace};

/// The Python that has page-validation, or `None` (with the reason printed) when there is
/// none and the tools are not required.
fn validator() -> Option<PathBuf> {
    let python = PathBuf::from(
        std::env::var_os("BRIEF_VALIDATOR_PYTHON").unwrap_or_else(|| "python3".into()),
    );
    let found = Command::new(&python)
        .args(["-c", "import page"])
        .output()
        .is_ok_and(|o| o.status.success());
    if found {
        return Some(python);
    }
    let reason = format!(
        "page-validation is not importable by {} (set BRIEF_VALIDATOR_PYTHON to a Python that has it)",
        python.display()
    );
    assert!(
        std::env::var("BRIEF_REQUIRE_TOOLS").as_deref() != Ok("1"),
        "BRIEF_REQUIRE_TOOLS=1: {reason}"
    );
    eprintln!("skipped: {reason}");
    None
}

/// Runs tests/validate-pdf.py on `files` (with `extra` arguments first); returns whether it
/// passed and what it printed.
fn validate(python: &Path, extra: &[&str], files: &[&Path]) -> (bool, String) {
    let output = Command::new(python)
        .arg(root().join("tests/validate-pdf.py"))
        .args(extra)
        .args(files)
        .output()
        .expect("python runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    (output.status.success(), format!("{stdout}{stderr}"))
}

/// Builds with `args` in `dir`, failing the test on any error.
fn ok(dir: &Path, args: &[&str]) {
    let (output, stderr) = run(brief(dir).args(args).arg("-q"));
    assert!(output.status.success(), "{args:?}: {stderr}");
}

/// A brief in English and French whose footnote, heading and table read the same in both
/// editions, with participants for copies and a handout: every element that typst knows by
/// its content appears in each part.
const SHARED: &str = "\
title: {en: Notes, fr: Notes et renvois}
organization: Org
event: {name: Roundtable, date: 2025-12-08, city: Ottawa}
participants:
  - {name: Ada Lovelace, organization: Org}
  - {name: Alan Turing, organization: Org}
sections:
  - heading: Context
    body: |
      Text.[^1] More text.[^2]

      [^1]: Ibid.
      [^2]: Statistics Canada, 2024.
  - heading: Context
    body: |
      Again.[^1]

      [^1]: Ibid.
";

/// A plain build of every example brief is PDF/UA-1 (the built-in templates' default), and
/// the validator finds no failed rule in any of them.
#[test]
fn every_example_validates_as_pdf_ua_by_default() {
    let Some(python) = validator() else { return };
    let dir = workspace(&[]);
    let mut outputs = Vec::new();
    for entry in fs::read_dir(root().join("briefs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        let out = dir
            .path()
            .join(path.file_stem().unwrap())
            .with_extension("pdf");
        ok(
            dir.path(),
            &["build", path.to_str().unwrap(), "-o", out.to_str().unwrap()],
        );
        let text = String::from_utf8_lossy(&fs::read(&out).unwrap()).into_owned();
        assert!(
            text.contains("pdfuaid:part>1<"),
            "{} declares PDF/UA-1",
            out.display()
        );
        outputs.push(out);
    }
    let files: Vec<&Path> = outputs.iter().map(PathBuf::as_path).collect();
    let (passed, report) = validate(&python, &[], &files);
    assert!(passed, "{report}");
    assert_eq!(report.matches("(ua1: ").count(), files.len(), "{report}");
}

/// `--pdf-standard a-2b,ua-1` (and `a-2b` alone, which adds the template's ua-1) makes a PDF
/// that declares both and passes both profiles.
#[test]
fn a_2b_and_ua_1_together_validate() {
    let Some(python) = validator() else { return };
    let dir = workspace(&[]);
    let example = example();
    let listed = dir.path().join("listed.pdf");
    let alone = dir.path().join("alone.pdf");
    ok(
        dir.path(),
        &[
            "build",
            example.to_str().unwrap(),
            "--pdf-standard",
            "a-2b,ua-1",
            "-o",
            listed.to_str().unwrap(),
        ],
    );
    ok(
        dir.path(),
        &[
            "build",
            example.to_str().unwrap(),
            "--pdf-standard",
            "a-2b",
            "-o",
            alone.to_str().unwrap(),
        ],
    );
    let (passed, report) = validate(&python, &[], &[&listed, &alone]);
    assert!(passed, "{report}");
    for file in [&listed, &alone] {
        for profile in ["2b", "ua1"] {
            assert!(
                report.contains(&format!("ok   {} ({profile}: ", file.display())),
                "{report}"
            );
        }
    }
}

/// Both editions of a brief whose footnotes, headings and table read the same in each are
/// one PDF/UA-1 file that the validator passes, as are a handout bundle and the merged
/// personalized copies of it (every copy repeats the same elements).
#[test]
fn joined_documents_with_shared_footnotes_validate() {
    let Some(python) = validator() else { return };
    let dir = workspace(&[("note.yaml", SHARED.as_bytes())]);
    ok(
        dir.path(),
        &[
            "build",
            "note.yaml",
            "--lang",
            "en,fr",
            "-o",
            "editions.pdf",
        ],
    );
    ok(
        dir.path(),
        &[
            "build",
            "note.yaml",
            "--per-participant",
            "--merged",
            "-o",
            "copies.pdf",
        ],
    );
    ok(dir.path(), &["handout", "note.yaml", "-o", "handout.pdf"]);
    ok(
        dir.path(),
        &[
            "handout",
            "note.yaml",
            "--per-participant",
            "--merged",
            "--pdf-standard",
            "a-2b",
            "-o",
            "handout-copies.pdf",
        ],
    );
    let names = [
        "editions.pdf",
        "copies.pdf",
        "handout.pdf",
        "handout-copies.pdf",
    ];
    let paths: Vec<PathBuf> = names.iter().map(|n| dir.path().join(n)).collect();
    let files: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
    let (passed, report) = validate(&python, &[], &files);
    assert!(passed, "{report}");
    assert_eq!(report.matches("ok   ").count(), 5, "{report}");
}

/// Personalized copies of their own, which attach the brief without its participants, are
/// PDF/UA-1 files the validator passes, and PDF/A-3b ones too (which allows the attachment).
#[test]
fn copies_of_their_own_validate() {
    let Some(python) = validator() else { return };
    let dir = workspace(&[("note.yaml", SHARED.as_bytes())]);
    ok(dir.path(), &["build", "note.yaml", "--per-participant"]);
    ok(
        dir.path(),
        &[
            "build",
            "note.yaml",
            "--per-participant",
            "--pdf-standard",
            "a-3b",
            "--out-dir",
            "archive",
        ],
    );
    let paths: Vec<PathBuf> = ["note-copies", "archive"]
        .iter()
        .flat_map(|folder| {
            ["Ada-Lovelace.pdf", "Alan-Turing.pdf"].map(|f| dir.path().join(folder).join(f))
        })
        .collect();
    for path in &paths {
        let text = String::from_utf8_lossy(&fs::read(path).unwrap()).into_owned();
        assert!(
            text.contains("/EmbeddedFile"),
            "{} attaches the brief",
            path.display()
        );
    }
    let files: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
    let (passed, report) = validate(&python, &[], &files);
    assert!(passed, "{report}");
    // Two profiles for each PDF/A-3b copy, one for each of the others.
    assert_eq!(report.matches("ok   ").count(), 6, "{report}");
}

/// A marked brief's name tents (the marking on both faces) and a merged print file whose
/// one-page copies each end with a marked blank page are PDF/UA-1 files the validator passes.
#[test]
fn marked_tents_and_marked_blank_pages_validate() {
    let Some(python) = validator() else { return };
    let note = SHARED.replace(
        "organization: Org\n",
        "organization: Org\nclassification: secret\n",
    );
    let dir = workspace(&[("note.yaml", note.as_bytes())]);
    ok(
        dir.path(),
        &[
            "build",
            "note.yaml",
            "--per-participant",
            "--merged",
            "-o",
            "copies.pdf",
        ],
    );
    let example = example();
    ok(
        dir.path(),
        &[
            "handout",
            example.to_str().unwrap(),
            "--name-tents",
            "--set",
            "classification=protected-b",
            "-o",
            "tents.pdf",
        ],
    );
    let paths = [dir.path().join("copies.pdf"), dir.path().join("tents.pdf")];
    let text = String::from_utf8_lossy(&fs::read(&paths[0]).unwrap()).into_owned();
    assert!(
        text.contains("pdfuaid:part>1<"),
        "the copies declare PDF/UA-1"
    );
    let pages = crate::util::pdf_pages(&fs::read(&paths[0]).unwrap());
    assert_eq!(
        pages.len(),
        4,
        "two one-page copies, each with its blank page"
    );
    assert!(pages[1].contains("SECRET"), "{}", pages[1]);
    let files: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
    let (passed, report) = validate(&python, &[], &files);
    assert!(passed, "{report}");
    assert_eq!(report.matches("ok   ").count(), 2, "{report}");
}

/// A PDF/UA-1 file whose /Lang is taken out fails, and the validator names each rule it
/// breaks with its message: the check is live.
#[test]
fn a_file_without_its_language_fails_validation() {
    let Some(python) = validator() else { return };
    let dir = workspace(&[]);
    let good = dir.path().join("good.pdf");
    let example = example();
    ok(
        dir.path(),
        &[
            "build",
            example.to_str().unwrap(),
            "-o",
            good.to_str().unwrap(),
        ],
    );
    let mut document = lopdf::Document::load(&good).unwrap();
    let root_id = document
        .trailer
        .get(b"Root")
        .unwrap()
        .as_reference()
        .unwrap();
    let catalog = document
        .get_object_mut(root_id)
        .unwrap()
        .as_dict_mut()
        .unwrap();
    assert!(catalog.remove(b"Lang").is_some(), "the catalog had a /Lang");
    let broken = dir.path().join("broken.pdf");
    document.save(&broken).unwrap();
    let (passed, report) = validate(&python, &[], &[&broken]);
    assert!(!passed, "{report}");
    assert!(
        report.starts_with(&format!("FAIL {} (ua1: ", broken.display())),
        "{report}"
    );
    assert!(
        report.contains(
            "  PDFUA1-TEXT-LANGUAGE-001: page 1 text has no local, inherited, or catalog /Lang"
        ),
        "{report}"
    );
}

/// A merged print file of many copies is exported in pieces and joined: the joined file is one
/// document (one structure tree under one `Document` element, its parent tree numbered once
/// through every page, every copy's bookmarks, the brief attached once), and it passes PDF/UA-1.
#[test]
fn a_merged_file_joined_from_pieces_is_one_tagged_document() {
    let Some(python) = validator() else { return };
    let mut text = fs::read_to_string(example()).unwrap();
    let start = text.find("\nparticipants:\n").unwrap();
    let end = start + 1 + text[start + 1..].find("\n\n").unwrap();
    // More copies than one piece holds (50), fewer than the validator's 256 bookmarks deep.
    let count = 120;
    let list: String = (1..=count)
        .map(|i| format!("  - name: Participant {i}\n    seat: \"{i}\"\n"))
        .collect();
    text = format!("{}\nparticipants:\n{list}{}", &text[..start], &text[end..]);
    let dir = workspace(&[("note.yaml", text.as_bytes())]);
    ok(
        dir.path(),
        &["build", "note.yaml", "--per-participant", "--merged"],
    );
    ok(dir.path(), &["build", "note.yaml", "-o", "one.pdf"]);
    let merged = dir.path().join("note-copies.pdf");
    let (passed, report) = validate(&python, &["--profile", "ua1"], &[&merged]);
    assert!(passed, "{report}");

    let doc = lopdf::Document::load(&merged).unwrap();
    let one = lopdf::Document::load(dir.path().join("one.pdf")).unwrap();
    let pages = doc.get_pages().len();
    // Every copy of the 2-page note on whole sheets.
    assert_eq!(pages, count * one.get_pages().len().next_multiple_of(2));
    let catalog = doc.catalog().unwrap();
    let get = |dict: &lopdf::Dictionary, key: &[u8]| -> lopdf::Dictionary {
        let object = dict.get(key).unwrap();
        doc.dereference(object)
            .unwrap()
            .1
            .as_dict()
            .unwrap()
            .clone()
    };
    let tree = get(catalog, b"StructTreeRoot");
    let kids = tree.get(b"K").unwrap().as_array().unwrap();
    assert_eq!(kids.len(), 1, "one element at the root");
    let document = doc.get_dictionary(kids[0].as_reference().unwrap()).unwrap();
    assert_eq!(document.get(b"S").unwrap().as_name().unwrap(), b"Document");
    let document_id = kids[0].as_reference().unwrap();
    for kid in document.get(b"K").unwrap().as_array().unwrap() {
        let element = doc.get_dictionary(kid.as_reference().unwrap()).unwrap();
        assert_eq!(
            element.get(b"P").unwrap().as_reference().unwrap(),
            document_id
        );
    }
    // Each page's structure parents key is its own, and the parent tree has every key once.
    let mut keys: Vec<i64> = doc
        .page_iter()
        .map(|p| {
            doc.get_dictionary(p)
                .unwrap()
                .get(b"StructParents")
                .unwrap()
                .as_i64()
                .unwrap()
        })
        .collect();
    let in_order = keys.clone();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), pages, "{in_order:?}");
    let nums = get(&tree, b"ParentTree");
    let nums = nums.get(b"Nums").unwrap().as_array().unwrap();
    let mut tree_keys: Vec<i64> = nums
        .iter()
        .step_by(2)
        .map(|k| k.as_i64().unwrap())
        .collect();
    tree_keys.sort();
    tree_keys.dedup();
    assert_eq!(tree_keys.len() * 2, nums.len(), "no key twice");
    let next = tree.get(b"ParentTreeNextKey").unwrap().as_i64().unwrap();
    assert!(tree_keys.iter().all(|k| *k < next), "{next}");
    // Every copy's bookmarks, in one chain.
    let chain = |doc: &lopdf::Document| {
        let outlines = doc
            .catalog()
            .unwrap()
            .get(b"Outlines")
            .unwrap()
            .as_reference()
            .unwrap();
        let outlines = doc.get_dictionary(outlines).unwrap();
        let mut items = 0;
        let mut at = outlines.get(b"First").unwrap().as_reference().ok();
        while let Some(id) = at {
            items += 1;
            at = doc
                .get_dictionary(id)
                .unwrap()
                .get(b"Next")
                .and_then(|n| n.as_reference())
                .ok();
        }
        items
    };
    let per_copy = chain(&one);
    assert!(per_copy > 0);
    assert_eq!(chain(&doc), count * per_copy);
    // The brief is attached once, and the metadata counts every page.
    let bytes = fs::read(&merged).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    assert_eq!(
        text.matches("/Type /Filespec").count() + text.matches("/Type/Filespec").count(),
        1
    );
    assert!(text.contains(&format!("<xmpTPg:NPages>{pages}</xmpTPg:NPages>")));
    let (output, stderr) =
        run(brief(dir.path()).args(["extract", "note-copies.pdf", "-o", "back.yaml"]));
    assert!(output.status.success(), "{stderr}");
}
