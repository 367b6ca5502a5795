//! Where a poster's time goes: runs each stage of the pipeline over a folder
//! of talks on one thread and prints the mean milliseconds per talk of each
//! (`stage<TAB>ms` lines).
//! Used by benches/bench.sh:
//!   cargo run --release --example stage-times -- FOLDER [TEMPLATE]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use talkposter::event::TemplateRef;
use talkposter::{contact_sheet, export, pipeline, render::Renderer, series};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(folder) = args.next() else {
        eprintln!("usage: stage-times FOLDER [TEMPLATE.typ]");
        std::process::exit(2);
    };
    let template = args.next().map_or(TemplateRef::BuiltIn("flyer".into()), |t| TemplateRef::File(PathBuf::from(t)));
    let renderer = Renderer::new(vec![]);
    let talks = series::collect(&[PathBuf::from(folder)]).unwrap_or_else(|f| fail(&f));
    let n = talks.len() as u32;
    let stages = ["assets", "layout", "pdf", "png 150 ppi", "thumbnail"];
    let mut total = [Duration::ZERO; 5];
    for talk in talks {
        let event = talk.event.unwrap_or_else(|f| fail(&f));
        let mut clock = Instant::now();
        let mut lap = |i: usize| {
            total[i] += clock.elapsed();
            clock = Instant::now();
        };
        let assets = pipeline::prepare_assets(&event).unwrap_or_else(|f| fail(&f));
        lap(0);
        let doc = renderer.layout(&event, &assets, &template).unwrap_or_else(|f| fail(&f)).document;
        lap(1);
        export::pdf(&doc).unwrap_or_else(|d| fail(&d.into()));
        lap(2);
        export::png(&doc, 150.0).unwrap_or_else(|d| fail(&d.into()));
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
    eprintln!("{f:?}");
    std::process::exit(1);
}

// As in the talkposter binary (src/main.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
