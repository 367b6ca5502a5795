//! Filling a layout with an event and checking the result.

pub mod check;
pub mod engine;
pub mod fonts;
pub mod inputs;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use typst::foundations::{Dict, IntoValue, Str};
use typst_layout::PagedDocument;

use crate::diag::{Diagnostic, Failure};
use crate::event::positions::KeyPath;
use crate::event::{Event, Markup, TemplateRef, Text, text_fields};
use check::Problem;
use engine::{Compiled, Engine};
use fonts::FontSources;
use inputs::Assets;

/// Smallest body size the layouts shrink to before refusing (A4).
pub const MIN_BODY_PT: f64 = 8.0;

/// Lays out events. Holds one engine per template folder, each built once
/// and shared by every talk (and thread) that uses it.
pub struct Renderer {
    font_dirs: Vec<PathBuf>,
    engines: Mutex<HashMap<Option<PathBuf>, Arc<Engine>>>,
}

impl Renderer {
    pub fn new(font_dirs: Vec<PathBuf>) -> Self {
        Renderer { font_dirs, engines: Mutex::new(HashMap::new()) }
    }

    /// The engine for a template folder (`None`: built-ins only). Custom
    /// templates also see the system's fonts; built-ins do not need them.
    fn engine(&self, root: Option<&Path>) -> Result<Arc<Engine>, Failure> {
        let key = root.map(Path::to_path_buf);
        if let Some(e) = self.engines.lock().unwrap_or_else(|p| p.into_inner()).get(&key) {
            return Ok(e.clone());
        }
        let sources = FontSources { dirs: self.font_dirs.clone(), system: root.is_some() };
        let engine = Arc::new(Engine::new(fonts::load(&sources)?, root));
        let mut engines = self.engines.lock().unwrap_or_else(|p| p.into_inner());
        Ok(engines.entry(key).or_insert(engine).clone())
    }

    /// Compiles a built-in auxiliary layout (such as the contact sheet) with
    /// the given inputs, without the poster checks.
    pub fn compile_builtin(&self, name: &str, inputs: Dict) -> Result<PagedDocument, Failure> {
        let engine = self.engine(None)?;
        engine.compile(&format!("/talkposter/{name}.typ"), inputs).map(|c| c.document).map_err(Failure)
    }

    /// Lays out `event` with `template` and checks the result: one page,
    /// nothing overflowing, every character drawable. Returns the document
    /// and Typst's warnings (a custom template's unknown font, say).
    pub fn layout(&self, event: &Event, assets: &Assets, template: &TemplateRef) -> Result<Compiled, Failure> {
        let (root, main) = entry_point(template)?;
        let engine = self.engine(root.as_deref())?;
        let compiled = match engine.compile(&main, inputs::build(event, assets)) {
            Ok(c) => c,
            Err(errors) => {
                if event.markup == Markup::Typst {
                    let bad = markup_errors(&engine, event);
                    if !bad.is_empty() {
                        return Err(Failure(bad));
                    }
                }
                let mut errors = errors;
                if let TemplateRef::BuiltIn(name) = template {
                    for e in &mut errors {
                        e.help.push(format!("this is a fault in talkposter's built-in `{name}` layout: please report it with the event file"));
                    }
                }
                return Err(Failure(errors));
            }
        };
        let problems = check::check(&compiled.document);
        if problems.is_empty() {
            Ok(compiled)
        } else {
            Err(Failure(problems.iter().map(|p| describe(p, event)).collect()))
        }
    }
}

/// The template folder (for custom templates) and the main file inside it.
fn entry_point(template: &TemplateRef) -> Result<(Option<PathBuf>, String), Failure> {
    match template {
        TemplateRef::BuiltIn(name) => Ok((None, format!("/talkposter/{name}.typ"))),
        TemplateRef::File(path) => {
            let full = std::fs::canonicalize(path).map_err(|e| {
                Diagnostic::new(format!("cannot open the template: {}", crate::event::io_reason(&e))).in_file(path)
            })?;
            let root = full.parent().map(Path::to_path_buf).unwrap_or_default();
            let name = full.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
            Ok((Some(root), format!("/{name}")))
        }
    }
}

