//! Opaque RGBA pixels as RGB: the last step before a PNG row is encoded,
//! run over every pixel of every image (a 150-ppi poster is 2.2 million).
//! With SSSE3 (on nearly every x86-64 processor since 2006) four pixels
//! are moved by one byte shuffle; elsewhere pixel by pixel. Both give the
//! same bytes (a test checks).

/// Copies the red, green and blue bytes of each pixel of `rgba` (four bytes
/// a pixel) into `rgb` (three), which holds exactly as many pixels.
pub(super) fn drop_alpha(rgba: &[u8], rgb: &mut [u8]) {
    assert!(rgba.len().is_multiple_of(4) && rgb.len() == rgba.len() / 4 * 3, "rows of the same number of pixels");
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("ssse3") {
        // SAFETY: the processor has SSSE3, checked just above.
        unsafe { shuffled(rgba, rgb) };
        return;
    }
    by_pixel(rgba, rgb);
}

fn by_pixel(rgba: &[u8], rgb: &mut [u8]) {
    for (to, from) in rgb.chunks_exact_mut(3).zip(rgba.chunks_exact(4)) {
        to.copy_from_slice(&from[..3]);
    }
}

/// Sixteen bytes (four pixels) in, twelve out, by one shuffle each. The
/// store writes sixteen bytes, so the last few pixels, whose store would
/// run past `rgb`, are copied by pixel.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "ssse3")]
unsafe fn shuffled(rgba: &[u8], rgb: &mut [u8]) {
    use std::arch::x86_64::{__m128i, _mm_loadu_si128, _mm_setr_epi8, _mm_shuffle_epi8, _mm_storeu_si128};
    let keep = _mm_setr_epi8(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1);
    let pixels = rgba.len() / 4;
    let mut i = 0;
    // Pixels i..i+4 are read (bytes 4i..4i+16, within `rgba`) and 16 bytes
    // written at 3i, within `rgb` while 3i + 16 <= 3 × pixels.
    while i + 4 <= pixels && 3 * i + 16 <= 3 * pixels {
        // SAFETY: both ranges are within their slices (the loop's
        // condition); unaligned loads and stores need no alignment.
        unsafe {
            let v = _mm_loadu_si128(rgba.as_ptr().add(4 * i).cast::<__m128i>());
            _mm_storeu_si128(rgb.as_mut_ptr().add(3 * i).cast::<__m128i>(), _mm_shuffle_epi8(v, keep));
        }
        i += 4;
    }
    by_pixel(&rgba[4 * i..], &mut rgb[3 * i..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_length_gives_the_bytes_of_a_pixel_by_pixel_copy() {
        // Bytes that differ from pixel to pixel and channel to channel.
        let rgba: Vec<u8> = (0..4 * 70u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
        for pixels in 0..70 {
            let row = &rgba[..4 * pixels];
            let mut fast = vec![0u8; 3 * pixels];
            let mut slow = vec![0u8; 3 * pixels];
            drop_alpha(row, &mut fast);
            by_pixel(row, &mut slow);
            assert_eq!(fast, slow, "{pixels} pixels");
        }
    }
}
