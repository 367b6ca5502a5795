//! A term's schedule in a spreadsheet, one talk per row: read the sheet
//! (`table`), understand its header (`columns`), and turn each row into the
//! same value an event file would give, with the cell every value came from
//! (`RowCells`), so the event's own checks point their errors into the
//! sheet. Dates and times are read as the sheet stores them (`values`).

pub mod blank;
mod columns;
mod decode;
mod table;
mod values;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use serde_yaml::{Mapping, Value};

pub use table::Kind;

use crate::diag::{CellPlace, Diagnostic, Failure};
use crate::event::origin::RowCells;
use crate::event::positions::{KeyPath, Seg};
use columns::{Column, Target};
use table::{Cell, Table};

/// The rows of a schedule, each a talk's value.
#[derive(Debug)]
pub struct Schedule {
    pub rows: Vec<Row>,
    /// The legacy encoding a CSV file was read in (`GBK`), if any.
    pub encoding: Option<&'static str>,
}

/// One row: the event it gives, where each value came from, and what could
/// not be read from its cells (an ambiguous date, a formula's error).
#[derive(Debug)]
pub struct Row {
    /// As the spreadsheet numbers it (1-based).
    pub number: u32,
    pub value: Value,
    pub cells: Arc<RowCells>,
    pub problems: Vec<Diagnostic>,
}

/// A problem the event's checks found in a row, said in a sheet's words: a
/// missing key is a cell to fill, not a line to add.
pub fn in_sheet_words(mut d: Diagnostic) -> Diagnostic {
    if d.message.starts_with("the required key") {
        let key = d.key.as_deref().unwrap_or("").rsplit('.').next().unwrap_or("").to_string();
        d.help = vec![format!(
            "fill in this row's `{key}` cell (add a column headed `{key}` if the sheet has none), or give it to every talk in series.yaml's `defaults:`"
        )];
    }
    d
}

/// Whether talkposter reads `path` as a schedule (by its extension).
pub fn is_schedule(path: &Path) -> bool {
    Kind::of(path).is_some()
}

/// Reads a schedule: the tab `sheet`, or the first. A header that cannot be
/// understood stops the whole sheet (it concerns every row); a row's own
/// problems stay with that row.
pub fn read(path: &Path, sheet: Option<&str>) -> Result<Schedule, Failure> {
    let kind =
        Kind::of(path).ok_or_else(|| Diagnostic::new("not a schedule (.xlsx, .ods, .csv or .tsv)").in_file(path))?;
    let table = table::read(path, kind, sheet)?;
    let (header_row, columns) = header(&table, path)?;
    let day_first = date_orders(&table, header_row, &columns);
    let rows = table
        .rows
        .iter()
        .enumerate()
        .skip(header_row + 1)
        .filter(|(_, cells)| columns.iter().any(|c| c.target != Target::Ignored && !cell(cells, c.index).is_empty()))
        .map(|(i, cells)| row(&table, path, i as u32 + 1, cells, &columns, &day_first))
        .collect();
    Ok(Schedule { rows, encoding: table.encoding })
}

fn cell(cells: &[Cell], index: u32) -> &Cell {
    cells.get(index as usize).unwrap_or(&Cell::Empty)
}

fn place(table: &Table, row: u32, column: &Column, content: String) -> CellPlace {
    CellPlace { sheet: table.sheet.clone(), row, column: Some(column.index), header: column.header.clone(), content }
}

