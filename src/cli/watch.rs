//! `brief watch`: builds, then rebuilds whenever anything the last build read changes (the
//! brief, its layers, a template folder; see `live::watcher`). One engine lives for the whole session, so typst's
//! caches make rebuilds incremental; old cache entries are evicted after every build.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::check::changes::Translations;
use crate::check::load;
use crate::cli::args::WatchArgs;
use crate::cli::context::Context;
use crate::diag::{Diagnostic, Files};
use crate::error::{AppError, Failure};
use crate::jobs::build;
use crate::live::watcher::{self, TemplateCache, Watcher};
use crate::output::{self, Durability, Output};
use crate::text::plural;
use crate::typeset::prepare::{self, BuildOptions};
use crate::typeset::preview::Plan;
use crate::typeset::world::Engine;

/// How long a failed build waits for another change before it reports: editors save in steps
/// (truncate, then write), and a half-saved file is not worth an error.
const GRACE: Duration = Duration::from_millis(300);

/// Typst's cache entries unused for this many compiles are dropped after each build.
const CACHE_AGE: usize = 10;

/// What stale translations are reported against: "changed in English but not in French since
/// the watch started".
const STARTED: &str = "the watch started";

/// What a session needs before its first build: the files it writes (checked to be
/// writable) and the engine it keeps.
fn start(args: &WatchArgs) -> Result<(Plan, Engine), AppError> {
    let plan = super::render::plan(&args.brief, args.output.as_ref(), &args.render)?;
    for target in plan.targets() {
        output::check_target(&target, &[&args.brief])?;
    }
    Ok((plan, Engine::with_font_folders(&args.font_paths)?))
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
    let mut watcher = match Watcher::new() {
        Ok(watcher) => watcher,
        Err(error) => return ctx.report(&files, error.into()),
    };
    for target in plan.targets() {
        if let Some(path) = target.path() {
            watcher.ignore_output(path);
        }
    }
    let mut session = Session {
        engine,
        templates: TemplateCache::default(),
        watcher,
        plan,
        shown: HashSet::new(),
        unchanged: 0,
        started_from: None,
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
        let deps = watcher::to_watch(&args.brief, args.input.templates.as_deref(), &files);
        session.watcher.rewatch(deps);
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
                if let Some(changed) = session.watcher.wait(Some(GRACE), &stop) {
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
        match session.watcher.wait(None, &stop) {
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
    templates: TemplateCache,
    watcher: Watcher,
    /// What to write.
    plan: Plan,
    /// The warnings the last build printed or kept quiet (what each says and the words it
    /// marks): one printed before is not printed again until it changes.
    shown: HashSet<String>,
    /// How many of this build's warnings were shown before.
    unchanged: usize,
    /// The texts given per language in the edition the session started from (its first
    /// build that read the brief without errors): a later build warns about each text changed
    /// since in one language but not in the others.
    started_from: Option<Translations>,
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
        let texts = Translations::of(&briefs[0].root, template, files);
        match &self.started_from {
            Some(before) => {
                let stale = texts.stale_since(before, STARTED);
                self.warn(ctx, files, &stale, &mut seen);
            }
            None => self.started_from = Some(texts),
        }
        // The template's default standards, as `brief build` without --pdf-standard.
        let standards = prepare::pdf_standards(&template.manifest.pdf_standard);
        let compiled = self.templates.get(template);
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
            self.watcher.ignore_output(path);
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
}
