//! jsvm-state: the layered key-value state under the VM.
//!
//! Reads go down and writes go up through three layers:
//! [`Journal`] (one transaction, with checkpoints per call frame) →
//! [`BlockOverlay`] (the block being executed) → a [`Store`] (RocksDB, or the
//! in-memory [`MemStore`] for unit tests and micro-benchmarks).
//! A block reaches the store as one atomic batch that also carries the block
//! height and the [`state root`](root::next_state_root).
//!
//! This crate knows nothing of JavaScript or contracts: keys and values are bytes.

mod batch;
mod error;
mod fault;
mod journal;
mod keys;
mod mem;
mod overlay;
mod rocks;
pub mod root;
mod store;

pub use error::StateError;
#[doc(hidden)]
pub use fault::CRASH_IN_COMMIT_ENV;
pub use journal::{Checkpoint, Journal, TxState};
pub use keys::KeySpace;
pub use mem::{MemSaved, MemStore};
pub use overlay::{BlockOverlay, LayeredState};
pub use rocks::RocksStore;
pub use store::{BlockCommit, ChainHead, Entries, KnownRoot, Lookup, StateRead, Store, Writes};
