//! Memory for drawing pages in, handed from one page to the next. A poster
//! at 150 ppi is 8.7 MB of pixels; drawn into a new allocation each time,
//! the system often had to fault it in four kilobytes at a time (up to
//! 2,100 page faults a poster; the 63 mixed talks' batch had 119,000–
//! 134,000 faults before, 87,000–93,000 after).

use std::sync::Mutex;

use crate::sync::LockAnyway;

/// The memory of the last page drawn and done with.
static SPARE: Mutex<Vec<u8>> = Mutex::new(Vec::new());

/// Larger pages' memory (a poster at 600 ppi is 139 MB) goes back to the
/// system rather than being held between pages.
const KEPT_AT_MOST: usize = 64 << 20;

/// Memory to draw the next page in (empty when none is kept).
pub(super) fn take() -> Vec<u8> {
    std::mem::take(&mut *SPARE.lock_anyway())
}

/// Keeps a drawn page's memory for the next page.
pub fn recycle(page: tiny_skia::Pixmap) {
    let memory = page.take();
    if memory.capacity() <= KEPT_AT_MOST {
        let mut spare = SPARE.lock_anyway();
        if memory.capacity() > spare.capacity() {
            *spare = memory;
        }
    }
}

#[cfg(test)]
mod tests {
    /// Memory that held another page (here: bytes of 0xab) gives the same
    /// pixels as new memory, and is the memory drawn in.
    #[test]
    fn a_page_drawn_in_used_memory_is_the_page_drawn_in_new_memory() {
        let source = "#set page(width: 60pt, height: 40pt, margin: 4pt, fill: rgb(\"#e8f0fa\"))\n\
             #set text(font: \"Noto Sans\", size: 9pt)\n\
             #rect(width: 100%, height: 8pt, fill: red)\nWords\n";
        let doc = super::super::tests::document(source);
        let page = &doc.pages()[0];
        let options = typst_render::RenderOptions { pixel_per_pt: typst::utils::Scalar::new(2.0), render_bleed: false };
        let fresh = typst_render::render(page, &options);
        let used = vec![0xab; fresh.data().len() + 100];
        let at = used.as_ptr();
        let reused = typst_render::render_reusing(page, &options, used);
        assert_eq!(reused.data(), fresh.data());
        assert_eq!(reused.data().as_ptr(), at, "drawn in the memory given");
        // Memory too small is left: the page is drawn in new memory.
        assert_eq!(typst_render::render_reusing(page, &options, vec![0xab; 10]).data(), fresh.data());
    }
}
