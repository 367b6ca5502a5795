//! The event as the dictionary templates read from `sys.inputs`. Text goes in
//! as data, never as Typst source. The shape is documented in docs/templates.md.

use typst::foundations::{Array, Bytes, Dict, IntoValue, Str, Value};

use crate::assets::{Assets, Picture, Qr};
use crate::event::{Event, Lang, Markup, Reading, Shape, Text};
use crate::locale::dates;
use crate::locale::words::{date_languages, labels, registration_text};
use crate::text::{cj_words, initials, join_lines, paragraphs};

/// Version of the data layout templates receive, for custom templates.
pub const SCHEMA: i64 = 1;

/// The default accent: the deep red of the CFCS posters.
pub const DEFAULT_COLOR: &str = "#94070A";

/// A Typst dictionary from `(key, value)` pairs.
pub fn dict<const N: usize>(entries: [(&str, Value); N]) -> Value {
    Value::Dict(entries.into_iter().map(|(k, v)| (Str::from(k), v)).collect::<Dict>())
}

fn opt<T>(x: Option<T>, f: impl FnOnce(T) -> Value) -> Value {
    x.map_or(Value::None, f)
}

fn string(s: &str) -> Value {
    s.into_value()
}

/// A text as its versions `(lang:, text:)`, the main language first. `lang`
/// is what Typst sets the version in: its declared language, unless it is
/// written in another script (an Arabic name is set as Arabic).
pub fn versions(t: &Text, reading: Reading) -> Value {
    versions_with(t, reading, join_lines)
}

/// Versions whose lines are made by `lines` (joined, or kept as typed).
fn versions_with(t: &Text, reading: Reading, lines: fn(&str) -> String) -> Value {
    Value::Array(
        t.versions(reading)
            .into_iter()
            .map(|(lang, s)| {
                let text = lines(s);
                let (code, region) = split_tag(lang.typst_for(&text));
                // Chinese and Japanese break between their words.
                let words = (matches!(code, "zh" | "ja"))
                    .then(|| Value::Array(cj_words(&text).into_iter().map(string).collect::<Array>()));
                dict([
                    ("lang", string(code)),
                    ("region", opt(region, string)),
                    ("text", string(&text)),
                    ("words", words.unwrap_or(Value::None)),
                ])
            })
            .collect::<Array>(),
    )
}

/// Long text as versions `(lang:, paragraphs:)`, split at blank lines.
fn long(t: &Text, reading: Reading) -> Value {
    Value::Array(
        t.versions(reading)
            .into_iter()
            .map(|(lang, s)| {
                let paras: Array = paragraphs(s).iter().map(|p| string(p)).collect();
                let (lang, region) = split_tag(lang.typst_for(s));
                dict([("lang", string(lang)), ("region", opt(region, string)), ("paragraphs", Value::Array(paras))])
            })
            .collect::<Array>(),
    )
}

/// A Typst language tag (`zh-tw`) as its language and region, as Typst's
/// `text(lang:, region:)` take them.
fn split_tag(tag: &str) -> (&str, Option<&str>) {
    match tag.split_once('-') {
        Some((lang, region)) => (lang, Some(region)),
        None => (tag, None),
    }
}

fn rgb(hex: &str) -> [f64; 3] {
    let c = |i: usize| u8::from_str_radix(hex.get(i..i + 2).unwrap_or("00"), 16).unwrap_or(0) as f64 / 255.0;
    [c(1), c(3), c(5)]
}

/// WCAG relative luminance.
fn luminance([r, g, b]: [f64; 3]) -> f64 {
    let lin = |v: f64| if v <= 0.03928 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) };
    0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

/// Text colour on the accent band: white or black, whichever contrasts more.
pub fn on_color(hex: &str) -> &'static str {
    let l = luminance(rgb(hex));
    // Contrast with white: 1.05 / (l + 0.05); with black: (l + 0.05) / 0.05.
    if 1.05 / (l + 0.05) >= (l + 0.05) / 0.05 { "#FFFFFF" } else { "#000000" }
}

