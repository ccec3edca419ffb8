//! Layered briefs: house style, brief and `--set`, merged with provenance; `brief show`,
//! `brief check` and user templates.

use std::fs;

use crate::util::{brief, pdf_text as text, root, run, workspace};

fn layers_workspace() -> tempfile::TempDir {
    let fixtures = root().join("tests/fixtures/layers");
    let house = fs::read(fixtures.join("house.yaml")).unwrap();
    let note = fs::read(fixtures.join("brief.yaml")).unwrap();
    workspace(&[
        ("style/house.yaml", &house),
        ("note.yaml", &fix_extends(&note)),
    ])
}

/// The fixture's brief names `house.yaml` beside it; here the house style is in style/.
fn fix_extends(note: &[u8]) -> Vec<u8> {
    String::from_utf8_lossy(note)
        .replace("extends: house.yaml", "extends: style/house.yaml")
        .into_bytes()
}

/// House style, brief and --set build one PDF: the house sets what the brief leaves out, the
/// brief overrides the house, --set overrides both, and maps (acronyms) merge.
#[test]
fn house_style_brief_and_set_build_together() {
    let dir = layers_workspace();
    let (output, stderr) =
        run(brief(dir.path()).args(["build", "note.yaml", "--set", "event.city=Ottawa, Canada"]));
    assert!(output.status.success(), "{stderr}");
    let pdf = fs::read(dir.path().join("note.pdf")).unwrap();
    let text = text(&pdf);
    assert!(text.contains("Asia Pacific Foundation of Canada · Strategic Roundtable · December 8, 2025 · Ottawa, Canada"), "{text}");
    assert!(
        text.replace(' ', "").contains("BACKGROUNDNOTE"),
        "the brief's kicker wins over the house's"
    );
    assert!(!text.contains("Policy Brief"));
    for acronym in [
        "Asia Pacific Foundation",
        "Republic of Korea",
        "Canadian Commercial Corporation",
    ] {
        assert!(
            text.contains(acronym),
            "acronyms from both layers: {acronym}"
        );
    }
}

/// `brief show` names the file and line that set each value, defaults included.
#[test]
fn show_attributes_every_value() {
    let manifest =
        fs::read_to_string(root().join("templates/background-note/template.yaml")).unwrap();
    let milestones_default = manifest
        .lines()
        .position(|l| l.trim() == "default: 1")
        .unwrap()
        + 1;
    let dir = layers_workspace();
    let (output, stderr) =
        run(brief(dir.path()).args(["show", "note.yaml", "--set", "event.city=Ottawa, Canada"]));
    assert!(output.status.success(), "{stderr}");
    let shown = String::from_utf8_lossy(&output.stdout);
    let line_of = |path: &str| -> String {
        let line = shown
            .lines()
            .find(|l| l.starts_with(&format!("{path}: ")))
            .unwrap_or_else(|| panic!("{path} in:\n{shown}"));
        line.split("  # ").nth(1).unwrap().to_string()
    };
    assert_eq!(line_of("organization"), "style/house.yaml:2");
    assert_eq!(line_of("kicker"), "note.yaml:3");
    assert_eq!(line_of("event.name"), "style/house.yaml:6");
    assert_eq!(line_of("event.date"), "note.yaml:5");
    assert_eq!(line_of("event.city"), "--set:1");
    assert_eq!(line_of("acronyms.APF"), "style/house.yaml:9");
    assert_eq!(line_of("acronyms.CCC"), "note.yaml:11");
    assert_eq!(
        line_of("milestones-after"),
        format!("templates/background-note/template.yaml:{milestones_default} (default)")
    );
    assert!(
        shown.starts_with("template: background-note (built-in)"),
        "{shown}"
    );
}

/// `brief show BRIEF PATH` prints only that field, in full.
#[test]
fn show_one_path() {
    let dir = layers_workspace();
    let (output, _) = run(brief(dir.path()).args(["show", "note.yaml", "event"]));
    let shown = String::from_utf8_lossy(&output.stdout);
    assert_eq!(shown.lines().count(), 3, "{shown}");
    let (output, stderr) = run(brief(dir.path()).args(["show", "note.yaml", "nope"]));
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr.starts_with("error: the brief has no field `nope`"),
        "{stderr}"
    );
}

