//! Paper sizes and the print shop's PDF: every example on every paper, the
//! page boxes read back with lopdf, the PNG at its trimmed size.

use std::path::Path;

use crate::common::*;

const MM: f32 = 72.0 / 25.4;

/// The page's boxes, in millimetres: (MediaBox, TrimBox, BleedBox), each
/// `[x0, y0, x1, y1]`; a box the page lacks is none.
fn boxes(pdf: &Path) -> ([f32; 4], Option<[f32; 4]>, Option<[f32; 4]>) {
    let doc = lopdf::Document::load_mem(&std::fs::read(pdf).unwrap()).expect("a readable PDF");
    let pages = doc.get_pages();
    assert_eq!(pages.len(), 1, "{}", pdf.display());
    let page = doc.get_dictionary(*pages.values().next().unwrap()).unwrap();
    let rect = |key: &[u8]| {
        page.get(key).ok().map(|o| {
            let v: Vec<f32> = o.as_array().unwrap().iter().map(|x| x.as_float().unwrap() / MM).collect();
            [v[0], v[1], v[2], v[3]]
        })
    };
    (rect(b"MediaBox").unwrap(), rect(b"TrimBox"), rect(b"BleedBox"))
}

fn near(a: [f32; 4], b: [f32; 4]) -> bool {
    a.iter().zip(b).all(|(x, y)| (x - y).abs() < 0.05)
}

fn png_size(png: &Path) -> (u32, u32) {
    image::image_dimensions(png).unwrap()
}

#[test]
fn every_example_fits_every_paper() {
    let out = tempfile::tempdir().unwrap();
    for (paper, w, h, ppi) in [
        ("a4", 210.0, 297.0, 150),
        ("a3", 297.0, 420.0, 150),
        ("a2", 420.0, 594.0, 150),
        ("a1", 594.0, 841.0, 106),
        ("a0", 841.0, 1189.0, 75),
        ("letter", 215.9, 279.4, 150),
        ("tabloid", 279.4, 431.8, 150),
    ] {
        for event in events() {
            let dir = out.path().join(paper);
            let o = render(&event, &dir, &["--paper", paper]);
            let name = event.file_stem().unwrap().to_str().unwrap();
            assert!(o.status.success(), "{name} on {paper}: {}", stderr(&o));
            let (media, trim, bleed) = boxes(&dir.join(format!("{name}.pdf")));
            assert!(near(media, [0.0, 0.0, w, h]), "{name} on {paper}: {media:?}");
            assert!(trim.is_none() && bleed.is_none(), "no bleed asked for");
            // The picture: 150 ppi, or 2480 px across for the big papers,
            // and said so.
            let px = |mm: f32| (mm / 25.4 * ppi as f32).round() as u32;
            let (pw, ph) = png_size(&dir.join(format!("{name}.png")));
            assert!(pw.abs_diff(px(w)) <= 1 && ph.abs_diff(px(h)) <= 1, "{name} on {paper}: {pw} × {ph} at {ppi} ppi");
            assert_eq!(stderr(&o).contains(&format!("made at {ppi} ppi")), ppi != 150, "{}", stderr(&o));
            let text = squash(&pdf_text(&dir.join(format!("{name}.pdf"))));
            assert!(text.contains("abstract") || text.contains("摘要"), "{name} on {paper}: the long text is there");
        }
    }
}

