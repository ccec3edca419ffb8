//! Hostile input (issue #18): files that are not files, that never end or lie about their
//! size, images that declare more pixels than memory holds, outputs that would replace an
//! input. Each case exits 1 within seconds and a bounded address space, prints its pinned
//! report, and leaves the previous PDF byte for byte.

use std::fs;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{brief, example, workspace};

const PREVIOUS: &[u8] = b"%PDF-1.7 previous good build\n";

/// Runs `command` with at most `seconds` of wall time and 2 GB of address space; returns the
/// exit code (`None` if it was killed) and standard error.
pub fn bounded(command: &mut Command, seconds: u64) -> (Option<i32>, String) {
    #[cfg(unix)]
    unsafe {
        use std::os::unix::process::CommandExt;
        command.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: 2 << 30,
                rlim_max: 2 << 30,
            };
            libc::setrlimit(libc::RLIMIT_AS, &limit);
            Ok(())
        });
    }
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the brief binary runs");
    let mut stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let started = Instant::now();
    let code = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status.code();
        }
        if started.elapsed() > Duration::from_secs(seconds) {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    (code, reader.join().unwrap())
}

/// The example brief with `extra` lines put right after its `organization` line.
pub fn example_with(extra: &str) -> Vec<u8> {
    let text = fs::read_to_string(example()).unwrap();
    text.replacen(
        "organization: Asia Pacific Foundation of Canada\n",
        &format!("organization: Asia Pacific Foundation of Canada\n{extra}"),
        1,
    )
    .into_bytes()
}

/// Runs `brief ARGS` in `dir` with a previous `brief.pdf` there; checks exit 1, the report
/// and that the previous PDF is unchanged. Returns a failure's description.
pub fn refused(dir: &Path, args: &[&str], expected: &str) -> Option<String> {
    let previous = dir.join("brief.pdf");
    fs::write(&previous, PREVIOUS).unwrap();
    let (code, stderr) = bounded(brief(dir).args(args), 20);
    let mut failure = Vec::new();
    if code != Some(1) {
        failure.push(format!("exit {code:?}, expected 1"));
    }
    if stderr != expected {
        failure.push(format!("--- expected\n{expected}--- actual\n{stderr}"));
    }
    if fs::read(&previous).unwrap() != PREVIOUS {
        failure.push("the previous PDF changed".into());
    }
    (!failure.is_empty()).then(|| format!("brief {}: {}", args.join(" "), failure.join("\n")))
}

#[cfg(unix)]
fn fifo(path: &Path) {
    let name = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o644) }, 0);
}

/// Named pipes and devices are refused without waiting on them, wherever a file is read or
/// written: the brief, a layer, `--changes-since`, `brief extract`, `-o`, a template folder,
/// a `--font-path` folder, an image.
#[cfg(unix)]
#[test]
fn files_that_are_not_files_are_refused_at_once() {
    let text = fs::read(example()).unwrap();
    let dir = workspace(&[
        ("b.yaml", &text),
        ("layered.yaml", b"extends: pipe.yaml\ntitle: x\n"),
        (
            "with-image.yaml",
            &example_with("logo:\n  file: pipe.png\n  alt: Logo\n"),
        ),
        ("mytemplate/template.yaml", b"name: mytemplate\n"),
        ("fonts/a.txt", b""),
    ]);
    let d = dir.path();
    fifo(&d.join("pipe.yaml"));
    fifo(&d.join("pipe.png"));
    fifo(&d.join("pipe.pdf"));
    fifo(&d.join("mytemplate/unused"));
    fifo(&d.join("fonts/font.ttf"));
    let cases: &[(&[&str], &str)] = &[
        (
            &["build", "pipe.yaml", "-o", "brief.pdf"],
            "error: cannot read pipe.yaml (it is a named pipe (FIFO), not a file)\n",
        ),
        (
            &["build", "/dev/zero", "-o", "brief.pdf"],
            "error: cannot read /dev/zero (it is a device, not a file)\n",
        ),
        (
            &["build", "layered.yaml", "-o", "brief.pdf"],
            "\
error: cannot read the layer pipe.yaml (it is a named pipe (FIFO), not a file)
  ┌─ layered.yaml:1:10
  │
1 │ extends: pipe.yaml
  │          ^^^^^^^^^ extends

error: nothing was written
",
        ),
        (
            &[
                "build",
                "b.yaml",
                "-o",
                "brief.pdf",
                "--changes-since",
                "/dev/zero",
            ],
            "error: cannot read /dev/zero (it is a device, not a file)\n",
        ),
        (
            &["extract", "/dev/zero"],
            "error: cannot read /dev/zero (it is a device, not a file)\n",
        ),
        (
            &["extract", "pipe.pdf"],
            "error: cannot read pipe.pdf (it is a named pipe (FIFO), not a file)\n",
        ),
        (
            &["build", "b.yaml", "-o", "pipe.pdf"],
            "error: cannot write pipe.pdf (it is a named pipe (FIFO), not a file)\n  = hint: to send the PDF to another program, use -o - and a shell pipe\n",
        ),
        (
            &["build", "b.yaml", "-o", "brief.pdf", "--font-path", "fonts"],
            "error: cannot read the font fonts/font.ttf (it is a named pipe (FIFO), not a file)\n",
        ),
        (
            &["build", "with-image.yaml", "-o", "brief.pdf"],
            "\
error: the image `pipe.png` is not a file
   ┌─ with-image.yaml:13:9
   │
13 │   file: pipe.png
   │         ^^^^^^^^ logo.file
   │
   = expected: a PNG, JPEG, GIF, SVG or WebP file in the brief's folder, named relative to it

error: nothing was written
",
        ),
    ];
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(args, expected)| refused(d, args, expected))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    // A template folder with a pipe in it: refused by name, not read.
    let (code, stderr) = bounded(
        brief(d).args(["check", "b.yaml", "--set", "template=./mytemplate"]),
        20,
    );
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("holds ") && stderr.contains("unused (a named pipe (FIFO), not a file)"),
        "{stderr}"
    );
}

