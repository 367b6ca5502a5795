//! Skipping talks whose posters are up to date. A manifest in the output
//! folder records, per talk, a hash of everything its posters were made
//! from (the merged event, the files it names, the template, the fonts, the
//! tool version, the output options and announcement templates) and the files of a custom template
//! its layout actually read, with their hashes. Each finished talk is
//! appended to a journal at once, so a run that is interrupted keeps what it
//! did; the journal is folded into the manifest at the end. The programme
//! of a series is recorded the same way, under its own name.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::event::TemplateRef;
use crate::export::write_atomic;
use crate::files::read_limited;
use crate::layout::fonts::font_files;
use crate::limits::{MAX_IMAGE_FILE_BYTES, MAX_TEMPLATE_FILE_BYTES};
use crate::outputs::announcement;
use crate::pipeline::Options;
use crate::programme::ProgrammeJob;
use crate::series::Checked;
use crate::templates;

pub const MANIFEST: &str = ".talkposter-manifest.json";
pub const JOURNAL: &str = ".talkposter-manifest.journal";

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Manifest {
    /// By output stem.
    pub talks: BTreeMap<String, Entry>,
    /// The folder it lives in, when it is kept on disk.
    #[serde(skip)]
    dir: Option<PathBuf>,
    #[serde(skip)]
    journal: Option<std::fs::File>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub hash: String,
    /// File names written, relative to the output folder.
    pub outputs: Vec<String>,
    /// Files a custom template read, with the blake3 hash of their bytes.
    #[serde(default)]
    pub read: Vec<(PathBuf, String)>,
}

/// One line of the journal: a talk rendered (its entry) or failed (none).
#[derive(Serialize, Deserialize)]
struct Change {
    stem: String,
    entry: Option<Entry>,
}

impl Manifest {
    /// The manifest of `dir` with its journal applied; a missing or
    /// unreadable one is empty (so everything renders), never an error.
    pub fn open(dir: &Path) -> Self {
        let limit = 64 << 20;
        let read = |name| read_limited(&dir.join(name), limit, "the manifest").ok();
        let mut manifest: Manifest = read(MANIFEST).and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default();
        // A line cut short by an interrupted write is skipped.
        for line in read(JOURNAL).unwrap_or_default().split(|b| *b == b'\n') {
            if let Ok(change) = serde_json::from_slice::<Change>(line) {
                manifest.apply(change);
            }
        }
        manifest.dir = Some(dir.to_path_buf());
        manifest
    }

    fn apply(&mut self, change: Change) {
        match change.entry {
            Some(entry) => self.talks.insert(change.stem, entry),
            None => self.talks.remove(&change.stem),
        };
    }

    /// Records that `stem` was rendered (`Some`) or failed (`None`), on disk
    /// at once when the manifest is kept there.
    pub fn record(&mut self, stem: &str, entry: Option<Entry>) {
        let change = Change { stem: stem.to_string(), entry };
        if let Some(dir) = &self.dir {
            if self.journal.is_none() && std::fs::create_dir_all(dir).is_ok() {
                // Never through a link someone planted in the folder.
                let file = crate::files::open_append_no_follow(&dir.join(JOURNAL));
                self.journal = file.ok();
            }
            if let (Some(journal), Ok(mut line)) = (&mut self.journal, serde_json::to_vec(&change)) {
                line.push(b'\n');
                // Losing a line only costs a re-render next time.
                let _ = journal.write_all(&line);
            }
        }
        self.apply(change);
    }

    /// Folds the journal into the manifest file.
    pub fn save(mut self) {
        let Some(dir) = self.dir.take() else { return };
        if self.journal.take().is_none() && !dir.join(JOURNAL).exists() {
            return;
        }
        let json = serde_json::to_vec_pretty(&self).unwrap_or_default();
        if write_atomic(&dir.join(MANIFEST), &json).is_ok() {
            let _ = std::fs::remove_file(dir.join(JOURNAL));
        }
    }

    /// Whether `stem`'s outputs were made from inputs hashing to `hash`,
    /// from template files that have not changed, and are all still there.
    pub fn is_current(&self, dir: &Path, stem: &str, hash: &str) -> bool {
        self.talks.get(stem).is_some_and(|e| {
            e.hash == hash
                && e.outputs.iter().all(|o| dir.join(o).is_file())
                && e.read.iter().all(|(path, h)| hash_file(path, MAX_TEMPLATE_FILE_BYTES).as_deref() == Some(h))
        })
    }
}

fn hash_file(path: &Path, limit: u64) -> Option<String> {
    read_limited(path, limit, "a file").ok().map(|b| blake3::hash(&b).to_hex().to_string())
}

