//! `brief watch`: builds, then rebuilds whenever anything the last build read changes (the
//! brief, its layers, a template folder). One engine lives for the whole session, so typst's
//! caches make rebuilds incremental; old cache entries are evicted after every build.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

use crate::check::load;
use crate::cli::args::WatchArgs;
use crate::cli::context::Context;
use crate::diag::{Diagnostic, Files};
use crate::error::{AppError, Failure};
use crate::jobs::build;
use crate::model::template::{Origin, Template};
use crate::output::{self, Durability, Output};
use crate::text::plural;
use crate::typeset::prepare::{self, BuildOptions};
use crate::typeset::preview::Plan;
use crate::typeset::world::{Compiled, Engine};

/// How long a failed build waits for another change before it reports: editors save in steps
/// (truncate, then write), and a half-saved file is not worth an error.
const GRACE: Duration = Duration::from_millis(300);

/// How long after a change further changes are collected into the same rebuild.
const SETTLE: Duration = Duration::from_millis(3);

/// Typst's cache entries unused for this many compiles are dropped after each build.
const CACHE_AGE: usize = 10;

type Events = Receiver<notify::Result<notify::Event>>;

/// What a session needs before its first build: the files it writes (checked to be
/// writable) and the engine it keeps.
fn start(args: &WatchArgs) -> Result<(Plan, Engine), AppError> {
    let plan = super::render::plan(&args.brief, args.output.as_ref(), &args.render)?;
    for target in plan.targets() {
        output::check_target(&target, &[&args.brief])?;
    }
    Ok((plan, Engine::with_font_folders(&args.font_paths)?))
}

/// What to watch after a build: everything it read, the brief, and the folders the template
/// registry searches (a template created or changed there can change which template the
/// brief gets).
fn to_watch(args: &WatchArgs, files: &Files) -> Vec<PathBuf> {
    let mut deps: Vec<PathBuf> = files.dependencies().to_vec();
    let beside = args
        .brief
        .parent()
        .unwrap_or(Path::new(""))
        .join("templates");
    let always = std::iter::once(args.brief.clone())
        .chain(args.input.templates.clone())
        .chain(std::iter::once(beside));
    for path in always {
        if !deps.contains(&path) {
            deps.push(path);
        }
    }
    deps
}

/// Runs `brief watch`; returns the exit code.
pub fn run(ctx: &Context, args: &WatchArgs) -> u8 {
    let mut files = Files::default();
    let (plan, engine) = match start(args) {
        Ok(started) => started,
        Err(error) => return ctx.report(&files, error.into()),
    };
    // What the messages call the output: the PDF, or the pictures.
    let target = plan
        .pdf
        .as_ref()
        .map_or_else(|| "the pictures".to_string(), Output::to_string);
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    // A second handler cannot be installed (only in tests that run `run` twice); Ctrl-C then
    // ends the process the usual way, which the atomic writes make safe too.
    let _ = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst));
    let (sender, events) = mpsc::channel();
    let mut watcher = match notify::recommended_watcher(sender) {
        Ok(watcher) => watcher,
        Err(error) => {
            let error = AppError::new(format!("cannot watch files ({error})"));
            return ctx.report(&files, error.into());
        }
    };
    let mut session = Session {
        engine,
        compiled: None,
        watched: HashSet::new(),
        deps: Vec::new(),
        targets: plan
            .targets()
            .iter()
            .filter_map(Output::path)
            .map(absolute)
            .collect(),
        plan,
        shown: HashSet::new(),
        unchanged: 0,
    };
    let mut reason = String::from("first build");
    ctx.say(format!(
        "watching {} (Ctrl-C to stop)",
        args.brief.display()
    ));
    while !stop.load(Ordering::SeqCst) {
        let started = Instant::now();
        files = Files::default();
        let result = session.build(ctx, args, &mut files);
        typst::comemo::evict(CACHE_AGE);
        session.rewatch(&mut watcher, to_watch(args, &files));
        let elapsed = started.elapsed().as_millis();
        match result {
            Ok((written, pages)) => {
                // Warnings already shown by an earlier build are not printed again.
                let unchanged = match session.unchanged {
                    0 => String::new(),
                    1 => "; 1 warning as before".to_string(),
                    n => format!("; {n} warnings as before"),
                };
                ctx.say(format!(
                    "{}  {reason}: wrote {written} ({pages}, {elapsed} ms{unchanged})",
                    clock()
                ))
            }
            Err(failure) => {
                if let Some(changed) = session.wait(&events, Some(GRACE), &stop) {
                    reason = changed;
                    continue;
                }
                if stop.load(Ordering::SeqCst) {
                    // Stopped while waiting out a save in steps: its half is no news.
                    break;
                }
                let problems = match &failure {
                    Failure::Problems(p) => p.iter().filter(|p| p.is_error()).count(),
                    Failure::App(_) => 1,
                };
                report(ctx, &files, failure);
                eprintln!(
                    "{}  {reason}: not built ({problems} problem{}); {target} is unchanged",
                    clock(),
                    plural(problems),
                );
            }
        }
        match session.wait(&events, None, &stop) {
            Some(changed) => reason = changed,
            None => break,
        }
    }
    ctx.say("stopped watching");
    0
}

