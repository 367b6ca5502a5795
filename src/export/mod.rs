//! Writing the poster: PDF and PNG bytes, and files that appear whole or not
//! at all (written to a temporary name in the same folder, then renamed).

mod canvas;
mod clusters;
mod rgb;
mod thumbnail;

use std::borrow::Borrow;
use std::io::Write;
use std::path::{Path, PathBuf};

use typst_layout::PagedDocument;

use crate::diag::Diagnostic;
use crate::files::io_reason;
use crate::limits::{self, MAX_RASTER_PIXELS};

pub use canvas::recycle;

/// The standards a PDF is made to: PDF/UA-1 (accessible) unless asked
/// not to, and PDF/A-2a or -3a for archives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PdfStandards {
    pub ua: bool,
    pub archive: Option<Archive>,
    /// The document's date (PDF/A needs one): the talk's.
    pub date: Option<jiff::civil::Date>,
}

impl Default for PdfStandards {
    fn default() -> Self {
        PdfStandards { ua: true, archive: None, date: None }
    }
}

impl PdfStandards {
    /// Tagged PDF alone.
    pub fn none() -> Self {
        PdfStandards { ua: false, archive: None, date: None }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Archive {
    A2a,
    A3a,
}

/// The poster as PDF. No timestamp, so the same input gives the same bytes.
pub fn pdf(doc: &PagedDocument, standards: &PdfStandards) -> Result<Vec<u8>, Diagnostic> {
    let mut options = typst_pdf::PdfOptions::default();
    let mut list = Vec::new();
    if standards.ua {
        list.push(typst_pdf::PdfStandard::Ua_1);
    }
    match standards.archive {
        Some(Archive::A2a) => list.push(typst_pdf::PdfStandard::A_2a),
        Some(Archive::A3a) => list.push(typst_pdf::PdfStandard::A_3a),
        None => {}
    }
    options.standards = typst_pdf::PdfStandards::new(&list)
        .map_err(|e| Diagnostic::new(format!("these PDF standards cannot be combined: {}", e.message())))?;
    if let Some(date) = standards.date {
        // PDF/A needs a date; the talk's own keeps the file reproducible.
        let d = typst::foundations::Datetime::from_ymd(i32::from(date.year()), date.month() as u8, date.day() as u8);
        options.timestamp = d.map(typst_pdf::Timestamp::new_utc);
    }
    // Each cluster's text once, so the PDF reads back as written.
    let doc = clusters::rejoined(doc);
    typst_pdf::pdf(&doc, &options).map_err(|errors| {
        let why: Vec<String> = errors.iter().map(|e| e.message.to_string()).collect();
        Diagnostic::new(format!("the PDF could not be made: {}", why.join("; ")))
    })
}

/// The PDF with a BleedBox on every page: the TrimBox Typst writes for a
/// page with a bleed, grown by `bleed_mm` (without crop marks, the whole
/// page; with them, less than it). Added as an incremental update, so what
/// Typst wrote stays byte for byte.
pub fn with_bleed_box(pdf: Vec<u8>, bleed_mm: f64) -> Result<Vec<u8>, Diagnostic> {
    use lopdf::{Document, IncrementalDocument, Object};
    let fail = |e: lopdf::Error| Diagnostic::new(format!("the PDF's bleed box could not be added: {e}"));
    let doc = Document::load_mem(&pdf).map_err(fail)?;
    let pages: Vec<_> = doc.get_pages().into_values().collect();
    let mut update = IncrementalDocument::create_from(pdf, doc);
    let b = bleed_mm * 72.0 / 25.4;
    for id in pages {
        update.opt_clone_object_to_new_document(id).map_err(fail)?;
        let page = update.new_document.get_object_mut(id).and_then(Object::as_dict_mut).map_err(fail)?;
        let trim: Vec<f64> = page
            .get(b"TrimBox")
            .and_then(Object::as_array)
            .map_err(fail)?
            .iter()
            .map(|x| x.as_float().map(f64::from))
            .collect::<Result<_, _>>()
            .map_err(fail)?;
        let [x0, y0, x1, y1] = trim[..] else {
            return Err(Diagnostic::new("the PDF's trim box is not a rectangle"));
        };
        let bleed = [x0 - b, y0 - b, x1 + b, y1 + b].map(|v| Object::Real(v as f32));
        page.set("BleedBox", Object::Array(bleed.to_vec()));
    }
    let mut out = Vec::new();
    update.save_to(&mut out).map_err(|e| Diagnostic::new(format!("the PDF could not be written: {e}")))?;
    Ok(out)
}

/// The first page as an opaque RGB PNG at `ppi` pixels per inch, with the
/// resolution recorded (pHYs) so print tools know its size, and `alt`, the
/// description of what it shows, for screen readers and social posts.
pub fn png(doc: &PagedDocument, ppi: f32, alt: Option<&str>) -> Result<Vec<u8>, Diagnostic> {
    png_and_pixels(doc, ppi, alt).map(|(png, drawn)| {
        recycle(drawn);
        png
    })
}

/// `png`, and the page as drawn for it (to scale the thumbnail down from).
pub fn png_and_pixels(
    doc: &PagedDocument,
    ppi: f32,
    alt: Option<&str>,
) -> Result<(Vec<u8>, tiny_skia::Pixmap), Diagnostic> {
    let page = doc.pages().first().ok_or_else(|| Diagnostic::new("the poster has no page"))?;
    let pixmap = rasterise(page, ppi)?;
    Ok((encode_png(&pixmap, ppi, alt)?, pixmap))
}

/// One page as a PNG (see `png`).
pub fn png_page(page: &typst_layout::Page, ppi: f32, alt: &str) -> Result<Vec<u8>, Diagnostic> {
    let pixmap = rasterise(page, ppi)?;
    let png = encode_png(&pixmap, ppi, Some(alt));
    recycle(pixmap);
    png
}

/// A page as pixels at `ppi` pixels per inch, if that many pixels are
/// within the limit (checked before any is allocated). Drawn in the memory
/// of the last page given to `recycle`, when it is large enough.
pub fn rasterise(page: &typst_layout::Page, ppi: f32) -> Result<tiny_skia::Pixmap, Diagnostic> {
    let scale = ppi / 72.0;
    let size = page.frame.size();
    // As typst_render sizes its canvas.
    let px = |pt: f64| (scale * pt as f32).round().max(1.0) as u64;
    let (w, h) = (px(size.x.to_pt()), px(size.y.to_pt()));
    if w.saturating_mul(h) > MAX_RASTER_PIXELS || !size.x.to_pt().is_finite() || !size.y.to_pt().is_finite() {
        let mm = |pt: f64| pt * 25.4 / 72.0;
        return Err(Diagnostic::new(format!(
            "the page is {:.0} × {:.0} mm: at {ppi} ppi its image would be {w} × {h} pixels ({}), over the limit of {}",
            mm(size.x.to_pt()),
            mm(size.y.to_pt()),
            limits::megapixels(w.saturating_mul(h)),
            limits::megapixels(MAX_RASTER_PIXELS)
        ))
        .help("use a lower --ppi or a smaller page; a PDF alone (--format pdf) has no such limit"));
    }
    let pixel_per_pt = typst::utils::Scalar::new(f64::from(scale));
    let options = typst_render::RenderOptions { pixel_per_pt, render_bleed: false };
    Ok(typst_render::render_reusing(page, &options, canvas::take()))
}

/// A rendered page as an opaque RGB PNG (see `png`).
pub fn encode_png(pixmap: &tiny_skia::Pixmap, ppi: f32, alt: Option<&str>) -> Result<Vec<u8>, Diagnostic> {
    encode_png_strips(pixmap.width(), pixmap.height(), ppi, alt, std::iter::once(Ok(pixmap)))
}

/// The keyword of the PNG text chunk that holds an image's description
/// (one of the PNG specification's predefined keywords).
pub const DESCRIPTION: &str = "Description";

/// The most room made for a PNG before it is encoded: a larger one grows.
const PNG_ROOM_AT_MOST: usize = 32 << 20;

/// Rendered strips of one image, top to bottom, `width` pixels wide and
/// `height` rows in all, as one opaque RGB PNG. Each strip is made when the
/// encoder needs it and dropped after, so a tall image never is in memory
/// whole (the contact sheet of a long series).
pub fn encode_png_strips<P: Borrow<tiny_skia::Pixmap>>(
    width: u32,
    height: u32,
    ppi: f32,
    alt: Option<&str>,
    strips: impl IntoIterator<Item = Result<P, Diagnostic>>,
) -> Result<Vec<u8>, Diagnostic> {
    let fail = |e: png::EncodingError| Diagnostic::new(format!("the PNG could not be encoded: {e}"));
    // Room for a poster's PNG (2-15% of its pixels' bytes at 150 ppi; a
    // contact sheet 28%) from the start: growing by doubling copies it and
    // faults in the pages of each larger copy.
    let pixel_bytes = u64::from(width) * u64::from(height) * 3;
    let mut out = Vec::with_capacity(usize::try_from(pixel_bytes / 5).unwrap_or(0).min(PNG_ROOM_AT_MOST));
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    // Fastest: the Up filter with fdeflate, ~2 ms less per 150-ppi poster
    // than Fast (adaptive filters) for files ~20% larger.
    encoder.set_compression(png::Compression::Fastest);
    let per_meter = (f64::from(ppi) / 0.0254).round() as u32;
    encoder.set_pixel_dims(Some(png::PixelDimensions { xppu: per_meter, yppu: per_meter, unit: png::Unit::Meter }));
    if let Some(alt) = alt {
        // iTXt: UTF-8, so a Chinese description survives.
        encoder.add_itxt_chunk(DESCRIPTION.into(), alt.into()).map_err(fail)?;
    }
    let mut writer = encoder.write_header().map_err(fail)?;
    let mut stream = writer.stream_writer_with_size(1 << 20).map_err(fail)?;
    // Row by row: pages are filled, so every pixel is opaque and alpha is
    // dropped; no second full-size image is ever allocated.
    let mut row = vec![0u8; width as usize * 3];
    let mut rows = 0;
    for strip in strips {
        let strip = strip?;
        let strip = strip.borrow();
        if strip.width() != width || rows + strip.height() > height {
            return Err(Diagnostic::new("the PNG could not be encoded: its parts do not fit together"));
        }
        for pixels in strip.data().chunks_exact(width as usize * 4) {
            rgb::drop_alpha(pixels, &mut row);
            stream.write_all(&row).map_err(|e| fail(e.into()))?;
        }
        rows += strip.height();
    }
    if rows != height {
        return Err(Diagnostic::new("the PNG could not be encoded: its parts do not fill it"));
    }
    stream.finish().map_err(fail)?;
    writer.finish().map_err(fail)?;
    Ok(out)
}

/// The first page as a PNG `width` pixels wide (a thumbnail): scaled down
/// from `drawn`, the page as drawn for its PNG, when there is one of a size
/// to scale down, else drawn at that width.
pub fn thumbnail(doc: &PagedDocument, width: u32, drawn: Option<&tiny_skia::Pixmap>) -> Result<Vec<u8>, Diagnostic> {
    let size = doc.pages().first().map_or((0.0, 0.0), |p| (p.frame.width().to_pt(), p.frame.height().to_pt()));
    if size.0 <= 0.0 {
        return Err(Diagnostic::new("the poster has no page"));
    }
    if let Some(scaled) = drawn.and_then(|drawn| thumbnail::scaled_down(drawn, size, width)) {
        return scaled;
    }
    png(doc, (f64::from(width) * 72.0 / size.0) as f32, None)
}

/// Writes `bytes` to `path` atomically: a reader (or a crash) never sees a
/// half-written poster.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Diagnostic> {
    stage(path, bytes)?.persist(path).map_err(|e| write_failure(path, &e.error))?;
    Ok(())
}

/// Writes files that belong together (a talk's PDF, PNG, calendar entry and
/// announcements) so that they appear together or not at all: each is
/// written whole to a temporary file beside its place first, and only when
/// all are, they are renamed into place. If anything fails, what was written
/// is removed again.
pub fn write_together(files: &[(PathBuf, &[u8])]) -> Result<(), Diagnostic> {
    let mut staged = Vec::with_capacity(files.len());
    for (path, bytes) in files {
        // A failure here drops (deletes) the temporaries staged so far.
        staged.push((path, stage(path, bytes)?));
    }
    let mut placed: Vec<&PathBuf> = Vec::with_capacity(staged.len());
    for (path, tmp) in staged {
        if let Err(e) = tmp.persist(path) {
            for done in placed {
                let _ = std::fs::remove_file(done);
            }
            return Err(write_failure(path, &e.error));
        }
        placed.push(path);
    }
    Ok(())
}

fn write_failure(path: &Path, e: &std::io::Error) -> Diagnostic {
    Diagnostic::new(format!("cannot write `{}`: {}", path.display(), io_reason(e)))
        .help("check that the output folder is writable and the disk is not full")
}

/// `bytes` in a new temporary file in `path`'s folder, synced, readable by
/// all (temporary files are private), not yet in place.
fn stage(path: &Path, bytes: &[u8]) -> Result<tempfile::NamedTempFile, Diagnostic> {
    let dir = crate::files::folder_of(path);
    let fail = |e: std::io::Error| write_failure(path, &e);
    let mut tmp = tempfile::Builder::new().prefix(TEMP_PREFIX).suffix(TEMP_SUFFIX).tempfile_in(dir).map_err(fail)?;
    tmp.write_all(bytes).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file().set_permissions(std::fs::Permissions::from_mode(0o644)).map_err(fail)?;
    }
    Ok(tmp)
}

