//! The fonts the engine can use, read once per process and handed to Typst
//! as bytes: Typst re-reads fonts given by path on every glyph lookup
//! (../shared/typst-facts.md §2), which is about 100 times slower.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use typst::foundations::Bytes;
use typst::text::Font;

use crate::diag::Diagnostic;
use crate::limits::MAX_FONT_FILE_BYTES;

/// The faces bundled in the binary, so posters look the same everywhere.
/// They come first in the engine's font book, so they win over any system
/// copy of the same family.
static BUNDLED: &[&[u8]] = &[
    include_bytes!("../../fonts/NotoSans-Regular.ttf"),
    include_bytes!("../../fonts/NotoSans-Bold.ttf"),
    include_bytes!("../../fonts/NotoSans-Italic.ttf"),
    include_bytes!("../../fonts/NotoSans-BoldItalic.ttf"),
    include_bytes!("../../fonts/NotoSansCJKsc-Regular.otf"),
    include_bytes!("../../fonts/NotoSansCJKsc-Bold.otf"),
];

/// Where fonts come from beyond the bundled ones.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct FontSources {
    /// Folders given with `--font-path`, searched recursively.
    pub dirs: Vec<PathBuf>,
    /// The machine's fonts (for custom templates; not needed by built-ins).
    pub system: bool,
}

/// Every face, bundled first, then `--font-path` folders, then the system.
pub fn load(sources: &FontSources) -> Result<Vec<Font>, Diagnostic> {
    let mut fonts: Vec<Font> = BUNDLED.iter().flat_map(|data| Font::iter(Bytes::new(*data))).collect();
    let mut files = BTreeSet::new();
    for dir in &sources.dirs {
        files.extend(font_files(dir)?);
    }
    if sources.system {
        let mut db = fontdb::Database::new();
        db.load_system_fonts();
        files.extend(db.faces().filter_map(|face| match &face.source {
            fontdb::Source::File(p) | fontdb::Source::SharedFile(p, _) => Some(p.clone()),
            fontdb::Source::Binary(_) => None,
        }));
    }
    for file in files {
        if let Some(data) = map_file(&file) {
            fonts.extend(Font::iter(data));
        }
    }
    Ok(fonts)
}

/// The font files under a `--font-path` folder: ordinary files (links
/// followed, loops skipped) with a font's extension, within the size limit.
pub fn font_files(dir: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    if !dir.is_dir() {
        return Err(Diagnostic::new(format!("the font folder `{}` does not exist", dir.display()))
            .help("give --font-path a folder that holds .ttf, .otf or .ttc files"));
    }
    let is_font = |p: &Path| {
        p.extension()
            .and_then(|x| x.to_str())
            .is_some_and(|x| ["ttf", "otf", "ttc", "otc"].iter().any(|e| x.eq_ignore_ascii_case(e)))
    };
    let files = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && is_font(e.path()))
        .filter(|e| e.metadata().is_ok_and(|m| m.len() <= MAX_FONT_FILE_BYTES))
        .map(|e| e.into_path())
        .collect();
    Ok(files)
}

/// Maps a font file into memory: only the pages Typst touches are read.
fn map_file(path: &Path) -> Option<Bytes> {
    let file = std::fs::File::open(path).ok()?;
    // Safety: font files are not expected to change while we run; if one
    // does, glyphs may come out wrong but memory stays valid (read-only map).
    let map = unsafe { memmap2::Mmap::map(&file) }.ok()?;
    Some(Bytes::new(map))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_faces_are_the_ones_the_layouts_name() {
        let fonts = load(&FontSources::default()).unwrap();
        let families: BTreeSet<String> = fonts.iter().map(|f| f.info().family.clone()).collect();
        assert!(families.contains("Noto Sans"), "{families:?}");
        assert!(families.contains("Noto Sans CJK SC"), "{families:?}");
        assert_eq!(fonts.len(), 6);
    }

    #[test]
    fn missing_font_folder_is_an_error() {
        let e = load(&FontSources { dirs: vec!["/no/such/fonts".into()], system: false }).unwrap_err();
        assert!(e.to_string().contains("/no/such/fonts"));
    }
}
