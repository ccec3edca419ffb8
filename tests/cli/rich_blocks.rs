//! Structured blocks of a section (tables, text boxes, pull quotes, figures): every kind
//! builds, typst syntax inside each prints as typed, tables and figures are numbered with
//! localized labels, and bad rows and figures are reported at their place.

use std::fs;

use crate::util::{brief, flatten, pdf_pages, pdf_text, root, run, workspace};

const CHART: &[u8] = br##"<svg xmlns="http://www.w3.org/2000/svg" width="200" height="80"><rect width="200" height="80" fill="#dde6ec"/><rect x="20" y="30" width="40" height="50" fill="#0d4a6b"/><rect x="80" y="10" width="40" height="70" fill="#0d4a6b"/></svg>"##;

/// The run of typst syntax each place holds after its own mark (`Cap #c`, `Cell #t`, ...):
/// `$`, `@`, a `<label>`, brackets, an escaped `\*` and a backslash.
fn nasty(mark: &str) -> String {
    format!(r"{mark} $x$ @at <tag> [k] z] \* back\slash")
}

/// What [`nasty`] prints: the same, with the escape `\*` read as `*`.
fn printed(mark: &str) -> String {
    format!(r"{mark} $x$ @at <tag> [k] z] * back\slash")
}

/// Single-quoted YAML: backslashes stay as written.
fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// The marks of every place that holds text inside a block.
const MARKS: &[(&str, &str)] = &[
    ("table caption", "Cap #c"),
    ("column label", "Col #h"),
    ("table cell", "Cell #t"),
    ("table source", "Src #s"),
    ("box title", "Box #b"),
    ("box body", "Body #y"),
    ("quote", "Quote #q"),
    ("attribution", "Attr #a"),
    ("figure caption", "Fig #f"),
    ("figure source", "Fsrc #g"),
    ("text block", "More #m"),
    ("pipe table cell", "Pipe #p"),
];

fn every_block() -> String {
    let q = |mark: &str| quoted(&nasty(mark));
    format!(
        r##"title: Blocks test
organization: Test Org
event:
  name: Roundtable
  date: 2025-12-08
  city: Vancouver
sections:
  - heading: Tables
    body: The first table.
    blocks:
      - table:
          caption: {cap}
          columns:
            - label: {col}
            - label: Value
              align: right
          rows:
            - [{cell}, "1"]
            - ["# 1", "- x"]
            - ["1. y", "> q"]
          source: {src}
      - text: |
          {more}

          | Head | Other |
          |------|------:|
          | {pipe} | 2 |
      - table:
          caption: The second table
          columns: [{{label: A, align: center}}, {{label: B}}]
          rows: [[a, b]]
  - heading: Boxes, quotes and figures
    body: Text before the box.
    blocks:
      - box:
          title: {boxt}
          body: |
            {body}

            - a bullet in the box
      - quote:
          text: {quote}
          attribution: {attr}
      - figure:
          file: chart.svg
          alt: A bar chart of two bars
          caption: {fig}
          source: {fsrc}
          width: half
"##,
        cap = q("Cap #c"),
        col = q("Col #h"),
        cell = q("Cell #t"),
        src = q("Src #s"),
        more = nasty("More #m"),
        pipe = nasty("Pipe #p"),
        boxt = q("Box #b"),
        body = nasty("Body #y"),
        quote = q("Quote #q"),
        attr = q("Attr #a"),
        fig = q("Fig #f"),
        fsrc = q("Fsrc #g"),
    )
}

/// Builds `yaml` (with the chart beside it) and returns the output, stderr and the PDF.
fn build(yaml: &str, args: &[&str]) -> (std::process::Output, String, Option<Vec<u8>>) {
    let dir = workspace(&[("blocks.yaml", yaml.as_bytes()), ("chart.svg", CHART)]);
    let mut command = brief(dir.path());
    command.args(["build", "blocks.yaml"]).args(args);
    let (output, stderr) = run(&mut command);
    let pdf = fs::read(dir.path().join("blocks.pdf")).ok();
    (output, stderr, pdf)
}

/// A brief with every kind of block builds without warnings, and typst syntax, an escaped `\*`
/// and a backslash print literally in every place that holds text; block syntax at the start
/// of a cell (`# 1`, `- x`, `1. y`, `> q`) prints as written.
#[test]
fn every_block_prints_typst_syntax_literally() {
    let (output, stderr, pdf) = build(&every_block(), &[]);
    assert!(output.status.success(), "{stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");
    let text = pdf_text(&pdf.unwrap());
    for (place, mark) in MARKS {
        let literal = printed(mark);
        assert!(
            text.contains(&literal),
            "{place}: `{literal}` not in:\n{text}"
        );
    }
    for cell in ["# 1", "- x", "1. y", "> q"] {
        assert!(text.contains(cell), "the cell `{cell}` is not in:\n{text}");
    }
    assert!(text.contains("a bullet in the box"), "{text}");
}

