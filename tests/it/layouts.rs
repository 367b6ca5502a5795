//! The three built-in layouts and custom templates on the built binary:
//! sizes, QR codes that scan back to the exact URL, panels, photos, fit.

use std::path::Path;

use crate::common::*;

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Every QR code found in a PNG, decoded.
const YANG_SONG_URLS: [&str; 2] =
    ["https://events.example.org/cfcs/yang-song", "https://zoom.example.org/j/81234567890"];

#[test]
fn templates_command_lists_the_built_in_layouts() {
    let o = talkposter(&["templates"]);
    assert!(o.status.success());
    let names: Vec<String> = stdout(&o).lines().map(|l| l.split_whitespace().next().unwrap().to_string()).collect();
    assert_eq!(names, ["flyer", "card", "story", "portrait", "screen", "link", "cover", "thumb"]);
}

#[test]
fn qr_codes_scan_back_to_the_exact_urls_in_every_layout() {
    let out = tempfile::tempdir().unwrap();
    let event = repo().join("events/2025-12-04-yang-song.yaml");
    for template in ["flyer", "card", "screen"] {
        let dir = out.path().join(template);
        let o = render(&event, &dir, &["--template", template, "--format", "png"]);
        assert!(o.status.success(), "{template}: {}", stderr(&o));
        assert_eq!(qr_contents(&dir.join("2025-12-04-yang-song.png")), YANG_SONG_URLS, "{template}");
    }
}

/// The screen and social layouts: name, pixel size at 150 ppi, and whether
/// it carries the title (the thumbnail carries the date and the speaker).
const SCREENS: &[(&str, (u32, u32), bool)] = &[
    ("card", (1080, 1080), true),
    ("portrait", (1080, 1350), true),
    ("story", (1080, 1920), true),
    ("screen", (1920, 1080), true),
    ("link", (1200, 627), true),
    ("cover", (900, 383), true),
    ("thumb", (500, 500), false),
];

#[test]
fn screens_and_posts_have_their_exact_pixel_sizes() {
    let out = tempfile::tempdir().unwrap();
    // Every layout of every example in one run: the first named after the
    // event file, the others with their layout's name added.
    let all: Vec<&str> = SCREENS.iter().map(|(name, ..)| *name).collect();
    for event in events() {
        let o = render(&event, out.path(), &["--template", &all.join(",")]);
        assert!(o.status.success(), "{}: {}", event.display(), stderr(&o));
        let stem = event.file_stem().unwrap().to_str().unwrap();
        let e = talkposter::event::load(&event).unwrap();
        for (i, &(template, size, titled)) in SCREENS.iter().enumerate() {
            let name = if i == 0 { stem.to_string() } else { format!("{stem}-{template}") };
            let png = png_info(&out.path().join(format!("{name}.png")));
            assert_eq!((png.width, png.height), size, "{template} {stem}");
            let pdf = out.path().join(format!("{name}.pdf"));
            assert_eq!(pdf_facts(&pdf).pages.len(), 1);
            // Each carries the speaker and the time; all but the thumbnail the title.
            let text = squash(&pdf_text(&pdf));
            assert_eq!(text.contains(&squash(e.title.pick(e.language))), titled, "{template} {stem}: title");
            assert!(text.contains(&squash(e.speakers[0].name.pick(e.language))), "{template} {stem}: speaker");
            let when = squash(&talkposter::locale::dates::when_in(e.language, &e.time));
            assert!(text.contains(&when), "{template} {stem}: time {when} in {text}");
        }
        assert_eq!(
            files(out.path()).len(),
            2 * SCREENS.len() * (events().iter().position(|x| *x == event).unwrap() + 1)
        );
    }
}

#[test]
fn a_four_speaker_panel_fits_every_layout() {
    let dir = tempfile::tempdir().unwrap();
    image::RgbImage::from_fn(300, 400, |x, y| image::Rgb([(x / 2) as u8, (y / 2) as u8, 90]))
        .save(dir.path().join("a.jpg"))
        .unwrap();
    let yaml = r#"
title: "Panel: The Future of Generative Models"
speaker:
  - {name: Dr. Ada Lovelace, affiliation: Analytical Engines Ltd., photo: a.jpg, bio: Ada writes programs.}
  - {name: Prof. Alan Turing, affiliation: University of Manchester, bio: Alan asks whether machines can think.}
  - {name: 王亦洲 教授, affiliation: 北京大学, bio: 王亦洲教授研究计算机视觉。}
  - {name: Dr. Grace Hopper, affiliation: US Navy, photo: a.jpg}
host: [Prof. A, Prof. B]
time: {date: 2025-05-20, start: "14:00", end: "16:00"}
place: Room 1
abstract: Four researchers discuss where generative models go next.
"#;
    std::fs::write(dir.path().join("panel.yaml"), yaml).unwrap();
    for template in ["flyer", "card", "screen"] {
        let out = dir.path().join(template);
        let o = render(&dir.path().join("panel.yaml"), &out, &["--template", template, "--format", "pdf"]);
        assert!(o.status.success(), "{template}: {}", stderr(&o));
        let text = squash(&pdf_text(&out.join("panel.pdf")));
        for name in ["Ada Lovelace", "Alan Turing", "王亦洲", "Grace Hopper"] {
            assert!(text.contains(&squash(name)), "{template}: {name} missing");
        }
        assert_eq!(pdf_facts(&out.join("panel.pdf")).images, 1, "{template}: one photo file, embedded once");
    }
}

