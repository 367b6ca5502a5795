//! The talk's date and time in each language. Dates, month and weekday
//! names come from CLDR through ICU4X (`Donnerstag, 13. Juni 2024`,
//! `الخميس، ١٣ يونيو ٢٠٢٤`); the weekday is always computed from the date,
//! never typed by the user. Chinese, Japanese and Korean posters join the
//! date and the weekday the way their flyers do (`2024年6月13日 星期四`,
//! `2024年6月13日（木）`), from the same CLDR names. Times are on the 24-hour
//! clock in the language's digits.

use icu_calendar::{Date as IcuDate, Gregorian};
use icu_datetime::FixedCalendarDateTimeFormatter;
use icu_datetime::fieldsets::{D, E, MD, MDE, YMD, YMDE};
use icu_datetime::options::Length;
use icu_locale_core::Locale;
use jiff::civil::{Date, Time};

use crate::event::{Lang, When};

/// The CLDR locale of a poster language.
fn locale(lang: Lang) -> Locale {
    let tag = match lang {
        Lang::ZhHant => "zh-Hant-TW",
        Lang::ZhHk => "zh-Hant-HK",
        other => other.code(),
    };
    tag.parse().unwrap_or(Locale::UNKNOWN)
}

fn icu(d: Date) -> Option<IcuDate<Gregorian>> {
    IcuDate::try_new_gregorian(i32::from(d.year()), d.month() as u8, d.day() as u8).ok()
}

/// `d` formatted with a field set (`YMDE::long()`) in `lang`; ISO 8601 if
/// CLDR has no data (it has for every poster language).
macro_rules! cldr {
    ($lang:expr, $d:expr, $fields:expr) => {{
        let d: Date = $d;
        FixedCalendarDateTimeFormatter::<Gregorian, _>::try_new(locale($lang).into(), $fields)
            .ok()
            .zip(icu(d))
            .map(|(f, date)| f.format(&date).to_string())
            .unwrap_or_else(|| d.to_string())
    }};
}

/// The weekday's name: `Thursday`, `星期四`; short: `Thu`, `木`.
fn weekday(lang: Lang, d: Date, short: bool) -> String {
    if short { cldr!(lang, d, E::short()) } else { cldr!(lang, d, E::long()) }
}

/// Whether the language joins a date and its weekday itself (CJK) rather
/// than as CLDR writes them.
fn cjk(lang: Lang) -> bool {
    lang.is_chinese() || matches!(lang, Lang::Ja | Lang::Ko)
}

/// The language's digits, 0 to 9, as CLDR writes them in its dates
/// (Western digits in most; Persian `۰۱۲…` and Bengali `০১২…` in theirs).
fn digits(lang: Lang) -> [char; 10] {
    // The day of the month 13, alone: its first character is one.
    let thirteen = cldr!(lang, jiff::civil::date(2024, 6, 13), D::short());
    let one = thirteen.chars().find(|c| c.is_numeric()).unwrap_or('1');
    let zero = one as u32 - 1;
    std::array::from_fn(|i| {
        char::from_u32(zero + i as u32).filter(|c| c.is_numeric()).unwrap_or((b'0' + i as u8) as char)
    })
}

/// Western digits in `s` written in `lang`'s digits.
fn localized_digits(lang: Lang, s: &str) -> String {
    let d = digits(lang);
    s.chars().map(|c| c.to_digit(10).map_or(c, |n| d[n as usize])).collect()
}

/// `s` (a date or time written in `lang`) in Western digits when `western`.
pub fn with_digits(lang: Lang, s: String, western: bool) -> String {
    if !western {
        return s;
    }
    let native = digits(lang);
    s.chars().map(|c| native.iter().position(|d| *d == c).map_or(c, |i| (b'0' + i as u8) as char)).collect()
}

