//! A calendar file's events as talks: SUMMARY is the title, DTSTART and
//! DTEND the date and times in their time zone (a `TZID`, Outlook's Windows
//! names included, or UTC), LOCATION the place, DESCRIPTION the abstract
//! (with `Speaker:` and `Host:` lines taken out), URL the registration.

use icalendar::{Calendar, CalendarDateTime, Component, DatePerhapsTime, EventLike};
use serde_yaml::Value;

use super::{AFFILIATION_LABELS, Found, HOST_LABELS, SPEAKER_LABELS, SPEAKER_TO_NAME, labelled, map, text};

pub(super) fn talks(source: &str) -> Result<Vec<Found>, String> {
    let calendar: Calendar =
        source.parse().map_err(|e: String| format!("not a calendar file that can be read: {}", first_line(&e)))?;
    let default_zone = calendar.get_timezone().and_then(zone_name);
    let mut found = Vec::new();
    for (i, event) in calendar.events().enumerate() {
        let title = event.get_summary().unwrap_or("").trim().to_string();
        let place = format!("event {} (\"{}\")", i + 1, title);
        let mut warnings = Vec::new();
        let (date, start, zone) = match event.get_start() {
            Some(start) => when(start, default_zone.as_deref()),
            None => {
                warnings.push("the event has no start (DTSTART): write time.date and time.start".into());
                (None, None, None)
            }
        };
        let end = event.get_end().and_then(|e| when(e, default_zone.as_deref()).1);
        if zone.is_none() && start.is_some() {
            warnings.push(
                "the calendar gives no time zone that can be read: the time is taken as local to the venue".into(),
            );
        }
        let description = event.get_description().unwrap_or("").replace("\r\n", "\n");
        let speaker = labelled(&description, SPEAKER_LABELS);
        if speaker.is_none() {
            warnings.push(format!(
                "the event names no speaker (a `Speaker:` line in its description): replace `{SPEAKER_TO_NAME}`"
            ));
        }
        let abstract_ = description
            .lines()
            .filter(|l| {
                [SPEAKER_LABELS, AFFILIATION_LABELS, HOST_LABELS].iter().all(|labels| labelled(l, labels).is_none())
            })
            .collect::<Vec<_>>()
            .join("\n");
        let value = map([
            ("title", text(&title)),
            (
                "speaker",
                Some(map([
                    ("name", text(speaker.unwrap_or(SPEAKER_TO_NAME))),
                    ("affiliation", labelled(&description, AFFILIATION_LABELS).and_then(text)),
                ])),
            ),
            ("host", labelled(&description, HOST_LABELS).and_then(text)),
            (
                "time",
                Some(map([
                    ("date", date.map(Value::from)),
                    ("start", start.map(Value::from)),
                    ("end", end.map(Value::from)),
                    ("timezone", zone.map(Value::from)),
                ])),
            ),
            ("place", event.get_location().and_then(text)),
            ("registration", event.get_url().and_then(text)),
            ("abstract", text(abstract_.trim())),
        ]);
        if event.get_location().is_none_or(|l| l.trim().is_empty()) {
            warnings.push("the event has no LOCATION: write the talk's place".into());
        }
        found.push(Found { place, value, warnings });
    }
    if found.is_empty() {
        return Err("the calendar has no events (VEVENT)".into());
    }
    Ok(found)
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

/// The date, the time and the time zone of a DTSTART or DTEND.
fn when(at: DatePerhapsTime, default_zone: Option<&str>) -> (Option<String>, Option<String>, Option<String>) {
    match at {
        DatePerhapsTime::Date(d) => (Some(d.format("%Y-%m-%d").to_string()), None, None),
        DatePerhapsTime::DateTime(CalendarDateTime::Floating(t)) => (
            Some(t.format("%Y-%m-%d").to_string()),
            Some(t.format("%H:%M").to_string()),
            default_zone.map(str::to_string),
        ),
        DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone { date_time, tzid }) => {
            let zone = zone_name(&tzid).or_else(|| default_zone.map(str::to_string));
            (Some(date_time.format("%Y-%m-%d").to_string()), Some(date_time.format("%H:%M").to_string()), zone)
        }
        DatePerhapsTime::DateTime(CalendarDateTime::Utc(t)) => {
            // Shown in the calendar's own zone when it names one.
            let seconds = t.timestamp();
            let zone = default_zone.unwrap_or("UTC");
            match jiff::Timestamp::from_second(seconds).ok().zip(jiff::tz::TimeZone::get(zone).ok()) {
                Some((ts, tz)) => {
                    let local = ts.to_zoned(tz);
                    (
                        Some(local.date().to_string()),
                        Some(local.time().strftime("%H:%M").to_string()),
                        Some(zone.to_string()),
                    )
                }
                None => {
                    (Some(t.format("%Y-%m-%d").to_string()), Some(t.format("%H:%M").to_string()), Some("UTC".into()))
                }
            }
        }
    }
}

