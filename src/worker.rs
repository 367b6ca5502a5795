//! Where Typst runs. A talk's layout runs in a worker process that stays
//! warm from talk to talk (its engine, fonts and caches built once), with
//! its heap capped and a time limit on each job. A talk that loops forever,
//! needs too much memory or crashes the layout engine (an allocation
//! failure or a stack overflow cannot be caught inside a process) ends its
//! worker, not the run: the talk is reported failed with the reason, a new
//! worker starts for the next talk, and every other talk is unaffected.
//!
//! The main process and a worker speak in frames on the worker's stdin and
//! stdout: a 4-byte little-endian length, then a postcard-encoded
//! `Request` or `Reply`.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, ExitCode, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;

use crate::contact_sheet::{self, SheetJob};
use crate::diag::Diagnostic;
use crate::layout::{Layouter, Problem};
use crate::limits::{self, WORKER_MEMORY_BYTES};
use crate::memory;
use crate::pipeline::{self, PosterJob, Produced};
use crate::programme::{self, Programme, ProgrammeJob};
use crate::sync::LockAnyway;

pub use crate::limits::STACK_SIZE;

/// A reply larger than this is not one (a PNG of A4 at 1200 ppi is ~100 MB).
const MAX_FRAME_BYTES: u32 = 1 << 30;

/// Work for a worker.
#[derive(Debug, Serialize, Deserialize)]
pub enum Request {
    Poster(Box<PosterJob>),
    Sheet(SheetJob),
    Programme(Box<ProgrammeJob>),
}

/// What a worker sends back for a request.
#[derive(Debug, Serialize, Deserialize)]
pub enum Reply {
    Poster(Result<Produced, Vec<Problem>>),
    Sheet(Result<ByteBuf, Vec<Diagnostic>>),
    Programme(Result<Programme, Vec<Diagnostic>>),
    /// The job hit a bug (a panic), described.
    Panicked(String),
}

/// Where jobs run.
#[derive(Debug, Clone)]
pub enum Isolation {
    /// In worker processes started from this program (the command line).
    Processes { exe: PathBuf },
    /// One talk's posters (`render`): a job that runs only talkposter's own
    /// layouts on checked plain text is laid out in this process, on a
    /// thread of its own under the time limit, with no second process to
    /// start. A job that runs what the talk brings (Typst markup, a custom
    /// layout, fonts of `--font-path`), and one whose first attempt here
    /// panicked, goes to a worker process as with `Processes`.
    ProcessesWhenNeeded { exe: PathBuf },
    /// In the calling thread: no time limit, and a crash ends the process.
    /// For tests and benchmarks that link the library.
    InProcess,
}

/// Why a job came back without a reply.
#[derive(Debug, Clone, PartialEq)]
pub enum Lost {
    TimedOut(Duration),
    OutOfMemory,
    StackOverflow,
    /// Killed by the system (signal 9 not sent by us): usually memory.
    Killed,
    Crashed(String),
    CannotStart(String),
}

impl Lost {
    pub fn diagnostic(&self) -> Diagnostic {
        const TYPST: &str = "with `markup: typst`, look for loops (`for`, `while`) or functions that call themselves in the text; with a custom template, check it the same way";
        match self {
            Lost::TimedOut(limit) => Diagnostic::new(format!(
                "laying out this talk took longer than the time limit of {} s, so it was stopped",
                limit.as_secs()
            ))
            .help(TYPST)
            .help("if the talk is fine and only slow, allow more time with --time-limit SECONDS"),
            Lost::OutOfMemory => Diagnostic::new(format!(
                "laying out this talk needed more than the memory limit of {}, so it was stopped",
                limits::bytes(WORKER_MEMORY_BYTES as u64)
            ))
            .help(TYPST)
            .help("a custom template's page or images may also be too large"),
            Lost::StackOverflow => {
                Diagnostic::new("laying out this talk nested too deeply (the layout engine ran out of stack), so it was stopped")
                    .help(TYPST)
            }
            Lost::Killed => Diagnostic::new("the system stopped the layout of this talk (most likely for lack of memory)")
                .help("close other programs, or render fewer talks at once with -j 1"),
            Lost::Crashed(what) => Diagnostic::new(format!("the layout of this talk stopped unexpectedly ({what})"))
                .help("this is a bug in talkposter or Typst: please report it with this talk's file. The other talks were not affected"),
            Lost::CannotStart(why) => Diagnostic::new(format!("cannot start a layout process: {why}")),
        }
    }
}

