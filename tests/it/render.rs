//! Runs the built binary on the example events and on bad input, and checks
//! what it really wrote: pages, size, fonts, text, PNG size and resolution.

use crate::common::*;
use talkposter::event::{self, Lang, Reading, text_fields};
use talkposter::locale::dates;

#[test]
fn every_example_event_renders_to_one_a4_page_with_all_its_text() {
    let out = tempfile::tempdir().unwrap();
    for event_path in events() {
        let o = render(&event_path, out.path(), &[]);
        assert!(o.status.success(), "{}: {}", event_path.display(), stderr(&o));
        let stem = event_path.file_stem().unwrap().to_str().unwrap();
        let pdf = out.path().join(format!("{stem}.pdf"));
        let png = out.path().join(format!("{stem}.png"));
        assert_eq!(stdout(&o), format!("{}\n{}\n", pdf.display(), png.display()));

        let facts = pdf_facts(&pdf);
        assert_eq!(facts.pages.len(), 1, "{stem}: one page");
        let (w, h) = facts.pages[0];
        assert!((w - 595.28).abs() < 0.1 && (h - 841.89).abs() < 0.1, "{stem}: A4, got {w} x {h} pt");

        // Every font embedded, and subset (a six-letter tag before its name).
        assert!(facts.fonts.len() >= 2, "{stem}: {:?}", facts.fonts);
        for (name, embedded) in &facts.fonts {
            assert!(embedded, "{stem}: font {name} is not embedded");
            assert_eq!(name.find('+'), Some(6), "{stem}: font {name} is not a subset");
        }

        // Every field's text is in the PDF.
        let e = event::load(&event_path).unwrap();
        let text = squash(&pdf_text(&pdf));
        let mut expected: Vec<String> = Vec::new();
        for (path, t) in text_fields(&e) {
            for (_, s) in t.versions(Reading::of(&e)) {
                expected.push(format!("{path}: {s}"));
            }
        }
        expected.push(format!("time: {}", dates::when_in(Lang::Zh, &e.time)));
        expected.push(format!("time: {}", dates::when_in(Lang::En, &e.time)));
        for s in &e.speakers {
            expected.extend(s.homepage.iter().map(|h| format!("homepage: {h}")));
        }
        if let Some(online) = &e.online {
            expected.push(format!("online: {}", online.url));
            expected.extend(online.meeting_id.iter().map(|m| format!("meeting: {m}")));
        }
        expected.extend(e.registration.iter().map(|r| format!("registration: {r}")));
        for field in expected {
            let (name, value) = field.split_once(": ").unwrap();
            assert!(text.contains(&squash(value)), "{stem}: `{name}` is not in the PDF: {value}");
        }

        let png = png_info(&png);
        assert_eq!((png.width, png.height), (1240, 1754), "{stem}");
        assert_eq!(png.pixels_per_meter, Some(5906), "{stem}: 150 ppi recorded as pHYs");
    }
}

#[test]
fn pdf_has_title_and_author_metadata() {
    let out = tempfile::tempdir().unwrap();
    let seed = repo().join("events/2024-06-13-yilun-xu.yaml");
    assert!(render(&seed, out.path(), &["--format", "pdf"]).status.success());
    let facts = pdf_facts(&out.path().join("2024-06-13-yilun-xu.pdf"));
    assert_eq!(facts.title.as_deref(), Some("On Physics-Inspired Generative Models"));
    assert_eq!(facts.author.as_deref(), Some("Dr. Yilun Xu"));
}

#[test]
fn two_renders_are_byte_identical() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let seed = repo().join("events/2025-12-04-yang-song.yaml");
    assert!(render(&seed, a.path(), &[]).status.success());
    assert!(render(&seed, b.path(), &[]).status.success());
    for name in ["2025-12-04-yang-song.pdf", "2025-12-04-yang-song.png"] {
        let (x, y) = (std::fs::read(a.path().join(name)).unwrap(), std::fs::read(b.path().join(name)).unwrap());
        assert!(x == y, "{name} differs between two renders");
    }
}

