//! The validated event: every value here has been checked, every path
//! resolved. Later stages never re-check. Pure data: it travels to the
//! worker process that lays the poster out (where each value was written
//! stays behind, in `Origin`).

use std::path::PathBuf;

use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};

use super::positions::KeyPath;
use super::texts::Texts;
pub use crate::text::Writing;
use crate::text::{Script, dominant_script, is_han, is_hangul, is_kana, writing_of};

/// A language a poster can be in (its headings and dates), and the keys of
/// a text written per language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Lang {
    En,
    /// Chinese in simplified characters.
    Zh,
    /// Chinese in traditional characters, with Taiwan's glyph forms.
    ZhHant,
    /// Chinese in traditional characters, with Hong Kong's glyph forms.
    ZhHk,
    Ja,
    Ko,
    De,
    Fr,
    Es,
    It,
    Pt,
    Ru,
    Ar,
    He,
    Fa,
    Ur,
    Hi,
    Bn,
    Th,
}

impl Lang {
    /// Every language, in the order a text's versions are shown after the
    /// poster's own.
    pub const ALL: [Lang; 19] = [
        Lang::En,
        Lang::Zh,
        Lang::ZhHant,
        Lang::ZhHk,
        Lang::Ja,
        Lang::Ko,
        Lang::De,
        Lang::Fr,
        Lang::Es,
        Lang::It,
        Lang::Pt,
        Lang::Ru,
        Lang::Ar,
        Lang::He,
        Lang::Fa,
        Lang::Ur,
        Lang::Hi,
        Lang::Bn,
        Lang::Th,
    ];

    /// The code written in event files (BCP 47).
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
            Lang::ZhHant => "zh-Hant",
            Lang::ZhHk => "zh-HK",
            Lang::Ja => "ja",
            Lang::Ko => "ko",
            Lang::De => "de",
            Lang::Fr => "fr",
            Lang::Es => "es",
            Lang::It => "it",
            Lang::Pt => "pt",
            Lang::Ru => "ru",
            Lang::Ar => "ar",
            Lang::He => "he",
            Lang::Fa => "fa",
            Lang::Ur => "ur",
            Lang::Hi => "hi",
            Lang::Bn => "bn",
            Lang::Th => "th",
        }
    }

    /// The codes accepted for the language besides `code()`, in any case:
    /// `zh-TW` for `zh-Hant`, `zh-CN` for `zh`.
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Lang::Zh => &["zh-hans", "zh-cn", "zh-sg"],
            Lang::ZhHant => &["zh-tw", "zh-hant-tw"],
            Lang::ZhHk => &["zh-hant-hk", "zh-mo"],
            _ => &[],
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        let code = code.trim().replace('_', "-").to_lowercase();
        Lang::ALL.into_iter().find(|l| l.code().to_lowercase() == code || l.aliases().contains(&code.as_str()))
    }

    /// Every code `from_code` takes, for messages and the schema.
    pub fn all_codes() -> Vec<&'static str> {
        Lang::ALL.into_iter().map(Lang::code).collect()
    }

    /// The code Typst sets text in: a language, and for Chinese a region
    /// (`zh-tw`), which chooses the glyph forms and the punctuation.
    pub fn typst(self) -> &'static str {
        match self {
            Lang::ZhHant => "zh-tw",
            Lang::ZhHk => "zh-hk",
            other => other.code(),
        }
    }

    pub fn writing(self) -> Writing {
        match self {
            Lang::En | Lang::De | Lang::Fr | Lang::Es | Lang::It | Lang::Pt => Writing::Latin,
            Lang::Ru => Writing::Cyrillic,
            Lang::Zh | Lang::ZhHant | Lang::ZhHk => Writing::Han,
            Lang::Ja => Writing::Kana,
            Lang::Ko => Writing::Hangul,
            Lang::Ar | Lang::Fa | Lang::Ur => Writing::Arabic,
            Lang::He => Writing::Hebrew,
            Lang::Hi => Writing::Devanagari,
            Lang::Bn => Writing::Bengali,
            Lang::Th => Writing::Thai,
        }
    }

    /// The right-to-left language text is mostly written in, if it is:
    /// Urdu or Persian by the letters only they use, else Arabic; Hebrew.
    pub fn right_to_left_of(s: &str) -> Option<Lang> {
        match crate::text::writing_of(s)? {
            Writing::Arabic if s.chars().any(|c| "ےںٹڈڑۂۓ".contains(c)) => Some(Lang::Ur),
            Writing::Arabic if s.chars().any(|c| "پچژگکی".contains(c)) => Some(Lang::Fa),
            Writing::Arabic => Some(Lang::Ar),
            Writing::Hebrew => Some(Lang::He),
            _ => None,
        }
    }

    /// The language Typst should set `s` in (its shaping, line breaking,
    /// hyphenation and direction): the language it was declared in, unless it
    /// is mostly in a script of another language (an Arabic name in an English
    /// poster is set as Arabic). A Typst code: `en`, `zh-tw`, `ta`.
    pub fn typst_for(self, s: &str) -> &'static str {
        let Some(dominant) = dominant_script(s) else { return self.typst() };
        if writing_of(s) == Some(self.writing()) || (dominant == Script::Han && self == Lang::Ja) {
            return self.typst();
        }
        match dominant {
            Script::Arabic => match self {
                Lang::Fa | Lang::Ur => self.typst(),
                _ => "ar",
            },
            Script::Hebrew => "he",
            Script::Devanagari => "hi",
            Script::Bengali => "bn",
            Script::Thai => "th",
            Script::Tamil => "ta",
            Script::Telugu => "te",
            Script::Kannada => "kn",
            Script::Malayalam => "ml",
            Script::Gujarati => "gu",
            Script::Gurmukhi => "pa",
            Script::Oriya => "or",
            Script::Sinhala => "si",
            Script::Armenian => "hy",
            Script::Georgian => "ka",
            Script::Ethiopic => "am",
            Script::Khmer => "km",
            Script::Lao => "lo",
            Script::Myanmar => "my",
            Script::Greek => "el",
            Script::Cyrillic => "ru",
            Script::Latin => "en",
            Script::Hangul => "ko",
            Script::Hiragana | Script::Katakana => "ja",
            _ => self.typst(),
        }
    }

    /// Written right to left.
    pub fn is_rtl(self) -> bool {
        matches!(self.writing(), Writing::Arabic | Writing::Hebrew)
    }

    /// Chinese in any of its forms.
    pub fn is_chinese(self) -> bool {
        self.writing() == Writing::Han
    }

    /// A language that says how Han characters in it are read: Japanese,
    /// or Chinese in one of its forms.
    pub fn reads_han(self) -> bool {
        matches!(self, Lang::Ja | Lang::ZhHant | Lang::ZhHk | Lang::Zh)
    }

    /// The language a text written once is in, as far as setting it goes:
    /// the poster's own language when it is in the poster's script (a
    /// German string in a German poster), else the language of its script
    /// (kana: Japanese; Hangul: Korean; Han: the event's Chinese or Japanese,
    /// see `Reading`; Arabic script: Arabic; Latin: English).
    pub fn detect(s: &str, reading: Reading) -> Lang {
        let main = reading.main;
        if s.chars().any(is_kana) {
            return Lang::Ja;
        }
        if s.chars().any(is_hangul) {
            return Lang::Ko;
        }
        if s.chars().any(is_han) {
            return reading.han;
        }
        let Some(writing) = crate::text::writing_of(s) else { return main };
        if main.writing() == writing {
            return main;
        }
        match writing {
            Writing::Cyrillic => Lang::Ru,
            Writing::Arabic => Lang::Ar,
            Writing::Hebrew => Lang::He,
            Writing::Devanagari => Lang::Hi,
            Writing::Bengali => Lang::Bn,
            Writing::Thai => Lang::Th,
            _ => Lang::En,
        }
    }
}

