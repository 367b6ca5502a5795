//! A sheet's cells, whatever program saved them: Excel and LibreOffice files
//! through calamine, CSV and TSV through the csv crate after decoding. Sizes
//! are checked before anything is unpacked: the archive inside an `.xlsx`
//! by its declared sizes, an Excel sheet cell by cell as it streams in.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use calamine::{Data, Ods, Reader, Xlsx, open_workbook};

use super::decode;
use crate::diag::{Diagnostic, Failure};
use crate::files;
use crate::limits::{MAX_SHEET_COLUMNS, MAX_SHEET_FILE_BYTES, MAX_SHEET_ROWS, MAX_SHEET_UNPACKED_BYTES, over};

/// One cell's value, as the sheet stores it.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// A cell formatted as a date, a time or both: an Excel serial number
    /// (days since 1899-12-30, the time as the fraction of a day).
    Serial(f64),
    /// A date or time LibreOffice stores as ISO text (`2024-06-13T16:00:00`).
    Iso(String),
    Bool(bool),
    /// `#N/A`, `#REF!`: a formula that failed.
    Error(String),
}

impl Cell {
    pub(super) fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as its text, for messages and for keys that take text.
    pub(super) fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) | Cell::Iso(t) | Cell::Error(t) => t.clone(),
            Cell::Number(n) | Cell::Serial(n) => number_text(*n),
            Cell::Bool(b) => b.to_string(),
        }
    }
}

/// `3` rather than `3.0`, as a sheet shows a whole number.
pub(super) fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 { format!("{}", n as i64) } else { n.to_string() }
}

/// The cells of one sheet: `rows[i][j]` is the cell at row `i + 1`,
/// column `j` (0-based, A), as the spreadsheet program numbers them.
#[derive(Debug, Default)]
pub(super) struct Table {
    /// The tab's name, for a workbook.
    pub sheet: Option<String>,
    pub rows: Vec<Vec<Cell>>,
    /// For CSV read in a legacy encoding: which one, said in a note.
    pub encoding: Option<&'static str>,
}

impl Table {
    fn put(&mut self, row: u32, column: u32, cell: Cell, file: &Path) -> Result<(), Failure> {
        if cell.is_empty() {
            return Ok(());
        }
        if row as usize >= MAX_SHEET_ROWS {
            return Err(too_big(file, &format!("more than {MAX_SHEET_ROWS} rows")));
        }
        if column as usize >= MAX_SHEET_COLUMNS {
            return Err(too_big(file, &format!("more than {MAX_SHEET_COLUMNS} columns")));
        }
        let (row, column) = (row as usize, column as usize);
        if self.rows.len() <= row {
            self.rows.resize_with(row + 1, Vec::new);
        }
        let cells = &mut self.rows[row];
        if cells.len() <= column {
            cells.resize(column + 1, Cell::Empty);
        }
        cells[column] = cell;
        Ok(())
    }
}

fn too_big(file: &Path, what: &str) -> Failure {
    Diagnostic::new(format!("the sheet has {what}, over talkposter's limit"))
        .in_file(file)
        .help("a term's schedule is a few dozen rows: check that this is the sheet you meant, or split it")
        .into()
}

/// The kinds of sheet talkposter reads, by file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Xlsx,
    Ods,
    Csv,
    Tsv,
}

impl Kind {
    pub fn of(path: &Path) -> Option<Kind> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "xlsx" | "xlsm" => Some(Kind::Xlsx),
            "ods" => Some(Kind::Ods),
            "csv" => Some(Kind::Csv),
            "tsv" | "tab" => Some(Kind::Tsv),
            _ => None,
        }
    }
}

/// Reads the chosen tab (`sheet`), or the first, of a sheet file.
pub(super) fn read(path: &Path, kind: Kind, sheet: Option<&str>) -> Result<Table, Failure> {
    match kind {
        Kind::Csv | Kind::Tsv => {
            if let Some(name) = sheet {
                return Err(Diagnostic::new(format!("`--sheet {name}`: a CSV file has no tabs"))
                    .in_file(path)
                    .help("leave out --sheet for a .csv or .tsv file")
                    .into());
            }
            let bytes = files::read_limited(path, MAX_SHEET_FILE_BYTES, "a schedule").map_err(|d| d.in_file(path))?;
            let (text, encoding) = decode::decode(&bytes).map_err(|d| d.in_file(path))?;
            let mut table = delimited(&text, kind, path)?;
            table.encoding = encoding;
            Ok(table)
        }
        Kind::Xlsx | Kind::Ods => {
            unpacked_size_within_limit(path)?;
            if kind == Kind::Xlsx { xlsx(path, sheet) } else { ods(path, sheet) }
        }
    }
}

