//! The event and series files as types, from which their JSON Schemas are
//! derived (`talkposter schema`, committed in `schema/`). With the schema an
//! editor completes keys, shows each key's description on hover and marks
//! mistakes as they are typed. talkposter itself checks files with
//! `validate` (which also resolves paths and gives located messages); tests
//! hold the two to the same keys and run every example event through both.
//!
//! What a schema cannot know is left to `validate`: a key given by the
//! series' `defaults:` is not required here, a date must exist in the
//! calendar, a file must be there.

use schemars::{JsonSchema, Schema, SchemaGenerator, generate::SchemaSettings};
use serde_json::Value;

/// Where the schemas are published beside the files `talkposter new` writes.
pub const EVENT_SCHEMA_FILE: &str = "event.schema.json";
pub const SERIES_SCHEMA_FILE: &str = "series.schema.json";

/// One talk (see docs/event-format.md).
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "talkposter event")]
pub struct EventFile {
    /// The talk's title: one string, or one per language ({en: …, zh: …}).
    pub title: TextValue,
    /// Subtitle, kind, place, abstract, note and series, declared in `texts`.
    #[serde(flatten)]
    pub texts: super::texts::Texts<TextValue>,
    /// Who speaks: a name, a speaker ({name, affiliation, photo, bio…}), or a list of them for a panel.
    pub speaker: OneOrMany<SpeakerValue>,
    /// Who chairs the talk: a text, or a list of them.
    pub host: Option<OneOrMany<TextValue>>,
    /// When: date (YYYY-MM-DD), start and end (16:00, 4pm, 16.00), timezone. The weekday is worked out from the date.
    pub time: TimeValue,
    /// A remote option: its url becomes a QR code captioned with the platform.
    pub online: Option<Online>,
    /// A sign-up link, https://… or mailto:…; becomes a QR code.
    #[schemars(regex(pattern = r"^(https?://\S+|mailto:\S+@\S+)$"))]
    pub registration: Option<String>,
    /// The poster's own language: its headings, which version of each text comes first. Default en.
    pub language: Option<LanguageCode>,
    /// plain (default): text prints exactly as typed. typst: text is Typst markup ($x^2$, *bold*).
    pub markup: Option<MarkupCode>,
    /// The digits of dates and times: `native`, as the poster's language
    /// writes them (the default: Persian ۱۶:۰۰, Bengali ১৬:০০), or `western`
    /// (16:00).
    pub digits: Option<DigitsCode>,
    /// Who runs the series (usually written once, in series.yaml's defaults).
    pub organizer: Option<Organizer>,
    /// The layout: flyer (default), card, story, portrait, screen, link,
    /// cover, thumb, or a .typ file next to this one; or a list of them, each
    /// drawn (the first named after the event file, the others with their
    /// layout's name added: talk-story.png).
    #[schemars(extend("examples" = ["flyer", "card", ["flyer", "story", "cover"]]))]
    pub template: Option<OneOrMany<String>>,
    /// The flyer's paper, in portrait: a4 (default), a3, a2, a1, a0, letter
    /// (US Letter) or tabloid (11 × 17 in). Each is composed for its size.
    #[schemars(
        regex(pattern = r"^(?:[aA][0-4]|[lL]etter|[tT]abloid|[uU][sS][ -]?(?:[lL]etter|[tT]abloid)|[lL]edger|11x17|8\.5x11)$"),
        extend("examples" = ["a4", "a3", "a1", "letter", "tabloid"])
    )]
    pub paper: Option<String>,
}

/// Text: one string printed in every version of the poster, or one per language.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum TextValue {
    Same(#[schemars(length(min = 1))] String),
    /// A number is printed as written (`place: 204`).
    Number(f64),
    PerLanguage(Box<PerLanguage>),
}

