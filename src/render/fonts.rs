//! The fonts the engine can use, read once per process and handed to Typst
//! as bytes: Typst re-reads fonts given by path on every glyph lookup
//! (../shared/typst-facts.md §2), which is about 100 times slower.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use typst::foundations::Bytes;
use typst::text::Font;

use crate::diag::{Diagnostic, Failure};

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
pub fn load(sources: &FontSources) -> Result<Vec<Font>, Failure> {
    let mut fonts: Vec<Font> = BUNDLED.iter().flat_map(|data| Font::iter(Bytes::new(*data))).collect();
    let mut db = fontdb::Database::new();
    for dir in &sources.dirs {
        if !dir.is_dir() {
            return Err(Diagnostic::new(format!("the font folder `{}` does not exist", dir.display()))
                .help("give --font-path a folder that holds .ttf, .otf or .ttc files")
                .into());
        }
        db.load_fonts_dir(dir);
    }
    if sources.system {
        db.load_system_fonts();
    }
    let files: BTreeSet<PathBuf> = db
        .faces()
        .filter_map(|face| match &face.source {
            fontdb::Source::File(p) | fontdb::Source::SharedFile(p, _) => Some(p.clone()),
            fontdb::Source::Binary(_) => None,
        })
        .collect();
    for file in files {
        if let Some(data) = map_file(&file) {
            fonts.extend(Font::iter(data));
        }
    }
    Ok(fonts)
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
