//! Golden images: the example posters must keep looking as they were
//! approved. Rendered at 50 ppi (small files, robust to sub-pixel changes)
//! and compared with a tolerance. After an intended layout change, look at
//! the new PNGs, then rewrite the goldens with TALKPOSTER_BLESS=1.

use crate::common::*;

/// A pixel counts as changed when a channel moves by more than this.
const CHANNEL_TOLERANCE: u8 = 48;
/// At most this share of pixels may change.
const MAX_CHANGED: f64 = 0.004;

fn compare(layout: &str, event: &str) {
    compare_file(layout, &repo().join("events").join(format!("{event}.yaml")));
}

pub fn compare_file(layout: &str, path: &std::path::Path) {
    let event = path.file_stem().unwrap().to_str().unwrap();
    compare_with(&format!("{layout}-{event}"), path, &["--template", layout]);
}

/// Renders `path` with `args` at 50 ppi and compares it with the golden `name`.
fn compare_with(name: &str, path: &std::path::Path, args: &[&str]) {
    let event = path.file_stem().unwrap().to_str().unwrap();
    let out = tempfile::tempdir().unwrap();
    let mut all = vec!["--format", "png"];
    if !args.contains(&"--ppi") {
        all.extend(["--ppi", "50"]);
    }
    all.extend_from_slice(args);
    let o = render(path, out.path(), &all);
    assert!(o.status.success(), "{}", stderr(&o));
    compare_png(&out.path().join(format!("{event}.png")), name);
}

#[test]
fn posts_and_previews_match_golden() {
    let event = repo().join("events/2025-12-04-yang-song.yaml");
    for layout in ["portrait", "story", "link", "cover", "thumb"] {
        compare_with(&format!("{layout}-2025-12-04-yang-song"), &event, &["--template", layout]);
    }
}

#[test]
fn flyers_on_other_papers_match_golden() {
    let event = repo().join("events/2025-12-04-yang-song.yaml");
    // A1 at 50 ppi would be large: drawn at 20 ppi, which is its 50 ppi A4.
    compare_with("flyer-a1-2025-12-04-yang-song", &event, &["--paper", "a1", "--ppi", "20"]);
    compare_with("flyer-letter-2025-12-04-yang-song", &event, &["--paper", "letter"]);
}

/// Compares a PNG with `tests/golden/<name>.png` (or rewrites the golden).
pub fn compare_png(actual_path: &std::path::Path, name: &str) {
    let golden_path = repo().join("tests/golden").join(format!("{name}.png"));

    if std::env::var_os("TALKPOSTER_BLESS").is_some() {
        // Pixels are what is compared: stored with the best compression.
        let img = image::open(actual_path).unwrap().to_rgb8();
        let file = std::fs::File::create(&golden_path).unwrap();
        let encoder = image::codecs::png::PngEncoder::new_with_quality(
            file,
            image::codecs::png::CompressionType::Best,
            image::codecs::png::FilterType::Adaptive,
        );
        img.write_with_encoder(encoder).unwrap();
        return;
    }
    let actual = image::open(actual_path).unwrap().to_rgb8();
    let golden = image::open(&golden_path)
        .unwrap_or_else(|e| panic!("{}: {e} (create it with TALKPOSTER_BLESS=1)", golden_path.display()))
        .to_rgb8();
    assert_eq!(actual.dimensions(), golden.dimensions(), "{name}: size changed");
    let changed = actual
        .pixels()
        .zip(golden.pixels())
        .filter(|(a, g)| a.0.iter().zip(g.0.iter()).any(|(x, y)| x.abs_diff(*y) > CHANNEL_TOLERANCE))
        .count();
    let share = changed as f64 / (actual.width() * actual.height()) as f64;
    if share > MAX_CHANGED {
        let keep = std::env::temp_dir().join(format!("talkposter-actual-{name}.png"));
        std::fs::copy(actual_path, &keep).unwrap();
        panic!(
            "{name}: {:.2}% of pixels changed (limit {:.2}%); see {}",
            share * 100.0,
            MAX_CHANGED * 100.0,
            keep.display()
        );
    }
}

#[test]
fn seed_flyer_matches_golden() {
    compare("flyer", "2024-06-13-yilun-xu");
}

#[test]
fn chinese_flyer_matches_golden() {
    compare("flyer", "2025-11-06-weijian-luo");
}

#[test]
fn online_flyer_matches_golden() {
    compare("flyer", "2025-12-04-yang-song");
}

#[test]
fn cards_match_golden() {
    compare("card", "2025-12-04-yang-song");
    compare("card", "2025-11-06-weijian-luo");
}

#[test]
fn a_poster_in_every_script_matches_golden() {
    compare_file("flyer", &repo().join("tests/events/scripts/mixed.yaml"));
}

#[test]
fn screens_match_golden() {
    compare("screen", "2024-06-13-yilun-xu");
    compare("screen", "2025-11-06-weijian-luo");
}

/// The demanding corpus' worst cases, as they were approved: the longest
/// title, the largest panels in the smallest layouts, a schedule, the
/// fullest body, traditional Chinese.
#[test]
fn the_worst_cases_match_golden() {
    let demanding = |name: &str| repo().join("tests/demanding").join(format!("{name}.yaml"));
    for (layout, name) in [
        ("flyer", "long-title-40"),
        ("flyer", "panel-12"),
        ("flyer", "long-body"),
        ("flyer", "traditional"),
        ("flyer", "schedule"),
        ("card", "panel-16"),
        ("card", "w-en-panel-16-summit"),
        ("screen", "w-en-panel-16-summit"),
        ("screen", "w-zh-long-title"),
    ] {
        compare_file(layout, &demanding(name));
    }
}
