//! Benchmark of `brief watch` on the example brief: the time from saving an edit to the PDF on
//! disk changing (median and p90), and the watch process's memory after 10 and after 1,000
//! rebuilds.
//!
//! Run with `cargo bench --bench watch`. `BRIEF_BENCH_RUNS` sets the number of timed edits
//! (default 100); `BRIEF_BENCH_LONG` the number of rebuilds before the second memory reading
//! (default 1000).
//!
//! `BRIEF_BENCH_ALLOCATOR=1` measures instead what the memory budget's counting allocator
//! costs: two watches side by side, one with the budget (the default) and one without
//! (`BRIEF_MEMORY_LIMIT=0`, where the allocator passes every call straight to the system's),
//! edited in turn, each's median and the ratio.

use std::fs;
use std::io::Read;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod common;
use common::{env_number, ms};

/// The paragraph edited, and its second version.
const ORIGINAL: &str = "rapidly expanding their defence and";
const EDITED: &str = "quickly broadening their defence and";

/// How long one rebuild may take before the bench gives up.
const TIMEOUT: Duration = Duration::from_secs(20);

/// How long the watch is left alone after each rebuild, so that one edit's events are all
/// handled before the next edit (a person does not save every few milliseconds).
const IDLE: Duration = Duration::from_millis(30);

