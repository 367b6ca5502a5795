//! `talkposter watch EVENT.yaml`: renders the talk, then again whenever a
//! file it is made from is saved: the event file, the `series.yaml` beside
//! it, a photo or logo it shows, its custom layout's folder, an announcement
//! template. A save that breaks the file prints what is wrong and keeps
//! watching; the next good save renders again. Ctrl-C stops.
//!
//! One worker process stays warm between renders, so a save is a poster in
//! about the time of one layout. Folders are watched, not files: editors
//! that save by writing a new file and renaming it are seen too. With
//! `--poll` (network folders) the files are looked at instead (`poll.rs`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, EventKind, ModifyKind, RenameMode};
use notify::{RecursiveMode, Watcher};

use crate::cli::WatchArgs;
use talkposter::assets;
use talkposter::batch::{self, Outcome};
use talkposter::diag::{self, Diagnostic, Failure};
use talkposter::event::TemplateRef;
use talkposter::files::{self, folder_of};
use talkposter::series::{self, SERIES_FILE};
use talkposter::templates;

mod poll;

/// A change that may be partial (a file being written) is waited on until
/// nothing has happened for this long; editors write a file in a few steps.
const SETTLE: Duration = Duration::from_millis(50);

/// After a change that ends a save (the file closed after writing, or
/// renamed into place) only this short pause gathers what belongs with it.
const SETTLE_AFTER_SAVE: Duration = Duration::from_millis(5);

pub(super) fn run(args: WatchArgs) -> Result<ExitCode, Failure> {
    // Something to watch at all: a file (or a link to one) that can be read.
    if !args.event.exists() && !args.event.is_symlink() {
        let message = format!("{}: no such event file", args.event.display());
        return Err(Diagnostic::new(message).help("create one with `talkposter new FILE.yaml`").into());
    }
    files::open_regular(&args.event).map_err(|d| d.in_file(&args.event))?;
    let workers = super::posters::workers(&args.output, 1)?;
    let (tx, rx) = mpsc::channel();
    let mut watcher = start_watcher(tx, args.poll)?;
    // The event's own files are watched before the first render, so that a
    // save made while it renders is seen.
    let mut watched = Watched::default();
    watched.move_to(Watched::of(&args, &[]), watcher.as_mut());
    let mut last_known: Vec<PathBuf> = Vec::new();
    let mut said = false;
    loop {
        if let Some(files) = render_once(&args, &workers) {
            last_known = files;
        }
        // A broken save leaves the pictures unknown: keep watching the last ones.
        let wanted = Watched::of(&args, &last_known);
        if wanted != watched || !said {
            watched.move_to(wanted, watcher.as_mut());
            out!("watching {} for changes (Ctrl-C to stop)", watched.describe(&args.event));
            said = true;
        }
        wait_for_change(&rx, &watched)?;
    }
}

/// How often files are looked at when the system does not tell of changes.
const POLL: Duration = Duration::from_millis(200);

/// The system's watcher (inotify on Linux) or, with `--poll` or where it
/// cannot start (a limit on watchers reached), one that looks at the files'
/// times every [`POLL`].
fn start_watcher(tx: mpsc::Sender<notify::Result<notify::Event>>, poll: bool) -> Result<Box<dyn Watcher>, Failure> {
    if !poll {
        match notify::recommended_watcher(tx.clone()) {
            Ok(w) => return Ok(Box::new(w)),
            Err(e) => {
                err!("note: cannot be told of changes ({e}); looking at the files every {} ms", POLL.as_millis())
            }
        }
    }
    let config = notify::Config::default().with_poll_interval(POLL);
    match poll::Poller::new(tx, config) {
        Ok(w) => Ok(Box::new(w)),
        Err(e) => Err(Diagnostic::new(format!("cannot watch files: {e}")).into()),
    }
}

