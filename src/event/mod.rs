//! Reading an event file: load with positions, then validate into a typed model.

pub mod dates;
pub mod model;
pub mod positions;
pub mod validate;

use std::path::Path;
use std::sync::Arc;

pub use model::*;
use positions::Positions;

use crate::diag::{Diagnostic, Failure, SourceText};

/// Reads and checks one event file.
pub fn load(path: &Path) -> Result<Event, Failure> {
    let source = read_source(path)?;
    parse(source)
}

/// Reads a text file, with messages a non-programmer can act on.
pub fn read_source(path: &Path) -> Result<SourceText, Failure> {
    let bytes = std::fs::read(path).map_err(|e| {
        let d = Diagnostic::new(format!("cannot read the file: {}", io_reason(&e))).in_file(path);
        if e.kind() == std::io::ErrorKind::NotFound { d.help("check the file name and folder") } else { d }
    })?;
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

/// Parses and validates the text of an event file.
pub fn parse(source: SourceText) -> Result<Event, Failure> {
    let value = parse_yaml(&source)?;
    let base_dir = source.path.parent().map(Path::to_path_buf).unwrap_or_default();
    let positions = Positions::index(&source.text);
    let origin = Arc::new(Origin::single(source, positions));
    validate::validate(&value, origin, &base_dir)
}

/// YAML text to a value; syntax errors point at their line.
pub fn parse_yaml(source: &SourceText) -> Result<serde_yaml::Value, Failure> {
    let mut value: serde_yaml::Value = serde_yaml::from_str(&source.text).map_err(|e| {
        let message = e.to_string();
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
    })?;
    value.apply_merge().ok();
    Ok(value)
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

pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::IsADirectory => "it is a folder, not a file".into(),
        _ => e.to_string(),
    }
}
