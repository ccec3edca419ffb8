//! `--grayscale`: the images a brief names, turned gray before typst sees them, for monochrome
//! printers (which otherwise each turn colour into gray their own way, often losing a logo's
//! light parts). Every use of the `image` and `roxmltree` crates for this is here.
//!
//! Raster images (PNG, JPEG, GIF, WebP) are decoded, turned gray with the Rec. 709 weights
//! (what the `image` crate's `to_luma` uses) and written again in the same format, so the
//! file name the template reads still says what it holds: PNG and WebP losslessly, JPEG at
//! quality 92, GIF with an exact palette of grays. A JPEG's EXIF orientation is applied first,
//! as typst would have. SVG drawings stay vector: the whole drawing is wrapped in a group with
//! a `feColorMatrix` filter that takes its saturation to zero. Renderers draw filtered groups
//! as pixels: typst's PDF export draws it at four times its size on the page (about 290 ppi for
//! a logo 26 pt high), the PNG previews at their own resolution, and SVG previews leave it to
//! the browser.

use std::io::Cursor;

use image::codecs::gif::GifEncoder;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::codecs::webp::WebPEncoder;
use image::{DynamicImage, ImageDecoder, ImageEncoder, ImageFormat, ImageReader};

/// The quality JPEG images are written at once gray (they were lossy already).
const JPEG_QUALITY: u8 = 92;

/// The id of the filter put into SVG drawings; unlikely to meet an id of the drawing's own.
const FILTER_ID: &str = "brief-grayscale-filter";

/// Turns an image gray. `extension` (lowercase) says what the file holds, as typst will read
/// it. The error says why, in words that follow "cannot make the image … gray".
pub fn convert(bytes: &[u8], extension: &str) -> Result<Vec<u8>, String> {
    match extension {
        "svg" => svg(bytes),
        "png" => raster(bytes, ImageFormat::Png),
        "jpg" | "jpeg" => raster(bytes, ImageFormat::Jpeg),
        "gif" => raster(bytes, ImageFormat::Gif),
        "webp" => raster(bytes, ImageFormat::WebP),
        other => Err(format!("`.{other}` images cannot be made gray")),
    }
}

fn raster(bytes: &[u8], format: ImageFormat) -> Result<Vec<u8>, String> {
    let name = format!("{format:?}").to_uppercase();
    let unreadable =
        |e: image::ImageError| format!("it is not a {name} file that can be read: {e}");
    let mut decoder = ImageReader::with_format(Cursor::new(bytes), format)
        .into_decoder()
        .map_err(unreadable)?;
    let orientation = decoder.orientation().ok();
    let mut picture = DynamicImage::from_decoder(decoder).map_err(unreadable)?;
    if let Some(orientation) = orientation {
        picture.apply_orientation(orientation);
    }
    let (width, height) = (picture.width(), picture.height());
    let alpha = picture.color().has_alpha();
    let mut out = Vec::new();
    let failed = |e: image::ImageError| format!("writing it again failed: {e}");
    match format {
        ImageFormat::Png | ImageFormat::WebP => {
            let (data, color) = if alpha {
                (
                    picture.to_luma_alpha8().into_raw(),
                    image::ExtendedColorType::La8,
                )
            } else {
                (picture.to_luma8().into_raw(), image::ExtendedColorType::L8)
            };
            if format == ImageFormat::Png {
                PngEncoder::new(&mut out).write_image(&data, width, height, color)
            } else {
                // The WebP encoder takes RGB(A) only: gray spelled out in three channels.
                let rgba = DynamicImage::from(picture.to_luma_alpha8()).to_rgba8();
                WebPEncoder::new_lossless(&mut out).write_image(
                    rgba.as_raw(),
                    width,
                    height,
                    image::ExtendedColorType::Rgba8,
                )
            }
            .map_err(failed)?;
        }
        ImageFormat::Jpeg => {
            let gray = picture.to_luma8();
            JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)
                .write_image(gray.as_raw(), width, height, image::ExtendedColorType::L8)
                .map_err(failed)?;
        }
        ImageFormat::Gif => {
            // A GIF palette holds 256 colours, one of them transparency: with transparent
            // pixels, 255 grays are left (the lightest two merge), so the palette stays exact
            // gray instead of being approximated by a colour quantizer.
            let mut frame = picture.to_luma_alpha8();
            let transparent = frame.pixels().any(|p| p[1] == 0);
            for p in frame.pixels_mut() {
                if p[1] == 0 {
                    *p = image::LumaA([0, 0]);
                } else {
                    p[1] = 255;
                    if transparent {
                        p[0] = p[0].min(254);
                    }
                }
            }
            let rgba = DynamicImage::from(frame).to_rgba8();
            GifEncoder::new(&mut out)
                .encode(
                    rgba.as_raw(),
                    width,
                    height,
                    image::ExtendedColorType::Rgba8,
                )
                .map_err(failed)?;
        }
        _ => unreachable!("only the formats `convert` names"),
    }
    Ok(out)
}

