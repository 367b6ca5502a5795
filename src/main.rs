//! Thin entry point: parse arguments, run, map errors to exit codes
//! (0 done, 1 input or render error, 2 bad usage from clap).

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};

use talkposter::batch::{self, BatchOptions, Outcome, Report, TalkResult};
use talkposter::cli::{BatchArgs, Cli, Command, FontsArgs, OutputArgs, RenderArgs};
use talkposter::diag::{self, Diagnostic, Failure};
use talkposter::event::TemplateRef;
use talkposter::pipeline::Options;
use talkposter::worker::{self, Isolation, Workers};
use talkposter::{contact_sheet, memory, series, templates};

#[global_allocator]
static GLOBAL: memory::CappedAlloc = memory::CappedAlloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Render(args) => render(args),
        Command::Batch(args) => run_batch(args),
        Command::Templates => {
            for layout in templates::LAYOUTS {
                println!("{:<8} {}", layout.name, layout.about);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Fonts(args) => list_fonts(args),
        Command::Worker(args) => return worker::serve(args.font_path),
    };

    match result {
        Ok(code) => code,
        Err(failure) => {
            print_diagnostics(&failure.0);
            ExitCode::from(1)
        }
    }
}

/// Prints errors and warnings to stderr, in colour on a terminal.
fn print_diagnostics(diagnostics: &[Diagnostic]) {
    let color = if std::io::stderr().is_terminal() { ColorChoice::Auto } else { ColorChoice::Never };
    diag::report(&mut StandardStream::stderr(color), diagnostics);
}

fn options(args: &OutputArgs, thumbnail_width: Option<u32>) -> Result<Options, Failure> {
    Ok(Options {
        out_dir: args.output.clone(),
        formats: args.format.clone(),
        ppi: args.ppi,
        template: args.template.as_deref().map(template_arg).transpose()?,
        thumbnail_width,
    })
}

/// Worker processes started from this program, `jobs` at a time.
fn workers(args: &OutputArgs, jobs: usize) -> Result<Workers, Failure> {
    let exe = std::env::current_exe()
        .map_err(|e| Diagnostic::new(format!("cannot find talkposter's own program to start workers: {e}")))?;
    let time_limit = Duration::from_secs(args.time_limit);
    Ok(Workers::new(Isolation::Processes { exe }, jobs, args.font_path.clone(), time_limit))
}

/// `render FILE`: a batch of one, always rendered, printing the paths written.
fn render(args: RenderArgs) -> Result<ExitCode, Failure> {
    let options = BatchOptions {
        render: options(&args.output, None)?,
        manifest: false,
        skip_current: false,
        contact_sheet: false,
        font_dirs: args.output.font_path.clone(),
    };
    let talks = series::collect(std::slice::from_ref(&args.event))?;
    let workers = workers(&args.output, 1)?;
    let report = batch::run(talks, &options, &workers, &|_| {});
    for r in report.results {
        match r.outcome {
            Outcome::Rendered(paths, warnings) => {
                print_diagnostics(&warnings);
                paths.iter().for_each(|p| println!("{}", p.display()));
            }
            Outcome::UpToDate => {}
            Outcome::Failed(f) => return Err(f),
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn run_batch(args: BatchArgs) -> Result<ExitCode, Failure> {
    let options = BatchOptions {
        render: options(&args.output, Some(contact_sheet::THUMB_WIDTH))?,
        manifest: true,
        skip_current: !args.force,
        contact_sheet: true,
        font_dirs: args.output.font_path.clone(),
    };
    let talks = series::collect(&args.paths)?;
    let jobs = args.jobs.map_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()), |j| j as usize);
    let workers = workers(&args.output, jobs)?;
    let progress = Progress::new(talks.len());
    let report = batch::run(talks, &options, &workers, &|r| progress.done(r));
    progress.finish();
    summarize(&report);
    Ok(if report.failed() > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// A progress bar on a terminal; one plain line per talk otherwise.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    fn new(n: usize) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(n as u64);
            let style = indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
            bar.set_style(style);
            bar
        });
        Progress { bar }
    }

    fn done(&self, r: &TalkResult) {
        let word = match r.outcome {
            Outcome::Rendered(..) => "rendered",
            Outcome::UpToDate => "up to date",
            Outcome::Failed(_) => "FAILED",
        };
        match &self.bar {
            Some(bar) => {
                bar.set_message(r.stem.clone());
                if matches!(r.outcome, Outcome::Failed(_)) {
                    bar.println(format!("failed: {}", r.label));
                }
                bar.inc(1);
            }
            // One println! is one whole line, even from several threads.
            None => println!("{word:>10}  {}", r.label),
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

fn summarize(report: &Report) {
    let rendered = report.count(|o| matches!(o, Outcome::Rendered(..)));
    let current = report.count(|o| matches!(o, Outcome::UpToDate));
    println!("{rendered} rendered, {current} up to date, {} failed", report.failed());
    match &report.contact_sheet {
        Some(Ok(path)) => println!("contact sheet: {}", path.display()),
        Some(Err(f)) => report_failure("the contact sheet", f),
        None => {}
    }
    for r in &report.results {
        match &r.outcome {
            Outcome::Failed(f) => report_failure(&r.label, f),
            Outcome::Rendered(_, warnings) if !warnings.is_empty() => {
                eprintln!("\nwarnings: {}", r.label);
                print_diagnostics(warnings);
            }
            _ => {}
        }
    }
}

fn report_failure(what: &str, f: &Failure) {
    eprintln!("\nfailed: {what}");
    print_diagnostics(&f.0);
}

/// `talkposter fonts`: every family, and where it comes from.
fn list_fonts(args: FontsArgs) -> Result<ExitCode, Failure> {
    let library = talkposter::layout::Layouter::new(args.font_path).fonts(true)?;
    for (family, origin) in library.families() {
        println!("{family:<40} {}", origin.describe());
    }
    Ok(ExitCode::SUCCESS)
}

/// `--template`: the same rule as `template:` in an event, from the current folder.
fn template_arg(s: &str) -> Result<TemplateRef, Failure> {
    templates::resolve(s, Path::new("."))
        .map_err(|(message, help)| Diagnostic::new(message).key("--template").help(help).into())
}
