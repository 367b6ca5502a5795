//! Whole messages, as a user sees them: each bad event under tests/errors
//! is rendered from the repository's folder and what talkposter prints must
//! equal the `.err` file beside it, every line. After an intended change to
//! a message, look at the new text, then rewrite the files with
//! TALKPOSTER_BLESS=1.

use crate::common::*;

#[test]
fn every_bad_event_gets_exactly_its_expected_message() {
    let dir = repo().join("tests/errors");
    let mut events: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    events.sort();
    assert!(events.len() >= 10, "{events:?}");
    let out = tempfile::tempdir().unwrap();
    let mut wrong = Vec::new();
    for event in events {
        let name = event.file_name().unwrap().to_str().unwrap();
        let o = std::process::Command::new(binary())
            .current_dir(repo())
            .args(["render", &format!("tests/errors/{name}"), "-o", s(out.path())])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1), "{name}: {}", stderr(&o));
        let actual = stderr(&o).replace(s(out.path()), "OUT");
        let expected_path = event.with_extension("err");
        if std::env::var_os("TALKPOSTER_BLESS").is_some() {
            std::fs::write(&expected_path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if actual != expected {
            wrong.push(format!("== {name}: expected\n{expected}\n== but got\n{actual}"));
        }
        assert!(files(out.path()).is_empty(), "{name}: nothing is written");
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
