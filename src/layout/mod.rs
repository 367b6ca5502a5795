//! Filling a layout with an event and checking the result. Runs where Typst
//! runs (a worker process): it sees the event as data, and reports problems
//! by field; `explain` turns them into located messages where the event's
//! origin is known.

pub mod check;
pub mod collide;
pub mod engine;
pub mod explain;
pub mod fonts;
pub mod inputs;
mod once;
pub mod resolver;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use typst::foundations::{Dict, IntoValue, Str};
use typst_layout::PagedDocument;

use crate::assets::Assets;
use crate::diag::Diagnostic;
use crate::event::{Event, Markup, TemplateRef, Text, text_fields};
use crate::suggest::nearest_families;
use crate::sync::LockAnyway;
use crate::templates;
use crate::text::{paragraphs, word_count};
pub use check::Problem;
use engine::{Compiled, Engine};
use fonts::{FontLibrary, FontSources};

/// Lays out events. Holds one engine per template folder (and font set),
/// each built once and shared by every talk (and thread) that uses it.
pub struct Layouter {
    font_dirs: Vec<PathBuf>,
    /// Without and with the machine's fonts, each made when first needed.
    fonts: [OnceLock<Result<Arc<FontLibrary>, Diagnostic>>; 2],
    engines: Mutex<HashMap<EngineKey, Arc<Engine>>>,
}

/// An engine is made for a template folder (none: built-ins) and with or
/// without the machine's fonts.
type EngineKey = (Option<PathBuf>, bool);

impl Layouter {
    pub fn new(font_dirs: Vec<PathBuf>) -> Self {
        Layouter { font_dirs, fonts: Default::default(), engines: Mutex::new(HashMap::new()) }
    }

    /// Whether the machine's fonts are needed: always for a custom template,
    /// and for a brand font found nowhere else. A brand font found nowhere
    /// at all is a problem, with the nearest families as suggestions.
    fn needs_system_fonts(&self, custom: bool, brand: Option<&str>) -> Result<bool, Vec<Problem>> {
        let other = |d: Diagnostic| vec![Problem::Other(d)];
        let Some(family) = brand else { return Ok(custom) };
        if !custom && self.fonts(false).map_err(other)?.has_family(family) {
            return Ok(false);
        }
        let all = self.fonts(true).map_err(other)?;
        if all.has_family(family) {
            return Ok(true);
        }
        let names: Vec<String> = all.families().into_iter().map(|(f, _)| f).collect();
        Err(vec![Problem::UnknownFont { family: family.to_string(), suggestions: nearest_families(family, &names) }])
    }

    /// Builds the engine for the built-in layouts now, rather than for the
    /// first talk (a worker does this while the talks are being read).
    pub fn prepare(&self) {
        let _ = self.engine(None, false);
    }

    /// The bundled fonts and those of `--font-path`, and with `system` also
    /// the machine's.
    pub fn fonts(&self, system: bool) -> Result<Arc<FontLibrary>, Diagnostic> {
        let sources = FontSources { dirs: self.font_dirs.clone(), system };
        self.fonts[usize::from(system)].get_or_init(|| FontLibrary::new(&sources).map(Arc::new)).clone()
    }

    /// The engine for a template folder (`None`: built-ins only), with or
    /// without the machine's fonts. Custom templates see them; built-ins
    /// only when a brand font is found nowhere else.
    fn engine(&self, root: Option<&Path>, system: bool) -> Result<Arc<Engine>, Diagnostic> {
        let key = (root.map(Path::to_path_buf), system);
        if let Some(e) = self.engines.lock_anyway().get(&key) {
            return Ok(e.clone());
        }
        let engine = Arc::new(Engine::new(self.fonts(system)?, root)?);
        let mut engines = self.engines.lock_anyway();
        Ok(engines.entry(key).or_insert(engine).clone())
    }

