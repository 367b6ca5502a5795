//! The programme of a series: one A4 page listing every talk in date order
//! (day, time, title, speakers, place), in the organizer's colour, written
//! by `batch` as `programme.pdf` and `programme.png`. It is a Typst layout
//! like the posters (`templates/programme.typ`, or the user's own) and is
//! made in a worker. The list shrinks to fit, then takes two columns, then
//! continues on more pages; the result says how many.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;
use typst::foundations::{Array, Dict, IntoValue, Label, Selector, Str, Value};
use typst::introspection::Introspector;
use typst::utils::PicoStr;

use crate::assets::Picture;
use crate::diag::Diagnostic;
use crate::event::{Event, Lang, Markup, Reading, Text};
use crate::export;
use crate::layout::inputs::{DEFAULT_COLOR, dict, ink_color, on_color, picture, versions};
use crate::layout::{Layouter, Problem};
use crate::locale::dates;
use crate::locale::words::labels;
use crate::pipeline::Format;
use crate::text::join_lines;

/// The programme's file name, without extension: no talk may take it.
pub const NAME: &str = "programme";

/// What the programme is made from: the talks that could be read, in date
/// order, and the series' logo.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProgrammeJob {
    pub talks: Vec<Event>,
    pub logo: Option<Arc<Picture>>,
    pub template: crate::event::TemplateRef,
    /// PDF and/or PNG.
    pub formats: Vec<Format>,
    pub ppi: u32,
}

/// The programme's files, not yet written: `(file name, bytes)`.
#[derive(Debug, Serialize, Deserialize)]
pub struct Programme {
    pub files: Vec<(String, ByteBuf)>,
    pub pages: usize,
    /// Whether the list had to leave one column at the smallest size.
    pub continues: bool,
}

/// The language of the series: the one most of its talks are in.
fn main_language(talks: &[Event]) -> Lang {
    let count = |l: Lang| talks.iter().filter(|e| e.language == l).count();
    Lang::ALL.into_iter().max_by_key(|l| (count(*l), std::cmp::Reverse(*l))).unwrap_or(Lang::En)
}

/// The languages of the headings and days: the series', and those its name
/// is written in (`{zh: …, en: …}`).
fn languages(talks: &[Event], main: Lang) -> Vec<Lang> {
    let mut out = vec![main];
    if let Some(Text::Localized(versions)) = talks.iter().find_map(|e| e.texts.series.as_ref()) {
        out.extend(versions.iter().map(|(l, _)| *l).filter(|l| *l != main));
    }
    out
}

/// What every talk says alike (their organizer, their series), or none:
/// without a series file the programme does not borrow one talk's.
fn shared<'e, T: PartialEq>(talks: &'e [Event], get: impl Fn(&'e Event) -> Option<&'e T>) -> Option<&'e T> {
    let first = get(talks.first()?)?;
    talks.iter().all(|e| get(e) == Some(first)).then_some(first)
}

/// The day of a talk in a list: without the year, unless the talks span
/// more than one year (then a list in date order would read as shuffled).
fn day(lang: Lang, date: jiff::civil::Date, years: bool) -> String {
    if years { dates::day_with_year_in(lang, date) } else { dates::day_in(lang, date) }
}

/// Whether the talks fall in more than one calendar year.
fn spans_years(talks: &[Event]) -> bool {
    talks.windows(2).any(|w| w[0].time.date.year() != w[1].time.date.year())
}

/// The same words in several languages, as a text.
fn in_each(langs: &[Lang], word: impl Fn(Lang) -> String) -> Text {
    Text::Localized(langs.iter().map(|l| (*l, word(*l))).collect())
}

