//! Times of day as announcements write them: `16:00`, `4:30 p.m.`,
//! `18h30`, `18 Uhr`, `下午3点半`, `午後3時`, `오후 2시 30분`, `۱۷:۰۰`. Each
//! form is one whose meaning is clear; a bare `16` is not (an hour? a
//! room?), and a time zone belongs in `time.timezone`, not in the time.
//!
//! The event schema's pattern for a time (`pattern`) accepts the same
//! forms; a test compares the two, form by form.

/// Why a text is not a time of day.
#[derive(Debug, PartialEq)]
pub enum ClockError {
    /// Not a time at all.
    Shape,
    /// `25:00`, `16:75`.
    OutOfRange,
    /// `13pm`: with am or pm the hour goes from 1 to 12.
    TwelveHour,
    /// `2:30 PM EDT`, `北京时间 15:00`: a time zone written into the time
    /// (the abbreviation as written).
    Zone(String),
}

/// What to do about a text that is not a time at all.
pub const HELP: &str =
    "write the time as HH:MM in 24-hour time, e.g. \"16:00\" (4pm, 16.00, 16h00, 16 Uhr and 下午4点 work too)";

impl ClockError {
    /// What is wrong with `written` (said after it) and what to do.
    pub fn explain(&self, written: &str) -> (&'static str, String) {
        match self {
            ClockError::OutOfRange => {
                ("is not a time of day", "hours go from 00 to 23 and minutes from 00 to 59".to_string())
            }
            ClockError::TwelveHour if written.is_ascii() => {
                ("is not a time of day", "with am or pm the hour goes from 1 to 12: write 4pm, or 16:00".to_string())
            }
            ClockError::TwelveHour => (
                "is not a time of day",
                "after 上午 or 下午 the hour goes from 1 to 12 (after 中午 from 11 to 2): write 下午4点, or 16:00"
                    .to_string(),
            ),
            ClockError::Shape => ("is not a time in the form HH:MM", HELP.to_string()),
            ClockError::Zone(zone) => {
                let help = match zone_name_for(zone) {
                    Some(name) => format!("write the time alone, and the zone in `time` as `timezone: {name}`"),
                    None => {
                        "write the time alone, and the zone in `time` as an IANA name, e.g. `timezone: Europe/Paris`"
                            .to_string()
                    }
                };
                ("has a time zone in it", help)
            }
        }
    }
}

/// The digit zero of each script whose digits a time may be written in
/// (ASCII, Arabic-Indic, Persian and Urdu, Devanagari, Bengali, Thai,
/// full-width); nine follows nine code points on.
const ZEROS: [char; 7] = ['0', '\u{660}', '\u{6F0}', '\u{966}', '\u{9E6}', '\u{E50}', '\u{FF10}'];

/// Words before the hour that say which half of the day it is in (Chinese,
/// Japanese, Korean), and which.
const BEFORE: [(&str, Half); 16] = [
    ("上午", Half::Am),
    ("早上", Half::Am),
    ("早晨", Half::Am),
    ("凌晨", Half::Am),
    ("午前", Half::Am),
    ("오전", Half::Am),
    ("中午", Half::Noon),
    ("下午", Half::Pm),
    ("傍晚", Half::Pm),
    ("晚上", Half::Pm),
    ("夜里", Half::Pm),
    ("夜裡", Half::Pm),
    ("夜間", Half::Pm),
    ("夜间", Half::Pm),
    ("午後", Half::Pm),
    ("오후", Half::Pm),
];

/// "Beijing time", simplified and traditional: a zone, when written in a time.
const BEIJING_TIME: [&str; 2] = ["北京时间", "北京時間"];

/// Signs after the hour (点, 時, 시) and after the minutes (分, 분).
const HOUR_SIGNS: [char; 5] = ['点', '點', '時', '时', '시'];
const MINUTE_SIGNS: [char; 2] = ['分', '분'];

