//! `brief preview`'s session: builds the brief (or its handout) into pages, publishes them to
//! the server's view, and builds again on every change to what the build read, with one
//! engine for the whole session as `brief watch` has. A failed build publishes its problems
//! and keeps the last good pages.
//!
//! The build runs on the session's own thread, apart from the server's: a build that takes
//! long (a runaway template) leaves the page answering, showing "building". The one call that
//! typesets is [`Session::build`], so a time budget can wrap it.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use typst_layout::PagedDocument;

use crate::check::changes::Translations;
use crate::check::load::{self, Sources};
use crate::diag::{self, Diagnostic, Files};
use crate::error::{AppError, Failure};
use crate::jobs::build;
use crate::jobs::handout::Handout;
use crate::live::locate::Index;
use crate::live::state::{Problems, Shared};
use crate::live::watcher::{self, TemplateCache, Watcher};
use crate::model::brief::Provenance;
use crate::model::print::PrintOverrides;
use crate::text::plural;
use crate::typeset::prepare::BuildOptions;
use crate::typeset::world::Engine;

/// How long a failed build waits for another change before it reports: editors save in steps.
const GRACE: Duration = Duration::from_millis(300);

/// Typst's cache entries unused for this many compiles are dropped after each build.
const CACHE_AGE: usize = 10;

/// The build identifier the preview's footers print: one derived from the inputs would change
/// with every edit, and every page with it.
const PREVIEW_ID: &str = "preview";

/// What to build.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The brief.
    pub brief: PathBuf,
    /// `--set`, `--templates`, `--lang`.
    pub sources: Sources,
    /// `--paper`, `--binding`.
    pub print: PrintOverrides,
    /// `--grayscale`.
    pub grayscale: bool,
    /// The whole handout instead of the note.
    pub handout: bool,
}

/// What the session tells the terminal about.
pub enum Event<'a> {
    /// Warnings of a build, against its files.
    Warnings(&'a Files, &'a [Diagnostic]),
    /// A build made pages.
    Built {
        /// What set it off.
        reason: &'a str,
        /// The page count.
        pages: usize,
        /// How long it took.
        millis: u128,
    },
    /// A build failed; the problems are in its files.
    Failed {
        /// What set it off.
        reason: &'a str,
        /// The build's files.
        files: &'a Files,
        /// What went wrong.
        failure: &'a Failure,
        /// Whether an earlier build's pages are on show.
        earlier: bool,
    },
}

/// A preview session: the engine, the last compiled template, what is watched.
pub struct Session {
    options: Options,
    engine: Engine,
    templates: TemplateCache,
    watcher: Watcher,
    /// The texts given per language in the edition the session started from (its first
    /// build that read the brief without errors), for the warnings about stale translations.
    started_from: Option<Translations>,
}

/// A good build: the pages and what the index needs.
pub struct Built {
    /// The pages.
    pub document: PagedDocument,
    /// Typesetting's warnings.
    pub warnings: Vec<Diagnostic>,
    /// Where each value of each brief typeset came from.
    pub origins: Vec<Vec<Provenance>>,
}

impl Session {
    /// A session with its engine (fonts loaded once).
    pub fn new(options: Options, engine: Engine) -> Result<Self, AppError> {
        Ok(Self {
            options,
            engine,
            templates: TemplateCache::default(),
            watcher: Watcher::new()?,
            started_from: None,
        })
    }

