//! One talk from a checked event to its files, in three steps: `prepare`
//! the assets into a job (in the main process), `produce` the posters from
//! the job (where Typst runs: fill the layout, check, encode), then `write`
//! them (in the main process, each file whole or not at all). What is sent
//! out with the posters (calendar, announcements) needs no layout and is
//! made in the main process by `documents`.

use std::path::PathBuf;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;

use crate::assets::{self, AssetCache, Assets};
use crate::diag::{Diagnostic, Failure};
use crate::event::{Event, TemplateRef};
use crate::export::{self, PdfStandards};
use crate::files::io_reason;
use crate::layout::{Layouter, Problem};
use crate::outputs::announcement::{self, Announcer, Kind};
use crate::outputs::{alt_text, calendar, facts};
use crate::print::{DEFAULT_PPI, Paper, Print};
use crate::series::Checked;
use crate::templates;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Format {
    /// The poster to print.
    Pdf,
    /// The poster as an image to post, with its alt text.
    Png,
    /// A calendar file (and, for a batch, `series.ics` with every talk).
    Ics,
    /// The announcement as plain text, for e-mail and WeChat.
    Txt,
    /// The announcement as Markdown.
    Md,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Png => "png",
            Format::Ics => "ics",
            Format::Txt => "txt",
            Format::Md => "md",
        }
    }

    /// Whether it is made by laying out the poster.
    pub fn is_poster(self) -> bool {
        matches!(self, Format::Pdf | Format::Png)
    }
}

#[derive(Debug, Clone)]
pub struct Options {
    pub out_dir: PathBuf,
    pub formats: Vec<Format>,
    /// The PNG's resolution; none: 150 ppi, less for a big paper.
    pub ppi: Option<u32>,
    /// Overrides the event's `paper:`.
    pub paper: Option<Paper>,
    pub bleed_mm: f64,
    pub crop_marks: bool,
    /// Overrides the event's own `template:` (one layout or several).
    pub templates: Vec<TemplateRef>,
    /// Also make a small PNG of the poster this many pixels wide (contact sheet).
    pub thumbnail_width: Option<u32>,
    /// The announcement templates (built-in, or the user's).
    pub announcer: Arc<Announcer>,
    /// The standards the PDFs conform to (PDF/UA-1 unless asked not to).
    pub pdf: PdfStandards,
}

/// Everything the layout of one talk needs, as data.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PosterJob {
    pub event: Event,
    pub assets: Assets,
    /// The layouts, each drawn in every format; the first names the files.
    pub templates: Vec<TemplateRef>,
    /// PDF and/or PNG.
    pub formats: Vec<Format>,
    /// The PNG's resolution, when one was asked for (see `ppi`).
    pub ppi: Option<u32>,
    pub thumbnail_width: Option<u32>,
    /// The PNG's description.
    pub alt_text: String,
    pub pdf: PdfStandards,
    /// Encode each format on a thread of its own: for one talk at a time
    /// (`render`, `watch`), where a PDF and a PNG of one page, about as long
    /// to make as each other, then use both cores. A batch keeps every core
    /// busy with talks already.
    pub side_by_side: bool,
}

/// The encoded posters of one talk, not yet written.
#[derive(Debug, Serialize, Deserialize)]
pub struct Produced {
    /// One file per layout and format, in the order asked for: what the
    /// layout adds to the file's name (`-story`), the format, the bytes.
    pub files: Vec<(String, Format, ByteBuf)>,
    /// A small PNG, when the job asked for one.
    pub thumbnail: Option<ByteBuf>,
    /// Typst's warnings about the layout, for the user to see.
    pub warnings: Vec<Diagnostic>,
    /// The files of a custom template's folder the layout read, and the
    /// blake3 hash of what was read.
    pub read: Vec<(PathBuf, String)>,
}

/// Prepares a checked talk's assets; each problem points at its key.
pub fn prepare(talk: &Checked, options: &Options, cache: &AssetCache) -> Result<PosterJob, Failure> {
    let mut event = talk.event.clone();
    event.print = Print {
        paper: options.paper.unwrap_or(event.print.paper),
        bleed_mm: options.bleed_mm,
        crop_marks: options.crop_marks,
    };
    Ok(PosterJob {
        ppi: options.ppi,
        assets: assets::prepare(&talk.event, &talk.origin, cache)?,
        templates: templates::choose(&options.templates, &talk.event.templates),
        event,
        formats: unique(&options.formats).into_iter().filter(|f| f.is_poster()).collect(),
        thumbnail_width: options.thumbnail_width,
        alt_text: alt_text::describe(&facts::in_language(&talk.event, talk.event.language)),
        pdf: options.pdf,
        side_by_side: false,
    })
}

