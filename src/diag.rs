//! User-facing errors: what went wrong, where (file, line, column, key path),
//! and what to do about it. Printed with a source snippet by `report`.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, termcolor::WriteColor};

/// A text file an error can point into, with its contents for the snippet.
#[derive(Debug, Clone)]
pub struct SourceText {
    pub path: PathBuf,
    pub text: Arc<str>,
}

/// One problem, as precise as the stage that found it can make it.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// The file the problem is in, if it is in a file.
    pub file: Option<PathBuf>,
    /// The file's text and the byte range to underline, if known.
    pub snippet: Option<(Arc<str>, Range<usize>)>,
    /// Key path in the event, such as `speaker.photo` or `speaker[1].name`.
    pub key: Option<String>,
    pub message: String,
    /// Suggestions, each printed as `help: …`.
    pub help: Vec<String>,
    /// A warning: printed, but nothing failed.
    pub warning: bool,
}

impl Diagnostic {
    pub fn new(message: impl Into<String>) -> Self {
        Self { file: None, snippet: None, key: None, message: message.into(), help: Vec::new(), warning: false }
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

    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(key.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help.push(help.into());
        self
    }

    /// `file:line:column` (1-based), or just the file, or nothing.
    pub fn location(&self) -> Option<String> {
        let file = self.file.as_ref()?.display().to_string();
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

/// Everything that stopped one job, each problem with its own location.
#[derive(Debug, Clone)]
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

/// Prints every diagnostic with a source snippet where there is one.
pub fn report(out: &mut dyn WriteColor, failure: &Failure) {
    let config = term::Config::default();
    for d in &failure.0 {
        let severity = if d.warning { CsDiagnostic::warning() } else { CsDiagnostic::error() };
        let mut cs = severity.with_message(d.headline());
        let notes: Vec<String> = d.help.iter().map(|h| format!("help: {h}")).collect();
        cs = cs.with_notes(notes);
        let printed = match (&d.file, &d.snippet) {
            (Some(path), Some((text, span))) => {
                let file = SimpleFile::new(path.display().to_string(), text.as_ref());
                let cs = cs.with_labels(vec![Label::primary((), span.clone())]);
                term::emit(out, &config, &file, &cs).is_ok()
            }
            _ => false,
        };
        if !printed {
            // No snippet: say the file, if any, on the headline.
            let headline = match &d.file {
                Some(path) => format!("{}: {}", path.display(), d.headline()),
                None => d.headline(),
            };
            let severity = if d.warning { CsDiagnostic::warning() } else { CsDiagnostic::error() };
            let plain =
                severity.with_message(headline).with_notes(d.help.iter().map(|h| format!("help: {h}")).collect());
            let empty = SimpleFile::new(String::new(), "");
            let _ = term::emit(out, &config, &empty, &plain);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let text = "a: 1\nb: 静园\nc: x";
        let off = text.find('x').unwrap();
        assert_eq!(line_col(text, off), (3, 4));
        let off = text.find("园").unwrap();
        assert_eq!(line_col(text, off), (2, 5));
    }

    #[test]
    fn display_has_location_key_and_help() {
        let src = SourceText { path: "e.yaml".into(), text: "title: x\ndate: 2024-02-30\n".into() };
        let d = Diagnostic::new("not a real date").at(&src, 15..25).key("time.date").help("February 2024 has 29 days");
        assert_eq!(d.to_string(), "e.yaml:2:7: time.date: not a real date\n  help: February 2024 has 29 days");
    }
}
