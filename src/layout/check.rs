//! Checks on the laid-out poster before anything is written. Typst does not
//! report an overflowing fixed-height box or a character no font has
//! (read in Typst 0.15's sources), so we look for both ourselves.

use serde::{Deserialize, Serialize};
use typst::foundations::{Label, Selector, Value};
use typst::introspection::{Introspector, MetadataElem};
use typst::layout::{Abs, Frame, FrameItem, Point, Transform};
use typst::utils::PicoStr;
use typst_layout::PagedDocument;

use super::collide::{self, CLEARANCE_PT, Collision};
use crate::diag::Diagnostic;
use crate::event::positions::KeyPath;

/// Collisions reported at most, per poster: the first few say what to fix.
const MAX_COLLISIONS: usize = 3;

/// What is wrong with a laid-out poster, said in terms of the event's fields
/// (`explain` turns each into a message at the line the field is written).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Problem {
    /// More than one page.
    Pages(usize),
    /// `fields` do not fit their box even at the smallest size the layout
    /// allows (`min_pt`); the content needs `need` times the room there is.
    /// `cut` is how many of their words must go for the poster to fit, as
    /// measured by laying it out again with fewer (none when even without
    /// them it would not fit).
    Overflow { fields: Vec<String>, need: f64, min_pt: Option<f64>, cut: Option<usize> },
    /// Characters no bundled or available font can draw.
    MissingGlyphs(Vec<char>),
    /// Text drawn (partly) outside the page: `text` is its start.
    OffPage(String),
    /// `organizer.font` names a family no font has; `suggestions` are the
    /// nearest families there are.
    UnknownFont { family: String, suggestions: Vec<String> },
    /// The Typst markup of a field (`markup: typst`) does not compile.
    Markup { field: KeyPath, message: String, hints: Vec<String> },
    /// Elements of the poster that touch or come closer than the layout's
    /// clearance (a name's descenders on its affiliation, a line on a rule).
    Collisions(Vec<Collision>),
    /// Anything else, already said in full: an error in a custom template,
    /// a page too large to render.
    Other(Diagnostic),
}

/// Every problem found, in the order a user should fix them.
pub fn check(doc: &PagedDocument) -> Vec<Problem> {
    let mut problems = Vec::new();
    let pages = doc.pages().len();
    if pages != 1 {
        problems.push(Problem::Pages(pages));
    }
    problems.extend(overflow_reports(doc));
    let mut missing = Vec::new();
    let mut off_page = Vec::new();
    for page in doc.pages() {
        let frame = &page.frame;
        walk(frame, Transform::identity(), &mut |ts, pos, text| {
            for g in text.glyphs.iter().filter(|g| g.id == 0) {
                let s = text.text.get(g.range.start as usize..g.range.end as usize).unwrap_or("");
                missing.extend(s.chars().filter(|c| !c.is_whitespace()));
            }
            if off_page.is_empty() && !inside(frame, ts, pos, text) {
                off_page.push(text.text.chars().take(40).collect::<String>());
            }
        });
    }
    missing.sort_unstable();
    missing.dedup();
    if !missing.is_empty() {
        problems.push(Problem::MissingGlyphs(missing));
    }
    // Text past the edge is usually overflow already reported; say it only alone.
    let overflowing = problems.iter().any(|p| matches!(p, Problem::Overflow { .. } | Problem::Pages(_)));
    if let Some(text) = off_page.into_iter().next()
        && !overflowing
    {
        problems.push(Problem::OffPage(text));
    }
    // Collisions matter once everything fits.
    let unfit = problems.iter().any(|p| matches!(p, Problem::Overflow { .. } | Problem::OffPage(_)));
    if !unfit && let Some(clearance) = clearance(doc) {
        let found = collide::collisions(doc, clearance, MAX_COLLISIONS);
        if !found.is_empty() {
            problems.push(Problem::Collisions(found));
        }
    }
    problems
}

/// The clearance a layout asks for (`#metadata((clearance: 1pt))
/// <talkposter-clearance>`; `none` turns the check off), else the built-in
/// layouts' own.
fn clearance(doc: &PagedDocument) -> Option<f64> {
    let Some(label) = Label::new(PicoStr::intern("talkposter-clearance")) else {
        return Some(CLEARANCE_PT);
    };
    let found = doc.introspector().query(&Selector::Label(label));
    let Some(value) = found.iter().find_map(|c| c.to_packed::<MetadataElem>().map(|m| m.value.clone())) else {
        return Some(CLEARANCE_PT);
    };
    let value = match value {
        Value::Dict(d) => d.get("clearance").ok().cloned().unwrap_or(Value::None),
        other => other,
    };
    match value {
        Value::Length(l) => Some(l.abs.to_pt().max(0.0)),
        Value::None => None,
        _ => Some(CLEARANCE_PT),
    }
}

/// The `<talkposter-overflow>` markers the layout's `fit` leaves.
fn overflow_reports(doc: &PagedDocument) -> Vec<Problem> {
    let Some(label) = Label::new(PicoStr::intern("talkposter-overflow")) else {
        return Vec::new();
    };
    doc.introspector()
        .query(&Selector::Label(label))
        .iter()
        .filter_map(|c| c.to_packed::<MetadataElem>().map(|m| m.value.clone()))
        .filter_map(|v| {
            let Value::Dict(d) = v else { return None };
            let fields = match d.get("fields").ok()? {
                Value::Array(a) => a.iter().filter_map(|x| x.clone().cast::<String>().ok()).collect(),
                _ => Vec::new(),
            };
            let number = |v: &Value| match v {
                Value::Float(f) => Some(*f),
                Value::Int(i) => Some(*i as f64),
                Value::Length(l) => Some(l.abs.to_pt()),
                _ => None,
            };
            let need = d.get("need").ok().and_then(number).unwrap_or(1.0);
            let min_pt = d.get("min").ok().and_then(number);
            Some(Problem::Overflow { fields, need, min_pt, cut: None })
        })
        .collect()
}

fn walk(frame: &Frame, ts: Transform, f: &mut impl FnMut(Transform, Point, &typst::text::TextItem)) {
    for (pos, item) in frame.items() {
        match item {
            FrameItem::Group(g) => {
                let inner = ts.pre_concat(Transform::translate(pos.x, pos.y)).pre_concat(g.transform);
                walk(&g.frame, inner, f);
            }
            FrameItem::Text(t) => f(ts, *pos, t),
            _ => {}
        }
    }
}

/// Whether a run of text lies on the page (half a point of slack).
fn inside(page: &Frame, ts: Transform, pos: Point, text: &typst::text::TextItem) -> bool {
    let slack = Abs::pt(0.5);
    let (w, h) = (page.width(), page.height());
    let corners =
        [Point::new(pos.x, pos.y - text.size * 0.8), Point::new(pos.x + text.width(), pos.y + text.size * 0.2)];
    corners.iter().all(|c| {
        let p = c.transform(ts);
        p.x >= -slack && p.x <= w + slack && p.y >= -slack && p.y <= h + slack
    })
}
