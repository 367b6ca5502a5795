//! The contact sheet: every poster of a batch as a thumbnail, in date order,
//! labelled, in one PNG. Typst lays out the labels and leaves a box of each
//! thumbnail's exact pixel size, marked with `<talkposter-thumb>`; the
//! thumbnails are then copied into the rendered page one at a time. The
//! sheet is laid out in pages of a few rows, each compiled on its own and
//! rendered (on a thread of its own, at most two pages ahead of the
//! encoding), and stacked into one PNG. Typst alone would hold every decoded thumbnail, a copy of each and
//! the whole sheet at once: with 300 talks that was most of the batch's
//! peak memory (260 MB; 205 MB pasting thumbnails into one page).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use typst::foundations::{Array, Dict, IntoValue, Label, Selector, Value};
use typst::introspection::{Introspector, MetadataElem};
use typst::utils::PicoStr;
use typst_layout::Page;

use crate::diag::Diagnostic;
use crate::export::{encode_png_strips, rasterise};
use crate::layout::Layouter;
use crate::layout::inputs::dict;
use crate::templates;

/// Where the thumbnail of the talk `stem` is kept, inside the output folder,
/// for the talks a later run finds up to date.
pub fn thumbnail_path(out_dir: &Path, stem: &str) -> PathBuf {
    out_dir.join(THUMBS).join(format!("{stem}.png"))
}

/// The sheet's file name, without its extension: no talk may take it.
/// talkposter's own folder in the output folder, and its thumbnails.
pub const OWN_FOLDER: &str = ".talkposter";
pub const THUMBS: &str = ".talkposter/thumbs";

pub const NAME: &str = "contact-sheet";
/// Thumbnail width in pixels: 40 mm on the sheet.
pub const THUMB_WIDTH: u32 = 152;
/// The sheet's columns at most, and its rows a page (see the template).
const COLUMNS: usize = 6;
const ROWS: usize = 8;
/// The sheet's resolution: a thumbnail pixel is a sheet pixel.
const SHEET_PPI: f32 = 96.0;

/// One poster on the sheet.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Card {
    /// The talk's output name; its thumbnail is at `thumbnail_path`.
    pub stem: String,
    /// `2024-06-13`, for the order; none when the talk could not be read.
    pub date: Option<String>,
    /// `Dr. Yilun Xu — On Physics-…`, or where the talk was written.
    pub caption: String,
    pub failed: bool,
}

/// What the sheet is made from: the cards, and the folder of thumbnails.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SheetJob {
    pub cards: Vec<Card>,
    pub out_dir: PathBuf,
    /// The sheet's description (its PNG's alt text).
    pub alt: String,
}

