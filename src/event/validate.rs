//! From a YAML value to a checked `Event`. Every problem is collected (not
//! just the first), each with its key path, line and a suggestion.

use std::collections::BTreeMap;
use std::path::Path;

use jiff::civil::{Date, Time};
use serde_yaml::Value;

use super::clock;
use super::dates;
use super::model::*;
use super::origin::Origin;
use super::positions::KeyPath;
use super::texts::{self, Texts};
use crate::diag::{Diagnostic, Failure};
use crate::limits::{MAX_MARKS_PER_LETTER, MAX_REPORTED_PROBLEMS, MAX_TEXT_CHARS};
use crate::print::{Paper, Print};
use crate::suggest::nearest;
use crate::{files, templates};

/// The keys each map of an event may hold: the properties of the schema's
/// types in `format` (the event's optional texts come from `texts`), read
/// once, so the validator and the schema cannot disagree.
pub mod keys {
    use std::sync::OnceLock;

    use super::super::format::{EventKeys, event_keys};

    fn lists() -> &'static EventKeys {
        static LISTS: OnceLock<EventKeys> = OnceLock::new();
        LISTS.get_or_init(event_keys)
    }

    fn names(list: &'static [String]) -> Vec<&'static str> {
        list.iter().map(String::as_str).collect()
    }

    pub fn event() -> Vec<&'static str> {
        names(&lists().event)
    }
    pub fn speaker() -> Vec<&'static str> {
        names(&lists().speaker)
    }
    pub fn time() -> Vec<&'static str> {
        names(&lists().time)
    }
    pub fn online() -> Vec<&'static str> {
        names(&lists().online)
    }
    pub fn organizer() -> Vec<&'static str> {
        names(&lists().organizer)
    }
}

/// Checks `value` (the parsed event file) and builds the event. Relative
/// paths resolve against `base_dir`.
pub fn validate(value: &Value, origin: &Origin, base_dir: &Path) -> Result<Event, Failure> {
    let mut c = Check { origin, base_dir, errors: Vec::new(), untold: 0 };
    let root = KeyPath::root();
    match c.event(value, &root) {
        Some(e) if c.errors.is_empty() => Ok(e),
        _ => {
            if c.errors.is_empty() {
                c.errors.push(origin.error(&root, "the event could not be read"));
            }
            if c.untold > 0 {
                c.errors.push(
                    Diagnostic::new(format!("… and {} more problems in this file", c.untold))
                        .in_file(origin.file())
                        .help("fix the ones above first; each run shows the next"),
                );
            }
            Err(Failure(c.errors))
        }
    }
}

struct Check<'a> {
    origin: &'a Origin,
    base_dir: &'a Path,
    errors: Vec<Diagnostic>,
    /// Problems past `MAX_REPORTED_PROBLEMS`, counted but not described.
    untold: usize,
}

/// A mapping whose keys were all checked against the allowed set.
struct Fields<'v> {
    path: KeyPath,
    entries: BTreeMap<String, &'v Value>,
    /// Known keys that an unknown key was taken for (`plase` → `place`):
    /// their absence is already explained.
    misspelled: Vec<&'static str>,
}

impl<'v> Fields<'v> {
    /// The value of an optional key; `key:` with nothing after it counts as absent.
    fn get(&self, key: &str) -> Option<(&'v Value, KeyPath)> {
        match self.entries.get(key) {
            Some(Value::Null) | None => None,
            Some(v) => Some((*v, self.path.key(key))),
        }
    }

    fn has_key(&self, key: &str) -> bool {
        self.entries.contains_key(key)
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a map of keys",
        Value::Tagged(_) => "a tagged value",
    }
}

