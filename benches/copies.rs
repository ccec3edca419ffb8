//! Benchmark of personalized copies: 200 copies of the example note (each 2+ pages, "Prepared
//! for NAME" on every page) on 2 threads, against a plain loop that typesets every copy from
//! scratch, with where the time goes (typesetting vs PDF export) and the peak memory of the
//! release binary doing the same.
//!
//! Run with `cargo bench --bench copies`. `BRIEF_BENCH_RUNS` sets the runs per figure
//! (default 7); `BRIEF_BENCH_COPIES` the number of copies (default 200).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use brief::check::load;
use brief::diag::Files;
use brief::jobs::batch;
use brief::jobs::copies::{self, Destination, Job, Recipient};
use brief::model::brief::Brief;
use brief::typeset;
use brief::typeset::fonts::Fonts;
use brief::typeset::prepare::{self, BuildOptions};
use brief::typeset::world::{BriefWorld, Compiled, Engine};
use indicatif::ProgressBar;

mod common;
use common::{big_brief, env_number, median, peak_rss_kib};

/// Threads, as on the 2-core machines the target is set for.
const THREADS: usize = 2;

fn secs(d: Duration) -> String {
    format!("{:.3} s", d.as_secs_f64())
}

/// CPU time this thread has run, from Linux's scheduler statistics: unlike wall time, not
/// inflated when other processes share the cores.
fn thread_cpu() -> Duration {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .map_or(Duration::ZERO, Duration::from_nanos)
}

/// CPU time of this process (user + system), all threads.
fn process_cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command name in parentheses; utime and stime are the 12th and 13th.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<u64> = rest
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|f| f.parse().ok())
        .collect();
    // Clock ticks of 10 ms (USER_HZ is 100 on Linux).
    Duration::from_millis(fields.iter().sum::<u64>() * 10)
}

/// Wall time and CPU time of `f`.
fn timed<T>(f: impl FnOnce() -> T) -> (Duration, Duration, T) {
    let (wall, cpu) = (Instant::now(), process_cpu());
    let value = f();
    (wall.elapsed(), process_cpu() - cpu, value)
}

/// Per-copy time spent typesetting and exporting, summed over threads.
#[derive(Default)]
struct Split {
    compile: Duration,
    export: Duration,
}

/// The reused path, as `brief build --per-participant` runs it: one engine, one compiled
/// template, one world whose clones differ only in the copy file. Returns the pages.
fn reused(
    brief: &Brief,
    engine: &Engine,
    compiled: &Compiled,
    recipients: &[Recipient],
    split: Option<&Mutex<Split>>,
) -> usize {
    let mut files = Files::default();
    let options = BuildOptions::default();
    let prepared = prepare::prepare(engine, compiled, brief, &options, &mut files)
        .unwrap_or_else(|_| panic!("the brief prepares"));
    let finished = batch::run(
        recipients,
        THREADS,
        &ProgressBar::hidden(),
        &mut files,
        |recipient, local, warnings| {
            let t = thread_cpu();
            let document =
                copies::compile_copy(&prepared.world, compiled, recipient, local, warnings)?;
            let t1 = thread_cpu();
            let pdf = typeset::export_pdf(
                &document,
                &[(&prepared.world, compiled)],
                local,
                &recipient.ident(&prepared.build_id),
                prepared.date,
                &[],
            )?;
            if let Some(split) = split {
                let mut split = split.lock().unwrap();
                split.compile += t1 - t;
                split.export += thread_cpu() - t1;
            }
            std::hint::black_box(&pdf);
            Ok(document.pages().len())
        },
    );
    finished
        .all()
        .unwrap_or_else(|_| panic!("every copy typesets"))
        .iter()
        .sum()
}

/// The plain loop: each copy is its own build, its recipient part of the data the template
/// reads (so nothing typst derived from the data carries over to the next copy), the template
/// parsed again, and typst's cache trimmed after each compile as typst's own watch does.
fn naive(brief: &Brief, engine: &Engine, recipients: &[Recipient]) -> usize {
    let options = BuildOptions::default();
    let data = prepare::data(brief, &options);
    let date = prepare::document_date(brief).unwrap();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let pages = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..THREADS {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(recipient) = recipients.get(i) else {
                        break;
                    };
                    let compiled = Compiled::new(&brief.template);
                    let mut json: serde_json::Value = serde_json::from_slice(&data.json).unwrap();
                    json["copy"] = serde_json::from_slice(&recipient.copy_json()).unwrap();
                    let world = BriefWorld::new(
                        engine,
                        &compiled,
                        json.to_string().into_bytes(),
                        data.source.clone(),
                        date.and_then(typeset::to_datetime),
                    )
                    .with_copy(recipient.copy_json());
                    let mut files = Files::default();
                    let output = typeset::typeset(
                        &world,
                        &compiled,
                        &mut files,
                        &recipient.ident(&data.build_id),
                        date,
                        &[],
                    )
                    .unwrap_or_else(|_| panic!("the copy typesets"));
                    typst::comemo::evict(10);
                    std::hint::black_box(&output.pdf);
                    pages.fetch_add(output.pages, std::sync::atomic::Ordering::Relaxed);
                }
            });
        }
    });
    pages.into_inner()
}

