//! QR codes for the online link and the sign-up link.

use std::io::Cursor;

use image::ImageFormat;
use serde::{Deserialize, Serialize};

use crate::diag::Diagnostic;

/// A QR code as a PNG with one pixel per module and the quiet zone.
/// Layouts show it with `scaling: "pixelated"`, so modules stay sharp at any
/// size, in print (no interpolation) and in the PNG (nearest neighbour).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Qr {
    #[serde(with = "serde_bytes")]
    pub png: Vec<u8>,
    /// Modules across, quiet zone included: layouts size dense codes up.
    pub modules: u32,
}

/// The QR code of `text` (a link).
pub fn make(text: &str) -> Result<Qr, Diagnostic> {
    const QUIET: u32 = 4;
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M).map_err(|e| {
        Diagnostic::new(format!("no QR code can hold this address ({e})"))
            .help("use a shorter link, for example from a link shortener")
    })?;
    let width = code.width() as u32;
    let colors = code.to_colors();
    let side = width + 2 * QUIET;
    let img = image::GrayImage::from_fn(side, side, |x, y| {
        let inside = (QUIET..QUIET + width).contains(&x) && (QUIET..QUIET + width).contains(&y);
        let dark = inside && colors[((y - QUIET) * width + (x - QUIET)) as usize] == qrcode::Color::Dark;
        image::Luma([if dark { 0 } else { 255 }])
    });
    let mut png = Vec::new();
    img.write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
        .map_err(|e| Diagnostic::new(format!("the QR code could not be encoded: {e}")))?;
    Ok(Qr { png, modules: side })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qr_codes_are_one_pixel_per_module_with_a_quiet_zone() {
        let qr = make("https://example.org/register?talk=42").unwrap();
        let img = image::load_from_memory(&qr.png).unwrap().to_luma8();
        assert_eq!((img.width(), img.height()), (qr.modules, qr.modules));
        assert_eq!((img.width() - 8 - 21) % 4, 0, "a QR version's size: 21 + 4k modules, plus 2 × 4 quiet");
        assert_eq!(img.get_pixel(0, 0).0[0], 255, "quiet zone is white");
        assert_eq!(img.get_pixel(4, 4).0[0], 0, "finder pattern starts after the quiet zone");
    }
}