/// A /proc file reports a size of 0 and is read anyway, within the limit while reading; the
/// output cannot go into /proc.
#[cfg(target_os = "linux")]
#[test]
fn proc_files_are_read_within_the_limit() {
    let text = fs::read(example()).unwrap();
    let dir = workspace(&[("b.yaml", &text)]);
    let (code, stderr) = bounded(brief(dir.path()).args(["check", "/proc/self/status"]), 20);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        !stderr.contains("empty") && stderr.contains("/proc/self/status:"),
        "the file's text was read and reported into: {stderr}"
    );
    let failure = refused(
        dir.path(),
        &["build", "b.yaml", "-o", "/proc/self/status"],
        "error: cannot write /proc/self/status (it is in /proc, the kernel's view of the system, not a folder for files)\n",
    );
    assert!(failure.is_none(), "{}", failure.unwrap_or_default());
}

/// A layer that is plain text or a list is an error at its `extends` line, not silently
/// dropped.
#[test]
fn a_layer_that_is_not_a_map_is_an_error_at_its_extends() {
    let text = fs::read_to_string(example()).unwrap();
    let dir = workspace(&[
        ("text.yaml", format!("extends: passwd\n{text}").as_bytes()),
        ("list.yaml", format!("extends: [list]\n{text}").as_bytes()),
        (
            "passwd",
            b"root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/:/sbin/nologin\n",
        ),
        ("list", b"- a\n- b\n"),
    ]);
    let failures: Vec<String> = [
        (
            "text.yaml",
            "\
error: the layer passwd is not a map of fields (it holds the text `root:x:0:0:root:/root:/bin/bash daemon:x...`)
  ┌─ text.yaml:1:10
  │
1 │ extends: passwd
  │          ^^^^^^ extends
  │
  = hint: a layer is written like a brief: `field: value` lines

error: nothing was written
",
        ),
        (
            "list.yaml",
            "\
error: the layer list is not a map of fields (it holds a list of 2 items)
  ┌─ list.yaml:1:11
  │
1 │ extends: [list]
  │           ^^^^ extends
  │
  = hint: a layer is written like a brief: `field: value` lines

error: nothing was written
",
        ),
    ]
    .iter()
    .filter_map(|(name, expected)| refused(dir.path(), &["build", name, "-o", "brief.pdf"], expected))
    .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// `-o` never replaces a file the build read: a layer, an image, the old edition.
#[test]
fn output_never_replaces_an_input() {
    let layered = format!(
        "extends: house.yaml\n{}",
        String::from_utf8(example_with("logo:\n  file: logo.svg\n  alt: Org\n")).unwrap()
    );
    let logo = br##"<svg xmlns="http://www.w3.org/2000/svg" width="12" height="4"><rect width="12" height="4"/></svg>"##;
    let dir = workspace(&[
        ("b.yaml", layered.as_bytes()),
        ("house.yaml", b"paper: a4\n"),
        ("logo.svg", logo),
        ("old.yaml", layered.as_bytes()),
    ]);
    for (target, args) in [
        ("house.yaml", vec![]),
        ("logo.svg", vec![]),
        ("old.yaml", vec!["--changes-since", "old.yaml"]),
    ] {
        let before = fs::read(dir.path().join(target)).unwrap();
        let mut all = vec!["build", "b.yaml", "-o", target];
        all.extend(args);
        let (code, stderr) = bounded(brief(dir.path()).args(&all), 30);
        assert_eq!(code, Some(1), "{target}: {stderr}");
        assert_eq!(
            stderr,
            format!(
                "error: cannot write {target} (the build read it: it is one of the brief's files)\n  = hint: choose another output name with -o\n"
            )
        );
        assert_eq!(
            fs::read(dir.path().join(target)).unwrap(),
            before,
            "{target}"
        );
    }
}

/// `-o` through a symbolic link replaces the file the link leads to, atomically, and keeps
/// the link; a link to nothing is refused.
#[cfg(unix)]
#[test]
fn output_through_a_link_writes_its_target() {
    let text = fs::read(example()).unwrap();
    let dir = workspace(&[("b.yaml", &text), ("real/note.pdf", PREVIOUS)]);
    let d = dir.path();
    std::os::unix::fs::symlink("real/note.pdf", d.join("link.pdf")).unwrap();
    std::os::unix::fs::symlink("nowhere/x.pdf", d.join("dangling.pdf")).unwrap();
    let (code, stderr) = bounded(
        brief(d).args(["build", "-q", "b.yaml", "-o", "link.pdf"]),
        30,
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        fs::symlink_metadata(d.join("link.pdf"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        fs::read(d.join("real/note.pdf"))
            .unwrap()
            .starts_with(b"%PDF-")
    );
    assert_ne!(fs::read(d.join("real/note.pdf")).unwrap(), PREVIOUS);
    let failure = refused(
        d,
        &["build", "b.yaml", "-o", "dangling.pdf"],
        "error: cannot write dangling.pdf (it is a symbolic link to nowhere/x.pdf, which does not exist)\n  = hint: remove the link, or make the file it leads to\n",
    );
    assert!(failure.is_none(), "{}", failure.unwrap_or_default());
}

/// Images that declare more pixels than memory holds, or that are cut short, are refused
/// from their header at the brief's line, before any decoder allocates: a 255-byte JPEG of
/// 65000², a 29-byte GIF of 65535², a 74-byte 1-bit PNG of 100000², and the same PNG inside
/// an SVG as a `data:` address.
#[test]
fn images_are_checked_by_what_they_declare() {
    let png_of = |side: u32| {
        let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        bytes.extend_from_slice(&side.to_be_bytes());
        bytes.extend_from_slice(&side.to_be_bytes());
        bytes.extend_from_slice(b"\x01\0\0\0\0\0\0\0\0\0\0\0\0IEND\xaeB`\x82");
        bytes
    };
    let png = png_of(100_000);
    let mut jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00".to_vec();
    jpeg.extend_from_slice(
        b"\xff\xc0\x00\x11\x08\xfd\xe8\xfd\xe8\x03\x01\x11\x00\x02\x11\x00\x03\x11\x00",
    );
    jpeg.extend_from_slice(b"\xff\xda\x00\x0c\x03\x01\x00\x02\x11\x03\x11\x00\x3f\x00");
    jpeg.extend_from_slice(&[0; 200]);
    jpeg.extend_from_slice(b"\xff\xd9");
    let gif = b"GIF89a\xff\xff\xff\xff\x00\x00\x00,\x00\x00\x00\x00\xff\xff\xff\xff\x00\x02\x02D\x01\x00;";
    let svg = format!(
        "<svg xmlns='http://www.w3.org/2000/svg' xmlns:xlink='http://www.w3.org/1999/xlink'>\n<image xlink:href='data:image/png;base64,{}'/>\n</svg>",
        base64(&png)
    );
    let small = png_of(4);
    let cut = &small[..small.len() - 12];
    let mut files: Vec<(String, Vec<u8>)> = vec![
        ("big.png".into(), png.clone()),
        ("big.jpg".into(), jpeg),
        ("big.gif".into(), gif.to_vec()),
        ("big.svg".into(), svg.into_bytes()),
        ("cut.png".into(), cut.to_vec()),
        ("text.png".into(), b"not an image at all".to_vec()),
    ];
    let expected = [
        (
            "big.png",
            "declares 100000 × 100000 pixels (10000 megapixels; an image may have at most 100 megapixels)",
        ),
        (
            "big.jpg",
            "declares 65000 × 65000 pixels (4225 megapixels; an image may have at most 100 megapixels)",
        ),
        (
            "big.gif",
            "declares 65535 × 65535 pixels (4295 megapixels; an image may have at most 100 megapixels)",
        ),
        (
            "big.svg",
            "holds on line 2 an embedded image that declares 100000 × 100000 pixels (10000 megapixels; an image may have at most 100 megapixels)",
        ),
        (
            "cut.png",
            "is cut short (the PNG file ends before its image does)",
        ),
        (
            "text.png",
            "is not a PNG, JPEG, GIF or WebP image (its first bytes are none of these)",
        ),
    ];
    for (name, _) in expected {
        files.push((
            format!("{name}.yaml"),
            example_with(&format!("logo:\n  file: {name}\n  alt: Logo\n")),
        ));
    }
    let borrowed: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let dir = workspace(&borrowed);
    let mut failures = Vec::new();
    for (name, why) in expected {
        let underline = "^".repeat(name.len());
        let report = format!(
            "\
error: the image `{name}` {why}
   ┌─ {name}.yaml:13:9
   │
13 │   file: {name}
   │         {underline} logo.file
   │
   = expected: a PNG, JPEG, GIF, SVG or WebP file in the brief's folder, named relative to it

error: nothing was written
"
        );
        let yaml = format!("{name}.yaml");
        failures.extend(refused(
            dir.path(),
            &["build", &yaml, "-o", "brief.pdf"],
            &report,
        ));
        // `--grayscale` and pictures take the same path: the check comes before either.
        failures.extend(refused(
            dir.path(),
            &["build", &yaml, "-o", "brief.pdf", "--grayscale"],
            &report,
        ));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Base64, for `data:` addresses in test SVGs.
fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let n = chunk.iter().fold(0u32, |n, &b| (n << 8) | b as u32) << (8 * (3 - chunk.len()));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
        for _ in chunk.len()..3 {
            out.push('=');
        }
    }
    out
}

/// An anchor on a long text aliased many times is refused by the size of the text it would
/// grow to, at once and within a small address space, in a brief and in a template's
/// manifest alike.
#[test]
fn aliases_are_bounded_by_the_text_they_expand_to() {
    let long = "x".repeat(2_000_000);
    let aliases = vec!["*t"; 500].join(", ");
    let bomb = format!("title: &t \"{long}\"\norganization: o\nother: [{aliases}]\n");
    let manifest = format!(
        "{}  padding:\n    type: text\n    default: &t \"{long}\"\n  more:\n    type: list\n    default: [{aliases}]\n",
        fs::read_to_string(crate::util::root().join("templates/background-note/template.yaml"))
            .unwrap()
    );
    let mut files = vec![
        ("bomb.yaml".to_string(), bomb.into_bytes()),
        ("b.yaml".to_string(), fs::read(example()).unwrap()),
        ("mine/template.yaml".to_string(), manifest.into_bytes()),
    ];
    let builtin = crate::util::root().join("templates/background-note");
    for entry in fs::read_dir(&builtin).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type().unwrap().is_file() && name != "template.yaml" {
            files.push((format!("mine/{name}"), fs::read(entry.path()).unwrap()));
        }
    }
    let borrowed: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let dir = workspace(&borrowed);
    let started = Instant::now();
    let (code, stderr) = bounded(
        brief(dir.path()).args(["build", "bomb.yaml", "-o", "brief.pdf"]),
        20,
    );
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.starts_with(
            "error: the brief grows past 16 MB of text once its aliases are expanded\n  ┌─ bomb.yaml:3:37\n"
        ),
        "{}",
        &stderr[..stderr.len().min(400)]
    );
    let (code, stderr) = bounded(
        brief(dir.path()).args([
            "build",
            "b.yaml",
            "-o",
            "brief.pdf",
            "--set",
            "template=./mine",
        ]),
        20,
    );
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.starts_with(
            "error: the manifest grows past 16 MB of text once its aliases are expanded\n"
        ),
        "{}",
        &stderr[..stderr.len().min(400)]
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}
