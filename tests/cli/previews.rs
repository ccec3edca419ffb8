//! Previews and print profiles: `--format png|svg` writes a picture per page, `--pages` and
//! `--ppi` choose which and how large, failed builds leave earlier pictures alone, and
//! `--grayscale` leaves no colour on the page.

use std::fs;
use std::path::Path;

use image::{GenericImageView, ImageEncoder};

use crate::util::{brief, example, run, workspace};

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// The example brief, as `note.yaml` in a fresh folder.
fn note() -> tempfile::TempDir {
    workspace(&[("note.yaml", &fs::read(example()).unwrap())])
}

/// The example brief with a logo.
fn note_with_logo(file: &str) -> Vec<u8> {
    fs::read_to_string(example())
        .unwrap()
        .replacen(
            "organization: Asia Pacific Foundation of Canada\n",
            &format!(
                "organization: Asia Pacific Foundation of Canada\nlogo:\n  file: {file}\n  alt: APF Canada\n"
            ),
            1,
        )
        .into_bytes()
}

/// A red and yellow PNG logo.
fn colored_png() -> Vec<u8> {
    let logo = image::RgbImage::from_fn(120, 40, |x, _| {
        if x < 60 {
            image::Rgb([214, 40, 40])
        } else {
            image::Rgb([252, 191, 73])
        }
    });
    let mut bytes = Vec::new();
    image::codecs::png::PngEncoder::new(&mut bytes)
        .write_image(logo.as_raw(), 120, 40, image::ExtendedColorType::Rgb8)
        .unwrap();
    bytes
}

const COLORED_SVG: &[u8] = br##"<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><rect width="120" height="40" fill="#d62828"/><circle cx="20" cy="20" r="12" fill="#fcbf49"/></svg>"##;

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// How many pixels of a PNG are not gray (r, g and b not all equal).
fn colored_pixels(png: &[u8]) -> usize {
    let picture = image::load_from_memory(png).unwrap().to_rgba8();
    picture
        .pixels()
        .filter(|p| p[0] != p[1] || p[1] != p[2])
        .count()
}

/// `--format png` writes one PNG per page, named after the brief, and no PDF; at the default
/// 144 ppi a letter page is 1224 by 1584 pixels, at `--ppi 72` 612 by 792.
#[test]
fn png_pictures_have_the_size_of_the_paper() {
    let dir = note();
    let (output, stderr) = run(brief(dir.path()).args(["build", "note.yaml", "--format", "png"]));
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.starts_with("wrote note-1.png, note-2.png (2 pages, "),
        "{stderr}"
    );
    assert_eq!(names(dir.path()), ["note-1.png", "note-2.png", "note.yaml"]);
    for name in ["note-1.png", "note-2.png"] {
        let bytes = fs::read(dir.path().join(name)).unwrap();
        assert!(bytes.starts_with(PNG_SIGNATURE), "{name}");
        let picture = image::load_from_memory(&bytes).unwrap();
        assert_eq!(picture.dimensions(), (1224, 1584), "{name}");
    }
    let (output, stderr) = run(brief(dir.path()).args([
        "build",
        "note.yaml",
        "--format",
        "png",
        "--ppi",
        "72",
        "-o",
        "small.png",
    ]));
    assert!(output.status.success(), "{stderr}");
    let small = image::open(dir.path().join("small-1.png")).unwrap();
    assert_eq!(small.dimensions(), (612, 792));
}

