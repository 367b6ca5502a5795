//! An Indico export as talks: the JSON Indico's HTTP API gives for
//! `/export/event/ID.json` (one event) or `/export/categ/ID.json` (a
//! category's events), saved to a file. Title; description from HTML to
//! text; start and end with their time zone; room and location; the
//! chairs (a lecture's speakers) or speakers with their affiliations.

use serde::Deserialize;
use serde_yaml::Value;

use super::{Found, SPEAKER_TO_NAME, map, text};

#[derive(Deserialize)]
struct Export {
    results: Results,
}

/// A category export lists events; an event export too, or gives one.
#[derive(Deserialize)]
#[serde(untagged)]
enum Results {
    Many(Vec<IndicoEvent>),
    One(Box<IndicoEvent>),
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct IndicoEvent {
    title: String,
    description: String,
    #[serde(rename = "startDate")]
    start_date: Option<Moment>,
    #[serde(rename = "endDate")]
    end_date: Option<Moment>,
    timezone: Option<String>,
    room: Option<String>,
    location: Option<String>,
    chairs: Vec<Person>,
    speakers: Vec<Person>,
    url: Option<String>,
}

#[derive(Deserialize)]
struct Moment {
    date: String,
    time: Option<String>,
    tz: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Person {
    #[serde(rename = "fullName")]
    full_name: String,
    first_name: String,
    last_name: String,
    affiliation: String,
}

impl Person {
    /// `Jane Doe`: Indico's `fullName` is `Doe, Jane`.
    fn name(&self) -> String {
        let parts = format!("{} {}", self.first_name.trim(), self.last_name.trim());
        if parts.trim().is_empty() { self.full_name.trim().to_string() } else { parts.trim().to_string() }
    }
}

pub(super) fn talks(source: &str) -> Result<Vec<Found>, String> {
    let export: Export = serde_json::from_str(source).map_err(|e| {
        format!(
            "not an Indico export that can be read ({e}); save the page /export/event/ID.json or /export/categ/ID.json"
        )
    })?;
    let events = match export.results {
        Results::Many(events) => events,
        Results::One(event) => vec![*event],
    };
    if events.is_empty() {
        return Err("the export lists no events".into());
    }
    Ok(events.into_iter().enumerate().map(|(i, e)| talk(i, e)).collect())
}

fn talk(i: usize, e: IndicoEvent) -> Found {
    let mut warnings = Vec::new();
    let people = if e.speakers.is_empty() { &e.chairs } else { &e.speakers };
    let speakers: Vec<Value> = people
        .iter()
        .filter(|p| !p.name().is_empty())
        .map(|p| map([("name", text(p.name())), ("affiliation", text(&p.affiliation))]))
        .collect();
    let speaker = match speakers.len() {
        0 => {
            warnings.push(format!("the event names no speaker or chair: replace `{SPEAKER_TO_NAME}`"));
            map([("name", text(SPEAKER_TO_NAME))])
        }
        1 => speakers.into_iter().next().unwrap_or(Value::Null),
        _ => Value::Sequence(speakers),
    };
    let zone = e.start_date.as_ref().and_then(|m| m.tz.clone()).or(e.timezone.clone());
    let hhmm = |m: &Moment| m.time.as_deref().and_then(|t| t.get(..5)).map(Value::from);
    let place = [e.room.as_deref(), e.location.as_deref()]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    if place.is_empty() {
        warnings.push("the event has no room or location: write the talk's place".into());
    }
    let description = nanohtml2text::html2text(&e.description);
    let value = map([
        ("title", text(&e.title)),
        ("speaker", Some(speaker)),
        (
            "time",
            Some(map([
                ("date", e.start_date.as_ref().map(|m| Value::from(m.date.as_str()))),
                ("start", e.start_date.as_ref().and_then(hhmm)),
                ("end", e.end_date.as_ref().and_then(hhmm)),
                ("timezone", zone.map(Value::from)),
            ])),
        ),
        ("place", text(&place)),
        ("abstract", text(description.trim())),
        ("registration", e.url.as_deref().and_then(text)),
    ]);
    Found { place: format!("event {} (\"{}\")", i + 1, e.title.trim()), value, warnings }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_indico_event_export_reads_as_a_talk() {
        let json = r#"{"count": 1, "additionalInfo": {}, "_type": "HTTPAPIResult", "url": "https://indico.example.org/export/event/1234.json", "ts": 1718000000,
          "results": [{"_type": "Conference", "id": "1234", "title": "Quantum Error Correction at Scale", "type": "lecture",
            "description": "<p>Fault-tolerant quantum computing needs <strong>error correction</strong>.</p><p>We discuss codes &amp; decoders.</p>",
            "startDate": {"date": "2024-06-13", "time": "16:00:00", "tz": "Europe/Zurich"},
            "endDate": {"date": "2024-06-13", "time": "17:30:00", "tz": "Europe/Zurich"},
            "timezone": "Europe/Zurich", "room": "500/1-001", "location": "CERN", "address": "",
            "chairs": [{"_type": "ConferenceChair", "fullName": "Doe, Jane", "first_name": "Jane", "last_name": "Doe", "affiliation": "ETH Zurich", "id": "1"}],
            "url": "https://indico.example.org/event/1234/", "category": "Colloquia", "categoryId": 7}]}"#;
        let found = talks(json).unwrap();
        assert_eq!(found.len(), 1);
        let yaml = serde_yaml::to_string(&found[0].value).unwrap();
        for part in [
            "title: Quantum Error Correction at Scale",
            "name: Jane Doe",
            "affiliation: ETH Zurich",
            "date: 2024-06-13",
            "timezone: Europe/Zurich",
            "place: 500/1-001, CERN",
            "error correction",
            "codes & decoders",
        ] {
            assert!(yaml.contains(part), "{part} in\n{yaml}");
        }
        assert!(!yaml.contains("<p>") && !yaml.contains("&amp;"), "{yaml}");
        assert!(found[0].warnings.is_empty());
    }

    #[test]
    fn anything_else_is_refused_with_the_address_to_save() {
        assert!(talks("{}").unwrap_err().contains("/export/event/ID.json"));
        assert!(talks(r#"{"results": []}"#).unwrap_err().contains("no events"));
    }
}
