//! Posters that look composed at any length: a ladder of talks from no
//! abstract to the longest that fits, with one speaker or a panel, with and
//! without photos, host, online link and QR codes. On every flyer the
//! largest empty band between lines of text (read from the PDF) is at most
//! 15% of the page; every rung has a golden image.

use std::path::{Path, PathBuf};

use crate::common::*;

/// Real prose (the seed poster's abstract and biography), cut to `n` words.
fn words(n: usize, bio: bool) -> String {
    let seed = std::fs::read_to_string(repo().join("events/2024-06-13-yilun-xu.yaml")).unwrap();
    let (start, end) = if bio { ("  bio: |\n", "host:") } else { ("abstract: |\n", "organizer:") };
    let text = &seed[seed.find(start).unwrap() + start.len()..seed.find(end).unwrap()];
    let all: Vec<&str> = text.split_whitespace().collect();
    let mut out: Vec<&str> = all.iter().cycle().take(n).copied().collect();
    if let Some(last) = out.last_mut()
        && !last.ends_with('.')
    {
        let fixed: &'static str = Box::leak(format!("{}.", last.trim_end_matches(',')).into_boxed_str());
        *last = fixed;
    }
    out.join(" ")
}

/// What a rung of the ladder has besides its text.
#[derive(Clone, Copy, Debug)]
pub enum Variant {
    /// One speaker, no photo, a host.
    Plain,
    /// One speaker with a photo, an online link and a sign-up link (two QR codes).
    Photo,
    /// Three speakers with photos, a host, no links.
    Panel,
}

/// Words of abstract and biography, from none to the longest that fits.
pub const LADDER: [(usize, usize); 5] = [(0, 0), (20, 20), (80, 60), (200, 100), (430, 120)];

/// The rungs of a variant: with online details and two QR codes the
/// longest that fits is 400 words.
fn rungs(variant: Variant) -> Vec<(usize, usize)> {
    let mut rungs = LADDER.to_vec();
    if let Variant::Photo = variant {
        rungs[4] = (400, 120);
    }
    rungs
}

const VARIANTS: [Variant; 3] = [Variant::Plain, Variant::Photo, Variant::Panel];

/// Writes the rung's event (and photos) into `dir`; returns the event file.
pub fn rung(dir: &Path, (abs, bio): (usize, usize), variant: Variant) -> PathBuf {
    let photo = |name: &str, hue: u8| {
        let img = image::RgbImage::from_fn(300, 300, |x, y| {
            let d = ((x as i32 - 150).pow(2) + (y as i32 - 120).pow(2)) as f32;
            if d < 70.0 * 70.0 { image::Rgb([hue, 120, 160]) } else { image::Rgb([220, 225, 230]) }
        });
        img.save(dir.join(name)).unwrap();
    };
    let bio_line = if bio > 0 { format!("    bio: \"{}\"\n", words(bio, true)) } else { String::new() };
    let speakers = match variant {
        Variant::Plain => format!("speaker:\n  - name: Dr. Yilun Xu\n    affiliation: MIT & NVIDIA\n{bio_line}"),
        Variant::Photo => {
            photo("a.png", 200);
            format!("speaker:\n  - name: Dr. Yilun Xu\n    affiliation: MIT & NVIDIA\n    photo: a.png\n{bio_line}")
        }
        Variant::Panel => {
            for (n, hue) in [("a.png", 200), ("b.png", 90), ("c.png", 30)] {
                photo(n, hue);
            }
            format!(
                "speaker:\n  - name: Dr. Yilun Xu\n    affiliation: MIT & NVIDIA\n    photo: a.png\n{bio_line}  - name: Prof. Yang Song\n    affiliation: OpenAI\n    photo: b.png\n  - name: Weijian Luo 博士\n    affiliation: {{zh: 小红书 hi lab, en: \"hi lab, Xiaohongshu\"}}\n    photo: c.png\n"
            )
        }
    };
    let host = match variant {
        Variant::Photo => "",
        _ => "host: {zh: 王亦洲 教授, en: Prof. Yizhou Wang}\n",
    };
    let links = match variant {
        Variant::Photo => {
            "online: {url: \"https://zoom.example.org/j/81234567890\", meeting_id: 812 3456 7890, passcode: \"2024\", platform: Zoom}\nregistration: https://events.example.org/cfcs/yilun-xu\n"
        }
        _ => "",
    };
    let abstract_ = if abs > 0 { format!("abstract: \"{}\"\n", words(abs, false)) } else { String::new() };
    let yaml = format!(
        "title: On Physics-Inspired Generative Models\n{speakers}{host}time: {{date: 2024-06-13, start: \"16:00\", end: \"17:30\"}}\nplace: {{zh: 静园五院204室, en: \"Room 204, Courtyard No. 5, Jingyuan\"}}\n{links}{abstract_}organizer:\n  name: {{zh: 北京大学前沿计算研究中心, en: \"Center on Frontiers of Computing Studies, Peking University\"}}\n  logo: {}\n  color: \"#94070A\"\n",
        repo().join("events/assets/cfcs-placeholder-logo.svg").display()
    );
    let name = format!("{:03}-{:03}-{}", abs, bio, format!("{variant:?}").to_lowercase());
    let path = dir.join(format!("{name}.yaml"));
    std::fs::write(&path, yaml).unwrap();
    path
}

