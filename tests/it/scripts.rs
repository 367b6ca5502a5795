//! Every script in its own font: the test events under tests/events/scripts
//! rendered by the built binary, and the PDF read back with lopdf to see
//! which font drew which characters (its ToUnicode maps).

use std::path::{Path, PathBuf};

use crate::common::*;

fn script_event(name: &str) -> PathBuf {
    repo().join("tests/events/scripts").join(format!("{name}.yaml"))
}

/// Renders a script test event to PDF and PNG in `out`; returns the PDF.
fn rendered(name: &str, out: &Path) -> PathBuf {
    let o = render(&script_event(name), out, &["--ppi", "60"]);
    assert!(o.status.success(), "{name}: {}", stderr(&o));
    out.join(format!("{name}.pdf"))
}

/// Asserts that every character of `sample` (but spaces) is drawn by a font
/// whose name starts with `font`, and by no other.
fn drawn_in(pdf: &Path, sample: &str, font: &str) {
    for c in sample.chars().filter(|c| !c.is_whitespace()) {
        let fonts = fonts_drawing(pdf, c);
        assert!(!fonts.is_empty(), "{c:?} is drawn by no font in {}", pdf.display());
        assert!(fonts.iter().all(|f| f.starts_with(font)), "{c:?} drawn by {fonts:?}, expected {font}");
    }
}

#[test]
fn each_script_is_set_in_the_font_made_for_it() {
    let out = tempfile::tempdir().unwrap();
    for (event, sample, font) in [
        ("arabic", "ليلى الحسن جامعة", "NotoSansArabic"),
        ("hebrew", "נועה כהן מכון", "NotoSansHebrew"),
        ("hindi", "अनन्या शर्मा प्रौद्योगिकी", "NotoSansDevanagari"),
        ("thai", "สมชาย ใจดี จุฬาลงกรณ์", "NotoSansThai"),
        ("bengali", "অমিত দাস ঢাকা", "NotoSansBengali"),
    ] {
        let pdf = rendered(event, out.path());
        drawn_in(&pdf, sample, font);
        // The Latin text beside it stays in Noto Sans.
        drawn_in(&pdf, "Room", "NotoSans-");
        assert_eq!(pdf_facts(&pdf).pages.len(), 1, "{event}");
    }
}

