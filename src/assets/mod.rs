//! Photos, logos and QR codes: every file a talk names, read within limits,
//! checked and made ready for the layouts. Each distinct file is prepared
//! once per run, however many talks show it (a series logo).

pub mod qr;
pub mod raster;
pub mod svg;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use serde::{Deserialize, Serialize};

use crate::diag::{Diagnostic, Failure};
use crate::event::positions::KeyPath;
use crate::event::{Event, Origin};
use crate::files;
use crate::limits::MAX_IMAGE_FILE_BYTES;
use crate::sync::LockAnyway;
pub use qr::Qr;

/// A picture ready for the layout: bytes Typst can read, and their format.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Picture {
    #[serde(with = "serde_bytes")]
    pub bytes: Vec<u8>,
    pub format: PictureFormat,
    /// Pixel size of a raster picture (SVG: none).
    pub size: Option<(u32, u32)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PictureFormat {
    Png,
    Jpg,
    Webp,
    Svg,
}

impl PictureFormat {
    /// Typst's name for the format (`image(…, format: …)`).
    pub fn typst_name(self) -> &'static str {
        match self {
            PictureFormat::Png => "png",
            PictureFormat::Jpg => "jpg",
            PictureFormat::Webp => "webp",
            PictureFormat::Svg => "svg",
        }
    }
}

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
    match read_picture(path)? {
        (bytes, None) => Ok(Picture { bytes, format: PictureFormat::Svg, size: None }),
        (bytes, Some(format)) => raster::prepare(bytes, format, shape).map_err(|d| named(path, d)),
    }
}

/// Checks a picture without decoding it (for `talkposter check`): that it
/// is an SVG that passes the checks, or a JPEG, PNG or WebP whose header
/// declares a size within the limit.
pub fn inspect(path: &Path) -> Result<(), Diagnostic> {
    match read_picture(path)? {
        (_, None) => Ok(()),
        (bytes, Some(_)) => raster::check_pixels(&bytes).map_err(|d| named(path, d)),
    }
}

/// The picture's bytes and raster format (none: a checked SVG).
fn read_picture(path: &Path) -> Result<(Vec<u8>, Option<image::ImageFormat>), Diagnostic> {
    let name = path.display();
    let bytes = files::read_limited(path, MAX_IMAGE_FILE_BYTES, "a picture").map_err(|d| named(path, d))?;
    if bytes.is_empty() {
        return Err(Diagnostic::new(format!("`{name}` is an empty file"))
            .help("replace it with a JPEG, PNG, WebP or SVG image"));
    }
    if svg::looks_like_svg(&bytes) {
        svg::check(&bytes).map_err(|d| named(path, d))?;
        return Ok((bytes, None));
    }
    let Some(format) = raster::format_of(&bytes) else {
        return Err(Diagnostic::new(format!("`{name}` is not a JPEG, PNG, WebP or SVG image"))
            .help("convert it to JPEG or PNG (for example by opening it and exporting from an image viewer)"));
    };
    Ok((bytes, Some(format)))
}

/// `it is …` said of the file by name.
fn named(path: &Path, d: Diagnostic) -> Diagnostic {
    let name = path.display();
    let message = match d.message.strip_prefix("it ") {
        Some(rest) => format!("`{name}` {rest}"),
        None => format!("`{name}`: {}", d.message),
    };
    Diagnostic { message, ..d }
}

/// The files and codes an event needs, prepared.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Assets {
    /// One per speaker, in order.
    pub photos: Vec<Option<Arc<Picture>>>,
    pub logo: Option<Arc<Picture>>,
    /// QR code for `online.url`.
    pub online_qr: Option<Qr>,
    /// QR code for `registration`.
    pub registration_qr: Option<Qr>,
}

/// Pictures already prepared in this run, by file and shape. A file that
/// changes (same path, new size or time) is prepared again.
#[derive(Default)]
pub struct AssetCache {
    pictures: Mutex<HashMap<CacheKey, Arc<Prepared>>>,
}

/// A picture being prepared or prepared once, for every talk that shows it.
type Prepared = OnceLock<Result<Arc<Picture>, Diagnostic>>;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct CacheKey {
    path: PathBuf,
    shape: (bool, u64, u64),
    len: u64,
    modified: Option<std::time::SystemTime>,
}

impl AssetCache {
    /// The picture at `path` in `shape`, prepared at most once: threads
    /// asking for the same picture at once wait for one preparation.
    pub fn picture(&self, path: &Path, shape: Shape) -> Result<Arc<Picture>, Diagnostic> {
        let Ok(meta) = std::fs::metadata(path) else {
            return load_picture(path, shape).map(Arc::new);
        };
        let shape_key = match shape {
            Shape::Whole => (false, 0, 0),
            Shape::Square { focus } => {
                let (x, y) = focus.unwrap_or((0.5, 0.5));
                (true, x.to_bits(), y.to_bits())
            }
        };
        let key = CacheKey {
            path: std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()),
            shape: shape_key,
            len: meta.len(),
            modified: meta.modified().ok(),
        };
        let cell = self.pictures.lock_anyway().entry(key).or_default().clone();
        cell.get_or_init(|| load_picture(path, shape).map(Arc::new)).clone()
    }
}

