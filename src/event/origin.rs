//! Where an event's values were written, so any later stage can point an
//! error at the line: the talk's own file, and for a talk in a series also
//! the series file's `defaults:` (or its `talks:` entry), or the cells of a
//! schedule's row. Layers share their file's text and positions: a series of
//! 1,000 inline talks holds its file once, not once per talk.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::positions::{KeyPath, Positions};
use super::source::Document;
use crate::diag::{CellPlace, Diagnostic, SourceText};

#[derive(Debug, Clone)]
pub struct Origin {
    /// Searched in order; the first layer is the talk's own text.
    pub layers: Vec<Layer>,
}

/// One file's share of an event.
#[derive(Debug, Clone)]
pub enum Layer {
    /// YAML text: the event's key `k` stands at `prefix.k`.
    Text { source: Arc<SourceText>, positions: Arc<Positions>, prefix: KeyPath },
    /// A row of a schedule sheet: the cell each value came from.
    Row(Arc<RowCells>),
}

/// The cells of one spreadsheet row, by the key path each one filled.
#[derive(Debug, Clone)]
pub struct RowCells {
    pub file: PathBuf,
    pub cells: Vec<(KeyPath, CellPlace)>,
}

/// Where a value was found: a span of text, or a cell.
enum Found<'a> {
    Text(&'a SourceText, Range<usize>),
    Cell(&'a Path, &'a CellPlace),
}

impl Layer {
    /// The whole of a parsed file, or the part of it under `prefix`.
    pub fn of(doc: &Document, prefix: KeyPath) -> Self {
        Layer::Text { source: doc.source.clone(), positions: doc.positions.clone(), prefix }
    }

    fn file(&self) -> &Path {
        match self {
            Layer::Text { source, .. } => &source.path,
            Layer::Row(row) => &row.file,
        }
    }

    /// Where exactly `path` (a value, or with `key` its key) is written here.
    fn find(&self, path: &KeyPath, key: bool) -> Option<Found<'_>> {
        match self {
            Layer::Text { source, positions, prefix } => {
                let full = prefix.join(path);
                let span = if key { positions.key(&full) } else { positions.value(&full) }?;
                Some(Found::Text(source, span))
            }
            Layer::Row(row) => row.cells.iter().find(|(p, _)| p == path).map(|(_, cell)| Found::Cell(&row.file, cell)),
        }
    }
}

impl Origin {
    /// An event read from one file.
    pub fn single(doc: &Document) -> Self {
        Origin { layers: vec![Layer::of(doc, KeyPath::root())] }
    }

    /// The file an event is named after (its first layer).
    pub fn file(&self) -> &Path {
        self.layers[0].file()
    }

    /// Where `path` (or its nearest written parent) stands.
    fn locate(&self, path: &KeyPath, key: bool) -> Option<Found<'_>> {
        let mut p = path.clone();
        loop {
            if let Some(found) = self.layers.iter().find_map(|layer| layer.find(&p, key)) {
                return Some(found);
            }
            p.0.pop()?;
        }
    }

    /// The file the value at `path` was written in: the talk's own, or the
    /// series file (its defaults, or an inline talk).
    pub fn written_in(&self, path: &KeyPath) -> &Path {
        match self.locate(path, false) {
            Some(Found::Text(source, _)) => &source.path,
            Some(Found::Cell(file, _)) => file,
            None => self.file(),
        }
    }

    fn diagnostic(&self, path: &KeyPath, message: impl Into<String>, key: bool) -> Diagnostic {
        let d = Diagnostic::new(message);
        let d = if path.is_root() { d } else { d.key(path.to_string()) };
        match self.locate(path, key).or_else(|| self.locate(path, false)) {
            Some(Found::Text(source, span)) => d.at(source, span),
            Some(Found::Cell(file, cell)) => d.in_cell(file, cell.clone()),
            None => d.in_file(self.file()),
        }
    }

    /// The text the value at exactly `path` was written as (`16.00`, which
    /// YAML reads as the number 16).
    pub fn written(&self, path: &KeyPath) -> Option<&str> {
        self.layers.iter().find_map(|layer| match layer.find(path, false)? {
            Found::Text(source, span) => source.text.get(span),
            Found::Cell(_, cell) => Some(cell.content.as_str()),
        })
    }

    /// An error about the value at `path`, pointing at its line.
    pub fn error(&self, path: &KeyPath, message: impl Into<String>) -> Diagnostic {
        self.diagnostic(path, message, false)
    }

    /// An error about the key itself (unknown key), pointing at the key.
    pub fn key_error(&self, path: &KeyPath, message: impl Into<String>) -> Diagnostic {
        self.diagnostic(path, message, true)
    }

    /// An error about `needle` inside the text value at `path`: points at the
    /// line where it is written (an abstract may run over many lines), or at
    /// the value when it cannot be found.
    pub fn error_at_text(&self, path: &KeyPath, needle: &str, message: impl Into<String>) -> Diagnostic {
        let mut d = self.error(path, message);
        if let Some((text, span)) = &d.snippet
            && let Some(found) = text.get(span.start..).and_then(|rest| rest.find(needle))
        {
            let start = span.start + found;
            d.snippet = Some((text.clone(), start..start + needle.len()));
        }
        d
    }
}
