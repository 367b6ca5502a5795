//! The commands, one module each; `run` dispatches. The command line is
//! declared in `cli.rs`; the work is done by the library's pipeline.

/// `println!` for what a command prints on stdout, without the panic when
/// its reader has gone (`talkposter schema event | head`): the rest is not
/// printed, and the command's work goes on.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::commands::print_out(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `eprintln!` without the panic when stderr's reader has gone (see
/// `talkposter::diag::print_err`).
macro_rules! err {
    ($($arg:tt)*) => {
        talkposter::diag::print_err(format_args!("{}\n", format_args!($($arg)*)))
    };
}

mod check;
mod fonts;
mod help;
mod import;
mod new;
mod posters;
mod templates;
mod watch;

use std::process::ExitCode;

use crate::cli::{Cli, Command};
use talkposter::diag::Failure;
use talkposter::worker;

/// Runs the command; an error is everything that stopped it, to be printed.
/// Writes to stdout; a reader that has gone is not an error (see `out!`).
pub(crate) fn print_out(text: std::fmt::Arguments) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_fmt(text);
}

pub(crate) fn run(cli: Cli) -> Result<ExitCode, Failure> {
    match cli.command {
        Command::New(args) => new::run(args),
        Command::Check(args) => check::run(args),
        Command::Watch(args) => watch::run(args),
        Command::Render(args) => posters::render(args),
        Command::Batch(args) => posters::batch(args),
        Command::Import(args) => import::run(args),
        Command::Templates => templates::list(),
        Command::Fonts(args) => fonts::list(args),
        Command::Schema(args) => help::schema(args),
        Command::Completions(args) => help::completions(args),
        Command::Man => help::man(),
        Command::Worker(args) => Ok(worker::serve(args.font_path)),
    }
}