/// The layout's inputs: the series, its organizer and every talk.
pub fn inputs(job: &ProgrammeJob) -> Dict {
    let talks = &job.talks;
    let main = main_language(talks);
    let reading = Reading::plain(main);
    let langs = languages(talks, main);
    let organizer = shared(talks, |e| e.organizer.as_ref());
    let color = organizer.and_then(|o| o.color.clone()).unwrap_or_else(|| DEFAULT_COLOR.to_string());
    let series = shared(talks, |e| e.texts.series.as_ref());
    let years = spans_years(talks);
    let heading = in_each(&langs, |l| labels(l).programme.to_string());
    let term = match (talks.first(), talks.last()) {
        (Some(a), Some(b)) => Some(in_each(&langs, |l| dates::date_range_in(l, a.time.date, b.time.date))),
        _ => None,
    };
    let rows: Array = talks
        .iter()
        .map(|e| {
            let speakers: Array = e
                .speakers
                .iter()
                .map(|s| {
                    dict([
                        ("name", versions(&s.name, reading)),
                        ("affiliation", s.affiliation.as_ref().map_or(Value::None, |a| versions(a, reading))),
                    ])
                })
                .collect();
            dict([
                ("date", e.time.date.to_string().into_value()),
                ("day", versions(&in_each(&langs, |l| day(l, e.time.date, years)), reading)),
                ("time", dates::time_range_in(main, e.time.start, e.time.end).into_value()),
                ("title", versions(&e.title, reading)),
                ("speakers", Value::Array(speakers)),
                ("place", e.texts.place.as_ref().map_or(Value::None, |p| versions(p, reading))),
                ("markup", if e.markup == Markup::Typst { "typst" } else { "plain" }.into_value()),
            ])
        })
        .collect();
    let title = series.map_or_else(|| labels(main).programme.to_string(), |s| join_lines(s.pick(main)));
    let org = organizer.map_or(Value::None, |o| {
        dict([
            ("name", versions(&o.name, reading)),
            ("logo", job.logo.as_deref().map_or(Value::None, picture)),
            ("url", o.url.as_deref().map_or(Value::None, |u| u.into_value())),
        ])
    });
    let top = [
        ("language", main.code().into_value()),
        ("markup", "plain".into_value()),
        ("color", color.as_str().into_value()),
        ("on_color", on_color(&color).into_value()),
        ("ink_color", ink_color(&color).into_value()),
        ("font", organizer.and_then(|o| o.font.as_deref()).map_or(Value::None, |f| f.into_value())),
        ("organizer", org),
        ("kind", versions(&heading, reading)),
        ("heading", versions(&heading, reading)),
        ("series", series.map_or(Value::None, |s| versions(s, reading))),
        ("term", term.map_or(Value::Array(Array::new()), |t| versions(&t, reading))),
        ("meta", dict([("title", title.into_value())])),
        ("talks", Value::Array(rows)),
    ];
    top.into_iter().map(|(k, v)| (Str::from(k), v)).collect()
}

