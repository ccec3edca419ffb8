//! Personalized copies (`brief build --per-participant`): "Prepared for NAME" on every page of
//! each copy, safe and unique file names from names in any script, the merged print file, and
//! a batch that is written whole or not at all.

use std::fs;
use std::path::{Path, PathBuf};

use crate::util::{brief, example, pdf_pages, root, run, workspace};

/// The example's participants, in order, and the file each copy gets.
const EXAMPLE: &[(&str, &str)] = &[
    ("Hélène Tremblay", "Hélène-Tremblay.pdf"),
    ("김민준", "김민준.pdf"),
    // Printed with a typographic apostrophe, as every text is; its file name keeps it straight.
    ("Jordan O’Neil", "Jordan-O'Neil.pdf"),
    ("Park Ji-won", "Park-Ji-won.pdf"),
    ("Marc-André Côté", "Marc-André-Côté.pdf"),
    ("Priya Raman", "Priya-Raman.pdf"),
];

/// Text without white space: a PDF reader puts spaces at each change of font.
fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The names in a folder, sorted, hidden ones included.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A workspace with the example brief as `note.yaml`, its participants replaced by `names`
/// when given (each with a seat).
fn with_participants(names: Option<&[&str]>) -> (tempfile::TempDir, PathBuf) {
    let mut text = fs::read_to_string(example()).unwrap();
    if let Some(names) = names {
        let start = text.find("\nparticipants:\n").unwrap();
        let end = start + 1 + text[start + 1..].find("\n\n").unwrap();
        let mut list = String::from("\nparticipants:\n");
        for (i, name) in names.iter().enumerate() {
            let quoted = serde_json::to_string(name).unwrap();
            list.push_str(&format!("  - name: {quoted}\n    seat: \"{}\"\n", i + 1));
        }
        text = format!("{}{}{}", &text[..start], list, &text[end..]);
    }
    let dir = workspace(&[("note.yaml", text.as_bytes())]);
    let path = dir.path().join("note.yaml");
    (dir, path)
}

