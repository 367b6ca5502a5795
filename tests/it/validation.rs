//! Every validation message: what is wrong, where (line:column), the key path
//! and a suggestion. Events are written to temporary folders so relative
//! paths (photos, logos) resolve as they would for a user.

use std::path::PathBuf;

use talkposter::diag::Failure;
use talkposter::event::{self, Event, Lang, Text};

const MINIMAL: &str =
    "title: A talk\nspeaker:\n  name: Dr. A\ntime:\n  date: 2024-06-13\n  start: 16:00\nplace: Room 1\n";

struct Case {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

fn write(yaml: &str) -> Case {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("talk.yaml");
    std::fs::write(&path, yaml).unwrap();
    Case { _dir: dir, path }
}

fn load(yaml: &str) -> Result<Event, Failure> {
    let case = write(yaml);
    event::load(&case.path)
}

/// The errors as printed one per line: `file:line:col: key: message\n  help: …`.
fn errors(yaml: &str) -> Vec<String> {
    match load(yaml) {
        Ok(_) => panic!("expected an error for:\n{yaml}"),
        Err(f) => {
            f.0.iter()
                .map(|d| d.to_string().replace(&*d.file.as_ref().unwrap().to_string_lossy(), "talk.yaml"))
                .collect()
        }
    }
}

fn one_error(yaml: &str) -> String {
    let e = errors(yaml);
    assert_eq!(e.len(), 1, "expected one error, got {e:#?}");
    e.into_iter().next().unwrap()
}

fn with(replace: &str, by: &str) -> String {
    assert!(MINIMAL.contains(replace), "{replace}");
    MINIMAL.replace(replace, by)
}

#[test]
fn minimal_event_is_accepted_with_unquoted_time() {
    let e = load(MINIMAL).unwrap();
    assert_eq!(e.title, Text::Same("A talk".into()));
    assert_eq!(e.time.start.hour(), 16);
    assert_eq!(e.language, Lang::En);
    assert_eq!(e.speakers.len(), 1);
}

#[test]
fn contract_example_is_accepted() {
    // The example of the original input format (the first event-format.md),
    // photo line aside (no file here).
    let yaml = r#"
title: On Physics-Inspired Generative Models
speaker:
  name: Dr. Yilun Xu
  affiliation: MIT & NVIDIA
  bio: |
    Yilun Xu is an incoming research scientist in the GenAI team, ...
host:
  zh: 王亦洲 教授
  en: Prof. Yizhou Wang
time:
  date: 2024-06-13
  start: "16:00"
  end: "17:30"                      # optional
  timezone: Asia/Shanghai           # optional (IANA name)
place:
  zh: 静园五院204室
  en: Room 204, Courtyard No. 5, Jingyuan
abstract: |
  Physics-inspired generative models such as diffusion models ...

  A second paragraph starts after a blank line.
"#;
    let e = load(yaml).unwrap();
    assert_eq!(e.hosts.len(), 1);
    assert_eq!(e.time.end.unwrap().minute(), 30);
    assert_eq!(e.time.timezone.as_deref(), Some("Asia/Shanghai"));
}

#[test]
fn every_optional_key_and_list_forms_are_accepted() {
    let case = write("");
    let dir = case.path.parent().unwrap();
    std::fs::write(dir.join("logo.svg"), r#"<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>"#).unwrap();
    std::fs::write(dir.join("a.png"), b"not checked until assets are prepared").unwrap();
    let yaml = r##"
title: {en: T, zh: 题目}
subtitle: Sub
kind: Seminar
speaker:
  - {name: Dr. A, affiliation: {en: MIT, zh: 麻省理工}, photo: a.png, bio: Bio, homepage: https://a.example.org}
  - name: B
host: [Prof. C, {zh: 王 教授}]
time: {date: 2024-02-29, start: "9:05", end: "23:59", timezone: Europe/London}
online: {url: https://zoom.example.org/j/1, meeting_id: 123456, passcode: "0042", platform: Zoom}
registration: http://reg.example.org/x?y=1
abstract: Abstract
note: Tea
language: zh
markup: typst
organizer: {name: Org, logo: logo.svg, url: https://org.example.org, color: "#abcdef"}
template: flyer
series: {en: S}
"##;
    std::fs::write(&case.path, yaml).unwrap();
    let e = event::load(&case.path).unwrap();
    assert_eq!(e.speakers.len(), 2);
    assert_eq!(e.hosts.len(), 2);
    assert_eq!(e.speakers[1].path.to_string(), "speaker[1]");
    assert!(e.texts.place.is_none(), "place may be left out when online is given");
    assert_eq!(e.online.as_ref().unwrap().meeting_id.as_deref(), Some("123456"));
    assert_eq!(e.organizer.as_ref().unwrap().color.as_deref(), Some("#ABCDEF"));
    assert_eq!(e.time.start.hour(), 9);
}

#[test]
fn impossible_date_names_the_month_length() {
    let e = one_error(&with("2024-06-13", "2024-02-30"));
    assert_eq!(
        e,
        "talk.yaml:5:9: time.date: `2024-02-30` is not a real date: February 2024 has 29 days\n  help: check the day of the month"
    );
    assert!(one_error(&with("2024-06-13", "2023-02-29")).contains("February 2023 has 28 days"));
    assert!(one_error(&with("2024-06-13", "2024-13-01")).contains("has no month 13"));
    // A date in another form: the error says which YYYY-MM-DD to write.
    let e = one_error(&with("2024-06-13", "June 13, 2024"));
    assert!(
        e.contains("is not a date in the form YYYY-MM-DD") && e.contains("help: write it as 2024-06-13 (YYYY-MM-DD)"),
        "{e}"
    );
    assert!(one_error(&with("2024-06-13", "2024/6/3")).contains("help: write it as 2024-06-03"));
    assert!(one_error(&with("2024-06-13", "\"2024年6月13日\"")).contains("help: write it as 2024-06-13"));
    let e = one_error(&with("2024-06-13", "6/7/2024"));
    assert!(e.contains("2024-06-07 for 7 June 2024, 2024-07-06 for 6 July 2024"), "{e}");
    let e = one_error(&with("2024-06-13", "\"Friday, June 13, 2024\""));
    assert!(e.contains("write it as 2024-06-13 (YYYY-MM-DD); it is a Thursday, not a Friday"), "{e}");
    let e = one_error(&with("2024-06-13", "20240613"));
    assert!(
        e.contains("should be a date like 2024-06-13, not a number") && e.contains("write it as 2024-06-13"),
        "{e}"
    );
    // Not a date at all: the form, with an example.
    let e = one_error(&with("2024-06-13", "next week"));
    assert!(e.contains("help: write the date as YYYY-MM-DD, e.g. 2024-06-13"), "{e}");
}

#[test]
fn bad_times() {
    let e = one_error(&with("start: 16:00", "start: \"25:00\""));
    assert!(e.starts_with("talk.yaml:6:10: time.start: `25:00` is not a time of day"), "{e}");
    let e = one_error(&with("start: 16:00", "start: 13pm"));
    assert!(e.contains("`13pm` is not a time of day") && e.contains("with am or pm the hour goes from 1 to 12"), "{e}");
    let e = one_error(&with("start: 16:00", "start: 1600"));
    assert!(e.contains("`1600` is not a time in the form HH:MM") && e.contains("16 Uhr and 下午4点 work too"), "{e}");
    // A time zone belongs in `timezone`: the message names the one meant.
    let e = one_error(&with("start: 16:00", "start: 2:30 PM EDT"));
    assert!(e.contains("`2:30 PM EDT` has a time zone in it") && e.contains("`timezone: America/New_York`"), "{e}");
    // As announcements in other languages write times.
    for (written, start) in [
        ("下午5点", "17:00"),
        ("18h30", "18:30"),
        ("18 Uhr", "18:00"),
        ("오후 2시 30분", "14:30"),
        ("\"۱۷:۰۰\"", "17:00"),
    ] {
        let event =
            load(&with("start: 16:00", &format!("start: {written}"))).unwrap_or_else(|f| panic!("{written}: {f}"));
        assert_eq!(event.time.start.strftime("%H:%M").to_string(), start, "{written}");
    }
    let e = one_error(&with("start: 16:00", "start: 16:00\n  end: \"15:00\""));
    assert!(e.starts_with("talk.yaml:7:8: time.end: the talk ends (15:00) before it starts (16:00)"), "{e}");
    assert!(one_error(&with("start: 16:00", "start: 16:00\n  end: 16:00")).contains("ends (16:00) before it starts"));
}

#[test]
fn unknown_time_zone() {
    let e = one_error(&with("start: 16:00", "start: 16:00\n  timezone: Mars/Olympus"));
    assert!(e.contains("time.timezone: `Mars/Olympus` is not a known time zone") && e.contains("Asia/Shanghai"), "{e}");
    let e = one_error(&with("start: 16:00", "start: 16:00\n  timezone: CST"));
    assert!(e.contains("help: for China write `Asia/Shanghai`"), "{e}");
}

#[test]
fn bad_urls() {
    let e = one_error(&format!("{MINIMAL}registration: www.example.org/signup\n"));
    assert!(e.contains("registration: `www.example.org/signup` is not a web address"), "{e}");
    assert!(e.contains("help: add the scheme: `https://www.example.org/signup`"), "{e}");
    let e = one_error(&format!("{MINIMAL}registration: ftp://example.org\n"));
    assert!(e.contains("starts with `ftp:`"), "{e}");
    let e = one_error(&with("name: Dr. A", "name: Dr. A\n  homepage: not a url"));
    assert!(e.contains("speaker.homepage: `not a url` is not a web address"), "{e}");
}

#[test]
fn sign_ups_by_email() {
    let e = load(&format!("{MINIMAL}registration: mailto:seminar@university.edu\n")).unwrap();
    assert_eq!(e.registration.as_deref(), Some("mailto:seminar@university.edu"));
    let e = load(&format!("{MINIMAL}registration: mailto:a@b.org?subject=Talk\n")).unwrap();
    assert_eq!(e.registration.as_deref(), Some("mailto:a@b.org?subject=Talk"));
    for bad in ["mailto:nobody", "mailto:@b.org", "mailto:a@b", "mailto:a@b.org, c@d.org"] {
        let e = one_error(&format!("{MINIMAL}registration: \"{bad}\"\n"));
        assert!(e.contains(&format!("registration: `{bad}` is not an e-mail address")), "{e}");
        assert!(e.contains("help: write one address after `mailto:`"), "{e}");
    }
    let e = one_error(&format!("{MINIMAL}online: {{url: mailto:a@b.org}}\n"));
    assert!(e.contains("online.url: `mailto:a@b.org` is not a web address (it starts with `mailto:`)"), "{e}");
    assert!(e.contains("an e-mail address can be the `registration`"), "{e}");
}

#[test]
fn japanese_and_korean_texts_and_posters() {
    let e =
        load(&with("title: A talk", "title: {ja: 拡散モデル, en: Diffusion, ko: 확산 모델}\nlanguage: ja")).unwrap();
    assert_eq!(e.language, Lang::Ja);
    let versions: Vec<(Lang, &str)> = e.title.versions(talkposter::event::Reading::of(&e));
    assert_eq!(versions, vec![(Lang::Ja, "拡散モデル"), (Lang::En, "Diffusion"), (Lang::Ko, "확산 모델")]);
    let english = talkposter::event::Reading::plain(Lang::En);
    assert_eq!(Lang::detect("早稲田大学の研究", english), Lang::Ja, "kana make Japanese");
    assert_eq!(Lang::detect("김민준", english), Lang::Ko);
    assert_eq!(Lang::detect("王亦洲", english), Lang::Zh);
}

#[test]
fn a_brand_font_is_a_family_name() {
    let e = load(&format!("{MINIMAL}organizer: {{name: Org, font: Source Serif 4}}\n")).unwrap();
    assert_eq!(e.organizer.unwrap().font.as_deref(), Some("Source Serif 4"));
    let e = one_error(&format!("{MINIMAL}organizer: {{name: Org, font: [A, B]}}\n"));
    assert!(e.contains("organizer.font: should be text, not a list"), "{e}");
}

#[test]
fn bad_colours() {
    let org = |c: &str| format!("{MINIMAL}organizer:\n  name: Org\n  color: {c}\n");
    let e = one_error(&org("\"94070A\""));
    assert!(e.contains("organizer.color: `94070A` is not a colour") && e.contains("start it with `#`"), "{e}");
    assert!(one_error(&org("\"#94070\"")).contains("six hex digits"));
    assert!(one_error(&org("red")).contains("`red` is not a colour of the form #RRGGBB"));
    // Unquoted, `#94070A` is a YAML comment: the value is lost, say so.
    let e = one_error(&org("#94070A"));
    assert!(e.contains("an unquoted `#` starts a comment") && e.contains("color: \"#94070A\""), "{e}");
}

#[test]
fn language_and_markup_values() {
    let e = one_error(&format!("{MINIMAL}language: klingon\n"));
    assert!(
        e.contains("language: `klingon` is not a language talkposter knows") && e.contains("use one of: en, zh"),
        "{e}"
    );
    let e = one_error(&format!("{MINIMAL}language: zh-Latn\n"));
    assert!(e.contains("did you mean `zh` or `zh-Hant` or `zh-HK`?"), "{e}");
    for (written, lang) in
        [("fr", Lang::Fr), ("EN", Lang::En), ("zh-TW", Lang::ZhHant), ("zh_hk", Lang::ZhHk), ("ar", Lang::Ar)]
    {
        let e = load(&format!("{MINIMAL}language: {written}\n")).unwrap_or_else(|f| panic!("{written}: {f}"));
        assert_eq!(e.language, lang, "{written}");
    }
    assert!(one_error(&format!("{MINIMAL}markup: markdown\n")).contains("use one of: plain, typst"));
    let e = one_error(&with("title: A talk", "title: {en: A, xx: B}"));
    assert!(e.contains("title.xx: unknown key `xx`"), "{e}");
    let e = load(&with("title: A talk", "title: {en: A, de: B}")).unwrap();
    assert_eq!(e.title.pick(Lang::De), "B", "every poster language is a text key");
}

#[test]
fn unknown_keys_suggest_the_nearest() {
    let e = one_error(&format!("{MINIMAL}abstarct: text\n"));
    assert_eq!(e, "talk.yaml:8:1: abstarct: unknown key `abstarct`\n  help: did you mean `abstract`?");
    let e = one_error(&with("name: Dr. A", "name: Dr. A\n  affilation: MIT"));
    assert!(
        e.starts_with("talk.yaml:4:3: speaker.affilation: unknown key") && e.contains("did you mean `affiliation`?"),
        "{e}"
    );
    let e = one_error(&format!("{MINIMAL}photo: me.jpg\n"));
    assert!(e.contains("did you mean `speaker.photo`?"), "{e}");
    let e = one_error(&format!("{MINIMAL}zzz: 1\n"));
    let allowed = e.split("the keys allowed at the top level are: ").nth(1).unwrap_or_default();
    let keys: Vec<&str> = allowed.trim().split(", ").collect();
    assert!(
        keys.is_sorted() && ["title", "speaker", "time", "place", "abstract"].iter().all(|k| keys.contains(k)),
        "{e}"
    );
}

#[test]
fn missing_required_keys() {
    let e = one_error(&MINIMAL.replace("title: A talk\n", ""));
    assert!(e.contains("title: the required key `title` is missing") && e.contains("help: add it"), "{e}");
    let e = one_error(&MINIMAL.replace("place: Room 1\n", ""));
    assert!(e.contains("`place` is missing") && e.contains("online"), "{e}");
    let e = one_error(&with("  name: Dr. A", "  affiliation: MIT"));
    assert!(e.contains("speaker.name: the required key `name` is missing"), "{e}");
    let e = one_error(&with("title: A talk", "title: \"  \""));
    assert!(e.contains("title: is empty"), "{e}");
    let e = one_error(&with("title: A talk", "title:"));
    assert!(e.starts_with("talk.yaml:1:1: title: is empty") && e.contains("help: write it, e.g."), "{e}");
    let e = one_error(&with("speaker:\n  name: Dr. A", "speaker: []"));
    assert!(e.contains("speaker: the list is empty"), "{e}");
    let e = one_error(&with("speaker:\n  name: Dr. A", "speaker: true"));
    assert!(e.contains("speaker: a speaker should be a map of keys, not true/false"), "{e}");
}

#[test]
fn wrong_types() {
    let e = one_error(&with("title: A talk", "title: [a, b]"));
    assert!(e.contains("title: should be text, not a list"), "{e}");
    let e = one_error(&with("title: A talk", "title: true"));
    assert!(e.contains("should be text, not true/false"), "{e}");
    let e = one_error(&with("time:\n  date: 2024-06-13\n  start: 16:00", "time: tomorrow"));
    assert!(e.contains("`time` should be a map of keys, not text") && e.contains("time: {date:"), "{e}");
}

#[test]
fn missing_photo_and_logo_files() {
    let e = one_error(&with("name: Dr. A", "name: Dr. A\n  photo: photos/me.jpg"));
    assert!(e.contains("talk.yaml:4:10: speaker.photo: file `photos/me.jpg` not found"), "{e}");
    assert!(e.contains("relative to the folder of the file it is written in"), "{e}");
    let e = one_error(&format!("{MINIMAL}organizer: {{name: O, logo: logo.png}}\n"));
    assert!(e.contains("organizer.logo: file `logo.png` not found"), "{e}");
}

#[test]
fn unknown_template() {
    let e = one_error(&format!("{MINIMAL}template: flyr\n"));
    assert!(e.contains("`flyr` is not a built-in layout") && e.contains("did you mean `flyer`?"), "{e}");
    let e = one_error(&format!("{MINIMAL}template: layouts/mine.typ\n"));
    assert!(e.contains("file `layouts/mine.typ` not found"), "{e}");
}

#[test]
fn files_that_are_not_yaml_events() {
    let e = one_error("");
    assert!(e.contains("the file is empty"), "{e}");
    let e = one_error("title: [unclosed\nspeaker: x\n");
    assert!(e.contains("this is not valid YAML") && e.starts_with("talk.yaml:"), "{e}");
    let e = one_error(&format!("{MINIMAL}title: again\n"));
    assert!(e.starts_with("talk.yaml:8:1: title: the key `title` is written twice"), "{e}");
    let case = write("");
    std::fs::write(&case.path, b"title: caf\xe9\n").unwrap();
    let e = event::load(&case.path).unwrap_err().to_string();
    assert!(e.contains("not UTF-8") && e.contains("save the file as UTF-8"), "{e}");
    let e = event::load(std::path::Path::new("/no/such/talk.yaml")).unwrap_err().to_string();
    assert!(e.contains("/no/such/talk.yaml: cannot read the file: no such file"), "{e}");
}

#[test]
fn all_problems_are_reported_at_once() {
    let yaml = with("2024-06-13", "2024-02-30").replace("place: Room 1", "plase: Room 1");
    let e = errors(&yaml);
    assert_eq!(e.len(), 2, "{e:#?}");
    assert!(e.iter().any(|x| x.contains("did you mean `place`?")));
    assert!(e.iter().any(|x| x.contains("not a real date")));
}

#[test]
fn utf16_files_are_read_and_odd_paths_and_years_are_explained() {
    let case = write("");
    let mut bytes = vec![0xFF, 0xFE];
    for unit in MINIMAL.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    std::fs::write(&case.path, bytes).unwrap();
    assert!(event::load(&case.path).is_ok(), "UTF-16 with a byte-order mark is read");
    assert!(
        one_error(&with("name: Dr. A", "name: Dr. A\n  photo: ."))
            .contains("speaker.photo: `.` is a folder, not a file")
    );
    assert!(one_error(&with("2024-06-13", "0000-01-01")).contains("has year 0"));
}

#[test]
fn a_comma_inside_braces_is_explained() {
    let e = one_error(
        &MINIMAL
            .replace("speaker:\n  name: Dr. A", "speaker: {name: Dr. A, affiliation: Mila, Université de Montréal}"),
    );
    assert!(
        e.contains("unknown key `Université de Montréal`") && e.contains("put the value before this one in quotes"),
        "{e}"
    );
}

#[test]
fn forms_whose_meaning_is_clear_are_accepted() {
    let e = load(&with("speaker:\n  name: Dr. A", "speaker: Jane Doe")).unwrap();
    assert_eq!(e.speakers[0].name, Text::Same("Jane Doe".into()));
    let e = load(&with("speaker:\n  name: Dr. A", "speaker: [Jane Doe, {name: Bo Li, affiliation: PKU}]")).unwrap();
    assert_eq!(e.speakers.len(), 2);
    assert!(e.speakers[1].affiliation.is_some());
    for (written, expected) in
        [("4pm", "16:00"), ("\"4:30 PM\"", "16:30"), ("16.00", "16:00"), ("16.30", "16:30"), ("9.05", "09:05")]
    {
        let e = load(&with("start: 16:00", &format!("start: {written}"))).unwrap_or_else(|f| panic!("{written}: {f}"));
        assert_eq!(talkposter::locale::dates::hhmm(e.time.start), expected, "{written}");
    }
}
