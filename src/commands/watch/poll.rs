//! Looking at the files instead of being told of changes: for network
//! folders (the system is not told of changes made on another computer) and
//! where the system's watcher cannot start. notify's own PollWatcher
//! compares times to the second, so a second save within the same second
//! would go unseen; this one compares each file's time to the nanosecond,
//! its size and its identity (a new file renamed over it), and reads no
//! file's contents.

use std::collections::{BTreeMap, HashMap};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use notify::event::{EventKind, ModifyKind};
use notify::{Config, Event, EventHandler, RecursiveMode, Watcher, WatcherKind};
use talkposter::sync::LockAnyway;

/// What is compared of each file.
#[derive(PartialEq, Eq)]
struct Stamp {
    modified: Option<SystemTime>,
    len: u64,
    identity: u64,
}

/// Each file of a folder (not of its subfolders), by name.
type Snapshot = HashMap<OsString, Stamp>;

pub(super) struct Poller {
    folders: Arc<Mutex<BTreeMap<PathBuf, Snapshot>>>,
    stop: Arc<AtomicBool>,
}

impl Watcher for Poller {
    fn new<F: EventHandler>(mut handler: F, config: Config) -> notify::Result<Self> {
        let interval = config.poll_interval().unwrap_or(Duration::from_millis(200));
        let folders: Arc<Mutex<BTreeMap<PathBuf, Snapshot>>> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let (watched, stopped) = (folders.clone(), stop.clone());
        std::thread::Builder::new()
            .name("poll".into())
            .spawn(move || {
                while !stopped.load(Ordering::Relaxed) {
                    std::thread::sleep(interval);
                    let mut folders = watched.lock_anyway();
                    for (folder, before) in folders.iter_mut() {
                        let now = snapshot(folder);
                        for name in changed(before, &now) {
                            let event = Event::new(EventKind::Modify(ModifyKind::Any)).add_path(folder.join(name));
                            handler.handle_event(Ok(event));
                        }
                        *before = now;
                    }
                }
            })
            .map_err(notify::Error::io)?;
        Ok(Poller { folders, stop })
    }

    fn watch(&mut self, path: &Path, _mode: RecursiveMode) -> notify::Result<()> {
        let now = snapshot(path);
        self.folders.lock_anyway().insert(path.to_path_buf(), now);
        Ok(())
    }

    fn unwatch(&mut self, path: &Path) -> notify::Result<()> {
        self.folders.lock_anyway().remove(path);
        Ok(())
    }

    fn kind() -> WatcherKind {
        WatcherKind::PollWatcher
    }
}

impl Drop for Poller {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// The files of `folder` now; an unreadable folder has none.
fn snapshot(folder: &Path) -> Snapshot {
    let Ok(entries) = std::fs::read_dir(folder) else { return Snapshot::new() };
    entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            // Through links: a photo may be a link to the real file.
            let meta = std::fs::metadata(entry.path()).ok()?;
            meta.is_file().then(|| (entry.file_name(), stamp(&meta)))
        })
        .collect()
}

fn stamp(meta: &std::fs::Metadata) -> Stamp {
    #[cfg(unix)]
    let identity = std::os::unix::fs::MetadataExt::ino(meta);
    #[cfg(not(unix))]
    let identity = 0;
    Stamp { modified: meta.modified().ok(), len: meta.len(), identity }
}

/// The names written, replaced, created or removed between two looks.
fn changed<'a>(before: &'a Snapshot, now: &'a Snapshot) -> Vec<&'a OsString> {
    let differ = now.iter().filter(|(name, stamp)| before.get(*name) != Some(stamp)).map(|(name, _)| name);
    let gone = before.keys().filter(|name| !now.contains_key(*name));
    differ.chain(gone).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_save_within_the_same_second_is_seen() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("talk.yaml");
        std::fs::write(&file, "title: A").unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let config = Config::default().with_poll_interval(Duration::from_millis(20));
        let mut poller = Poller::new(tx, config).unwrap();
        poller.watch(dir.path(), RecursiveMode::NonRecursive).unwrap();
        for text in ["title: B", "title: C"] {
            std::thread::sleep(Duration::from_millis(5));
            std::fs::write(&file, text).unwrap();
            let event = rx.recv_timeout(Duration::from_secs(10)).unwrap().unwrap();
            assert_eq!(event.paths, vec![file.clone()]);
        }
        std::fs::remove_file(&file).unwrap();
        assert_eq!(rx.recv_timeout(Duration::from_secs(10)).unwrap().unwrap().paths, vec![file.clone()]);
    }
}
