//! `brief watch` as a real process: edits, broken saves, editors' ways of saving, layers and
//! user templates, and Ctrl-C. Every wait polls with a deadline for a line on stderr or a
//! change of the PDF; no assertion rests on a fixed sleep.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::util::{brief, flatten, pdf_pages, workspace};

/// How long any one awaited event may take on a busy 2-core machine.
const DEADLINE: Duration = Duration::from_secs(10);

/// How often the awaited condition is checked.
const POLL: Duration = Duration::from_millis(20);

/// A small background note whose one paragraph names `version`.
fn note(version: &str) -> String {
    format!(
        "title: Watching a Brief\norganization: Asia Pacific Foundation of Canada\nevent:\n  name: Strategic Roundtable\n  date: 2025-12-08\n  city: Vancouver, Canada\nsections:\n  - body: |\n      The watched paragraph reads {version}.\n"
    )
}

/// A running `brief watch`, killed when dropped (also when an assertion fails).
struct Watch {
    child: Child,
    log: Arc<Mutex<String>>,
    dir: PathBuf,
    pdf: PathBuf,
}

impl Watch {
    /// Starts `brief watch BRIEF` in `dir` and waits for the first build to be written.
    fn start(dir: &Path, brief_name: &str) -> Watch {
        let watch = Watch::spawn(dir, brief_name);
        watch.wait_for("the first build", |log| log.contains("first build: wrote"));
        watch
    }

    /// Starts `brief watch BRIEF` in `dir` and waits for the first build to fail.
    fn start_failing(dir: &Path, brief_name: &str) -> Watch {
        let watch = Watch::spawn(dir, brief_name);
        watch.wait_for("the first build's failure", |log| {
            log.contains("first build: not built")
        });
        watch
    }

    /// Starts `brief watch BRIEF ARGS...` in `dir` and waits for the first build.
    fn start_with(dir: &Path, brief_name: &str, args: &[&str]) -> Watch {
        let watch = Watch::spawn_with(dir, brief_name, args);
        watch.wait_for("the first build", |log| log.contains("first build: wrote"));
        watch
    }

    fn spawn(dir: &Path, brief_name: &str) -> Watch {
        Watch::spawn_with(dir, brief_name, &[])
    }

