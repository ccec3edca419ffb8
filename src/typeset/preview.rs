//! Pictures of pages: `--format png|svg` renders chosen pages of a compiled document as one
//! PNG or SVG file each, for e-mail and slides. Owns the page selection (`--pages 1-2,4`), the
//! file names (`note-1.png`, or a `-o 'out/p{p}.png'` pattern) and the rendering, spread over
//! the machine's cores. Every typst-render and typst-svg call is in this module.

use std::path::{Path, PathBuf};

use image::ImageEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use typst_layout::Page;

use crate::error::AppError;
use crate::output::Output;

/// A picture format: one file per page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PictureFormat {
    /// A PNG raster, at the chosen pixels per inch.
    Png,
    /// An SVG vector drawing, with the text as outlines.
    Svg,
}

impl PictureFormat {
    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            PictureFormat::Png => "png",
            PictureFormat::Svg => "svg",
        }
    }
}

/// The pages `--pages` names: ranges of page numbers counted from 1, an open end written
/// `3-` (to the last page) or `-2` (from the first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRanges(Vec<(Option<usize>, Option<usize>)>);

impl PageRanges {
    /// Reads `1`, `1-2,4`, `3-` or `-2`. The message says what is wrong in a way clap can
    /// print after "invalid value".
    pub fn parse(text: &str) -> Result<Self, String> {
        let number = |part: &str| -> Result<Option<usize>, String> {
            let part = part.trim();
            if part.is_empty() {
                return Ok(None);
            }
            match part.parse::<usize>() {
                Ok(0) => Err("pages are counted from 1".into()),
                Ok(n) => Ok(Some(n)),
                Err(_) => Err(format!("`{part}` is not a page number")),
            }
        };
        let mut ranges = Vec::new();
        for item in text.split(',') {
            let item = item.trim();
            if item.is_empty() {
                return Err("expected page numbers such as 1 or 1-2,4".into());
            }
            let range = match item.split_once('-') {
                None => {
                    let n = number(item)?;
                    (n, n)
                }
                Some((start, end)) => {
                    let (start, end) = (number(start)?, number(end)?);
                    if start.is_none() && end.is_none() {
                        return Err("`-` alone names no pages (write 1-3, 2- or -2)".into());
                    }
                    if let (Some(a), Some(b)) = (start, end)
                        && a > b
                    {
                        return Err(format!("`{item}` runs backwards (write {b}-{a})"));
                    }
                    (start, end)
                }
            };
            ranges.push(range);
        }
        Ok(Self(ranges))
    }

    /// The page numbers chosen from a document of `count` pages, in order, each once. A page
    /// past the end is an error: a preview of page 5 of a 2-page brief is a mistake.
    pub fn select(&self, count: usize) -> Result<Vec<usize>, AppError> {
        let mut chosen = vec![false; count];
        for &(start, end) in &self.0 {
            let first = start.unwrap_or(1);
            let last = end.unwrap_or(count);
            let wanted = start.or(end).unwrap_or(1).max(last);
            if first > count || wanted > count {
                let asked = if start == end {
                    format!("page {first}")
                } else {
                    format!("pages {}", show_range(start, end))
                };
                return Err(AppError::new(format!(
                    "--pages asks for {asked}, but the brief has {count} page{}",
                    if count == 1 { "" } else { "s" }
                ))
                .with_hint(format!("choose pages from 1 to {count}")));
            }
            for page in first..=last {
                chosen[page - 1] = true;
            }
        }
        Ok((1..=count).filter(|p| chosen[p - 1]).collect())
    }
}

fn show_range(start: Option<usize>, end: Option<usize>) -> String {
    let side = |n: Option<usize>| n.map(|n| n.to_string()).unwrap_or_default();
    format!("{}-{}", side(start), side(end))
}

/// How picture files are named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Naming {
    /// `STEM-N.EXT` in `folder`: `note-1.png`, `note-2.png`. N is padded with zeros to the
    /// width of the page count (`note-01.png` in a brief of 10 or more pages), so the files
    /// sort in page order.
    Numbered {
        /// The folder.
        folder: PathBuf,
        /// The name before `-N.EXT`.
        stem: String,
    },
    /// A pattern such as `out/p{p}.png`: `{p}` is the page number, `{0p}` the page number
    /// padded with zeros, `{t}` the page count (as in `typst compile`). The extension is the
    /// format's.
    Pattern(String),
}

