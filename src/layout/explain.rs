//! A layout's problems as messages a user can act on, each at the field
//! (and line) that caused it.

use crate::diag::Diagnostic;
use crate::event::positions::KeyPath;
use crate::event::{Event, Origin, Text, text_fields};
use crate::text::word_count;

use super::check::Problem;
use super::collide::{Collision, Element, SolidKind};
use super::pieces;

/// Every problem as messages, in order.
pub fn explain(problems: &[Problem], event: &Event, origin: &Origin) -> Vec<Diagnostic> {
    problems.iter().flat_map(|p| describe(p, event, origin)).collect()
}

/// The text field written at `field` (a key path such as `speaker[1].bio`).
fn find_field<'e>(event: &'e Event, field: &str) -> Option<(KeyPath, &'e Text)> {
    text_fields(event).into_iter().find(|(p, _)| p.to_string() == field)
}

fn describe(problem: &Problem, event: &Event, origin: &Origin) -> Vec<Diagnostic> {
    match problem {
        Problem::Overflow { fields, need, min_pt, cut } => vec![overflow(fields, *need, *min_pt, *cut, event, origin)],
        Problem::Pages(n) => vec![
            origin
                .error(&KeyPath::root(), format!("the poster would need {n} pages; it must fit on one"))
                .help("shorten the title, the subtitle or the list of speakers"),
        ],
        Problem::MissingGlyphs(chars) => missing_glyphs(chars, event, origin),
        Problem::OffPage(text) => vec![
            origin
                .error(&KeyPath::root(), format!("text runs off the page: \"{text}…\""))
                .help("break very long words or web addresses, or shorten the text"),
        ],
        Problem::Markup { field, message, hints } => {
            let mut d = origin.error(field, format!("the Typst markup has an error: {message}"));
            d.help.extend(hints.iter().cloned());
            vec![d.help("with `markup: typst`, `#`, `$`, `*`, `_`, `@`, `<` and `\\` have meaning: escape them with `\\`, or use `markup: plain`")]
        }
        Problem::UnknownFont { family, suggestions } => {
            let key = KeyPath::root().key("organizer").key("font");
            let d = origin.error(&key, format!("no font of the family `{family}` is installed"));
            let d = match suggestions.as_slice() {
                [] => d,
                some => d.help(format!(
                    "did you mean {}?",
                    some.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
                )),
            };
            vec![d.help(
                "`talkposter fonts` lists every family; fonts in a folder of yours are added with --font-path DIR",
            )]
        }
        Problem::Collisions(found) => found.iter().map(|c| collision(c, event, origin)).collect(),
        Problem::Other(d) => vec![d.clone()],
    }
}

/// One collision, at the field its first text element comes from.
fn collision(c: &Collision, event: &Event, origin: &Origin) -> Diagnostic {
    let (a, a_field) = element(&c.a, event);
    let (b, b_field) = element(&c.b, event);
    let how = if c.gap < 0.0 {
        format!("overlap by {} pt", trim_number(-c.gap))
    } else if c.gap < 0.05 {
        "touch".to_string()
    } else {
        format!("are {} pt apart, where the layout keeps {} pt", trim_number(c.gap), trim_number(c.clearance))
    };
    let message = format!("on the poster, {a} and {b} {how}");
    let first_is_text = a_field.is_some();
    let d = match (a_field.or(b_field), &c.a) {
        (Some(field), Element::Text { word, .. }) if first_is_text => origin.error_at_text(&field, word, message),
        (Some(field), _) => origin.error(&field, message),
        (None, _) => Diagnostic::new(message).in_file(origin.file()),
    };
    d.help(format!("at {} × {} pt from the page's top left corner", trim_number(c.at.x0.round()), trim_number(c.at.y0.round())))
        .help("the layout could not keep them apart: this is a fault in the layout; please report it with the event file, and try another layout (`--template`) meanwhile")
}

