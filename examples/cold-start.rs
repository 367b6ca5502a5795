//! Where a cold render's first layout goes: the font library, the engine,
//! the first compile, and a second compile of the same talk (warm), each
//! timed once in a fresh process.
//!   cargo run --release --example cold-start -- EVENT.yaml

use std::time::Instant;

use talkposter::assets::{self, AssetCache};
use talkposter::layout::Layouter;
use talkposter::{series, templates};

fn main() {
    let path = std::env::args().nth(1).expect("usage: cold-start EVENT.yaml");
    let lap = |what: &str, t: &mut Instant| {
        println!("{what}\t{:.1}", t.elapsed().as_secs_f64() * 1000.0);
        *t = Instant::now();
    };
    let mut t = Instant::now();
    let talks = series::collect(&[path.into()], &Default::default()).expect("talk");
    let talk = talks.into_iter().next().expect("one talk").checked.expect("valid");
    lap("read and check", &mut t);
    let layouter = Layouter::new(vec![]);
    let _ = layouter.fonts(false);
    lap("font library", &mut t);
    layouter.prepare();
    lap("engine", &mut t);
    let assets = assets::prepare(&talk.event, &talk.origin, &AssetCache::default()).expect("assets");
    lap("assets", &mut t);
    let template = templates::choose(&[], &talk.event.templates).remove(0);
    let _ = layouter.layout(&talk.event, &assets, &template);
    lap("first layout", &mut t);
    let _ = layouter.layout(&talk.event, &assets, &template);
    lap("same layout again", &mut t);
}
