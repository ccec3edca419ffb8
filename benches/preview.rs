//! Benchmark of previews (`brief build --format png|svg`) on the example brief: page 1 at
//! 144 ppi, with the time split into rendering and PNG encoding, the encoding settings
//! compared (size and time), and the whole command in a fresh process.
//!
//! Run with `cargo bench --bench preview`; `BRIEF_BENCH_RUNS` sets the number of runs
//! (default 30).

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use brief::check::load;
use brief::diag::Files;
use brief::typeset;
use brief::typeset::fonts::Fonts;
use brief::typeset::prepare;
use brief::typeset::preview;
use brief::typeset::world::{Compiled, Engine};
use image::ImageEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};

mod common;
use common::{median, ms, time};

/// Median time and size of `encode` over `runs` runs.
fn measure(runs: usize, encode: impl Fn() -> Vec<u8>) -> (Duration, usize) {
    let mut samples = Vec::new();
    let mut size = 0;
    for _ in 0..runs {
        let (elapsed, bytes) = time(&encode);
        size = bytes.len();
        samples.push(elapsed);
    }
    (median(samples), size)
}

fn encode_with(raster: &preview::Raster, compression: CompressionType) -> Vec<u8> {
    let rgb: Vec<u8> = raster
        .data
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    let mut out = Vec::new();
    PngEncoder::new_with_quality(&mut out, compression, FilterType::Adaptive)
        .write_image(
            &rgb,
            raster.width,
            raster.height,
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
    out
}

fn main() {
    let runs: usize = std::env::var("BRIEF_BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(30)
        .max(1);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let brief_path = root.join("briefs/canada-korea-defence-2025.yaml");

    let engine = Engine::new(Fonts::embedded());
    let mut files = Files::default();
    let brief = load::load(&brief_path, &Default::default(), &mut files)
        .unwrap_or_else(|_| panic!("the example checks"));
    let compiled = Compiled::new(&brief.template);
    let options = prepare::BuildOptions::default();
    let prepared = prepare::prepare(&engine, &compiled, &brief, &options, &mut files)
        .unwrap_or_else(|_| panic!("the example prepares"));
    let document = typeset::compile(&prepared.world, &compiled, &mut files)
        .unwrap_or_else(|_| panic!("the example compiles"))
        .document;
    let pages = document.pages();
    let page = &pages[0];

    // typst-render memoizes each glyph's bitmap by its exact position, so a page rendered a
    // second time is mostly cache hits; a build renders each page once. Every render timed
    // here starts with empty caches.
    let mut render = Vec::new();
    for _ in 0..runs {
        typst::comemo::evict(0);
        render.push(time(|| preview::raster(page, 144.0)).0);
    }
    let mut warm = Vec::new();
    for _ in 0..runs {
        warm.push(time(|| preview::raster(page, 144.0)).0);
    }
    let raster = preview::raster(page, 144.0);
    let (ours, ours_size) = measure(runs, || preview::encode_png(&raster));
    let (default, default_size) = measure(runs, || encode_with(&raster, CompressionType::Default));
    let (level1, level1_size) = measure(runs, || encode_with(&raster, CompressionType::Level(1)));
    let (best, best_size) = measure(runs.min(5), || encode_with(&raster, CompressionType::Best));
    // What typst-render's own pixmap encoder (tiny-skia: RGBA, balanced deflate) gives.
    let pixmap = typst_render::render(
        page,
        &typst_render::RenderOptions {
            pixel_per_pt: typst::utils::Scalar::new(2.0),
            ..Default::default()
        },
    );
    let (skia, skia_size) = measure(runs, || pixmap.encode_png().unwrap());
    let (svg, svg_size) = measure(runs, || preview::svg(page).into_bytes());
    let numbers: Vec<usize> = (1..=pages.len()).collect();
    let all = preview::PictureOptions {
        formats: vec![preview::PictureFormat::Png],
        ppi: 144.0,
    };
    // Threaded and one-after-the-other runs alternate, so both meet the same machine load.
    let mut both = Vec::new();
    let mut serial = Vec::new();
    for _ in 0..runs {
        typst::comemo::evict(0);
        both.push(time(|| preview::render(pages, &numbers, &all)).0);
        typst::comemo::evict(0);
        serial.push(
            time(|| {
                numbers
                    .iter()
                    .map(|&n| preview::png(&pages[n - 1], 144.0))
                    .collect::<Vec<_>>()
            })
            .0,
        );
    }

    let binary = env!("CARGO_BIN_EXE_brief");
    let dir = std::env::temp_dir().join("brief-bench-preview");
    std::fs::create_dir_all(&dir).unwrap();
    let fresh = |args: &[&str]| {
        let mut samples = Vec::new();
        for _ in 0..runs {
            let (elapsed, status) = time(|| {
                Command::new(binary)
                    .args(["build", "--quiet"])
                    .args(args)
                    .arg("-o")
                    .arg(dir.join("note.pdf"))
                    .arg(&brief_path)
                    .status()
                    .expect("the brief binary runs")
            });
            assert!(status.success());
            samples.push(elapsed);
        }
        median(samples)
    };
    let pdf_only = fresh(&[]);
    let png_page1 = fresh(&["--format", "png", "--pages", "1"]);
    let pdf_png = fresh(&["--format", "pdf,png"]);

    let kb = |n: usize| format!("{:.0} KB", n as f64 / 1000.0);
    println!("previews of briefs/canada-korea-defence-2025.yaml, medians of {runs} runs");
    println!(
        "  page 1 at 144 ppi ({}x{} px)",
        raster.width, raster.height
    );
    println!(
        "    render (typst-render), empty caches   {}  (again, warm: {})",
        ms(median(render)),
        ms(median(warm))
    );
    println!(
        "    PNG encode, ours (RGB, fast deflate)  {}  {}",
        ms(ours),
        kb(ours_size)
    );
    println!(
        "    PNG encode, RGB, default deflate      {}  {}",
        ms(default),
        kb(default_size)
    );
    println!(
        "    PNG encode, RGB, zlib level 1         {}  {}",
        ms(level1),
        kb(level1_size)
    );
    println!(
        "    PNG encode, RGB, best deflate         {}  {}",
        ms(best),
        kb(best_size)
    );
    println!(
        "    PNG encode, tiny-skia encode_png      {}  {}",
        ms(skia),
        kb(skia_size)
    );
    println!(
        "    SVG (typst-svg)                       {}  {}",
        ms(svg),
        kb(svg_size)
    );
    println!(
        "  both pages to PNG, empty caches: threaded {} / one after the other {}",
        ms(median(both)),
        ms(median(serial))
    );
    println!(
        "  fresh process: brief build (PDF only)            {}",
        ms(pdf_only)
    );
    println!(
        "  fresh process: --format png --pages 1            {}",
        ms(png_page1)
    );
    println!(
        "  fresh process: --format pdf,png (2 pages)        {}",
        ms(pdf_png)
    );
}