/// The placeholders a [`Naming::Pattern`] may hold.
const PLACEHOLDERS: [&str; 3] = ["{p}", "{0p}", "{t}"];

impl Naming {
    /// The naming for pictures from the output path given with `-o` (or the brief's path):
    /// a path with a placeholder is a pattern, any other gives its folder and its stem (a
    /// `.pdf`, `.png` or `.svg` extension is dropped).
    pub fn from_output(path: &Path) -> Self {
        let text = path.to_string_lossy();
        if PLACEHOLDERS.iter().any(|p| text.contains(p)) {
            return Naming::Pattern(text.into_owned());
        }
        let known = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "pdf" | "png" | "svg"));
        let name = if known {
            path.file_stem()
        } else {
            path.file_name()
        };
        Naming::Numbered {
            folder: path.parent().map(Path::to_path_buf).unwrap_or_default(),
            stem: name
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        }
    }

    /// Whether this is a pattern with placeholders.
    pub fn is_pattern(&self) -> bool {
        matches!(self, Naming::Pattern(_))
    }

    /// Whether every page gets a name of its own (a pattern without a page number does not).
    pub fn names_each_page(&self) -> bool {
        match self {
            Naming::Numbered { .. } => true,
            Naming::Pattern(p) => p.contains("{p}") || p.contains("{0p}"),
        }
    }

    /// The file of page `page` (from 1) of `count`, in `format`.
    pub fn file(&self, page: usize, count: usize, format: PictureFormat) -> PathBuf {
        let width = count.to_string().len();
        match self {
            Naming::Numbered { folder, stem } => {
                folder.join(format!("{stem}-{page:0width$}.{}", format.extension()))
            }
            Naming::Pattern(pattern) => {
                let text = pattern
                    .replace("{0p}", &format!("{page:0width$}"))
                    .replace("{p}", &page.to_string())
                    .replace("{t}", &count.to_string());
                PathBuf::from(text).with_extension(format.extension())
            }
        }
    }
}

/// How pictures are made.
#[derive(Debug, Clone, PartialEq)]
pub struct PictureOptions {
    /// The formats, each page written once in each.
    pub formats: Vec<PictureFormat>,
    /// Pixels per inch of PNG pictures.
    pub ppi: f32,
}

/// The files one build writes, decided from the command line before anything is typeset.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Where the PDF goes, if one is wanted.
    pub pdf: Option<Output>,
    /// The pictures, if any are wanted.
    pub pictures: Option<Pictures>,
}

/// Which pictures a build writes, and where.
#[derive(Debug, Clone)]
pub struct Pictures {
    /// Formats and resolution.
    pub options: PictureOptions,
    /// How the files are named.
    pub naming: Naming,
    /// The pages `--pages` chose (every page when `None`).
    pub pages: Option<PageRanges>,
}

impl Plan {
    /// The plan for a brief at `brief`, `-o output`, and the formats asked for. The PDF keeps
    /// the exact `-o` path when it is the only output; with pictures, the PDF and the pictures
    /// share the folder and stem of `-o` (or of the brief): `note.pdf`, `note-1.png`. A folder
    /// given with `-o` then holds files named after the brief.
    pub fn new(
        brief: &Path,
        output: Option<&Output>,
        pdf: bool,
        options: PictureOptions,
        pages: Option<PageRanges>,
    ) -> Result<Self, AppError> {
        if options.formats.is_empty() {
            if pages.is_some() {
                return Err(AppError::usage(
                    "--pages chooses the pages made into pictures, but no pictures are asked for",
                )
                .with_hint("add --format png (or svg); the PDF always has every page"));
            }
            let target = output.map_or_else(|| brief.with_extension("pdf").into(), Clone::clone);
            return Ok(Self {
                pdf: pdf.then_some(target),
                pictures: None,
            });
        }
        let stem = brief.file_stem().unwrap_or_default();
        let base = match output {
            None => brief.with_extension("pdf"),
            Some(Output::Stdout) => {
                return Err(AppError::usage(
                    "pictures cannot be written to standard output (`-o -`): there is a file per page",
                )
                .with_hint(
                    "name the files with -o, such as -o out/note.png (gives out/note-1.png, ...)",
                ));
            }
            // A folder gets the files named after the brief: `-o previews/`.
            Some(Output::File(folder))
                if folder.is_dir() || folder.to_string_lossy().ends_with('/') =>
            {
                folder.join(stem).with_extension("pdf")
            }
            Some(Output::File(path)) => path.clone(),
        };
        let naming = Naming::from_output(&base);
        if naming.is_pattern() && pdf {
            return Err(AppError::usage(format!(
                "-o `{}` is a pattern for the pictures, but a PDF is asked for too",
                base.display()
            ))
            .with_hint(
                "write the PDF in a run of its own, or give -o a plain name (-o out/note.pdf writes out/note.pdf and out/note-1.png, ...)",
            ));
        }
        let pdf = pdf.then(|| match &naming {
            Naming::Numbered { folder, stem } => folder.join(format!("{stem}.pdf")).into(),
            Naming::Pattern(_) => unreachable!("refused above"),
        });
        Ok(Self {
            pdf,
            pictures: Some(Pictures {
                options,
                naming,
                pages,
            }),
        })
    }

