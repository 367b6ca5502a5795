//! Writing events: `new`, `check`, `watch`, the JSON Schemas, completions
//! and the manual page, each run as a user would.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::common::{repo, s, stderr, stdout, talkposter};

fn schema(kind: &str) -> serde_json::Value {
    let out = talkposter(&["schema", kind]);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("the schema is JSON")
}

fn validator(kind: &str) -> jsonschema::Validator {
    jsonschema::validator_for(&schema(kind)).expect("a valid JSON Schema")
}

/// A YAML file as the JSON value an editor's schema check sees.
fn as_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap();
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn schema_errors(validator: &jsonschema::Validator, value: &serde_json::Value) -> Vec<String> {
    validator.iter_errors(value).map(|e| format!("{e} (at {})", e.instance_path())).collect()
}

fn is_series(path: &Path, value: &serde_json::Value) -> bool {
    path.file_name().is_some_and(|n| n == "series.yaml") || value.get("talks").is_some()
}

fn yaml_files(dir: &Path, into: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            yaml_files(&path, into);
        } else if path.extension().is_some_and(|e| e == "yaml") {
            into.push(path);
        }
    }
    into.sort();
}

/// The committed schemas are what the program prints (bless to update).
#[test]
fn committed_schemas_are_current() {
    for kind in ["event", "series"] {
        let printed = stdout(&talkposter(&["schema", kind]));
        let path = repo().join("schema").join(format!("{kind}.schema.json"));
        if std::env::var_os("TALKPOSTER_BLESS").is_some() {
            std::fs::write(&path, &printed).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == printed,
            "{} is not what `talkposter schema {kind}` prints (TALKPOSTER_BLESS=1)",
            path.display()
        );
    }
}

/// Every file the tool accepts, the schema accepts: an editor never marks
/// a good event wrong.
#[test]
fn every_example_event_satisfies_the_schema() {
    let (event, series) = (validator("event"), validator("series"));
    let mut files = Vec::new();
    for dir in ["events", "tests/events", "templates/new"] {
        yaml_files(&repo().join(dir), &mut files);
    }
    assert!(files.len() > 15, "{files:?}");
    let mut wrong = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap().replace("TALK_DATE", "2026-12-06");
        let value: serde_json::Value = serde_yaml::from_str(&text).unwrap();
        let v = if is_series(path, &value) { &series } else { &event };
        for e in schema_errors(v, &value) {
            wrong.push(format!("{}: {e}", path.display()));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// What the schema can see is wrong, it says is wrong. Some mistakes only
/// the tool can find (a 30 February, a missing photo): the list names them,
/// so a schema that starts or stops seeing one is noticed.
#[test]
fn the_schema_rejects_what_it_can_see_is_wrong() {
    let (event, series) = (validator("event"), validator("series"));
    let only_the_tool_sees = [
        "broken-markup",   // Typst markup is checked by laying it out
        "duplicate-key",   // a YAML matter: editors' YAML parsers flag it
        "impossible-date", // YYYY-MM-DD in form, not on the calendar
        "missing-photo",   // files
        "undrawable",      // glyphs in the fonts
        "unknown-font",    // installed fonts
    ];
    let mut files = Vec::new();
    yaml_files(&repo().join("tests/errors"), &mut files);
    let mut accepted = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let Ok(value) = serde_yaml::from_str::<serde_json::Value>(&text) else {
            continue; // not YAML at all (tabs, repeated keys): no schema is consulted
        };
        let v = if is_series(path, &value) { &series } else { &event };
        if v.is_valid(&value) {
            accepted.push(path.file_stem().unwrap().to_string_lossy().to_string());
        }
    }
    assert_eq!(accepted, only_the_tool_sees);
}

/// The mistakes an editor should mark as one types, each alone in an
/// otherwise good event: the schema and the tool both refuse it.
#[test]
fn the_schema_marks_the_common_mistakes() {
    let event = validator("event");
    let dir = tempfile::tempdir().unwrap();
    let good = "title: T\nspeaker: Ada Lovelace\ntime: {date: 2026-12-06, start: 4pm}\nplace: Room 1\n";
    let mistakes = [
        ("an unknown key", format!("{good}abstarct: x\n")),
        ("a misplaced key", format!("{good}photo: ada.jpg\n")),
        ("a wrong type", good.replace("time: {date: 2026-12-06, start: 4pm}", "time: tomorrow")),
        ("a list for a name", good.replace("title: T", "title: [a, b]")),
        ("a missing title", good.replace("title: T\n", "")),
        ("an unsupported language", format!("{good}language: klingon\n")),
        ("an impossible time", good.replace("4pm", "\"25:00\"")),
        ("a colour that is not #RRGGBB", format!("{good}organizer: {{name: X, color: red}}\n")),
    ];
    let path = dir.path().join("t.yaml");
    std::fs::write(&path, good).unwrap();
    assert!(event_ok(&path), "the good event is good");
    for (what, yaml) in mistakes {
        std::fs::write(&path, &yaml).unwrap();
        let value: serde_json::Value = serde_yaml::from_str(&yaml).unwrap();
        assert!(!event.is_valid(&value), "the schema accepts {what}:\n{yaml}");
        assert_eq!(talkposter(&["check", s(&path)]).status.code(), Some(1), "the tool accepts {what}");
    }
}

/// Numbers are text where text is asked for (a room number), for the
/// schema as for the tool.
#[test]
fn numbers_are_text_for_both() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.yaml");
    let good = "title: T\nspeaker: Ada Lovelace\ntime: {date: 2026-12-06, start: 4pm}\nplace: Room 1\n";
    for yaml in [
        good.replace("title: T", "title: 2024"),
        good.replace("place: Room 1", "place: 204"),
        good.replace("place: Room 1", "place: {en: 204, zh: 204室}"),
    ] {
        std::fs::write(&path, &yaml).unwrap();
        assert!(event_ok(&path), "refused:\n{yaml}");
    }
}