/// The names of talkposter's temporary files: `.talkposter-XXXXXX.tmp`.
pub const TEMP_PREFIX: &str = ".talkposter-";
pub const TEMP_SUFFIX: &str = ".tmp";

/// Removes temporary files an interrupted run left in `dir` (killed before
/// it could): those older than a minute, so a batch running beside this one
/// on the same folder keeps its own (each lives for milliseconds).
pub fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let ours = name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX);
        let old = entry
            .metadata()
            .ok()
            .filter(|m| m.is_file())
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > std::time::Duration::from_secs(60));
        if ours && old {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Writes `bytes` to `path` (atomically) unless the file already holds
/// exactly them: files about a whole series are made on every run, and
/// keep their time when nothing changed (for tools that publish on change).
pub fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<(), Diagnostic> {
    let same = std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
        && std::fs::read(path).is_ok_and(|old| old == bytes);
    if same { Ok(()) } else { write_atomic(path, bytes) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The document Typst lays out from `source` (a template file of its own).
    pub(super) fn document(source: &str) -> PagedDocument {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("page.typ");
        std::fs::write(&path, source).unwrap();
        let layouter = crate::layout::Layouter::new(vec![]);
        let template = crate::event::TemplateRef::File(path);
        layouter.compile(&template, typst::foundations::Dict::new(), None).unwrap().document
    }

    #[test]
    fn files_that_belong_together_appear_together_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let (pdf, png) = (dir.path().join("talk.pdf"), dir.path().join("talk.png"));
        // The second cannot be written (its folder is missing): neither is.
        let missing = dir.path().join("gone").join("talk.ics");
        let e = write_together(&[(pdf.clone(), b"pdf".as_slice()), (missing, b"ics".as_slice())]).unwrap_err();
        assert!(e.message.contains("cannot write"), "{}", e.message);
        assert!(!pdf.exists());
        write_together(&[(pdf.clone(), b"pdf".as_slice()), (png.clone(), b"png".as_slice())]).unwrap();
        assert_eq!(std::fs::read(&png).unwrap(), b"png");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 2, "no temporary left: {names:?}");
    }

    #[test]
    fn stale_temporaries_are_removed_and_fresh_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let stale = dir.path().join(".talkposter-abc123.tmp");
        let fresh = dir.path().join(".talkposter-def456.tmp");
        let other = dir.path().join("notes.tmp");
        for p in [&stale, &fresh, &other] {
            std::fs::write(p, b"x").unwrap();
        }
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        std::fs::File::options().write(true).open(&stale).unwrap().set_modified(old).unwrap();
        std::fs::File::options().write(true).open(&other).unwrap().set_modified(old).unwrap();
        remove_stale_temporaries(dir.path());
        assert!(!stale.exists() && fresh.exists() && other.exists());
    }

    #[test]
    fn strips_stack_into_one_png_and_must_fill_it() {
        let strip = |rgb: [u8; 3], h: u32| {
            let mut p = tiny_skia::Pixmap::new(3, h).unwrap();
            p.fill(tiny_skia::Color::from_rgba8(rgb[0], rgb[1], rgb[2], 255));
            Ok::<_, Diagnostic>(p)
        };
        let png = encode_png_strips(3, 5, 96.0, None, [strip([255, 0, 0], 2), strip([0, 0, 255], 3)]).unwrap();
        let img = image::load_from_memory(&png).unwrap().to_rgb8();
        assert_eq!(img.dimensions(), (3, 5));
        assert_eq!((img.get_pixel(2, 1).0, img.get_pixel(0, 2).0), ([255, 0, 0], [0, 0, 255]));
        assert!(encode_png_strips(3, 6, 96.0, None, [strip([0, 0, 0], 2), strip([0, 0, 0], 3)]).is_err());
        assert!(encode_png_strips(3, 4, 96.0, None, [strip([0, 0, 0], 2), strip([0, 0, 0], 3)]).is_err());
    }

    /// The PNG renderer (vendor/typst-render) draws a glyph at its
    /// position's phase within a pixel rounded to a quarter pixel, from a
    /// cache: the same letter at 10.30 and 110.35 pixels (both a quarter
    /// past) is the same pixels 100 pixels apart. Drawn at its exact
    /// position, as before, the two differ at their edges.
    #[test]
    fn a_glyph_at_the_same_quarter_pixel_is_drawn_alike() {
        // At 150 ppi a pixel is 0.48 pt.
        let px = |p: f64| format!("{}pt", p * 72.0 / 150.0);
        let source = format!(
            "#set page(width: 100pt, height: 30pt, margin: 0pt, fill: white)\n\
             #set text(font: \"Noto Sans\", size: 14pt)\n\
             #place(top + left, dx: {}, dy: 8pt)[a]\n#place(top + left, dx: {}, dy: 8pt)[a]\n",
            px(10.30),
            px(110.35)
        );
        let doc = document(&source);
        let pixmap = rasterise(&doc.pages()[0], 150.0).unwrap();
        let (w, h) = (pixmap.width() as usize, pixmap.height() as usize);
        let pixels = pixmap.data();
        let at = |x: usize, y: usize| &pixels[(y * w + x) * 4..(y * w + x) * 4 + 4];
        let inked = (0..h).flat_map(|y| (0..90).map(move |x| (x, y))).filter(|&(x, y)| at(x, y)[0] < 255).count();
        assert!(inked > 20, "the letter is drawn ({inked} pixels)");
        for y in 0..h {
            for x in 0..90 {
                assert_eq!(at(x, y), at(x + 100, y), "pixel ({x}, {y}) and 100 to its right");
            }
        }
    }

    #[test]
    fn a_thumbnail_scaled_down_from_the_png_looks_like_one_drawn_small() {
        let source = "#set page(paper: \"a5\", margin: 10mm, fill: white)\n\
             #set text(font: \"Noto Sans\", size: 11pt)\n\
             #rect(width: 100%, height: 20mm, fill: red)\n\
             #text(size: 30pt, weight: \"bold\")[A title in large type]\n\
             #line(length: 100%, stroke: 0.5pt)\n\
             #lorem(120)\n";
        let doc = document(source);
        let (_, drawn) = png_and_pixels(&doc, 150.0, None).unwrap();
        let decode = |png: Vec<u8>| image::load_from_memory(&png).unwrap().to_rgb8();
        let scaled = decode(thumbnail(&doc, 152, Some(&drawn)).unwrap());
        let small = decode(thumbnail(&doc, 152, None).unwrap());
        assert_eq!(scaled.dimensions(), small.dimensions());
        assert_ne!(scaled.as_raw(), small.as_raw(), "scaled down, not drawn again");
        let differences = scaled.as_raw().iter().zip(small.as_raw()).map(|(a, b)| u64::from(a.abs_diff(*b)));
        let mean = differences.sum::<u64>() as f64 / scaled.as_raw().len() as f64;
        // Text-dense pages differ by 1-4 levels; a thumbnail off by one row
        // of pixels, by 10 or more.
        assert!(mean < 6.0, "the two thumbnails differ by {mean:.2} levels on average");
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.pdf");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }

    #[test]
    fn unwritable_folder_is_a_clear_error() {
        let e = write_atomic(Path::new("/no/such/dir/a.pdf"), b"x").unwrap_err();
        assert!(e.message.contains("/no/such/dir/a.pdf"), "{}", e.message);
    }
}
