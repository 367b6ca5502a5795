//! A schedule's header row: which event key each column fills. Forgiving as
//! people name columns: any case and spacing, English and Chinese (and a few
//! Japanese and Korean) words for each key, the event file's own dotted keys
//! (`time.date`, `online.url`), a language for bilingual texts (`title.zh`,
//! `title (中文)`, `题目（英文）`), a number for a panel's speakers
//! (`speaker 2`, `affiliation 2`), and the order of a date's parts
//! (`date (dd/mm/yyyy)`). A column whose header starts with `#` is a note to
//! colleagues and is skipped; any other header is a key or an error.

use crate::event::{Lang, texts};
use crate::suggest::nearest;

/// What a column fills.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Target {
    /// `# notes`: kept out of the poster.
    Ignored,
    /// An event key (`title`, `time.date`, `speaker.bio`, or `when`: a
    /// cell holding a date, a time or a time range).
    Key {
        key: &'static str,
        /// For `speaker.*`: which speaker, 0-based.
        speaker: usize,
        /// For a text written per language.
        lang: Option<Lang>,
        /// For dates written with slashes: whether the day comes first.
        day_first: Option<bool>,
    },
}

/// One header cell, understood.
#[derive(Debug, Clone)]
pub(super) struct Column {
    pub index: u32,
    pub header: String,
    pub target: Target,
}

/// Why a header is not understood: the message and a suggestion.
#[derive(Debug)]
pub(super) struct Unknown {
    pub message: String,
    pub help: String,
}

/// The event keys a column can fill, with the words people head them with.
/// `when` takes a date, a time or a time range in one cell.
const WORDS: &[(&str, &[&str])] = &[
    (
        "title",
        &[
            "title",
            "talk title",
            "talk",
            "topic",
            "题目",
            "标题",
            "报告题目",
            "讲座题目",
            "演讲题目",
            "主题",
            "題目",
            "講題",
            "タイトル",
            "演題",
            "제목",
        ],
    ),
    ("subtitle", &["subtitle", "副标题", "副標題"]),
    ("kind", &["kind", "type", "event type", "类型", "报告类型", "類型"]),
    (
        "speaker.name",
        &[
            "speaker",
            "speaker name",
            "name",
            "presenter",
            "lecturer",
            "报告人",
            "主讲人",
            "讲者",
            "演讲者",
            "主讲嘉宾",
            "嘉宾",
            "報告人",
            "講者",
            "主講人",
            "講演者",
            "発表者",
            "발표자",
            "연사",
        ],
    ),
    (
        "speaker.affiliation",
        &[
            "affiliation",
            "institution",
            "university",
            "organization",
            "organisation",
            "institute",
            "单位",
            "报告人单位",
            "机构",
            "工作单位",
            "單位",
            "所属",
            "소속",
        ],
    ),
    ("speaker.photo", &["photo", "picture", "portrait", "image", "照片", "头像", "相片", "写真", "사진"]),
    ("speaker.photo_focus", &["photo focus"]),
    (
        "speaker.bio",
        &[
            "bio",
            "biography",
            "speaker bio",
            "简介",
            "报告人简介",
            "个人简介",
            "讲者简介",
            "嘉宾简介",
            "簡介",
            "講者簡介",
            "略歴",
            "약력",
        ],
    ),
    ("speaker.homepage", &["homepage", "website", "web page", "webpage", "主页", "个人主页", "主頁", "홈페이지"]),
    ("host", &["host", "chair", "moderator", "主持人", "主持", "邀请人", "主持人/邀请人", "司会", "사회"]),
    ("time.date", &["date", "day", "日期", "日付", "날짜"]),
    ("time.start", &["start", "start time", "starts", "begin", "from", "开始时间", "开始", "開始時間", "開始", "시작"]),
    ("time.end", &["end", "end time", "ends", "until", "to", "结束时间", "结束", "結束時間", "終了", "종료"]),
    ("time.timezone", &["timezone", "time zone", "tz", "时区", "時區"]),
    (
        "when",
        &["time", "when", "date and time", "datetime", "时间", "日期时间", "时间日期", "時間", "日時", "시간", "일시"],
    ),
    (
        "place",
        &[
            "place",
            "room",
            "location",
            "venue",
            "where",
            "地点",
            "地點",
            "教室",
            "会议室",
            "场地",
            "報告地點",
            "会場",
            "場所",
            "장소",
        ],
    ),
    (
        "online.url",
        &[
            "online",
            "online link",
            "zoom",
            "zoom link",
            "meeting link",
            "link",
            "线上",
            "线上链接",
            "在线",
            "会议链接",
            "腾讯会议",
            "線上",
            "온라인",
        ],
    ),
    ("online.meeting_id", &["meeting id", "zoom id", "会议号", "会议id", "會議號"]),
    ("online.passcode", &["passcode", "password", "密码", "会议密码", "密碼"]),
    ("online.platform", &["platform", "平台"]),
    ("registration", &["registration", "register", "sign up", "signup", "rsvp", "报名", "报名链接", "注册", "報名"]),
    (
        "abstract",
        &[
            "abstract",
            "summary",
            "description",
            "摘要",
            "报告摘要",
            "内容简介",
            "内容摘要",
            "報告摘要",
            "概要",
            "要旨",
            "초록",
            "요약",
        ],
    ),
    ("note", &["note", "备注", "附注", "備註"]),
    ("language", &["language", "lang", "语言", "語言"]),
    ("digits", &["digits"]),
    ("markup", &["markup"]),
    ("template", &["template", "layout", "模板"]),
    ("paper", &["paper", "paper size", "纸张"]),
    ("series", &["series", "系列"]),
    ("organizer.name", &["organizer", "organiser", "主办", "主办单位", "主辦"]),
    ("organizer.logo", &["logo"]),
    ("organizer.url", &[]),
    ("organizer.color", &["color", "colour", "颜色"]),
    ("organizer.font", &["font", "字体"]),
];