/// Tables and figures are numbered separately, in order, with the label before the caption;
/// a source line starts with "Source:".
#[test]
fn tables_and_figures_are_numbered() {
    let (output, stderr, pdf) = build(&every_block(), &[]);
    assert!(output.status.success(), "{stderr}");
    let text = pdf_text(&pdf.unwrap());
    let at = |needle: &str| {
        text.find(needle)
            .unwrap_or_else(|| panic!("`{needle}` not in:\n{text}"))
    };
    assert!(at(&format!("Table 1. {}", printed("Cap #c"))) < at("Table 2. The second table"));
    assert!(at("Table 2. The second table") < at(&format!("Figure 1. {}", printed("Fig #f"))));
    assert!(
        text.contains(&format!("Source: {}", printed("Src #s"))),
        "{text}"
    );
    assert!(
        text.contains(&format!("Source: {}", printed("Fsrc #g"))),
        "{text}"
    );
    assert!(
        !text.contains("Table 3") && !text.contains("Figure 2"),
        "{text}"
    );
}

/// The labels a block prints come in the brief's language.
#[test]
fn block_labels_are_localized() {
    for (lang, wanted) in [
        ("en-US", ["Table 1.", "Table 2.", "Figure 1.", "Source:"]),
        (
            "fr-CA",
            ["Tableau 1.", "Tableau 2.", "Figure 1.", "Source :"],
        ),
        ("ko-KR", ["표 1.", "표 2.", "그림 1.", "출처:"]),
    ] {
        let (output, stderr, pdf) = build(&every_block(), &["--set", &format!("lang={lang}")]);
        assert!(output.status.success(), "{lang}: {stderr}");
        assert!(!stderr.contains("warning"), "{lang}: {stderr}");
        // Readers put a space where the font changes (Hangul, then Latin punctuation).
        let text: String = pdf_text(&pdf.unwrap())
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        for label in wanted {
            let label = label.replace(' ', "");
            assert!(text.contains(&label), "{lang}: `{label}` not in:\n{text}");
        }
    }
}

/// Tables, figures with their alternative text and boxes meet PDF/UA-1 and PDF/A-2b.
#[test]
fn blocks_meet_the_pdf_standards() {
    for standard in ["ua-1", "a-2b"] {
        let (output, stderr, _) = build(&every_block(), &["--pdf-standard", standard]);
        assert!(output.status.success(), "{standard}: {stderr}");
    }
}

