//! User-facing errors: what went wrong, where (file, line, column, key path),
//! and what to do about it. Printed with a source snippet by `report`.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, termcolor::WriteColor};
use serde::{Deserialize, Serialize};

/// A text file an error can point into, with its contents for the snippet.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SourceText {
    pub path: PathBuf,
    pub text: Arc<str>,
}

/// Whether a problem stops the job or is only worth knowing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Severity {
    Error,
    Warning,
    /// Worth saying, nothing wrong (a default chosen for the user).
    Note,
}

/// One problem, as precise as the stage that found it can make it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Diagnostic {
    /// The file the problem is in, if it is in a file.
    pub file: Option<PathBuf>,
    /// The file's text and the byte range to underline, if known.
    pub snippet: Option<(Arc<str>, Range<usize>)>,
    /// The cell, for a talk read from a spreadsheet (no line to show).
    pub cell: Option<Box<CellPlace>>,
    /// Key path in the event, such as `speaker.photo` or `speaker[1].name`.
    pub key: Option<String>,
    pub message: String,
    /// Suggestions, each printed as `help: …`.
    pub help: Vec<String>,
    pub severity: Severity,
}

impl Diagnostic {
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            file: None,
            snippet: None,
            cell: None,
            key: None,
            message: message.into(),
            help: Vec::new(),
            severity: Severity::Error,
        }
    }

    pub fn in_file(mut self, file: &Path) -> Self {
        self.file = Some(file.to_path_buf());
        self
    }

    pub fn at(mut self, source: &SourceText, span: Range<usize>) -> Self {
        self.file = Some(source.path.clone());
        self.snippet = Some((source.text.clone(), span));
        self
    }

    /// Points at a spreadsheet's cell.
    pub fn in_cell(mut self, file: &Path, cell: CellPlace) -> Self {
        self.file = Some(file.to_path_buf());
        self.snippet = None;
        self.cell = Some(Box::new(cell));
        self
    }

    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(key.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help.push(help.into());
        self
    }

    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    pub fn note(mut self) -> Self {
        self.severity = Severity::Note;
        self
    }

    /// `file:line:column` (1-based), `file, row 5, column C "date"` in a
    /// sheet, or just the file, or nothing.
    pub fn location(&self) -> Option<String> {
        let file = self.file.as_ref()?.display().to_string();
        if let Some(cell) = &self.cell {
            return Some(format!("{file}, {cell}"));
        }
        match &self.snippet {
            Some((text, span)) => {
                let (line, col) = line_col(text, span.start);
                Some(format!("{file}:{line}:{col}"))
            }
            None => Some(file),
        }
    }

    /// The headline: `key: message`.
    fn headline(&self) -> String {
        match &self.key {
            Some(key) => format!("{key}: {}", self.message),
            None => self.message.clone(),
        }
    }
}

impl fmt::Display for Diagnostic {
    /// One line per diagnostic plus help lines: for logs and batch summaries.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.location() {
            Some(loc) => write!(f, "{loc}: {}", self.headline())?,
            None => write!(f, "{}", self.headline())?,
        }
        for help in &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// A cell of a spreadsheet, as the spreadsheet program shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellPlace {
    /// The tab, for a workbook (a CSV file has none).
    pub sheet: Option<String>,
    /// 1-based, as numbered at the sheet's left.
    pub row: u32,
    /// 0-based; shown as a letter (A, B, …, AA). None: the whole row.
    pub column: Option<u32>,
    /// The column's header, as written.
    pub header: String,
    /// What the cell holds, as text.
    pub content: String,
}

/// `A`, `Z`, `AA`: a column's letters from its 0-based number.
pub fn column_letters(column: u32) -> String {
    let mut n = column as u64 + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        letters.push((b'A' + rem) as char);
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

impl fmt::Display for CellPlace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(sheet) = &self.sheet {
            write!(f, "sheet \"{sheet}\", ")?;
        }
        write!(f, "row {}", self.row)?;
        if let Some(column) = self.column {
            write!(f, ", column {}", column_letters(column))?;
        }
        if !self.header.is_empty() {
            write!(f, " \"{}\"", self.header)?;
        }
        Ok(())
    }
}

/// Everything that stopped one job, each problem with its own location.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Failure(pub Vec<Diagnostic>);

impl Failure {
    pub fn one(d: Diagnostic) -> Self {
        Failure(vec![d])
    }
}