    fn spawn_with(dir: &Path, brief_name: &str, args: &[&str]) -> Watch {
        let mut child = brief(dir)
            .args(["watch", brief_name])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the brief binary starts");
        let mut stderr = child.stderr.take().expect("stderr is piped");
        let log = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&log);
        std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(n) = stderr.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buffer[..n]));
            }
        });
        let pdf = dir.join(Path::new(brief_name).with_extension("pdf"));
        Watch {
            child,
            log,
            dir: dir.to_path_buf(),
            pdf,
        }
    }

    /// Everything the process printed on stderr so far.
    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// How many builds wrote the PDF so far.
    fn written(&self) -> usize {
        self.log().matches(": wrote ").count()
    }

    /// Polls until `done` holds for the stderr so far; fails with the log after DEADLINE.
    fn wait_for(&self, what: &str, done: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let log = self.log();
            if done(&log) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "no {what} within {DEADLINE:?}; stderr:\n{log}"
            );
            std::thread::sleep(POLL);
        }
    }

    /// Waits for build number `n` (counting from 1, the first build) to write the PDF, and
    /// returns the PDF.
    fn wait_written(&self, n: usize) -> Vec<u8> {
        self.wait_for(&format!("build {n} written"), |log| {
            log.matches(": wrote ").count() >= n
        });
        self.read_pdf()
    }

    fn read_pdf(&self) -> Vec<u8> {
        fs::read(&self.pdf).expect("the PDF is there")
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The PDF's text, folded for comparing sentences.
fn text(pdf: &[u8]) -> String {
    flatten(&pdf_pages(pdf).join(" "))
}

fn complete(pdf: &[u8]) -> bool {
    pdf.starts_with(b"%PDF-") && pdf.trim_ascii_end().ends_with(b"%%EOF")
}

/// An edit of the brief produces a new PDF that contains the edit.
#[test]
fn edit_rebuilds() {
    let dir = workspace(&[("note.yaml", note("version one").as_bytes())]);
    let watch = Watch::start(dir.path(), "note.yaml");
    let first = watch.read_pdf();
    assert!(text(&first).contains(&flatten("reads version one")));
    fs::write(watch.path("note.yaml"), note("version two")).unwrap();
    let second = watch.wait_written(2);
    assert_ne!(first, second);
    assert!(complete(&second));
    let text = text(&second);
    assert!(text.contains(&flatten("reads version two")), "{text}");
    assert!(watch.log().contains("note.yaml changed: wrote note.pdf ("));
}

/// A syntax error keeps the last good PDF byte for byte and reports file:line; fixing it
/// writes a new PDF.
#[test]
fn syntax_error_keeps_last_pdf_then_recovers() {
    let dir = workspace(&[("note.yaml", note("version one").as_bytes())]);
    let watch = Watch::start(dir.path(), "note.yaml");
    let good = watch.read_pdf();
    let broken = note("version one").replace("title: Watching a Brief", "title: [Watching");
    fs::write(watch.path("note.yaml"), broken).unwrap();
    watch.wait_for("report of the error", |log| log.contains("not built"));
    let log = watch.log();
    assert!(
        log.contains("error: this `[` is never closed"),
        "the error is printed: {log}"
    );
    assert!(log.contains("┌─ note.yaml:1:8"), "file:line:column: {log}");
    assert!(
        log.contains("note.yaml changed: not built (1 problem); note.pdf is unchanged"),
        "{log}"
    );
    assert_eq!(watch.read_pdf(), good, "the last good PDF is kept");

    fs::write(watch.path("note.yaml"), note("version three")).unwrap();
    let fixed = watch.wait_written(2);
    assert_ne!(fixed, good);
    assert!(text(&fixed).contains(&flatten("reads version three")));
}

/// A save by rename (a temporary file in the same folder renamed over the brief) is seen.
#[test]
fn atomic_rename_save() {
    let dir = workspace(&[("note.yaml", note("version one").as_bytes())]);
    let watch = Watch::start(dir.path(), "note.yaml");
    let first = watch.read_pdf();
    let temp = watch.path(".note.yaml.swp");
    fs::write(&temp, note("version renamed")).unwrap();
    fs::rename(&temp, watch.path("note.yaml")).unwrap();
    let second = watch.wait_written(2);
    assert_ne!(first, second);
    assert!(text(&second).contains(&flatten("reads version renamed")));
}

/// A save that truncates the brief, pauses 150 ms and then writes prints no error at all and
/// ends with the new PDF.
#[test]
fn truncate_then_write_prints_no_error() {
    let dir = workspace(&[("note.yaml", note("version one").as_bytes())]);
    let watch = Watch::start(dir.path(), "note.yaml");
    let first = watch.read_pdf();
    let mut file = fs::File::create(watch.path("note.yaml")).unwrap();
    std::thread::sleep(Duration::from_millis(150));
    file.write_all(note("version after pause").as_bytes())
        .unwrap();
    drop(file);
    let second = watch.wait_written(2);
    assert_ne!(first, second);
    assert!(text(&second).contains(&flatten("reads version after pause")));
    let log = watch.log();
    assert!(
        !log.contains("error") && !log.contains("not built"),
        "no error for a half-done save:\n{log}"
    );
}

/// Editing an `extends` layer rebuilds; so does editing a user template's main.typ.
#[test]
fn layer_and_user_template_edits_rebuild() {
    let house = "organization: Asia Pacific Foundation of Canada\nevent:\n  name: Strategic Roundtable\n  city: Vancouver, Canada\n";
    let layered = "extends: style/house.yaml\ntitle: A Layered Brief\nevent:\n  date: 2025-12-08\nsections:\n  - body: The layered paragraph.\n";
    let dir = workspace(&[
        ("style/house.yaml", house.as_bytes()),
        ("note.yaml", layered.as_bytes()),
    ]);
    let watch = Watch::start(dir.path(), "note.yaml");
    let first = watch.read_pdf();
    fs::write(
        watch.path("style/house.yaml"),
        house.replace("Vancouver, Canada", "Busan, Korea"),
    )
    .unwrap();
    let second = watch.wait_written(2);
    assert_ne!(first, second);
    assert!(text(&second).contains(&flatten("Busan, Korea")));
    assert!(watch.log().contains("house.yaml changed: wrote note.pdf"));
    drop(watch);

    let manifest = "name: memo\ndescription: A one-line memo\nfields:\n  title:\n    type: text\n    required: true\n";
    let main = |heading: &str| {
        format!(
            "#let data = json(\"/.brief/data.json\")\n#set page(paper: \"a5\")\n= {heading} #data.fields.title\n"
        )
    };
    let dir = workspace(&[
        ("templates/memo/template.yaml", manifest.as_bytes()),
        ("templates/memo/main.typ", main("Memo:").as_bytes()),
        ("memo.yaml", b"template: memo\ntitle: About watching\n"),
    ]);
    let watch = Watch::start(dir.path(), "memo.yaml");
    let first = watch.read_pdf();
    assert!(text(&first).contains(&flatten("Memo: About watching")));
    fs::write(watch.path("templates/memo/main.typ"), main("Note:")).unwrap();
    let second = watch.wait_written(2);
    let text = text(&second);
    assert!(text.contains(&flatten("Note: About watching")), "{text}");
    assert!(watch.log().contains("main.typ changed: wrote memo.pdf"));
}

/// A slow save (five chunks 40 ms apart) prints no spurious error.
#[test]
fn slow_write_prints_no_error() {
    let dir = workspace(&[("note.yaml", note("version one").as_bytes())]);
    let watch = Watch::start(dir.path(), "note.yaml");
    let first = watch.read_pdf();
    let new = note("version written slowly");
    let bytes = new.as_bytes();
    let chunk = bytes.len().div_ceil(5);
    let mut file = fs::File::create(watch.path("note.yaml")).unwrap();
    for (i, part) in bytes.chunks(chunk).enumerate() {
        if i > 0 {
            std::thread::sleep(Duration::from_millis(40));
        }
        file.write_all(part).unwrap();
    }
    drop(file);
    watch.wait_for("a build of the whole file", |_| {
        fs::read(watch.path("note.pdf"))
            .is_ok_and(|pdf| pdf != first && text(&pdf).contains(&flatten("written slowly")))
    });
    let log = watch.log();
    assert!(
        !log.contains("error") && !log.contains("not built"),
        "no error for a slow save:\n{log}"
    );
    assert!(watch.written() >= 2, "{log}");
}

/// SIGINT stops the watch promptly with exit code 0, leaving a complete PDF and no temporary
/// file, even when it arrives right after an edit.
#[test]
fn sigint_stops_cleanly() {
    let dir = workspace(&[("note.yaml", note("version one").as_bytes())]);
    let mut watch = Watch::start(dir.path(), "note.yaml");
    fs::write(watch.path("note.yaml"), note("version two")).unwrap();
    let pid = watch.child.id().to_string();
    let status = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let sent = Instant::now();
    let exit = loop {
        if let Some(exit) = watch.child.try_wait().unwrap() {
            break exit;
        }
        assert!(
            sent.elapsed() < Duration::from_secs(5),
            "still running 5 s after SIGINT; stderr:\n{}",
            watch.log()
        );
        std::thread::sleep(POLL);
    };
    assert_eq!(exit.code(), Some(0), "stderr:\n{}", watch.log());
    // The stderr reader sees the end once the process is gone.
    watch.wait_for("the last line", |log| log.contains("stopped watching"));
    assert!(complete(&watch.read_pdf()));
    let left: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains(".partial"))
        .collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
}

