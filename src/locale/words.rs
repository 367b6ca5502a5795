//! The words every output prints around the talk's own text, in each
//! language (`Abstract`, `摘要`…), and which languages an event is told in.
//! The poster, the announcement, the calendar entry and the alt text all
//! take them from here.

use crate::event::{Event, Lang, Text, text_fields};

/// Headings and captions in one language.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Labels {
    #[serde(rename = "abstract")]
    pub abstract_: &'static str,
    pub biography: &'static str,
    pub speaker: &'static str,
    /// The same, for several.
    pub speakers: &'static str,
    pub host: &'static str,
    pub time: &'static str,
    pub place: &'static str,
    pub online: &'static str,
    pub meeting_id: &'static str,
    pub passcode: &'static str,
    pub registration: &'static str,
    pub homepage: &'static str,
    /// What the event is when the file does not say (`kind:`).
    pub kind: &'static str,
    /// `Poster`: the first word of the alt text.
    pub poster: &'static str,
    /// `Programme`: the heading of a series' list of talks.
    pub programme: &'static str,
    /// Between list items in running text: `, ` or `、`.
    pub comma: &'static str,
    /// After a label: `: ` or `：`.
    pub colon: &'static str,
    /// Around an aside (an affiliation), the space before it included:
    /// ` (`, `)` or `（`, `）`.
    pub open: &'static str,
    pub close: &'static str,
    /// Around a title in running text: “…”, 《…》, 「…」.
    pub quote_open: &'static str,
    pub quote_close: &'static str,
    /// Ends a sentence: `. ` or `。`.
    pub stop: &'static str,
}

