//! Photos and logos: read, check that they decode, turn upright (EXIF) and
//! shrink to what print needs, so a phone photo does not make a huge PDF.

use std::io::Cursor;
use std::path::Path;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};

use crate::diag::Diagnostic;
use crate::event::io_reason;

/// An image ready for the layout: bytes Typst can read, and their format.
#[derive(Debug, Clone)]
pub struct Picture {
    pub bytes: Vec<u8>,
    /// Typst's name for the format: `png`, `jpg`, `webp` or `svg`.
    pub format: &'static str,
    /// Pixel size of a raster image (SVG: none).
    pub size: Option<(u32, u32)>,
}

/// Longest side kept for photos and logos: about twice the printed size of
/// the largest slot (a 40 mm photo at 300 dpi is 470 px).
pub const MAX_SIDE: u32 = 1000;

/// Reads and prepares a picture. The error says what is wrong with the file;
/// the caller adds where it was named.
pub fn load_picture(path: &Path) -> Result<Picture, Diagnostic> {
    let name = path.display();
    let bytes = std::fs::read(path).map_err(|e| Diagnostic::new(format!("cannot read `{name}`: {}", io_reason(&e))))?;
    if bytes.is_empty() {
        return Err(Diagnostic::new(format!("`{name}` is an empty file"))
            .help("replace it with a JPEG, PNG, WebP or SVG image"));
    }
    if looks_like_svg(&bytes) {
        return check_svg(&bytes, path).map(|()| Picture { bytes, format: "svg", size: None });
    }
    let format = image::guess_format(&bytes)
        .ok()
        .filter(|f| matches!(f, ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::WebP));
    let Some(format) = format else {
        return Err(Diagnostic::new(format!("`{name}` is not a JPEG, PNG, WebP or SVG image"))
            .help("convert it to JPEG or PNG (for example by opening it and exporting from an image viewer)"));
    };
    prepare_raster(bytes, format).map_err(|why| {
        Diagnostic::new(format!("`{name}` cannot be decoded as {}: {why}", format_name(format)))
            .help("the file may be damaged or truncated: export it again, or use another copy")
    })
}

fn format_name(f: ImageFormat) -> &'static str {
    match f {
        ImageFormat::Png => "PNG",
        ImageFormat::Jpeg => "JPEG",
        ImageFormat::WebP => "WebP",
        _ => "an image",
    }
}

/// Decodes fully (so a truncated file fails here, not in the layout), turns
/// the image upright and shrinks it. Small upright images keep their bytes.
fn prepare_raster(bytes: Vec<u8>, format: ImageFormat) -> Result<Picture, String> {
    let mut decoder =
        ImageReader::with_format(Cursor::new(&bytes), format).into_decoder().map_err(|e| e.to_string())?;
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| e.to_string())?;
    let upright = orientation == image::metadata::Orientation::NoTransforms;
    let small = img.width().max(img.height()) <= MAX_SIDE;
    if upright && small && format != ImageFormat::WebP {
        let size = Some((img.width(), img.height()));
        let format = if format == ImageFormat::Png { "png" } else { "jpg" };
        return Ok(Picture { bytes, format, size });
    }
    img.apply_orientation(orientation);
    if !small {
        img = img.resize(MAX_SIDE, MAX_SIDE, image::imageops::FilterType::Lanczos3);
    }
    encode(&img)
}

/// JPEG for opaque images (small), PNG when there is transparency.
fn encode(img: &DynamicImage) -> Result<Picture, String> {
    let mut out = Vec::new();
    let size = Some((img.width(), img.height()));
    if img.color().has_alpha() {
        img.write_to(&mut Cursor::new(&mut out), ImageFormat::Png).map_err(|e| e.to_string())?;
        Ok(Picture { bytes: out, format: "png", size })
    } else {
        let rgb = img.to_rgb8();
        let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 88);
        rgb.write_with_encoder(encoder).map_err(|e| e.to_string())?;
        Ok(Picture { bytes: out, format: "jpg", size })
    }
}

fn looks_like_svg(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let head = String::from_utf8_lossy(head);
    let t = head.trim_start_matches('\u{FEFF}').trim_start();
    (t.starts_with("<?xml") || t.starts_with("<svg") || t.starts_with("<!--") || t.starts_with("<!DOCTYPE svg"))
        && head.contains("<svg")
}

/// Parses an SVG the way Typst will (usvg), so a broken one fails early.
fn check_svg(bytes: &[u8], path: &Path) -> Result<(), Diagnostic> {
    usvg::Tree::from_data(bytes, &usvg::Options::default()).map(|_| ()).map_err(|e| {
        Diagnostic::new(format!("`{}` is not a valid SVG image: {e}", path.display()))
            .help("open it in a browser or an SVG editor to check it, then export it again")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_tmp(name: &str, bytes: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        (dir, p)
    }

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = DynamicImage::new_rgb8(w, h);
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), ImageFormat::Png).unwrap();
        out
    }

    #[test]
    fn small_png_is_kept_as_is() {
        let bytes = png(40, 30);
        let (_d, p) = write_tmp("a.png", &bytes);
        let pic = load_picture(&p).unwrap();
        assert_eq!(pic.format, "png");
        assert_eq!(pic.bytes, bytes);
        assert_eq!(pic.size, Some((40, 30)));
    }

    #[test]
    fn large_image_is_downscaled() {
        let (_d, p) = write_tmp("big.png", &png(3000, 2000));
        let pic = load_picture(&p).unwrap();
        assert_eq!(pic.size, Some((1000, 667)));
        assert_eq!(pic.format, "jpg");
    }

    #[test]
    fn empty_corrupt_and_unsupported_files_are_named() {
        let (_d, p) = write_tmp("empty.jpg", b"");
        assert!(load_picture(&p).unwrap_err().message.contains("empty file"));
        let mut truncated = png(200, 200);
        truncated.truncate(60);
        let (_d2, p) = write_tmp("cut.png", &truncated);
        let e = load_picture(&p).unwrap_err();
        assert!(e.message.contains("cut.png") && e.message.contains("cannot be decoded"), "{}", e.message);
        let (_d3, p) = write_tmp("doc.pdf", b"%PDF-1.7 not an image");
        assert!(load_picture(&p).unwrap_err().message.contains("not a JPEG, PNG, WebP or SVG"));
    }

    #[test]
    fn svg_is_checked() {
        let ok =
            br#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>"#;
        let (_d, p) = write_tmp("logo.svg", ok);
        assert_eq!(load_picture(&p).unwrap().format, "svg");
        let (_d2, p) = write_tmp("bad.svg", b"<svg xmlns=\"http://www.w3.org/2000/svg\"><rect");
        assert!(load_picture(&p).unwrap_err().message.contains("not a valid SVG"));
    }
}
