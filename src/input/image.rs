//! What an image file declares, checked before any decoder sees it: its format, its size in
//! pixels (read from the header, so a 300-byte file that declares 65000 × 65000 pixels is
//! refused before anything allocates for it), that it is not cut short, and for an SVG the
//! raster images it carries inside as `data:` addresses, which typst would decode itself.

use std::fmt;

/// The largest image file read, in bytes.
pub const MAX_IMAGE_BYTES: u64 = 64 * 1024 * 1024;

/// The most pixels an image may declare: 100 megapixels, more than any camera's photo (a
/// decoded image takes four bytes a pixel, so this is at most 400 MB).
pub const MAX_PIXELS: u64 = 100_000_000;

/// How deep SVG images may carry SVG images inside them.
const MAX_SVG_NESTING: usize = 4;

/// Why an image cannot be placed, in words for `the image `x` ...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageProblem(pub String);

impl fmt::Display for ImageProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Checks an image's bytes; `extension` is its file's, lowercase (`svg` reads it as SVG).
pub fn check(bytes: &[u8], extension: &str) -> Result<(), ImageProblem> {
    if extension == "svg" {
        check_svg(bytes, 0)
    } else {
        check_raster(bytes)
    }
}

fn problem(text: impl Into<String>) -> ImageProblem {
    ImageProblem(text.into())
}

/// A PNG, JPEG, GIF or WebP: the format by its first bytes, the declared size, and the end.
fn check_raster(bytes: &[u8]) -> Result<(), ImageProblem> {
    use imagesize::ImageType;
    let kind = imagesize::image_type(bytes).ok();
    let name = match kind {
        Some(ImageType::Png) => "PNG",
        Some(ImageType::Jpeg) => "JPEG",
        Some(ImageType::Gif) => "GIF",
        Some(ImageType::Webp) => "WebP",
        _ => {
            return Err(problem(
                "is not a PNG, JPEG, GIF or WebP image (its first bytes are none of these)",
            ));
        }
    };
    let size = imagesize::blob_size(bytes).map_err(|_| {
        problem(format!(
            "is not a readable {name} image (its header is damaged)"
        ))
    })?;
    let (width, height) = (size.width as u64, size.height as u64);
    if width == 0 || height == 0 {
        return Err(problem(format!(
            "declares {width} × {height} pixels (an image has at least one pixel each way)"
        )));
    }
    if width.saturating_mul(height) > MAX_PIXELS {
        return Err(problem(format!(
            "declares {width} × {height} pixels ({:.0} megapixels; an image may have at most {} megapixels)",
            (width * height) as f64 / 1e6,
            MAX_PIXELS / 1_000_000
        )));
    }
    let complete = match kind {
        Some(ImageType::Png) => png_complete(bytes),
        Some(ImageType::Jpeg) => jpeg_complete(bytes),
        Some(ImageType::Gif) => gif_complete(bytes),
        _ => webp_complete(bytes),
    };
    if !complete {
        return Err(problem(format!(
            "is cut short (the {name} file ends before its image does)"
        )));
    }
    Ok(())
}

/// A PNG ends with its IEND chunk (a few bytes may follow it).
fn png_complete(bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    tail.windows(4).any(|w| w == b"IEND")
}

/// A JPEG's image data, after its first start-of-scan marker, ends with an end-of-image marker
/// (an EXIF thumbnail's own end marker comes before the scan, so it does not count).
fn jpeg_complete(bytes: &[u8]) -> bool {
    let mut at = 2;
    // Walk the segments before the first scan: each is FF, a marker, a two-byte length.
    while at + 4 <= bytes.len() {
        if bytes[at] != 0xFF {
            return false;
        }
        let marker = bytes[at + 1];
        if marker == 0xFF {
            at += 1;
            continue;
        }
        let length = u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]) as usize;
        at += 2 + length;
        if marker == 0xDA {
            // Inside entropy-coded data a FF byte is always followed by 00 or a restart
            // marker, so FF D9 is the real end.
            return bytes
                .get(at.min(bytes.len())..)
                .is_some_and(|scan| scan.windows(2).any(|w| w == [0xFF, 0xD9]));
        }
    }
    false
}

/// A GIF ends with its trailer byte `;` (0x3B).
fn gif_complete(bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(16)..];
    tail.contains(&0x3B)
}