/// Prints a failure's diagnostics without the "nothing was written" line of one-off builds.
fn report(ctx: &Context, files: &Files, failure: Failure) {
    match failure {
        Failure::App(error) => eprintln!("{error}"),
        Failure::Problems(problems) => crate::diag::emit(files, &problems, ctx.color),
    }
}

/// The time of day for the rebuild lines: the only clock read in brief, for display alone.
fn clock() -> String {
    chrono::Local::now().format("%H:%M:%S").to_string()
}

struct Session {
    engine: Engine,
    /// The last template compiled, kept while its files stay the same.
    compiled: Option<(Template, Compiled)>,
    /// The folders being watched.
    watched: HashSet<PathBuf>,
    /// What the last build read: files, and template folders (everything below them).
    deps: Vec<Dependency>,
    /// What to write.
    plan: Plan,
    /// The files written (absolute): their own writes are never a change.
    targets: Vec<PathBuf>,
    /// The warnings the last build printed or kept quiet (what each says and the words it
    /// marks): one printed before is not printed again until it changes.
    shown: HashSet<String>,
    /// How many of this build's warnings were shown before.
    unchanged: usize,
}

/// A file, or a folder whose whole content counts, named by its absolute path.
struct Dependency {
    path: PathBuf,
    folder: bool,
}

impl Session {
    fn build(
        &mut self,
        ctx: &Context,
        args: &WatchArgs,
        files: &mut Files,
    ) -> Result<(String, String), Failure> {
        // Every edition --lang names, one after the other, as `brief build` makes them.
        let briefs = load::load_editions(&args.brief, &args.input.sources(), files)?;
        let mut seen = HashSet::new();
        self.unchanged = 0;
        for brief in &briefs {
            self.warn(ctx, files, &brief.warnings, &mut seen);
        }
        let template = &briefs[0].template;
        let reuse = matches!(&self.compiled, Some((old, _)) if same_template(old, template));
        if !reuse {
            self.compiled = Some((template.clone(), Compiled::new(template)));
        }
        let (_, compiled) = self.compiled.as_ref().expect("set above");
        // The template's default standards, as `brief build` without --pdf-standard.
        let standards = prepare::pdf_standards(&template.manifest.pdf_standard);
        let options = BuildOptions {
            grayscale: args.render.grayscale,
            print: args.print.overrides(),
            attach_source: prepare::may_attach(&standards),
            standards,
            ..Default::default()
        };
        let options = vec![options; briefs.len()];
        let output = build::produce(&self.engine, compiled, &briefs, &options, &self.plan, files)?;
        self.warn(ctx, files, &output.warnings, &mut seen);
        self.shown = seen;
        for path in output.files.iter().filter_map(|(o, _)| o.path()) {
            let path = absolute(path);
            if !self.targets.contains(&path) {
                self.targets.push(path);
            }
        }
        for (path, _) in &output.files {
            output::check_not_read(path, files.dependencies())?;
        }
        output::write_all(&output.files, Durability::Unsynced)?;
        Ok((
            super::render::describe_files(&output.files),
            output.pages_in_words(),
        ))
    }

    /// Prints the warnings not printed by the last build; counts the others.
    fn warn(
        &mut self,
        ctx: &Context,
        files: &Files,
        warnings: &[Diagnostic],
        seen: &mut HashSet<String>,
    ) {
        let mut new = Vec::new();
        for warning in warnings {
            // What it says and the words it marks: an edit elsewhere in the line or the file
            // leaves it as it was.
            let marked = warning
                .span
                .and_then(|span| files.text(span.file).get(span.range()))
                .unwrap_or("");
            let text = format!(
                "{}\n{:?}\n{:?}\n{:?}\n{marked}",
                warning.message, warning.field, warning.notes, warning.hints
            );
            if self.shown.contains(&text) {
                self.unchanged += 1;
            } else {
                new.push(warning.clone());
            }
            seen.insert(text);
        }
        ctx.warn(files, &new);
    }

