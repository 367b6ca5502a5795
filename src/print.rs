//! Paper and the print shop's finish: the sizes the print layouts are
//! composed for, and the bleed and crop marks a print shop asks for.
//!
//! A bigger paper is not an enlarged A4. The layout is composed on a page
//! of the paper's shape whose type is set `scale` times larger than on A4,
//! where `scale` grows more slowly than the paper (its 0.75th power): a
//! bigger poster is read from farther away, but not in proportion, so the
//! body text grows less than the page and the measure holds more words.
//! What is read from across a room (title, speaker, date and place) grows
//! by `boost` on top, to keep pace with the paper.

use serde::{Deserialize, Serialize};

/// A paper size, in portrait.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Paper {
    #[default]
    A4,
    A3,
    A2,
    A1,
    A0,
    /// US Letter, 8.5 × 11 in.
    Letter,
    /// US Tabloid (Ledger), 11 × 17 in.
    Tabloid,
}

impl Paper {
    pub const ALL: [Paper; 7] = [Paper::A4, Paper::A3, Paper::A2, Paper::A1, Paper::A0, Paper::Letter, Paper::Tabloid];

    /// The name `paper:` and `--paper` take.
    pub fn name(self) -> &'static str {
        match self {
            Paper::A4 => "a4",
            Paper::A3 => "a3",
            Paper::A2 => "a2",
            Paper::A1 => "a1",
            Paper::A0 => "a0",
            Paper::Letter => "letter",
            Paper::Tabloid => "tabloid",
        }
    }

    /// As people write it.
    pub fn label(self) -> &'static str {
        match self {
            Paper::A4 => "A4",
            Paper::A3 => "A3",
            Paper::A2 => "A2",
            Paper::A1 => "A1",
            Paper::A0 => "A0",
            Paper::Letter => "US Letter",
            Paper::Tabloid => "US Tabloid",
        }
    }

    /// From its name or a usual other one (`A4`, `US Letter`, `ledger`,
    /// `11x17`), in any case.
    pub fn from_name(name: &str) -> Option<Paper> {
        let name: String = name.trim().to_lowercase().split([' ', '-', '_']).collect();
        match name.as_str() {
            "usletter" | "8.5x11" => Some(Paper::Letter),
            "ustabloid" | "ledger" | "11x17" => Some(Paper::Tabloid),
            name => Paper::ALL.into_iter().find(|p| p.name() == name),
        }
    }

    /// Width and height in millimetres.
    pub fn size_mm(self) -> (f64, f64) {
        match self {
            Paper::A4 => (210.0, 297.0),
            Paper::A3 => (297.0, 420.0),
            Paper::A2 => (420.0, 594.0),
            Paper::A1 => (594.0, 841.0),
            Paper::A0 => (841.0, 1189.0),
            Paper::Letter => (215.9, 279.4),
            Paper::Tabloid => (279.4, 431.8),
        }
    }

    /// How much larger than A4 the paper is, as a length (the square root
    /// of the areas' ratio): A3 1.41, A1 2.83, Letter 0.98.
    pub fn growth(self) -> f64 {
        let (w, h) = self.size_mm();
        (w * h / (210.0 * 297.0)).sqrt()
    }

    /// How much larger than on A4 the type is set (see the module's
    /// header). Papers close to A4 (Letter) keep A4's type.
    pub fn scale(self) -> f64 {
        let g = self.growth();
        if g < 1.2 { 1.0 } else { g.powf(0.75) }
    }

    /// How much more the parts read from afar (title, speaker, date and
    /// place) grow than the type: together they keep pace with the paper.
    pub fn boost(self) -> f64 {
        (self.growth() / self.scale()).max(1.0)
    }

    /// The PNG's resolution when none is asked for: 150 ppi, but about
    /// 2480 pixels across at most (A4 at 300 ppi), so a big poster's picture
    /// stays one to post and look at (A1: 106 ppi, A0: 75 ppi).
    pub fn default_ppi(self) -> u32 {
        let inches = self.size_mm().0 / 25.4;
        (2480.0 / inches).round().min(f64::from(DEFAULT_PPI)) as u32
    }
}

/// The PNG resolution of the screen layouts and of A4.
pub const DEFAULT_PPI: u32 = 150;

/// The most bleed a poster may ask for.
pub const MAX_BLEED_MM: f64 = 20.0;

/// Room for crop marks outside the bleed: each mark starts 1 mm beyond the
/// bleed and is 6 mm long.
pub const MARKS_MM: f64 = 8.0;

