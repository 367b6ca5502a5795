//! Photos, logos and QR codes. Pictures are read, checked to decode, turned
//! upright (EXIF), cropped to the shape the layouts want and shrunk to what
//! print needs, so a phone photo does not make a huge PDF.

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

/// Longest side kept for logos: about twice their printed size at 300 dpi.
pub const MAX_SIDE: u32 = 1000;
/// Side kept for photos: twice the largest photo slot (a 34 mm circle) at 300 dpi.
pub const PHOTO_SIDE: u32 = 800;

/// How a picture will be shown.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shape {
    /// As it is (logos).
    Whole,
    /// A square (shown as a circle), cut around `focus`: fractions of the
    /// width and height, the centre when none.
    Square { focus: Option<(f64, f64)> },
}

/// Reads and prepares a picture. The error says what is wrong with the file;
/// the caller adds where it was named.
pub fn load_picture(path: &Path, shape: Shape) -> Result<Picture, Diagnostic> {
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
    prepare_raster(bytes, format, shape).map_err(|why| {
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
/// the image upright, crops and shrinks it. Small upright images that need
/// no crop keep their bytes.
fn prepare_raster(bytes: Vec<u8>, format: ImageFormat, shape: Shape) -> Result<Picture, String> {
    let mut decoder =
        ImageReader::with_format(Cursor::new(&bytes), format).into_decoder().map_err(|e| e.to_string())?;
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| e.to_string())?;
    let upright = orientation == image::metadata::Orientation::NoTransforms;
    let max = if shape == Shape::Whole { MAX_SIDE } else { PHOTO_SIDE };
    let small = img.width().max(img.height()) <= max;
    let square = img.width() == img.height() || shape == Shape::Whole;
    if upright && small && square && format != ImageFormat::WebP {
        let size = Some((img.width(), img.height()));
        let format = if format == ImageFormat::Png { "png" } else { "jpg" };
        return Ok(Picture { bytes, format, size });
    }
    img.apply_orientation(orientation);
    if let Shape::Square { focus } = shape {
        img = crop_square(&img, focus.unwrap_or((0.5, 0.5)));
    }
    if img.width().max(img.height()) > max {
        img = img.resize(max, max, image::imageops::FilterType::Lanczos3);
    }
    encode(&img)
}

/// The largest square in `img` whose centre is as near `focus` as fits.
fn crop_square(img: &DynamicImage, focus: (f64, f64)) -> DynamicImage {
    let (w, h) = (img.width(), img.height());
    let side = w.min(h);
    let start = |len: u32, f: f64| {
        let centre = (f.clamp(0.0, 1.0) * len as f64).round() as i64;
        (centre - side as i64 / 2).clamp(0, (len - side) as i64) as u32
    };
    img.crop_imm(start(w, focus.0), start(h, focus.1), side, side)
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

/// A QR code for `url`: a PNG with one pixel per module and the quiet zone.
/// Layouts show it with `scaling: "pixelated"`, so modules stay sharp at any
/// size, in print (no interpolation) and in the PNG (nearest neighbour).
pub fn qr_png(url: &str) -> Result<Vec<u8>, Diagnostic> {
    const QUIET: u32 = 4;
    let code = qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M).map_err(|e| {
        Diagnostic::new(format!("no QR code can hold this address ({e})"))
            .help("use a shorter link, for example from a link shortener")
    })?;
    let width = code.width() as u32;
    let colors = code.to_colors();
    let side = width + 2 * QUIET;
    let img = image::GrayImage::from_fn(side, side, |x, y| {
        let inside = (QUIET..QUIET + width).contains(&x) && (QUIET..QUIET + width).contains(&y);
        let dark = inside && colors[((y - QUIET) * width + (x - QUIET)) as usize] == qrcode::Color::Dark;
        image::Luma([if dark { 0 } else { 255 }])
    });
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
        .map_err(|e| Diagnostic::new(format!("the QR code could not be encoded: {e}")))?;
    Ok(out)
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
        let pic = load_picture(&p, Shape::Whole).unwrap();
        assert_eq!(pic.format, "png");
        assert_eq!(pic.bytes, bytes);
        assert_eq!(pic.size, Some((40, 30)));
    }

    /// A JPEG whose EXIF data says "rotate 90° clockwise to view" (orientation 6).
    fn jpeg_with_orientation_6(img: &image::RgbImage) -> Vec<u8> {
        let mut jpeg = Vec::new();
        img.write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 95)).unwrap();
        // APP1 "Exif": big-endian TIFF header, one IFD entry: 0x0112 SHORT 1 = 6.
        let tiff: &[u8] = &[b'M', b'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0];
        let mut app1 = b"Exif\0\0".to_vec();
        app1.extend_from_slice(tiff);
        let len = (app1.len() + 2) as u16;
        let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(&app1);
        out.extend_from_slice(&jpeg[2..]);
        out
    }

    #[test]
    fn exif_orientation_is_applied_before_cropping() {
        // 200×100, left half red, right half blue. Turned upright (90° clockwise)
        // it is 100×200, red on top: the square crop keeps red above blue.
        let img =
            image::RgbImage::from_fn(
                200,
                100,
                |x, _| if x < 100 { image::Rgb([220, 0, 0]) } else { image::Rgb([0, 0, 220]) },
            );
        let (_d, p) = write_tmp("phone.jpg", &jpeg_with_orientation_6(&img));
        let pic = load_picture(&p, Shape::Square { focus: None }).unwrap();
        let out = image::load_from_memory(&pic.bytes).unwrap().to_rgb8();
        assert_eq!(out.dimensions(), (100, 100));
        let (top, bottom) = (out.get_pixel(50, 10), out.get_pixel(50, 90));
        assert!(top.0[0] > 150 && top.0[2] < 80, "top should be red: {top:?}");
        assert!(bottom.0[2] > 150 && bottom.0[0] < 80, "bottom should be blue: {bottom:?}");
    }

    #[test]
    fn photos_are_cut_square_around_the_focus() {
        // 300×100: a green square at the right end; focus there keeps it.
        let img = image::RgbImage::from_fn(300, 100, |x, _| {
            if x >= 200 { image::Rgb([0, 200, 0]) } else { image::Rgb([255, 255, 255]) }
        });
        let mut png = Vec::new();
        DynamicImage::ImageRgb8(img).write_to(&mut Cursor::new(&mut png), ImageFormat::Png).unwrap();
        let (_d, p) = write_tmp("wide.png", &png);
        let right = load_picture(&p, Shape::Square { focus: Some((0.9, 0.5)) }).unwrap();
        let out = image::load_from_memory(&right.bytes).unwrap().to_rgb8();
        assert_eq!(out.dimensions(), (100, 100));
        assert!(out.get_pixel(5, 50).0[1] > 150 && out.get_pixel(5, 50).0[0] < 80, "{:?}", out.get_pixel(5, 50));
        let centre = load_picture(&p, Shape::Square { focus: None }).unwrap();
        let out = image::load_from_memory(&centre.bytes).unwrap().to_rgb8();
        assert!(out.get_pixel(50, 50).0[0] > 200, "the centre is white");
    }

    #[test]
    fn qr_codes_are_one_pixel_per_module_with_a_quiet_zone() {
        let png = qr_png("https://example.org/register?talk=42").unwrap();
        let img = image::load_from_memory(&png).unwrap().to_luma8();
        assert_eq!(img.width(), img.height());
        assert_eq!((img.width() - 8 - 21) % 4, 0, "a QR version's size: 21 + 4k modules, plus 2 × 4 quiet");
        assert_eq!(img.get_pixel(0, 0).0[0], 255, "quiet zone is white");
        assert_eq!(img.get_pixel(4, 4).0[0], 0, "finder pattern starts after the quiet zone");
    }

    #[test]
    fn large_image_is_downscaled() {
        let (_d, p) = write_tmp("big.png", &png(3000, 2000));
        let pic = load_picture(&p, Shape::Whole).unwrap();
        assert_eq!(pic.size, Some((1000, 667)));
        assert_eq!(pic.format, "jpg");
    }

    #[test]
    fn empty_corrupt_and_unsupported_files_are_named() {
        let (_d, p) = write_tmp("empty.jpg", b"");
        assert!(load_picture(&p, Shape::Whole).unwrap_err().message.contains("empty file"));
        let mut truncated = png(200, 200);
        truncated.truncate(60);
        let (_d2, p) = write_tmp("cut.png", &truncated);
        let e = load_picture(&p, Shape::Whole).unwrap_err();
        assert!(e.message.contains("cut.png") && e.message.contains("cannot be decoded"), "{}", e.message);
        let (_d3, p) = write_tmp("doc.pdf", b"%PDF-1.7 not an image");
        assert!(load_picture(&p, Shape::Whole).unwrap_err().message.contains("not a JPEG, PNG, WebP or SVG"));
    }

    #[test]
    fn svg_is_checked() {
        let ok =
            br#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>"#;
        let (_d, p) = write_tmp("logo.svg", ok);
        assert_eq!(load_picture(&p, Shape::Whole).unwrap().format, "svg");
        let (_d2, p) = write_tmp("bad.svg", b"<svg xmlns=\"http://www.w3.org/2000/svg\"><rect");
        assert!(load_picture(&p, Shape::Whole).unwrap_err().message.contains("not a valid SVG"));
    }
}