    /// Watches the folders holding what the last build read (a file's folder, so that an
    /// editor's save by rename is seen too).
    fn rewatch(&mut self, watcher: &mut notify::RecommendedWatcher, deps: Vec<PathBuf>) {
        self.deps = deps
            .into_iter()
            .map(|path| {
                let folder = path.is_dir();
                Dependency {
                    path: absolute(&path),
                    folder,
                }
            })
            .collect();
        for dep in &self.deps {
            let (dir, mode) = if dep.folder {
                (dep.path.clone(), RecursiveMode::Recursive)
            } else {
                (
                    dep.path
                        .parent()
                        .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
                    RecursiveMode::NonRecursive,
                )
            };
            if self.watched.insert(dir.clone()) && watcher.watch(&dir, mode).is_err() {
                self.watched.remove(&dir);
            }
        }
    }

    /// Waits for a change to something the last build read; `None` when stopped or timed out.
    /// Returns what changed, in words.
    fn wait(
        &self,
        events: &Events,
        timeout: Option<Duration>,
        stop: &AtomicBool,
    ) -> Option<String> {
        let deadline = timeout.map(|t| Instant::now() + t);
        loop {
            if stop.load(Ordering::SeqCst) {
                return None;
            }
            let slice = match deadline {
                Some(d) => d
                    .checked_duration_since(Instant::now())?
                    .min(Duration::from_millis(100)),
                None => Duration::from_millis(100),
            };
            match events.recv_timeout(slice) {
                Ok(Ok(event)) => {
                    if let Some(changed) = self.relevant(&event) {
                        // Collect the rest of this save.
                        let settle = Instant::now() + SETTLE;
                        while let Some(left) = settle.checked_duration_since(Instant::now()) {
                            if events.recv_timeout(left).is_err() {
                                break;
                            }
                        }
                        return Some(format!("{changed} changed"));
                    }
                }
                Ok(Err(_)) => {}
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return None,
            }
        }
    }

    fn relevant(&self, event: &notify::Event) -> Option<String> {
        if event.need_rescan() {
            // The system dropped events: anything may have changed.
            return Some("the watched files".into());
        }
        if event.kind.is_access() {
            return None;
        }
        for path in &event.paths {
            if self.is_output(path) {
                continue;
            }
            for dep in &self.deps {
                let hit = if dep.folder {
                    // Templates skip hidden files, so an editor's swap file there is no change.
                    path.strip_prefix(&dep.path).is_ok_and(|rest| {
                        !rest
                            .components()
                            .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
                    })
                } else {
                    *path == dep.path
                };
                if hit {
                    return Some(path.file_name().map_or_else(
                        || path.display().to_string(),
                        |n| n.to_string_lossy().into(),
                    ));
                }
            }
        }
        None
    }
}

impl Session {
    /// Whether `path` is a file being written (the PDF, a picture) or a temporary file of one.
    fn is_output(&self, path: &Path) -> bool {
        self.targets.iter().any(|target| {
            if path == target {
                return true;
            }
            let (Some(name), Some(dir)) = (target.file_name(), target.parent()) else {
                return false;
            };
            let prefix = format!(".{}.", name.to_string_lossy());
            path.parent() == Some(dir)
                && path.file_name().is_some_and(|n| {
                    let n = n.to_string_lossy();
                    n.starts_with(&prefix) && n.ends_with(".partial")
                })
        })
    }
}

/// Whether two loads of a template have the same files (built-in ones never change).
fn same_template(old: &Template, new: &Template) -> bool {
    match (&old.origin, &new.origin) {
        (Origin::BuiltIn, Origin::BuiltIn) => old.manifest.name == new.manifest.name,
        _ => old.origin == new.origin && old.files == new.files,
    }
}

/// An absolute path with its folder resolved (links included), as watch events name them.
fn absolute(path: &Path) -> PathBuf {
    if let Ok(real) = std::fs::canonicalize(path) {
        return real;
    }
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    match (std::fs::canonicalize(parent), path.file_name()) {
        (Ok(dir), Some(name)) => dir.join(name),
        _ => path.to_path_buf(),
    }
}
