//! talkposter: a YAML description of an academic talk in, a print-ready
//! poster out. Data flows one way: `event` (load, validate) → `assets`
//! (photos, logos) → `render` (fill the layout, check) → `export` (PDF, PNG).

pub mod assets;
pub mod cli;
pub mod diag;
pub mod event;
pub mod export;
pub mod pipeline;
pub mod render;