impl Check<'_> {
    /// Whether the next problem is only counted: enough are described.
    fn full(&mut self) -> bool {
        let full = self.errors.len() >= MAX_REPORTED_PROBLEMS;
        if full {
            self.untold += 1;
        }
        full
    }

    fn error(&mut self, path: &KeyPath, message: impl Into<String>, help: Option<String>) {
        if self.full() {
            return;
        }
        let mut d = self.origin.error(path, message);
        if let Some(h) = help {
            d = d.help(h);
        }
        self.errors.push(d);
    }

    fn event(&mut self, value: &Value, root: &KeyPath) -> Option<Event> {
        if value.is_null() {
            self.error(
                root,
                "the file is empty",
                Some("an event needs at least `title`, `speaker`, `time` and `place`".into()),
            );
            return None;
        }
        let f = self.fields(value, root, "the event", &keys::event())?;
        let title = self.required(&f, "title", |c, v, p| c.text(v, p));
        let speakers = self.required(&f, "speaker", |c, v, p| c.speakers(v, p));
        let hosts = self.optional(&f, "host", |c, v, p| c.hosts(v, p)).unwrap_or_default();
        let time = self.required(&f, "time", |c, v, p| c.when(v, p));
        let online = self.optional(&f, "online", |c, v, p| c.online(v, p));
        let mut texts: Texts<Text> = Texts::default();
        for (key, _) in texts::KEYS {
            let text = self.optional(&f, key, |c, v, p| c.text(v, p));
            if let Some(slot) = texts.slot(key) {
                *slot = text;
            }
        }
        // A place given but wrong was reported when it was read, above.
        if online.is_none() && f.get("online").is_none() && f.get("place").is_none() {
            self.missing(&f, "place", "or give `online: {url: …}` for a remote talk");
        }
        let registration = self.optional(&f, "registration", |c, v, p| c.registration(v, p));
        // Without `language:`, a poster whose title and abstract are in a
        // right-to-left script is set right to left, in that language.
        let language = self.optional(&f, "language", |c, v, p| c.language(v, p)).unwrap_or_else(|| {
            let main: Vec<&str> =
                [title.as_ref(), texts.abstract_.as_ref()].into_iter().flatten().flat_map(|t| t.strings()).collect();
            Lang::right_to_left_of(&main.join("\n")).unwrap_or(Lang::En)
        });
        let markup = self
            .optional(&f, "markup", |c, v, p| {
                c.choice(v, p, &["plain", "typst"]).map(|s| if s == "typst" { Markup::Typst } else { Markup::Plain })
            })
            .unwrap_or(Markup::Plain);
        let western_digits = self
            .optional(&f, "digits", |c, v, p| c.choice(v, p, &["native", "western"]).map(|s| s == "western"))
            .unwrap_or(false);
        let organizer = self.optional(&f, "organizer", |c, v, p| c.organizer(v, p));
        let templates = self
            .optional(&f, "template", |c, v, p| c.one_or_many(v, p, |c, v, p| c.template(v, p)))
            .unwrap_or_default();
        let paper = self.optional(&f, "paper", |c, v, p| c.paper(v, p)).unwrap_or_default();
        Some(Event {
            title: title?,
            texts,
            speakers: speakers?,
            hosts,
            time: time?,
            online,
            registration,
            language,
            markup,
            western_digits,
            organizer,
            templates,
            print: Print { paper, ..Print::default() },
        })
    }

    fn required<T>(
        &mut self,
        f: &Fields,
        key: &str,
        read: impl FnOnce(&mut Self, &Value, &KeyPath) -> Option<T>,
    ) -> Option<T> {
        match f.get(key) {
            Some((v, p)) => read(self, v, &p),
            None => {
                self.missing(f, key, "");
                None
            }
        }
    }

    /// Reports the required `key` of `f` as missing or empty (`extra`: more
    /// help after the example), unless it is there under a misspelt name
    /// (that was reported with the unknown keys).
    fn missing(&mut self, f: &Fields, key: &str, extra: &str) {
        if f.misspelled.contains(&key) {
            return;
        }
        let path = f.path.key(key);
        let (mut d, verb) = if f.has_key(key) {
            (self.origin.error(&path, "is empty"), "write it")
        } else {
            let d = self.origin.error(&f.path, format!("the required key `{key}` is missing"));
            (d.key(path.to_string()), "add it")
        };
        if let Some(ex) = example_for(&path.to_string()) {
            let extra = if extra.is_empty() { String::new() } else { format!(", {extra}") };
            d = d.help(format!("{verb}, e.g. `{ex}`{extra}"));
        }
        if !self.full() {
            self.errors.push(d);
        }
    }

    fn optional<T>(
        &mut self,
        f: &Fields,
        key: &str,
        read: impl FnOnce(&mut Self, &Value, &KeyPath) -> Option<T>,
    ) -> Option<T> {
        let (v, p) = f.get(key)?;
        read(self, v, &p)
    }

    /// Checks that `v` is a mapping with string keys drawn from `allowed`.
    fn fields<'v>(&mut self, v: &'v Value, path: &KeyPath, what: &str, allowed: &[&'static str]) -> Option<Fields<'v>> {
        let Value::Mapping(map) = v else {
            let help = example_for(&path.to_string()).map(|ex| format!("write it like `{ex}`"));
            self.error(path, format!("{what} should be a map of keys, not {}", type_name(v)), help);
            return None;
        };
        // Unknown keys are reported and the known ones still checked, so one
        // run shows every problem.
        let mut entries = BTreeMap::new();
        let mut misspelled = Vec::new();
        for (k, val) in map {
            let Some(key) = k.as_str() else {
                self.error(path, format!("keys must be words, not {}", type_name(k)), None);
                continue;
            };
            if !allowed.contains(&key) {
                // Past the problems described, only counted: no suggestion
                // is worked out (the cost of a file of 100,000 keys).
                if self.full() {
                    continue;
                }
                misspelled.extend(nearest(key, allowed));
                let key_path = path.key(key);
                let mut d = self.origin.key_error(&key_path, format!("unknown key `{key}`"));
                d.key = Some(key_path.to_string());
                d = d.help(suggest_key(key, path, allowed));
                self.errors.push(d);
                continue;
            }
            entries.insert(key.to_string(), val);
        }
        Some(Fields { path: path.clone(), entries, misspelled })
    }

    /// Text: a string (numbers are taken as written), or `{en: …, zh: …}`.
    fn text(&mut self, v: &Value, path: &KeyPath) -> Option<Text> {
        match v {
            Value::Mapping(_) => {
                let f = self.fields(v, path, "text in several languages", &Lang::all_codes())?;
                let versions: Vec<(Lang, String)> = Lang::ALL
                    .into_iter()
                    .filter_map(|lang| Some((lang, self.optional(&f, lang.code(), |c, v, p| c.string(v, p))?)))
                    .collect();
                if versions.is_empty() {
                    if f.entries.is_empty() {
                        self.error(path, "is empty", Some("write the text, or `{en: …, zh: …}`".into()));
                    }
                    return None;
                }
                Some(Text::Localized(versions))
            }
            _ => self.string(v, path).map(Text::Same),
        }
    }

    /// A non-empty single string; numbers are accepted as written.
    fn string(&mut self, v: &Value, path: &KeyPath) -> Option<String> {
        let s = match v {
            Value::String(s) => s.trim().to_string(),
            Value::Number(n) => n.to_string(),
            Value::Sequence(_) => {
                self.error(
                    path,
                    "should be text, not a list",
                    Some("write one string; for two languages write `{en: …, zh: …}`".into()),
                );
                return None;
            }
            other => {
                self.error(
                    path,
                    format!("should be text, not {}", type_name(other)),
                    Some("put the text in quotes".into()),
                );
                return None;
            }
        };
        if s.is_empty() {
            self.error(path, "is empty", Some("write the text, or remove the key".into()));
            return None;
        }
        if s.len() > MAX_TEXT_CHARS && s.chars().count() > MAX_TEXT_CHARS {
            self.error(
                path,
                format!("is {} characters long, over the limit of {MAX_TEXT_CHARS} for one text", s.chars().count()),
                Some("a poster holds about 550 words (some 4,000 characters): shorten it to that".into()),
            );
            return None;
        }
        // Marks stacked by the thousand on one letter ("Zalgo" text) cost
        // the layout gigabytes: refused here, at their field.
        let mut run = 0usize;
        let most = s.chars().map(|c| {
            run = if unicode_normalization::char::is_combining_mark(c) { run + 1 } else { 0 };
            run
        });
        if let Some(n) = most.max().filter(|&n| n > MAX_MARKS_PER_LETTER) {
            self.error(
                path,
                format!("has a letter carrying {n} combining marks (accents, signs); at most {MAX_MARKS_PER_LETTER} are printed"),
                Some("remove the stacked marks: no script writes that many on one letter".into()),
            );
            return None;
        }
        // A control character (NUL, an escape sequence) prints nothing and
        // would travel raw into calendars, announcements and terminals.
        if let Some(c) = s.chars().find(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r')) {
            self.error(
                path,
                format!("holds a control character (U+{:04X}) that cannot be printed", c as u32),
                Some("remove it (it often comes with text copied from a terminal or a binary file)".into()),
            );
            return None;
        }
        Some(s)
    }

    fn choice(&mut self, v: &Value, path: &KeyPath, options: &[&str]) -> Option<String> {
        let s = self.string(v, path)?;
        if options.contains(&s.as_str()) {
            return Some(s);
        }
        let lower = s.to_lowercase();
        let help = match options.iter().find(|o| **o == lower) {
            Some(o) => format!("write `{o}` (lower case)"),
            None => format!("use one of: {}", options.join(", ")),
        };
        self.error(path, format!("`{s}` is not a known value"), Some(help));
        None
    }

    /// A paper size, by any of its usual names (`A4`, `US Letter`).
    fn paper(&mut self, v: &Value, path: &KeyPath) -> Option<Paper> {
        let s = self.string(v, path)?;
        let paper = Paper::from_name(&s);
        if paper.is_none() {
            let names: Vec<&str> = Paper::ALL.iter().map(|p| p.name()).collect();
            let help = format!("use one of: {} (portrait; 11 × 17 in is `tabloid`)", names.join(", "));
            self.error(path, format!("`{s}` is not a paper size talkposter knows"), Some(help));
        }
        paper
    }

    /// A poster language: its code, or another name for it (`zh-TW`).
    fn language(&mut self, v: &Value, path: &KeyPath) -> Option<Lang> {
        let s = self.string(v, path)?;
        if let Some(lang) = Lang::from_code(&s) {
            return Some(lang);
        }
        let primary = s.split(['-', '_']).next().unwrap_or("").to_lowercase();
        let help = match Lang::ALL
            .into_iter()
            .filter(|l| l.code().starts_with(&primary) && !primary.is_empty())
            .map(Lang::code)
            .collect::<Vec<_>>()
        {
            close if !close.is_empty() => {
                format!("did you mean {}?", close.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(" or "))
            }
            _ => format!("use one of: {}", Lang::all_codes().join(", ")),
        };
        self.error(path, format!("`{s}` is not a language talkposter knows"), Some(help));
        None
    }

    /// One value or a list of them (several speakers, several hosts).
    fn one_or_many<T>(
        &mut self,
        v: &Value,
        path: &KeyPath,
        read: impl Fn(&mut Self, &Value, &KeyPath) -> Option<T>,
    ) -> Option<Vec<T>> {
        match v {
            Value::Sequence(items) => {
                if items.is_empty() {
                    self.error(path, "the list is empty", Some("give at least one entry, or remove the key".into()));
                    return None;
                }
                let read_all: Vec<Option<T>> =
                    items.iter().enumerate().map(|(i, item)| read(self, item, &path.index(i))).collect();
                read_all.into_iter().collect()
            }
            _ => read(self, v, path).map(|x| vec![x]),
        }
    }

    fn speakers(&mut self, v: &Value, path: &KeyPath) -> Option<Vec<Speaker>> {
        self.one_or_many(v, path, |c, v, p| c.speaker(v, p))
    }

    fn speaker(&mut self, v: &Value, path: &KeyPath) -> Option<Speaker> {
        // `speaker: Jane Doe` is a speaker with a name and nothing else.
        if v.is_string() || v.is_number() {
            let name = self.text(v, path)?;
            let none = Speaker {
                path: path.clone(),
                name,
                affiliation: None,
                photo: None,
                photo_focus: None,
                bio: None,
                homepage: None,
            };
            return Some(none);
        }
        let f = self.fields(v, path, "a speaker", &keys::speaker())?;
        let name = self.required(&f, "name", |c, v, p| c.text(v, p));
        let affiliation = self.optional(&f, "affiliation", |c, v, p| c.text(v, p));
        let photo = self.optional(&f, "photo", |c, v, p| c.file(v, p));
        let photo_focus = self.optional(&f, "photo_focus", |c, v, p| c.focus(v, p));

        let bio = self.optional(&f, "bio", |c, v, p| c.text(v, p));
        let homepage = self.optional(&f, "homepage", |c, v, p| c.url(v, p));
        Some(Speaker { path: path.clone(), name: name?, affiliation, photo, photo_focus, bio, homepage })
    }

    /// `[x, y]`: where the face is, as fractions of the photo's width and height.
    fn focus(&mut self, v: &Value, path: &KeyPath) -> Option<(f64, f64)> {
        const HELP: &str = "write `[x, y]` with fractions from 0 to 1: `[0.5, 0.3]` is centred, in the upper third";
        let pair = v.as_sequence().filter(|s| s.len() == 2).and_then(|s| Some((s[0].as_f64()?, s[1].as_f64()?)));
        match pair {
            Some((x, y)) if (0.0..=1.0).contains(&x) && (0.0..=1.0).contains(&y) => Some((x, y)),
            Some(_) => {
                self.error(path, "the focus lies outside the photo", Some(HELP.into()));
                None
            }
            None => {
                self.error(path, "should be two numbers, `[x, y]`", Some(HELP.into()));
                None
            }
        }
    }

    fn hosts(&mut self, v: &Value, path: &KeyPath) -> Option<Vec<Host>> {
        self.one_or_many(v, path, |c, v, p| c.text(v, p).map(|name| Host { path: p.clone(), name }))
    }

    fn when(&mut self, v: &Value, path: &KeyPath) -> Option<When> {
        let f = self.fields(v, path, "`time`", &keys::time())?;
        let date = self.required(&f, "date", |c, v, p| c.date(v, p));
        let start = self.required(&f, "start", |c, v, p| c.clock(v, p));
        let end = self.optional(&f, "end", |c, v, p| c.clock(v, p));
        let timezone = self.optional(&f, "timezone", |c, v, p| c.timezone(v, p));
        if let (Some(s), Some(e)) = (start, end)
            && e <= s
        {
            self.error(
                &path.key("end"),
                format!("the talk ends ({}) before it starts ({})", e.strftime("%H:%M"), s.strftime("%H:%M")),
                Some("`end` must be later than `start` on the same day, in 24-hour time (2 pm is 14:00)".into()),
            );
            return None;
        }
        Some(When { date: date?, start: start?, end, timezone })
    }

    fn date(&mut self, v: &Value, path: &KeyPath) -> Option<Date> {
        const HELP: &str = "write the date as YYYY-MM-DD, e.g. 2024-06-13";
        // The date meant, when it is written in another form (`2024/6/13`).
        let help = |written: &str| dates::suggestion(written).unwrap_or_else(|| HELP.into());
        let Some(s) = v.as_str().map(str::trim) else {
            // `date: 20240613` is a number to YAML.
            let written = if let Value::Number(n) = v { n.to_string() } else { String::new() };
            self.error(path, format!("should be a date like 2024-06-13, not {}", type_name(v)), Some(help(&written)));
            return None;
        };
        let parts: Vec<&str> = s.split('-').collect();
        let shape_ok = parts.len() == 3
            && parts[0].len() == 4
            && (1..=2).contains(&parts[1].len())
            && (1..=2).contains(&parts[2].len())
            && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()));
        if !shape_ok {
            self.error(path, format!("`{s}` is not a date in the form YYYY-MM-DD"), Some(help(s)));
            return None;
        }
        let (y, m, d): (i16, i8, i8) = (parts[0].parse().ok()?, parts[1].parse().ok()?, parts[2].parse().ok()?);
        if y == 0 {
            self.error(path, format!("`{s}` has year 0, which no calendar has"), Some(HELP.into()));
            return None;
        }
        if !(1..=12).contains(&m) {
            self.error(
                path,
                format!("`{s}` has no month {m}"),
                Some("months go from 01 to 12, written YYYY-MM-DD".into()),
            );
            return None;
        }
        match Date::new(y, m, d) {
            Ok(date) => Some(date),
            Err(_) => {
                let days = Date::new(y, m, 1).map_or(31, |first| first.days_in_month());
                let month = jiff::civil::date(y, m, 1).strftime("%B %Y").to_string();
                self.error(
                    path,
                    format!("`{s}` is not a real date: {month} has {days} days"),
                    Some("check the day of the month".into()),
                );
                None
            }
        }
    }

    /// A time of day: `16:00`, and the forms people write when the meaning
    /// is clear: `16.00`, `4pm`, `4:30 PM`, `16h30`, `下午4点` (see `clock`).
    fn clock(&mut self, v: &Value, path: &KeyPath) -> Option<Time> {
        let s = match v {
            Value::String(s) => s.trim().to_string(),
            // `start: 16.00` unquoted is a number to YAML: read what was written.
            Value::Number(n) => self.origin.written(path).map_or_else(|| n.to_string(), str::to_string),
            other => {
                self.error(
                    path,
                    format!("should be a time like \"16:00\", not {}", type_name(other)),
                    Some(clock::HELP.into()),
                );
                return None;
            }
        };
        let (message, help) = match clock::parse(&s) {
            Ok((h, m)) => return Time::new(h, m, 0, 0).ok(),
            Err(e) => e.explain(&s),
        };
        self.error(path, format!("`{s}` {message}"), Some(help));
        None
    }

    fn timezone(&mut self, v: &Value, path: &KeyPath) -> Option<String> {
        let s = self.string(v, path)?;
        if jiff::tz::TimeZone::get(&s).is_ok() {
            return Some(s);
        }
        let help = match s.to_uppercase().as_str() {
            "CST" | "BEIJING" | "CHINA" | "UTC+8" | "GMT+8" => "for China write `Asia/Shanghai`".to_string(),
            _ => {
                "use an IANA time-zone name such as `Asia/Shanghai`, `Europe/London` or `America/New_York`".to_string()
            }
        };
        self.error(path, format!("`{s}` is not a known time zone"), Some(help));
        None
    }

    fn online(&mut self, v: &Value, path: &KeyPath) -> Option<Online> {
        if v.is_string() {
            self.error(
                path,
                "should be a map with the meeting's `url`",
                Some(format!("write `online: {{url: {}}}`", v.as_str().unwrap_or(""))),
            );
            return None;
        }
        let f = self.fields(v, path, "`online`", &keys::online())?;
        let url = self.required(&f, "url", |c, v, p| c.url(v, p));
        let meeting_id = self.optional(&f, "meeting_id", |c, v, p| c.string(v, p));
        let passcode = self.optional(&f, "passcode", |c, v, p| c.string(v, p));
        let platform = self.optional(&f, "platform", |c, v, p| c.string(v, p));
        Some(Online { url: url?, meeting_id, passcode, platform })
    }

    fn url(&mut self, v: &Value, path: &KeyPath) -> Option<String> {
        let s = self.string(v, path)?;
        match url::Url::parse(&s) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty()) => {
                // The address is written as it is given (on the poster, in its QR
                // code, in calendars and announcements), so it is checked as it is:
                // the URL parser would quietly drop a line break or a tab.
                if let Some(c) = s.chars().find(|c| c.is_whitespace() || c.is_control() || "<>\"{}|\\^`".contains(*c)) {
                    let shown = if c.is_whitespace() || c.is_control() {
                        format!("U+{:04X}", c as u32)
                    } else {
                        format!("`{c}`")
                    };
                    self.error(
                        path,
                        format!("has a character a web address cannot hold: {shown}"),
                        Some(format!("write it percent-encoded (`%{:02X}`), or remove it", c as u32 & 0xFF)),
                    );
                    return None;
                }
                Some(s)
            }
            Ok(u) if matches!(u.scheme(), "http" | "https") => {
                self.error(
                    path,
                    format!("`{s}` has no host name"),
                    Some("write a full web address, e.g. https://example.org/page".into()),
                );
                None
            }
            Ok(u) => {
                let help = if u.scheme() == "mailto" && path.to_string() != "registration" {
                    "an e-mail address can be the `registration`; here write a web address starting with https://"
                } else {
                    "write a full web address starting with https://"
                };
                self.error(
                    path,
                    format!("`{s}` is not a web address (it starts with `{}:`)", u.scheme()),
                    Some(help.into()),
                );
                None
            }
            Err(_) => {
                let help = if !s.contains(' ') && s.contains('.') {
                    format!("add the scheme: `https://{s}`")
                } else {
                    "write a full web address, e.g. https://example.org/page".to_string()
                };
                self.error(path, format!("`{s}` is not a web address"), Some(help));
                None
            }
        }
    }

    /// A sign-up link: a web address, or `mailto:` and an e-mail address.
    fn registration(&mut self, v: &Value, path: &KeyPath) -> Option<String> {
        let Some(address) = v.as_str().map(str::trim).and_then(|s| s.strip_prefix("mailto:")) else {
            return self.url(v, path);
        };
        let bare = address.split('?').next().unwrap_or("");
        let (local, domain) = bare.split_once('@').unwrap_or(("", ""));
        let fine = !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !bare.contains(|c: char| c.is_whitespace() || c.is_control() || ",;<>\"()[]\\".contains(c))
            && !address.contains(|c: char| c.is_whitespace() || c.is_control() || "<>\"`".contains(c))
            && bare.matches('@').count() == 1;
        if fine {
            return Some(format!("mailto:{address}"));
        }
        self.error(
            path,
            format!("`mailto:{address}` is not an e-mail address"),
            Some("write one address after `mailto:`, e.g. `mailto:seminar@university.edu`".into()),
        );
        None
    }

    /// A file path, relative to the event file: an existing ordinary file.
    fn file(&mut self, v: &Value, path: &KeyPath) -> Option<std::path::PathBuf> {
        let s = self.string(v, path)?;
        let full = self.base_dir.join(&s);
        match files::check_file(&full) {
            Ok(()) => Some(full),
            Err(files::Unusable::Missing) => {
                let folder = self.base_dir.display();
                let help =
                    format!("a path is read relative to the folder of the file it is written in, here `{folder}`");
                self.error(path, format!("file `{s}` not found"), Some(help));
                None
            }
            Err(files::Unusable::Other(d)) => {
                let message = match d.message.strip_prefix("it ") {
                    Some(rest) => format!("`{s}` {rest}"),
                    None => format!("`{s}`: {}", d.message),
                };
                self.error(path, message, d.help.into_iter().next());
                None
            }
        }
    }

    fn organizer(&mut self, v: &Value, path: &KeyPath) -> Option<Organizer> {
        let f = self.fields(v, path, "`organizer`", &keys::organizer())?;
        let name = self.required(&f, "name", |c, v, p| c.text(v, p));
        let logo = self.optional(&f, "logo", |c, v, p| c.file(v, p));
        let url = self.optional(&f, "url", |c, v, p| c.url(v, p));
        let color = if f.has_key("color") && f.get("color").is_none() {
            // `color: #94070A` unquoted is a YAML comment: the value is lost.
            self.error(
                &path.key("color"),
                "the colour is empty: in YAML an unquoted `#` starts a comment",
                Some("put the colour in quotes: `color: \"#94070A\"`".into()),
            );
            None
        } else {
            self.optional(&f, "color", |c, v, p| c.color(v, p))
        };
        let font = self.optional(&f, "font", |c, v, p| c.string(v, p));
        Some(Organizer { name: name?, logo, url, color, font })
    }

    fn color(&mut self, v: &Value, path: &KeyPath) -> Option<String> {
        let s = self.string(v, path)?;
        let hex = s.strip_prefix('#').unwrap_or(&s);
        let is_hex = hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit());
        if is_hex && s.starts_with('#') {
            return Some(format!("#{}", hex.to_uppercase()));
        }
        let help = if is_hex {
            format!("start it with `#` and quote it: `\"#{hex}\"`")
        } else {
            "write the colour as \"#RRGGBB\" with six hex digits, e.g. \"#94070A\"".to_string()
        };
        self.error(path, format!("`{s}` is not a colour of the form #RRGGBB"), Some(help));
        None
    }

    fn template(&mut self, v: &Value, path: &KeyPath) -> Option<TemplateRef> {
        let s = self.string(v, path)?;
        // Confined to the folder of the file it is written in (the talk's,
        // or the series file's for its defaults).
        let named_in = self.origin.written_in(path);
        match templates::resolve(&s, self.base_dir, Some(crate::files::folder_of(named_in))) {
            Ok(t) => Some(t),
            Err(d) => {
                self.error(path, d.message, d.help.into_iter().next());
                None
            }
        }
    }
}

