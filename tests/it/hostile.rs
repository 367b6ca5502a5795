//! Files a careless or hostile sender could hand an organizer. Each is built
//! here, in a temporary folder, and put in a batch beside good talks: it
//! must end in a clear message naming its key or file, write nothing for
//! itself, and cost the other talks nothing (their posters, the manifest and
//! the contact sheet are all written).

use std::path::Path;

use crate::common::*;

const GOOD: &str =
    "title: A good talk\nspeaker: {name: Dr. Good}\ntime: {date: 2024-06-13, start: \"16:00\"}\nplace: Room 1\n";

/// A folder holding `good.yaml` and the given files.
fn folder(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("good.yaml"), GOOD).unwrap();
    for (name, bytes) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    dir
}

/// A talk like the good one with `extra` lines added (they may give the speaker).
fn talk(extra: &str) -> Vec<u8> {
    let speaker = if extra.contains("speaker:") { "" } else { "speaker: {name: Dr. Bad}\n" };
    format!("title: A bad talk\ntime: {{date: 2024-06-13, start: \"16:00\"}}\nplace: Room 1\n{speaker}{extra}")
        .into_bytes()
}

/// Asserts that the good talk's posters, the manifest and the contact sheet
/// were written, and nothing for `bad`.
fn good_ones_survive(out: &Path, bad: &str) {
    let names = files(out);
    for expected in ["good.pdf", "good.png", "contact-sheet.png", ".talkposter-manifest.json"] {
        assert!(names.contains(&expected.to_string()), "{expected} missing: {names:?}");
    }
    assert!(!names.iter().any(|n| n.starts_with(&format!("{bad}."))), "{names:?}");
    assert!(!names.iter().any(|n| n.ends_with(".tmp")), "no temporary files left: {names:?}");
}

fn run(dir: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![s(dir), "-o", s(out)];
    args.extend_from_slice(extra);
    let o = batch(&args);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stdout(&o).contains("1 rendered, 0 up to date, 1 failed"), "{}\n{}", stdout(&o), stderr(&o));
    o
}

#[test]
fn a_picture_that_declares_a_trillion_pixels_fails_its_talk_only() {
    let bomb = png_header_only(1_000_000, 1_000_000);
    let dir = folder(&[("bad.yaml", &talk("speaker: {name: Dr. Bad, photo: bomb.png}\n")), ("bomb.png", &bomb)]);
    let out = tempfile::tempdir().unwrap();
    let o = run(dir.path(), out.path(), &[]);
    let err = stderr(&o);
    assert!(err.contains("bad.yaml:4:"), "{err}");
    assert!(
        err.contains("speaker.photo: `")
            && err.contains(
                "bomb.png` is 1000000 × 1000000 pixels (1000000 megapixels), over the limit of 64 megapixels"
            ),
        "{err}"
    );
    good_ones_survive(out.path(), "bad");
}

