//! The allocator: mimalloc, with a count of the bytes in use and an
//! optional cap. A worker process sets the cap, so a talk whose layout would
//! need more memory than any poster does fails (the allocation fails and the
//! process aborts) long before the machine runs out; the main process sees
//! the worker die and reports that talk alone.

use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicIsize, AtomicUsize, Ordering};

use mimalloc::MiMalloc;

/// Bytes allocated and not yet freed. Signed: memory allocated before a cap
/// is set may be freed after.
static IN_USE: AtomicIsize = AtomicIsize::new(0);
static CAP: AtomicUsize = AtomicUsize::new(usize::MAX);

/// Caps the heap of this process at `bytes` from now on.
pub fn set_cap(bytes: usize) {
    CAP.store(bytes, Ordering::Relaxed);
}

/// mimalloc, counted and capped. Typst allocates heavily from every thread;
/// mimalloc reuses freed memory per thread where glibc spent a fifth of a
/// batch's time in the kernel (page faults): 100 posters, 2 threads, 3.66 →
/// 3.35 s in one run.
pub struct CappedAlloc;

fn reserve(n: usize) -> bool {
    let before = IN_USE.fetch_add(n as isize, Ordering::Relaxed);
    let cap = CAP.load(Ordering::Relaxed);
    if cap != usize::MAX && before.saturating_add(n as isize) > cap as isize {
        IN_USE.fetch_sub(n as isize, Ordering::Relaxed);
        return false;
    }
    true
}

fn release(n: usize) {
    IN_USE.fetch_sub(n as isize, Ordering::Relaxed);
}

