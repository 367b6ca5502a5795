//! The words every output prints around the talk's own text, in each
//! language (`Abstract`, `摘要`…), and which languages an event is told in.
//! The poster, the announcement, the calendar entry and the alt text all
//! take them from here.

use super::model::{Event, Lang, Text, text_fields};

/// Headings and captions in one language.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Labels {
    #[serde(rename = "abstract")]
    pub abstract_: &'static str,
    pub biography: &'static str,
    pub speaker: &'static str,
    /// The same, for several.
    pub speakers: &'static str,
    pub host: &'static str,
    pub time: &'static str,
    pub place: &'static str,
    pub online: &'static str,
    pub meeting_id: &'static str,
    pub passcode: &'static str,
    pub registration: &'static str,
    pub homepage: &'static str,
    /// What the event is when the file does not say (`kind:`).
    pub kind: &'static str,
    /// `Poster`: the first word of the alt text.
    pub poster: &'static str,
    /// `Programme`: the heading of a series' list of talks.
    pub programme: &'static str,
    /// Between list items in running text: `, ` or `、`.
    pub comma: &'static str,
    /// After a label: `: ` or `：`.
    pub colon: &'static str,
    /// Around an aside (an affiliation), the space before it included:
    /// ` (`, `)` or `（`, `）`.
    pub open: &'static str,
    pub close: &'static str,
    /// Around a title in running text: “…”, 《…》, 「…」.
    pub quote_open: &'static str,
    pub quote_close: &'static str,
    /// Ends a sentence: `. ` or `。`.
    pub stop: &'static str,
}

pub fn labels(lang: Lang) -> Labels {
    match lang {
        Lang::En => Labels {
            abstract_: "Abstract",
            biography: "Biography",
            speaker: "Speaker",
            speakers: "Speakers",
            host: "Host",
            time: "Time",
            place: "Place",
            online: "Online",
            meeting_id: "Meeting ID",
            passcode: "Passcode",
            registration: "Register",
            homepage: "Homepage",
            kind: "Talk",
            poster: "Poster",
            programme: "Programme",
            comma: ", ",
            colon: ": ",
            open: " (",
            close: ")",
            quote_open: "“",
            quote_close: "”",
            stop: ". ",
        },
        Lang::Zh => Labels {
            abstract_: "摘要",
            biography: "个人简介",
            speaker: "报告人",
            speakers: "报告人",
            host: "主持人",
            time: "时间",
            place: "地点",
            online: "线上参会",
            meeting_id: "会议号",
            passcode: "密码",
            registration: "报名",
            homepage: "个人主页",
            kind: "学术报告",
            poster: "海报",
            programme: "日程",
            comma: "、",
            colon: "：",
            open: "（",
            close: "）",
            quote_open: "《",
            quote_close: "》",
            stop: "。",
        },
        Lang::Ja => Labels {
            abstract_: "概要",
            biography: "講演者紹介",
            speaker: "講演者",
            speakers: "講演者",
            host: "司会",
            time: "日時",
            place: "会場",
            online: "オンライン参加",
            meeting_id: "ミーティングID",
            passcode: "パスコード",
            registration: "参加登録",
            homepage: "ホームページ",
            kind: "講演会",
            poster: "ポスター",
            programme: "プログラム",
            comma: "、",
            colon: "：",
            open: "（",
            close: "）",
            quote_open: "「",
            quote_close: "」",
            stop: "。",
        },
        Lang::Ko => Labels {
            abstract_: "초록",
            biography: "연사 소개",
            speaker: "연사",
            speakers: "연사",
            host: "사회",
            time: "일시",
            place: "장소",
            online: "온라인 참여",
            meeting_id: "회의 ID",
            passcode: "암호",
            registration: "등록",
            homepage: "홈페이지",
            kind: "강연",
            poster: "포스터",
            programme: "프로그램",
            comma: ", ",
            colon: ": ",
            open: " (",
            close: ")",
            quote_open: "“",
            quote_close: "”",
            stop: ". ",
        },
    }
}

/// The languages the event writes texts in (`{en: …, zh: …}`), the
/// poster's own first. A text written once adds none.
pub fn text_languages(e: &Event) -> Vec<Lang> {
    let mut out = vec![e.language];
    for (_, t) in text_fields(e) {
        if let Text::Localized(versions) = t {
            for (lang, _) in versions {
                if !out.contains(lang) {
                    out.push(*lang);
                }
            }
        }
    }
    out[1..].sort();
    out
}

/// The languages the date is printed in on the poster: the event's
/// languages and English. The CFCS posters, in English with Chinese names
/// and places, print both; a name merely written in another script (a
/// Korean speaker's) adds none.
pub fn date_languages(e: &Event) -> Vec<Lang> {
    let mut out = text_languages(e);
    if !out.contains(&Lang::En) {
        out.push(Lang::En);
    }
    out[1..].sort();
    out
}

/// What a sign-up link shows: a web address as it is, `mailto:` as the bare
/// address.
pub fn registration_text(link: &str) -> &str {
    match link.strip_prefix("mailto:") {
        Some(address) => address.split('?').next().unwrap_or(address),
        None => link,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sign_up_address_shows_without_its_scheme() {
        assert_eq!(registration_text("mailto:a@b.org?subject=Talk"), "a@b.org");
        assert_eq!(registration_text("https://x.org/r"), "https://x.org/r");
    }
}
