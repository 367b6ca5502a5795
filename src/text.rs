//! Small rules about text that several stages share: which script a
//! character is in, words and paragraphs, names (initials, honorifics) and
//! the names of output files.

pub(crate) use unicode_script::Script;
use unicode_script::UnicodeScript;

/// A Chinese character (also used in Japanese and Korean): Unicode's Han
/// script, which includes 〇, 々 and every extension block.
pub fn is_han(c: char) -> bool {
    c.script() == Script::Han
}

/// Japanese kana.
pub fn is_kana(c: char) -> bool {
    matches!(c.script(), Script::Hiragana | Script::Katakana)
}

/// Korean Hangul.
pub fn is_hangul(c: char) -> bool {
    c.script() == Script::Hangul
}

/// The script most of the letters of `s` are in (none when it has none).
pub(crate) fn dominant_script(s: &str) -> Option<Script> {
    let mut counts: Vec<(Script, usize)> = Vec::new();
    for c in s.chars() {
        let script = c.script();
        if matches!(script, Script::Common | Script::Inherited | Script::Unknown) {
            continue;
        }
        match counts.iter_mut().find(|(sc, _)| *sc == script) {
            Some((_, n)) => *n += 1,
            None => counts.push((script, 1)),
        }
    }
    counts.into_iter().max_by_key(|(_, n)| *n).map(|(script, _)| script)
}

/// The writing systems the languages are in, for telling which language a
/// string written once is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writing {
    Latin,
    Cyrillic,
    Han,
    Kana,
    Hangul,
    Arabic,
    Hebrew,
    Devanagari,
    Bengali,
    Thai,
}

/// The writing system most of the letters of `s` are in, among those of
/// the poster languages.
pub fn writing_of(s: &str) -> Option<Writing> {
    Some(match dominant_script(s)? {
        Script::Latin => Writing::Latin,
        Script::Cyrillic => Writing::Cyrillic,
        Script::Han => Writing::Han,
        Script::Hiragana | Script::Katakana => Writing::Kana,
        Script::Hangul => Writing::Hangul,
        Script::Arabic => Writing::Arabic,
        Script::Hebrew => Writing::Hebrew,
        Script::Devanagari => Writing::Devanagari,
        Script::Bengali => Writing::Bengali,
        Script::Thai => Writing::Thai,
        _ => return None,
    })
}

/// Whether Chinese text is in traditional characters: more of its
/// characters (and words) would change if made simplified than if made
/// traditional (OpenCC's tables, through zhconv). Text without a Han
/// character is not, and is answered without building the tables (30 ms).
pub fn is_traditional(s: &str) -> bool {
    if !s.chars().any(is_han) {
        return false;
    }
    let confidence = zhconv::is_hans_confidence(s);
    !confidence.is_nan() && confidence < 0.5
}

/// Builds the two tables `is_traditional` reads (about 10 ms each, once
/// per process), each on a thread of its own, so that a one-talk render
/// has them by the time its layout needs them.
pub fn warm_up() {
    use zhconv::converters::{ZH_TO_HANS_CONVERTER, ZH_TO_HANT_CONVERTER};
    let _ =
        std::thread::Builder::new().name("warm-up".into()).spawn(|| std::sync::LazyLock::force(&ZH_TO_HANT_CONVERTER));
    let _ =
        std::thread::Builder::new().name("warm-up".into()).spawn(|| std::sync::LazyLock::force(&ZH_TO_HANS_CONVERTER));
}

/// Chinese or Japanese text cut into words (a dictionary segmenter:
/// ICU4X's, from CLDR), so a title breaks between words, never inside one
/// (`人脑/语言加工`, not `人脑语/言加工`). Every piece of `s` is in one word,
/// spaces and punctuation included.
pub fn cj_words(s: &str) -> Vec<&str> {
    use icu_segmenter::WordSegmenter;
    use icu_segmenter::options::WordBreakInvariantOptions;
    let segmenter = WordSegmenter::new_dictionary(WordBreakInvariantOptions::default());
    let breaks: Vec<usize> = segmenter.segment_str(s).collect();
    let mut words: Vec<&str> = breaks.windows(2).filter_map(|w| s.get(w[0]..w[1])).collect();
    // Closing punctuation and spaces stay with the word before them,
    // opening punctuation with the word after.
    let mut out: Vec<&str> = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        let closing = w.chars().all(|c| c.is_whitespace() || is_closing(c));
        match out.last_mut() {
            Some(last) if closing => {
                let start = last.as_ptr() as usize - s.as_ptr() as usize;
                *last = &s[start..start + last.len() + w.len()];
            }
            _ => out.push(w),
        }
        i += 1;
    }
    words.clear();
    for w in out {
        match words.last_mut() {
            Some(last) if last.chars().all(is_opening) => {
                let start = last.as_ptr() as usize - s.as_ptr() as usize;
                *last = &s[start..start + last.len() + w.len()];
            }
            _ => words.push(w),
        }
    }
    words
}

