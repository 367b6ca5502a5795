//! Property tests: whatever a file holds, talkposter answers with a poster
//! or a message, never a panic. Arbitrary bytes and YAML-like text go to the
//! loader, arbitrary YAML values to the validator (in this process: fast),
//! and arbitrary strings in every text field through the built binary (where
//! a panic in either process would show).
//!
//! CI runs a few cases of each; for a long run set PROPTEST_CASES, e.g.
//!   PROPTEST_CASES=5000 cargo test --release --test it properties

use std::path::Path;

use proptest::prelude::*;
use serde_yaml::{Mapping, Value};

use crate::common::*;
use talkposter::event::{self, Origin, source};

/// Cases per property: PROPTEST_CASES, or `default`.
fn cases(default: u32) -> ProptestConfig {
    let n = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    ProptestConfig { cases: n, failure_persistence: None, ..ProptestConfig::default() }
}

/// Words to build YAML from: the event's keys as a user writes them, kept
/// here rather than read from the program, so a key the program forgot to
/// declare still turns up in the tests.
const KEYS: &[&str] = &[
    "title",
    "subtitle",
    "kind",
    "speaker",
    "name",
    "affiliation",
    "photo",
    "photo_focus",
    "bio",
    "homepage",
    "host",
    "time",
    "date",
    "start",
    "end",
    "timezone",
    "place",
    "online",
    "url",
    "meeting_id",
    "passcode",
    "platform",
    "registration",
    "abstract",
    "note",
    "contact",
    "language",
    "markup",
    "organizer",
    "logo",
    "color",
    "template",
    "series",
    "en",
    "zh",
    "talks",
    "defaults",
];

/// Text built from the pieces of YAML: keys, indentation, flow brackets,
/// anchors, aliases, tags, quotes and odd characters.
fn yamlish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        prop::sample::select(KEYS).prop_map(|k| format!("{k}: ")),
        prop::sample::select(vec![
            "\n",
            "\n  ",
            "\n    ",
            "- ",
            "[",
            "]",
            "{",
            "}",
            ", ",
            ": ",
            "&a ",
            "*a",
            "&b ",
            "*b",
            "!!str ",
            "!!binary ",
            "<<: ",
            "'",
            "\"",
            "|\n  ",
            ">\n  ",
            "#",
            "---\n",
            "...\n",
            "\t",
            "\\",
            "%YAML 1.2\n",
            "2024-02-30",
            "25:00",
            "16:00",
            "https://x.org",
            "mailto:a@b",
            "~",
            "null",
            "true",
            "1e400",
            "-0",
            "0x1F",
            "\u{FEFF}",
            "\u{0}",
            "静园",
            "🎉",
            "\u{202E}",
        ])
        .prop_map(str::to_string),
        "[a-zA-Z0-9 ]{0,12}",
    ];
    prop::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

/// An arbitrary YAML value, with keys mostly from the event's own.
fn yaml_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| Value::Number(n.into())),
        any::<f64>().prop_map(|n| Value::Number(n.into())),
        any::<String>().prop_map(Value::String),
        prop::sample::select(vec![
            "2024-06-13",
            "16:00",
            "Asia/Shanghai",
            "https://example.org",
            "#94070A",
            "zh",
            "typst",
            "flyer"
        ])
        .prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(5, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Sequence),
            prop::collection::vec(
                (prop_oneof![prop::sample::select(KEYS).prop_map(str::to_string), ".{0,8}"], inner),
                0..8
            )
            .prop_map(|entries| {
                let mut m = Mapping::new();
                for (k, v) in entries {
                    m.insert(Value::String(k), v);
                }
                Value::Mapping(m)
            }),
        ]
    })
}

/// Loads `bytes` as an event file and as a series; any outcome but a panic.
fn load_bytes(dir: &Path, bytes: &[u8]) {
    let path = dir.join("talk.yaml");
    std::fs::write(&path, bytes).unwrap();
    let _ = event::load(&path);
    let _ = talkposter::series::collect(&[path], &Default::default());
}