/// Renders once and prints the outcome. Returns the files the talk is made
/// from, when its event could be read.
fn render_once(args: &WatchArgs, workers: &talkposter::worker::Workers) -> Option<Vec<PathBuf>> {
    let started = Instant::now();
    let options = match super::posters::render_options(&args.output) {
        Ok(o) => o,
        Err(f) => {
            diag::eprint(&f.0);
            out!("{} not rendered: a template named on the command line has a problem (above)", clock());
            return None;
        }
    };
    let talks = match series::collect(std::slice::from_ref(&args.event), &Default::default()) {
        Ok(t) => t,
        Err(f) => {
            diag::eprint(&f.0);
            out!("{} not rendered: the series file has a problem (above)", clock());
            return None;
        }
    };
    let files = talks.first().and_then(|t| t.checked.as_ref().ok()).map(|c| {
        let mut files: Vec<PathBuf> = assets::pictures(&c.event).into_iter().map(|(_, p)| p.to_path_buf()).collect();
        for template in templates::choose(&options.poster.templates, &c.event.templates) {
            if let TemplateRef::File(t) = template {
                files.push(t);
            }
        }
        files
    });
    let report = batch::run(talks, &options, workers, &|_| {});
    let ms = started.elapsed().as_millis();
    for r in report.results {
        match r.outcome {
            Outcome::Rendered(paths, warnings) => {
                diag::eprint(&warnings);
                let paths: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
                out!("{} rendered {} ({ms} ms)", clock(), paths.join(", "));
            }
            Outcome::UpToDate => {}
            Outcome::Failed(f) => {
                diag::eprint(&f.0);
                let n = f.0.len();
                let problems = if n == 1 { "1 problem".to_string() } else { format!("{n} problems") };
                out!("{} not rendered: {problems} (above); the last good poster is kept", clock());
            }
        }
    }
    files
}

/// The time of day, so that each line says which save it answers.
fn clock() -> String {
    jiff::Zoned::now().strftime("%H:%M:%S").to_string()
}

/// What is watched: folders (each non-recursively), and the files in them
/// that matter. A folder in `whole` matters entirely (a layout's folder).
#[derive(Default, PartialEq, Eq)]
struct Watched {
    folders: BTreeSet<PathBuf>,
    files: BTreeSet<PathBuf>,
    whole: BTreeSet<PathBuf>,
}

impl Watched {
    fn of(args: &WatchArgs, known: &[PathBuf]) -> Self {
        let mut w = Watched::default();
        w.add_file(&args.event);
        w.add_file(&folder_of(&args.event).join(SERIES_FILE));
        for file in args.output.announcement.iter() {
            w.add_file(file);
        }
        for t in args.output.template.iter().filter(|t| !templates::is_builtin(t)) {
            w.add_folder_of(Path::new(t));
        }
        for file in known {
            if file.extension().is_some_and(|e| e == "typ") {
                w.add_folder_of(file);
            } else {
                w.add_file(file);
            }
        }
        w
    }

    fn add_file(&mut self, file: &Path) {
        if let Some((folder, name)) = split(file) {
            self.files.insert(folder.join(name));
            self.folders.insert(folder);
        }
    }

    fn add_folder_of(&mut self, file: &Path) {
        if let Some((folder, _)) = split(file) {
            self.whole.insert(folder.clone());
            self.folders.insert(folder);
        }
    }

    /// Whether a change to `path` (as the watcher reports it) matters.
    fn concerns(&self, path: &Path) -> bool {
        split(path)
            .is_some_and(|(folder, name)| self.whole.contains(&folder) || self.files.contains(&folder.join(name)))
    }

    /// Watches `next`'s folders instead of this one's. A folder that cannot
    /// be watched (gone, no permission) is said once and skipped.
    fn move_to(&mut self, next: Watched, watcher: &mut dyn Watcher) {
        for gone in self.folders.difference(&next.folders) {
            let _ = watcher.unwatch(gone);
        }
        for new in next.folders.difference(&self.folders) {
            if let Err(e) = watcher.watch(new, RecursiveMode::NonRecursive) {
                err!("warning: cannot watch {}: {e}", new.display());
            }
        }
        *self = next;
    }

