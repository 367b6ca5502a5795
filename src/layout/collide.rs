//! The collision check: after a poster is laid out, every word, rule, band,
//! disc and picture on its page is measured, and any two that touch or come
//! closer than the layout's clearance are reported. Typst places boxes by
//! their metrics, not their ink: a name's descenders can run into the
//! affiliation below it, or the last line of a column into the rule under
//! it, with every box in its place. Only the glyphs' real outlines show it.
//!
//! What a word occupies is measured three ways, and the largest counts:
//! its glyphs' outlines (from the font), the reach a reader expects of its
//! letters (a word with a `g` reaches a quarter em below the baseline even
//! where this `g` is drawn shorter), and, against rules and bands, the box a
//! PDF reader gives its characters (from the font's typographic descender up
//! one em). The last two are what a check from the PDF alone sees, so a
//! poster clean here is clean for such a check too.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use typst::layout::{Frame, FrameItem, Point, Transform};
use typst::text::TextItem;
use typst::visualize::Geometry;
use typst_layout::PagedDocument;

/// The clearance of the built-in layouts between text and anything else,
/// in points at print size.
pub const CLEARANCE_PT: f64 = 1.5;

/// Between lines of text the clearance is this share of the smaller type's
/// size (up to `CLEARANCE_PT`): small type sits closer, as in any book.
pub const TEXT_CLEARANCE_EM: f64 = 0.12;

/// Groups of shapes no larger than this (in points) are one drawing: an
/// icon or a heading bar, whose parts overlap by design.
const ICON_PT: f64 = 30.0;

/// An axis-aligned box on the page, in points, y downwards.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Area {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl Area {
    fn empty() -> Area {
        Area { x0: f64::INFINITY, y0: f64::INFINITY, x1: f64::NEG_INFINITY, y1: f64::NEG_INFINITY }
    }

    fn is_empty(&self) -> bool {
        self.x0 > self.x1 || self.y0 > self.y1
    }

    fn union(self, o: Area) -> Area {
        Area { x0: self.x0.min(o.x0), y0: self.y0.min(o.y0), x1: self.x1.max(o.x1), y1: self.y1.max(o.y1) }
    }

    fn intersect(self, o: Area) -> Area {
        Area { x0: self.x0.max(o.x0), y0: self.y0.max(o.y0), x1: self.x1.min(o.x1), y1: self.y1.min(o.y1) }
    }

    fn width(&self) -> f64 {
        self.x1 - self.x0
    }

    fn height(&self) -> f64 {
        self.y1 - self.y0
    }

    /// How far apart two boxes are horizontally (negative: they overlap).
    fn x_gap(&self, o: &Area) -> f64 {
        (o.x0 - self.x1).max(self.x0 - o.x1)
    }

    fn y_gap(&self, o: &Area) -> f64 {
        (o.y0 - self.y1).max(self.y0 - o.y1)
    }

    /// The distance between two boxes (negative when they overlap: then
    /// the smaller of the two overlaps).
    fn gap(&self, o: &Area) -> f64 {
        let (dx, dy) = (self.x_gap(o), self.y_gap(o));
        if dx >= 0.0 && dy >= 0.0 { dx.hypot(dy) } else { dx.max(dy) }
    }

    /// Whether `o` lies inside this box, at least `margin` from its edges.
    fn holds(&self, o: &Area, margin: f64) -> bool {
        o.x0 >= self.x0 + margin && o.x1 <= self.x1 - margin && o.y0 >= self.y0 + margin && o.y1 <= self.y1 - margin
    }

    /// The box of `self` transformed by `ts` (its four corners').
    fn transform(self, ts: Transform) -> Area {
        if ts.is_identity() {
            return self;
        }
        let corners = [(self.x0, self.y0), (self.x1, self.y0), (self.x0, self.y1), (self.x1, self.y1)];
        corners.into_iter().fold(Area::empty(), |a, (x, y)| {
            let p = Point::new(typst::layout::Abs::pt(x), typst::layout::Abs::pt(y)).transform(ts);
            let (x, y) = (p.x.to_pt(), p.y.to_pt());
            a.union(Area { x0: x, y0: y, x1: x, y1: y })
        })
    }
}

/// A word as drawn: its ink, its PDF character box, where it is.
#[derive(Debug, Clone)]
struct Word {
    text: String,
    /// The run (line piece) it belongs to, for messages.
    run: usize,
    ink: Area,
    /// The ink together with the box a PDF reader gives its characters.
    body: Area,
    baseline: f64,
    size: f64,
    /// Set in a maths font: the parts of an equation sit close by design.
    math: bool,
}

