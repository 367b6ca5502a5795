//! Where a poster's time goes: runs each stage of the pipeline over a folder
//! of talks on one thread and prints the mean milliseconds per talk of each
//! (`stage<TAB>ms` lines).
//! Used by benches/bench.sh:
//!   cargo run --release --example stage-times -- FOLDER [TEMPLATE]
//!
//! With `STAGE_TYPST=N` it also prints the N Typst scopes (its own timing
//! points: `iter (2)`, `linebreak_optimized`, ...) with the most time
//! inside the layout stage, as `typst<TAB>scope<TAB>ms per talk<TAB>calls
//! per talk` lines. Scopes nest, so their times overlap. With
//! `STAGE_LINES=N` it prints the N built-in layout lines whose function
//! calls take the most time (`line<TAB>file:line<TAB>ms per talk<TAB>calls
//! per talk`; calls nest too): where the measurements are. With `STAGE_EACH=1`
//! it also prints each talk's own milliseconds per stage, as `talk<TAB>stem`
//! then one column per stage (the first talk pays for what is built once).

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use talkposter::assets::{self, AssetCache};
use talkposter::event::TemplateRef;
use talkposter::layout::Layouter;
use talkposter::{contact_sheet, export, series, templates};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(folder) = args.next() else {
        eprintln!("usage: stage-times FOLDER [TEMPLATE.typ]");
        std::process::exit(2);
    };
    let template: Vec<TemplateRef> = args.next().map(|t| TemplateRef::File(PathBuf::from(t))).into_iter().collect();
    let typst_scopes: Option<usize> = std::env::var("STAGE_TYPST").ok().and_then(|n| n.parse().ok());
    let typst_lines: Option<usize> = std::env::var("STAGE_LINES").ok().and_then(|n| n.parse().ok());
    let timed = typst_scopes.is_some() || typst_lines.is_some();
    let each = std::env::var_os("STAGE_EACH").is_some();
    let layouter = Layouter::new(vec![]);
    let mut scopes = ScopeTotals::default();
    let talks = series::collect(&[PathBuf::from(folder)], &Default::default()).unwrap_or_else(|f| fail(&f));
    let n = talks.len() as u32;
    let stages = ["assets", "layout", "pdf", "png 150 ppi", "thumbnail"];
    let mut total = [Duration::ZERO; 5];
    for talk in talks {
        let stem = talk.stem;
        let before = total;
        let talk = talk.checked.unwrap_or_else(|f| fail(&f));
        // The first layout the talk asks for (the flyer unless it says).
        let template = templates::choose(&template, &talk.event.templates).remove(0);
        let mut clock = Instant::now();
        // The time since the last lap, added to stage `i` (none: not counted).
        let mut lap = |i: Option<usize>| {
            if let Some(i) = i {
                total[i] += clock.elapsed();
            }
            clock = Instant::now();
        };
        // A fresh cache: each talk pays for its own pictures, as a first run does.
        let assets = assets::prepare(&talk.event, &talk.origin, &AssetCache::default()).unwrap_or_else(|f| fail(&f));
        lap(Some(0));
        if timed {
            typst_timing::enable();
        }
        let doc = layouter.layout(&talk.event, &assets, &template).unwrap_or_else(|p| fail_with(&p)).document;
        lap(Some(1));
        if timed {
            typst_timing::disable();
            scopes.add_recorded();
            lap(None);
        }
        export::pdf(&doc, &talkposter::export::PdfStandards::default()).unwrap_or_else(|d| fail(&d.into()));
        lap(Some(2));
        let (_, drawn) = export::png_and_pixels(&doc, 150.0, None).unwrap_or_else(|d| fail(&d.into()));
        lap(Some(3));
        export::thumbnail(&doc, contact_sheet::THUMB_WIDTH, Some(&drawn)).unwrap_or_else(|d| fail(&d.into()));
        lap(Some(4));
        if each {
            let ms: Vec<String> =
                total.iter().zip(before).map(|(t, b)| format!("{:.1}", (*t - b).as_secs_f64() * 1000.0)).collect();
            println!("talk\t{stem}\t{}", ms.join("\t"));
        }
    }
    for (name, t) in stages.iter().zip(total) {
        println!("{name}\t{:.1}", (t / n).as_secs_f64() * 1000.0);
    }
    println!("all\t{:.1}", (total.iter().sum::<Duration>() / n).as_secs_f64() * 1000.0);
    if let Some(top) = typst_scopes {
        ScopeTotals::print("typst", &scopes.0, top, n);
    }
    if let Some(top) = typst_lines {
        ScopeTotals::print("line", &scopes.1, top, n);
    }
}

