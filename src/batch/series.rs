//! The series' own files, made after its talks: the contact sheet and the
//! programme (with posters), the calendar of the series (with `ics`) and
//! the list of alt texts (with `png`). Their names are reserved before the
//! talks are named, so no talk takes one.

use std::path::PathBuf;

use super::{BatchOptions, Outcome, TalkResult};
use crate::assets::{AssetCache, Shape};
use crate::contact_sheet::{self, Card, SheetJob};
use crate::diag::{Diagnostic, Failure};
use crate::event::Event;
use crate::export::write_if_changed;
use crate::incremental::{Entry, Manifest, programme_fingerprint};
use crate::outputs::{alt_text, calendar, facts};
use crate::pipeline::{self, Format, Options};
use crate::programme::{self, Programme, ProgrammeJob};
use crate::worker::Workers;

/// A file (or files) about the whole series.
#[derive(Debug)]
pub struct SeriesOutput {
    /// `the contact sheet`, `the programme`…
    pub what: &'static str,
    pub result: Result<Vec<PathBuf>, Failure>,
    /// Something to say about it (`continues on 2 pages`).
    pub note: Option<String>,
}

/// The names the series' own files take, which no talk may, each with
/// the file that takes it.
pub(super) fn reserved_names(options: &Options) -> Vec<(&'static str, String)> {
    let has = |f: Format| options.formats.contains(&f);
    let mut names = Vec::new();
    if pipeline::needs_layout(options) {
        names.push((contact_sheet::NAME, format!("{}.png", contact_sheet::NAME)));
        names.push((programme::NAME, format!("{}.pdf", programme::NAME)));
    }
    if has(Format::Ics) {
        names.push((SERIES_CALENDAR, format!("{SERIES_CALENDAR}.ics")));
    }
    if has(Format::Png) {
        names.push((ALT_TEXTS, format!("{ALT_TEXTS}.txt")));
    }
    names
}

/// `series.ics`: every talk of the series, to subscribe to.
const SERIES_CALENDAR: &str = "series";
/// `alt-text.txt`: the description of every PNG written.
const ALT_TEXTS: &str = "alt-text";

/// The programme of a series, planned before its talks are laid out: a
/// worker lays it out beside the talks (it depends on what they say, not on
/// their posters), and it is written with the series' other files.
pub(super) struct ProgrammePlan {
    talks: usize,
    alt: String,
    work: ProgrammeWork,
}

enum ProgrammeWork {
    /// The manifest shows it made from the same talks: its files.
    Current(Vec<PathBuf>),
    /// To lay out, with its manifest fingerprint (when a manifest is kept).
    Make { job: Box<ProgrammeJob>, hash: Option<String> },
}

/// The programme's layout, from the worker that made it.
pub(super) type LaidOut = Result<Programme, Failure>;

/// The programme of `listed` (in date order), when the batch makes posters
/// and has talks to list.
pub(super) fn plan_programme(
    listed: &[(String, Event)],
    options: &BatchOptions,
    assets: &AssetCache,
    manifest: &Manifest,
) -> Option<ProgrammePlan> {
    if !options.series_outputs || !pipeline::needs_layout(&options.poster) || listed.is_empty() {
        return None;
    }
    let talks: Vec<Event> = listed.iter().map(|(_, e)| e.clone()).collect();
    // The logo of the first talk that has one: the series' organizer.
    let logo = talks
        .iter()
        .find_map(|e| e.organizer.as_ref()?.logo.as_ref())
        .and_then(|path| assets.picture(path, Shape::Whole).ok());
    let job = ProgrammeJob {
        talks,
        logo,
        template: options.programme_template.clone(),
        formats: options.poster.formats.iter().copied().filter(|f| f.is_poster()).collect(),
        ppi: options.poster.ppi.unwrap_or(crate::print::DEFAULT_PPI),
    };
    let alt = programme::describe(&job);
    let out_dir = &options.poster.out_dir;
    let hash = options.manifest.then(|| programme_fingerprint(&job, &options.font_dirs)).flatten();
    let work = match hash {
        Some(hash) if options.skip_current && manifest.is_current(out_dir, programme::NAME, &hash) => {
            let outputs = manifest.talks.get(programme::NAME).map(|e| e.outputs.as_slice()).unwrap_or_default();
            ProgrammeWork::Current(outputs.iter().map(|o| out_dir.join(o)).collect())
        }
        hash => ProgrammeWork::Make { job: Box::new(job), hash },
    };
    Some(ProgrammePlan { talks: listed.len(), alt, work })
}

impl ProgrammePlan {
    /// Its layout, by the worker of `slot` (none when it is up to date).
    pub(super) fn lay_out(&self, workers: &Workers, slot: usize) -> Option<LaidOut> {
        let ProgrammeWork::Make { job, .. } = &self.work else { return None };
        Some(match workers.programme(slot, (**job).clone()) {
            Ok(Ok(p)) => Ok(p),
            Ok(Err(errors)) => Err(Failure(errors)),
            Err(none) => Err(none.diagnostic().into()),
        })
    }
}

/// Talks by date and time, then by name.
pub(super) fn in_date_order(mut listed: Vec<(String, Event)>) -> Vec<(String, Event)> {
    listed.sort_by(|a, b| (a.1.time.date, a.1.time.start, &a.0).cmp(&(b.1.time.date, b.1.time.start, &b.0)));
    listed
}