/// What a shape is, for the rules it must keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SolidKind {
    /// A thin line: a rule, a border.
    Rule,
    /// A filled area text may sit on: a band, a panel, a disc.
    Area,
    /// A small drawing: an icon, a heading bar.
    Icon,
    /// A picture: a photo, a logo, a QR code. Nothing may sit on it.
    Picture,
}

#[derive(Debug, Clone)]
struct Solid {
    kind: SolidKind,
    area: Area,
    /// The frame it was drawn in: a block's fill and its border are drawn
    /// in the block's frame, and may overlap.
    frame: usize,
}

/// One side of a collision, as a user can find it on the poster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Element {
    /// Text: the word, and the line piece it is in.
    Text {
        word: String,
        line: String,
    },
    Solid {
        kind: SolidKind,
    },
}

/// Two elements closer than the clearance between them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Collision {
    pub a: Element,
    pub b: Element,
    /// Their distance in points (negative: they overlap by that much).
    pub gap: f64,
    /// The clearance they should keep.
    pub clearance: f64,
    /// Where on the page (the first element's box).
    pub at: Area,
}

/// Every element of a page, gathered once.
struct Page {
    words: Vec<Word>,
    runs: Vec<String>,
    solids: Vec<Solid>,
    /// Frames walked so far.
    frames: usize,
    /// The last run of text gathered: Typst draws glyphs moved up or down
    /// by the font (marks above and below a letter) as runs of their own,
    /// next to their letter's; they belong to its line.
    last: Option<LastRun>,
}

#[derive(Clone, Copy)]
struct LastRun {
    frame: usize,
    font: usize,
    size: f64,
    x0: f64,
    x1: f64,
    y: f64,
    run: usize,
}

/// Finds the collisions on every page of `doc`, with `clearance` (points)
/// between text and anything else. One collision per pair of line pieces
/// or shapes, at most `limit` in all.
pub fn collisions(doc: &PagedDocument, clearance: f64, limit: usize) -> Vec<Collision> {
    let mut out = Vec::new();
    let mut bounds = GlyphBounds::default();
    for page in doc.pages() {
        let mut p = Page { words: Vec::new(), runs: Vec::new(), solids: Vec::new(), frames: 0, last: None };
        gather(&page.frame, Transform::identity(), None, &mut p, &mut bounds);
        find(&p, clearance, limit, &mut out);
        if out.len() >= limit {
            break;
        }
    }
    out
}

fn find(p: &Page, clearance: f64, limit: usize, out: &mut Vec<Collision>) {
    let mut seen: std::collections::HashSet<(usize, usize)> = Default::default();
    let text = |w: &Word, p: &Page| Element::Text { word: w.text.clone(), line: p.runs[w.run].clone() };
    let mut push = |c: Collision, key: (usize, usize), out: &mut Vec<Collision>| {
        if out.len() < limit && seen.insert(key) {
            out.push(c);
        }
    };
    // Sorted by top edge, so each word is compared with those near it only.
    let mut order: Vec<usize> = (0..p.words.len()).collect();
    order.sort_by(|&a, &b| p.words[a].ink.y0.total_cmp(&p.words[b].ink.y0));
    let tallest = p.words.iter().map(|w| w.ink.height()).fold(0.0, f64::max);
    for (i, &ai) in order.iter().enumerate() {
        let a = &p.words[ai];
        for &bi in &order[i + 1..] {
            let b = &p.words[bi];
            if b.ink.y0 > a.ink.y1 + clearance + tallest {
                break;
            }
            if a.run == b.run || (a.math && b.math) {
                continue;
            }
            // Words of one line share a baseline (a larger word, a label).
            let small = a.size.min(b.size);
            if (a.baseline - b.baseline).abs() < 0.2 * small {
                continue;
            }
            // Stacked: one above the other. Side by side on different
            // baselines is a line's own business (a superscript).
            if a.ink.x_gap(&b.ink) >= 0.0 {
                continue;
            }
            let need = (TEXT_CLEARANCE_EM * small).min(clearance);
            let gap = a.ink.y_gap(&b.ink);
            if gap < need {
                let key = (a.run.min(b.run), a.run.max(b.run));
                push(Collision { a: text(a, p), b: text(b, p), gap, clearance: need, at: a.ink }, key, out);
            }
        }
    }
    let runs = p.runs.len();
    for (si, s) in p.solids.iter().enumerate() {
        for w in &p.words {
            let near = w.body.gap(&s.area);
            if near >= clearance {
                continue;
            }
            // Text on a band or a panel, clear of its edges.
            if s.kind == SolidKind::Area && s.area.holds(&w.body, clearance) {
                continue;
            }
            let key = (w.run, runs + si);
            let c = Collision { a: text(w, p), b: Element::Solid { kind: s.kind }, gap: near, clearance, at: w.body };
            push(c, key, out);
        }
    }
    // Shapes on shapes: overlapping without one holding the other (two
    // discs, a photo over a band's edge). Shapes may abut (a stripe under
    // a band).
    for (i, a) in p.solids.iter().enumerate() {
        for (j, b) in p.solids.iter().enumerate().skip(i + 1) {
            let overlap = -(a.area.x_gap(&b.area).max(a.area.y_gap(&b.area)));
            if a.frame == b.frame || overlap <= 0.5 || a.area.holds(&b.area, -0.5) || b.area.holds(&a.area, -0.5) {
                continue;
            }
            let c = Collision {
                a: Element::Solid { kind: a.kind },
                b: Element::Solid { kind: b.kind },
                gap: -overlap,
                clearance: 0.0,
                at: a.area,
            };
            push(c, (runs + i, runs + j), out);
        }
    }
}

