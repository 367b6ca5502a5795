//! The fonts a layout can use: those bundled in the binary (Noto for Latin,
//! Greek and Cyrillic, CJK in each region's forms, nineteen more scripts and
//! colour emoji), Typst's own (maths, monospace), `--font-path` folders and,
//! when a layout names a font found nowhere else, the machine's.
//!
//! Bundled faces are static bytes, never copied, and parsed only when a
//! poster first uses them: their descriptions (family, style, which
//! characters they cover) are precomputed in `fonts/book.json`, which a test
//! keeps equal to what Typst computes. So fifty faces cost a poster that uses
//! four no more than four. Typst re-reads fonts given by path on every glyph
//! lookup (read in Typst 0.15's sources, and measured), about 100 times slower, so every
//! font here is in memory (mapped, for files on disk).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use typst::foundations::Bytes;
use typst::text::{Font, FontBook, FontInfo};
use typst::utils::LazyHash;

use crate::diag::Diagnostic;
use crate::limits::{MAX_FONT_DEPTH, MAX_FONT_DIR_ENTRIES, MAX_FONT_FACES, MAX_FONT_FILE_BYTES, MAX_FONT_FILES};

/// A font file compiled into the binary, and the faces of it that are used.
struct Bundled {
    data: &'static [u8],
    faces: &'static [u32],
}

macro_rules! bundled {
    ($file:literal) => {
        bundled!($file, [0])
    };
    ($file:literal, $faces:expr) => {
        Bundled { data: include_bytes!(concat!("../../fonts/", $file)), faces: &$faces }
    };
}

/// Bundled fonts, in the order they enter the font book: on a tie, Typst
/// takes the first face, so these win over any copy on the system.
static BUNDLED: &[Bundled] = &[
    bundled!("NotoSans-Regular.ttf"),
    bundled!("NotoSans-Bold.ttf"),
    bundled!("NotoSans-Italic.ttf"),
    bundled!("NotoSans-BoldItalic.ttf"),
    // Sans faces JP, KR, SC, TC, HK; the collection's mono faces are left out.
    bundled!("NotoSansCJK-Regular.ttc", [0, 1, 2, 3, 4]),
    bundled!("NotoSansCJK-Bold.ttc", [0, 1, 2, 3, 4]),
    bundled!("NotoSansArabic-Regular.ttf"),
    bundled!("NotoSansArabic-Bold.ttf"),
    bundled!("NotoSansHebrew-Regular.ttf"),
    bundled!("NotoSansHebrew-Bold.ttf"),
    bundled!("NotoSansDevanagari-Regular.ttf"),
    bundled!("NotoSansDevanagari-Bold.ttf"),
    bundled!("NotoSansBengali-Regular.ttf"),
    bundled!("NotoSansBengali-Bold.ttf"),
    bundled!("NotoSansThai-Regular.ttf"),
    bundled!("NotoSansThai-Bold.ttf"),
    bundled!("NotoSansTamil-Regular.ttf"),
    bundled!("NotoSansTamil-Bold.ttf"),
    bundled!("NotoSansTelugu-Regular.ttf"),
    bundled!("NotoSansTelugu-Bold.ttf"),
    bundled!("NotoSansKannada-Regular.ttf"),
    bundled!("NotoSansKannada-Bold.ttf"),
    bundled!("NotoSansMalayalam-Regular.ttf"),
    bundled!("NotoSansMalayalam-Bold.ttf"),
    bundled!("NotoSansGujarati-Regular.ttf"),
    bundled!("NotoSansGujarati-Bold.ttf"),
    bundled!("NotoSansGurmukhi-Regular.ttf"),
    bundled!("NotoSansGurmukhi-Bold.ttf"),
    bundled!("NotoSansOriya-Regular.ttf"),
    bundled!("NotoSansOriya-Bold.ttf"),
    bundled!("NotoSansSinhala-Regular.ttf"),
    bundled!("NotoSansSinhala-Bold.ttf"),
    bundled!("NotoSansArmenian-Regular.ttf"),
    bundled!("NotoSansArmenian-Bold.ttf"),
    bundled!("NotoSansGeorgian-Regular.ttf"),
    bundled!("NotoSansGeorgian-Bold.ttf"),
    bundled!("NotoSansEthiopic-Regular.ttf"),
    bundled!("NotoSansEthiopic-Bold.ttf"),
    bundled!("NotoSansKhmer-Regular.ttf"),
    bundled!("NotoSansKhmer-Bold.ttf"),
    bundled!("NotoSansLao-Regular.ttf"),
    bundled!("NotoSansLao-Bold.ttf"),
    bundled!("NotoSansMyanmar-Regular.ttf"),
    bundled!("NotoSansMyanmar-Bold.ttf"),
    bundled!("NotoColorEmoji.ttf"),
];