proptest! {
    #![proptest_config(cases(256))]

    #[test]
    fn any_bytes_load_without_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let dir = tempfile::tempdir().unwrap();
        load_bytes(dir.path(), &bytes);
    }

    #[test]
    fn any_yamlish_text_loads_without_panic(text in yamlish()) {
        let dir = tempfile::tempdir().unwrap();
        load_bytes(dir.path(), text.as_bytes());
    }

    #[test]
    fn any_yaml_value_validates_without_panic(value in yaml_value()) {
        let doc = source::parse(talkposter::diag::SourceText { path: "v.yaml".into(), text: "".into() }).unwrap();
        let origin = Origin::single(&doc);
        let _ = event::validate::validate(&value, &origin, Path::new("."));
        // And as a file: written out by serde_yaml, read back with positions.
        let text = serde_yaml::to_string(&value).unwrap_or_default();
        let dir = tempfile::tempdir().unwrap();
        load_bytes(dir.path(), text.as_bytes());
    }
}

/// A string for a text field: anything at all, or odd pieces that stress
/// shaping, line breaking and escaping.
fn field_text() -> impl Strategy<Value = String> {
    let odd = prop::collection::vec(
        prop::sample::select(vec![
            "#",
            "$",
            "*",
            "_",
            "@",
            "<",
            ">",
            "\\",
            "[",
            "]",
            "{",
            "}",
            "`",
            "=",
            "-",
            "/",
            "~",
            "\u{200D}",
            "\u{0301}",
            "\u{202E}",
            "\u{FEFF}",
            "مرحبا",
            "שלום",
            "नमस्ते",
            "สวัสดี",
            "静园",
            "かな",
            "한국",
            "🎉",
            "👩‍🔬",
            "𓀀",
            "\t",
            " ",
            "word",
            "https://example.org/a-very-long-path-without-breaks",
        ]),
        1..40,
    )
    .prop_map(|v| v.concat());
    prop_oneof![any::<String>(), odd]
}

fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

proptest! {
    #![proptest_config(cases(12))]

    #[test]
    fn any_text_in_any_field_renders_or_is_refused_with_a_message(
        texts in prop::collection::vec(field_text(), 9),
        typst in any::<bool>(),
        layout in prop::sample::select(vec!["flyer", "card", "screen"]),
    ) {
        let q: Vec<String> = texts.iter().map(|t| quoted(t)).collect();
        let yaml = format!(
            "title: {}\nsubtitle: {}\nkind: {}\nspeaker:\n  - {{name: {}, affiliation: {}, bio: {}}}\n  - {{name: Dr. B}}\nhost: {}\ntime: {{date: 2024-06-13, start: \"16:00\"}}\nplace: {}\nabstract: {}\nnote: {}\ncontact: {}\nmarkup: {}\norganizer: {{name: {}}}\n",
            q[0], q[1], q[2], q[3], q[4], q[5], q[6], q[7], q[8], q[0], q[2], if typst { "typst" } else { "plain" }, q[1]
        );
        let (dir, path) = event_file(&yaml);
        let o = render(&path, dir.path(), &["--template", layout, "--ppi", "30", "--time-limit", "20"]);
        let err = stderr(&o);
        prop_assert!(matches!(o.status.code(), Some(0) | Some(1)), "exit {:?}: {}", o.status.code(), err);
        prop_assert!(!err.contains("panicked") && !err.contains("bug in talkposter") && !err.contains("stopped unexpectedly"), "{}\n{}", yaml, err);
        if o.status.code() == Some(1) {
            prop_assert!(err.contains("error: "), "{}", err);
        }
    }
}

/// Words of real titles, in several languages and lengths.
const TITLE_WORDS: &[&str] = &[
    "Learning",
    "to",
    "Generate",
    "Diffusion",
    "Models",
    "and",
    "the",
    "Geometry",
    "of",
    "Random",
    "Graphs",
    "Towards",
    "Comprehensive",
    "Reproducible",
    "Framework",
    "for",
    "Evaluating",
    "Clinical",
    "Decision",
    "Support:",
    "Lessons",
    "from",
    "Three",
    "Randomised",
    "Trials,",
    "Archive",
    "Street",
    "Popular",
    "Print",
    "Censorship",
    "Politics",
    "Reading",
    "Early-Modern",
    "Europe",
    "L²-cohomology",
    "Grundwasserneubildung",
    "Universitätsangehörigen",
    "Begutachtung",
    "Menschheitsfragen",
    "свойствах",
    "спектральных",
    "последовательностей",
    "когомологий",
    "des",
    "sciences",
    "économiques",
    "Éthique",
    "À",
    "propos",
    "análisis",
    "países",
    "Ingeniería",
    "quantum",
    "gravity",
    "y",
    "g",
    "jpq",
    "Quigley",
];

