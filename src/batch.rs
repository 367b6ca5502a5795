//! Rendering many talks: in parallel on one shared engine, skipping talks
//! that are up to date, one broken talk never stopping the others; then a
//! contact sheet of the whole series. `render FILE` is a batch of one.

use std::path::PathBuf;

use std::sync::Mutex;

use crate::contact_sheet;
use crate::diag::{Diagnostic, Failure};
use crate::event::Event;
use crate::export::write_atomic;
use crate::incremental::{Entry, Manifest, fingerprint};
use crate::pipeline::{self, Options};
use crate::render::Renderer;
use crate::series::Talk;

/// Typst recurses deeply; worker threads need more than rayon's default stack
/// (../shared/typst-facts.md §1).
const STACK_SIZE: usize = 16 << 20;

#[derive(Debug, Clone)]
pub struct BatchOptions {
    pub render: Options,
    /// Worker threads; `None`: one per core.
    pub jobs: Option<usize>,
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

/// Renders every talk; `on_done` hears of each as it finishes (any thread).
pub fn run(
    talks: Vec<Talk>,
    options: &BatchOptions,
    renderer: &Renderer,
    on_done: &(dyn Fn(&TalkResult) + Sync),
) -> Report {
    let out_dir = &options.render.out_dir;
    let manifest = if options.manifest { Manifest::load(out_dir) } else { Manifest::default() };
    let pool = rayon::ThreadPoolBuilder::new().num_threads(options.jobs.unwrap_or(0)).stack_size(STACK_SIZE).build();
    let work = |talk: Talk| {
        let result = run_one_caught(talk, options, renderer, &manifest);
        on_done(&result.0);
        release_free_memory();
        result
    };
    let done: Vec<(TalkResult, Option<Entry>)> = match pool {
        Ok(pool) => each_on_every_thread(&pool, talks, work),
        Err(_) => talks.into_iter().map(work).collect(),
    };

    let mut manifest = manifest;
    let mut results = Vec::new();
    for (result, entry) in done {
        match (&result.outcome, entry) {
            (Outcome::Rendered(..), Some(entry)) => {
                manifest.talks.insert(result.stem.clone(), entry);
            }
            (Outcome::Failed(_), _) => {
                manifest.talks.remove(&result.stem);
            }
            _ => {}
        }
        results.push(result);
    }
    let mut report = Report { results, contact_sheet: None };
    if options.manifest && report.results.iter().any(|r| matches!(r.outcome, Outcome::Rendered(..))) {
        // Losing the manifest only costs a re-render next time: not an error.
        let _ = std::fs::create_dir_all(out_dir).map(|_| manifest.save(out_dir));
    }
    if options.contact_sheet {
        // The posters' cached layouts are of no use to the sheet: free them first.
        typst::comemo::evict(0);
        release_free_memory();
        report.contact_sheet = Some(contact_sheet::make(&report, out_dir, renderer));
    }

    report
}

/// Runs `work` on every item, each thread of `pool` taking the next item
/// when it is done with one; results in the items' order. Not a parallel
/// iterator: Typst and its PDF writer use rayon inside a talk, and a worker
/// waiting for those inner jobs steals whatever is queued in its pool. With
/// talks queued as rayon jobs it started other talks on top of the one it
/// was in (measured: the first poster of 100 was written after 1.2 s, and
/// every thread's stack held several half-done talks). Here the pool's queues
/// only ever hold inner jobs.
fn each_on_every_thread<T: Send, R: Send>(
    pool: &rayon::ThreadPool,
    items: Vec<T>,
    work: impl Fn(T) -> R + Sync,
) -> Vec<R> {
    let n = items.len();
    let queue = Mutex::new(items.into_iter().enumerate());
    let done = Mutex::new(Vec::with_capacity(n));
    // A panic in one thread leaves the locks poisoned but the data whole.
    pool.broadcast(|_| {
        loop {
            let next = queue.lock().unwrap_or_else(|e| e.into_inner()).next();
            let Some((i, item)) = next else { break };
            let result = work(item);
            done.lock().unwrap_or_else(|e| e.into_inner()).push((i, result));
        }
    });
    let mut done = done.into_inner().unwrap_or_else(|e| e.into_inner());
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

/// `run_one`, with a panic (a bug, in talkposter or a library) reported as
/// that talk's failure: the other talks go on.
fn run_one_caught(
    talk: Talk,
    options: &BatchOptions,
    renderer: &Renderer,
    manifest: &Manifest,
) -> (TalkResult, Option<Entry>) {
    let (stem, label) = (talk.stem.clone(), talk.label.clone());
    caught(|| run_one(talk, options, renderer, manifest)).unwrap_or_else(|failure| {
        let outcome = Outcome::Failed(failure.into());
        (TalkResult { stem, caption: label.clone(), label, date: None, outcome }, None)
    })
}

/// Runs `f`, turning a panic into an error that says what happened.
fn caught<T>(f: impl FnOnce() -> T) -> Result<T, Diagnostic> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|payload| {
        let what = (payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Diagnostic::new(format!("talkposter failed unexpectedly on this talk: {what}"))
            .help("this is a bug in talkposter: please report it with this talk's file. The other talks were rendered")
    })
}

fn run_one(
    talk: Talk,
    options: &BatchOptions,
    renderer: &Renderer,
    manifest: &Manifest,
) -> (TalkResult, Option<Entry>) {
    let Talk { stem, label, event, merged } = talk;
    let (date, caption) = event.as_ref().map(describe).unwrap_or((None, label.clone()));
    let result = |outcome| TalkResult {
        stem: stem.clone(),
        label: label.clone(),
        date: date.clone(),
        caption: caption.clone(),
        outcome,
    };
    let event = match event {
        Ok(e) => e,
        Err(f) => return (result(Outcome::Failed(f)), None),
    };
    let out_dir = &options.render.out_dir;
    let hash = options.manifest.then(|| fingerprint(&merged, &event, &options.render, &options.font_dirs));
    if let Some(hash) = &hash
        && options.skip_current
        && manifest.is_current(out_dir, &stem, hash)
    {
        return (result(Outcome::UpToDate), None);
    }
    match pipeline::render_event(renderer, &event, &stem, &options.render) {
        Ok(rendered) => {
            if let Some(thumb) = rendered.thumbnail {
                let path = contact_sheet::thumbnail_path(out_dir, &stem);
                // A missing thumbnail only leaves a gap on the contact sheet.
                let _ = path.parent().map(std::fs::create_dir_all).map(|_| write_atomic(&path, &thumb));
            }
            let names = rendered
                .written
                .iter()
                .filter_map(|p| p.file_name())
                .map(|n| n.to_string_lossy().to_string())
                .collect();
            let entry = hash.map(|hash| Entry { hash, outputs: names });
            (result(Outcome::Rendered(rendered.written, rendered.warnings)), entry)
        }
        Err(f) => (result(Outcome::Failed(f)), None),
    }
}

/// The talk's date and a one-line caption: `Dr. Yilun Xu — On Physics-…`.
fn describe(e: &Event) -> (Option<String>, String) {
    let speakers: Vec<&str> = e.speakers.iter().map(|s| s.name.pick(e.language)).collect();
    let caption = format!("{} — {}", speakers.join(", "), e.title.pick(e.language));
    (Some(e.time.date.to_string()), caption)
}

/// Hands memory freed by the last talks back to the system. Allocators keep
/// freed pages for reuse: with glibc a batch of 100 posters grew to ~270 MB
/// of resident memory around a live heap under 20 MB (measured with massif).
/// mimalloc purges on its own after a delay; collecting every tenth talk keeps
/// the peak lower still (measured: 244 vs 252-277 MB for 100 talks) while
/// freed pages are mostly reused, not faulted in again.
fn release_free_memory() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static CALLS: AtomicUsize = AtomicUsize::new(0);
    if !CALLS.fetch_add(1, Ordering::Relaxed).is_multiple_of(10) {
        return;
    }
    // Safety: mi_collect only returns unused pages; it is thread-safe.
    unsafe {
        libmimalloc_sys::mi_collect(true);
    }
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

    #[test]
    fn every_item_is_worked_on_once_and_results_keep_their_order() {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(3).build().unwrap();
        let seen = Mutex::new(Vec::new());
        let out = each_on_every_thread(&pool, (0..200).collect(), |i: u32| {
            seen.lock().unwrap().push(i);
            i * 2
        });
        assert_eq!(out, (0..200).map(|i| i * 2).collect::<Vec<_>>());
        let mut seen = seen.into_inner().unwrap();
        seen.sort();
        assert_eq!(seen, (0..200).collect::<Vec<_>>());
    }
}
