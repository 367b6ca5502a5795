//! The event as the dictionary templates read from `sys.inputs`. Text goes in
//! as data, never as Typst source. The shape is documented in docs/templates.md.

use typst::foundations::{Array, Bytes, Dict, IntoValue, Str, Value};

use crate::assets::Picture;
use crate::event::dates;
use crate::event::{Event, Lang, Markup, Text, is_han, is_honorific};

/// Version of the data layout templates receive, for custom templates.
pub const SCHEMA: i64 = 1;

/// The default accent: the deep red of the CFCS posters.
pub const DEFAULT_COLOR: &str = "#94070A";

/// The files and codes the event needs, already prepared.
#[derive(Debug, Default)]
pub struct Assets {
    /// One per speaker, in order.
    pub photos: Vec<Option<Picture>>,
    pub logo: Option<Picture>,
    /// QR code (PNG, one pixel per module) for `online.url`.
    pub online_qr: Option<Vec<u8>>,
    /// QR code (PNG, one pixel per module) for `registration`.
    pub registration_qr: Option<Vec<u8>>,
}

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

/// A text as its versions `(lang:, text:)`, the main language first.
fn versions(t: &Text, main: Lang) -> Value {
    Value::Array(
        t.versions(main)
            .into_iter()
            .map(|(lang, s)| dict([("lang", string(lang.code())), ("text", string(&join_lines(s)))]))
            .collect::<Array>(),
    )
}

/// Long text as versions `(lang:, paragraphs:)`, split at blank lines.
fn long(t: &Text, main: Lang) -> Value {
    Value::Array(
        t.versions(main)
            .into_iter()
            .map(|(lang, s)| {
                let paras: Array = paragraphs(s).iter().map(|p| string(p)).collect();
                dict([("lang", string(lang.code())), ("paragraphs", Value::Array(paras))])
            })
            .collect::<Array>(),
    )
}

/// Splits at blank lines; the lines of a paragraph are joined.
pub fn paragraphs(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in s.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(join_lines(&current.join("\n")));
                current.clear();
            }
        } else {
            current.push(line.trim());
        }
    }
    if !current.is_empty() {
        out.push(join_lines(&current.join("\n")));
    }
    out
}

/// Joins hard-wrapped lines: with a space between Latin words, with nothing
/// between Chinese characters (a space there would show).
pub fn join_lines(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, line) in s.lines().map(str::trim).filter(|l| !l.is_empty()).enumerate() {
        if i > 0 {
            let prev = out.chars().last().unwrap_or(' ');
            let next = line.chars().next().unwrap_or(' ');
            if !(is_wide(prev) || is_wide(next)) {
                out.push(' ');
            }
        }
        out.push_str(line);
    }
    out
}

/// Han characters and full-width CJK punctuation.
fn is_wide(c: char) -> bool {
    is_han(c) || matches!(c as u32, 0x3000..=0x303F | 0xFF00..=0xFFEF)
}

struct Labels {
    abstract_: &'static str,
    biography: &'static str,
    host: &'static str,
    online: &'static str,
    meeting_id: &'static str,
    passcode: &'static str,
    registration: &'static str,
    homepage: &'static str,
    kind: &'static str,
}

fn labels(lang: Lang) -> Labels {
    match lang {
        Lang::En => Labels {
            abstract_: "Abstract",
            biography: "Biography",
            host: "Host",
            online: "Online",
            meeting_id: "Meeting ID",
            passcode: "Passcode",
            registration: "Register",
            homepage: "Homepage",
            kind: "Talk",
        },
        Lang::Zh => Labels {
            abstract_: "摘要",
            biography: "个人简介",
            host: "主持人",
            online: "线上参会",
            meeting_id: "会议号",
            passcode: "密码",
            registration: "报名",
            homepage: "个人主页",
            kind: "学术报告",
        },
    }
}

