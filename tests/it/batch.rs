//! `talkposter batch`: folder and list forms, defaults, partial failure,
//! incremental runs and the contact sheet, on the built binary.

use std::path::{Path, PathBuf};

use crate::common::*;
use talkposter::event::Text;
use talkposter::series;

/// The examples' deep-red header band, as seen on the contact sheet.
fn is_band_red(p: &image::Rgb<u8>) -> bool {
    p.0[0].abs_diff(148) < 30 && p.0[1] < 40 && p.0[2] < 40
}

/// Runs of band-red pixels longer than `min` along `line`.
fn red_runs(line: impl Iterator<Item = image::Rgb<u8>>, min: usize) -> usize {
    let (mut runs, mut len) = (0, 0);
    for p in line.chain([image::Rgb([0, 0, 0])]) {
        if is_band_red(&p) {
            len += 1;
        } else {
            runs += usize::from(len > min);
            len = 0;
        }
    }
    runs
}

/// How many posters stand side by side on the contact sheet: each has a red
/// header band, so count long red runs (wider than half a thumbnail; red
/// headings are shorter) along the most crowded pixel row.
fn posters_on_contact_sheet(path: &Path) -> usize {
    let img = image::open(path).unwrap().to_rgb8();
    (0..img.height()).map(|y| red_runs((0..img.width()).map(|x| *img.get_pixel(x, y)), 100)).max().unwrap_or(0)
}

#[test]
fn folder_form_renders_every_talk_with_a_contact_sheet() {
    let out = tempfile::tempdir().unwrap();
    let o = batch(&[s(&repo().join("events/cfcs-2024")), "-o", s(out.path())]);
    assert!(o.status.success(), "{}", stderr(&o));
    let names = files(out.path());
    for stem in ["2024-06-13-yilun-xu", "2025-11-06-weijian-luo", "2025-12-04-yang-song"] {
        assert!(names.contains(&format!("{stem}.pdf")) && names.contains(&format!("{stem}.png")), "{names:?}");
    }
    assert!(stdout(&o).contains("3 rendered, 0 up to date, 0 failed"), "{}", stdout(&o));
    assert_eq!(posters_on_contact_sheet(&out.path().join("contact-sheet.png")), 3);
    // The series name from series.yaml reaches the footer.
    let text = squash(&pdf_text(&out.path().join("2024-06-13-yilun-xu.pdf")));
    assert!(text.contains(&squash("CFCS Frontier Talks")) && text.contains("前沿计算系列讲座"));
}

