//! Dates and times as sheets hold them, turned into the event file's forms
//! (`2024-06-13`, `16:00`): a date cell (a serial number of days since
//! 1899-12-30, the time as a fraction of a day), ISO text from LibreOffice,
//! and text as people type it (`2024/6/13`, `13/06/2024`, `13.06.2024`,
//! `2024年6月13日`, `June 13, 2024`, `16:00-17:30`). What is not understood
//! is passed on as written, for the event's own checks to explain.

use super::table::{Cell, number_text};
pub(super) use crate::event::dates::{Ambiguous, order_shown};
use crate::event::dates::{text_date, without_weekday};

/// A date, a start and an end, as far as a cell gives them.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct When {
    pub date: Option<String>,
    pub start: Option<String>,
    pub end: Option<String>,
}

/// The last serial number Excel shows as a date (9999-12-31).
const LAST_SERIAL: f64 = 2_958_465.0;

/// A date cell's text: `2024-06-13`, or what was written.
pub(super) fn date(cell: &Cell, day_first: Option<bool>) -> Result<String, Ambiguous> {
    match cell {
        Cell::Serial(n) | Cell::Number(n) if (1.0..=LAST_SERIAL).contains(n) => Ok(serial_date(*n)),
        Cell::Iso(s) => Ok(s.get(..10).filter(|d| d.as_bytes().get(4) == Some(&b'-')).unwrap_or(s).to_string()),
        _ => {
            let text = cell.text();
            Ok(text_date(&text, day_first)?.unwrap_or_else(|| text.trim().to_string()))
        }
    }
}

/// A time cell's text: `16:00`, or what was written (`4pm` is the event's
/// to read).
pub(super) fn time(cell: &Cell) -> String {
    match cell {
        Cell::Serial(n) | Cell::Number(n) if (0.0..1.0).contains(n) => serial_time(*n),
        Cell::Serial(n) if n.fract() != 0.0 => serial_time(*n),
        Cell::Iso(s) => iso_time(s).unwrap_or_else(|| s.clone()),
        Cell::Number(n) => number_text(*n),
        _ => without_seconds(cell.text().trim()),
    }
}

/// A cell holding any of a date, a start and an end: `2024-06-13 16:00`,
/// `16:00–17:30`, `2024年6月13日（周四）14:00-15:30`, a date-time cell.
pub(super) fn when(cell: &Cell, day_first: Option<bool>) -> Result<When, Ambiguous> {
    match cell {
        Cell::Serial(n) | Cell::Number(n) if (0.0..=LAST_SERIAL).contains(n) => {
            let date = (*n >= 1.0).then(|| serial_date(*n));
            let start = (n.fract() != 0.0 || *n < 1.0).then(|| serial_time(*n));
            Ok(When { date, start, end: None })
        }
        Cell::Iso(s) => {
            let date = s.get(..10).filter(|d| d.as_bytes().get(4) == Some(&b'-')).map(str::to_string);
            Ok(When { date, start: iso_time(s), end: None })
        }
        _ => text_when(&cell.text(), day_first),
    }
}

fn serial_date(n: f64) -> String {
    let epoch = jiff::civil::Date::constant(1899, 12, 30);
    epoch.checked_add(jiff::Span::new().days(n.floor() as i64)).map_or_else(|_| number_text(n), |d| d.to_string())
}

