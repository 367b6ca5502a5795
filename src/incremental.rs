//! Skipping talks whose posters are up to date. A manifest in the output
//! folder records, per talk, a hash of everything its posters depend on:
//! the merged event, every file it names, the template, the fonts, the tool
//! version and the output options.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::event::{Event, TemplateRef};
use crate::export::write_atomic;
use crate::pipeline::Options;
use crate::render::engine::BUILT_IN_SOURCES;

pub const MANIFEST: &str = ".talkposter-manifest.json";

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Manifest {
    /// By output stem.
    pub talks: BTreeMap<String, Entry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub hash: String,
    /// File names written, relative to the output folder.
    pub outputs: Vec<String>,
}

impl Manifest {
    /// The manifest of `dir`; a missing or unreadable one is empty (so
    /// everything renders), never an error.
    pub fn load(dir: &Path) -> Self {
        std::fs::read(dir.join(MANIFEST)).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default()
    }

    pub fn save(&self, dir: &Path) -> Result<(), crate::diag::Diagnostic> {
        let json = serde_json::to_vec_pretty(self).unwrap_or_default();
        write_atomic(&dir.join(MANIFEST), &json)
    }

    /// Whether `stem`'s outputs were made from inputs hashing to `hash` and
    /// are all still there.
    pub fn is_current(&self, dir: &Path, stem: &str, hash: &str) -> bool {
        self.talks.get(stem).is_some_and(|e| e.hash == hash && e.outputs.iter().all(|o| dir.join(o).is_file()))
    }
}

/// Everything a talk's posters depend on, hashed.
pub fn fingerprint(merged_yaml: &str, event: &Event, options: &Options, font_dirs: &[PathBuf]) -> String {
    let mut h = blake3::Hasher::new();
    let mut field = |name: &str, bytes: &[u8]| {
        h.update(name.as_bytes());
        h.update(&(bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    field("tool", env!("CARGO_PKG_VERSION").as_bytes());
    for (path, source) in BUILT_IN_SOURCES {
        field(path, source.as_bytes());
    }
    field("event", merged_yaml.as_bytes());
    let files = event
        .speakers
        .iter()
        .filter_map(|s| s.photo.as_ref())
        .chain(event.organizer.as_ref().and_then(|o| o.logo.as_ref()));
    for file in files {
        field(&file.to_string_lossy(), &std::fs::read(file).unwrap_or_default());
    }
    let template = options.template.as_ref().or(event.template.as_ref());
    field("template", format!("{template:?}").as_bytes());
    if let Some(TemplateRef::File(path)) = template {
        // The template and whatever it may import from its folder.
        for file in files_in(path.parent().unwrap_or(Path::new(".")), &["typ", "svg", "png", "jpg"]) {
            field(&file.to_string_lossy(), &std::fs::read(&file).unwrap_or_default());
        }
    }
    for dir in font_dirs {
        for file in files_in(dir, &["ttf", "otf", "ttc", "otc"]) {
            let meta = std::fs::metadata(&file).ok();
            let stamp = meta.map(|m| format!("{:?}{:?}", m.len(), m.modified().ok())).unwrap_or_default();
            field(&file.to_string_lossy(), stamp.as_bytes());
        }
    }
    field("options", format!("{:?} {} {:?}", options.formats, options.ppi, options.thumbnail_width).as_bytes());
    h.finalize().to_hex().to_string()
}

/// Files with one of `extensions` under `dir`, recursively, sorted.
fn files_in(dir: &Path, extensions: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| extensions.iter().any(|e| x.eq_ignore_ascii_case(e))) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}