/// Punctuation that may not start a line (kinsoku): closing brackets,
/// stops, commas.
fn is_closing(c: char) -> bool {
    "、。，．・：；？！）」』】〕》〉”’ー…—・,.:;?!)]}%".contains(c)
}

/// Punctuation that may not end a line: opening brackets.
fn is_opening(c: char) -> bool {
    "（「『【〔《〈“‘([{".contains(c)
}

/// Characters set one per em in CJK text: Han, kana, Hangul and the
/// full-width punctuation and forms.
pub fn is_wide(c: char) -> bool {
    is_han(c) || is_kana(c) || is_hangul(c) || matches!(c as u32, 0x3000..=0x303F | 0xFF00..=0xFFEF)
}

/// Words, counting each Han character or kana as one (CJK text has no spaces).
pub fn word_count(s: &str) -> usize {
    let single = |c: char| is_han(c) || is_kana(c);
    let wide = s.chars().filter(|c| single(*c)).count();
    let spaced = s.split(|c: char| c.is_whitespace() || single(c)).filter(|w| !w.is_empty()).count();
    wide + spaced
}

/// The start of `s` holding its first `n` words (counted as `word_count`
/// counts them).
pub fn first_words(s: &str, n: usize) -> &str {
    let single = |c: char| is_han(c) || is_kana(c);
    let mut words = 0;
    let mut in_word = false;
    for (i, c) in s.char_indices() {
        let starts = if single(c) {
            in_word = false;
            true
        } else if c.is_whitespace() {
            in_word = false;
            false
        } else {
            let starts = !in_word;
            in_word = true;
            starts
        };
        if starts {
            if words == n {
                return s[..i].trim_end();
            }
            words += 1;
        }
    }
    s
}

/// Splits at blank lines. Inside a paragraph, a line break the author
/// typed is kept (as `\n`: a schedule, an address, `Homepage:` on a line of
/// its own), unless the paragraph was wrapped by an editor (see
/// `is_hard_wrapped`): then its lines are joined.
pub fn paragraphs(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in s.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(keep_lines(&current));
                current.clear();
            }
        } else {
            current.push(line.trim());
        }
    }
    if !current.is_empty() {
        out.push(keep_lines(&current));
    }
    out
}

/// The lines of a paragraph, with their breaks unless it is hard-wrapped.
pub fn keep_lines(lines: &[&str]) -> String {
    if is_hard_wrapped(lines) { join_lines(&lines.join("\n")) } else { lines.join("\n") }
}

/// Whether lines were wrapped by an editor rather than broken by their
/// author: every line but the last runs to about the same width (70% of the
/// widest or more), and the widest is what editors wrap at, 50 to 100
/// columns (a CJK character counts two). A schedule's short lines, or a long
/// line followed by an address on a line of its own, are the author's.
pub fn is_hard_wrapped(lines: &[&str]) -> bool {
    let columns = |l: &str| l.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum::<usize>();
    let Some((_, rest)) = lines.split_last() else { return false };
    if rest.is_empty() {
        return false;
    }
    let widest = lines.iter().map(|l| columns(l)).max().unwrap_or(0);
    (50..=100).contains(&widest) && rest.iter().all(|l| columns(l) * 10 >= widest * 7)
}

/// Joins hard-wrapped lines: with a space between words, with nothing
/// between Chinese or Japanese characters (a space there would show).
/// Korean separates its words with spaces like Latin.
pub fn join_lines(s: &str) -> String {
    let unspaced = |c: char| is_wide(c) && !is_hangul(c);
    let mut out = String::with_capacity(s.len());
    for (i, line) in s.lines().map(str::trim).filter(|l| !l.is_empty()).enumerate() {
        if i > 0 {
            let prev = out.chars().last().unwrap_or(' ');
            let next = line.chars().next().unwrap_or(' ');
            if !(unspaced(prev) || unspaced(next)) {
                out.push(' ');
            }
        }
        out.push_str(line);
    }
    out
}