#[derive(Debug, Clone, Copy, PartialEq)]
enum Half {
    /// `am`, `上午`: the hour from 1 to 12 (`凌晨0点` too).
    Am,
    /// `pm`, `下午`: the hour from 1 to 12; after a word (`下午15:00`) a
    /// 24-hour hour too.
    Pm,
    /// `中午`: 11, 12, 1 or 2 o'clock around noon.
    Noon,
}

/// A time of day as (hour, minute) in 24-hour time.
pub fn parse(written: &str) -> Result<(i8, i8), ClockError> {
    let text: String = written.trim().chars().map(ascii_digit).map(|c| if c == '：' { ':' } else { c }).collect();
    if let Some(zone) = zone_in(&text) {
        return Err(ClockError::Zone(zone));
    }
    let lower = text.to_lowercase();
    // A word before the hour (下午), or am/pm after it (4:30 p.m.).
    let (rest, half) = match BEFORE.iter().find_map(|(w, h)| lower.strip_prefix(w).map(|r| (r, *h))) {
        Some((rest, half)) => (rest, Some(Said::Before(half))),
        None => match meridiem_after(&lower) {
            Some((rest, half)) => (rest, Some(Said::After(half))),
            None => (lower.as_str(), None),
        },
    };
    // Spaces between the parts do not matter (`16 h 30`, `오후 2시 30분`);
    // inside a number they do (`1 6:00`).
    let chars: Vec<char> = rest.chars().collect();
    let split_number = chars.windows(3).any(|w| w[0].is_ascii_digit() && w[1].is_whitespace() && w[2].is_ascii_digit());
    let compact: String = chars.iter().filter(|c| !c.is_whitespace()).collect();
    if half.is_none() && (compact == "noon" || compact == "12noon") {
        return Ok((12, 0));
    }
    if split_number {
        return Err(ClockError::Shape);
    }
    let (hour, minute, form) = hour_and_minute(&compact).ok_or(ClockError::Shape)?;
    // Which forms go with what: `4pm` and `4:30pm` (not `16h pm`); `下午3点`
    // and `下午3:00` (not `下午3`); alone, all but a bare hour (`16`).
    let fits = match half {
        Some(Said::After(_)) => matches!(form, Form::Hour | Form::Colon),
        Some(Said::Before(_)) => matches!(form, Form::Colon | Form::Signs),
        None => form != Form::Hour,
    };
    if !fits {
        return Err(ClockError::Shape);
    }
    if !(0..60).contains(&minute) {
        return Err(ClockError::OutOfRange);
    }
    let hour = match half {
        None if (0..24).contains(&hour) => hour,
        None => return Err(ClockError::OutOfRange),
        Some(Said::After(Half::Am)) if (1..=12).contains(&hour) => hour % 12,
        Some(Said::After(_)) if (1..=12).contains(&hour) => hour % 12 + 12,
        Some(Said::After(_)) => return Err(ClockError::TwelveHour),
        Some(Said::Before(half)) => match half {
            Half::Am if (0..=12).contains(&hour) => hour % 12,
            Half::Pm if (1..=12).contains(&hour) => hour % 12 + 12,
            Half::Pm if (13..24).contains(&hour) => hour,
            Half::Noon if (11..=12).contains(&hour) => hour,
            Half::Noon if (1..=2).contains(&hour) => hour + 12,
            _ if (0..24).contains(&hour) => return Err(ClockError::TwelveHour),
            _ => return Err(ClockError::OutOfRange),
        },
    };
    Ok((hour, minute))
}

/// Where the half of the day was said: a word before the hour, am/pm after.
#[derive(Debug, Clone, Copy)]
enum Said {
    Before(Half),
    After(Half),
}

