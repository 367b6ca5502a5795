//! One talk from file to posters: load → validate → prepare assets → fill the
//! layout → check → export. A batch runs this per talk.

use std::path::PathBuf;

use crate::assets::{self, Shape};
use crate::diag::{Diagnostic, Failure};
use crate::event::positions::KeyPath;
use crate::event::{self, Event, TemplateRef};
use crate::export;
use crate::render::Renderer;
use crate::render::engine::Compiled;
use crate::render::inputs::Assets;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
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

/// What rendering one talk produced.
#[derive(Debug)]
pub struct Rendered {
    /// The files written, in the order of `formats`.
    pub written: Vec<PathBuf>,
    /// A small PNG, when `thumbnail_width` asked for one.
    pub thumbnail: Option<Vec<u8>>,
    /// Typst's warnings about the layout, for the user to see.
    pub warnings: Vec<Diagnostic>,
}

/// Renders a checked event to `out_dir/<stem>.<ext>`. Nothing is written
/// unless every check passed.
pub fn render_event(renderer: &Renderer, event: &Event, stem: &str, options: &Options) -> Result<Rendered, Failure> {
    let assets = prepare_assets(event)?;
    let default = TemplateRef::BuiltIn("flyer".into());
    let template = options.template.as_ref().or(event.template.as_ref()).unwrap_or(&default);
    let Compiled { document: doc, warnings } = renderer.layout(event, &assets, template)?;

    // Encode everything before writing anything.
    let mut outputs = Vec::new();
    for format in unique(&options.formats) {
        let bytes = match format {
            Format::Pdf => export::pdf(&doc)?,
            Format::Png => export::png(&doc, options.ppi as f32)?,
        };
        outputs.push((options.out_dir.join(format!("{stem}.{}", format.extension())), bytes));
    }
    let thumbnail = options.thumbnail_width.map(|width| export::png_of_width(&doc, width)).transpose()?;
    std::fs::create_dir_all(&options.out_dir).map_err(|e| {
        Diagnostic::new(format!(
            "cannot create the output folder `{}`: {}",
            options.out_dir.display(),
            event::io_reason(&e)
        ))
    })?;
    let mut written = Vec::new();
    for (path, bytes) in outputs {
        export::write_atomic(&path, &bytes)?;
        written.push(path);
    }
    Ok(Rendered { written, thumbnail, warnings })
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

/// Reads every photo and the logo and makes the QR codes; each problem
/// points at the key that asked for it.
pub fn prepare_assets(event: &Event) -> Result<Assets, Failure> {
    let mut errors = Vec::new();
    let mut located = |key: KeyPath, d: Diagnostic| {
        let mut e = event.origin.error(&key, d.message);
        e.help = d.help;
        errors.push(e);
    };
    let mut load =
        |file: &Option<PathBuf>, shape: Shape, key: KeyPath| match assets::load_picture(file.as_ref()?, shape) {
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
    let mut qr = |url: Option<&String>, key: KeyPath| match assets::qr_png(url?) {
        Ok(svg) => Some(svg),
        Err(d) => {
            located(key, d);
            None
        }
    };
    let online_qr = qr(event.online.as_ref().map(|o| &o.url), KeyPath::root().key("online").key("url"));
    let registration_qr = qr(event.registration.as_ref(), KeyPath::root().key("registration"));
    if errors.is_empty() { Ok(Assets { photos, logo, online_qr, registration_qr }) } else { Err(Failure(errors)) }
}
