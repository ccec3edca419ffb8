//! Benchmark of `brief build` on the example brief: the median wall time in a fresh process
//! (what a user waits for) and in-process (cold caches, and a rebuild with warm caches).
//!
//! Run with `cargo bench`; `BRIEF_BENCH_RUNS` sets the number of runs (default 30).

use std::path::{Path, PathBuf};
use std::process::Command;

use brief::check::load;
use brief::diag::Files;
use brief::typeset::fonts::Fonts;
use brief::typeset::prepare;
use brief::typeset::world::{Compiled, Engine};

mod common;
use common::{median, ms, peak_rss_kib, time};

fn build_in_process(engine: &Engine, brief: &Path) -> usize {
    let mut files = Files::default();
    let loaded = load::load(brief, &Default::default(), &mut files)
        .unwrap_or_else(|_| panic!("the example checks"));
    let compiled = Compiled::new(&loaded.template);
    let output = prepare::typeset(engine, &compiled, &loaded, &Default::default(), &mut files)
        .unwrap_or_else(|_| panic!("it typesets"));
    std::hint::black_box(&output.pdf);
    output.pdf.len()
}

fn main() {
    let runs: usize = std::env::var("BRIEF_BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(30);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let brief = root.join("briefs/canada-korea-defence-2025.yaml");
    let out = std::env::temp_dir().join("brief-bench.pdf");
    let binary = env!("CARGO_BIN_EXE_brief");

    // A fresh process per build: start-up, font indexing, check, typeset, PDF, atomic write.
    let mut fresh = Vec::new();
    for _ in 0..runs {
        let (elapsed, status) = time(|| {
            Command::new(binary)
                .args(["build", "--quiet", "-o"])
                .arg(&out)
                .arg(&brief)
                .status()
                .expect("the brief binary runs")
        });
        assert!(status.success());
        fresh.push(elapsed);
    }

    // A fresh process per `brief check`: read, merge and check, no typesetting.
    let mut check = Vec::new();
    for _ in 0..runs {
        let (elapsed, status) = time(|| {
            Command::new(binary)
                .args(["check", "--quiet"])
                .arg(&brief)
                .status()
                .expect("the brief binary runs")
        });
        assert!(status.success());
        check.push(elapsed);
    }

    // In-process, caches emptied before each build: what one `brief build` does after start-up.
    let (fonts_time, engine) = time(|| Engine::new(Fonts::embedded()));
    let mut cold = Vec::new();
    for _ in 0..runs {
        typst::comemo::evict(0);
        cold.push(time(|| build_in_process(&engine, &brief)).0);
    }

    // In-process with warm caches: a rebuild of the unchanged brief, as a watch loop sees it.
    let mut warm = Vec::new();
    for _ in 0..runs {
        warm.push(time(|| build_in_process(&engine, &brief)).0);
    }

    let (fresh, check) = (median(fresh), median(check));
    println!("brief build of briefs/canada-korea-defence-2025.yaml, median of {runs} runs");
    println!("  fresh process (whole command)   {}", ms(fresh));
    println!(
        "  brief check, fresh process      {}  ({:.1}x faster than build)",
        ms(check),
        fresh.as_secs_f64() / check.as_secs_f64()
    );
    println!("  in-process, cold caches         {}", ms(median(cold)));
    println!("  in-process, warm caches         {}", ms(median(warm)));
    println!("  font index at start-up (once)   {}", ms(fonts_time));
    if let Some(kib) = peak_rss_kib() {
        println!(
            "  peak memory of this bench       {:.1} MiB",
            kib as f64 / 1024.0
        );
    }
}
