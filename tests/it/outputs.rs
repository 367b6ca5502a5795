//! What goes out with the poster: calendar files read back with a calendar
//! parser (icalendar's), the instants they mean worked out from their own
//! time-zone rules; announcements against golden files; alt text read back
//! from the PNGs; the programme of a series, short and long.

use std::fs;
use std::path::{Path, PathBuf};

use icalendar::parser::{Component, read_calendar, unfold};
use jiff::Timestamp;
use jiff::civil::DateTime;

use crate::common::*;
use crate::golden::compare_png;

fn outputs_event(name: &str) -> PathBuf {
    repo().join("tests/events/outputs").join(name)
}

/// The one component named `name` (VEVENT…) among `all`, with its children.
fn components<'a>(all: &'a [Component<'a>], name: &str) -> Vec<&'a Component<'a>> {
    all.iter().filter(|c| c.name.as_str() == name).collect()
}

/// A property's (unescaped) value.
fn prop<'a>(c: &'a Component<'a>, name: &str) -> Option<&'a str> {
    c.properties.iter().find(|p| p.name.as_str() == name).map(|p| p.val.as_str())
}

/// A property's parameter.
fn param<'a>(c: &'a Component<'a>, name: &str, key: &str) -> Option<&'a str> {
    let p = c.properties.iter().find(|p| p.name.as_str() == name)?;
    p.params.iter().find(|x| x.key.as_str() == key)?.val.as_ref().map(|v| v.as_str())
}

