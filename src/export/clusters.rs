//! Text that reads back right from the PDF. Typst 0.15 puts glyphs moved
//! up or down by the font (a Thai vowel or tone mark over its consonant,
//! Arabic harakat, stacked Devanagari marks) in a run of text of their own,
//! shifted by that amount (typst-layout's `ShapedText::build` groups glyphs
//! by font, vertical offset and size). Each run carries the text of its
//! glyphs' clusters, and a mark shares its cluster with its consonant: so
//! the PDF states the cluster twice (`ใจดี` reads back as `ใจดีดี`, and
//! some marks as no character at all).
//!
//! Before the PDF is written, such runs are joined again: one run per
//! stretch of a line, each glyph keeping its vertical offset (which the PDF
//! and PNG writers both draw), and each cluster's text once. What is drawn
//! does not change.

use typst::ecow::EcoVec;
use typst::layout::{Abs, Em, Frame, FrameItem, GroupItem, Point};
use typst::text::TextItem;
use typst_layout::PagedDocument;

/// The document with split clusters joined (see the module's header).
pub(super) fn rejoined(doc: &PagedDocument) -> PagedDocument {
    let pages: EcoVec<typst_layout::Page> = doc
        .pages()
        .iter()
        .map(|page| {
            let mut page = page.clone();
            page.frame = rejoin(&page.frame);
            page
        })
        .collect();
    let info = doc.clone().info_mut().clone();
    PagedDocument::new(pages, info)
}

fn rejoin(frame: &Frame) -> Frame {
    let mut out = Frame::new(frame.size(), frame.kind());
    if frame.has_baseline() {
        out.set_baseline(frame.baseline());
    }
    let mut pending: Option<(Point, TextItem)> = None;
    for (pos, item) in frame.items() {
        match item {
            FrameItem::Text(text) => {
                if let Some((at, run)) = &mut pending
                    && join(at, run, *pos, text)
                {
                    continue;
                }
                if let Some((at, run)) = pending.take() {
                    out.push(at, FrameItem::Text(run));
                }
                pending = Some((*pos, text.clone()));
            }
            other => {
                if let Some((at, run)) = pending.take() {
                    out.push(at, FrameItem::Text(run));
                }
                let item = match other {
                    FrameItem::Group(group) => {
                        FrameItem::Group(GroupItem { frame: rejoin(&group.frame), ..group.clone() })
                    }
                    other => other.clone(),
                };
                out.push(*pos, item);
            }
        }
    }
    if let Some((at, run)) = pending {
        out.push(at, FrameItem::Text(run));
    }
    out
}

/// Appends `next` (at `pos`) to `run` (at `at`) when it continues it: the
/// same font and style, starting where `run` ends, on the same line (within
/// the reach of a mark) and sharing text with it or following it. Returns
/// whether it did.
fn join(at: &mut Point, run: &mut TextItem, pos: Point, next: &TextItem) -> bool {
    let same_style = run.font == next.font
        && run.size == next.size
        && run.fill == next.fill
        && run.stroke == next.stroke
        && run.lang == next.lang
        && run.region == next.region;
    let continues = (at.x + run.width() - pos.x).abs() < Abs::pt(0.01);
    let nearby = (at.y - pos.y).abs() <= run.size * 0.8;
    // Only runs split by a vertical offset: one of the two is shifted from
    // the line, or follows a shifted one.
    let shifted = at.y != pos.y || run.glyphs.iter().any(|g| g.y_offset != Em::zero());
    if !(same_style && continues && nearby && shifted) {
        return false;
    }
    // The texts overlap by the shared cluster: the longest end of `run`'s
    // text that starts `next`'s.
    let overlap = (0..=next.text.len().min(run.text.len()))
        .rev()
        .find(|&k| next.text.is_char_boundary(k) && run.text.ends_with(&next.text[..k]))
        .unwrap_or(0);
    let Ok(shift) = u16::try_from(run.text.len() - overlap) else { return false };
    let dy = Em::from_abs(at.y - pos.y, run.size);
    let mut text = run.text.clone();
    text.push_str(&next.text[overlap..]);
    if text.len() > usize::from(u16::MAX) {
        return false;
    }
    // Glyphs of `run` at an offset keep it; those of `next` get theirs
    // from where their run was drawn.
    run.glyphs.extend(next.glyphs.iter().map(|g| {
        let mut g = g.clone();
        g.range = g.range.start + shift..g.range.end + shift;
        g.y_offset += dy;
        g
    }));
    run.text = text;
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets::Assets;
    use crate::event::TemplateRef;
    use crate::layout::Layouter;

    /// The texts of every run of a document, in order.
    fn runs(frame: &Frame, out: &mut Vec<String>) {
        for (_, item) in frame.items() {
            match item {
                FrameItem::Group(g) => runs(&g.frame, out),
                FrameItem::Text(t) => out.push(t.text.to_string()),
                _ => {}
            }
        }
    }

    #[test]
    fn thai_clusters_are_stated_once() {
        let yaml = "title: สวัสดีครับ\nspeaker: {name: ดร. สมชาย ใจดี}\ntime: {date: 2025-05-07, start: '16:00'}\nplace: ห้อง 204\nabstract: การบรรยายนี้เกี่ยวกับการรู้จำเสียงพูดภาษาไทย\n";
        let event = crate::event::from_yaml(yaml);
        let layouter = Layouter::new(Vec::new());
        let assets = Assets { photos: vec![None], logo: None, online_qr: None, registration_qr: None };
        let compiled = layouter.layout(&event, &assets, &TemplateRef::BuiltIn("flyer".into())).unwrap();
        let texts = |doc: &PagedDocument| {
            let mut out = Vec::new();
            runs(&doc.pages()[0].frame, &mut out);
            out.concat()
        };
        let before = texts(&compiled.document);
        let after = texts(&rejoined(&compiled.document));
        for written in ["ใจดี", "สวัสดีครับ", "การบรรยายนี้เกี่ยวกับการรู้จำเสียงพูดภาษาไทย"]
        {
            assert!(after.contains(written), "{written} in {after}");
        }
        // Typst's runs state `ดี` twice; the joined runs, once.
        assert!(before.contains("ใจดีดี"), "the split this works around: {before}");
        assert!(!after.contains("ดีดี"), "{after}");
    }

    #[test]
    fn overlapping_texts_join_once() {
        // The overlap rule alone, as `join` applies it.
        let overlap = |a: &str, b: &str| {
            (0..=b.len().min(a.len())).rev().find(|&k| b.is_char_boundary(k) && a.ends_with(&b[..k])).unwrap_or(0)
        };
        assert_eq!(overlap("ใจดี", "ดี"), "ดี".len());
        assert_eq!(overlap("ใจดี", "มาก"), 0);
    }
}