/// Wall time, CPU time and peak resident memory of the release binary making the copies; the
/// last two measured with GNU time when it is installed.
fn binary_run(
    binary: &str,
    args: &[&str],
    dir: &Path,
) -> (Duration, Option<Duration>, Option<u64>) {
    let gnu_time = Path::new("/usr/bin/time");
    let start = Instant::now();
    let output = if gnu_time.is_file() {
        Command::new(gnu_time)
            .args(["-f", "peak-rss-kib %M\ncpu-seconds %U %S"])
            .arg(binary)
            .args(args)
            .current_dir(dir)
            .output()
    } else {
        Command::new(binary).args(args).current_dir(dir).output()
    }
    .expect("the brief binary runs");
    let elapsed = start.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "brief failed: {stderr}");
    let rss = stderr
        .lines()
        .find_map(|l| l.strip_prefix("peak-rss-kib "))
        .and_then(|n| n.trim().parse().ok());
    let cpu = stderr
        .lines()
        .find_map(|l| l.strip_prefix("cpu-seconds "))
        .map(|n| {
            n.split_whitespace()
                .filter_map(|x| x.parse::<f64>().ok())
                .sum::<f64>()
        })
        .map(Duration::from_secs_f64);
    (elapsed, cpu, rss)
}

/// Wall and CPU samples of one figure.
#[derive(Default)]
struct Samples {
    wall: Vec<Duration>,
    cpu: Vec<Duration>,
}

impl Samples {
    fn push(&mut self, wall: Duration, cpu: Duration) {
        self.wall.push(wall);
        self.cpu.push(cpu);
    }

    fn wall(&self) -> Duration {
        median(self.wall.clone())
    }

    fn line(&self, label: &str, baseline: Option<&Samples>) -> String {
        let wall = self.wall();
        let cpu = median(self.cpu.clone());
        let ratio = baseline.map_or(String::new(), |b| {
            format!(
                "  {:.1}x faster (CPU {:.1}x)",
                b.wall().as_secs_f64() / wall.as_secs_f64(),
                median(b.cpu.clone()).as_secs_f64() / cpu.as_secs_f64()
            )
        });
        format!("  {label:<44} {}  (CPU {}){ratio}", secs(wall), secs(cpu))
    }
}