/// Walks a frame, gathering words and shapes in page coordinates. `clip`
/// is the clipping box of the enclosing groups, if any.
fn gather(frame: &Frame, ts: Transform, clip: Option<Area>, p: &mut Page, bounds: &mut GlyphBounds) {
    p.frames += 1;
    let id = p.frames;
    for (pos, item) in frame.items() {
        let (x, y) = (pos.x.to_pt(), pos.y.to_pt());
        match item {
            FrameItem::Group(g) => {
                let inner = ts.pre_concat(Transform::translate(pos.x, pos.y)).pre_concat(g.transform);
                let size = Area { x0: 0.0, y0: 0.0, x1: g.frame.width().to_pt(), y1: g.frame.height().to_pt() };
                if is_drawing(&g.frame) && size.width() <= ICON_PT && size.height() <= ICON_PT {
                    let area = shapes_area(&g.frame, Transform::identity()).transform(inner);
                    if !area.is_empty() {
                        p.solids.push(Solid { kind: SolidKind::Icon, area: clipped(area, clip), frame: id });
                    }
                    continue;
                }
                let clip = match &g.clip {
                    Some(c) => {
                        let b = c.bbox(None);
                        let area =
                            Area { x0: b.min.x.to_pt(), y0: b.min.y.to_pt(), x1: b.max.x.to_pt(), y1: b.max.y.to_pt() }
                                .transform(inner);
                        Some(clip.map_or(area, |o| o.intersect(area)))
                    }
                    None => clip,
                };
                gather(&g.frame, inner, clip, p, bounds);
            }
            FrameItem::Text(t) => words(t, ts, id, x, y, p, bounds),
            FrameItem::Shape(shape, _) => {
                let b = shape.bbox(true);
                let area = Area {
                    x0: x + b.min.x.to_pt(),
                    y0: y + b.min.y.to_pt(),
                    x1: x + b.max.x.to_pt(),
                    y1: y + b.max.y.to_pt(),
                }
                .transform(ts);
                let thin = area.width().min(area.height()) <= 2.5;
                let kind = match &shape.geometry {
                    Geometry::Line(_) => SolidKind::Rule,
                    _ if thin => SolidKind::Rule,
                    _ if shape.fill.is_some() => SolidKind::Area,
                    // An outline only: text keeps clear of it like a rule.
                    _ => SolidKind::Rule,
                };
                let area = clipped(area, clip);
                if !area.is_empty() {
                    p.solids.push(Solid { kind, area, frame: id });
                }
            }
            FrameItem::Image(_, size, _) => {
                let area = Area { x0: x, y0: y, x1: x + size.x.to_pt(), y1: y + size.y.to_pt() }.transform(ts);
                let area = clipped(area, clip);
                if !area.is_empty() {
                    p.solids.push(Solid { kind: SolidKind::Picture, area, frame: id });
                }
            }
            FrameItem::Link(..) | FrameItem::Tag(_) => {}
        }
    }
}

fn clipped(area: Area, clip: Option<Area>) -> Area {
    clip.map_or(area, |c| area.intersect(c))
}

