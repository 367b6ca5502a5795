//! Long fuzzing runs, one harness per input surface; run by
//! `benches/fuzz.sh SURFACE MINUTES` (ignored in ordinary test runs). Each
//! harness mutates seeds from the repository's own files (the example and
//! test events, the error cases, the layouts and templates) and feeds them to
//! the code that reads that surface, for `FUZZ_SECONDS`, then prints the cases
//! run, the cases per second and each distinct failure, and fails if there
//! was one. Every failing input is kept in `target/fuzz/SURFACE/` to become a
//! regression test.
//!
//! A failure is a panic (in this process: caught), or for the surfaces run
//! through the binary, an exit other than 0 or 1 or a message saying that
//! talkposter or its worker stopped unexpectedly.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::common::*;
use talkposter::event::{self, Origin, source};

/// How long a harness runs: `FUZZ_SECONDS`, else a few seconds.
fn budget() -> Duration {
    Duration::from_secs(std::env::var("FUZZ_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(5))
}

/// A small random source (xorshift64*): fuzzing needs speed and a seed to
/// replay a run (`FUZZ_SEED`), not cryptography.
struct Rand(u64);

impl Rand {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `range` (which must not be empty).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn between(&mut self, lo: usize, hi_inclusive: usize) -> usize {
        lo + self.below(hi_inclusive - lo + 1)
    }

    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    fn fill(&mut self, bytes: &mut [u8]) {
        for b in bytes {
            *b = self.next() as u8;
        }
    }
}

fn rng() -> Rand {
    let seed: u64 = std::env::var("FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64)
    });
    println!("seed {seed}");
    Rand(seed | 1)
}

/// Distinct failures (by their first line), each with its first input.
#[derive(Default)]
struct Findings {
    surface: String,
    cases: u64,
    failures: BTreeMap<String, (u64, Vec<u8>)>,
}

impl Findings {
    fn new(surface: &str) -> Self {
        Findings { surface: surface.into(), ..Default::default() }
    }

    fn fail(&mut self, what: &str, input: &[u8]) {
        let key = what.lines().next().unwrap_or("").chars().take(200).collect::<String>();
        let entry = self.failures.entry(key).or_insert_with(|| (0, input.to_vec()));
        entry.0 += 1;
    }

    /// Prints the figures and keeps each failing input; fails if any.
    fn report(self, started: Instant) {
        let secs = started.elapsed().as_secs_f64();
        println!(
            "{}: {} cases in {:.0} s ({:.1} per second), {} distinct failures",
            self.surface,
            self.cases,
            secs,
            self.cases as f64 / secs.max(0.001),
            self.failures.len()
        );
        let dir = repo().join("target/fuzz").join(&self.surface);
        for (i, (what, (count, input))) in self.failures.iter().enumerate() {
            std::fs::create_dir_all(&dir).unwrap();
            let file = dir.join(format!("failure-{i}"));
            std::fs::write(&file, input).unwrap();
            println!("  {count}× {what}\n     input: {}", file.display());
        }
        assert!(self.failures.is_empty(), "{} distinct failures", self.failures.len());
    }
}

/// Runs `f`, turning a panic into its message.
fn caught(f: impl FnOnce()) -> Result<(), String> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = catch_unwind(AssertUnwindSafe(f));
    std::panic::set_hook(hook);
    result.map_err(|e| {
        e.downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| e.downcast_ref::<String>().cloned())
            .unwrap_or_default()
    })
}

/// Every file under `dirs` (of the repository) with one of `extensions`.
fn seeds(dirs: &[&str], extensions: &[&str]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for dir in dirs {
        for entry in walkdir::WalkDir::new(repo().join(dir)).into_iter().filter_map(Result::ok) {
            let p = entry.path();
            if p.is_file() && p.extension().is_some_and(|x| extensions.iter().any(|e| x == *e)) {
                out.push(std::fs::read(p).unwrap());
            }
        }
    }
    assert!(!out.is_empty(), "no seeds in {dirs:?}");
    out
}

