//! Photos and logos in JPEG, PNG or WebP: the size in the file's header is
//! checked before a pixel is decoded, decoding runs under memory limits,
//! and the picture is turned upright (EXIF), cropped to the shape the
//! layouts want and shrunk to what print needs.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

use super::{Picture, PictureFormat, Shape};
use crate::diag::Diagnostic;
use crate::limits::{self, MAX_IMAGE_DECODE_BYTES, MAX_IMAGE_PIXELS};

/// Longest side kept for logos: about twice their printed size at 300 dpi.
pub const LOGO_SIDE: u32 = 1000;
/// Side kept for photos: twice the largest photo slot (a 34 mm circle) at 300 dpi.
pub const PHOTO_SIDE: u32 = 800;

/// The raster format of `bytes`, if it is one talkposter reads.
pub fn format_of(bytes: &[u8]) -> Option<ImageFormat> {
    image::guess_format(bytes).ok().filter(|f| matches!(f, ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::WebP))
}

pub fn format_name(f: ImageFormat) -> &'static str {
    match f {
        ImageFormat::Png => "PNG",
        ImageFormat::Jpeg => "JPEG",
        ImageFormat::WebP => "WebP",
        _ => "an image",
    }
}

/// Decodes (so a truncated file fails here, not in the layout), turns the
/// picture upright, crops and shrinks it. Small upright pictures that need
/// no crop keep their bytes. The error does not name the file.
pub fn prepare(bytes: Vec<u8>, format: ImageFormat, shape: Shape) -> Result<Picture, Diagnostic> {
    check_pixels(&bytes)?;
    decode_and_shape(bytes, format, shape).map_err(|why| undecodable(format, &why))
}

/// Refuses a picture whose header declares more pixels than the limit. Only
/// the header is read; a header that cannot be read is left to the decoder.
pub fn check_pixels(bytes: &[u8]) -> Result<(), Diagnostic> {
    let Ok(size) = imagesize::blob_size(bytes) else { return Ok(()) };
    let (w, h) = (size.width as u64, size.height as u64);
    let pixels = w.saturating_mul(h);
    if pixels <= MAX_IMAGE_PIXELS {
        return Ok(());
    }
    Err(Diagnostic::new(format!(
        "it is {w} × {h} pixels ({}), over the limit of {}",
        limits::megapixels(pixels),
        limits::megapixels(MAX_IMAGE_PIXELS)
    ))
    .help("scale it down: a poster uses at most 1000 × 1000 pixels (any photo editor can export a smaller copy)"))
}

fn undecodable(format: ImageFormat, why: &str) -> Diagnostic {
    Diagnostic::new(format!("it cannot be decoded as {}: {why}", format_name(format)))
        .help("the file may be damaged or truncated: export it again, or use another copy")
}

fn decode_and_shape(bytes: Vec<u8>, format: ImageFormat, shape: Shape) -> Result<Picture, String> {
    let mut reader = ImageReader::with_format(Cursor::new(&bytes), format);
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_IMAGE_DECODE_BYTES);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| e.to_string())?;
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| e.to_string())?;
    let upright = orientation == image::metadata::Orientation::NoTransforms;
    let max = if shape == Shape::Whole { LOGO_SIDE } else { PHOTO_SIDE };
    let small = img.width().max(img.height()) <= max;
    let square = img.width() == img.height() || shape == Shape::Whole;
    if upright && small && square && format != ImageFormat::WebP {
        let size = Some((img.width(), img.height()));
        let format = if format == ImageFormat::Png { PictureFormat::Png } else { PictureFormat::Jpg };
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

/// JPEG for opaque pictures (small), PNG when there is transparency.
fn encode(img: &DynamicImage) -> Result<Picture, String> {
    let mut out = Vec::new();
    let size = Some((img.width(), img.height()));
    if img.color().has_alpha() {
        img.write_to(&mut Cursor::new(&mut out), ImageFormat::Png).map_err(|e| e.to_string())?;
        Ok(Picture { bytes: out, format: PictureFormat::Png, size })
    } else {
        let rgb = img.to_rgb8();
        let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 88);
        rgb.write_with_encoder(encoder).map_err(|e| e.to_string())?;
        Ok(Picture { bytes: out, format: PictureFormat::Jpg, size })
    }
}
