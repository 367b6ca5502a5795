//! From a file on disk to a YAML value with the positions of its keys: read
//! (ordinary files only, within a size limit; UTF-8 or UTF-16), then parse,
//! refusing a file whose aliases would expand past a limit before any of it
//! is expanded.
//!
//! The text is parsed twice: serde_yaml gives the values (what every
//! validation and every default merge works on) but no positions, so
//! yaml-rust2 gives where each key stands (`positions.rs`). One parser for
//! both would mean rebuilding serde_yaml's values (scalar types, tags, merge
//! keys, aliases) from yaml-rust2's events, and any difference between the
//! two would change what a file means; the second pass over a file of at
//! most 1 MB is linear and bounded like the first (depth is checked before
//! either runs).

use std::cell::Cell;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

use serde::de::{self, DeserializeSeed, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor};
use serde_yaml::value::{Tag, TaggedValue};
use serde_yaml::{Mapping, Value};

use super::positions::{Positions, Seg};
use crate::diag::{Diagnostic, Failure, SourceText};
use crate::files;
use crate::limits::{self, MAX_YAML_DEPTH, MAX_YAML_EXPANDED_BYTES};

/// A parsed YAML file: its text, its value and where each key stands.
#[derive(Debug, Clone)]
pub struct Document {
    pub source: Arc<SourceText>,
    pub value: Value,
    pub positions: Arc<Positions>,
}

/// Reads a text file of at most `limit` bytes; `what` names the kind of
/// file for the message.
pub fn read_source(path: &Path, limit: u64, what: &str) -> Result<SourceText, Failure> {
    let bytes = files::read_limited(path, limit, what).map_err(|d| d.in_file(path))?;
    // Windows editors save "Unicode" as UTF-16 with a byte-order mark.
    let utf16 = |b: &[u8], le: bool| {
        let units: Vec<u16> = b
            .chunks_exact(2)
            .map(|c| if le { u16::from_le_bytes([c[0], c[1]]) } else { u16::from_be_bytes([c[0], c[1]]) })
            .collect();
        String::from_utf16(&units).ok()
    };
    let decoded = match bytes.as_slice() {
        [0xFF, 0xFE, rest @ ..] => utf16(rest, true),
        [0xFE, 0xFF, rest @ ..] => utf16(rest, false),
        _ => None,
    };
    if let Some(text) = decoded {
        return Ok(SourceText { path: path.to_path_buf(), text: text.into() });
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        Diagnostic::new(format!(
            "the file is not UTF-8 text (invalid byte at position {})",
            e.utf8_error().valid_up_to()
        ))
        .in_file(path)
        .help("save the file as UTF-8 (in most editors: Save As → Encoding → UTF-8)")
    })?;
    let text = text.strip_prefix('\u{FEFF}').map(str::to_string).unwrap_or(text);
    Ok(SourceText { path: path.to_path_buf(), text: text.into() })
}

/// Reads and parses a YAML file.
pub fn load(path: &Path, limit: u64, what: &str) -> Result<Document, Failure> {
    parse(read_source(path, limit, what)?)
}

/// Parses YAML text. Syntax errors point at their line.
pub fn parse(source: SourceText) -> Result<Document, Failure> {
    let value = parse_value(&source)?;
    let positions = Positions::index(&source.text);
    Ok(Document { source: Arc::new(source), value, positions: Arc::new(positions) })
}

fn parse_value(source: &SourceText) -> Result<Value, Failure> {
    // The parsers recurse per level: a file nested 100,000 deep would take
    // a minute before they give up. Its depth is found in one pass first.
    if let Some(at) = too_deep(&source.text, MAX_YAML_DEPTH) {
        let end = (at + 1).min(source.text.len());
        return Err(Diagnostic::new(format!("the file is nested more than {MAX_YAML_DEPTH} levels deep"))
            .at(source, at..end.max(at))
            .help("an event needs five levels at most (a map in a list in a map…): check the brackets and the indentation")
            .into());
    }
    let budget = Budget { left: Cell::new(MAX_YAML_EXPANDED_BYTES) };
    let mut documents = serde_yaml::Deserializer::from_str(&source.text);
    let first = documents.next().map_or(Ok(Value::Null), |doc| BudgetedValue(&budget).deserialize(doc));
    let mut value =
        first.map_err(|e| if budget.left.get() == 0 { expansion_error(source) } else { syntax_error(source, &e) })?;
    if documents.next().is_some() {
        let at = source.text.find("\n---").map_or(0, |i| i + 1);
        let end = (at + 3).min(source.text.len());
        return Err(Diagnostic::new("the file holds more than one YAML document (a line `---` starts another)")
            .at(source, at..end)
            .help("one file holds one talk: remove the `---` line, or put each talk in its own file")
            .into());
    }
    value.apply_merge().ok();
    Ok(value)
}