    /// Compiles a built-in auxiliary layout (such as the contact sheet) with
    /// the given inputs, without the poster checks.
    pub fn compile_builtin(&self, name: &str, inputs: Dict) -> Result<PagedDocument, Vec<Diagnostic>> {
        let engine = self.engine(None, false).map_err(|d| vec![d])?;
        engine.compile(&templates::builtin_path(name), inputs).map(|c| c.document)
    }

    /// Compiles `template` with the given inputs (a series' programme),
    /// with the machine's fonts when it is a custom template or the brand
    /// font `brand` is found only there. No poster checks.
    pub fn compile(
        &self,
        template: &TemplateRef,
        inputs: Dict,
        brand: Option<&str>,
    ) -> Result<Compiled, Vec<Diagnostic>> {
        let (root, main) = entry_point(template).map_err(|d| vec![d])?;
        let system = self.needs_system_fonts(root.is_some(), brand).map_err(|problems| {
            problems
                .into_iter()
                .map(|p| match p {
                    Problem::UnknownFont { family, suggestions } => {
                        let d = Diagnostic::new(format!("no font has the family `{family}` (organizer.font)"));
                        if suggestions.is_empty() {
                            d
                        } else {
                            d.help(format!("did you mean {}?", suggestions.join(", ")))
                        }
                    }
                    Problem::Other(d) => d,
                    other => Diagnostic::new(format!("{other:?}")),
                })
                .collect::<Vec<_>>()
        })?;
        let engine = self.engine(root.as_deref(), system).map_err(|d| vec![d])?;
        engine.compile(&main, inputs)
    }

    /// Lays out `event` with `template` and checks the result: one page,
    /// nothing overflowing, every character drawable, nothing touching.
    /// Returns the document, Typst's warnings (a custom template's unknown
    /// font, say) and the template files read.
    ///
    /// A built-in layout whose poster has a collision is laid out again
    /// with more room (`relief`: more leading, wider gaps), up to
    /// `MAX_RELIEF` times. Text too long to fit is measured: the poster is
    /// laid out again with fewer words until it fits, and the problem says
    /// how many words to cut.
    pub fn layout(&self, event: &Event, assets: &Assets, template: &TemplateRef) -> Result<Compiled, Vec<Problem>> {
        // A character no font has is reported before Typst shapes it: its
        // placeholder glyphs can split a cluster and crash Typst's shaper
        // (typst-layout 0.15.1, inline/shaping.rs:444).
        let undrawable = self.undrawable(event, template)?;
        if !undrawable.is_empty() {
            return Err(vec![Problem::MissingGlyphs(undrawable)]);
        }
        let first = self.attempt(event, assets, template, 0)?;
        let problems = match first {
            Ok(compiled) => return Ok(compiled),
            Err(problems) => problems,
        };
        let collisions_only = problems.iter().all(|p| matches!(p, Problem::Collisions(_)));
        if collisions_only && matches!(template, TemplateRef::BuiltIn(_)) {
            for relief in 1..=MAX_RELIEF {
                match self.attempt(event, assets, template, relief)? {
                    Ok(compiled) => return Ok(compiled),
                    // More room may push the page over: then the first
                    // attempt's collisions are what to report.
                    Err(again) if again.iter().all(|p| matches!(p, Problem::Collisions(_))) => continue,
                    Err(_) => break,
                }
            }
            return Err(problems);
        }
        Err(problems
            .into_iter()
            .map(|p| match p {
                Problem::Overflow { fields, need, min_pt, .. } => {
                    let cut = self.words_to_cut(event, assets, template, &fields);
                    Problem::Overflow { fields, need, min_pt, cut }
                }
                other => other,
            })
            .collect())
    }

