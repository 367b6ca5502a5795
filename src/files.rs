//! Reading the files a talk names, safely: ordinary files only (never a
//! device such as `/dev/zero`, a pipe or a folder), never more than a limit,
//! and messages a non-programmer can act on. Also the small path rules every
//! module shares.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;
use crate::limits;

/// Reads the whole of `path` if it is an ordinary file of at most `limit`
/// bytes. `what` names the kind of file for the message (`an event file`).
/// The error does not name the file: the caller says where it was named.
pub fn read_limited(path: &Path, limit: u64, what: &str) -> Result<Vec<u8>, Diagnostic> {
    let file = open_regular(path)?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let too_big = |len: u64| {
        let (size, limit) = limits::over(len, limit);
        Diagnostic::new(format!("the file is {size}, over the limit of {limit} for {what}"))
            .help("check that this is the file you meant; a file this large is not a talk's")
    };
    if len > limit {
        return Err(too_big(len));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    // A file that grows while it is read still stops at the limit.
    file.take(limit + 1).read_to_end(&mut bytes).map_err(|e| cannot_read(&e))?;
    if bytes.len() as u64 > limit {
        return Err(too_big(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Opens `path` for reading if it is an ordinary file. Opening never blocks,
/// even on a named pipe with no writer.
pub fn open_regular(path: &Path) -> Result<std::fs::File, Diagnostic> {
    let meta = std::fs::metadata(path).map_err(|e| cannot_read(&e))?;
    check_regular(&meta)?;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| cannot_read(&e))?;
    // The path may have changed between the two looks: check what was opened.
    check_regular(&file.metadata().map_err(|e| cannot_read(&e))?)?;
    Ok(file)
}

/// Why a named file cannot be used.
#[derive(Debug)]
pub enum Unusable {
    /// Nothing by that name: the caller knows best what to suggest.
    Missing,
    Other(Diagnostic),
}

/// Whether `path` is an ordinary file (links followed), without opening it.
pub fn check_file(path: &Path) -> Result<(), Unusable> {
    match std::fs::metadata(path) {
        Ok(meta) => check_regular(&meta).map_err(Unusable::Other),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Unusable::Missing),
        Err(e) => Err(Unusable::Other(cannot_read(&e))),
    }
}

fn check_regular(meta: &std::fs::Metadata) -> Result<(), Diagnostic> {
    if meta.is_file() {
        return Ok(());
    }
    if meta.is_dir() {
        return Err(Diagnostic::new("it is a folder, not a file").help("name a file inside it"));
    }
    Err(Diagnostic::new(format!("it is {}, not an ordinary file", special_kind(meta)))
        .help("name a file saved on disk"))
}

#[cfg(unix)]
fn special_kind(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_char_device() || t.is_block_device() {
        "a device"
    } else if t.is_fifo() {
        "a pipe"
    } else if t.is_socket() {
        "a socket"
    } else {
        "something else"
    }
}

#[cfg(not(unix))]
fn special_kind(_: &std::fs::Metadata) -> &'static str {
    "something else"
}

fn cannot_read(e: &std::io::Error) -> Diagnostic {
    let d = Diagnostic::new(format!("cannot read the file: {}", io_reason(e)));
    if e.kind() == std::io::ErrorKind::NotFound { d.help("check the file name and folder") } else { d }
}

/// Why a file operation failed, in words.
pub fn io_reason(e: &std::io::Error) -> String {
    #[cfg(unix)]
    if e.raw_os_error() == Some(libc::ELOOP) {
        return "it is a link that leads back to itself".into();
    }
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::IsADirectory => "it is a folder, not a file".into(),
        _ => e.to_string(),
    }
}

/// The folder a file is in: `.` for a bare file name (whose `Path::parent`
/// is the empty path).
pub fn folder_of(file: &Path) -> &Path {
    match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// `path` made absolute against the current folder, without touching the
/// disk (links stay links).
pub fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Opens `path` to append, creating it, but never through a symbolic link
/// (the open fails if `path` is one).
pub fn open_append_no_follow(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    options.open(path)
}

/// Refuses an output folder where one of talkposter's own files or folders
/// (`names`, relative to `out_dir`) is a symbolic link: a link planted
/// there would send the batch's writes outside the folder.
pub fn no_links_among(out_dir: &Path, names: &[&str]) -> Result<(), Diagnostic> {
    for name in names {
        let path = out_dir.join(name);
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(Diagnostic::new(format!(
                "`{}` is a link: talkposter writes its own files only inside the output folder",
                path.display()
            ))
            .help("remove the link (it was not made by talkposter), or choose another output folder with -o"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_files_are_read_up_to_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.yaml");
        std::fs::write(&p, "x".repeat(100)).unwrap();
        assert_eq!(read_limited(&p, 100, "an event file").unwrap().len(), 100);
        let e = read_limited(&p, 99, "an event file").unwrap_err();
        assert_eq!(e.message, "the file is 100 bytes, over the limit of 99 bytes for an event file");
    }

    #[cfg(unix)]
    #[test]
    fn devices_pipes_folders_and_link_loops_are_refused_without_reading() {
        let dir = tempfile::tempdir().unwrap();
        let e = read_limited(Path::new("/dev/zero"), 10, "an event file").unwrap_err();
        assert_eq!(e.message, "it is a device, not an ordinary file");
        let fifo = dir.path().join("fifo");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        assert_eq!(read_limited(&fifo, 10, "x").unwrap_err().message, "it is a pipe, not an ordinary file");
        assert_eq!(read_limited(dir.path(), 10, "x").unwrap_err().message, "it is a folder, not a file");
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::os::unix::fs::symlink(&b, &a).unwrap();
        std::os::unix::fs::symlink(&a, &b).unwrap();
        let e = read_limited(&a, 10, "x").unwrap_err();
        assert_eq!(e.message, "cannot read the file: it is a link that leads back to itself");
        let e = read_limited(&dir.path().join("none"), 10, "x").unwrap_err();
        assert_eq!(e.message, "cannot read the file: no such file");
    }

    #[test]
    fn the_folder_of_a_bare_file_name_is_the_current_folder() {
        assert_eq!(folder_of(Path::new("talk.yaml")), Path::new("."));
        assert_eq!(folder_of(Path::new("a/talk.yaml")), Path::new("a"));
        assert_eq!(folder_of(Path::new("/talk.yaml")), Path::new("/"));
    }
}
