//! Where each key and value of a YAML document stands in its file.
//!
//! serde_yaml gives values without positions, so a second, event-level pass
//! with yaml-rust2 records the position of every node by its key path. Errors
//! found later (a wrong date, a missing photo) can then point at their line.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt;
use std::ops::Range;

use serde::{Deserialize, Serialize};

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// One step of a key path.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// A key path such as `speaker[1].photo`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct KeyPath(pub Vec<Seg>);

impl KeyPath {
    pub fn root() -> Self {
        KeyPath(Vec::new())
    }

    pub fn key(&self, key: &str) -> Self {
        let mut segs = self.0.clone();
        segs.push(Seg::Key(key.to_string()));
        KeyPath(segs)
    }

    pub fn index(&self, i: usize) -> Self {
        let mut segs = self.0.clone();
        segs.push(Seg::Index(i));
        KeyPath(segs)
    }

    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// This path followed by `rest`.
    pub fn join(&self, rest: &KeyPath) -> Self {
        KeyPath(self.0.iter().chain(rest.0.iter()).cloned().collect())
    }
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Key(k) if i == 0 => write!(f, "{k}")?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// Byte ranges of keys and values, by key path.
#[derive(Debug, Default, Clone)]
pub struct Positions {
    values: HashMap<KeyPath, Range<usize>>,
    keys: HashMap<KeyPath, Range<usize>>,
    /// A key written again in the same map: its path, and where it is
    /// written the second time. serde_yaml refuses such a map but only
    /// points at the map.
    repeated: Option<(KeyPath, Range<usize>)>,
}

impl Positions {
    /// Indexes `text`. A document yaml-rust2 cannot read gives an empty index:
    /// positions only improve messages, serde_yaml has the last word on syntax.
    pub fn index(text: &str) -> Self {
        let mut rec = Recorder { text, line_starts: line_starts(text), ..Default::default() };
        let mut parser = Parser::new_from_str(text);
        if parser.load(&mut rec, false).is_err() {
            return Positions::default();
        }
        rec.out
    }

    /// Where the value at exactly `path` is.
    pub fn value(&self, path: &KeyPath) -> Option<Range<usize>> {
        self.values.get(path).cloned()
    }

    /// Where the key of exactly `path` is written.
    pub fn key(&self, path: &KeyPath) -> Option<Range<usize>> {
        self.keys.get(path).cloned()
    }

    /// The first key written twice in one map, with where it is written
    /// the second time.
    pub fn repeated_key(&self) -> Option<(KeyPath, Range<usize>)> {
        self.repeated.clone()
    }
}

enum Frame {
    Map { path: KeyPath, pending_key: Option<String>, flow: bool, keys: usize },
    Seq { path: KeyPath, next: usize },
}

#[derive(Default)]
struct Recorder<'t> {
    text: &'t str,
    line_starts: Vec<usize>,
    stack: Vec<Frame>,
    out: Positions,
}

impl Recorder<'_> {
    /// Byte offset of a yaml-rust2 marker (1-based line, 0-based char column).
    fn offset(&self, mark: Marker) -> usize {
        let start = self.line_starts.get(mark.line().saturating_sub(1)).copied().unwrap_or(0);
        let line = &self.text[start..];
        start + line.char_indices().nth(mark.col()).map_or(line.len(), |(i, _)| i)
    }

    /// The span of a node that starts at `start`: the scalar's own text when it
    /// stands there (with its quotes, if quoted), else the rest of the line.
    fn span(&self, start: usize, scalar: Option<&str>) -> Range<usize> {
        let rest = &self.text[start..];
        let line_end = rest.find('\n').unwrap_or(rest.len());
        if let Some(s) = scalar
            && !s.is_empty()
            && rest.starts_with(s)
            && s.len() <= line_end
        {
            return start..start + s.len();
        }
        if scalar.is_some()
            && let Some(len) = quoted_len(&rest[..line_end])
        {
            return start..start + len;
        }
        let len = rest[..line_end].trim_end().len().max(1).min(rest.len());
        start..start + len
    }

    /// The path a new node gets, and whether it is a mapping key.
    fn place(&mut self) -> (Option<KeyPath>, bool) {
        match self.stack.last_mut() {
            None => (Some(KeyPath::root()), false),
            Some(Frame::Map { path, pending_key, .. }) => match pending_key.take() {
                None => (None, true),
                Some(k) => (Some(path.key(&k)), false),
            },
            Some(Frame::Seq { path, next }) => {
                *next += 1;
                (Some(path.index(*next - 1)), false)
            }
        }
    }
}