/// The contact sheet and the programme (with posters; the programme as
/// `plan_programme` planned and a worker laid it out), the calendar feed
/// (with `ics`) and the alt texts (with `png`); `listed` in date order.
pub(super) fn make(
    results: &[TalkResult],
    listed: Vec<(String, Event)>,
    programme: Option<(ProgrammePlan, Option<LaidOut>)>,
    options: &BatchOptions,
    workers: &Workers,
    manifest: &mut Manifest,
) -> Vec<SeriesOutput> {
    let poster = &options.poster;
    let out_dir = &poster.out_dir;
    let mut outputs = Vec::new();
    let mut alt_texts: Vec<(String, String)> = Vec::new();
    if pipeline::needs_layout(poster) {
        let (sheet, alt) = make_contact_sheet(results, out_dir, workers);
        alt_texts.push((format!("{}.png", contact_sheet::NAME), alt));
        outputs.push(SeriesOutput { what: "the contact sheet", result: sheet.map(|p| vec![p]), note: None });
        if let Some((plan, laid_out)) = programme {
            if poster.formats.contains(&Format::Png) {
                alt_texts.push((format!("{}.png", programme::NAME), plan.alt.clone()));
            }
            let (result, note) = write_programme(plan, laid_out, out_dir, manifest);
            outputs.push(SeriesOutput { what: "the programme", result, note });
        }
    }
    if poster.formats.contains(&Format::Ics) && !listed.is_empty() {
        let result = series_calendar(&listed, poster);
        outputs.push(SeriesOutput { what: "the calendar of the series", result: result.map(|p| vec![p]), note: None });
    }
    if poster.formats.contains(&Format::Png) {
        for (stem, event) in &listed {
            alt_texts.push((format!("{stem}.png"), alt_text::describe(&facts::in_language(event, event.language))));
        }
        let text: String = alt_texts.iter().map(|(file, alt)| format!("{file}\n{alt}\n\n")).collect();
        let path = out_dir.join(format!("{ALT_TEXTS}.txt"));
        let result = write_if_changed(&path, text.as_bytes()).map(|_| vec![path]).map_err(Failure::from);
        outputs.push(SeriesOutput { what: "the alt texts", result, note: None });
    }
    outputs
}

fn series_calendar(listed: &[(String, Event)], options: &Options) -> Result<PathBuf, Failure> {
    let entries = listed
        .iter()
        .map(|(stem, e)| pipeline::calendar_entry(e, stem, &options.announcer))
        .collect::<Result<Vec<_>, _>>()?;
    let name = listed.iter().find_map(|(_, e)| e.texts.series.as_ref()).map(|s| {
        let e = &listed[0].1;
        crate::markup::plain(&crate::text::join_lines(s.pick(e.language)), e.markup)
    });
    let path = options.out_dir.join(format!("{SERIES_CALENDAR}.ics"));
    write_if_changed(&path, calendar::calendar(&entries, name.as_deref()).as_bytes())?;
    Ok(path)
}

/// The programme's files written (or found up to date), and a note when
/// it does not fit one column.
fn write_programme(
    plan: ProgrammePlan,
    laid_out: Option<LaidOut>,
    out_dir: &std::path::Path,
    manifest: &mut Manifest,
) -> (Result<Vec<PathBuf>, Failure>, Option<String>) {
    let hash = match plan.work {
        ProgrammeWork::Current(files) => return (Ok(files), None),
        ProgrammeWork::Make { hash, .. } => hash,
    };
    let produced = match laid_out {
        Some(Ok(p)) => p,
        Some(Err(f)) => return (Err(f), None),
        None => return (Err(Diagnostic::new("the programme was not laid out").into()), None),
    };
    let mut written = Vec::new();
    for (name, bytes) in &produced.files {
        let path = out_dir.join(name);
        if let Err(d) = write_if_changed(&path, bytes) {
            return (Err(d.into()), None);
        }
        written.push(path);
    }
    if let Some(hash) = hash {
        let outputs = produced.files.iter().map(|(name, _)| name.clone()).collect();
        manifest.record(programme::NAME, Some(Entry { hash, outputs, read: Vec::new() }));
    }
    let note = (produced.pages > 1).then(|| {
        format!(
            "{} talks do not fit one page even in two columns at 7.5 pt: the programme continues on {} pages",
            plan.talks, produced.pages
        )
    });
    (Ok(written), note)
}

/// The contact sheet, and its alt text.
fn make_contact_sheet(
    results: &[TalkResult],
    out_dir: &std::path::Path,
    workers: &Workers,
) -> (Result<PathBuf, Failure>, String) {
    let alt = format!("Contact sheet: {} posters, in date order", results.len());
    (contact_sheet_file(results, out_dir, workers, &alt), alt)
}

fn contact_sheet_file(
    results: &[TalkResult],
    out_dir: &std::path::Path,
    workers: &Workers,
    alt: &str,
) -> Result<PathBuf, Failure> {
    let cards = results
        .iter()
        .map(|r| Card {
            stem: r.stem.clone(),
            date: r.date.clone(),
            caption: r.caption.clone(),
            failed: matches!(r.outcome, Outcome::Failed(_)),
        })
        .collect();
    let job = SheetJob { cards, out_dir: out_dir.to_path_buf(), alt: alt.to_string() };
    let png = workers.sheet(job).map_err(|none| none.diagnostic())?.map_err(Failure)?;
    std::fs::create_dir_all(out_dir).map_err(|e| {
        Diagnostic::new(format!("cannot create `{}`: {}", out_dir.display(), crate::files::io_reason(&e)))
    })?;
    let path = out_dir.join(format!("{}.png", contact_sheet::NAME));
    write_if_changed(&path, &png)?;
    Ok(path)
}