/// `--pages` picks the pages made into pictures: one page, a list, an open range; the PDF
/// written beside them keeps every page.
#[test]
fn pages_chooses_which_pictures() {
    let dir = note();
    let (output, stderr) =
        run(brief(dir.path()).args(["build", "note.yaml", "--format", "png", "--pages", "2"]));
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.starts_with("wrote note-2.png (1 of 2 pages, "),
        "{stderr}"
    );
    assert_eq!(names(dir.path()), ["note-2.png", "note.yaml"]);

    let dir = note();
    let (output, stderr) = run(brief(dir.path()).args([
        "build",
        "note.yaml",
        "--format",
        "pdf,svg",
        "--format",
        "png",
        "--pages",
        "1",
        "-o",
        "out.pdf",
    ]));
    assert!(output.status.success(), "{stderr}");
    assert_eq!(
        names(dir.path()),
        ["note.yaml", "out-1.png", "out-1.svg", "out.pdf"]
    );
    let pdf = fs::read(dir.path().join("out.pdf")).unwrap();
    assert_eq!(crate::util::pdf_pages(&pdf).len(), 2, "the PDF is whole");

    let dir = workspace(&[
        ("note.yaml", &fs::read(example()).unwrap()),
        ("previews/.keep", b""),
    ]);
    let (output, stderr) = run(brief(dir.path()).args([
        "build",
        "note.yaml",
        "--format",
        "png,pdf",
        "--pages",
        "2",
        "-o",
        "previews",
    ]));
    assert!(output.status.success(), "{stderr}");
    assert_eq!(
        names(&dir.path().join("previews")),
        [".keep", "note-2.png", "note.pdf"]
    );

    let dir = note();
    let (output, stderr) = run(brief(dir.path()).args([
        "build",
        "note.yaml",
        "--format",
        "svg",
        "--pages",
        "1-",
        "-o",
        "p{0p}-of-{t}.svg",
    ]));
    assert!(output.status.success(), "{stderr}");
    assert_eq!(
        names(dir.path()),
        ["note.yaml", "p1-of-2.svg", "p2-of-2.svg"]
    );
}

/// An SVG picture is well-formed XML of the page's size, and its text is there: glyphs drawn
/// from outlines defined in the file (typst-svg draws text as shapes).
#[test]
fn svg_pictures_are_well_formed_and_hold_the_text() {
    let dir = note();
    let (output, stderr) =
        run(brief(dir.path()).args(["build", "note.yaml", "--format", "svg", "--pages", "1"]));
    assert!(output.status.success(), "{stderr}");
    let text = fs::read_to_string(dir.path().join("note-1.svg")).unwrap();
    let svg = roxmltree::Document::parse(&text).expect("well-formed XML");
    let root = svg.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(root.attribute("width"), Some("612pt"));
    assert_eq!(root.attribute("height"), Some("792pt"));
    let xlink = "http://www.w3.org/1999/xlink";
    let glyphs: Vec<&str> = svg
        .descendants()
        .filter(|n| n.has_tag_name("use"))
        .filter_map(|n| n.attribute((xlink, "href")))
        .collect();
    // Page 1 holds the title, the event line, the purpose and most of two sections.
    assert!(glyphs.len() > 2000, "only {} glyphs", glyphs.len());
    for href in &glyphs {
        let id = href.trim_start_matches('#');
        assert!(
            svg.descendants().any(|n| n.attribute("id") == Some(id)),
            "{href} is drawn but not defined"
        );
    }
}

/// Bad `--pages` values are usage errors (exit 2) that say what is wrong; a page the brief
/// does not have is an error (exit 1) naming the page count; nothing is written either way.
#[test]
fn bad_pages_are_clear_errors() {
    let dir = note();
    for (pages, message) in [
        (
            "0",
            "invalid value '0' for '--pages <PAGES>': pages are counted from 1",
        ),
        (
            "2-1",
            "invalid value '2-1' for '--pages <PAGES>': `2-1` runs backwards (write 1-2)",
        ),
        (
            "one",
            "invalid value 'one' for '--pages <PAGES>': `one` is not a page number",
        ),
    ] {
        let (output, stderr) = run(brief(dir.path()).args([
            "build",
            "note.yaml",
            "--format",
            "png",
            "--pages",
            pages,
        ]));
        assert_eq!(output.status.code(), Some(2), "{pages}: {stderr}");
        assert!(
            stderr.starts_with(&format!("error: {message}\n")),
            "{stderr}"
        );
    }
    let (output, stderr) =
        run(brief(dir.path()).args(["build", "note.yaml", "--format", "png", "--pages", "1,5"]));
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(
        stderr,
        "error: --pages asks for page 5, but the brief has 2 pages\n  = hint: choose pages from 1 to 2\n"
    );
    let (output, stderr) = run(brief(dir.path()).args(["build", "note.yaml", "--pages", "1"]));
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with(
            "error: --pages chooses the pages made into pictures, but no pictures are asked for"
        ),
        "{stderr}"
    );
    let (output, stderr) = run(brief(dir.path()).args([
        "build",
        "note.yaml",
        "--format",
        "pdf,png",
        "-o",
        "p{p}.png",
    ]));
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("is a pattern for the pictures"), "{stderr}");
    let (output, stderr) =
        run(brief(dir.path()).args(["build", "note.yaml", "--format", "svg", "--ppi", "300"]));
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with("error: --ppi sets the size of PNG pictures, but none are asked for"),
        "{stderr}"
    );
    assert_eq!(names(dir.path()), ["note.yaml"], "nothing was written");
}

