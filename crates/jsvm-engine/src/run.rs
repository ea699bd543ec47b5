use std::time::Instant;

/// Per-run resource limits.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Heap bytes the runtime may hold during the run.
    pub memory_bytes: usize,
    /// Native stack bytes JS recursion may use.
    pub stack_bytes: usize,
    /// Wall-clock instant after which the run is interrupted.
    pub deadline: Instant,
}

/// One run: the prelude scripts build the realm's libraries and define the
/// global entry function; the program's completion value is handed to it.
///
/// Sequence: evaluate each of `prelude` (precompiled) in order; take the
/// function named `entry` from the global object and delete that global (so
/// contract code cannot reach it); evaluate `program`; call
/// `entry(programValue, ...args)`; its result must be a string.
pub struct Invocation<'a> {
    pub prelude: &'a [&'a [u8]],
    pub program: &'a [u8],
    pub entry: &'a str,
    pub args: &'a [&'a str],
    pub limits: Limits,
}

/// Why a run produced no result.
#[derive(Debug, Clone, PartialEq)]
pub enum RunError {
    /// An exception escaped the contract: `message` is its deterministic text.
    Exception(String),
    /// A host call aborted the run ([`crate::HostError::Abort`]).
    Aborted(String),
    /// The wall-clock deadline passed.
    Timeout,
    /// The memory limit was reached.
    OutOfMemory,
    /// The engine itself failed (bad precompiled code, internal error).
    Engine(String),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Exception(m) => write!(f, "{m}"),
            RunError::Aborted(m) => write!(f, "{m}"),
            RunError::Timeout => write!(f, "execution killed: deadline exceeded"),
            RunError::OutOfMemory => write!(f, "out of memory"),
            RunError::Engine(m) => write!(f, "engine error: {m}"),
        }
    }
}

/// Identifies the prelude a realm was built from without reading all of it on
/// every run: where each script lives, its length and its first and last bytes.
/// Callers keep their prelude buffers for as long as the engine (a worker builds
/// its prelude once), so the same buffers mean the same realm.
pub(crate) fn prelude_key(inv: &Invocation<'_>) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for script in inv.prelude {
        let edge = script.len().min(32);
        std::hash::Hash::hash(&(script.as_ptr() as usize, script.len()), &mut hasher);
        std::hash::Hash::hash(&script[..edge], &mut hasher);
        std::hash::Hash::hash(&script[script.len() - edge..], &mut hasher);
    }
    std::hash::Hash::hash(inv.entry, &mut hasher);
    std::hash::Hasher::finish(&hasher)
}