/// A layout's PNG resolution: as asked, else 150 ppi, or what keeps a big
/// paper's picture about 2480 pixels across (for the layouts on paper).
pub fn ppi(asked: Option<u32>, event: &Event, template: &TemplateRef) -> u32 {
    let default = if templates::on_paper(template) { event.print.paper.default_ppi() } else { DEFAULT_PPI };
    asked.unwrap_or(default)
}

/// What `render` says about a resolution it chose: a big paper's PNG is
/// made at less than 150 ppi.
pub fn ppi_note(job: &PosterJob) -> Option<Diagnostic> {
    let paper = job.event.print.paper;
    let template = job.templates.iter().find(|t| templates::on_paper(t))?;
    let ppi = ppi(job.ppi, &job.event, template);
    if job.ppi.is_some() || ppi == DEFAULT_PPI || !job.formats.contains(&Format::Png) {
        return None;
    }
    let (w, h) = paper.size_mm();
    let px = |mm: f64| (mm / 25.4 * f64::from(ppi)).round();
    Some(
        Diagnostic::new(format!(
            "the PNG of this {} poster is made at {ppi} ppi ({} × {} px), a picture to post; the PDF is for print",
            paper.label(),
            px(w),
            px(h)
        ))
        .note()
        .help("--ppi sets another resolution"),
    )
}

/// Whether any format asked for needs the poster laid out (or the contact
/// sheet its thumbnail).
pub fn needs_layout(options: &Options) -> bool {
    options.formats.iter().any(|f| f.is_poster())
}

/// The calendar file and announcements asked for, as (format, bytes).
pub fn documents(event: &Event, stem: &str, options: &Options) -> Result<Vec<(Format, Vec<u8>)>, Diagnostic> {
    let mut out = Vec::new();
    for format in unique(&options.formats) {
        let text = match format {
            Format::Ics => calendar::calendar(&[calendar_entry(event, stem, &options.announcer)?], None),
            Format::Txt => options.announcer.write(Kind::Text, event, Some(announcement::WIDTH))?,
            Format::Md => options.announcer.write(Kind::Markdown, event, None)?,
            Format::Pdf | Format::Png => continue,
        };
        out.push((format, text.into_bytes()));
    }
    Ok(out)
}

/// A talk's calendar entry, described by its announcement, unwrapped.
pub fn calendar_entry<'a>(
    event: &'a Event,
    stem: &'a str,
    announcer: &Announcer,
) -> Result<calendar::Entry<'a>, Diagnostic> {
    Ok(calendar::Entry { event, stem, description: announcer.write(Kind::Text, event, None)? })
}

/// Lays out and checks the poster in each of its layouts, then encodes
/// every format (and, from the first layout, the thumbnail). Nothing is
/// produced unless every check of every layout passed.
pub fn produce(job: &PosterJob, layouter: &Layouter) -> Result<Produced, Vec<Problem>> {
    let encoded = |r: Result<Vec<u8>, Diagnostic>| r.map(ByteBuf::from).map_err(|d| vec![Problem::Other(d)]);
    let mut produced = Produced { files: Vec::new(), thumbnail: None, warnings: Vec::new(), read: Vec::new() };
    for (i, template) in job.templates.iter().enumerate() {
        let compiled = layouter.layout(&job.event, &job.assets, template)?;
        let doc = &compiled.document;
        let suffix = templates::suffix(i, template);
        produced.warnings.extend(compiled.warnings);
        produced.read.extend(compiled.read);
        let formats: Vec<Format> = job.formats.iter().copied().filter(|f| f.is_poster()).collect();
        // The PNG's page as drawn is kept: the thumbnail (of the first
        // layout) is scaled down from it, and the next page drawn in its
        // memory.
        let thumbnail_width = job.thumbnail_width.filter(|_| i == 0);
        let encode = |format: Format| {
            let mut warnings = Vec::new();
            let (bytes, drawn) = match format {
                Format::Png => {
                    match export::png_and_pixels(doc, ppi(job.ppi, &job.event, template) as f32, Some(&job.alt_text)) {
                        Ok((png, drawn)) => (Ok(png), Some(drawn)),
                        Err(d) => (Err(d), None),
                    }
                }
                _ => (pdf(doc, job, template, &mut warnings), None),
            };
            Encoded { bytes, warnings, drawn }
        };
        let files: Vec<Encoded> = if job.side_by_side {
            std::thread::scope(|scope| {
                let encoders: Vec<_> = formats
                    .iter()
                    .map(|&format| {
                        let thread = std::thread::Builder::new().stack_size(crate::limits::STACK_SIZE);
                        thread.spawn_scoped(scope, move || encode(format))
                    })
                    .collect();
                encoders
                    .into_iter()
                    .map(|encoder| match encoder {
                        // A panic goes on to the worker's handler, as if here.
                        Ok(thread) => thread.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                        Err(e) => Encoded::failed(format!("cannot start a thread to write the poster: {e}")),
                    })
                    .collect()
            })
        } else {
            formats.iter().map(|&f| encode(f)).collect()
        };
        let mut drawn = None;
        for (format, file) in formats.into_iter().zip(files) {
            drawn = drawn.or(file.drawn);
            produced.warnings.extend(file.warnings);
            produced.files.push((suffix.clone(), format, encoded(file.bytes)?));
        }
        if let Some(width) = thumbnail_width {
            produced.thumbnail = Some(encoded(export::thumbnail(doc, width, drawn.as_ref()))?);
        }
        if let Some(drawn) = drawn {
            export::recycle(drawn);
        }
    }
    Ok(produced)
}