    fn describe(&self, event: &Path) -> String {
        match self.files.len() + self.whole.len() - 1 {
            0 => event.display().to_string(),
            1 => format!("{} and 1 other file", event.display()),
            n => format!("{} and {n} other files or folders", event.display()),
        }
    }
}

/// A path as (its folder, resolved through links, and its name): the form
/// in which the watcher's paths and the talk's paths can be compared.
fn split(path: &Path) -> Option<(PathBuf, std::ffi::OsString)> {
    let name = path.file_name()?.to_os_string();
    let folder = folder_of(path);
    let folder = std::fs::canonicalize(folder).unwrap_or_else(|_| files::absolute(folder));
    Some((folder, name))
}

/// Blocks until a file that matters changes, then until the changes have
/// settled: briefly once a save is complete, longer while a file may still
/// be half written. Reading a file (as rendering does) is not a change.
/// Errors of the watcher are said and waited through; a closed channel
/// ends `watch`.
fn wait_for_change(rx: &mpsc::Receiver<notify::Result<notify::Event>>, watched: &Watched) -> Result<(), Failure> {
    let stopped = || Failure::from(Diagnostic::new("the file watcher stopped"));
    let concerns = |event: &notify::Event| is_change(&event.kind) && event.paths.iter().any(|p| watched.concerns(p));
    let mut saved = loop {
        match rx.recv().map_err(|_| stopped())? {
            Ok(event) if concerns(&event) => break ends_a_save(&event.kind),
            Ok(_) => {}
            Err(e) => err!("warning: watching: {e}"),
        }
    };
    loop {
        match rx.recv_timeout(if saved { SETTLE_AFTER_SAVE } else { SETTLE }) {
            Ok(Ok(event)) if concerns(&event) => saved = ends_a_save(&event.kind),
            Ok(_) => {}
            Err(mpsc::RecvTimeoutError::Timeout) => return Ok(()),
            Err(mpsc::RecvTimeoutError::Disconnected) => return Err(stopped()),
        }
    }
}

/// Whether an event ends a save: the file closed after writing, or a new
/// version renamed into place (how vim and many editors save).
fn ends_a_save(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::Access(AccessKind::Close(AccessMode::Write))
            | EventKind::Modify(ModifyKind::Name(RenameMode::To | RenameMode::Both))
    )
}

/// Whether an event may have changed a file's contents or presence.
fn is_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_matter_only_for_the_talks_files() {
        let dir = tempfile::tempdir().unwrap();
        let layouts = dir.path().join("layouts");
        std::fs::create_dir(&layouts).unwrap();
        let mut w = Watched::default();
        w.add_file(&dir.path().join("talk.yaml"));
        w.add_folder_of(&layouts.join("mine.typ"));
        assert!(w.concerns(&dir.path().join("talk.yaml")));
        assert!(w.concerns(&dir.path().join("./talk.yaml")));
        assert!(!w.concerns(&dir.path().join("other.yaml")));
        assert!(w.concerns(&layouts.join("lib.typ")), "any file of a layout's folder");
        assert_eq!(w.folders.len(), 2);
    }

    #[test]
    fn reading_a_file_is_not_a_change() {
        assert!(!is_change(&EventKind::Access(AccessKind::Open(AccessMode::Any))));
        assert!(!is_change(&EventKind::Access(AccessKind::Close(AccessMode::Read))));
        assert!(is_change(&EventKind::Access(AccessKind::Close(AccessMode::Write))));
        assert!(is_change(&EventKind::Modify(ModifyKind::Any)));
        assert!(is_change(&EventKind::Create(notify::event::CreateKind::File)));
    }

    #[test]
    fn a_save_ends_with_a_close_or_a_rename() {
        assert!(ends_a_save(&EventKind::Access(AccessKind::Close(AccessMode::Write))));
        assert!(ends_a_save(&EventKind::Modify(ModifyKind::Name(RenameMode::To))));
        assert!(!ends_a_save(&EventKind::Modify(ModifyKind::Data(notify::event::DataChange::Any))));
        assert!(!ends_a_save(&EventKind::Create(notify::event::CreateKind::File)));
    }
}