impl MarkedEventReceiver for Recorder<'_> {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        let start = self.offset(mark);
        match ev {
            Event::Scalar(value, ..) => match self.place() {
                (_, true) => {
                    if let Some(Frame::Map { path, pending_key, flow, keys }) = self.stack.last_mut() {
                        let (map_path, first, flow) = (path.clone(), *keys == 0, *flow);
                        *keys += 1;
                        *pending_key = Some(value.clone());
                        let key_path = map_path.key(&value);
                        let span = self.span(start, Some(&value));
                        // A block map's start is marked after its first key:
                        // the map starts on that key's line instead.
                        if first && !flow {
                            let line = self.span(span.start, None);
                            self.out.values.insert(map_path, line);
                        }
                        match self.out.keys.entry(key_path) {
                            Entry::Occupied(first) => {
                                self.out.repeated.get_or_insert((first.key().clone(), span));
                            }
                            Entry::Vacant(new) => {
                                new.insert(span);
                            }
                        }
                    }
                }
                (Some(path), false) => {
                    // `key:` with nothing after it: point at the key, not the next line.
                    let span = match self.out.keys.get(&path) {
                        Some(key_span) if value.is_empty() => key_span.clone(),
                        _ => self.span(start, Some(&value)),
                    };
                    self.out.values.insert(path, span);
                }
                (None, false) => {}
            },
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let is_map = matches!(ev, Event::MappingStart(..));
                let (path, is_key) = self.place();
                // A complex (non-scalar) key: index its insides under a path no one asks for.
                let path = if is_key { KeyPath::root().key("\u{0}complex-key") } else { path.unwrap_or_default() };
                let span = self.span(start, None);
                let flow = self.text[span.clone()].starts_with(['{', '[']);
                self.out.values.entry(path.clone()).or_insert(span);
                self.stack.push(if is_map {
                    Frame::Map { path, pending_key: None, flow, keys: 0 }
                } else {
                    Frame::Seq { path, next: 0 }
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            Event::Alias(_) => {
                if let (Some(path), false) = self.place() {
                    let span = self.span(start, None);
                    self.out.values.insert(path, span);
                }
            }
            _ => {}
        }
    }
}

/// The length of a quoted scalar at the start of `line` (`"16:00"`,
/// `'it''s'`), quotes included.
fn quoted_len(line: &str) -> Option<usize> {
    let quote = line.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let mut chars = line.char_indices().skip(1).peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' if quote == '"' => {
                chars.next();
            }
            '\'' if quote == '\'' && chars.peek().is_some_and(|(_, n)| *n == '\'') => {
                chars.next();
            }
            c if c == quote => return Some(i + 1),
            _ => {}
        }
    }
    None
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, r: Range<usize>) -> &str {
        &text[r]
    }

    #[test]
    fn records_values_and_keys_by_path() {
        let text =
            "title: Hello\nspeaker:\n  - name: 王亦洲\n    photo: a.jpg\n  - name: B\ntime:\n  date: 2024-02-30\n";
        let p = Positions::index(text);
        let root = KeyPath::root();
        assert_eq!(at(text, p.value(&root.key("title")).unwrap()), "Hello");
        let s1 = root.key("speaker").index(0);
        assert_eq!(at(text, p.value(&s1.key("photo")).unwrap()), "a.jpg");
        assert_eq!(at(text, p.key(&s1.key("photo")).unwrap()), "photo");
        assert!(p.value(&s1.key("name").key("zh")).is_none(), "exact paths only; Origin falls back");
        assert_eq!(at(text, p.value(&root.key("speaker").index(1).key("name")).unwrap()), "B");
        assert_eq!(at(text, p.value(&root.key("time").key("date")).unwrap()), "2024-02-30");
    }

    #[test]
    fn flow_maps_and_quoted_values() {
        let text = "time: {date: 2024-06-13, start: \"16:00\"}\n";
        let p = Positions::index(text);
        let t = KeyPath::root().key("time");
        assert_eq!(at(text, p.value(&t.key("date")).unwrap()), "2024-06-13");
        assert_eq!(at(text, p.value(&t.key("start")).unwrap()), "\"16:00\"");
        let text = "time: {start: \"1\\\"6\", end: 'it''s', tz: x}\n";
        let p = Positions::index(text);
        assert_eq!(at(text, p.value(&t.key("start")).unwrap()), "\"1\\\"6\"");
        assert_eq!(at(text, p.value(&t.key("end")).unwrap()), "'it''s'");
    }

    #[test]
    fn block_maps_start_at_their_first_key() {
        let text = "title: A talk\nspeaker:\n  affiliation: MIT\n";
        let p = Positions::index(text);
        assert_eq!(p.value(&KeyPath::root()).unwrap(), 0..13);
        assert_eq!(at(text, p.value(&KeyPath::root().key("speaker")).unwrap()), "affiliation: MIT");
    }

    #[test]
    fn a_repeated_key_is_found_where_it_is_repeated() {
        let text = "title: A\nspeaker: {name: B, name: C}\nplace: x\nplace: y\n";
        let (path, span) = Positions::index(text).repeated_key().unwrap();
        assert_eq!(path.to_string(), "speaker.name");
        assert_eq!(span, 28..32);
        assert!(Positions::index("a: 1\nb: {a: 1}\n").repeated_key().is_none());
    }

    #[test]
    fn key_path_display() {
        let p = KeyPath::root().key("speaker").index(1).key("photo");
        assert_eq!(p.to_string(), "speaker[1].photo");
    }
}