/// Keys written in more than one language (`title.zh`, `title (English)`).
/// (And every optional text of `event::texts`.)
const TEXTS: &[&str] = &["title", "speaker.name", "speaker.affiliation", "speaker.bio", "host", "organizer.name"];

/// Whether `key` is a text written per language.
fn is_text(key: &str) -> bool {
    TEXTS.contains(&key) || texts::KEYS.iter().any(|(k, _)| *k == key)
}

/// Words for languages in headers, beside the codes (`zh`, `en`, `zh-Hant`).
const LANGUAGE_WORDS: &[(&str, &str)] = &[
    ("中文", "zh"),
    ("汉语", "zh"),
    ("chinese", "zh"),
    ("简体", "zh"),
    ("繁體", "zh-Hant"),
    ("繁体", "zh-Hant"),
    ("英文", "en"),
    ("英语", "en"),
    ("english", "en"),
    ("日文", "ja"),
    ("日本語", "ja"),
    ("japanese", "ja"),
    ("韩文", "ko"),
    ("한국어", "ko"),
    ("korean", "ko"),
];

/// Reads one header cell (`index` is its column, 0-based).
pub(super) fn column(index: u32, header: &str) -> Result<Column, Unknown> {
    let target = target(header)?;
    Ok(Column { index, header: header.trim().to_string(), target })
}

fn target(header: &str) -> Result<Target, Unknown> {
    let text = normalized(header);
    if text.starts_with('#') {
        return Ok(Target::Ignored);
    }
    let (rest, qualifier) = split_qualifier(&text);
    let (mut lang, mut day_first) = (None, None);
    if let Some(q) = &qualifier {
        match date_order(q) {
            Some(order) => day_first = Some(order),
            None => lang = Some(language(q).ok_or_else(|| unknown_language(header, q))?),
        }
    }
    // `title.zh`: a language after a dot.
    let mut name = rest.trim().to_string();
    if let Some((base, code)) = name.rsplit_once('.')
        && let Some(l) = Lang::from_code(code)
        && lang.is_none()
    {
        lang = Some(l);
        name = base.trim().to_string();
    }
    let (name, number) = split_number(&name);
    let key = key_of(&name).ok_or_else(|| unknown(header, &name))?;
    let speaker = match number {
        None => 0,
        Some(0) => return Err(numbered_from_one(header)),
        Some(n) if key.starts_with("speaker.") => n - 1,
        Some(_) => {
            return Err(Unknown {
                message: format!("the column `{header}` has a number, but only a speaker's columns are numbered"),
                help: "number the columns of each speaker of a panel: `speaker 2`, `affiliation 2`, `bio 2`; leave other headers without a number".into(),
            });
        }
    };
    if lang.is_some() && !is_text(key) {
        return Err(Unknown {
            message: format!("the column `{header}` names a language, but `{key}` is not a text written per language"),
            help: format!("head it `{}` alone", key.rsplit('.').next().unwrap_or(key)),
        });
    }
    if day_first.is_some() && !matches!(key, "time.date" | "when") {
        return Err(Unknown {
            message: format!("the column `{header}` states a date order, but it is not a date"),
            help: "only the date column takes an order: `date (dd/mm/yyyy)`".into(),
        });
    }
    Ok(Target::Key { key, speaker, lang, day_first })
}

