//! jsvm-engine: the [`Engine`] seam and its implementations, QuickJS (always) and V8 (with
//! the `v8` feature).
//!
//! An engine compiles scripts to a precompiled form (QuickJS bytecode; V8's code cache
//! with the source) and runs one *invocation* at a time in a hot realm, under a memory
//! limit, a stack limit and a wall-clock deadline. It knows nothing of blockchains: the
//! realm reaches the outside world through one host function that a [`Host`] answers, and
//! the JS prelude given by the runtime builds the class libraries over it. [`new_engine`]
//! makes the engine an [`EngineKind`] names.

mod halt;
mod host;
mod kind;
mod quickjs;
mod run;
#[cfg(feature = "v8")]
mod v8;

pub use halt::Halt;
pub use host::{Host, HostError, HostValue};
pub use kind::{new_engine, EngineKind, ENGINE_ENV, V8_NOT_BUILT};
pub use quickjs::QuickJs;
pub use run::{Invocation, Limits};
#[cfg(feature = "v8")]
pub use v8::{v8_version, V8};

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
    /// positions, as built-ins do (where the engine can drop them: V8 cannot).
    fn compile_library(&mut self, name: &str, source: &str) -> Result<Vec<u8>, String> {
        self.compile(name, source)
    }

    /// Runs one invocation and returns the entry's string result, or why it stopped. The realm (lockdown
    /// and prelude) may be reused from an earlier run with the same prelude; it is
    /// hardened, so nothing one run does reaches the next.
    fn run(&mut self, inv: &Invocation<'_>, host: &mut dyn Host) -> Result<String, Halt>;
}

impl<E: Engine + ?Sized> Engine for Box<E> {
    fn version(&self) -> &'static str {
        (**self).version()
    }

    fn compile(&mut self, name: &str, source: &str) -> Result<Vec<u8>, String> {
        (**self).compile(name, source)
    }

    fn compile_library(&mut self, name: &str, source: &str) -> Result<Vec<u8>, String> {
        (**self).compile_library(name, source)
    }

    fn run(&mut self, inv: &Invocation<'_>, host: &mut dyn Host) -> Result<String, Halt> {
        (**self).run(inv, host)
    }
}

#[cfg(test)]
mod tests;
