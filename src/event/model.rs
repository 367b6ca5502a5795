//! The validated event: every value here has been checked, every path
//! resolved. Later stages never re-check. Pure data: it travels to the
//! worker process that lays the poster out (where each value was written
//! stays behind, in `Origin`).

use std::path::PathBuf;

use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};

use super::positions::KeyPath;
use crate::text::{is_han, is_hangul, is_kana};

/// A language a poster can be in (its headings and dates), and the keys of
/// a text written per language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Lang {
    En,
    Zh,
    Ja,
    Ko,
}

impl Lang {
    /// Every language, in the order a text's versions are shown after the
    /// poster's own.
    pub const ALL: [Lang; 4] = [Lang::En, Lang::Zh, Lang::Ja, Lang::Ko];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
            Lang::Ja => "ja",
            Lang::Ko => "ko",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == code)
    }

    /// The language a text written once is in, as far as setting it goes:
    /// Japanese if it has kana, Korean if it has Hangul, Chinese if it has
    /// Han characters (and neither), else English.
    pub fn detect(s: &str) -> Lang {
        if s.chars().any(is_kana) {
            Lang::Ja
        } else if s.chars().any(is_hangul) {
            Lang::Ko
        } else if s.chars().any(is_han) {
            Lang::Zh
        } else {
            Lang::En
        }
    }
}

/// Text written once for every language, or per language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Text {
    Same(String),
    /// At least one version; at most one per language, in `Lang::ALL` order.
    Localized(Vec<(Lang, String)>),
}

impl Text {
    /// Each version with its language, the poster's main language first.
    pub fn versions(&self, main: Lang) -> Vec<(Lang, &str)> {
        match self {
            Text::Same(s) => vec![(Lang::detect(s), s.as_str())],
            Text::Localized(all) => {
                let mut v: Vec<(Lang, &str)> = all.iter().map(|(l, s)| (*l, s.as_str())).collect();
                v.sort_by_key(|(l, _)| (*l != main, *l));
                v
            }
        }
    }

    /// The version in `lang` if there is one, else the first.
    pub fn pick(&self, lang: Lang) -> &str {
        let versions = self.versions(lang);
        versions.first().map(|(_, s)| *s).unwrap_or("")
    }

    /// Every string, in order.
    pub fn strings(&self) -> Vec<&str> {
        match self {
            Text::Same(s) => vec![s.as_str()],
            Text::Localized(all) => all.iter().map(|(_, s)| s.as_str()).collect(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Markup {
    Plain,
    Typst,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
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

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Host {
    /// `host` or `host[i]`, as written.
    pub path: KeyPath,
    pub name: Text,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct When {
    pub date: Date,
    pub start: Time,
    pub end: Option<Time>,
    /// IANA name, checked against the time-zone database.
    pub timezone: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Online {
    pub url: String,
    pub meeting_id: Option<String>,
    pub passcode: Option<String>,
    pub platform: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Organizer {
    pub name: Text,
    pub logo: Option<PathBuf>,
    pub url: Option<String>,
    /// `#RRGGBB`, upper case.
    pub color: Option<String>,
    /// A font family for the built-in layouts (the institution's typeface).
    pub font: Option<String>,
}

/// Which layout draws the event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TemplateRef {
    BuiltIn(String),
    File(PathBuf),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
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
