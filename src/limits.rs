//! Every limit talkposter puts on its input, in one place. Each is far above
//! what a real talk needs and low enough that a broken or hostile file fails
//! fast with a message, instead of exhausting memory or time. The README's
//! "Limits" table lists them; each error that enforces one names it.

use std::time::Duration;

/// An event file: a long talk with both languages is about 10 KB.
pub const MAX_EVENT_FILE_BYTES: u64 = 1 << 20;

/// A series file, which may hold a whole term's talks inline (40 talks with
/// abstracts are about 200 KB).
pub const MAX_SERIES_FILE_BYTES: u64 = 8 << 20;

/// A schedule sheet (.xlsx, .ods, .csv): a term of 40 talks with abstracts
/// is about 100 KB; a workbook with pictures pasted in is a few MB.
pub const MAX_SHEET_FILE_BYTES: u64 = 32 << 20;

/// What a workbook's archive may unpack to (its files' declared sizes).
pub const MAX_SHEET_UNPACKED_BYTES: u64 = 256 << 20;

/// Rows and columns of a schedule: talks by the thousand, a few dozen keys.
pub const MAX_SHEET_ROWS: usize = 20_000;
pub const MAX_SHEET_COLUMNS: usize = 256;

/// The text of a YAML file with every alias (`*name`) replaced by what its
/// anchor (`&name`) stands for. Aliases are for repeating a value a few
/// times; a file that multiplies a large value thousands of times is refused
/// before it is expanded.
pub const MAX_YAML_EXPANDED_BYTES: u64 = 8 << 20;

/// One text value (an abstract, a biography). The flyer holds about 600
/// words, some 4,000 characters. Up to this limit the layout says how many
/// words to cut; past it the text is refused before any layout.
pub const MAX_TEXT_CHARS: usize = 50_000;

/// Pixels in a photo or logo. Phone photos are 12-50 megapixels; a poster
/// uses at most 1000 × 1000 of them. Checked from the file's header before
/// anything is decoded.
pub const MAX_IMAGE_PIXELS: u64 = 64_000_000;

/// A photo or logo file on disk.
pub const MAX_IMAGE_FILE_BYTES: u64 = 128 << 20;

/// Memory the image decoder may allocate for one picture: 64 megapixels at
/// 16 bits per channel with alpha is 512 MB.
pub const MAX_IMAGE_DECODE_BYTES: u64 = 512 << 20;

/// An SVG file (logos and drawn portraits are rarely over 1 MB).
pub const MAX_SVG_FILE_BYTES: u64 = 8 << 20;

/// XML nodes in an SVG file.
pub const MAX_SVG_NODES: u32 = 200_000;

/// Elements nested inside each other in an SVG file.
pub const MAX_SVG_DEPTH: usize = 256;

/// Pixels in one rendered page (PNG or thumbnail): A4 at the highest
/// `--ppi` (1200) is 139 megapixels.
pub const MAX_RASTER_PIXELS: u64 = 150_000_000;

/// A file a custom template reads (an image, a data file, an imported .typ).
pub const MAX_TEMPLATE_FILE_BYTES: u64 = 64 << 20;

/// Steps an announcement template may take for one talk (minijinja's
/// fuel): the built-in ones take 635 (text) and 720 (Markdown) for the
/// long bilingual example; a loop that never ends stops here in a moment.
pub const MAX_TEMPLATE_FUEL: u64 = 1_000_000;

/// Combining marks on one letter (accents, vowel signs, tone marks):
/// real scripts stack a few; a letter carrying thousands makes Typst's
/// layout need gigabytes.
pub const MAX_MARKS_PER_LETTER: usize = 24;

/// Problems reported for one file: the first ones say what to fix; past
/// this many, the rest are counted, not described (a file with 100,000
/// unknown keys is answered in a moment).
pub const MAX_REPORTED_PROBLEMS: usize = 100;

/// Levels of nesting in a YAML file (a map in a list in a map…): an event
/// needs five; a file nested 100,000 deep is refused while it is read.
pub const MAX_YAML_DEPTH: usize = 64;

/// A font file given with `--font-path` (Noto's CJK collection with every
/// weight is about 120 MB).
pub const MAX_FONT_FILE_BYTES: u64 = 256 << 20;

/// Faces in one font collection (`.ttc`): Noto's CJK collection has 10;
/// a file claiming more (a damaged or hostile header) is skipped unread.
pub const MAX_FONT_FACES: u32 = 256;

/// Font files taken from the `--font-path` folders, how deep they are
/// searched, and how many entries the search looks at: `--font-path /`
/// is refused in a moment rather than walking the whole disk.
pub const MAX_FONT_FILES: usize = 2_000;
pub const MAX_FONT_DEPTH: usize = 6;
pub const MAX_FONT_DIR_ENTRIES: usize = 20_000;

/// Heap memory one talk's layout may use. A poster takes 100-250 MB; an A4
/// page at 1200 ppi needs about 700 MB.
pub const WORKER_MEMORY_BYTES: usize = 2 << 30;

/// Time one talk may take, by default (`--time-limit`). A poster takes well
/// under a second; text with `markup: typst` can hold loops that never end.
pub const DEFAULT_TIME_LIMIT: Duration = Duration::from_secs(60);

/// `1048576` → `1 MB`, for messages about limits.
pub fn bytes(n: u64) -> String {
    const MB: u64 = 1 << 20;
    const GB: u64 = 1 << 30;
    if n >= GB && n.is_multiple_of(GB) {
        format!("{} GB", n / GB)
    } else if n >= MB && n.is_multiple_of(MB) {
        format!("{} MB", n / MB)
    } else if n >= MB {
        format!("{:.1} MB", n as f64 / MB as f64)
    } else if n >= 1024 {
        format!("{} KB", n.div_ceil(1024))
    } else {
        format!("{n} bytes")
    }
}

/// A size over a limit and the limit, in words that show the difference
/// (`1.0 MB` over `1 MB` would not).
pub fn over(size: u64, limit: u64) -> (String, String) {
    let (a, b) = (bytes(size), bytes(limit));
    if a.trim_end_matches(" MB").trim_end_matches(".0") == b.trim_end_matches(" MB") || a == b {
        (format!("{size} bytes"), format!("{limit} bytes ({b})"))
    } else {
        (a, b)
    }
}

/// `64000000` → `64 megapixels`.
pub fn megapixels(n: u64) -> String {
    let mp = n as f64 / 1e6;
    if mp >= 10.0 { format!("{mp:.0} megapixels") } else { format!("{mp:.1} megapixels") }
}

/// Typst recurses deeply: a layout needs more than a default thread's stack
/// (2 MB; Typst's own CLI also lays out on a larger one).
pub const STACK_SIZE: usize = 32 << 20;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(bytes(MAX_EVENT_FILE_BYTES), "1 MB");
        assert_eq!(bytes(WORKER_MEMORY_BYTES as u64), "2 GB");
        assert_eq!(bytes(3 << 19), "1.5 MB");
        assert_eq!(bytes(2000), "2 KB");
        assert_eq!(bytes(12), "12 bytes");
        assert_eq!(over(1_048_700, 1 << 20), ("1048700 bytes".into(), "1048576 bytes (1 MB)".into()));
        assert_eq!(over(3 << 20, 1 << 20), ("3 MB".into(), "1 MB".into()));
        assert_eq!(megapixels(MAX_IMAGE_PIXELS), "64 megapixels");
        assert_eq!(megapixels(1_000_000_000_000), "1000000 megapixels");
        assert_eq!(megapixels(2_500_000), "2.5 megapixels");
    }
}