/// Each copy of the example, one file per participant in `note-copies/` beside the brief,
/// says "Prepared for NAME · Seat N" on every page, and the summary line (the only line: no
/// progress bar when standard error is not a terminal) counts them.
#[test]
fn every_page_of_each_copy_says_whom_it_is_for() {
    let (dir, _) = with_participants(None);
    let (output, stderr) = run(brief(dir.path()).args(["build", "note.yaml", "--per-participant"]));
    assert!(output.status.success(), "{stderr}");
    let out = dir.path().join("note-copies");
    let mut expected: Vec<String> = EXAMPLE.iter().map(|(_, f)| f.to_string()).collect();
    expected.push(".brief-copies".into());
    expected.sort();
    assert_eq!(listing(&out), expected);
    for (seat, (name, file)) in EXAMPLE.iter().enumerate() {
        let pages = pdf_pages(&fs::read(out.join(file)).unwrap());
        assert!(pages.len() >= 2, "{file} has {} pages", pages.len());
        let line = squeeze(&format!("Prepared for {name} · Seat {}", seat + 1));
        for (n, page) in pages.iter().enumerate() {
            let text = squeeze(page);
            // The first page has it twice: at the top and in the footer.
            let want = if n == 0 { 2 } else { 1 };
            assert_eq!(
                text.matches(&line).count(),
                want,
                "page {} of {file} should say `{line}` {want} time(s): {text}",
                n + 1
            );
            for (other, _) in EXAMPLE.iter().filter(|(o, _)| o != name) {
                assert!(!text.contains(&squeeze(&format!("Prepared for {other}"))));
            }
        }
    }
    // Standard error is a pipe here: no progress bar, only the summary line.
    assert!(!stderr.contains(['\r', '\u{1b}']), "{stderr:?}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let summary = stderr.lines().last().unwrap_or_default();
    assert!(
        summary.starts_with("wrote 6 copies to ") && summary.contains("(12 pages, "),
        "{stderr}"
    );
}

/// An ordinary build prints no "Prepared for" anywhere.
#[test]
fn an_ordinary_build_is_for_no_one() {
    let dir = workspace(&[]);
    let out = dir.path().join("note.pdf");
    let (output, stderr) = run(brief(dir.path())
        .arg("build")
        .arg(example())
        .arg("-o")
        .arg(&out));
    assert!(output.status.success(), "{stderr}");
    let text = pdf_pages(&fs::read(&out).unwrap()).join(" ");
    assert!(!text.contains("Prepared"), "{text}");
}

/// Names with accents, spaces, slashes, Hangul, Windows' device names, nothing printable in a
/// file name, and the same name twice become safe, distinct file names, listed with -v.
#[test]
fn file_names_from_names_in_any_script() {
    let names = [
        "Zoë Côté",
        "Kim / Lee",
        "김 민준",
        "../../etc/passwd",
        "CON",
        "???",
        "Zoë Côté",
        ".hidden. ",
        "A\\B:C*D",
        "#$@ <lab> [x] \\ y",
    ];
    let (dir, _) = with_participants(Some(&names));
    let (output, stderr) = run(brief(dir.path()).args([
        "build",
        "note.yaml",
        "--per-participant",
        "-v",
        "--out-dir",
        "out",
    ]));
    assert!(output.status.success(), "{stderr}");
    let files = [
        "Zoë-Côté.pdf",
        "Kim-Lee.pdf",
        "김-민준.pdf",
        "etc-passwd.pdf",
        "CON_.pdf",
        "participant-6.pdf",
        "Zoë-Côté-2.pdf",
        "hidden.pdf",
        "A-B-C-D.pdf",
        "#$@-lab-[x]-y.pdf",
    ];
    let mut expected: Vec<String> = files.iter().map(|f| f.to_string()).collect();
    expected.push(".brief-copies".into());
    expected.sort();
    assert_eq!(listing(&dir.path().join("out")), expected);
    // The verbose listing pairs each file with its participant, in order.
    let listed: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("  ") && l.contains(".pdf"))
        .collect();
    assert_eq!(listed.len(), names.len(), "{stderr}");
    for ((line, file), name) in listed.iter().zip(files).zip(names) {
        // Text fields fold and trim white space, as the copy prints the name.
        let name = name.trim();
        assert!(line.starts_with(&format!("  {file}  {name} (")), "{line}");
    }
    // Nothing escaped the folder.
    assert!(!dir.path().join("etc").exists());
    // Markup characters in a name print as written.
    let pages = pdf_pages(&fs::read(dir.path().join("out/#$@-lab-[x]-y.pdf")).unwrap());
    let want = squeeze("Prepared for #$@ <lab> [x] \\ y");
    assert!(squeeze(&pages[0]).contains(&want), "{}", pages[0]);
}

/// `--merged` puts every copy in one file, in participant order: its pages are the sum of the
/// copies' pages, and each copy's first page names its participant.
#[test]
fn merged_print_file_holds_every_copy_in_order() {
    let (dir, _) = with_participants(None);
    let (output, stderr) =
        run(brief(dir.path()).args(["build", "note.yaml", "--per-participant", "--merged"]));
    assert!(output.status.success(), "{stderr}");
    let merged = pdf_pages(&fs::read(dir.path().join("note-copies.pdf")).unwrap());
    let (output, stderr) = run(brief(dir.path()).args(["build", "note.yaml", "--per-participant"]));
    assert!(output.status.success(), "{stderr}");
    let mut first_pages = Vec::new();
    let mut sum = 0;
    for (_, file) in EXAMPLE {
        let pages = pdf_pages(&fs::read(dir.path().join("note-copies").join(file)).unwrap());
        first_pages.push(sum);
        sum += pages.len();
    }
    assert_eq!(
        merged.len(),
        sum,
        "merged pages = the sum of the copies' pages"
    );
    for ((name, _), first) in EXAMPLE.iter().zip(first_pages) {
        let text = squeeze(&merged[first]);
        assert!(
            text.contains(&squeeze(&format!("Prepared for {name}"))),
            "{text}"
        );
    }
}

