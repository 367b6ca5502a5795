//! Helpers for tests that run the built binary and inspect what it wrote
//! with independent readers: pdf-extract and lopdf for PDFs, the image and
//! png crates for pictures, rqrr for QR codes (poppler's pdftoppm, where
//! installed, for one look at the bleed).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn events() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(repo().join("events"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    v.sort();
    v
}

/// The binary under test: the one Cargo built, or TALKPOSTER_BIN (to keep
/// testing one build while the next compiles, in long property runs).
pub fn binary() -> PathBuf {
    std::env::var_os("TALKPOSTER_BIN").map_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_talkposter")), PathBuf::from)
}

pub fn talkposter(args: &[&str]) -> Output {
    Command::new(binary()).args(args).output().expect("run talkposter")
}

pub fn render(event: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["render", event.to_str().unwrap(), "-o", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    talkposter(&args)
}

/// `talkposter batch ARGS…`.
pub fn batch(args: &[&str]) -> std::process::Output {
    let mut all = vec!["batch"];
    all.extend_from_slice(args);
    talkposter(&all)
}

pub fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

pub fn files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).collect();
    v.sort();
    v
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

/// The text of a PDF as a reader would copy it (through the fonts' ToUnicode
/// maps), extracted by pdf-extract: independent of Typst.
pub fn pdf_text(pdf: &Path) -> String {
    pdf_extract::extract_text_from_mem(&std::fs::read(pdf).unwrap()).expect("extract text from the PDF")
}

/// The `/ActualText` of every marked span in a PDF's pages, read with
/// lopdf: how a reader that follows them (poppler, Acrobat, screen
/// readers) copies a cluster drawn with several glyphs.
pub fn actual_texts(pdf: &Path) -> Vec<String> {
    let doc = lopdf::Document::load_mem(&std::fs::read(pdf).unwrap()).expect("a readable PDF");
    let mut out = Vec::new();
    for id in doc.get_pages().values() {
        let content = doc.get_and_decode_page_content(*id).expect("a readable page");
        for op in content.operations.iter().filter(|op| op.operator == "BDC") {
            let text = op.operands.get(1).and_then(|o| o.as_dict().ok()).and_then(|d| d.get(b"ActualText").ok());
            if let Some(bytes) = text.and_then(|o| o.as_str().ok()) {
                out.push(decode_text(bytes));
            }
        }
    }
    out
}

/// What a PDF holds, read with lopdf.
#[derive(Debug)]
pub struct PdfFacts {
    /// Width and height of each page, in points.
    pub pages: Vec<(f32, f32)>,
    /// Each font's name and whether its program is embedded in the file.
    pub fonts: Vec<(String, bool)>,
    pub images: usize,
    pub title: Option<String>,
    pub author: Option<String>,
}

pub fn pdf_facts(pdf: &Path) -> PdfFacts {
    use lopdf::{Document, Object};
    let doc = Document::load_mem(&std::fs::read(pdf).unwrap()).expect("a readable PDF");
    let pages = doc
        .get_pages()
        .values()
        .map(|id| {
            let page = doc.get_dictionary(*id).unwrap();
            let b: Vec<f32> =
                page.get(b"MediaBox").unwrap().as_array().unwrap().iter().map(|x| x.as_float().unwrap()).collect();
            (b[2] - b[0], b[3] - b[1])
        })
        .collect();
    let mut fonts = Vec::new();
    let mut images = 0;
    for obj in doc.objects.values() {
        let dict = match obj {
            Object::Dictionary(d) => d,
            Object::Stream(s) => &s.dict,
            _ => continue,
        };
        let name_is = |key: &[u8], value: &[u8]| dict.get(key).and_then(|o| o.as_name()).is_ok_and(|n| n == value);
        if name_is(b"Type", b"FontDescriptor") {
            let name = dict.get(b"FontName").and_then(|o| o.as_name()).map(|n| String::from_utf8_lossy(n).to_string());
            let embedded = [b"FontFile".as_slice(), b"FontFile2", b"FontFile3"].iter().any(|k| dict.has(k));
            fonts.push((name.unwrap_or_default(), embedded));
        }
        if name_is(b"Subtype", b"Image") {
            images += 1;
        }
    }
    let info = doc
        .trailer
        .get(b"Info")
        .ok()
        .and_then(|o| doc.dereference(o).ok())
        .and_then(|(_, o)| o.as_dict().ok().cloned());
    let text = |key: &[u8]| info.as_ref().and_then(|d| d.get(key).ok()).and_then(|o| o.as_str().ok()).map(decode_text);
    PdfFacts { pages, fonts, images, title: text(b"Title"), author: text(b"Author") }
}