/// Every picture an event names, with the key that names it.
pub fn pictures(event: &Event) -> Vec<(KeyPath, &Path)> {
    let photos = event.speakers.iter().filter_map(|s| Some((s.path.key("photo"), s.photo.as_deref()?)));
    let logo =
        event.organizer.as_ref().and_then(|o| Some((KeyPath::root().key("organizer").key("logo"), o.logo.as_deref()?)));
    photos.chain(logo).collect()
}

/// Reads every photo and the logo and makes the QR codes; each problem
/// points at the key that asked for it.
pub fn prepare(event: &Event, origin: &Origin, cache: &AssetCache) -> Result<Assets, Failure> {
    let mut errors = Vec::new();
    let mut located = |key: KeyPath, d: Diagnostic| {
        let mut e = origin.error(&key, d.message);
        e.help = d.help;
        errors.push(e);
    };
    let mut load = |file: &Option<PathBuf>, shape: Shape, key: KeyPath| match cache.picture(file.as_ref()?, shape) {
        Ok(p) => Some(p),
        Err(d) => {
            located(key, d);
            None
        }
    };
    let photos = event
        .speakers
        .iter()
        .map(|s| load(&s.photo, Shape::Square { focus: s.photo_focus }, s.path.key("photo")))
        .collect();
    let logo = event
        .organizer
        .as_ref()
        .and_then(|o| load(&o.logo, Shape::Whole, KeyPath::root().key("organizer").key("logo")));
    let mut qr = |url: Option<&String>, key: KeyPath| match qr::make(url?) {
        Ok(code) => Some(code),
        Err(d) => {
            located(key, d);
            None
        }
    };
    let online_qr = qr(event.online.as_ref().map(|o| &o.url), KeyPath::root().key("online").key("url"));
    let registration_qr = qr(event.registration.as_ref(), KeyPath::root().key("registration"));
    if errors.is_empty() { Ok(Assets { photos, logo, online_qr, registration_qr }) } else { Err(Failure(errors)) }
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use image::{DynamicImage, ImageFormat};

    use super::*;

    /// A PNG whose header declares `w` × `h` pixels, and no pixels.
    fn png_header_bomb(w: u32, h: u32) -> Vec<u8> {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, w, h);
        encoder.set_color(png::ColorType::Rgb);
        drop(encoder.write_header().unwrap());
        out
    }

    #[test]
    fn pictures_over_the_pixel_limit_are_refused_from_their_header() {
        let (_d, p) = write_tmp("bomb.png", &png_header_bomb(1_000_000, 1_000_000));
        let e = load_picture(&p, Shape::Square { focus: None }).unwrap_err();
        assert!(
            e.message.ends_with(
                "bomb.png` is 1000000 × 1000000 pixels (1000000 megapixels), over the limit of 64 megapixels"
            ),
            "{}",
            e.message
        );
        let (_d, p) = write_tmp("wide.png", &png_header_bomb(100_000, 1_000));
        assert!(load_picture(&p, Shape::Whole).unwrap_err().message.contains("over the limit of 64 megapixels"));
    }

    #[test]
    fn each_picture_is_prepared_once_per_file_and_shape() {
        let (_d, p) = write_tmp("logo.png", &png(40, 30));
        let cache = AssetCache::default();
        let a = cache.picture(&p, Shape::Whole).unwrap();
        let b = cache.picture(&p, Shape::Whole).unwrap();
        assert!(Arc::ptr_eq(&a, &b), "the second talk gets the same prepared picture");
        let c = cache.picture(&p, Shape::Square { focus: None }).unwrap();
        assert!(!Arc::ptr_eq(&a, &c), "another shape is another picture");
    }

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
        assert_eq!(pic.format, PictureFormat::Png);
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
    fn large_image_is_downscaled() {
        let (_d, p) = write_tmp("big.png", &png(3000, 2000));
        let pic = load_picture(&p, Shape::Whole).unwrap();
        assert_eq!(pic.size, Some((1000, 667)));
        assert_eq!(pic.format, PictureFormat::Jpg);
    }

    #[test]
    fn empty_corrupt_and_unsupported_files_are_named() {
        let (_d, p) = write_tmp("empty.jpg", b"");
        assert!(load_picture(&p, Shape::Whole).unwrap_err().message.contains("empty file"));
        let mut truncated = png(200, 200);
        truncated.truncate(60);
        let (_d2, p) = write_tmp("cut.png", &truncated);
        let e = load_picture(&p, Shape::Whole).unwrap_err();
        assert!(e.message.contains("cut.png` cannot be decoded as PNG"), "{}", e.message);
        let (_d3, p) = write_tmp("doc.pdf", b"%PDF-1.7 not an image");
        assert!(load_picture(&p, Shape::Whole).unwrap_err().message.contains("not a JPEG, PNG, WebP or SVG"));
    }
}