/// One version per language; the poster shows every version given.
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("minProperties" = 1))]
pub struct PerLanguage {
    /// English.
    pub en: Option<Scalar>,
    /// Chinese (simplified characters).
    pub zh: Option<Scalar>,
    /// Chinese (traditional characters, Taiwan).
    #[serde(rename = "zh-Hant")]
    pub zh_hant: Option<Scalar>,
    /// Chinese (traditional characters, Hong Kong).
    #[serde(rename = "zh-HK")]
    pub zh_hk: Option<Scalar>,
    /// Japanese.
    pub ja: Option<Scalar>,
    /// Korean.
    pub ko: Option<Scalar>,
    /// German.
    pub de: Option<Scalar>,
    /// French.
    pub fr: Option<Scalar>,
    /// Spanish.
    pub es: Option<Scalar>,
    /// Italian.
    pub it: Option<Scalar>,
    /// Portuguese.
    pub pt: Option<Scalar>,
    /// Russian.
    pub ru: Option<Scalar>,
    /// Arabic.
    pub ar: Option<Scalar>,
    /// Hebrew.
    pub he: Option<Scalar>,
    /// Persian.
    pub fa: Option<Scalar>,
    /// Urdu.
    pub ur: Option<Scalar>,
    /// Hindi.
    pub hi: Option<Scalar>,
    /// Bengali.
    pub bn: Option<Scalar>,
    /// Thai.
    pub th: Option<Scalar>,
}

/// One, or a list of at least one.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum OneOrMany<T> {
    One(T),
    Many(#[schemars(length(min = 1))] Vec<T>),
}

/// A speaker: just a name (speaker: Jane Doe), or their details.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum SpeakerValue {
    Name(#[schemars(length(min = 1))] String),
    Details(Box<Speaker>),
}

#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Speaker {
    /// The name as printed, titles included: Dr. Yilun Xu.
    pub name: TextValue,
    /// MIT & NVIDIA.
    pub affiliation: Option<TextValue>,
    /// A JPEG, PNG, WebP or SVG file, relative to this file; cut to a circle.
    pub photo: Option<String>,
    /// Where the face is, as fractions of width and height: [0.5, 0.3]. Default the centre.
    pub photo_focus: Option<[Fraction; 2]>,
    /// The biography: paragraphs separated by a blank line.
    pub bio: Option<TextValue>,
    /// A web page, printed under the biography.
    #[schemars(regex(pattern = r"^https?://\S+$"))]
    pub homepage: Option<String>,
}

/// A fraction from 0 to 1.
#[derive(JsonSchema)]
pub struct Fraction(#[schemars(range(min = 0.0, max = 1.0))] pub f64);

#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeValue {
    /// The day, YYYY-MM-DD: 2024-06-13.
    #[schemars(regex(pattern = r"^\d{4}-\d{1,2}-\d{1,2}$"))]
    pub date: String,
    /// When it starts: 16:00, 4pm, 4:30 PM, 16.00, 16h30, 16 Uhr, 下午4点, 午後4時, 오후 4시.
    pub start: Option<Clock>,
    /// When it ends, after the start. Calendar entries without it last 90 minutes.
    pub end: Option<Clock>,
    /// An IANA time-zone name (Asia/Shanghai, Europe/London), for calendar files. Without it, local time.
    #[schemars(extend("examples" = ["Asia/Shanghai", "America/New_York", "Europe/London"]))]
    pub timezone: Option<String>,
}

/// A time of day: 16:00 (24-hour), 4pm, 4:30 PM, 16.00, 16h30, 16 Uhr,
/// 下午4点, 午後4時, 오후 4시, in any script's digits (see `clock`).
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum Clock {
    Written(#[schemars(regex(pattern = super::clock::pattern()))] String),
    /// 16.00 written without quotes.
    Number(#[schemars(range(min = 0.0, max = 23.59))] f64),
}

#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Online {
    /// The meeting's web address; becomes a QR code.
    #[schemars(regex(pattern = r"^https?://\S+$"))]
    pub url: String,
    pub meeting_id: Option<Scalar>,
    pub passcode: Option<Scalar>,
    /// Zoom, Tencent Meeting…: the QR code's caption. Default Online.
    pub platform: Option<Scalar>,
}

/// A string, or a number written as one.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum Scalar {
    Text(String),
    Number(f64),
}

