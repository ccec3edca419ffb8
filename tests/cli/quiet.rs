//! The quieter faults of issue #18, each run as a user would: SOURCE_DATE_EPOCH out of range,
//! direction-override characters, participants' names in capitals, images damaged past their
//! header on every path. Dates before the year 1000 and the pinned reports of the others are
//! in tests/fixtures/errors/.

use std::fs;

use crate::hostile::{bounded, example_with};
use crate::util::{brief, example, info, run, workspace};

const PREVIOUS: &[u8] = b"%PDF-1.7 previous good build\n";

/// SOURCE_DATE_EPOCH that is not a whole number of seconds from 1970 to 9999 stops the build,
/// naming the variable, instead of dropping the creation date or dating the PDF 1969.
#[test]
fn source_date_epoch_out_of_range_is_an_error() {
    let text = fs::read(example()).unwrap();
    let dir = workspace(&[("brief.yaml", &text)]);
    let range = "error: SOURCE_DATE_EPOCH is `{}`, out of range (a document's date is from 1970-01-01 to 9999-12-31)\n  = hint: set it to seconds since 1970-01-01 UTC, from 0 to 253402300799, or unset it\n";
    let number = "error: SOURCE_DATE_EPOCH is `{}`, not a number of seconds\n  = hint: set it to seconds since 1970-01-01 UTC, or unset it\n";
    let mut failures = Vec::new();
    for (value, pattern) in [
        ("-1", range),
        ("253402300800", range),
        ("99999999999999", range),
        ("-99999999999", range),
        ("1.5", number),
        ("soon", number),
        ("", number),
    ] {
        let previous = dir.path().join("brief.pdf");
        fs::write(&previous, PREVIOUS).unwrap();
        let (code, stderr) = bounded(
            brief(dir.path())
                .args(["build", "brief.yaml"])
                .env("SOURCE_DATE_EPOCH", value),
            20,
        );
        let expected = pattern.replace("{}", value);
        if code != Some(1) || stderr != expected || fs::read(&previous).unwrap() != PREVIOUS {
            failures.push(format!(
                "SOURCE_DATE_EPOCH={value}: exit {code:?}\n--- expected\n{expected}--- actual\n{stderr}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Both ends of the range date the PDF.
    for (value, date) in [
        ("0", "D:19700101000000Z"),
        ("253402300799", "D:99991231235959Z"),
    ] {
        let (output, stderr) = run(brief(dir.path())
            .args(["build", "brief.yaml", "-o", "dated.pdf"])
            .env("SOURCE_DATE_EPOCH", value));
        assert!(output.status.success(), "{value}: {stderr}");
        let pdf = fs::read(dir.path().join("dated.pdf")).unwrap();
        assert_eq!(
            info(&pdf, b"CreationDate").as_deref(),
            Some(date),
            "SOURCE_DATE_EPOCH={value}"
        );
    }
}

/// A direction override is refused at the character itself, wherever the text is given (a
/// file or `--set`, as written or as an escape), and the report shows it as U+FFFD so that it
/// cannot reorder the report itself; Arabic and Hebrew without one pass.
#[test]
fn direction_overrides_are_refused_at_their_place() {
    let plain = example_with("");
    let dir = workspace(&[("brief.yaml", &plain)]);
    let (output, stderr) = run(brief(dir.path()).args([
        "check",
        "brief.yaml",
        "--set",
        "title=Trade \u{2067}שלום\u{2069} and مرحبا",
    ]));
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(
        stderr,
        "\
error: the text holds the direction control character U+2067 (right-to-left isolate)
  ┌─ --set:1:13
  │
1 │ title=Trade \u{fffd}שלום\u{fffd} and مرحبا
  │             ^ title
  │
  = hint: it reorders the letters after it without showing itself, so the text could read otherwise than it was written; delete it (Arabic and Hebrew need no such character: their letters set their direction)

error: 1 of 1 brief has problems
"
    );
    // The same words without the isolates check clean: no error, no warning.
    let (output, stderr) =
        run(brief(dir.path()).args(["check", "brief.yaml", "--set", "title=Trade שלום and مرحبا"]));
    assert!(output.status.success(), "{stderr}");
    assert_eq!(stderr, "checked 1 brief: no problems\n");
}

/// Family names in capitals (`KIM Jong-un`, `LEE Jae-myung`) are names, not acronyms: in the
/// participant list and wherever the text names them. Other capitals still are acronyms.
#[test]
fn participant_names_are_not_acronyms() {
    let text = String::from_utf8(example_with(""))
        .unwrap()
        .replacen(
            "  - name: Jordan O'Neil",
            "  - name: KIM Jong-un\n    title: Chairman\n  - name: LEE Jae-myung\n  - name: Jordan O'Neil",
            1,
        )
        .replacen(
            "  - body: |\n      In recent years,",
            "  - body: |\n      KIM Jong-un met LEE; LEE spoke, and Ms. PARK of the KIDA.\n      In recent years,",
            1,
        );
    let dir = workspace(&[("brief.yaml", text.as_bytes())]);
    let (output, stdout_err) = run(brief(dir.path()).args(["check", "brief.yaml"]));
    assert!(output.status.success(), "{stdout_err}");
    let warned: Vec<&str> = stdout_err
        .lines()
        .filter_map(|l| l.strip_prefix("warning: the acronym `"))
        .filter_map(|l| l.split('`').next())
        .collect();
    assert_eq!(warned, ["PARK", "KIDA"], "{stdout_err}");
}

/// An image whose header is right but whose data is damaged is reported at the brief's line
/// that names it on every path: a PNG cut short or garbled, with `--grayscale` too, and an
/// SVG typst cannot draw (its own line as a note). Never at a line of the template.
#[test]
fn damaged_images_are_reported_at_the_briefs_line() {
    let png = fs::read(crate::util::root().join("tests/fixtures/errors/image-damaged/damaged.png"))
        .unwrap();
    let svg = b"<svg xmlns='http://www.w3.org/2000/svg' width='0' height='10'></svg>";
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("damaged.png", png),
        ("flat.svg", svg.to_vec()),
        (
            "png.yaml",
            example_with("logo:\n  file: damaged.png\n  alt: The foundation's emblem\n"),
        ),
        (
            "svg.yaml",
            example_with("logo:\n  file: flat.svg\n  alt: The foundation's emblem\n"),
        ),
    ];
    let borrowed: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    let dir = workspace(&borrowed);
    let png_report = "\
error: the image `damaged.png` is damaged (Format error decoding Png: Corrupt deflate stream. InvalidUncompressedBlockLength)
   ┌─ png.yaml:13:9
   │
13 │   file: damaged.png
   │         ^^^^^^^^^^^ logo.file
   │
   = expected: a PNG, JPEG, GIF, SVG or WebP file in the brief's folder, named relative to it

error: nothing was written
";
    let svg_report = format!(
        "\
error: the image `flat.svg` is not a readable SVG file (width, height, or viewbox is invalid)
   ┌─ svg.yaml:13:9
   │
13 │   file: flat.svg
   │         ^^^^^^^^ logo.file
   │
   = in {}:1:1
   = expected: a PNG, JPEG, GIF, SVG or WebP file in the brief's folder, named relative to it

error: nothing was written
",
        fs::canonicalize(dir.path().join("flat.svg"))
            .unwrap()
            .display()
    );
    let mut failures = Vec::new();
    for (yaml, report, extra) in [
        ("png.yaml", png_report.to_string(), None),
        ("png.yaml", png_report.to_string(), Some("--grayscale")),
        ("svg.yaml", svg_report.clone(), None),
    ] {
        let previous = dir.path().join("brief.pdf");
        fs::write(&previous, PREVIOUS).unwrap();
        let mut command = brief(dir.path());
        command.args(["build", yaml, "-o", "brief.pdf"]);
        command.args(extra);
        let (code, stderr) = bounded(&mut command, 20);
        if code != Some(1) || stderr != report || fs::read(&previous).unwrap() != PREVIOUS {
            failures.push(format!(
                "{yaml} {extra:?}: exit {code:?}\n--- expected\n{report}--- actual\n{stderr}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