/// Why a job has no answer.
#[derive(Debug)]
pub enum Answerless {
    /// Its worker was lost (see `Lost`).
    Lost(Lost),
    /// It hit a bug: what the panic said, or what came back instead.
    Bug(String),
}

impl Answerless {
    fn unexpected(reply: Reply, wanted: &str) -> Self {
        match reply {
            Reply::Panicked(what) => Answerless::Bug(what),
            _ => Answerless::Bug(format!("something else came back for {wanted}")),
        }
    }

    pub fn diagnostic(&self) -> Diagnostic {
        match self {
            Answerless::Lost(lost) => lost.diagnostic(),
            Answerless::Bug(what) => bug(what),
        }
    }
}

impl From<Lost> for Answerless {
    fn from(lost: Lost) -> Self {
        Answerless::Lost(lost)
    }
}

/// Past this many talks, the worker that laid out a programme is replaced
/// by a new one: Typst's caches (comemo's) keep the room they grew to after
/// they are emptied, about 45 KB a talk of the programme (measured with
/// heaptrack: 43 MB after a programme of 1,000 talks, 4 MB after one talk),
/// which the worker would hold to the end of the batch, through the contact
/// sheet. A new worker costs its start-up, once a batch.
const LONG_PROGRAMME: usize = 250;

/// A pool of workers, one per slot; each slot is used by one thread at a
/// time. Processes start on first use and are replaced when lost.
pub struct Workers {
    isolation: Isolation,
    font_dirs: Vec<PathBuf>,
    time_limit: Duration,
    /// The layouter of jobs run in this process.
    layouter: Arc<OnceLock<Layouter>>,
    slots: Vec<Mutex<Option<Process>>>,
}

impl Workers {
    /// Worker processes start at once, so that their start-up (loading the
    /// program, building the engine) overlaps the reading of the talks.
    /// With `ProcessesWhenNeeded`, worker processes start only when a job
    /// needs one (see `warm_up` for this process's own layouter).
    pub fn new(isolation: Isolation, slots: usize, font_dirs: Vec<PathBuf>, time_limit: Duration) -> Self {
        let slots = (0..slots.max(1))
            .map(|_| match &isolation {
                Isolation::Processes { exe } => Mutex::new(Process::start(exe, &font_dirs).ok()),
                Isolation::ProcessesWhenNeeded { .. } | Isolation::InProcess => Mutex::new(None),
            })
            .collect();
        Workers { isolation, font_dirs, time_limit, layouter: Arc::new(OnceLock::new()), slots }
    }

    /// With `ProcessesWhenNeeded`: gets this process's layouter ready on a
    /// thread of its own, the CJK fonts too when `cjk` (the talk has Chinese,
    /// Japanese or Korean text). Only worth it when a poster will be laid
    /// out (not for a calendar file alone).
    pub fn warm_up(&self, cjk: bool) {
        if matches!(self.isolation, Isolation::ProcessesWhenNeeded { .. }) {
            let (layouter, font_dirs) = (self.layouter.clone(), self.font_dirs.clone());
            let _ = std::thread::Builder::new().name("warm-up".into()).spawn(move || {
                warmed(&layouter, font_dirs, cjk);
            });
        }
    }

    pub fn slots(&self) -> usize {
        self.slots.len()
    }

    /// Runs `request` in slot `slot`'s worker.
    pub fn run(&self, slot: usize, request: &Request) -> Result<Reply, Lost> {
        match &self.isolation {
            Isolation::InProcess => {
                let layouter = self.layouter.get_or_init(|| Layouter::new(self.font_dirs.clone()));
                Ok(handle_caught(request, layouter))
            }
            Isolation::ProcessesWhenNeeded { exe } => {
                if let Some(job) = self.trusted(request) {
                    match self.run_here(job) {
                        // Its state after a panic is not to be trusted:
                        // the job is tried again in a worker of its own.
                        Ok(Reply::Panicked(_)) => {}
                        answer => return answer,
                    }
                }
                self.run_in_worker(exe, slot, request)
            }
            Isolation::Processes { exe } => self.run_in_worker(exe, slot, request),
        }
    }