/// How hours and minutes were written.
#[derive(Debug, PartialEq)]
enum Form {
    /// `4` (of `4pm`).
    Hour,
    /// `16:00`, `16.00`.
    Colon,
    /// `16h30`, `16h`, `18 Uhr`, `18:15 Uhr`.
    Western,
    /// `3点`, `3点半`, `15时30分`, `2시30분`.
    Signs,
}

/// A digit of another script as its ASCII digit; other characters as they are.
fn ascii_digit(c: char) -> char {
    ZEROS
        .iter()
        .find_map(|&zero| {
            let offset = (c as u32).checked_sub(zero as u32).filter(|o| *o <= 9)?;
            char::from_digit(offset, 10)
        })
        .unwrap_or(c)
}

/// `am`, `a.m.`, `pm`, `p.m.`, `p. m.` (Spanish; each dot optional) at
/// the end: the text before it and the half.
fn meridiem_after(lower: &str) -> Option<(&str, Half)> {
    let t = lower.strip_suffix('.').unwrap_or(lower).strip_suffix('m')?.trim_end();
    let t = t.strip_suffix('.').unwrap_or(t);
    t.strip_suffix('a').map(|r| (r, Half::Am)).or_else(|| t.strip_suffix('p').map(|r| (r, Half::Pm)))
}

/// The hour and minutes of a compact time (no spaces, lower case), and how
/// they were written: `4`, `16:00`, `16.00`, `16h30`, `16h`, `18uhr`,
/// `18.15uhr`, `3点`, `3点半`, `15时30分`, `2시30분`.
fn hour_and_minute(compact: &str) -> Option<(i8, i8, Form)> {
    let (hours, rest) = split_digits(compact)?;
    let hour: i8 = hours.parse().ok()?;
    let mut chars = rest.chars();
    let (minute, form) = match chars.next() {
        None => (0, Form::Hour),
        Some(sep @ (':' | '.' | 'h')) => {
            let after = chars.as_str();
            match split_digits(after) {
                Some((minutes, tail)) if minutes.len() == 2 && (tail.is_empty() || tail == "uhr") => {
                    let form = if sep == 'h' || !tail.is_empty() { Form::Western } else { Form::Colon };
                    (minutes.parse().ok()?, form)
                }
                None if sep == 'h' && after.is_empty() => (0, Form::Western),
                _ => return None,
            }
        }
        Some('u') if rest == "uhr" => (0, Form::Western),
        Some(sign) if HOUR_SIGNS.contains(&sign) => {
            let after = chars.as_str();
            let minute = if after.is_empty() {
                0
            } else if after == "半" {
                30
            } else {
                let (minutes, tail) = split_digits(after)?;
                let mut tail = tail.chars();
                match (tail.next(), tail.next()) {
                    (None, _) => minutes.parse().ok()?,
                    (Some(m), None) if MINUTE_SIGNS.contains(&m) => minutes.parse().ok()?,
                    _ => return None,
                }
            };
            (minute, Form::Signs)
        }
        Some(_) => return None,
    };
    Some((hour, minute, form))
}

/// One or two ASCII digits at the start, and what follows.
fn split_digits(s: &str) -> Option<(&str, &str)> {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    (1..=2).contains(&n).then(|| s.split_at(n))
}

/// A time zone written into a time: an abbreviation in capitals after it
/// (`EDT`, `CET`), an offset (`UTC+8`, `GMT-5`), or `北京时间`.
fn zone_in(text: &str) -> Option<String> {
    if let Some(word) = BEIJING_TIME.iter().find(|w| text.contains(**w)) {
        return Some(word.to_string());
    }
    // The last of at least two words.
    let mut words = text.split_whitespace();
    let last = words.next_back().filter(|_| words.next().is_some())?;
    let last = last.trim_matches(|c| c == '(' || c == ')');
    let letters = last.chars().take_while(char::is_ascii_uppercase).count();
    let (name, offset) = last.split_at(letters);
    let is_zone = (2..=5).contains(&letters)
        && !["AM", "PM", "UHR", "NOON"].contains(&name)
        && (offset.is_empty() || (name == "UTC" || name == "GMT") && offset.starts_with(['+', '-', '−']));
    is_zone.then(|| last.to_string())
}