/// Titles and honorifics written with a name (`Dr.`, `Prof.`, `博士`, `教授`):
/// not part of the name for initials and file names.
pub fn is_honorific(word: &str) -> bool {
    const HONORIFICS: &[&str] = &[
        "dr",
        "prof",
        "professor",
        "mr",
        "ms",
        "mrs",
        "sir",
        "博士",
        "教授",
        "副教授",
        "研究员",
        "老师",
        "先生",
        "女士",
        "さん",
        "准教授",
        "교수",
        "박사",
        // Dr. and Prof. in Arabic, Hebrew, Hindi, Thai and Bengali.
        "د",
        "أ.د",
        "פרופ'",
        "ד\"ר",
        "डॉ",
        "प्रो",
        "ดร",
        "ศ",
        "รศ",
        "ผศ",
        "ড",
        "অধ্যাপক",
    ];
    HONORIFICS.contains(&word.trim_end_matches('.').to_lowercase().as_str())
}

/// Initials for a monogram: `Dr. Yilun Xu` → `YX`; `王亦洲 教授` → `王`;
/// `Weijian Luo 博士` → `WL`. Titles and degrees are not part of a name.
pub fn initials(name: &str) -> String {
    // `Weijian Luo, PhD`: degrees after a comma are not part of the name.
    let name = name.split(',').next().unwrap_or(name);
    let words: Vec<&str> = name.split_whitespace().filter(|w| !is_honorific(w)).collect();
    let first_letter = |w: &str| w.chars().find(|c| c.is_alphabetic());
    let Some(first) = words.first().and_then(|w| first_letter(w)) else { return String::new() };
    if is_wide(first) {
        // A CJK name: its first character, the family name.
        return first.to_string();
    }
    if first.is_lowercase() == first.is_uppercase() {
        // A script without capitals (Arabic, Devanagari, Thai…): the first
        // letter alone, as two would not read as initials.
        return first.to_string();
    }
    let last = words.last().and_then(|w| first_letter(w)).filter(|_| words.len() > 1);
    [Some(first), last].into_iter().flatten().flat_map(char::to_uppercase).collect()
}

/// Lower-case letters and digits joined by `-`, titles dropped: a talk's
/// output name from its speaker (`Dr. Yilun Xu` → `yilun-xu`).
pub fn slug(name: &str) -> String {
    let words: Vec<String> = name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| !is_honorific(w))
        .collect();
    // A file name holds 255 bytes: a name of 300 characters gives its
    // first words, up to 60 characters.
    let mut out = String::new();
    for w in words {
        let sep = if out.is_empty() { 0 } else { 1 };
        if out.chars().count() + sep + w.chars().count() > SLUG_CHARS {
            if out.is_empty() {
                out = w.chars().take(SLUG_CHARS).collect();
            }
            break;
        }
        if sep == 1 {
            out.push('-');
        }
        out.push_str(&w);
    }
    if out.is_empty() { "talk".into() } else { out }
}