    /// Lays out one talk's posters: what the layout made or found wrong,
    /// or (the error) why there is no answer: a bug, or a lost worker.
    pub fn poster(&self, slot: usize, job: PosterJob) -> Result<Result<Produced, Vec<Problem>>, Answerless> {
        match self.run(slot, &Request::Poster(Box::new(job)))? {
            Reply::Poster(answer) => Ok(answer),
            other => Err(Answerless::unexpected(other, "a poster")),
        }
    }

    /// The contact sheet's PNG, or what is wrong with it.
    pub fn sheet(&self, job: SheetJob) -> Result<Result<ByteBuf, Vec<Diagnostic>>, Answerless> {
        match self.run(0, &Request::Sheet(job))? {
            Reply::Sheet(answer) => Ok(answer),
            other => Err(Answerless::unexpected(other, "the contact sheet")),
        }
    }

    /// The programme's files, or what is wrong with it, made by the worker
    /// of `slot`.
    pub fn programme(&self, slot: usize, job: ProgrammeJob) -> Result<Result<Programme, Vec<Diagnostic>>, Answerless> {
        let long = job.talks.len() > LONG_PROGRAMME;
        let reply = self.run(slot, &Request::Programme(Box::new(job)));
        if long {
            self.replace(slot);
        }
        match reply? {
            Reply::Programme(answer) => Ok(answer),
            other => Err(Answerless::unexpected(other, "the programme")),
        }
    }

    /// Replaces slot `slot`'s worker process with a new one, which starts
    /// now (its start-up overlaps what this thread does next).
    fn replace(&self, slot: usize) {
        if let Isolation::Processes { exe } | Isolation::ProcessesWhenNeeded { exe } = &self.isolation {
            let mut slot = self.slots[slot % self.slots.len()].lock_anyway();
            if let Some(process) = slot.take() {
                process.stop();
            }
            *slot = Process::start(exe, &self.font_dirs).ok();
        }
    }

    /// The poster job of `request` when it runs only talkposter's own code:
    /// built-in layouts, plain text, the bundled fonts.
    fn trusted<'a>(&self, request: &'a Request) -> Option<&'a PosterJob> {
        let Request::Poster(job) = request else { return None };
        let own = job.templates.iter().all(|t| matches!(t, crate::templates::TemplateRef::BuiltIn(_)));
        (own && job.event.markup == crate::event::Markup::Plain && self.font_dirs.is_empty()).then_some(&**job)
    }

    /// Lays `job` out in this process, on a thread with a layout's stack,
    /// waiting at most the time limit. (A layout past it is left to end
    /// with the process: `render` stops there.)
    fn run_here(&self, job: &PosterJob) -> Result<Reply, Lost> {
        let request = Request::Poster(Box::new(job.clone()));
        let (layouter, font_dirs) = (self.layouter.clone(), self.font_dirs.clone());
        let (send, reply) = mpsc::channel();
        let thread = std::thread::Builder::new().name(LAYOUT_THREAD.into()).stack_size(STACK_SIZE);
        thread
            .spawn(move || {
                let _ = send.send(handle_caught(&request, warmed(&layouter, font_dirs, false)));
            })
            .map_err(|e| Lost::CannotStart(format!("a layout thread: {e}")))?;
        match reply.recv_timeout(self.time_limit) {
            Ok(answer) => Ok(answer),
            Err(RecvTimeoutError::Timeout) => Err(Lost::TimedOut(self.time_limit)),
            Err(RecvTimeoutError::Disconnected) => Err(Lost::Crashed("the layout thread ended without a reply".into())),
        }
    }

    /// Runs `request` in slot `slot`'s worker process.
    fn run_in_worker(&self, exe: &PathBuf, slot: usize, request: &Request) -> Result<Reply, Lost> {
        let frame = postcard::to_stdvec(request).map_err(|e| Lost::Crashed(format!("cannot encode the job: {e}")))?;
        let mut slot = self.slots[slot % self.slots.len()].lock_anyway();
        // A worker that died while idle is replaced once.
        for attempt in 0..2 {
            if slot.is_none() {
                *slot = Some(Process::start(exe, &self.font_dirs)?);
            }
            let process = slot.as_mut().expect("started above");
            if write_frame(&mut process.stdin, &frame).is_ok() {
                break;
            }
            slot.take().map(Process::end);
            if attempt == 1 {
                return Err(Lost::CannotStart("the layout process does not take work".into()));
            }
        }
        let process = slot.as_mut().expect("started above");
        match process.replies.recv_timeout(self.time_limit) {
            Ok(Ok(bytes)) => {
                let reply = postcard::from_bytes::<Reply>(&bytes)
                    .map_err(|e| Lost::Crashed(format!("an unreadable reply: {e}")))?;
                if matches!(reply, Reply::Panicked(_)) {
                    // Its state after a panic is not to be trusted.
                    slot.take().map(Process::end);
                }
                Ok(reply)
            }
            Ok(Err(_)) | Err(RecvTimeoutError::Disconnected) => {
                let process = slot.take().expect("present");
                Err(process.end())
            }
            Err(RecvTimeoutError::Timeout) => {
                let mut process = slot.take().expect("present");
                let _ = process.child.kill();
                process.end();
                Err(Lost::TimedOut(self.time_limit))
            }
        }
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        for slot in &self.slots {
            // An idle worker holds nothing worth keeping: it is stopped
            // rather than waited for while it frees its memory.
            if let Some(process) = slot.lock_anyway().take() {
                process.stop();
            }
        }
    }
}