/// The sheet is rendered in pages of 8 rows and stacked: 50 talks make 9
/// rows over two pages, every one with its thumbnail in place.
#[test]
fn a_long_series_fills_every_row_of_the_contact_sheet() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("assets")).unwrap();
    std::fs::copy(
        repo().join("events/assets/cfcs-placeholder-logo.svg"),
        dir.path().join("assets/cfcs-placeholder-logo.svg"),
    )
    .unwrap();
    let seed = std::fs::read_to_string(repo().join("events/2024-06-13-yilun-xu.yaml")).unwrap();
    for i in 0..50 {
        std::fs::write(dir.path().join(format!("talk-{i:02}.yaml")), &seed).unwrap();
    }
    let out = tempfile::tempdir().unwrap();
    let o = batch(&[s(dir.path()), "-o", s(out.path()), "--format", "pdf"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let img = image::open(out.path().join("contact-sheet.png")).unwrap().to_rgb8();
    // Down the right of the first and of the last column (past the band's
    // logo and text): 9 bands and 8.
    let column = |x: u32| red_runs((0..img.height()).map(|y| *img.get_pixel(x, y)), 12);
    assert_eq!(column(165), 9);
    assert_eq!(column(img.width() - 30), 8);
    assert_eq!(posters_on_contact_sheet(&out.path().join("contact-sheet.png")), 6);
}

#[test]
fn list_form_with_an_inline_talk() {
    let out = tempfile::tempdir().unwrap();
    let o = batch(&[s(&repo().join("events/cfcs-2024-list/series.yaml")), "-o", s(out.path()), "--format", "pdf"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let names = files(out.path());
    assert!(names.contains(&"2025-11-06-weijian-luo.pdf".to_string()), "inline talk named <date>-<speaker>: {names:?}");
    assert!(names.contains(&"2024-06-13-yilun-xu.pdf".to_string()), "{names:?}");
    assert_eq!(posters_on_contact_sheet(&out.path().join("contact-sheet.png")), 3);
}

/// A series in a temporary folder: `series.yaml`, a logo beside it, talks.
fn series_dir(talks: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("brand")).unwrap();
    std::fs::write(dir.path().join("brand/logo.svg"), r#"<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8" fill="white"/></svg>"#).unwrap();
    std::fs::write(
        dir.path().join("series.yaml"),
        "series: {name: Test Series}\ndefaults:\n  organizer: {name: Org, color: \"#123456\", logo: brand/logo.svg}\n  host: [Prof. A, Prof. B]\n  language: en\n  place: Room 1\n",
    )
    .unwrap();
    for (name, yaml) in talks {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, yaml).unwrap();
    }
    dir
}

const TALK: &str = "title: T\nspeaker: {name: Dr. X}\ntime: {date: 2024-06-13, start: \"16:00\"}\n";

#[test]
fn defaults_merge_maps_replace_lists_and_the_talk_wins() {
    let dir = series_dir(&[
        ("a.yaml", &format!("{TALK}organizer: {{color: \"#654321\"}}\nhost: Prof. C\n")),
        ("b.yaml", TALK),
    ]);
    let talks = series::collect(&[dir.path().to_path_buf()], &Default::default()).unwrap();
    let a = talks.iter().find(|t| t.stem == "a").unwrap().checked.as_ref().map(|c| &c.event).unwrap();
    let b = talks.iter().find(|t| t.stem == "b").unwrap().checked.as_ref().map(|c| &c.event).unwrap();
    let org = a.organizer.as_ref().unwrap();
    assert_eq!(org.color.as_deref(), Some("#654321"), "the talk wins inside a merged map");
    assert_eq!(org.name, Text::Same("Org".into()), "keys the talk leaves out come from the defaults");
    assert_eq!(a.hosts.len(), 1, "a list in the talk replaces the default list");
    assert_eq!(b.hosts.len(), 2);
    assert_eq!(b.texts.series, Some(Text::Same("Test Series".into())));
    // The logo path was written in series.yaml, so it resolves there.
    assert_eq!(
        std::fs::canonicalize(org.logo.as_ref().unwrap()).unwrap(),
        std::fs::canonicalize(dir.path().join("brand/logo.svg")).unwrap()
    );
}

#[test]
fn paths_in_a_talk_resolve_against_the_talk() {
    // lists/series.yaml names ../talks/talk.yaml; the logo is written in the
    // series file, the photo in the talk: each resolves against its own file.
    let dir = tempfile::tempdir().unwrap();
    for sub in ["lists", "talks", "brand"] {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
    }
    std::fs::write(
        dir.path().join("brand/logo.svg"),
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>"#,
    )
    .unwrap();
    image::RgbImage::new(10, 10).save(dir.path().join("talks/me.png")).unwrap();
    std::fs::write(
        dir.path().join("lists/series.yaml"),
        "defaults:\n  organizer: {name: Org, logo: ../brand/logo.svg}\n  place: Room 1\ntalks: [../talks/talk.yaml]\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("talks/talk.yaml"), TALK.replace("{name: Dr. X}", "{name: Dr. X, photo: me.png}"))
        .unwrap();
    let talks = series::collect(&[dir.path().join("lists/series.yaml")], &Default::default()).unwrap();
    let e = talks[0].checked.as_ref().map(|c| &c.event).unwrap_or_else(|f| panic!("{f}"));
    let canon = |p: &Path| std::fs::canonicalize(p).unwrap();
    assert_eq!(canon(e.speakers[0].photo.as_ref().unwrap()), canon(&dir.path().join("talks/me.png")));
    assert_eq!(canon(e.organizer.as_ref().unwrap().logo.as_ref().unwrap()), canon(&dir.path().join("brand/logo.svg")));
}

#[test]
fn a_duplicate_output_name_fails_the_later_talk_only() {
    let (one, two) = (series_dir(&[("talk.yaml", TALK)]), series_dir(&[("Talk.yaml", TALK)]));
    let out = tempfile::tempdir().unwrap();
    let o = batch(&[s(one.path()), s(two.path()), "-o", s(out.path())]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("1 rendered, 0 up to date, 1 failed"), "{}", stdout(&o));
    let first = one.path().join("talk.yaml");
    let expected = format!("this talk would write `Talk.*`, the name {} already writes to", first.display());
    assert!(stderr(&o).contains(&expected), "{}", stderr(&o));
    assert!(files(out.path()).contains(&"talk.pdf".to_string()), "the first talk is rendered");
}

#[test]
fn one_broken_talk_does_not_stop_the_others() {
    let dir = series_dir(&[
        ("good1.yaml", TALK),
        ("good2.yaml", TALK),
        ("bad.yaml", &TALK.replace("2024-06-13", "2024-02-30")),
    ]);
    let out = tempfile::tempdir().unwrap();
    let o = batch(&[s(dir.path()), "-o", s(out.path()), "-j", "2"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("2 rendered, 0 up to date, 1 failed"), "{}", stdout(&o));
    let err = stderr(&o);
    assert!(err.contains("failed: ") && err.contains("bad.yaml:3:14") && err.contains("time.date"), "{err}");
    let names = files(out.path());
    assert!(names.contains(&"good1.pdf".into()) && names.contains(&"good2.png".into()), "{names:?}");
    assert!(!names.iter().any(|n| n.starts_with("bad.")), "{names:?}");
}

fn mtime(p: PathBuf) -> std::time::SystemTime {
    std::fs::metadata(p).unwrap().modified().unwrap()
}

#[test]
fn unchanged_talks_are_skipped_and_a_changed_photo_rerenders_only_its_talk() {
    let dir =
        series_dir(&[("a.yaml", &TALK.replace("{name: Dr. X}", "{name: Dr. X, photo: a.png}")), ("b.yaml", TALK)]);
    image::RgbImage::from_pixel(50, 50, image::Rgb([10, 200, 10])).save(dir.path().join("a.png")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec![s(dir.path()), "-o", s(out.path())];
        args.extend_from_slice(extra);
        let o = batch(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    assert!(run(&[]).contains("2 rendered, 0 up to date"));
    let (a0, b0) = (mtime(out.path().join("a.pdf")), mtime(out.path().join("b.pdf")));
    std::thread::sleep(std::time::Duration::from_millis(20));
    assert!(run(&[]).contains("0 rendered, 2 up to date"));
    assert_eq!((mtime(out.path().join("a.pdf")), mtime(out.path().join("b.pdf"))), (a0, b0), "files not touched");

    image::RgbImage::from_pixel(50, 50, image::Rgb([200, 10, 10])).save(dir.path().join("a.png")).unwrap();
    let log = run(&[]);
    assert!(log.contains("1 rendered, 1 up to date"), "{log}");
    assert!(mtime(out.path().join("a.pdf")) > a0 && mtime(out.path().join("b.pdf")) == b0);

    // Output options are part of what a poster depends on.
    assert!(run(&["--ppi", "100"]).contains("2 rendered"));
    // A deleted output is made again.
    std::fs::remove_file(out.path().join("b.png")).unwrap();
    assert!(run(&["--ppi", "100"]).contains("1 rendered, 1 up to date"));
    assert!(run(&["--ppi", "100", "--force"]).contains("2 rendered, 0 up to date"));
    // What --force rendered is recorded: the next run has nothing to do.
    image::RgbImage::from_pixel(50, 50, image::Rgb([10, 10, 200])).save(dir.path().join("a.png")).unwrap();
    assert!(run(&["--ppi", "100", "--force"]).contains("2 rendered, 0 up to date"));
    let log = run(&["--ppi", "100"]);
    assert!(log.contains("0 rendered, 2 up to date"), "{log}");
}

#[test]
fn render_of_one_file_uses_the_series_beside_it() {
    let out = tempfile::tempdir().unwrap();
    let o = render(&repo().join("events/cfcs-2024/2024-06-13-yilun-xu.yaml"), out.path(), &["--format", "pdf"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = squash(&pdf_text(&out.path().join("2024-06-13-yilun-xu.pdf")));
    assert!(text.contains("王亦洲") && text.contains("静园五院204室"), "host and place come from series.yaml");
}
