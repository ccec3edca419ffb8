//! Batches: one job run once per item (a personalized copy per participant) on every core,
//! with a progress bar on a terminal, typst's memo cache kept bounded, and every item's
//! problems collected instead of stopping at the first.
//!
//! The runner knows nothing about what a job makes: `brief build --per-participant` hands it
//! a job that typesets and writes one copy of the note; a handout hands it one that typesets a
//! bundle. What the items share (the engine, the compiled template, the brief's data) is
//! borrowed by the job, so typst's caches, which are global, serve every thread.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::diag::{Diagnostic, Files};

/// After how many finished items the memo cache is trimmed. Trimming walks every cache and
/// clears typst's lookup accelerators, so it is not done after each item; between trims the
/// cache grows with every copy. Every few items keeps peak memory low at no cost in time
/// (docs/benchmarks.md, Personalized copies).
const EVICT_EVERY: usize = 4;

/// How many trims a cached result may go unused before it is dropped. What copies share (the
/// brief's paragraphs, boxes, fonts' shaping) is used by every copy and stays; what only one
/// copy used (its header and footer, its page runs) goes.
const EVICT_AGE: usize = 2;

/// Trims typst's memo cache as [`run`] does between items, for a job that makes several
/// things itself (a chunk of copies of a merged print file): `done` counts what has been made
/// so far, over every thread; every [`EVICT_EVERY`]th trims.
pub fn trim_after(done: usize) {
    if done.is_multiple_of(EVICT_EVERY) {
        typst::comemo::evict(EVICT_AGE);
    }
}

/// The threads to use for `items` items: one per core (as the system reports them), never
/// more than there are items, at least one.
pub fn threads(items: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    cores.min(items).max(1)
}

/// A progress bar over `len` items on standard error, drawn only when `visible` and standard
/// error is a terminal (a log file or a pipe gets no bar, only the summary line).
pub fn progress(len: usize, unit: &str, visible: bool) -> ProgressBar {
    if !visible || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len as u64), ProgressDrawTarget::stderr());
    let template = format!("{{bar:40.cyan/blue}} {{pos}}/{{len}} {unit} ({{elapsed}}) {{msg}}");
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(style.progress_chars("█▉▊▋▌▍▎▏ "));
    }
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// What a batch produced.
pub struct Finished<T> {
    /// Each item's result, in the order of the items: what the job made, or its problems
    /// (registered in the [`Files`] given to [`run`]).
    pub results: Vec<Result<T, Vec<Diagnostic>>>,
    /// The warnings the jobs raised, each distinct one once (every copy of a note raises the
    /// same ones).
    pub warnings: Vec<Diagnostic>,
}

impl<T> Finished<T> {
    /// The positions of the items that failed, with their problems.
    pub fn failures(&self) -> impl Iterator<Item = (usize, &[Diagnostic])> {
        self.results
            .iter()
            .enumerate()
            .filter_map(|(i, r)| r.as_ref().err().map(|p| (i, p.as_slice())))
    }

    /// Every item's output when all succeeded; otherwise the failures, in item order.
    pub fn all(self) -> Result<Vec<T>, Vec<(usize, Vec<Diagnostic>)>> {
        let mut done = Vec::with_capacity(self.results.len());
        let mut failed = Vec::new();
        for (i, result) in self.results.into_iter().enumerate() {
            match result {
                Ok(value) => done.push(value),
                Err(problems) => failed.push((i, problems)),
            }
        }
        if failed.is_empty() {
            Ok(done)
        } else {
            Err(failed)
        }
    }
}

/// Runs `job` once for each item on `threads` threads and gives every result in item order.
///
/// A job gets the item, a [`Files`] of its thread's own for the diagnostics it makes, and a
/// list to push warnings to. A failing item does not stop the others: the batch runs to the
/// end so that every failure can be reported at once. Diagnostics are moved over to `files`.
pub fn run<I, T, J>(
    items: &[I],
    threads: usize,
    progress: &ProgressBar,
    files: &mut Files,
    job: J,
) -> Finished<T>
where
    I: Sync,
    T: Send,
    J: Fn(&I, &mut Files, &mut Vec<Diagnostic>) -> Result<T, Vec<Diagnostic>> + Sync,
{
    let next = AtomicUsize::new(0);
    let finished = AtomicUsize::new(0);
    let threads = threads.clamp(1, items.len().max(1));
    let worker = || {
        let mut local = Files::default();
        let mut results = Vec::new();
        let mut warnings = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { break };
            let result = job(item, &mut local, &mut warnings);
            results.push((i, result));
            progress.inc(1);
            if (finished.fetch_add(1, Ordering::Relaxed) + 1).is_multiple_of(EVICT_EVERY) {
                typst::comemo::evict(EVICT_AGE);
            }
        }
        (local, results, warnings)
    };
    let outcomes: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads).map(|_| scope.spawn(worker)).collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    progress.finish_and_clear();

    let mut slots: Vec<Option<Result<T, Vec<Diagnostic>>>> =
        std::iter::repeat_with(|| None).take(items.len()).collect();
    let mut warnings: Vec<Diagnostic> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (local, results, mut local_warnings) in outcomes {
        // The same warning from every copy is one warning: keep the first of each (message,
        // file, place), before registering its file.
        local_warnings.retain(|w| {
            let place = w
                .span
                .map(|s| (local.name(s.file).to_string(), s.start, s.end));
            seen.insert((w.message.clone(), place))
        });
        let mut results = results;
        let problems = results
            .iter_mut()
            .filter_map(|(_, r)| r.as_mut().err())
            .flatten();
        files.adopt(&local, local_warnings.iter_mut().chain(problems));
        warnings.append(&mut local_warnings);
        for (i, result) in results {
            slots[i] = Some(result);
        }
    }
    Finished {
        results: slots
            .into_iter()
            .map(|slot| slot.expect("every item was run once"))
            .collect(),
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_item_order_with_every_failure() {
        let items: Vec<usize> = (0..50).collect();
        let mut files = Files::default();
        let finished = run(
            &items,
            3,
            &ProgressBar::hidden(),
            &mut files,
            |&i, local, warnings| {
                warnings.push(Diagnostic::warning(None, "the same warning"));
                if i % 7 == 3 {
                    let key = local.add("item.txt", format!("item {i}\n"));
                    let span = crate::diag::Span::new(key, 0..4);
                    Err(vec![Diagnostic::error(
                        Some(span),
                        format!("item {i} failed"),
                    )])
                } else {
                    Ok(i * 10)
                }
            },
        );
        assert_eq!(finished.warnings.len(), 1, "one warning, not one per item");
        let failed: Vec<usize> = finished.failures().map(|(i, _)| i).collect();
        assert_eq!(failed, vec![3, 10, 17, 24, 31, 38, 45]);
        for (i, problems) in finished.failures() {
            let span = problems[0].span.unwrap();
            assert_eq!(files.text(span.file), format!("item {i}\n"));
        }
        for (i, result) in finished.results.iter().enumerate() {
            if let Ok(value) = result {
                assert_eq!(*value, i * 10);
            }
        }
        assert!(finished.all().is_err());
    }

    #[test]
    fn no_threads_beyond_the_items() {
        assert_eq!(threads(1), 1);
        assert!(threads(1000) >= 1);
        let finished = run(
            &[1, 2],
            8,
            &ProgressBar::hidden(),
            &mut Files::default(),
            |&i, _, _| Ok::<_, Vec<Diagnostic>>(i),
        );
        assert_eq!(finished.all().unwrap(), vec![1, 2]);
    }
}
