//! Rendering many talks: one thread per worker takes the next talk when it
//! is done with one, prepares its assets, has its worker lay it out, and
//! writes its files. Talks that are up to date are skipped; one broken,
//! looping or crashing talk never stops the others. The manifest is updated
//! as each talk finishes; a contact sheet of the whole series comes last.
//! `render FILE` is a batch of one.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

use crate::assets::AssetCache;
use crate::contact_sheet::{self, Card, SheetJob};
use crate::diag::{Diagnostic, Failure};
use crate::export::write_atomic;
use crate::incremental::{Entry, Manifest, fingerprint};
use crate::layout::explain::explain;
use crate::pipeline::{self, Options};
use crate::series::{Checked, Talk};
use crate::worker::{self, Reply, Request, Workers};

#[derive(Debug, Clone)]
pub struct BatchOptions {
    /// What to make of each talk, and where.
    pub poster: Options,
    /// Keep the output folder's manifest of what each poster was made from
    /// (batch, not `render`: that makes no thumbnail for the contact sheet).
    pub manifest: bool,
    /// Skip talks the manifest shows up to date (not with `--force`).
    pub skip_current: bool,
    pub contact_sheet: bool,
    /// `--font-path` folders (they take part in the up-to-date check).
    pub font_dirs: Vec<PathBuf>,
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
    /// The contact sheet written, or why it could not be.
    pub contact_sheet: Option<Result<PathBuf, Failure>>,
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

/// Renders every talk; `on_done` hears of each as it finishes (any thread).
pub fn run(
    talks: Vec<Talk>,
    options: &BatchOptions,
    workers: &Workers,
    on_done: &(dyn Fn(&TalkResult) + Sync),
) -> Report {
    let out_dir = &options.poster.out_dir;
    let reserved: &[&str] = if options.contact_sheet { &[contact_sheet::NAME] } else { &[] };
    let claims = claim_names(&talks, reserved);
    let manifest = if options.manifest { Manifest::open(out_dir) } else { Manifest::default() };
    let run = Run { options, workers, assets: AssetCache::default(), manifest: Mutex::new(manifest) };

    let n = talks.len();
    let queue = Mutex::new(talks.into_iter().zip(claims).enumerate());
    let done = Mutex::new(Vec::with_capacity(n));
    let work = |slot: usize| {
        loop {
            let next = queue.lock().unwrap_or_else(|e| e.into_inner()).next();
            let Some((i, (talk, claim))) = next else { break };
            let result = run.one_caught(slot, talk, claim);
            on_done(&result);
            done.lock().unwrap_or_else(|e| e.into_inner()).push((i, result));
        }
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
    let mut results = done.into_inner().unwrap_or_else(|e| e.into_inner());
    results.sort_by_key(|(i, _)| *i);
    let results: Vec<TalkResult> = results.into_iter().map(|(_, r)| r).collect();
    run.manifest.into_inner().unwrap_or_else(|e| e.into_inner()).save();

    let mut report = Report { results, contact_sheet: None };
    if options.contact_sheet {
        report.contact_sheet = Some(make_contact_sheet(&report, out_dir, workers));
    }
    report
}

impl Run<'_> {
    /// `one`, with a panic (a bug in talkposter) reported as that talk's
    /// failure: the other talks go on.
    fn one_caught(&self, slot: usize, talk: Talk, claim: Option<Diagnostic>) -> TalkResult {
        let (stem, label) = (talk.stem.clone(), talk.label.clone());
        caught(|| self.one(slot, talk, claim)).unwrap_or_else(|d| TalkResult {
            stem,
            caption: label.clone(),
            label,
            date: None,
            outcome: Outcome::Failed(d.into()),
        })
    }

    fn one(&self, slot: usize, talk: Talk, claim: Option<Diagnostic>) -> TalkResult {
        let Talk { stem, label, checked } = talk;
        let (date, caption) = match &checked {
            Ok(c) => describe(c),
            Err(_) => (None, label.clone()),
        };
        let result = |outcome| TalkResult {
            stem: stem.clone(),
            label: label.clone(),
            date: date.clone(),
            caption: caption.clone(),
            outcome,
        };
        let checked = match (checked, claim) {
            (Err(f), _) => return result(Outcome::Failed(f)),
            (Ok(_), Some(d)) => return result(Outcome::Failed(d.into())),
            (Ok(c), None) => c,
        };
        let outcome = self.make(slot, &stem, &checked);
        let manifest_entry = match &outcome {
            Ok((_, entry)) => entry.clone(),
            Err(_) => None,
        };
        if self.options.manifest && !matches!(outcome, Ok((Outcome::UpToDate, _))) {
            self.manifest.lock().unwrap_or_else(|e| e.into_inner()).record(&stem, manifest_entry);
        }
        result(match outcome {
            Ok((outcome, _)) => outcome,
            Err(f) => Outcome::Failed(f),
        })
    }

    /// Makes one checked talk's posters unless they are up to date; returns
    /// what happened and, when they were made, its manifest entry.
    fn make(&self, slot: usize, stem: &str, talk: &Checked) -> Result<(Outcome, Option<Entry>), Failure> {
        let options = &self.options.poster;
        let out_dir = &options.out_dir;
        let hash = self.options.manifest.then(|| fingerprint(talk, options, &self.options.font_dirs));
        if let Some(hash) = &hash
            && self.options.skip_current
            && self.manifest.lock().unwrap_or_else(|e| e.into_inner()).is_current(out_dir, stem, hash)
        {
            return Ok((Outcome::UpToDate, None));
        }
        let job = pipeline::prepare(talk, options, &self.assets)?;
        let produced = match self.workers.run(slot, &Request::Poster(Box::new(job))) {
            Ok(Reply::Poster(Ok(produced))) => produced,
            Ok(Reply::Poster(Err(problems))) => return Err(Failure(explain(&problems, &talk.event, &talk.origin))),
            Ok(Reply::Panicked(what)) => return Err(bug(&what).into()),
            Ok(Reply::Sheet(_)) => return Err(bug("a contact sheet came back for a poster").into()),
            Err(lost) => return Err(lost.diagnostic().in_file(talk.origin.file()).into()),
        };
        let written = pipeline::write(&produced, stem, out_dir)?;
        if let Some(thumb) = &produced.thumbnail {
            let path = contact_sheet::thumbnail_path(out_dir, stem);
            // A missing thumbnail only leaves a gap on the contact sheet.
            let _ = std::fs::create_dir_all(crate::files::folder_of(&path)).map(|_| write_atomic(&path, thumb));
        }
        let outputs = written.iter().filter_map(|p| p.file_name()).map(|n| n.to_string_lossy().to_string()).collect();
        let entry = hash.map(|hash| Entry { hash, outputs, read: produced.read });
        Ok((Outcome::Rendered(written, produced.warnings), entry))
    }
}

/// Output names no two talks may share (nor a talk and the batch's own
/// files): the first talk to claim a name keeps it; any later one fails with
/// a message naming the first. Names that differ only in case collide, as
/// they do on macOS and Windows. Talks that failed to load claim nothing.
fn claim_names(talks: &[Talk], reserved: &[&str]) -> Vec<Option<Diagnostic>> {
    let mut owners: HashMap<String, &str> = HashMap::new();
    talks
        .iter()
        .map(|t| {
            t.checked.as_ref().ok()?;
            let key = t.stem.to_lowercase();
            if reserved.contains(&key.as_str()) {
                return Some(
                    Diagnostic::new(format!("the output name `{}` is the batch's own (its `{key}.png`)", t.stem))
                        .in_file(std::path::Path::new(&t.label))
                        .help("rename the talk's file: outputs are named after it"),
                );
            }
            match owners.get(&key) {
                Some(first) => Some(
                    Diagnostic::new(format!(
                        "this talk would write `{}.pdf`, the name {first} already writes to",
                        t.stem
                    ))
                    .help("rename one of the files (outputs are named after the talk file; names differing only in capitals count as the same)"),
                ),
                None => {
                    owners.insert(key, &t.label);
                    None
                }
            }
        })
        .collect()
}

/// The talk's date and a one-line caption: `Dr. Yilun Xu — On Physics-…`.
fn describe(talk: &Checked) -> (Option<String>, String) {
    let e = &talk.event;
    let speakers: Vec<&str> = e.speakers.iter().map(|s| s.name.pick(e.language)).collect();
    let caption = format!("{} — {}", speakers.join(", "), e.title.pick(e.language));
    (Some(e.time.date.to_string()), caption)
}

fn make_contact_sheet(report: &Report, out_dir: &std::path::Path, workers: &Workers) -> Result<PathBuf, Failure> {
    let cards = report
        .results
        .iter()
        .map(|r| Card {
            stem: r.stem.clone(),
            date: r.date.clone(),
            caption: r.caption.clone(),
            failed: matches!(r.outcome, Outcome::Failed(_)),
        })
        .collect();
    let job = SheetJob { cards, out_dir: out_dir.to_path_buf() };
    let png = match workers.run(0, &Request::Sheet(job)) {
        Ok(Reply::Sheet(Ok(png))) => png,
        Ok(Reply::Sheet(Err(errors))) => return Err(Failure(errors)),
        Ok(Reply::Panicked(what)) => return Err(bug(&what).into()),
        Ok(Reply::Poster(_)) => return Err(bug("a poster came back for the contact sheet").into()),
        Err(lost) => return Err(lost.diagnostic().into()),
    };
    std::fs::create_dir_all(out_dir).map_err(|e| {
        Diagnostic::new(format!("cannot create `{}`: {}", out_dir.display(), crate::files::io_reason(&e)))
    })?;
    let path = out_dir.join(format!("{}.png", contact_sheet::NAME));
    write_atomic(&path, &png)?;
    Ok(path)
}

fn bug(what: &str) -> Diagnostic {
    Diagnostic::new(format!("talkposter failed unexpectedly on this talk: {what}"))
        .help("this is a bug in talkposter: please report it with this talk's file. The other talks were rendered")
}

/// Runs `f`, turning a panic into an error that says what happened.
fn caught<T>(f: impl FnOnce() -> T) -> Result<T, Diagnostic> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|payload| {
        let what = (payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        bug(&what)
    })
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
