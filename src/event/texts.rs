//! The event's optional texts, declared once. Each line of the list below
//! makes a key of the event file: its field in the model (`Texts<Text>`),
//! its entry in the JSON Schema with the doc comment as its description
//! (`Texts<TextValue>`), its check in `validate`, its place among the
//! fields every text check walks, its entry in the layouts' `sys.inputs`
//! and in the announcement's facts, shaped by its `Shape`. A new optional
//! text is one more line here, then the layout that prints it and the docs.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How a text is laid out wherever it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A short text on one line: line breaks typed in it become spaces.
    Line,
    /// A long text: paragraphs separated by a blank line.
    Paragraphs,
    /// A short text that keeps the line breaks typed in it.
    Lines,
}

macro_rules! optional_texts {
    ($( $(#[doc = $doc:literal])* $field:ident = $key:literal, $shape:ident; )*) => {
        /// The event's optional texts (a `T` each): `Text` in the model,
        /// `TextValue` in the schema, what an output makes of them.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
        pub struct Texts<T> {
            $( $(#[doc = $doc])* #[serde(rename = $key)] pub $field: Option<T>, )*
        }

        impl<T> Default for Texts<T> {
            fn default() -> Self {
                Texts { $( $field: None, )* }
            }
        }

        /// Every optional text's key and shape, in the order they are
        /// checked and listed.
        pub const KEYS: &[(&str, Shape)] = &[ $( ($key, Shape::$shape), )* ];

        impl<T> Texts<T> {
            /// Every key with its shape and its text, if given.
            pub fn all(&self) -> [(&'static str, Shape, Option<&T>); KEYS.len()] {
                [ $( ($key, Shape::$shape, self.$field.as_ref()), )* ]
            }

            /// Where the text of `key` goes, if `key` is one of them.
            pub fn slot(&mut self, key: &str) -> Option<&mut Option<T>> {
                match key {
                    $( $key => Some(&mut self.$field), )*
                    _ => None,
                }
            }
        }
    };
}

optional_texts! {
    /// A line under the title.
    subtitle = "subtitle", Line;
    /// What the event is: Seminar, Distinguished Lecture… Without it the poster says Talk / 学术报告.
    kind = "kind", Line;
    /// Room and building: one string, or one per language. Needed unless the talk is online only.
    place = "place", Line;
    /// The abstract: paragraphs separated by a blank line.
    abstract_ = "abstract", Paragraphs;
    /// One closing line: Tea and coffee from 15:45.
    note = "note", Lines;
    /// Whom to ask about the talk, as it should print: Contact: Ms. Li Hua, lihua@pku.edu.cn.
    contact = "contact", Line;
    /// The series' name in the footer (series.yaml usually gives it).
    series = "series", Line;
}

impl<T> Texts<T> {
    /// Each text given, with its key and shape.
    pub fn given(&self) -> impl Iterator<Item = (&'static str, Shape, &T)> {
        self.all().into_iter().filter_map(|(key, shape, t)| Some((key, shape, t?)))
    }

    /// The same keys, each text made into a `U` (or dropped) by `f`.
    pub fn map<U>(&self, mut f: impl FnMut(&'static str, Shape, &T) -> Option<U>) -> Texts<U> {
        let mut out = Texts::default();
        for (key, shape, t) in self.given() {
            if let Some(slot) = out.slot(key) {
                *slot = f(key, shape, t);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_its_own_slot() {
        let mut texts: Texts<usize> = Texts::default();
        for (i, (key, _)) in KEYS.iter().enumerate() {
            *texts.slot(key).unwrap() = Some(i);
        }
        let seen: Vec<(&str, usize)> = texts.given().map(|(k, _, i)| (k, *i)).collect();
        let expected: Vec<(&str, usize)> = KEYS.iter().enumerate().map(|(i, (k, _))| (*k, i)).collect();
        assert_eq!(seen, expected);
        assert!(texts.slot("title").is_none(), "the title is required, not one of these");
        assert_eq!(texts.map(|_, _, i| (i % 2 == 0).then_some(*i)).given().count(), KEYS.len().div_ceil(2));
    }
}