/// A copy of its own carries the merged brief without its participants (no copy holds the
/// others' names, seats and tables), which checks and builds the same note again; the merged
/// print file, which holds every copy, carries the whole brief.
#[test]
fn a_copy_attaches_the_brief_without_the_participants() {
    let (dir, _) = with_participants(None);
    let (output, stderr) = run(brief(dir.path()).args(["build", "note.yaml", "--per-participant"]));
    assert!(output.status.success(), "{stderr}");
    let (output, stderr) =
        run(brief(dir.path()).args(["build", "note.yaml", "--per-participant", "--merged"]));
    assert!(output.status.success(), "{stderr}");
    let whole = fs::read_to_string(dir.path().join("note.yaml")).unwrap();
    for (i, (name, file)) in EXAMPLE.iter().enumerate() {
        let back = format!("back-{i}.yaml");
        let copy = format!("note-copies/{file}");
        let (output, stderr) = run(brief(dir.path()).args(["extract", &copy, "-o", &back]));
        assert!(output.status.success(), "{stderr}");
        let text = fs::read_to_string(dir.path().join(&back)).unwrap();
        assert!(!text.contains("\nparticipants:"), "{text}");
        assert!(
            text.contains("# Its participants are left out: a copy carries no one else's name, seat or table.\n"),
            "{text}"
        );
        // Each participant's family name (or whole name), their organization and title.
        for word in PRIVATE {
            assert!(
                !text.contains(word),
                "{file} (for {name}) names {word}: {text}"
            );
        }
        assert!(text.contains("title:"), "{text}");
        let (output, stderr) = run(brief(dir.path()).args(["check", &back]));
        assert!(output.status.success(), "{back}: {stderr}");
    }
    let (output, stderr) =
        run(brief(dir.path()).args(["extract", "note-copies.pdf", "-o", "merged.yaml"]));
    assert!(output.status.success(), "{stderr}");
    let merged = fs::read_to_string(dir.path().join("merged.yaml")).unwrap();
    assert!(merged.contains("\nparticipants:"), "{merged}");
    for word in PRIVATE {
        assert!(merged.contains(word), "the merged file names {word}");
        assert!(whole.contains(word), "the example names {word}");
    }
}

/// What the example says only in its participants: a word of each name, and a title and an
/// organization.
const PRIVATE: &[&str] = &[
    "Tremblay",
    "김민준",
    "Neil",
    "Ji-won",
    "Côté",
    "Raman",
    "Korea Institute for Defense Analyses",
    "Associate Professor of Political Science",
];

/// Every copy's PDF has its own /ID, and building again gives the same ones.
#[test]
fn each_copy_has_its_own_id() {
    let (dir, _) = with_participants(None);
    let ids = || {
        let (output, stderr) =
            run(brief(dir.path()).args(["build", "note.yaml", "--per-participant"]));
        assert!(output.status.success(), "{stderr}");
        EXAMPLE
            .iter()
            .map(|(_, file)| {
                let pdf = fs::read(dir.path().join("note-copies").join(file)).unwrap();
                let document = lopdf::Document::load_mem(&pdf).unwrap();
                format!("{:?}", document.trailer.get(b"ID").unwrap())
            })
            .collect::<Vec<_>>()
    };
    let first = ids();
    let mut unique = first.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), EXAMPLE.len(), "{first:?}");
    assert_eq!(ids(), first, "the same brief gives the same /IDs");
}

/// A participant with an empty name is an error at that participant's line, found before any
/// typesetting, and nothing is written.
#[test]
fn an_empty_name_is_an_error_at_its_line() {
    let (dir, path) = with_participants(None);
    let text = fs::read_to_string(&path)
        .unwrap()
        .replace("  - name: Jordan O'Neil", "  - name: \"  \"");
    fs::write(&path, &text).unwrap();
    let line = text.lines().position(|l| l == "  - name: \"  \"").unwrap() + 1;
    let (output, stderr) = run(brief(dir.path()).args(["build", "note.yaml", "--per-participant"]));
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(&format!("note.yaml:{line}:")), "{stderr}");
    assert!(stderr.contains("participants[2].name"), "{stderr}");
    assert!(!stderr.contains("wrote"), "{stderr}");
    assert_eq!(listing(dir.path()), ["note.yaml"]);
}