    /// The characters of the event's texts that no font of the book the
    /// layout sees can draw (marks, joiners and other characters that draw
    /// nothing aside).
    fn undrawable(&self, event: &Event, template: &TemplateRef) -> Result<Vec<char>, Vec<Problem>> {
        let other = |d: Diagnostic| vec![Problem::Other(d)];
        let custom = matches!(template, TemplateRef::File(_));
        let brand = event.organizer.as_ref().and_then(|o| o.font.as_deref());
        let fonts = self.fonts(self.needs_system_fonts(custom, brand)?).map_err(other)?;
        let book = fonts.book();
        let drawn = |c: char| !(c.is_whitespace() || c.is_control() || typst::text::is_default_ignorable(c));
        let covered = |c: char| (0..).map_while(|i| book.info(i)).any(|info| info.coverage.contains(c as u32));
        let mut missing: Vec<char> = text_fields(event)
            .into_iter()
            .flat_map(|(_, t)| t.strings())
            .flat_map(str::chars)
            .filter(|c| drawn(*c))
            .collect();
        missing.sort_unstable();
        missing.dedup();
        missing.retain(|c| !covered(*c));
        Ok(missing)
    }

    /// One layout with `relief`, checked: the problems found, or an error
    /// that stops there (the markup or the template does not compile).
    fn attempt(
        &self,
        event: &Event,
        assets: &Assets,
        template: &TemplateRef,
        relief: i64,
    ) -> Result<Result<Compiled, Vec<Problem>>, Vec<Problem>> {
        let other = |d: Diagnostic| vec![Problem::Other(d)];
        let (root, main) = entry_point(template).map_err(other)?;
        let brand = event.organizer.as_ref().and_then(|o| o.font.as_deref());
        let system = self.needs_system_fonts(root.is_some(), brand)?;
        let engine = self.engine(root.as_deref(), system).map_err(other)?;
        let mut inputs = inputs::build(event, assets);
        if relief > 0 {
            inputs.insert(Str::from("relief"), relief.into_value());
        }
        let compiled = match engine.compile(&main, inputs) {
            Ok(c) => c,
            Err(errors) => {
                if event.markup == Markup::Typst {
                    let bad = markup_problems(&engine, event);
                    if !bad.is_empty() {
                        return Err(bad);
                    }
                }
                let mut errors = errors;
                let blame = match (event.markup, template) {
                    // Markup that compiles alone can still break the layout it is put in.
                    (Markup::Typst, _) => Some("the event's text is Typst markup (`markup: typst`), which may cause this: try `markup: plain` to see whether the poster renders without it".to_string()),
                    (Markup::Plain, TemplateRef::BuiltIn(name)) => Some(format!("this is a fault in talkposter's built-in `{name}` layout: please report it with the event file")),
                    (Markup::Plain, TemplateRef::File(_)) => None,
                };
                for e in &mut errors {
                    e.help.extend(blame.clone());
                }
                return Err(errors.into_iter().map(Problem::Other).collect());
            }
        };
        let problems = check::check(&compiled.document);
        Ok(if problems.is_empty() { Ok(compiled) } else { Err(problems) })
    }

    /// How many words of `fields` must go for the poster to fit: found by
    /// halving, each guess a layout with that many fewer words (cut from the
    /// end of each field, in proportion to its length). None when the
    /// poster does not fit even without them.
    fn words_to_cut(&self, event: &Event, assets: &Assets, template: &TemplateRef, fields: &[String]) -> Option<usize> {
        let total: usize = trimmable(event, fields).iter().map(|s| word_count(s)).sum();
        let fits = |cut: usize| {
            let keep = 1.0 - cut as f64 / total.max(1) as f64;
            let shorter = trimmed(event, fields, keep);
            match self.attempt(&shorter, assets, template, 0) {
                Ok(Ok(_)) => true,
                Ok(Err(problems)) => {
                    problems.iter().all(|p| matches!(p, Problem::Collisions(_) | Problem::MissingGlyphs(_)))
                }
                Err(_) => false,
            }
        };
        if total == 0 || !fits(total) {
            return None;
        }
        // `lo` words too few to cut, `hi` enough.
        let (mut lo, mut hi) = (0, total);
        while hi - lo > 1 {
            let mid = (lo + hi) / 2;
            if fits(mid) { hi = mid } else { lo = mid }
        }
        Some(hi)
    }
}

/// The most layouts with more room a poster with a collision gets.
const MAX_RELIEF: i64 = 2;