/// The values of an event (as YAML) that are file paths, relative to the
/// file they are written in: each speaker's `photo`, the organizer's `logo`,
/// and `template` when it names a file rather than a built-in layout. The
/// checks above read exactly these with `Check::file` and `templates::resolve`.
pub fn file_paths(event: &mut Value) -> Vec<&mut Value> {
    let mut out = Vec::new();
    let Value::Mapping(m) = event else { return out };
    for (k, v) in m.iter_mut() {
        match (k.as_str(), v) {
            (Some("organizer"), Value::Mapping(o)) => out.extend(o.get_mut("logo")),
            (Some("template"), Value::Sequence(list)) => {
                out.extend(list.iter_mut().filter(|v| v.as_str().is_some_and(|s| !templates::is_builtin(s))))
            }
            (Some("template"), v) if v.as_str().is_some_and(|s| !templates::is_builtin(s)) => out.push(v),
            (Some("speaker"), Value::Sequence(list)) => {
                out.extend(list.iter_mut().filter_map(|s| s.as_mapping_mut()?.get_mut("photo")))
            }
            (Some("speaker"), Value::Mapping(s)) => out.extend(s.get_mut("photo")),
            _ => {}
        }
    }
    out
}

/// Keys that belong one level down: `photo` at the top is `speaker.photo`.
/// (Other words for a top-level key are in `SYNONYMS`.)
const NESTED: &[(&str, &str)] = &[
    ("name", "speaker.name"),
    ("affiliation", "speaker.affiliation"),
    ("photo", "speaker.photo"),
    ("bio", "speaker.bio"),
    ("biography", "speaker.bio"),
    ("homepage", "speaker.homepage"),
    ("date", "time.date"),
    ("start", "time.start"),
    ("end", "time.end"),
    ("timezone", "time.timezone"),
    ("logo", "organizer.logo"),
    ("color", "organizer.color"),
    ("url", "online.url"),
    ("speakers", "speaker"),
    ("hosts", "host"),
];