/// A build that fails (a bad brief, or a page it does not have) leaves the previous pictures
/// and PDF byte for byte; a successful one replaces them and says which are left over.
#[test]
fn a_failed_build_leaves_earlier_previews() {
    let dir = note();
    for name in ["note-1.png", "note-2.png", "note-3.png", "note.pdf"] {
        fs::write(dir.path().join(name), format!("previous {name}")).unwrap();
    }
    let good = fs::read_to_string(dir.path().join("note.yaml")).unwrap();
    fs::write(
        dir.path().join("note.yaml"),
        good.replace("date: 2025-12-08", "date: 2025-02-30"),
    )
    .unwrap();
    let (output, stderr) =
        run(brief(dir.path()).args(["build", "note.yaml", "--format", "pdf,png"]));
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    fs::write(dir.path().join("note.yaml"), &good).unwrap();
    let (output, stderr) = run(brief(dir.path()).args([
        "build",
        "note.yaml",
        "--format",
        "pdf,png",
        "--pages",
        "1-3",
    ]));
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    for name in ["note-1.png", "note-2.png", "note-3.png", "note.pdf"] {
        assert_eq!(
            fs::read_to_string(dir.path().join(name)).unwrap(),
            format!("previous {name}"),
            "{name} is untouched"
        );
    }
    let (output, stderr) =
        run(brief(dir.path()).args(["build", "note.yaml", "--format", "pdf,png"]));
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("note: note-3.png is from an earlier build (the brief now has 2 pages)"),
        "{stderr}"
    );
    assert!(
        fs::read(dir.path().join("note-1.png"))
            .unwrap()
            .starts_with(PNG_SIGNATURE)
    );
    assert!(
        fs::read(dir.path().join("note.pdf"))
            .unwrap()
            .starts_with(b"%PDF")
    );
    assert!(
        !names(dir.path()).iter().any(|n| n.ends_with(".partial")),
        "no temporary file is left"
    );
}

/// `--grayscale` leaves no coloured pixel on a rendered page: not in the template's accent
/// colours, not in a coloured PNG or SVG logo. Without it the same page has colour.
#[test]
fn grayscale_pages_have_no_colour() {
    for logo in ["logo.png", "logo.svg"] {
        let bytes: Vec<u8> = if logo.ends_with(".png") {
            colored_png()
        } else {
            COLORED_SVG.to_vec()
        };
        let dir = workspace(&[("note.yaml", &note_with_logo(logo)), (logo, &bytes)]);
        let (output, stderr) = run(brief(dir.path()).args([
            "build",
            "note.yaml",
            "--format",
            "png",
            "--pages",
            "1",
            "-o",
            "color.png",
        ]));
        assert!(output.status.success(), "{stderr}");
        let color = fs::read(dir.path().join("color-1.png")).unwrap();
        assert!(
            colored_pixels(&color) > 10_000,
            "{logo}: the page has colour"
        );

        let (output, stderr) = run(brief(dir.path()).args([
            "build",
            "note.yaml",
            "--format",
            "pdf,png",
            "--pages",
            "1",
            "--grayscale",
        ]));
        assert!(output.status.success(), "{logo}: {stderr}");
        let gray = fs::read(dir.path().join("note-1.png")).unwrap();
        assert_eq!(colored_pixels(&gray), 0, "{logo}: every pixel is gray");
        // The logo is still there: the top right corner is not blank.
        let picture = image::load_from_memory(&gray).unwrap().to_luma8();
        let dark = (1000..1150)
            .flat_map(|x| (130..190).map(move |y| (x, y)))
            .filter(|&(x, y)| picture.get_pixel(x, y)[0] < 200)
            .count();
        assert!(
            dark > 1000,
            "{logo}: the logo is drawn ({dark} dark pixels)"
        );
        assert_eq!(
            fs::read(dir.path().join(logo)).unwrap(),
            bytes,
            "the brief's own image file is unchanged"
        );
    }
}