/// The IANA name to write in `time.timezone` for an abbreviation written
/// in a time, where one is meant nearly everywhere it is written.
fn zone_name_for(abbreviation: &str) -> Option<&'static str> {
    Some(match abbreviation {
        w if BEIJING_TIME.contains(&w) => "Asia/Shanghai",
        "EST" | "EDT" | "ET" => "America/New_York",
        "PST" | "PDT" | "PT" => "America/Los_Angeles",
        "CET" | "CEST" => "Europe/Berlin",
        "BST" => "Europe/London",
        "JST" => "Asia/Tokyo",
        "KST" => "Asia/Seoul",
        "HKT" => "Asia/Hong_Kong",
        "UTC" | "GMT" => "UTC",
        _ => return None,
    })
}

/// The event schema's pattern for a time written as text: the forms that
/// [`parse`] reads, hours and minutes in range (digits of any script it
/// knows). JSON Schema patterns have no flags, hence `[hH]`.
pub fn pattern() -> String {
    // A digit from `lo` to `hi` in every script.
    let d = |lo: u32, hi: u32| -> String {
        let ranges: String = ZEROS
            .iter()
            .map(|&z| {
                let at = |n: u32| char::from_u32(z as u32 + n).expect("a digit");
                format!("{}-{}", at(lo), at(hi))
            })
            .collect();
        format!("[{ranges}]")
    };
    let any = d(0, 9);
    let minute = format!("{}{any}", d(0, 5));
    let h24 = format!("(?:{}?{any}|{}{})", d(0, 1), d(2, 2), d(0, 3));
    let h12 = format!("(?:{}?{}|{}{})", d(0, 0), d(1, 9), d(1, 1), d(0, 2));
    let sep = "[:.：]";
    let s = r"\s*";
    // After an hour sign: minutes (1 or 2 digits), perhaps their sign, or 半.
    let signs = format!(
        "{s}[{}](?:{s}(?:{}?{any}{s}[{}]?|半))?",
        HOUR_SIGNS.iter().collect::<String>(),
        d(0, 5),
        MINUTE_SIGNS.iter().collect::<String>()
    );
    let words = |half: Half| BEFORE.iter().filter(|(_, h)| *h == half).map(|(w, _)| *w).collect::<Vec<_>>().join("|");
    let am_hour = format!("(?:{}?{any}|{}{})", d(0, 0), d(1, 1), d(0, 2));
    let pm_hour = format!("(?:{h12}|{}{}|{}{})", d(1, 1), d(3, 9), d(2, 2), d(0, 3));
    let noon_hour = format!("(?:{}{}|{}?{})", d(1, 1), d(1, 2), d(0, 0), d(1, 2));
    let tail = |hour: &str| format!("{hour}(?:{s}{sep}{s}{minute}|{signs})");
    let forms = [
        // 16:00, 16.00, 16h30, 16h, 18 Uhr, 18:15 Uhr
        format!("{h24}{s}(?:{sep}|[hH]){s}{minute}(?:{s}[uU][hH][rR])?"),
        format!("{h24}{s}(?:[hH]|[uU][hH][rR])"),
        // 4pm, 4:30 p.m.
        format!("{h12}(?:{s}{sep}{s}{minute})?{s}[aApP]\\.?{s}[mM]\\.?"),
        // noon, 12 noon
        format!("(?:12{s})?[nN][oO][oO][nN]"),
        // 15点30分, 3点半
        format!("{h24}{signs}"),
        // 上午10点, 下午3:00, 中午12点, 오후 2시 30분
        format!("(?:{}){s}{}", words(Half::Am), tail(&am_hour)),
        format!("(?:{}){s}{}", words(Half::Pm), tail(&pm_hour)),
        format!("(?:{}){s}{}", words(Half::Noon), tail(&noon_hour)),
    ];
    format!(r"^\s*(?:{})\s*$", forms.join("|"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_in_the_forms_people_write() {
        for (written, expected) in [
            ("16:00", (16, 0)),
            ("9:05", (9, 5)),
            ("16.00", (16, 0)),
            ("4pm", (16, 0)),
            ("4 PM", (16, 0)),
            ("4:30pm", (16, 30)),
            ("4:30 p.m.", (16, 30)),
            ("10 a.m.", (10, 0)),
            ("7 p. m.", (19, 0)),
            ("12am", (0, 0)),
            ("12pm", (12, 0)),
            ("12:15 AM", (0, 15)),
            ("noon", (12, 0)),
            ("12 noon", (12, 0)),
            // French, German
            ("18h30", (18, 30)),
            ("18H30", (18, 30)),
            ("16 h 30", (16, 30)),
            ("16h", (16, 0)),
            ("18 Uhr", (18, 0)),
            ("18:00 Uhr", (18, 0)),
            ("18.15 Uhr", (18, 15)),
            // Chinese, Japanese, Korean
            ("上午10点", (10, 0)),
            ("下午3:00", (15, 0)),
            ("下午3点半", (15, 30)),
            ("下午 3 点 05 分", (15, 5)),
            ("下午15:00", (15, 0)),
            ("晚上7点", (19, 0)),
            ("中午12点", (12, 0)),
            ("中午1点半", (13, 30)),
            ("凌晨0点", (0, 0)),
            ("15点30分", (15, 30)),
            ("14：30", (14, 30)),
            ("13時30分", (13, 30)),
            ("午後3時", (15, 0)),
            ("오후 2시", (14, 0)),
            ("오후 2시 30분", (14, 30)),
            ("오전 10시", (10, 0)),
            ("14시", (14, 0)),
            // Digits of other scripts
            ("۱۷:۰۰", (17, 0)),
            ("١٧:٣٠", (17, 30)),
            ("１６：００", (16, 0)),
            ("१६:००", (16, 0)),
        ] {
            assert_eq!(parse(written), Ok(expected), "{written}");
        }
    }

    #[test]
    fn what_is_not_a_time_says_why() {
        for out_of_range in ["25:00", "16:75", "24:00", "下午25点", "3点75分"] {
            assert_eq!(parse(out_of_range), Err(ClockError::OutOfRange), "{out_of_range}");
        }
        for twelve in ["13pm", "0am", "中午5点"] {
            assert_eq!(parse(twelve), Err(ClockError::TwelveHour), "{twelve}");
        }
        for shape in [
            "16",
            "4",
            "16:0",
            "16:000",
            "1600",
            "4 o'clock",
            "",
            "pm",
            "h30",
            "16hh",
            "3点半半",
            "下午",
            "16:00:00",
            "1 noon",
        ] {
            assert_eq!(parse(shape), Err(ClockError::Shape), "{shape}");
        }
        assert_eq!(parse("2:30 PM EDT"), Err(ClockError::Zone("EDT".into())));
        assert_eq!(parse("16:00 UTC+8"), Err(ClockError::Zone("UTC+8".into())));
        assert_eq!(parse("北京时间 15:00"), Err(ClockError::Zone("北京时间".into())));
        assert_eq!(parse("4 PM"), Ok((16, 0)), "PM is not a zone");
        assert_eq!(zone_name_for("EDT"), Some("America/New_York"));
    }

    #[test]
    fn every_digit_of_every_script_reads_as_its_value() {
        for zero in ZEROS {
            for n in 0..10 {
                let c = char::from_u32(zero as u32 + n).unwrap();
                assert_eq!(ascii_digit(c), char::from_digit(n, 10).unwrap(), "{c}");
            }
        }
        assert_eq!(ascii_digit('x'), 'x');
    }
}