/// The descriptions of the built-in faces (bundled, then Typst's own), in
/// the order `built_in_faces` lists them. Regenerate with
/// `TALKPOSTER_BLESS=1 cargo test --release --lib font_book`.
const BOOK_JSON: &str = include_str!("../../fonts/book.json");

/// Where a face comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FontOrigin {
    Bundled,
    /// Typst's own: New Computer Modern (Math), Libertinus, DejaVu Sans Mono.
    Typst,
    /// A `--font-path` folder.
    FontPath,
    System,
}

impl FontOrigin {
    pub fn describe(self) -> &'static str {
        match self {
            FontOrigin::Bundled => "bundled",
            FontOrigin::Typst => "Typst's own",
            FontOrigin::FontPath => "--font-path",
            FontOrigin::System => "system",
        }
    }
}

/// Every built-in face as (its file's bytes, index in the file, origin).
/// Faces of one file share one `Bytes`: Typst hashes a font's whole file
/// the first time it meets it, so a collection is hashed once, not per face.
fn built_in_faces() -> Vec<(Bytes, u32, FontOrigin)> {
    let bundled =
        BUNDLED.iter().flat_map(|b| b.faces.iter().map(move |i| (Bytes::new(b.data), *i, FontOrigin::Bundled)));
    let typst = typst_assets::fonts().map(|data| (Bytes::new(data), 0, FontOrigin::Typst));
    let mut out: Vec<(Bytes, u32, FontOrigin)> = Vec::new();
    for (bytes, index, origin) in bundled.chain(typst) {
        // Reuse the `Bytes` of the previous face of the same file.
        let bytes = match out.last() {
            Some((prev, _, _)) if prev.as_ptr() == bytes.as_ptr() => prev.clone(),
            _ => bytes,
        };
        out.push((bytes, index, origin));
    }
    out
}

/// One face: its data, and the font once parsed.
struct Slot {
    data: Bytes,
    index: u32,
    origin: FontOrigin,
    font: OnceLock<Option<Font>>,
}

/// The faces a layout engine sees, with Typst's book of them.
pub struct FontLibrary {
    book: LazyHash<FontBook>,
    slots: Vec<Slot>,
}

/// Where fonts come from beyond the built-in ones.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct FontSources {
    /// Folders given with `--font-path`, searched recursively.
    pub dirs: Vec<PathBuf>,
    /// The machine's fonts (for custom templates, and brand fonts found
    /// nowhere else).
    pub system: bool,
}

impl FontLibrary {
    /// The built-in faces (described, not parsed), then every face of the
    /// `--font-path` folders and, if asked, of the system (parsed now: there
    /// are no descriptions of them to read).
    pub fn new(sources: &FontSources) -> Result<Self, Diagnostic> {
        let infos: Vec<FontInfo> = serde_json::from_str(BOOK_JSON).expect("fonts/book.json is checked by a test");
        let mut book = FontBook::new();
        let mut slots = Vec::new();
        for (info, (data, index, origin)) in infos.into_iter().zip(built_in_faces()) {
            book.push(info);
            slots.push(Slot { data, index, origin, font: OnceLock::new() });
        }
        let mut files = Vec::new();
        for dir in &sources.dirs {
            files.extend(font_files(dir)?.into_iter().map(|f| (f, FontOrigin::FontPath)));
        }
        if sources.system {
            files.extend(system_font_files().into_iter().map(|f| (f, FontOrigin::System)));
        }
        for (file, origin) in files {
            let Some(data) = map_file(&file) else { continue };
            if plausible_font(&data).is_err() {
                // Said once, by `font_file_warnings`.
                continue;
            }
            for font in Font::iter(data.clone()) {
                book.push(font.info().clone());
                let index = font.index();
                slots.push(Slot { data: data.clone(), index, origin, font: OnceLock::from(Some(font)) });
            }
        }
        Ok(FontLibrary { book: LazyHash::new(book), slots })
    }

