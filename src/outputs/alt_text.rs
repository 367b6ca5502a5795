//! The description every PNG carries for screen readers and for the alt
//! text social platforms ask for: what the poster announces, in the
//! poster's language.

use super::facts::Facts;

/// `Poster: Talk “On Physics-Inspired Generative Models”. Speaker: Dr. Yilun
/// Xu (MIT & NVIDIA). Time: Thursday, June 13, 2024 · 16:00–17:30. Place:
/// Room 204, Courtyard No. 5, Jingyuan.`
pub fn describe(f: &Facts) -> String {
    let l = &f.labels;
    let speaker = if f.speakers.len() > 1 { l.speakers } else { l.speaker };
    // Full-width punctuation carries its own space.
    let space = if l.stop.ends_with(' ') { " " } else { "" };
    let mut sentences = vec![
        format!("{}{}{}{space}{}{}{}", l.poster, l.colon, f.kind(), l.quote_open, f.title, l.quote_close),
        format!("{speaker}{}{}", l.colon, f.speaker_line),
        format!("{}{}{}", l.time, l.colon, f.when),
    ];
    if let Some(place) = f.place_line() {
        sentences.push(format!("{}{}{place}", l.place, l.colon));
    }
    // `. ` between sentences, `.` after the last; `。` throughout.
    let mut text = sentences.join(l.stop);
    text.push_str(l.stop.trim_end());
    text
}