/// An explicit null removes a value set lower down: `kicker: null` takes out the layer's kicker,
/// and the template prints its own, in the brief's language.
#[test]
fn null_removes_a_default() {
    let dir = layers_workspace();
    let (output, stderr) =
        run(brief(dir.path()).args(["build", "note.yaml", "--set", "kicker=null"]));
    assert!(output.status.success(), "{stderr}");
    let text = text(&fs::read(dir.path().join("note.pdf")).unwrap());
    assert!(text.replace(' ', "").contains("BACKGROUNDNOTE"), "{text}");
    assert!(!text.contains("Policy Brief"), "{text}");
    assert!(!text.to_uppercase().contains("POLICY BRIEF"), "{text}");
}

/// Bad `--set` arguments are reported together, each pointing into its argument.
#[test]
fn bad_set_expressions() {
    let dir = layers_workspace();
    let (output, stderr) = run(brief(dir.path()).args([
        "build",
        "note.yaml",
        "--set",
        "title",
        "--set",
        "sections[4].heading=x",
        "--set",
        "event.date=2025-13-01",
    ]));
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr,
        "error: `--set` takes PATH=VALUE, but this has no `=`
  ┌─ --set:1:1
  │
1 │ title
  │ ^^^^^
  │
  = hint: for example: --set event.date=2025-12-09

error: `sections` has 1 item, so there is no [4]
  ┌─ --set:1:9
  │
1 │ sections[4].heading=x
  │         ^^^
  │
  = hint: `--set` can change list items but not add them; set the whole list instead

error: 2 problems found; nothing was written
"
    );
    let (output, stderr) =
        run(brief(dir.path()).args(["build", "note.yaml", "--set", "event.date=2025-13-01"]));
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr.contains(
            "error: `2025-13-01` is not a date (there is no month 13)\n  ┌─ --set:1:12\n"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("^^^^^^^^^^ event.date"), "{stderr}");
}

/// `brief check` exits 0 for clean briefs and 1 when any has a problem; JSON says where.
#[test]
fn check_exit_codes_and_json() {
    let dir = layers_workspace();
    fs::write(dir.path().join("bad.yaml"), "titel: x\n").unwrap();
    let (output, stderr) = run(brief(dir.path()).args(["check", "note.yaml"]));
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert_eq!(stderr, "checked 1 brief: no problems\n");
    let (output, _) =
        run(brief(dir.path()).args(["check", "note.yaml", "bad.yaml", "--format", "json"]));
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["ok"], false);
    assert_eq!(report["briefs"][0]["ok"], true);
    let problems = report["briefs"][1]["problems"].as_array().unwrap();
    assert_eq!(problems[0]["message"], "unknown field `titel`");
    assert_eq!(problems[0]["location"]["line"], 1);
    assert_eq!(problems[0]["field"], "titel");
    assert!(
        problems
            .iter()
            .any(|p| p["message"] == "the required field `sections` is missing")
    );
    assert!(
        !dir.path().join("note.pdf").exists(),
        "check writes nothing"
    );
}

/// A template folder beside the brief is used without recompiling, and `check --template`
/// finds a field the template reads but does not declare.
#[test]
fn user_templates_and_template_check() {
    let manifest = "name: memo\ndescription: A one-line memo\nfields:\n  title:\n    type: text\n    required: true\n  unused:\n    type: text\n";
    let good =
        "#let data = json(\"/.brief/data.json\")\n#set page(paper: \"a5\")\n= #data.fields.title\n";
    let dir = workspace(&[
        ("templates/memo/template.yaml", manifest.as_bytes()),
        ("templates/memo/main.typ", good.as_bytes()),
        (
            "memo.yaml",
            b"template: memo\ntitle: 'A memo about #things'\n",
        ),
    ]);
    let (output, stderr) = run(brief(dir.path()).args(["build", "memo.yaml"]));
    assert!(output.status.success(), "{stderr}");
    let pdf = fs::read(dir.path().join("memo.pdf")).unwrap();
    assert!(text(&pdf).contains("A memo about #things"));

    let (output, stderr) = run(brief(dir.path()).args(["check", "--template", "templates/memo"]));
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("warning: the field `unused` is declared but the template never reads it"),
        "{stderr}"
    );

    let bad = "#let data = json(\"/.brief/data.json\")\n#let f = data.fields\n= #f.titel\n";
    fs::write(dir.path().join("templates/memo/main.typ"), bad).unwrap();
    let (output, stderr) = run(brief(dir.path()).args(["check", "--template", "templates/memo"]));
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains("error: the template reads the field `titel`, which template.yaml does not declare\n  ┌─ templates/memo/main.typ:3:4\n"), "{stderr}");
    assert!(stderr.contains("did you mean `title`?"), "{stderr}");
}