/// Lower case, one space between words, ASCII brackets for full-width ones.
fn normalized(header: &str) -> String {
    let mapped: String = header
        .chars()
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            '【' | '［' => '[',
            '】' | '］' => ']',
            '．' => '.',
            '＃' => '#',
            '_' | '-' | '\u{3000}' => ' ',
            c => c,
        })
        .collect();
    mapped.to_lowercase().split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `title (中文)` → (`title`, `中文`); also `[...]`.
fn split_qualifier(text: &str) -> (String, Option<String>) {
    for (open, close) in [('(', ')'), ('[', ']')] {
        if let Some(body) = text.strip_suffix(close)
            && let Some(at) = body.rfind(open)
        {
            return (body[..at].trim().to_string(), Some(body[at + open.len_utf8()..].trim().to_string()));
        }
    }
    (text.to_string(), None)
}

/// `dd/mm/yyyy` → day first; `mm/dd/yyyy` → month first.
fn date_order(q: &str) -> Option<bool> {
    let letters: String = q.chars().filter(|c| c.is_ascii_alphabetic()).collect();
    if letters.starts_with('d') && letters.contains('m') {
        Some(true)
    } else if letters.starts_with('m') && letters.contains('d') {
        Some(false)
    } else {
        None
    }
}

fn language(q: &str) -> Option<Lang> {
    let q = q.trim();
    LANGUAGE_WORDS
        .iter()
        .find(|(word, _)| *word == q)
        .and_then(|(_, code)| Lang::from_code(code))
        .or_else(|| Lang::from_code(q))
}

/// `speaker 2`, `speaker2`, `speaker #2`, `报告人2` → (`speaker`, 2).
fn split_number(name: &str) -> (String, Option<usize>) {
    let digits = name.len() - name.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 || digits == name.len() {
        return (name.to_string(), None);
    }
    let (base, number) = name.split_at(name.len() - digits);
    let base = base.trim_end().trim_end_matches('#').trim_end();
    (base.to_string(), number.parse().ok())
}

/// Each key a column can fill with its words; an optional text without
/// words of its own is headed by its key.
fn headings() -> impl Iterator<Item = (&'static str, &'static [&'static str])> {
    WORDS.iter().copied().chain(texts::KEYS.iter().map(|(key, _)| (*key, &[][..])))
}

/// The key a header word names, or the dotted key itself (`time.date`).
fn key_of(name: &str) -> Option<&'static str> {
    headings().find(|(key, words)| *key == name || words.contains(&name)).map(|(key, _)| key)
}

fn unknown(header: &str, name: &str) -> Unknown {
    let words: Vec<&str> =
        headings().flat_map(|(key, words)| std::iter::once(key).chain(words.iter().copied())).collect();
    let help = match nearest(name, &words) {
        Some(n) => format!(
            "did you mean `{n}`? To keep a column out of the posters, start its header with `#` (`# {}`)",
            header.trim()
        ),
        None => format!(
            "name the column after an event key (title, speaker, affiliation, date, start, end, place, abstract, bio, photo, host, online, registration…), or start its header with `#` to keep it out of the posters (`# {}`)",
            header.trim()
        ),
    };
    Unknown { message: format!("the column `{}` is not an event key", header.trim()), help }
}