fn civil(s: &str) -> DateTime {
    DateTime::strptime("%Y%m%dT%H%M%S", s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn offset_seconds(s: &str) -> i64 {
    let sign = if s.starts_with('-') { -1 } else { 1 };
    let digits = &s[1..];
    let (h, m): (i64, i64) = (digits[0..2].parse().unwrap(), digits[2..4].parse().unwrap());
    let sec: i64 = digits.get(4..6).map_or(0, |x| x.parse().unwrap());
    sign * (h * 3600 + m * 60 + sec)
}

/// The instant a local time in a VTIMEZONE means: the offset of the
/// observance that began last before it, read from the file alone.
fn instant(local: &str, zone: &Component) -> Timestamp {
    let local = civil(local);
    let (_, offset) = zone
        .components
        .iter()
        .map(|o| (civil(prop(o, "DTSTART").unwrap()), offset_seconds(prop(o, "TZOFFSETTO").unwrap())))
        .filter(|(start, _)| *start <= local)
        .max_by_key(|(start, _)| *start)
        .expect("an observance in force");
    let utc = local.to_zoned(jiff::tz::TimeZone::UTC).unwrap().timestamp();
    utc.checked_sub(jiff::SignedDuration::from_secs(offset)).unwrap()
}

/// Every physical line of a calendar file: CRLF-ended, at most 75 octets.
fn assert_folded(text: &str, what: &str) {
    assert!(text.ends_with("\r\n"), "{what}: ends with CRLF");
    for line in text.split("\r\n").filter(|l| !l.is_empty()) {
        assert!(line.len() <= 75, "{what}: a line of {} octets: {line}", line.len());
        assert!(!line.contains('\n'), "{what}: a bare LF");
    }
}

/// Runs a batch of `talks` (file name, YAML) in a fresh folder.
fn batch_of(talks: &[(&str, String)], formats: &str) -> (tempfile::TempDir, PathBuf, std::process::Output) {
    batch_with(talks, &["--format", formats])
}

fn batch_with(talks: &[(&str, String)], args: &[&str]) -> (tempfile::TempDir, PathBuf, std::process::Output) {
    let dir = tempfile::tempdir().unwrap();
    let talks_dir = dir.path().join("talks");
    fs::create_dir_all(&talks_dir).unwrap();
    for (name, yaml) in talks {
        fs::write(talks_dir.join(name), yaml).unwrap();
    }
    let out = dir.path().join("out");
    let mut all = vec![s(&talks_dir), "-o", s(&out)];
    all.extend_from_slice(args);
    let o = batch(&all);
    (dir, out, o)
}

/// A batch of many talks whose posters are blank pages (quick to make):
/// what is tested is the programme.
fn programme_of(n: usize, formats: &str) -> (tempfile::TempDir, PathBuf, std::process::Output) {
    let dir = tempfile::tempdir().unwrap();
    let (talks, blank) = (dir.path().join("talks"), dir.path().join("blank"));
    fs::create_dir_all(&talks).unwrap();
    fs::create_dir_all(&blank).unwrap();
    for (name, yaml) in term(n) {
        fs::write(talks.join(name), yaml).unwrap();
    }
    let template = blank.join("blank.typ");
    fs::write(&template, "#set page(width: 20mm, height: 20mm)\n").unwrap();
    let out = dir.path().join("out");
    let o = batch(&[s(&talks), "-o", s(&out), "--format", formats, "--template", s(&template), "--ppi", "18"]);
    (dir, out, o)
}

#[test]
fn calendar_files_mean_the_right_instants_in_a_zone_with_summer_time() {
    let january = fs::read_to_string(outputs_event("english.yaml")).unwrap();
    let july = january.replace("date: 2025-01-15", "date: 2025-07-15");
    let (_dir, out, o) = batch_of(&[("january.yaml", january), ("july.yaml", july)], "ics");
    assert!(o.status.success(), "{}", stderr(&o));

    for (stem, utc_start, utc_end) in [
        // 16:00 PST is 00:00 UTC the next day; PDT is an hour less behind.
        ("january", "2025-01-16T00:00:00Z", "2025-01-16T01:30:00Z"),
        ("july", "2025-07-15T23:00:00Z", "2025-07-16T00:30:00Z"),
    ] {
        let text = fs::read_to_string(out.join(format!("{stem}.ics"))).unwrap();
        assert_folded(&text, stem);
        let unfolded = unfold(&text);
        let cal = read_calendar(&unfolded).unwrap_or_else(|e| panic!("{stem}: {e}"));
        let events = components(&cal.components, "VEVENT");
        assert_eq!(events.len(), 1);
        let event = events[0];
        assert_eq!(param(event, "DTSTART", "TZID"), Some("America/Los_Angeles"));
        let zones = components(&cal.components, "VTIMEZONE");
        assert_eq!(zones.len(), 1);
        assert_eq!(prop(zones[0], "TZID"), Some("America/Los_Angeles"));
        let start = instant(prop(event, "DTSTART").unwrap(), zones[0]);
        let end = instant(prop(event, "DTEND").unwrap(), zones[0]);
        assert_eq!(start.to_string(), utc_start, "{stem}");
        assert_eq!(end.to_string(), utc_end, "{stem}: no end given, so 90 minutes");
        // The zone's rules name both halves of the year around the talk.
        let kinds: Vec<&str> = zones[0].components.iter().map(|c| c.name.as_str()).collect();
        assert!(kinds.contains(&"STANDARD") && kinds.contains(&"DAYLIGHT"), "{kinds:?}");

        // Escaped on the way out, the same text on the way back in.
        assert_eq!(
            prop(event, "SUMMARY"),
            Some(
                "Verified Compilers, C# & the \"Last Mile\"; Lessons from Production (Prof. Ada Example, Dr. Bo Sample)"
            )
        );
        assert!(text.contains("SUMMARY:Verified Compilers\\, C# & the \"Last Mile\"\\; Lessons"), "{text}");
        let description = prop(event, "DESCRIPTION").unwrap();
        assert!(description.contains("a backslash \\ and a semicolon; to escape."), "{description}");
        assert!(description.contains("Passcode: x;y,z"), "{description}");
        assert_eq!(prop(event, "LOCATION"), Some("Gates 104, 353 Jane Stanford Way"));
        assert_eq!(prop(event, "URL"), Some("https://zoom.example.org/j/123"));
        assert_eq!(prop(event, "CONFERENCE"), Some("https://zoom.example.org/j/123"));
        assert_eq!(prop(event, "CATEGORIES"), Some("Colloquium"));
    }

    // The series' feed: both talks, their own UIDs, the zone once.
    let feed = fs::read_to_string(out.join("series.ics")).unwrap();
    assert_folded(&feed, "series.ics");
    let unfolded = unfold(&feed);
    let cal = read_calendar(&unfolded).unwrap();
    let events = components(&cal.components, "VEVENT");
    let uids: Vec<&str> = events.iter().map(|e| prop(e, "UID").unwrap()).collect();
    assert_eq!(uids.len(), 2);
    assert_ne!(uids[0], uids[1]);
    assert_eq!(components(&cal.components, "VTIMEZONE").len(), 1);
    let own = fs::read_to_string(out.join("january.ics")).unwrap();
    assert!(own.contains(&format!("UID:{}", uids[0])), "a talk's UID is the same in its file and in the feed");
}

#[test]
fn a_talk_without_a_zone_is_floating_and_long_chinese_lines_fold_between_characters() {
    let dir = tempfile::tempdir().unwrap();
    let o = render(&outputs_event("chinese.yaml"), dir.path(), &["--format", "ics"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = fs::read_to_string(dir.path().join("chinese.ics")).unwrap();
    assert_folded(&text, "chinese.ics");
    assert!(!text.contains("VTIMEZONE") && !text.contains("TZID"), "floating time has no zone");
    let unfolded = unfold(&text);
    let cal = read_calendar(&unfolded).unwrap();
    let event = components(&cal.components, "VEVENT")[0];
    assert_eq!(prop(event, "DTSTART"), Some("20250715T140000"), "floating: no Z, no TZID");
    assert_eq!(prop(event, "DTEND"), Some("20250715T153000"));
    assert_eq!(prop(event, "SUMMARY"), Some("大语言模型的推理能力：现状与展望（张三 教授）"));
    let description = prop(event, "DESCRIPTION").unwrap();
    assert!(
        description.contains("大语言模型在数学推理、代码生成与规划等任务上取得了显著进展"),
        "the long Chinese abstract survives folding: {description}"
    );
    // The folded file has many continuation lines, each still whole characters.
    assert!(text.matches("\r\n ").count() > 10);
}

#[test]
fn calendar_files_are_the_same_from_run_to_run() {
    let event = repo().join("events/2025-12-04-yang-song.yaml");
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    for dir in [&a, &b] {
        let o = render(&event, dir.path(), &["--format", "ics,txt,md"]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    for ext in ["ics", "txt", "md"] {
        let name = format!("2025-12-04-yang-song.{ext}");
        assert_eq!(fs::read(a.path().join(&name)).unwrap(), fs::read(b.path().join(&name)).unwrap(), "{name}");
    }
}

/// Announcements are compared whole with the files in tests/golden/announcements.
fn announcement_matches(event: &Path) {
    let stem = event.file_stem().unwrap().to_str().unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = render(event, out.path(), &["--format", "txt,md"]);
    assert!(o.status.success(), "{}", stderr(&o));
    for ext in ["txt", "md"] {
        let actual = fs::read_to_string(out.path().join(format!("{stem}.{ext}"))).unwrap();
        let golden = repo().join("tests/golden/announcements").join(format!("{stem}.{ext}"));
        if std::env::var_os("TALKPOSTER_BLESS").is_some() {
            fs::create_dir_all(golden.parent().unwrap()).unwrap();
            fs::write(&golden, &actual).unwrap();
            continue;
        }
        let expected = fs::read_to_string(&golden).unwrap_or_default();
        assert_eq!(actual, expected, "{stem}.{ext} differs from {} (TALKPOSTER_BLESS=1 to accept)", golden.display());
        if ext == "txt" {
            for line in actual.lines().filter(|l| l.is_ascii()) {
                assert!(line.len() <= 72, "{stem}.txt: a Latin line over 72 columns: {line}");
            }
        }
    }
}

#[test]
fn an_english_announcement() {
    announcement_matches(&outputs_event("english.yaml"));
}

#[test]
fn a_chinese_announcement() {
    announcement_matches(&outputs_event("chinese.yaml"));
}

#[test]
fn a_bilingual_announcement() {
    announcement_matches(&repo().join("events/2025-12-04-yang-song.yaml"));
}

#[test]
fn a_broken_announcement_template_fails_its_talks_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("mine.txt");
    fs::write(&template, "{{ versions[0].title }}\n{{ versions[0].title | nosuchfilter }}\n").unwrap();
    let o = render(
        &outputs_event("english.yaml"),
        &dir.path().join("out"),
        &["--format", "txt", "--announcement", s(&template)],
    );
    assert_eq!(o.status.code(), Some(1));
    let e = one_line(&stderr(&o));
    assert!(e.contains("mine.txt") && e.contains("line 2") && e.contains("nosuchfilter"), "{e}");

    // A template of one's own replaces the built-in one.
    fs::write(&template, "{{ versions[0].title | upper }} — {{ versions[0].when }}\n").unwrap();
    let out = dir.path().join("out2");
    let o = render(&outputs_event("chinese.yaml"), &out, &["--format", "txt", "--announcement", s(&template)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = fs::read_to_string(out.join("chinese.txt")).unwrap();
    assert_eq!(text, "大语言模型的推理能力：现状与展望 — 2025年7月15日 星期二 14:00–15:30\n");
}

/// The `Description` text chunk of a PNG.
fn png_description(path: &Path) -> String {
    let decoder = png::Decoder::new(std::io::BufReader::new(fs::File::open(path).unwrap()));
    let reader = decoder.read_info().unwrap();
    let chunk = reader.info().utf8_text.iter().find(|c| c.keyword == "Description").expect("a Description chunk");
    chunk.get_text().unwrap()
}

#[test]
fn every_png_carries_its_alt_text() {
    let out = tempfile::tempdir().unwrap();
    for event in [outputs_event("english.yaml"), outputs_event("chinese.yaml")] {
        let o = render(&event, out.path(), &["--format", "png", "--ppi", "30"]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    assert_eq!(
        png_description(&out.path().join("english.png")),
        "Poster: Colloquium “Verified Compilers, C# & the \"Last Mile\"; Lessons from Production”. Speakers: Prof. Ada \
         Example (University of Somewhere), Dr. Bo Sample (Example Labs). Time: Wednesday, January 15, 2025 · 16:00. \
         Place: Gates 104, 353 Jane Stanford Way."
    );
    assert_eq!(
        png_description(&out.path().join("chinese.png")),
        "海报：学术报告《大语言模型的推理能力：现状与展望》。报告人：张三 教授（某某大学计算机学院）。\
         时间：2025年7月15日 星期二 14:00–15:30。地点：理科一号楼1131报告厅。"
    );
}

#[test]
fn a_series_gets_its_programme_feed_and_alt_texts() {
    let out = tempfile::tempdir().unwrap();
    let o = batch(&[s(&repo().join("events/cfcs-2024")), "-o", s(out.path()), "--format", "pdf,png,ics,txt"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let written = files(out.path());
    for name in ["programme.pdf", "programme.png", "series.ics", "alt-text.txt", "2025-11-06-weijian-luo.txt"] {
        assert!(written.contains(&name.to_string()), "{name} in {written:?}");
    }
    let facts = pdf_facts(&out.path().join("programme.pdf"));
    assert_eq!(facts.pages.len(), 1);
    assert!(facts.fonts.iter().all(|(_, embedded)| *embedded), "{:?}", facts.fonts);
    let text = squash(&pdf_text(&out.path().join("programme.pdf")));
    for needle in [
        "generativemodels",
        "dr.yilunxu",
        "超快语言生成",
        "weijianluo博士",
        "theprinciplesofdiffusionmodels",
        "dr.yangsong",
        "thu,jun13",
        "12月4日星期四",
        "cfcsfrontiertalks",
    ] {
        assert!(text.contains(needle), "{needle} not in the programme: {text}");
    }
    let alt = fs::read_to_string(out.path().join("alt-text.txt")).unwrap();
    for png in ["contact-sheet.png", "programme.png", "2024-06-13-yilun-xu.png", "2025-12-04-yang-song.png"] {
        assert!(alt.contains(&format!("{png}\n")), "{png} in {alt}");
    }
    assert!(png_description(&out.path().join("programme.png")).contains("The Principles of Diffusion Models"));
    compare_png(&out.path().join("programme.png"), "programme-cfcs-2024");

    // A second run leaves the series' files as they were.
    let before = fs::metadata(out.path().join("programme.pdf")).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let o = batch(&[s(&repo().join("events/cfcs-2024")), "-o", s(out.path()), "--format", "pdf,png,ics,txt"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(fs::metadata(out.path().join("programme.pdf")).unwrap().modified().unwrap(), before);
}

/// An up-to-date batch does not make the programme again (a marker put in
/// its place stays); a changed talk or `--force` does.
#[test]
fn the_programme_is_made_again_only_when_its_talks_change() {
    let (dir, out, o) = programme_of(3, "pdf");
    assert!(o.status.success(), "{}", stderr(&o));
    let (talks, template) = (dir.path().join("talks"), dir.path().join("blank/blank.typ"));
    let programme = out.join("programme.pdf");
    let again = |extra: &[&str]| {
        let mut args = vec![s(&talks), "-o", s(&out), "--format", "pdf", "--template", s(&template), "--ppi", "18"];
        args.extend_from_slice(extra);
        let o = batch(&args);
        assert!(o.status.success(), "{}", stderr(&o));
    };
    let is_pdf = || fs::read(&programme).unwrap().starts_with(b"%PDF");
    assert!(is_pdf());

    fs::write(&programme, "marker").unwrap();
    again(&[]);
    assert!(!is_pdf(), "made again though nothing changed");

    let first = fs::read_dir(&talks).unwrap().map(|e| e.unwrap().path()).min().unwrap();
    let yaml = fs::read_to_string(&first).unwrap().replacen("Talk number", "Changed talk", 1);
    fs::write(&first, yaml).unwrap();
    again(&[]);
    assert!(is_pdf(), "a changed talk makes the programme again");
    assert!(squash(&pdf_text(&programme)).contains("changedtalk"));

    fs::write(&programme, "marker").unwrap();
    again(&["--force"]);
    assert!(is_pdf(), "--force makes it again");
}

/// `n` talks, one a week, each with its own title and speaker.
fn term(n: usize) -> Vec<(String, String)> {
    (0..n)
        .map(|i| {
            let date = jiff::civil::date(2025, 2, 17).checked_add(jiff::Span::new().days(7 * i as i64)).unwrap();
            let yaml = format!(
                "title: Talk number {i} on a topic of some length in machine learning\nspeaker: {{name: Dr. Speaker {i}, affiliation: University {i}}}\ntime: {{date: {date}, start: '16:00', end: '17:30'}}\nplace: {{zh: 静园五院204室, en: \"Room 204, Jingyuan\"}}\nseries: {{zh: 前沿计算系列讲座, en: CFCS Frontier Talks}}\n"
            );
            (format!("t{i:03}.yaml"), yaml)
        })
        .collect()
}

#[test]
fn a_term_of_twenty_four_talks_fits_one_page_in_two_columns() {
    let (_dir, out, o) = programme_of(24, "pdf");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("continues"), "{}", stderr(&o));
    let pdf = out.join("programme.pdf");
    assert_eq!(pdf_facts(&pdf).pages.len(), 1);
    let text = squash(&pdf_text(&pdf));
    for i in 0..24 {
        assert!(text.contains(&format!("talknumber{i}on")), "talk {i} listed");
        assert!(text.contains(&format!("dr.speaker{i}")), "speaker {i} listed");
    }
    assert_eq!(text.matches("静园五院204室").count(), 1, "the place all talks share is said once");
}

#[test]
fn a_year_of_forty_talks_continues_on_a_second_page_and_says_so() {
    let (_dir, out, o) = programme_of(40, "pdf,png");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o)
            .contains("40 talks do not fit one page even in two columns at 7.5 pt: the programme continues on 2 pages"),
        "{}",
        stderr(&o)
    );
    let pdf = out.join("programme.pdf");
    assert_eq!(pdf_facts(&pdf).pages.len(), 2);
    assert!(out.join("programme.png").is_file() && out.join("programme-2.png").is_file());
    let text = squash(&pdf_text(&pdf));
    for i in 0..40 {
        assert!(text.contains(&format!("talknumber{i}on")), "talk {i} listed");
        assert!(text.contains(&format!("dr.speaker{i}")), "speaker {i} listed");
    }
}

/// The worker that laid out a long programme is replaced by a new process
/// (Typst's emptied caches keep the room they grew to: 43 MB after 1,000
/// talks), and the new one takes the next job; a short programme's worker
/// goes on.
#[cfg(target_os = "linux")]
#[test]
fn the_worker_of_a_long_programme_is_replaced() {
    use talkposter::worker::{Isolation, Workers};
    let dir = tempfile::tempdir().unwrap();
    for (name, yaml) in term(260) {
        fs::write(dir.path().join(name), yaml).unwrap();
    }
    let talks = talkposter::series::collect(&[dir.path().to_path_buf()], &Default::default()).unwrap();
    let events: Vec<_> = talks.into_iter().map(|t| t.checked.unwrap().event).collect();
    let job = |n: usize| talkposter::programme::ProgrammeJob {
        talks: events[..n].to_vec(),
        logo: None,
        template: talkposter::event::TemplateRef::BuiltIn(talkposter::templates::PROGRAMME.into()),
        formats: vec![talkposter::pipeline::Format::Pdf],
        ppi: 150,
    };
    let workers = Workers::new(Isolation::Processes { exe: binary() }, 1, vec![], std::time::Duration::from_secs(300));
    // A worker is known by its command line once it has answered (before,
    // it may not have become `talkposter worker` yet).
    assert!(workers.programme(0, job(10)).unwrap().is_ok());
    let first = worker_processes();
    assert_eq!(first.len(), 1, "one worker started");
    assert!(workers.programme(0, job(10)).unwrap().is_ok());
    assert_eq!(worker_processes(), first, "a short programme keeps its worker");
    assert!(workers.programme(0, job(260)).unwrap().is_ok());
    let again = workers.programme(0, job(3)).unwrap().unwrap();
    assert!(again.files.iter().any(|(name, bytes)| name == "programme.pdf" && bytes.starts_with(b"%PDF")));
    let replaced = worker_processes();
    assert_eq!(replaced.len(), 1, "the old worker is gone: {first:?} then {replaced:?}");
    assert_ne!(replaced, first, "a new worker did the job after the long programme");
}

/// The `talkposter worker` processes this test process started itself
/// (other tests' workers are its grandchildren).
#[cfg(target_os = "linux")]
fn worker_processes() -> Vec<u32> {
    let mut pids: Vec<u32> = fs::read_dir("/proc/self/task")
        .unwrap()
        .flatten()
        .filter_map(|t| fs::read_to_string(t.path().join("children")).ok())
        .flat_map(|c| c.split_whitespace().filter_map(|p| p.parse().ok()).collect::<Vec<u32>>())
        .filter(|pid| {
            let cmdline = fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            cmdline.split(|b| *b == 0).nth(1) == Some(b"worker".as_slice())
        })
        .collect();
    pids.sort();
    pids
}
