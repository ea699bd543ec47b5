use std::time::Instant;

use crate::Halt;

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
    /// The library scripts, precompiled by [`Engine::compile_library`](crate::Engine::compile_library), in
    /// evaluation order; the caller keeps the same buffers across runs so the realm can be reused.
    pub prelude: &'a [&'a [u8]],
    /// The contract's code, precompiled by [`Engine::compile`](crate::Engine::compile).
    pub program: &'a [u8],
    /// Name of the global function the prelude defines and the run calls.
    pub entry: &'a str,
    /// String arguments passed to `entry` after the program's value.
    pub args: &'a [&'a str],
    /// Memory, stack and time limits for this run.
    pub limits: Limits,
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

/// Whether a run ended by anything but an exception escaping the entry (`host_halted`:
/// a host call ended it), which may leave the realm mid-way.
pub(crate) fn cut_short(result: &Result<String, Halt>, host_halted: bool) -> bool {
    match result {
        Ok(_) => false,
        Err(Halt::Uncaught(_)) => host_halted,
        Err(_) => true,
    }
}