/// A row with too few or too many cells is an error at the row's line with its path, reported
/// beside the brief's other problems; nothing is written.
#[test]
fn bad_rows_are_reported_at_their_place() {
    let yaml = every_block()
        .replace(r##"- ["# 1", "- x"]"##, r##"- ["# 1", "- x", extra]"##)
        .replace("rows: [[a, b]]", "rows: [[a]]")
        .replace("width: half", "width: quarter");
    let dir = workspace(&[("blocks.yaml", yaml.as_bytes()), ("chart.svg", CHART)]);
    let (output, _) = run(brief(dir.path()).args(["check", "blocks.yaml", "--format", "json"]));
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let problems = report["briefs"][0]["problems"].as_array().unwrap();
    let found: Vec<(String, String, u64)> = problems
        .iter()
        .map(|p| {
            (
                p["message"].as_str().unwrap().to_string(),
                p["field"].as_str().unwrap().to_string(),
                p["location"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let line_of = |needle: &str| yaml.lines().position(|l| l.contains(needle)).unwrap() as u64 + 1;
    assert_eq!(
        found,
        [
            (
                "this row has 3 cells, but `columns` has 2".to_string(),
                "sections[0].blocks[0].table.rows[1]".to_string(),
                line_of("extra]"),
            ),
            (
                "this row has 1 cell, but `columns` has 2".to_string(),
                "sections[0].blocks[2].table.rows[0]".to_string(),
                line_of("rows: [[a]]"),
            ),
            (
                "`quarter` is not one of the choices".to_string(),
                "sections[1].blocks[2].figure.width".to_string(),
                line_of("width: quarter"),
            ),
        ]
    );
    let (output, _) = run(brief(dir.path()).args(["build", "blocks.yaml"]));
    assert_eq!(output.status.code(), Some(1));
    assert!(!dir.path().join("blocks.pdf").exists());
}

/// A block item holds exactly one kind; a figure needs its alternative text.
#[test]
fn block_items_hold_one_kind_and_figures_need_alt() {
    let yaml = every_block()
        .replace(
            "      - quote:\n",
            "      - box: {title: Two kinds, body: In one item.}\n        quote:\n",
        )
        .replace("          alt: A bar chart of two bars\n", "");
    let dir = workspace(&[("blocks.yaml", yaml.as_bytes()), ("chart.svg", CHART)]);
    let (output, stderr) = run(brief(dir.path()).args(["check", "blocks.yaml"]));
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error: `quote` cannot stand beside `box` in one item"),
        "{stderr}"
    );
    assert!(stderr.contains("sections[1].blocks[1].quote"), "{stderr}");
    assert!(
        stderr.contains("error: the required field `alt` is missing"),
        "{stderr}"
    );
    assert!(
        stderr.contains("sections[1].blocks[2].figure.alt"),
        "{stderr}"
    );
}

/// The In Focus example: two pages, no warnings, its numbered table with the source line on
/// the first page, and the issues, acronyms and disclaimer on the second.
#[test]
fn in_focus_example_fits_two_pages() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("in-focus.pdf");
    let example = root().join("briefs/in-focus-canada-korea-defence-industry-2025.yaml");
    let (output, stderr) = run(brief(dir.path())
        .arg("build")
        .arg(&example)
        .arg("-o")
        .arg(&out));
    assert!(output.status.success(), "{stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");
    // Justified, hyphenated text: compared without spaces and hyphens.
    let pages: Vec<String> = pdf_pages(&fs::read(&out).unwrap())
        .iter()
        .map(|p| flatten(p).replace('\u{2011}', ""))
        .collect();
    assert_eq!(pages.len(), 2);
    let on = |page: usize, wanted: &str| {
        assert!(
            pages[page].contains(&flatten(wanted)),
            "`{wanted}` not on page {}:\n{}",
            page + 1,
            pages[page]
        );
    };
    on(
        0,
        "Table 1. Selected Milestones in Canada–ROK Security and Defence Relations",
    );
    on(0, "2015 The CKFTA enters into force (January 1). Trade");
    on(0, "Source: Asia Pacific Foundation of Canada, compiled");
    for wanted in [
        "Government-to-Government Contracting",
        "“Defence industry is the newest strand of the relationship",
        "Issues for the Roundtable",
        "ACRONYMS",
        "This In Focus was prepared",
    ] {
        on(1, wanted);
    }
}

/// The In Focus example is valid against the template's JSON Schema, which refuses a block item
/// with two kinds.
#[test]
fn schema_knows_blocks() {
    let (output, stderr) = run(brief(&root()).args(["schema", "background-note"]));
    assert!(output.status.success(), "{stderr}");
    let schema: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let validator = jsonschema::draft202012::new(&schema).expect("a valid schema");
    let example =
        fs::read_to_string(root().join("briefs/in-focus-canada-korea-defence-industry-2025.yaml"))
            .unwrap();
    let mut value: serde_json::Value = serde_yaml::from_str(&example).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&value)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    value["sections"][2]["blocks"][0]["quote"] = serde_json::json!({"text": "Two kinds."});
    assert!(
        !validator.is_valid(&value),
        "a box and a quote in one item pass the schema"
    );
}

/// A template's manifest that misuses `one-of` or `row-length` is refused with what is wrong.
#[test]
fn manifest_attributes_are_checked() {
    let manifest = "name: bad\ndescription: Bad\nfields:\n  item:\n    type: record\n    one-of: [a, c]\n    fields:\n      a: {type: text}\n      b: {type: text, required: true}\n  table:\n    type: record\n    fields:\n      columns: {type: text}\n      rows:\n        type: list\n        row-length: columns\n        items: {type: list, items: {type: text}}\n";
    let dir = workspace(&[
        ("templates/bad/template.yaml", manifest.as_bytes()),
        (
            "templates/bad/main.typ",
            b"#let f = json(\"/.brief/data.json\").fields\n#f.item\n#f.table\n",
        ),
    ]);
    let (output, stderr) = run(brief(dir.path()).args(["check", "--template", "templates/bad"]));
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("the declaration of `item` names `c` in `one-of`, but has no such field"),
        "{stderr}"
    );
    assert!(
        stderr.contains("the declaration of `table.rows` has `row-length: columns`, which needs `table.rows` to be a list of lists and `columns` a list beside it"),
        "{stderr}"
    );
}