/// Whether a frame holds shapes only (no text, no picture): a drawing.
fn is_drawing(frame: &Frame) -> bool {
    let mut any = false;
    for (_, item) in frame.items() {
        match item {
            FrameItem::Shape(..) => any = true,
            FrameItem::Group(g) => {
                if !is_drawing(&g.frame) {
                    return false;
                }
                any = true;
            }
            FrameItem::Text(_) | FrameItem::Image(..) => return false,
            FrameItem::Link(..) | FrameItem::Tag(_) => {}
        }
    }
    any
}

/// The box of every shape in a drawing.
fn shapes_area(frame: &Frame, ts: Transform) -> Area {
    let mut out = Area::empty();
    for (pos, item) in frame.items() {
        match item {
            FrameItem::Shape(shape, _) => {
                let b = shape.bbox(true);
                let (x, y) = (pos.x.to_pt(), pos.y.to_pt());
                let a = Area {
                    x0: x + b.min.x.to_pt(),
                    y0: y + b.min.y.to_pt(),
                    x1: x + b.max.x.to_pt(),
                    y1: y + b.max.y.to_pt(),
                };
                out = out.union(a.transform(ts));
            }
            FrameItem::Group(g) => {
                let inner = ts.pre_concat(Transform::translate(pos.x, pos.y)).pre_concat(g.transform);
                out = out.union(shapes_area(&g.frame, inner));
            }
            _ => {}
        }
    }
    out
}

/// Splits a run of text at its spaces into words and measures each.
fn words(t: &TextItem, ts: Transform, frame: usize, x: f64, y: f64, p: &mut Page, bounds: &mut GlyphBounds) {
    let size = t.size.to_pt();
    let ttf = t.font.ttf();
    let math = ttf.tables().math.is_some();
    let upem = f64::from(ttf.units_per_em());
    // The box a PDF reader gives a character: from the typographic
    // descender below the baseline, one em up.
    let descent = ttf.typographic_descender().map_or(0.25, |d| -f64::from(d) / upem).max(0.0) * size;
    let font = t.font.font().data().as_ptr() as usize;
    let width = t.width().to_pt();
    // A run of marks moved off their letters' baseline: the same line.
    let same_line = p.last.filter(|l| {
        l.frame == frame
            && l.font == font
            && (l.size - size).abs() < 0.01
            && (l.y - y).abs() <= 0.6 * size
            && x <= l.x1 + 0.5 * size
            && x + width >= l.x0 - 0.5 * size
    });
    let (run, y_line) = match same_line {
        Some(l) => (l.run, l.y),
        None => {
            p.runs.push(t.text.chars().take(60).collect());
            (p.runs.len() - 1, y)
        }
    };
    p.last = Some(LastRun { frame, font, size, x0: x.min(x + width), x1: x.max(x + width), y: y_line, run });
    let mut cursor = 0.0;
    // The word being measured: the byte range of its text, its ink, where it starts.
    let mut current: Option<(std::ops::Range<usize>, Area, f64)> = None;
    let flush = |current: &mut Option<(std::ops::Range<usize>, Area, f64)>, p: &mut Page| {
        if let Some((range, ink, start)) = current.take() {
            // Glyphs come in visual order (right to left in Arabic, a vowel
            // sign before its consonant in Hindi): the text is the span of
            // their clusters.
            let text = t.text.get(range).unwrap_or("").to_string();
            let (up, down) = reach(&text);
            let typical = Area { x0: ink.x0.min(start), y0: y_line - up * size, x1: ink.x1, y1: y_line + down * size };
            let ink = if ink.is_empty() { typical } else { ink.union(typical) };
            let pdf_box = Area { x0: ink.x0, y0: y_line + descent - size, x1: ink.x1, y1: y_line + descent };
            p.words.push(Word {
                text,
                run,
                ink: ink.transform(ts),
                body: ink.union(pdf_box).transform(ts),
                baseline: Point::new(typst::layout::Abs::pt(x), typst::layout::Abs::pt(y_line)).transform(ts).y.to_pt(),
                size,
                math,
            });
        }
    };
    for g in &t.glyphs {
        let range = g.range();
        let advance = g.x_advance.at(t.size).to_pt();
        if t.text.get(range.clone()).unwrap_or("").chars().all(char::is_whitespace) {
            flush(&mut current, p);
            cursor += advance;
            continue;
        }
        let gx = x + cursor + g.x_offset.at(t.size).to_pt();
        let gy = y - g.y_offset.at(t.size).to_pt();
        let ink = match bounds.get(t, g.id) {
            Some((x0, y0, x1, y1)) => {
                Area { x0: gx + x0 * size, y0: gy - y1 * size, x1: gx + x1 * size, y1: gy - y0 * size }
            }
            None => Area::empty(),
        };
        let word = current.get_or_insert_with(|| (range.clone(), Area::empty(), gx));
        word.0 = word.0.start.min(range.start)..word.0.end.max(range.end);
        word.1 = word.1.union(ink);
        // A glyph without an outline still takes its advance.
        word.1 = word.1.union(Area { x0: gx, y0: y, x1: gx + advance.max(0.0), y1: y });
        cursor += advance;
    }
    flush(&mut current, p);
}

