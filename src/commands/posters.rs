//! `talkposter render` and `talkposter batch`: talks to posters, through
//! worker processes. `render FILE` is a batch of one that prints the paths
//! it wrote; `batch` keeps a manifest, skips talks that are up to date,
//! shows its progress and makes a contact sheet.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use crate::cli::{BatchArgs, OutputArgs, RenderArgs};
use talkposter::batch::{self, BatchOptions, Outcome, Report, TalkResult};
use talkposter::diag::{self, Diagnostic, Failure};
use talkposter::event::{Reading, TemplateRef, has_cjk};
use talkposter::outputs::announcement::Announcer;
use talkposter::pipeline::{self, Options};
use talkposter::worker::{Isolation, Workers};
use talkposter::{contact_sheet, incremental, series, templates};

/// `render FILE`: a batch of one, always rendered, printing the paths written.
pub(super) fn render(args: RenderArgs) -> Result<ExitCode, Failure> {
    let options = render_options(&args.output)?;
    stop_cleanly_on_signals(&options.poster.out_dir);
    // One talk: laid out in this process when it runs only talkposter's own
    // code (see `Isolation::ProcessesWhenNeeded`).
    let workers = start_workers(&args.output.font_path, Duration::from_secs(args.output.time_limit), 1, true)?;
    let talks = series::collect(std::slice::from_ref(&args.event), &Default::default())?;
    // While the engine is built: the CJK fonts' hashes, and the tables that
    // tell traditional Chinese from simplified, when the talk needs them.
    let events = || talks.iter().filter_map(|t| Some(&t.checked.as_ref().ok()?.event));
    if pipeline::needs_layout(&options.poster) {
        workers.warm_up(events().any(has_cjk));
        if events().any(Reading::tells_chinese_apart) {
            talkposter::text::warm_up();
        }
    }
    let report = batch::run(talks, &options, &workers, &|_| {});
    for r in report.results {
        match r.outcome {
            Outcome::Rendered(paths, warnings) => {
                diag::eprint(&warnings);
                paths.iter().for_each(|p| out!("{}", p.display()));
            }
            Outcome::UpToDate => {}
            Outcome::Failed(_) if batch::interrupted() => return Ok(ExitCode::from(130)),
            Outcome::Failed(f) => return Err(f),
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// On Ctrl-C or SIGTERM, lets the writes under way finish (each file, and
/// each talk's set of files, appears whole or not at all) and starts no
/// new talk. Temporary files a killed run left in `out_dir` are removed now.
fn stop_cleanly_on_signals(out_dir: &Path) {
    let _ = ctrlc::set_handler(batch::interrupt);
    talkposter::export::remove_stale_temporaries(out_dir);
    talkposter::export::remove_stale_temporaries(&out_dir.join(contact_sheet::THUMBS));
}

/// What `render` (and `watch`) make of one talk: its posters, nothing about a series.
pub(super) fn render_options(output: &OutputArgs) -> Result<BatchOptions, Failure> {
    Ok(BatchOptions::each_talk(options(output, None)?, output.font_path.clone()))
}

/// `batch PATH…`: every talk, in parallel, with a summary at the end.
pub(super) fn batch(args: BatchArgs) -> Result<ExitCode, Failure> {
    // Many talks: memory counts more than the last few milliseconds.
    talkposter::memory::return_memory_promptly();
    let programme_template = match &args.programme_template {
        Some(path) => template_arg(&path.to_string_lossy(), "--programme-template")?,
        None => TemplateRef::BuiltIn(templates::PROGRAMME.into()),
    };
    let poster = options(&args.output, Some(contact_sheet::THUMB_WIDTH))?;
    let options = BatchOptions::series(poster, args.output.font_path.clone(), args.force, programme_template);
    let jobs = args.jobs.map_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()), |j| j as usize);
    let workers = workers(&args.output, jobs)?;
    // Its own files and thumbnails stay inside the output folder.
    let own = [incremental::MANIFEST, incremental::JOURNAL, contact_sheet::OWN_FOLDER, contact_sheet::THUMBS];
    talkposter::files::no_links_among(&options.poster.out_dir, &own)?;
    stop_cleanly_on_signals(&options.poster.out_dir);
    let talks = series::collect(&args.paths, &args.sheets.sources())?;
    let progress = Progress::new(talks.len());
    let report = batch::run(talks, &options, &workers, &|r| progress.done(r));
    progress.finish();
    summarize(&report);
    if batch::interrupted() {
        err!("interrupted: the talks above are written; run the same command again to make the rest");
        return Ok(ExitCode::from(130));
    }
    Ok(if report.failed() > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn options(args: &OutputArgs, thumbnail_width: Option<u32>) -> Result<Options, Failure> {
    Ok(Options {
        out_dir: args.output.clone(),
        formats: args.format.iter().map(|f| (*f).into()).collect(),
        ppi: args.ppi,
        paper: args.paper,
        bleed_mm: args.bleed.unwrap_or(0.0),
        crop_marks: args.crop_marks,
        templates: args.template.iter().map(|t| template_arg(t, "--template")).collect::<Result<_, _>>()?,
        thumbnail_width,
        announcer: Arc::new(Announcer::new(&args.announcement)?),
        pdf: crate::cli::pdf_standards(&args.pdf_standard),
    })
}

/// Worker processes started from this program, `jobs` at a time. They
/// start now, so their start-up overlaps the reading of the talks.
pub(super) fn workers(args: &OutputArgs, jobs: usize) -> Result<Workers, Failure> {
    start_workers(&args.font_path, Duration::from_secs(args.time_limit), jobs, false)
}

/// Worker processes started from this program (with `when_needed`, only
/// for jobs that cannot run in this process).
pub(super) fn start_workers(
    font_dirs: &[PathBuf],
    time_limit: Duration,
    jobs: usize,
    when_needed: bool,
) -> Result<Workers, Failure> {
    // The font folders are looked at here, once: a folder too large to
    // search is refused, an unreadable font named, before any worker
    // spends its time on them.
    for dir in font_dirs {
        for warning in talkposter::layout::fonts::font_file_warnings(dir)? {
            diag::eprint(&[warning]);
        }
    }
    let exe = std::env::current_exe()
        .map_err(|e| Diagnostic::new(format!("cannot find talkposter's own program to start workers: {e}")))?;
    let isolation = if when_needed { Isolation::ProcessesWhenNeeded { exe } } else { Isolation::Processes { exe } };
    Ok(Workers::new(isolation, jobs, font_dirs.to_vec(), time_limit))
}

/// `--template`: the same rule as `template:` in an event, from the current folder.
pub(super) fn template_arg(s: &str, flag: &str) -> Result<TemplateRef, Failure> {
    templates::resolve(s, Path::new("."), None).map_err(|d| d.key(flag).into())
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
            // One `out!` is one whole line, even from several threads.
            None => out!("{word:>10}  {}", r.label),
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
    out!("{rendered} rendered, {current} up to date, {} failed", report.failed());
    for output in &report.series {
        match &output.result {
            Ok(paths) => {
                let paths: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
                out!("{}: {}", output.what, paths.join(", "));
                if let Some(note) = &output.note {
                    diag::eprint(&[Diagnostic::new(note.clone()).warning()]);
                }
            }
            Err(f) => report_failure(output.what, f),
        }
    }
    for r in &report.results {
        match &r.outcome {
            Outcome::Failed(f) => report_failure(&r.label, f),
            Outcome::Rendered(_, warnings) if !warnings.is_empty() => {
                err!("\nwarnings: {}", r.label);
                diag::eprint(warnings);
            }
            _ => {}
        }
    }
}

fn report_failure(what: &str, f: &Failure) {
    err!("\nfailed: {what}");
    diag::eprint(&f.0);
}
