//! Side-by-side benchmark of a cold `brief build` of the example brief against the typst CLI
//! (`typst compile`) doing the same work: the very same template files, page library, fonts,
//! wrapper and data that the build hands typst, laid out as a typst project in a temporary
//! folder. The two commands run alternately, so both see the same load on a shared machine;
//! it prints the medians of wall time, CPU time (user + system) and peak memory of each (from
//! `wait4`'s resource usage), and the ratios. Before timing, it checks that both PDFs have the
//! same pages and text (with `pdftotext`, when installed), so the figures compare the same work.
//!
//! The peer is the `typst` executable on PATH; without one, only brief's own figures are
//! printed. Run with `cargo bench --bench typst-cli`; `BRIEF_BENCH_RUNS` sets the runs of each
//! command (default 20). `BRIEF_BENCH_PROJECT=DIR` lays the typst project out in DIR and keeps
//! it there (instead of a temporary folder), to time the printed `typst compile` by other means.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use brief::check::load;
use brief::diag::Files;
use brief::model::contract::{COPY_PATH, DATA_PATH, SOURCE_PATH};
use brief::model::template::{builtin_fonts, page_library};
use brief::typeset::fonts::Fonts;
use brief::typeset::prepare::{self, BuildOptions};
use brief::typeset::world::{Compiled, Engine};
use typst::World;
use typst::syntax::{RootedPath, VirtualPath, VirtualRoot};

mod common;
use common::{env_number, median, ms};

/// The example, relative to the crate.
const EXAMPLE: &str = "briefs/canada-korea-defence-2025.yaml";

/// What one run of a command cost: the shared measure of one child process.
type Run = common::Child;

/// Runs `command` to its end and measures it (`wait4`'s figures for that one child).
fn measure(command: &mut Command) -> Run {
    common::measure_child(command)
}

/// The medians of each figure over `runs`.
fn medians(runs: &[Run]) -> Run {
    let mut peaks: Vec<u64> = runs.iter().map(|r| r.peak_kib).collect();
    peaks.sort_unstable();
    Run {
        wall: median(runs.iter().map(|r| r.wall).collect()),
        cpu: median(runs.iter().map(|r| r.cpu).collect()),
        system: median(runs.iter().map(|r| r.system).collect()),
        peak_kib: peaks[peaks.len() / 2],
    }
}