/// A PDF text string: UTF-16BE with a byte-order mark, else one byte a character.
fn decode_text(bytes: &[u8]) -> String {
    match bytes.strip_prefix(&[0xFE, 0xFF]) {
        Some(rest) => {
            let units: Vec<u16> = rest.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
            String::from_utf16_lossy(&units)
        }
        None => bytes.iter().map(|b| *b as char).collect(),
    }
}

/// Text with all white space and hyphens removed, lower case: line breaks,
/// hyphenation and small caps then do not matter when looking for a field.
pub fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace() && *c != '-' && *c != '\u{ad}').flat_map(char::to_lowercase).collect()
}

/// White space runs as one space.
pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub struct PngInfo {
    pub width: u32,
    pub height: u32,
    pub pixels_per_meter: Option<u32>,
}

pub fn png_info(path: &Path) -> PngInfo {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let reader = decoder.read_info().unwrap();
    let info = reader.info();
    let ppm = info.pixel_dims.filter(|d| d.unit == png::Unit::Meter).map(|d| d.xppu);
    PngInfo { width: info.width, height: info.height, pixels_per_meter: ppm }
}

/// Writes an event file (and returns its folder, kept alive by the caller).
pub fn event_file(yaml: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("talk.yaml");
    std::fs::write(&path, yaml).unwrap();
    (dir, path)
}

pub const MINIMAL: &str =
    "title: A talk\nspeaker:\n  name: Dr. A\ntime:\n  date: 2024-06-13\n  start: \"16:00\"\nplace: Room 1\n";

/// Runs talkposter and samples, every 10 ms, the resident memory of it and
/// every process it started (its workers), added up. Returns the output and
/// the peak in MB. Linux only (reads /proc).
pub fn talkposter_with_peak_mb(args: &[&str]) -> (Output, u64) {
    use std::io::Read;
    let mut child = Command::new(binary())
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run talkposter");
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            pipe.read_to_end(&mut buf).unwrap();
            buf
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let mut peak_kb = 0;
    let status = loop {
        peak_kb = peak_kb.max(tree_rss_kb(child.id()));
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    };
    let output = Output { status, stdout: out.join().unwrap(), stderr: err.join().unwrap() };
    (output, peak_kb / 1024)
}

/// Resident memory of `root` and all its descendants, in KB.
fn tree_rss_kb(root: u32) -> u64 {
    let mut parent_of = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
        // The fields after the command name (which may hold spaces) in parentheses.
        let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else { continue };
        if let Some(ppid) = rest.split_whitespace().nth(1).and_then(|p| p.parse::<u32>().ok()) {
            parent_of.push((pid, ppid));
        }
    }
    let mut tree = vec![root];
    let mut i = 0;
    while i < tree.len() {
        let p = tree[i];
        tree.extend(parent_of.iter().filter(|(_, pp)| *pp == p).map(|(c, _)| *c));
        i += 1;
    }
    tree.iter()
        .filter_map(|pid| std::fs::read_to_string(format!("/proc/{pid}/status")).ok())
        .filter_map(|s| {
            let line = s.lines().find(|l| l.starts_with("VmRSS:"))?;
            line.split_whitespace().nth(1)?.parse::<u64>().ok()
        })
        .sum()
}

/// A PNG whose header declares `w` × `h` pixels, and no pixels.
pub fn png_header_only(w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, w, h);
    encoder.set_color(png::ColorType::Rgb);
    drop(encoder.write_header().unwrap());
    out
}

