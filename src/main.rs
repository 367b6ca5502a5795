//! Thin entry point: parse arguments, run, map errors to exit codes
//! (0 done, 1 input or render error, 2 bad usage from clap).

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};

use talkposter::cli::{Cli, Command, RenderArgs};
use talkposter::diag::{self, Diagnostic, Failure};
use talkposter::event::{TemplateRef, validate::BUILT_IN_TEMPLATES, validate::nearest};
use talkposter::pipeline::{self, Options};
use talkposter::render::Renderer;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Render(args) => render(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            let color = if std::io::stderr().is_terminal() { ColorChoice::Auto } else { ColorChoice::Never };
            diag::report(&mut StandardStream::stderr(color), &failure);
            ExitCode::from(1)
        }
    }
}

fn render(args: RenderArgs) -> Result<(), Failure> {
    let template = args.template.as_deref().map(template_arg).transpose()?;
    let options = Options { out_dir: args.output, formats: args.format, ppi: args.ppi, template };
    let renderer = Renderer::new(args.font_path);
    for path in pipeline::render_file(&renderer, &args.event, &options)? {
        println!("{}", path.display());
    }
    Ok(())
}

/// `--template`: a built-in layout's name, or a path to a .typ file.
fn template_arg(s: &str) -> Result<TemplateRef, Failure> {
    if BUILT_IN_TEMPLATES.contains(&s) {
        return Ok(TemplateRef::BuiltIn(s.to_string()));
    }
    let path = std::path::PathBuf::from(s);
    if path.is_file() {
        return Ok(TemplateRef::File(path));
    }
    let mut d = Diagnostic::new(format!("--template `{s}` is neither a built-in layout nor a file"));
    if let Some(n) = nearest(s, BUILT_IN_TEMPLATES) {
        d = d.help(format!("did you mean `{n}`?"));
    }
    Err(d.help(format!("built-in layouts: {}; or give the path of a .typ file", BUILT_IN_TEMPLATES.join(", "))).into())
}
