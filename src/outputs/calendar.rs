//! Calendar files (RFC 5545): one per talk, and one feed for a series that
//! people can subscribe to. A talk with a time zone is written in that zone
//! (`DTSTART;TZID=…`) with the zone's rules around its date (`VTIMEZONE`,
//! from jiff's time-zone database); one without is floating local time.
//! The same input gives the same bytes: the `UID` comes from the talk's
//! output name and its series, the `DTSTAMP` from its date (or from
//! `SOURCE_DATE_EPOCH`, the reproducible-builds convention, when set).
//!
//! Written here rather than with a calendar crate: the one kept up
//! (icalendar) has no way to build a `VTIMEZONE`, which a zoned time needs.
//! Its parser reads every file back in the tests.

use std::collections::BTreeMap;

use jiff::civil::DateTime;
use jiff::tz::{Offset, TimeZone};
use jiff::{Timestamp, ToSpan};

use crate::event::{Event, Lang};

/// How long a talk without an `end` is taken to last.
pub const DEFAULT_MINUTES: i64 = 90;

/// A talk and the output name its calendar entry is known by.
pub struct Entry<'a> {
    pub event: &'a Event,
    pub stem: &'a str,
    /// The description: the announcement as plain, unwrapped text.
    pub description: String,
}

/// A calendar file of the given talks (one for a talk's own `.ics`, all of
/// them for `series.ics`), named `name` when it is a feed.
pub fn calendar(entries: &[Entry], name: Option<&str>) -> String {
    let mut out = Lines::default();
    out.raw("BEGIN", "VCALENDAR");
    out.raw("VERSION", "2.0");
    out.raw("PRODID", &format!("-//talkposter//talkposter {}//EN", env!("CARGO_PKG_VERSION")));
    out.raw("CALSCALE", "GREGORIAN");
    out.raw("METHOD", "PUBLISH");
    if let Some(name) = name {
        out.text("NAME", name);
        out.text("X-WR-CALNAME", name);
    }
    for (zone, (from, to)) in zones(entries) {
        if let Ok(tz) = TimeZone::get(&zone) {
            vtimezone(&mut out, &zone, &tz, from, to);
        }
    }
    for entry in entries {
        vevent(&mut out, entry);
    }
    out.raw("END", "VCALENDAR");
    out.0
}

/// Start and end as wall-clock times, and as instants when the talk has a
/// time zone.
struct Span {
    start: DateTime,
    end: DateTime,
    instants: Option<(Timestamp, Timestamp)>,
}

fn span(e: &Event) -> Span {
    let start = e.time.date.to_datetime(e.time.start);
    let tz = e.time.timezone.as_deref().and_then(|z| TimeZone::get(z).ok());
    let zoned_start = tz.as_ref().and_then(|tz| start.to_zoned(tz.clone()).ok());
    let end = match (e.time.end, &zoned_start) {
        (Some(end), _) => e.time.date.to_datetime(end),
        // A default length is added in the zone: a talk across a change of
        // clocks still lasts 90 minutes.
        (None, Some(z)) => z.checked_add(DEFAULT_MINUTES.minutes()).map_or(start, |z| z.datetime()),
        (None, None) => start.checked_add(DEFAULT_MINUTES.minutes()).unwrap_or(start),
    };
    let instants =
        tz.and_then(|tz| Some((start.to_zoned(tz.clone()).ok()?.timestamp(), end.to_zoned(tz).ok()?.timestamp())));
    Span { start, end, instants }
}

/// Every time zone used, with the first start and last end in it.
fn zones(entries: &[Entry]) -> BTreeMap<String, (Timestamp, Timestamp)> {
    let mut zones: BTreeMap<String, (Timestamp, Timestamp)> = BTreeMap::new();
    for entry in entries {
        if let (Some(zone), Some((start, end))) = (&entry.event.time.timezone, span(entry.event).instants) {
            let range = zones.entry(zone.clone()).or_insert((start, end));
            *range = (range.0.min(start), range.1.max(end));
        }
    }
    zones
}