/// How a user finds an element on the poster, and the field it comes from.
fn element(e: &Element, event: &Event) -> (String, Option<KeyPath>) {
    match e {
        Element::Text { word, line } => {
            let field = text_fields(event)
                .into_iter()
                .find(|(_, t)| pieces(t).iter().any(|p| p.contains(line.trim())))
                .or_else(|| {
                    text_fields(event).into_iter().find(|(_, t)| pieces(t).iter().any(|p| p.contains(word.as_str())))
                })
                .map(|(p, _)| p);
            let said = match &field {
                Some(p) => format!("`{p}` (“{word}”)"),
                None => format!("“{word}”"),
            };
            (said, field)
        }
        Element::Solid { kind } => {
            let what = match kind {
                SolidKind::Rule => "a rule",
                SolidKind::Area => "a band or panel",
                SolidKind::Icon => "an icon",
                SolidKind::Picture => "a picture (photo, logo or QR code)",
            };
            (what.to_string(), None)
        }
    }
}

fn overflow(
    fields: &[String],
    need: f64,
    min_pt: Option<f64>,
    cut: Option<usize>,
    event: &Event,
    origin: &Origin,
) -> Diagnostic {
    let words: usize =
        fields.iter().filter_map(|f| find_field(event, f)).flat_map(|(_, t)| t.strings()).map(word_count).sum();
    let names = fields.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(" and ");
    let first = fields.first().and_then(|f| find_field(event, f)).map(|(p, _)| p).unwrap_or_default();
    let verb = if fields.len() > 1 { "are" } else { "is" };
    let even = min_pt.map(|pt| format!(", even in {} pt type", trim_number(pt))).unwrap_or_default();
    let d = origin.error(&first, format!("{names} {verb} too long to fit the poster{even}"));
    match cut {
        // Measured: with this many fewer words the poster was laid out and fit.
        Some(cut) => {
            let spread = if fields.len() > 1 { ", in proportion to their lengths" } else { "" };
            let plural = |n: usize| if n == 1 { "word" } else { "words" };
            d.help(format!(
                "cut {cut} {} (of {words}) from {names}{spread}: with {} {} it fits",
                plural(cut),
                words - cut,
                plural(words - cut)
            ))
        }
        None => {
            let needed = ((need - 1.0).max(0.0) * 100.0).round();
            let more = if needed > 0.0 { format!(" (the poster needs {needed}% more room)") } else { String::new() };
            d.help(format!("the poster does not fit even without {names}{more}: shorten the other texts or the list of speakers, or try another layout (`--template`)"))
        }
    }
}

/// `8.0` → `8`, `8.5` → `8.5`.
fn trim_number(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// One message per field that holds characters no font can draw, pointing
/// at the line where the first of them is written. Characters found in no
/// field (a custom template's own text) are reported on their own.
fn missing_glyphs(chars: &[char], event: &Event, origin: &Origin) -> Vec<Diagnostic> {
    let list = |cs: &[char]| cs.iter().map(|c| format!("`{c}` (U+{:04X})", *c as u32)).collect::<Vec<_>>().join(", ");
    let help = "replace or remove the character, or add a font that has it with --font-path";
    let mut out = Vec::new();
    let mut placed = Vec::new();
    for (field, text) in text_fields(event) {
        let texts = pieces(text).join("\n");
        let here: Vec<char> = chars.iter().copied().filter(|c| texts.contains(*c)).collect();
        if let Some(first) = here.first() {
            let message = format!("no font of the poster can draw {}", list(&here));
            out.push(origin.error_at_text(&field, &first.to_string(), message).help(help));
            placed.extend(here);
        }
    }
    let rest: Vec<char> = chars.iter().copied().filter(|c| !placed.contains(c)).collect();
    if !rest.is_empty() {
        out.push(
            Diagnostic::new(format!("no font of the poster can draw {}", list(&rest)))
                .in_file(origin.file())
                .help("these characters are in the layout itself, not in the event: add a font that has them with --font-path"),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_lose_trailing_zeros() {
        assert_eq!(trim_number(8.0), "8");
        assert_eq!(trim_number(8.5), "8.5");
        assert_eq!(trim_number(16.0), "16");
    }
}
