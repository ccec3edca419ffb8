//! The preview's HTTP server: a plain threaded server (tiny_http, one thread per request)
//! that serves its own page, script and style (embedded in the binary), the pages of the
//! current build as SVG, an event stream of changes (server-sent events), and answers to
//! clicks on a page. Nothing else: no path reaches the file system.
//!
//! Safety, as the browser's other tabs are not to be trusted: it listens on the loopback
//! address unless told otherwise; it answers only requests whose `Host` is the address it
//! listens on or `localhost` (403 otherwise, so a site that rebinds its name to 127.0.0.1
//! reads nothing); and the one request that acts (opening the editor) must be a same-origin
//! POST carrying the session's token, which only the page itself knows.

use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value as Json, json};
use tiny_http::{Header, Method, Request, Response};

use crate::error::AppError;
use crate::live::locate::Found;
use crate::live::state::Shared;

const PAGE: &str = include_str!("page/index.html");
const SCRIPT: &str = include_str!("page/preview.js");
const STYLE: &str = include_str!("page/preview.css");

/// How often an idle event stream sends a comment, to notice a closed tab.
const KEEPALIVE: Duration = Duration::from_secs(15);

/// The largest request body read (a click is a few numbers).
const MAX_BODY: u64 = 4096;

/// What the server needs to know besides the view.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The address to listen on.
    pub host: IpAddr,
    /// The port; 0 picks a free one.
    pub port: u16,
    /// The page's title: the brief's file name.
    pub title: String,
    /// The editor command, with `{file}`, `{line}` and `{column}`; `None` turns opening off.
    pub editor: Option<String>,
}

/// A running server. Dropping it stops it.
pub struct Server {
    address: SocketAddr,
    inner: Arc<tiny_http::Server>,
    shared: Arc<Shared>,
    acceptor: Option<std::thread::JoinHandle<()>>,
}

/// What every request handler reads.
struct Context {
    shared: Arc<Shared>,
    settings: Settings,
    /// The `Host` values answered.
    hosts: Vec<String>,
    token: String,
}

impl Server {
    /// Listens on `settings.host` and `settings.port` and serves `shared` until dropped.
    pub fn start(settings: Settings, shared: Arc<Shared>) -> Result<Self, AppError> {
        let listener = TcpListener::bind((settings.host, settings.port)).map_err(|error| {
            let mut e = AppError::new(format!(
                "cannot listen on {} ({error})",
                SocketAddr::new(settings.host, settings.port)
            ));
            if error.kind() == std::io::ErrorKind::AddrInUse {
                e = e.with_hint("choose another port with --port, or --port 0 for any free one");
            }
            e
        })?;
        let address = listener
            .local_addr()
            .map_err(|e| AppError::new(format!("cannot listen ({e})")))?;
        let inner = Arc::new(
            tiny_http::Server::from_listener(listener, None)
                .map_err(|e| AppError::new(format!("cannot start the server ({e})")))?,
        );
        let context = Arc::new(Context {
            shared: shared.clone(),
            hosts: hosts(address),
            token: token(),
            settings,
        });
        let server = inner.clone();
        let acceptor = std::thread::spawn(move || {
            for request in server.incoming_requests() {
                let context = context.clone();
                std::thread::spawn(move || handle(request, &context));
            }
        });
        Ok(Self {
            address,
            inner,
            shared,
            acceptor: Some(acceptor),
        })
    }

