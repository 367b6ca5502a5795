//! Dates as people type them (`2024/6/13`, `13/06/2024`, `13.06.2024`,
//! `2024年6月13日（周四）`, `June 13, 2024`, `Thursday, 13 June 2024`,
//! `20240613`): read into `YYYY-MM-DD` for a schedule sheet's cells, and
//! for the error that tells an event file's author which `YYYY-MM-DD` to
//! write (the event format takes that form alone).

use jiff::civil::{Date, Weekday};

/// A date written `13/06/2024` where either order reads: which is meant
/// must be said.
#[derive(Debug, PartialEq, Eq)]
pub struct Ambiguous;

/// Whether a date written with slashes shows its order: `25/06/2024` is
/// day first, `06/25/2024` month first, `06/07/2024` neither.
pub fn order_shown(text: &str) -> Option<bool> {
    let parts = numbers(text.trim())?;
    if parts[0] > 31 {
        return None; // year first
    }
    match (parts[0] > 12, parts[1] > 12) {
        (true, false) => Some(true),
        (false, true) => Some(false),
        _ => None,
    }
}

/// Three numbers separated by `/`, `-` or `.`.
fn numbers(text: &str) -> Option<[u32; 3]> {
    let sep = ['/', '-', '.'].into_iter().find(|c| text.contains(*c))?;
    let parts: Vec<u32> = text.split(sep).map(|p| p.trim().parse().ok()).collect::<Option<_>>()?;
    <[u32; 3]>::try_from(parts).ok()
}

/// A date typed as text, in `YYYY-MM-DD` form (not checked to exist);
/// `None` when not understood. `day_first` says how `06/07/2024` reads.
pub fn text_date(text: &str, day_first: Option<bool>) -> Result<Option<String>, Ambiguous> {
    let text = without_weekday(text);
    let text = text.trim().trim_end_matches(['日', '号']).replace(['年', '月'], "-");
    let text = text.trim();
    if let Some([a, b, c]) = numbers(text) {
        let dotted = text.contains('.') && a <= 31;
        let (y, m, d) = if a > 31 {
            (a, b, c)
        } else if c > 31 {
            let day_first = if dotted { Some(true) } else { day_first.or_else(|| order_shown(text)) };
            match day_first {
                Some(true) => (c, b, a),
                Some(false) => (c, a, b),
                None if a == b => (c, a, b),
                None => return Err(Ambiguous),
            }
        } else {
            return Ok(None);
        };
        return Ok(Some(format!("{y:04}-{m:02}-{d:02}")));
    }
    for format in
        ["%B %d, %Y", "%B %d %Y", "%b %d, %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y", "%d %B, %Y", "%b. %d, %Y", "%Y%m%d"]
    {
        if let Ok(date) = Date::strptime(format, text) {
            return Ok(Some(date.to_string()));
        }
    }
    Ok(None)
}

/// Weekdays as English writes them, Monday first.
const WEEKDAYS: [&[&str]; 7] = [
    &["monday", "mon"],
    &["tuesday", "tue", "tues"],
    &["wednesday", "wed"],
    &["thursday", "thu", "thur", "thurs"],
    &["friday", "fri"],
    &["saturday", "sat"],
    &["sunday", "sun"],
];
/// Chinese weekdays: one of these, then 一 to 六, or 日 or 天 (Sunday).
const WEEK_WORDS: [&str; 4] = ["星期", "周", "週", "礼拜"];
const WEEKDAY_SIGNS: &str = "一二三四五六日天";

/// The weekday an English word names (`Thu,` `thursday`).
fn english_weekday(word: &str) -> Option<Weekday> {
    let word = word.trim_matches([',', '.', '(', ')']).to_lowercase();
    let i = WEEKDAYS.iter().position(|names| names.contains(&word.as_str()))?;
    Weekday::from_monday_zero_offset(i as i8).ok()
}

/// Where the first Chinese weekday (`周四`, `星期日`) is in `text`, and which.
fn chinese_weekday(text: &str) -> Option<(std::ops::Range<usize>, Weekday)> {
    text.char_indices().find_map(|(at, _)| {
        let rest = &text[at..];
        let word = WEEK_WORDS.iter().find(|w| rest.starts_with(**w))?;
        let sign = rest[word.len()..].chars().next().filter(|c| WEEKDAY_SIGNS.contains(*c))?;
        // 日 and 天 are both Sunday.
        let i = WEEKDAY_SIGNS.chars().position(|c| c == sign)?.min(6);
        Some((at..at + word.len() + sign.len_utf8(), Weekday::from_monday_zero_offset(i as i8).ok()?))
    })
}