fn serial_time(n: f64) -> String {
    let minutes = (n.fract() * 24.0 * 60.0).round() as i64 % (24 * 60);
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// `2024-06-13T16:00:00`, `16:00:00`, `PT16H00M00S` → `16:00`.
fn iso_time(s: &str) -> Option<String> {
    if let Some(d) = s.strip_prefix("PT") {
        let h = d.split('H').next()?.parse::<u32>().ok()?;
        let m = d.split('H').nth(1).and_then(|r| r.split('M').next()).and_then(|m| m.parse::<u32>().ok()).unwrap_or(0);
        return Some(format!("{h:02}:{m:02}"));
    }
    let t = s.split_once('T').map_or(s, |(_, t)| t);
    let mut parts = t.split(':');
    let h = parts.next()?.parse::<u32>().ok()?;
    let m = parts.next()?.get(..2)?.parse::<u32>().ok()?;
    (s.contains(':')).then(|| format!("{h:02}:{m:02}"))
}

/// `16:00:00` → `16:00`.
fn without_seconds(t: &str) -> String {
    let parts: Vec<&str> = t.split(':').collect();
    if parts.len() == 3
        && parts.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        && parts[2] == "00"
    {
        format!("{}:{}", parts[0], parts[1])
    } else {
        t.to_string()
    }
}

/// `2024-06-13 16:00-17:30` and the like: the longest leading words that
/// read as a date, then a time or a range of times.
fn text_when(text: &str, day_first: Option<bool>) -> Result<When, Ambiguous> {
    let text = without_weekday(text).replace('日', "日 ").replace('号', "号 ");
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut when = When::default();
    let mut rest = &words[..];
    for n in (1..=words.len().min(4)).rev() {
        if let Some(d) = text_date(&words[..n].join(" "), day_first)? {
            when.date = Some(d);
            rest = &words[n..];
            break;
        }
    }
    let times = rest.join(" ");
    let times = times.trim();
    if !times.is_empty() {
        let (start, end) = split_range(times);
        when.start = Some(without_seconds(start.trim()));
        when.end = end.map(|e| without_seconds(e.trim()));
    }
    Ok(when)
}

/// `16:00-17:30`, `4–5:30pm`, `14:00 至 15:30`, `2 pm to 3 pm`.
fn split_range(text: &str) -> (&str, Option<&str>) {
    for sep in [" to ", "–", "—", "-", "~", "～", "至", "到"] {
        if let Some((a, b)) = text.split_once(sep)
            && !a.trim().is_empty()
            && !b.trim().is_empty()
        {
            return (a, Some(b));
        }
    }
    (text, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Cell {
        Cell::Text(s.into())
    }

    #[test]
    fn dates_as_sheets_hold_them() {
        assert_eq!(date(&Cell::Serial(45456.0), None).unwrap(), "2024-06-13");
        assert_eq!(date(&Cell::Number(45456.0), None).unwrap(), "2024-06-13");
        assert_eq!(date(&Cell::Iso("2024-06-13T00:00:00".into()), None).unwrap(), "2024-06-13");
        assert_eq!(date(&t("2024-06-13"), None).unwrap(), "2024-06-13");
        assert_eq!(date(&t("2024/6/13"), None).unwrap(), "2024-06-13");
        assert_eq!(date(&t("2024年6月13日"), None).unwrap(), "2024-06-13");
        assert_eq!(date(&t("2024年6月13日（周四）"), None).unwrap(), "2024-06-13");
        assert_eq!(date(&t("13/06/2024"), None).unwrap(), "2024-06-13");
        assert_eq!(date(&t("06/13/2024"), None).unwrap(), "2024-06-13");
        assert_eq!(date(&t("13.06.2024"), None).unwrap(), "2024-06-13");
        assert_eq!(date(&t("06/07/2024"), Some(true)).unwrap(), "2024-07-06");
        assert_eq!(date(&t("06/07/2024"), Some(false)).unwrap(), "2024-06-07");
        assert_eq!(date(&t("06/07/2024"), None), Err(Ambiguous));
        assert_eq!(date(&t("June 13, 2024"), None).unwrap(), "2024-06-13");
        assert_eq!(date(&t("Thursday, June 13, 2024"), None).unwrap(), "2024-06-13");
        assert_eq!(date(&t("13 Jun 2024"), None).unwrap(), "2024-06-13");
        assert_eq!(date(&t("2024-02-30"), None).unwrap(), "2024-02-30", "left for the event's check");
        assert_eq!(date(&t("next Tuesday"), None).unwrap(), "next Tuesday");
    }

    #[test]
    fn times_as_sheets_hold_them() {
        assert_eq!(time(&Cell::Serial(16.0 / 24.0)), "16:00");
        assert_eq!(time(&Cell::Number(0.6875)), "16:30");
        assert_eq!(time(&Cell::Iso("PT16H30M00S".into())), "16:30");
        assert_eq!(time(&Cell::Iso("1899-12-30T09:05:00".into())), "09:05");
        assert_eq!(time(&t("16:00:00")), "16:00");
        assert_eq!(time(&t("4pm")), "4pm");
        assert_eq!(time(&Cell::Number(16.0)), "16");
    }

    #[test]
    fn one_cell_with_date_and_times() {
        let w = when(&t("2024年6月13日（周四）14:00-15:30"), None).unwrap();
        assert_eq!(w, When { date: Some("2024-06-13".into()), start: Some("14:00".into()), end: Some("15:30".into()) });
        let w = when(&t("Thu, June 13, 2024 4 pm to 5:30 pm"), None).unwrap();
        assert_eq!(w.date.as_deref(), Some("2024-06-13"));
        assert_eq!((w.start.as_deref(), w.end.as_deref()), (Some("4 pm"), Some("5:30 pm")));
        let w = when(&t("16:00–17:30"), None).unwrap();
        assert_eq!((w.date, w.start.as_deref(), w.end.as_deref()), (None, Some("16:00"), Some("17:30")));
        let w = when(&Cell::Serial(45456.0 + 16.0 / 24.0), None).unwrap();
        assert_eq!((w.date.as_deref(), w.start.as_deref()), (Some("2024-06-13"), Some("16:00")));
        let w = when(&t("2024-06-13 16:00"), None).unwrap();
        assert_eq!((w.date.as_deref(), w.start.as_deref(), w.end), (Some("2024-06-13"), Some("16:00"), None));
    }
}