    pub fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }

    /// Hashes the files of the bundled faces a poster will use (Noto Sans;
    /// with `cjk` the CJK collections too: 40 MB, for an organizer's name in
    /// Chinese), as Typst does when it first meets a font, so that a
    /// one-talk render does it while its engine is built rather than in the
    /// layout.
    pub fn warm_up(&self, cjk: bool) {
        let mut done = std::collections::HashSet::new();
        for (i, slot) in self.slots.iter().enumerate() {
            let used = self
                .book
                .info(i)
                .is_some_and(|f| f.family == "Noto Sans" || (cjk && f.family.starts_with("Noto Sans CJK")));
            if slot.origin == FontOrigin::Bundled && used && done.insert(slot.data.as_ptr()) {
                typst::utils::hash128(&slot.data);
            }
        }
    }

    /// The face at `index` of the book, parsed on first use.
    pub fn font(&self, index: usize) -> Option<Font> {
        let slot = self.slots.get(index)?;
        slot.font.get_or_init(|| Font::new(slot.data.clone(), slot.index)).clone()
    }

    /// Every family, once, with where its first face comes from, sorted.
    pub fn families(&self) -> Vec<(String, FontOrigin)> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for (i, slot) in self.slots.iter().enumerate() {
            if let Some(info) = self.book.info(i)
                && seen.insert(info.family.to_lowercase())
            {
                out.push((info.family.clone(), slot.origin));
            }
        }
        out.sort_by_key(|(f, _)| f.to_lowercase());
        out
    }

    /// Whether a family of this name is in the book (as Typst matches: in
    /// any case).
    pub fn has_family(&self, family: &str) -> bool {
        self.book.contains_family(&family.to_lowercase())
    }
}

/// Whether a font file's header is one Typst can read in reasonable time:
/// a collection's count of faces fits the file and `MAX_FONT_FACES`. (A
/// 12-byte file can claim four billion faces; Typst would try each.)
fn plausible_font(data: &[u8]) -> Result<(), String> {
    if data.len() < 12 {
        return Err(format!("it is {} bytes long, too short for a font", data.len()));
    }
    if &data[..4] == b"ttcf" {
        let faces = u32::from_be_bytes([data[8], data[9], data[10], data[11]]);
        let table = 12 + 4 * u64::from(faces);
        if faces > MAX_FONT_FACES || table > data.len() as u64 {
            return Err(format!("its header claims {faces} faces (a collection holds at most {MAX_FONT_FACES})"));
        }
    }
    Ok(())
}

/// Warnings about the font files of a `--font-path` folder that will be
/// skipped (their headers read, nothing more); an error if the folder is
/// too large to search.
pub fn font_file_warnings(dir: &Path) -> Result<Vec<Diagnostic>, Diagnostic> {
    let mut warnings = Vec::new();
    for file in font_files(dir)? {
        let mut head = [0u8; 12];
        let read = crate::files::open_regular(&file).map_err(|d| d.message).and_then(|mut f| {
            use std::io::Read;
            f.read(&mut head).map_err(|e| crate::files::io_reason(&e))
        });
        let why = match read {
            Ok(n) => plausible_font(&head[..n]).and_then(|()| {
                let faces = u32::from_be_bytes([head[8], head[9], head[10], head[11]]);
                let size = std::fs::metadata(&file).map_or(0, |m| m.len());
                // The collection's table of faces must fit the file.
                if &head[..4] == b"ttcf" && 12 + 4 * u64::from(faces) > size {
                    return Err(format!(
                        "its header claims {faces} faces (a collection holds at most {MAX_FONT_FACES})"
                    ));
                }
                Ok(())
            }),
            Err(why) => Err(why),
        };
        if let Err(why) = why {
            warnings.push(
                Diagnostic::new(format!("the font file `{}` is skipped: {why}", file.display()))
                    .warning()
                    .help("remove it from the font folder, or replace it with a good copy"),
            );
        }
    }
    Ok(warnings)
}