/// `16:00`, always two-digit hours, in Western digits (for data and files).
pub fn hhmm(t: Time) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// `16:00` or `16:00–17:30` (en dash), in Western digits.
pub fn time_range(start: Time, end: Option<Time>) -> String {
    match end {
        Some(end) => format!("{}–{}", hhmm(start), hhmm(end)),
        None => hhmm(start),
    }
}

/// The time range in `lang`'s digits.
pub fn time_range_in(lang: Lang, start: Time, end: Option<Time>) -> String {
    localized_digits(lang, &time_range(start, end))
}

/// The date in `lang`: `Thursday, June 13, 2024`, `Donnerstag, 13. Juni
/// 2024`, `2024年6月13日 星期四`, `2024年6月13日（木）`, `2024년 6월 13일 (목)`.
pub fn date_in(lang: Lang, d: Date) -> String {
    match lang {
        Lang::Ja => format!("{}（{}）", plain_date_in(lang, d), weekday(lang, d, true)),
        Lang::Ko => format!("{} ({})", plain_date_in(lang, d), weekday(lang, d, true)),
        _ if cjk(lang) => format!("{} {}", plain_date_in(lang, d), weekday(lang, d, false)),
        _ => cldr!(lang, d, YMDE::long()),
    }
}

/// The day in a list of talks, without the year: `Thu, Jun 13`,
/// `6月13日 星期四`, `Do., 13. Juni`.
pub fn day_in(lang: Lang, d: Date) -> String {
    match lang {
        Lang::Ja => format!("{}（{}）", cldr!(lang, d, MD::long()), weekday(lang, d, true)),
        Lang::Ko => format!("{} ({})", cldr!(lang, d, MD::long()), weekday(lang, d, true)),
        _ if cjk(lang) => format!("{} {}", cldr!(lang, d, MD::long()), weekday(lang, d, false)),
        _ => cldr!(lang, d, MDE::medium()),
    }
}

/// The day in a list of talks that spans more than one year: `Thu, Jun
/// 13, 2024`, `2024年6月13日 星期四`.
pub fn day_with_year_in(lang: Lang, d: Date) -> String {
    match lang {
        _ if cjk(lang) => date_in(lang, d),
        _ => cldr!(lang, d, YMDE::medium()),
    }
}