/// A layer that is missing at first is picked up when it is created, and so is a template
/// folder created beside the brief afterwards.
#[test]
fn missing_layer_and_template_appear_later() {
    let layered = "extends: house.yaml\ntitle: A Layered Brief\nevent:\n  date: 2025-12-08\nsections:\n  - body: The layered paragraph.\n";
    let dir = workspace(&[("note.yaml", layered.as_bytes())]);
    let watch = Watch::start_failing(dir.path(), "note.yaml");
    assert!(
        watch
            .log()
            .contains("cannot read the layer house.yaml (not found)")
    );
    let house = "organization: Asia Pacific Foundation of Canada\nevent:\n  name: Strategic Roundtable\n  city: Vancouver, Canada\n";
    fs::write(watch.path("house.yaml"), house).unwrap();
    let pdf = watch.wait_written(1);
    assert!(complete(&pdf));
    drop(watch);

    let dir = workspace(&[("memo.yaml", b"template: memo\ntitle: About watching\n")]);
    let watch = Watch::start_failing(dir.path(), "memo.yaml");
    assert!(watch.log().contains("there is no template named `memo`"));
    // The whole folder appears at once, as a checkout or a copy by rename makes it.
    let staging = watch.path("staging");
    fs::create_dir_all(staging.join("memo")).unwrap();
    fs::write(
        staging.join("memo/template.yaml"),
        "name: memo\ndescription: A one-line memo\nfields:\n  title:\n    type: text\n",
    )
    .unwrap();
    fs::write(
        staging.join("memo/main.typ"),
        "#let data = json(\"/.brief/data.json\")\n= Memo: #data.fields.title\n",
    )
    .unwrap();
    fs::rename(&staging, watch.path("templates")).unwrap();
    let pdf = watch.wait_written(1);
    assert!(text(&pdf).contains(&flatten("Memo: About watching")));
}

