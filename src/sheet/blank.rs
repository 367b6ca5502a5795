//! An empty schedule to share with colleagues: the headers talkposter reads
//! and one example row, as an Excel workbook (date and time as real date
//! and time cells) or as CSV (UTF-8 with a byte-order mark, which Excel
//! needs to open it as UTF-8).

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};

use super::Kind;

/// The columns, and the example row's cells (date and times apart).
const COLUMNS: &[(&str, &str, f64)] = &[
    ("date", "", 12.0),
    ("start", "", 8.0),
    ("end", "", 8.0),
    ("speaker", "Dr. Yilun Xu", 22.0),
    ("affiliation", "MIT & NVIDIA", 24.0),
    ("title.en", "On Physics-Inspired Generative Models", 40.0),
    ("title.zh", "", 30.0),
    ("place.en", "Room 204, Courtyard No. 5, Jingyuan", 30.0),
    ("place.zh", "静园五院204室", 20.0),
    ("host", "Prof. Yizhou Wang", 20.0),
    (
        "abstract",
        "Physics-inspired generative models such as diffusion models constitute a powerful family of generative models.",
        50.0,
    ),
    ("bio", "Yilun Xu is a research scientist at NVIDIA Research.", 50.0),
    ("photo", "", 20.0),
    ("# notes", "not on the poster: for the organizers", 30.0),
];

/// The schedule's bytes for a file of kind `kind` (xlsx or csv/tsv);
/// `date` is the example talk's, `YYYY-MM-DD`.
pub fn schedule(kind: Kind, date: jiff::civil::Date) -> Result<Vec<u8>, String> {
    match kind {
        Kind::Xlsx => workbook(date).map_err(|e| e.to_string()),
        Kind::Csv | Kind::Tsv => {
            let delimiter = if kind == Kind::Tsv { b'\t' } else { b',' };
            let mut out = csv::WriterBuilder::new().delimiter(delimiter).from_writer(b"\xEF\xBB\xBF".to_vec());
            let headers: Vec<&str> = COLUMNS.iter().map(|c| c.0).collect();
            let example: Vec<String> = COLUMNS
                .iter()
                .map(|(key, text, _)| match *key {
                    "date" => date.to_string(),
                    "start" => "16:00".into(),
                    "end" => "17:30".into(),
                    _ => text.to_string(),
                })
                .collect();
            out.write_record(&headers).map_err(|e| e.to_string())?;
            out.write_record(&example).map_err(|e| e.to_string())?;
            out.into_inner().map_err(|e| e.to_string())
        }
        Kind::Ods => Err("talkposter writes a new schedule as .xlsx or .csv (LibreOffice opens both)".into()),
    }
}

fn workbook(date: jiff::civil::Date) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Talks")?;
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    let day = Format::new().set_num_format("yyyy-mm-dd");
    let clock = Format::new().set_num_format("hh:mm");
    for (col, (key, text, width)) in COLUMNS.iter().enumerate() {
        let col = col as u16;
        sheet.set_column_width(col, *width)?;
        sheet.write_string_with_format(0, col, *key, &bold)?;
        match *key {
            "date" => {
                let d = ExcelDateTime::from_ymd(date.year() as u16, date.month() as u8, date.day() as u8)?;
                sheet.write_datetime_with_format(1, col, &d, &day)?;
            }
            "start" => {
                sheet.write_datetime_with_format(1, col, &ExcelDateTime::from_hms(16, 0, 0)?, &clock)?;
            }
            "end" => {
                sheet.write_datetime_with_format(1, col, &ExcelDateTime::from_hms(17, 30, 0)?, &clock)?;
            }
            _ if !text.is_empty() => {
                sheet.write_string_with_format(1, col, *text, &wrap)?;
            }
            _ => {}
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    book.save_to_buffer()
}