/// The strings of the named text fields (`title`, `abstract`,
/// `speaker[1].bio`).
fn trimmable<'e>(event: &'e Event, fields: &[String]) -> Vec<&'e str> {
    text_fields(event)
        .into_iter()
        .filter(|(p, _)| fields.contains(&p.to_string()))
        .flat_map(|(_, t)| t.strings())
        .collect()
}

/// The event with the named fields cut to `keep` (a share) of their words.
fn trimmed(event: &Event, fields: &[String], keep: f64) -> Event {
    let cut = |t: &Text| match t {
        Text::Same(s) => Text::Same(keep_words(s, keep)),
        Text::Localized(v) => Text::Localized(v.iter().map(|(l, s)| (*l, keep_words(s, keep))).collect()),
    };
    let named = |key: String| fields.contains(&key);
    let mut e = event.clone();
    if named("title".into()) {
        e.title = cut(&e.title);
    }
    e.texts = e.texts.map(|key, _, t| Some(if named(key.into()) { cut(t) } else { t.clone() }));
    for s in &mut e.speakers {
        if named(s.path.key("bio").to_string()) {
            s.bio = s.bio.as_ref().map(cut);
        }
    }
    e
}

/// The first `keep` (a share) of the words of `s`, at least one.
fn keep_words(s: &str, keep: f64) -> String {
    let n = ((word_count(s) as f64) * keep).round().max(1.0) as usize;
    crate::text::first_words(s, n).to_string()
}

/// The template folder (for custom templates) and the main file inside it.
fn entry_point(template: &TemplateRef) -> Result<(Option<PathBuf>, String), Diagnostic> {
    match template {
        TemplateRef::BuiltIn(name) => Ok((None, templates::builtin_path(name))),
        TemplateRef::File(path) => {
            let full = std::fs::canonicalize(path).map_err(|e| {
                Diagnostic::new(format!("cannot open the template: {}", crate::files::io_reason(&e))).in_file(path)
            })?;
            let root = crate::files::folder_of(&full).to_path_buf();
            let name = full.file_name().and_then(|n| n.to_str()).ok_or_else(|| {
                Diagnostic::new("the template's file name is not valid text (UTF-8)")
                    .in_file(path)
                    .help("rename the file with letters, digits, `-` and `_` only")
            })?;
            Ok((Some(root), format!("/{name}")))
        }
    }
}

/// With `markup: typst`, finds the fields whose markup does not compile, so
/// the error names the field instead of a line in the template.
fn markup_problems(engine: &Engine, event: &Event) -> Vec<Problem> {
    let mut out = Vec::new();
    for (field, text) in text_fields(event) {
        for piece in pieces(text) {
            let mut inputs = Dict::new();
            inputs.insert(Str::from("markup"), "typst".into_value());
            inputs.insert(Str::from("text"), piece.as_str().into_value());
            if let Err(errors) = engine.compile(&templates::builtin_path(templates::CHECK_MARKUP), inputs) {
                let first = errors.into_iter().next();
                let message = first.as_ref().map(|e| e.message.clone()).unwrap_or_default();
                let hints = first.map(|e| e.help).unwrap_or_default();
                out.push(Problem::Markup { field, message, hints });
                break;
            }
        }
    }
    out
}

/// Every string a text holds, paragraph by paragraph.
pub fn pieces(text: &Text) -> Vec<String> {
    text.strings().into_iter().flat_map(paragraphs).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misspelt_families_get_the_nearest_names() {
        let names: Vec<String> = ["Noto Sans", "Noto Serif", "Source Serif 4", "DejaVu Sans Mono", "Noto Sans Arabic"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(nearest_families("Noto Serf", &names), vec!["Noto Serif".to_string()]);
        assert_eq!(nearest_families("source serif", &names), vec!["Source Serif 4".to_string()]);
        assert!(nearest_families("Comic Sans", &names).len() <= 3);
        assert!(nearest_families("Helvetica", &names).is_empty());
    }
}