/// The accent for text and icons on white: the colour itself when it is
/// dark enough to read (contrast 4.5:1, WCAG AA), else darkened until it is.
/// A yellow organizer colour stays yellow on the band, but headings turn ochre.
pub fn ink_color(hex: &str) -> String {
    let base = rgb(hex);
    let mut k = 1.0;
    let mut c = base;
    while 1.05 / (luminance(c) + 0.05) < 4.5 && k > 0.0 {
        k -= 0.02;
        c = base.map(|v| v * k);
    }
    let [r, g, b] = c.map(|v| (v * 255.0).round() as u8);
    format!("#{r:02X}{g:02X}{b:02X}")
}

pub fn picture(p: &Picture) -> Value {
    dict([("data", Bytes::new(p.bytes.clone()).into_value()), ("format", string(p.format.typst_name()))])
}

/// A QR code with its caption (the platform's name, `Register` / `报名`)
/// and its alternative text (what it opens).
fn qr_code(caption: &str, url: &str, qr: &Qr, alt: &str) -> Value {
    dict([
        ("caption", string(caption)),
        ("url", string(url)),
        ("image", Bytes::new(qr.png.clone()).into_value()),
        ("modules", i64::from(qr.modules).into_value()),
        ("alt", string(&alt.replace("{}", &format!("{caption}, {url}")))),
    ])
}

/// `pattern` (`Portrait of {}`) said of `who`.
fn said(pattern: &str, who: &str) -> String {
    pattern.replace("{}", who)
}

/// Fields whose text fills the flexible part of a layout, for overflow messages.
pub fn flexible_fields(e: &Event) -> Vec<String> {
    let mut out = Vec::new();
    for (key, shape, _) in e.texts.given() {
        if shape == Shape::Paragraphs {
            out.push(key.to_string());
        }
    }
    for s in &e.speakers {
        if s.bio.is_some() {
            out.push(s.path.key("bio").to_string());
        }
    }
    out
}