/// The schema's patterns for times agree with the tool, form by form.
#[test]
fn schema_and_tool_agree_on_times() {
    let event = validator("event");
    let dir = tempfile::tempdir().unwrap();
    let forms = [
        "16:00",
        "9:30",
        "16.00",
        "4pm",
        "4 PM",
        "4:30 p.m.",
        "12am",
        "12 pm",
        "23:59",
        "0:00",
        "24:00",
        "16:60",
        "13pm",
        "0am",
        "4",
        "four",
        "16h",
        "16:00:00",
        // As announcements in other languages write times (and near misses).
        "18h30",
        "18H30",
        "16 h 30",
        "16hh",
        "18 Uhr",
        "18:00 Uhr",
        "18.15 Uhr",
        "18 15 Uhr",
        "16:00 h",
        "noon",
        "12 noon",
        "1 noon",
        "4 a.m",
        "7 p. m.",
        "7 p m",
        "7 p..m",
        "4am.",
        "16h pm",
        "上午10点",
        "下午3:00",
        "下午3点半",
        "下午 3 点 05 分",
        "下午15:00",
        "下午3",
        "下午0点",
        "下午25点",
        "上午13点",
        "中午12点",
        "中午1点半",
        "中午5点",
        "凌晨0点",
        "15点30分",
        "3点75分",
        "3点分",
        "14：30",
        "13時30分",
        "午後3時",
        "오후 2시",
        "오후 2시 30분",
        "오전 10시",
        "14시",
        "۱۷:۰۰",
        "١٧:٣٠",
        "۲۵:۰۰",
        "１６：００",
        "१६:००",
        "2:30 PM EDT",
        "16:00 UTC+8",
        "北京时间 15:00",
    ];
    for form in forms {
        let yaml =
            format!("title: T\nspeaker: Ada Lovelace\nplace: Room 1\ntime: {{date: 2026-12-06, start: \"{form}\"}}\n");
        let path = dir.path().join("t.yaml");
        std::fs::write(&path, &yaml).unwrap();
        let tool = talkposter(&["check", s(&path)]).status.success();
        let value: serde_json::Value = serde_yaml::from_str(&yaml).unwrap();
        assert_eq!(event.is_valid(&value), tool, "`{form}`: schema and tool disagree (tool accepts: {tool})");
    }
}

