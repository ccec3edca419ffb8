//! What a rebuilding session watches: everything the last build read, and the folders the
//! template registry searches. Waits for a change to any of it (a save in steps counted once),
//! ignores the session's own writes, and keeps the last compiled template while its files stay
//! the same. `brief watch` and `brief preview` both run on it.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher as _};

use crate::diag::Files;
use crate::error::AppError;
use crate::model::template::{Origin, Template};
use crate::typeset::world::Compiled;

/// How long after a change further changes are collected into the same rebuild, unless the
/// save ends before (the file closed after writing, or renamed into place).
const SETTLE: Duration = Duration::from_millis(3);

type Events = Receiver<notify::Result<notify::Event>>;

/// Watches what a build read and says when any of it changes.
pub struct Watcher {
    inner: notify::RecommendedWatcher,
    events: Events,
    /// The folders being watched.
    watched: HashSet<PathBuf>,
    /// What the last build read: files, and template folders (everything below them).
    deps: Vec<Dependency>,
    /// The files the session writes (absolute): their own writes are never a change.
    targets: Vec<PathBuf>,
}

/// A file, or a folder whose whole content counts, named by its absolute path.
struct Dependency {
    path: PathBuf,
    folder: bool,
}

impl Watcher {
    /// A watcher that has watched nothing yet.
    pub fn new() -> Result<Self, AppError> {
        let (sender, events) = mpsc::channel();
        let inner = notify::recommended_watcher(sender)
            .map_err(|error| AppError::new(format!("cannot watch files ({error})")))?;
        Ok(Self {
            inner,
            events,
            watched: HashSet::new(),
            deps: Vec::new(),
            targets: Vec::new(),
        })
    }

    /// Notes a file the session writes, so that writing it is no change.
    pub fn ignore_output(&mut self, path: &Path) {
        let path = absolute(path);
        if !self.targets.contains(&path) {
            self.targets.push(path);
        }
    }

    /// Watches the folders holding what the last build read (a file's folder, so that an
    /// editor's save by rename is seen too).
    pub fn rewatch(&mut self, deps: Vec<PathBuf>) {
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
            if self.watched.insert(dir.clone()) && self.inner.watch(&dir, mode).is_err() {
                self.watched.remove(&dir);
            }
        }
    }

    /// Waits for a change to something the last build read; `None` when stopped or timed out.
    /// Returns what changed, in words.
    pub fn wait(&self, timeout: Option<Duration>, stop: &AtomicBool) -> Option<String> {
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
            match self.events.recv_timeout(slice) {
                Ok(Ok(event)) => {
                    if let Some(changed) = self.relevant(&event) {
                        // Collect the rest of this save, up to the file's close after writing
                        // (or its rename into place), which ends it.
                        let settle = Instant::now() + SETTLE;
                        let mut done = self.finishes(&event);
                        while let Some(left) = settle.checked_duration_since(Instant::now()) {
                            if done {
                                break;
                            }
                            match self.events.recv_timeout(left) {
                                Ok(Ok(next)) => done = self.finishes(&next),
                                Ok(Err(_)) => {}
                                Err(_) => break,
                            }
                        }
                        // What the system has already queued is of this save too (a second
                        // watch of the same folder, the save's last steps).
                        while self.events.try_recv().is_ok() {}
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
        self.dependency_in(event)
    }

    /// Whether `event` ends a save of something the last build read: the file closed after
    /// writing, or renamed into place (an editor's atomic save). Waiting out the rest of
    /// [`SETTLE`] after it would only delay the rebuild.
    fn finishes(&self, event: &notify::Event) -> bool {
        use notify::event::{AccessKind, AccessMode, EventKind, ModifyKind, RenameMode};
        let ends = matches!(
            event.kind,
            EventKind::Access(AccessKind::Close(AccessMode::Write))
                | EventKind::Modify(ModifyKind::Name(RenameMode::To | RenameMode::Both))
        );
        ends && self.dependency_in(event).is_some()
    }

    /// The name of the first path of `event` that the last build read (not one of the
    /// session's own outputs).
    fn dependency_in(&self, event: &notify::Event) -> Option<String> {
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

/// What to watch after a build of `brief`: everything it read, the brief, and the folders the
/// template registry searches (`--templates`, and templates/ beside the brief: a template
/// created or changed there can change which template the brief gets).
pub fn to_watch(brief: &Path, templates: Option<&Path>, files: &Files) -> Vec<PathBuf> {
    let mut deps: Vec<PathBuf> = files.dependencies().to_vec();
    let beside = brief.parent().unwrap_or(Path::new("")).join("templates");
    let always = std::iter::once(brief.to_path_buf())
        .chain(templates.map(Path::to_path_buf))
        .chain(std::iter::once(beside));
    for path in always {
        if !deps.contains(&path) {
            deps.push(path);
        }
    }
    deps
}

/// The last template compiled, kept while its files stay the same.
#[derive(Default)]
pub struct TemplateCache {
    last: Option<(Template, Compiled)>,
}

impl TemplateCache {
    /// The compiled `template`: the one kept, when its files are the same, else compiled now.
    pub fn get(&mut self, template: &Template) -> &Compiled {
        let reuse = matches!(&self.last, Some((old, _)) if same_template(old, template));
        if !reuse {
            self.last = Some((template.clone(), Compiled::new(template)));
        }
        &self.last.as_ref().expect("set above").1
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
pub fn absolute(path: &Path) -> PathBuf {
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
