//! A typst error inside a template points at the template's file and line, not at typst's.

use std::borrow::Cow;

use brief::check::load;
use brief::diag::{self, Files};
use brief::error::Failure;
use brief::typeset::fonts::Fonts;
use brief::typeset::prepare;
use brief::typeset::world::{Compiled, Engine};

use crate::util::example;

fn typeset_with_main(main: &str) -> String {
    let mut files = Files::default();
    let Ok(mut brief) = load::load(&example(), &Default::default(), &mut files) else {
        panic!("the example checks")
    };
    brief
        .template
        .files
        .insert("main.typ".into(), Cow::Owned(main.as_bytes().to_vec()));
    let engine = Engine::new(Fonts::embedded());
    let compiled = Compiled::new(&brief.template);
    match prepare::typeset(&engine, &compiled, &brief, &Default::default(), &mut files) {
        Ok(_) => panic!("the broken template typeset"),
        Err(Failure::Problems(problems)) => diag::render(&files, &problems),
        Err(Failure::App(error)) => panic!("{error}"),
    }
}

/// A template reading a field the data does not have is reported at its line in main.typ.
#[test]
fn error_points_into_the_template() {
    let report =
        typeset_with_main("#let data = json(\"/.brief/data.json\")\n\n#data.fields.nope\n");
    assert!(
        report.starts_with("error: dictionary does not contain key \"nope\""),
        "{report}"
    );
    assert!(
        report.contains("┌─ templates/background-note/main.typ:3:14"),
        "{report}"
    );
    assert!(report.contains("3 │ #data.fields.nope"), "{report}");
}

/// Package imports are refused with a message that says what to do instead.
#[test]
fn packages_must_be_vendored() {
    let report = typeset_with_main("#import \"@preview/example:0.1.0\": *\n");
    assert!(
        report.contains("packages cannot be downloaded (@preview/example:0.1.0)"),
        "{report}"
    );
    assert!(
        report.contains("templates/background-note/main.typ:1:9"),
        "{report}"
    );
}

/// A template cannot read files outside its folder.
#[test]
fn no_host_files() {
    let report = typeset_with_main("#read(\"/etc/passwd\")\n#read(\"../../../../etc/passwd\")\n");
    assert!(
        report.contains("the template has no file `/etc/passwd`"),
        "{report}"
    );
    assert!(!report.contains("root:"), "{report}");
}
