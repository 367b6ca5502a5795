//! A term's schedule from a spreadsheet: workbooks written by the tests
//! (Excel's format through rust_xlsxwriter, LibreOffice's by hand), CSV in
//! the encodings spreadsheet programs save, rendered by `batch`, checked by
//! `check`, and turned into talk files by `import`, with a calendar file and
//! an Indico export beside.

use std::io::Write;
use std::path::Path;

use crate::common::*;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

const SERIES: &str = "series:\n  name: {zh: 前沿计算系列讲座, en: CFCS Frontier Talks}\ndefaults:\n  language: zh\n  organizer:\n    name: {zh: 北京大学前沿计算研究中心, en: Center on Frontiers of Computing Studies}\n    color: \"#94070A\"\n  time: {timezone: Asia/Shanghai}\n";

/// A spring term as an organizer keeps it: a title row, bilingual columns,
/// real date and time cells, a panel of two, a note column, an empty row.
fn spring_term(path: &Path) {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("2025 Spring").unwrap();
    let day = Format::new().set_num_format("yyyy-mm-dd");
    let clock = Format::new().set_num_format("hh:mm");
    sheet.write_string(0, 0, "前沿计算系列讲座 2025 春季").unwrap();
    let headers = [
        "日期",
        "开始时间",
        "end",
        "题目（中文）",
        "title (English)",
        "报告人",
        "单位",
        "speaker 2",
        "affiliation 2",
        "地点",
        "摘要",
        "# 备注",
    ];
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string(1, c as u16, *h).unwrap();
    }
    // Day of March, then the texts of columns D to K.
    let rows: [(u8, [&str; 8]); 3] = [
        (
            6,
            [
                "物理启发的生成模型",
                "On Physics-Inspired Generative Models",
                "Dr. Yilun Xu",
                "MIT & NVIDIA",
                "",
                "",
                "静园五院204室",
                "Diffusion models constitute a powerful family of generative models.",
            ],
        ),
        (
            13,
            [
                "超快语言生成",
                "Ultra-Fast Language Generation",
                "Weijian Luo 博士",
                "小红书 hi lab",
                "",
                "",
                "理科一号楼1131",
                "离散扩散模型的蒸馏。",
            ],
        ),
        (
            20,
            [
                "大模型推理圆桌",
                "A Panel on Reasoning",
                "王亦洲 教授",
                "北京大学",
                "Prof. Ada Lovelace",
                "University of London",
                "静园五院204室",
                "",
            ],
        ),
    ];
    for (i, (day_of_march, texts)) in rows.iter().enumerate() {
        // Row 4 (index 3) is left empty between the first two talks.
        let at = if i == 0 { 2 } else { 3 + i as u32 };
        sheet
            .write_datetime_with_format(at, 0, ExcelDateTime::from_ymd(2025, 3, *day_of_march).unwrap(), &day)
            .unwrap();
        sheet.write_datetime_with_format(at, 1, ExcelDateTime::from_hms(16, 0, 0).unwrap(), &clock).unwrap();
        sheet.write_datetime_with_format(at, 2, ExcelDateTime::from_hms(17, 30, 0).unwrap(), &clock).unwrap();
        for (c, text) in texts.iter().enumerate() {
            if !text.is_empty() {
                sheet.write_string(at, 3 + c as u16, *text).unwrap();
            }
        }
        sheet.write_string(at, 11, "请确认海报").unwrap();
    }
    book.save(path).unwrap();
}