/// A WebP's RIFF header says how long the file is.
fn webp_complete(bytes: &[u8]) -> bool {
    bytes.len() >= 12
        && (u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) as usize + 8)
            <= bytes.len()
}

/// An SVG: readable XML, and every raster image inside it (`href="data:image/...;base64,..."`)
/// passes [`check_raster`]; an SVG inside an SVG is checked the same way.
fn check_svg(bytes: &[u8], depth: usize) -> Result<(), ImageProblem> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| problem("is not an SVG file (SVG is UTF-8 text, and this is not)"))?;
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    let document = roxmltree::Document::parse_with_options(text, options)
        .map_err(|e| problem(format!("is not a readable SVG file ({e})")))?;
    for node in document.descendants() {
        for attribute in node.attributes() {
            if attribute.name() != "href" {
                continue;
            }
            let address = attribute.value().trim_start();
            if !address
                .get(..5)
                .is_some_and(|s| s.eq_ignore_ascii_case("data:"))
            {
                continue;
            }
            let line = document.text_pos_at(attribute.range().start).row;
            let inner = |why: ImageProblem| {
                problem(format!(
                    "holds on line {line} an embedded image that {}",
                    why.0
                ))
            };
            let url = data_url::DataUrl::process(address)
                .map_err(|_| inner(problem("is not a readable `data:` address")))?;
            let (data, _) = url
                .decode_to_vec()
                .map_err(|_| inner(problem("is not readable (bad base64)")))?;
            let mime = url.mime_type();
            if mime.type_ == "image" && mime.subtype.starts_with("svg") {
                if depth + 1 >= MAX_SVG_NESTING {
                    return Err(inner(problem(format!(
                        "nests SVG images more than {MAX_SVG_NESTING} deep"
                    ))));
                }
                check_svg(&data, depth + 1).map_err(inner)?;
            } else {
                check_raster(&data).map_err(inner)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PNG header declaring `width` × `height`, with an IEND chunk after it.
    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        bytes.extend_from_slice(&width.to_be_bytes());
        bytes.extend_from_slice(&height.to_be_bytes());
        bytes.extend_from_slice(b"\x01\0\0\0\0\0\0\0\0");
        bytes.extend_from_slice(b"\0\0\0\0IEND\xaeB`\x82");
        bytes
    }

    #[test]
    fn refuses_what_declares_too_many_pixels() {
        assert!(check(&png(100, 100), "png").is_ok());
        let error = check(&png(100_000, 100_000), "png").unwrap_err();
        assert_eq!(
            error.0,
            "declares 100000 × 100000 pixels (10000 megapixels; an image may have at most 100 megapixels)"
        );
    }

    #[test]
    fn refuses_a_cut_short_png() {
        let whole = png(10, 10);
        let error = check(&whole[..whole.len() - 12], "png").unwrap_err();
        assert_eq!(
            error.0,
            "is cut short (the PNG file ends before its image does)"
        );
    }

    #[test]
    fn checks_images_inside_an_svg() {
        use std::fmt::Write;
        let encoded = {
            // Base64 by hand: the test needs no crate for it.
            const ALPHABET: &[u8] =
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
            let data = png(70_000, 70_000);
            let mut out = String::new();
            for chunk in data.chunks(3) {
                let n =
                    chunk.iter().fold(0u32, |n, &b| n << 8 | b as u32) << (8 * (3 - chunk.len()));
                for i in 0..=chunk.len() {
                    out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
                }
                for _ in chunk.len()..3 {
                    out.push('=');
                }
            }
            out
        };
        let mut svg = String::from("<svg xmlns='http://www.w3.org/2000/svg'\n");
        let _ = write!(
            svg,
            " xmlns:xlink='http://www.w3.org/1999/xlink'>\n<image xlink:href='data:image/png;base64,{encoded}'/></svg>"
        );
        let error = check(svg.as_bytes(), "svg").unwrap_err();
        assert_eq!(
            error.0,
            "holds on line 3 an embedded image that declares 70000 × 70000 pixels (4900 megapixels; an image may have at most 100 megapixels)"
        );
        assert!(check(b"<svg xmlns='http://www.w3.org/2000/svg'/>", "svg").is_ok());
    }
}
