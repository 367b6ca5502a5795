//! The validated event: every value here has been checked, every path
//! resolved. Later stages never re-check.

use std::path::PathBuf;
use std::sync::Arc;

use jiff::civil::{Date, Time};

use super::positions::{KeyPath, Positions};
use crate::diag::{Diagnostic, SourceText};

/// A language the layouts know how to set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    Zh,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    /// The language a plain string is written in: Chinese if it holds any Han
    /// character, else English. Only used to pick line breaking and fonts.
    pub fn detect(s: &str) -> Lang {
        if s.chars().any(is_han) { Lang::Zh } else { Lang::En }
    }
}

/// Titles and honorifics written with a name (`Dr.`, `Prof.`, `博士`, `教授`):
/// not part of the name for initials and file names.
pub fn is_honorific(word: &str) -> bool {
    const HONORIFICS: &[&str] = &[
        "dr",
        "prof",
        "professor",
        "mr",
        "ms",
        "mrs",
        "sir",
        "博士",
        "教授",
        "副教授",
        "研究员",
        "老师",
        "先生",
        "女士",
    ];
    HONORIFICS.contains(&word.trim_end_matches('.').to_lowercase().as_str())
}

pub fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

/// Text written once for every language, or per language.
#[derive(Debug, Clone, PartialEq)]
pub enum Text {
    Same(String),
    Localized { en: Option<String>, zh: Option<String> },
}

impl Text {
    /// Each version with its language, the poster's main language first.
    pub fn versions(&self, main: Lang) -> Vec<(Lang, &str)> {
        match self {
            Text::Same(s) => vec![(Lang::detect(s), s.as_str())],
            Text::Localized { en, zh } => {
                let mut v: Vec<(Lang, &str)> = Vec::new();
                if let Some(s) = en {
                    v.push((Lang::En, s));
                }
                if let Some(s) = zh {
                    v.push((Lang::Zh, s));
                }
                v.sort_by_key(|(l, _)| *l != main);
                v
            }
        }
    }

    /// The version in `lang` if there is one, else the first.
    pub fn pick(&self, lang: Lang) -> &str {
        let versions = self.versions(lang);
        versions.first().map(|(_, s)| *s).unwrap_or("")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Markup {
    Plain,
    Typst,
}

#[derive(Debug, Clone)]
pub struct Speaker {
    /// `speaker` or `speaker[i]`, as written.
    pub path: KeyPath,
    pub name: Text,
    pub affiliation: Option<Text>,
    pub photo: Option<PathBuf>,
    /// Where the face is in the photo, as fractions of width and height.
    pub photo_focus: Option<(f64, f64)>,
    pub bio: Option<Text>,

    pub homepage: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Host {
    /// `host` or `host[i]`, as written.
    pub path: KeyPath,
    pub name: Text,
}

#[derive(Debug, Clone)]
pub struct When {
    pub date: Date,
    pub start: Time,
    pub end: Option<Time>,
    /// IANA name, checked against the time-zone database.
    pub timezone: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Online {
    pub url: String,
    pub meeting_id: Option<String>,
    pub passcode: Option<String>,
    pub platform: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Organizer {
    pub name: Text,
    pub logo: Option<PathBuf>,
    pub url: Option<String>,
    /// `#RRGGBB`, upper case.
    pub color: Option<String>,
}

/// Which layout draws the event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateRef {
    BuiltIn(String),
    File(PathBuf),
}

#[derive(Debug, Clone)]
pub struct Event {
    pub title: Text,
    pub subtitle: Option<Text>,
    pub kind: Option<Text>,
    pub speakers: Vec<Speaker>,
    pub hosts: Vec<Host>,
    pub time: When,
    pub place: Option<Text>,
    pub online: Option<Online>,
    pub registration: Option<String>,
    pub abstract_: Option<Text>,
    pub note: Option<Text>,
    pub series: Option<Text>,
    pub language: Lang,
    pub markup: Markup,
    pub organizer: Option<Organizer>,
    pub template: Option<TemplateRef>,
    /// Where the event came from, to point later errors at their line.
    pub origin: Arc<Origin>,
}

/// Where an event's values were written: its own file, and for a talk in a
/// series also the series file's `defaults:` (or its `talks:` entry).
#[derive(Debug)]
pub struct Origin {
    /// Searched in order; the first layer is the talk's own text.
    pub layers: Vec<Layer>,
}

/// One file's share of an event: the event's key `k` stands at `prefix.k`.
#[derive(Debug)]
pub struct Layer {
    pub source: SourceText,
    pub positions: Positions,
    pub prefix: KeyPath,
}

impl Origin {
    /// An event read from one file.
    pub fn single(source: SourceText, positions: Positions) -> Self {
        Origin { layers: vec![Layer { source, positions, prefix: KeyPath::root() }] }
    }

    /// The file an event is named after (its first layer).
    pub fn file(&self) -> &std::path::Path {
        &self.layers[0].source.path
    }

    /// The layer and span where `path` (or its nearest written parent) stands.
    fn locate(&self, path: &KeyPath, key: bool) -> Option<(&Layer, std::ops::Range<usize>)> {
        let mut p = path.clone();
        loop {
            for layer in &self.layers {
                let full = layer.prefix.join(&p);
                let found = if key { layer.positions.key(&full) } else { layer.positions.value(&full) };
                if let Some(span) = found {
                    return Some((layer, span));
                }
            }
            p.0.pop()?;
        }
    }

    fn diagnostic(&self, path: &KeyPath, message: impl Into<String>, key: bool) -> Diagnostic {
        let d = Diagnostic::new(message);
        let d = if path.is_root() { d } else { d.key(path.to_string()) };
        match self.locate(path, key).or_else(|| self.locate(path, false)) {
            Some((layer, span)) => d.at(&layer.source, span),
            None => d.in_file(self.file()),
        }
    }

    /// An error about the value at `path`, pointing at its line.
    pub fn error(&self, path: &KeyPath, message: impl Into<String>) -> Diagnostic {
        self.diagnostic(path, message, false)
    }

    /// An error about the key itself (unknown key), pointing at the key.
    pub fn key_error(&self, path: &KeyPath, message: impl Into<String>) -> Diagnostic {
        self.diagnostic(path, message, true)
    }
}

/// Every text field of an event with its key path: for checks that look at
/// all text (missing glyphs, markup errors) and for tests.
pub fn text_fields(e: &Event) -> Vec<(KeyPath, &Text)> {
    let root = KeyPath::root();
    let mut out: Vec<(KeyPath, &Text)> = vec![(root.key("title"), &e.title)];
    for (key, t) in [
        ("subtitle", &e.subtitle),
        ("kind", &e.kind),
        ("place", &e.place),
        ("abstract", &e.abstract_),
        ("note", &e.note),
        ("series", &e.series),
    ] {
        if let Some(t) = t {
            out.push((root.key(key), t));
        }
    }
    for s in &e.speakers {
        let p = &s.path;
        out.push((p.key("name"), &s.name));
        if let Some(t) = &s.affiliation {
            out.push((p.key("affiliation"), t));
        }
        if let Some(t) = &s.bio {
            out.push((p.key("bio"), t));
        }
    }
    for h in &e.hosts {
        out.push((h.path.clone(), &h.name));
    }
    if let Some(o) = &e.organizer {
        out.push((root.key("organizer").key("name"), &o.name));
    }
    out
}
