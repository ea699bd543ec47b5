//! jsvm-engine: the [`Engine`] seam and its QuickJS implementation.
//!
//! An engine compiles scripts to a precompiled form (QuickJS bytecode) and runs
//! one *invocation* at a time in a fresh realm, under a memory limit, a stack
//! limit and a wall-clock deadline. It knows nothing of blockchains: the realm
//! reaches the outside world through one host function that a [`Host`]
//! answers, and the JS prelude given by the runtime builds the class libraries
//! over it.

mod host;
mod quickjs;
mod run;

pub use host::{Host, HostError, HostValue};
pub use quickjs::QuickJs;
pub use run::{Invocation, Limits, RunError};

/// A JavaScript engine owned by one worker thread.
pub trait Engine {
    /// Engine name and version; part of the code-cache key, since precompiled
    /// code from one engine build must never be loaded by another.
    fn version(&self) -> &'static str;

    /// Compiles a classic script to the engine's precompiled form.
    /// `name` appears in stack traces.
    fn compile(&mut self, name: &str, source: &str) -> Result<Vec<u8>, String>;

    /// Compiles one of the VM's own scripts (the class libraries): like
    /// [`Engine::compile`], but its functions show no source text and no
    /// positions, as built-ins do.
    fn compile_library(&mut self, name: &str, source: &str) -> Result<Vec<u8>, String> {
        self.compile(name, source)
    }

    /// Runs one invocation and returns the entry's string result. The realm (lockdown
    /// and prelude) may be reused from an earlier run with the same prelude; it is
    /// hardened, so nothing one run does reaches the next.
    fn run(&mut self, inv: &Invocation<'_>, host: &mut dyn Host) -> Result<String, RunError>;
}
