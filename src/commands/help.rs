//! What helps write files and use the command: the JSON Schemas, shell
//! completions and the manual page, all derived from the code (the schema
//! from the format's types, the others from the command line's).

use std::io::Write;
use std::process::ExitCode;

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs, SchemaArgs, SchemaKind};
use talkposter::diag::{Diagnostic, Failure};
use talkposter::event::format;

/// `talkposter schema [event|series]`
pub(super) fn schema(args: SchemaArgs) -> Result<ExitCode, Failure> {
    let text = match args.kind {
        SchemaKind::Event => format::event_schema(),
        SchemaKind::Series => format::series_schema(),
    };
    crate::commands::print_out(format_args!("{text}"));
    Ok(ExitCode::SUCCESS)
}

/// `talkposter completions SHELL`
pub(super) fn completions(args: CompletionsArgs) -> Result<ExitCode, Failure> {
    clap_complete::generate(args.shell, &mut public_command(), "talkposter", &mut std::io::stdout());
    Ok(ExitCode::SUCCESS)
}

/// The command line without its hidden, internal commands (`worker`),
/// which clap_complete would otherwise offer.
fn public_command() -> clap::Command {
    let full = Cli::command();
    let mut public = clap::Command::new("talkposter")
        .version(env!("CARGO_PKG_VERSION"))
        .about(full.get_about().cloned().unwrap_or_default())
        .args(full.get_arguments().cloned());
    for sub in full.get_subcommands().filter(|s| !s.is_hide_set()) {
        public = public.subcommand(sub.clone());
    }
    public
}

/// `talkposter man`
pub(super) fn man() -> Result<ExitCode, Failure> {
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut page)
        .map_err(|e| Diagnostic::new(format!("the manual page could not be made: {e}")))?;
    std::io::stdout().write_all(&page).map_err(|e| Diagnostic::new(format!("cannot write the manual page: {e}")))?;
    Ok(ExitCode::SUCCESS)
}