/// Time and calls per Typst timing scope, summed over talks (a scope inside
/// one of the same name, a block in a block, counts once: the outer one),
/// and per line of a built-in layout for function calls (each counted).
#[derive(Default)]
struct ScopeTotals(HashMap<String, (f64, u32)>, HashMap<String, (f64, u32)>);

/// The built-in layout file and line a Typst span points into.
#[derive(Default)]
struct Lines(HashMap<typst::syntax::FileId, Option<typst::syntax::Source>>);

impl Lines {
    fn of(&mut self, raw: std::num::NonZeroU64) -> (String, u32) {
        use typst::syntax::{Source, Span, SpanKind};
        let (id, number, byte) = match Span::from_raw(raw).get() {
            SpanKind::Number { id, num } => (id, Some(num), None),
            SpanKind::Range { id, range } => (id, None, Some(range.start)),
            SpanKind::Detached => return (String::new(), 0),
        };
        let path = id.vpath().get_with_slash().to_string();
        let source = self.0.entry(id).or_insert_with(|| {
            let text = templates::sources().into_iter().find(|(p, _)| *p == path)?.1;
            Some(Source::new(id, text.to_string()))
        });
        let Some(source) = source else { return (path, 0) };
        let byte = byte.or_else(|| source.range(number?, None).map(|r| r.start));
        let line = byte.and_then(|b| source.lines().byte_to_line(b)).map_or(0, |l| l as u32 + 1);
        (path, line)
    }
}

impl ScopeTotals {
    /// Adds the scopes recorded since the last call (and clears them).
    fn add_recorded(&mut self) {
        let mut json = Vec::new();
        let mut lines = Lines::default();
        typst_timing::export_json(&mut json, |raw| lines.of(raw)).expect("timings serialize");
        let events: Vec<serde_json::Value> = serde_json::from_slice(&json).expect("timings are JSON");
        let mut open: HashMap<String, Vec<f64>> = Default::default();
        let mut calls: Vec<f64> = Vec::new();
        for e in events {
            let (Some(name), Some(ph), Some(ts)) = (e["name"].as_str(), e["ph"].as_str(), e["ts"].as_f64()) else {
                continue;
            };
            if name == "func call" {
                if ph == "B" {
                    calls.push(ts);
                } else if let Some(start) = calls.pop()
                    && let (Some(file), Some(line)) = (e["args"]["file"].as_str(), e["args"]["line"].as_u64())
                {
                    let entry = self.1.entry(format!("{file}:{line}")).or_default();
                    entry.0 += ts - start;
                    entry.1 += 1;
                }
            }
            let starts = open.entry(name.to_string()).or_default();
            if ph == "B" {
                starts.push(ts);
            } else if let Some(start) = starts.pop()
                && starts.is_empty()
            {
                let entry = self.0.entry(name.to_string()).or_default();
                entry.0 += ts - start;
                entry.1 += 1;
            }
        }
    }

    fn print(label: &str, totals: &HashMap<String, (f64, u32)>, top: usize, talks: u32) {
        let mut rows: Vec<_> = totals.iter().collect();
        rows.sort_by(|a, b| b.1.0.total_cmp(&a.1.0));
        for (name, (micros, calls)) in rows.into_iter().take(top) {
            let per_talk = micros / 1000.0 / f64::from(talks);
            println!("{label}\t{name}\t{per_talk:.1}\t{:.1}", f64::from(*calls) / f64::from(talks));
        }
    }
}

fn fail(f: &talkposter::diag::Failure) -> ! {
    eprintln!("{f}");
    std::process::exit(1);
}

fn fail_with(problems: &[talkposter::layout::Problem]) -> ! {
    eprintln!("{problems:?}");
    std::process::exit(1);
}

// As in the talkposter binary (src/main.rs).
#[global_allocator]
static GLOBAL: talkposter::memory::CappedAlloc = talkposter::memory::CappedAlloc;