/// Pieces that mean something to the readers: YAML structure, Typst and
/// Jinja syntax, odd characters.
const TOKENS: &[&str] = &[
    "\n",
    "\n  ",
    "- ",
    ": ",
    "[",
    "]",
    "{",
    "}",
    ", ",
    "&a ",
    "*a",
    "<<: ",
    "'",
    "\"",
    "|\n  ",
    ">\n  ",
    "#",
    "---\n",
    "\t",
    "\\",
    "~",
    "null",
    "1e400",
    "2024-02-30",
    "25:00",
    "16:00",
    "https://x.org",
    "mailto:a@b",
    "\u{FEFF}",
    "\u{202E}",
    "\u{301}",
    "\u{200D}",
    "𓀀",
    "静园",
    "かな",
    "مرحبا",
    "ใจดี",
    "🎉",
    "$",
    "$x^2$",
    "#let",
    "#set text(",
    "#for x in range(3) [",
    "{{",
    "}}",
    "{%",
    "%}",
    "{% for",
    "{% endfor %}",
    "<svg",
    "</svg>",
    "<!ENTITY",
    "xlink:href",
    "\u{0}",
    "\u{7f}",
];

/// One random mutation of `data`: a byte flipped, a run deleted, copied or
/// spliced from another seed, or a token inserted.
fn mutate(rng: &mut Rand, data: &[u8], seeds: &[Vec<u8>]) -> Vec<u8> {
    let mut out = data.to_vec();
    for _ in 0..rng.between(1, 4) {
        let len = out.len().max(1);
        match rng.below(6) {
            0 if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] ^= 1 << rng.below(8);
            }
            1 if !out.is_empty() => {
                let i = rng.below(out.len());
                let n = rng.between(0, (out.len() - i).min(64));
                out.drain(i..i + n);
            }
            2 => {
                let i = rng.below(len).min(out.len());
                let t = TOKENS[rng.below(TOKENS.len())].as_bytes();
                out.splice(i..i, t.iter().copied());
            }
            3 if !out.is_empty() => {
                let i = rng.below(out.len());
                let n = rng.between(1, (out.len() - i).min(256));
                let copy = out[i..i + n].to_vec();
                let at = rng.between(0, out.len());
                out.splice(at..at, copy);
            }
            4 => {
                let other = &seeds[rng.below(seeds.len())];
                if !other.is_empty() {
                    let i = rng.below(other.len());
                    let n = rng.between(1, (other.len() - i).min(512));
                    let at = rng.between(0, out.len());
                    out.splice(at..at, other[i..i + n].iter().copied());
                }
            }
            _ => {
                let i = rng.between(0, out.len());
                let mut bytes = vec![0u8; rng.between(1, 7)];
                rng.fill(&mut bytes);
                out.splice(i..i, bytes);
            }
        }
    }
    out.truncate(1 << 20);
    out
}

/// Event files: parsed and checked in this process.
#[test]
#[ignore = "a long fuzzing run: benches/fuzz.sh event 60"]
fn event() {
    let seeds = seeds(&["events", "tests/events", "tests/errors", "tests/demanding"], &["yaml"]);
    let (mut rng, mut found, started) = (rng(), Findings::new("event"), Instant::now());
    while started.elapsed() < budget() {
        let seed = rng.below(seeds.len());
        let input = mutate(&mut rng, &seeds[seed], &seeds);
        let text = String::from_utf8_lossy(&input).to_string();
        let result = caught(|| {
            if let Ok(doc) =
                source::parse(talkposter::diag::SourceText { path: "f.yaml".into(), text: text.clone().into() })
            {
                let _ = event::validate::validate(&doc.value, &Origin::single(&doc), Path::new("."));
            }
        });
        if let Err(what) = result {
            found.fail(&what, &input);
        }
        found.cases += 1;
    }
    found.report(started);
}