    /// Builds once: the brief's editions (or its handout) typeset into pages, nothing written.
    pub fn build(&mut self, files: &mut Files) -> Result<Built, Failure> {
        let options = &self.options;
        if options.handout {
            let handout = Handout::load(&options.brief, &options.sources, options.print, files)?;
            let laid_out = handout.lay_out(&self.engine, files)?;
            let mut warnings = handout.warnings.clone();
            warnings.extend(handout.missing_glyphs(&self.engine));
            warnings.extend(laid_out.assembled.warnings.iter().cloned());
            let origins = handout
                .parts
                .iter()
                .map(|p| p.brief.origins.clone())
                .collect();
            return Ok(Built {
                document: laid_out.assembled.document,
                warnings,
                origins,
            });
        }
        let briefs = load::load_editions(&options.brief, &options.sources, files)?;
        let mut warnings: Vec<Diagnostic> =
            briefs.iter().flat_map(|b| b.warnings.clone()).collect();
        let texts = Translations::of(&briefs[0].root, &briefs[0].template, files);
        match &self.started_from {
            Some(before) => warnings.extend(texts.stale_since(before, "the preview started")),
            None => self.started_from = Some(texts),
        }
        let compiled = self.templates.get(&briefs[0].template);
        let one = BuildOptions {
            grayscale: options.grayscale,
            print: options.print,
            build_id: Some(PREVIEW_ID.into()),
            ..Default::default()
        };
        let each = vec![one; briefs.len()];
        let (document, typeset) = build::document(&self.engine, compiled, &briefs, &each, files)?;
        warnings.extend(typeset);
        Ok(Built {
            document,
            warnings,
            origins: briefs.into_iter().map(|b| b.origins).collect(),
        })
    }

    /// Builds, publishes to `shared`, and builds again on every change until `stop` is set.
    pub fn run(&mut self, shared: &Shared, stop: &AtomicBool, tell: &dyn Fn(Event<'_>)) {
        let mut reason = String::from("first build");
        while !stop.load(Ordering::SeqCst) {
            shared.building();
            let started = Instant::now();
            let mut files = Files::default();
            let result = self.build(&mut files);
            typst::comemo::evict(CACHE_AGE);
            let deps = watcher::to_watch(
                &self.options.brief,
                self.options.sources.templates.as_deref(),
                &files,
            );
            self.watcher.rewatch(deps);
            match result {
                Ok(built) => {
                    tell(Event::Warnings(&files, &built.warnings));
                    let origins: Vec<&[Provenance]> =
                        built.origins.iter().map(Vec::as_slice).collect();
                    let index = Index::new(&built.document, &origins, &files);
                    let pages = built.document.pages();
                    let millis = started.elapsed().as_millis();
                    let summary =
                        format!("{} page{} in {millis} ms", pages.len(), plural(pages.len()));
                    shared.publish(pages, index, summary);
                    tell(Event::Built {
                        reason: &reason,
                        pages: pages.len(),
                        millis,
                    });
                }
                Err(failure) => {
                    if let Some(changed) = self.watcher.wait(Some(GRACE), stop) {
                        reason = changed;
                        continue;
                    }
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let problems = problems(&files, &failure);
                    let summary = format!(
                        "not built ({} problem{})",
                        problems.errors,
                        plural(problems.errors)
                    );
                    shared.fail(problems, summary);
                    tell(Event::Failed {
                        reason: &reason,
                        files: &files,
                        failure: &failure,
                        earlier: !shared.lock().pages.is_empty(),
                    });
                }
            }
            match self.watcher.wait(None, stop) {
                Some(changed) => reason = changed,
                None => break,
            }
        }
    }
}

/// A failure's report as the terminal prints it, without colour.
pub fn problems(files: &Files, failure: &Failure) -> Problems {
    match failure {
        Failure::App(error) => Problems {
            text: format!("{error}\n"),
            errors: 1,
        },
        Failure::Problems(found) => Problems {
            text: diag::render(files, found),
            errors: found.iter().filter(|p| p.is_error()).count(),
        },
    }
}

/// Starts a session on its own thread; `shared` is published to as it builds.
pub fn spawn(
    mut session: Session,
    shared: Arc<Shared>,
    stop: Arc<AtomicBool>,
    tell: Box<dyn Fn(Event<'_>) + Send>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || session.run(&shared, &stop, &*tell))
}