/// Wraps an SVG drawing's content in a group filtered to gray.
fn svg(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "it is not UTF-8 text".to_string())?;
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let document = roxmltree::Document::parse_with_options(text, options)
        .map_err(|e| format!("it is not an SVG file that can be read: {e}"))?;
    let root = document.root_element();
    if root.tag_name().name() != "svg"
        || root.tag_name().namespace() != Some("http://www.w3.org/2000/svg")
    {
        return Err("its outermost element is not an SVG `<svg>`".into());
    }
    let range = root.range();
    let element = &text[range.clone()];
    // The tag as written, with its prefix if any (`svg` or `s:svg`): new elements use it too.
    let tag: String = element[1..]
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/')
        .collect();
    let prefix = tag.strip_suffix("svg").unwrap_or("");
    let start_end = start_tag_end(element).ok_or("its `<svg>` tag is not closed")?;
    if element[..start_end].ends_with("/>") {
        // An empty drawing has nothing to colour.
        return Ok(bytes.to_vec());
    }
    let close = element
        .rfind("</")
        .ok_or("its `<svg>` element is not closed")?;
    let opening = format!(
        "<{prefix}defs><{prefix}filter id=\"{FILTER_ID}\" color-interpolation-filters=\"sRGB\">\
         <{prefix}feColorMatrix type=\"saturate\" values=\"0\"/></{prefix}filter></{prefix}defs>\
         <{prefix}g filter=\"url(#{FILTER_ID})\">"
    );
    let mut out = String::with_capacity(text.len() + opening.len() + 16);
    out.push_str(&text[..range.start + start_end]);
    out.push_str(&opening);
    out.push_str(&element[start_end..close]);
    out.push_str(&format!("</{prefix}g>"));
    out.push_str(&text[range.start + close..]);
    Ok(out.into_bytes())
}

/// The byte just after the `>` that ends the start tag at the beginning of `element`,
/// skipping `>` inside quoted attribute values.
fn start_tag_end(element: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in element.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(i + 1),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn colored_png(alpha: bool) -> Vec<u8> {
        let picture = image::RgbaImage::from_fn(8, 4, |x, _| {
            image::Rgba([200, 30 * x as u8, 40, if alpha && x == 0 { 0 } else { 255 }])
        });
        let mut out = Vec::new();
        PngEncoder::new(&mut out)
            .write_image(picture.as_raw(), 8, 4, image::ExtendedColorType::Rgba8)
            .unwrap();
        out
    }

    fn all_gray(bytes: &[u8], format: ImageFormat) -> bool {
        let picture = image::load_from_memory_with_format(bytes, format)
            .unwrap()
            .to_rgba8();
        picture.pixels().all(|p| p[0] == p[1] && p[1] == p[2])
    }

    #[test]
    fn rasters_become_gray_in_their_own_format() {
        let png = convert(&colored_png(true), "png").unwrap();
        assert_eq!(image::guess_format(&png).unwrap(), ImageFormat::Png);
        assert!(all_gray(&png, ImageFormat::Png));
        let decoded = image::load_from_memory(&png).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (8, 4));
        assert!(decoded.color().has_alpha(), "transparency is kept");

        let source = image::load_from_memory(&colored_png(false)).unwrap();
        for (format, ext) in [
            (ImageFormat::Jpeg, "jpg"),
            (ImageFormat::Gif, "gif"),
            (ImageFormat::WebP, "webp"),
        ] {
            let mut bytes = Vec::new();
            let picture = if format == ImageFormat::Jpeg {
                DynamicImage::from(source.to_rgb8())
            } else {
                source.clone()
            };
            picture
                .write_to(&mut Cursor::new(&mut bytes), format)
                .unwrap();
            let gray = convert(&bytes, ext).unwrap();
            assert_eq!(image::guess_format(&gray).unwrap(), format, "{ext}");
            if format != ImageFormat::Jpeg {
                assert!(all_gray(&gray, format), "{ext}");
            }
        }
        assert!(convert(b"not a png", "png").is_err());
    }

    #[test]
    fn svg_content_is_wrapped_in_a_gray_filter() {
        let svg = br##"<?xml version="1.0"?>
<!-- a logo -->
<svg xmlns="http://www.w3.org/2000/svg" data-x="a>b" width="4" height="4"><rect width="4" height="4" fill="#0d4a6b"/></svg>
"##;
        let out = String::from_utf8(convert(svg, "svg").unwrap()).unwrap();
        roxmltree::Document::parse(&out).expect("still well-formed");
        assert!(
            out.contains(r#"data-x="a>b" width="4" height="4"><defs><filter"#),
            "{out}"
        );
        assert!(
            out.contains(r#"<g filter="url(#brief-grayscale-filter)"><rect"#),
            "{out}"
        );
        assert!(out.ends_with("</g></svg>\n"), "{out}");

        let prefixed = br#"<s:svg xmlns:s="http://www.w3.org/2000/svg"><s:rect width="1" height="1"/></s:svg>"#;
        let out = String::from_utf8(convert(prefixed, "svg").unwrap()).unwrap();
        assert!(out.contains("<s:feColorMatrix"), "{out}");
        roxmltree::Document::parse(&out).expect("still well-formed");

        assert!(convert(b"<html/>", "svg").is_err());
        assert!(convert(b"<svg", "svg").is_err());
    }
}