/// An image named for another language than the edition watched is checked, and watched: a
/// missing French logo stops the English build, and its appearing rebuilds.
#[test]
fn missing_image_of_another_language_appears_later() {
    let brief_text = "title: {en: A title, fr: Un titre}\norganization: Org\nlogo:\n  file: {en: en.svg, fr: fr.svg}\n  alt: {en: Logo, fr: Logo}\nsections:\n  - body: {en: Text., fr: Texte.}\n";
    let svg: &[u8] = br#"<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><rect width="120" height="40"/></svg>"#;
    let dir = workspace(&[("note.yaml", brief_text.as_bytes()), ("en.svg", svg)]);
    let watch = Watch::start_failing(dir.path(), "note.yaml");
    assert!(
        watch.log().contains("the image `fr.svg` does not exist"),
        "{}",
        watch.log()
    );
    fs::write(watch.path("fr.svg"), svg).unwrap();
    let pdf = watch.wait_written(1);
    assert!(complete(&pdf));
}

/// `--format png --pages 1` keeps a picture of page one current (and writes no PDF); its own
/// writes beside the brief start no rebuild.
#[test]
fn pictures_are_rebuilt() {
    let dir = workspace(&[("note.yaml", note("version one").as_bytes())]);
    let watch = Watch::start_with(
        dir.path(),
        "note.yaml",
        &["--format", "png", "--pages", "1"],
    );
    let first = fs::read(watch.path("note-1.png")).unwrap();
    assert!(first.starts_with(b"\x89PNG\r\n\x1a\n"));
    assert!(!watch.path("note.pdf").exists());
    fs::write(watch.path("note.yaml"), note("version two, longer")).unwrap();
    watch.wait_for("the second build", |log| {
        log.matches(": wrote ").count() >= 2
    });
    let second = fs::read(watch.path("note-1.png")).unwrap();
    assert_ne!(first, second);
    assert!(
        watch
            .log()
            .contains("note.yaml changed: wrote note-1.png (1 page, "),
        "{}",
        watch.log()
    );
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(watch.written(), 2, "{}", watch.log());
}

