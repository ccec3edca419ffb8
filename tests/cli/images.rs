//! Images a brief names: found beside the brief, placed with their alt text, and never read
//! from outside the brief's folder.

use std::fs;

use crate::util::{brief, example, run, workspace};

const LOGO: &[u8] = br##"<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><rect width="120" height="40" fill="#0d4a6b"/></svg>"##;

fn note_with_logo(file: &str) -> Vec<u8> {
    let text = fs::read_to_string(example()).unwrap();
    text.replacen(
        "organization: Asia Pacific Foundation of Canada\n",
        &format!("organization: Asia Pacific Foundation of Canada\nlogo:\n  file: {file}\n  alt: Asia Pacific Foundation of Canada\n"),
        1,
    )
    .into_bytes()
}

/// A logo beside the brief (here in a subfolder) is placed, and the build is clean.
#[test]
fn logo_is_placed() {
    let dir = workspace(&[
        ("note.yaml", &note_with_logo("art/logo.svg")),
        ("art/logo.svg", LOGO),
    ]);
    let (output, stderr) = run(brief(dir.path()).args(["build", "note.yaml"]));
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.starts_with("wrote note.pdf"), "{stderr}");
    let (output, _) = run(brief(dir.path()).args(["show", "note.yaml", "logo"]));
    let shown = String::from_utf8_lossy(&output.stdout);
    assert!(
        shown.contains("logo.file: /.brief/images/0.svg") || shown.contains("logo.file:"),
        "{shown}"
    );
}

/// A missing image is an error at its line, naming the field; the previous PDF stays.
#[test]
fn missing_image_is_an_error_at_its_line() {
    let dir = workspace(&[
        ("note.yaml", &note_with_logo("logo.png")),
        ("note.pdf", b"%PDF-previous"),
    ]);
    let (output, stderr) = run(brief(dir.path()).args(["build", "note.yaml"]));
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr.starts_with("error: the image `logo.png` does not exist (looked for logo.png)\n   ┌─ note.yaml:13:9\n"),
        "{stderr}"
    );
    assert!(stderr.contains("^^^^^^^^ logo.file"), "{stderr}");
    assert_eq!(
        fs::read(dir.path().join("note.pdf")).unwrap(),
        b"%PDF-previous"
    );
}

/// Paths that leave the brief's folder are refused: `..`, absolute paths, and links that
/// lead outside.
#[test]
fn images_cannot_escape_the_folder() {
    let dir = workspace(&[("outside.svg", LOGO), ("in/logo.svg", LOGO)]);
    std::os::unix::fs::symlink("/etc/passwd", dir.path().join("in/link.png")).unwrap();
    std::os::unix::fs::symlink(
        dir.path().join("outside.svg"),
        dir.path().join("in/sneaky.svg"),
    )
    .unwrap();
    let cases = [
        (
            "../outside.svg",
            "error: the image `../outside.svg` is outside the brief's folder",
        ),
        (
            "/etc/passwd",
            "error: `/etc/passwd` is an absolute path; name images relative to the brief, inside its folder",
        ),
        (
            "link.png",
            "error: the image `link.png` is outside the brief's folder (it leads to /etc/passwd)",
        ),
        (
            "sneaky.svg",
            "error: the image `sneaky.svg` is outside the brief's folder",
        ),
        ("logo.txt", "error: the image `logo.txt` does not exist"),
    ];
    for (file, expected) in cases {
        fs::write(dir.path().join("in/note.yaml"), note_with_logo(file)).unwrap();
        let (output, stderr) = run(brief(dir.path()).args(["build", "in/note.yaml"]));
        assert_eq!(output.status.code(), Some(1), "{file}: {stderr}");
        assert!(stderr.starts_with(expected), "{file}: {stderr}");
        assert!(!stderr.contains("root:"), "nothing of /etc/passwd is shown");
    }
}

/// An SVG that links to files outside gets nothing from them: the build fails with typst's
/// refusal instead of reading them.
#[test]
fn svg_links_to_outside_files_are_refused() {
    let evil = br#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="40"><image xlink:href="/etc/passwd" width="40" height="40"/></svg>"#;
    let dir = workspace(&[
        ("note.yaml", &note_with_logo("evil.svg")),
        ("evil.svg", evil),
    ]);
    let (output, stderr) = run(brief(dir.path()).args(["build", "note.yaml"]));
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("failed to load linked image /etc/passwd in SVG"),
        "{stderr}"
    );
    assert!(
        stderr.contains("evil.svg:1:1"),
        "the report names the image file: {stderr}"
    );
}
