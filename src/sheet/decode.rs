//! CSV bytes to text, the way spreadsheet programs save them: UTF-8 with or
//! without a byte-order mark, UTF-16 ("Unicode text" in Excel), or the
//! system's legacy encoding when Excel saves "CSV" on a Chinese, Japanese
//! or Korean Windows (GBK/GB18030, Shift-JIS, Big5, EUC-KR), detected by
//! chardetng and decoded by encoding_rs, never guessed into mojibake: a
//! file that does not decode cleanly is refused.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE};

use crate::diag::Diagnostic;

/// The text, and the legacy encoding it was read in (`None` for Unicode).
pub(super) fn decode(bytes: &[u8]) -> Result<(String, Option<&'static str>), Diagnostic> {
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        return strict(encoding, &bytes[bom..]).map(|t| (t, None));
    }
    if let Some(encoding) = utf16_without_bom(bytes) {
        return strict(encoding, bytes).map(|t| (t, None));
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((text.to_string(), None));
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let encoding = detector.guess(None, chardetng::Utf8Detection::Deny);
    let text = strict(encoding, bytes)?;
    Ok((text, Some(encoding.name())))
}

/// Decodes, refusing any byte sequence the encoding does not define.
fn strict(encoding: &'static Encoding, bytes: &[u8]) -> Result<String, Diagnostic> {
    encoding
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|t| t.into_owned())
        .ok_or_else(|| {
            Diagnostic::new(format!("the file is not readable text (it is not UTF-8, and not {} either)", encoding.name()))
                .help("save the sheet again as \"CSV UTF-8\" (Excel: File → Save As → CSV UTF-8; LibreOffice: Character set → Unicode (UTF-8))")
        })
}

/// UTF-16 saved without a byte-order mark: ASCII-heavy text has a zero in
/// every other byte.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    if sample.len() < 4 {
        return None;
    }
    let zeros = |offset: usize| sample.iter().skip(offset).step_by(2).filter(|b| **b == 0).count();
    let half = sample.len() / 2;
    if zeros(1) * 10 > half * 7 && zeros(0) * 10 < half {
        Some(UTF_16LE)
    } else if zeros(0) * 10 > half * 7 && zeros(1) * 10 < half {
        Some(UTF_16BE)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{BIG5, EUC_KR, GB18030, GBK, SHIFT_JIS};

    const SCHEDULE: &str = "日期,报告人,题目,地点\n2024-06-13,王亦洲,生成模型的物理启发,静园五院204室\n2024-06-20,李明,图神经网络的表达能力,理科一号楼1131\n";

    #[test]
    fn unicode_in_every_form_reads_back() {
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), SCHEDULE.as_bytes()].concat();
        assert_eq!(decode(&with_bom).unwrap(), (SCHEDULE.to_string(), None));
        assert_eq!(decode(SCHEDULE.as_bytes()).unwrap(), (SCHEDULE.to_string(), None));
        let units: Vec<u16> = SCHEDULE.encode_utf16().collect();
        let le: Vec<u8> = [0xFF, 0xFE].into_iter().chain(units.iter().flat_map(|u| u.to_le_bytes())).collect();
        let be: Vec<u8> = [0xFE, 0xFF].into_iter().chain(units.iter().flat_map(|u| u.to_be_bytes())).collect();
        assert_eq!(decode(&le).unwrap().0, SCHEDULE);
        assert_eq!(decode(&be).unwrap().0, SCHEDULE);
        let ascii = "date,speaker,title\n2024-06-13,Ada,Engines\n";
        let bare: Vec<u8> = ascii.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        assert_eq!(decode(&bare).unwrap().0, ascii);
    }

    #[test]
    fn legacy_east_asian_encodings_are_detected_not_garbled() {
        let japanese = "日付,講演者,題目,場所\n2024-06-13,山田太郎,機械学習による言語理解,本郷キャンパス工学部2号館\n";
        let korean = "날짜,발표자,제목,장소\n2024-06-13,김민수,대규모 언어 모델의 추론 능력,공학관 301호\n";
        let traditional = "日期,講者,題目,地點\n2024-06-13,陳志明,深度學習與語言理解的新進展,資訊館一樓演講廳\n";
        for (text, encoding) in
            [(SCHEDULE, GBK), (SCHEDULE, GB18030), (japanese, SHIFT_JIS), (korean, EUC_KR), (traditional, BIG5)]
        {
            let (bytes, _, unmappable) = encoding.encode(text);
            assert!(!unmappable);
            let (read, used) = decode(&bytes).unwrap();
            assert_eq!(read, text, "{}", encoding.name());
            assert!(used.is_some());
        }
    }

    #[test]
    fn bytes_no_encoding_accepts_are_refused() {
        let mut bytes = "date,title\n".as_bytes().to_vec();
        bytes.extend([0xFF, 0xFF, 0x81, 0xFE, 0x80, 0x80]);
        let result = decode(&bytes);
        if let Ok((text, _)) = &result {
            assert!(!text.contains('\u{FFFD}'));
        }
    }
}