/// Where YAML text first nests deeper than `limit` (maps and lists, block
/// or flow), if it does: one pass over the text, without parsing it.
/// Indentation and `- ` make block levels; `[` and `{` flow levels where
/// they open a value (not inside quotes, comments or a literal block).
fn too_deep(text: &str, limit: usize) -> Option<usize> {
    let mut indents: Vec<usize> = Vec::new();
    let mut flow = 0usize;
    // A literal or folded block (`|`, `>`): lines indented past its key.
    let mut literal_from: Option<usize> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        let indent = body.len() - body.trim_start_matches(' ').len();
        let rest = &body[indent..];
        if rest.is_empty() || rest.starts_with('#') {
            continue;
        }
        if let Some(key_indent) = literal_from {
            if indent > key_indent {
                continue;
            }
            literal_from = None;
        }
        if flow == 0 {
            while indents.last().is_some_and(|&i| i > indent) {
                indents.pop();
            }
            if indents.last() != Some(&indent) {
                indents.push(indent);
            }
        }
        // `- - - x`: a list in a list in a list on one line.
        let mut dashes = 0;
        let mut tail = rest;
        while let Some(t) = tail.strip_prefix("- ").or_else(|| tail.strip_prefix("? ")) {
            dashes += 1;
            tail = t.trim_start_matches(' ');
        }
        if indents.len() + dashes > limit {
            return Some(start + indent);
        }
        // `[` and `{` open a collection where a value starts (after `key: `,
        // `- `, or inside another flow collection after `[`, `{`, `,`, `:`);
        // elsewhere they are letters of plain text (`Room [2]`).
        let (mut quote, mut fresh) = (None::<char>, true);
        let chars: Vec<(usize, char)> = tail.char_indices().collect();
        for (n, &(i, c)) in chars.iter().enumerate() {
            let next = chars.get(n + 1).map_or(' ', |&(_, c)| c);
            match quote {
                Some(q) => {
                    if c == q {
                        quote = None;
                        fresh = false;
                    }
                }
                None => match c {
                    ' ' => {}
                    '\'' | '"' if fresh => quote = Some(c),
                    '#' if i == 0 || tail[..i].ends_with(' ') => break,
                    '[' | '{' if fresh => {
                        flow += 1;
                        if indents.len() + dashes + flow > limit {
                            return Some(start + (body.len() - tail.len()) + i);
                        }
                    }
                    ']' | '}' if flow > 0 => {
                        flow -= 1;
                        fresh = false;
                    }
                    ',' if flow > 0 => fresh = true,
                    ':' if next == ' ' || (flow > 0 && matches!(next, ',' | ']' | '}')) => fresh = true,
                    _ => fresh = false,
                },
            }
        }
        let value = tail.trim_end();
        if flow == 0 && value.rsplit([' ', ':']).next().is_some_and(|v| v.starts_with(['|', '>']) && v.len() <= 3) {
            literal_from = Some(indent);
        }
    }
    None
}

