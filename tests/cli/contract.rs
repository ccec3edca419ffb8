//! The template contract: templates of one's own import the page library `@brief/page:0.1.0`,
//! declare the contract version they are written for, and are told when it does not match.

use crate::util::{brief, pdf_text, run, workspace};

/// A brief for the `mine` template below.
const BRIEF: &str = "template: mine\ntitle: Talking points\norganization: Org\n\
                     event:\n  name: Roundtable\n  date: 2025-12-08\n  city: Vancouver\n";

/// A manifest for `mine`; `contract` is the manifest's `contract:` line, if any.
fn manifest(contract: &str) -> String {
    format!(
        "name: mine\ndescription: A one-page memo\nentry: main.typ\n{contract}fields:\n\
         \x20 title: {{type: text, required: true}}\n\
         \x20 organization: {{type: text, required: true}}\n\
         \x20 lang: {{type: enum, choices: [en-CA, fr-CA], default: en-CA}}\n\
         \x20 event:\n    type: record\n    required: true\n    fields:\n\
         \x20     name: {{type: text, required: true}}\n\
         \x20     date: {{type: date, required: true}}\n\
         \x20     city: {{type: text}}\n"
    )
}

/// A template that draws its footer with the page library.
const MAIN: &str = "#import \"@brief/page:0.1.0\": *\n\
                    #let data = json(\"/.brief/data.json\")\n\
                    #let f = data.fields\n\
                    #set page(paper: paper, margin: margins(), header: header(f.lang, kicker: \"Memo\", title: f.event.name),\n\
                    \x20 footer: footer(f.lang, info: (f.event.name, f.event.city).join(\" · \")))\n\
                    #text(fill: accent, f.title) for #f.organization, #f.event.date.text\n\
                    #if data.build.contract != 2 { panic(\"build.contract\") }\n";

/// Builds `note.yaml` with the template `mine` made of `manifest` and `main`.
fn build(manifest: &str, main: &str) -> (std::process::Output, String, Option<Vec<u8>>) {
    let work = workspace(&[
        ("note.yaml", BRIEF.as_bytes()),
        ("templates/mine/template.yaml", manifest.as_bytes()),
        ("templates/mine/main.typ", main.as_bytes()),
    ]);
    let (output, stderr) = run(brief(work.path()).args(["build", "note.yaml", "-o", "out.pdf"]));
    let pdf = std::fs::read(work.path().join("out.pdf")).ok();
    (output, stderr, pdf)
}

/// A template of one's own that imports the page library builds, with the library's footer
/// ("Page N of M", the build stamp) and `build.contract` in its data.
#[test]
fn a_template_importing_the_page_library_builds() {
    let (output, stderr, pdf) = build(&manifest("contract: 2\n"), MAIN);
    assert!(output.status.success(), "{stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");
    let text = pdf_text(&pdf.expect("a PDF"));
    assert!(text.contains("Talking points"), "{text}");
    assert!(text.contains("Roundtable · Vancouver"), "{text}");
    assert!(text.contains("Page 1 of 1"), "{text}");
    assert!(text.contains("build "), "{text}");
}

/// A package other than the page library is refused at the import's line, saying which one
/// package brief serves.
#[test]
fn an_unknown_package_import_is_a_clear_error() {
    let main = "#import \"@preview/cetz:0.3.0\": *\nHello\n";
    let (output, stderr, pdf) = build(&manifest("contract: 2\n"), main);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("packages cannot be downloaded (@preview/cetz:0.3.0)"),
        "{stderr}"
    );
    assert!(stderr.contains("@brief/page:0.1.0"), "{stderr}");
    assert!(stderr.contains("templates/mine/main.typ:1:9"), "{stderr}");
    assert!(pdf.is_none());
    // Another version of the library is another package: also refused.
    let (output, stderr, _) = build(
        &manifest("contract: 2\n"),
        "#import \"@brief/page:0.2.0\": *\n",
    );
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("packages cannot be downloaded (@brief/page:0.2.0)"),
        "{stderr}"
    );
}