/// Series files with talk files beside them: collected in this process.
#[test]
#[ignore = "a long fuzzing run: benches/fuzz.sh series 10"]
fn series() {
    let seeds = seeds(&["events/cfcs-2024", "events/cfcs-2024-list", "tests/events"], &["yaml"]);
    let (mut rng, mut found, started) = (rng(), Findings::new("series"), Instant::now());
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(repo().join("events/cfcs-2024")).unwrap() {
        let p = entry.unwrap().path();
        std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
    }
    let original = std::fs::read(repo().join("events/cfcs-2024/series.yaml")).unwrap();
    while started.elapsed() < budget() {
        let input = mutate(&mut rng, &original, &seeds);
        std::fs::write(dir.path().join("series.yaml"), &input).unwrap();
        if let Err(what) = caught(|| {
            let _ = talkposter::series::collect(&[dir.path().to_path_buf()], &Default::default());
        }) {
            found.fail(&what, &input);
        }
        found.cases += 1;
    }
    found.report(started);
}

/// Photos and logos: pictures mutated from real ones (PNG, JPEG, WebP,
/// SVG), prepared in this process.
#[test]
#[ignore = "a long fuzzing run: benches/fuzz.sh pictures 10"]
fn pictures() {
    let mut seeds = seeds(&["events/assets", "docs"], &["svg", "png"]);
    let mut jpeg = Vec::new();
    image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8 * 3, y as u8 * 5, 90]))
        .write_to(&mut std::io::Cursor::new(&mut jpeg), image::ImageFormat::Jpeg)
        .unwrap();
    seeds.push(jpeg);
    seeds.push(png_header_only(40_000, 40_000));
    let (mut rng, mut found, started) = (rng(), Findings::new("pictures"), Instant::now());
    let dir = tempfile::tempdir().unwrap();
    let talk = dir.path().join("talk.yaml");
    let cache = talkposter::assets::AssetCache::default();
    let exts = ["png", "jpg", "webp", "svg"];
    while started.elapsed() < budget() {
        let seed = rng.below(seeds.len());
        let input = mutate(&mut rng, &seeds[seed], &seeds);
        let ext = exts[rng.below(exts.len())];
        std::fs::write(dir.path().join(format!("p.{ext}")), &input).unwrap();
        std::fs::write(
            &talk,
            format!("{MINIMAL}organizer: {{name: O, logo: p.{ext}}}\n")
                .replace("name: Dr. A", &format!("name: Dr. A\n  photo: p.{ext}")),
        )
        .unwrap();
        if let Err(what) = caught(|| {
            if let Ok((e, origin)) = event::load_located(&talk) {
                let _ = talkposter::assets::prepare(&e, &origin, &cache);
            }
        }) {
            found.fail(&what, &input);
        }
        found.cases += 1;
    }
    found.report(started);
}

/// Font files in a `--font-path` folder: read into a font library, every
/// face parsed, in this process.
#[test]
#[ignore = "a long fuzzing run: benches/fuzz.sh fonts 10"]
fn fonts() {
    let seeds = seeds(&["tests/fonts"], &["ttf", "otf"]);
    let (mut rng, mut found, started) = (rng(), Findings::new("fonts"), Instant::now());
    let dir = tempfile::tempdir().unwrap();
    while started.elapsed() < budget() {
        let seed = rng.below(seeds.len());
        let input = mutate(&mut rng, &seeds[seed], &seeds);
        let ext = ["ttf", "otf", "ttc"][rng.below(3)];
        let _ = std::fs::remove_dir_all(dir.path().join("f"));
        std::fs::create_dir_all(dir.path().join("f")).unwrap();
        std::fs::write(dir.path().join("f").join(format!("x.{ext}")), &input).unwrap();
        if let Err(what) = caught(|| {
            let sources = talkposter::layout::fonts::FontSources { dirs: vec![dir.path().join("f")], system: false };
            if let Ok(library) = talkposter::layout::fonts::FontLibrary::new(&sources) {
                let _ = library.families();
                for i in 0..library.book().families().count() + 200 {
                    let _ = library.font(i);
                }
            }
        }) {
            found.fail(&what, &input);
        }
        found.cases += 1;
    }
    found.report(started);
}