/// Punctuation around labels and asides: `[comma, colon, open, close,
/// quote_open, quote_close, stop]`.
type Punctuation = [&'static str; 7];
const LATIN: Punctuation = [", ", ": ", " (", ")", "“", "”", ". "];
const GERMAN: Punctuation = [", ", ": ", " (", ")", "„", "“", ". "];
const GUILLEMETS: Punctuation = [", ", ": ", " (", ")", "«\u{a0}", "\u{a0}»", ". "];
const FRENCH: Punctuation = [", ", "\u{a0}: ", " (", ")", "«\u{a0}", "\u{a0}»", ". "];
const RUSSIAN: Punctuation = [", ", ": ", " (", ")", "«", "»", ". "];
const CHINESE: Punctuation = ["、", "：", "（", "）", "《", "》", "。"];
const TAIWAN: Punctuation = ["、", "：", "（", "）", "「", "」", "。"];
const JAPANESE: Punctuation = ["、", "：", "（", "）", "「", "」", "。"];
const ARABIC: Punctuation = ["، ", ": ", " (", ")", "«", "»", ". "];
const URDU: Punctuation = ["، ", ": ", " (", ")", "«", "»", "۔ "];
const INDIC: Punctuation = [", ", ": ", " (", ")", "“", "”", "। "];
const THAI: Punctuation = [" ", ": ", " (", ")", "“", "”", " "];

/// The labels from a list of words, in the order of `Labels`' fields from
/// `abstract` to `programme`, and punctuation.
const fn words(w: [&'static str; 15], p: Punctuation) -> Labels {
    Labels {
        abstract_: w[0],
        biography: w[1],
        speaker: w[2],
        speakers: w[3],
        host: w[4],
        time: w[5],
        place: w[6],
        online: w[7],
        meeting_id: w[8],
        passcode: w[9],
        registration: w[10],
        homepage: w[11],
        kind: w[12],
        poster: w[13],
        programme: w[14],
        comma: p[0],
        colon: p[1],
        open: p[2],
        close: p[3],
        quote_open: p[4],
        quote_close: p[5],
        stop: p[6],
    }
}

pub fn labels(lang: Lang) -> Labels {
    #[rustfmt::skip]
    let l = match lang {
        Lang::En => words(["Abstract", "Biography", "Speaker", "Speakers", "Host", "Time", "Place", "Online", "Meeting ID", "Passcode", "Register", "Homepage", "Talk", "Poster", "Programme"], LATIN),
        Lang::Zh => words(["摘要", "个人简介", "报告人", "报告人", "主持人", "时间", "地点", "线上参会", "会议号", "密码", "报名", "个人主页", "学术报告", "海报", "日程"], CHINESE),
        Lang::ZhHant => words(["摘要", "講者簡介", "講者", "講者", "主持人", "時間", "地點", "線上參與", "會議號碼", "密碼", "報名", "個人網頁", "學術演講", "海報", "議程"], TAIWAN),
        Lang::ZhHk => words(["摘要", "講者簡介", "講者", "講者", "主持人", "時間", "地點", "網上參與", "會議編號", "密碼", "報名", "個人網頁", "學術講座", "海報", "議程"], TAIWAN),
        Lang::Ja => words(["概要", "講演者紹介", "講演者", "講演者", "司会", "日時", "会場", "オンライン参加", "ミーティングID", "パスコード", "参加登録", "ホームページ", "講演会", "ポスター", "プログラム"], JAPANESE),
        Lang::Ko => words(["초록", "연사 소개", "연사", "연사", "사회", "일시", "장소", "온라인 참여", "회의 ID", "암호", "등록", "홈페이지", "강연", "포스터", "프로그램"], LATIN),
        Lang::De => words(["Zusammenfassung", "Zur Person", "Vortragende", "Vortragende", "Moderation", "Zeit", "Ort", "Online", "Meeting-ID", "Kenncode", "Anmeldung", "Webseite", "Vortrag", "Plakat", "Programm"], GERMAN),
        Lang::Fr => words(["Résumé", "Biographie", "Intervenant", "Intervenants", "Modération", "Date", "Lieu", "En ligne", "ID de réunion", "Code secret", "Inscription", "Page personnelle", "Conférence", "Affiche", "Programme"], FRENCH),
        Lang::Es => words(["Resumen", "Biografía", "Ponente", "Ponentes", "Modera", "Fecha", "Lugar", "En línea", "ID de reunión", "Código de acceso", "Inscripción", "Página personal", "Conferencia", "Cartel", "Programa"], GUILLEMETS),
        Lang::It => words(["Abstract", "Biografia", "Relatore", "Relatori", "Modera", "Data", "Luogo", "Online", "ID riunione", "Passcode", "Iscrizione", "Pagina personale", "Seminario", "Locandina", "Programma"], GUILLEMETS),
        Lang::Pt => words(["Resumo", "Biografia", "Palestrante", "Palestrantes", "Mediação", "Data", "Local", "Online", "ID da reunião", "Senha", "Inscrição", "Página pessoal", "Palestra", "Cartaz", "Programa"], LATIN),
        Lang::Ru => words(["Аннотация", "О докладчике", "Докладчик", "Докладчики", "Ведущий", "Время", "Место", "Онлайн", "Идентификатор конференции", "Код доступа", "Регистрация", "Сайт", "Доклад", "Афиша", "Программа"], RUSSIAN),
        Lang::Ar => words(["الملخص", "نبذة عن المتحدث", "المتحدث", "المتحدثون", "إدارة الجلسة", "الموعد", "المكان", "عبر الإنترنت", "معرّف الاجتماع", "رمز المرور", "التسجيل", "الصفحة الشخصية", "محاضرة", "ملصق", "البرنامج"], ARABIC),
        Lang::He => words(["תקציר", "על המרצה", "מרצה", "מרצים", "מנחה", "מועד", "מקום", "מקוון", "מזהה פגישה", "קוד גישה", "הרשמה", "דף הבית", "הרצאה", "כרזה", "תוכנית"], LATIN),
        Lang::Fa => words(["چکیده", "دربارهٔ سخنران", "سخنران", "سخنرانان", "دبیر جلسه", "زمان", "مکان", "برخط", "شناسهٔ جلسه", "رمز ورود", "ثبت‌نام", "صفحهٔ شخصی", "سخنرانی", "پوستر", "برنامه"], ARABIC),
        Lang::Ur => words(["خلاصہ", "مقرر کا تعارف", "مقرر", "مقررین", "میزبان", "وقت", "مقام", "آن لائن", "میٹنگ آئی ڈی", "پاس کوڈ", "رجسٹریشن", "ہوم پیج", "لیکچر", "پوسٹر", "پروگرام"], URDU),
        Lang::Hi => words(["सारांश", "वक्ता परिचय", "वक्ता", "वक्ता", "संचालक", "समय", "स्थान", "ऑनलाइन", "मीटिंग आईडी", "पासकोड", "पंजीकरण", "होमपेज", "व्याख्यान", "पोस्टर", "कार्यक्रम"], INDIC),
        Lang::Bn => words(["সারসংক্ষেপ", "বক্তা পরিচিতি", "বক্তা", "বক্তাগণ", "সঞ্চালক", "সময়", "স্থান", "অনলাইন", "মিটিং আইডি", "পাসকোড", "নিবন্ধন", "হোমপেজ", "বক্তৃতা", "পোস্টার", "অনুষ্ঠানসূচি"], INDIC),
        Lang::Th => words(["บทคัดย่อ", "ประวัติวิทยากร", "วิทยากร", "วิทยากร", "ผู้ดำเนินรายการ", "วันเวลา", "สถานที่", "ออนไลน์", "รหัสการประชุม", "รหัสผ่าน", "ลงทะเบียน", "เว็บไซต์", "การบรรยาย", "โปสเตอร์", "กำหนดการ"], THAI),
    };
    l
}

/// Alternative texts for the pictures of a poster (for screen readers and
/// accessible PDF), in `lang`: a portrait (`{}` the person), the
/// organizer's logo (`{}` the organizer), a QR code (`{}` what it opens).
pub struct AltTexts {
    pub portrait: &'static str,
    pub logo: &'static str,
    pub qr: &'static str,
}

pub fn alt_texts(lang: Lang) -> AltTexts {
    let (portrait, logo, qr) = match lang {
        Lang::En => ("Portrait of {}", "Logo of {}", "QR code: {}"),
        Lang::Zh => ("{}的照片", "{}的标志", "二维码：{}"),
        Lang::ZhHant | Lang::ZhHk => ("{}的照片", "{}的標誌", "QR 碼：{}"),
        Lang::Ja => ("{}の写真", "{}のロゴ", "QRコード：{}"),
        Lang::Ko => ("{} 사진", "{} 로고", "QR 코드: {}"),
        Lang::De => ("Porträt von {}", "Logo von {}", "QR-Code: {}"),
        Lang::Fr => ("Portrait de {}", "Logo de {}", "Code QR\u{a0}: {}"),
        Lang::Es => ("Retrato de {}", "Logotipo de {}", "Código QR: {}"),
        Lang::It => ("Ritratto di {}", "Logo di {}", "Codice QR: {}"),
        Lang::Pt => ("Retrato de {}", "Logotipo de {}", "Código QR: {}"),
        Lang::Ru => ("Портрет: {}", "Логотип: {}", "QR-код: {}"),
        Lang::Ar => ("صورة {}", "شعار {}", "رمز QR: {}"),
        Lang::He => ("תמונה של {}", "הסמל של {}", "קוד QR: {}"),
        Lang::Fa => ("تصویر {}", "نشان {}", "کد QR: {}"),
        Lang::Ur => ("{} کی تصویر", "{} کا لوگو", "QR کوڈ: {}"),
        Lang::Hi => ("{} का चित्र", "{} का प्रतीक चिह्न", "QR कोड: {}"),
        Lang::Bn => ("{}-এর ছবি", "{}-এর লোগো", "QR কোড: {}"),
        Lang::Th => ("ภาพของ {}", "ตราสัญลักษณ์ของ {}", "คิวอาร์โค้ด: {}"),
    };
    AltTexts { portrait, logo, qr }
}

/// The languages the event writes texts in (`{en: …, zh: …}`), the
/// poster's own first. A text written once adds none.
pub fn text_languages(e: &Event) -> Vec<Lang> {
    let mut out = vec![e.language];
    for (_, t) in text_fields(e) {
        if let Text::Localized(versions) = t {
            for (lang, _) in versions {
                if !out.contains(lang) {
                    out.push(*lang);
                }
            }
        }
    }
    out[1..].sort();
    out
}

/// The languages the date is printed in on the poster: the event's
/// languages, and English beside Chinese, Japanese and Korean. The CFCS
/// posters, in English with Chinese names and places, print both; a name
/// merely written in another script (a Korean speaker's) adds none, and a
/// German or Arabic poster gives its date in its own language.
pub fn date_languages(e: &Event) -> Vec<Lang> {
    let mut out = text_languages(e);
    let east_asian = out.iter().any(|l| l.is_chinese() || matches!(l, Lang::Ja | Lang::Ko));
    if east_asian && !out.contains(&Lang::En) {
        out.push(Lang::En);
    }
    out[1..].sort();
    out
}

/// What a sign-up link shows: a web address as it is, `mailto:` as the bare
/// address.
pub fn registration_text(link: &str) -> &str {
    match link.strip_prefix("mailto:") {
        Some(address) => address.split('?').next().unwrap_or(address),
        None => link,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sign_up_address_shows_without_its_scheme() {
        assert_eq!(registration_text("mailto:a@b.org?subject=Talk"), "a@b.org");
        assert_eq!(registration_text("https://x.org/r"), "https://x.org/r");
    }
}