impl From<Diagnostic> for Failure {
    fn from(d: Diagnostic) -> Self {
        Failure::one(d)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "error: {d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Failure {}

/// The lines of a file around a problem, for a snippet: the line before,
/// the lines of the span, the line after, with their true line numbers.
struct Window {
    name: String,
    text: String,
    /// The 0-based number of the window's first line in the file.
    first_line: usize,
    line_starts: Vec<usize>,
}

impl Window {
    /// The window around `span` of `text` (long lines cut, control
    /// characters masked), and the span within it.
    fn around(name: String, text: &str, span: Range<usize>) -> (Window, Range<usize>) {
        let start = floor_char_boundary(text, span.start.min(text.len()));
        let end = floor_char_boundary(text, span.end.min(text.len())).max(start);
        // From the start of the line before to the end of the line after.
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let from = if line_start == 0 { 0 } else { text[..line_start - 1].rfind('\n').map_or(0, |i| i + 1) };
        let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
        let to = if line_end >= text.len() {
            text.len()
        } else {
            text[line_end + 1..].find('\n').map_or(text.len(), |i| line_end + 1 + i)
        };
        let first_line = text[..from].matches('\n').count();
        let (cut, span) = shorten_line(&text[from..to], start - from..end - from);
        let text = masked(&cut);
        let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        (Window { name, text, first_line, line_starts }, span)
    }
}

impl<'a> codespan_reporting::files::Files<'a> for Window {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, _: ()) -> Result<&'a str, codespan_reporting::files::Error> {
        Ok(&self.name)
    }

