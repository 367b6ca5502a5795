//! The demanding corpus (`tests/demanding/`): talks written to stress the
//! layouts (titles of 1 to 40 words in a dozen languages, panels of 2 to 16
//! people, schedules, every script, the longest texts the flyer holds),
//! with the example and script events, in every built-in layout. Each one
//! must be made: rendering runs the collision check, so a poster with two
//! things touching, or one refused, fails here with the reason.

use std::path::{Path, PathBuf};

use crate::common::*;

/// Every event of the corpus and of the examples.
fn corpus() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["tests/demanding", "tests/events/scripts", "tests/events/outputs", "events"] {
        for entry in std::fs::read_dir(repo().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "yaml") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The layouts every talk is made in: each built-in one, and the flyer on
/// three more papers (a big poster, the US tabloid, and US Letter: shorter
/// than A4, so the longest talks need its tightest steps).
const LAYOUTS: &[(&str, &str, Option<&str>)] = &[
    ("flyer", "flyer", None),
    ("card", "card", None),
    ("portrait", "portrait", None),
    ("story", "story", None),
    ("screen", "screen", None),
    ("link", "link", None),
    ("cover", "cover", None),
    ("flyer-a1", "flyer", Some("a1")),
    ("flyer-tabloid", "flyer", Some("tabloid")),
    ("flyer-letter", "flyer", Some("letter")),
];

/// Renders `events` with `layout` (on `paper`) into `out`; returns the
/// talks that failed, with the reason.
fn render_all(events: &[PathBuf], layout: &str, paper: Option<&str>, out: &Path) -> Vec<String> {
    let mut failed = Vec::new();
    for event in events {
        let mut args = vec!["--template", layout, "--format", "pdf", "--time-limit", "120"];
        args.extend(paper.iter().flat_map(|p| ["--paper", p]));
        let o = render(event, out, &args);
        if !o.status.success() {
            failed.push(format!("{layout} {paper:?} {}: {}", event.display(), stderr(&o)));
        }
    }
    failed
}

#[test]
fn every_talk_of_the_corpus_is_made_clean_in_every_layout() {
    let events = corpus();
    assert!(events.len() >= 60, "the corpus has {} talks", events.len());
    let out = tempfile::tempdir().unwrap();
    // The layouts side by side, one process each.
    let failed: Vec<String> = std::thread::scope(|scope| {
        let jobs: Vec<_> = LAYOUTS
            .iter()
            .map(|&(name, layout, paper)| {
                let dir = out.path().join(name);
                let events = &events;
                scope.spawn(move || render_all(events, layout, paper, &dir))
            })
            .collect();
        jobs.into_iter().flat_map(|j| j.join().unwrap()).collect()
    });
    let made = events.len() * LAYOUTS.len();
    assert!(failed.is_empty(), "{} of {made} posters not made:\n{}", failed.len(), failed.join("\n"));
    // Where the team's outside check can run, the PDFs are kept for it.
    if let Some(keep) = std::env::var_os("TALKPOSTER_KEEP_CORPUS") {
        let keep = PathBuf::from(keep);
        std::fs::create_dir_all(&keep).unwrap();
        for (name, ..) in LAYOUTS {
            let target = keep.join(name);
            let _ = std::fs::remove_dir_all(&target);
            std::fs::rename(out.path().join(name), &target)
                .or_else(|_| copy_dir(&out.path().join(name), &target))
                .unwrap();
        }
    }
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        std::fs::copy(entry.path(), to.join(entry.file_name()))?;
    }
    Ok(())
}
