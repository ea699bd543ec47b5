//! Why a run stopped without a result: one enum shared by the engines, the runtime's
//! host and the VM (the shape of revm's `HaltReason` and wasmtime's `Trap`). A host ends
//! a run with one ([`crate::HostError::Halt`]), an engine returns one from
//! [`crate::Engine::run`], and the VM turns it into a receipt's status. Its texts are
//! written here only, in [`Halt`]'s `Display`: receipts and logs are made from it, and
//! nothing decides anything by comparing them.

use std::fmt;

/// Why a run stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Halt {
    /// The gas limit was reached.
    OutOfGas,
    /// The transaction's wall-clock deadline passed.
    Timeout,
    /// The run's heap outgrew the memory limit, or a string the engine's longest.
    OutOfMemory,
    /// Calls nested deeper than the meter allows, or the engine's own stack ran out first.
    StackOverflow,
    /// A value the contract threw and did not catch: its deterministic text (`Name: message`
    /// and the contract's frames for an error, the value's string form otherwise).
    Uncaught(String),
    /// The node failed rather than the contract: the engine (unreadable precompiled code,
    /// an internal error) or the host (no gas report, a panic, unreadable state).
    Fault(String),
}

impl fmt::Display for Halt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Halt::OutOfGas => f.write_str("out of gas"),
            Halt::Timeout => f.write_str("execution killed: transaction deadline exceeded"),
            Halt::OutOfMemory => f.write_str("out of memory: the run exceeded its memory limit"),
            // The depth is jsvm-compiler's MAX_CALL_DEPTH, the same on every engine.
            Halt::StackOverflow => f.write_str("stack overflow: calls nested deeper than allowed (at most 1000)"),
            Halt::Uncaught(text) => write!(f, "Uncaught exception: {text}"),
            Halt::Fault(text) => f.write_str(text),
        }
    }
}

impl std::error::Error for Halt {}

#[cfg(test)]
mod tests {
    use super::Halt;

    #[test]
    fn each_halt_has_the_text_receipts_and_logs_always_had() {
        for (halt, text) in [
            (Halt::OutOfGas, "out of gas"),
            (Halt::Timeout, "execution killed: transaction deadline exceeded"),
            (Halt::OutOfMemory, "out of memory: the run exceeded its memory limit"),
            (Halt::StackOverflow, "stack overflow: calls nested deeper than allowed (at most 1000)"),
            (Halt::Uncaught("Error: no".into()), "Uncaught exception: Error: no"),
            (Halt::Uncaught("plain".into()), "Uncaught exception: plain"),
            (Halt::Fault("unreadable precompiled code: x".into()), "unreadable precompiled code: x"),
        ] {
            assert_eq!(halt.to_string(), text, "{halt:?}");
        }
    }
}