/// The header row (0-based) and its columns: the first of the sheet's first
/// rows that names at least two keys (a title row above it is skipped).
fn header(table: &Table, path: &Path) -> Result<(usize, Vec<Column>), Failure> {
    let texts = |cells: &[Cell]| cells.iter().map(Cell::text).collect::<Vec<_>>();
    let found = table.rows.iter().take(30).position(|cells| columns::keys_named(&texts(cells)) >= 2);
    let Some(at) = found else {
        return Err(Diagnostic::new("no header row: the sheet's first row should name its columns")
            .in_file(path)
            .help("head the columns with event keys: title, speaker, affiliation, date, start, end, place, abstract, bio… (`talkposter new --sheet FILE` writes an example)")
            .into());
    };
    let mut errors = Vec::new();
    let mut columns = Vec::new();
    let width = table.rows.iter().skip(at).map(Vec::len).max().unwrap_or(0);
    for index in 0..width as u32 {
        let header = cell(&table.rows[at], index).text();
        let here = |message: String| {
            let c = Column { index, header: header.trim().to_string(), target: Target::Ignored };
            Diagnostic::new(message).in_cell(path, place(table, at as u32 + 1, &c, header.clone()))
        };
        if header.trim().is_empty() {
            if let Some(r) = table.rows.iter().skip(at + 1).position(|cells| !cell(cells, index).is_empty()) {
                let row = (at + 2 + r) as u32;
                errors.push(here(format!("column {} has values (from row {row}) but no header", crate::diag::column_letters(index))).help(
                    "name the column after an event key, or start its header with `#` to keep it out of the posters",
                ));
            }
            continue;
        }
        match columns::column(index, &header) {
            Ok(c) => columns.push(c),
            Err(unknown) => errors.push(here(unknown.message).help(unknown.help)),
        }
    }
    // Two columns for one value, or a text both plain and per language.
    let mut seen: HashMap<(&str, usize), (&Column, bool)> = HashMap::new();
    for c in &columns {
        let Target::Key { key, speaker, lang, .. } = &c.target else { continue };
        if let Some((first, plain)) = seen.get(&(*key, *speaker)) {
            let same = columns.iter().filter(|o| o.target == c.target).count() > 1;
            if same || *plain || lang.is_none() {
                let d = Diagnostic::new(format!(
                    "the column `{}` fills the same key as column {} (`{}`)",
                    c.header,
                    crate::diag::column_letters(first.index),
                    first.header
                ))
                .in_cell(path, place(table, at as u32 + 1, c, c.header.clone()))
                .help("keep one column per key; for a bilingual text, name each language: `title.zh` and `title.en`");
                if !errors.iter().any(|e: &Diagnostic| e.cell == d.cell) {
                    errors.push(d);
                }
                continue;
            }
        }
        seen.insert((*key, *speaker), (c, lang.is_none()));
    }
    if !errors.is_empty() {
        return Err(Failure(errors));
    }
    Ok((at, columns))
}

/// For each date column: whether slashed dates put the day first, as its
/// header states or as its cells show (`25/06/2024`).
fn date_orders(table: &Table, header_row: usize, columns: &[Column]) -> HashMap<u32, Option<bool>> {
    columns
        .iter()
        .filter_map(|c| match c.target {
            Target::Key { key: "time.date" | "when", day_first, .. } => {
                let shown = || {
                    let orders: Vec<bool> = table
                        .rows
                        .iter()
                        .skip(header_row + 1)
                        .filter_map(|r| match cell(r, c.index) {
                            Cell::Text(t) => t.split_whitespace().next().and_then(values::order_shown),
                            _ => None,
                        })
                        .collect();
                    // Both orders shown: each date must then be clear alone.
                    orders.first().copied().filter(|o| orders.iter().all(|x| x == o))
                };
                Some((c.index, day_first.or_else(shown)))
            }
            _ => None,
        })
        .collect()
}

/// What one row fills: (key path within a speaker or the event, value, cell).
struct Filled {
    key: &'static str,
    speaker: usize,
    lang: Option<crate::event::Lang>,
    text: String,
    at: CellPlace,
}

