//! A fault-injection hook for the crash tests (crates/jsvm-cli/tests/crash_restart.rs), not a feature.
//!
//! `JSVM_FAULT_CRASH_IN_COMMIT=N` makes the process abort (`std::process::abort`: no destructor, no
//! flush, as a SIGKILL) in the middle of committing the Nth block this process commits: after the
//! block's batch (state, block record, receipts, head record) is written to RocksDB and before
//! anything that follows — the head moving in memory, the node indexing the block, serving it as the
//! head, sending its events and letting its transactions leave the mempool. That is the point where
//! what is on disk and what the process believes differ most, which a SIGKILL at a random moment
//! rarely hits. The variable is read once; unset (or not a number) the hook does nothing.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

/// The environment variable the crash tests set (test hook).
#[doc(hidden)]
pub const CRASH_IN_COMMIT_ENV: &str = "JSVM_FAULT_CRASH_IN_COMMIT";

/// Which commit of this process aborts, read from the environment once.
fn crash_at() -> Option<u64> {
    static AT: OnceLock<Option<u64>> = OnceLock::new();
    *AT.get_or_init(|| std::env::var(CRASH_IN_COMMIT_ENV).ok().and_then(|v| v.trim().parse().ok()))
}

/// Called by the store once a block's batch is written, before the commit goes on: aborts the
/// process at the commit `JSVM_FAULT_CRASH_IN_COMMIT` names (test hook).
pub(crate) fn block_written(height: u64) {
    static COMMITS: AtomicU64 = AtomicU64::new(0);
    let Some(at) = crash_at() else { return };
    if COMMITS.fetch_add(1, Ordering::SeqCst) + 1 == at {
        // The test reads this line to know which block was on disk when the process died.
        eprintln!("{CRASH_IN_COMMIT_ENV}: aborting in the commit of block {height}, its batch written");
        std::process::abort();
    }
}