/// Comma, semicolon (Excel in much of Europe) or tab, whichever splits the
/// first line into the most columns.
fn delimited(text: &str, kind: Kind, path: &Path) -> Result<Table, Failure> {
    let delimiter = if kind == Kind::Tsv {
        b'\t'
    } else {
        let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        [b',', b';', b'\t'].into_iter().max_by_key(|d| first.matches(*d as char).count()).unwrap_or(b',')
    };
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut table = Table::default();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(i as u64 + 1, |p| p.line());
            Diagnostic::new(format!("cannot read line {line} of the file: {e}"))
                .in_file(path)
                .help("save the sheet again as CSV from the spreadsheet program")
        })?;
        for (j, field) in record.iter().enumerate() {
            table.put(i as u32, j as u32, Cell::Text(field.to_string()), path)?;
        }
    }
    Ok(table)
}

/// Refuses an archive whose files would unpack past the limit (a zip bomb
/// is small on disk), from the sizes its directory declares.
fn unpacked_size_within_limit(path: &Path) -> Result<(), Failure> {
    let meta = std::fs::metadata(path).map_err(|e| Diagnostic::new(files::io_reason(&e)).in_file(path))?;
    if !meta.is_file() {
        return Err(Diagnostic::new("not an ordinary file").in_file(path).into());
    }
    if meta.len() > MAX_SHEET_FILE_BYTES {
        let (size, limit) = over(meta.len(), MAX_SHEET_FILE_BYTES);
        return Err(Diagnostic::new(format!("the file is {size}, over the limit of {limit} for a schedule"))
            .in_file(path)
            .help("a term's schedule is a few hundred KB: check that this is the file you meant")
            .into());
    }
    let file = File::open(path).map_err(|e| Diagnostic::new(files::io_reason(&e)).in_file(path))?;
    let mut archive = zip::ZipArchive::new(BufReader::new(file)).map_err(|_| not_a_workbook(path))?;
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(|_| not_a_workbook(path))?;
        total = total.saturating_add(entry.size());
    }
    if total > MAX_SHEET_UNPACKED_BYTES {
        let (size, limit) = over(total, MAX_SHEET_UNPACKED_BYTES);
        return Err(Diagnostic::new(format!("the workbook unpacks to {size}, over the limit of {limit}"))
            .in_file(path)
            .help("a term's schedule unpacks to a few MB; save the schedule's sheet alone as a new file")
            .into());
    }
    Ok(())
}

fn not_a_workbook(path: &Path) -> Failure {
    Diagnostic::new("the file is not a readable workbook (damaged, or not what its name says)")
        .in_file(path)
        .help("open it in Excel or LibreOffice and save it again, or save the sheet as CSV")
        .into()
}

fn unreadable(path: &Path, e: impl std::fmt::Display) -> Failure {
    Diagnostic::new(format!("cannot read the workbook: {e}"))
        .in_file(path)
        .help("open it in Excel or LibreOffice and save it again, or save the sheet as CSV")
        .into()
}

/// The tab to read: the one named, else the first.
fn choose(names: Vec<String>, wanted: Option<&str>, path: &Path) -> Result<String, Failure> {
    match wanted {
        None => {
            names.into_iter().next().ok_or_else(|| Diagnostic::new("the workbook has no sheets").in_file(path).into())
        }
        Some(w) => {
            if let Some(found) =
                names.iter().find(|n| n.as_str() == w).or_else(|| names.iter().find(|n| n.eq_ignore_ascii_case(w)))
            {
                return Ok(found.clone());
            }
            let list = names.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", ");
            Err(Diagnostic::new(format!("the workbook has no sheet named \"{w}\""))
                .in_file(path)
                .help(format!("its sheets are {list}"))
                .into())
        }
    }
}