/// Lays the programme out and encodes it: the PDF with every page, a PNG
/// per page (`programme.png`, `programme-2.png`…).
pub fn produce(job: &ProgrammeJob, layouter: &Layouter) -> Result<Programme, Vec<Diagnostic>> {
    let brand = job.talks.iter().find_map(|e| e.organizer.as_ref()?.font.clone());
    let compiled = layouter.compile(&job.template, inputs(job), brand.as_deref())?;
    let doc = &compiled.document;
    let mut problems = Vec::new();
    for problem in crate::layout::check::check(doc) {
        match problem {
            Problem::Pages(_) => {}
            Problem::MissingGlyphs(chars) => problems.push(Diagnostic::new(format!(
                "the programme has characters no font can draw: {}",
                chars.iter().map(|c| format!("{c} (U+{:04X})", *c as u32)).collect::<Vec<_>>().join(", ")
            ))
            .help("they are in a talk's title, name or place; give `organizer.font` or `--font-path` a font that has them")),
            Problem::Other(d) => problems.push(d),
            other => problems.push(Diagnostic::new(format!("the programme could not be laid out: {other:?}"))),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let label = Label::new(PicoStr::intern("talkposter-programme-continues")).expect("a valid label");
    let continues = !doc.introspector().query(&Selector::Label(label)).is_empty();
    let alt = describe(job);
    let mut files = Vec::new();
    for format in &job.formats {
        match format {
            Format::Pdf => {
                let standards = match &job.template {
                    crate::event::TemplateRef::BuiltIn(_) => export::PdfStandards::default(),
                    crate::event::TemplateRef::File(_) => export::PdfStandards::none(),
                };
                files.push((format!("{NAME}.pdf"), ByteBuf::from(export::pdf(doc, &standards).map_err(|d| vec![d])?)))
            }
            Format::Png => {
                for (i, page) in doc.pages().iter().enumerate() {
                    let name = if i == 0 { format!("{NAME}.png") } else { format!("{NAME}-{}.png", i + 1) };
                    let png = export::png_page(page, job.ppi as f32, &alt).map_err(|d| vec![d])?;
                    files.push((name, ByteBuf::from(png)));
                }
            }
            _ => {}
        }
    }
    Ok(Programme { files, pages: doc.pages().len(), continues })
}

/// The alt text of the programme's image: the series, then each talk's day,
/// title and speakers.
pub fn describe(job: &ProgrammeJob) -> String {
    let main = main_language(&job.talks);
    let l = labels(main);
    let years = spans_years(&job.talks);
    let series = shared(&job.talks, |e| e.texts.series.as_ref()).map(|s| join_lines(s.pick(main)));
    let mut sentences = vec![match series {
        Some(s) => format!("{}{}{s}", l.programme, l.colon),
        None => l.programme.to_string(),
    }];
    for e in &job.talks {
        let names: Vec<&str> = e.speakers.iter().map(|s| s.name.pick(main)).collect();
        sentences.push(format!(
            "{} {}{}{}{}{}{}{}",
            day(main, e.time.date, years),
            dates::time_range_in(main, e.time.start, None),
            l.colon,
            l.quote_open,
            crate::markup::plain(&join_lines(e.title.pick(main)), e.markup),
            l.quote_close,
            l.open,
            names.join(l.comma) + l.close,
        ));
    }
    let mut text = sentences.join(l.stop);
    text.push_str(l.stop.trim_end());
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every key the programme's layout gets is described for those who
    /// write their own.
    #[test]
    fn every_key_the_programme_gets_is_in_docs_templates_md() {
        let yaml = "title: {en: T, zh: 题}\nspeaker: {name: Dr. A, affiliation: U}\ntime: {date: 2024-06-13, start: '16:00'}\nplace: P\nseries: {en: S, zh: 系列}\norganizer: {name: O, url: 'https://o.org', color: '#94070A'}\n";
        let job = ProgrammeJob {
            talks: vec![crate::event::from_yaml(yaml)],
            logo: None,
            template: crate::event::TemplateRef::BuiltIn(crate::templates::PROGRAMME.into()),
            formats: vec![Format::Pdf],
            ppi: 150,
        };
        let docs = include_str!("../docs/templates.md");
        let section = &docs[docs.find("## The programme").unwrap()..];
        let mut missing = Vec::new();
        for (key, value) in inputs(&job) {
            if !section.contains(&format!("`{key}`")) {
                missing.push(key.to_string());
            }
            if key.as_str() == "talks"
                && let Value::Array(talks) = value
                && let Some(Value::Dict(talk)) = talks.iter().next()
            {
                missing
                    .extend(talk.iter().map(|(k, _)| k.to_string()).filter(|k| !section.contains(&format!("`{k}`"))));
            }
        }
        assert!(missing.is_empty(), "not described in docs/templates.md: {missing:?}");
    }

    #[test]
    fn the_alt_text_lists_every_talk() {
        let talk = |d: &str, t: &str| {
            crate::event::from_yaml(&format!(
                "title: {t}\nspeaker: {{name: Dr. A}}\ntime: {{date: {d}, start: '16:00'}}\nplace: P\nseries: S\n"
            ))
        };
        let job = ProgrammeJob {
            talks: vec![talk("2024-06-13", "One"), talk("2024-06-20", "Two")],
            logo: None,
            template: crate::event::TemplateRef::BuiltIn(crate::templates::PROGRAMME.into()),
            formats: vec![Format::Png],
            ppi: 150,
        };
        assert_eq!(describe(&job), "Programme: S. Thu, Jun 13 16:00: “One” (Dr. A). Thu, Jun 20 16:00: “Two” (Dr. A).");
    }
}