struct Watch {
    child: Child,
    log: Arc<Mutex<String>>,
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Watch {
    fn start(dir: &Path, brief: &str, env: &[(&str, &str)]) -> Watch {
        let mut child = Command::new(env!("CARGO_BIN_EXE_brief"))
            .args(["watch", brief])
            .envs(env.iter().copied())
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the brief binary starts");
        let mut stderr = child.stderr.take().expect("piped");
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
        Watch { child, log }
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    fn written(&self) -> usize {
        self.log().matches(": wrote ").count()
    }

    /// The CPU time the watch process has used (user and system), in clock ticks.
    fn cpu_ticks(&self) -> u64 {
        let stat = fs::read_to_string(format!("/proc/{}/stat", self.child.id()))
            .expect("/proc/PID/stat is readable");
        // The fields after the command's name (in parentheses, which may hold spaces).
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .map_or("", |(_, rest)| rest)
            .split_whitespace()
            .collect();
        let field = |i: usize| {
            fields
                .get(i)
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0)
        };
        // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
        field(11) + field(12)
    }

    /// VmHWM and VmRSS of the watch process, in KiB.
    fn memory(&self) -> (u64, u64) {
        let status = fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("/proc/PID/status is readable");
        let field = |name: &str| -> u64 {
            status
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        };
        (field("VmHWM:"), field("VmRSS:"))
    }
}

/// What identifies a version of the PDF without reading it.
fn stamp(path: &Path) -> Option<(u64, i64, i64, u64)> {
    let m = fs::metadata(path).ok()?;
    Some((m.len(), m.mtime(), m.mtime_nsec(), m.ino()))
}

struct Bench {
    watch: Watch,
    brief: PathBuf,
    pdf: PathBuf,
    texts: [String; 2],
    edits: usize,
}

impl Bench {
    /// Saves the next version of the brief and returns how long until the PDF's bytes changed.
    fn edit(&mut self) -> Duration {
        let before_stamp = stamp(&self.pdf);
        let before = fs::read(&self.pdf).expect("the PDF is there");
        let builds = self.watch.written();
        self.edits += 1;
        let text = &self.texts[self.edits % 2];
        let started = Instant::now();
        fs::write(&self.brief, text).expect("the brief is writable");
        let latency = loop {
            let now = stamp(&self.pdf);
            if now.is_some()
                && now != before_stamp
                && fs::read(&self.pdf).is_ok_and(|bytes| bytes != before)
            {
                break started.elapsed();
            }
            if started.elapsed() > TIMEOUT {
                panic!(
                    "the PDF did not change within {TIMEOUT:?}; stderr:\n{}",
                    self.watch.log()
                );
            }
            std::thread::sleep(Duration::from_micros(200));
        };
        // Let the watch finish this save (its line printed, stray events handled).
        let deadline = Instant::now() + TIMEOUT;
        while self.watch.written() <= builds && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
        std::thread::sleep(IDLE);
        latency
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

/// The example brief and its edited version.
fn texts() -> [String; 2] {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let original = fs::read_to_string(root.join("briefs/canada-korea-defence-2025.yaml"))
        .expect("the example brief");
    assert!(
        original.contains(ORIGINAL),
        "the edited words are in the brief"
    );
    let edited = original.replace(ORIGINAL, EDITED);
    [original, edited]
}

/// A watch of the example brief in `dir`, its first build done.
fn session(dir: &Path, env: &[(&str, &str)]) -> Bench {
    let texts = texts();
    let brief = dir.join("brief.yaml");
    fs::write(&brief, &texts[0]).unwrap();
    let pdf = dir.join("brief.pdf");
    let watch = Watch::start(dir, "brief.yaml", env);
    let deadline = Instant::now() + TIMEOUT;
    while watch.written() < 1 {
        assert!(
            Instant::now() < deadline,
            "no first build; stderr:\n{}",
            watch.log()
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    Bench {
        watch,
        brief,
        pdf,
        texts,
        edits: 0,
    }
}

/// The counting allocator's cost: watches with and without the memory budget, edited in
/// turn so that both see the same load on the machine.
fn allocator(runs: usize) {
    let (with_dir, without_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut with = session(with_dir.path(), &[]);
    let mut without = session(without_dir.path(), &[("BRIEF_MEMORY_LIMIT", "0")]);
    for _ in 0..10 {
        with.edit();
        without.edit();
    }
    let (mut a, mut b) = (Vec::new(), Vec::new());
    let (cpu_a, cpu_b) = (with.watch.cpu_ticks(), without.watch.cpu_ticks());
    for i in 0..runs {
        // Which goes first alternates, so neither always follows the other's build.
        if i % 2 == 0 {
            a.push(with.edit());
            b.push(without.edit());
        } else {
            b.push(without.edit());
            a.push(with.edit());
        }
    }
    // CPU time is what the allocator adds to; the latency also holds the machine's load.
    let cpu_a = with.watch.cpu_ticks() - cpu_a;
    let cpu_b = without.watch.cpu_ticks() - cpu_b;
    a.sort();
    b.sort();
    let (ma, mb) = (percentile(&a, 0.5), percentile(&b, 0.5));
    println!(
        "brief watch of briefs/canada-korea-defence-2025.yaml, with and without the memory budget, {runs} edits each in turn"
    );
    println!(
        "  counting allocator (default budget)   median {}, p90 {}",
        ms(ma),
        ms(percentile(&a, 0.9))
    );
    println!(
        "  system allocator (BRIEF_MEMORY_LIMIT=0) median {}, p90 {}",
        ms(mb),
        ms(percentile(&b, 0.9))
    );
    println!(
        "  ratio of medians (with / without)     {:.3}x",
        ma.as_secs_f64() / mb.as_secs_f64()
    );
    println!(
        "  CPU time of the watch, {runs} rebuilds   with {cpu_a} ticks, without {cpu_b} ticks ({:.3}x)",
        cpu_a as f64 / cpu_b.max(1) as f64
    );
}

fn main() {
    let runs = env_number("BRIEF_BENCH_RUNS", 100).max(1);
    let long = env_number("BRIEF_BENCH_LONG", 1000);
    if env_number("BRIEF_BENCH_ALLOCATOR", 0) == 1 {
        allocator(runs);
        return;
    }
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut bench = session(dir.path(), &[]);

    // Ten rebuilds, then the first memory reading.
    for _ in 0..10 {
        bench.edit();
    }
    let (hwm_10, rss_10) = bench.watch.memory();

    // The timed edits.
    let mut samples: Vec<Duration> = (0..runs).map(|_| bench.edit()).collect();
    samples.sort();

    // Up to `long` rebuilds in all, then the second memory reading.
    while bench.edits < long {
        bench.edit();
    }
    let (hwm_long, rss_long) = bench.watch.memory();
    let builds = bench.watch.written() - 1;

    println!("brief watch of briefs/canada-korea-defence-2025.yaml, one paragraph edited per save");
    println!(
        "  edit to PDF, median of {runs}        {}",
        ms(percentile(&samples, 0.5))
    );
    println!(
        "  edit to PDF, p90                  {}",
        ms(percentile(&samples, 0.9))
    );
    println!(
        "  edit to PDF, min / max            {} / {}",
        ms(samples[0]),
        ms(samples[samples.len() - 1])
    );
    println!(
        "  memory after 10 rebuilds          VmRSS {}, VmHWM {}",
        mib(rss_10),
        mib(hwm_10)
    );
    println!(
        "  memory after {} rebuilds        VmRSS {}, VmHWM {}",
        bench.edits,
        mib(rss_long),
        mib(hwm_long)
    );
    println!(
        "  ratio ({} / 10)                 VmRSS {:.2}x, VmHWM {:.2}x",
        bench.edits,
        rss_long as f64 / rss_10.max(1) as f64,
        hwm_long as f64 / hwm_10.max(1) as f64
    );
    println!(
        "  builds written by the watch       {builds} for {} saves",
        bench.edits
    );
    // The watch's own account of each build (read to written), without the wait for the
    // change to be noticed.
    let mut own: Vec<u64> = bench
        .watch
        .log()
        .lines()
        .filter(|l| l.contains(": wrote "))
        .skip(1)
        .filter_map(|l| l.rsplit(", ").next()?.strip_suffix(" ms)")?.parse().ok())
        .collect();
    own.sort_unstable();
    if !own.is_empty() {
        println!(
            "  build as the watch reports it     median {} ms",
            own[own.len() / 2]
        );
    }
}
