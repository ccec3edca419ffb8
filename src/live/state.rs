//! What the preview shows, shared between the session that builds and the threads that serve
//! browsers: the last good pages (as SVG), the problems of a failed build over them, whether a
//! build is running, and the index that takes a click back to the brief. Every change bumps
//! a generation number and wakes the event streams.

use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use serde_json::{Value as Json, json};
use typst_layout::Page;

use crate::live::locate::Index;
use crate::typeset::preview::{self, PictureFormat, PictureOptions};

/// One page as the browser gets it.
#[derive(Clone)]
pub struct PageView {
    /// A hash of the laid-out page: the same hash, the same picture.
    pub version: String,
    /// Width and height in points.
    pub width: f64,
    /// Height in points.
    pub height: f64,
    /// The page as SVG.
    pub svg: Arc<String>,
}

/// The problems of the last build, when it failed, as the terminal printed them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problems {
    /// The report, without colour (`error: ...`, the source line, the caret, hints).
    pub text: String,
    /// How many errors it has.
    pub errors: usize,
}

/// What every browser is shown.
#[derive(Default)]
pub struct View {
    /// Bumped on every change.
    pub generation: u64,
    /// Whether a build is running.
    pub building: bool,
    /// Whether a build has finished at all, good or bad.
    pub started: bool,
    /// The last good build's pages.
    pub pages: Vec<PageView>,
    /// The last build's problems, if it failed (the pages are then the build before).
    pub problems: Option<Problems>,
    /// The last good build's text and values.
    pub index: Option<Arc<Index>>,
    /// What the last build said, in a few words (`3 pages in 12 ms`).
    pub summary: String,
    /// Set when the session ends: event streams close.
    pub stopped: bool,
}

/// The view behind a lock, with a signal for each change.
#[derive(Default)]
pub struct Shared {
    view: Mutex<View>,
    changed: Condvar,
}

impl Shared {
    /// The view, locked.
    pub fn lock(&self) -> MutexGuard<'_, View> {
        self.view.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Changes the view and wakes everyone waiting for a change.
    pub fn update(&self, change: impl FnOnce(&mut View)) {
        let mut view = self.lock();
        change(&mut view);
        view.generation += 1;
        drop(view);
        self.changed.notify_all();
    }

    /// Waits until the generation is past `seen` (or `timeout` passes); returns the view.
    pub fn wait_past(&self, seen: u64, timeout: Duration) -> MutexGuard<'_, View> {
        let view = self.lock();
        let (view, _) = self
            .changed
            .wait_timeout_while(view, timeout, |v| v.generation <= seen && !v.stopped)
            .unwrap_or_else(|e| e.into_inner());
        view
    }

    /// A build has started.
    pub fn building(&self) {
        self.update(|v| v.building = true);
    }

    /// A build made these pages: pages that did not change keep their picture, the others
    /// are drawn (on every core).
    pub fn publish(&self, pages: &[Page], index: Index, summary: String) {
        let old: Vec<PageView> = self.lock().pages.clone();
        let versions: Vec<String> = pages
            .iter()
            .map(|p| format!("{:032x}", typst::utils::hash128(p)))
            .collect();
        let redraw: Vec<usize> = (0..pages.len())
            .filter(|&i| !old.iter().any(|o| o.version == versions[i]))
            .map(|i| i + 1)
            .collect();
        let options = PictureOptions {
            formats: vec![PictureFormat::Svg],
            ppi: 72.0,
        };
        let mut drawn = preview::render(pages, &redraw, &options).into_iter();
        let views: Vec<PageView> = pages
            .iter()
            .zip(versions)
            .map(|(page, version)| {
                let svg = match old.iter().find(|o| o.version == version) {
                    Some(same) => same.svg.clone(),
                    None => {
                        let picture = drawn.next().expect("one picture per page redrawn");
                        Arc::new(String::from_utf8(picture.bytes).expect("SVG is text"))
                    }
                };
                PageView {
                    version,
                    width: page.frame.width().to_pt(),
                    height: page.frame.height().to_pt(),
                    svg,
                }
            })
            .collect();
        self.update(|v| {
            v.building = false;
            v.started = true;
            v.pages = views;
            v.problems = None;
            v.index = Some(Arc::new(index));
            v.summary = summary;
        });
    }

    /// A build failed: its problems go over the last good pages.
    pub fn fail(&self, problems: Problems, summary: String) {
        self.update(|v| {
            v.building = false;
            v.started = true;
            v.problems = Some(problems);
            v.summary = summary;
        });
    }

    /// The session ends.
    pub fn stop(&self) {
        self.update(|v| v.stopped = true);
    }
}

impl View {
    /// What the page's script is sent on every change.
    pub fn to_json(&self) -> Json {
        json!({
            "generation": self.generation,
            "building": self.building,
            "started": self.started,
            "pages": self.pages.iter().map(|p| json!({
                "version": p.version,
                "width": p.width,
                "height": p.height,
            })).collect::<Vec<_>>(),
            "problems": self.problems.as_ref().map(|p| json!({
                "text": p.text,
                "errors": p.errors,
            })),
            "summary": self.summary,
        })
    }
}
