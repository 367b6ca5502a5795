//! The commands, one module each; `run` dispatches. The command line is
//! declared in `cli.rs`; the work is done by the library's pipeline.

mod fonts;
mod posters;
mod templates;

use std::process::ExitCode;

use crate::cli::{Cli, Command};
use crate::diag::Failure;
use crate::worker;

/// Runs the command; an error is everything that stopped it, to be printed.
pub fn run(cli: Cli) -> Result<ExitCode, Failure> {
    match cli.command {
        Command::Render(args) => posters::render(args),
        Command::Batch(args) => posters::batch(args),
        Command::Templates => templates::list(),
        Command::Fonts(args) => fonts::list(args),
        Command::Worker(args) => Ok(worker::serve(args.font_path)),
    }
}