/// A date without its weekday: `June 13, 2024`, `2024年6月13日`.
pub fn plain_date_in(lang: Lang, d: Date) -> String {
    cldr!(lang, d, YMD::for_length(Length::Long))
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
/// `2024年6月13日 星期四 16:00–17:30`, `2024年6月13日（木）16:00–17:30`.
pub fn when_in(lang: Lang, w: &When) -> String {
    let (date, time) = (date_in(lang, w.date), time_range_in(lang, w.start, w.end));
    match lang {
        Lang::Ja => format!("{date}{time}"),
        _ if cjk(lang) => format!("{date} {time}"),
        _ => format!("{date} · {time}"),
    }
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
        assert_eq!(when_in(Lang::Zh, &w), "2024年6月13日 星期四 16:00");
        assert_eq!(when_in(Lang::En, &w), "Thursday, June 13, 2024 · 16:00");
    }

    #[test]
    fn end_time_makes_a_range() {
        let w = when(date(2024, 6, 13), time(16, 0, 0, 0), Some(time(17, 30, 0, 0)));
        assert_eq!(when_in(Lang::Zh, &w), "2024年6月13日 星期四 16:00–17:30");
        assert_eq!(when_in(Lang::En, &w), "Thursday, June 13, 2024 · 16:00–17:30");
    }

    #[test]
    fn weekdays_are_computed() {
        // A Sunday, a Monday, and the first day of a year.
        assert_eq!(date_in(Lang::Zh, date(2024, 6, 16)), "2024年6月16日 星期日");
        assert_eq!(date_in(Lang::En, date(2024, 6, 17)), "Monday, June 17, 2024");
        assert_eq!(date_in(Lang::En, date(2025, 1, 1)), "Wednesday, January 1, 2025");
    }

    #[test]
    fn leap_years() {
        assert_eq!(date_in(Lang::En, date(2024, 2, 29)), "Thursday, February 29, 2024");
        assert_eq!(days_in_month(2024, 2), Some(29));
        assert_eq!(days_in_month(2023, 2), Some(28));
        assert_eq!(days_in_month(1900, 2), Some(28));
        assert_eq!(days_in_month(2000, 2), Some(29));
        assert_eq!(date_in(Lang::Zh, date(2000, 2, 29)), "2000年2月29日 星期二");
    }

    #[test]
    fn japanese_and_korean_dates() {
        let w = when(date(2024, 6, 13), time(16, 0, 0, 0), Some(time(17, 30, 0, 0)));
        assert_eq!(when_in(Lang::Ja, &w), "2024年6月13日（木）16:00–17:30");
        assert_eq!(when_in(Lang::Ko, &w), "2024년 6월 13일 (목) 16:00–17:30");
        assert_eq!(date_in(Lang::Ja, date(2024, 6, 16)), "2024年6月16日（日）");
    }

    #[test]
    fn dates_in_every_language_come_from_cldr() {
        let d = date(2024, 6, 13);
        assert_eq!(date_in(Lang::De, d), "Donnerstag, 13. Juni 2024");
        assert_eq!(date_in(Lang::Fr, d), "jeudi 13 juin 2024");
        assert_eq!(date_in(Lang::Es, d), "jueves, 13 de junio de 2024");
        assert_eq!(date_in(Lang::It, d), "giovedì 13 giugno 2024");
        assert_eq!(date_in(Lang::Pt, d), "quinta-feira, 13 de junho de 2024");
        assert_eq!(date_in(Lang::Ru, d), "четверг, 13 июня 2024\u{202f}г.");
        assert_eq!(date_in(Lang::ZhHant, d), "2024年6月13日 星期四");
        assert_eq!(day_in(Lang::En, d), "Thu, Jun 13");
        assert_eq!(day_in(Lang::Zh, d), "6月13日 星期四");
        assert_eq!(day_with_year_in(Lang::En, d), "Thu, Jun 13, 2024");
        for lang in Lang::ALL {
            let s = date_in(lang, d);
            assert!(!s.contains("2024-06-13"), "{lang:?}: no CLDR data: {s}");
        }
    }

    #[test]
    fn times_are_written_in_the_languages_digits() {
        let d = date(2024, 6, 13);
        let w = when(d, time(16, 0, 0, 0), Some(time(17, 30, 0, 0)));
        assert!(when_in(Lang::Fa, &w).ends_with("۱۶:۰۰–۱۷:۳۰"), "{}", when_in(Lang::Fa, &w));
        assert!(when_in(Lang::He, &w).ends_with("16:00–17:30"));
        // The same digits as CLDR's dates in those languages.
        for lang in [Lang::Ar, Lang::Fa, Lang::Bn, Lang::He, Lang::Ur, Lang::Hi, Lang::Th] {
            let date = date_in(lang, d);
            let expected = localized_digits(lang, "13");
            assert!(date.contains(&expected), "{lang:?}: {date} has no {expected}");
        }
    }

    #[test]
    fn western_digits_on_request() {
        let w = when(date(2024, 6, 13), time(16, 0, 0, 0), None);
        let persian = when_in(Lang::Fa, &w);
        assert!(persian.contains("۱۶:۰۰"), "{persian}");
        let western = with_digits(Lang::Fa, persian.clone(), true);
        assert!(western.contains("16:00") && western.contains("13") && western.contains("2024"), "{western}");
        assert_eq!(with_digits(Lang::Fa, persian.clone(), false), persian);
    }

    #[test]
    fn early_hours_are_zero_padded() {
        assert_eq!(hhmm(time(9, 5, 0, 0)), "09:05");
    }
}