/// An IANA time-zone name for a TZID: itself when jiff knows it, or the
/// one a Windows name (Outlook's) stands for.
fn zone_name(tzid: &str) -> Option<String> {
    let tzid = tzid.trim().trim_matches('"');
    if jiff::tz::TimeZone::get(tzid).is_ok() {
        return Some(tzid.to_string());
    }
    const WINDOWS: &[(&str, &str)] = &[
        ("China Standard Time", "Asia/Shanghai"),
        ("Taipei Standard Time", "Asia/Taipei"),
        ("Tokyo Standard Time", "Asia/Tokyo"),
        ("Korea Standard Time", "Asia/Seoul"),
        ("Singapore Standard Time", "Asia/Singapore"),
        ("India Standard Time", "Asia/Kolkata"),
        ("GMT Standard Time", "Europe/London"),
        ("W. Europe Standard Time", "Europe/Berlin"),
        ("Romance Standard Time", "Europe/Paris"),
        ("Central Europe Standard Time", "Europe/Budapest"),
        ("Eastern Standard Time", "America/New_York"),
        ("Central Standard Time", "America/Chicago"),
        ("Mountain Standard Time", "America/Denver"),
        ("Pacific Standard Time", "America/Los_Angeles"),
        ("AUS Eastern Standard Time", "Australia/Sydney"),
        ("Israel Standard Time", "Asia/Jerusalem"),
        ("Arab Standard Time", "Asia/Riyadh"),
        ("UTC", "UTC"),
    ];
    WINDOWS.iter().find(|(w, _)| w.eq_ignore_ascii_case(tzid)).map(|(_, iana)| iana.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_calendar_programs_export_reads_as_talks() {
        let ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\nBEGIN:VEVENT\r\nUID:1@x\r\nDTSTAMP:20240601T000000Z\r\nSUMMARY:On Physics-Inspired Generative Models\r\nDTSTART;TZID=China Standard Time:20240613T160000\r\nDTEND;TZID=China Standard Time:20240613T173000\r\nLOCATION:Room 204\\, Jingyuan\r\nDESCRIPTION:Speaker: Dr. Yilun Xu\\nAffiliation: MIT\\nDiffusion models are\r\n  powerful.\r\nURL:https://example.org/r\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:2@x\r\nDTSTAMP:20240601T000000Z\r\nSUMMARY:Second\r\nDTSTART:20240620T080000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let found = talks(ics).unwrap();
        assert_eq!(found.len(), 2);
        let yaml = serde_yaml::to_string(&found[0].value).unwrap();
        for part in [
            "title: On Physics-Inspired",
            "name: Dr. Yilun Xu",
            "affiliation: MIT",
            "date: 2024-06-13",
            "start: 16:00",
            "end: 17:30",
            "timezone: Asia/Shanghai",
            "place: Room 204, Jingyuan",
            "abstract: Diffusion models are powerful.",
            "registration: https://example.org/r",
        ] {
            assert!(yaml.contains(part), "{part} in\n{yaml}");
        }
        assert!(found[0].warnings.is_empty(), "{:?}", found[0].warnings);
        let second = serde_yaml::to_string(&found[1].value).unwrap();
        assert!(second.contains("start: 08:00") && second.contains("timezone: UTC"), "{second}");
        assert!(found[1].warnings.iter().any(|w| w.contains("no speaker")));
    }
}
