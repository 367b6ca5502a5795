//! One talk from a checked event to its files, in three steps: `prepare`
//! the assets into a job (in the main process), `produce` the posters from
//! the job (where Typst runs: fill the layout, check, encode), then `write`
//! them (in the main process, each file whole or not at all).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;

use crate::assets::{self, AssetCache, Assets};
use crate::diag::{Diagnostic, Failure};
use crate::event::{Event, TemplateRef};
use crate::export;
use crate::files::io_reason;
use crate::layout::{Layouter, Problem};
use crate::series::Checked;
use crate::templates;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
pub enum Format {
    Pdf,
    Png,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Png => "png",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Options {
    pub out_dir: PathBuf,
    pub formats: Vec<Format>,
    pub ppi: u32,
    /// Overrides the event's own `template:`.
    pub template: Option<TemplateRef>,
    /// Also make a small PNG of the poster this many pixels wide (contact sheet).
    pub thumbnail_width: Option<u32>,
}

/// Everything the layout of one talk needs, as data.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PosterJob {
    pub event: Event,
    pub assets: Assets,
    pub template: TemplateRef,
    pub formats: Vec<Format>,
    pub ppi: u32,
    pub thumbnail_width: Option<u32>,
}

/// The encoded posters of one talk, not yet written.
#[derive(Debug, Serialize, Deserialize)]
pub struct Produced {
    /// One file per format, in the order asked for.
    pub files: Vec<(Format, ByteBuf)>,
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
    Ok(PosterJob {
        event: talk.event.clone(),
        assets: assets::prepare(&talk.event, &talk.origin, cache)?,
        template: templates::choose(options.template.as_ref(), talk.event.template.as_ref()),
        formats: unique(&options.formats),
        ppi: options.ppi,
        thumbnail_width: options.thumbnail_width,
    })
}

/// Lays out and checks the poster, then encodes every format (and the
/// thumbnail). Nothing is produced unless every check passed.
pub fn produce(job: &PosterJob, layouter: &Layouter) -> Result<Produced, Vec<Problem>> {
    let compiled = layouter.layout(&job.event, &job.assets, &job.template)?;
    let doc = &compiled.document;
    let encoded = |r: Result<Vec<u8>, Diagnostic>| r.map(ByteBuf::from).map_err(|d| vec![Problem::Other(d)]);
    let mut files = Vec::new();
    for &format in &job.formats {
        let bytes = match format {
            Format::Pdf => export::pdf(doc),
            Format::Png => export::png(doc, job.ppi as f32),
        };
        files.push((format, encoded(bytes)?));
    }
    let thumbnail = job.thumbnail_width.map(|width| encoded(export::png_of_width(doc, width))).transpose()?;
    Ok(Produced { files, thumbnail, warnings: compiled.warnings, read: compiled.read })
}

/// Writes the posters as `out_dir/<stem>.<ext>`, each file whole or not at
/// all; returns the paths written.
pub fn write(produced: &Produced, stem: &str, out_dir: &std::path::Path) -> Result<Vec<PathBuf>, Failure> {
    std::fs::create_dir_all(out_dir).map_err(|e| {
        Diagnostic::new(format!("cannot create the output folder `{}`: {}", out_dir.display(), io_reason(&e)))
    })?;
    let mut written = Vec::new();
    for (format, bytes) in &produced.files {
        let path = out_dir.join(format!("{stem}.{}", format.extension()));
        export::write_atomic(&path, bytes)?;
        written.push(path);
    }
    Ok(written)
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