fn main() {
    let runs = env_number("BRIEF_BENCH_RUNS", 7);
    let count = env_number("BRIEF_BENCH_COPIES", 200);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let example = std::fs::read_to_string(root.join("briefs/canada-korea-defence-2025.yaml"))
        .expect("the example brief");
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("roundtable.yaml");
    std::fs::write(&path, big_brief(&example, count)).unwrap();

    let mut files = Files::default();
    let brief = load::load(&path, &Default::default(), &mut files)
        .unwrap_or_else(|_| panic!("the {count}-participant brief checks"));
    let recipients = copies::recipients(&brief).unwrap_or_else(|_| panic!("names print"));
    assert_eq!(recipients.len(), count);
    let engine = Engine::new(Fonts::embedded());
    let compiled = Compiled::new(&brief.template);

    // The plain loop, from scratch every copy.
    let mut plain = Samples::default();
    let mut plain_pages = 0;
    for _ in 0..runs {
        typst::comemo::evict(0);
        let (wall, cpu, pages) = timed(|| naive(&brief, &engine, &recipients));
        plain.push(wall, cpu);
        plain_pages = pages;
    }

    // The reused path, cold (the first batch after start-up, as `brief build` runs it) and
    // warm (the same batch again in the same process).
    let mut cold = Samples::default();
    let mut warm = Samples::default();
    let mut pages = 0;
    for _ in 0..runs {
        typst::comemo::evict(0);
        let (wall, cpu, p) = timed(|| reused(&brief, &engine, &compiled, &recipients, None));
        cold.push(wall, cpu);
        pages = p;
        let (wall, cpu, _) = timed(|| reused(&brief, &engine, &compiled, &recipients, None));
        warm.push(wall, cpu);
    }
    assert_eq!(pages, plain_pages, "both make the same pages");
    assert!(pages >= 2 * count, "every copy has 2+ pages");

    // Where the time goes, in a cold batch: CPU time of each step, summed over threads.
    typst::comemo::evict(0);
    let split = Mutex::new(Split::default());
    reused(&brief, &engine, &compiled, &recipients, Some(&split));
    let split = split.into_inner().unwrap();

    // The whole of copies::make: one file each (each synced to disk), or one merged file.
    let options = BuildOptions::default();
    let prepared = prepare::prepare(&engine, &compiled, &brief, &options, &mut files)
        .unwrap_or_else(|_| panic!("prepares"));
    let compile = |r: &Recipient, local: &mut Files, warnings: &mut Vec<_>| {
        copies::compile_copy(&prepared.world, &compiled, r, local, warnings)
    };
    let export = |document: &typst_layout::PagedDocument, ident: &str, local: &mut Files| {
        typeset::export_pdf(
            document,
            &[(&prepared.world, &compiled)],
            local,
            ident,
            prepared.date,
            &[],
        )
    };
    let hidden = ProgressBar::hidden();
    let job = Job {
        compile: &compile,
        export: &export,
        build_id: &prepared.build_id,
        threads: THREADS,
        progress: hidden.clone(),
        pad: None,
    };
    let mut folder = Samples::default();
    let mut merged = Samples::default();
    for _ in 0..runs {
        for (destination, samples) in [
            (
                Destination::Folder {
                    dir: dir.path().join("copies"),
                    brief: dir.path().join("roundtable.yaml"),
                },
                &mut folder,
            ),
            (
                Destination::Merged(dir.path().join("merged.pdf").into()),
                &mut merged,
            ),
        ] {
            typst::comemo::evict(0);
            let (wall, cpu, written) =
                timed(|| copies::make(&recipients, &destination, &job, &mut files));
            assert!(written.is_ok(), "the copies are written");
            samples.push(wall, cpu);
        }
    }
    let in_process_rss = peak_rss_kib();

    // The release binary, start to finish.
    let binary = env!("CARGO_BIN_EXE_brief");
    let mut bin_folder = Samples::default();
    let mut bin_merged = Samples::default();
    let (mut rss_folder, mut rss_merged) = (None, None);
    for _ in 0..runs {
        let args = ["build", "-q", "roundtable.yaml", "--per-participant"];
        let (wall, cpu, rss) = binary_run(binary, &args, dir.path());
        bin_folder.push(wall, cpu.unwrap_or_default());
        rss_folder = rss_folder.max(rss);
        let args = [
            "build",
            "-q",
            "roundtable.yaml",
            "--per-participant",
            "--merged",
        ];
        let (wall, cpu, rss) = binary_run(binary, &args, dir.path());
        bin_merged.push(wall, cpu.unwrap_or_default());
        rss_merged = rss_merged.max(rss);
    }

    println!(
        "{count} personalized copies of the example note ({pages} pages), {THREADS} threads, median of {runs} runs"
    );
    println!(
        "{}",
        plain.line("plain loop, every copy from scratch", None)
    );
    println!(
        "{}",
        cold.line("reused, compile + export, cold caches", Some(&plain))
    );
    println!(
        "{}",
        warm.line("reused, compile + export, warm caches", Some(&plain))
    );
    println!(
        "    CPU per copy (cold): typesetting {:.2} ms, PDF export {:.2} ms",
        split.compile.as_secs_f64() * 1000.0 / count as f64,
        split.export.as_secs_f64() * 1000.0 / count as f64
    );
    println!(
        "{}",
        folder.line("copies::make, one file each (synced)", Some(&plain))
    );
    println!(
        "{}",
        merged.line("copies::make, one merged print file", Some(&plain))
    );
    let rss = |kib: Option<u64>| {
        kib.map_or("n/a (no /usr/bin/time)".into(), |k| {
            format!("{:.1} MiB", k as f64 / 1024.0)
        })
    };
    println!(
        "{}  peak {}",
        bin_folder.line("brief build --per-participant", None),
        rss(rss_folder)
    );
    println!(
        "{}  peak {}",
        bin_merged.line("brief build --per-participant --merged", None),
        rss(rss_merged)
    );
    println!(
        "  peak memory of this bench                    {}",
        rss(in_process_rss)
    );
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "  load average at the end: {} (on a busy machine wall times stretch; CPU times less)",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
}