/// Drops a weekday written beside a date: `（周四）`, `(Thu)`, `星期四`,
/// `Thursday,`.
pub fn without_weekday(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0;
    for c in text.chars() {
        match c {
            '(' | '（' => depth += 1,
            ')' | '）' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    let words: Vec<&str> = out.split_whitespace().filter(|w| english_weekday(w).is_none()).collect();
    let mut joined = words.join(" ");
    while let Some((at, _)) = chinese_weekday(&joined) {
        joined.replace_range(at, " ");
    }
    joined
}

/// The weekday written beside a date, if any (in brackets or not).
fn weekday_written(text: &str) -> Option<Weekday> {
    let spaced = text.replace(['(', ')', '（', '）', ','], " ");
    spaced.split_whitespace().find_map(english_weekday).or_else(|| chinese_weekday(text).map(|(_, w)| w))
}

/// What to write instead of `written`, when it is a real date in another
/// form: `write it as 2024-06-13 (YYYY-MM-DD)`; both readings when its day
/// and month could be either way round; a weekday written with it that is
/// not the date's is pointed out.
pub fn suggestion(written: &str) -> Option<String> {
    let real = |read: Result<Option<String>, Ambiguous>| read.ok().flatten()?.parse::<Date>().ok();
    match text_date(written, None) {
        Err(Ambiguous) => {
            let (a, b) = (real(text_date(written, Some(false)))?, real(text_date(written, Some(true)))?);
            let (a, b) = (a.min(b), a.max(b));
            let long = |d: Date| d.strftime("%-d %B %Y").to_string();
            Some(format!("write it as YYYY-MM-DD: {a} for {}, {b} for {}", long(a), long(b)))
        }
        read => {
            let date = real(read)?;
            let weekday = wrong_weekday(written, date)
                .map(|days| format!("; it is {days} (the poster prints the weekday from the date)"))
                .unwrap_or_default();
            Some(format!("write it as {date} (YYYY-MM-DD){weekday}"))
        }
    }
}

/// When `written` names a weekday that is not `date`'s, the two: `a
/// Thursday, not a Friday`.
pub fn wrong_weekday(written: &str, date: Date) -> Option<String> {
    let w = weekday_written(written).filter(|w| *w != date.weekday())?;
    // 1 January 2024 was a Monday.
    let named = jiff::civil::date(2024, 1, 1 + w.to_monday_zero_offset()).strftime("%A");
    Some(format!("a {}, not a {named}", date.strftime("%A")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_forms_people_type_are_read() {
        for written in [
            "2024/6/13",
            "2024/06/13",
            "2024.6.13",
            "2024年6月13日",
            "2024年6月13日（周四）",
            "20240613",
            "June 13, 2024",
            "June 13 2024",
            "13 June 2024",
            "Jun 13, 2024",
            "Jun. 13, 2024",
            "13 Jun 2024",
            "Thursday, June 13, 2024",
            "Thu, 13 Jun 2024",
            "13.06.2024",
            "13-06-2024",
            "13/06/2024",
            "6/13/2024",
            " 2024/6/13 ",
        ] {
            assert_eq!(suggestion(written).as_deref(), Some("write it as 2024-06-13 (YYYY-MM-DD)"), "{written}");
        }
    }

    #[test]
    fn a_day_and_month_either_way_round_give_both_dates() {
        assert_eq!(text_date("6/7/2024", None), Err(Ambiguous));
        assert_eq!(
            suggestion("6/7/2024").unwrap(),
            "write it as YYYY-MM-DD: 2024-06-07 for 7 June 2024, 2024-07-06 for 6 July 2024"
        );
        assert_eq!(suggestion("7/7/2024").unwrap(), "write it as 2024-07-07 (YYYY-MM-DD)", "the same both ways");
    }

    #[test]
    fn what_is_no_date_or_no_real_one_gives_none() {
        for written in ["next Thursday", "2024/2/30", "13/13/2024", "", "2024", "16:00"] {
            assert_eq!(suggestion(written), None, "{written}");
        }
    }

    #[test]
    fn a_wrong_weekday_is_said_beside_the_date() {
        let s = "write it as 2024-06-13 (YYYY-MM-DD); it is a Thursday, not a Friday (the poster prints the weekday from the date)";
        assert_eq!(suggestion("Friday, June 13, 2024").unwrap(), s);
        assert_eq!(suggestion("2024年6月13日（周五）").unwrap(), s);
        assert_eq!(suggestion("2024年6月16日 星期日").unwrap(), "write it as 2024-06-16 (YYYY-MM-DD)");
        assert_eq!(without_weekday("周末 星期天"), "周末  ", "a weekday after another 周");
    }

    #[test]
    fn order_is_seen_where_a_part_is_over_twelve() {
        assert_eq!(order_shown("25/06/2024"), Some(true));
        assert_eq!(order_shown("06/25/2024"), Some(false));
        assert_eq!(order_shown("06/07/2024"), None);
        assert_eq!(order_shown("2024/06/25"), None);
    }
}