/// Other words for a key, in English or as organizers elsewhere write
/// them (`foto`): suggested wherever their key is allowed.
const SYNONYMS: &[(&str, &str)] = &[
    ("foto", "photo"),
    ("picture", "photo"),
    ("image", "photo"),
    ("portrait", "photo"),
    ("institution", "affiliation"),
    ("affiliations", "affiliation"),
    ("university", "affiliation"),
    ("biography", "bio"),
    ("website", "homepage"),
    ("url", "homepage"),
    ("colour", "color"),
    ("location", "place"),
    ("venue", "place"),
    ("room", "place"),
    ("summary", "abstract"),
    ("lang", "language"),
    ("chair", "host"),
    ("moderator", "host"),
    ("link", "url"),
    ("zone", "timezone"),
    ("tz", "timezone"),
    ("day", "date"),
    ("begin", "start"),
    ("from", "start"),
    ("to", "end"),
    ("until", "end"),
];

fn suggest_key(key: &str, parent: &KeyPath, allowed: &[&str]) -> String {
    if key.contains(' ') {
        // `{affiliation: Mila, Université de Montréal}`: the comma ended the value.
        return "inside `{…}` a comma separates keys: put the value before this one in quotes, \
                e.g. `affiliation: \"Mila, Université de Montréal\"`"
            .into();
    }

    if let Some(n) = nearest(key, allowed) {
        return format!("did you mean `{n}`?");
    }
    let lower = key.to_lowercase();
    if let Some((_, n)) = SYNONYMS.iter().find(|(k, n)| *k == lower && allowed.contains(n)) {
        return format!("did you mean `{n}`?");
    }
    if parent.is_root()
        && let Some((_, full)) = NESTED.iter().find(|(k, _)| *k == key.to_lowercase())
    {
        return format!("did you mean `{full}`?");
    }
    let here = if parent.is_root() { "at the top level".to_string() } else { format!("in `{parent}`") };
    format!("the keys allowed {here} are: {}", allowed.join(", "))
}