/// The zone's rules from `from` to `to`: the observance in force at `from`,
/// every change until `to`, and the next one.
fn vtimezone(out: &mut Lines, name: &str, tz: &TimeZone, from: Timestamp, to: Timestamp) {
    let just_after = |t: Timestamp| t.checked_add(1.nanosecond()).unwrap_or(t);
    let mut changes: Vec<_> = tz.preceding(just_after(from)).take(1).collect();
    changes.extend(tz.following(from).take_while(|t| t.timestamp() <= to));
    changes.extend(tz.following(to).take(1));
    changes.dedup_by_key(|t| t.timestamp());

    out.raw("BEGIN", "VTIMEZONE");
    out.text("TZID", name);
    if changes.is_empty() {
        // A zone that never changed: one observance since 1970.
        let info = tz.to_offset_info(from);
        observance(out, "STANDARD", "19700101T000000", info.offset(), info.offset(), info.abbreviation());
    }
    for change in &changes {
        let at = change.timestamp();
        let before = tz.to_offset(at.checked_sub(1.nanosecond()).unwrap_or(at));
        let kind = if change.dst().is_dst() { "DAYLIGHT" } else { "STANDARD" };
        // DTSTART is the moment of change on the clock before it.
        let onset = local(before.to_datetime(at));
        observance(out, kind, &onset, before, change.offset(), change.abbreviation());
    }
    out.raw("END", "VTIMEZONE");
}

fn observance(out: &mut Lines, kind: &str, start: &str, from: Offset, to: Offset, name: &str) {
    out.raw("BEGIN", kind);
    out.raw("DTSTART", start);
    out.raw("TZOFFSETFROM", &utc_offset(from));
    out.raw("TZOFFSETTO", &utc_offset(to));
    if !name.is_empty() {
        out.text("TZNAME", name);
    }
    out.raw("END", kind);
}

fn vevent(out: &mut Lines, entry: &Entry) {
    let e = entry.event;
    let main = e.language;
    let span = span(e);
    out.raw("BEGIN", "VEVENT");
    out.text("UID", &uid(e, entry.stem));
    out.raw("DTSTAMP", &stamp(e));
    match &e.time.timezone {
        Some(zone) if span.instants.is_some() => {
            out.raw(&format!("DTSTART;TZID={zone}"), &local(span.start));
            out.raw(&format!("DTEND;TZID={zone}"), &local(span.end));
        }
        _ => {
            out.raw("DTSTART", &local(span.start));
            out.raw("DTEND", &local(span.end));
        }
    }
    out.text("SUMMARY", &summary(e));
    let place = e.texts.place.as_ref().map(|p| p.strings().join(" / "));
    if let Some(location) = place.or_else(|| e.online.as_ref().map(|o| o.url.clone())) {
        out.text("LOCATION", &location);
    }
    let web_sign_up = e.registration.as_ref().filter(|r| !r.starts_with("mailto:"));
    if let Some(url) = web_sign_up.or(e.online.as_ref().map(|o| &o.url)) {
        out.raw("URL", url);
    }
    if let Some(o) = &e.online {
        // RFC 7986: the meeting link, which calendar programs offer to join.
        let label = escape_param(o.platform.as_deref().unwrap_or("Online"));
        out.raw(&format!("CONFERENCE;VALUE=URI;FEATURE=VIDEO;LABEL={label}"), &o.url);
    }
    out.text("DESCRIPTION", entry.description.trim_end());
    if let Some(kind) = &e.texts.kind {
        out.text("CATEGORIES", kind.pick(main));
    }
    out.raw("END", "VEVENT");
}

/// `On Physics-Inspired Generative Models (Dr. Yilun Xu)`, in the poster's
/// language.
fn summary(e: &Event) -> String {
    let main = e.language;
    let names: Vec<&str> = e.speakers.iter().map(|s| s.name.pick(main)).collect();
    let title = crate::markup::plain(&crate::text::join_lines(e.title.pick(main)), e.markup);
    match main {
        Lang::Zh | Lang::Ja => format!("{title}（{}）", names.join("、")),
        _ => format!("{title} ({})", names.join(", ")),
    }
}

