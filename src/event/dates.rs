//! The talk's time, printed in Chinese and English. The weekday is computed
//! from the date, never typed by the user.

use jiff::civil::{Date, Time, Weekday};

use super::model::{Lang, When};

/// The weekday's name in a CJK language: `星期四`, `木`, `목`.
fn weekday_cjk(lang: Lang, w: Weekday) -> &'static str {
    let i = w.to_monday_zero_offset() as usize;
    match lang {
        Lang::Ja => ["月", "火", "水", "木", "金", "土", "日"][i],
        Lang::Ko => ["월", "화", "수", "목", "금", "토", "일"][i],
        _ => ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"][i],
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
    format!("{}年{}月{}日 {}", d.year(), d.month(), d.day(), weekday_cjk(Lang::Zh, d.weekday()))
}

/// `Thursday, June 13, 2024`
pub fn date_en(d: Date) -> String {
    d.strftime("%A, %B %-d, %Y").to_string()
}

/// The date in `lang`: `Thursday, June 13, 2024`, `2024年6月13日 星期四`,
/// `2024年6月13日（木）`, `2024년 6월 13일 (목)`.
pub fn date_in(lang: Lang, d: Date) -> String {
    match lang {
        Lang::En => date_en(d),
        Lang::Zh => date_zh(d),
        Lang::Ja => format!("{}年{}月{}日（{}）", d.year(), d.month(), d.day(), weekday_cjk(Lang::Ja, d.weekday())),
        Lang::Ko => format!("{}년 {}월 {}일 ({})", d.year(), d.month(), d.day(), weekday_cjk(Lang::Ko, d.weekday())),
    }
}

/// The day in a list of talks, without the year: `Thu, Jun 13`,
/// `6月13日 星期四`, `6月13日（木）`, `6월 13일 (목)`.
pub fn day_in(lang: Lang, d: Date) -> String {
    match lang {
        Lang::En => d.strftime("%a, %b %-d").to_string(),
        Lang::Zh => format!("{}月{}日 {}", d.month(), d.day(), weekday_cjk(Lang::Zh, d.weekday())),
        Lang::Ja => format!("{}月{}日（{}）", d.month(), d.day(), weekday_cjk(Lang::Ja, d.weekday())),
        Lang::Ko => format!("{}월 {}일 ({})", d.month(), d.day(), weekday_cjk(Lang::Ko, d.weekday())),
    }
}

/// A date without its weekday: `June 13, 2024`, `2024年6月13日`, `2024년 6월 13일`.
fn plain_date_in(lang: Lang, d: Date) -> String {
    match lang {
        Lang::En => d.strftime("%B %-d, %Y").to_string(),
        Lang::Zh | Lang::Ja => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
        Lang::Ko => format!("{}년 {}월 {}일", d.year(), d.month(), d.day()),
    }
}

/// The span of a series: `June 13, 2024 – December 4, 2025`, or one date.
pub fn date_range_in(lang: Lang, first: Date, last: Date) -> String {
    if first == last {
        plain_date_in(lang, first)
    } else {
        format!("{} – {}", plain_date_in(lang, first), plain_date_in(lang, last))
    }
}

/// The date and time in `lang`: `Thursday, June 13, 2024 · 16:00–17:30`,
/// `2024年6月13日 星期四 16:00–17:30`, `2024年6月13日（木）16:00–17:30`,
/// `2024년 6월 13일 (목) 16:00–17:30`.
pub fn when_in(lang: Lang, w: &When) -> String {
    let (date, time) = (date_in(lang, w.date), time_range(w.start, w.end));
    match lang {
        Lang::En => format!("{date} · {time}"),
        Lang::Ja => format!("{date}{time}"),
        Lang::Zh | Lang::Ko => format!("{date} {time}"),
    }
}

/// `2024年6月13日 星期四 16:00–17:30`
pub fn when_zh(w: &When) -> String {
    when_in(Lang::Zh, w)
}

/// `Thursday, June 13, 2024 · 16:00–17:30`
pub fn when_en(w: &When) -> String {
    when_in(Lang::En, w)
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
    fn japanese_and_korean_dates() {
        let w = when(date(2024, 6, 13), time(16, 0, 0, 0), Some(time(17, 30, 0, 0)));
        assert_eq!(when_in(Lang::Ja, &w), "2024年6月13日（木）16:00–17:30");
        assert_eq!(when_in(Lang::Ko, &w), "2024년 6월 13일 (목) 16:00–17:30");
        assert_eq!(date_in(Lang::Ja, date(2024, 6, 16)), "2024年6月16日（日）");
    }

    #[test]
    fn early_hours_are_zero_padded() {
        assert_eq!(hhmm(time(9, 5, 0, 0)), "09:05");
    }
}