    /// The address listened on (with the port picked, for `--port 0`).
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The page's address, as printed in the terminal.
    pub fn url(&self) -> String {
        format!("http://{}/", authority(self.address))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shared.stop();
        self.inner.unblock();
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

/// `127.0.0.1:8000`, `[::1]:8000`.
fn authority(address: SocketAddr) -> String {
    match address.ip() {
        IpAddr::V6(ip) => format!("[{ip}]:{}", address.port()),
        IpAddr::V4(ip) => format!("{ip}:{}", address.port()),
    }
}

/// The `Host` values a request may carry: the address listened on, and `localhost` with
/// its port. Browsers send the port unless it is 80, so both forms are taken.
fn hosts(address: SocketAddr) -> Vec<String> {
    let port = address.port();
    let ip = match address.ip() {
        IpAddr::V6(ip) => format!("[{ip}]"),
        IpAddr::V4(ip) => ip.to_string(),
    };
    let mut hosts = vec![format!("{ip}:{port}"), format!("localhost:{port}")];
    if port == 80 {
        hosts.push(ip);
        hosts.push("localhost".into());
    }
    hosts
}

/// A secret for this session: 128 bits from the system's random source.
fn token() -> String {
    let mut bytes = [0u8; 16];
    let read = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes));
    if read.is_err() {
        // No /dev/urandom (Windows): the standard library's randomly seeded hasher, twice.
        use std::hash::{BuildHasher, Hasher};
        for half in bytes.chunks_mut(8) {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u128(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_nanos()),
            );
            half.copy_from_slice(&h.finish().to_le_bytes());
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("a valid header")
}

fn request_header<'r>(request: &'r Request, name: &'static str) -> Option<&'r str> {
    request
        .headers()
        .iter()
        .find(|h| h.field.equiv(name))
        .map(|h| h.value.as_str())
}

/// A response with the headers every answer carries.
fn answer(status: u16, kind: &str, body: impl Into<Vec<u8>>) -> Response<std::io::Cursor<Vec<u8>>> {
    Response::from_data(body.into())
        // A length rather than chunks, whatever the size.
        .with_chunked_threshold(usize::MAX)
        .with_status_code(status)
        .with_header(header("Content-Type", kind))
        .with_header(header("Cache-Control", "no-cache"))
        .with_header(header("X-Content-Type-Options", "nosniff"))
        .with_header(header("Referrer-Policy", "no-referrer"))
        .with_header(header("X-Frame-Options", "DENY"))
}

fn plain(status: u16, text: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    answer(status, "text/plain; charset=utf-8", format!("{text}\n"))
}

fn json_answer(status: u16, value: &Json) -> Response<std::io::Cursor<Vec<u8>>> {
    answer(status, "application/json", value.to_string())
}

/// What a request asks for, from its method and path (the query apart).
#[derive(Debug, PartialEq, Eq)]
enum Route {
    Page,
    Script,
    Style,
    Events,
    State,
    Picture(usize),
    Locate,
    Open,
    /// A path the preview does not serve.
    NotFound,
    /// A path it serves, asked with the wrong method.
    WrongMethod,
}

/// The route of a request. Paths are compared as sent, never decoded: `/%2e%2e/` or
/// `/page/../x` are simply not among them.
fn route(method: &Method, url: &str) -> Route {
    let path = url.split_once('?').map_or(url, |(p, _)| p);
    let get = *method == Method::Get || *method == Method::Head;
    let picture = path
        .strip_prefix("/page/")
        .and_then(|rest| rest.strip_suffix(".svg"))
        .filter(|n| !n.is_empty() && n.len() < 6 && n.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|n| n.parse::<usize>().ok());
    let found = match (path, picture) {
        (_, Some(n)) => Route::Picture(n),
        ("/", _) => Route::Page,
        ("/preview.js", _) => Route::Script,
        ("/preview.css", _) => Route::Style,
        ("/events", _) => Route::Events,
        ("/state", _) => Route::State,
        ("/locate", _) => Route::Locate,
        ("/open", _) => {
            return if *method == Method::Post {
                Route::Open
            } else {
                Route::WrongMethod
            };
        }
        _ => return Route::NotFound,
    };
    if get { found } else { Route::WrongMethod }
}

fn handle(mut request: Request, context: &Context) {
    // Before anything else: a request for another site's name is no business of ours.
    let host = request_header(&request, "Host").map(str::to_ascii_lowercase);
    if !host.as_ref().is_some_and(|h| context.hosts.contains(h)) {
        let _ = request.respond(plain(
            403,
            "forbidden: the preview answers only to its own address",
        ));
        return;
    }
    let host = host.expect("checked above");
    let route = route(request.method(), request.url());
    let response = match route {
        Route::Page => answer(200, "text/html; charset=utf-8", page(context)).with_header(header(
            "Content-Security-Policy",
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        )),
        Route::Script => answer(200, "text/javascript; charset=utf-8", SCRIPT),
        Route::Style => answer(200, "text/css; charset=utf-8", STYLE),
        Route::State => json_answer(200, &context.shared.lock().to_json()),
        Route::Events => {
            let _ = events(request, context);
            return;
        }
        Route::Picture(n) => {
            let svg = context
                .shared
                .lock()
                .pages
                .get(n.wrapping_sub(1))
                .map(|p| p.svg.clone());
            match svg {
                Some(svg) => answer(200, "image/svg+xml", svg.as_bytes()),
                None => plain(404, "not found: the build has no such page"),
            }
        }
        Route::Locate => {
            let query = query(request.url());
            json_answer(200, &locate(context, &query).to_json())
        }
        Route::Open => open(&mut request, context, &host),
        Route::NotFound => plain(404, "not found"),
        Route::WrongMethod => plain(405, "method not allowed"),
    };
    let _ = request.respond(response);
}

/// The page, with the session's token and the title in it.
fn page(context: &Context) -> String {
    PAGE.replace("{{TITLE}}", &escape_html(&context.settings.title))
        .replace("{{TOKEN}}", &context.token)
        .replace(
            "{{EDITOR}}",
            if context.settings.editor.is_some() {
                "yes"
            } else {
                ""
            },
        )
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A stream of the view, sent on every change. The headers are written by hand: without a
/// length tiny_http would send the body chunked, which browsers take badly for an event
/// stream.
fn events(request: Request, context: &Context) -> std::io::Result<()> {
    let mut writer = request.into_writer();
    write!(
        writer,
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nX-Content-Type-Options: nosniff\r\nConnection: keep-alive\r\n\r\n"
    )?;
    writer.flush()?;
    let mut seen = None;
    loop {
        let (message, generation, stopped) = {
            let view = match seen {
                None => context.shared.lock(),
                Some(seen) => context.shared.wait_past(seen, KEEPALIVE),
            };
            let fresh = seen.is_none_or(|s| view.generation > s);
            let message = fresh.then(|| view.to_json().to_string());
            (message, view.generation, view.stopped)
        };
        if stopped {
            return Ok(());
        }
        match message {
            Some(data) => write!(writer, "event: view\ndata: {data}\n\n")?,
            None => write!(writer, ": still here\n\n")?,
        }
        writer.flush()?;
        seen = Some(generation);
    }
}

/// `page=1&x=2.5&y=3` as pairs.
fn query(url: &str) -> Vec<(String, String)> {
    let Some((_, query)) = url.split_once('?') else {
        return Vec::new();
    };
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// What the click at `page`, `x`, `y` (points) found.
fn locate(context: &Context, query: &[(String, String)]) -> Found {
    let number = |key: &str| {
        query
            .iter()
            .find(|(k, _)| k == key)
            .and_then(|(_, v)| v.parse::<f64>().ok())
            .filter(|v| v.is_finite())
    };
    let (Some(page), Some(x), Some(y)) = (number("page"), number("x"), number("y")) else {
        return Found::Nothing("a click names a page and a point on it".into());
    };
    let index = context.shared.lock().index.clone();
    match index {
        Some(index) => index.locate(page as usize, x, y),
        None => Found::Nothing("nothing has been built yet".into()),
    }
}

/// Opens the editor at what a click found. Only from the page itself: same origin, and the
/// session's token; the place is looked up again here, so the page never names a file.
fn open(
    request: &mut Request,
    context: &Context,
    host: &str,
) -> Response<std::io::Cursor<Vec<u8>>> {
    let origin = request_header(request, "Origin");
    if origin != Some(format!("http://{host}").as_str()) {
        return plain(
            403,
            "forbidden: opening the editor is for the preview's own page",
        );
    }
    if request_header(request, "X-Brief-Token") != Some(context.token.as_str()) {
        return plain(
            403,
            "forbidden: the request does not carry this session's token",
        );
    }
    let mut body = String::new();
    if request
        .as_reader()
        .take(MAX_BODY)
        .read_to_string(&mut body)
        .is_err()
    {
        return plain(400, "bad request: the body is not text");
    }
    let Ok(Json::Object(click)) = serde_json::from_str::<Json>(&body) else {
        return plain(400, "bad request: expected {\"page\", \"x\", \"y\"}");
    };
    let query: Vec<(String, String)> = click
        .iter()
        .map(|(k, v)| (k.clone(), v.to_string()))
        .collect();
    let Some(editor) = &context.settings.editor else {
        return json_answer(
            200,
            &json!({"opened": false, "message": "no editor: start the preview with --editor"}),
        );
    };
    let place = match locate(context, &query) {
        Found::One(place) => place,
        Found::Ambiguous(_) => {
            return json_answer(
                200,
                &json!({"opened": false, "message": "several places print this text"}),
            );
        }
        Found::Nothing(why) => return json_answer(200, &json!({"opened": false, "message": why})),
    };
    if !place.on_disk {
        return json_answer(
            200,
            &json!({"opened": false, "message": format!("{} is not a file on disk", place.file)}),
        );
    }
    match spawn_editor(editor, &place.file, place.line, place.column) {
        Ok(()) => json_answer(
            200,
            &json!({"opened": true, "message": format!("opened {}", place.text())}),
        ),
        Err(why) => json_answer(200, &json!({"opened": false, "message": why})),
    }
}

/// The words of an editor command, `{file}`, `{line}` and `{column}` filled in (the file is
/// added at the end when the command names none). Words are split at spaces; quotes (`'`
/// or `"`) keep spaces in a word.
pub fn editor_words(command: &str, file: &str, line: usize, column: usize) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quote = None;
    let mut any = false;
    for c in command.chars() {
        match (quote, c) {
            (None, '\'' | '"') => {
                quote = Some(c);
                any = true;
            }
            (Some(q), c) if c == q => quote = None,
            (None, c) if c.is_whitespace() => {
                if any {
                    words.push(std::mem::take(&mut word));
                    any = false;
                }
            }
            (_, c) => {
                word.push(c);
                any = true;
            }
        }
    }
    if any {
        words.push(word);
    }
    let names_file = words.iter().any(|w| w.contains("{file}"));
    let mut words: Vec<String> = words
        .into_iter()
        .map(|w| {
            w.replace("{file}", file)
                .replace("{line}", &line.to_string())
                .replace("{column}", &column.to_string())
        })
        .collect();
    if !names_file {
        words.push(file.to_string());
    }
    words
}

fn spawn_editor(command: &str, file: &str, line: usize, column: usize) -> Result<(), String> {
    let words = editor_words(command, file, line, column);
    let Some((program, args)) = words.split_first() else {
        return Err("the --editor command is empty".into());
    };
    let mut child = std::process::Command::new(program)
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run `{program}` ({e})"))?;
    // Reaped when it ends, so that no zombie is left behind.
    std::thread::spawn(move || child.wait());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_are_exact_paths() {
        let get = Method::Get;
        assert_eq!(route(&get, "/"), Route::Page);
        assert_eq!(route(&get, "/page/2.svg?v=ab"), Route::Picture(2));
        assert_eq!(route(&get, "/page/../Cargo.toml"), Route::NotFound);
        assert_eq!(route(&get, "/page/%2e%2e.svg"), Route::NotFound);
        assert_eq!(route(&get, "/page/.svg"), Route::NotFound);
        assert_eq!(route(&get, "/open"), Route::WrongMethod);
        assert_eq!(route(&Method::Post, "/open"), Route::Open);
        assert_eq!(route(&Method::Post, "/"), Route::WrongMethod);
    }

    #[test]
    fn the_editor_command_gets_the_place() {
        assert_eq!(
            editor_words("code -g {file}:{line}:{column}", "a b.yaml", 3, 7),
            ["code", "-g", "a b.yaml:3:7"]
        );
        assert_eq!(
            editor_words("'my editor' +{line}", "n.yaml", 12, 1),
            ["my editor", "+12", "n.yaml"]
        );
    }

    #[test]
    fn hosts_are_the_address_and_localhost() {
        let address: SocketAddr = "127.0.0.1:8123".parse().unwrap();
        assert_eq!(hosts(address), ["127.0.0.1:8123", "localhost:8123"]);
        assert_eq!(token().len(), 32);
        assert_ne!(token(), token());
    }
}
