//! Debugging aid: lays a talk out with a built-in layout and writes the PNG
//! without the poster checks: `cargo run --release --example draw-unchecked
//! -- EVENT.yaml LAYOUT [PAPER] OUT.png`.
use talkposter::assets::{AssetCache, prepare};
use talkposter::event::TemplateRef;
use talkposter::layout::{Layouter, inputs};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let talks = talkposter::series::collect(&[std::path::PathBuf::from(&args[1])], &Default::default()).unwrap();
    let talk = talks.into_iter().next().unwrap().checked.unwrap();
    let mut event = talk.event.clone();
    if let Some(p) = args.get(3).and_then(|p| talkposter::print::Paper::from_name(p)) {
        event.print.paper = p;
    }
    let assets = prepare(&event, &talk.origin, &AssetCache::default()).unwrap();
    let layouter = Layouter::new(Vec::new());
    let template = if args[2].ends_with(".typ") {
        TemplateRef::File(std::fs::canonicalize(&args[2]).unwrap())
    } else {
        TemplateRef::BuiltIn(args[2].clone())
    };
    let doc = layouter.compile(&template, inputs::build(&event, &assets), None).unwrap().document;
    println!("{} pages", doc.pages().len());
    std::fs::write(args.last().unwrap(), talkposter::export::png(&doc, 60.0, None).unwrap()).unwrap();
}