#[test]
fn a_bilingual_term_in_a_workbook_renders_every_poster_and_imports_as_talk_files() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = dir.path().join("spring.xlsx");
    spring_term(&sheet);
    std::fs::write(dir.path().join("series.yaml"), SERIES).unwrap();
    let out = dir.path().join("out");
    let o = batch(&[s(&sheet), "-o", s(&out), "--format", "pdf,png,ics"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let names = files(&out);
    for stem in ["2025-03-06-dr-yilun-xu", "2025-03-13-weijian-luo", "2025-03-20-wang-yi-zhou"] {
        let pdf =
            names.iter().find(|n| n.starts_with(&stem[..10]) && n.ends_with(".pdf") && !n.starts_with("programme"));
        assert!(pdf.is_some(), "{stem} in {names:?}");
    }
    assert!(names.iter().any(|n| n.starts_with("programme")), "{names:?}");
    assert!(names.iter().any(|n| n.starts_with("contact-sheet")), "{names:?}");
    let first = names.iter().find(|n| n.starts_with("2025-03-06") && n.ends_with(".pdf")).unwrap();
    let text = squash(&pdf_text(&out.join(first)));
    for part in [
        "物理启发的生成模型",
        "onphysicsinspiredgenerativemodels",
        "mit&nvidia",
        "静园五院204室",
        "星期四",
        "16:00–17:30",
        "前沿计算系列讲座",
    ] {
        assert!(text.contains(part), "{part} in {text}");
    }
    assert!(!text.contains("请确认海报"), "the note column stays off the poster");
    let panel = names.iter().find(|n| n.starts_with("2025-03-20") && n.ends_with(".pdf")).unwrap();
    let text = squash(&pdf_text(&out.join(panel)));
    assert!(text.contains("adalovelace") && text.contains("王亦洲"), "{text}");

    // Again: nothing to do.
    let o = batch(&[s(&sheet), "-o", s(&out), "--format", "pdf,png,ics"]);
    assert!(o.status.success() && stdout(&o).contains("0 rendered, 3 up to date"), "{}", stdout(&o));
    let o = talkposter(&["import", s(&sheet), "-o", s(&dir.path().join("as-files"))]);
    assert!(o.status.success(), "{}", stderr(&o));
    let written = files(&dir.path().join("as-files"));
    assert_eq!(written.len(), 3, "{written:?}");
    let first_yaml = std::fs::read_to_string(dir.path().join("as-files").join(&written[0])).unwrap();
    assert!(first_yaml.contains("row 3") && first_yaml.contains("2025-03-06"), "{first_yaml}");
    // The files import wrote, with series.yaml beside, are a series `check` accepts.
    std::fs::write(dir.path().join("as-files/series.yaml"), SERIES).unwrap();
    let o = talkposter(&["check", s(&dir.path().join("as-files"))]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn a_changed_row_renders_that_talk_only() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = dir.path().join("term.csv");
    let rows = |title2: &str| {
        format!(
            "date,start,speaker,affiliation,title,place\n2025-03-06,16:00,Ada Lovelace,University of London,Engines of Analysis,Room 1\n2025-03-13,16:00,Alan Turing,Cambridge,{title2},Room 2\n"
        )
    };
    std::fs::write(&sheet, rows("On Computable Numbers")).unwrap();
    let out = dir.path().join("out");
    let o = batch(&[s(&sheet), "-o", s(&out), "--format", "pdf"]);
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::write(&sheet, rows("Computing Machinery and Intelligence")).unwrap();
    let o = batch(&[s(&sheet), "-o", s(&out), "--format", "pdf"]);
    let said = stdout(&o);
    assert!(o.status.success() && said.contains("1 rendered, 1 up to date"), "{said}");
    assert!(
        said.contains("up to date  ")
            && said.contains("(row 2)")
            && said.contains("rendered  ")
            && said.contains("(row 3)"),
        "{said}"
    );
    let text = squash(&pdf_text(&out.join("2025-03-13-alan-turing.pdf")));
    assert!(text.contains("computingmachineryandintelligence"), "{text}");
}

#[test]
fn every_error_names_its_row_and_column_and_the_other_rows_render() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = dir.path().join("term.csv");
    std::fs::write(
        &sheet,
        "Date,Start,Speaker,Title,Room\n2025-03-06,16:00,Ada Lovelace,Engines,Room 1\n2025-02-30,16:00,Alan Turing,Numbers,Room 2\n2025-03-20,25:00,Grace Hopper,Compilers,Room 3\n06/07/2025,16:00,Edsger Dijkstra,Shortest Paths,Room 4\nFri 6 Mar 2025,16:00,Barbara Liskov,Substitution,Room 5\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = batch(&[s(&sheet), "-o", s(&out), "--format", "pdf"]);
    assert_eq!(o.status.code(), Some(1));
    let err = one_line(&stderr(&o));
    assert!(err.contains("row 3, column A \"Date\"") && err.contains("time.date"), "{err}");
    assert!(err.contains("the cell holds: 2025-02-30"), "{err}");
    assert!(err.contains("row 4, column B \"Start\"") && err.contains("25:00"), "{err}");
    assert!(err.contains("row 5, column A \"Date\"") && err.contains("dd/mm/yyyy"), "{err}");
    assert!(
        err.contains("row 6, column A \"Date\"") && err.contains("2025-03-06 is a Thursday, not a Friday"),
        "{err}"
    );
    assert_eq!(
        files(&out).iter().filter(|n| n.ends_with(".pdf") && !n.starts_with("programme")).count(),
        1,
        "{:?}",
        files(&out)
    );

    // A header that is not a key stops the sheet, with the key meant.
    std::fs::write(&sheet, "date,start,speaker,titel,place,notes\n2025-03-06,16:00,Ada,Engines,Room 1,x\n").unwrap();
    let o = talkposter(&["check", s(&sheet)]);
    let err = one_line(&stderr(&o));
    assert_eq!(o.status.code(), Some(1));
    assert!(err.contains("row 1, column D \"titel\"") && err.contains("did you mean `title`?"), "{err}");
    assert!(err.contains("column F \"notes\"") && err.contains("# notes"), "{err}");
}

/// The same schedule as Excel saves "CSV" on Chinese, Japanese and Western
/// systems, and as "Unicode text".
#[test]
fn csv_in_every_encoding_spreadsheets_save_reads_without_mojibake() {
    let text = "日期,时间,报告人,单位,题目,地点\n2025-03-06,16:00-17:30,王亦洲,北京大学计算机学院,视觉与学习的前沿问题,静园五院204室\n";
    let japanese = "日付,時間,講演者,題目,場所\n2025-03-06,16:00-17:30,山田太郎,機械学習による言語理解,本郷キャンパス工学部2号館\n";
    let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain(text.encode_utf16().flat_map(|u| u.to_le_bytes())).collect();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("gbk.csv", encoding_rs::GBK.encode(text).0.into_owned(), "王亦洲"),
        ("gb18030.csv", encoding_rs::GB18030.encode(text).0.into_owned(), "视觉与学习的前沿问题"),
        ("sjis.csv", encoding_rs::SHIFT_JIS.encode(japanese).0.into_owned(), "山田太郎"),
        ("utf16.csv", utf16, "静园五院204室"),
        ("bom.csv", [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(), "北京大学计算机学院"),
        ("tabs.tsv", text.replace(',', "\t").into_bytes(), "王亦洲"),
    ];
    for (name, bytes, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        let sheet = dir.path().join(name);
        std::fs::write(&sheet, bytes).unwrap();
        let o = talkposter(&["import", s(&sheet), "-o", s(&dir.path().join("talks"))]);
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        let talks = dir.path().join("talks");
        let file = files(&talks).into_iter().next().unwrap();
        let yaml = std::fs::read_to_string(talks.join(file)).unwrap();
        assert!(yaml.contains(expected) && yaml.contains("17:30"), "{name}: {yaml}");
        let o = talkposter(&["check", s(&talks)]);
        assert!(o.status.success(), "{name}: {}", stderr(&o));
    }
}

/// The smallest .ods its format allows: its tabs, each a name and its rows
/// as XML.
fn ods_file(path: &Path, tabs: &[(&str, String)]) {
    let tables: String =
        tabs.iter().map(|(name, rows)| format!("<table:table table:name=\"{name}\">{rows}</table:table>")).collect();
    let content = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\"><office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"
    );
    let manifest = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.2\"><manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/><manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/></manifest:manifest>";
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in [
        ("mimetype", "application/vnd.oasis.opendocument.spreadsheet".as_bytes()),
        ("META-INF/manifest.xml", manifest.as_bytes()),
        ("content.xml", content.as_bytes()),
    ] {
        zip.start_file(name, stored).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
}

fn ods_cell(v: &str) -> String {
    format!("<table:table-cell office:value-type=\"string\"><text:p>{v}</text:p></table:table-cell>")
}

fn ods_row(cells: &[String]) -> String {
    format!("<table:table-row>{}</table:table-row>", cells.concat())
}

/// One tab: a `title, speaker` header, then `rows` (XML).
fn ods_with_rows(path: &Path, rows: &str) {
    let header = ods_row(&["title", "speaker"].map(ods_cell));
    ods_file(path, &[("Talks", format!("{header}{rows}"))]);
}

/// A LibreOffice workbook: a date cell and two tabs, the second chosen
/// with --sheet.
fn ods(path: &Path) {
    let header = ods_row(&["date", "start", "speaker", "title", "place"].map(ods_cell));
    let talk = ods_row(&[
        "<table:table-cell office:value-type=\"date\" office:date-value=\"2025-04-10\"><text:p>10/04/2025</text:p></table:table-cell>".to_string(),
        "<table:table-cell office:value-type=\"time\" office:time-value=\"PT16H30M00S\"><text:p>16:30</text:p></table:table-cell>".to_string(),
        ods_cell("Grace Hopper"),
        ods_cell("The Future of Compilers"),
        ods_cell("Room 101"),
    ]);
    // The empty rows and cells LibreOffice writes after the last used one.
    let trailing = "<table:table-row table:number-rows-repeated=\"1048574\"><table:table-cell table:number-columns-repeated=\"1024\"/></table:table-row>";
    ods_file(
        path,
        &[("Drafts", ods_row(&[ods_cell("nothing here yet")])), ("Final", format!("{header}{talk}{trailing}"))],
    );
}

#[test]
fn a_libreoffice_workbook_reads_the_tab_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = dir.path().join("term.ods");
    ods(&sheet);
    let o = talkposter(&["import", s(&sheet), "--sheet", "Final", "-o", s(&dir.path().join("talks"))]);
    assert!(o.status.success(), "{}", stderr(&o));
    let yaml = std::fs::read_to_string(dir.path().join("talks/2025-04-10-grace-hopper.yaml")).unwrap();
    assert!(yaml.contains("16:30") && yaml.contains("The Future of Compilers"), "{yaml}");
    // The first tab has no header; an unknown tab names the ones there are.
    let o = talkposter(&["check", s(&sheet)]);
    assert!(stderr(&o).contains("no header row"), "{}", stderr(&o));
    let o = talkposter(&["check", s(&sheet), "--sheet", "Spring"]);
    let err = one_line(&stderr(&o));
    assert!(err.contains("no sheet named \"Spring\"") && err.contains("\"Drafts\", \"Final\""), "{err}");
}

#[test]
fn a_new_schedule_has_the_headers_and_an_example_that_renders() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["schedule.xlsx", "schedule.csv"] {
        let sheet = dir.path().join(name);
        let o = talkposter(&["new", "--sheet", s(&sheet)]);
        assert!(o.status.success(), "{}", stderr(&o));
        let o = talkposter(&["check", s(&sheet)]);
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        let o = talkposter(&["new", "--sheet", s(&sheet)]);
        assert!(!o.status.success() && stderr(&o).contains("already exists"));
    }
    let out = dir.path().join("out");
    let o = batch(&[s(&dir.path().join("schedule.xlsx")), "-o", s(&out), "--format", "pdf"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let pdf = files(&out).into_iter().find(|n| n.ends_with("yilun-xu.pdf")).unwrap();
    let text = squash(&pdf_text(&out.join(pdf)));
    assert!(text.contains("onphysicsinspiredgenerativemodels") && text.contains("静园五院204室"), "{text}");
}

#[test]
fn a_calendar_file_and_an_indico_export_import_as_talks_check_accepts() {
    let dir = tempfile::tempdir().unwrap();
    // As Thunderbird exports a seminar's events (folded lines, escaped
    // commas), and as Indico's /export/event/ID.json gives one.
    std::fs::copy(repo().join("tests/imports/thunderbird.ics"), dir.path().join("term.ics")).unwrap();
    std::fs::copy(repo().join("tests/imports/indico-event.json"), dir.path().join("event.json")).unwrap();
    for (file, expected) in [("term.ics", "Prof. Dr. Konrad Zuse"), ("event.json", "Marie Curie")] {
        let talks = dir.path().join(format!("from-{file}"));
        let o = talkposter(&["import", s(&dir.path().join(file)), "-o", s(&talks)]);
        assert!(o.status.success(), "{file}: {}", stderr(&o));
        let written = files(&talks);
        assert_eq!(written.len(), 1, "{written:?}");
        let yaml = std::fs::read_to_string(talks.join(&written[0])).unwrap();
        assert!(yaml.contains(expected), "{yaml}");
        let o = talkposter(&["check", s(&talks)]);
        assert!(o.status.success(), "{file}: {}\n{yaml}", stderr(&o));
    }
    let yaml = std::fs::read_to_string(dir.path().join("from-term.ics/2025-05-15-konrad-zuse.yaml")).unwrap();
    assert!(
        yaml.contains("Hörsaal 1, Gebäude E2 5") && yaml.contains("Europe/Berlin") && yaml.contains("17:15"),
        "{yaml}"
    );
}

#[test]
fn hostile_workbooks_are_refused_before_they_are_unpacked() {
    let dir = tempfile::tempdir().unwrap();
    // A cell at the sheet's last row and column: a range would reserve
    // seventeen billion cells.
    let far = dir.path().join("far.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "title").unwrap();
    sheet.write_string(0, 1, "speaker").unwrap();
    sheet.write_string(1_048_575, 16_383, "x").unwrap();
    book.save(&far).unwrap();
    let o = talkposter(&["check", s(&far)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("over talkposter's limit"), "{}", stderr(&o));
    // An archive that declares 2 GB inside a few KB.
    let bomb = dir.path().join("bomb.xlsx");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&bomb).unwrap());
    let deflated =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated).large_file(true);
    zip.start_file("xl/worksheets/sheet1.xml", deflated).unwrap();
    let zeros = vec![b' '; 1 << 20];
    for _ in 0..300 {
        zip.write_all(&zeros).unwrap();
    }
    zip.finish().unwrap();
    let o = talkposter(&["check", s(&bomb)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("unpacks to"), "{}", stderr(&o));
    // One LibreOffice cell repeated over 6,000 rows and 16,000 columns:
    // 1.4 KB that calamine would lay out as 96 million cells (7.5 GB).
    let repeated = dir.path().join("repeated.ods");
    ods_with_rows(
        &repeated,
        "<table:table-row table:number-rows-repeated=\"6000\"><table:table-cell table:number-columns-repeated=\"16000\" office:value-type=\"string\"><text:p>x</text:p></table:table-cell></table:table-row>",
    );
    let (o, peak_mb) = talkposter_with_peak_mb(&["check", s(&repeated)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("over talkposter's limit"), "{}", stderr(&o));
    assert!(peak_mb < 300, "{peak_mb} MB");
    // Not a workbook at all.
    let fake = dir.path().join("fake.xlsx");
    std::fs::write(&fake, "date,title\n").unwrap();
    let o = talkposter(&["check", s(&fake)]);
    assert!(stderr(&o).contains("not a readable workbook"), "{}", stderr(&o));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 64, ..Default::default() })]
    /// Any cells, any header: a message or talks, never a panic.
    #[test]
    fn arbitrary_cells_never_panic(
        header in proptest::collection::vec("[a-z#. ()中文题目报告人日期0-9]{0,12}", 1..6),
        cells in proptest::collection::vec(proptest::collection::vec(".{0,20}", 0..7), 0..6),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.csv");
        let mut w = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
        w.write_record(&header).unwrap();
        for row in &cells {
            w.write_record(row).unwrap();
        }
        std::fs::write(&path, w.into_inner().unwrap()).unwrap();
        let _ = talkposter::series::collect(&[path], &Default::default());
    }
}
