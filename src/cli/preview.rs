//! `brief preview`: starts the preview server and its session (`live::`), prints the address,
//! and says in the terminal what each rebuild did, as `brief watch` does. Ctrl-C stops.

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::cli::args::PreviewArgs;
use crate::cli::context::Context;
use crate::diag::Files;
use crate::error::{AppError, Failure};
use crate::live::preview::{self, Event, Options, Session};
use crate::live::server::{Server, Settings};
use crate::live::state::Shared;
use crate::text::plural;
use crate::typeset::world::Engine;

/// The ports tried when `--port` is not given.
const PORTS: std::ops::RangeInclusive<u16> = 3030..=3039;

/// Runs `brief preview`; returns the exit code.
pub fn run(ctx: &Context, args: &PreviewArgs) -> u8 {
    let files = Files::default();
    let shared = Arc::new(Shared::default());
    let server = match listen(args, &shared) {
        Ok(server) => server,
        Err(error) => return ctx.report(&files, error.into()),
    };
    let engine = match Engine::with_font_folders(&args.font_paths) {
        Ok(engine) => engine,
        Err(error) => return ctx.report(&files, error.into()),
    };
    let options = Options {
        brief: args.brief.clone(),
        sources: args.input.sources(),
        print: args.print.overrides(),
        grayscale: args.grayscale,
        handout: args.handout,
    };
    let session = match Session::new(options, engine) {
        Ok(session) => session,
        Err(error) => return ctx.report(&files, error.into()),
    };
    let url = server.url();
    // The address is what the command gives: on standard output, even with --quiet.
    println!("{url}");
    let _ = std::io::stdout().flush();
    ctx.say(format!(
        "previewing {} at {url} (Ctrl-C to stop)",
        args.brief.display()
    ));
    if args.open {
        open_browser(ctx, &url);
    }
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    // As in `brief watch`: a second handler cannot be installed (tests that run twice).
    let _ = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst));
    let teller = ctx.clone();
    let tell = Box::new(move |event: Event<'_>| say(&teller, event));
    let builder = preview::spawn(session, shared, stop, tell);
    let _ = builder.join();
    drop(server);
    ctx.say("stopped the preview");
    0
}

/// The server on `--host` and `--port`, or on the first free port of [`PORTS`].
fn listen(args: &PreviewArgs, shared: &Arc<Shared>) -> Result<Server, AppError> {
    let host = args.host.unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
    if host.is_unspecified() {
        return Err(AppError::usage(format!(
            "--host {host} listens on every address, and the preview answers only to the one it listens on"
        ))
        .with_hint("give the address other machines reach this one by, such as --host 192.168.1.20"));
    }
    let settings = |port| Settings {
        host,
        port,
        title: args.brief.file_name().map_or_else(
            || args.brief.display().to_string(),
            |n| n.to_string_lossy().into(),
        ),
        editor: args.editor.clone(),
    };
    if let Some(port) = args.port {
        return Server::start(settings(port), shared.clone());
    }
    let mut last = None;
    for port in PORTS {
        match Server::start(settings(port), shared.clone()) {
            Ok(server) => return Ok(server),
            Err(error) => last = Some(error),
        }
    }
    Err(last
        .expect("a port was tried")
        .with_hint("give a free port with --port, or --port 0 for any"))
}

/// Tells the terminal what a build did.
fn say(ctx: &Context, event: Event<'_>) {
    match event {
        Event::Warnings(files, warnings) => ctx.warn(files, warnings),
        Event::Built {
            reason,
            pages,
            millis,
        } => ctx.say(format!(
            "{}  {reason}: {pages} page{} in {millis} ms",
            clock(),
            plural(pages)
        )),
        Event::Failed {
            reason,
            files,
            failure,
            earlier,
        } => {
            let problems = match failure {
                Failure::Problems(p) => p.iter().filter(|p| p.is_error()).count(),
                Failure::App(_) => 1,
            };
            match failure {
                Failure::App(error) => eprintln!("{error}"),
                Failure::Problems(found) => crate::diag::emit(files, found, ctx.color),
            }
            let shown = if earlier {
                "the page shows the last good build"
            } else {
                "the page shows the problems until they are fixed"
            };
            eprintln!(
                "{}  {reason}: not built ({problems} problem{}); {shown}",
                clock(),
                plural(problems)
            );
        }
    }
}

/// The time of day for the rebuild lines, for display alone (as `brief watch` prints it).
fn clock() -> String {
    chrono::Local::now().format("%H:%M:%S").to_string()
}

/// Opens `url` in the default browser; says so when it cannot.
fn open_browser(ctx: &Context, url: &str) {
    let (program, args): (&str, Vec<&str>) = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        ("cmd", vec!["/C", "start", "", url])
    } else {
        ("xdg-open", vec![url])
    };
    let started = std::process::Command::new(program)
        .args(&args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    match started {
        Ok(mut child) => {
            std::thread::spawn(move || child.wait());
        }
        Err(error) => ctx.say(format!(
            "warning: cannot open a browser ({program}: {error}); open {url} yourself"
        )),
    }
}