/// The whole event, ready for `sys.inputs`.
pub fn build(e: &Event, assets: &Assets) -> Dict {
    let main = e.language;
    let reading = Reading::of(e);
    let alt = crate::locale::alt_texts(main);
    let l = labels(main);
    let color = e.organizer.as_ref().and_then(|o| o.color.clone()).unwrap_or_else(|| DEFAULT_COLOR.to_string());

    let speakers: Array = e
        .speakers
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let photo = assets.photos.get(i).and_then(Option::as_deref);
            dict([
                ("name", versions(&s.name, reading)),
                ("affiliation", opt(s.affiliation.as_ref(), |t| versions(t, reading))),
                ("bio", opt(s.bio.as_ref(), |t| long(t, reading))),
                ("homepage", opt(s.homepage.as_deref(), string)),
                ("photo", opt(photo, picture)),
                ("photo_alt", string(&said(alt.portrait, &join_lines(s.name.pick(main))))),
                ("initials", string(&initials(s.name.pick(main)))),
            ])
        })
        .collect();

    let t = &e.time;
    let (zh, en) = (dates::when_in(Lang::Zh, t), dates::when_in(Lang::En, t));
    let when = |l: Lang| dates::with_digits(l, dates::when_in(l, t), e.western_digits);
    let lines = Text::Localized(date_languages(e).into_iter().map(|l| (l, when(l))).collect());
    let time = dict([
        ("date", string(&t.date.to_string())),
        ("year", (t.date.year() as i64).into_value()),
        ("month", (t.date.month() as i64).into_value()),
        ("day", (t.date.day() as i64).into_value()),
        ("weekday", (t.date.weekday().to_monday_one_offset() as i64).into_value()),
        ("start", string(&dates::hhmm(t.start))),
        ("end", opt(t.end, |x| string(&dates::hhmm(x)))),
        ("timezone", opt(t.timezone.as_deref(), string)),
        ("zh", string(&zh)),
        ("en", string(&en)),
        ("lines", versions(&lines, reading)),
    ]);

    let online = e.online.as_ref().map(|o| {
        dict([
            ("url", string(&o.url)),
            ("meeting_id", opt(o.meeting_id.as_deref(), string)),
            ("passcode", opt(o.passcode.as_deref(), string)),
            ("platform", opt(o.platform.as_deref(), string)),
        ])
    });
    let organizer = e.organizer.as_ref().map(|o| {
        dict([
            ("name", versions(&o.name, reading)),
            ("logo", opt(assets.logo.as_deref(), picture)),
            ("logo_alt", string(&said(alt.logo, &join_lines(o.name.pick(main))))),
            ("url", opt(o.url.as_deref(), string)),
        ])
    });
    let labels = dict([
        ("abstract", string(l.abstract_)),
        ("biography", string(l.biography)),
        ("host", string(l.host)),
        ("online", string(l.online)),
        ("meeting_id", string(l.meeting_id)),
        ("passcode", string(l.passcode)),
        ("registration", string(l.registration)),
        ("homepage", string(l.homepage)),
    ]);
    let authors: Array = e.speakers.iter().map(|s| string(s.name.pick(main))).collect();
    let meta = dict([("title", string(&join_lines(e.title.pick(main)))), ("authors", Value::Array(authors))]);
    let fit_fields: Array = flexible_fields(e).iter().map(|f| string(f)).collect();
    let mut qr = Array::new();
    if let (Some(o), Some(code)) = (&e.online, &assets.online_qr) {
        qr.push(qr_code(o.platform.as_deref().unwrap_or(l.online), &o.url, code, alt.qr));
    }
    if let (Some(url), Some(code)) = (&e.registration, &assets.registration_qr) {
        // An e-mail sign-up is captioned with the address it writes to.
        let caption = if url.starts_with("mailto:") { registration_text(url) } else { l.registration };
        qr.push(qr_code(caption, url, code, alt.qr));
    }

    let top = [
        ("schema", SCHEMA.into_value()),
        ("language", string(split_tag(main.typst()).0)),
        ("region", opt(split_tag(main.typst()).1, string)),
        ("markup", string(if e.markup == Markup::Typst { "typst" } else { "plain" })),
        ("color", string(&color)),
        ("on_color", string(on_color(&color))),
        ("ink_color", string(&ink_color(&color))),
        ("labels", labels),
        ("meta", meta),
        ("title", versions(&e.title, reading)),
        ("speakers", Value::Array(speakers)),
        ("hosts", Value::Array(e.hosts.iter().map(|h| versions(&h.name, reading)).collect())),
        ("time", time),
        ("online", online.unwrap_or(Value::None)),
        ("registration", opt(e.registration.as_deref(), |r| string(registration_text(r)))),
        ("registration_link", opt(e.registration.as_deref(), string)),
        ("font", opt(e.organizer.as_ref().and_then(|o| o.font.as_deref()), string)),
        ("organizer", organizer.unwrap_or(Value::None)),
        ("fit_fields", Value::Array(fit_fields)),
        ("qr", Value::Array(qr)),
        ("page", page(&e.print)),
    ];
    let mut inputs: Dict = top.into_iter().map(|(k, v)| (Str::from(k), v)).collect();
    for (key, shape, text) in e.texts.all() {
        inputs.insert(key.into(), opt(text, |t| shaped(t, shape, reading)));
    }
    if e.texts.kind.is_none() {
        inputs.insert("kind".into(), versions(&Text::Same(l.kind.to_string()), reading));
    }
    inputs
}

/// An optional text as its shape lays it out.
fn shaped(t: &Text, shape: Shape, reading: Reading) -> Value {
    match shape {
        Shape::Line => versions(t, reading),
        Shape::Paragraphs => long(t, reading),
        Shape::Lines => versions_with(t, reading, |s| paragraphs(s).join("\n")),
    }
}