fn xlsx(path: &Path, sheet: Option<&str>) -> Result<Table, Failure> {
    let mut book: Xlsx<_> = open_workbook(path).map_err(|e| unreadable(path, e))?;
    let name = choose(book.sheet_names(), sheet, path)?;
    let mut table = Table { sheet: Some(name.clone()), ..Table::default() };
    // Cell by cell: a range would reserve room for every cell between A1
    // and the farthest one, which a hostile file puts at XFD1048576.
    let mut cells = book.worksheet_cells_reader(&name).map_err(|e| unreadable(path, e))?;
    while let Some(cell) = cells.next_cell().map_err(|e| unreadable(path, e))? {
        let (row, column) = cell.get_position();
        table.put(row, column, of(&Data::from(cell.get_value().clone())), path)?;
    }
    Ok(table)
}

/// The rows and columns an .ods file's cells with content reach, counting
/// what `number-rows-repeated` and `number-columns-repeated` repeat: a few
/// bytes can repeat one cell over a million rows, and calamine would lay
/// out every one. Trailing empty rows and cells (LibreOffice writes a
/// million) count nothing.
fn ods_extent(path: &Path) -> Result<(u64, u64), Failure> {
    use quick_xml::events::{BytesStart, Event};
    let file = File::open(path).map_err(|e| Diagnostic::new(files::io_reason(&e)).in_file(path))?;
    let mut archive = zip::ZipArchive::new(BufReader::new(file)).map_err(|_| not_a_workbook(path))?;
    let content = archive.by_name("content.xml").map_err(|_| not_a_workbook(path))?;
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(content));
    let repeat = |e: &BytesStart, name: &str| -> u64 {
        e.try_get_attribute(name).ok().flatten().and_then(|a| a.value.trim().parse().ok()).unwrap_or(1)
    };
    let (mut row, mut column, mut row_repeat, mut filled_row) = (0u64, 0u64, 1u64, false);
    let (mut rows, mut columns) = (0u64, 0u64);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let event = xml.read_event_into(&mut buf).map_err(|e| unreadable(path, e))?;
        let (e, empty) = match &event {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(e) if e.name().as_ref() == "table:table-row" => {
                if filled_row {
                    rows = rows.max(row.saturating_add(row_repeat));
                }
                row = row.saturating_add(row_repeat);
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        match e.name().as_ref() {
            "table:table" => row = 0,
            "table:table-row" => {
                (column, row_repeat, filled_row) = (0, repeat(e, "table:number-rows-repeated"), false);
                if empty {
                    row = row.saturating_add(row_repeat);
                }
            }
            "table:table-cell" | "table:covered-table-cell" => {
                let n = repeat(e, "table:number-columns-repeated");
                let has_value = e.try_get_attribute("office:value-type").ok().flatten().is_some();
                if has_value || !empty {
                    columns = columns.max(column.saturating_add(n));
                    filled_row = true;
                }
                column = column.saturating_add(n);
            }
            _ => {}
        }
    }
    Ok((rows, columns))
}

fn ods(path: &Path, sheet: Option<&str>) -> Result<Table, Failure> {
    let (rows, columns) = ods_extent(path)?;
    if rows > MAX_SHEET_ROWS as u64 {
        return Err(too_big(path, &format!("cells in row {rows}, more than {MAX_SHEET_ROWS} rows")));
    }
    if columns > MAX_SHEET_COLUMNS as u64 {
        return Err(too_big(path, &format!("cells in column {columns}, more than {MAX_SHEET_COLUMNS} columns")));
    }
    let mut book: Ods<_> = open_workbook(path).map_err(|e| unreadable(path, e))?;
    let name = choose(book.sheet_names(), sheet, path)?;
    let range = book.worksheet_range(&name).map_err(|e| unreadable(path, e))?;
    let (top, left) = range.start().unwrap_or((0, 0));
    let mut table = Table { sheet: Some(name), ..Table::default() };
    for (row, column, data) in range.used_cells() {
        table.put(top + row as u32, left + column as u32, of(data), path)?;
    }
    Ok(table)
}

/// A workbook's cell as talkposter reads it.
fn of(data: &Data) -> Cell {
    match data {
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::String(s) => Cell::Text(s.clone()),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(d) => Cell::Serial(d.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Iso(s.clone()),
        Data::Error(e) => Cell::Error(e.to_string()),
        Data::Empty => Cell::Empty,
    }
}