#[test]
fn svg_pictures_that_read_other_files_or_define_entities_are_refused() {
    let ns = r#"xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10""#;
    let zero = format!(r#"<svg {ns}><image xlink:href="/dev/zero" width="10" height="10"/></svg>"#);
    let mut laughs = String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE svg [\n<!ENTITY a \"lollollollol\">\n");
    for (prev, name) in "abcdefgh".chars().zip("bcdefghi".chars()) {
        laughs += &format!("<!ENTITY {name} \"{}\">\n", format!("&{prev};").repeat(10));
    }
    laughs += &format!("]>\n<svg {ns}><text>&i;</text></svg>");
    for (svg, expected) in [
        (zero, "the SVG refers to another file (`/dev/zero`), which talkposter does not read"),
        (laughs, "the SVG defines XML entities (`<!ENTITY …>`), which talkposter does not read"),
    ] {
        let dir =
            folder(&[("bad.yaml", &talk("organizer: {name: Org, logo: logo.svg}\n")), ("logo.svg", svg.as_bytes())]);
        let out = tempfile::tempdir().unwrap();
        let (o, peak) = talkposter_with_peak_mb(&["batch", s(dir.path()), "-o", s(out.path())]);
        assert_eq!(o.status.code(), Some(1));
        let err = stderr(&o);
        assert!(err.contains("organizer.logo: `") && err.contains(expected), "{err}");
        assert!(peak < 400, "peak memory {peak} MB");
        good_ones_survive(out.path(), "bad");
    }
}

#[cfg(unix)]
#[test]
fn devices_pipes_and_link_loops_are_never_read() {
    let o = talkposter(&["render", "/dev/zero"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("/dev/zero: it is a device, not an ordinary file"), "{}", stderr(&o));

    let dir = folder(&[("series.yaml", b"talks: [/dev/zero, good.yaml]\n")]);
    let out = tempfile::tempdir().unwrap();
    let o = run(&dir.path().join("series.yaml"), out.path(), &[]);
    assert!(stderr(&o).contains("`/dev/zero` is not a talk file (.yaml)"), "{}", stderr(&o));

    // A pipe and a link loop named like talks, in a folder of talks.
    let dir = folder(&[]);
    assert!(std::process::Command::new("mkfifo").arg(dir.path().join("pipe.yaml")).status().unwrap().success());
    std::os::unix::fs::symlink("loop.yaml", dir.path().join("loop.yaml")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = batch(&[s(dir.path()), "-o", s(out.path())]);
    assert!(stdout(&o).contains("1 rendered, 0 up to date, 2 failed"), "{}", stdout(&o));
    let err = stderr(&o);
    assert!(err.contains("pipe.yaml: it is a pipe, not an ordinary file"), "{err}");
    assert!(err.contains("loop.yaml: cannot read the file: it is a link that leads back to itself"), "{err}");
}

#[test]
fn yaml_aliases_that_would_expand_to_gigabytes_are_refused_before_expanding() {
    // Half a megabyte (an event file may hold 1 MB), repeated to a gigabyte.
    let big = "x".repeat(1 << 19);
    let aliases = vec!["*a"; 2000].join(", ");
    let bad = format!("title: &a {big}\nspeaker: {{name: Dr. Bad}}\nnote: [{aliases}]\n");
    let dir = folder(&[("bad.yaml", bad.as_bytes())]);
    let out = tempfile::tempdir().unwrap();
    let (o, peak) = talkposter_with_peak_mb(&["batch", s(dir.path()), "-o", s(out.path())]);
    assert!(stdout(&o).contains("1 rendered, 0 up to date, 1 failed"), "{}", stdout(&o));
    let err = stderr(&o);
    assert!(err.contains("the aliases (`*name`) in this file repeat their values to more than 8 MB of text"), "{err}");
    assert!(err.contains("bad.yaml:3:8"), "the first alias is shown: {err}");
    assert!(peak < 400, "peak memory {peak} MB");
    good_ones_survive(out.path(), "bad");
}

#[test]
fn a_thousand_inline_talks_are_read_in_little_memory() {
    // Each talk fails validation (no time): this measures reading and
    // merging a long series file, not rendering (the benchmark does that).
    let dir = tempfile::tempdir().unwrap();
    let mut series = String::from("defaults:\n  organizer: {name: Org}\n  place: Room 1\ntalks:\n");
    for i in 0..1000 {
        series += &format!(
            "  - {{title: Talk {i} on a subject of some length, speaker: {{name: Dr. Speaker {i}, affiliation: A University}}}}\n"
        );
    }
    std::fs::write(dir.path().join("series.yaml"), series).unwrap();
    let out = tempfile::tempdir().unwrap();
    let (o, peak) = talkposter_with_peak_mb(&["batch", s(&dir.path().join("series.yaml")), "-o", s(out.path())]);
    assert!(stdout(&o).contains("0 rendered, 0 up to date, 1000 failed"), "{}", stdout(&o));
    assert!(stderr(&o).contains("series.yaml (talks[999])"), "failed inline talks are named by their place");
    assert!(peak < 300, "peak memory {peak} MB for 1000 inline talks");
}

#[test]
fn an_endless_loop_in_markup_fails_its_talk_and_the_batch_goes_on() {
    let bad = talk("markup: typst\nabstract: '#for i in range(100000) { for j in range(100000) { } }'\n");
    let dir = folder(&[("bad.yaml", &bad)]);
    let out = tempfile::tempdir().unwrap();
    let o = run(dir.path(), out.path(), &["--time-limit", "2"]);
    let err = stderr(&o);
    assert!(
        err.contains("bad.yaml: laying out this talk took longer than the time limit of 2 s, so it was stopped"),
        "{err}"
    );
    assert!(err.contains("--time-limit SECONDS"), "{err}");
    good_ones_survive(out.path(), "bad");
}

#[test]
fn markup_that_needs_gigabytes_fails_its_talk_only() {
    let bad = talk("markup: typst\nabstract: '#let s = \"x\" * 3000000000; #s.len()'\n");
    let dir = folder(&[("bad.yaml", &bad)]);
    let out = tempfile::tempdir().unwrap();
    let o = run(dir.path(), out.path(), &["-j", "1"]);
    let err = stderr(&o);
    assert!(err.contains("laying out this talk needed more than the memory limit of 2 GB, so it was stopped"), "{err}");
    good_ones_survive(out.path(), "bad");
}

#[cfg(unix)]
#[test]
fn a_template_folder_with_link_loops_and_links_out_of_it() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "the host's secret").unwrap();
    let dir = folder(&[]);
    let tpl = dir.path().join("tpl");
    std::fs::create_dir(&tpl).unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.txt"), tpl.join("secret.txt")).unwrap();
    std::os::unix::fs::symlink("sub", tpl.join("sub")).unwrap();
    std::os::unix::fs::symlink(".", tpl.join("again")).unwrap();
    std::fs::write(tpl.join("plain.typ"), "#set page(width: 80mm, height: 50mm)\n#sys.inputs.title.at(0).text\n")
        .unwrap();
    std::fs::write(tpl.join("leak.typ"), "#set page(width: 80mm, height: 50mm)\n#read(\"secret.txt\")\n").unwrap();

    // A folder with link loops neither hangs nor confuses the up-to-date check.
    let out = tempfile::tempdir().unwrap();
    let plain = tpl.join("plain.typ");
    let args = ["batch", s(dir.path()), "-o", s(out.path()), "--template", s(&plain)];
    let o = talkposter(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = talkposter(&args);
    assert!(stdout(&o).contains("0 rendered, 1 up to date, 0 failed"), "{}", stdout(&o));

    let out = tempfile::tempdir().unwrap();
    let o = talkposter(&[
        "render",
        s(&dir.path().join("good.yaml")),
        "-o",
        s(out.path()),
        "--template",
        s(&tpl.join("leak.typ")),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("leak.typ:2:7") && err.contains("`secret.txt` leads outside the template's folder"), "{err}");
    assert!(!err.contains("the host's secret"), "{err}");
    assert!(files(out.path()).is_empty());
}

#[test]
fn a_template_page_too_large_to_render_is_refused_before_any_pixel() {
    let dir = folder(&[("huge.typ", b"#set page(width: 20000mm, height: 200000mm)\nHello\n")]);
    let out = tempfile::tempdir().unwrap();
    let (o, peak) = talkposter_with_peak_mb(&[
        "render",
        s(&dir.path().join("good.yaml")),
        "-o",
        s(out.path()),
        "--template",
        s(&dir.path().join("huge.typ")),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("the page is 20000 × 200000 mm: at 150 ppi its image would be 118110 × 1181102 pixels"),
        "{err}"
    );
    assert!(err.contains("over the limit of 150 megapixels"), "{err}");
    assert!(peak < 600, "peak memory {peak} MB");
}

#[cfg(unix)]
#[test]
fn a_template_file_name_typst_cannot_take_is_a_clear_error() {
    let dir = folder(&[("we\\ird.typ", b"#set page(width: 80mm, height: 50mm)\nHi\n")]);
    let out = tempfile::tempdir().unwrap();
    let o = talkposter(&[
        "render",
        s(&dir.path().join("good.yaml")),
        "-o",
        s(out.path()),
        "--template",
        s(&dir.path().join("we\\ird.typ")),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("the layout's file name `/we\\ird.typ` cannot be used"), "{err}");
    assert!(!err.contains("bug"), "{err}");
}

#[test]
fn a_talk_named_like_the_contact_sheet_cannot_overwrite_it() {
    let dir = folder(&[("Contact-Sheet.yaml", &talk(""))]);
    let out = tempfile::tempdir().unwrap();
    let o = run(dir.path(), out.path(), &[]);
    let err = stderr(&o);
    assert!(err.contains("the output name `Contact-Sheet` is the series' own (its `contact-sheet.png`)"), "{err}");
    let sheet = png_info(&out.path().join("contact-sheet.png"));
    assert!(sheet.width < 600, "the sheet is the sheet, not a poster: {} px wide", sheet.width);
    // And it stays so on the next run.
    let o = batch(&[s(dir.path()), "-o", s(out.path())]);
    assert!(stdout(&o).contains("0 rendered, 1 up to date, 1 failed"), "{}", stdout(&o));
    assert!(png_info(&out.path().join("contact-sheet.png")).width < 600);
}

#[test]
fn inline_talks_that_fail_are_named_by_their_place_and_the_rest_render() {
    let dir = tempfile::tempdir().unwrap();
    let series = "defaults: {place: Room 1}\ntalks:\n  - {title: One, speaker: {name: Dr. A}, time: {date: 2024-02-30, start: '16:00'}}\n  - {title: Two, speaker: {name: Dr. B}, time: {date: 2024-06-13, start: '16:00'}}\n  - {title: Three, speaker: {name: Dr. C}, time: {date: 2024-06-14, start: '25:00'}}\n";
    std::fs::write(dir.path().join("series.yaml"), series).unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = batch(&[s(&dir.path().join("series.yaml")), "-o", s(out.path())]);
    assert!(stdout(&o).contains("1 rendered, 0 up to date, 2 failed"), "{}", stdout(&o));
    let err = stderr(&o);
    assert!(err.contains("series.yaml (talks[0])") && err.contains("`2024-02-30` is not a real date"), "{err}");
    assert!(err.contains("series.yaml (talks[2])") && err.contains("`25:00` is not a time of day"), "{err}");
    assert!(files(out.path()).contains(&"2024-06-13-b.pdf".to_string()), "{:?}", files(out.path()));
}

#[cfg(unix)]
#[test]
fn an_interrupted_batch_keeps_what_it_finished() {
    let looping = talk("markup: typst\nabstract: '#for i in range(100000) { for j in range(100000) { } }'\n");
    let dir = folder(&[("zz-loops.yaml", &looping)]);
    let out = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(binary())
        .args(["batch", s(dir.path()), "-o", s(out.path()), "-j", "1"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait for the good poster, then kill the batch while it loops on the other.
    let start = std::time::Instant::now();
    while !out.path().join("good.png").exists() {
        assert!(start.elapsed().as_secs() < 60, "the good talk was never written");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    child.kill().unwrap();
    child.wait().unwrap();
    let o = batch(&[s(dir.path()), "-o", s(out.path()), "--time-limit", "1"]);
    assert!(stdout(&o).contains("0 rendered, 1 up to date, 1 failed"), "{}", stdout(&o));
}

#[test]
fn a_large_series_logo_is_prepared_once_and_an_impossible_one_refused_for_each_talk() {
    // 36 megapixels: within the limit, decoded once for the whole series.
    let logo = image::RgbImage::from_fn(6000, 6000, |x, y| image::Rgb([(x / 24) as u8, (y / 24) as u8, 90]));
    let mut png = Vec::new();
    let encoder = image::codecs::png::PngEncoder::new_with_quality(
        &mut png,
        image::codecs::png::CompressionType::Fast,
        image::codecs::png::FilterType::Sub,
    );
    logo.write_with_encoder(encoder).unwrap();
    let series = b"defaults:\n  organizer: {name: Org, logo: logo.png}\n";
    let talks: Vec<(String, Vec<u8>)> = (1..=4).map(|i| (format!("t{i}.yaml"), talk(""))).collect();
    let mut all: Vec<(&str, &[u8])> = talks.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
    all.push(("series.yaml", series));
    all.push(("logo.png", &png));
    let dir = folder(&all);
    let out = tempfile::tempdir().unwrap();
    let (o, peak) = talkposter_with_peak_mb(&["batch", s(dir.path()), "-o", s(out.path())]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("5 rendered"), "{}", stdout(&o));
    // One decode is 6000 × 6000 × 3 bytes = 103 MB; one per talk at once was 2.2 GB.
    assert!(peak < 900, "peak memory {peak} MB");

    // 16384 × 16384 = 268 megapixels: refused from its header, for each talk.
    std::fs::write(dir.path().join("logo.png"), png_header_only(16384, 16384)).unwrap();
    let (o, peak) = talkposter_with_peak_mb(&["batch", s(dir.path()), "-o", s(out.path())]);
    assert!(stdout(&o).contains("0 rendered, 0 up to date, 5 failed"), "{}", stdout(&o));
    assert_eq!(
        stderr(&o).matches("is 16384 × 16384 pixels (268 megapixels), over the limit of 64 megapixels").count(),
        5
    );
    assert!(peak < 400, "peak memory {peak} MB");
}

#[test]
fn an_event_cannot_name_a_file_outside_its_folder_as_its_template() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "the organizer's secret").unwrap();
    std::fs::write(outside.path().join("layout.typ"), "the organizer's secret").unwrap();
    for named in [
        "/etc/hostname".to_string(),
        "/proc/self/environ".to_string(),
        s(&outside.path().join("secret.txt")).to_string(),
        s(&outside.path().join("layout.typ")).to_string(),
        "linked.typ".to_string(),
        "notes.txt".to_string(),
    ] {
        let dir = folder(&[("bad.yaml", &talk(&format!("template: \"{named}\"\n"))), ("notes.txt", b"not a layout")]);
        std::os::unix::fs::symlink(outside.path().join("secret.txt"), dir.path().join("linked.typ")).unwrap();
        let out = tempfile::tempdir().unwrap();
        let o = run(dir.path(), out.path(), &[]);
        let err = stderr(&o);
        assert!(err.contains("bad.yaml:5:") && err.contains("template:"), "{named}: {err}");
        assert!(err.contains("is not a layout in this file's folder"), "{named}: {err}");
        assert!(!err.contains("secret") || named.contains("secret"), "{named}: the file's content is quoted: {err}");
        assert!(!err.contains("organizer's secret"), "{named}: {err}");
        good_ones_survive(out.path(), "bad");
    }
    // The organizer's own choice on the command line is free.
    let (dir, path) = event_file(MINIMAL);
    let layout = dir.path().join("mine.typ");
    std::fs::write(
        &layout,
        "#import \"/talkposter/lib.typ\": *\n#set page(width: 10cm, height: 5cm)\n#first(data.title)\n",
    )
    .unwrap();
    let o = render(&path, dir.path(), &["--template", s(&layout), "--format", "pdf"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn links_cannot_inject_calendar_lines_markdown_or_terminal_codes() {
    for (extra, key, shown) in [
        (
            "online: {url: \"https://x.org/j/1\\r\\nEND:VEVENT\\r\\nBEGIN:VEVENT\\r\\nSUMMARY:evil\"}\n",
            "online.url",
            "U+000D",
        ),
        (
            "speaker: {name: Dr. Bad, homepage: \"https://example.org/a)<script>alert(1)</script>\"}\n",
            "speaker.homepage",
            "`<`",
        ),
        ("online: {url: \"\\e[2J\\e[31mhttps://x.org\"}\n", "online.url", "U+001B"),
        ("registration: \"mailto:a@b.org?subject=<img src=x onerror=alert(1)>\"\n", "registration", "e-mail address"),
        ("abstract: \"text with a NUL \\0 in it\"\n", "abstract", "U+0000"),
    ] {
        let dir = folder(&[("bad.yaml", &talk(extra))]);
        let out = tempfile::tempdir().unwrap();
        let o = run(dir.path(), out.path(), &["--format", "pdf,png,ics,txt,md"]);
        let err = stderr(&o);
        assert!(err.contains(&format!("{key}:")) && err.contains(shown), "{extra}: {err}");
        assert!(!err.contains('\u{1b}') && !err.contains('\0'), "control characters reach the terminal: {err:?}");
        good_ones_survive(out.path(), "bad");
    }
    // Addresses that are fine but hold `(` `)` stay inside their Markdown link.
    let dir = folder(&[(
        "odd.yaml",
        &talk("speaker: {name: Dr. Odd, homepage: \"https://example.org/a_(b)/[c]?q=1&r=(2)\"}\n"),
    )]);
    let out = tempfile::tempdir().unwrap();
    let o = batch(&[s(dir.path()), "-o", s(out.path()), "--format", "md,ics"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let md = std::fs::read_to_string(out.path().join("odd.md")).unwrap();
    assert!(md.contains("(https://example.org/a_%28b%29/%5Bc%5D?q=1&r=%282%29)"), "{md}");
    let ics = std::fs::read_to_string(out.path().join("odd.ics")).unwrap();
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 1);
}

#[test]
fn links_planted_in_the_output_folder_are_refused() {
    for planted in [".talkposter-manifest.journal", ".talkposter", ".talkposter-manifest.json"] {
        let dir = folder(&[]);
        let out = tempfile::tempdir().unwrap();
        let victim = tempfile::tempdir().unwrap();
        let target = victim.path().join("victim");
        std::fs::write(&target, "keep me").unwrap();
        std::os::unix::fs::symlink(&target, out.path().join(planted)).unwrap();
        let o = batch(&[s(dir.path()), "-o", s(out.path())]);
        assert_eq!(o.status.code(), Some(1), "{planted}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("is a link: talkposter writes its own files only inside the output folder"),
            "{}",
            stderr(&o)
        );
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me");
        assert_eq!(files(victim.path()), ["victim"]);
    }
}

#[test]
fn an_interrupted_batch_leaves_whole_talks_and_no_temporaries() {
    // Sixty talks, interrupted after the first few are written.
    let dir = tempfile::tempdir().unwrap();
    for i in 0..60 {
        std::fs::write(dir.path().join(format!("t{i:02}.yaml")), GOOD.replace("A good talk", &format!("Talk {i}")))
            .unwrap();
    }
    let out = tempfile::tempdir().unwrap();
    let child = std::process::Command::new(binary())
        .args(["batch", s(dir.path()), "-o", s(out.path()), "--jobs", "2"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while files(out.path()).iter().filter(|f| f.ends_with(".pdf")).count() < 3 && started.elapsed().as_secs() < 60 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let o = child.wait_with_output().unwrap();
    assert!(matches!(o.status.code(), Some(130) | Some(0)), "{:?}: {}", o.status, stderr(&o));
    let names = files(out.path());
    assert!(!names.iter().any(|n| n.ends_with(".tmp")), "{names:?}");
    let thumbs = out.path().join(".talkposter/thumbs");
    assert!(!thumbs.exists() || !files(&thumbs).iter().any(|n| n.ends_with(".tmp")));
    // Every talk has both of its files or neither.
    for i in 0..60 {
        let pdf = names.contains(&format!("t{i:02}.pdf"));
        let png = names.contains(&format!("t{i:02}.png"));
        assert_eq!(pdf, png, "t{i:02}: pdf {pdf}, png {png}");
    }
    if o.status.code() == Some(130) {
        assert!(stderr(&o).contains("interrupted"), "{}", stderr(&o));
        assert!(names.iter().filter(|n| n.ends_with(".pdf")).count() < 60);
    }
    // The next run makes the rest.
    let o = batch(&[s(dir.path()), "-o", s(out.path())]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(files(out.path()).iter().filter(|f| f.ends_with(".pdf") && f.starts_with('t')).count(), 60);
}

#[test]
fn files_made_to_be_slow_are_answered_at_once() {
    // 100,000 unknown keys: a hundred described, the rest counted.
    let keys: String = (0..100_000).map(|i| format!("k{i}: v\n")).collect();
    let (dir, path) = event_file(&format!("{MINIMAL}{keys}"));
    let o = talkposter(&["check", s(&path)]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(err.matches("unknown key `k").count(), 100, "{}", &err[..err.len().min(2000)]);
    assert!(err.contains("… and 99900 more problems in this file"), "{}", &err[err.len().saturating_sub(500)..]);
    drop(dir);
    // Flow lists nested 100,000 deep: refused before parsing.
    let deep = format!(
        "title: {}{}\nspeaker: A\ntime: {{date: 2024-06-13, start: \"16:00\"}}\nplace: R\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let (_dir, path) = event_file(&deep);
    let err = stderr(&talkposter(&["check", s(&path)]));
    assert!(err.contains("the file is nested more than 64 levels deep"), "{}", &err[..err.len().min(500)]);
    // A letter with 10,000 marks: named at its field, not a layout gone wrong.
    let (_dir, path) =
        event_file(&MINIMAL.replace("title: A talk", &format!("title: \"a{}\"", "\u{301}".repeat(10_000))));
    let err = stderr(&talkposter(&["check", s(&path)]));
    assert!(err.contains("title: has a letter carrying 10000 combining marks"), "{}", &err[..err.len().min(500)]);
}

#[test]
fn font_folders_that_would_take_forever_are_refused_or_skipped() {
    // A 12-byte collection claiming four billion faces: skipped with a warning.
    let fonts = tempfile::tempdir().unwrap();
    let mut bomb = b"ttcf\0\x01\0\0".to_vec();
    bomb.extend(u32::MAX.to_be_bytes());
    std::fs::write(fonts.path().join("bomb.ttc"), bomb).unwrap();
    let (dir, path) = event_file(MINIMAL);
    let o = render(&path, dir.path(), &["--font-path", s(fonts.path()), "--format", "pdf"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("bomb.ttc` is skipped: its header claims 4294967295 faces"), "{}", stderr(&o));
    let o = talkposter(&["fonts", "--font-path", s(fonts.path())]);
    assert!(o.status.success(), "{}", stderr(&o));
    // A folder too large to search: refused by name.
    let big = tempfile::tempdir().unwrap();
    for i in 0..(talkposter::limits::MAX_FONT_DIR_ENTRIES + 5) {
        std::fs::write(big.path().join(format!("f{i}.txt")), "").unwrap();
    }
    let o = render(&path, dir.path(), &["--font-path", s(big.path())]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("holds more than 20000 files and folders"), "{}", stderr(&o));
}

#[test]
fn messages_name_the_right_limit_and_quote_no_other_file() {
    // A 16 MB event file meets the event limit.
    let (dir, path) = event_file(&format!("{MINIMAL}abstract: \"{}\"\n", "a".repeat(16 << 20)));
    let err = stderr(&render(&path, dir.path(), &[]));
    assert!(err.contains("over the limit of 1 MB for an event file"), "{err}");
    drop(dir);
    // A 300-character name makes a file name that fits.
    let dir = tempfile::tempdir().unwrap();
    let name = "Alexandrina ".repeat(25);
    let series = format!(
        "talks:\n  - title: T\n    speaker: {{name: \"{}\"}}\n    time: {{date: 2024-06-13, start: \"16:00\"}}\n    place: R\n",
        name.trim()
    );
    std::fs::write(dir.path().join("series.yaml"), series).unwrap();
    let out = dir.path().join("out");
    let o = batch(&[s(&dir.path().join("series.yaml")), "-o", s(&out), "--format", "pdf"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(files(&out).iter().any(|f| f.starts_with("2024-06-13-alexandrina-alexandrina") && f.len() < 100));
    // A `talks:` entry outside the series' folder and the folders beside
    // it, or not a talk file, is not read.
    let fall = dir.path().join("term").join("fall");
    std::fs::create_dir_all(&fall).unwrap();
    std::fs::write(dir.path().join("passwords.yaml"), "root: hunter2\n").unwrap();
    std::fs::write(fall.join("notes.txt"), "private notes\n").unwrap();
    let listed = format!("talks:\n  - {}\n  - notes.txt\n", s(&dir.path().join("passwords.yaml")));
    std::fs::write(fall.join("series.yaml"), listed).unwrap();
    let o = batch(&[s(&fall.join("series.yaml")), "-o", s(&out)]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("is outside the series' folder") && err.contains("is not a talk file (.yaml)"), "{err}");
    assert!(!err.contains("hunter2") && !err.contains("private notes"), "{err}");
}