fn syntax_error(source: &SourceText, e: &serde_yaml::Error) -> Diagnostic {
    let message = e.to_string();
    // serde_yaml points a repeated key at the start of its map; find the repeat.
    if message.starts_with("duplicate entry")
        && let Some((path, span)) = Positions::index(&source.text).repeated_key()
    {
        let key = match path.0.last() {
            Some(Seg::Key(k)) => k.clone(),
            _ => String::new(),
        };
        return Diagnostic::new(format!("{path}: the key `{key}` is written twice"))
            .at(source, span)
            .help(format!("a key may appear only once in a map: keep one `{key}` and remove the other, or rename it"));
    }
    // serde_yaml appends " at line L column C"; the snippet shows that.
    let message = message.split(" at line ").next().unwrap_or(&message).to_string();
    let d = Diagnostic::new(format!("this is not valid YAML: {message}"));
    let d = match e.location() {
        Some(loc) => {
            let start = loc.index().min(source.text.len());
            let end = (start + 1).min(source.text.len());
            d.at(source, start..end)
        }
        None => d.in_file(&source.path),
    };
    d.help(yaml_hint(&message))
}

fn expansion_error(source: &SourceText) -> Diagnostic {
    // Point at the first alias: the `*name` that repeats a value.
    let at = source.text.find('*').unwrap_or(0);
    let end = source.text[at..].find(|c: char| c.is_whitespace() || c == ',' || c == ']').map_or(at + 1, |n| at + n);
    Diagnostic::new(format!(
        "the aliases (`*name`) in this file repeat their values to more than {} of text",
        limits::bytes(MAX_YAML_EXPANDED_BYTES)
    ))
    .at(source, at..end.max(at + 1).min(source.text.len()))
    .help("an alias repeats what `&name` marks; write the text out where it is needed, or mark less with `&name`")
}

fn yaml_hint(message: &str) -> String {
    if message.contains("duplicate entry") {
        "each key may appear only once in a map: remove or rename the repeated one".into()
    } else if message.contains("tab") {
        "indent with spaces, not tabs".into()
    } else if message.contains("mapping values are not allowed") {
        "a value containing `: ` must be put in quotes".into()
    } else {
        "check the indentation and quoting around this line; text with `: ` or a leading `#`, `*`, `&`, `@` needs quotes".into()
    }
}

/// What is left of the text a document may expand to. serde_yaml replays an
/// anchor's events for every alias, so counting what the visitor is given
/// counts the expanded text, and stopping at zero stops before it exists.
struct Budget {
    left: Cell<u64>,
}

impl Budget {
    fn spend<E: de::Error>(&self, n: usize) -> Result<(), E> {
        // Every node costs a little, so a million empty aliases are counted too.
        let cost = n as u64 + 8;
        match self.left.get().checked_sub(cost) {
            Some(left) => {
                self.left.set(left);
                Ok(())
            }
            None => {
                self.left.set(0);
                Err(E::custom("the file expands past the limit"))
            }
        }
    }
}

/// serde_yaml's `Value`, built under a budget (the same shapes as
/// `Value::deserialize`, tags and duplicate keys included).
#[derive(Clone, Copy)]
struct BudgetedValue<'b>(&'b Budget);

