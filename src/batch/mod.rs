//! Rendering many talks: one thread per worker takes the next talk when it
//! is done with one, prepares its assets, has its worker lay it out, and
//! writes its files. Talks that are up to date are skipped; one broken,
//! looping or crashing talk never stops the others. The manifest is updated
//! as each talk finishes; what concerns the whole series comes last
//! (`batch/series.rs`). `render FILE` is a batch of one.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

use crate::assets::AssetCache;
use crate::contact_sheet;
use crate::diag::{Diagnostic, Failure};
use crate::event::{Event, TemplateRef};
use crate::export::write_atomic;
use crate::incremental::{Entry, Manifest, fingerprint};
use crate::layout::explain::explain;
use crate::pipeline::{self, Options, Produced};
use crate::series::{Checked, Talk};
use crate::sync::LockAnyway;
use crate::worker::{self, Answerless, Workers};

mod series;
pub use series::SeriesOutput;

#[derive(Debug, Clone)]
pub struct BatchOptions {
    /// What to make of each talk, and where.
    pub poster: Options,
    /// Keep the output folder's manifest of what each poster was made from
    /// (batch, not `render`: that makes no thumbnail for the contact sheet).
    pub manifest: bool,
    /// Skip talks the manifest shows up to date (not with `--force`).
    pub skip_current: bool,
    /// Make what concerns the whole series (contact sheet, programme,
    /// calendar feed, alt texts), each when its format is asked for.
    pub series_outputs: bool,
    /// The programme's layout.
    pub programme_template: TemplateRef,
    /// `--font-path` folders (they take part in the up-to-date check).
    pub font_dirs: Vec<PathBuf>,
}

impl BatchOptions {
    /// Each talk's own posters and nothing about a series, without a
    /// manifest: `render`, `watch` and `check`.
    pub fn each_talk(poster: Options, font_dirs: Vec<PathBuf>) -> Self {
        BatchOptions {
            poster,
            manifest: false,
            skip_current: false,
            series_outputs: false,
            programme_template: TemplateRef::BuiltIn(crate::templates::PROGRAMME.into()),
            font_dirs,
        }
    }

    /// A series (`batch`): the manifest kept, talks up to date skipped
    /// unless `force`, and the series' own files made.
    pub fn series(poster: Options, font_dirs: Vec<PathBuf>, force: bool, programme_template: TemplateRef) -> Self {
        BatchOptions {
            manifest: true,
            skip_current: !force,
            series_outputs: true,
            programme_template,
            ..BatchOptions::each_talk(poster, font_dirs)
        }
    }
}

#[derive(Debug)]
pub enum Outcome {
    /// The files written, and Typst's warnings about the layout.
    Rendered(Vec<PathBuf>, Vec<Diagnostic>),
    UpToDate,
    Failed(Failure),
}

#[derive(Debug)]
pub struct TalkResult {
    pub stem: String,
    pub label: String,
    /// For the contact sheet's order and labels (none when the talk failed to load).
    pub date: Option<String>,
    pub caption: String,
    pub outcome: Outcome,
}

#[derive(Debug)]
pub struct Report {
    pub results: Vec<TalkResult>,
    /// What concerns the whole series, each written or why it could not be.
    pub series: Vec<SeriesOutput>,
}

impl Report {
    pub fn count(&self, pick: fn(&Outcome) -> bool) -> usize {
        self.results.iter().filter(|r| pick(&r.outcome)).count()
    }
    pub fn failed(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Failed(_)))
    }
}

/// What every talk of a run shares.
struct Run<'a> {
    options: &'a BatchOptions,
    workers: &'a Workers,
    assets: AssetCache,
    manifest: Mutex<Manifest>,
}

/// Set when the user interrupts the run (Ctrl-C, SIGTERM): no new talk is
/// started, the ones under way finish and are written (or not) whole, and
/// the series' own files are left as they were.
static INTERRUPTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Asks the running batch to stop at the next talk (from a signal handler).
pub fn interrupt() {
    INTERRUPTED.store(true, std::sync::atomic::Ordering::SeqCst);
}

/// Whether the run was interrupted.
pub fn interrupted() -> bool {
    INTERRUPTED.load(std::sync::atomic::Ordering::SeqCst)
}

