//! Everything said in a language rather than taken from the event: the
//! words around the talk's own text (`Abstract`, `摘要`, `Zusammenfassung`)
//! and the forms of dates and times, for every output (poster, programme,
//! announcement, calendar, alt text). Dates and weekday names come from
//! CLDR through ICU4X; the words are ours.

pub mod dates;
pub mod words;

pub use words::{AltTexts, Labels, alt_texts, date_languages, labels, registration_text, text_languages};