/// A one-line example of a key, for "missing" and "wrong shape" messages.
fn example_for(path: &str) -> Option<&'static str> {
    Some(match path {
        "title" => "title: On Physics-Inspired Generative Models",
        "speaker" => "speaker: {name: Dr. Yilun Xu, affiliation: MIT}",
        "time" => "time: {date: 2024-06-13, start: \"16:00\"}",
        "place" => "place: {zh: 静园五院204室, en: \"Room 204, Courtyard No. 5\"}",
        "organizer" => "organizer: {name: CFCS, color: \"#94070A\"}",
        "online" => "online: {url: https://zoom.us/j/123}",
        p if p.ends_with("time.date") || p == "date" => "date: 2024-06-13",
        p if p.ends_with("start") => "start: \"16:00\"",
        p if p.ends_with("name") => "name: Dr. Yilun Xu",
        p if p.ends_with("url") => "url: https://example.org",
        p if p.starts_with("time") => "time: {date: 2024-06-13, start: \"16:00\"}",
        p if p.starts_with("speaker") => "speaker: {name: Dr. Yilun Xu}",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_words_for_a_key_are_answered_where_that_key_is_allowed() {
        let speaker = KeyPath::root().key("speaker");
        assert_eq!(suggest_key("foto", &speaker, &keys::speaker()), "did you mean `photo`?");
        assert_eq!(suggest_key("Website", &speaker, &keys::speaker()), "did you mean `homepage`?");
        assert_eq!(suggest_key("venue", &KeyPath::root(), &keys::event()), "did you mean `place`?");
        assert!(suggest_key("colour", &KeyPath::root().key("organizer"), &keys::organizer()).contains("`color`"));
        // Not allowed here: the list of what is.
        assert!(suggest_key("timezone", &speaker, &keys::speaker()).starts_with("the keys allowed in `speaker`"));
    }

    /// A user copies these: each must be YAML that means what it shows.
    #[test]
    fn examples_in_messages_are_valid_yaml() {
        let paths = ["title", "speaker", "time", "place", "organizer", "online", "time.date", "start", "name", "url"];
        for path in paths {
            let example = example_for(path).unwrap();
            let value: Value = serde_yaml::from_str(example).unwrap_or_else(|e| panic!("{example}: {e}"));
            let map = value.as_mapping().unwrap();
            assert_eq!(map.len(), 1, "{example}");
            let inner = map.values().next().unwrap();
            assert!(inner.as_mapping().is_none_or(|m| m.keys().all(|k| k.is_string())), "{example}");
            assert!(!format!("{inner:?}").contains("Null"), "{example}: a value is missing");
        }
    }
}