/// How an event's texts are read: its own language, and the language its
/// Han characters are set in. Han text alone cannot say whether it is
/// Chinese or Japanese, simplified or traditional: an event with kana
/// anywhere (or `language: ja`) is Japanese; one whose Chinese is in
/// traditional characters (or `language: zh-Hant`) is set in Taiwan's or
/// Hong Kong's forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reading {
    pub main: Lang,
    pub han: Lang,
}

impl Reading {
    pub fn of(e: &Event) -> Reading {
        let main = e.language;
        let han = match main {
            _ if main.reads_han() => main,
            _ if any_char(e, is_kana) => Lang::Ja,
            _ => {
                let chinese: String = strings_of(e).filter(|s| s.chars().any(is_han)).collect::<Vec<_>>().join("\n");
                if crate::text::is_traditional(&chinese) { Lang::ZhHant } else { Lang::Zh }
            }
        };
        Reading { main, han }
    }

    /// Whether reading `e` asks whether its Chinese is traditional (the
    /// tables for it take 20 ms to build): it has Han characters, and
    /// neither its language nor kana say how to read them.
    pub fn tells_chinese_apart(e: &Event) -> bool {
        !e.language.reads_han() && !any_char(e, is_kana) && any_char(e, is_han)
    }

    /// Texts read as written in `main` alone (no event around them).
    pub fn plain(main: Lang) -> Reading {
        Reading { main, han: if main.is_chinese() || main == Lang::Ja { main } else { Lang::Zh } }
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
    pub fn versions(&self, reading: Reading) -> Vec<(Lang, &str)> {
        match self {
            Text::Same(s) => vec![(Lang::detect(s, reading), s.as_str())],
            Text::Localized(all) => {
                let main = reading.main;
                let mut v: Vec<(Lang, &str)> = all.iter().map(|(l, s)| (*l, s.as_str())).collect();
                v.sort_by_key(|(l, _)| (*l != main, *l));
                v
            }
        }
    }

    /// The version in `lang` if there is one, else the first.
    pub fn pick(&self, lang: Lang) -> &str {
        match self {
            Text::Same(s) => s,
            Text::Localized(all) => {
                all.iter().find(|(l, _)| *l == lang).or(all.first()).map(|(_, s)| s.as_str()).unwrap_or("")
            }
        }
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Organizer {
    pub name: Text,
    pub logo: Option<PathBuf>,
    pub url: Option<String>,
    /// `#RRGGBB`, upper case.
    pub color: Option<String>,
    /// A font family for the built-in layouts (the institution's typeface).
    pub font: Option<String>,
}

/// Which layout draws the event (declared with the layouts).
pub use crate::templates::TemplateRef;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Event {
    pub title: Text,
    /// Subtitle, kind, place, abstract, note, series (see `texts`).
    pub texts: Texts<Text>,
    pub speakers: Vec<Speaker>,
    pub hosts: Vec<Host>,
    pub time: When,
    pub online: Option<Online>,
    pub registration: Option<String>,
    pub language: Lang,
    pub markup: Markup,
    /// Dates and times in Western digits (0–9) even where the poster's
    /// language writes its own (`digits: western`).
    pub western_digits: bool,
    pub organizer: Option<Organizer>,
    /// The layouts to draw it with (`template:`, one or a list); none: the
    /// default.
    pub templates: Vec<TemplateRef>,
    /// The paper (`paper:`), and the bleed and crop marks asked for on the
    /// command line.
    pub print: crate::print::Print,
}

/// Whether the event is in Chinese, Japanese or Korean, or has text in one
/// of them anywhere: its poster then uses the CJK fonts.
pub fn has_cjk(e: &Event) -> bool {
    e.language.reads_han() || e.language == Lang::Ko || any_char(e, |c| is_han(c) || is_kana(c) || is_hangul(c))
}

/// Every string of every text field of the event.
fn strings_of(e: &Event) -> impl Iterator<Item = &str> {
    text_fields(e).into_iter().flat_map(|(_, t)| t.strings())
}

/// Whether any text of the event has a character for which `pick` holds.
fn any_char(e: &Event, pick: impl Fn(char) -> bool) -> bool {
    strings_of(e).any(|s| s.chars().any(&pick))
}

/// Every text field of an event with its key path: for checks that look at
/// all text (missing glyphs, markup errors) and for tests.
pub fn text_fields(e: &Event) -> Vec<(KeyPath, &Text)> {
    let root = KeyPath::root();
    let mut out: Vec<(KeyPath, &Text)> = vec![(root.key("title"), &e.title)];
    out.extend(e.texts.given().map(|(key, _, t)| (root.key(key), t)));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_in_another_script_is_set_in_its_language() {
        assert_eq!(Lang::En.typst_for("Dr. Yilun Xu"), "en");
        assert_eq!(Lang::En.typst_for("مرحبا بالعالم"), "ar");
        assert_eq!(Lang::Fa.typst_for("دانشگاه تهران"), "fa");
        assert_eq!(Lang::En.typst_for("डॉ. अनन्या शर्मा (IIT)"), "hi");
        assert_eq!(Lang::En.typst_for("Prof. शर्मा (IIT Delhi)"), "en", "mostly Latin");
        assert_eq!(Lang::Zh.typst_for("静园五院204室"), "zh");
        assert_eq!(Lang::ZhHant.typst_for("國立臺灣大學"), "zh-tw");
        assert_eq!(Lang::Ja.typst_for("早稲田大学"), "ja");
        assert_eq!(Lang::En.typst_for("שלום"), "he");
        assert_eq!(Lang::En.typst_for("2024 · 16:00"), "en");
        assert_eq!(Lang::De.typst_for("Universität Duisburg-Essen"), "de");
        assert_eq!(Lang::De.typst_for("Москва"), "ru");
    }

    #[test]
    fn only_han_text_that_nothing_else_reads_asks_for_the_chinese_tables() {
        let talk = |language: &str, title: &str| {
            crate::event::from_yaml(&format!(
                "language: {language}\ntitle: {title}\nspeaker: Dr. A\ntime: {{date: 2024-06-13, start: '16:00'}}\nplace: P\n"
            ))
        };
        assert!(!Reading::tells_chinese_apart(&talk("en", "Diffusion models")));
        assert!(Reading::tells_chinese_apart(&talk("en", "{en: Diffusion, zh: 扩散模型}")));
        assert!(!Reading::tells_chinese_apart(&talk("zh", "扩散模型")), "Chinese says how");
        assert!(!Reading::tells_chinese_apart(&talk("en", "{en: Diffusion, ja: 拡散モデル}")), "kana: Japanese");
        let both = talk("en", "{en: Diffusion, zh: 臺灣語言學的新視野}");
        assert_eq!(Reading::of(&both).han, Lang::ZhHant);
        assert!(has_cjk(&both) && has_cjk(&talk("ko", "Diffusion")) && has_cjk(&talk("en", "확산 모델")));
        assert!(!has_cjk(&talk("en", "Diffusion models")) && !has_cjk(&talk("ar", "نماذج الانتشار")));
    }
}
