//! Thin entry point: parse arguments, run the command, map errors to exit
//! codes (0 done, 1 input or render error, 2 bad usage from clap).

// Nothing here is a library: what the commands share is `pub(crate)`.
#![warn(unreachable_pub)]

use std::process::ExitCode;

use clap::Parser;

mod cli;
mod commands;

use cli::Cli;
use talkposter::{diag, memory};

#[global_allocator]
static GLOBAL: memory::CappedAlloc = memory::CappedAlloc;

fn main() -> ExitCode {
    talkposter::worker::install_panic_hook();
    match commands::run(Cli::parse()) {
        Ok(code) => code,
        Err(failure) => {
            diag::eprint(&failure.0);
            ExitCode::from(1)
        }
    }
}
