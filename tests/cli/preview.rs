//! `brief preview` as a real process: what its server answers (and refuses) over plain HTTP,
//! the way from a spot on a page to the brief's line, the editor, and, in headless Chromium,
//! pages that update in place, the problems panel and a click on a paragraph.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use brief::check::load::{self, Sources};
use brief::diag::Files;
use brief::jobs::build;
use brief::live::locate::Index;
use brief::typeset::prepare::BuildOptions;
use brief::typeset::world::{Compiled, Engine};
use serde_json::Value as Json;

use crate::util::{brief, example, root, workspace};

/// How long any one awaited event may take on a busy 2-core machine.
const DEADLINE: Duration = Duration::from_secs(20);

/// A note with a layer under it: the organization comes from `house.yaml`.
const NOTE: &str = "extends: house.yaml\n\
                    title: Previewing a Brief\n\
                    event:\n  name: Strategic Roundtable\n  date: 2025-12-08\n  city: Vancouver, Canada\n\
                    sections:\n\
                    \x20 - heading: Where the Partnership Stands\n\
                    \x20   body: |\n\
                    \x20     The first paragraph says where things stand between the two\n\
                    \x20     countries after a year of steady work.\n\n\
                    \x20     The second paragraph looks ahead to the meetings of the spring\n\
                    \x20     and what each side hopes to settle there.\n\
                    participants:\n\
                    \x20 - name: Hélène Tremblay\n\
                    \x20   organization: Global Affairs Canada\n";

const HOUSE: &str = "organization: Asia Pacific Foundation of Canada\n";

/// A running `brief preview`, killed when dropped (also when an assertion fails).
struct Preview {
    child: Child,
    /// `127.0.0.1:PORT`.
    address: String,
    log: Arc<Mutex<String>>,
}