#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Organizer {
    /// The organizer's name: one string, or one per language. Printed in the header.
    pub name: TextValue,
    /// A logo file (SVG, PNG, JPEG or WebP), relative to the file it is written in.
    pub logo: Option<String>,
    /// The organizer's web address, printed in the footer.
    #[schemars(regex(pattern = r"^https?://\S+$"))]
    pub url: Option<String>,
    /// The accent colour, "#RRGGBB" (quoted: # starts a YAML comment).
    #[schemars(regex(pattern = r"^#[0-9A-Fa-f]{6}$"))]
    pub color: Option<String>,
    /// The institution's typeface for the built-in layouts (see talkposter fonts).
    pub font: Option<String>,
}

/// A poster language (BCP 47); `zh-TW` and `zh-CN` are taken too.
#[derive(JsonSchema)]
pub enum LanguageCode {
    #[serde(rename = "en")]
    En,
    #[serde(rename = "zh")]
    Zh,
    #[serde(rename = "zh-Hans")]
    ZhHans,
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "zh-Hant")]
    ZhHant,
    #[serde(rename = "zh-TW")]
    ZhTw,
    #[serde(rename = "zh-HK")]
    ZhHk,
    #[serde(rename = "ja")]
    Ja,
    #[serde(rename = "ko")]
    Ko,
    #[serde(rename = "de")]
    De,
    #[serde(rename = "fr")]
    Fr,
    #[serde(rename = "es")]
    Es,
    #[serde(rename = "it")]
    It,
    #[serde(rename = "pt")]
    Pt,
    #[serde(rename = "ru")]
    Ru,
    #[serde(rename = "ar")]
    Ar,
    #[serde(rename = "he")]
    He,
    #[serde(rename = "fa")]
    Fa,
    #[serde(rename = "ur")]
    Ur,
    #[serde(rename = "hi")]
    Hi,
    #[serde(rename = "bn")]
    Bn,
    #[serde(rename = "th")]
    Th,
}

#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum DigitsCode {
    Native,
    Western,
}

#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum MarkupCode {
    Plain,
    Typst,
}

/// A series file: its name, keys every talk shares, and optionally its talks.
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "talkposter series")]
pub struct SeriesFile {
    /// The series: {name: {zh: …, en: …}}.
    pub series: Option<SeriesName>,
    /// Keys merged under every talk (maps key by key; the talk wins). Paths are relative to this file.
    pub defaults: Option<Defaults>,
    /// The talks: file names (relative to this file), or talks written here. Without it, every other *.yaml in the folder is a talk.
    pub talks: Option<Vec<TalkEntry>>,
}

#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SeriesName {
    /// The series' name: one string, or one per language.
    pub name: TextValue,
}

/// Any keys of a talk, none required.
#[derive(JsonSchema)]
#[schemars(transform = nothing_required)]
pub struct Defaults(pub EventFile);

/// A talk of the series: its file, or the talk itself.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum TalkEntry {
    File(#[schemars(regex(pattern = r"\.ya?ml$"))] String),
    Inline(Box<EventFile>),
}

fn nothing_required(schema: &mut Schema) {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(map) => {
                map.remove("required");
                map.values_mut().for_each(strip);
            }
            Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    if let Some(map) = schema.as_object_mut() {
        map.remove("required");
        map.values_mut().for_each(strip);
    }
}

/// What schemars writes that does not fit an event file, taken out. No
/// value is `null` (an empty `key:` is an error), yet schemars allows it for
/// every optional key; `format: double` names a Rust type, not a format.
fn tidy(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types[0].clone();
                    map.insert("type".into(), only);
                }
            }
            if let Some(Value::Array(values)) = map.get_mut("enum") {
                values.retain(|v| !v.is_null());
            }
            if map.get("type").is_some_and(|t| t == "number" || t == "integer") {
                map.remove("format");
            }
            for key in ["anyOf", "oneOf"] {
                if let Some(Value::Array(options)) = map.get_mut(key) {
                    options.retain(|o| o.get("type").is_none_or(|t| t != "null"));
                    if options.len() == 1 {
                        let only = options.remove(0);
                        map.remove(key);
                        if let Value::Object(inner) = only {
                            for (k, v) in inner {
                                map.entry(k).or_insert(v);
                            }
                        }
                    }
                }
            }
            map.values_mut().for_each(tidy);
        }
        Value::Array(items) => items.iter_mut().for_each(tidy),
        _ => {}
    }
}

