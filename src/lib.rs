//! talkposter: a YAML description of an academic talk in, a print-ready
//! poster out. Data flows one way: `event` (load, validate) → `assets`
//! (photos, logos, QR codes) → `layout` (fill the layout, check; in a
//! `worker` process) → `export` (PDF, PNG). `pipeline` is one talk through
//! those steps; `batch` many, with `series` to find them and `incremental`
//! to skip those up to date.

// Errors carry a source snippet and help; they are rare and returned once per
// talk, so their size does not matter.
#![allow(clippy::result_large_err)]
// `pub` only for what the binary, the tests and the examples use.
#![warn(unreachable_pub)]

pub mod assets;
pub mod batch;
pub mod contact_sheet;
pub mod diag;
pub mod event;
pub mod export;
pub mod files;
pub mod import;
pub mod incremental;
pub mod layout;
pub mod limits;
pub mod locale;
pub mod markup;
pub mod memory;
pub mod outputs;
pub mod pipeline;
pub mod print;
pub mod programme;
pub mod series;
pub mod sheet;
pub mod suggest;
pub mod sync;
pub mod templates;
pub mod text;
pub mod worker;