/// How far a word's letters reach above and below the baseline, in ems,
/// as a reader takes it in: a word with a `g` reaches a quarter em down,
/// one with capitals or ascenders three quarters up; scripts with marks
/// above and below reach further.
fn reach(word: &str) -> (f64, f64) {
    let mut scripted: Option<(f64, f64)> = None;
    let mut cjk = false;
    for c in word.chars() {
        let o = c as u32;
        let r = match o {
            0x0590..=0x05FF => Some((0.75, 0.25)),
            0x0600..=0x06FF | 0x0750..=0x077F | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => Some((0.90, 0.35)),
            0x0900..=0x0DFF => Some((0.90, 0.30)),
            0x0E00..=0x0EFF => Some((0.95, 0.25)),
            _ => None,
        };
        if let Some((u, d)) = r {
            scripted = Some(scripted.map_or((u, d), |(su, sd)| (su.max(u), sd.max(d))));
        }
        cjk |= matches!(o, 0x2E80..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF);
    }
    if let Some(r) = scripted {
        return r;
    }
    if cjk {
        return (0.88, 0.12);
    }
    let tall = word.chars().any(|c| c.is_uppercase() || c.is_ascii_digit() || "bdfhklt".contains(c) || !c.is_ascii());
    let deep = word.chars().any(|c| "gjpqyQ,;()[]{}|/@§µßçþŋ".contains(c));
    (if tall { 0.73 } else { 0.53 }, if deep { 0.24 } else { 0.02 })
}

/// A glyph's outline box in ems, y up: `(x_min, y_min, x_max, y_max)`.
type Outline = (f64, f64, f64, f64);

/// Glyph outlines' boxes, read once per font (its data's address and
/// index) and glyph.
#[derive(Default)]
struct GlyphBounds {
    cache: HashMap<(usize, u32, u16), Option<Outline>>,
}

impl GlyphBounds {
    fn get(&mut self, t: &TextItem, id: u16) -> Option<Outline> {
        let font = t.font.font();
        let key = (font.data().as_ptr() as usize, font.index(), id);
        *self.cache.entry(key).or_insert_with(|| {
            let ttf = t.font.ttf();
            let upem = f64::from(ttf.units_per_em());
            let r = ttf.glyph_bounding_box(ttf_parser::GlyphId(id)).or_else(|| {
                // A bitmap glyph (colour emoji): the font's ascender to descender.
                ttf.glyph_raster_image(ttf_parser::GlyphId(id), u16::MAX).map(|_| ttf_parser::Rect {
                    x_min: 0,
                    y_min: ttf.descender(),
                    x_max: ttf.glyph_hor_advance(ttf_parser::GlyphId(id)).unwrap_or(0) as i16,
                    y_max: ttf.ascender(),
                })
            })?;
            Some((
                f64::from(r.x_min) / upem,
                f64::from(r.y_min) / upem,
                f64::from(r.x_max) / upem,
                f64::from(r.y_max) / upem,
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boxes_measure_gaps() {
        let a = Area { x0: 0.0, y0: 0.0, x1: 10.0, y1: 10.0 };
        let below = Area { x0: 2.0, y0: 11.0, x1: 8.0, y1: 20.0 };
        assert_eq!(a.y_gap(&below), 1.0);
        assert!(a.x_gap(&below) < 0.0);
        assert_eq!(a.gap(&below), 1.0);
        let inside = Area { x0: 2.0, y0: 2.0, x1: 8.0, y1: 8.0 };
        assert!(a.holds(&inside, 1.5));
        assert!(!a.holds(&inside, 2.5));
        assert!(a.gap(&inside) < 0.0);
    }

    #[test]
    fn letters_reach_as_read() {
        assert_eq!(reach("ace"), (0.53, 0.02));
        assert_eq!(reach("Truger"), (0.73, 0.24));
        assert_eq!(reach("王璞"), (0.88, 0.12));
        assert_eq!(reach("محاضرة"), (0.90, 0.35));
    }
}