/// A running worker process.
struct Process {
    child: Child,
    stdin: ChildStdin,
    replies: Receiver<std::io::Result<Vec<u8>>>,
    /// The end of what the worker wrote to stderr (why it died).
    stderr: Arc<Mutex<String>>,
    readers: Vec<JoinHandle<()>>,
}

impl Process {
    fn start(exe: &PathBuf, font_dirs: &[PathBuf]) -> Result<Self, Lost> {
        let mut command = Command::new(exe);
        command.arg("worker").envs(crate::memory::allocator_env());
        for dir in font_dirs {
            command.arg("--font-path").arg(dir);
        }
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| Lost::CannotStart(format!("{}: {e}", exe.display())))?;
        let (stdin, mut stdout, mut stderr_pipe) = (
            child.stdin.take().expect("piped"),
            child.stdout.take().expect("piped"),
            child.stderr.take().expect("piped"),
        );
        let (send, replies) = mpsc::channel();
        let reader = std::thread::spawn(move || {
            loop {
                let frame = read_frame(&mut stdout);
                let end = !matches!(frame, Ok(Some(_)));
                if send.send(frame.and_then(|f| f.ok_or_else(|| std::io::ErrorKind::UnexpectedEof.into()))).is_err()
                    || end
                {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let tail = stderr.clone();
        let errors = std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n @ 1..) = stderr_pipe.read(&mut buf) {
                let mut t = tail.lock_anyway();
                t.push_str(&String::from_utf8_lossy(&buf[..n]));
                if t.len() > 16 << 10 {
                    let cut = t.len() - (8 << 10);
                    let cut = (cut..t.len()).find(|i| t.is_char_boundary(*i)).unwrap_or(t.len());
                    t.drain(..cut);
                }
            }
        });
        Ok(Process { child, stdin, replies, stderr, readers: vec![reader, errors] })
    }

    /// Stops an idle process at once rather than wait while it frees its
    /// memory.
    fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Waits for the process to end and says why it did.
    fn end(mut self) -> Lost {
        drop(self.stdin);
        let status = self.child.wait();
        for r in self.readers {
            let _ = r.join();
        }
        let said = self.stderr.lock_anyway().clone();
        classify(status.ok(), &said)
    }
}

fn classify(status: Option<std::process::ExitStatus>, stderr: &str) -> Lost {
    if stderr.contains("memory allocation of") {
        return Lost::OutOfMemory;
    }
    if stderr.contains("has overflowed its stack") {
        return Lost::StackOverflow;
    }
    #[cfg(unix)]
    if let Some(signal) = status.and_then(|s| std::os::unix::process::ExitStatusExt::signal(&s)) {
        if signal == libc::SIGKILL {
            return Lost::Killed;
        }
        return Lost::Crashed(format!("signal {signal}{}", last_line(stderr)));
    }
    match status.and_then(|s| s.code()) {
        Some(code) => Lost::Crashed(format!("exit code {code}{}", last_line(stderr))),
        None => Lost::Crashed(format!("no exit status{}", last_line(stderr))),
    }
}