/// The paper a print layout is composed for (see `print`): its trimmed
/// size, the type's scale and the boost of what is read from afar, and the
/// room drawn outside the trim (bleed, then the crop marks' room).
fn page(p: &crate::print::Print) -> Value {
    let mm = |x: f64| typst::layout::Length::from(typst::layout::Abs::mm(x)).into_value();
    let (width, height) = p.paper.size_mm();
    dict([
        ("paper", string(p.paper.name())),
        ("width", mm(width)),
        ("height", mm(height)),
        ("scale", p.paper.scale().into_value()),
        ("boost", p.paper.boost().into_value()),
        ("bleed", mm(p.bleed_mm)),
        ("marks", mm(if p.crop_marks { crate::print::MARKS_MM } else { 0.0 })),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn band_text_contrasts_with_the_colour() {
        assert_eq!(on_color("#94070A"), "#FFFFFF");
        assert_eq!(on_color("#FFD400"), "#000000");
        assert_eq!(on_color("#003366"), "#FFFFFF");
    }

    #[test]
    fn ink_colour_is_readable_on_white() {
        assert_eq!(ink_color("#94070A"), "#94070A", "dark colours stay");
        let ink = ink_color("#FFD400");
        let contrast = 1.05 / (luminance(rgb(&ink)) + 0.05);
        assert!((4.5..5.5).contains(&contrast), "{ink}: {contrast}");
    }
}

#[cfg(test)]
mod documented {
    use std::sync::Arc;

    use typst::foundations::{Dict, Value};

    use super::*;
    use crate::assets::{Picture, PictureFormat, qr};

    /// Every key of every dictionary in `value`, with where it was found.
    fn keys(value: &Value, at: &str, out: &mut Vec<(String, String)>) {
        match value {
            Value::Dict(d) => {
                for (k, v) in d.iter() {
                    out.push((k.to_string(), at.to_string()));
                    keys(v, &format!("{at}.{k}"), out);
                }
            }
            Value::Array(a) => a.iter().for_each(|v| keys(v, &format!("{at}[]"), out)),
            _ => {}
        }
    }

    #[test]
    fn every_key_the_layouts_get_is_in_docs_templates_md() {
        let yaml = "title: {en: T, zh: 题}\nsubtitle: S\nkind: Seminar\nspeaker:\n  name: Dr. A\n  affiliation: U\n  bio: B\n  homepage: https://a.org\nhost: H\ntime: {date: 2024-06-13, start: '16:00', end: '17:00', timezone: Asia/Shanghai}\nplace: P\nonline: {url: 'https://z.org/j/1', meeting_id: '1', passcode: '2', platform: Zoom}\nregistration: mailto:a@b.org\nabstract: A\nnote: N\nseries: S\norganizer: {name: O, url: 'https://o.org', color: '#94070A', font: Noto Sans}\n";
        let event = crate::event::from_yaml(yaml);
        let picture = Arc::new(Picture { bytes: vec![1], format: PictureFormat::Png, size: Some((1, 1)) });
        let assets = Assets {
            photos: vec![Some(picture.clone())],
            logo: Some(picture),
            online_qr: Some(qr::make("https://z.org/j/1").unwrap()),
            registration_qr: Some(qr::make("mailto:a@b.org").unwrap()),
        };
        let inputs: Dict = build(&event, &assets);
        let mut found = Vec::new();
        keys(&Value::Dict(inputs), "data", &mut found);
        let docs = include_str!("../../docs/templates.md");
        let missing: Vec<String> = found
            .iter()
            .filter(|(k, _)| !docs.contains(&format!("`{k}`")))
            .map(|(k, at)| format!("{at}.{k}"))
            .collect();
        assert!(missing.is_empty(), "keys not described in docs/templates.md: {missing:?}");
    }
}