/// The `typst` executable on PATH, if there is one.
fn typst_on_path() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("typst"))
        .find(|candidate| {
            use std::os::unix::fs::PermissionsExt;
            candidate
                .metadata()
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

/// Writes `bytes` at `path` below `root` (a virtual path such as `/.brief/data.json`).
fn put(root: &Path, path: &str, bytes: &[u8]) {
    let target = root.join(path.trim_start_matches('/'));
    std::fs::create_dir_all(target.parent().expect("a file has a folder")).expect("mkdir");
    std::fs::write(&target, bytes).expect("the project's files are written");
}

/// The typst project a build of the example compiles, laid out on disk for the typst CLI.
struct Project {
    /// The project's root (`--root`): the template's files, the wrapper and `/.brief/`.
    root: PathBuf,
    /// The wrapper brief compiles, which includes the template's entry.
    main: PathBuf,
    /// The folder given to `--package-path`, holding `brief/page/0.1.0`.
    packages: PathBuf,
    /// The fonts the built-in templates ship (`--font-path`); typst's own are embedded in both.
    fonts: PathBuf,
    /// The standards the build meets (`--pdf-standard`).
    standards: Vec<&'static str>,
    /// The document's date (`--creation-timestamp`): what `datetime.today()` gives in both.
    timestamp: Option<i64>,
}

/// Takes what `brief build` hands typst out of the build's own world (the same options the
/// command uses, so the same data file, merged source and wrapper) and writes it below `dir`.
fn lay_out(example: &Path, dir: &Path) -> Project {
    let mut files = Files::default();
    let loaded = load::load(example, &Default::default(), &mut files)
        .unwrap_or_else(|_| panic!("the example checks"));
    let engine = Engine::new(Fonts::embedded());
    let compiled = Compiled::new(&loaded.template);
    // As `brief build` without options: the template's standards, the source attached.
    let manifest_standards = &loaded.template.manifest.pdf_standard;
    let standards = prepare::pdf_standards(manifest_standards);
    let options = BuildOptions {
        attach_source: prepare::may_attach(&standards),
        standards: standards.clone(),
        ..BuildOptions::default()
    };
    let prepared = prepare::prepare(&engine, &compiled, &loaded, &options, &mut files)
        .unwrap_or_else(|_| panic!("the example prepares"));
    let world = &prepared.world;

    let root = dir.join("project");
    for (path, bytes) in &loaded.template.files {
        put(&root, path, bytes);
    }
    let main = world.main();
    let wrapper = world.source(main).expect("the wrapper is a source");
    put(
        &root,
        main.vpath().get_with_slash(),
        wrapper.text().as_bytes(),
    );
    let project_file = |path: &str| {
        let id = RootedPath::new(VirtualRoot::Project, VirtualPath::new(path).unwrap()).intern();
        world.file(id).expect("the build's world serves it")
    };
    let packages = dir.join("packages");
    let page = packages.join("brief/page/0.1.0");
    for (path, bytes) in page_library() {
        put(&page, path, bytes);
    }
    // The contract's files: the page library reads the same ones as the template.
    for path in [DATA_PATH, SOURCE_PATH, COPY_PATH] {
        let bytes = project_file(path);
        put(&root, path, &bytes);
        put(&page, path, &bytes);
    }
    for image in &loaded.images {
        put(
            &root,
            &image.virtual_path,
            &std::fs::read(&image.host).expect("the example's images are readable"),
        );
    }
    let fonts = dir.join("fonts");
    for (n, bytes) in builtin_fonts().enumerate() {
        put(&fonts, &format!("font-{n}.ttf"), bytes);
    }
    let standards = manifest_standards
        .iter()
        .map(|s| match s {
            brief::model::standard::Standard::A2b => "a-2b",
            brief::model::standard::Standard::A3b => "a-3b",
            brief::model::standard::Standard::Ua1 => "ua-1",
        })
        .collect();
    Project {
        main: root.join(main.vpath().get_without_slash()),
        root,
        packages,
        fonts,
        standards,
        timestamp: prepared.date.map(|d| d.timestamp()),
    }
}

impl Project {
    /// `typst compile` of the project to `out`.
    fn command(&self, typst: &Path, out: &Path) -> Command {
        let mut command = Command::new(typst);
        command
            .arg("compile")
            .arg("--ignore-system-fonts")
            .arg("--font-path")
            .arg(&self.fonts)
            .arg("--package-path")
            .arg(&self.packages)
            .arg("--root")
            .arg(&self.root);
        for standard in &self.standards {
            command.args(["--pdf-standard", standard]);
        }
        if let Some(timestamp) = self.timestamp {
            command
                .arg("--creation-timestamp")
                .arg(timestamp.to_string());
        }
        command.arg(&self.main).arg(out);
        command
    }
}

/// A PDF's pages as text (`pdftotext -layout`), or `None` without pdftotext.
fn pdf_text(pdf: &Path) -> Option<Vec<String>> {
    let output = Command::new("pdftotext")
        .arg("-layout")
        .arg(pdf)
        .arg("-")
        .output()
        .ok()?;
    assert!(output.status.success(), "pdftotext reads {}", pdf.display());
    let text = String::from_utf8_lossy(&output.stdout);
    // pdftotext ends every page with a form feed.
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    Some(pages)
}

/// Checks that the two PDFs have the same pages and text; says so, or why not.
fn same_work(ours: &Path, theirs: &Path) {
    let (Some(a), Some(b)) = (pdf_text(ours), pdf_text(theirs)) else {
        println!("  (pdftotext is not installed: the outputs were not compared)");
        return;
    };
    if a != b {
        let line = a
            .join("\u{c}")
            .lines()
            .zip(b.join("\u{c}").lines())
            .find(|(x, y)| x != y)
            .map(|(x, y)| format!("\n  brief: {x}\n  typst: {y}"))
            .unwrap_or_default();
        panic!(
            "the typst CLI's PDF differs from brief's ({} pages against {}): not the same work{line}",
            b.len(),
            a.len()
        );
    }
    println!(
        "  same work: both PDFs have {} pages and the same text (pdftotext)",
        a.len()
    );
    let (x, y) = (std::fs::read(ours).unwrap(), std::fs::read(theirs).unwrap());
    let common = x.iter().zip(&y).take_while(|(p, q)| p == q).count();
    println!(
        "  their files: {} and {} bytes, the same in the first {common}",
        x.len(),
        y.len()
    );
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

fn print_row(name: &str, m: Run) {
    println!(
        "  {name:<14} wall {:>9}  CPU {:>9}  peak {:>9}",
        ms(m.wall),
        ms(m.cpu),
        mib(m.peak_kib)
    );
}

fn main() {
    let runs = env_number("BRIEF_BENCH_RUNS", 20).max(1);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let example = root.join(EXAMPLE);
    let binary = env!("CARGO_BIN_EXE_brief");
    let temporary = tempfile::tempdir().expect("a temporary folder");
    let dir = match std::env::var_os("BRIEF_BENCH_PROJECT") {
        Some(kept) => PathBuf::from(kept),
        None => temporary.path().to_path_buf(),
    };
    let ours = dir.join("brief.pdf");
    let theirs = dir.join("typst.pdf");
    let brief_build = || {
        let mut command = Command::new(binary);
        command
            .args(["build", "--quiet", "-o"])
            .arg(&ours)
            .arg(&example);
        command
    };

    let typst = typst_on_path();
    let project = lay_out(&example, &dir);
    println!("cold brief build of {EXAMPLE} against typst compile of the same work");
    let peer = typst.as_ref().map(|typst| {
        let version = Command::new(typst)
            .arg("--version")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default();
        println!("  peer: {} ({version})", typst.display());
        println!("  its command: {:?}", project.command(typst, &theirs));
        (typst, project.command(typst, &theirs))
    });
    let Some((typst, _)) = peer else {
        println!("  peer missing: no `typst` executable on PATH; brief's own figures only");
        let mut ours_runs = Vec::new();
        measure(&mut brief_build());
        for _ in 0..runs {
            ours_runs.push(measure(&mut brief_build()));
        }
        print_row("brief build", medians(&ours_runs));
        return;
    };

    // One run of each first: the outputs to compare, and the files in the page cache.
    measure(&mut brief_build());
    measure(&mut project.command(typst, &theirs));
    same_work(&ours, &theirs);

    let (mut ours_runs, mut theirs_runs) = (Vec::new(), Vec::new());
    for i in 0..runs {
        // Alternately, and each going first half the time.
        if i % 2 == 0 {
            ours_runs.push(measure(&mut brief_build()));
            theirs_runs.push(measure(&mut project.command(typst, &theirs)));
        } else {
            theirs_runs.push(measure(&mut project.command(typst, &theirs)));
            ours_runs.push(measure(&mut brief_build()));
        }
    }
    let (a, b) = (medians(&ours_runs), medians(&theirs_runs));
    println!("  medians of {runs} runs each, alternating:");
    print_row("brief build", a);
    print_row("typst compile", b);
    let ratio = |x: Duration, y: Duration| x.as_secs_f64() / y.as_secs_f64();
    // The ratio of each pair run back to back, whose median is steadier on a busy machine.
    let mut paired: Vec<f64> = ours_runs
        .iter()
        .zip(&theirs_runs)
        .map(|(x, y)| ratio(x.wall, y.wall))
        .collect();
    paired.sort_by(f64::total_cmp);
    println!(
        "  brief / typst: wall {:.2} (median of pairs {:.2}), CPU {:.2}, peak memory {:.2}",
        ratio(a.wall, b.wall),
        paired[paired.len() / 2],
        ratio(a.cpu, b.cpu),
        a.peak_kib as f64 / b.peak_kib as f64
    );
}