/// For each font in a PDF, its name (subset tag removed; a Type 3 font's
/// `/Name`) and every character its ToUnicode map says it draws. Fonts are
/// subset, so these are exactly the characters set in that font.
pub fn pdf_font_chars(pdf: &Path) -> Vec<(String, String)> {
    use lopdf::{Document, Object};
    let doc = Document::load_mem(&std::fs::read(pdf).unwrap()).expect("a readable PDF");
    let mut out = Vec::new();
    for obj in doc.objects.values() {
        let Object::Dictionary(dict) = obj else { continue };
        if !dict.get(b"Type").and_then(|o| o.as_name()).is_ok_and(|n| n == b"Font") {
            continue;
        }
        let Ok(to_unicode) = dict.get(b"ToUnicode").and_then(|o| o.as_reference()) else { continue };
        let name = dict.get(b"BaseFont").or_else(|_| dict.get(b"Name")).and_then(|o| o.as_name()).unwrap_or(b"?");
        let name = String::from_utf8_lossy(name);
        let name = name.split_once('+').map_or(name.to_string(), |(_, n)| n.to_string());
        let Ok(Object::Stream(stream)) = doc.get_object(to_unicode) else { continue };
        let cmap = stream.decompressed_content().unwrap_or_else(|_| stream.content.clone());
        out.push((name, cmap_chars(&String::from_utf8_lossy(&cmap))));
    }
    out
}

/// The characters a ToUnicode CMap maps to (bfchar and bfrange entries).
fn cmap_chars(cmap: &str) -> String {
    let hex_groups = |line: &str| -> Vec<String> {
        line.split('<').skip(1).filter_map(|p| p.split('>').next()).map(str::to_string).collect()
    };
    let utf16 = |hex: &str| -> String {
        let units: Vec<u16> =
            (0..hex.len() / 4).filter_map(|i| u16::from_str_radix(&hex[i * 4..i * 4 + 4], 16).ok()).collect();
        String::from_utf16_lossy(&units)
    };
    let mut out = String::new();
    let mut section = "";
    for line in cmap.lines() {
        if line.contains("beginbfchar") {
            section = "char";
        } else if line.contains("beginbfrange") {
            section = "range";
        } else if line.contains("endbf") {
            section = "";
        } else if section == "char" {
            if let [_, dst, ..] = hex_groups(line).as_slice() {
                out.push_str(&utf16(dst));
            }
        } else if section == "range"
            && let [lo, hi, dst, ..] = hex_groups(line).as_slice()
        {
            let (lo, hi) = (u32::from_str_radix(lo, 16).unwrap_or(0), u32::from_str_radix(hi, 16).unwrap_or(0));
            let start = utf16(dst).chars().next().map_or(0, |c| c as u32);
            out.extend((0..=hi.saturating_sub(lo)).filter_map(|i| char::from_u32(start + i)));
        }
    }
    out
}

/// The fonts (names as in `pdf_font_chars`) that draw character `c`.
pub fn fonts_drawing(pdf: &Path, c: char) -> Vec<String> {
    pdf_font_chars(pdf).into_iter().filter(|(_, chars)| chars.contains(c)).map(|(n, _)| n).collect()
}

/// The texts of every QR code that can be read from a PNG (rqrr).
pub fn qr_contents(png: &Path) -> Vec<String> {
    let img = image::open(png).unwrap().to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(img);
    let mut found: Vec<String> =
        prepared.detect_grids().iter().filter_map(|g| g.decode().ok()).map(|(_, text)| text).collect();
    found.sort();
    found
}

