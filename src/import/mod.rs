//! Talks from elsewhere, as event values to write out as YAML files: the
//! rows of a schedule sheet, the events of a calendar file (.ics), or an
//! Indico export (the JSON of `/export/event/ID.json` or
//! `/export/categ/ID.json`, saved to a file). Nothing is fetched.

mod ics;
mod indico;

use std::path::Path;

use serde_yaml::{Mapping, Value};

use crate::diag::{Diagnostic, Failure};
use crate::files;
use crate::limits::MAX_SERIES_FILE_BYTES;

/// One talk found in a file.
#[derive(Debug)]
pub struct Found {
    /// Where in the file: `event 3 ("Title")`.
    pub place: String,
    pub value: Value,
    /// What the organizer should look at (a speaker the file did not name).
    pub warnings: Vec<String>,
}

/// The kinds of file `import` reads besides sheets.
pub fn is_calendar(path: &Path) -> bool {
    extension(path).is_some_and(|e| e == "ics" || e == "ical" || e == "ifb")
}

pub fn is_indico(path: &Path) -> bool {
    extension(path).is_some_and(|e| e == "json")
}

fn extension(path: &Path) -> Option<String> {
    path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase)
}

/// The talks of a calendar file or an Indico export.
pub fn talks(path: &Path) -> Result<Vec<Found>, Failure> {
    let bytes = files::read_limited(path, MAX_SERIES_FILE_BYTES, "a file to import").map_err(|d| d.in_file(path))?;
    let text = String::from_utf8(bytes).map_err(|_| {
        Diagnostic::new("the file is not UTF-8 text")
            .in_file(path)
            .help("export it again from the calendar program or Indico")
    })?;
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(&text);
    let found = if is_calendar(path) { ics::talks(text) } else { indico::talks(text) };
    found.map_err(|why| Diagnostic::new(why).in_file(path).into())
}

/// A map from `(key, value)` pairs, leaving out empty values.
fn map<'a>(pairs: impl IntoIterator<Item = (&'a str, Option<Value>)>) -> Value {
    let mut m = Mapping::new();
    for (k, v) in pairs {
        match v {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) if s.trim().is_empty() => {}
            Some(Value::Mapping(inner)) if inner.is_empty() => {}
            Some(v) => {
                m.insert(Value::from(k), v);
            }
        }
    }
    Value::Mapping(m)
}

fn text(s: impl AsRef<str>) -> Option<Value> {
    let s = s.as_ref().trim();
    (!s.is_empty()).then(|| Value::from(s))
}

/// Stands in for a speaker a file does not name, so the talk's file is
/// valid as written; the organizer is told to replace it.
const SPEAKER_TO_NAME: &str = "To be announced";

/// Looks for `Speaker: …` (and the like) in a description: the value of
/// the first line that starts with one of `labels`.
fn labelled<'a>(description: &'a str, labels: &[&str]) -> Option<&'a str> {
    description.lines().find_map(|line| {
        let line = line.trim();
        labels.iter().find_map(|label| {
            let rest = line
                .get(..label.len())
                .filter(|head| head.eq_ignore_ascii_case(label))
                .map(|_| &line[label.len()..])?;
            let rest = rest.trim_start().strip_prefix([':', '：'])?.trim();
            (!rest.is_empty()).then_some(rest)
        })
    })
}

const SPEAKER_LABELS: &[&str] = &["speaker", "speakers", "presenter", "lecturer", "报告人", "主讲人", "讲者", "講者"];
const AFFILIATION_LABELS: &[&str] = &["affiliation", "institution", "单位"];
const HOST_LABELS: &[&str] = &["host", "chair", "主持人", "主持"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labelled_lines_are_found_in_any_case_and_either_colon() {
        let d = "A talk.\nSpeaker: Dr. Ada Lovelace\n报告人：王亦洲\nHost:   \n";
        assert_eq!(labelled(d, SPEAKER_LABELS), Some("Dr. Ada Lovelace"));
        assert_eq!(labelled("报告人：王亦洲", SPEAKER_LABELS), Some("王亦洲"));
        assert_eq!(labelled(d, HOST_LABELS), None);
        assert_eq!(labelled("Speakers are welcome", SPEAKER_LABELS), None);
    }
}