fn unknown_language(header: &str, q: &str) -> Unknown {
    Unknown {
        message: format!("the column `{}`: `{q}` is not a language talkposter knows", header.trim()),
        help: format!(
            "write a language after the key, `title.zh` or `title (中文)`, `title (English)`; the codes are {}",
            Lang::all_codes().join(", ")
        ),
    }
}

fn numbered_from_one(header: &str) -> Unknown {
    Unknown {
        message: format!("the column `{}` is numbered 0", header.trim()),
        help: "speakers are numbered from 1: `speaker`, `speaker 2`, `speaker 3`".into(),
    }
}

/// How sure a row is to be the header: the number of its cells that name
/// a key. Rows above the header (a sheet's own title) score 0 or 1.
pub(super) fn keys_named(cells: &[String]) -> usize {
    cells.iter().filter(|c| matches!(target(c), Ok(Target::Key { .. }))).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(header: &str) -> (&'static str, usize, Option<&'static str>) {
        match column(0, header).unwrap().target {
            Target::Key { key, speaker, lang, .. } => (key, speaker, lang.map(Lang::code)),
            Target::Ignored => ("#", 0, None),
        }
    }

    #[test]
    fn headers_are_read_as_people_write_them() {
        assert_eq!(key("Title"), ("title", 0, None));
        assert_eq!(key("  TALK TITLE "), ("title", 0, None));
        assert_eq!(key("title.zh"), ("title", 0, Some("zh")));
        assert_eq!(key("title (中文)"), ("title", 0, Some("zh")));
        assert_eq!(key("题目（英文）"), ("title", 0, Some("en")));
        assert_eq!(key("Title [English]"), ("title", 0, Some("en")));
        assert_eq!(key("报告人"), ("speaker.name", 0, None));
        assert_eq!(key("Presenter"), ("speaker.name", 0, None));
        assert_eq!(key("speaker 2"), ("speaker.name", 1, None));
        assert_eq!(key("Affiliation 3"), ("speaker.affiliation", 2, None));
        assert_eq!(key("affiliation 2 (中文)"), ("speaker.affiliation", 1, Some("zh")));
        assert_eq!(key("报告人2"), ("speaker.name", 1, None));
        assert_eq!(key("time.date"), ("time.date", 0, None));
        assert_eq!(key("Start_Time"), ("time.start", 0, None));
        assert_eq!(key("时间"), ("when", 0, None));
        assert_eq!(key("地点"), ("place", 0, None));
        assert_eq!(key("摘要"), ("abstract", 0, None));
        assert_eq!(key("简介"), ("speaker.bio", 0, None));
        assert_eq!(key("online.url"), ("online.url", 0, None));
        assert_eq!(key("# notes"), ("#", 0, None));
        assert_eq!(key("＃备注（内部）"), ("#", 0, None));
        match column(0, "Date (dd/mm/yyyy)").unwrap().target {
            Target::Key { key, day_first, .. } => assert_eq!((key, day_first), ("time.date", Some(true))),
            t => panic!("{t:?}"),
        }
    }

    #[test]
    fn unknown_headers_say_what_to_write() {
        let e = column(0, "Abstarct").unwrap_err();
        assert!(e.help.contains("`abstract`"), "{e:?}");
        let e = column(0, "notes").unwrap_err();
        assert!(e.help.contains("`note`") && e.help.contains("# notes"), "{e:?}");
        let e = column(0, "title (Klingon)").unwrap_err();
        assert!(e.message.contains("Klingon"), "{e:?}");
        assert!(column(0, "place 2").unwrap_err().message.contains("only a speaker"));
        assert!(column(0, "speaker 0").unwrap_err().help.contains("from 1"));
        assert!(column(0, "photo (中文)").unwrap_err().message.contains("not a text"));
    }

    #[test]
    fn a_title_row_above_the_header_is_not_taken_for_it() {
        assert_eq!(keys_named(&["Spring 2025 Seminars".into()]), 0);
        assert_eq!(keys_named(&["Date".into(), "Speaker".into(), "Title".into(), "Room".into()]), 4);
    }
}