/// The same for a talk however often and wherever it is made: its output
/// name, and a hash of its series and organizer so that two departments'
/// `2024-06-13-yilun-xu` stay apart.
fn uid(e: &Event, stem: &str) -> String {
    let mut h = blake3::Hasher::new();
    for text in [&e.texts.series, &e.organizer.as_ref().map(|o| o.name.clone())].into_iter().flatten() {
        for s in text.strings() {
            h.update(s.as_bytes());
            h.update(b"\0");
        }
    }
    let hash = h.finalize().to_hex();
    format!("{stem}-{}@talkposter", &hash[..12])
}

/// `SOURCE_DATE_EPOCH` when set, else midnight UTC of the talk's date: a
/// stamp that changes with the talk's date and nothing else.
fn stamp(e: &Event) -> String {
    let epoch = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.trim().parse::<i64>().ok());
    let at = epoch.and_then(|s| Timestamp::from_second(s).ok()).unwrap_or_else(|| {
        e.time
            .date
            .to_datetime(jiff::civil::Time::midnight())
            .to_zoned(TimeZone::UTC)
            .map_or(Timestamp::UNIX_EPOCH, |z| z.timestamp())
    });
    at.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// `20240613T160000`
fn local(t: DateTime) -> String {
    t.strftime("%Y%m%dT%H%M%S").to_string()
}

/// `+0800`, `-0430`, `+053328` (seconds only when there are some).
fn utc_offset(o: Offset) -> String {
    let s = o.seconds();
    let sign = if s < 0 { '-' } else { '+' };
    let s = s.unsigned_abs();
    let (h, m, sec) = (s / 3600, s / 60 % 60, s % 60);
    if sec == 0 { format!("{sign}{h:02}{m:02}") } else { format!("{sign}{h:02}{m:02}{sec:02}") }
}

/// TEXT values (RFC 5545 §3.3.11): backslash, semicolon, comma and line
/// breaks escaped.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            // Nothing that is not text: a line break is the only control
            // a property may hold, escaped above.
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A parameter value, quoted when it holds `:`, `;` or `,` (a double quote
/// cannot be written in one at all).
fn escape_param(s: &str) -> String {
    let s: String = s.chars().filter(|c| *c != '"' && !c.is_control()).collect();
    if s.contains([':', ';', ',']) { format!("\"{s}\"") } else { s }
}

/// Content lines, folded at 75 octets without splitting a character
/// (RFC 5545 §3.1), each ended by CRLF.
#[derive(Default)]
struct Lines(String);

impl Lines {
    fn raw(&mut self, name: &str, value: &str) {
        let mut octets = 0;
        for c in name.chars().chain(std::iter::once(':')).chain(value.chars()) {
            if octets + c.len_utf8() > 75 {
                self.0.push_str("\r\n ");
                octets = 1;
            }
            self.0.push(c);
            octets += c.len_utf8();
        }
        self.0.push_str("\r\n");
    }

    fn text(&mut self, name: &str, value: &str) {
        self.raw(name, &escape(value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_fold_at_75_octets_between_characters() {
        let mut lines = Lines::default();
        let text = "报告".repeat(60);
        lines.text("DESCRIPTION", &text);
        for line in lines.0.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= 75, "{} octets: {line}", line.len());
        }
        let unfolded = lines.0.replace("\r\n ", "");
        assert_eq!(unfolded, format!("DESCRIPTION:{text}\r\n"));
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a, b; c\\d\ne"), "a\\, b\\; c\\\\d\\ne");
        assert_eq!(escape_param("Zoom"), "Zoom");
        assert_eq!(escape_param("Room 1, \"A\""), "\"Room 1, A\"");
    }

    #[test]
    fn offsets_are_written_as_rfc_5545_asks() {
        assert_eq!(utc_offset(Offset::from_seconds(8 * 3600).unwrap()), "+0800");
        assert_eq!(utc_offset(Offset::from_seconds(-(4 * 3600 + 30 * 60)).unwrap()), "-0430");
        assert_eq!(utc_offset(Offset::from_seconds(5 * 3600 + 33 * 60 + 28).unwrap()), "+053328");
    }
}
