//! Benchmark of the batch commands as a user runs them, each in a fresh process: `brief
//! handout` of the example, and 1,000 personalized copies of the example note, one file each
//! (`--per-participant`) and merged (`--per-participant --merged`), with the wall time, the
//! CPU time and the peak memory of each child (`wait4`), against the targets of issue #19.
//!
//! Run with `cargo bench --bench batch`. `BRIEF_BENCH_RUNS` sets the runs of the copies
//! (default 3; the handout runs ten times as often); `BRIEF_BENCH_COPIES` the number of copies
//! (default 1000). `BRIEF_BENCH_BASELINE=PATH` names another `brief` binary (an earlier
//! build) to run alternately with this one, each going first half the time, and prints the
//! ratios of the medians.
//!
//! The copies are written under the system's temporary folder (`TMPDIR`), and the bench says
//! which file system that is: this machine's own disk is ext4 without a journal, where
//! creating a thousand files soon after a thousand were removed (as replacing a batch does)
//! costs the kernel far more than on a journaled one (docs/benchmarks.md). `TMPDIR=DIR` runs
//! the same bench on another.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

mod common;
use common::{Child, big_brief, env_number, measure_child, median};

/// The medians of each figure.
fn medians(runs: &[Child]) -> Child {
    let mut peaks: Vec<u64> = runs.iter().map(|r| r.peak_kib).collect();
    peaks.sort_unstable();
    Child {
        wall: median(runs.iter().map(|r| r.wall).collect()),
        cpu: median(runs.iter().map(|r| r.cpu).collect()),
        system: median(runs.iter().map(|r| r.system).collect()),
        peak_kib: peaks[peaks.len() / 2],
    }
}

fn show(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{:.1} ms", d.as_secs_f64() * 1000.0)
    } else {
        format!("{:.2} s", d.as_secs_f64())
    }
}

/// One figure: what is run, and the target wall time and peak memory.
struct Case {
    label: &'static str,
    args: Vec<String>,
    runs: usize,
    wall_target: Duration,
    peak_target_mib: f64,
}

fn main() {
    let runs = env_number("BRIEF_BENCH_RUNS", 3);
    let count = env_number("BRIEF_BENCH_COPIES", 1000);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let example = root.join("briefs/canada-korea-defence-2025.yaml");
    let text = std::fs::read_to_string(&example).expect("the example brief");
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(dir.path().join("roundtable.yaml"), big_brief(&text, count)).unwrap();
    let ours = PathBuf::from(env!("CARGO_BIN_EXE_brief"));
    let baseline = std::env::var_os("BRIEF_BENCH_BASELINE").map(PathBuf::from);
    let handout_out = dir.path().join("handout.pdf");
    let cases = [
        Case {
            label: "brief handout of the example",
            args: vec![
                "handout".into(),
                "--quiet".into(),
                "-o".into(),
                handout_out.display().to_string(),
                example.display().to_string(),
            ],
            runs: runs * 10,
            wall_target: Duration::from_millis(60),
            peak_target_mib: f64::INFINITY,
        },
        Case {
            label: "copies, one file each",
            args: ["build", "-q", "roundtable.yaml", "--per-participant"]
                .map(String::from)
                .to_vec(),
            runs,
            wall_target: Duration::from_millis(2500),
            peak_target_mib: 256.0,
        },
        Case {
            label: "copies, one merged file",
            args: [
                "build",
                "-q",
                "roundtable.yaml",
                "--per-participant",
                "--merged",
            ]
            .map(String::from)
            .to_vec(),
            runs,
            wall_target: Duration::from_millis(2500),
            peak_target_mib: 256.0,
        },
    ];
    // Each binary writes its own copies: a folder of copies is replaced only by the brief
    // whose marker it holds, and an earlier build may write another kind of marker.
    let run = |binary: &Path, case: &Case| {
        let tag = if binary == ours.as_path() {
            "ours"
        } else {
            "baseline"
        };
        let mut command = Command::new(binary);
        command.args(&case.args).current_dir(dir.path());
        if case.args.iter().any(|a| a == "--merged") {
            command.args(["-o", &format!("merged-{tag}.pdf")]);
        } else if case.args.iter().any(|a| a == "--per-participant") {
            command.args(["--out-dir", &format!("copies-{tag}")]);
        }
        measure_child(&mut command)
    };
    println!("batch commands, fresh process each; copies: {count} of the example note; medians");
    println!(
        "  written under {} ({})",
        dir.path().display(),
        file_system(dir.path())
    );
    for case in &cases {
        // One warm-up run each, so the file cache holds the binaries and the brief.
        run(&ours, case);
        if let Some(base) = &baseline {
            run(base, case);
        }
        let mut mine = Vec::new();
        let mut theirs = Vec::new();
        for i in 0..case.runs {
            match &baseline {
                Some(base) if i % 2 == 0 => {
                    theirs.push(run(base, case));
                    mine.push(run(&ours, case));
                }
                Some(base) => {
                    mine.push(run(&ours, case));
                    theirs.push(run(base, case));
                }
                None => mine.push(run(&ours, case)),
            }
        }
        let m = medians(&mine);
        let peak = m.peak_kib as f64 / 1024.0;
        let met = m.wall <= case.wall_target && peak < case.peak_target_mib;
        let memory_target = if case.peak_target_mib.is_finite() {
            format!(", under {} MiB", case.peak_target_mib)
        } else {
            String::new()
        };
        println!(
            "  {:<30} wall {:>9}  CPU {:>9} (system {:>9})  peak {:>6.1} MiB  (target {}{memory_target}: {}; {} runs)",
            case.label,
            show(m.wall),
            show(m.cpu),
            show(m.system),
            peak,
            show(case.wall_target),
            if met { "met" } else { "not met" },
            case.runs,
        );
        if !theirs.is_empty() {
            let b = medians(&theirs);
            println!(
                "  {:<30} wall {:>9}  CPU {:>9} (system {:>9})  peak {:>6.1} MiB  (baseline); ratios: wall {:.2}, CPU {:.2}, peak {:.2}",
                "",
                show(b.wall),
                show(b.cpu),
                show(b.system),
                b.peak_kib as f64 / 1024.0,
                m.wall.as_secs_f64() / b.wall.as_secs_f64(),
                m.cpu.as_secs_f64() / b.cpu.as_secs_f64(),
                m.peak_kib as f64 / b.peak_kib as f64,
            );
        }
    }
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "  load average at the end: {} (wall times stretch on a busy machine; CPU times less)",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
}

/// The file system holding `path`, as `/proc/self/mounts` names it, and for ext4 whether it
/// keeps a journal (a journaled one has a `jbd2` entry for its device).
fn file_system(path: &Path) -> String {
    let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let mounts = std::fs::read_to_string("/proc/self/mounts").unwrap_or_default();
    let Some((device, kind)) = mounts
        .lines()
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            let (device, point, kind) = (fields.next()?, fields.next()?, fields.next()?);
            path.starts_with(point)
                .then_some((point.len(), device, kind))
        })
        .max_by_key(|(len, _, _)| *len)
        .map(|(_, device, kind)| (device, kind))
    else {
        return "file system unknown".into();
    };
    if kind != "ext4" {
        return format!("{kind} on {device}");
    }
    let name = device.rsplit('/').next().unwrap_or(device);
    let journaled = std::fs::read_dir("/proc/fs/jbd2").is_ok_and(|entries| {
        entries.flatten().any(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(&format!("{name}-"))
        })
    });
    format!(
        "ext4 on {device}, {}",
        if journaled { "journaled" } else { "no journal" }
    )
}
