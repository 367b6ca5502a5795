//! Where an event's values were written, so any later stage can point an
//! error at the line: the talk's own file, and for a talk in a series also
//! the series file's `defaults:` (or its `talks:` entry). Layers share their
//! file's text and positions: a series of 1,000 inline talks holds its file
//! once, not once per talk.

use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use super::positions::{KeyPath, Positions};
use super::source::Document;
use crate::diag::{Diagnostic, SourceText};

#[derive(Debug, Clone)]
pub struct Origin {
    /// Searched in order; the first layer is the talk's own text.
    pub layers: Vec<Layer>,
}

/// One file's share of an event: the event's key `k` stands at `prefix.k`.
#[derive(Debug, Clone)]
pub struct Layer {
    pub source: Arc<SourceText>,
    pub positions: Arc<Positions>,
    pub prefix: KeyPath,
}

impl Layer {
    /// The whole of a parsed file, or the part of it under `prefix`.
    pub fn of(doc: &Document, prefix: KeyPath) -> Self {
        Layer { source: doc.source.clone(), positions: doc.positions.clone(), prefix }
    }
}

impl Origin {
    /// An event read from one file.
    pub fn single(doc: &Document) -> Self {
        Origin { layers: vec![Layer::of(doc, KeyPath::root())] }
    }

    /// The file an event is named after (its first layer).
    pub fn file(&self) -> &Path {
        &self.layers[0].source.path
    }

    /// The layer and span where `path` (or its nearest written parent) stands.
    fn locate(&self, path: &KeyPath, key: bool) -> Option<(&Layer, Range<usize>)> {
        let mut p = path.clone();
        loop {
            for layer in &self.layers {
                let full = layer.prefix.join(&p);
                let found = if key { layer.positions.key(&full) } else { layer.positions.value(&full) };
                if let Some(span) = found {
                    return Some((layer, span));
                }
            }
            p.0.pop()?;
        }
    }

    /// The file the value at `path` was written in: the talk's own, or the
    /// series file (its defaults, or an inline talk).
    pub fn written_in(&self, path: &KeyPath) -> &Path {
        self.locate(path, false).map_or(self.file(), |(layer, _)| layer.source.path.as_path())
    }

    fn diagnostic(&self, path: &KeyPath, message: impl Into<String>, key: bool) -> Diagnostic {
        let d = Diagnostic::new(message);
        let d = if path.is_root() { d } else { d.key(path.to_string()) };
        match self.locate(path, key).or_else(|| self.locate(path, false)) {
            Some((layer, span)) => d.at(&layer.source, span),
            None => d.in_file(self.file()),
        }
    }

    /// The text the value at exactly `path` was written as (`16.00`, which
    /// YAML reads as the number 16).
    pub fn written(&self, path: &KeyPath) -> Option<&str> {
        self.layers.iter().find_map(|layer| {
            let span = layer.positions.value(&layer.prefix.join(path))?;
            layer.source.text.get(span)
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
