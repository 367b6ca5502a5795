//! The contact sheet's thumbnail of a poster. When the poster's PNG was
//! drawn, the thumbnail is scaled down from those pixels (2 ms with its
//! encoding, for A4 at 150 ppi) instead of drawing the page a second time
//! at thumbnail size (3.6–3.9 ms: every glyph and picture again).

use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use tiny_skia::{IntSize, Pixmap};

use crate::diag::Diagnostic;

/// How many times the thumbnail's width a drawn page may be, at most, to be
/// scaled down rather than drawn again. The time to scale down grows with
/// the pixels drawn (1.5 ms at eight times, A4 at 150 ppi) while drawing
/// small stays about 3.5 ms, so past about twelve times drawing is likely
/// quicker (an estimate from A4's times, not measured on larger pages).
const MOST_SCALED_DOWN: u32 = 12;

/// The size in pixels of a page `page_pt` (width, height, in points) drawn
/// `width` pixels wide, as the renderer rounds it.
pub(super) fn size_at_width(page_pt: (f64, f64), width: u32) -> (u32, u32) {
    let scale = f64::from(width) / page_pt.0;
    let px = |pt: f64| (scale * pt).round().max(1.0) as u32;
    (px(page_pt.0), px(page_pt.1))
}

/// `drawn` (the page drawn larger) scaled down to `width` pixels wide, as a
/// PNG; none when `drawn` is not larger, or far larger, than that.
pub(super) fn scaled_down(drawn: &Pixmap, page_pt: (f64, f64), width: u32) -> Option<Result<Vec<u8>, Diagnostic>> {
    let (w, h) = size_at_width(page_pt, width);
    if drawn.width() <= w || drawn.width() > w.saturating_mul(MOST_SCALED_DOWN) || drawn.height() <= h {
        return None;
    }
    Some(scale(drawn, w, h).and_then(|small| {
        let ppi = (f64::from(w) * 72.0 / page_pt.0) as f32;
        super::encode_png(&small, ppi, None)
    }))
}

/// `drawn` resampled to `w` × `h`: each thumbnail pixel the average of the
/// drawn pixels it covers (a box filter; sampling fewer of them is quicker
/// but breaks thin rules and small text up).
fn scale(drawn: &Pixmap, w: u32, h: u32) -> Result<Pixmap, Diagnostic> {
    let fail = |e: &dyn std::fmt::Display| Diagnostic::new(format!("the thumbnail could not be made: {e}"));
    let source = ImageRef::new(drawn.width(), drawn.height(), drawn.data(), PixelType::U8x4).map_err(|e| fail(&e))?;
    let mut small = Image::new(w, h, PixelType::U8x4);
    // The pixels are premultiplied already (tiny-skia's), as averaging wants.
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Box)).use_alpha(false);
    Resizer::new().resize(&source, &mut small, &options).map_err(|e| fail(&e))?;
    let size = IntSize::from_wh(w, h).ok_or_else(|| fail(&"empty size"))?;
    Pixmap::from_vec(small.into_vec(), size).ok_or_else(|| fail(&"its pixels do not fill it"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page of `w` × `h` pixels: white, with a black square in its
    /// top-left quarter.
    fn page(w: u32, h: u32) -> Pixmap {
        let mut p = Pixmap::new(w, h).unwrap();
        p.fill(tiny_skia::Color::WHITE);
        let data = p.data_mut();
        for y in 0..h / 2 {
            for x in 0..w / 2 {
                let i = ((y * w + x) * 4) as usize;
                data[i..i + 4].copy_from_slice(&[0, 0, 0, 255]);
            }
        }
        p
    }

    #[test]
    fn the_size_is_the_drawn_one() {
        // A4 at 152 px wide, as drawing it at that width rounds.
        assert_eq!(size_at_width((595.28, 841.89), 152), (152, 215));
    }

    #[test]
    fn a_larger_page_is_scaled_down_to_the_thumbnail() {
        let png = scaled_down(&page(800, 1000), (400.0, 500.0), 80).unwrap().unwrap();
        let image = image::load_from_memory(&png).unwrap().to_rgb8();
        assert_eq!(image.dimensions(), (80, 100));
        // The square stays black, the rest white, and the edge between them sharp.
        assert_eq!(image.get_pixel(10, 10).0, [0, 0, 0]);
        assert_eq!(image.get_pixel(39, 49).0, [0, 0, 0]);
        assert_eq!(image.get_pixel(40, 50).0, [255, 255, 255]);
        assert_eq!(image.get_pixel(70, 90).0, [255, 255, 255]);
    }

    #[test]
    fn a_page_drawn_too_small_or_far_too_large_is_drawn_again() {
        assert!(scaled_down(&page(80, 100), (400.0, 500.0), 80).is_none());
        assert!(scaled_down(&page(40, 50), (400.0, 500.0), 80).is_none());
        assert!(scaled_down(&page(1600, 2000), (400.0, 500.0), 80).is_none());
    }
}