#[test]
fn a_print_shop_pdf_has_its_bleed_and_trim_boxes_and_crop_marks() {
    let out = tempfile::tempdir().unwrap();
    let event = repo().join("events/2024-06-13-yilun-xu.yaml");
    // 1/8 in of bleed, with crop marks, on A3.
    let o = render(&event, out.path(), &["--paper", "A3", "--bleed", "0.125in", "--crop-marks"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let (media, trim, bleed) = boxes(&out.path().join("2024-06-13-yilun-xu.pdf"));
    let (b, m) = (3.175, 8.0);
    let outside = b + m;
    assert!(near(trim.unwrap(), [outside, outside, outside + 297.0, outside + 420.0]), "{trim:?}");
    assert!(near(bleed.unwrap(), [m, m, m + 297.0 + 2.0 * b, m + 420.0 + 2.0 * b]), "{bleed:?}");
    assert!(near(media, [0.0, 0.0, 297.0 + 2.0 * outside, 420.0 + 2.0 * outside]), "{media:?}");
    // The PNG is the trimmed page.
    assert_eq!(png_size(&out.path().join("2024-06-13-yilun-xu.png")), (1754, 2480));
    // The band runs into the bleed: the colour is at the bleed's corner,
    // and the paper is white where the crop marks are (drawn by poppler,
    // where it is installed).
    let full = out.path().join("full");
    let drawn = std::process::Command::new("pdftoppm")
        .args(["-r", "72", "-png", "-singlefile"])
        .arg(out.path().join("2024-06-13-yilun-xu.pdf"))
        .arg(&full)
        .output()
        .is_ok_and(|o| o.status.success());
    if !drawn {
        eprintln!("pdftoppm (poppler) is not installed: the bleed's colours are not looked at");
    } else {
        let img = image::open(full.with_extension("png")).unwrap().to_rgb8();
        let at = |x_mm: f32, y_mm: f32| img.get_pixel((x_mm * MM) as u32, (y_mm * MM) as u32).0;
        assert_eq!(at(m + 0.5, m + 0.5), [0x94, 0x07, 0x0A], "the band's colour at the bleed's corner");
        assert_eq!(at(m - 2.0, m + 5.0), [255, 255, 255], "white outside the bleed");
    }
    // Without crop marks the page is the bleed box.
    let o = render(&event, out.path(), &["--bleed", "3mm", "--format", "pdf"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let (media, trim, bleed) = boxes(&out.path().join("2024-06-13-yilun-xu.pdf"));
    assert!(near(media, [0.0, 0.0, 216.0, 303.0]) && near(bleed.unwrap(), media), "{media:?} {bleed:?}");
    assert!(near(trim.unwrap(), [3.0, 3.0, 213.0, 300.0]), "{trim:?}");
}

#[test]
fn a_big_poster_is_composed_for_its_size_not_enlarged() {
    // The A1 poster drawn as small as the A4 one: if it were an enlarged
    // A4, the two pictures would be the same.
    let out = tempfile::tempdir().unwrap();
    let event = repo().join("events/2024-06-13-yilun-xu.yaml");
    let a4 = out.path().join("a4");
    let a1 = out.path().join("a1");
    assert!(render(&event, &a4, &["--format", "png", "--ppi", "100"]).status.success());
    assert!(render(&event, &a1, &["--format", "png", "--paper", "a1", "--ppi", "25"]).status.success());
    let small = image::open(a4.join("2024-06-13-yilun-xu.png")).unwrap().to_luma8();
    let big = image::open(a1.join("2024-06-13-yilun-xu.png")).unwrap().to_luma8();
    let big = image::imageops::resize(&big, small.width(), small.height(), image::imageops::FilterType::Triangle);
    let differ = small.pixels().zip(big.pixels()).filter(|(a, b)| a.0[0].abs_diff(b.0[0]) > 64).count();
    let share = differ as f64 / (small.width() * small.height()) as f64;
    assert!(share > 0.05, "the A1 poster looks like an enlarged A4: {:.1}% of pixels differ", share * 100.0);
}

#[test]
fn papers_and_bleeds_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let event = dir.path().join("talk.yaml");
    let yaml = "title: T\nspeaker: S\ntime: {date: 2025-03-04, start: '16:00'}\nplace: R\n";
    std::fs::write(&event, format!("{yaml}paper: US Letter\n")).unwrap();
    let o = render(&event, dir.path(), &["--format", "pdf"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let (media, ..) = boxes(&dir.path().join("talk.pdf"));
    assert!(near(media, [0.0, 0.0, 215.9, 279.4]), "{media:?}");
    std::fs::write(&event, format!("{yaml}paper: B5\n")).unwrap();
    let err = stderr(&render(&event, dir.path(), &[]));
    assert!(err.contains("`B5` is not a paper size talkposter knows") && err.contains("talk.yaml:5:8"), "{err}");
    assert!(err.contains("use one of: a4, a3, a2, a1, a0, letter, tabloid"), "{err}");
    let o = render(&event, dir.path(), &["--paper", "a4", "--bleed", "3"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("needs a unit"), "{}", stderr(&o));
}