/// One format of a poster, encoded.
struct Encoded {
    bytes: Result<Vec<u8>, Diagnostic>,
    warnings: Vec<Diagnostic>,
    /// The page as drawn for the PNG, for its thumbnail and then for the
    /// next page's memory.
    drawn: Option<tiny_skia::Pixmap>,
}

impl Encoded {
    fn failed(message: String) -> Self {
        Encoded { bytes: Err(Diagnostic::new(message)), warnings: Vec::new(), drawn: None }
    }
}

/// The poster's PDF, to the standards asked for (PDF/A dated by the talk).
/// The built-in layouts meet PDF/UA-1 on their own; what a custom layout or
/// Typst markup in a text adds may not (an image without `alt:`), and then
/// the poster is still made, as a tagged PDF, with a warning saying why.
fn pdf(
    doc: &typst_layout::PagedDocument,
    job: &PosterJob,
    template: &TemplateRef,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Vec<u8>, Diagnostic> {
    let standards = PdfStandards { date: job.pdf.archive.map(|_| job.event.time.date), ..job.pdf };
    let print = job.event.print;
    if print.outside_mm() > 0.0 && templates::on_paper(template) {
        return pdf_to(doc, &standards, warnings).and_then(|bytes| export::with_bleed_box(bytes, print.bleed_mm));
    }
    pdf_to(doc, &standards, warnings)
}

fn pdf_to(
    doc: &typst_layout::PagedDocument,
    standards: &PdfStandards,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Vec<u8>, Diagnostic> {
    let standards = *standards;
    match export::pdf(doc, &standards) {
        Err(d) if standards != PdfStandards::none() => {
            warnings.push(
                Diagnostic::new(format!("the PDF is not accessible (PDF/UA) or archival (PDF/A): {}", d.message))
                    .warning()
                    .help(
                        "give every image an `alt:` text (in your layout or in Typst markup in the texts), \
                         or choose `--pdf-standard none`",
                    ),
            );
            export::pdf(doc, &PdfStandards::none())
        }
        result => result,
    }
}

/// Writes the files as `out_dir/<stem>.<ext>`, each whole or not at all;
/// returns the paths written.
pub fn write<'a>(
    files: impl IntoIterator<Item = (&'a str, Format, &'a [u8])>,
    stem: &str,
    out_dir: &std::path::Path,
) -> Result<Vec<PathBuf>, Failure> {
    std::fs::create_dir_all(out_dir).map_err(|e| {
        Diagnostic::new(format!("cannot create the output folder `{}`: {}", out_dir.display(), io_reason(&e)))
    })?;
    let files: Vec<(PathBuf, &[u8])> = files
        .into_iter()
        .map(|(suffix, format, bytes)| (out_dir.join(format!("{stem}{suffix}.{}", format.extension())), bytes))
        .collect();
    // A talk's files appear together or not at all.
    export::write_together(&files)?;
    Ok(files.into_iter().map(|(path, _)| path).collect())
}

fn unique(formats: &[Format]) -> Vec<Format> {
    let mut out: Vec<Format> = Vec::new();
    for f in formats {
        if !out.contains(f) {
            out.push(*f);
        }
    }
    out
}