impl Preview {
    /// Starts `brief preview BRIEF --port 0 ARGS...` in `dir` and waits for the first build.
    fn start(dir: &Path, brief_name: &str, args: &[&str]) -> Preview {
        let mut child = brief(dir)
            .args(["preview", brief_name, "--port", "0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
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
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout is piped"))
            .read_line(&mut line)
            .expect("the address line");
        let address = line
            .trim()
            .strip_prefix("http://")
            .and_then(|a| a.strip_suffix('/'))
            .unwrap_or_else(|| panic!("an address on standard output, got {line:?}"))
            .to_string();
        let preview = Preview {
            child,
            address,
            log,
        };
        preview.wait_for("the first build", |log| log.contains("first build:"));
        preview
    }

    fn wait_for(&self, what: &str, done: impl Fn(&str) -> bool) {
        let start = Instant::now();
        while !done(&self.log.lock().unwrap()) {
            assert!(
                start.elapsed() < DEADLINE,
                "timed out waiting for {what}; stderr:\n{}",
                self.log.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn port(&self) -> &str {
        self.address.rsplit_once(':').expect("a port").1
    }

    /// Sends `request` as written (`{host}` is this preview's address); returns the status,
    /// the head and the body.
    fn send(&self, request: &str) -> (u16, String, String) {
        let mut stream = TcpStream::connect(&self.address).expect("the server accepts");
        stream
            .write_all(request.replace("{host}", &self.address).as_bytes())
            .unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        let answer = String::from_utf8_lossy(&answer).into_owned();
        let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("a status line, got {head:?}"));
        (status, head.to_string(), body.to_string())
    }

    fn get(&self, path: &str, host: &str) -> (u16, String, String) {
        self.send(&format!(
            "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        ))
    }

    /// What the preview says was set at the spot printing `text`.
    fn locate(&self, at: (usize, f64, f64)) -> Json {
        let (page, x, y) = at;
        let (status, _, body) = self.get(&format!("/locate?page={page}&x={x}&y={y}"), "{host}");
        assert_eq!(status, 200, "{body}");
        serde_json::from_str(&body).expect("JSON")
    }
}

impl Drop for Preview {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Where `text` is printed in the build of `brief_name` in `dir`: the page and a point on it.
fn spot(dir: &Path, brief_name: &str, text: &str) -> (usize, f64, f64) {
    let mut files = Files::default();
    let briefs = load::load_editions(&dir.join(brief_name), &Sources::default(), &mut files)
        .unwrap_or_else(|_| panic!("{brief_name} loads"));
    let engine = Engine::with_font_folders(&[]).unwrap();
    let compiled = Compiled::new(&briefs[0].template);
    let options = vec![BuildOptions::default(); briefs.len()];
    let Ok((document, _)) = build::document(&engine, &compiled, &briefs, &options, &mut files)
    else {
        panic!("{brief_name} typesets")
    };
    let origins: Vec<&[_]> = briefs.iter().map(|b| b.origins.as_slice()).collect();
    Index::new(&document, &origins, &files)
        .find(text)
        .unwrap_or_else(|| panic!("`{text}` is printed"))
}

/// The line (from 1) of `dir/file` holding `text`.
fn line_of(dir: &Path, file: &str, text: &str) -> usize {
    let content = std::fs::read_to_string(dir.join(file)).unwrap();
    content
        .lines()
        .position(|l| l.contains(text))
        .unwrap_or_else(|| panic!("{file} holds `{text}`"))
        + 1
}

fn note_workspace() -> tempfile::TempDir {
    workspace(&[
        ("note.yaml", NOTE.as_bytes()),
        ("house.yaml", HOUSE.as_bytes()),
    ])
}

/// A request whose Host names another site is refused with 403 (a page elsewhere cannot
/// read the preview by pointing its own name at 127.0.0.1); its own address and localhost
/// are served.
#[test]
fn a_foreign_host_is_forbidden() {
    let work = note_workspace();
    let preview = Preview::start(work.path(), "note.yaml", &[]);
    let port = preview.port().to_string();
    for host in [
        "evil.example".to_string(),
        format!("evil.example:{port}"),
        format!("127.0.0.1.evil.example:{port}"),
        format!("localhost.:{port}"),
        "127.0.0.1".to_string(),
    ] {
        let (status, _, body) = preview.get("/", &host);
        assert_eq!(status, 403, "Host: {host}");
        assert_eq!(
            body,
            "forbidden: the preview answers only to its own address\n"
        );
        let (status, _, _) = preview.get("/page/1.svg", &host);
        assert_eq!(status, 403, "Host: {host}");
    }
    // No Host at all (HTTP/1.0) is refused too.
    let (status, _, _) = preview.send("GET / HTTP/1.0\r\n\r\n");
    assert_eq!(status, 403);
    for host in [format!("localhost:{port}"), preview.address.clone()] {
        let (status, head, body) = preview.get("/", &host);
        assert_eq!(status, 200, "Host: {host}");
        assert!(
            body.contains("<title>note.yaml · brief preview</title>"),
            "{body}"
        );
        assert!(
            head.contains("Content-Security-Policy: default-src 'none'; script-src 'self'"),
            "{head}"
        );
    }
}

/// Only the preview's own page, script, style, events and pages are served: any other path
/// is 404, a file beside the brief included, however `..` is written.
#[test]
fn paths_outside_the_preview_are_not_found() {
    let work = note_workspace();
    let preview = Preview::start(work.path(), "note.yaml", &[]);
    for path in [
        "/note.yaml",
        "/house.yaml",
        "/../note.yaml",
        "/page/../note.yaml",
        "/page/..%2f..%2fnote.yaml",
        "/%2e%2e/note.yaml",
        "/%2E%2E%2Fnote.yaml",
        "/page/%2e%2e/house.yaml",
        "/.%2e/.%2e/etc/passwd",
        "/page/1.svg/../../note.yaml",
        "//etc/passwd",
        "/page/1.yaml",
        "/page/-1.svg",
        "/page/9.svg",
        "/index.html",
        "/preview.js/..",
        "/preview.js%00.yaml",
    ] {
        let (status, _, body) = preview.get(path, "{host}");
        assert_eq!(status, 404, "{path}: {body}");
        assert!(
            !body.contains("Previewing") && !body.contains("root:"),
            "{path}: {body}"
        );
    }
    let (status, head, body) = preview.get("/page/1.svg?v=anything", "{host}");
    assert_eq!(status, 200);
    assert!(head.contains("Content-Type: image/svg+xml"), "{head}");
    assert!(body.starts_with("<svg"), "{}", &body[..body.len().min(200)]);
    let (status, _, body) = preview.get("/preview.js", "{host}");
    assert_eq!(status, 200);
    assert!(body.contains("new EventSource(\"/events\")"));
    let (status, _, _) = preview.send(&format!(
        "DELETE /page/1.svg HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        preview.address
    ));
    assert_eq!(status, 405);
}

/// Opening the editor needs a POST from the page's own origin with the session's token; the
/// editor is then run with the file, line and column of what was clicked.
#[test]
fn the_editor_opens_only_for_the_page_itself() {
    let work = note_workspace();
    let editor = "sh -c 'printf \"%s\\n\" \"$0\" >> opened.txt' {file}:{line}:{column}";
    let preview = Preview::start(work.path(), "note.yaml", &["--editor", editor]);
    let (_, _, page) = preview.get("/", "{host}");
    let token = page
        .split("name=\"brief-token\" content=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the token in the page")
        .to_string();
    assert_eq!(token.len(), 32);
    let (page_number, x, y) = spot(work.path(), "note.yaml", "The second paragraph looks ahead");
    let body = format!("{{\"page\":{page_number},\"x\":{x},\"y\":{y}}}");
    let post = |origin: Option<&str>, token: &str| {
        let origin = origin.map_or(String::new(), |o| format!("Origin: {o}\r\n"));
        preview.send(&format!(
            "POST /open HTTP/1.1\r\nHost: {{host}}\r\n{origin}X-Brief-Token: {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ))
    };
    let own = format!("http://{}", preview.address);
    let (status, _, answer) = post(None, &token);
    assert_eq!(status, 403);
    assert_eq!(
        answer,
        "forbidden: opening the editor is for the preview's own page\n"
    );
    let (status, _, _) = post(Some("http://evil.example"), &token);
    assert_eq!(status, 403);
    let (status, _, answer) = post(Some(&own), "0123456789abcdef0123456789abcdef");
    assert_eq!(status, 403);
    assert_eq!(
        answer,
        "forbidden: the request does not carry this session's token\n"
    );
    // Not through a GET either.
    let (status, _, _) = preview.get("/open", "{host}");
    assert_eq!(status, 405);
    assert!(!work.path().join("opened.txt").exists());
    let (status, _, answer) = post(Some(&own), &token);
    assert_eq!(status, 200, "{answer}");
    let line = line_of(work.path(), "note.yaml", "The second paragraph looks ahead");
    let expected = format!("note.yaml:{line}:7");
    assert_eq!(
        serde_json::from_str::<Json>(&answer).unwrap()["message"],
        format!("opened {expected}")
    );
    let opened = work.path().join("opened.txt");
    let start = Instant::now();
    let written = || std::fs::read_to_string(&opened).is_ok_and(|t| t.ends_with('\n'));
    while !written() && start.elapsed() < DEADLINE {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(
        std::fs::read_to_string(&opened).unwrap(),
        format!("{expected}\n")
    );
}

/// A spot on the page names the brief's line that set what is printed there: each paragraph
/// its own line, the heading, a participant, the title; a value from a layer names the
/// layer; text the template prints on its own is said to be the template's.
#[test]
fn a_spot_on_the_page_names_the_line_that_set_it() {
    let work = note_workspace();
    let preview = Preview::start(work.path(), "note.yaml", &[]);
    let dir = work.path();
    let at = |text: &str| {
        let found = preview.locate(spot(dir, "note.yaml", text));
        assert_eq!(found["found"], "one", "`{text}`: {found}");
        (
            found["place"]["at"].as_str().unwrap().to_string(),
            found["place"]["path"].as_str().unwrap().to_string(),
        )
    };
    let line = |text: &str| line_of(dir, "note.yaml", text);
    assert_eq!(
        at("The first paragraph says"),
        (
            format!("note.yaml:{}:7", line("The first paragraph says")),
            "sections[0].body".into()
        )
    );
    // The second line of a paragraph is its own line in the brief too.
    assert_eq!(
        at("countries after a year").0,
        format!("note.yaml:{}:7", line("countries after a year"))
    );
    assert_eq!(
        at("The second paragraph looks").0,
        format!("note.yaml:{}:7", line("The second paragraph looks"))
    );
    assert_eq!(
        at("Where the Partnership Stands"),
        (
            format!("note.yaml:{}:14", line("Where the Partnership")),
            "sections[0].heading".into()
        )
    );
    assert_eq!(at("Previewing a Brief").1, "title");
    assert_eq!(at("Strategic Roundtable").1, "event.name");
    assert_eq!(at("December 8, 2025").1, "event.date");
    assert_eq!(
        at("Asia Pacific Foundation"),
        ("house.yaml:1:15".into(), "organization".into())
    );
    let found = preview.locate(spot(dir, "note.yaml", "Background Note"));
    assert_eq!(found["found"], "nothing");
    assert_eq!(
        found["message"],
        "printed by the template, not set in the brief"
    );
    let found = preview.locate((1, 1.0, 1.0));
    assert_eq!(found["message"], "no text here");
}

/// The same text set by two fields is said to be ambiguous, naming both, not guessed.
#[test]
fn a_text_two_fields_print_is_ambiguous() {
    let note = NOTE.replace(
        "      The second paragraph looks ahead to the meetings of the spring\n      and what each side hopes to settle there.\n",
        "      Vancouver, Canada\n",
    );
    assert_ne!(note, NOTE);
    let work = workspace(&[
        ("note.yaml", note.as_bytes()),
        ("house.yaml", HOUSE.as_bytes()),
    ]);
    let preview = Preview::start(work.path(), "note.yaml", &[]);
    let found = preview.locate(spot(work.path(), "note.yaml", "Vancouver, Canada"));
    assert_eq!(found["found"], "ambiguous", "{found}");
    let paths: Vec<&str> = found["places"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["event.city", "sections[0].body"]);
}

/// A value a template of one's own defaults names that template's template.yaml.
#[test]
fn a_default_names_the_template() {
    let manifest = "name: mine\ndescription: A memo\nentry: main.typ\ncontract: 2\nfields:\n\
                    \x20 title: {type: text, required: true}\n\
                    \x20 closing:\n    type: text\n    default: With thanks to every participant\n";
    let main =
        "#let data = json(\"/.brief/data.json\")\n#data.fields.title\n\n#data.fields.closing\n";
    let work = workspace(&[
        ("memo.yaml", b"template: mine\ntitle: A Memo of Note\n"),
        ("templates/mine/template.yaml", manifest.as_bytes()),
        ("templates/mine/main.typ", main.as_bytes()),
    ]);
    let preview = Preview::start(work.path(), "memo.yaml", &[]);
    let found = preview.locate(spot(work.path(), "memo.yaml", "With thanks to every"));
    assert_eq!(found["found"], "one", "{found}");
    assert_eq!(found["place"]["at"], "templates/mine/template.yaml:9:14");
    assert_eq!(found["place"]["default"], true);
    assert_eq!(found["place"]["path"], "closing");
}

/// The Python that drives Chromium, or why the browser tests cannot run.
fn browser_tools() -> Result<PathBuf, String> {
    let python = PathBuf::from(std::env::var("BRIEF_PYTHON").unwrap_or_else(|_| "python3".into()));
    for tool in ["/usr/bin/chromium", "/usr/bin/chromedriver"] {
        if !Path::new(tool).exists() {
            return Err(format!("{tool} is not installed"));
        }
    }
    let selenium = Command::new(&python)
        .args(["-c", "import selenium"])
        .output()
        .map_err(|e| format!("{} does not run ({e})", python.display()))?;
    if !selenium.status.success() {
        return Err(format!(
            "{} has no selenium (set BRIEF_PYTHON)",
            python.display()
        ));
    }
    Ok(python)
}

/// Runs the browser driver with `steps`; returns one JSON value per step.
fn drive(python: &Path, preview: &Preview, brief: &Path, steps: &Json) -> Vec<Json> {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), steps.to_string()).unwrap();
    let output = Command::new(python)
        .arg(root().join("tests/browser/preview.py"))
        .arg(format!("http://{}/", preview.address))
        .arg(brief)
        .arg(file.path())
        .output()
        .expect("the browser driver runs");
    assert!(
        output.status.success(),
        "the browser driver failed:\n{}\n{}\nbrief preview said:\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
        preview.log.lock().unwrap()
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

/// Skips (saying why) without Chromium and selenium, unless BRIEF_REQUIRE_TOOLS=1.
fn browser_or_skip() -> Option<PathBuf> {
    match browser_tools() {
        Ok(python) => Some(python),
        Err(why) if std::env::var("BRIEF_REQUIRE_TOOLS").as_deref() == Ok("1") => {
            panic!("BRIEF_REQUIRE_TOOLS=1, but {why}")
        }
        Err(why) => {
            eprintln!("skipping the browser test: {why}");
            None
        }
    }
}

/// In headless Chromium: the page shows every page; an edit appears without a reload, the
/// scroll kept and the unchanged page untouched; a syntax error lays the pinned report over
/// the old pages; the fix takes it away; a click on a paragraph shows its file:line.
#[test]
fn in_a_real_browser() {
    let Some(python) = browser_or_skip() else {
        return;
    };
    let example = std::fs::read(example()).unwrap();
    let work = workspace(&[("note.yaml", &example)]);
    let brief_path = work.path().join("note.yaml");
    let preview = Preview::start(work.path(), "note.yaml", &[]);
    let paragraph = "In recent years, Canada and South Korea";
    let click = spot(work.path(), "note.yaml", paragraph);
    let steps = serde_json::json!([
        {"step": "open"},
        {"step": "scroll", "y": 240},
        {"step": "edit", "old": "In recent years, Canada", "new": "In latest years, Canada"},
        {"step": "edit", "old": "title: ", "new": "title: [unclosed ", "expect": "problems"},
        {"step": "edit", "old": "title: [unclosed ", "new": "title: "},
        {"step": "click", "page": click.0, "x": click.1, "y": click.2},
    ]);
    let seen = drive(&python, &preview, &brief_path, &steps);
    let [opened, scrolled, edited, broken, fixed, clicked] = &seen[..] else {
        panic!("six steps: {seen:?}")
    };
    let pages = |v: &Json| v["pages"].as_array().unwrap().clone();
    // Every page, as an SVG of the page's width at 96 pixels per inch.
    assert_eq!(pages(opened).len(), 2, "{opened}");
    for (i, page) in pages(opened).iter().enumerate() {
        assert!(
            page["src"]
                .as_str()
                .unwrap()
                .starts_with(&format!("/page/{}.svg?v=", i + 1)),
            "{page}"
        );
        assert_eq!(page["width"], 816, "{page}");
    }
    // The edit: page 1 is new, page 2 the same image element, no reload, the scroll kept.
    assert_ne!(pages(edited)[0]["version"], pages(opened)[0]["version"]);
    assert_eq!(pages(edited)[0]["kept"], false);
    assert_eq!(pages(edited)[1]["version"], pages(opened)[1]["version"]);
    assert_eq!(pages(edited)[1]["kept"], true);
    assert_eq!(edited["loaded"], true, "the page was reloaded");
    assert_eq!(edited["scroll"], scrolled["scroll"]);
    assert_eq!(edited["panel"], Json::Null);
    // The syntax error: the report as the terminal prints it, over the last good pages.
    // A line over 100 characters is shown around its mark, as the terminal shows it.
    let title = "Strengthening the…";
    assert_eq!(
        broken["panel"].as_str().unwrap(),
        format!(
            "error: this `[` is never closed (YAML reads it as the start of a list or map)\n  ┌─ note.yaml:5:8\n  │\n5 │ title: [unclosed {title}\n  │        ^ title\n  │\n  = the YAML reader gave up on line 6, column 7 (illegal placement of ':' indicator)\n  = hint: put text that starts with `[` in quotes, or close it with `]`\n\n"
        )
    );
    assert_eq!(broken["status"], "not built (1 problem)");
    assert_eq!(pages(broken), pages(edited));
    assert_eq!(broken["loaded"], true);
    // The fix takes the panel away; the pages are those of the fixed brief.
    assert_eq!(fixed["panel"], Json::Null);
    assert!(
        fixed["status"].as_str().unwrap().starts_with("up to date"),
        "{fixed}"
    );
    assert_eq!(fixed["loaded"], true);
    // A click on the edited paragraph: its file and line.
    let line = line_of(work.path(), "note.yaml", "In latest years");
    assert_eq!(
        clicked["source"],
        format!("note.yaml:{line}:7 sections[0].body")
    );
}

/// The event stream sends the view at once, then on every change: a build in progress, then
/// its pages (the edited page with a new version), then the problems of a broken save over
/// the same pages. A second stream open at the same time (another tab) gets the same views.
#[test]
fn the_event_stream_says_building_then_the_new_view() {
    let work = note_workspace();
    let preview = Preview::start(work.path(), "note.yaml", &[]);
    let mut next = stream_of(&preview);
    // A second tab, at the same time.
    let mut other = stream_of(&preview);
    let first = next();
    assert_eq!(first["building"], false);
    assert_eq!(first["problems"], Json::Null);
    let version = first["pages"][0]["version"].clone();
    let path = work.path().join("note.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("steady work", "patient work")).unwrap();
    let building = next();
    assert_eq!(building["building"], true, "{building}");
    assert_eq!(building["pages"][0]["version"], version);
    let built = next();
    assert_eq!(built["building"], false, "{built}");
    assert_ne!(built["pages"][0]["version"], version);
    let edited = built["pages"][0]["version"].clone();
    let mut seen = other();
    while seen["generation"] != built["generation"] {
        seen = other();
    }
    assert_eq!(seen, built, "the second tab is sent the same view");
    std::fs::write(&path, text.replace("title: ", "title: [")).unwrap();
    let mut view = next();
    while view["problems"].is_null() {
        view = next();
    }
    assert!(
        view["problems"]["text"]
            .as_str()
            .unwrap()
            .starts_with("error: this `[` is never closed"),
        "{view}"
    );
    assert_eq!(view["problems"]["errors"], 1);
    assert_eq!(view["pages"][0]["version"], edited);
}

/// An event stream of `preview`: each call gives the next view sent.
fn stream_of(preview: &Preview) -> impl FnMut() -> Json {
    let mut stream = TcpStream::connect(&preview.address).unwrap();
    write!(
        stream,
        "GET /events HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\n\r\n",
        preview.address
    )
    .unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut reader = BufReader::new(stream);
    let mut head = String::new();
    while !head.ends_with("\r\n\r\n") {
        reader.read_line(&mut head).unwrap();
    }
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
    assert!(
        head.contains("Content-Type: text/event-stream\r\n"),
        "{head}"
    );
    move || -> Json {
        let mut line = String::new();
        loop {
            line.clear();
            reader.read_line(&mut line).expect("an event");
            if let Some(data) = line.strip_prefix("data: ") {
                return serde_json::from_str(data).unwrap();
            }
        }
    }
}

/// SIGINT (Ctrl-C) stops the preview promptly with exit code 0.
#[test]
fn ctrl_c_stops_the_preview() {
    let work = note_workspace();
    let mut preview = Preview::start(work.path(), "note.yaml", &[]);
    let status = Command::new("kill")
        .args(["-INT", &preview.child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let start = Instant::now();
    let code = loop {
        if let Some(code) = preview.child.try_wait().unwrap() {
            break code;
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "still running 5 s after SIGINT; stderr:\n{}",
            preview.log.lock().unwrap()
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(code.code(), Some(0));
    preview.wait_for("the goodbye", |log| log.contains("stopped the preview"));
}

/// A brief with a table, milestones, questions and participants.
const FULL: &str = "title: Previewing Every Part\n\
                    organization: Asia Pacific Foundation of Canada\n\
                    event:\n  name: Strategic Roundtable\n  date: 2025-12-08\n  city: Vancouver, Canada\n\
                    sections:\n\
                    \x20 - body: |\n\
                    \x20     Who leads each forum:\n\n\
                    \x20     | Forum | Lead |\n\
                    \x20     | --- | --- |\n\
                    \x20     | Defence Policy Dialogue | Ottawa |\n\
                    \x20     | Industry Working Group | Seoul |\n\
                    milestones:\n\
                    \x20 - date: 2022-12\n\
                    \x20   text: The materiel memorandum is renewed.\n\
                    questions:\n\
                    \x20 - Which export rules stand in the way of joint production?\n\
                    participants:\n\
                    \x20 - name: Hélène Tremblay\n\
                    \x20   organization: Global Affairs Canada\n\
                    \x20 - name: Park Ji-won\n\
                    \x20   organization: Korea Institute for Defense Analyses\n";

/// A table cell, a milestone's date and text, and a question each name their own line.
#[test]
fn cells_milestones_and_questions_name_their_lines() {
    let work = workspace(&[("full.yaml", FULL.as_bytes())]);
    let dir = work.path();
    let preview = Preview::start(dir, "full.yaml", &[]);
    let at = |text: &str| {
        let found = preview.locate(spot(dir, "full.yaml", text));
        assert_eq!(found["found"], "one", "`{text}`: {found}");
        let place = &found["place"];
        let line = place["line"].as_u64().unwrap() as usize;
        (line, place["path"].as_str().unwrap().to_string())
    };
    let line = |text: &str| line_of(dir, "full.yaml", text);
    assert_eq!(
        at("Defence Policy Dialogue"),
        (line("Defence Policy Dialogue"), "sections[0].body".into())
    );
    assert_eq!(
        at("Industry Working Group"),
        (line("Industry Working Group"), "sections[0].body".into())
    );
    assert_eq!(
        at("December 2022"),
        (line("2022-12"), "milestones[0].date".into())
    );
    assert_eq!(
        at("The materiel memorandum"),
        (line("The materiel memorandum"), "milestones[0].text".into())
    );
    assert_eq!(
        at("Which export rules"),
        (line("Which export rules"), "questions[0]".into())
    );
}

/// With --handout every part is shown, and a participant on the participant list names the
/// participant's line.
#[test]
fn the_handout_shows_every_part_and_its_participants() {
    let work = workspace(&[("full.yaml", FULL.as_bytes())]);
    let dir = work.path();
    let preview = Preview::start(dir, "full.yaml", &["--handout"]);
    let (_, _, state) = preview.get("/state", "{host}");
    let state: Json = serde_json::from_str(&state).unwrap();
    let pages = state["pages"].as_array().unwrap().len();
    assert!(pages >= 4, "note, participants, questions, notes: {state}");
    // The participant list is the only place an organization of a participant prints.
    let mut files = Files::default();
    let handout = brief::jobs::handout::Handout::load(
        &dir.join("full.yaml"),
        &Sources::default(),
        Default::default(),
        &mut files,
    )
    .unwrap_or_else(|_| panic!("the handout loads"));
    let engine = Engine::with_font_folders(&[]).unwrap();
    let laid_out = handout
        .lay_out(&engine, &mut files)
        .unwrap_or_else(|_| panic!("the handout lays out"));
    let origins: Vec<&[_]> = handout
        .parts
        .iter()
        .map(|p| p.brief.origins.as_slice())
        .collect();
    let index = Index::new(&laid_out.assembled.document, &origins, &files);
    let spot = index.find("Korea Institute for Defense").expect("printed");
    assert!(
        spot.0 > 2,
        "on the participant list, not the note: {spot:?}"
    );
    let found = preview.locate(spot);
    assert_eq!(found["found"], "one", "{found}");
    assert_eq!(found["place"]["path"], "participants[1].organization");
    assert_eq!(
        found["place"]["line"],
        line_of(dir, "full.yaml", "Korea Institute for Defense")
    );
}

/// A line the brief changed on the way (an acronym spelled out) is in no value whole; when its
/// words are in two values, the lines around it decide: the paragraph, not the milestone that
/// also names the agreement.
#[test]
fn a_line_with_an_acronym_spelled_out_names_its_paragraph() {
    let bilingual =
        std::fs::read(root().join("briefs/canada-korea-defence-2025-bilingual.yaml")).unwrap();
    let work = workspace(&[("note.yaml", &bilingual)]);
    let preview = Preview::start(work.path(), "note.yaml", &[]);
    let found = preview.locate(spot(work.path(), "note.yaml", "Free Trade Agreement."));
    assert_eq!(found["found"], "one", "{found}");
    assert_eq!(found["place"]["path"], "sections[0].body");
}
