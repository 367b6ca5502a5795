//! Locks that outlive a panic. A worker thread that panics while holding a
//! lock poisons it; every value guarded here stays valid after any one
//! update (a queue, a list of results, a cache entry), so the others go on
//! with it rather than panic in turn.

use std::sync::{Mutex, MutexGuard, PoisonError};

pub trait LockAnyway<T> {
    /// The guard, poisoned or not.
    fn lock_anyway(&self) -> MutexGuard<'_, T>;
    /// The value, poisoned or not.
    fn into_inner_anyway(self) -> T;
}

impl<T> LockAnyway<T> for Mutex<T> {
    fn lock_anyway(&self) -> MutexGuard<'_, T> {
        self.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn into_inner_anyway(self) -> T {
        self.into_inner().unwrap_or_else(PoisonError::into_inner)
    }
}