#[test]
fn ppi_and_format_options() {
    let out = tempfile::tempdir().unwrap();
    let seed = repo().join("events/2024-06-13-yilun-xu.yaml");
    let o = render(&seed, out.path(), &["--format", "png", "--ppi", "72"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let png = png_info(&out.path().join("2024-06-13-yilun-xu.png"));
    assert_eq!((png.width, png.height, png.pixels_per_meter), (595, 842, Some(2835)));
    assert!(!out.path().join("2024-06-13-yilun-xu.pdf").exists(), "--format png writes no PDF");
}

#[test]
fn missing_output_folder_is_created() {
    let out = tempfile::tempdir().unwrap();
    let nested = out.path().join("a/b");
    let o = render(&repo().join("events/2024-06-13-yilun-xu.yaml"), &nested, &["--format", "pdf"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(nested.join("2024-06-13-yilun-xu.pdf").is_file());
}

#[test]
fn plain_text_prints_exactly_as_typed() {
    let tricky = r#"C# & $100 *not bold* <tag> @ref \n "q" a--b"#;
    let yaml = MINIMAL.replace("title: A talk", &format!("title: '{tricky}'")) + &format!("abstract: '{tricky}'\n");
    let (dir, path) = event_file(&yaml);
    let o = render(&path, dir.path(), &["--format", "pdf"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = one_line(&pdf_text(&dir.path().join("talk.pdf")));
    assert_eq!(text.matches(tricky).count(), 2, "title and abstract print literally: {text}");
}

#[test]
fn typst_markup_is_evaluated_and_its_errors_name_the_field() {
    let good = MINIMAL.to_string() + "markup: typst\nabstract: 'The loss $x^2$ is *bold* and _emphasised_.'\n";
    let (dir, path) = event_file(&good);
    let o = render(&path, dir.path(), &["--format", "pdf"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = one_line(&pdf_text(&dir.path().join("talk.pdf")));
    assert!(text.contains("is bold and emphasised"), "{text}");
    assert!(!text.contains('*') && !text.contains('$'), "{text}");

    let bad = MINIMAL.to_string() + "markup: typst\nabstract: 'Uses #nosuchfunction(1) here.'\n";
    let (dir, path) = event_file(&bad);
    let o = render(&path, dir.path(), &[]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("abstract: the Typst markup has an error: unknown variable: nosuchfunction"), "{err}");
    assert!(err.contains("talk.yaml:9:11"), "{err}");
    assert!(!dir.path().join("talk.pdf").exists());
}

#[test]
fn bad_input_exits_1_with_location_and_writes_nothing() {
    let (dir, path) = event_file(&MINIMAL.replace("2024-06-13", "2024-02-30"));
    let out = dir.path().join("out");
    let o = render(&path, &out, &[]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("time.date: `2024-02-30` is not a real date: February 2024 has 29 days"), "{err}");
    assert!(err.contains("talk.yaml:5:9"), "{err}");
    assert!(err.contains("5 │   date: 2024-02-30"), "the source line is shown: {err}");
    assert!(!out.exists(), "nothing written for a bad event");
}

#[test]
fn photos_are_placed_and_bad_ones_are_named() {
    let (dir, path) = event_file(&MINIMAL.replace("name: Dr. A", "name: Dr. A\n  photo: me.jpg"));
    let img = image::RgbImage::from_fn(600, 800, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 128]));
    img.save(dir.path().join("me.jpg")).unwrap();
    let o = render(&path, dir.path(), &["--format", "pdf"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(pdf_facts(&dir.path().join("talk.pdf")).images, 1, "the photo is in the PDF");

    std::fs::write(dir.path().join("me.jpg"), b"\xff\xd8\xff\xe0 truncated").unwrap();
    let o = render(&path, dir.path(), &[]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("speaker.photo:") && err.contains("me.jpg") && err.contains("cannot be decoded"), "{err}");
}

#[test]
fn text_that_cannot_fit_is_refused_with_the_words_to_cut() {
    // Real prose: the seed abstract, repeated to 3000 words. (A single word
    // repeated thousands of times is a slow case for Typst's line breaker.)
    let seed = event::load(&repo().join("events/2024-06-13-yilun-xu.yaml")).unwrap();
    let prose = seed
        .texts
        .abstract_
        .unwrap()
        .pick(talkposter::event::Lang::En)
        .split_whitespace()
        .map(str::to_string)
        .collect::<Vec<_>>();
    let words = |n: usize| prose.iter().cycle().take(n).cloned().collect::<Vec<_>>().join(" ");

    let (dir, path) = event_file(&format!("{MINIMAL}abstract: {}\n", words(3000)));
    let o = render(&path, dir.path(), &[]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("`abstract` is too long to fit the poster, even in 7.5 pt type"), "{err}");
    assert!(!dir.path().join("talk.pdf").exists() && !dir.path().join("talk.png").exists());
    // The cut is measured, not estimated: with that many words fewer the
    // poster is made, with one word more it is not.
    let cut: usize = err.split("cut ").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
    assert!(err.contains(&format!("cut {cut} words (of 3000) from `abstract`")), "{err}");
    let (dir, path) = event_file(&format!("{MINIMAL}abstract: {}\n", words(3000 - cut)));
    assert!(render(&path, dir.path(), &["--format", "pdf"]).status.success(), "{} words fit", 3000 - cut);
    let (dir, path) = event_file(&format!("{MINIMAL}abstract: {}\n", words(3001 - cut)));
    assert_eq!(render(&path, dir.path(), &["--format", "pdf"]).status.code(), Some(1), "{} words do not", 3001 - cut);
}

#[test]
fn a_long_abstract_and_biography_still_fit() {
    let abstract_ =
        "Physics-inspired generative models such as diffusion models constitute a powerful family. ".repeat(36);
    let bio = "Yilun Xu is an incoming research scientist in the GenAI team at NVIDIA Research. ".repeat(9);
    let yaml =
        MINIMAL.replace("name: Dr. A", &format!("name: Dr. A\n  bio: {bio}")) + &format!("abstract: {abstract_}\n");
    let (dir, path) = event_file(&yaml);
    let o = render(&path, dir.path(), &["--format", "pdf"]);
    assert!(o.status.success(), "a 430-word abstract with a 120-word biography fits: {}", stderr(&o));
    assert_eq!(pdf_facts(&dir.path().join("talk.pdf")).pages.len(), 1);
}

#[test]
fn characters_no_font_has_are_an_error_naming_the_field() {
    let (dir, path) = event_file(&MINIMAL.replace("place: Room 1", "place: Room ༀ"));
    let o = render(&path, dir.path(), &[]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("place: no font of the poster can draw `ༀ` (U+0F00)"), "{err}");
}

#[test]
fn custom_template_gets_the_data_and_its_errors_point_at_its_lines() {
    let dir = tempfile::tempdir().unwrap();
    let tpl = dir.path().join("mine.typ");
    std::fs::write(
        &tpl,
        "#import \"/talkposter/lib.typ\": *\n#set page(width: 100mm, height: 60mm)\n#set text(font: fonts)\n= #first(data.title)\n#data.time.en\n",
    )
    .unwrap();
    let event = dir.path().join("talk.yaml");
    std::fs::write(&event, MINIMAL).unwrap();
    let o = render(&event, dir.path(), &["--template", tpl.to_str().unwrap(), "--format", "pdf"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = one_line(&pdf_text(&dir.path().join("talk.pdf")));
    assert!(text.contains("A talk") && text.contains("Thursday, June 13, 2024 · 16:00"), "{text}");

    std::fs::write(&tpl, "#set page(width: 100mm)\n#data.nope\n").unwrap();
    let o = render(&event, dir.path(), &["--template", tpl.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("mine.typ:2:2") && err.contains("unknown variable: data"), "{err}");
    assert!(err.contains("2 │ #data.nope"), "{err}");
}

#[test]
fn bad_usage_exits_2() {
    assert_eq!(talkposter(&["render"]).status.code(), Some(2));
    assert_eq!(talkposter(&["render", "x.yaml", "--ppi", "0"]).status.code(), Some(2));
    assert_eq!(talkposter(&["render", "x.yaml", "--format", "gif"]).status.code(), Some(2));
    let o = talkposter(&["render", "x.yaml", "--template", "flyr"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("did you mean `flyer`?"));
}

#[test]
fn warnings_from_a_custom_template_are_shown_without_failing() {
    let dir = tempfile::tempdir().unwrap();
    let tpl = dir.path().join("warn.typ");
    std::fs::write(&tpl, "#import \"/talkposter/lib.typ\": *\n#set page(width: 80mm, height: 40mm)\n#set text(font: \"No Such Font\")\n#first(data.title)\n").unwrap();
    let event = dir.path().join("talk.yaml");
    std::fs::write(&event, MINIMAL).unwrap();
    let o = render(&event, dir.path(), &["--template", tpl.to_str().unwrap(), "--format", "pdf"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("warning: unknown font family: no such font") && err.contains("warn.typ:3:17"), "{err}");
}

/// `contact:` (one line added to `event/texts.rs`, then the flyer and the
/// docs) prints in the flyer's footer, and a sheet's `contact` column fills it.
#[test]
fn a_contact_line_prints_in_the_flyers_footer_and_comes_from_a_sheet() {
    let contact = "Contact: Ms. Li Hua, lihua@pku.edu.cn";
    let (dir, event) = event_file(&format!("{MINIMAL}note: Tea from 15:45\ncontact: \"{contact}\"\n"));
    let out = dir.path().join("out");
    let o = render(&event, &out, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = one_line(&pdf_text(&out.join("talk.pdf")));
    assert!(text.contains(contact), "{text}");
    // Under the note: both in the footer, the contact after the note.
    assert!(text.find("Tea from 15:45") < text.find(contact), "{text}");

    let sheet = dir.path().join("talks.csv");
    std::fs::write(
        &sheet,
        format!("title,speaker,date,start,place,contact\nA talk,Dr. A,2024-06-13,16:00,Room 1,\"{contact}\"\n"),
    )
    .unwrap();
    let o = talkposter(&["import", s(&sheet), "-o", s(&dir.path().join("talks"))]);
    assert!(o.status.success(), "{}", stderr(&o));
    let talks = dir.path().join("talks");
    let yaml = std::fs::read_to_string(talks.join(files(&talks).into_iter().next().unwrap())).unwrap();
    assert!(yaml.contains(&format!("contact: '{contact}'")) || yaml.contains(&format!("contact: {contact}")), "{yaml}");
}