fn generator() -> SchemaGenerator {
    let mut settings = SchemaSettings::draft07();
    // Everything in one place: editors show a key's description where it is.
    settings.inline_subschemas = true;
    settings.into_generator()
}

fn finish(schema: Schema, id: &str) -> String {
    let mut value = schema.to_value();
    tidy(&mut value);
    if let Value::Object(map) = &mut value {
        map.insert("$id".into(), Value::String(format!("https://talkposter.invalid/schema/{id}")));
    }
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

/// The keys each map of an event file may hold, in the schema's
/// (alphabetical) order.
pub struct EventKeys {
    pub event: Vec<String>,
    pub speaker: Vec<String>,
    pub time: Vec<String>,
    pub online: Vec<String>,
    pub organizer: Vec<String>,
}

/// The keys each map of an event file may hold, from one pass over the
/// schema's types (not inlined, so each type is described once).
pub fn event_keys() -> EventKeys {
    let schema = SchemaSettings::draft07().into_generator().into_root_schema_for::<EventFile>();
    let keys = |v: Option<&Value>| -> Vec<String> {
        v.and_then(|v| v.get("properties"))
            .and_then(Value::as_object)
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default()
    };
    let defined = |name: &str| keys(schema.get("definitions").and_then(|d| d.get(name)));
    EventKeys {
        event: keys(Some(schema.as_value())),
        speaker: defined("Speaker"),
        time: defined("TimeValue"),
        online: defined("Online"),
        organizer: defined("Organizer"),
    }
}

/// The JSON Schema of an event file.
pub fn event_schema() -> String {
    finish(generator().into_root_schema_for::<EventFile>(), EVENT_SCHEMA_FILE)
}

/// The JSON Schema of a series file.
pub fn series_schema() -> String {
    finish(generator().into_root_schema_for::<SeriesFile>(), SERIES_SCHEMA_FILE)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The keys the schema lists at a level, sorted.
    fn keys(schema: &Value, path: &[&str]) -> Vec<String> {
        let mut at = schema;
        for key in path {
            at = &at["properties"][key];
            // A key that is one-or-many or one-of-several: the map among them.
            if let Some(options) = at.get("anyOf").and_then(Value::as_array) {
                at = options.iter().find(|o| o.get("properties").is_some()).unwrap_or(at);
            }
        }
        let mut out: Vec<String> = at["properties"].as_object().unwrap().keys().cloned().collect();
        out.sort();
        out
    }

    fn sorted(keys: &[&str]) -> Vec<String> {
        let mut out: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
        out.sort();
        out
    }

    /// Texts written per language take the poster languages' codes.
    #[test]
    fn the_schema_has_the_validators_keys() {
        let schema: Value = serde_json::from_str(&event_schema()).unwrap();
        assert_eq!(keys(&schema, &["title"]), sorted(&crate::event::Lang::all_codes()));
        let EventKeys { event, speaker, time, online, organizer } = event_keys();
        for list in [&event, &speaker, &time, &online, &organizer] {
            assert!(list.len() >= 4, "{list:?}");
        }
        assert!(event.contains(&"abstract".to_string()), "the optional texts are keys of the event");
        assert!(speaker.contains(&"bio".to_string()) && time.contains(&"date".to_string()));
        assert!(online.contains(&"url".to_string()) && organizer.contains(&"color".to_string()));
        let series: Value = serde_json::from_str(&series_schema()).unwrap();
        assert_eq!(keys(&series, &[]), sorted(crate::series::SERIES_KEYS));
        assert!(!series_schema().contains("\"required\": [\n        \"title\""), "defaults require nothing");
        assert!(!event_schema().contains("\"null\""));
    }
}