/// What a print layout is composed for: the paper, and the print shop's
/// bleed and crop marks.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Print {
    pub paper: Paper,
    /// How far coloured areas that meet the edge go past it, in mm.
    pub bleed_mm: f64,
    pub crop_marks: bool,
}

impl Print {
    /// The room drawn around the trimmed page, in mm: the bleed, and the
    /// crop marks' room beyond it.
    pub fn outside_mm(&self) -> f64 {
        self.bleed_mm + if self.crop_marks { MARKS_MM } else { 0.0 }
    }
}

/// Reads `--bleed`: a length with its unit (`3mm`, `0.125in`, `9pt`,
/// `0.3cm`), from 0 to 20 mm. Returns millimetres.
pub fn parse_bleed(s: &str) -> Result<f64, String> {
    let s = s.trim();
    let split = s.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(s.len());
    let (number, unit) = s.split_at(split);
    let value: f64 = number.trim().parse().map_err(|_| format!("`{s}` is not a length: write e.g. 3mm or 0.125in"))?;
    let mm = match unit.trim().to_ascii_lowercase().as_str() {
        "mm" => value,
        "cm" => value * 10.0,
        "in" => value * 25.4,
        "pt" => value * 25.4 / 72.0,
        "" => return Err(format!("`{s}` needs a unit: write e.g. 3mm or 0.125in")),
        other => return Err(format!("`{other}` is not a unit of length: use mm, cm, in or pt")),
    };
    if !(0.0..=MAX_BLEED_MM).contains(&mm) {
        return Err(format!(
            "a bleed of {mm:.1} mm is outside 0–{MAX_BLEED_MM} mm (print shops ask for 3 mm or 1/8 in)"
        ));
    }
    Ok(mm)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn papers_grow_the_type_less_than_the_page() {
        assert_eq!(Paper::A4.scale(), 1.0);
        assert_eq!(Paper::Letter.scale(), 1.0);
        for paper in [Paper::A3, Paper::A2, Paper::A1, Paper::A0, Paper::Tabloid] {
            let (g, s, b) = (paper.growth(), paper.scale(), paper.boost());
            assert!(1.0 < s && s < g, "{paper:?}: type {s} against page {g}");
            assert!((s * b - g).abs() < 1e-9, "{paper:?}: what is read from afar keeps pace with the page");
        }
        assert!((Paper::A1.growth() - 2.0f64.powf(1.5)).abs() < 0.01);
    }

    #[test]
    fn big_papers_get_a_picture_of_a_sensible_size() {
        assert_eq!(Paper::A4.default_ppi(), 150);
        assert_eq!(Paper::Letter.default_ppi(), 150);
        assert_eq!(Paper::A1.default_ppi(), 106);
        assert_eq!(Paper::A2.default_ppi(), 150);
        assert_eq!(Paper::A0.default_ppi(), 75);
        for paper in Paper::ALL {
            let px = paper.size_mm().0 / 25.4 * f64::from(paper.default_ppi());
            assert!(px < 2490.0, "{paper:?}: {px} px across");
        }
    }

    #[test]
    fn papers_are_known_by_their_usual_names() {
        assert_eq!(Paper::from_name("A1"), Some(Paper::A1));
        assert_eq!(Paper::from_name("US Letter"), Some(Paper::Letter));
        assert_eq!(Paper::from_name("us-letter"), Some(Paper::Letter));
        assert_eq!(Paper::from_name("11x17"), Some(Paper::Tabloid));
        assert_eq!(Paper::from_name("Tabloid"), Some(Paper::Tabloid));
        assert_eq!(Paper::from_name("b5"), None);
    }

    #[test]
    fn bleeds_are_read_with_their_unit() {
        assert_eq!(parse_bleed("3mm"), Ok(3.0));
        assert!((parse_bleed("0.125in").unwrap() - 3.175).abs() < 1e-9);
        assert!((parse_bleed(" 9 pt ").unwrap() - 3.175).abs() < 1e-9);
        assert_eq!(parse_bleed("0.3cm"), Ok(3.0));
        assert!(parse_bleed("3").unwrap_err().contains("needs a unit"));
        assert!(parse_bleed("3px").unwrap_err().contains("`px` is not a unit"));
        assert!(parse_bleed("5cm").unwrap_err().contains("outside 0–20 mm"));
        assert!(parse_bleed("-1mm").is_err());
        assert!(parse_bleed("mm").unwrap_err().contains("is not a length"));
    }
}
