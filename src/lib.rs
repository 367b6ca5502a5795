//! talkposter: a YAML description of an academic talk in, a print-ready
//! poster out. Data flows one way: `event` (load, validate) → `assets`
//! (photos, logos) → `render` (fill the layout, check) → `export` (PDF, PNG).

// Errors carry a source snippet and help; they are rare and returned once per
// talk, so their size does not matter.
#![allow(clippy::result_large_err)]

pub mod assets;
pub mod batch;

pub mod cli;
pub mod contact_sheet;
pub mod diag;
pub mod event;
pub mod export;
pub mod incremental;

pub mod pipeline;
pub mod render;
pub mod series;
