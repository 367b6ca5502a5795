//! The talk's time, printed in Chinese and English. The weekday is computed
//! from the date, never typed by the user.

use jiff::civil::{Date, Time, Weekday};

use super::model::When;

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn weekday_en(w: Weekday) -> &'static str {
    match w {
        Weekday::Monday => "Monday",
        Weekday::Tuesday => "Tuesday",
        Weekday::Wednesday => "Wednesday",
        Weekday::Thursday => "Thursday",
        Weekday::Friday => "Friday",
        Weekday::Saturday => "Saturday",
        Weekday::Sunday => "Sunday",
    }
}

fn weekday_zh(w: Weekday) -> &'static str {
    match w {
        Weekday::Monday => "星期一",
        Weekday::Tuesday => "星期二",
        Weekday::Wednesday => "星期三",
        Weekday::Thursday => "星期四",
        Weekday::Friday => "星期五",
        Weekday::Saturday => "星期六",
        Weekday::Sunday => "星期日",
    }
}

/// `16:00`, always two-digit hours.
pub fn hhmm(t: Time) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// `16:00` or `16:00–17:30` (en dash).
pub fn time_range(start: Time, end: Option<Time>) -> String {
    match end {
        Some(end) => format!("{}–{}", hhmm(start), hhmm(end)),
        None => hhmm(start),
    }
}

/// `2024年6月13日 星期四`
pub fn date_zh(d: Date) -> String {
    format!("{}年{}月{}日 {}", d.year(), d.month(), d.day(), weekday_zh(d.weekday()))
}

/// `Thursday, June 13, 2024`
pub fn date_en(d: Date) -> String {
    let month = MONTHS_EN[(d.month() - 1) as usize];
    format!("{}, {} {}, {}", weekday_en(d.weekday()), month, d.day(), d.year())
}

/// `2024年6月13日 星期四 16:00–17:30`
pub fn when_zh(w: &When) -> String {
    format!("{} {}", date_zh(w.date), time_range(w.start, w.end))
}

/// `Thursday, June 13, 2024 · 16:00–17:30`
pub fn when_en(w: &When) -> String {
    format!("{} · {}", date_en(w.date), time_range(w.start, w.end))
}

/// Days in the given month, for messages about impossible dates.
pub fn days_in_month(year: i16, month: i8) -> Option<i8> {
    Date::new(year, month, 1).ok().map(|d| d.days_in_month())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{date, time};

    fn when(d: Date, start: Time, end: Option<Time>) -> When {
        When { date: d, start, end, timezone: None }
    }

    #[test]
    fn seed_poster_date_in_both_languages() {
        let w = when(date(2024, 6, 13), time(16, 0, 0, 0), None);
        assert_eq!(when_zh(&w), "2024年6月13日 星期四 16:00");
        assert_eq!(when_en(&w), "Thursday, June 13, 2024 · 16:00");
    }

    #[test]
    fn end_time_makes_a_range() {
        let w = when(date(2024, 6, 13), time(16, 0, 0, 0), Some(time(17, 30, 0, 0)));
        assert_eq!(when_zh(&w), "2024年6月13日 星期四 16:00–17:30");
        assert_eq!(when_en(&w), "Thursday, June 13, 2024 · 16:00–17:30");
    }

    #[test]
    fn weekdays_are_computed() {
        // A Sunday, a Monday, and the first day of a year.
        assert_eq!(date_zh(date(2024, 6, 16)), "2024年6月16日 星期日");
        assert_eq!(date_en(date(2024, 6, 17)), "Monday, June 17, 2024");
        assert_eq!(date_en(date(2025, 1, 1)), "Wednesday, January 1, 2025");
    }

    #[test]
    fn leap_years() {
        assert_eq!(date_en(date(2024, 2, 29)), "Thursday, February 29, 2024");
        assert_eq!(days_in_month(2024, 2), Some(29));
        assert_eq!(days_in_month(2023, 2), Some(28));
        assert_eq!(days_in_month(1900, 2), Some(28));
        assert_eq!(days_in_month(2000, 2), Some(29));
        assert_eq!(date_zh(date(2000, 2, 29)), "2000年2月29日 星期二");
    }

    #[test]
    fn early_hours_are_zero_padded() {
        assert_eq!(hhmm(time(9, 5, 0, 0)), "09:05");
    }
}
