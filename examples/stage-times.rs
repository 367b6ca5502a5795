//! Where a poster's time goes: runs each stage of the pipeline over a folder
//! of talks on one thread and prints the mean milliseconds per talk of each
//! (`stage<TAB>ms` lines).
//! Used by benches/bench.sh:
//!   cargo run --release --example stage-times -- FOLDER [TEMPLATE]

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
    let layouter = Layouter::new(vec![]);
    let talks = series::collect(&[PathBuf::from(folder)], &Default::default()).unwrap_or_else(|f| fail(&f));
    let n = talks.len() as u32;
    let stages = ["assets", "layout", "pdf", "png 150 ppi", "thumbnail"];
    let mut total = [Duration::ZERO; 5];
    for talk in talks {
        let talk = talk.checked.unwrap_or_else(|f| fail(&f));
        // The first layout the talk asks for (the flyer unless it says).
        let template = templates::choose(&template, &talk.event.templates).remove(0);
        let mut clock = Instant::now();
        let mut lap = |i: usize| {
            total[i] += clock.elapsed();
            clock = Instant::now();
        };
        // A fresh cache: each talk pays for its own pictures, as a first run does.
        let assets = assets::prepare(&talk.event, &talk.origin, &AssetCache::default()).unwrap_or_else(|f| fail(&f));
        lap(0);
        let doc = layouter.layout(&talk.event, &assets, &template).unwrap_or_else(|p| fail_with(&p)).document;
        lap(1);
        export::pdf(&doc, &talkposter::export::PdfStandards::default()).unwrap_or_else(|d| fail(&d.into()));
        lap(2);
        export::png(&doc, 150.0, None).unwrap_or_else(|d| fail(&d.into()));
        lap(3);
        export::png_of_width(&doc, contact_sheet::THUMB_WIDTH).unwrap_or_else(|d| fail(&d.into()));
        lap(4);
    }
    for (name, t) in stages.iter().zip(total) {
        println!("{name}\t{:.1}", (t / n).as_secs_f64() * 1000.0);
    }
    println!("all\t{:.1}", (total.iter().sum::<Duration>() / n).as_secs_f64() * 1000.0);
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