/// The most characters a file name takes from a speaker's name.
const SLUG_CHARS: usize = 60;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn han_is_the_whole_script() {
        for c in ['王', '〇', '々', '\u{3400}', '\u{20000}', '\u{31350}'] {
            assert!(is_han(c), "{c:?} U+{:04X}", c as u32);
        }
        assert!(!is_han('あ') && !is_han('한') && !is_han('a') && !is_han('。'));
        assert!(is_kana('あ') && is_kana('カ') && is_hangul('한'));
    }

    #[test]
    fn chinese_and_japanese_titles_are_cut_between_words() {
        let title = "基于多模态大模型的人脑语言加工机制研究";
        let words = cj_words(title);
        assert_eq!(words.concat(), title);
        assert!(words.contains(&"语言"), "{words:?}");
        assert!(!words.iter().any(|w| w.ends_with("语") || w.starts_with("言")), "{words:?}");
        let with_marks = "大语言模型的推理能力：现状与展望";
        let words = cj_words(with_marks);
        assert_eq!(words.concat(), with_marks);
        assert!(words.iter().all(|w| !w.starts_with('：')), "{words:?}");
        assert_eq!(cj_words("量子情報科学最前線").concat(), "量子情報科学最前線");
    }

    #[test]
    fn traditional_chinese_is_told_from_simplified() {
        assert!(is_traditional("臺灣語言學的新視野：從語料庫到認知科學"));
        assert!(!is_traditional("基于多模态大模型的人脑语言加工机制研究"));
        assert!(!is_traditional("静园五院204室"));
        assert!(!is_traditional("2024"), "no Chinese at all");
    }

    #[test]
    fn words_count_han_characters_singly() {
        assert_eq!(word_count("diffusion models are great"), 4);
        assert_eq!(word_count("扩散模型 is fun"), 6);
    }

    #[test]
    fn the_first_words_as_counted() {
        assert_eq!(first_words("diffusion models are great", 2), "diffusion models");
        assert_eq!(first_words("扩散模型 is fun", 5), "扩散模型 is");
        assert_eq!(first_words("one\n\ntwo three", 2), "one\n\ntwo");
        assert_eq!(first_words("short", 9), "short");
        for s in ["diffusion models are great", "扩散模型 is fun", "a  b\nc"] {
            for n in 0..=word_count(s) {
                assert_eq!(word_count(first_words(s, n)), n, "{s:?} {n}");
            }
        }
    }

    #[test]
    fn paragraphs_split_at_blank_lines_and_keep_typed_breaks() {
        let s = "First line\nsecond line.\n\n  \nNext   paragraph.\n";
        assert_eq!(paragraphs(s), vec!["First line\nsecond line.", "Next   paragraph."]);
        let schedule = "09:30 Opening\n09:40 Talk 1: Symmetry and equivariance\n10:30 Coffee";
        assert_eq!(paragraphs(schedule), vec![schedule]);
        let bio = "Guoning Chen is an associate professor. His research interests include visualization, computer graphics and geometric modelling.\nHomepage: https://example.edu/~chen/";
        assert_eq!(paragraphs(bio), vec![bio], "a long line, then an address of its own");
    }

    #[test]
    fn text_wrapped_by_an_editor_is_joined() {
        let wrapped = "Physics-inspired generative models such as diffusion models constitute a\npowerful family of generative models. The advantages of models in this family\ncome from relatively stable training process.";
        assert_eq!(paragraphs(wrapped), vec![wrapped.replace('\n', " ")]);
        let chinese = "人类语言加工的神经机制一直是认知科学的核心问题。近年来，多模态大模型在\n语言理解与生成方面取得了显著进展。";
        assert_eq!(paragraphs(chinese), vec![chinese.replace('\n', "")]);
    }

    #[test]
    fn cjk_lines_join_without_space() {
        assert_eq!(join_lines("他的研究\n方向是生成模型。\nHe works"), "他的研究方向是生成模型。He works");
        assert_eq!(join_lines("diffusion\nmodels"), "diffusion models");
        assert_eq!(join_lines("拡散モデルの\n研究"), "拡散モデルの研究");
        assert_eq!(join_lines("이재혁\n2pm 발표"), "이재혁 2pm 발표", "Korean words are spaced");
    }

    #[test]
    fn monogram_initials() {
        assert_eq!(initials("Dr. Yilun Xu"), "YX");
        assert_eq!(initials("Prof. Yang Song"), "YS");
        assert_eq!(initials("Weijian Luo, PhD"), "WL");
        assert_eq!(initials("王亦洲 教授"), "王");
        assert_eq!(initials("Plato"), "P");
        assert_eq!(initials("Weijian Luo 博士"), "WL");
        assert_eq!(initials("教授 李明"), "李");
        assert_eq!(initials("김민준 교수"), "김");
        assert_eq!(initials("د. ليلى الحسن"), "ل");
        assert_eq!(initials("डॉ. अनन्या शर्मा"), "अ");
        assert_eq!(initials("פרופ' נועה כהן"), "נ");
        assert_eq!(initials("Dr. Андрей Колмогоров"), "АК");
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("Dr. Yilun Xu"), "yilun-xu");
        assert_eq!(slug("Prof. Ana-María López"), "ana-maría-lópez");
        assert_eq!(slug("王亦洲"), "王亦洲");
        assert_eq!(slug("Weijian Luo 博士"), "weijian-luo");
        assert_eq!(slug("Dr."), "talk");
        let long = "Alexandrina ".repeat(30);
        assert!(slug(&long).chars().count() <= 60 && slug(&long).starts_with("alexandrina-alexandrina"));
        assert_eq!(slug(&"x".repeat(300)).chars().count(), 60);
    }
}