/// Announcement templates: mutated from the built-in ones, written for a
/// real event, in this process (each runs under its fuel limit).
#[test]
#[ignore = "a long fuzzing run: benches/fuzz.sh announcements 10"]
fn announcements() {
    let seeds = seeds(&["templates"], &["md", "txt"]);
    let (mut rng, mut found, started) = (rng(), Findings::new("announcements"), Instant::now());
    let dir = tempfile::tempdir().unwrap();
    let e = event::load(&repo().join("events/2024-06-13-yilun-xu.yaml")).unwrap();
    while started.elapsed() < budget() {
        let seed = rng.below(seeds.len());
        let input = mutate(&mut rng, &seeds[seed], &seeds);
        let ext = ["md", "txt"][rng.below(2)];
        let path = dir.path().join(format!("a.{ext}"));
        std::fs::write(&path, &input).unwrap();
        if let Err(what) = caught(|| {
            if let Ok(a) = talkposter::outputs::announcement::Announcer::new(std::slice::from_ref(&path)) {
                for kind in
                    [talkposter::outputs::announcement::Kind::Text, talkposter::outputs::announcement::Kind::Markdown]
                {
                    let _ = a.write(kind, &e, Some(72));
                }
            }
        }) {
            found.fail(&what, &input);
        }
        found.cases += 1;
    }
    found.report(started);
}

/// What the binary said of a batch: a failure if it stopped other than
/// with 0 or 1, or said something stopped unexpectedly.
fn unexpected(o: &std::process::Output) -> Option<String> {
    let err = stderr(o);
    let code = o.status.code();
    if !matches!(code, Some(0) | Some(1)) {
        return Some(format!("exit {code:?}: {}", err.lines().last().unwrap_or("")));
    }
    err.lines()
        .find(|l| l.contains("unexpectedly") || l.contains("bug in talkposter") || l.contains("panicked"))
        .map(str::to_string)
}

/// The texts of every field, in both markups, through the binary: talks of
/// random and mutated text in batches of 24 (workers in parallel, each talk
/// under a time limit). The surface most users' input goes through.
#[test]
#[ignore = "a long fuzzing run: benches/fuzz.sh texts 60"]
fn texts() {
    let seeds = seeds(&["events", "tests/events", "tests/demanding"], &["yaml"]);
    let (mut rng, mut found, started) = (rng(), Findings::new("texts"), Instant::now());
    let layouts = ["flyer", "card", "screen"];
    while started.elapsed() < budget() {
        let dir = tempfile::tempdir().unwrap();
        let mut talks = Vec::new();
        for i in 0..24 {
            let texts: Vec<String> = (0..9)
                .map(|_| {
                    let seed = &seeds[rng.below(seeds.len())];
                    let piece = mutate(&mut rng, &seed[..seed.len().min(300)], &seeds);
                    let s = String::from_utf8_lossy(&piece).to_string();
                    s.chars().filter(|c| !c.is_control() || *c == '\n').take(400).collect()
                })
                .collect();
            let q: Vec<String> = texts.iter().map(|t| serde_json::to_string(t.trim()).unwrap()).collect();
            let markup = if rng.chance(0.3) { "typst" } else { "plain" };
            let yaml = format!(
                "title: {}\nsubtitle: {}\nkind: {}\nspeaker:\n  - {{name: {}, affiliation: {}, bio: {}}}\n  - {{name: Dr. B}}\nhost: {}\ntime: {{date: 2024-06-13, start: \"16:00\"}}\nplace: {}\nabstract: {}\nmarkup: {markup}\ntemplate: {}\n",
                q[0],
                q[1],
                q[2],
                q[3],
                q[4],
                q[5],
                q[6],
                q[7],
                q[8],
                layouts[rng.below(3)]
            );
            std::fs::write(dir.path().join(format!("t{i:02}.yaml")), &yaml).unwrap();
            talks.push(yaml);
        }
        let out = dir.path().join("out");
        let o = batch(&[s(dir.path()), "-o", s(&out), "--format", "pdf", "--time-limit", "20"]);
        if let Some(what) = unexpected(&o) {
            // Which talk: the one the message names, else all of them.
            let named = talks.iter().enumerate().find(|(i, _)| stderr(&o).contains(&format!("t{i:02}.yaml")));
            let input = named.map_or_else(|| talks.join("\n---\n"), |(_, t)| t.clone());
            found.fail(&what, input.as_bytes());
        }
        found.cases += 24;
    }
    found.report(started);
}