fn last_line(stderr: &str) -> String {
    stderr.lines().rev().find(|l| !l.trim().is_empty()).map(|l| format!(": {}", l.trim())).unwrap_or_default()
}

fn write_frame(out: &mut impl Write, frame: &[u8]) -> std::io::Result<()> {
    out.write_all(&(frame.len() as u32).to_le_bytes())?;
    out.write_all(frame)?;
    out.flush()
}

/// Writes `message` as one frame, serialized straight into `out` through a
/// buffer: a reply holds a poster's files (megabytes), which are then not
/// copied into a second vector first and held twice.
fn write_message(out: &mut impl Write, message: &impl Serialize) -> std::io::Result<()> {
    let size = postcard::ser_flavors::Size::default();
    let len: usize = postcard::serialize_with_flavor(message, size).map_err(std::io::Error::other)?;
    let frame_len = u32::try_from(len).ok().filter(|&n| n <= MAX_FRAME_BYTES);
    let frame_len = frame_len.ok_or_else(|| std::io::Error::other(format!("a frame of {len} bytes")))?;
    let mut out = std::io::BufWriter::with_capacity(64 << 10, out);
    out.write_all(&frame_len.to_le_bytes())?;
    postcard::to_io(message, &mut out).map_err(std::io::Error::other)?;
    out.flush()
}

/// The next frame, or `None` at the end of the stream.
fn read_frame(input: &mut impl Read) -> std::io::Result<Option<Vec<u8>>> {
    let mut len = [0u8; 4];
    match input.read_exact(&mut len) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let len = u32::from_le_bytes(len);
    if len > MAX_FRAME_BYTES {
        return Err(std::io::Error::other(format!("a frame of {len} bytes")));
    }
    let mut frame = vec![0u8; len as usize];
    input.read_exact(&mut frame)?;
    Ok(Some(frame))
}

/// Does one job, a panic turned into a reply.
fn handle_caught(request: &Request, layouter: &Layouter) -> Reply {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| handle(request, layouter)))
        .unwrap_or_else(|payload| Reply::Panicked(LAST_PANIC.lock_anyway().take().unwrap_or_else(|| said(&*payload))))
}

/// What a panic said (its message, when it is text).
pub fn said(payload: &(dyn std::any::Any + Send)) -> String {
    (payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}

/// A panic (`what`, with its place) as the talk's error.
pub fn bug(what: &str) -> Diagnostic {
    Diagnostic::new(format!("talkposter failed unexpectedly on this talk: {what}"))
        .help("this is a bug in talkposter: please report it with this talk's file. The other talks were rendered")
}

fn handle(request: &Request, layouter: &Layouter) -> Reply {
    match request {
        Request::Poster(job) => Reply::Poster(pipeline::produce(job, layouter)),
        Request::Sheet(job) => Reply::Sheet(contact_sheet::produce(job, layouter).map(ByteBuf::from)),
        Request::Programme(job) => Reply::Programme(programme::produce(job, layouter)),
    }
}

/// Ends this worker when the process that started it is gone (killed,
/// say), even while a talk's layout is stuck in a loop and never reads
/// stdin again.
fn exit_with_parent() {
    #[cfg(unix)]
    {
        let parent = std::os::unix::process::parent_id();
        std::thread::spawn(move || {
            loop {
                std::thread::sleep(Duration::from_millis(250));
                if std::os::unix::process::parent_id() != parent {
                    std::process::exit(3);
                }
            }
        });
    }
}

/// The name of the threads that lay talks out: their panics are reported
/// with the talk (see `install_panic_hook`).
const LAYOUT_THREAD: &str = "layout";

/// The layouter of `cell` for one talk laid out in this process, made and
/// made ready on first use: the engine and the font book, and beside them
/// what its layout would otherwise stop for (the hashes of the font files
/// it will use, the CJK collections when `cjk`; the Chinese tables are the
/// caller's, see `text::warm_up`). Worker processes do without the latter:
/// they serve many talks, and 40 MB of font pages read by each would add
/// to a batch's memory for nothing when no talk is in Chinese.
fn warmed(cell: &OnceLock<Layouter>, font_dirs: Vec<PathBuf>, cjk: bool) -> &Layouter {
    cell.get_or_init(|| {
        let layouter = Layouter::new(font_dirs);
        if let Ok(fonts) = layouter.fonts(false) {
            let _ = std::thread::Builder::new().name("warm-up".into()).spawn(move || fonts.warm_up(cjk));
        }
        layouter.prepare();
        layouter
    })
}

/// Keeps the message and place of each panic for the talk's report; a
/// panic outside a layout thread (a bug in talkposter itself) is also
/// said at once. Either way without the build machine's paths.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let what = said(info.payload());
        let at = info.location().map(|l| format!(" (at {}:{})", source_name(l.file()), l.line())).unwrap_or_default();
        if std::thread::current().name() != Some(LAYOUT_THREAD) {
            crate::diag::print_err(format_args!("talkposter stopped on a bug: {what}{at}\n"));
        }
        *LAST_PANIC.lock_anyway() = Some(format!("{what}{at}"));
    }));
}