/// `new` writes a starter that passes `check` and renders, refuses to
/// overwrite, and makes a series folder that `batch` renders.
#[test]
fn new_starts_a_talk_and_a_series() {
    let dir = tempfile::tempdir().unwrap();
    let talk = dir.path().join("talk.yaml");
    let out = talkposter(&["new", s(&talk)]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(dir.path().join("event.schema.json").is_file(), "the schema beside it, for the editor");
    assert!(event_ok(&talk));
    let written = std::fs::read(&talk).unwrap();
    let again = talkposter(&["new", s(&talk)]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("already exists"), "{}", stderr(&again));
    assert_eq!(std::fs::read(&talk).unwrap(), written, "untouched");
    let rendered = talkposter(&["render", s(&talk), "-o", s(&dir.path().join("out"))]);
    assert!(rendered.status.success(), "{}", stderr(&rendered));

    let series = dir.path().join("seminar");
    let out = talkposter(&["new", "--series", s(&series)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let check = talkposter(&["check", s(&series)]);
    assert!(check.status.success(), "{}{}", stdout(&check), stderr(&check));
    assert!(stdout(&check).contains("1 talk checked: no problems"), "{}", stdout(&check));
    let out_dir = dir.path().join("posters");
    let batch = talkposter(&["batch", s(&series), "-o", s(&out_dir)]);
    assert!(batch.status.success(), "{}", stderr(&batch));
    assert!(crate::common::files(&out_dir).iter().any(|f| f.ends_with("-first-talk.pdf")));
}

fn event_ok(path: &Path) -> bool {
    validator("event").is_valid(&as_json(path)) && talkposter(&["check", s(path)]).status.success()
}

/// `check` reports every problem of every talk, exits 1, and writes nothing;
/// `--layout` also finds what only laying out shows.
#[test]
fn check_reports_every_problem_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let good = "title: T\nspeaker: Ada Lovelace\ntime: {date: 2026-12-06, start: 4pm}\nplace: Room 1\n";
    std::fs::write(dir.path().join("a-good.yaml"), good).unwrap();
    std::fs::write(dir.path().join("b-date.yaml"), good.replace("2026-12-06", "2026-02-30")).unwrap();
    std::fs::write(
        dir.path().join("c-photo.yaml"),
        format!("{good}abstract: x\n").replace("Ada Lovelace", "{name: Ada, photo: ada.png}"),
    )
    .unwrap();
    std::fs::write(dir.path().join("ada.png"), "not a picture").unwrap();
    let before = crate::common::files(dir.path());
    let out = talkposter(&["check", s(dir.path())]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).contains("3 talks checked: 2 with problems"), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(err.contains("b-date.yaml:3") && err.contains("30"), "{err}");
    assert!(err.contains("c-photo.yaml:2") && err.contains("speaker.photo"), "{err}");
    assert_eq!(crate::common::files(dir.path()), before, "check writes nothing");

    // Too long for the flyer: only laying it out finds that.
    let long = format!("{good}abstract: {}\n", "The quick brown fox jumps over the lazy dog. ".repeat(400));
    let long_file = dir.path().join("long.yaml");
    std::fs::write(&long_file, long).unwrap();
    assert!(talkposter(&["check", s(&long_file)]).status.success());
    let laid = talkposter(&["check", "--layout", s(&long_file)]);
    assert_eq!(laid.status.code(), Some(1));
    assert!(stderr(&laid).contains("abstract"), "{}", stderr(&laid));
    assert!(stdout(&laid).contains("1 talk checked and laid out: 1 with problems"), "{}", stdout(&laid));
}

/// A running `watch`: its stdout lines arrive on a channel.
struct Watching {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Watching {
    fn start(event: &Path, out: &Path, extra: &[&str]) -> Self {
        let mut child = Command::new(crate::common::binary())
            .args(["watch", s(event), "-o", s(out), "--format", "png"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let (tx, lines) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        Watching { child, lines }
    }

    /// The next line saying whether it rendered (waiting at most a minute:
    /// a slow machine is not a failure, a silent `watch` is).
    fn next_outcome(&self) -> String {
        loop {
            let line = self.lines.recv_timeout(Duration::from_secs(60)).expect("watch said nothing for a minute");
            if line.contains("rendered") {
                return line;
            }
        }
    }

    fn alive(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `watch` renders, renders again on each save, survives a broken save
/// (the last good poster kept) and renders again once it is fixed.
#[test]
fn watch_renders_at_every_save_and_survives_a_broken_one() {
    watch_scenario(&[]);
}

/// The same, looking at the files' times (network folders).
#[test]
fn watch_with_poll_renders_at_every_save_too() {
    watch_scenario(&["--poll"]);
}

fn watch_scenario(extra: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let event = dir.path().join("talk.yaml");
    let out = dir.path().join("out");
    let png = out.join("talk.png");
    let good = "title: First Title\nspeaker: Ada Lovelace\ntime: {date: 2026-12-06, start: 4pm}\nplace: Room 1\n";
    std::fs::write(&event, good).unwrap();
    let mut w = Watching::start(&event, &out, extra);
    let line = w.next_outcome();
    assert!(!line.contains("not rendered") && png.is_file(), "{line}");
    let first = std::fs::read(&png).unwrap();

    // Saved in place, as most editors do.
    std::fs::write(&event, good.replace("First Title", "Second Title")).unwrap();
    let line = w.next_outcome();
    assert!(!line.contains("not rendered") && line.contains("talk.png"), "{line}");
    let second = std::fs::read(&png).unwrap();
    assert_ne!(first, second, "the new title is drawn");

    std::fs::write(&event, good.replace("2026-12-06", "2026-13-06")).unwrap();
    assert!(w.next_outcome().contains("not rendered"));
    assert!(w.alive(), "a broken save does not end watch");
    assert_eq!(std::fs::read(&png).unwrap(), second, "the last good poster is kept");

    // Saved by writing another file and renaming it over, as vim does.
    let tmp = dir.path().join(".talk.yaml.swp");
    std::fs::write(&tmp, good.replace("First Title", "Third Title")).unwrap();
    std::fs::rename(&tmp, &event).unwrap();
    let line = w.next_outcome();
    assert!(!line.contains("not rendered"), "{line}");
    assert_ne!(std::fs::read(&png).unwrap(), second);
}

/// `watch` of something that cannot be a talk's file says why at once.
#[test]
fn watch_refuses_what_it_cannot_read() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.yaml"), dir.path().join("b.yaml"));
    std::os::unix::fs::symlink(&b, &a).unwrap();
    std::os::unix::fs::symlink(&a, &b).unwrap();
    for (path, why) in [
        (dir.path().join("missing.yaml"), "no such event file"),
        (a, "leads back to itself"),
        (PathBuf::from("/dev/zero"), "a device"),
        (dir.path().to_path_buf(), "a folder"),
    ] {
        let out = talkposter(&["watch", s(&path)]);
        assert_eq!(out.status.code(), Some(1), "{}", path.display());
        assert!(stderr(&out).contains(why), "{}: {}", path.display(), stderr(&out));
    }
}

#[test]
fn completions_and_manual_page_cover_every_command() {
    let commands = ["new", "check", "watch", "render", "batch", "templates", "fonts", "schema", "completions", "man"];
    for shell in ["bash", "zsh", "fish"] {
        let out = talkposter(&["completions", shell]);
        assert!(out.status.success(), "{}", stderr(&out));
        let script = stdout(&out);
        for c in commands {
            assert!(script.contains(c), "{shell} completions lack `{c}`");
        }
        assert!(!script.contains("worker"), "{shell} completions offer the internal `worker`");
    }
    let man = talkposter(&["man"]);
    assert!(man.status.success());
    let page = stdout(&man);
    assert!(page.starts_with(".ie") || page.contains(".TH talkposter"), "{}", &page[..200.min(page.len())]);
    for c in commands {
        assert!(page.contains(c), "the manual page lacks `{c}`");
    }
    assert!(!page.contains("worker"));
}

/// A reader that stops early (`talkposter schema event | head -1`) ends the
/// output quietly, not with "stopped on a bug".
#[test]
fn output_cut_short_by_its_reader_is_not_a_bug() {
    use std::io::Read;
    let mut child = std::process::Command::new(crate::common::binary())
        .args(["schema", "event"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 1];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // The pipe's reading end is closed here, before the schema is all written.
    let out = child.wait_with_output().unwrap();
    assert_eq!(&first, b"{");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// Messages on stderr cut short too (`talkposter batch … 2>&1 | head`): the
/// batch goes on and ends with its usual exit code, not an abort (a panic
/// on the closed stderr, then another in the hook that reports panics).
#[test]
fn messages_cut_short_by_their_reader_do_not_stop_a_batch() {
    let dir = tempfile::tempdir().unwrap();
    let good = "title: A good talk\nspeaker: {name: B}\ntime: {date: 2025-03-03, start: \"16:00\"}\nplace: there\n";
    std::fs::write(dir.path().join("good.yaml"), good).unwrap();
    let bad = "title: x\nspeaker: {name: A}\ntime: {date: 2025-02-30, start: \"16:00\"}\nplace: here\n";
    std::fs::write(dir.path().join("bad.yaml"), bad).unwrap();
    let out = dir.path().join("out");
    let mut child = std::process::Command::new(crate::common::binary())
        .args(["batch", crate::common::s(dir.path()), "-o", crate::common::s(&out), "--format", "pdf"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Both readers gone before anything is said.
    drop(child.stdout.take());
    drop(child.stderr.take());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(1), "one talk failed: exit code 1, not {status:?}");
    assert!(out.join("good.pdf").exists(), "the good talk is rendered");
}