fn row(
    table: &Table,
    path: &Path,
    number: u32,
    cells: &[Cell],
    columns: &[Column],
    orders: &HashMap<u32, Option<bool>>,
) -> Row {
    let mut filled = Vec::new();
    let mut problems = Vec::new();
    for c in columns {
        let Target::Key { key, speaker, lang, .. } = c.target else { continue };
        let value = cell(cells, c.index);
        if value.is_empty() {
            continue;
        }
        let at = place(table, number, c, value.text());
        if let Cell::Error(e) = value {
            let d = Diagnostic::new(format!("the cell shows the error {e} of a formula")).in_cell(path, at);
            problems.push(d.key(key).help("correct the formula in the spreadsheet, or type the value"));
            continue;
        }
        let day_first = orders.get(&c.index).copied().flatten();
        let ambiguous = |at: CellPlace| {
            Diagnostic::new("the date reads both as day/month and as month/day")
                .in_cell(path, at)
                .key("time.date")
                .help("say the order in the column's header, `date (dd/mm/yyyy)` or `date (mm/dd/yyyy)`, or write the date as 2024-06-13")
        };
        let mut put = |key: &'static str, text: String| {
            filled.push(Filled { key, speaker, lang, text, at: at.clone() });
        };
        // A weekday typed beside the date must be the date's: one of the two
        // is mistyped, and the poster prints the weekday from the date.
        let wrong_weekday = |date: &str| {
            let days = crate::event::dates::wrong_weekday(&value.text(), date.parse().ok()?)?;
            Some(
                Diagnostic::new(format!("the weekday beside the date is not its own: {date} is {days}"))
                    .in_cell(path, at.clone())
                    .key("time.date")
                    .help("correct the date or the weekday (or leave the weekday out: the poster prints it)"),
            )
        };
        match key {
            "time.date" => match values::date(value, day_first) {
                Ok(d) => match wrong_weekday(&d) {
                    Some(problem) => problems.push(problem),
                    None => put(key, d),
                },
                Err(values::Ambiguous) => problems.push(ambiguous(at.clone())),
            },
            "time.start" | "time.end" => put(key, values::time(value)),
            "when" => match values::when(value, day_first) {
                Ok(w) => {
                    if let Some(problem) = w.date.as_deref().and_then(wrong_weekday) {
                        problems.push(problem);
                        continue;
                    }
                    for (key, part) in [("time.date", w.date), ("time.start", w.start), ("time.end", w.end)] {
                        if let Some(part) = part {
                            put(key, part);
                        }
                    }
                }
                Err(values::Ambiguous) => problems.push(ambiguous(at.clone())),
            },
            _ => put(key, value.text().trim().to_string()),
        }
    }
    let (value, cells) = assemble(filled);
    let whole_row = CellPlace {
        sheet: table.sheet.clone(),
        row: number,
        column: None,
        header: String::new(),
        content: String::new(),
    };
    let mut cells = cells;
    cells.push((KeyPath::root(), whole_row));
    Row { number, value, cells: Arc::new(RowCells { file: path.to_path_buf(), cells }), problems }
}

/// The event value a row's cells make, and each value's key path. One
/// speaker is a map; several (numbered columns) a list, in their order,
/// those left empty in this row skipped.
fn assemble(filled: Vec<Filled>) -> (Value, Vec<(KeyPath, CellPlace)>) {
    let speakers: Vec<usize> = {
        let mut s: Vec<usize> = filled.iter().filter(|f| f.key.starts_with("speaker.")).map(|f| f.speaker).collect();
        s.sort_unstable();
        s.dedup();
        s
    };
    let mut cells = Vec::new();
    let mut root = Value::Mapping(Mapping::new());
    for f in filled {
        let mut path = KeyPath::root();
        let mut parts = f.key.split('.');
        let first = parts.next().unwrap_or(f.key);
        path = path.key(first);
        if first == "speaker" && speakers.len() > 1 {
            path = path.index(speakers.iter().position(|s| *s == f.speaker).unwrap_or(0));
        }
        for p in parts {
            path = path.key(p);
        }
        if let Some(lang) = f.lang {
            path = path.key(lang.code());
        }
        insert(&mut root, &path.0, f.text);
        cells.push((path, f.at));
    }
    (root, cells)
}

/// Puts `text` at `segs` under `v`, making maps and lists on the way.
fn insert(v: &mut Value, segs: &[Seg], text: String) {
    let Some((first, rest)) = segs.split_first() else {
        *v = Value::String(text);
        return;
    };
    match first {
        Seg::Key(k) => {
            if !v.is_mapping() {
                *v = Value::Mapping(Mapping::new());
            }
            if let Value::Mapping(m) = v {
                insert(m.entry(Value::from(k.as_str())).or_insert(Value::Null), rest, text);
            }
        }
        Seg::Index(i) => {
            if !v.is_sequence() {
                *v = Value::Sequence(Vec::new());
            }
            if let Value::Sequence(s) = v {
                if s.len() <= *i {
                    s.resize(*i + 1, Value::Null);
                }
                insert(&mut s[*i], rest, text);
            }
        }
    }
}