/// Initials for a monogram: `Dr. Yilun Xu` → `YX`; `王亦洲 教授` → `王`;
/// `Weijian Luo 博士` → `WL`. Titles and degrees are not part of a name.
pub fn initials(name: &str) -> String {
    // `Weijian Luo, PhD`: degrees after a comma are not part of the name.
    let name = name.split(',').next().unwrap_or(name);
    let words: Vec<&str> = name.split_whitespace().filter(|w| !is_honorific(w)).collect();
    let latin: Vec<&str> =
        words.iter().copied().filter(|w| w.chars().next().is_some_and(|c| c.is_alphabetic() && !is_han(c))).collect();
    if latin.is_empty() {
        // A Chinese name: its first character, the family name.
        return words.iter().flat_map(|w| w.chars()).find(|c| is_han(*c)).map(String::from).unwrap_or_default();
    }
    let mut out = String::new();
    for w in [latin.first(), latin.last()].into_iter().flatten().take(if latin.len() > 1 { 2 } else { 1 }) {
        out.extend(w.chars().next().map(|c| c.to_uppercase().to_string()));
    }
    out
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

fn picture(p: &Picture) -> Value {
    dict([("data", Bytes::new(p.bytes.clone()).into_value()), ("format", string(p.format))])
}

/// Fields whose text fills the flexible part of a layout, for overflow messages.
pub fn flexible_fields(e: &Event) -> Vec<String> {
    let mut out = Vec::new();
    if e.abstract_.is_some() {
        out.push("abstract".to_string());
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
    let l = labels(main);
    let color = e.organizer.as_ref().and_then(|o| o.color.clone()).unwrap_or_else(|| DEFAULT_COLOR.to_string());
    let kind = e.kind.clone().unwrap_or_else(|| Text::Same(l.kind.to_string()));

    let speakers: Array = e
        .speakers
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let photo = assets.photos.get(i).and_then(Option::as_ref);
            dict([
                ("name", versions(&s.name, main)),
                ("affiliation", opt(s.affiliation.as_ref(), |t| versions(t, main))),
                ("bio", opt(s.bio.as_ref(), |t| long(t, main))),
                ("homepage", opt(s.homepage.as_deref(), string)),
                ("photo", opt(photo, picture)),
                ("initials", string(&initials(s.name.pick(main)))),
            ])
        })
        .collect();

    let t = &e.time;
    let (zh, en) = (dates::when_zh(t), dates::when_en(t));
    // Both languages always; `versions` puts the main one first.
    let lines = Text::Localized { en: Some(en.clone()), zh: Some(zh.clone()) };
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
        ("lines", versions(&lines, main)),
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
            ("name", versions(&o.name, main)),
            ("logo", opt(assets.logo.as_ref(), picture)),
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
    // QR codes with a short caption: the platform's name, `Register` / `报名`.
    let mut qr = Array::new();
    // Modules across (quiet zone included): layouts size dense codes up.
    let modules = |png: &[u8]| image::load_from_memory(png).map_or(0, |i| i64::from(i.width())).into_value();
    if let (Some(o), Some(png)) = (&e.online, &assets.online_qr) {
        let caption = o.platform.as_deref().unwrap_or(l.online);
        qr.push(dict([
            ("caption", string(caption)),
            ("url", string(&o.url)),
            ("image", Bytes::new(png.clone()).into_value()),
            ("modules", modules(png)),
        ]));
    }
    if let (Some(url), Some(png)) = (&e.registration, &assets.registration_qr) {
        qr.push(dict([
            ("caption", string(l.registration)),
            ("url", string(url)),
            ("image", Bytes::new(png.clone()).into_value()),
            ("modules", modules(png)),
        ]));
    }

    let top = [
        ("schema", SCHEMA.into_value()),
        ("language", string(main.code())),
        ("markup", string(if e.markup == Markup::Typst { "typst" } else { "plain" })),
        ("color", string(&color)),
        ("on_color", string(on_color(&color))),
        ("ink_color", string(&ink_color(&color))),
        ("labels", labels),
        ("meta", meta),
        ("kind", versions(&kind, main)),
        ("title", versions(&e.title, main)),
        ("subtitle", opt(e.subtitle.as_ref(), |t| versions(t, main))),
        ("speakers", Value::Array(speakers)),
        ("hosts", Value::Array(e.hosts.iter().map(|h| versions(&h.name, main)).collect())),
        ("time", time),
        ("place", opt(e.place.as_ref(), |t| versions(t, main))),
        ("online", online.unwrap_or(Value::None)),
        ("registration", opt(e.registration.as_deref(), string)),
        ("abstract", opt(e.abstract_.as_ref(), |t| long(t, main))),
        ("note", opt(e.note.as_ref(), |t| versions(t, main))),
        ("series", opt(e.series.as_ref(), |t| versions(t, main))),
        ("organizer", organizer.unwrap_or(Value::None)),
        ("fit_fields", Value::Array(fit_fields)),
        ("qr", Value::Array(qr)),
    ];
    top.into_iter().map(|(k, v)| (Str::from(k), v)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_split_at_blank_lines_and_join_lines() {
        let s = "First line\nsecond line.\n\n  \nNext   paragraph.\n";
        assert_eq!(paragraphs(s), vec!["First line second line.", "Next   paragraph."]);
    }

    #[test]
    fn chinese_lines_join_without_space() {
        assert_eq!(join_lines("他的研究\n方向是生成模型。\nHe works"), "他的研究方向是生成模型。He works");
        assert_eq!(join_lines("diffusion\nmodels"), "diffusion models");
    }

    #[test]
    fn monogram_initials() {
        assert_eq!(initials("Dr. Yilun Xu"), "YX");
        assert_eq!(initials("Prof. Yang Song"), "YS");
        assert_eq!(initials("Weijian Luo, PhD"), "WL");
        assert_eq!(initials("王亦洲 教授"), "王");
        assert_eq!(initials("Plato"), "P");
        assert_eq!(initials("Weijian Luo 博士"), "WL");
        assert_eq!(initials("教授 李明"), "李");
    }

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