/// Every character drawn on a PDF's first page: (baseline from the top,
/// size), in points, in drawing order (pdf-extract).
fn glyphs(pdf: &Path) -> (f64, Vec<(f64, f64)>) {
    use pdf_extract::{MediaBox, OutputDev, OutputError, Transform};
    #[derive(Default)]
    struct Lines {
        height: f64,
        page: u32,
        glyphs: Vec<(f64, f64)>,
    }
    impl OutputDev for Lines {
        fn begin_page(&mut self, n: u32, media: &MediaBox, _: Option<(f64, f64, f64, f64)>) -> Result<(), OutputError> {
            self.page = n;
            if n == 1 {
                self.height = media.ury - media.lly;
            }
            Ok(())
        }
        fn end_page(&mut self) -> Result<(), OutputError> {
            Ok(())
        }
        fn output_character(&mut self, trm: &Transform, _: f64, _: f64, size: f64, c: &str) -> Result<(), OutputError> {
            if self.page == 1 && !c.trim().is_empty() {
                // The character's size on the page: its font size times the
                // vertical scale of the matrix; the translation is the baseline.
                let scale = (trm.m21 * trm.m21 + trm.m22 * trm.m22).sqrt();
                let size = size * scale;
                self.glyphs.push((self.height - trm.m32, size));
            }
            Ok(())
        }
        fn begin_word(&mut self) -> Result<(), OutputError> {
            Ok(())
        }
        fn end_word(&mut self) -> Result<(), OutputError> {
            Ok(())
        }
        fn end_line(&mut self) -> Result<(), OutputError> {
            Ok(())
        }
    }
    let doc = pdf_extract::Document::load_mem(&std::fs::read(pdf).unwrap()).expect("a readable PDF");
    let mut lines = Lines::default();
    pdf_extract::output_doc(&doc, &mut lines).expect("PDF text positions");
    (lines.height, lines.glyphs)
}

/// The text lines of a PDF's first page, each as (top, bottom) in points
/// from the top of the page, sorted.
pub fn text_lines(pdf: &Path) -> (f64, Vec<(f64, f64)>) {
    let (height, glyphs) = glyphs(pdf);
    let mut glyphs: Vec<(f64, f64)> =
        glyphs.into_iter().map(|(baseline, size)| (baseline - 0.75 * size, baseline + 0.2 * size)).collect();
    glyphs.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Glyphs that overlap vertically are on one line.
    let mut merged: Vec<(f64, f64)> = Vec::new();
    for (top, bottom) in glyphs {
        match merged.last_mut() {
            Some(last) if top <= last.1 => last.1 = last.1.max(bottom),
            _ => merged.push((top, bottom)),
        }
    }
    (height, merged)
}

/// The widest space a justified line adds between two glyphs of body text
/// (16 pt and smaller: no headings), in ems: the largest spacing adjustment
/// of a `TJ` operator in the page's content (Typst justifies by widening the
/// advances of spaces). A line stretched around an unbreakable address shows
/// about an em or more; natural spacing and kerning, a tenth.
pub fn widest_justification(pdf: &Path) -> f64 {
    use lopdf::content::Content;
    use lopdf::{Document, Object};
    let doc = Document::load_mem(&std::fs::read(pdf).unwrap()).expect("a readable PDF");
    let page = *doc.get_pages().values().next().unwrap();
    let content = Content::decode(&doc.get_page_content(page).unwrap()).unwrap();
    let mut size = 0.0;
    let mut widest: f64 = 0.0;
    for op in content.operations {
        match op.operator.as_str() {
            "Tf" => size = op.operands.get(1).and_then(|o| o.as_float().ok()).map_or(0.0, f64::from),
            "TJ" if size <= 16.5 => {
                let Some(Object::Array(parts)) = op.operands.first() else { continue };
                for part in parts {
                    if let Ok(n) = part.as_float() {
                        // A negative adjustment moves the next glyph right.
                        widest = widest.max(-f64::from(n) / 1000.0);
                    }
                }
            }
            _ => {}
        }
    }
    widest
}

/// The tallest stretch with no text between `from` and `to` (points from
/// the top), as a share of the page height.
pub fn largest_empty_band(pdf: &Path, from: f64, to: f64) -> f64 {
    let (height, lines) = text_lines(pdf);
    let mut edges = vec![(from, from)];
    edges.extend(lines.into_iter().filter(|(top, bottom)| *bottom > from && *top < to));
    edges.push((to, to));
    edges.windows(2).map(|w| (w[1].0 - w[0].1).max(0.0)).fold(0.0, f64::max) / height
}