/// Everything a talk's posters depend on that is known before its layout,
/// hashed. (What the layout reads is recorded by the layout: `Entry::read`.)
pub fn fingerprint(talk: &Checked, options: &Options, font_dirs: &[PathBuf]) -> String {
    let mut h = Fields::of_this_tool(font_dirs);
    h.field("event", talk.merged.as_bytes());
    let event = &talk.event;
    let files = event
        .speakers
        .iter()
        .filter_map(|s| s.photo.as_ref())
        .chain(event.organizer.as_ref().and_then(|o| o.logo.as_ref()));
    for file in files {
        h.field(&file.to_string_lossy(), hash_file(file, MAX_IMAGE_FILE_BYTES).unwrap_or_default().as_bytes());
    }
    for template in templates::choose(&options.templates, &event.templates) {
        let template = match template {
            TemplateRef::File(path) => format!("file {}", crate::files::absolute(&path).display()),
            TemplateRef::BuiltIn(name) => format!("built-in {name}"),
        };
        h.field("template", template.as_bytes());
    }
    h.field(
        "options",
        format!(
            "{:?} {:?} {:?} {:?} {} {} {:?}",
            options.formats,
            options.ppi,
            options.paper,
            options.pdf,
            options.bleed_mm,
            options.crop_marks,
            options.thumbnail_width
        )
        .as_bytes(),
    );
    for (name, source) in announcement::built_in_sources() {
        h.field(name, source.as_bytes());
    }
    for source in options.announcer.custom_sources() {
        h.field("announcement", source.as_bytes());
    }
    h.finish()
}

/// Everything the programme is made from, hashed: the talks as the layout
/// gets them, the logo, the built-in layouts, fonts and options. None for a
/// custom programme layout, whose files are not followed: it is made every
/// time.
pub fn programme_fingerprint(job: &ProgrammeJob, font_dirs: &[PathBuf]) -> Option<String> {
    if !matches!(job.template, TemplateRef::BuiltIn(_)) {
        return None;
    }
    let mut h = Fields::of_this_tool(font_dirs);
    h.field("programme", &postcard::to_stdvec(job).ok()?);
    Some(h.finish())
}

/// A hash of named fields, each length-prefixed so no two lists of fields
/// hash alike.
struct Fields(blake3::Hasher);

impl Fields {
    /// Starting with what every output depends on: this version of the
    /// tool, its built-in layouts, and the `--font-path` files (each file's
    /// size and time of change).
    fn of_this_tool(font_dirs: &[PathBuf]) -> Self {
        let mut h = Fields(blake3::Hasher::new());
        h.field("tool", env!("CARGO_PKG_VERSION").as_bytes());
        for (path, source) in templates::sources() {
            h.field(&path, source.as_bytes());
        }
        for dir in font_dirs {
            for file in font_files(dir).unwrap_or_default() {
                let meta = std::fs::metadata(&file).ok();
                let stamp = meta.map(|m| format!("{:?}{:?}", m.len(), m.modified().ok())).unwrap_or_default();
                h.field(&file.to_string_lossy(), stamp.as_bytes());
            }
        }
        h
    }

    fn field(&mut self, name: &str, bytes: &[u8]) {
        self.0.update(name.as_bytes());
        self.0.update(&(bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
    }

    fn finish(self) -> String {
        self.0.finalize().to_hex().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(hash: &str) -> Entry {
        Entry { hash: hash.into(), outputs: vec![], read: vec![] }
    }

    #[test]
    fn the_journal_keeps_what_an_interrupted_run_did() {
        let dir = tempfile::tempdir().unwrap();
        let mut m = Manifest::open(dir.path());
        m.record("a", Some(entry("1")));
        m.record("b", Some(entry("2")));
        m.record("a", None);
        drop(m); // interrupted: never saved
        let m = Manifest::open(dir.path());
        assert_eq!(m.talks.keys().collect::<Vec<_>>(), vec!["b"]);
        m.save();
        assert!(!dir.path().join(JOURNAL).exists(), "folded into the manifest");
        assert_eq!(Manifest::open(dir.path()).talks.get("b"), Some(&entry("2")));
    }

    #[test]
    fn a_torn_last_line_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let mut m = Manifest::open(dir.path());
        m.record("a", Some(entry("1")));
        drop(m);
        let mut j = std::fs::OpenOptions::new().append(true).open(dir.path().join(JOURNAL)).unwrap();
        j.write_all(b"{\"stem\":\"b\",\"ent").unwrap();
        assert_eq!(Manifest::open(dir.path()).talks.len(), 1);
    }

    #[test]
    fn a_changed_template_file_makes_a_talk_stale() {
        let dir = tempfile::tempdir().unwrap();
        let tpl = dir.path().join("mine.typ");
        std::fs::write(&tpl, "one").unwrap();
        std::fs::write(dir.path().join("t.pdf"), "pdf").unwrap();
        let mut m = Manifest::default();
        let read = vec![(tpl.clone(), hash_file(&tpl, 100).unwrap())];
        m.record("t", Some(Entry { hash: "h".into(), outputs: vec!["t.pdf".into()], read }));
        assert!(m.is_current(dir.path(), "t", "h"));
        std::fs::write(&tpl, "two").unwrap();
        assert!(!m.is_current(dir.path(), "t", "h"));
    }
}