/// The contact sheet as a PNG, from the thumbnails in the output folder.
pub fn produce(job: &SheetJob, layouter: &Layouter) -> Result<Vec<u8>, Vec<Diagnostic>> {
    let out_dir = &job.out_dir;
    let mut rows: Vec<&Card> = job.cards.iter().collect();
    rows.sort_by(|a, b| (a.date.is_none(), &a.date, &a.stem).cmp(&(b.date.is_none(), &b.date, &b.stem)));
    let card = |r: &&Card| {
        // Only the size here (the PNG header); the pixels come later.
        let size = (!r.failed).then(|| image::image_dimensions(thumbnail_path(out_dir, &r.stem)).ok()).flatten();
        dict([
            ("thumb", size.map_or(Value::None, |(w, h)| dict([("width", w.into_value()), ("height", h.into_value())]))),
            ("date", r.date.as_deref().unwrap_or("").into_value()),
            ("caption", r.caption.as_str().into_value()),
            ("stem", r.stem.as_str().into_value()),
            ("failed", r.failed.into_value()),
        ])
    };
    // Each page is laid out on its own: Typst's caches grow with what one
    // compilation lays out, and keep that room once emptied (1,000 talks in
    // one went to 160 MB in the worker).
    let cols = rows.len().clamp(1, COLUMNS);
    let mut chunks: Vec<&[&Card]> = rows.chunks(cols * ROWS).collect();
    if chunks.is_empty() {
        // No talk: a sheet of its margins, as a page with no cards.
        chunks.push(&[]);
    }
    let mut docs = Vec::with_capacity(chunks.len());
    for (i, chunk) in chunks.iter().enumerate() {
        let mut inputs = Dict::new();
        inputs.insert("cards".into(), Value::Array(chunk.iter().map(card).collect::<Array>()));
        inputs.insert("cols".into(), cols.into_value());
        inputs.insert("first".into(), (i == 0).into_value());
        inputs.insert("last".into(), (i + 1 == chunks.len()).into_value());
        inputs.insert("thumb_width".into(), THUMB_WIDTH.into_value());
        inputs.insert("pixel".into(), f64::from(72.0 / SHEET_PPI).into_value());
        docs.push(layouter.compile_builtin(templates::CONTACT_SHEET, inputs)?);
    }
    let sheet: Vec<&Page> = docs.iter().flat_map(|d| d.pages()).collect();
    // Pixels as typst_render rounds them.
    let pixel = |v: typst::layout::Abs| (v.to_pt() as f32 * SHEET_PPI / 72.0).round();
    // Where each thumbnail goes: page (from 1, in the whole sheet) and pixel.
    let label = Label::new(PicoStr::intern("talkposter-thumb")).expect("a valid label");
    let mut places: Vec<(usize, i64, i64, String)> = Vec::new();
    let mut pages_before = 0;
    for doc in &docs {
        places.extend(doc.introspector().query(&Selector::Label(label)).iter().filter_map(|marker| {
            let stem = marker.to_packed::<MetadataElem>()?.value.clone().cast::<String>().ok()?;
            let at = doc.introspector().position(marker.location()?)?;
            Some((pages_before + at.page.get(), pixel(at.point.x) as i64, pixel(at.point.y) as i64, stem))
        }));
        pages_before += doc.pages().len();
    }
    let width = sheet.first().map_or(1, |p| pixel(p.frame.width()).max(1.0) as u32);
    let height = sheet.iter().map(|p| pixel(p.frame.height()).max(1.0) as u32).sum();
    // Three steps overlap, the sheet being the batch's last job, on a core
    // otherwise idle: a thread renders the pages (two ahead at most), while
    // this one reads a page's thumbnails, pastes them in and encodes it.
    // The sender goes with the thread: if drawing panics, `recv` fails
    // rather than waiting for a page that never comes (and the panic is
    // the job's, as before).
    let (rendered, pages) = std::sync::mpsc::sync_channel(1);
    let sheet = &sheet;
    std::thread::scope(|scope| {
        let render = std::thread::Builder::new().stack_size(crate::limits::STACK_SIZE);
        let render = render.spawn_scoped(scope, move || {
            for page in sheet {
                if rendered.send(rasterise(page, SHEET_PPI)).is_err() {
                    break;
                }
            }
        });
        let Ok(_render) = render else {
            return Err(vec![Diagnostic::new("cannot start a thread to draw the contact sheet")]);
        };
        // The receiver goes with `strips`: should encoding stop early, the
        // drawing thread's next send fails and it ends.
        let places = &places;
        let strips = (1..=sheet.len()).map(move |page| {
            // A thumbnail that cannot be read leaves its box empty.
            let thumbs: Vec<_> = (places.iter().filter(|p| p.0 == page))
                .filter_map(|(_, x, y, stem)| Some((image::open(thumbnail_path(out_dir, stem)).ok()?.to_rgb8(), x, y)))
                .collect();
            let mut strip = pages.recv().map_err(|_| Diagnostic::new("the contact sheet's pages were not drawn"))??;
            for (thumb, x, y) in thumbs {
                paste(&mut strip, &thumb, *x, *y);
            }
            Ok(strip)
        });
        encode_png_strips(width, height, SHEET_PPI, Some(&job.alt), strips).map_err(|d| vec![d])
    })
}

/// Copies `image` onto `sheet` with its top left corner at (`x`, `y`),
/// clipped to the sheet.
fn paste(sheet: &mut tiny_skia::Pixmap, image: &image::RgbImage, x: i64, y: i64) {
    let (sw, sh) = (i64::from(sheet.width()), i64::from(sheet.height()));
    let pixels = sheet.pixels_mut();
    for (ix, iy, p) in image.enumerate_pixels() {
        let (px, py) = (x + i64::from(ix), y + i64::from(iy));
        if (0..sw).contains(&px) && (0..sh).contains(&py) {
            let [r, g, b] = p.0;
            // Opaque, so premultiplied is the same colour.
            pixels[(py * sw + px) as usize] = tiny_skia::ColorU8::from_rgba(r, g, b, 255).premultiply();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paste_places_the_image_and_clips_at_the_edges() {
        let mut sheet = tiny_skia::Pixmap::new(4, 3).unwrap();
        let image = image::RgbImage::from_pixel(2, 2, image::Rgb([10, 20, 30]));
        paste(&mut sheet, &image, 3, 1);
        let at = |x: u32, y: u32| sheet.pixel(x, y).unwrap();
        assert_eq!((at(3, 1).red(), at(3, 1).green(), at(3, 1).blue(), at(3, 1).alpha()), (10, 20, 30, 255));
        assert_eq!(at(3, 2).blue(), 30);
        assert_eq!(at(2, 1).alpha(), 0, "left of the image untouched");
        assert_eq!(at(3, 0).alpha(), 0, "above the image untouched");
    }
}