/// Renders every talk; `on_done` hears of each as it finishes (any thread).
pub fn run(
    talks: Vec<Talk>,
    options: &BatchOptions,
    workers: &Workers,
    on_done: &(dyn Fn(&TalkResult) + Sync),
) -> Report {
    let out_dir = &options.poster.out_dir;
    let reserved = if options.series_outputs { series::reserved_names(&options.poster) } else { Vec::new() };
    let claims = claim_names(&talks, &reserved, &options.poster.templates);
    // The talks that could be read and named, for the series' own files.
    let listed = series::in_date_order(
        (talks.iter().zip(&claims))
            .filter(|(_, claim)| claim.is_none())
            .filter_map(|(t, _)| Some((t.stem.clone(), t.checked.as_ref().ok()?.event.clone())))
            .collect(),
    );
    let manifest = if options.manifest { Manifest::open(out_dir) } else { Manifest::default() };
    let run = Run { options, workers, assets: AssetCache::default(), manifest: Mutex::new(manifest) };
    // The programme is laid out first, by whichever worker is free first,
    // beside the talks: the longest job, it would otherwise come after them
    // on one core.
    let programme = series::plan_programme(&listed, options, &run.assets, &run.manifest.lock_anyway());
    let programme_to_lay_out = Mutex::new(programme.as_ref());
    let programme_laid_out = Mutex::new(None);

    let n = talks.len();
    let queue: Queue = Mutex::new(
        talks.into_iter().zip(claims).enumerate().map(|(i, (t, c))| (i, t, c)).collect::<Vec<_>>().into_iter(),
    );
    let done = Mutex::new(Vec::with_capacity(n));
    let finished = |i: usize, result: TalkResult| {
        on_done(&result);
        done.lock_anyway().push((i, result));
    };
    let work = |slot: usize| {
        let plan = programme_to_lay_out.lock_anyway().take();
        if let Some(plan) = plan
            && !interrupted()
        {
            *programme_laid_out.lock_anyway() = plan.lay_out(workers, slot);
        }
        run.talks_in(slot, &queue, &finished);
    };
    std::thread::scope(|scope| {
        let started = (0..workers.slots().min(n))
            .filter(|&slot| {
                let work = &work;
                let thread = std::thread::Builder::new().stack_size(worker::STACK_SIZE);
                thread.spawn_scoped(scope, move || work(slot)).is_ok()
            })
            .count();
        if started == 0 {
            work(0);
        }
    });
    let mut results = done.into_inner_anyway();
    results.sort_by_key(|(i, _)| *i);
    let results: Vec<TalkResult> = results.into_iter().map(|(_, r)| r).collect();
    let mut manifest = run.manifest.into_inner_anyway();
    let mut report = Report { results, series: Vec::new() };
    if options.series_outputs && !interrupted() {
        let programme = programme.map(|plan| (plan, programme_laid_out.into_inner_anyway()));
        report.series = series::make(&report.results, listed, programme, options, workers, &mut manifest);
    }
    manifest.save();
    report
}

/// A talk on its way: laid out (or failed before its files), its files not
/// yet written.
struct LaidOut {
    named: Named,
    state: State,
}

/// What a talk's result says of it whatever happened to it.
#[derive(Clone)]
struct Named {
    stem: String,
    label: String,
    date: Option<String>,
    caption: String,
}

enum State {
    /// Failed before anything was made for it (not read, or its name
    /// taken): the manifest is left as it is.
    Refused(Failure),
    /// Made, up to date, or failed while being made.
    Made(Result<Step, Failure>),
}

/// What `lay_out` leaves to do.
enum Step {
    /// The manifest shows the files made from the same talk.
    UpToDate,
    /// Its files, to write, and its manifest fingerprint.
    Write { produced: Option<Produced>, documents: Vec<(pipeline::Format, Vec<u8>)>, hash: Option<String> },
}

impl Named {
    fn result(self, outcome: Outcome) -> TalkResult {
        let Named { stem, label, date, caption } = self;
        TalkResult { stem, label, date, caption, outcome }
    }
}

/// The talks still to make, each with its place in the run and whether its
/// output name is taken.
type Queue = Mutex<std::vec::IntoIter<(usize, Talk, Option<Diagnostic>)>>;

