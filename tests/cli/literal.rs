//! Text from a brief reaches the page as data: typst syntax in it prints as typed.

use crate::util::{brief, pdf_pages, run, workspace};

const NASTY: &str = r##"#read("/etc/passwd") $x^2$ @fig <label> [link] {braces} 50% R&D \ back\slash *stars* _under_ `tick` = heading // comment"##;

/// `#`, `$`, `@`, `<label>`, brackets, braces, `%`, `&` and backslashes print literally in every field kind.
#[test]
fn typst_syntax_prints_literally() {
    let quoted = format!("'{}'", NASTY.replace('\'', "''"));
    let yaml = format!(
        "title: {quoted}\norganization: {quoted}\nevent:\n  name: {quoted}\n  date: 2025-12-08\n  city: {quoted}\n\
         sections:\n  - heading: {quoted}\n    body: {quoted}\nmilestones:\n  - date: 2024-06\n    text: {quoted}\n\
         questions:\n  - {quoted}\nacronyms:\n  '#R&D$': {quoted}\n"
    );
    let dir = workspace(&[("nasty.yaml", yaml.as_bytes())]);
    let (output, stderr) = run(brief(dir.path()).args(["build", "nasty.yaml"]));
    assert!(output.status.success(), "{stderr}");
    let pdf = std::fs::read(dir.path().join("nasty.pdf")).unwrap();
    let text = pdf_pages(&pdf).join(" ");
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    // Title (twice: title block and header), organization, event, city, heading, body,
    // milestone, question and acronym expansion: each a literal copy (its quotes typographic).
    let printed = NASTY.replace("(\"", "(“").replace("\")", "”)");
    let copies = text.matches(&printed).count();
    assert!(copies >= 8, "found {copies} literal copies in:\n{text}");
    assert!(text.contains("#R&D$"), "the acronym key prints literally");
    assert!(!text.contains("root:"), "nothing was read from /etc/passwd");
}