#[test]
fn text_in_a_language_takes_its_own_scripts_face_before_any_other() {
    // The danda (।) is in the Devanagari and the Bengali faces. Bengali
    // text used to get it from Devanagari, listed before Bengali; each
    // language's own face now comes right after the Latin ones.
    let out = tempfile::tempdir().unwrap();
    let talk = repo().join("tests/demanding/w-bn-cyclone-forecast.yaml");
    let o = render(&talk, out.path(), &["--format", "pdf"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let pdf = out.path().join("w-bn-cyclone-forecast.pdf");
    drawn_in(&pdf, "সেমিনার।", "NotoSansBengali");
    assert!(
        !pdf_font_chars(&pdf).iter().any(|(font, _)| font.contains("Devanagari")),
        "a Bengali poster embeds Devanagari"
    );
    // Hindi keeps it in Devanagari.
    drawn_in(&rendered("hindi", out.path()), "।", "NotoSansDevanagari");
}

#[test]
fn the_text_of_left_to_right_scripts_extracts_as_written() {
    let out = tempfile::tempdir().unwrap();
    for (event, written) in [
        // Thai is left out: pdf-extract drops some of its vowel marks; the
        // fonts are checked above, its clusters in `clusters.rs`.
        ("hindi", "भारतीय प्रौद्योगिकी संस्थान दिल्ली"),
        ("japanese", "拡散モデルによる高速な画像生成"),
        ("korean", "대규모 언어 모델의 추론 능력"),
    ] {
        // A plain tagged PDF: each glyph of a cluster maps to its text once.
        let o = render(&script_event(event), out.path(), &["--format", "pdf", "--pdf-standard", "none"]);
        assert!(o.status.success(), "{event}: {}", stderr(&o));
        let text = squash(&pdf_text(&out.path().join(format!("{event}.pdf"))));
        assert!(text.contains(&squash(written)), "{event}: `{written}` not in {text}");
    }
}

#[test]
fn clusters_of_several_glyphs_carry_their_text_in_an_accessible_pdf() {
    // PDF/UA wants every glyph mapped to text, so a cluster of several
    // glyphs (प्रौ: four letters, three glyphs) maps each glyph to the whole
    // cluster; what a reader copies comes from the span's /ActualText,
    // which states the cluster once. (Readers that ignore /ActualText, as
    // pdf-extract does, then repeat such clusters.)
    let out = tempfile::tempdir().unwrap();
    let spans = actual_texts(&rendered("hindi", out.path()));
    for cluster in ["प्रौ", "द्यो", "स्था", "र्मा"] {
        assert!(spans.iter().any(|s| s == cluster), "{cluster} has no span of its own in {spans:?}");
    }
}

#[test]
fn japanese_and_korean_use_their_own_glyph_forms() {
    let out = tempfile::tempdir().unwrap();
    // 画, 直 and 骨 differ between Chinese and Japanese forms; Hanja in Korean.
    let ja = rendered("japanese", out.path());
    drawn_in(&ja, "拡散高速画像生成早稲田大学", "NotoSansCJKjp");
    drawn_in(&ja, "モデルによる", "NotoSansCJKjp");
    let text = squash(&pdf_text(&ja));
    assert!(text.contains(&squash("2025年10月15日（水）13:00–14:30")), "the date in Japanese: {text}");
    assert!(text.contains("概要") && text.contains("講演者紹介") && text.contains("司会"), "Japanese headings: {text}");
    let ko = rendered("korean", out.path());
    drawn_in(&ko, "대규모언어모델", "NotoSansCJKkr");
    let text = squash(&pdf_text(&ko));
    assert!(text.contains(&squash("2025년 11월 19일 (수) 16:00–17:30")) && text.contains("초록"), "{text}");
    // A Chinese poster keeps Simplified Chinese forms.
    let zh = out.path().join("zh");
    let o = render(&repo().join("events/2025-11-06-weijian-luo.yaml"), &zh, &["--format", "pdf"]);
    assert!(o.status.success(), "{}", stderr(&o));
    drawn_in(&zh.join("2025-11-06-weijian-luo.pdf"), "扩散", "NotoSansCJKsc");
}

#[test]
fn emoji_are_drawn_in_colour_in_the_pdf_and_the_png() {
    let out = tempfile::tempdir().unwrap();
    let pdf = rendered("emoji", out.path());
    drawn_in(&pdf, "🎉🚀🍕", "NotoColorEmoji");
    // The party popper is yellow and orange: such pixels are in the title.
    let png = image::open(out.path().join("emoji.png")).unwrap().to_rgb8();
    let title_band = (0..png.height() / 4).flat_map(|y| (0..png.width()).map(move |x| (x, y)));
    let yellow = title_band.filter(|&(x, y)| {
        let [r, g, b] = png.get_pixel(x, y).0;
        r > 200 && g > 140 && b < 90
    });
    assert!(yellow.count() > 10, "no coloured emoji pixels in the title");
}

#[test]
fn an_email_sign_up_becomes_a_qr_code_that_opens_a_mail() {
    let out = tempfile::tempdir().unwrap();
    let o = render(&script_event("emoji"), out.path(), &["--template", "card"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(qr_contents(&out.path().join("emoji.png")), vec!["mailto:seminar@cfcs.pku.edu.cn".to_string()]);
    let o = render(&script_event("emoji"), out.path(), &["--format", "pdf"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = one_line(&pdf_text(&out.path().join("emoji.pdf")));
    assert!(
        text.contains("seminar@cfcs.pku.edu.cn") && !text.contains("mailto:"),
        "the address, without mailto: {text}"
    );
}

#[test]
fn a_character_no_font_has_is_reported_at_its_field_and_line() {
    let yaml = "title: A panel\nspeaker:\n  - {name: Dr. A}\n  - name: Dr. 𓀀 Scribe\n    affiliation: Museum\ntime: {date: 2025-06-18, start: \"15:00\"}\nplace: Room 1\nnote: \"Glyphs 🎉 and 𓁐\"\n";
    let (dir, path) = event_file(yaml);
    let o = render(&path, dir.path(), &[]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("speaker[1].name: no font of the poster can draw `𓀀` (U+13000)"), "{err}");
    assert!(err.contains("talk.yaml:4:15"), "at the character, line 4: {err}");
    assert!(err.contains("note: no font of the poster can draw `𓁐` (U+13050)"), "{err}");
    assert!(!err.contains("title:") && !err.contains("draw `🎉`"), "the emoji is drawable: {err}");
}

#[test]
fn a_brand_font_from_font_path_is_used_and_a_misspelt_one_named() {
    let fonts = repo().join("tests/fonts/brand");
    let yaml = MINIMAL.to_string() + "organizer: {name: Brand University, font: Noto Serif}\n";
    let (dir, path) = event_file(&yaml);
    let o = render(&path, dir.path(), &["--font-path", s(&fonts), "--format", "pdf"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let pdf = dir.path().join("talk.pdf");
    drawn_in(&pdf, "Brand", "NotoSerif-");
    assert!(pdf_facts(&pdf).fonts.iter().any(|(n, embedded)| n.contains("NotoSerif") && *embedded));

    let (dir, path) = event_file(&(MINIMAL.to_string() + "organizer: {name: Brand University, font: Noto Serf}\n"));
    let o = render(&path, dir.path(), &["--font-path", s(&fonts)]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("organizer.font: no font of the family `Noto Serf` is installed"), "{err}");
    assert!(err.contains("talk.yaml:8:43"), "{err}");
    assert!(err.contains("help: did you mean `Noto Serif`?"), "{err}");
    assert!(files(dir.path()) == vec!["talk.yaml".to_string()], "nothing written");
}

#[test]
fn the_fonts_command_lists_bundled_and_font_path_families() {
    let o = talkposter(&["fonts", "--font-path", s(&repo().join("tests/fonts/brand"))]);
    assert!(o.status.success(), "{}", stderr(&o));
    let listing = stdout(&o);
    for family in ["Noto Sans Arabic", "Noto Sans CJK JP", "Noto Color Emoji"] {
        assert!(listing.lines().any(|l| l.starts_with(family) && l.ends_with("bundled")), "{family}: {listing}");
    }
    assert!(listing.lines().any(|l| l.starts_with("Noto Serif ") && l.ends_with("--font-path")), "{listing}");
}

/// For each line of ink (dark pixels) between the header and the footer of
/// a poster's PNG: whether it starts at the text's left edge and whether it
/// ends at its right edge. Returns how many lines are flush left and how
/// many flush right: ragged lines (a title, a name, an info row) tell the
/// poster's direction.
fn flush_lines(png: &Path) -> (usize, usize) {
    let img = image::open(png).unwrap().to_luma8();
    let (w, h) = img.dimensions();
    let mut rows: Vec<(u32, u32)> = Vec::new();
    // Below the header band, above the footer.
    for y in h * 18 / 100..h * 93 / 100 {
        let ink: Vec<u32> = (0..w).filter(|&x| img.get_pixel(x, y).0[0] < 100).collect();
        let (Some(&l), Some(&r)) = (ink.first(), ink.last()) else { continue };
        // Not a band or a rule across the page, not a stray pixel.
        if r - l < w * 95 / 100 && ink.len() > 2 {
            rows.push((l, r));
        }
    }
    let left = rows.iter().map(|r| r.0).min().unwrap_or(0);
    let right = rows.iter().map(|r| r.1).max().unwrap_or(0);
    let near = w / 150;
    (rows.iter().filter(|r| r.0 <= left + near).count(), rows.iter().filter(|r| r.1 + near >= right).count())
}

#[test]
fn right_to_left_posters_are_mirrored_in_every_layout() {
    let out = tempfile::tempdir().unwrap();
    let demanding = |name: &str| repo().join("tests/demanding").join(format!("{name}.yaml"));
    for layout in ["flyer", "card", "screen"] {
        for event in [
            "w-he-parentheses-line-ends",
            "w-ar-harakat-manuscripts",
            "w-fa-subsidence-seminar",
            "w-ur-heatwave-seminar",
        ] {
            let o = render(&demanding(event), out.path(), &["--template", layout, "--format", "png", "--ppi", "60"]);
            assert!(o.status.success(), "{layout} {event}: {}", stderr(&o));
            let (left, right) = flush_lines(&out.path().join(format!("{event}.png")));
            assert!(right > 2 * left.max(1), "{layout} {event}: {left} lines flush left, {right} flush right");
        }
    }
    // And a left-to-right flyer the other way round.
    let o = render(&demanding("w-en-panel-3-two-chairs"), out.path(), &["--format", "png", "--ppi", "60"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let (left, right) = flush_lines(&out.path().join("w-en-panel-3-two-chairs.png"));
    assert!(left > 2 * right.max(1), "{left} lines flush left, {right} flush right");
}

#[test]
fn a_right_to_left_title_and_abstract_choose_the_poster_language() {
    let (dir, path) = event_file(&MINIMAL.replace("title: A talk", "title: מודלים חישוביים של רכישת שפה"));
    let o = render(&path, dir.path(), &["--format", "pdf"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // The Hebrew kind and date: the poster took the title's language
    // (extracted in either order: this extractor reads glyphs visually).
    let text = pdf_text(&dir.path().join("talk.pdf"));
    for word in ["הרצאה", "ביוני"] {
        let reversed: String = word.chars().rev().collect();
        assert!(text.contains(word) || text.contains(&reversed), "{word}: {text}");
    }
}