impl Run<'_> {
    /// Makes talks from `queue` in the worker of `slot` until none is left
    /// (or the run is interrupted), telling `finished` of each. A talk's
    /// files are written on a thread of their own while the worker lays out
    /// the next talk: writing (each file synced to disk) would otherwise
    /// leave the worker idle. One talk is written at a time; without that
    /// thread, each is written here.
    fn talks_in(&self, slot: usize, queue: &Queue, finished: &(dyn Fn(usize, TalkResult) + Sync)) {
        std::thread::scope(|writing| {
            let (to_write, talks_to_write) = std::sync::mpsc::sync_channel::<(usize, LaidOut)>(0);
            let writer = std::thread::Builder::new().spawn_scoped(writing, move || {
                for (i, talk) in talks_to_write {
                    finished(i, self.write_caught(talk));
                }
            });
            while !interrupted() {
                let next = queue.lock_anyway().next();
                let Some((i, talk, claim)) = next else { break };
                let laid_out = self.lay_out_caught(slot, talk, claim);
                let unsent =
                    if writer.is_ok() { to_write.send((i, laid_out)).err().map(|e| e.0) } else { Some((i, laid_out)) };
                if let Some((i, talk)) = unsent {
                    finished(i, self.write_caught(talk));
                }
            }
        });
    }

    /// `lay_out`, with a panic (a bug in talkposter) reported as that
    /// talk's failure: the other talks go on.
    fn lay_out_caught(&self, slot: usize, talk: Talk, claim: Option<Diagnostic>) -> LaidOut {
        let (stem, label) = (talk.stem.clone(), talk.label.clone());
        caught(|| self.lay_out(slot, talk, claim)).unwrap_or_else(|d| LaidOut {
            named: Named { stem, caption: label.clone(), label, date: None },
            state: State::Refused(d.into()),
        })
    }

    fn lay_out(&self, slot: usize, talk: Talk, claim: Option<Diagnostic>) -> LaidOut {
        let Talk { stem, label, checked } = talk;
        let (date, caption) = match &checked {
            Ok(c) => describe(c),
            Err(_) => (None, label.clone()),
        };
        let state = match (checked, claim) {
            (Err(f), _) => State::Refused(f),
            (Ok(_), Some(d)) => State::Refused(d.into()),
            (Ok(c), None) => State::Made(self.make(slot, &stem, &c)),
        };
        LaidOut { named: Named { stem, label, date, caption }, state }
    }

    /// `write`, with a panic reported as that talk's failure.
    fn write_caught(&self, talk: LaidOut) -> TalkResult {
        let named = talk.named.clone();
        caught(|| self.write(talk)).unwrap_or_else(|d| named.result(Outcome::Failed(d.into())))
    }

    /// Writes a laid-out talk's files and records them in the manifest.
    fn write(&self, talk: LaidOut) -> TalkResult {
        let LaidOut { named, state } = talk;
        let made = match state {
            State::Refused(f) => return named.result(Outcome::Failed(f)),
            State::Made(Ok(Step::UpToDate)) => return named.result(Outcome::UpToDate),
            State::Made(Err(f)) => Err(f),
            State::Made(Ok(Step::Write { produced, documents, hash })) => {
                self.write_files(&named.stem, produced, &documents, hash)
            }
        };
        let outcome = match made {
            Ok((outcome, entry)) => {
                self.record(&named.stem, entry);
                outcome
            }
            Err(f) => {
                self.record(&named.stem, None);
                Outcome::Failed(f)
            }
        };
        named.result(outcome)
    }

    /// Notes in the manifest (when one is kept) what a talk was made from,
    /// or that it failed.
    fn record(&self, stem: &str, entry: Option<Entry>) {
        if self.options.manifest {
            self.manifest.lock_anyway().record(stem, entry);
        }
    }

    /// Lays out one checked talk's posters unless they are up to date.
    fn make(&self, slot: usize, stem: &str, talk: &Checked) -> Result<Step, Failure> {
        let options = &self.options.poster;
        let hash = self.options.manifest.then(|| fingerprint(talk, options, &self.options.font_dirs));
        if let Some(hash) = &hash
            && self.options.skip_current
            && self.manifest.lock_anyway().is_current(&options.out_dir, stem, hash)
        {
            return Ok(Step::UpToDate);
        }
        // The calendar and announcements first: a broken announcement
        // template fails the talk before its poster is laid out.
        let documents = pipeline::documents(&talk.event, stem, options).map_err(|d| d.in_file(talk.origin.file()))?;
        let produced = if pipeline::needs_layout(options) { Some(self.layout(slot, talk, options)?) } else { None };
        Ok(Step::Write { produced, documents, hash })
    }

    /// Writes a talk's files (and its thumbnail); returns what happened and
    /// its manifest entry.
    fn write_files(
        &self,
        stem: &str,
        produced: Option<Produced>,
        documents: &[(pipeline::Format, Vec<u8>)],
        hash: Option<String>,
    ) -> Result<(Outcome, Option<Entry>), Failure> {
        let out_dir = &self.options.poster.out_dir;
        let posters = produced.iter().flat_map(|p| p.files.iter().map(|(s, f, b)| (s.as_str(), *f, b.as_slice())));
        let documents = documents.iter().map(|(f, b)| ("", *f, b.as_slice()));
        let written = pipeline::write(posters.chain(documents), stem, out_dir)?;
        if let Some(thumb) = produced.as_ref().and_then(|p| p.thumbnail.as_ref()) {
            let path = contact_sheet::thumbnail_path(out_dir, stem);
            // A missing thumbnail only leaves a gap on the contact sheet.
            let _ = std::fs::create_dir_all(crate::files::folder_of(&path)).map(|_| write_atomic(&path, thumb));
        }
        let outputs = written.iter().filter_map(|p| p.file_name()).map(|n| n.to_string_lossy().to_string()).collect();
        let (warnings, read) = produced.map(|p| (p.warnings, p.read)).unwrap_or_default();
        let entry = hash.map(|hash| Entry { hash, outputs, read });
        Ok((Outcome::Rendered(written, warnings), entry))
    }

    /// The talk's posters, laid out by its worker.
    fn layout(&self, slot: usize, talk: &Checked, options: &Options) -> Result<Produced, Failure> {
        let mut job = pipeline::prepare(talk, options, &self.assets)?;
        job.side_by_side = self.workers.slots() == 1;
        let note = pipeline::ppi_note(&job);
        match self.workers.poster(slot, job) {
            Ok(Ok(mut produced)) => {
                produced.warnings.extend(note);
                Ok(produced)
            }
            Ok(Err(problems)) => Err(Failure(explain(&problems, &talk.event, &talk.origin))),
            Err(Answerless::Lost(lost)) => Err(costly_field(lost.diagnostic(), &talk.event, &talk.origin).into()),
            Err(bug) => Err(bug.diagnostic().into()),
        }
    }
}