/// A manifest without `contract` is read as contract 1: it builds, with a warning at the
/// manifest that says what to add.
#[test]
fn a_template_without_contract_warns() {
    let (output, stderr, pdf) = build(&manifest(""), MAIN);
    assert!(output.status.success(), "{stderr}");
    assert!(pdf.is_some());
    assert!(
        stderr.contains(
            "warning: template.yaml declares no `contract`: it is read as template contract 1"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("templates/mine/template.yaml:1:1"),
        "{stderr}"
    );
    assert!(
        stderr.contains("add `contract: 2` to template.yaml"),
        "{stderr}"
    );
    // `brief check --template` says so too.
    let work = workspace(&[
        ("mine/template.yaml", manifest("").as_bytes()),
        ("mine/main.typ", MAIN.as_bytes()),
    ]);
    let (_, stderr) = run(brief(work.path()).args(["check", "--template", "mine/"]));
    assert!(
        stderr.contains("template.yaml declares no `contract`"),
        "{stderr}"
    );
}

/// A template written for contract 1 (before markings, house rules and the one-line header)
/// still builds, with a warning at its `contract:` line saying what contract 2 changed.
#[test]
fn a_template_for_contract_1_builds_and_is_told_what_changed() {
    let main = MAIN.replace("build.contract != 2", "build.contract < 1");
    let (output, stderr, pdf) = build(&manifest("contract: 1\n"), &main);
    assert!(output.status.success(), "{stderr}");
    let text = pdf_text(&pdf.expect("a PDF"));
    assert!(text.contains("Page 1 of 1"), "{text}");
    let (warning, wrote) = stderr.split_once("\nwrote ").expect("a summary line");
    assert!(wrote.starts_with("out.pdf (1 page, "), "{wrote}");
    assert_eq!(
        warning,
        "\
warning: the template is written for template contract 1; this brief serves contract 2
  ┌─ templates/mine/template.yaml:4:11
  │
4 │ contract: 1
  │           ^
  │
  = changed since:
    contract 2: security markings and house rules: data.build.marking (level, text, caveat, sensitive); the page library's marking, marking-lines, marking-mark and one-line, its header on one line (a long title cut with an ellipsis); the manifest keys rules, pdf-standard and part; the blank-page template also ends odd copies in merged print files, its marking in its header
  = hint: check the template against these changes, then write `contract: 2`
"
    );
}

/// A template written for a contract newer than this brief's is refused at its manifest line,
/// with the versions this brief knows.
#[test]
fn a_template_for_a_newer_contract_is_an_error() {
    let (output, stderr, pdf) = build(&manifest("contract: 99\n"), MAIN);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(pdf.is_none());
    assert!(
        stderr.contains("error: the template is written for template contract 99, but this brief"),
        "{stderr}"
    );
    assert!(stderr.contains("serves contract 2"), "{stderr}");
    assert!(
        stderr.contains("templates/mine/template.yaml:4:11"),
        "{stderr}"
    );
    assert!(
        stderr.contains("contract 1: first versioned contract"),
        "{stderr}"
    );
    let (output, stderr, _) = build(&manifest("contract: 0\n"), MAIN);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("there is no template contract 0"),
        "{stderr}"
    );
    assert!(stderr.contains("write `contract: 2`"), "{stderr}");
}

/// The page library is not a template: `brief templates` does not list it, and a brief cannot
/// name it.
#[test]
fn the_page_library_is_not_a_template() {
    let work = workspace(&[("note.yaml", b"template: \"@page\"\ntitle: T\n")]);
    let (output, stderr) = run(brief(work.path()).arg("templates"));
    let listing = String::from_utf8(output.stdout).unwrap();
    assert!(!listing.contains("@page"), "{listing}{stderr}");
    let (output, stderr) = run(brief(work.path()).args(["build", "note.yaml"]));
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("there is no template named `@page`"),
        "{stderr}"
    );
}
