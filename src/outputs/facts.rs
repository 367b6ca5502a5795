//! The talk told in one language: what the announcement, the calendar entry
//! and the alt text say, from one place. Each language the event is written
//! in gets a version; the poster's own comes first and is complete, the
//! others repeat the title, names, time and place in their language and
//! give the long texts (abstract, biography) only where the event has them
//! in that language.

use serde::Serialize;

use crate::event::{Event, Lang, Shape, Text, Texts, Writing};
use crate::locale::dates;
use crate::locale::words::{Labels, labels, registration_text, text_languages};
use crate::markup::plain;
use crate::text::{join_lines, paragraphs};

#[derive(Debug, Clone, Serialize)]
pub struct Facts {
    /// `en`, `zh`, `ja` or `ko`.
    pub lang: &'static str,
    pub labels: Labels,
    pub title: String,
    /// The optional texts: kind (`Talk`, `学术报告` when not given), subtitle,
    /// place, abstract (paragraphs), note, series.
    #[serde(flatten)]
    pub texts: Texts<Told>,
    pub speakers: Vec<SpeakerFacts>,
    /// `Dr. Yilun Xu (MIT & NVIDIA)`, `Weijian Luo 博士（小红书 hi lab）`:
    /// every speaker with their affiliation.
    pub speaker_line: String,
    pub hosts: Vec<String>,
    /// `Thursday, June 13, 2024 · 16:00–17:30`
    pub when: String,
    pub timezone: Option<String>,
    pub online: Option<OnlineFacts>,
    pub registration: Option<Registration>,
    pub organizer: Option<String>,
    pub organizer_url: Option<String>,
}

/// An optional text as told: a line, or paragraphs.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Told {
    Line(String),
    Paragraphs(Vec<String>),
}

impl Told {
    /// The text on one line.
    pub fn line(&self) -> String {
        match self {
            Told::Line(s) => s.clone(),
            Told::Paragraphs(p) => p.join(" "),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SpeakerFacts {
    pub name: String,
    pub affiliation: Option<String>,
    /// Paragraphs.
    pub bio: Option<Vec<String>>,
    pub homepage: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OnlineFacts {
    pub url: String,
    /// `Zoom`, or the word for online (`Online`, `线上参会`).
    pub platform: String,
    pub meeting_id: Option<String>,
    pub passcode: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Registration {
    /// `https://…` or `mailto:…`, as written.
    pub link: String,
    /// What to print: the address, or the e-mail address alone.
    pub text: String,
    pub is_email: bool,
}

/// The talk in every language it is written in, the poster's own first.
pub fn every_language(e: &Event) -> Vec<Facts> {
    text_languages(e).into_iter().map(|lang| in_language(e, lang)).collect()
}

/// The talk in `lang`.
pub fn in_language(e: &Event, lang: Lang) -> Facts {
    let main = e.language;
    let l = labels(lang);
    // Typst markup told as the text a reader sees; text running the other
    // way from the announcement's language set apart with Unicode's
    // isolates, so a Latin name keeps its order in Arabic text (and an
    // Arabic one in English text).
    let seen = |s: &str| isolated(lang, plain(s, e.markup));
    let short = |t: &Text| seen(&join_lines(t.pick(lang)));
    // A long text is told in the poster's language, and in another only
    // where the event has it in that language.
    let long = |t: &Text| -> Option<Vec<String>> {
        let text = match t {
            _ if lang == main => Some(t.pick(main)),
            Text::Localized(versions) => {
                versions.iter().find(|(v, _)| *v == lang).map(|(_, s)| s.as_str()).filter(|s| *s != t.pick(main))
            }
            Text::Same(_) => None,
        };
        text.map(|s| paragraphs(s).iter().map(|p| seen(p)).collect())
    };
    let speakers: Vec<SpeakerFacts> = e
        .speakers
        .iter()
        .map(|s| SpeakerFacts {
            name: short(&s.name),
            affiliation: s.affiliation.as_ref().map(short),
            bio: s.bio.as_ref().and_then(long),
            homepage: s.homepage.clone(),
        })
        .collect();
    let mut texts = e.texts.map(|_, shape, t| match shape {
        Shape::Line => Some(Told::Line(short(t))),
        Shape::Paragraphs => long(t).map(Told::Paragraphs),
        // A closing remark is a sentence: told again only in its own language.
        Shape::Lines => long(t).map(|p| Told::Line(p.join(" "))),
    });
    texts.kind.get_or_insert_with(|| Told::Line(l.kind.to_string()));
    Facts {
        lang: lang.code(),
        labels: l,
        speaker_line: speaker_line(&speakers, &l),
        title: short(&e.title),
        texts,
        speakers,
        hosts: e.hosts.iter().map(|h| short(&h.name)).collect(),
        when: dates::with_digits(lang, dates::when_in(lang, &e.time), e.western_digits),
        timezone: e.time.timezone.clone(),
        online: e.online.as_ref().map(|o| OnlineFacts {
            url: o.url.clone(),
            platform: o.platform.clone().unwrap_or_else(|| l.online.to_string()),
            meeting_id: o.meeting_id.clone(),
            passcode: o.passcode.clone(),
        }),
        registration: e.registration.as_ref().map(|r| Registration {
            link: r.clone(),
            text: registration_text(r).to_string(),
            is_email: r.starts_with("mailto:"),
        }),
        organizer: e.organizer.as_ref().map(|o| short(&o.name)),
        organizer_url: e.organizer.as_ref().and_then(|o| o.url.clone()),
    }
}

/// `s` between first-strong and pop directional isolates (U+2068, U+2069)
/// when its direction is not the language's.
fn isolated(lang: Lang, s: String) -> String {
    let rtl = matches!(crate::text::writing_of(&s), Some(Writing::Arabic | Writing::Hebrew));
    if rtl != lang.is_rtl() && crate::text::writing_of(&s).is_some() { format!("\u{2068}{s}\u{2069}") } else { s }
}

fn speaker_line(speakers: &[SpeakerFacts], l: &Labels) -> String {
    let one = |s: &SpeakerFacts| match &s.affiliation {
        Some(a) => format!("{}{}{a}{}", s.name, l.open, l.close),
        None => s.name.clone(),
    };
    speakers.iter().map(one).collect::<Vec<_>>().join(l.comma)
}

impl Facts {
    /// What the event is: its kind, or the word for a talk.
    pub fn kind(&self) -> String {
        self.texts.kind.as_ref().map(Told::line).unwrap_or_default()
    }

    /// The place, or how to join when the talk is online only.
    pub fn place_line(&self) -> Option<String> {
        self.texts
            .place
            .as_ref()
            .map(Told::line)
            .or_else(|| self.online.as_ref().map(|o| format!("{} {}", o.platform, o.url)))
    }
}