/// Custom Typst layouts, mutated from the built-in ones and the test
/// templates, through the binary with a short time limit.
#[test]
#[ignore = "a long fuzzing run: benches/fuzz.sh templates 10"]
fn templates() {
    let seeds = seeds(&["templates", "tests/templates"], &["typ"]);
    let (mut rng, mut found, started) = (rng(), Findings::new("templates"), Instant::now());
    let dir = tempfile::tempdir().unwrap();
    let lib = repo().join("templates/lib.typ");
    std::fs::create_dir_all(dir.path().join("talkposter")).unwrap();
    std::fs::copy(&lib, dir.path().join("talkposter/lib.typ")).unwrap();
    let event: PathBuf = repo().join("events/2024-06-13-yilun-xu.yaml");
    while started.elapsed() < budget() {
        let seed = rng.below(seeds.len());
        let input = mutate(&mut rng, &seeds[seed], &seeds);
        let layout = dir.path().join("mine.typ");
        std::fs::write(&layout, &input).unwrap();
        let out = dir.path().join("out");
        let o = render(&event, &out, &["--template", s(&layout), "--format", "pdf", "--time-limit", "10"]);
        if let Some(what) = unexpected(&o) {
            found.fail(&what, &input);
        }
        found.cases += 1;
    }
    found.report(started);
}

/// Schedule sheets and the files `import` reads: CSV, Excel workbooks (made
/// by `new --sheet` and mutated as bytes), calendar files and Indico
/// exports, read in this process.
#[test]
#[ignore = "a long fuzzing run: benches/fuzz.sh sheets 10"]
fn sheets() {
    use talkposter::sheet::{Kind, blank};
    let date = jiff::civil::date(2025, 3, 6);
    let workbook = blank::schedule(Kind::Xlsx, date).unwrap();
    let mut seeds = seeds(&["events/cfcs-term", "tests/imports"], &["csv", "ics", "json"]);
    seeds.push(blank::schedule(Kind::Csv, date).unwrap());
    seeds.push(workbook.clone());
    let (mut rng, mut found, started) = (rng(), Findings::new("sheets"), Instant::now());
    let dir = tempfile::tempdir().unwrap();
    while started.elapsed() < budget() {
        let seed = &seeds[rng.below(seeds.len())];
        let input = mutate(&mut rng, seed, &seeds);
        // Named for what the seed was: a mutated workbook is still an .xlsx.
        let name = match seed.get(..4) {
            Some(b"PK\x03\x04") => "s.xlsx",
            Some(b"BEGI") => "s.ics",
            Some([b'{', ..]) => "s.json",
            _ if rng.chance(0.2) => "s.tsv",
            _ => "s.csv",
        };
        let path = dir.path().join(name);
        std::fs::write(&path, &input).unwrap();
        if let Err(what) = caught(|| {
            if name.ends_with(".ics") || name.ends_with(".json") {
                let _ = talkposter::import::talks(&path);
            } else {
                let _ = talkposter::series::collect(std::slice::from_ref(&path), &Default::default());
            }
        }) {
            found.fail(&what, &input);
        }
        found.cases += 1;
    }
    found.report(started);
}