impl<'de> DeserializeSeed<'de> for BudgetedValue<'_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for BudgetedValue<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Value, E> {
        self.0.spend(0)?;
        Ok(Value::Bool(b))
    }

    fn visit_i64<E: de::Error>(self, i: i64) -> Result<Value, E> {
        self.0.spend(0)?;
        Ok(Value::Number(i.into()))
    }

    fn visit_u64<E: de::Error>(self, u: u64) -> Result<Value, E> {
        self.0.spend(0)?;
        Ok(Value::Number(u.into()))
    }

    fn visit_f64<E: de::Error>(self, f: f64) -> Result<Value, E> {
        self.0.spend(0)?;
        Ok(Value::Number(f.into()))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Value, E> {
        self.0.spend(s.len())?;
        Ok(Value::String(s.to_owned()))
    }

    fn visit_string<E: de::Error>(self, s: String) -> Result<Value, E> {
        self.0.spend(s.len())?;
        Ok(Value::String(s))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.0.spend(0)?;
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        self.visit_unit()
    }

    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        self.deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.0.spend(0)?;
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(self)? {
            out.push(v);
        }
        Ok(Value::Sequence(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.0.spend(0)?;
        let mut out = Mapping::new();
        while let Some(key) = map.next_key_seed(self)? {
            let value = map.next_value_seed(self)?;
            if out.contains_key(&key) {
                return Err(de::Error::custom(duplicate_key(&key)));
            }
            out.insert(key, value);
        }
        Ok(Value::Mapping(out))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        let (tag, contents): (String, _) = data.variant()?;
        self.0.spend(tag.len())?;
        let value = contents.newtype_variant_seed(self)?;
        Ok(Value::Tagged(Box::new(TaggedValue { tag: Tag::new(tag), value })))
    }
}

/// serde_yaml's own wording, which `yaml_hint` recognises.
fn duplicate_key(key: &Value) -> String {
    match key {
        Value::Null => "duplicate entry with null key".into(),
        Value::Bool(b) => format!("duplicate entry with key `{b}`"),
        Value::Number(n) => format!("duplicate entry with key {n}"),
        Value::String(s) => format!("duplicate entry with key {s:?}"),
        _ => "duplicate entry in YAML map".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_is_measured_before_parsing() {
        assert_eq!(too_deep("title: T\nspeaker:\n  - {name: A, affiliation: B}\n", 8), None);
        let deep = format!("title: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(too_deep(&deep, 64), Some(7 + 63));
        let dashes = format!("speaker:\n  {}x\n", "- ".repeat(100));
        assert!(too_deep(&dashes, 64).is_some());
        // Brackets in quoted text, comments, plain text and literal blocks are text.
        let text = "title: \"[[[[[[\"\nplace: Room [[[[[[[[ 1 # [[[[[[\nabstract: |\n  [[[[[[[[[[[[[[[[\n  {{{{{{{{{{{\nnote: x\n";
        assert_eq!(too_deep(text, 4), None, "{text}");
        let blocks: String = (0..100).map(|i| format!("{}k{i}:\n", " ".repeat(i))).collect();
        assert!(too_deep(&blocks, 64).is_some());
    }

    fn parse_text(text: &str) -> Result<Value, Failure> {
        parse(SourceText { path: "t.yaml".into(), text: text.into() }).map(|d| d.value)
    }

    #[test]
    fn values_are_what_serde_yaml_makes() {
        let text = "a: 1\nb: [x, 2.5, true, null]\nc: {d: &v e}\nf: *v\ng: !tag 3\n<<: {h: i}\n";
        let mut expected: Value = serde_yaml::from_str(text).unwrap();
        expected.apply_merge().unwrap();
        assert_eq!(parse_text(text).unwrap(), expected);
    }

    #[test]
    fn a_repeated_key_is_shown_where_it_is_repeated() {
        let e = parse_text("title: a\ntitle: b\n").unwrap_err();
        assert_eq!(e.0[0].message, "title: the key `title` is written twice");
        assert_eq!(e.0[0].location().unwrap(), "t.yaml:2:1");
        assert!(e.0[0].help[0].contains("only once"), "{e}");
        // A repeated key positions cannot name (a key that is a map) keeps serde_yaml's words.
        let e = parse_text("? {a: 1}\n: x\n? {a: 1}\n: y\n").unwrap_err();
        assert!(e.0[0].message.contains("duplicate entry"), "{e}");
    }

    #[test]
    fn aliases_that_expand_past_the_limit_are_refused_before_they_expand() {
        let big = "x".repeat(1 << 20);
        let aliases = vec!["*a"; 2000].join(", ");
        let text = format!("title: &a {big}\nbio: [{aliases}]\n");
        let e = parse_text(&text).unwrap_err();
        assert!(e.0[0].message.contains("repeat their values to more than 8 MB"), "{e}");
        assert_eq!(e.0[0].location().unwrap(), "t.yaml:2:7");
        // The billion laughs: ten aliases of ten aliases of ... of a short string.
        let mut laughs = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (prev, name) in "abcdefgh".chars().zip("bcdefghi".chars()) {
            laughs += &format!("{name}: &{name} [{}]\n", vec![format!("*{prev}"); 10].join(", "));
        }
        assert!(parse_text(&laughs).is_err());
        // A few aliases are fine.
        assert!(parse_text("a: &x {en: Hi}\nb: *x\nc: *x\n").is_ok());
    }

    #[test]
    fn a_second_document_is_named() {
        let e = parse_text("title: a\n---\ntitle: b\n").unwrap_err();
        assert!(e.0[0].message.contains("more than one YAML document"), "{e}");
    }
}
