//! The integration tests, one binary (linking Typst once): each module runs
//! the built `talkposter` on real files and checks what it printed and wrote.

mod authoring;
mod batch;
mod common;
mod corpus;
mod docs;
mod errors;
mod fuzz;
mod golden;
mod hostile;
mod layouts;
mod lengths;
mod outputs;
mod print;
mod properties;
mod render;
mod scripts;
mod sheets;
mod validation;
