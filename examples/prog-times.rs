// TEMPORARY: times the programme of a folder of talks.
use std::path::PathBuf;
use std::time::Instant;
use talkposter::event::TemplateRef;
use talkposter::layout::Layouter;
use talkposter::pipeline::Format;
use talkposter::programme::{self, ProgrammeJob};
use talkposter::series;

fn main() {
    let folder = std::env::args().nth(1).unwrap();
    let layouter = Layouter::new(vec![]);
    layouter.prepare();
    let talks = series::collect(&[PathBuf::from(folder)], &Default::default()).unwrap_or_else(|_| panic!());
    let mut events: Vec<_> = talks.into_iter().map(|t| t.checked.unwrap_or_else(|_| panic!()).event).collect();
    events.sort_by_key(|e| e.time.date);
    let fmts: Vec<Format> = std::env::var("FMTS").map(|v| if v == "pdf" { vec![Format::Pdf] } else { vec![] }).unwrap_or(vec![Format::Pdf, Format::Png]);
    let job = ProgrammeJob { talks: events, logo: None, template: TemplateRef::BuiltIn(talkposter::templates::PROGRAMME.into()), formats: fmts, ppi: 150 };
    for _ in 0..5 {
        typst::comemo::evict(0);
        let t = Instant::now();
        if std::env::var_os("TIMING").is_some() { typst_timing::clear(); typst_timing::enable(); }
        let p = match programme::produce(&job, &layouter) { Ok(p) => p, Err(e) => { eprintln!("{e:?}"); std::process::exit(1) } };
        if std::env::var_os("TIMING").is_some() {
            typst_timing::disable();
            let mut json = Vec::new();
            let mut lines = Lines::default(); typst_timing::export_json(&mut json, |raw| lines.of(raw)).unwrap();
            let events: Vec<serde_json::Value> = serde_json::from_slice(&json).unwrap();
            let mut m: std::collections::HashMap<String, (u32, f64)> = Default::default();
            let mut open: std::collections::HashMap<String, Vec<f64>> = Default::default();
            for e in events {
                let (Some(n), Some(ph), Some(ts)) = (e["name"].as_str(), e["ph"].as_str(), e["ts"].as_f64()) else { continue };
                let n = if n == "func call" { format!("call {}:{}", e["args"]["file"].as_str().unwrap_or(""), e["args"]["line"]) } else { n.to_string() };
                let n = n.as_str();
                let st = open.entry(n.to_string()).or_default();
                if n == "layout document" || n == "layout_columns" || n == "page run" { println!("  {n} {ph} {:.1}", ts / 1000.0); }
                if ph == "B" { st.push(ts); } else if let Some(s0) = st.pop() { if st.is_empty() { let x = m.entry(n.to_string()).or_default(); x.0 += 1; x.1 += ts - s0; } }
            }
            let mut v: Vec<_> = m.into_iter().collect(); v.sort_by(|a, b| b.1.1.total_cmp(&a.1.1));
            for (n, (c, t)) in v.iter().take(40) { println!("  {n}\t{c}\t{:.1}", t / 1000.0); }
        }
        println!("{:.1} ms pages {}", t.elapsed().as_secs_f64() * 1000.0, p.pages);
    }
}

#[derive(Default)]
struct Lines(std::collections::HashMap<typst::syntax::FileId, Option<typst::syntax::Source>>);
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
            let text = talkposter::templates::sources().into_iter().find(|(p, _)| *p == path)?.1;
            Some(Source::new(id, text.to_string()))
        });
        let Some(source) = source else { return (path, 0) };
        let byte = byte.or_else(|| source.range(number?, None).map(|r| r.start));
        let line = byte.and_then(|b| source.lines().byte_to_line(b)).map_or(0, |l| l as u32 + 1);
        (path, line)
    }
}
