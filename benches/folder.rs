//! Benchmark of the folder of personalized copies (`output::folder`): what its safety costs
//! for a batch of 1,000 copies of 73 KB (the example note's size), against a plain batch
//! written the way brief did before (files written and synced in a hidden folder, renamed
//! into place). The staged batch also hashes every file (SHA-256) as it is written, checks
//! the previous batch against its marker (each file read and hashed), writes the marker,
//! exchanges the folders and removes the old batch. No typesetting: the files' bytes are made
//! up front, so only the folder's own work is measured.
//!
//! Run with `cargo bench --bench folder`. `BRIEF_BENCH_RUNS` sets the runs (default 7);
//! `BRIEF_BENCH_COPIES` the number of files (default 1000).

use std::fs;
use std::path::Path;
use std::time::Duration;

use brief::output::folder::{self, Staging};
use sha2::{Digest, Sha256};

mod common;
use common::{env_number, median, ms, time};

/// The bytes of `count` files of 73 KB that differ from each other.
fn files(count: usize) -> Vec<(String, Vec<u8>)> {
    (0..count)
        .map(|i| {
            let mut bytes = Vec::with_capacity(73_000);
            let mut x = i as u64 * 2_654_435_761 + 1;
            while bytes.len() < 73_000 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                bytes.extend_from_slice(&x.to_le_bytes());
            }
            (format!("participant-{i}.pdf"), bytes)
        })
        .collect()
}

/// The plain batch: every file written and synced (16 threads, as brief syncs), the folder
/// renamed over the previous one after moving that aside, and the previous one removed.
fn plain(parent: &Path, files: &[(String, Vec<u8>)]) {
    let staging = parent.join(".plain.partial");
    fs::create_dir(&staging).unwrap();
    for (name, bytes) in files {
        fs::write(staging.join(name), bytes).unwrap();
    }
    let chunk = files.len().div_ceil(16).max(1);
    std::thread::scope(|scope| {
        for share in files.chunks(chunk) {
            let staging = &staging;
            scope.spawn(move || {
                for (name, _) in share {
                    fs::File::open(staging.join(name))
                        .unwrap()
                        .sync_all()
                        .unwrap();
                }
            });
        }
    });
    let target = parent.join("plain");
    let aside = parent.join(".plain.old");
    if target.exists() {
        fs::rename(&target, &aside).unwrap();
    }
    fs::rename(&staging, &target).unwrap();
    if aside.exists() {
        fs::remove_dir_all(&aside).unwrap();
    }
}

/// The staged batch, through `output::folder`.
fn staged(parent: &Path, brief: &Path, files: &[(String, Vec<u8>)]) -> Duration {
    let target = parent.join("staged");
    let (checked, settled) = time(|| folder::check(&target, brief));
    settled.unwrap();
    let (staging, _) = Staging::new(&target, brief).unwrap();
    for (name, bytes) in files {
        staging.write(name, bytes).unwrap();
    }
    staging.commit("Benchmark copies.").unwrap();
    checked
}

/// CPU time of this process (user + system, all threads), from /proc (ticks of 10 ms).
fn process_cpu() -> Duration {
    let stat = fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let ticks: u64 = rest
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|f| f.parse::<u64>().ok())
        .sum();
    Duration::from_millis(ticks * 10)
}

fn main() {
    let runs = env_number("BRIEF_BENCH_RUNS", 7);
    let count = env_number("BRIEF_BENCH_COPIES", 1000);
    let files = files(count);
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let brief = dir.path().join("note.yaml");
    fs::write(&brief, "title: x\n").unwrap();
    // A first batch of each, so that every measured run replaces one.
    plain(dir.path(), &files);
    staged(dir.path(), &brief, &files);
    let (mut plains, mut stageds, mut checks, mut hashes) = (vec![], vec![], vec![], vec![]);
    let (mut plain_cpu, mut staged_cpu) = (vec![], vec![]);
    for _ in 0..runs {
        let cpu = process_cpu();
        plains.push(time(|| plain(dir.path(), &files)).0);
        plain_cpu.push(process_cpu() - cpu);
        let cpu = process_cpu();
        let (wall, checked) = time(|| staged(dir.path(), &brief, &files));
        staged_cpu.push(process_cpu() - cpu);
        stageds.push(wall);
        checks.push(checked);
        hashes.push(
            time(|| {
                for (_, bytes) in &files {
                    std::hint::black_box(Sha256::digest(bytes));
                }
            })
            .0,
        );
    }
    let (p, s) = (median(plains), median(stageds));
    println!("{count} files of 73 KB, {runs} runs, medians, side by side:");
    println!(
        "  plain batch (write, sync, two renames):   {} (CPU {})",
        ms(p),
        ms(median(plain_cpu))
    );
    println!(
        "  output::folder batch (whole):             {} (CPU {})",
        ms(s),
        ms(median(staged_cpu))
    );
    println!(
        "    of which the early check (names, sizes): {}",
        ms(median(checks))
    );
    println!(
        "  SHA-256 of every file once, one thread:   {}",
        ms(median(hashes))
    );
    println!(
        "  ratio folder / plain: {:.2}",
        s.as_secs_f64() / p.as_secs_f64()
    );
}