/// The message and place of the last panic in a worker, kept by its hook.
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

/// A source file's name as a bug report needs it, without where it was
/// built: `typst-layout-0.15.1/src/inline/shaping.rs`, not the build
/// machine's path to its crate registry.
fn source_name(file: &str) -> &str {
    if !file.starts_with(['/', '\\']) && !file.contains(':') {
        // Already relative: this crate's own `src/…`.
        return file;
    }
    let parts: Vec<(usize, &str)> = file.match_indices(['/', '\\']).collect();
    // From the crate's folder (the one before `src/`), else the file's name.
    match file.rfind("/src/").or_else(|| file.rfind("\\src\\")) {
        Some(src) => {
            let start = parts.iter().rev().map(|(i, _)| *i).find(|i| *i < src).map_or(0, |i| i + 1);
            &file[start..]
        }
        None => parts.last().map_or(file, |(i, _)| &file[i + 1..]),
    }
}

/// The worker's side: `talkposter worker` reads requests from stdin and
/// answers each on stdout until stdin closes.
pub fn serve(font_dirs: Vec<PathBuf>) -> ExitCode {
    memory::set_cap(WORKER_MEMORY_BYTES);
    exit_with_parent();
    install_panic_hook();
    let work = std::thread::Builder::new().name(LAYOUT_THREAD.into()).stack_size(STACK_SIZE).spawn(move || {
        // Ready before the first talk arrives: the engine and the font book.
        let layouter = Layouter::new(font_dirs);
        layouter.prepare();
        let layouter = &layouter;
        let (mut input, mut output) = (std::io::stdin().lock(), std::io::stdout().lock());
        while let Ok(Some(frame)) = read_frame(&mut input) {
            let request = postcard::from_bytes::<Request>(&frame);
            // A programme or contact sheet needs a larger heap than any
            // poster: its pages go back to the system as it frees them,
            // and all of them when it is done.
            let large = !matches!(request, Ok(Request::Poster(_)));
            memory::purge_at_once(large);
            let reply = match request {
                Ok(request) => handle_caught(&request, layouter),
                Err(e) => Reply::Panicked(format!("an unreadable request: {e}")),
            };
            if write_message(&mut output, &reply).is_err() {
                break;
            }
            drop(reply);
            memory::release_free_memory(large);
        }
    });
    match work.map(|w| w.join()) {
        Ok(Ok(())) => ExitCode::SUCCESS,
        _ => ExitCode::FAILURE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panic_locations_name_no_build_machine_path() {
        let registry =
            "/root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/typst-layout-0.15.1/src/inline/shaping.rs";
        assert_eq!(source_name(registry), "typst-layout-0.15.1/src/inline/shaping.rs");
        assert_eq!(source_name("src/layout/mod.rs"), "src/layout/mod.rs");
        assert_eq!(source_name("lib.rs"), "lib.rs");
    }

    #[test]
    fn frames_round_trip_and_end_cleanly() {
        let mut buf = Vec::new();
        write_frame(&mut buf, b"hello").unwrap();
        write_frame(&mut buf, b"").unwrap();
        let mut input = buf.as_slice();
        assert_eq!(read_frame(&mut input).unwrap(), Some(b"hello".to_vec()));
        assert_eq!(read_frame(&mut input).unwrap(), Some(vec![]));
        assert_eq!(read_frame(&mut input).unwrap(), None);
        // A message is framed as its encoding would be.
        let reply = Reply::Sheet(Ok(ByteBuf::from(vec![7u8; 200_000])));
        let mut buf = Vec::new();
        write_message(&mut buf, &reply).unwrap();
        let frame = read_frame(&mut buf.as_slice()).unwrap().unwrap();
        assert_eq!(frame, postcard::to_stdvec(&reply).unwrap());
        let huge = (MAX_FRAME_BYTES + 1).to_le_bytes();
        assert!(read_frame(&mut huge.as_slice()).is_err());
    }

    /// A job for the seed event: plain text, the built-in flyer.
    fn seed_job() -> PosterJob {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/events/2024-06-13-yilun-xu.yaml");
        let talks = crate::series::collect(&[path.into()], &Default::default()).expect("the seed event");
        let event = talks.into_iter().next().expect("one talk").checked.expect("valid").event;
        PosterJob {
            event,
            assets: Default::default(),
            templates: vec![crate::templates::TemplateRef::BuiltIn("flyer".into())],
            formats: vec![pipeline::Format::Pdf],
            ppi: None,
            thumbnail_width: None,
            alt_text: String::new(),
            pdf: crate::export::PdfStandards::none(),
            side_by_side: true,
        }
    }

    fn when_needed(font_dirs: Vec<PathBuf>, time_limit: Duration) -> Workers {
        Workers::new(Isolation::ProcessesWhenNeeded { exe: "/nonexistent/talkposter".into() }, 1, font_dirs, time_limit)
    }

    #[test]
    fn only_talkposters_own_code_is_laid_out_in_process() {
        let workers = when_needed(Vec::new(), Duration::from_secs(60));
        let request = |job: PosterJob| Request::Poster(Box::new(job));
        assert!(workers.trusted(&request(seed_job())).is_some(), "plain text, built-in layout");
        let mut typst = seed_job();
        typst.event.markup = crate::event::Markup::Typst;
        assert!(workers.trusted(&request(typst)).is_none(), "Typst markup runs code from the talk");
        let mut custom = seed_job();
        custom.templates.push(crate::templates::TemplateRef::File("mine.typ".into()));
        assert!(workers.trusted(&request(custom)).is_none(), "a custom layout runs code from the talk");
        let fonts = when_needed(vec!["/some/fonts".into()], Duration::from_secs(60));
        assert!(fonts.trusted(&request(seed_job())).is_none(), "fonts from --font-path are parsed by Typst");
    }

    #[test]
    fn a_trusted_job_is_made_here_without_a_worker_and_within_the_time_limit() {
        // The worker's program does not exist: a reply can only come from
        // this process.
        let workers = when_needed(Vec::new(), Duration::from_secs(120));
        let request = Request::Poster(Box::new(seed_job()));
        match workers.run(0, &request) {
            Ok(Reply::Poster(Ok(produced))) => assert!(produced.files[0].2.starts_with(b"%PDF")),
            other => panic!("{other:?}"),
        }
        // Past the time limit the job is given up, not waited for.
        let hurried = when_needed(Vec::new(), Duration::ZERO);
        assert!(matches!(hurried.run(0, &request), Err(Lost::TimedOut(_))));
    }

    #[test]
    fn a_dead_worker_is_explained_by_what_it_said() {
        assert_eq!(classify(None, "memory allocation of 8000000000000 bytes failed\n"), Lost::OutOfMemory);
        assert_eq!(
            classify(None, "\nthread 'layout' has overflowed its stack\nfatal runtime error: stack overflow"),
            Lost::StackOverflow
        );
        assert!(Lost::TimedOut(Duration::from_secs(60)).diagnostic().message.contains("time limit of 60 s"));
        assert!(Lost::OutOfMemory.diagnostic().message.contains("memory limit of 2 GB"));
    }
}