// Safety: every call is passed on to mimalloc unchanged; the count only
// decides whether to pass it on.
unsafe impl GlobalAlloc for CappedAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if !reserve(layout.size()) {
            return std::ptr::null_mut();
        }
        let p = unsafe { MiMalloc.alloc(layout) };
        if p.is_null() {
            release(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if !reserve(layout.size()) {
            return std::ptr::null_mut();
        }
        let p = unsafe { MiMalloc.alloc_zeroed(layout) };
        if p.is_null() {
            release(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { MiMalloc.dealloc(ptr, layout) };
        release(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let old = layout.size();
        if new_size > old && !reserve(new_size - old) {
            return std::ptr::null_mut();
        }
        let p = unsafe { MiMalloc.realloc(ptr, layout, new_size) };
        match (p.is_null(), new_size > old) {
            (true, true) => release(new_size - old),
            (false, false) => release(old - new_size),
            _ => {}
        }
        p
    }
}

/// Hands memory freed by the last jobs back to the system: after a job
/// that needed a large heap (`large`: a programme, a contact sheet), and
/// after every tenth. Between those, a worker keeps the pages it freed for
/// a second (mimalloc's own delay) and reuses them, where handing each back
/// at once had it fault them in again, zeroed, for the next talk. The best
/// of four runs each, alternating: 63 mixed real talks took 2.10 s (3.90 s
/// of CPU) this way, 2.38 s (4.43 s) handing pages back at once, 2.05 s
/// (3.70 s) never, and peaked at 261, 210 and 333 MB; 100 copies of one
/// talk took 1.27 s against 1.71 s (193 and 153 MB). Allocators keep freed
/// pages for reuse: with glibc a batch of 100 posters grew to ~270 MB of
/// resident memory around a live heap under 20 MB (measured with massif).
pub fn release_free_memory(large: bool) {
    static CALLS: AtomicUsize = AtomicUsize::new(0);
    if large || CALLS.fetch_add(1, Ordering::Relaxed).is_multiple_of(10) {
        collect_now();
    }
}

/// Whether freed pages go back to the system at once (`PURGE_AT_ONCE`) or
/// after mimalloc's own delay of a second. A worker has them go back at
/// once while it lays out a programme or contact sheet, whose heap grows
/// with the series (the programme of 1,000 talks lists them all): that
/// batch peaked at 388–394 MB keeping them a second, 325–342 MB this way
/// (mixed talks: the same time).
pub fn purge_at_once(on: bool) {
    let value = if on { PURGE_AT_ONCE.value } else { MIMALLOCS_PURGE_DELAY };
    // Safety: setting an option is a store mimalloc reads when it next purges.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_AT_ONCE.option, value) };
}

/// mimalloc's own `purge_delay`, in milliseconds (a test checks it).
const MIMALLOCS_PURGE_DELAY: std::ffi::c_long = 1000;

/// A mimalloc option, with its environment variable and the value set.
/// Option numbers are their places in mimalloc.h's `mi_option_e`, which
/// libmimalloc-sys does not name (a test checks both by their defaults).
struct Setting {
    option: libmimalloc_sys::mi_option_t,
    env: &'static str,
    value: std::ffi::c_long,
}

/// Commit arenas as they are used, not up front (`arena_eager_commit`):
/// the pages of an arena committed whole are faulted in two megabytes at a
/// time, and stay.
const COMMIT_AS_USED: Setting = Setting { option: 4, env: "MIMALLOC_ARENA_EAGER_COMMIT", value: 0 };
/// Hand freed pages back at once (`purge_delay`: its default waits a
/// second).
const PURGE_AT_ONCE: Setting = Setting { option: 15, env: "MIMALLOC_PURGE_DELAY", value: 0 };

/// The settings of a worker process, as environment variables: read when
/// mimalloc starts, they hold from its first allocation (set later, they
/// come after the arena the runtime's first allocations made).
pub fn allocator_env() -> impl Iterator<Item = (&'static str, String)> {
    [COMMIT_AS_USED].into_iter().map(|s| (s.env, s.value.to_string()))
}

/// For `batch`'s own process, which holds little for long (talks, and each
/// worker's answer until its files are written): freed pages go back at
/// once, arenas are committed as used, and no transparent huge pages, so
/// that touching a few bytes does not make two megabytes resident. The
/// huge pages' setting (Linux's `PR_SET_THP_DISABLE`) is inherited by the
/// workers, whose arenas are committed as used anyway: the batch process
/// peaked at 39 MB with huge pages, 17 MB without, with the same times. A
/// one-talk `render` keeps them all (it spent 12–20 ms more without, faulting
/// pages in four kilobytes at a time). A batch's memory was mostly pages
/// mimalloc kept for reuse: 94 mixed real talks peaked at 538 MB of PSS
/// with its defaults.
pub fn return_memory_promptly() {
    for s in [&COMMIT_AS_USED, &PURGE_AT_ONCE] {
        // Safety: setting an option is a store mimalloc reads when it next
        // purges or reserves an arena.
        unsafe { libmimalloc_sys::mi_option_set(s.option, s.value) };
    }
    #[cfg(target_os = "linux")]
    // Safety: the call only sets a flag of this process (and its children).
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// Returns every unused page now.
pub fn collect_now() {
    // Safety: mi_collect only returns unused pages; it is thread-safe.
    unsafe {
        libmimalloc_sys::mi_collect(true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_options_set_are_mimallocs_purge_delay_and_arena_commit() {
        // Their defaults in the mimalloc built (v3, options.c: 1000 ms and
        // 2); no unit test sets them.
        // Safety: reading an option.
        let defaults: Vec<_> = [&PURGE_AT_ONCE, &COMMIT_AS_USED]
            .iter()
            .map(|s| (s.env, unsafe { libmimalloc_sys::mi_option_get(s.option) }))
            .collect();
        assert_eq!(defaults, [("MIMALLOC_PURGE_DELAY", MIMALLOCS_PURGE_DELAY), ("MIMALLOC_ARENA_EAGER_COMMIT", 2)]);
        assert_eq!(allocator_env().collect::<Vec<_>>(), [("MIMALLOC_ARENA_EAGER_COMMIT", "0".to_string())]);
    }
}