/// With `markup: typst`, finds the fields whose markup does not compile, so
/// the error names the field instead of a line in the template.
fn markup_errors(engine: &Engine, event: &Event) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (path, text) in text_fields(event) {
        for piece in pieces(text) {
            let mut inputs = Dict::new();
            inputs.insert(Str::from("markup"), "typst".into_value());
            inputs.insert(Str::from("text"), piece.as_str().into_value());
            if let Err(errors) = engine.compile("/talkposter/check-markup.typ", inputs) {
                let why = errors.first().map(|e| e.message.clone()).unwrap_or_default();
                let mut d = event.origin.error(&path, format!("the Typst markup has an error: {why}"));
                for e in errors.iter().take(1) {
                    d.help.extend(e.help.iter().cloned());
                }
                out.push(d.help("with `markup: typst`, `#`, `$`, `*`, `_`, `@`, `<` and `\\` have meaning: escape them with `\\`, or use `markup: plain`"));
                break;
            }
        }
    }
    out
}

/// Every string a text holds, paragraph by paragraph.
fn pieces(text: &Text) -> Vec<String> {
    let all = match text {
        Text::Same(s) => vec![s.as_str()],
        Text::Localized { en, zh } => en.iter().chain(zh.iter()).map(String::as_str).collect(),
    };
    all.into_iter().flat_map(inputs::paragraphs).collect()
}

/// Words, counting each Chinese character as one.
pub fn word_count(s: &str) -> usize {
    let han = s.chars().filter(|c| crate::event::is_han(*c)).count();
    let latin = s.split(|c: char| c.is_whitespace() || crate::event::is_han(c)).filter(|w| !w.is_empty()).count();
    han + latin
}

/// The text field written at `field` (a key path such as `speaker[1].bio`).
fn find_field<'e>(event: &'e Event, field: &str) -> Option<(KeyPath, &'e Text)> {
    text_fields(event).into_iter().find(|(p, _)| p.to_string() == field)
}

/// A layout problem as a message that names the field and what to do.
fn describe(problem: &Problem, event: &Event) -> Diagnostic {
    match problem {
        Problem::Overflow { fields, need } => {
            let words: usize = fields
                .iter()
                .filter_map(|f| find_field(event, f))
                .flat_map(|(_, t)| pieces(t))
                .map(|p| word_count(&p))
                .sum();
            let cut = ((words as f64) * (1.0 - 1.0 / need.max(1.0))).ceil() as usize;
            let cut = cut.div_ceil(10).max(1) * 10;
            let names = fields.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(" and ");
            let first = fields.first().and_then(|f| find_field(event, f)).map(|(p, _)| p).unwrap_or_default();
            event
                .origin
                .error(
                    &first,
                    format!(
                        "{names} {} too long to fit the poster, even in {MIN_BODY_PT} pt type",
                        if fields.len() > 1 { "are" } else { "is" }
                    ),
                )
                .help(format!("cut about {cut} words (of {words}) from {names}"))
        }
        Problem::Pages(n) => event
            .origin
            .error(&KeyPath::root(), format!("the poster would need {n} pages; it must fit on one"))
            .help("shorten the title, the subtitle or the list of speakers"),
        Problem::MissingGlyphs(chars) => {
            let list = chars.iter().map(|c| format!("`{c}` (U+{:04X})", *c as u32)).collect::<Vec<_>>().join(", ");
            let field = text_fields(event)
                .into_iter()
                .find(|(_, t)| pieces(t).iter().any(|p| p.contains(chars.as_slice())))
                .map(|(p, _)| p)
                .unwrap_or_default();
            event
                .origin
                .error(&field, format!("no font of the poster can draw {list}"))
                .help("replace or remove the character; custom templates can add fonts with --font-path")
        }
        Problem::OffPage(text) => event
            .origin
            .error(&KeyPath::root(), format!("text runs off the page: \"{text}…\""))
            .help("break very long words or web addresses, or shorten the text"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_count_han_characters_singly() {
        assert_eq!(word_count("diffusion models are great"), 4);
        assert_eq!(word_count("扩散模型 is fun"), 6);
    }
}
