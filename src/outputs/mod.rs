//! What is sent out with the poster, written from the same event: the
//! calendar entry, the announcement (plain text and Markdown) and the alt
//! text every PNG carries. None of them needs a layout: they are made in
//! the main process, from the checked event.

pub mod alt_text;
pub mod announcement;
pub mod calendar;
pub mod facts;