#[test]
fn a_phone_photo_leaves_the_pdf_small() {
    let dir = tempfile::tempdir().unwrap();
    // 12 megapixels of detail (noise-like), as a phone would take it.
    let img = image::RgbImage::from_fn(4000, 3000, |x, y| {
        let v = (x.wrapping_mul(2654435761) ^ y.wrapping_mul(40503)) >> 7;
        image::Rgb([v as u8, (v >> 8) as u8, (x ^ y) as u8])
    });
    img.save(dir.path().join("phone.jpg")).unwrap();
    assert!(std::fs::metadata(dir.path().join("phone.jpg")).unwrap().len() > 3_000_000);
    std::fs::write(dir.path().join("talk.yaml"), MINIMAL.replace("name: Dr. A", "name: Dr. A\n  photo: phone.jpg"))
        .unwrap();
    let o = render(&dir.path().join("talk.yaml"), dir.path(), &["--format", "pdf"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let size = std::fs::metadata(dir.path().join("talk.pdf")).unwrap().len();
    assert!(size < 1_000_000, "PDF is {size} bytes");
}

#[test]
fn long_titles_shrink_and_impossible_ones_are_refused() {
    let long = "Learning to Generate: A Long Journey Through Diffusion, Flow Matching, Consistency Models and Everything in Between";
    let (dir, path) = event_file(&MINIMAL.replace("title: A talk", &format!("title: \"{long}\"")));
    let o = render(&path, dir.path(), &["--format", "pdf"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(squash(&pdf_text(&dir.path().join("talk.pdf"))).contains(&squash(long)));

    // A title takes the lines it needs; one no page can hold is refused
    // with the number of words to cut, measured: with that many fewer the
    // poster is made, with one fewer cut it is not.
    let words: Vec<String> = (0..700).map(|i| format!("word{}", i % 97)).collect();
    let title = |n: usize| MINIMAL.replace("title: A talk", &format!("title: {}", words[..n].join(" ")));
    let (dir, path) = event_file(&title(700));
    let o = render(&path, dir.path(), &["--format", "pdf"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("`title` is too long to fit"), "{err}");
    let cut: usize = err.split("cut ").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
    assert!(err.contains(&format!("cut {cut} words (of 700) from `title`")), "{err}");
    let (dir, path) = event_file(&title(700 - cut));
    assert!(render(&path, dir.path(), &["--format", "pdf"]).status.success(), "{} words fit", 700 - cut);
    let (dir, path) = event_file(&title(700 - cut + 1));
    assert_eq!(render(&path, dir.path(), &["--format", "pdf"]).status.code(), Some(1), "{} words do not", 701 - cut);
}

#[test]
fn photo_focus_is_validated() {
    let (dir, path) = event_file(&MINIMAL.replace("name: Dr. A", "name: Dr. A\n  photo_focus: [0.5, 1.4]"));
    let o = render(&path, dir.path(), &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("speaker.photo_focus: the focus lies outside the photo"), "{}", stderr(&o));
}

#[test]
fn the_custom_template_example_renders() {
    let out = tempfile::tempdir().unwrap();
    let tpl = repo().join("templates/examples/minimal-a5.typ");
    let o = render(&repo().join("events/2025-12-04-yang-song.yaml"), out.path(), &["--template", s(&tpl)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let facts = pdf_facts(&out.path().join("2025-12-04-yang-song.pdf"));
    let (w, h) = facts.pages[0];
    assert!((w - 419.53).abs() < 0.5 && (h - 595.28).abs() < 0.5, "A5: {w} x {h}");
    assert_eq!(qr_contents(&out.path().join("2025-12-04-yang-song.png")), YANG_SONG_URLS);
}

/// `fit-size` measures only the sizes its prediction leaves open; the test
/// layout checks, in Typst, that it still picks what trying every size picks
/// (45 texts in boxes of 5 widths and 13 heights; a wrong pick fails the
/// render).
#[test]
fn fit_picks_the_largest_size_that_fits_as_trying_every_size_would() {
    let out = tempfile::tempdir().unwrap();
    let tpl = repo().join("tests/templates/fit-search.typ");
    let o = render(
        &repo().join("events/2024-06-13-yilun-xu.yaml"),
        out.path(),
        &["--template", s(&tpl), "--format", "pdf"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    // Some samples fit at the largest size, some in between, some not at all.
    let text = one_line(&pdf_text(&out.path().join("2024-06-13-yilun-xu.pdf")));
    assert!(text.contains("→ 10pt") && text.contains("→ none"), "{text}");
    assert!(text.contains("→ 8") || text.contains("→ 9"), "{text}");
}

#[test]
fn a_long_tracking_link_still_scans_from_the_png() {
    let url = "https://forms.example.com/r/eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ";
    let (dir, path) = event_file(&format!("{MINIMAL}registration: \"{url}\"\n"));
    for template in ["flyer", "card", "screen"] {
        let out = dir.path().join(template);
        let o = render(&path, &out, &["--template", template, "--format", "png"]);
        assert!(o.status.success(), "{template}: {}", stderr(&o));
        assert_eq!(qr_contents(&out.join("talk.png")), [url], "{template}");
    }
}