/// A warning is printed once: a rebuild that leaves it as it was counts it on the rebuild line
/// instead, and a new warning is printed.
#[test]
fn unchanged_warning_prints_once() {
    let dir = workspace(&[("note.yaml", note("version one, ZQX").as_bytes())]);
    let watch = Watch::start(dir.path(), "note.yaml");
    fs::write(watch.path("note.yaml"), note("version two, ZQX")).unwrap();
    watch.wait_written(2);
    let log = watch.log();
    assert_eq!(
        log.matches("the acronym `ZQX` is not defined").count(),
        1,
        "{log}"
    );
    assert!(log.contains("ms; 1 warning as before)"), "{log}");
    fs::write(watch.path("note.yaml"), note("version three, ZQX and QQV")).unwrap();
    watch.wait_written(3);
    let log = watch.log();
    assert_eq!(
        log.matches("the acronym `QQV` is not defined").count(),
        1,
        "{log}"
    );
}

/// A bilingual note whose paragraph is given in English and French.
fn bilingual(en: &str, fr: &str) -> String {
    format!(
        "title: {{en: Watching a Brief, fr: Surveiller une note}}\norganization: Asia Pacific Foundation of Canada\nevent:\n  name: Strategic Roundtable\n  date: 2025-12-08\n  city: Vancouver, Canada\nsections:\n  - body:\n      en: {en}\n      fr: {fr}\n"
    )
}

/// A text changed in English but not in French since the watch started is reported after the
/// rebuild, once: a later edit elsewhere counts it as before; a reflow of the English is no
/// change, and neither is the French catching up.
#[test]
fn text_changed_in_one_language_since_start_is_reported() {
    let dir = workspace(&[(
        "note.yaml",
        bilingual("The paragraph reads one.", "Le paragraphe dit un.").as_bytes(),
    )]);
    let watch = Watch::start(dir.path(), "note.yaml");
    let warning =
        "warning: `sections[0].body` changed in English but not in French since the watch started";
    fs::write(
        watch.path("note.yaml"),
        bilingual("The paragraph reads two.", "Le paragraphe dit un."),
    )
    .unwrap();
    watch.wait_written(2);
    let log = watch.log();
    assert!(
        log.contains(&format!(
            "{warning}\n   ┌─ note.yaml:10:11\n   │\n10 │       fr: Le paragraphe dit un.\n   │           ^^^^^^^^^^^^^^^^^^^^^ sections[0].body\n   │\n   = in English, “one.” became “two.”\n"
        )),
        "{log}"
    );
    // An edit of the title in both languages: the stale paragraph is as before.
    fs::write(
        watch.path("note.yaml"),
        bilingual("The paragraph reads two.", "Le paragraphe dit un.")
            .replace("Watching a Brief, fr: Surveiller", "Watched, fr: Surveillé"),
    )
    .unwrap();
    watch.wait_written(3);
    let log = watch.log();
    assert_eq!(log.matches(warning).count(), 1, "{log}");
    assert!(log.contains("ms; 1 warning as before)"), "{log}");
    // The French brought up to date: nothing to report.
    fs::write(
        watch.path("note.yaml"),
        bilingual("The paragraph reads two.", "Le paragraphe dit deux."),
    )
    .unwrap();
    watch.wait_written(4);
    let log = watch.log();
    let last = log.lines().last().unwrap();
    assert!(
        last.contains("note.yaml changed: wrote note.pdf ("),
        "{log}"
    );
    assert!(!last.contains("as before"), "{log}");
    assert_eq!(log.matches(warning).count(), 1, "{log}");
}