/// The font files under a `--font-path` folder: ordinary files (links
/// followed, loops skipped) with a font's extension, within the size limit.
/// The search is bounded (`MAX_FONT_DEPTH` levels, `MAX_FONT_DIR_ENTRIES`
/// entries, `MAX_FONT_FILES` fonts): a folder past those is refused.
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
    let too_big = |what: String| {
        Diagnostic::new(format!("the font folder `{}` {what}", dir.display()))
            .help("give --font-path the folder that holds your fonts, not a whole disk or home folder")
    };
    let mut files = Vec::new();
    let walk = walkdir::WalkDir::new(dir).follow_links(true).max_depth(MAX_FONT_DEPTH).sort_by_file_name();
    for (seen, entry) in walk.into_iter().filter_map(Result::ok).enumerate() {
        if seen >= MAX_FONT_DIR_ENTRIES {
            return Err(too_big(format!("holds more than {MAX_FONT_DIR_ENTRIES} files and folders")));
        }
        if entry.file_type().is_file()
            && is_font(entry.path())
            && entry.metadata().is_ok_and(|m| m.len() <= MAX_FONT_FILE_BYTES)
        {
            if files.len() >= MAX_FONT_FILES {
                return Err(too_big(format!("holds more than {MAX_FONT_FILES} font files")));
            }
            files.push(entry.into_path());
        }
    }
    Ok(files)
}

/// The machine's font files, as fontdb finds them.
fn system_font_files() -> Vec<PathBuf> {
    let mut db = fontdb::Database::new();
    db.load_system_fonts();
    let files: BTreeSet<PathBuf> = db
        .faces()
        .filter_map(|face| match &face.source {
            fontdb::Source::File(p) | fontdb::Source::SharedFile(p, _) => Some(p.clone()),
            fontdb::Source::Binary(_) => None,
        })
        .collect();
    files.into_iter().collect()
}

/// Maps a font file into memory: only the pages Typst touches are read.
fn map_file(path: &Path) -> Option<Bytes> {
    let file = crate::files::open_regular(path).ok()?;
    // Safety: font files are not expected to change while we run; if one
    // does, glyphs may come out wrong but memory stays valid (read-only map).
    let map = unsafe { memmap2::Mmap::map(&file) }.ok()?;
    Some(Bytes::new(map))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What Typst computes for each built-in face, in order.
    fn computed_infos() -> Vec<FontInfo> {
        built_in_faces()
            .into_iter()
            .map(|(data, index, _)| Font::new(data, index).expect("a readable face").info().clone())
            .collect()
    }

    #[test]
    fn a_collection_header_that_claims_billions_of_faces_is_refused_unread() {
        let mut bomb = b"ttcf\0\x01\0\0".to_vec();
        bomb.extend(u32::MAX.to_be_bytes());
        assert!(plausible_font(&bomb).unwrap_err().contains("4294967295 faces"));
        assert!(plausible_font(b"tiny").is_err());
        let (data, _, _) = built_in_faces().into_iter().next().unwrap();
        assert!(plausible_font(&data).is_ok());
    }

    #[test]
    fn font_book_is_current() {
        let computed = computed_infos();
        if std::env::var_os("TALKPOSTER_BLESS").is_some() {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fonts/book.json");
            std::fs::write(path, serde_json::to_string(&computed).unwrap()).unwrap();
            return;
        }
        let stored: Vec<FontInfo> = serde_json::from_str(BOOK_JSON).unwrap();
        assert!(
            stored == computed,
            "fonts/book.json is stale: run TALKPOSTER_BLESS=1 cargo test --release --lib font_book"
        );
    }

    #[test]
    fn every_script_the_layouts_name_is_bundled() {
        let library = FontLibrary::new(&FontSources::default()).unwrap();
        for family in [
            "Noto Sans",
            "Noto Sans CJK SC",
            "Noto Sans CJK TC",
            "Noto Sans CJK JP",
            "Noto Sans CJK KR",
            "Noto Sans Arabic",
            "Noto Sans Hebrew",
            "Noto Sans Devanagari",
            "Noto Sans Bengali",
            "Noto Sans Thai",
            "Noto Color Emoji",
            "New Computer Modern Math",
        ] {
            assert!(library.has_family(family), "{family}");
        }
        assert!(!library.has_family("Noto Sans Mono CJK SC"), "mono faces are left out");
        // Faces are parsed on use, and come out as described.
        let i = (0..library.slots.len()).find(|i| library.book.info(*i).unwrap().family == "Noto Sans CJK JP").unwrap();
        assert!(library.slots[i].font.get().is_none());
        assert_eq!(library.font(i).unwrap().info().family, "Noto Sans CJK JP");
    }

    #[test]
    fn missing_font_folder_is_an_error() {
        let sources = FontSources { dirs: vec!["/no/such/fonts".into()], system: false };
        let e = FontLibrary::new(&sources).err().unwrap();
        assert!(e.message.contains("/no/such/fonts"));
    }
}