/// A brief without participants says so, and writes nothing.
#[test]
fn no_participants_is_a_clear_error() {
    let dir = workspace(&[]);
    let fr = root().join("briefs/canada-korea-defence-2025-fr.yaml");
    let (output, stderr) = run(brief(dir.path()).arg("build").arg(&fr).args([
        "--per-participant",
        "--out-dir",
        "out",
    ]));
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with("error: the brief has no participants to make copies for"),
        "{stderr}"
    );
    assert!(
        stderr.contains("hint: list them under `participants:`"),
        "{stderr}"
    );
    assert!(!dir.path().join("out").exists());
}

/// When one copy fails (here a template that refuses one participant), the report names that
/// participant at their line, no success is reported, and the previous batch stays exactly as
/// it was, with no half-written folder beside it.
#[test]
fn a_failing_copy_fails_the_batch_and_writes_nothing() {
    let (dir, path) = with_participants(None);
    let (output, stderr) = run(brief(dir.path()).args(["build", "note.yaml", "--per-participant"]));
    assert!(output.status.success(), "{stderr}");
    let out = dir.path().join("note-copies");
    let before: Vec<(String, Vec<u8>)> = listing(&out)
        .into_iter()
        .map(|f| (f.clone(), fs::read(out.join(&f)).unwrap()))
        .collect();

    // A template of the brief's own folder that cannot make Park Ji-won's copy.
    let builtin = root().join("templates/background-note");
    let own = dir.path().join("templates/background-note");
    fs::create_dir_all(&own).unwrap();
    fs::copy(builtin.join("template.yaml"), own.join("template.yaml")).unwrap();
    let mut main = fs::read_to_string(builtin.join("main.typ")).unwrap();
    main.push_str(
        "\n#context {\n  let r = json(\"/.brief/copy.json\").recipient\n  \
         if r != none and r.name == \"Park Ji-won\" { panic(\"no seat for this one\") }\n}\n",
    );
    fs::write(own.join("main.typ"), main).unwrap();
    let line = fs::read_to_string(&path)
        .unwrap()
        .lines()
        .position(|l| l == "  - name: Park Ji-won")
        .unwrap()
        + 1;

    for merged in [false, true] {
        let mut command = brief(dir.path());
        command.args(["build", "note.yaml", "--per-participant"]);
        if merged {
            command.arg("--merged");
        }
        let (output, stderr) = run(&mut command);
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        assert!(
            stderr.starts_with("error: the copy for Park Ji-won could not be made"),
            "{stderr}"
        );
        assert!(stderr.contains(&format!("note.yaml:{line}:")), "{stderr}");
        assert!(stderr.contains("participants[3].name"), "{stderr}");
        assert!(stderr.contains("no seat for this one"), "{stderr}");
        assert!(!stderr.contains("wrote"), "{stderr}");
        assert!(stderr.contains("nothing was written"), "{stderr}");
        assert!(
            !stderr.contains("Hélène"),
            "only the failing participant is named: {stderr}"
        );
    }
    let after: Vec<(String, Vec<u8>)> = listing(&out)
        .into_iter()
        .map(|f| (f.clone(), fs::read(out.join(&f)).unwrap()))
        .collect();
    assert!(before == after, "the previous copies are untouched");
    assert_eq!(
        listing(dir.path()),
        ["note-copies", "note.yaml", "templates"],
        "no half-written batch beside them"
    );
}

/// A folder holding files brief did not write is refused (the batch replaces its folder as a
/// whole); `-o` without `--merged` is a usage error.
#[test]
fn refuses_a_folder_of_other_files_and_a_single_output() {
    let (dir, _) = with_participants(None);
    fs::create_dir(dir.path().join("mine")).unwrap();
    fs::write(dir.path().join("mine/notes.txt"), "keep me").unwrap();
    let (output, stderr) = run(brief(dir.path()).args([
        "build",
        "note.yaml",
        "--per-participant",
        "--out-dir",
        "mine",
    ]));
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with(
            "error: cannot write copies to mine (it holds `notes.txt`, which brief did not write)"
        ),
        "{stderr}"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("mine/notes.txt")).unwrap(),
        "keep me"
    );

    let (output, stderr) =
        run(brief(dir.path()).args(["build", "note.yaml", "--per-participant", "-o", "x.pdf"]));
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--merged -o FILE"), "{stderr}");
}