/// The largest empty band of a flyer: from the header band (31.6 mm) to just
/// above the bottom bar (12 mm from the bottom).
pub fn band(pdf: &Path) -> f64 {
    let (height, _) = text_lines(pdf);
    largest_empty_band(pdf, 31.6 * 72.0 / 25.4, height - 12.0 * 72.0 / 25.4)
}

#[test]
fn every_rung_of_the_ladder_has_no_empty_band_over_15_percent_and_matches_its_golden() {
    let dir = tempfile::tempdir().unwrap();
    let mut bands = Vec::new();
    for variant in VARIANTS {
        for lengths in rungs(variant) {
            let event = rung(dir.path(), lengths, variant);
            let stem = event.file_stem().unwrap().to_str().unwrap().to_string();
            let out = dir.path().join("out");
            let o = render(&event, &out, &["--format", "pdf"]);
            assert!(o.status.success(), "{stem}: {}", stderr(&o));
            let b = band(&out.join(format!("{stem}.pdf")));
            bands.push(format!("{stem} {b:.3}"));
            assert!(b <= 0.15, "{stem}: an empty band of {:.1}% of the page", b * 100.0);
            crate::golden::compare_file("flyer", &event);
        }
    }
    println!("{}", bands.join("\n"));
}

#[test]
fn card_and_screen_on_the_shortest_and_the_longest_talk_match_their_goldens() {
    let dir = tempfile::tempdir().unwrap();
    for variant in [Variant::Plain, Variant::Panel] {
        let all = rungs(variant);
        for lengths in [all[0], all[4]] {
            let event = rung(dir.path(), lengths, variant);
            crate::golden::compare_file("card", &event);
            crate::golden::compare_file("screen", &event);
        }
    }
}

#[test]
fn example_and_script_events_have_no_empty_band_over_15_percent() {
    let out = tempfile::tempdir().unwrap();
    let mut events = events();
    let scripts = repo().join("tests/events/scripts");
    events.extend(std::fs::read_dir(scripts).unwrap().map(|e| e.unwrap().path()));
    for event in events {
        let stem = event.file_stem().unwrap().to_str().unwrap();
        let o = render(&event, out.path(), &["--format", "pdf"]);
        assert!(o.status.success(), "{stem}: {}", stderr(&o));
        let b = band(&out.path().join(format!("{stem}.pdf")));
        assert!(b <= 0.15, "{stem}: an empty band of {:.1}% of the page", b * 100.0);
    }
}

#[test]
fn an_address_in_a_paragraph_does_not_stretch_the_line_before_it() {
    // Words, then a long sign-up address where a justified line would end.
    let text = "Registration is required for this event and seats are limited, so please write well ahead \
                of the day to seminar-registration@frontier-computing.example.edu or use the form at \
                https://events.example.org/cfcs/2024/frontier-talks/yilun-xu-registration-form today.";
    let yaml = format!("{MINIMAL}abstract: \"{text} {text}\"\n");
    let (dir, path) = event_file(&yaml);
    let o = render(&path, dir.path(), &["--format", "pdf"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let widest = widest_justification(&dir.path().join("talk.pdf"));
    assert!(widest < 0.3, "spaces widened by {widest:.2} em: a line is stretched");
}

/// For looking at: writes every rung in every layout (PNG, 60 ppi) to
/// TALKPOSTER_LOOK (default /tmp/ladder) and prints each flyer's band.
#[test]
#[ignore = "writes the ladder's posters for looking at"]
fn look_at_the_ladder() {
    let dir = PathBuf::from(std::env::var("TALKPOSTER_LOOK").unwrap_or_else(|_| "/tmp/ladder".into()));
    std::fs::create_dir_all(&dir).unwrap();
    for variant in VARIANTS {
        for lengths in rungs(variant) {
            let event = rung(&dir, lengths, variant);
            let stem = event.file_stem().unwrap().to_str().unwrap().to_string();
            for layout in ["flyer", "card", "screen"] {
                let out = dir.join(layout);
                let o = render(&event, &out, &["--template", layout, "--ppi", "60"]);
                if !o.status.success() {
                    println!("{layout} {stem}: FAILED {}", stderr(&o));
                } else if layout == "flyer" {
                    println!("{layout} {stem}: band {:.3}", band(&out.join(format!("{stem}.pdf"))));
                }
            }
        }
    }
}
