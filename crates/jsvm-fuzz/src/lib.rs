//! Fuzz targets: one function per target, each taking arbitrary bytes, feeding them to one of jsvm's decoders
//! or stages and asserting its invariants. A target panics only when an invariant breaks (or the code under
//! test panics, which is itself the bug): refusals of bad input must come back as error values.
//!
//! The same functions run under libFuzzer (the separate `fuzz/` workspace, `scripts/fuzz.sh`, `make fuzz`) and
//! over the committed corpora in `tests/corpus.rs`, so every crash kept under `fuzz/regressions/` is replayed by
//! `cargo test`. docs/fuzzing.md lists what each target asserts.

#[cfg(feature = "store")]
mod code_cache;
mod compile;
#[cfg(feature = "store")]
mod http;
mod pack;
#[cfg(feature = "store")]
mod records;
mod split;
mod tx;

#[cfg(feature = "store")]
pub use code_cache::code_cache;
pub use compile::{abi_args, bundle, compile};
#[cfg(feature = "store")]
pub use http::http;
pub use pack::pack_scanner;
#[cfg(feature = "store")]
pub use records::records;
pub use tx::{tx_bytes, tx_json};

/// A fuzz target: takes any bytes, panics only on a broken invariant.
pub type Target = fn(&[u8]);

/// Every target by name, as the corpus directories and the fuzz binaries are named.
pub const TARGETS: &[(&str, Target)] = &[
    ("tx_bytes", tx_bytes),
    ("tx_json", tx_json),
    ("abi_args", abi_args),
    ("compile", compile),
    ("bundle", bundle),
    ("pack_scanner", pack_scanner),
    #[cfg(feature = "store")]
    ("records", records),
    #[cfg(feature = "store")]
    ("code_cache", code_cache),
    #[cfg(feature = "store")]
    ("http", http),
];