/// An image that cannot be made gray is an error naming it at the brief's line (it is not an
/// image at all: the check of its header comes first), and nothing is written.
#[test]
fn an_unreadable_image_under_grayscale_is_an_error() {
    let dir = workspace(&[
        ("note.yaml", &note_with_logo("logo.png")),
        ("logo.png", b"not a png at all"),
    ]);
    let (output, stderr) = run(brief(dir.path()).args(["build", "note.yaml", "--grayscale"]));
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with(
            "error: the image `logo.png` is not a PNG, JPEG, GIF or WebP image (its first bytes are none of these)\n   ┌─ note.yaml:13:9\n"
        ),
        "{stderr}"
    );
    assert!(!dir.path().join("note.pdf").exists());
}

/// The number of colour channels of every ICC colour space in a PDF, and whether any image or
/// colour space names DeviceRGB or DeviceCMYK.
fn pdf_colour_spaces(pdf: &[u8]) -> (Vec<i64>, bool) {
    let document = lopdf::Document::load_mem(pdf).expect("a readable PDF");
    let mut channels = Vec::new();
    let mut device_colour = false;
    for object in document.objects.values() {
        if let Ok(array) = object.as_array() {
            if array.first().and_then(|o| o.as_name().ok()) == Some(b"ICCBased".as_slice()) {
                let stream = document
                    .get_object(array[1].as_reference().unwrap())
                    .unwrap()
                    .as_stream()
                    .unwrap();
                channels.push(stream.dict.get(b"N").unwrap().as_i64().unwrap());
            }
            device_colour |= array
                .iter()
                .any(|o| matches!(o.as_name(), Ok(b"DeviceRGB" | b"DeviceCMYK")));
        }
        let dict = match object {
            lopdf::Object::Dictionary(d) => Some(d),
            lopdf::Object::Stream(s) => Some(&s.dict),
            _ => None,
        };
        if let Some(space) = dict.and_then(|d| d.get(b"ColorSpace").ok()) {
            device_colour |= matches!(space.as_name(), Ok(b"DeviceRGB" | b"DeviceCMYK"));
        }
    }
    (channels, device_colour)
}

/// Under `--grayscale` the PDF itself holds no colour: every colour space it uses, the
/// logo's included, has one channel (gray); the same brief without it uses RGB.
#[test]
fn grayscale_pdf_uses_only_gray() {
    let dir = workspace(&[
        ("note.yaml", &note_with_logo("logo.png")),
        ("logo.png", &colored_png()),
    ]);
    let (output, stderr) = run(brief(dir.path()).args(["build", "note.yaml", "-o", "color.pdf"]));
    assert!(output.status.success(), "{stderr}");
    let (channels, _) = pdf_colour_spaces(&fs::read(dir.path().join("color.pdf")).unwrap());
    assert!(
        channels.contains(&3),
        "the colour edition uses RGB: {channels:?}"
    );

    let (output, stderr) = run(brief(dir.path()).args(["build", "note.yaml", "--grayscale"]));
    assert!(output.status.success(), "{stderr}");
    let (channels, device_colour) =
        pdf_colour_spaces(&fs::read(dir.path().join("note.pdf")).unwrap());
    assert!(
        !channels.is_empty() && channels.iter().all(|&n| n == 1),
        "{channels:?}"
    );
    assert!(!device_colour);
}