/// A talk that ran out of time or memory: the message points at its longest
/// text, which is what a plain talk spends them on (with `markup: typst`,
/// the markup may be what loops).
fn costly_field(d: Diagnostic, event: &Event, origin: &crate::event::Origin) -> Diagnostic {
    let longest = crate::event::text_fields(event)
        .into_iter()
        .map(|(path, t)| (t.strings().iter().map(|s| s.chars().count()).sum::<usize>(), path))
        .max_by_key(|(n, _)| *n);
    match longest {
        Some((chars, path)) if chars >= 2_000 => {
            let mut located = origin.error(&path, d.message.clone());
            located.help = d.help;
            located.help(format!(
                "its longest text is `{path}` ({chars} characters): shorten it to see whether that is the cause"
            ))
        }
        _ => d.in_file(origin.file()),
    }
}

/// Output names no two talks may share (nor a talk and the batch's own
/// files): the first talk to claim a name keeps it; any later one fails with
/// a message naming the first. A talk drawn with several layouts claims a
/// name for each (`talk`, `talk-story`). Names that differ only in case
/// collide, as they do on macOS and Windows. Talks that failed to load
/// claim nothing.
fn claim_names(
    talks: &[Talk],
    reserved: &[(&'static str, String)],
    command_line: &[crate::event::TemplateRef],
) -> Vec<Option<Diagnostic>> {
    let mut owners: HashMap<String, &str> = HashMap::new();
    talks
        .iter()
        .map(|t| {
            let event = &t.checked.as_ref().ok()?.event;
            let layouts = crate::templates::choose(command_line, &event.templates);
            let names: Vec<String> = layouts
                .iter()
                .enumerate()
                .map(|(i, l)| format!("{}{}", t.stem, crate::templates::suffix(i, l)))
                .collect();
            for name in &names {
                let key = name.to_lowercase();
                if let Some((_, file)) = reserved.iter().find(|(reserved, _)| *reserved == key) {
                    return Some(
                        Diagnostic::new(format!("the output name `{name}` is the series' own (its `{file}`)"))
                            .in_file(std::path::Path::new(&t.label))
                            .help("rename the talk's file: outputs are named after it"),
                    );
                }
                if let Some(first) = owners.get(&key) {
                    return Some(
                        Diagnostic::new(format!("this talk would write `{name}.*`, the name {first} already writes to"))
                            .help("rename one of the files (outputs are named after the talk file, with a layout's name added after the first; names differing only in capitals count as the same)"),
                    );
                }
            }
            for name in names {
                owners.insert(name.to_lowercase(), &t.label);
            }
            None
        })
        .collect()
}

/// The talk's date and a one-line caption: `Dr. Yilun Xu — On Physics-…`.
fn describe(talk: &Checked) -> (Option<String>, String) {
    let e = &talk.event;
    let seen = |t: &crate::event::Text| crate::markup::plain(&crate::text::join_lines(t.pick(e.language)), e.markup);
    let speakers: Vec<String> = e.speakers.iter().map(|s| seen(&s.name)).collect();
    let caption = format!("{} — {}", speakers.join(", "), seen(&e.title));
    (Some(e.time.date.to_string()), caption)
}

/// Runs `f`, turning a panic into an error that says what happened.
fn caught<T>(f: impl FnOnce() -> T) -> Result<T, Diagnostic> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|payload| worker::bug(&worker::said(&*payload)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error_naming_it() {
        let error = caught(|| -> u32 { panic!("index out of bounds") }).unwrap_err();
        assert!(error.message.contains("failed unexpectedly on this talk: index out of bounds"), "{}", error.message);
        assert_eq!(caught(|| 7).unwrap(), 7);
    }
}