    fn source(&'a self, _: ()) -> Result<&'a str, codespan_reporting::files::Error> {
        Ok(&self.text)
    }

    fn line_index(&'a self, _: (), byte_index: usize) -> Result<usize, codespan_reporting::files::Error> {
        let i = self.line_starts.partition_point(|&s| s <= byte_index).saturating_sub(1);
        Ok(self.first_line + i)
    }

    fn line_range(&'a self, _: (), line_index: usize) -> Result<Range<usize>, codespan_reporting::files::Error> {
        let i = line_index.checked_sub(self.first_line).ok_or(codespan_reporting::files::Error::FileMissing)?;
        let start = *self.line_starts.get(i).ok_or(codespan_reporting::files::Error::LineTooLarge {
            given: i,
            max: self.line_starts.len().saturating_sub(1),
        })?;
        let end = self.line_starts.get(i + 1).copied().unwrap_or(self.text.len());
        Ok(start..end)
    }
}

/// The text with the line holding `span` cut to a window around it, when
/// that line is too long to print (a whole abstract on one line).
fn shorten_line(text: &str, span: Range<usize>) -> (std::borrow::Cow<'_, str>, Range<usize>) {
    const WIDTH: usize = 100;
    let start = floor_char_boundary(text, span.start.min(text.len()));
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    if text[line_start..line_end].chars().count() <= WIDTH {
        return (text.into(), span);
    }
    let from = floor_char_boundary(text, start.saturating_sub(WIDTH / 2).max(line_start));
    let to = floor_char_boundary(text, (from + WIDTH).min(line_end));
    let mut shown = String::with_capacity(text.len());
    shown.push_str(&text[..line_start]);
    let lead = if from > line_start { "…" } else { "" };
    shown.push_str(lead);
    shown.push_str(&text[from..to]);
    if to < line_end {
        shown.push('…');
    }
    let new_start = line_start + lead.len() + (start - from);
    let new_end = (new_start + span.len()).min(line_start + lead.len() + (to - from));
    shown.push_str(&text[line_end..]);
    (shown.into(), new_start..new_end.max(new_start))
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, text[line_start..offset].chars().count() + 1)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// `s` with control characters written as `\u{1B}`: a message never sends
/// a terminal what a hostile file put in it (colours, a cleared screen).
fn escaped(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() && c != '\n' {
            out.push_str(&format!("\\u{{{:X}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// A file's text for a snippet with its control characters masked by `?`,
/// byte for byte (a control character is one byte, or two from U+0080), so
/// the span still marks the same text.
fn masked(s: &str) -> String {
    s.chars()
        .map(
            |c| {
                if c.is_control() && !matches!(c, '\n' | '\t' | '\r') {
                    "?".repeat(c.len_utf8())
                } else {
                    c.to_string()
                }
            },
        )
        .collect()
}

/// At most `max` characters of `text`, on one line, `…` where cut.
fn shortened(text: &str, max: usize) -> String {
    let one_line = text.replace(['\r', '\n'], " ");
    match one_line.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &one_line[..cut]),
        None => one_line,
    }
}

/// Writes to stderr; a reader that has gone is not an error
/// (`talkposter batch … 2>&1 | head`): `eprintln!` would panic there, and a
/// panic hook that prints would then abort the whole run.
pub fn print_err(text: std::fmt::Arguments) {
    use std::io::Write;
    let _ = std::io::stderr().lock().write_fmt(text);
}

/// Prints diagnostics to stderr, in colour on a terminal.
pub fn eprint(diagnostics: &[Diagnostic]) {
    use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};
    use std::io::IsTerminal;
    let color = if std::io::stderr().is_terminal() { ColorChoice::Auto } else { ColorChoice::Never };
    report(&mut StandardStream::stderr(color), diagnostics);
}

/// Prints every diagnostic, errors and warnings alike, with a source snippet
/// where there is one.
pub fn report(out: &mut dyn WriteColor, diagnostics: &[Diagnostic]) {
    let config = term::Config::default();
    for d in diagnostics {
        let start = || match d.severity {
            Severity::Error => CsDiagnostic::error(),
            Severity::Warning => CsDiagnostic::warning(),
            Severity::Note => CsDiagnostic::note(),
        };
        let notes = || d.help.iter().map(|h| format!("help: {}", escaped(h))).collect::<Vec<_>>();
        let printed = match (&d.file, &d.snippet) {
            (Some(path), Some((text, span))) => {
                // Only the lines around the problem: a message about a 1 MB
                // file does not index the whole file again.
                let (window, span) = Window::around(escaped(&path.display().to_string()), text, span.clone());
                let cs = start().with_message(escaped(&d.headline())).with_notes(notes());
                let cs = cs.with_labels(vec![Label::primary((), span)]);
                term::emit(out, &config, &window, &cs).is_ok()
            }
            _ => false,
        };
        if !printed {
            // No snippet: say the file (and cell), if any, on the headline.
            let headline = match d.location() {
                Some(place) => format!("{place}: {}", d.headline()),
                None => d.headline(),
            };
            let headline = escaped(&headline);
            let mut notes = notes();
            if let Some(cell) = d.cell.as_ref().filter(|c| c.column.is_some()) {
                notes.insert(0, format!("the cell holds: {}", escaped(&shortened(&cell.content, 80))));
            }
            let empty = SimpleFile::new(String::new(), "");
            let _ = term::emit(out, &config, &empty, &start().with_message(headline).with_notes(notes));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_never_reach_the_terminal() {
        assert_eq!(escaped("a\u{1b}[2Jb\u{0}"), "a\\u{1B}[2Jb\\u{0}");
        let text = "url: \u{1b}[31mx\u{85}y";
        assert_eq!(masked(text).len(), text.len());
        assert!(!masked(text).chars().any(|c| c.is_control()));
        let d = Diagnostic::new("bad \u{1b}[2J").at(&SourceText { path: "e.yaml".into(), text: text.into() }, 5..9);
        let mut out = codespan_reporting::term::termcolor::NoColor::new(Vec::new());
        report(&mut out, &[d]);
        let printed = String::from_utf8(out.into_inner()).unwrap();
        assert!(!printed.contains('\u{1b}') && !printed.contains('\u{85}'), "{printed:?}");
    }

    #[test]
    fn snippets_show_their_true_line_numbers() {
        let text: String = (1..=500).map(|i| format!("key{i}: value\n")).collect();
        let at = text.find("key250").unwrap();
        let d = Diagnostic::new("bad").at(&SourceText { path: "e.yaml".into(), text: text.clone().into() }, at..at + 6);
        let mut out = codespan_reporting::term::termcolor::NoColor::new(Vec::new());
        report(&mut out, &[d]);
        let printed = String::from_utf8(out.into_inner()).unwrap();
        assert!(printed.contains("e.yaml:250:1"), "{printed}");
        assert!(printed.contains("250 │ key250: value"), "{printed}");
        assert!(!printed.contains("key300"), "{printed}");
    }

    #[test]
    fn cells_are_named_as_the_spreadsheet_names_them() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
        let cell = CellPlace {
            sheet: Some("Spring".into()),
            row: 5,
            column: Some(2),
            header: "Date".into(),
            content: "2024-02-30".into(),
        };
        let d = Diagnostic::new("not a real date").in_cell(Path::new("term.xlsx"), cell).key("time.date");
        assert_eq!(d.to_string(), "term.xlsx, sheet \"Spring\", row 5, column C \"Date\": time.date: not a real date");
        let mut out = codespan_reporting::term::termcolor::NoColor::new(Vec::new());
        report(&mut out, &[d]);
        let printed = String::from_utf8(out.into_inner()).unwrap();
        assert!(printed.contains("the cell holds: 2024-02-30"), "{printed}");
    }

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let text = "a: 1\nb: 静园\nc: x";
        let off = text.find('x').unwrap();
        assert_eq!(line_col(text, off), (3, 4));
        let off = text.find("园").unwrap();
        assert_eq!(line_col(text, off), (2, 5));
    }

    #[test]
    fn a_very_long_line_is_shown_around_the_problem() {
        let line = format!("abstract: {}BAD{}", "word ".repeat(500), " more".repeat(500));
        let text = format!("title: x\n{line}\nnext: y\n");
        let at = text.find("BAD").unwrap();
        let (shown, span) = shorten_line(&text, at..at + 3);
        assert_eq!(&shown[span], "BAD");
        let second = shown.lines().nth(1).unwrap();
        assert!(second.chars().count() <= 102 && second.starts_with('…') && second.ends_with('…'), "{second}");
        assert_eq!(shown.lines().nth(2), Some("next: y"));
        let (short, _) = shorten_line("a: b\n", 3..4);
        assert_eq!(short, "a: b\n");
    }

    #[test]
    fn display_has_location_key_and_help() {
        let src = SourceText { path: "e.yaml".into(), text: "title: x\ndate: 2024-02-30\n".into() };
        let d = Diagnostic::new("not a real date").at(&src, 15..25).key("time.date").help("February 2024 has 29 days");
        assert_eq!(d.to_string(), "e.yaml:2:7: time.date: not a real date\n  help: February 2024 has 29 days");
    }
}
