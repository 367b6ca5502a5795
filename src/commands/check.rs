//! `talkposter check`: every problem of every file, without rendering. It
//! reads and validates each talk (with its series), looks at each picture's
//! header, and with `--layout` also lays each poster out in the workers
//! (fonts, fit, every character drawable), writing nothing.

use std::process::ExitCode;

use crate::cli::CheckArgs;
use talkposter::assets;
use talkposter::batch::{self, BatchOptions, Outcome};
use talkposter::diag::{self, Diagnostic, Failure};
use talkposter::pipeline::{Format, Options};
use talkposter::series::{self, Talk};

pub(super) fn run(args: CheckArgs) -> Result<ExitCode, Failure> {
    let talks = series::collect(&args.paths, &args.sheets.sources())?;
    let total = talks.len();
    let mut problems: Vec<(String, Vec<Diagnostic>)> = Vec::new();
    let mut readable: Vec<Talk> = Vec::new();
    for talk in talks {
        match &talk.checked {
            Err(f) => problems.push((talk.label.clone(), f.0.clone())),
            Ok(c) => {
                let bad: Vec<Diagnostic> = assets::pictures(&c.event)
                    .into_iter()
                    .filter_map(|(key, path)| {
                        let d = assets::inspect(path).err()?;
                        let mut located = c.origin.error(&key, d.message);
                        located.help = d.help;
                        Some(located)
                    })
                    .collect();
                if bad.is_empty() {
                    readable.push(talk);
                } else {
                    problems.push((talk.label.clone(), bad));
                }
            }
        }
    }
    if args.layout && !readable.is_empty() {
        problems.extend(lay_out(readable, &args)?);
    }
    for (label, diagnostics) in &problems {
        err!("\n{label}");
        diag::eprint(diagnostics);
    }
    let what = if args.layout { "checked and laid out" } else { "checked" };
    let talks = if total == 1 { "talk" } else { "talks" };
    if problems.is_empty() {
        out!("{total} {talks} {what}: no problems");
        Ok(ExitCode::SUCCESS)
    } else {
        out!("{total} {talks} {what}: {} with problems", problems.len());
        Ok(ExitCode::from(1))
    }
}

/// Lays every talk out as `render` would, into a folder that is thrown away.
fn lay_out(talks: Vec<Talk>, args: &CheckArgs) -> Result<Vec<(String, Vec<Diagnostic>)>, Failure> {
    let scratch = tempfile::tempdir().map_err(|e| Diagnostic::new(format!("cannot make a scratch folder: {e}")))?;
    let templates =
        args.template.iter().map(|t| super::posters::template_arg(t, "--template")).collect::<Result<_, _>>()?;
    let poster = Options {
        out_dir: scratch.path().to_path_buf(),
        formats: vec![Format::Pdf],
        ppi: None,
        paper: None,
        bleed_mm: 0.0,
        crop_marks: false,
        templates,
        thumbnail_width: None,
        announcer: std::sync::Arc::new(talkposter::outputs::announcement::Announcer::new(&[])?),
        pdf: talkposter::export::PdfStandards::default(),
    };
    let options = BatchOptions::each_talk(poster, args.font_path.clone());
    let jobs = std::thread::available_parallelism().map_or(2, |n| n.get());
    let workers = super::posters::start_workers(&args.font_path, talkposter::limits::DEFAULT_TIME_LIMIT, jobs, false)?;
    let report = batch::run(talks, &options, &workers, &|_| {});
    Ok(report
        .results
        .into_iter()
        .filter_map(|r| match r.outcome {
            Outcome::Failed(f) => Some((r.label, f.0)),
            _ => None,
        })
        .collect())
}