    /// The paths to check before typesetting: the PDF's, and the first picture's.
    pub fn targets(&self) -> Vec<Output> {
        let mut targets: Vec<Output> = self.pdf.iter().cloned().collect();
        if let Some(pictures) = &self.pictures {
            for &format in &pictures.options.formats {
                targets.push(pictures.naming.file(1, 1, format).into());
            }
        }
        targets
    }
}

impl Pictures {
    /// The page numbers to render from a document of `count` pages.
    pub fn select(&self, count: usize) -> Result<Vec<usize>, AppError> {
        let numbers = match &self.pages {
            Some(ranges) => ranges.select(count)?,
            None => (1..=count).collect(),
        };
        if numbers.len() > 1 && !self.naming.names_each_page() {
            let Naming::Pattern(pattern) = &self.naming else {
                unreachable!("numbered names always name each page")
            };
            return Err(AppError::usage(format!(
                "-o `{pattern}` gives all {} pictures the same name",
                numbers.len()
            ))
            .with_hint("put {p} (the page number) or {0p} (padded with zeros) in it"));
        }
        Ok(numbers)
    }
}

/// One rendered page in one format.
pub struct Picture {
    /// The page number, from 1.
    pub page: usize,
    /// Its format.
    pub format: PictureFormat,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

/// Renders the pages numbered `numbers` (from 1) of `pages` in every format of `options`,
/// spread over the available cores (at most one thread per picture). The pictures come back
/// format by format in the order given, each format's in page order.
pub fn render(pages: &[Page], numbers: &[usize], options: &PictureOptions) -> Vec<Picture> {
    let jobs: Vec<(usize, PictureFormat)> = options
        .formats
        .iter()
        .flat_map(|&f| numbers.iter().map(move |&n| (n, f)))
        .collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(jobs.len());
    let one = |&(page, format): &(usize, PictureFormat)| Picture {
        page,
        format,
        bytes: match format {
            PictureFormat::Png => png(&pages[page - 1], options.ppi),
            PictureFormat::Svg => svg(&pages[page - 1]).into_bytes(),
        },
    };
    if threads <= 1 {
        return jobs.iter().map(one).collect();
    }
    // Jobs are dealt round-robin: pages cost about the same, and the first page (the one a
    // preview usually wants) is never left waiting behind a long queue.
    let mut done: Vec<(usize, Picture)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                let jobs = &jobs;
                let one = &one;
                scope.spawn(move || {
                    jobs.iter()
                        .enumerate()
                        .skip(t)
                        .step_by(threads)
                        .map(|(i, job)| (i, one(job)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("rendering a page does not panic"))
            .collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, picture)| picture).collect()
}

/// A page as a PNG at `ppi` pixels per inch.
pub fn png(page: &Page, ppi: f32) -> Vec<u8> {
    encode_png(&raster(page, ppi))
}

/// A page as pixels: premultiplied RGBA, `width` by `height`.
pub struct Raster {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Premultiplied RGBA, row by row.
    pub data: Vec<u8>,
}

/// Renders a page at `ppi` pixels per inch.
pub fn raster(page: &Page, ppi: f32) -> Raster {
    let options = typst_render::RenderOptions {
        pixel_per_pt: typst::utils::Scalar::new(f64::from(ppi) / 72.0),
        ..Default::default()
    };
    let pixmap = typst_render::render(page, &options);
    Raster {
        width: pixmap.width(),
        height: pixmap.height(),
        data: pixmap.take(),
    }
}

/// Encodes rendered pixels as PNG, in the smallest colour type that holds them exactly: gray
/// when every pixel is gray (a `--grayscale` page), RGB when every pixel is opaque (a page
/// has a white background), RGBA otherwise. The fast deflate setting is used: a page is
/// encoded in a fraction of the default setting's time, for a somewhat larger file
/// (docs/benchmarks.md, Pictures of pages; benches/preview.rs measures it).
pub fn encode_png(raster: &Raster) -> Vec<u8> {
    let pixels = raster.data.chunks_exact(4);
    let opaque = pixels.clone().all(|p| p[3] == 255);
    let gray = opaque && pixels.clone().all(|p| p[0] == p[1] && p[1] == p[2]);
    let (data, color): (Vec<u8>, image::ExtendedColorType) = if gray {
        (pixels.map(|p| p[0]).collect(), image::ExtendedColorType::L8)
    } else if opaque {
        (
            pixels.flat_map(|p| [p[0], p[1], p[2]]).collect(),
            image::ExtendedColorType::Rgb8,
        )
    } else {
        (
            pixels.flat_map(demultiply).collect(),
            image::ExtendedColorType::Rgba8,
        )
    };
    let mut out = Vec::with_capacity(data.len() / 8);
    PngEncoder::new_with_quality(&mut out, CompressionType::Fast, FilterType::Adaptive)
        .write_image(&data, raster.width, raster.height, color)
        .expect("a buffer of the right size encodes into memory");
    out
}

/// Undoes premultiplied alpha.
fn demultiply(p: &[u8]) -> [u8; 4] {
    let a = u16::from(p[3]);
    if a == 0 {
        return [0, 0, 0, 0];
    }
    let un = |c: u8| ((u16::from(c) * 255 + a / 2) / a).min(255) as u8;
    [un(p[0]), un(p[1]), un(p[2]), p[3]]
}

/// A page as SVG.
pub fn svg(page: &Page) -> String {
    typst_svg::svg(page, &typst_svg::SvgOptions::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_ranges_parse_and_select() {
        let r = PageRanges::parse("1-2,4").unwrap();
        assert_eq!(r.select(5).unwrap(), vec![1, 2, 4]);
        assert_eq!(
            PageRanges::parse("3-").unwrap().select(4).unwrap(),
            vec![3, 4]
        );
        assert_eq!(
            PageRanges::parse("-2").unwrap().select(4).unwrap(),
            vec![1, 2]
        );
        assert_eq!(
            PageRanges::parse("2,1,2").unwrap().select(2).unwrap(),
            vec![1, 2]
        );
        assert!(PageRanges::parse("0").is_err());
        assert!(PageRanges::parse("2-1").is_err());
        assert!(PageRanges::parse("a").is_err());
        assert!(PageRanges::parse("1,,2").is_err());
        assert!(PageRanges::parse("-").is_err());
        let error = PageRanges::parse("1,3").unwrap().select(2).unwrap_err();
        assert_eq!(
            error.message,
            "--pages asks for page 3, but the brief has 2 pages"
        );
        assert!(PageRanges::parse("3-").unwrap().select(2).is_err());
        assert!(PageRanges::parse("-3").unwrap().select(2).is_err());
    }

    #[test]
    fn files_are_numbered_or_follow_the_pattern() {
        let n = Naming::from_output(Path::new("out/note.pdf"));
        assert_eq!(
            n.file(1, 2, PictureFormat::Png),
            PathBuf::from("out/note-1.png")
        );
        assert_eq!(
            n.file(3, 12, PictureFormat::Svg),
            PathBuf::from("out/note-03.svg")
        );
        let n = Naming::from_output(Path::new("note.v2"));
        assert_eq!(
            n.file(1, 1, PictureFormat::Png),
            PathBuf::from("note.v2-1.png")
        );
        let p = Naming::from_output(Path::new("slides/p{0p}-of-{t}.png"));
        assert!(p.is_pattern() && p.names_each_page());
        assert_eq!(
            p.file(2, 10, PictureFormat::Svg),
            PathBuf::from("slides/p02-of-10.svg")
        );
        assert!(!Naming::from_output(Path::new("x{t}.png")).names_each_page());
    }

    #[test]
    fn demultiply_inverts_premultiplied_alpha() {
        assert_eq!(demultiply(&[64, 32, 0, 128]), [128, 64, 0, 128]);
        assert_eq!(demultiply(&[0, 0, 0, 0]), [0, 0, 0, 0]);
        assert_eq!(demultiply(&[10, 20, 30, 255]), [10, 20, 30, 255]);
    }
}