proptest! {
    #![proptest_config(cases(9))]

    /// A title of 1 to 40 words, with texts of other lengths around it, is
    /// made in every layout, or, past what a page holds, refused with the
    /// number of words to cut, measured: with that many fewer it is made.
    #[test]
    fn titles_of_one_to_forty_words_are_made_or_refused_with_the_exact_cut(
        title in prop::collection::vec(prop::sample::select(TITLE_WORDS), 1..=40),
        abstract_words in 0usize..=320,
        speakers in 1usize..=6,
        layout in prop::sample::select(vec!["flyer", "card", "screen"]),
    ) {
        let prose = "Generative models learn the distribution of data from examples and sample new points from it";
        let abstract_: Vec<&str> = prose.split(' ').cycle().take(abstract_words).collect();
        let people: Vec<String> = (0..speakers).map(|i| format!("  - {{name: Dr. Guoqing Jiang {i}, affiliation: Department of Physics}}")).collect();
        let yaml = |title: &[&str]| format!(
            "title: {}\nspeaker:\n{}\ntime: {{date: 2025-06-13, start: \"16:00\"}}\nplace: Room 204\n{}",
            quoted(&title.join(" ")),
            people.join("\n"),
            if abstract_.is_empty() { String::new() } else { format!("abstract: {}\n", quoted(&abstract_.join(" "))) },
        );
        let (dir, path) = event_file(&yaml(&title));
        let o = render(&path, dir.path(), &["--template", layout, "--format", "pdf"]);
        let err = stderr(&o);
        if o.status.success() {
            return Ok(());
        }
        prop_assert_eq!(o.status.code(), Some(1), "{}", err);
        let cut = err.split("help: cut ").nth(1).and_then(|r| r.split(' ').next()).and_then(|n| n.parse::<usize>().ok());
        prop_assert!(cut.is_some(), "refused without the words to cut:\n{}\n{}", yaml(&title), err);
        if err.contains("from `title`") {
            let cut = cut.unwrap();
            prop_assert!(cut < title.len(), "{}", err);
            let (dir, path) = event_file(&yaml(&title[..title.len() - cut]));
            let again = render(&path, dir.path(), &["--template", layout, "--format", "pdf"]);
            prop_assert!(again.status.success(), "cut {} words and still refused: {}", cut, stderr(&again));
        }
    }
}

/// Inputs long property runs found, kept as tests: each must end in the
/// ordinary message at its field, never in Typst's shaper failing.
#[test]
fn texts_that_crashed_typsts_shaper_are_named_at_their_field() {
    for (markup, field, text) in [
        // A right-to-left override, a tab and a mark before a character no
        // font has: Typst 0.15.1 splits the cluster (inline/shaping.rs:444).
        ("plain", "name", "\u{202e}\t\u{301}\u{13000}#"),
        ("typst", "bio", "$\u{13000}\u{301}\u{200d}$"),
    ] {
        let yaml = format!(
            "title: A\nmarkup: {markup}\nspeaker:\n  - {{name: {}, bio: {}}}\ntime: {{date: 2024-06-13, start: \"16:00\"}}\nplace: Room 1\n",
            if field == "name" { quoted(text) } else { "Dr. A".into() },
            if field == "bio" { quoted(text) } else { "\"A bio\"".into() },
        );
        for layout in ["flyer", "card", "screen"] {
            let (dir, path) = event_file(&yaml);
            let o = render(&path, dir.path(), &["--template", layout]);
            let err = stderr(&o);
            assert_eq!(o.status.code(), Some(1), "{err}");
            assert!(
                err.contains(&format!("speaker[0].{field}: no font of the poster can draw `𓀀`")),
                "{layout}: {err}"
            );
            assert!(!err.contains("unexpectedly") && !err.contains(".cargo"), "{layout}: {err}");
        }
    }
}
