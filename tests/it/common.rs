//! Helpers for tests that run the built binary and inspect what it wrote
//! with independent tools (poppler's pdfinfo, pdffonts, pdftotext).

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

/// The examples' deep-red header band, as seen on the contact sheet.

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
